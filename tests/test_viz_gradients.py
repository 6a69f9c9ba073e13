"""Smoke tests of Chapter 3's own pictures (nnlib/viz/gradients.py, cost.py): each draws on a
bare Figure (never pyplot), accepts a given axes, and shows the data it was given."""

import numpy as np
import pytest

from nnlib.viz import cost, gradients, new_axes

CASES = {
    "plot_backprop_cost": lambda ax: cost.plot_backprop_cost(
        [500, 1600, 3700], [2e-5, 3e-5, 5e-5], [3e-5, 5e-5, 8e-5], [500, 1600], [0.03, 0.15], ax=ax),
    "plot_derivative_bound": lambda ax: gradients.plot_derivative_bound(ax=ax),
    "plot_product_bound": lambda ax: gradients.plot_product_bound(0.25 ** np.arange(6)[::-1], ax=ax),
    "plot_norm_by_depth": lambda ax: gradients.plot_norm_by_depth(
        [1, 2, 4], {"sigmoid, Xavier": [1e-1, 1e-2, 1e-4], "relu, He": [0.3, 0.3, 0.2]}, ax=ax),
    "plot_kink_secant": lambda ax: gradients.plot_kink_secant(0.0, 0.5, ax=ax),
    "plot_error_vs_eps": lambda ax: gradients.plot_error_vs_eps(
        [1e-2, 1e-4, 1e-6], {"float64": [1e-5, 1e-9, 1e-10]}, threshold=1e-6, ax=ax),
}



@pytest.mark.parametrize("name", list(CASES))
def test_plot_function_contract(name, check_pure_plot):
    check_pure_plot(CASES[name], new_axes)


def test_kink_secant_reports_the_average_slope():
    _, ax = gradients.plot_kink_secant(0.0, 0.5)
    assert "slope 0.50" in ax.get_legend().get_texts()[1].get_text()


def test_product_bound_normalises_to_the_last_hidden_layer():
    _, ax = gradients.plot_product_bound(np.array([1e-4, 1e-2, 1.0, 5.0]))
    measured = ax.lines[0]
    np.testing.assert_allclose(measured.get_ydata(), [1e-4, 1e-2, 1.0])
    np.testing.assert_allclose(measured.get_xdata(), [2, 1, 0])


def test_gradient_norm_panels_share_one_y_axis():
    fig, axes = gradients.plot_gradient_norms_panels({"sigmoid": [1e-6, 1e-3, 1e-1],
                                                      "relu": [0.2, 0.3, 0.0]})
    assert len(axes) == 2
    assert axes[0].get_shared_y_axes().joined(axes[0], axes[1])
    assert axes[0].get_ylim() == axes[1].get_ylim()
    assert axes[0].get_ylim()[0] == pytest.approx(1e-7)
    tops = [b.get_y() + b.get_height() for b in axes[0].patches]
    np.testing.assert_allclose(tops, [1e-6, 1e-3, 1e-1])
