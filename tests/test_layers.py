import numpy as np
import pytest

from nnlib.gradcheck import check_gradients
from nnlib.layers import ActivationLayer, BatchNorm, Dense, Dropout, LayerNorm, Residual, Sequential


def _check_layer(layer, x, train=True, seed=3):
    """Gradient-check a layer on L = Σ w ⊙ out, w fixed, for its parameters and its input."""
    w = np.random.default_rng(99).standard_normal(layer.forward(x, train, np.random.default_rng(seed))[0].shape)

    def loss():
        return np.sum(w * layer.forward(x, train, np.random.default_rng(seed))[0])

    out, cache = layer.forward(x, train, np.random.default_rng(seed))
    dx, grads = layer.backward(w, cache)
    params = dict(layer.params, x=x)
    return check_gradients(loss, params, dict(grads, x=dx))


def test_dense(rng):
    layer = Dense.create(3, 4, rng=rng)
    layer.params["b"][:] = rng.standard_normal(4)
    result = _check_layer(layer, rng.standard_normal((5, 3)))
    assert result.passed, result


def test_dense_computes_z_equals_a_WT_plus_b():
    layer = Dense(np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]), np.array([0.5, 0.0, -1.0]))
    z, _ = layer.forward(np.array([[1.0, 1.0], [2.0, 0.0]]))
    assert np.array_equal(z, [[3.5, -1.0, 3.0], [2.5, 0.0, 5.0]])


@pytest.mark.parametrize("name", ["relu", "gelu", "silu", "sigmoid", "tanh", "identity", "softmax"])
def test_activation_layer(name, rng):
    x = rng.uniform(-3, 3, size=(4, 5))
    result = _check_layer(ActivationLayer(name), x)
    assert result.passed, result


@pytest.mark.parametrize("train", [True, False])
def test_batchnorm(train, rng):
    layer = BatchNorm(4)
    layer.params["gamma"][:] = rng.uniform(0.5, 2, 4)
    layer.params["beta"][:] = rng.standard_normal(4)
    layer.running_mean[:] = rng.standard_normal(4)
    layer.running_var[:] = rng.uniform(0.5, 2, 4)
    result = _check_layer(layer, rng.standard_normal((6, 4)) * 3 + 1, train=train)
    assert result.passed, result


def test_batchnorm_normalises_and_tracks_running_statistics(rng):
    layer = BatchNorm(3, momentum=0.5)
    z = rng.standard_normal((200, 3)) * [1.0, 5.0, 0.1] + [10.0, -2.0, 0.0]
    out, _ = layer.forward(z, train=True)
    assert np.allclose(out.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(out.std(axis=0), 1, atol=1e-3)  # √(σ²+ε) differs from σ by ~ε/2σ²
    assert np.allclose(layer.running_mean, 0.5 * z.mean(axis=0))
    for _ in range(40):
        layer.forward(z, train=True)
    assert np.allclose(layer.running_mean, z.mean(axis=0))
    # Evaluation uses the running statistics: one sample gives the same answer alone or in a batch.
    alone, _ = layer.forward(z[:1], train=False)
    assert np.allclose(alone, layer.forward(z, train=False)[0][:1])


def test_layernorm(rng):
    layer = LayerNorm(5)
    layer.params["gamma"][:] = rng.uniform(0.5, 2, 5)
    layer.params["beta"][:] = rng.standard_normal(5)
    result = _check_layer(layer, rng.standard_normal((3, 5)) * 2)
    assert result.passed, result


def test_layernorm_works_with_one_sample(rng):
    out, _ = LayerNorm(6).forward(rng.standard_normal((1, 6)) * 4 + 7, train=True)
    assert np.isclose(out.mean(), 0) and np.isclose(out.std(), 1, atol=1e-4)


def test_dropout_fixed_mask_gradient(rng):
    result = _check_layer(Dropout(0.4), rng.standard_normal((5, 6)))
    assert result.passed, result


def test_dropout_is_inverted(rng):
    layer = Dropout(0.25)
    a = np.ones((400, 50))
    out, _ = layer.forward(a, train=True, rng=rng)
    dropped = np.mean(out == 0)
    assert abs(dropped - 0.25) < 0.01                       # drop probability p
    assert np.allclose(out[out != 0], 1 / 0.75)             # survivors scaled by 1/(1-p)
    assert abs(out.mean() - 1) < 0.02                       # expectation unchanged
    assert np.array_equal(layer.forward(a, train=False)[0], a)  # evaluation: identity


def test_residual(rng):
    block = Residual([Dense.create(4, 4, rng=rng), ActivationLayer("tanh")])
    x = rng.standard_normal((3, 4))
    out, _ = block.forward(x)
    assert np.allclose(out, x + np.tanh(x @ block.layers[0].params["W"].T))
    result = _check_layer(block, x)
    assert result.passed, result


def test_sequential(rng):
    chain = Sequential([Dense.create(3, 4, rng=rng), LayerNorm(4), ActivationLayer("gelu"),
                        Dense.create(4, 2, rng=rng)])
    result = _check_layer(chain, rng.standard_normal((5, 3)))
    assert result.passed, result


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layers_keep_dtype(dtype, rng):
    x = rng.standard_normal((4, 3)).astype(dtype)
    for layer in [Dense.create(3, 3, rng=rng, dtype=dtype), ActivationLayer("gelu"), Dropout(0.5),
                  BatchNorm(3, dtype=dtype), LayerNorm(3, dtype=dtype)]:
        out, cache = layer.forward(x, train=True, rng=rng)
        dx, grads = layer.backward(np.ones_like(out), cache)
        assert out.dtype == dtype and dx.dtype == dtype
        assert all(g.dtype == dtype for g in grads.values())
