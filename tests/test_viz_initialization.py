"""The initialisation topic: Var(z^(l)) layer by layer (numbers and picture)."""

import numpy as np
import pytest

from nnlib.analysis.initialization import variance_by_depth
from nnlib.viz.initialization import plot_variance_by_depth


def test_variance_by_depth_follows_fan_in_var_w_second_moment():
    """ReLU multiplies Var(z) by gain/2 per layer, on average: gain 1 halves it."""
    v = variance_by_depth("relu", 1.0, depth=10, width=128, n=128, seed=0)
    assert v.shape == (10,)
    assert v[0] == pytest.approx(1.0, rel=0.05)               # input N(0, 1), gain 1
    assert 0.5 ** 9 / 3 < v[-1] / v[0] < 0.5 ** 9 * 3
    np.testing.assert_array_equal(v, variance_by_depth("relu", 1.0, depth=10, width=128, n=128, seed=0))


def test_variance_by_depth_refuses_bad_input():
    with pytest.raises(ValueError, match="gain"):
        variance_by_depth("relu", -1.0)
    with pytest.raises(ValueError, match="activation"):
        variance_by_depth("nope", 1.0)
    with pytest.raises(TypeError, match="depth"):
        variance_by_depth("relu", 1.0, depth=2.5)


def test_plot_variance_by_depth_shares_the_y_axis():
    variances = {act: {"a": variance_by_depth(act, 1.0, depth=4, width=8, n=8),
                       "b": variance_by_depth(act, 2.0, depth=4, width=8, n=8)}
                 for act in ("relu", "tanh")}
    fig, axes = plot_variance_by_depth(variances)
    assert len(axes) == 2 and len(axes[0].lines) == 2
    assert axes[0].get_shared_y_axes().joined(axes[0], axes[1])
    assert axes[-1].get_legend() is not None


def test_recommended_init_is_he_for_relu_like_and_xavier_otherwise():
    from nnlib.analysis.initialization import recommended_init
    assert {a: recommended_init(a) for a in ("relu", "gelu", "silu")} == dict.fromkeys(
        ("relu", "gelu", "silu"), "he_normal")
    assert {a: recommended_init(a) for a in ("tanh", "sigmoid", "identity")} == dict.fromkeys(
        ("tanh", "sigmoid", "identity"), "xavier_normal")
    with pytest.raises(ValueError, match="activation"):
        recommended_init("softmax")
