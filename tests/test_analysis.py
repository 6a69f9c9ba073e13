"""nnlib.analysis (activations, training, regularization), and the pictures and widgets that draw its results."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlib.analysis.activations import (activation_table, collapse_linear, dead_unit_counts,
                                        train_counting_dead_units)
from nnlib.analysis.regularization import (count_near_zero, dropout_ensemble, hidden_activations,
                                           weights)
from nnlib.analysis.training import Run, final_losses, sweep, train_run
from nnlib.datasets import load_dataset
from nnlib.network import MLP
from nnlib.training import History
from nnlib.viz import activations, new_axes, regularization
from nnlib.viz._base import new_panels
from nnlib.viz.tables import markdown_table
from nnlib.widgets.activations import activation_race_widget
from nnlib.widgets.regularization import sweep_widget

SMALL = dict(sizes=[2, 6, 1], optimizer="sgd", lr=0.5, epochs=4, batch_size=16, seed=0)


@pytest.fixture(scope="module")
def data():
    return load_dataset("moons", n=60, noise=0.2, val_fraction=0.5, seed=0)


@pytest.fixture(scope="module")
def runs(data):
    return sweep(data, "l2", [0.0, 0.01, 0.1], **SMALL)


# --- training ------------------------------------------------------------------------

def test_train_run_is_reproducible(data):
    a, b = train_run(data, **SMALL), train_run(data, **SMALL)
    assert isinstance(a, Run) and isinstance(a.history, History) and a.value is None
    assert a.history.train_loss == b.history.train_loss
    for k in a.net.params:
        np.testing.assert_array_equal(a.net.params[k], b.net.params[k])


def test_train_run_callback_sees_epoch_zero_and_every_epoch(data):
    seen = []
    train_run(data, callback=lambda net, epoch, h: seen.append((epoch, h.epochs_run)), **SMALL)
    assert seen == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_train_run_optimizers(data, optimizer):
    run = train_run(data, **{**SMALL, "optimizer": optimizer, "lr": 0.01})
    assert run.history.epochs_run == SMALL["epochs"]


def test_train_run_rejects_an_unknown_optimizer(data):
    with pytest.raises(ValueError, match="optimizer"):
        train_run(data, **{**SMALL, "optimizer": "rmsprop"})


def test_sweep_changes_only_the_swept_setting(runs):
    assert [r.value for r in runs] == [0.0, 0.01, 0.1]
    # same initial weights and batch order: λ = 0 and a tiny λ start identically
    assert runs[0].history.train_loss[0] != runs[2].history.train_loss[0]
    train, val = final_losses(runs)
    assert train.shape == val.shape == (3,)
    assert val[0] == runs[0].history.val_loss[-1]


def test_sweep_equals_individual_runs(data, runs):
    alone = train_run(data, l2=0.01, **SMALL)
    assert alone.history.val_loss == runs[1].history.val_loss


@pytest.mark.parametrize("name,values,settings,match", [
    ("l2", [], SMALL, "at least one"),
    ("lr", [0.1], SMALL, "cannot also be fixed"),
    ("data", [1], SMALL, "setting of train_run"),
    (3, [1], SMALL, "setting of train_run"),
])
def test_sweep_rejects_bad_requests(data, name, values, settings, match):
    with pytest.raises(ValueError, match=match):
        sweep(data, name, values, **settings)


# --- measurements -----------------------------------------------------------------------

def test_collapse_linear_reproduces_the_stack():
    net = MLP([3, 5, 4, 2], activation="identity", head="identity", seed=1)
    rng = np.random.default_rng(0)
    for l in range(1, net.L + 1):
        net.params[f"b{l}"][:] = rng.normal(size=net.sizes[l])
    W, b = collapse_linear(net)
    X = rng.normal(size=(7, 3))
    assert W.shape == (2, 3) and b.shape == (2,)
    np.testing.assert_allclose(X @ W.T + b, net.predict(X), rtol=1e-12, atol=1e-12)


def test_collapse_linear_refuses_non_linear_networks():
    with pytest.raises(ValueError, match="purely linear"):
        collapse_linear(MLP([2, 3, 1], activation="relu", head="identity"))
    with pytest.raises(ValueError, match="purely linear"):
        collapse_linear(MLP([2, 3, 1], activation="identity", head="sigmoid"))
    with pytest.raises(TypeError, match="MLP"):
        collapse_linear("net")


def test_dead_unit_counts_finds_a_unit_that_never_fires():
    net = MLP([2, 4, 3, 1], activation="relu", head="sigmoid", seed=0)
    X = np.random.default_rng(0).normal(size=(50, 2))
    before = dead_unit_counts(net, X)
    net.params["W1"][1] = 0.0
    net.params["b1"][1] = -1.0                    # unit 2 of layer 1: z = −1 for every input
    net.params["W2"][0] = -np.abs(net.params["W2"][0]) - 1.0
    net.params["b2"][0] = -10.0                   # unit 1 of layer 2: z ≤ −10 (a ≥ 0 below)
    counts = dead_unit_counts(net, X)
    assert counts.dtype.kind == "i" and counts.shape == (2,)
    assert counts[0] == before[0] + 1 and counts[1] >= max(before[1], 1)


def test_train_counting_dead_units_has_a_row_per_epoch(data):
    run, counts = train_counting_dead_units(data, **{**SMALL, "sizes": [2, 6, 5, 1]})
    assert counts.shape == (SMALL["epochs"] + 1, 2)
    assert np.all(counts >= 0) and np.all(counts[:, 0] <= 6) and np.all(counts[:, 1] <= 5)
    fresh = MLP([2, 6, 5, 1], head="sigmoid", seed=0)
    assert counts[0].tolist() == dead_unit_counts(fresh, data.X_train).tolist()
    assert counts[-1].tolist() == dead_unit_counts(run.net, data.X_train).tolist()


def test_weights_and_near_zero_count():
    net = MLP([2, 3, 1], seed=0, norm="layer")
    assert weights(net).size == 2 * 3 + 3 * 1       # no biases, no gamma/beta
    net.params["W1"][...] = [[0.001, -0.005], [0.02, 1.0], [-0.5, 0.0]]
    net.params["W2"][...] = [[0.009, -2.0, 0.3]]
    np.testing.assert_array_equal(weights(net), [0.001, -0.005, 0.02, 1.0, -0.5, 0.0,
                                                 0.009, -2.0, 0.3])
    assert count_near_zero(net, tol=0.01) == 4 and count_near_zero(net, tol=1.5) == 8
    with pytest.raises(ValueError):
        count_near_zero(net, tol=0)


def test_hidden_activations_shapes_and_modes():
    net = MLP([2, 5, 4, 1], dropout=0.5, seed=0)
    X = np.ones((3, 2))
    a_eval = hidden_activations(net, X)
    assert [a.shape for a in a_eval] == [(3, 5), (3, 4)]
    a_train = hidden_activations(net, X, train=True, seed=1)
    assert any(np.any(a == 0) for a in a_train)   # some units dropped
    np.testing.assert_array_equal(hidden_activations(net, X, train=True, seed=1)[0], a_train[0])


def test_dropout_ensemble():
    net = MLP([2, 8, 1], head="sigmoid", dropout=0.5, seed=0)
    X = np.random.default_rng(0).normal(size=(10, 2))
    p_masks, p_eval = dropout_ensemble(net, X, n_masks=7, seed=0)
    assert p_masks.shape == (7, 10, 1) and p_eval.shape == (10, 1)
    assert not np.allclose(p_masks[0], p_masks[1])
    no_dropout = MLP([2, 8, 1], head="sigmoid", seed=0)
    p_masks, p_eval = dropout_ensemble(no_dropout, X, n_masks=3)
    np.testing.assert_allclose(p_masks, np.broadcast_to(p_eval, p_masks.shape))
    with pytest.raises(ValueError, match="batch norm"):
        dropout_ensemble(MLP([2, 4, 1], norm="batch"), X)


# --- tables ---------------------------------------------------------------------------

def test_activation_table_rows():
    rows = activation_table(["relu", "tanh"])
    assert [r["name"] for r in rows] == ["relu", "tanh"]
    assert {"name", "formula", "range", "gradient", "use", "min_z", "min_value"} <= set(rows[0])
    assert rows[0]["min_z"] is None and rows[1]["range"] == "(−1, 1)"
    with pytest.raises(ValueError):
        activation_table(["softmax"])


def test_markdown_table():
    text = markdown_table([{"a": 1, "b": -0.5, "c": "x|y"}, {"a": 2, "b": 1e-5, "c": "z"}],
                          ["a", "b", "c"], ["A", "B", "C"])
    lines = text.splitlines()
    assert lines[0] == "| A | B | C |" and lines[1] == "|---|---|---|"
    assert lines[2] == r"| 1 | −0.5 | x\|y |" and lines[3] == "| 2 | 1e−05 | z |"
    assert markdown_table([{"k": 1}]).startswith("| k |")
    # a "|" in a header would split the column and break the whole table
    assert markdown_table([{"max |w|": 1.0}]).splitlines()[0] == r"| max \|w\| |"
    with pytest.raises(ValueError):
        markdown_table([])
    with pytest.raises(ValueError):
        markdown_table([{"a": 1}], ["a"], ["A", "B"])


# --- pictures -------------------------------------------------------------------------

def _history(n=5, offset=0.0):
    h = History()
    h.train_loss = list(np.linspace(0.7, 0.1, n) + offset)
    h.val_loss = list(np.linspace(0.7, 0.3, n) + offset)
    return h


PLOTS = {
    "linear_collapse": lambda ax: activations.plot_linear_collapse(
        np.linspace(0, 1, 5), {"stack": np.arange(5.0), "product": np.arange(5.0)}, ax=ax),
    "dead_units": lambda ax: activations.plot_dead_units({"lr": np.ones((4, 2), int)}, 10, ax=ax),
    "weight_histogram": lambda ax: regularization.plot_weight_histogram(
        {"a": np.linspace(-4, 4, 50), "b": np.zeros(10)}, ax=ax),
    "sweep_summary": lambda ax: regularization.plot_sweep_summary([0, 0.1, 1], [0.1, 0.2, 0.3],
                                                         [0.5, 0.3, 0.4], ax=ax),
    "near_zero": lambda ax: regularization.plot_near_zero([0.1, 1], {"L1": [5, 9], "L2": [1, 2]}, 10,
                                                 0.01, ax=ax),
    "layer_distributions": lambda ax: regularization.plot_layer_distributions(
        [np.random.default_rng(0).normal(size=(20, 3)), np.zeros((20, 3))], ax=ax, title="t"),
    "early_stopping": lambda ax: regularization.plot_early_stopping(_history(n=8), 3, 7, ax=ax),
}


@pytest.mark.parametrize("name", list(PLOTS))
def test_plot_makes_a_bare_figure_or_uses_the_given_axes(name):
    before = plt.get_fignums()
    fig, ax = PLOTS[name](None)
    assert isinstance(fig, Figure) and ax.figure is fig
    assert plt.get_fignums() == before              # nothing registered with pyplot
    fig.canvas.draw()
    fig2, ax2 = new_axes()
    assert PLOTS[name](ax2) == (fig2, ax2)


def test_multi_panel_plots():
    before = plt.get_fignums()
    race = {"relu": _history(), "tanh": _history(offset=0.1)}
    fig, axes = activations.plot_activation_race(race, names=["tanh"])
    assert len(axes) == 2 and all(ax.figure is fig for ax in axes)
    visible = [line.get_label() for line in axes[0].lines if line.get_visible()]
    assert visible == ["tanh"]
    fig, axes = regularization.plot_normalization({"z": np.ones((2, 3)), "out": -np.ones((2, 3)) * 1e-9})
    assert len(axes) == 2
    assert "−0.0" not in [t.get_text() for t in axes[1].texts]
    fig.canvas.draw()
    assert plt.get_fignums() == before
    with pytest.raises(ValueError, match="axes"):
        new_panels(3, axes=axes)


# --- widgets --------------------------------------------------------------------------

def test_activation_race_widget_toggles_lines():
    race = {"relu": _history(), "gelu": _history(offset=0.05), "sigmoid": _history(offset=0.2)}
    box = activation_race_widget(race, shown=["relu"])
    assert set(box.controls) == {"show_relu", "show_gelu", "show_sigmoid"}
    view = box.views[0]
    count, image = view.render_count, view.image.value
    box.controls["show_sigmoid"].value = True
    assert view.render_count == count + 1 and view.image.value != image
    shown = {line.get_label() for line in view.axes[0].lines if line.get_visible()}
    assert shown == {"relu", "sigmoid"}
    for name in race:
        box.controls[f"show_{name}"].value = False      # nothing chosen: a hint, no error
    assert view.render_count == count + 3         # gelu was off already: no change, no redraw
    with pytest.raises(ValueError):
        activation_race_widget({})


def test_activation_race_widget_with_a_grid_switches_learning_rate_and_initialisation():
    grid = {(init, lr): {"relu": _history(offset=lr), "tanh": _history(offset=lr + (init == "he_normal"))}
            for init in ("recommended", "he_normal") for lr in (0.1, 1.0)}
    box = activation_race_widget(grid, start=("recommended", 1.0))
    assert {"init", "lr", "show_relu", "show_tanh"} <= set(box.controls)
    assert box.controls["lr"].value == 1.0
    view = box.views[0]
    for name, value in (("lr", 0.1), ("init", "he_normal")):
        count, image = view.render_count, view.image.value
        box.controls[name].value = value
        assert view.render_count == count + 1 and view.image.value != image
    line = next(ln for ln in view.axes[0].lines if ln.get_label() == "tanh")
    np.testing.assert_allclose(line.get_ydata(), grid[("he_normal", 0.1)]["tanh"].train_loss)
    with pytest.raises(ValueError, match="start"):
        activation_race_widget(grid, start=("xavier_normal", 0.1))


def test_activation_grid_trains_each_combination_once(data):
    from nnlib.analysis.activations import activation_grid, activation_grid_rows, recommended_init

    settings = {k: v for k, v in SMALL.items() if k != "lr"}
    grid = activation_grid(data, ["relu", "tanh"], ["recommended", "he_normal", "xavier_normal"],
                           [0.1, 0.5], **settings)
    assert set(grid) == {(i, lr) for i in ("recommended", "he_normal", "xavier_normal")
                         for lr in (0.1, 0.5)}
    assert grid[("recommended", 0.1)]["relu"] is grid[("he_normal", 0.1)]["relu"]
    assert grid[("recommended", 0.1)]["tanh"] is grid[("xavier_normal", 0.1)]["tanh"]
    assert grid[("he_normal", 0.5)]["tanh"].net.init == "he_normal"
    assert recommended_init("sigmoid") == "xavier_normal" and recommended_init("gelu") == "he_normal"
    rows = activation_grid_rows(grid, ["relu", "tanh"])
    assert rows[1]["book's init"] == "Xavier" and len(rows[0]) == 2 + 4
    with pytest.raises(ValueError, match="lr"):
        activation_grid(data, ["relu"], ["he_normal"], [0.1], lr=0.1, **settings)


def test_early_stopping_restores_the_best_epoch(data):
    from nnlib.analysis.regularization import early_stopping, evaluate

    settings = {**SMALL, "epochs": 30, "lr": 2.0}
    full = train_run(data, **settings).history
    stopped = early_stopping(data, patience=3, **settings)
    best = stopped.best_epoch
    assert full.val_loss[:stopped.stop_epoch] == stopped.run.history.val_loss
    assert stopped.run.history.val_loss[best - 1] == min(stopped.run.history.val_loss)
    assert stopped.stop_epoch == min(best + 3, 30)
    loss, acc = evaluate(stopped.net, data.X_val, data.y_val)
    assert loss == pytest.approx(full.val_loss[best - 1], rel=1e-10)
    assert acc == pytest.approx(full.val_acc[best - 1])
    with pytest.raises(ValueError, match="norm"):
        early_stopping(data, norm="batch", **settings)
    with pytest.raises((TypeError, ValueError), match="patience"):
        early_stopping(data, patience=0, **settings)


def test_overfitting_data_keeps_the_validation_set_when_n_train_changes():
    from nnlib.analysis.regularization import overfitting_data

    a, b = overfitting_data(20, 0.3), overfitting_data(200, 0.3)
    assert a.X_train.shape == (20, 2) and b.X_train.shape == (200, 2) and a.X_val.shape == (270, 2)
    np.testing.assert_array_equal(a.X_val, b.X_val)
    with pytest.raises(ValueError, match="noise"):
        overfitting_data(20, -0.1)


def test_batch_statistics_helpers():
    from nnlib.analysis.regularization import batch_mean_spread, torch_running_var

    z = np.random.default_rng(0).normal(size=(4000, 3))
    assert batch_mean_spread(z, 4000) < 1e-12
    assert abs(batch_mean_spread(z, 16, n_batches=2000) - 1 / 4) < 0.02       # 1/√16
    with pytest.raises(ValueError, match="batch_size"):
        batch_mean_spread(z[:5], 6)
    np.testing.assert_allclose(torch_running_var(np.ones(2), n=8, t=0), 1.0)   # nothing averaged yet
    one = 0.9 + 0.1 * np.array([2.0, 3.0])                                  # one batch, σ² = 2, 3
    np.testing.assert_allclose(torch_running_var(one, n=8, t=1), 0.9 + 0.1 * np.array([2.0, 3.0]) * 8 / 7)


def test_same_sign_fraction():
    from nnlib.analysis.activations import same_sign_fraction

    assert same_sign_fraction(np.array([[1.0, 2.0], [-1.0, 0.0], [1.0, -1.0], [0.0, 0.0]])) == 0.75
    delta, a = np.array([[0.5, -2.0]]), np.array([[0.1, 0.7, 0.2]])     # one sample, a > 0
    assert same_sign_fraction(delta.T @ a) == 1.0


@pytest.mark.parametrize("panels", [("weights", "summary"), ("curves", "summary"), ("curves",), ()])
def test_sweep_widget_picks_a_precomputed_run(data, runs, panels):
    box = sweep_widget(runs, data, "λ", panels=panels)
    view = box.views[0]
    slider = box.controls["value"]
    assert [label for label, _ in slider.options] == ["0", "0.01", "0.1"]
    count, image = view.render_count, view.image.value
    slider.value = 2
    assert view.render_count == count + 1 and view.image.value != image
    assert "λ = 0.1</b>" in box.children[1].value          # the caption line
    assert view.render_count == count + 1


def test_sweep_widget_rejects_bad_input(data, runs):
    with pytest.raises(ValueError, match="panels"):
        sweep_widget(runs, data, panels=("boundary",))
    with pytest.raises(ValueError, match="at least one"):
        sweep_widget([], data)


def test_best_time_is_the_fastest_run_per_call_and_checks_its_arguments():
    from nnlib.analysis.cost import best_time

    calls = []
    t = best_time(lambda: calls.append(1), number=3, repeat=4)
    assert len(calls) == 12 and 0 <= t < 0.01
    with pytest.raises(TypeError, match="fn"):
        best_time(42)
    with pytest.raises(ValueError, match="repeat"):
        best_time(lambda: None, repeat=0)
