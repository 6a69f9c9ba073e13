import numpy as np
import pytest

from nnlib.optimizers import SGD, Adam, Momentum


def _params(dtype=np.float64):
    return {"W1": np.array([[1.0, -2.0], [0.5, 3.0]], dtype=dtype),
            "b1": np.array([0.1, -0.2], dtype=dtype)}


def _grads(dtype=np.float64):
    return {"W1": np.array([[0.5, 0.5], [-1.0, 2.0]], dtype=dtype),
            "b1": np.array([1.0, -1.0], dtype=dtype)}


ALL = [lambda **kw: SGD(lr=0.1, **kw), lambda **kw: Momentum(lr=0.1, **kw),
       lambda **kw: Adam(lr=0.1, **kw)]


# --- one step by hand -------------------------------------------------------------------------

def test_sgd_one_step():
    p, g = _params(), _grads()
    SGD(lr=0.1).step(p, g)
    np.testing.assert_allclose(p["W1"], [[0.95, -2.05], [0.6, 2.8]])
    np.testing.assert_allclose(p["b1"], [0.0, -0.1])


def test_momentum_two_steps():
    p, g = _params(), _grads()
    opt = Momentum(lr=0.1, beta=0.5)
    opt.step(p, g)                       # v = g
    np.testing.assert_allclose(p["b1"], [0.0, -0.1])
    opt.step(p, g)                       # v = 0.5 g + g = 1.5 g
    np.testing.assert_allclose(p["b1"], [0.0 - 0.15, -0.1 + 0.15])


def test_adam_first_step_is_lr_times_sign():
    # After one step the bias-corrected m̂ = g and v̂ = g², so the step is lr·g/(|g| + ε).
    p, g = _params(), _grads()
    W0 = p["W1"].copy()
    Adam(lr=0.01).step(p, g)
    np.testing.assert_allclose(p["W1"], W0 - 0.01 * np.sign(g["W1"]), rtol=1e-7)


def test_adam_two_steps_by_hand():
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 0.1
    p = {"W1": np.array([[1.0]])}
    opt = Adam(lr=lr, beta1=b1, beta2=b2, eps=eps)
    g1, g2 = 2.0, -1.0
    opt.step(p, {"W1": np.array([[g1]])})
    opt.step(p, {"W1": np.array([[g2]])})
    m = (1 - b1) * (b1 * g1 + g2)
    v = (1 - b2) * (b2 * g1 ** 2 + g2 ** 2)
    W = 1.0 - lr * g1 / (abs(g1) + eps) - lr * (m / (1 - b1 ** 2)) / (np.sqrt(v / (1 - b2 ** 2)) + eps)
    assert p["W1"][0, 0] == pytest.approx(W, rel=1e-12)


# --- behaviour --------------------------------------------------------------------------------

def test_adam_converges_on_quadratic():
    # f(W) = ½ Σ a_i (W_i − c_i)²  with very different curvatures a_i.
    a = np.array([100.0, 1.0, 0.01])
    c = np.array([1.0, -2.0, 3.0])
    p = {"W1": np.zeros((1, 3))}
    opt = Adam(lr=0.05)
    for _ in range(3000):
        opt.step(p, {"W1": a * (p["W1"] - c)})
    np.testing.assert_allclose(p["W1"][0], c, atol=1e-2)


@pytest.mark.parametrize("make", [lambda: SGD(lr=0.1), lambda: Momentum(lr=0.05)])
def test_sgd_and_momentum_converge_on_quadratic(make):
    p = {"W1": np.array([[5.0, -3.0]])}
    opt = make()
    for _ in range(500):
        opt.step(p, {"W1": p["W1"].copy()})     # f = ½‖W‖², gradient W
    np.testing.assert_allclose(p["W1"], 0.0, atol=1e-6)


@pytest.mark.parametrize("make", ALL)
def test_weight_decay_touches_weights_only(make):
    p, zero = _params(), {k: np.zeros_like(v) for k, v in _params().items()}
    b0, W0 = p["b1"].copy(), p["W1"].copy()
    make(weight_decay=0.5).step(p, zero)
    np.testing.assert_array_equal(p["b1"], b0)
    np.testing.assert_allclose(p["W1"], W0 * (1 - 0.1 * 0.5))


def test_weight_decay_is_decoupled_from_adam_scaling():
    # With g = 0 Adam's own step is 0, so only the decay W ← W − lr·wd·W remains.
    p = {"W1": np.array([[2.0]]), "gamma1": np.array([1.0]), "beta1": np.array([0.5])}
    Adam(lr=0.1, weight_decay=0.1).step(p, {k: np.zeros_like(v) for k, v in p.items()})
    assert p["W1"][0, 0] == pytest.approx(2.0 * 0.99)
    assert p["gamma1"][0] == 1.0 and p["beta1"][0] == 0.5


@pytest.mark.parametrize("make", ALL)
def test_float32_stays_float32(make):
    p, g = _params(np.float32), _grads(np.float32)
    ids = {k: id(v) for k, v in p.items()}
    opt = make(weight_decay=0.01)
    for _ in range(3):
        opt.step(p, g)
    assert all(p[k].dtype == np.float32 for k in p)
    assert all(id(p[k]) == ids[k] for k in p)        # updated in place
    assert all(buf.dtype == np.float32 for s in opt.state.values() for buf in s.values())


@pytest.mark.parametrize("make", ALL)
def test_float64_grads_for_float32_params_keep_float32(make):
    p = _params(np.float32)
    make().step(p, _grads(np.float64))
    assert p["W1"].dtype == np.float32


def test_lr_is_readable_and_settable():
    opt = SGD(lr=0.5)
    assert opt.lr == 0.5
    opt.lr = 0.25
    assert opt.lr == 0.25
    with pytest.raises(ValueError, match="lr"):
        opt.lr = 0.0
    assert "lr=0.25" in repr(opt)


# --- validation -------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [0.0, -1.0, float("inf"), float("nan")])
@pytest.mark.parametrize("cls", [SGD, Momentum, Adam])
def test_bad_lr(cls, bad):
    with pytest.raises(ValueError, match="lr"):
        cls(lr=bad)


@pytest.mark.parametrize("kwargs, name", [({"beta": 1.0}, "beta"), ({"beta": -0.1}, "beta"),
                                          ({"weight_decay": -1.0}, "weight_decay")])
def test_bad_momentum_hyperparameters(kwargs, name):
    with pytest.raises(ValueError, match=name):
        Momentum(lr=0.1, **kwargs)


@pytest.mark.parametrize("kwargs, name", [({"beta1": 1.0}, "beta1"), ({"beta2": 1.5}, "beta2"),
                                          ({"eps": 0.0}, "eps")])
def test_bad_adam_hyperparameters(kwargs, name):
    with pytest.raises(ValueError, match=name):
        Adam(**kwargs)


def test_lr_must_be_a_number():
    with pytest.raises(TypeError, match="lr"):
        SGD(lr="0.1")


@pytest.mark.parametrize("make", ALL)
def test_key_mismatch_names_the_keys(make):
    p, g = _params(), _grads()
    del g["b1"]
    g["W9"] = np.zeros(1)
    with pytest.raises(ValueError, match=r"missing in grads: \['b1'\].*not in params: \['W9'\]"):
        make().step(p, g)


@pytest.mark.parametrize("make", ALL)
def test_shape_mismatch_names_key_and_both_shapes(make):
    p, g = _params(), _grads()
    g["W1"] = np.zeros((2, 3))
    before = {k: v.copy() for k, v in p.items()}
    with pytest.raises(ValueError, match=r"grads\['W1'\].*\(2, 2\).*\(2, 3\)"):
        make().step(p, g)
    for k in p:                                       # a refused step changes nothing
        np.testing.assert_array_equal(p[k], before[k])


def test_nonfinite_gradient_is_refused():
    p, g = _params(), _grads()
    g["b1"] = np.array([np.nan, 0.0])
    with pytest.raises(ValueError, match=r"grads\['b1'\]"):
        SGD(lr=0.1).step(p, g)


def test_params_must_be_arrays_in_a_dict():
    with pytest.raises(TypeError, match="params"):
        SGD(lr=0.1).step([np.zeros(2)], {"W1": np.zeros(2)})
    with pytest.raises(TypeError, match=r"params\['W1'\]"):
        SGD(lr=0.1).step({"W1": [1.0, 2.0]}, {"W1": np.zeros(2)})
    with pytest.raises(TypeError, match=r"grads\['W1'\]"):
        SGD(lr=0.1).step({"W1": np.zeros(2)}, {"W1": np.zeros(2, dtype=int)})


def test_state_from_another_network_is_refused():
    opt = Adam()
    opt.step({"W1": np.zeros((2, 2))}, {"W1": np.ones((2, 2))})
    with pytest.raises(ValueError, match="new optimizer"):
        opt.step({"W1": np.zeros((3, 2))}, {"W1": np.ones((3, 2))})
    opt.reset()
    opt.step({"W1": np.zeros((3, 2))}, {"W1": np.ones((3, 2))})
    assert opt.t == 1


@pytest.mark.parametrize("make", ALL)
def test_step_with_network_gradients(make):
    from nnlib.losses import loss_and_delta
    from nnlib.network import MLP

    net = MLP([2, 4, 1], head="sigmoid", seed=0)
    X = np.random.default_rng(0).normal(size=(8, 2))
    y = np.array([0, 1] * 4)
    out, cache = net.forward(X, train=True)
    L0, delta_L = loss_and_delta(net.loss_name, cache.z[-1], y)
    before = {k: v.copy() for k, v in net.params.items()}
    make().step(net.params, net.backward(delta_L, cache))
    assert any(not np.array_equal(net.params[k], before[k]) for k in before)
    grads = net.backward(delta_L, cache)
    grads["W1"] = np.zeros((3, 3))                  # trusted, but shapes are still checked
    with pytest.raises(ValueError, match=r"grads\['W1'\]"):
        make().step(net.params, grads)
