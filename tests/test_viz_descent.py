"""The gradient-descent topic: loss curves for several learning rates (numbers and picture)."""

import numpy as np
import pytest

from nnlib.analysis.descent import DIVERGED_FACTOR, descent_curves
from nnlib.datasets import make_sine
from nnlib.viz.descent import plot_descent_curves


def _curves():
    X, y = make_sine(40, 0.1, seed=0)
    return descent_curves(X, y, lrs=(0.1, 50.0), steps=20, sizes=(1, 4, 1))


def test_descent_curves_stop_when_a_rate_diverges():
    curves = _curves()
    assert list(curves) == [0.1, 50.0]
    assert curves[0.1].size == 20 and curves[0.1][-1] < curves[0.1][0]
    assert curves[50.0].size < 20
    assert np.all(np.isfinite(curves[50.0]))
    assert np.all(curves[50.0] <= DIVERGED_FACTOR * curves[50.0][0])


def test_descent_curves_refuse_bad_rates():
    X, y = make_sine(10, 0.1, seed=0)
    with pytest.raises(ValueError, match="lr"):
        descent_curves(X, y, lrs=(0.0,))
    with pytest.raises(TypeError, match="lrs"):
        descent_curves(X, y, lrs=0.1)
    with pytest.raises(ValueError, match="lrs"):
        descent_curves(X, y, lrs=())
    with pytest.raises(TypeError, match="steps"):
        descent_curves(X, y, lrs=(0.1,), steps=1.5)


def test_plot_descent_curves_marks_the_diverged_run():
    fig, ax = plot_descent_curves(_curves(), labels={0.1: "small"})
    assert len(ax.lines) == 3                     # two curves and one cross
    assert "small" in ax.get_legend().get_texts()[0].get_text()
