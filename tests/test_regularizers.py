import numpy as np
import pytest

from nnlib import regularizers as reg
from nnlib.gradcheck import numerical_gradient


def _params(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(size=(3, 2)).astype(dtype), "b1": rng.normal(size=3).astype(dtype),
            "gamma1": rng.normal(size=3).astype(dtype), "beta1": rng.normal(size=3).astype(dtype),
            "W2": rng.normal(size=(1, 3)).astype(dtype), "b2": rng.normal(size=1).astype(dtype)}


def test_is_weight():
    assert reg.is_weight("W1") and reg.is_weight("W12")
    assert not any(reg.is_weight(k) for k in ["b1", "gamma1", "beta1"])
    with pytest.raises(TypeError, match="name"):
        reg.is_weight(1)


def test_l2_penalty_value():
    p = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([10.0]), "W2": np.array([[3.0]])}
    assert reg.l2_penalty(p, 0.5) == pytest.approx(0.25 * (1 + 4 + 9))
    assert reg.l2_penalty(p, 0.5, include_biases=True) == pytest.approx(0.25 * (1 + 4 + 9 + 100))
    assert reg.l2_penalty(p, 0.0) == 0.0


def test_l1_penalty_value():
    p = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([10.0]), "W2": np.array([[-3.0]])}
    assert reg.l1_penalty(p, 0.1) == pytest.approx(0.6)
    assert reg.l1_penalty(p, 0.1, include_biases=True) == pytest.approx(1.6)


@pytest.mark.parametrize("penalty, grad", [(reg.l2_penalty, reg.l2_grad),
                                           (reg.l1_penalty, reg.l1_grad)])
@pytest.mark.parametrize("include_biases", [False, True])
def test_gradient_matches_central_differences(penalty, grad, include_biases):
    p = _params()
    lam = 0.3
    g = grad(p, lam, include_biases=include_biases)
    assert set(g) == set(p)
    for k in p:
        num = numerical_gradient(lambda: penalty(p, lam, include_biases=include_biases), p[k])
        np.testing.assert_allclose(g[k], num, rtol=1e-6, atol=1e-8, err_msg=k)


def test_unpenalised_grads_are_zero_and_addable():
    p = _params()
    g = reg.l2_grad(p, 1.0)
    for k in ["b1", "b2", "gamma1", "beta1"]:
        assert np.all(g[k] == 0)
    np.testing.assert_array_equal(g["W1"], p["W1"])
    summed = {k: p[k] + g[k] for k in p}  # shapes line up key by key
    assert all(summed[k].shape == p[k].shape for k in p)


def test_include_biases_never_penalises_beta():
    p = _params()
    g = reg.l2_grad(p, 1.0, include_biases=True)
    assert np.any(g["b1"] != 0)
    assert np.all(g["beta1"] == 0) and np.all(g["gamma1"] == 0)


def test_l1_grad_is_zero_at_zero():
    g = reg.l1_grad({"W1": np.array([[0.0, 2.0, -1.0]])}, 2.0)
    np.testing.assert_array_equal(g["W1"], [[0.0, 2.0, -2.0]])


@pytest.mark.parametrize("fn", [reg.l2_grad, reg.l1_grad])
def test_dtype_preserved(fn):
    p = _params(dtype=np.float32)
    g = fn(p, 0.1)
    assert all(g[k].dtype == np.float32 for k in g)
    assert isinstance(reg.l2_penalty(p, 0.1), float)


@pytest.mark.parametrize("fn", [reg.l2_penalty, reg.l2_grad, reg.l1_penalty, reg.l1_grad])
def test_bad_lambda(fn):
    p = _params()
    with pytest.raises(ValueError, match="lam"):
        fn(p, -0.1)
    with pytest.raises(ValueError, match="lam"):
        fn(p, float("nan"))
    with pytest.raises(ValueError, match="lam"):
        fn(p, float("inf"))
    with pytest.raises(TypeError, match="lam"):
        fn(p, "0.1")


def test_bad_params():
    with pytest.raises(TypeError, match="params"):
        reg.l2_penalty([np.ones(2)], 0.1)
    with pytest.raises(TypeError, match="W1"):
        reg.l2_penalty({"W1": np.ones(2, dtype=int)}, 0.1)
    with pytest.raises(ValueError, match="W1"):
        reg.l2_grad({"W1": np.array([np.nan])}, 0.1)
