"""A 2-2-1 network small enough to check on paper (the numbers appear in chapters 2 and 3).

    X = [1, 2]      W1 = [[0.5, -1], [1, 0.5]]   b1 = [0, 1]   (ReLU)
                    W2 = [[1, -2]]               b2 = [0.5]    (identity output)

Forward:  z1 = [0.5 − 2 + 0, 1 + 1 + 1] = [−1.5, 3]   a1 = relu(z1) = [0, 3]
          z2 = 0 − 6 + 0.5 = −5.5                      a2 = −5.5
Loss with y = −6.5:  L = ½ (a2 − y)² = ½ · 1² = 0.5
Backward: δ2 = a2 − y = 1          dW2 = δ2 a1ᵀ = [[0, 3]]   db2 = [1]
          δ1 = (W2ᵀ δ2) ⊙ relu′(z1) = [1, −2] ⊙ [0, 1] = [0, −2]
          dW1 = δ1 xᵀ = [[0, 0], [−2, −4]]                 db1 = [0, −2]
"""

import numpy as np
import pytest

from nnlib.gradcheck import check_gradients
from nnlib.losses import loss_and_delta
from nnlib.network import MLP

PARAMS = {"W1": [[0.5, -1.0], [1.0, 0.5]], "b1": [0.0, 1.0], "W2": [[1.0, -2.0]], "b2": [0.5]}


@pytest.fixture
def net():
    net = MLP([2, 2, 1], activation="relu", head="identity")
    net.set_params({k: np.array(v) for k, v in PARAMS.items()})
    return net


def test_forward_by_hand(net):
    out, cache = net.forward(np.array([[1.0, 2.0]]))
    assert np.array_equal(cache.z[1], [[-1.5, 3.0]])
    assert np.array_equal(cache.a[1], [[0.0, 3.0]])
    assert np.array_equal(cache.z[2], [[-5.5]])
    assert np.array_equal(out, [[-5.5]])


def test_backward_by_hand(net):
    X, y = np.array([[1.0, 2.0]]), np.array([[-6.5]])
    out, cache = net.forward(X)
    L, delta_L = loss_and_delta("mse", cache.z[-1], y)
    assert L == 0.5
    grads = net.backward(delta_L, cache)
    assert np.array_equal(grads.delta[2], [[1.0]])
    assert np.array_equal(grads.delta[1], [[0.0, -2.0]])
    assert np.array_equal(grads["W2"], [[0.0, 3.0]])
    assert np.array_equal(grads["b2"], [1.0])
    assert np.array_equal(grads["W1"], [[0.0, 0.0], [-2.0, -4.0]])
    assert np.array_equal(grads["b1"], [0.0, -2.0])


def test_batch_of_two_sums_over_rows(net):
    """Adding a sample the network already fits (error 0) halves every gradient: L is a mean."""
    X, y = np.array([[1.0, 2.0], [2.0, 0.0]]), np.array([[-6.5], [-4.5]])
    out, cache = net.forward(X)
    assert np.array_equal(out, [[-5.5], [-4.5]])
    L, delta_L = loss_and_delta("mse", cache.z[-1], y)
    assert L == 0.25
    grads = net.backward(delta_L, cache)
    assert np.array_equal(grads["W2"], [[0.0, 1.5]])
    assert np.array_equal(grads["W1"], [[0.0, 0.0], [-1.0, -2.0]])
    assert np.array_equal(grads["b1"], [0.0, -1.0])
    result = check_gradients(lambda: loss_and_delta("mse", net.forward(X)[0], y)[0], net.params, grads)
    assert result.passed, result
