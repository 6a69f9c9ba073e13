import warnings

import numpy as np
import pytest

from nnlib.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, get_activation, softmax, softmax_backward
from nnlib.gradcheck import check_gradients, numerical_gradient, relative_error


@pytest.mark.parametrize("name", HIDDEN_ACTIVATIONS)
def test_derivative_matches_finite_differences(name, rng):
    act = get_activation(name)
    z = rng.uniform(-4, 4, size=(5, 7))
    z[np.abs(z) < 1e-3] = 0.5  # keep away from ReLU's kink
    numeric = numerical_gradient(lambda: np.sum(act.f(z)), z)
    assert relative_error(act.df(z), numeric) < 1e-8


def test_softmax_backward_matches_finite_differences(rng):
    z = rng.standard_normal((4, 5))
    w = rng.standard_normal((4, 5))  # L = Σ w ⊙ softmax(z), so ∂L/∂a = w
    delta = softmax_backward(w, softmax(z))
    result = check_gradients(lambda: np.sum(w * softmax(z)), {"z": z}, {"z": delta})
    assert result.passed, result


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_for_huge_inputs(name, dtype):
    act = get_activation(name)
    z = np.array([[-1e3, -80.0, -1.0, 0.0, 1.0, 80.0, 1e3]], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        a = act.f(z)
        d = act.df(z) if name != "softmax" else softmax_backward(np.ones_like(z), a)
    assert a.dtype == dtype and d.dtype == dtype
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(d))


def test_known_values():
    z = np.array([-2.0, 0.0, 2.0])
    assert np.allclose(ACTIVATIONS["relu"].f(z), [0, 0, 2])
    assert np.allclose(ACTIVATIONS["leaky_relu"].f(z), [-0.02, 0, 2])
    assert np.allclose(ACTIVATIONS["leaky_relu"].df(z), [0.01, 0.01, 1])
    assert np.allclose(ACTIVATIONS["sigmoid"].f(z), 1 / (1 + np.exp(-z)))
    assert np.allclose(ACTIVATIONS["sigmoid"].df(np.array([0.0])), 0.25)  # the maximum of σ′
    assert np.allclose(ACTIVATIONS["tanh"].df(np.array([0.0])), 1.0)
    # GELU is exact: x·Φ(x); Φ(1) = 0.841344746...
    assert np.isclose(ACTIVATIONS["gelu"].f(np.array([1.0]))[0], 0.8413447460685429)
    assert np.allclose(ACTIVATIONS["silu"].f(z), z / (1 + np.exp(-z)))
    assert np.allclose(softmax(np.array([[1.0, 1.0]])), 0.5)


def test_softmax_rows_sum_to_one_and_shift_invariant(rng):
    z = rng.standard_normal((3, 4)) * 50
    assert np.allclose(softmax(z).sum(axis=1), 1)
    assert np.allclose(softmax(z), softmax(z + 1000.0))


def test_softmax_has_no_elementwise_derivative():
    with pytest.raises(ValueError, match="softmax"):
        ACTIVATIONS["softmax"].df(np.zeros((1, 2)))


def test_unknown_name_lists_choices():
    with pytest.raises(ValueError, match=r"unknown activation 'relu6'.*'gelu'"):
        get_activation("relu6")
