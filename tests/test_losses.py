import warnings

import numpy as np
import pytest

from nnlib.gradcheck import check_gradients
from nnlib.losses import LOSSES, accuracy, bce, cross_entropy, loss_and_delta, mse


def _targets(name, rng, n, k):
    if name == "mse":
        return rng.standard_normal((n, k))
    if name == "bce":
        return rng.integers(0, 2, size=n)
    return rng.integers(0, k, size=n)


@pytest.mark.parametrize("name,k", [("mse", 3), ("mse", 1), ("bce", 1), ("cross_entropy", 4)])
def test_delta_matches_finite_differences(name, k, rng):
    z = rng.standard_normal((6, k))
    y = _targets(name, rng, 6, k)
    value, delta = loss_and_delta(name, z, y)
    result = check_gradients(lambda: LOSSES[name][0](z, y), {"z": z}, {"z": delta})
    assert result.passed, result


def test_one_hot_and_labels_agree(rng):
    z = rng.standard_normal((5, 3))
    y = np.array([0, 2, 1, 1, 0])
    assert np.isclose(cross_entropy(z, y), cross_entropy(z, np.eye(3)[y]))


def test_known_values():
    # L = 1/(2n) Σ (a - y)²: one sample, error 2 → 2.
    assert mse(np.array([[3.0]]), np.array([[1.0]])) == 2.0
    # z = 0 gives p = 1/2 whatever the label: log 2.
    assert np.isclose(bce(np.zeros((2, 1)), np.array([0, 1])), np.log(2))
    assert np.isclose(cross_entropy(np.zeros((1, 4)), np.array([3])), np.log(4))


def test_stable_for_huge_logits():
    z = np.array([[1e3], [-1e3], [1e3]])
    y = np.array([1, 0, 0])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        value, delta = loss_and_delta("bce", z, y)
        ce, ce_delta = loss_and_delta("cross_entropy", np.array([[1e3, -1e3, 0.0]]), np.array([1]))
    assert np.isclose(value, 1e3 / 3)     # only the last sample is wrong, by a margin of 1000
    assert np.isclose(ce, 2e3)
    assert np.all(np.isfinite(delta)) and np.all(np.isfinite(ce_delta))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,k", [("mse", 2), ("bce", 1), ("cross_entropy", 3)])
def test_delta_keeps_dtype(name, k, dtype, rng):
    z = rng.standard_normal((4, k)).astype(dtype)
    y = _targets(name, rng, 4, k)
    if name == "mse":
        y = y.astype(dtype)
    _, delta = loss_and_delta(name, z, y)
    assert delta.dtype == dtype and delta.shape == z.shape


def test_accuracy():
    assert accuracy(np.array([[0.9], [0.2], [0.7]]), np.array([1, 0, 0]), "sigmoid") == pytest.approx(2 / 3)
    assert accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1]), "softmax") == 0.5
    assert accuracy(np.zeros((2, 1)), np.zeros(2), "identity") is None
