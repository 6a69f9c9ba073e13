"""The claims Chapters 4 and 5 make in their text, asserted on the chapters' own results.

The chapters' code cells are run (once per chapter, without a kernel) and the variables
they leave are checked against what the prose says.  Thresholds come from measurements:
the measured value is in each test's docstring, and every run is deterministic for the
seeds in :mod:`nnlib.chapter_settings` (``CH4_*``, ``CH5_*``).
"""

import contextlib
import functools
import io
from pathlib import Path

import jupytext
import numpy as np
import pytest

from nnlib.activations import get_activation
from nnlib.analysis.activations import activation_minimum
from nnlib.chapter_settings import CH4_DEAD, CH4_RACE, CH5_LAB, CH5_LAMBDAS, CH5_NEAR_ZERO, CH5_PATIENCE
from nnlib.analysis.activations import activation_table, collapse_linear
from nnlib.analysis.regularization import count_near_zero, weights
from nnlib.network import MLP

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
LN2 = float(np.log(2))


@functools.lru_cache(maxsize=None)
def chapter(name: str) -> dict:
    """Run every code cell of chapters/<name>.py in order; return the namespace they leave."""
    path = CHAPTERS / f"{name}.py"
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):      # the cells' prints
        for cell in jupytext.read(path).cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, str(path), "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def ch4():
    return chapter("04_activations")


@pytest.fixture(scope="module")
def ch5():
    return chapter("05_regularization")


# --- chapter 4 ------------------------------------------------------------------------

def test_linear_stack_equals_its_product_matrix(ch4):
    """'stack and product agree on all 1000 inputs (to 1e-12)', with non-zero biases."""
    net, X = ch4["linear_net"], ch4["X"]
    W, b = collapse_linear(net)
    assert W.shape == (1, 2) and abs(b[0]) > 0.1
    np.testing.assert_allclose(net.predict(X), X @ W.T + b, rtol=1e-12, atol=1e-12)
    # ... and the product is literally W4 W3 W2 W1.
    product = net.params["W4"] @ net.params["W3"] @ net.params["W2"] @ net.params["W1"]
    np.testing.assert_allclose(W, product, rtol=1e-12)


def test_relu_with_the_same_weights_is_not_linear(ch4):
    """The ReLU copy bends: its output along the line is not an affine function of t."""
    t, line = ch4["t"], ch4["line"]
    out = ch4["relu_net"].predict(line)[:, 0]
    residual = out - np.polyval(np.polyfit(t, out, 1), t)
    assert np.abs(residual).max() > 0.1


def test_linear_network_fails_where_relu_succeeds(ch4):
    """Circles: identity net validation accuracy 0.49, ReLU net 1.00 (measured)."""
    lin, relu = ch4["nonlinear"]["identity"].history, ch4["nonlinear"]["relu"].history
    assert lin.val_acc[-1] < 0.65
    assert relu.val_acc[-1] >= 0.97
    assert relu.val_acc[-1] - lin.val_acc[-1] > 0.3


@pytest.mark.parametrize("name,z,value", [("gelu", -0.752, -0.170), ("silu", -1.278, -0.278)])
def test_gelu_and_silu_minima(name, z, value):
    """GELU min −0.170 at z = −0.752, SiLU min −0.278 at z = −1.278 (to 3 decimals)."""
    m = activation_minimum(name)
    assert round(m.f, 3) == value and round(m.z, 3) == z
    assert abs(get_activation(name).df(np.array([m.z]))[0]) < 1e-12


def test_the_comparison_table():
    """Ranges and gradient behaviour as the chapter's table prints them."""
    rows = {r["name"]: r for r in activation_table()}
    assert {n: r["range"] for n, r in rows.items()} == {
        "relu": "[0, ∞)", "gelu": "[−0.170, ∞)", "silu": "[−0.278, ∞)", "sigmoid": "(0, 1)",
        "tanh": "(−1, 1)", "identity": "(−∞, ∞)", "leaky_relu": "(−∞, ∞)"}
    assert rows["relu"]["gradient"].startswith("0 or 1")
    assert rows["leaky_relu"]["gradient"].startswith("0.01 or 1")
    assert rows["sigmoid"]["gradient"].startswith("saturating") and rows["sigmoid"]["dmax"] == 0.25
    assert rows["tanh"]["gradient"].startswith("saturating")
    for name in ("gelu", "silu"):          # smooth, with a negative slope somewhere and > 1
        assert rows[name]["gradient"].startswith("smooth")
        assert rows[name]["dmin"] < 0 < 1 < rows[name]["dmax"]
    assert "GPT and BERT" in rows["gelu"]["use"] and "LLaMA" in rows["silu"]["use"]


def test_softmax_ignores_a_shift_of_all_scores(ch4):
    """Scores and the same scores + 1000 give the same probabilities, each row sums to 1."""
    p = ch4["probabilities"]
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p[0], p[1], rtol=1e-12)
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-12)


def test_saturation_numbers():
    """sigmoid′(5)/sigmoid′(0) < 3 %, sigmoid′(10)/sigmoid′(0) < 0.02 %; tanh falls faster;
    GELU′ < 0 at −2 and −5 and > 1 at 2."""
    sig, tanh, gelu = (get_activation(n).df for n in ("sigmoid", "tanh", "gelu"))
    z = np.array([0.0, 5.0, 10.0])
    s = sig(z)
    assert s[1] / s[0] < 0.03 and s[2] / s[0] < 2e-4
    assert tanh(np.array(5.0)) < sig(np.array(5.0))
    assert np.all(gelu(np.array([-2.0, -5.0])) < 0) and gelu(np.array(2.0)) > 1


def test_too_high_learning_rate_kills_relu_units(ch4):
    """lr 0.1: 5 of 96 dead at the end, loss 0.043; lr 2.0: 70 of 96, layer 3 all dead, loss ln 2."""
    (sane, sane_counts), (high, high_counts) = (ch4["dead"][lr] for lr in CH4_DEAD["lrs"])
    n_hidden = ch4["n_hidden"]
    assert n_hidden == 96
    assert sane_counts[-1].sum() <= 10 and sane.history.train_loss[-1] < 0.1
    assert high_counts[-1].sum() >= n_hidden / 2
    assert high_counts[-1][-1] == 32                    # a whole layer
    assert abs(high.history.train_loss[-1] - LN2) < 0.01
    assert high_counts.shape == (high.history.epochs_run + 1, 3)


def test_activation_race_order(ch4):
    """Each its own init, lr 0.1 — first epoch with training loss < 0.3: relu 15, gelu 16,
    silu 26; sigmoid, tanh (Xavier) and identity never (final 0.619, 0.618, 0.616)."""
    race = ch4["race"]

    def first_below(name):
        return next((e for e, L in enumerate(race[name].train_loss) if L < 0.3), None)

    assert max(first_below("relu"), first_below("gelu")) <= first_below("silu")
    for name in ("relu", "gelu", "silu"):
        assert race[name].val_acc[-1] == 1.0
    for name in ("sigmoid", "tanh", "identity"):
        assert first_below(name) is None and race[name].train_loss[-1] > 0.6
    assert race["identity"].val_acc[-1] < 0.7
    assert {n: r.net.init for n, r in ch4["race_runs"].items()} == {
        "relu": "he_normal", "gelu": "he_normal", "silu": "he_normal",
        "sigmoid": "xavier_normal", "tanh": "xavier_normal", "identity": "xavier_normal"}


def test_the_ranking_depends_on_initialisation_and_learning_rate(ch4):
    """Final validation loss (accuracy) of the grid, as the text reads it."""
    grid = ch4["grid"]

    def val(init, lr, name):
        h = grid[(init, lr)][name].history
        return h.val_loss[-1], h.val_acc[-1]

    lrs = CH4_RACE["lrs"]
    # tanh: accuracy > 0.9 with He at every rate (1.00, 1.00, 0.95), < 0.7 with Xavier at each.
    assert all(val("he_normal", lr, "tanh")[1] > 0.9 for lr in lrs)
    assert all(val("xavier_normal", lr, "tanh")[1] < 0.7 for lr in lrs)
    # Xavier for all at 0.1: SiLU fails (0.566), GELU far behind ReLU (0.306 vs 0.011).
    assert val("xavier_normal", 0.1, "silu")[0] > 0.5
    assert val("xavier_normal", 0.1, "gelu")[0] > 10 * val("xavier_normal", 0.1, "relu")[0]
    # sigmoid learns only with He at lr 1 (0.241, 0.89) — where ReLU and GELU end worse than at 0.3.
    assert val("he_normal", 1.0, "sigmoid")[1] > 0.85
    assert all(val(i, lr, "sigmoid")[1] < 0.75 for i in ("he_normal", "xavier_normal")
               for lr in lrs if (i, lr) != ("he_normal", 1.0))
    for name in ("relu", "gelu"):
        assert val("he_normal", 1.0, name)[0] > val("he_normal", 0.3, name)[0] + 0.2
    # No single activation wins every column.
    winners = {min(grid[key], key=lambda n: grid[key][n].history.val_loss[-1]) for key in grid}
    assert len(winners) > 1
    # He's first-layer weights are about 4 times Xavier's for 2 inputs and 32 units.
    assert 4.0 < np.sqrt(2 / 2) / np.sqrt(2 / 34) < 4.2


def test_xavier_starts_tanh_almost_linear_on_the_spirals(ch4):
    """First-layer z at the start: std 0.56 (He), 0.13 (Xavier), "about 4 times smaller";
    at that size tanh(z)/z is 0.99 on average."""
    from nnlib.network import MLP

    X = ch4["race_data"].X_train
    ratio, stds = [], []
    for init in ("he_normal", "xavier_normal"):
        net = MLP(CH4_RACE["train"]["sizes"], activation="tanh", head="sigmoid", init=init, seed=0)
        z = X @ net.params["W1"].T + net.params["b1"]
        stds.append(z.std())
        ratio.append(np.mean(np.tanh(z[z != 0]) / z[z != 0]))
    assert 3.5 < stds[0] / stds[1] < 5 and stds[1] < 0.2
    assert ratio[1] > 0.98


def test_sigmoid_weights_into_a_unit_move_together_per_sample_not_per_batch(ch4):
    """One sample: all 32 units of layer 2 get one-signed incoming gradients; a batch of 64: 78 %."""
    assert min(ch4["per_sample"]) == 1.0 and len(ch4["per_sample"]) == 64
    assert ch4["per_batch"] < 0.9


# --- chapter 5 ------------------------------------------------------------------------

def test_overfitting_is_visible(ch5):
    """Validation loss lowest 0.278 at epoch 22, 0.539 at the end ("about doubles");
    training loss 0.069.  The validation accuracy does not fall: 0.893 → 0.907."""
    h = ch5["plain"].history
    best = int(np.argmin(h.val_loss))
    assert best < 50 and 1.8 < h.val_loss[-1] / h.val_loss[best] < 2.2
    assert h.train_loss[-1] < 0.1 and h.train_loss[-1] < h.train_loss[best]
    assert h.val_acc[best] <= h.val_acc[-1] < h.val_acc[best] + 0.05


def test_regularisers_fix_the_loss_not_the_accuracy_on_this_data(ch5):
    """Best L2 (λ = 0.01): validation accuracy 0.893 < 0.907 at λ = 0; every dropout p:
    ≤ 0.904 < 0.907; batch norm with batches of 16: 0.889 < 0.896."""
    plain = ch5["plain"].history
    assert ch5["best_l2"].history.val_acc[-1] < plain.val_acc[-1]
    assert ch5["best_l2"].history.val_loss[-1] < 0.5 * plain.val_loss[-1]
    assert all(r.history.val_acc[-1] < plain.val_acc[-1] for r in ch5["dropout_runs"][1:])
    runs = ch5["bn_runs"]
    assert runs[(16, "batch")].history.val_acc[-1] <= runs[(16, None)].history.val_acc[-1]


def test_early_stopping_keeps_the_best_epoch(ch5):
    """Best epoch 22, stop after 42 (patience 20) of 150; kept weights: loss 0.278, accuracy
    0.893 (= §1's curve at epoch 22); last weights 0.307; best L2 0.240 / 0.893; best
    dropout (p = 0.2) 0.337."""
    stopped, plain = ch5["stopped"], ch5["plain"].history
    best = int(np.argmin(plain.val_loss)) + 1
    assert stopped.best_epoch == best and stopped.stop_epoch == best + CH5_PATIENCE
    assert stopped.stop_epoch < plain.epochs_run / 3
    np.testing.assert_allclose(ch5["kept_loss"], plain.val_loss[best - 1], rtol=1e-10)
    assert ch5["kept_acc"] == pytest.approx(plain.val_acc[best - 1])
    assert stopped.run.history.val_loss[-1] > ch5["kept_loss"]
    l2 = ch5["best_l2"].history
    assert ch5["kept_loss"] < l2.val_loss[-1] + 0.05 and abs(ch5["kept_acc"] - l2.val_acc[-1]) < 0.005
    assert all(ch5["kept_loss"] < r.history.val_loss[-1] for r in ch5["dropout_runs"])
    assert best == 22                                                   # quoted in the text


def test_epsilon_inside_or_outside_the_square_root():
    """(σ + ε)/√(σ² + ε): within 0.1 % for σ ≥ 0.1, far apart near √ε."""
    eps = 1e-5
    ratio = lambda s: (s + eps) / np.sqrt(s * s + eps)      # noqa: E731
    assert all(abs(ratio(s) - 1) < 1e-3 for s in (1.0, 0.1))
    assert ratio(0.001) < 0.5


def test_batch_norm_parameter_count(ch5):
    """1185 parameters plain, 1249 with batch norm: −h biases, +2h (γ, β) per hidden layer."""
    from nnlib.network import MLP

    sizes = [2, 32, 32, 1]
    plain = MLP(sizes, activation="tanh", head="sigmoid")
    bn = MLP(sizes, activation="tanh", head="sigmoid", norm="batch")
    hidden = sum(sizes[1:-1])
    assert bn.n_params == plain.n_params - hidden + 2 * hidden
    assert "b1" not in bn.params and "b2" not in bn.params


def test_pytorch_running_variance_factor(ch5):
    """Replaying PyTorch's update (unbiased batch variance) gives factors 0.9997, 0.991, 0.940."""
    batches = [ch5["batches"]["its own batch"], ch5["batches"]["its own batch"],
               ch5["batches"]["another batch"]]
    rv = np.ones(3)
    for b in batches:
        rv = 0.9 * rv + 0.1 * b.var(axis=0, ddof=1)
    np.testing.assert_allclose(ch5["rv_torch"], rv, rtol=1e-12)
    bn = ch5["bn"]
    factor = np.sqrt((bn.running_var + bn.eps) / (rv + bn.eps))
    np.testing.assert_allclose(factor, [0.9997, 0.991, 0.940], atol=6e-4)
    assert np.all(factor < 1)


def test_batch_statistics_are_noisy_and_regularise_with_small_batches(ch5):
    """Batch-mean spread 0 (90) and 0.218 σ (16).  Gap (val − train loss): full batch 0.470
    plain vs 0.513 batch norm (no help); batches of 16: 0.670 vs 0.125."""
    from nnlib.analysis.regularization import batch_mean_spread

    z = ch5["z_first"]
    assert batch_mean_spread(z, 90) < 1e-12 and 0.15 < batch_mean_spread(z, 16) < 0.25
    runs = ch5["bn_runs"]
    gap = {k: r.history.val_loss[-1] - r.history.train_loss[-1] for k, r in runs.items()}
    assert gap[(90, "batch")] >= gap[(90, None)] - 0.01
    assert gap[(16, "batch")] < 0.3 * gap[(16, None)]


def test_the_lab_overfits_by_default_and_each_suggestion_works(ch5):
    """The lab's default (50 points, noise 0.4): train 0.109 / val 0.694, accuracy 0.96 / 0.83;
    400 points: 0.252 / 0.302; 50 points with λ = 0.003: validation accuracy 0.881; noise 0:
    validation loss 0.033, accuracy 0.978, no gap to speak of.  The
    widget shows exactly the chapter's printed runs."""
    from nnlib.widgets.regularization import regularization_lab

    box = regularization_lab(seed=0)
    h = box.lab["run"].history
    assert h.val_loss == ch5["lab_runs"]["1. 50 points"].history.val_loss
    assert h.val_loss[-1] - h.train_loss[-1] > 0.4 and h.train_acc[-1] - h.val_acc[-1] > 0.1
    assert f"{h.val_loss[-1]:.3f} (validation)" in box.children[1].value
    box.controls["n_train"].value = 400
    more = box.lab["run"].history
    assert more.val_loss[-1] - more.train_loss[-1] < 0.1
    box.controls["n_train"].value = CH5_LAB["n_train"]
    box.controls["l2"].value = 3e-3
    assert box.lab["run"].history.val_acc[-1] > h.val_acc[-1] + 0.03
    box.controls["l2"].value = 0.0
    box.controls["noise"].value = 0.0
    clean = box.lab["run"].history
    assert clean.val_loss[-1] - clean.train_loss[-1] < 0.05 and clean.val_acc[-1] > 0.95


def test_weight_decay_equals_the_l2_gradient_for_sgd(ch5):
    nets = ch5["nets"]
    for k in nets[0].params:
        np.testing.assert_allclose(nets[0].params[k], nets[1].params[k], rtol=1e-12)


def test_the_chosen_lambda_beats_lambda_zero(ch5):
    """Best λ = 0.01: validation loss 0.240 against 0.539 at λ = 0 (less than half);
    λ = 0.1 is worse again (0.366): underfitting."""
    runs = ch5["l2_runs"]
    val = np.array([r.history.val_loss[-1] for r in runs])
    best = ch5["best_l2"]
    assert best.value == 0.01 and best is runs[int(np.argmin(val))]
    assert best.history.val_loss[-1] < 0.5 * val[0]
    assert val[-1] > best.history.val_loss[-1] + 0.05        # up to a point


def test_larger_lambda_smaller_weights_higher_training_loss(ch5):
    runs = ch5["l2_runs"]
    norms = [np.linalg.norm(weights(r.net)) for r in runs]
    largest = [np.abs(weights(r.net)).max() for r in runs]
    train = [r.history.train_loss[-1] for r in runs]
    assert np.all(np.diff(norms) < 0) and np.all(np.diff(largest) < 0)
    assert np.all(np.diff(train) > 0)


def test_l1_gives_more_near_zero_weights_than_l2_at_the_same_lambda(ch5):
    """Near-zero (|w| < 0.01) of 1120: L2 33 31 64 141 310, L1 242 644 1000 1097 850 for
    λ = 0.0003 … 0.03; weight norms within a factor 1.3 of each other."""
    l2_runs, l1_runs = ch5["l2_runs"][1:], ch5["l1_runs"]
    total = weights(l1_runs[0].net).size
    for lam, r2, r1 in zip(CH5_LAMBDAS[1:], l2_runs, l1_runs):
        assert r1.value == r2.value == lam
        if lam > 0.03:
            continue
        n2, n1 = count_near_zero(r2.net, CH5_NEAR_ZERO), count_near_zero(r1.net, CH5_NEAR_ZERO)
        assert n1 > 2 * n2, (lam, n1, n2)
        if lam >= 0.003:
            assert n1 > total / 2                                # "most of them"
        ratio = np.linalg.norm(weights(r1.net)) / np.linalg.norm(weights(r2.net))
        assert 0.75 < ratio < 1.33, (lam, ratio)


def test_l1_at_lambda_one_tenth_predicts_one_half(ch5):
    """λ = 0.1 with L1: validation loss 0.697 ≈ ln 2."""
    run = ch5["l1_runs"][-1]
    assert run.value == 0.1 and abs(run.history.val_loss[-1] - LN2) < 0.02


def test_inverted_dropout_keeps_the_mean(ch5):
    a_train = ch5["a_train"]
    assert abs(np.mean(a_train == 0) - 0.5) < 0.01 and abs(a_train.mean() - 1) < 0.01
    assert set(np.unique(a_train)) == {0.0, 2.0}


def test_the_full_network_approximates_the_dropout_ensemble(ch5):
    """Thinned nets 0.863 on average; their average 0.885 = the full network's 0.885;
    mean |average − full| = 0.043."""
    p_masks, p_eval, y_val = ch5["p_masks"], ch5["p_eval"], ch5["y_val"]
    single = ch5["single_acc"]
    full = np.mean((p_eval > 0.5) == y_val)
    ensemble = np.mean((p_masks.mean(0) > 0.5) == y_val)
    assert single.mean() < full - 0.01
    assert abs(ensemble - full) <= 0.01
    assert np.abs(p_masks.mean(0) - p_eval).mean() < 0.06


def test_dropout_slows_overfitting_but_l2_does_better(ch5):
    """Final validation loss 0.539 at p = 0, 0.337 … 0.442 for p = 0.2 … 0.7; training loss
    rises with p; lowest-ever validation loss no better than p = 0's 0.278; best L2 0.240."""
    runs = ch5["dropout_runs"]
    final = [r.history.val_loss[-1] for r in runs]
    lowest = [min(r.history.val_loss) for r in runs]
    train = [r.history.train_loss[-1] for r in runs]
    assert all(v < final[0] for v in final[1:])
    assert np.all(np.diff(train) > 0)
    assert min(lowest[1:]) > lowest[0] - 0.01
    assert ch5["best_l2"].history.val_loss[-1] < min(final)


def test_batch_norm_statistics_and_modes(ch5):
    out = ch5["out"]
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=1e-3)


def test_batch_norm_at_a_high_learning_rate(ch5):
    """Plain: loss 0.693, accuracy 0.43, dead [19, 19, 32]; batch norm: 0.026, 1.00, no dead units."""
    from nnlib.analysis.activations import dead_unit_counts
    plain, bn = ch5["high_lr"][None], ch5["high_lr"]["batch"]
    X = ch5["spirals"].X_train
    assert abs(plain.history.train_loss[-1] - LN2) < 0.01
    assert bn.history.train_loss[-1] < 0.1 and bn.history.val_acc[-1] >= 0.95
    assert dead_unit_counts(plain.net, X).sum() >= 48 and dead_unit_counts(bn.net, X).sum() == 0


def test_activation_distributions_layer_by_layer(ch5):
    """s = 0.05: σ of layer 6 is 8e-5; s = 1.0: 62 % of layer 6 beyond ±0.99; with batch norm
    both scales give nearly the same values (correlation ≥ 0.9990, mean |difference| ≤ 0.017,
    from ε), σ ≈ 0.67 in every layer."""
    from nnlib.analysis.regularization import hidden_activations
    X = ch5["X_deep"]

    def layers(s, norm):
        net = MLP([2] + [32] * 6 + [1], activation="tanh", head="sigmoid", init="normal",
                  init_std=s, norm=norm, seed=0)
        return hidden_activations(net, X, train=True)

    small, large = layers(0.05, None), layers(1.0, None)
    assert small[-1].std() < 1e-3
    assert np.mean(np.abs(large[-1]) > 0.99) > 0.5
    corr = [np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(*ch5["violins"])]
    assert len(corr) == 6 and min(corr) > 0.999                   # the printed correlations
    bn_small, bn_large = layers(0.05, "batch"), layers(1.0, "batch")
    for a, b in zip(bn_small, bn_large):
        assert np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.999
        assert np.abs(a - b).mean() < 0.02 and abs(a.std() - b.std()) < 0.01
        assert 0.5 < a.std() < 0.8


def test_layer_norm_per_sample_and_batch_of_one(ch5):
    np.testing.assert_allclose(ch5["batch_out"].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(ch5["layer_out"].mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(ch5["alone"], ch5["layer_out"][:1], rtol=1e-12)
