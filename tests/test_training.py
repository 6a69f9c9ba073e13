import warnings

import numpy as np
import pytest

from nnlib.datasets import load_dataset, make_moons, make_sine, make_xor
from nnlib.network import MLP
from nnlib.optimizers import SGD, Adam
from nnlib.training import History, TrainingDivergedWarning, train


def _finite(history):
    values = (history.train_loss + history.val_loss + history.train_acc + history.val_acc
              + history.penalty)
    return all(np.isfinite(v) for v in values)


def _weight_norm(net):
    return np.sqrt(sum(np.sum(v ** 2) for k, v in net.params.items() if k.startswith("W")))


# --- learning --------------------------------------------------------------------------------

def test_loss_decreases_on_xor():
    X, y = make_xor(n=200, noise=0.05, seed=0)
    net = MLP([2, 8, 1], activation="tanh", head="sigmoid", seed=0)
    h = train(net, X, y, optimizer=Adam(lr=0.03), epochs=60, batch_size=32)
    assert not h.diverged and h.epochs_run == 60 and h.message == "trained for 60 epochs"
    assert h.train_loss[-1] < 0.5 * h.train_loss[0]
    assert h.train_acc[-1] >= 0.9
    assert h.val_loss == [] and h.val_acc == []


def test_moons_with_validation_and_default_optimizer():
    d = load_dataset("moons", n=200, seed=0)
    net = MLP([2, 16, 1], activation="relu", head="sigmoid", seed=0)
    h = train(net, d.X_train, d.y_train, d.X_val, d.y_val, epochs=40)
    assert len(h.train_loss) == len(h.val_loss) == len(h.train_acc) == len(h.val_acc) == 40
    assert h.train_loss[-1] < h.train_loss[0] and h.val_loss[-1] < h.val_loss[0]
    assert h.val_acc[-1] >= 0.85
    assert all(0.0 <= a <= 1.0 for a in h.train_acc + h.val_acc)
    assert h.penalty == [0.0] * 40


def test_softmax_spirals():
    d = load_dataset("spirals", n=150, k=3, seed=0)
    net = MLP([2, 32, 32, 3], activation="relu", head="softmax", seed=0)
    h = train(net, d.X_train, d.y_train, d.X_val, d.y_val, optimizer=Adam(lr=0.01), epochs=30)
    assert h.train_loss[-1] < h.train_loss[0]
    assert h.train_acc[-1] > 0.6


def test_regression_records_no_accuracy():
    X, y = make_sine(n=100, seed=0)
    net = MLP([1, 16, 1], activation="tanh", head="identity", seed=0)
    h = train(net, X, y, X[:20], y[:20], optimizer=Adam(lr=0.01), epochs=30)
    assert h.train_acc == [] and h.val_acc == []
    assert len(h.val_loss) == 30 and h.train_loss[-1] < h.train_loss[0]


def test_float32_network_stays_float32():
    X, y = make_moons(n=64, dtype=np.float32)
    net = MLP([2, 8, 1], head="sigmoid", seed=0, dtype=np.float32)
    h = train(net, X, y, optimizer=Adam(lr=0.01), epochs=5)
    assert all(v.dtype == np.float32 for v in net.params.values())
    assert all(isinstance(v, float) for v in h.train_loss)


def test_batch_size_larger_than_n_is_full_batch():
    X, y = make_xor(n=20)
    net = MLP([2, 4, 1], head="sigmoid", seed=0)
    h = train(net, X, y, epochs=3, batch_size=1000)
    assert h.epochs_run == 3


# --- divergence ------------------------------------------------------------------------------

def test_huge_lr_stops_with_message_and_warning():
    X, y = make_sine(n=100, seed=0)
    net = MLP([1, 16, 1], activation="relu", head="identity", seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = train(net, X, y, X, y, optimizer=SGD(lr=5.0), epochs=50)
    assert h.diverged
    assert h.message.startswith("training stopped at epoch ")
    assert "learning rate 5.0 is too large; try 0.5" in h.message
    assert h.epochs_run < 50 and _finite(h)
    # exactly our warning: no NumPy overflow warnings leak out
    assert [w.category for w in caught] == [TrainingDivergedWarning]
    assert str(caught[0].message) == h.message
    assert issubclass(TrainingDivergedWarning, RuntimeWarning)
    assert all(np.all(np.isfinite(v)) for v in net.params.values())


def test_huge_lr_on_classification_warns():
    X, y = make_xor(n=100)
    net = MLP([2, 8, 1], head="sigmoid", seed=0)
    with pytest.warns(TrainingDivergedWarning, match="learning rate 1000.0"):
        h = train(net, X, y, optimizer=SGD(lr=1000.0), epochs=20)
    assert h.diverged and _finite(h)


class _Sabotage(SGD):
    """SGD that blows the weights up to ``value`` at its ``at``-th step."""

    def __init__(self, at, value, lr=0.1):
        super().__init__(lr=lr)
        self.at, self.value, self.calls = at, value, 0

    def step(self, params, grads):
        super().step(params, grads)
        self.calls += 1
        if self.calls == self.at:
            for k in params:
                if k.startswith("W"):
                    params[k][...] = self.value


@pytest.mark.parametrize("activation, value, reason", [
    ("relu", 1e300, "inf/NaN"),           # the outputs overflow to inf inside the network
    ("identity", 1e100, "the loss became inf"),   # outputs finite, their square overflows
])
def test_blow_up_mid_training_keeps_history_finite_and_restores_params(activation, value, reason):
    X, y = make_sine(n=64, seed=0)
    net = MLP([1, 4, 1], activation=activation, head="identity", seed=0)
    snapshots = []

    def keep(epoch, history):
        snapshots.append({k: v.copy() for k, v in net.params.items()})

    # 64 rows / 16 per batch = 4 steps per epoch: step 10 is in epoch 3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = train(net, X, y, optimizer=_Sabotage(at=10, value=value), epochs=10,
                  batch_size=16, callback=keep)
    assert h.diverged and h.epochs_run == 2 and _finite(h)
    assert "training stopped at epoch 3" in h.message and reason in h.message
    assert "learning rate 0.1" in h.message
    assert [w.category for w in caught] == [TrainingDivergedWarning]
    for k, v in net.params.items():      # back to the end of epoch 2
        np.testing.assert_array_equal(v, snapshots[-1][k])


def test_non_finite_start_is_refused():
    X, y = make_sine(n=16)
    net = MLP([1, 4, 1], head="identity", seed=0)
    net.params["W1"][...] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")             # and no NumPy warning on the way
        with pytest.raises(ValueError, match="before any step"):
            train(net, X, y, epochs=1)


# --- callback, determinism, regularisation ---------------------------------------------------

@pytest.mark.parametrize("answer", [True, "stop"])
def test_callback_can_stop(answer):
    X, y = make_xor(n=64)
    net = MLP([2, 4, 1], head="sigmoid", seed=0)
    seen = []

    def cb(epoch, history):
        assert isinstance(history, History) and history.epochs_run == epoch
        seen.append(epoch)
        return answer if epoch == 3 else None

    h = train(net, X, y, epochs=100, callback=cb)
    assert seen == [1, 2, 3] and h.epochs_run == 3 and not h.diverged
    assert "stopped by the callback after epoch 3" == h.message


def test_callback_false_does_not_stop():
    X, y = make_xor(n=32)
    net = MLP([2, 4, 1], head="sigmoid", seed=0)
    h = train(net, X, y, epochs=4, callback=lambda e, hist: False)
    assert h.epochs_run == 4


def _run(seed, dropout=0.2):
    d = load_dataset("moons", n=100, seed=0)
    net = MLP([2, 8, 8, 1], head="sigmoid", dropout=dropout, seed=0)
    h = train(net, d.X_train, d.y_train, d.X_val, d.y_val, epochs=5, batch_size=16, seed=seed)
    return h, net


def test_same_seed_same_history_different_seed_differs():
    state = np.random.get_state()[1].copy()
    (h1, n1), (h2, n2), (h3, _) = _run(1), _run(1), _run(2)
    assert h1 == h2
    for k in n1.params:
        np.testing.assert_array_equal(n1.params[k], n2.params[k])
    assert h1.train_loss != h3.train_loss
    np.testing.assert_array_equal(np.random.get_state()[1], state)   # global RNG untouched


def test_seed_accepts_generator():
    h1, _ = _run(np.random.default_rng(3), dropout=0.0)
    h2, _ = _run(3, dropout=0.0)
    assert h1 == h2


@pytest.mark.parametrize("kind", ["l2", "l1"])
def test_regularisation_shrinks_weights(kind):
    X, y = make_moons(n=100, seed=0)
    norms, penalties = {}, {}
    for lam in [0.0, 0.05]:
        net = MLP([2, 16, 1], head="sigmoid", seed=0)
        h = train(net, X, y, optimizer=Adam(lr=0.01), epochs=30, **{kind: lam})
        norms[lam], penalties[lam] = _weight_norm(net), h.penalty
    assert norms[0.05] < 0.8 * norms[0.0]
    assert penalties[0.0][-1] == 0.0 and penalties[0.05][-1] > 0.0


def test_penalty_is_recorded_as_the_l2_term():
    from nnlib.regularizers import l2_penalty

    X, y = make_xor(n=32)
    net = MLP([2, 4, 1], head="sigmoid", seed=0)
    h = train(net, X, y, epochs=2, l2=0.1)
    assert h.penalty[-1] == pytest.approx(l2_penalty(net.params, 0.1))


def test_progress_bar():
    pytest.importorskip("tqdm")
    X, y = make_xor(n=32)
    net = MLP([2, 4, 1], head="sigmoid", seed=0)
    assert train(net, X, y, epochs=2, progress=True).epochs_run == 2


# --- validation ------------------------------------------------------------------------------

@pytest.fixture
def small():
    X, y = make_xor(n=20)
    return MLP([2, 4, 1], head="sigmoid", seed=0), X, y


def test_length_mismatch_names_both(small):
    net, X, y = small
    with pytest.raises(ValueError, match="20 rows in X and 19 in y"):
        train(net, X, y[:-1])
    with pytest.raises(ValueError, match="20 rows in X_val and 5 in y_val"):
        train(net, X, y, X, y[:5])
    with pytest.raises(ValueError, match="X_val and y_val must be given together"):
        train(net, X, y, X_val=X)


@pytest.mark.parametrize("kwargs, err, match", [
    ({"epochs": 0}, ValueError, "epochs must be >= 1"),
    ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
    ({"batch_size": 2.5}, TypeError, "batch_size must be an integer"),
    ({"l2": -0.1}, ValueError, "l2"),
    ({"l1": float("nan")}, ValueError, "l1"),
    ({"seed": "x"}, TypeError, "seed"),
    ({"callback": 3}, TypeError, "callback"),
    ({"progress": "yes"}, TypeError, "progress"),
    ({"optimizer": "adam"}, TypeError, "optimizer"),
])
def test_bad_arguments(small, kwargs, err, match):
    net, X, y = small
    with pytest.raises(err, match=match):
        train(net, X, y, **kwargs)


def test_bad_net_and_data(small):
    net, X, y = small
    with pytest.raises(TypeError, match="net must be"):
        train("mlp", X, y)
    with pytest.raises(TypeError, match="X"):
        train(net, X.astype(np.float32), y)       # network is float64
    with pytest.raises(ValueError, match="0 or 1"):
        train(net, X, y + 1)                       # labels 1, 2 for a sigmoid head


def test_batches_fold_a_single_leftover_row():
    from nnlib.training import _batches

    sizes = lambda n, bs: [len(b) for b in _batches(np.arange(n), bs)]  # noqa: E731
    assert sizes(10, 4) == [4, 4, 2]
    assert sizes(9, 4) == [4, 5]
    assert sizes(1, 4) == [1]
    assert sizes(3, 1) == [1, 1, 1]


def test_batch_norm_with_a_leftover_row_and_divergence_restores_running_stats():
    X, y = make_moons(n=33, seed=0)                 # 33 = 32 + 1
    net = MLP([2, 8, 8, 1], head="sigmoid", norm="batch", seed=0)
    h = train(net, X, y, epochs=2, batch_size=32)
    assert h.epochs_run == 2
    bn = [block.norm for block in net.blocks if block.norm is not None]
    before = [(layer.running_mean.copy(), layer.running_var.copy()) for layer in bn]
    with pytest.warns(TrainingDivergedWarning):
        h = train(net, X, y, optimizer=_Sabotage(at=1, value=1e300), epochs=3, batch_size=8)
    assert h.diverged and h.epochs_run == 0
    for layer, (mean, var) in zip(bn, before):
        np.testing.assert_array_equal(layer.running_mean, mean)
        np.testing.assert_array_equal(layer.running_var, var)
    assert np.all(np.isfinite(net.predict(X)))


def test_warn_false_reports_divergence_without_a_warning():
    import warnings

    from nnlib.datasets import make_xor
    from nnlib.network import MLP
    from nnlib.optimizers import SGD
    from nnlib.training import train

    X, y = make_xor(64, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = train(MLP([2, 8, 1], head="sigmoid"), X, y, optimizer=SGD(lr=1e4),
                        epochs=5, warn=False)
    assert history.diverged and "learning rate" in history.message


# --- bad input is refused before the first step, naming the argument ------------------------

def _tiny():
    X, y = make_moons(n=40, seed=0)
    return MLP([2, 4, 1], head="sigmoid", seed=0), X, y


@pytest.mark.parametrize("where, name", [("y", "y"), ("y_val", "y_val")])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nonfinite_labels_are_blamed_on_the_labels_not_the_network(where, name, bad):
    net, X, y = _tiny()
    y = y.astype(float)
    y_bad = y.copy()
    y_bad[3] = bad
    before = {k: v.copy() for k, v in net.params.items()}
    kwargs = dict(X_val=X, y_val=y_bad) if where == "y_val" else dict(X_val=X, y_val=y)
    with pytest.raises(ValueError, match=rf"^{name} must contain only finite numbers"):
        train(net, X, y_bad if where == "y" else y, epochs=2, **kwargs)
    assert all(np.array_equal(net.params[k], before[k]) for k in before)


def test_validation_errors_name_x_val_and_y_val():
    net, X, y = _tiny()
    with pytest.raises(ValueError, match=r"X_val must have 2 columns"):
        train(net, X, y, X_val=np.ones((5, 3)), y_val=np.zeros(5), epochs=1)
    with pytest.raises(ValueError, match=r"X_val and y_val must have the same number of rows"):
        train(net, X, y, X_val=X, y_val=y[:-1], epochs=1)
    with pytest.raises(ValueError, match=r"^y_val does not fit the bce loss"):
        train(net, X, y, X_val=X, y_val=np.full(len(y), 3), epochs=1)


def test_an_optimizer_class_instead_of_an_instance_says_how_to_make_one():
    net, X, y = _tiny()
    with pytest.raises(TypeError, match=r"pass Adam\(lr=\.\.\.\)"):
        train(net, X, y, optimizer=Adam, epochs=1)


def test_an_error_during_training_leaves_the_network_as_it_was():
    net, X, y = _tiny()
    before = {k: v.copy() for k, v in net.params.items()}

    def fails_in_epoch_2(epoch, history):
        if epoch == 2:
            raise RuntimeError("callback failed")

    with pytest.raises(RuntimeError, match="callback failed"):
        train(net, X, y, epochs=3, callback=fails_in_epoch_2)
    assert all(np.array_equal(net.params[k], before[k]) for k in before)
