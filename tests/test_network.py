import numpy as np
import pytest

from nnlib.activations import HIDDEN_ACTIVATIONS, get_activation
from nnlib.gradcheck import check_gradients
from nnlib.losses import loss_and_delta
from nnlib.network import MLP

HEADS = {"identity": 2, "sigmoid": 1, "softmax": 3}
OPTIONS = {
    "plain": {},
    "dropout": {"dropout": 0.3},
    "batchnorm": {"norm": "batch"},
    "layernorm": {"norm": "layer"},
    "residual": {"residual": True},
    "all": {"dropout": 0.2, "norm": "batch", "residual": True},
}


def _data(head, n=6, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    k = HEADS[head]
    y = rng.standard_normal((n, k)) if head == "identity" else rng.integers(0, max(k, 2), n)
    return X, y


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_mlp_gradient_check(activation, head, option):
    X, y = _data(head)
    net = MLP([3, 4, 4, HEADS[head]], activation=activation, head=head, seed=2, **OPTIONS[option])
    # Non-zero biases: with b = 0 a row whose inputs were all dropped has z exactly 0,
    # on ReLU's kink, where finite differences and σ′ legitimately disagree.
    for name, p in net.params.items():
        if name.startswith(("b", "beta")):
            p[:] = np.random.default_rng(3).uniform(-0.2, 0.2, p.shape)

    def run():  # a fresh rng with the same seed each time: the same dropout mask
        return net.forward(X, train=True, rng=np.random.default_rng(5))

    def loss():
        return loss_and_delta(net.loss_name, run()[1].z[-1], y)[0]

    out, cache = run()
    grads = net.backward(loss_and_delta(net.loss_name, cache.z[-1], y)[1], cache)
    result = check_gradients(loss, net.params, grads)
    assert result.passed, result


def test_delta_recursion_matches_the_formula(rng):
    """δ^(l) = (δ^(l+1) @ W^(l+1)) ⊙ σ′(z^(l)) and dW^(l) = δ^(l).T @ a^(l-1) for a plain MLP."""
    net = MLP([3, 5, 4, 2], activation="tanh", seed=1)
    X = rng.standard_normal((7, 3))
    out, cache = net.forward(X)
    grads = net.backward(rng.standard_normal((7, 2)), cache)
    tanh = get_activation("tanh")
    for l in (1, 2):
        expected = (grads.delta[l + 1] @ net.params[f"W{l + 1}"]) * tanh.df(cache.z[l])
        assert np.allclose(grads.delta[l], expected)
        assert np.allclose(grads[f"W{l}"], grads.delta[l].T @ cache.a[l - 1])
        assert np.allclose(grads[f"b{l}"], grads.delta[l].sum(axis=0))


def test_shapes_of_every_intermediate(rng):
    net = MLP([4, 8, 6, 3], head="softmax")
    out, cache = net.forward(rng.standard_normal((10, 4)))
    assert [z.shape for z in cache.z[1:]] == [(10, 8), (10, 6), (10, 3)]
    assert [a.shape for a in cache.a] == [(10, 4), (10, 8), (10, 6), (10, 3)]
    assert {k: v.shape for k, v in net.params.items()} == {
        "W1": (8, 4), "b1": (8,), "W2": (6, 8), "b2": (6,), "W3": (3, 6), "b3": (3,)}
    assert np.allclose(out.sum(axis=1), 1)


@pytest.mark.parametrize("sizes", [[2, 1], [2, 3, 1], [784, 128, 10], [3, 16, 16, 16, 2]])
def test_parameter_count_formula(sizes):
    expected = sum(h * h_prev + h for h_prev, h in zip(sizes[:-1], sizes[1:]))
    assert MLP(sizes).n_params == expected


def test_normalisation_parameters():
    net = MLP([2, 4, 4, 1], norm="batch")
    assert sorted(net.params) == ["W1", "W2", "W3", "b3", "beta1", "beta2", "gamma1", "gamma2"]
    net = MLP([2, 4, 4, 1], norm="layer")
    assert "b1" in net.params and "gamma1" in net.params


def test_residual_only_where_widths_match(rng):
    net = MLP([3, 4, 4, 4, 1], residual=True)
    assert [b.skip for b in net.blocks] == [False, True, True, False]
    out, cache = net.forward(rng.standard_normal((2, 3)))
    relu = get_activation("relu")
    assert np.allclose(cache.a[2], cache.a[1] + relu.f(cache.z[2]))


def test_predict_is_evaluation_mode(rng):
    net = MLP([3, 16, 1], dropout=0.5, norm="batch", seed=4)
    X = rng.standard_normal((8, 3))
    assert np.array_equal(net.predict(X), net.predict(X))  # no dropout noise
    a, _ = net.forward(X, train=True, rng=1)
    b, _ = net.forward(X, train=True, rng=2)
    assert not np.array_equal(a, b)


def test_same_seed_same_network_and_results(rng):
    X = rng.standard_normal((5, 3))
    nets = [MLP([3, 6, 2], dropout=0.3, seed=7) for _ in range(2)]
    outs = [net.forward(X, train=True)[0] for net in nets]  # internal dropout rng from the seed
    assert all(np.array_equal(nets[0].params[k], nets[1].params[k]) for k in nets[0].params)
    assert np.array_equal(*outs)
    assert not np.array_equal(MLP([3, 6, 2], seed=8).params["W1"], nets[0].params["W1"])


def test_layer_norms_of_gradients(rng):
    net = MLP([3, 5, 5, 1])
    out, cache = net.forward(rng.standard_normal((4, 3)))
    grads = net.backward(np.ones((4, 1)), cache)
    norms = grads.layer_norms()
    assert norms.shape == (3,)
    assert np.isclose(norms[0], np.linalg.norm(grads["W1"]))


def test_float32_network(rng):
    net = MLP([3, 4, 2], head="softmax", dtype=np.float32, norm="layer")
    X = rng.standard_normal((5, 3)).astype(np.float32)
    out, cache = net.forward(X, train=True)
    _, delta = loss_and_delta("cross_entropy", cache.z[-1], np.array([0, 1, 1, 0, 1]))
    grads = net.backward(delta, cache)
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())
