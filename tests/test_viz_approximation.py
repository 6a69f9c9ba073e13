"""Smoke tests of the approximation, cost and single-neuron pictures (nnlib/viz/approximation.py, cost.py, activations.py): each draws on
a bare Figure (never pyplot), accepts a given axes, and shows the data it was given."""

import numpy as np
import pytest

from nnlib.viz import activations, approximation, cost, new_axes

CASES = {
    "plot_neuron_response": lambda ax: activations.plot_neuron_response([(2.0, -3.0), (0.5, 0.0)], ax=ax),
    "plot_error_vs_width": lambda ax: approximation.plot_error_vs_width(
        [1, 2, 4], {"sine": [0.5, 0.2, 0.07], "step": [0.36, 0.18, 0.15]}, ax=ax),
    "plot_fits": lambda ax: approximation.plot_fits(
        np.linspace(-1, 1, 5), np.zeros(5), {"fit": np.ones(5)}, ax=ax, title="t"),
    "plot_timings": lambda ax: cost.plot_timings(
        [1, 10, 100], {"batched": [1e-5, 1.2e-5, 3e-5]}, "batch size n", ax=ax, per="sample"),
}



@pytest.mark.parametrize("name", list(CASES))
def test_plot_function_contract(name, check_pure_plot):
    check_pure_plot(CASES[name], new_axes)



def test_neuron_response_marks_the_switch_point_at_minus_b_over_w():
    _, ax = activations.plot_neuron_response([(2.0, -3.0)])
    curve, dot = ax.lines[0], ax.lines[1]
    np.testing.assert_allclose(dot.get_xdata(), [1.5])
    np.testing.assert_allclose(dot.get_ydata(), [0.5])
    x = curve.get_xdata()
    np.testing.assert_allclose(curve.get_ydata(), 1 / (1 + np.exp(-(2 * x - 3))))


def test_timings_per_sample_divides_by_the_size():
    _, ax = cost.plot_timings([1, 10], {"t": [2.0, 10.0]}, "n", per="sample")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [2.0, 1.0])
    assert ax.get_ylabel() == "seconds per sample"


def test_error_vs_width_draws_one_line_per_target():
    _, ax = approximation.plot_error_vs_width([1, 2], {"a": [1.0, 0.5], "b": [2.0, 1.0], "c": [3.0, 1.0]})
    assert [line.get_label() for line in ax.lines] == ["a", "b", "c"]


def test_train_one_hidden_layer_is_deterministic_cached_and_a_copy():
    from nnlib.analysis.approximation import train_one_hidden_layer
    a = train_one_hidden_layer("sine", 8, "tanh", seed=1)
    b = train_one_hidden_layer("sine", 8, "tanh", seed=1)
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    a.params["W1"][...] = 0.0                      # changing one copy leaves the cache alone
    assert np.any(train_one_hidden_layer("sine", 8, "tanh", seed=1).params["W1"] != 0)
    x = np.linspace(-1, 1, 101)[:, None]
    assert np.sqrt(np.mean((b.predict(x) - np.sin(np.pi * x)) ** 2)) < 0.3
