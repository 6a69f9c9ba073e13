"""Diagnostics behind toolkit pieces 5–8, and smoke tests of their plot functions.

The numbers are checked against independent computations (a brute-force grid, closed
forms, a direct backward pass); the pictures are drawn to PNG and must not touch pyplot.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import special

from nnlib.analysis import activations, approximation, gradients, training
from nnlib.datasets import load_dataset, make_moons, true_function
from nnlib.losses import loss_and_delta
from nnlib.network import MLP
from nnlib.training import History, train
from nnlib.viz import (plot_accuracy_curves, plot_activations, plot_approximation,
                       plot_approximation_error, plot_decision_boundary, plot_layer_gradient_norms,
                       plot_loss_curves, plot_neuron_contributions)
from nnlib.viz.gradients import NORM_FLOOR
from nnlib.viz.training import CurveArtists, DecisionBoundaryArtists

# --- activation minima: 3 decimals against a brute-force grid of independent formulas ------

def _gelu(z):
    # Written with erf; nnlib's GELU uses the normal CDF ndtr.
    return z * 0.5 * (1.0 + special.erf(z / math.sqrt(2.0)))


def _silu(z):
    return z / (1.0 + np.exp(-z))


@pytest.mark.parametrize("name, f, z_expected, f_expected", [
    ("gelu", _gelu, -0.752, -0.170),
    ("silu", _silu, -1.278, -0.278),
])
def test_activation_minimum_matches_a_brute_force_grid(name, f, z_expected, f_expected):
    z = np.linspace(-3.0, 0.0, 3_000_001)             # step 1e-6, far finer than 3 decimals
    values = f(z)
    i = np.argmin(values)
    found = activations.activation_minimum(name)
    assert round(found.z, 3) == round(z[i], 3) == z_expected
    assert round(found.f, 3) == round(values[i], 3) == f_expected
    assert abs(found.z - z[i]) < 2e-6 and abs(found.f - values[i]) < 1e-10


def test_silu_minimum_satisfies_its_closed_form():
    # σ′ = s + z s (1 − s) = 0  ⇔  1 + z (1 − s) = 0  ⇒  f = z·s = z + 1 at the minimum.
    found = activations.activation_minimum("silu")
    assert found.f == pytest.approx(found.z + 1.0, abs=1e-10)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "identity"])
def test_monotone_activations_have_no_minimum(name):
    assert activations.activation_minimum(name) is None


def test_saturation_regions_against_closed_forms():
    # sigmoid: s(1 − s) = t  ⇒  s = (1 + √(1 − 4t)) / 2,  |z| > log(s / (1 − s)).
    t = 0.05
    s = (1 + math.sqrt(1 - 4 * t)) / 2
    edge = math.log(s / (1 - s))
    (a0, a1), (b0, b1) = activations.saturation_regions("sigmoid", -6, 6, t)
    assert (a0, b1) == (-6, 6)
    assert a1 == pytest.approx(-edge, abs=1e-7) and b0 == pytest.approx(edge, abs=1e-7)
    # tanh: 1 − tanh² = t  ⇒  |z| > atanh(√(1 − t)).
    (_, c1), (c2, _) = activations.saturation_regions("tanh", -5, 5, t)
    assert c2 == pytest.approx(math.atanh(math.sqrt(1 - t)), abs=1e-7) and c1 == pytest.approx(-c2, abs=1e-7)
    relu = activations.saturation_regions("relu", -3, 2, t)
    assert len(relu) == 1 and relu[0][0] == -3 and relu[0][1] == pytest.approx(0.0, abs=1e-6)
    assert activations.saturation_regions("identity", -3, 3, t) == []


@pytest.mark.parametrize("call, error", [
    (lambda: activations.activation_minimum("softmax"), ValueError),
    (lambda: activations.activation_minimum(3), TypeError),
    (lambda: activations.activation_minimum("gelu", lo=1.0, hi=0.0), ValueError),
    (lambda: activations.saturation_regions("tanh", -1, 1, threshold=0.0), ValueError),
    (lambda: activations.saturation_regions("swish", -1, 1), ValueError),
])
def test_activation_diagnostics_reject_bad_input(call, error):
    with pytest.raises(error):
        call()


# --- gradient norms per layer -----------------------------------------------------------------

def test_gradient_norms_at_init_equal_a_direct_backward_pass():
    depth, seed, n = 4, 3, 64
    norms = gradients.gradient_norms_by_layer(depth, "tanh", "xavier_normal", steps=0, seed=seed, n=n)
    assert list(norms) == ["at initialization"]
    rng = np.random.default_rng(seed)                 # the same stream the function uses
    X, y = make_moons(n, 0.1, rng)
    net = MLP([2] + [16] * depth + [1], activation="tanh", head="sigmoid", init="xavier_normal",
              seed=rng)
    _, cache = net.forward(X, train=True)
    _, delta_L = loss_and_delta("bce", cache.z[-1], y)
    grads = net.backward(delta_L, cache)
    expected = [np.linalg.norm(grads[f"W{l}"]) for l in range(1, depth + 2)]
    np.testing.assert_allclose(norms["at initialization"], expected, rtol=1e-12)


def test_gradient_norms_shape_determinism_and_the_lesson():
    plain = gradients.gradient_norms_by_layer(10, "sigmoid", steps=3, seed=0)
    assert list(plain) == ["at initialization", "after 3 SGD steps"]
    assert all(v.shape == (11,) for v in plain.values())
    again = gradients.gradient_norms_by_layer(10, "sigmoid", steps=3, seed=0)
    for key in plain:
        np.testing.assert_array_equal(plain[key], again[key])
    first, last = plain["at initialization"][[0, -1]]
    assert first / last < 1e-3                        # sigmoid: the gradient vanishes
    for options in ({"residual": True}, {"norm": "batch"}):
        level = gradients.gradient_norms_by_layer(10, "sigmoid", seed=0, **options)["at initialization"]
        assert level[0] / level[-1] > 1e-2            # skips / batch norm keep it level


def test_gradient_norms_zeros_init_and_divergence():
    zeros = gradients.gradient_norms_by_layer(5, "relu", "zeros", steps=2)
    assert all(np.all(v == 0) for v in zeros.values())
    boom = gradients.gradient_norms_by_layer(30, "identity", "he_normal", steps=5, seed=0)
    label = list(boom)[1]
    assert "diverged" in label
    assert all(np.all(np.isfinite(v)) for v in boom.values())


@pytest.mark.parametrize("kwargs, error", [
    ({"depth": 0}, ValueError), ({"depth": 2.5}, TypeError), ({"activation": "softmax"}, ValueError),
    ({"init": "orthogonal"}, ValueError), ({"residual": "yes"}, TypeError), ({"norm": "group"}, ValueError),
    ({"steps": -1}, ValueError), ({"lr": 0.0}, ValueError), ({"seed": "zero"}, TypeError),
])
def test_gradient_norms_reject_bad_input(kwargs, error):
    with pytest.raises(error):
        gradients.gradient_norms_by_layer(**kwargs)


# --- one hidden layer, output layer by least squares ---------------------------------------

@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "gelu"])
def test_fit_one_hidden_layer_is_a_least_squares_optimum(activation):
    n_points = 256
    net = approximation.fit_one_hidden_layer("bumpy", 12, activation, seed=1, n_points=n_points)
    assert net.sizes == [1, 12, 1] and net.head == "identity"
    x = np.linspace(-1, 1, n_points)[:, None]
    _, cache = net.forward(x)
    features = np.column_stack([cache.a[1], np.ones(n_points)])                # (m, N + 1)
    residual = net.predict(x)[:, 0] - true_function("bumpy")(x)[:, 0]
    # Normal equations: the residual is orthogonal to every feature column.
    assert np.max(np.abs(features.T @ residual)) < 1e-8 * max(1.0, np.abs(features).max() * n_points)


def test_fit_gets_better_with_more_neurons_and_is_deterministic():
    x = np.linspace(-1, 1, 1001)[:, None]
    f = true_function("sine")(x)[:, 0]
    rms = [np.sqrt(np.mean((approximation.fit_one_hidden_layer("sine", n, "relu", 0).predict(x)[:, 0] - f) ** 2))
           for n in (2, 10, 50)]
    assert rms[0] > rms[1] > rms[2] and rms[2] < 0.01
    a = approximation.fit_one_hidden_layer("step", 20, "sigmoid", seed=5)
    b = approximation.fit_one_hidden_layer("step", 20, "sigmoid", seed=5)
    c = approximation.fit_one_hidden_layer("step", 20, "sigmoid", seed=6)
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_neuron_contributions_add_up_to_the_output():
    net = approximation.fit_one_hidden_layer("abs", 7, "tanh", seed=2)
    x = np.linspace(-1, 1, 50)
    parts, b2 = approximation.neuron_contributions(net, x)
    assert parts.shape == (50, 7)
    np.testing.assert_allclose(parts.sum(axis=1) + b2, net.predict(x[:, None])[:, 0], atol=1e-12)


def test_fit_accepts_a_callable_target():
    net = approximation.fit_one_hidden_layer(lambda x: x ** 2, 30, "relu")
    x = np.linspace(-1, 1, 101)[:, None]
    assert np.max(np.abs(net.predict(x) - x ** 2)) < 0.01


@pytest.mark.parametrize("call, error", [
    (lambda: approximation.fit_one_hidden_layer("cosine", 5), ValueError),
    (lambda: approximation.fit_one_hidden_layer("sine", 0), ValueError),
    (lambda: approximation.fit_one_hidden_layer("sine", 5.0), TypeError),
    (lambda: approximation.fit_one_hidden_layer("sine", 5, "softmax"), ValueError),
    (lambda: approximation.neuron_contributions(MLP([2, 3, 1]), [0.0]), ValueError),
    (lambda: training.probability_grid(MLP([3, 2, 1]), (0, 1), (0, 1)), ValueError),
])
def test_fit_and_contributions_reject_bad_input(call, error):
    with pytest.raises(error):
        call()


def test_probability_grid():
    net = MLP([2, 4, 1], head="sigmoid", seed=0)
    xx, yy, p = training.probability_grid(net, (-1, 1), (-2, 2), m=7)
    assert xx.shape == yy.shape == p.shape == (7, 7)
    assert xx[0, 0] == -1 and yy[-1, 0] == 2
    assert np.all((p > 0) & (p < 1))
    np.testing.assert_allclose(p[3, 5], net.predict(np.array([[xx[3, 5], yy[3, 5]]]))[0, 0])


# --- every plot function: (fig, ax), bare Figure, draws, reuses a given ax ------------------

@pytest.fixture(scope="module")
def trained():
    data = load_dataset("moons", n=120, seed=0)
    net = MLP([2, 8, 1], head="sigmoid", seed=0)
    history = train(net, data.X_train, data.y_train, data.X_val, data.y_val, epochs=20)
    return net, data, history


def _plot_calls(trained):
    net, data, history = trained
    fit = approximation.fit_one_hidden_layer("sine", 8, "relu")
    return {
        "layer_gradient_norms": lambda ax: plot_layer_gradient_norms(
            gradients.gradient_norms_by_layer(4, steps=1), ax=ax),
        "activations": lambda ax: plot_activations(["gelu", "silu", "tanh"], -4, 4, ax=ax),
        "activations_one": lambda ax: plot_activations("relu", ax=ax, derivative=False),
        "approximation": lambda ax: plot_approximation(fit, "sine", ax=ax),
        "neuron_contributions": lambda ax: plot_neuron_contributions(fit, ax=ax),
        "approximation_error": lambda ax: plot_approximation_error(fit, "sine", ax=ax),
        "decision_boundary": lambda ax: plot_decision_boundary(
            net, data.X_train, data.y_train, ax=ax, X_val=data.X_val, y_val=data.y_val),
        "loss_curves": lambda ax: plot_loss_curves(history, ax=ax),
        "accuracy_curves": lambda ax: plot_accuracy_curves(history, ax=ax),
    }


@pytest.mark.parametrize("name", ["layer_gradient_norms", "activations", "activations_one",
                                  "approximation", "neuron_contributions", "approximation_error",
                                  "decision_boundary", "loss_curves", "accuracy_curves"])
def test_plot_functions_smoke(name, trained):
    call = _plot_calls(trained)[name]
    before = plt.get_fignums()
    fig, ax = call(None)
    assert isinstance(fig, Figure) and ax.figure is fig
    fig.canvas.draw()                              # really renders
    assert plt.get_fignums() == before             # pyplot never saw it
    other = Figure()
    given = other.add_subplot()
    fig2, ax2 = call(given)
    assert fig2 is other and ax2 is given


def test_layer_norm_plot_floors_zeros_and_skips_nonfinite():
    fig, ax = plot_layer_gradient_norms({"a": np.array([0.0, 1e-3, np.nan, 1.0])})
    line, floored = ax.lines[0], ax.lines[len(ax.lines) // 2]
    y = np.asarray(line.get_ydata(), dtype=float)
    assert y[0] == NORM_FLOOR and np.isnan(y[2])
    np.testing.assert_array_equal(floored.get_xdata(), [1])
    with pytest.raises(TypeError):
        plot_layer_gradient_norms({})
    with pytest.raises(ValueError):
        plot_layer_gradient_norms({str(i): np.ones(3) for i in range(5)})


def test_activation_plot_marks_the_minima_and_rejects_bad_names():
    fig, ax = plot_activations(["gelu", "relu"], -3, 3)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(label.startswith("gelu: min -0.170 at z = -0.752") for label in labels)
    with pytest.raises(ValueError):
        plot_activations([])
    with pytest.raises(ValueError):
        plot_activations(["relu", "swish"])
    with pytest.raises(ValueError):
        plot_activations("relu", lo=2, hi=1)


def test_curves_draw_only_finite_values():
    history = History(train_loss=[1.0, float("nan"), 0.5], val_loss=[1.2, 0.9, float("inf")])
    fig, ax = plot_loss_curves(history)
    for line in ax.lines:
        assert np.all(np.isfinite(np.asarray(line.get_ydata(), dtype=float)))
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 3])


def test_decision_boundary_artists_follow_new_data(trained):
    net, data, _ = trained
    fig = Figure()
    ax = fig.add_subplot()
    artists = DecisionBoundaryArtists(ax, data.X_train, data.y_train)
    p = artists.update(net)
    assert p.shape == (60, 60) and len(artists.contours) >= 1
    X2 = data.X_train * 3
    artists.set_data(X2, data.y_train)
    assert ax.get_xlim()[1] > X2[:, 0].max()
    np.testing.assert_array_equal(artists.train_points.get_offsets(), X2)
    with pytest.raises(ValueError):
        CurveArtists(ax, "accuracy")


def test_fit_with_coinciding_features_is_the_minimum_norm_line():
    """Identity neurons are all lines: the fit is the least-squares line, with small weights."""
    net = approximation.fit_one_hidden_layer("bumpy", 40, "identity", seed=0)
    x = np.linspace(-1, 1, 101)[:, None]
    y = net.predict(x)[:, 0]
    slopes = np.diff(y) / np.diff(x[:, 0])
    np.testing.assert_allclose(slopes, slopes[0], atol=1e-8)
    grid = np.linspace(-1, 1, 256)
    line = np.polyfit(grid, true_function("bumpy")(grid), 1)
    np.testing.assert_allclose(y, np.polyval(line, x[:, 0]), atol=1e-8)
    assert np.abs(net.params["W2"]).max() < 1.0
