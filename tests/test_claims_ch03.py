"""The claims Chapter 3 (chapters/03_backprop.py) makes in its text, asserted.

Thresholds come from measurements (numbers in each docstring; all deterministic for the
seeds given).  Nothing here is timed: the chapter's timing claim is checked as a count of
the matrix products nnlib actually performs.
"""

import contextlib
import functools
import io
from pathlib import Path

import jupytext
import numpy as np
import pytest

from nnlib.activations import sigmoid_grad
from nnlib.analysis.gradients import gradient_norms_by_layer
from nnlib.gradcheck import THRESHOLD, check_gradients, numerical_gradient
from nnlib.layers import Dense
from nnlib.losses import loss_and_delta
from nnlib.network import MLP

CHAPTER = Path(__file__).resolve().parents[1] / "chapters" / "03_backprop.py"


@functools.lru_cache(maxsize=None)
def chapter_namespace(until: str) -> dict:
    """Run the chapter's code cells, in order, up to the first one containing ``until``."""
    cells = [c.source for c in jupytext.read(CHAPTER).cells if c.cell_type == "code"]
    last = next(i for i, source in enumerate(cells) if until in source)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):      # the cells' prints
        for source in cells[:last + 1]:
            exec(compile(source, str(CHAPTER), "exec"), namespace)
    return namespace


def first_layer_norms(seed=0, depth=20, **setup):
    return gradient_norms_by_layer(depth=depth, steps=0, seed=seed, **setup)["at initialization"]


SIGMOID = dict(activation="sigmoid", init="xavier_normal")
RELU_HE = dict(activation="relu", init="he_normal")


# --- §2: the hand-written backward pass ------------------------------------------------------

def test_hand_backward_in_the_chapter_equals_nnlibs():
    ns = chapter_namespace(until="def loss_of")
    net, X, y = ns["net"], ns["X"], ns["y"]
    _, cache = net.forward(X)
    grads = net.backward(loss_and_delta("bce", cache.z[-1], y)[1], cache)
    assert ns["by_hand"].keys() == grads.keys()
    for name, g in ns["by_hand"].items():
        np.testing.assert_allclose(g, grads[name], rtol=1e-12, atol=1e-15, err_msg=name)
    for l in (1, 2, 3):
        np.testing.assert_allclose(ns[f"delta{l}"], grads.delta[l], rtol=1e-12, atol=1e-15)
    check = check_gradients(lambda: ns["loss_of"](net, X, y), net.params, ns["by_hand"])
    assert check.passed and check.max_error < 1e-8          # measured 4.5e-10


def test_dW_is_the_sum_of_per_sample_outer_products():
    ns = chapter_namespace(until="by_hand = {")
    outer_sum = sum(np.outer(ns["delta1"][i], ns["X"][i]) for i in range(ns["n"]))
    np.testing.assert_allclose(ns["dW1"], outer_sum, rtol=1e-12, atol=1e-15)


# --- §4: backward costs a small constant times forward; finite differences 2P ----------------

@pytest.mark.parametrize("hidden", [1, 2, 3, 4, 8, 16, 32])
def test_backward_matrix_products_cost_under_twice_forward(hidden, monkeypatch):
    """Count the products nnlib's Dense layers perform: forward `a_prev @ W.T`; backward
    `delta.T @ a_prev` and, except in layer 1, `delta @ W` — each 2·n·h_prev·h flops.
    The ratio is (2L − 1)/L for equal layers: 1.06 … 1.98 for the chapter's networks,
    below 2 whatever the number of parameters."""
    matmul_flops = chapter_namespace(until="def matmul_flops")["matmul_flops"]
    flops = {"forward": 0, "backward": 0}
    forward, backward = Dense._forward, Dense._backward

    def counted_forward(self, a_prev, train, rng):
        h, h_prev = self.params["W"].shape
        flops["forward"] += 2 * a_prev.shape[0] * h_prev * h
        return forward(self, a_prev, train, rng)

    def counted_backward(self, delta, a_prev, need_dx=True):
        h, h_prev = self.params["W"].shape
        flops["backward"] += 2 * delta.shape[0] * h_prev * h * (2 if need_dx else 1)
        return backward(self, delta, a_prev, need_dx)

    monkeypatch.setattr(Dense, "_forward", counted_forward)
    monkeypatch.setattr(Dense, "_backward", counted_backward)
    sizes, n = [16] + [32] * hidden + [1], 64
    net = MLP(sizes, activation="tanh", seed=0)
    X, y = np.random.default_rng(0).normal(size=(n, 16)), np.zeros((n, 1))
    _, cache = net.forward(X)
    net.backward(loss_and_delta("mse", cache.z[-1], y)[1], cache)

    ratio = flops["backward"] / flops["forward"]
    assert 1 < ratio < 2
    if hidden >= 8:
        assert ratio > 1.9
    assert matmul_flops(sizes, n) == (flops["forward"], flops["backward"])   # the chapter's count


def test_finite_differences_need_two_forward_passes_per_parameter():
    net = MLP([16, 32, 32, 1], activation="tanh", seed=0)
    X, y = np.random.default_rng(0).normal(size=(8, 16)), np.zeros((8, 1))
    calls = []

    def loss():
        calls.append(1)
        return loss_and_delta("mse", net.forward(X)[0], y)[0]

    for p in net.params.values():
        numerical_gradient(loss, p)
    assert len(calls) == 2 * net.n_params == 2 * 1633


# --- §6: vanishing gradients ------------------------------------------------------------------

def test_sigmoid_derivative_is_at_most_a_quarter():
    z = np.linspace(-50, 50, 100001)
    assert np.max(sigmoid_grad(z)) == pytest.approx(0.25, abs=1e-12)
    assert sigmoid_grad(np.array(0.0)) == 0.25


def test_deep_sigmoid_first_layer_gradient_is_orders_below_relu_he():
    """20 hidden layers of 16, two moons, at initialization, seed 0: ‖dW1‖ = 4.1e-14 for
    sigmoid/Xavier, 6.0e-2 for ReLU/He (12.2 orders of magnitude); seeds 1–4 give gaps of
    11.3 … 11.9 orders."""
    for seed in range(5):
        sig, relu = first_layer_norms(seed, **SIGMOID), first_layer_norms(seed, **RELU_HE)
        assert sig[0] < 1e-12
        assert sig[0] / relu[0] < 1e-10                     # measured ≤ 5.5e-12
    sig, relu = first_layer_norms(0, **SIGMOID), first_layer_norms(0, **RELU_HE)
    assert sig[0] == pytest.approx(4.07e-14, rel=0.01)
    assert relu[0] == pytest.approx(5.99e-2, rel=0.01)
    assert np.log10(relu[0] / sig[0]) == pytest.approx(12.2, abs=0.05)


def test_residual_connections_and_batch_norm_close_the_gap():
    """Residual sigmoid's ‖dW1‖ is 9.5e-2 (seed 0): it closes 102 % of the log-gap to ReLU/He
    (101 … 109 % over seeds 0–4); batch norm closes 112 … 120 %."""
    for seed in range(5):
        sig, relu = first_layer_norms(seed, **SIGMOID), first_layer_norms(seed, **RELU_HE)
        gap = np.log10(relu[0] / sig[0])
        res = first_layer_norms(seed, residual=True, **SIGMOID)
        bn = first_layer_norms(seed, norm="batch", **SIGMOID)
        assert np.log10(res[0] / sig[0]) / gap > 0.9
        assert np.log10(bn[0] / sig[0]) / gap > 0.9
    res = first_layer_norms(0, residual=True, **SIGMOID)
    assert res[0] == pytest.approx(9.47e-2, rel=0.01)


def test_sigmoid_loses_about_a_factor_four_per_layer():
    """Geometric-mean shrink per hidden layer, 20 hidden layers, seed 0: 0.23 (≤ 1/4)."""
    hidden = first_layer_norms(0, **SIGMOID)[:-1]
    factor = (hidden[0] / hidden[-1]) ** (1 / (hidden.size - 1))
    assert 0.2 < factor <= 0.25
    assert factor == pytest.approx(0.226, abs=0.002)


def test_by_depth_sigmoid_vanishes_tanh_and_relu_he_do_not():
    """Median over seeds 0–2 of ‖dW1‖ with 30 hidden layers: sigmoid 1.6e-20, tanh 3.2e-2,
    ReLU/He 1.4e-2 (with 1 hidden layer: 1.0e-1, 4.5e-1, 2.8e-1)."""
    def median(depth, **setup):
        return np.median([first_layer_norms(s, depth=depth, **setup)[0] for s in range(3)])

    assert median(30, **SIGMOID) < 1e-18
    assert median(30, activation="tanh", init="xavier_normal") > 1e-2
    assert median(30, **RELU_HE) > 1e-2


def test_relu_xavier_is_level_but_a_thousand_times_below_he():
    """20 hidden layers, seed 0: He's ‖dW^(l)‖ / Xavier's is 639 … 1387 over the 21 layers
    (the text: 20 factors of 1/√2, 2^10 ≈ 10^3)."""
    ratio = first_layer_norms(0, **RELU_HE) / first_layer_norms(0, activation="relu",
                                                                   init="xavier_normal")
    assert np.all((ratio > 300) & (ratio < 3000))


def test_relu_he_with_residual_connections_explodes():
    """Seed 0: every layer's ‖dW‖ ≥ 1.1e3 (vs ≤ 0.3 without the skips)."""
    exploding = first_layer_norms(0, residual=True, **RELU_HE)
    assert exploding.min() > 1e3
    assert first_layer_norms(0, **RELU_HE).max() < 1


# --- §7: gradient checking ------------------------------------------------------------------

def _data(dtype=np.float64):
    """The chapter's batch: 6 samples, 3 features, labels 0/1."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, 3))
    y = (X[:, :1] + X[:, 1:2] > 0).astype(float)
    return X.astype(dtype), y.astype(dtype)


def _small_net(dtype=np.float64):
    net = MLP([3, 4, 3, 1], activation="tanh", head="sigmoid", init="xavier_normal", seed=0,
              dtype=dtype)
    return (net, *_data(dtype))


def _check(net, X, y, eps=1e-6, grads=None):
    def loss():
        return loss_and_delta("bce", net.forward(X)[1].z[-1], y)[0]
    if grads is None:
        _, cache = net.forward(X)
        grads = net.backward(loss_and_delta("bce", cache.z[-1], y)[1], cache)
    return check_gradients(loss, net.params, grads, eps=eps)


def test_float64_and_float32_gradient_checks():
    """Measured: float64/eps 1e-6 4.5e-10; float32/eps 1e-3 3.1e-4; float32/eps 1e-6 0.33."""
    assert _check(*_small_net(np.float64)).max_error < 1e-8
    assert 1e-5 < _check(*_small_net(np.float32), eps=1e-3).max_error < 1e-2
    assert _check(*_small_net(np.float32), eps=1e-6).max_error > THRESHOLD


def test_a_missing_sigma_prime_fails_only_its_layer():
    ns = chapter_namespace(until="by_hand = {")
    net, X, y = ns["net"], ns["X"], ns["y"]
    buggy = dict(ns["by_hand"])
    delta1_bug = ns["delta2"] @ ns["W2"]
    buggy["W1"], buggy["b1"] = delta1_bug.T @ X, delta1_bug.sum(axis=0)
    check = _check(net, X, y, grads=buggy)
    assert not check.passed
    assert check.errors["W1"] > 1e-2 and check.errors["b1"] > 1e-3   # measured 4.9e-2, 1.1e-2
    assert all(check.errors[k] < 1e-8 for k in ("W2", "b2", "W3", "b3"))


def test_relu_kink_fails_the_check_only_for_its_unit():
    """Unit 1's z exactly 0 for sample 0: W1 2.1e-1, b1 1.3e-1; 1e-3 away it passes again."""
    X, y = _data()
    net = MLP([3, 4, 1], activation="relu", head="sigmoid", seed=0)   # as in the chapter
    assert _check(net, X, y).passed
    b1 = net.params["b1"]
    b1[0] = -net.forward(X)[1].z[1][0, 0]        # biases start at 0: z becomes exactly 0
    assert net.forward(X)[1].z[1][0, 0] == 0.0
    check = _check(net, X, y)
    assert not check.passed
    assert check.errors["W1"] > 1e-2 and check.errors["b1"] > 1e-2
    assert check.errors["W2"] < 1e-8 and check.errors["b2"] < 1e-8
    b1[0] += 1e-3
    assert _check(net, X, y).passed


# --- §1: the scalar warm-up, the ½ in squared error ------------------------------------------

def test_scalar_warm_up_chain_rule_matches_finite_differences():
    """x = 1.5, y = 0.5, w1 = 0.8, w2 = −1.2: ∂L/∂w1 = 0.4554, ∂L/∂w2 = −1.0930."""
    ns = chapter_namespace(until="def path_loss")
    assert ns["dw1_s"] == pytest.approx(0.4554, abs=1e-4)
    assert ns["dw2_s"] == pytest.approx(-1.0930, abs=1e-4)
    assert ns["dw1_s"] == pytest.approx(ns["fd_w1"], abs=1e-8)
    assert ns["dw2_s"] == pytest.approx(ns["fd_w2"], abs=1e-8)
    assert ns["delta1_s"] == pytest.approx(ns["delta2_s"] * ns["w2_s"] * ns["da1_dz1"])


@pytest.mark.parametrize("k", [1, 3])
def test_squared_error_has_a_half_and_is_k_over_2_times_pytorchs(k):
    """nnlib's mse = (1/2n) Σ‖a − y‖²; PyTorch's F.mse_loss = mean over all n·k entries."""
    rng = np.random.default_rng(0)
    a, y = rng.normal(size=(5, k)), rng.normal(size=(5, k))
    L, delta = loss_and_delta("mse", a, y)
    torch_mse = np.mean((a - y) ** 2)
    assert L == pytest.approx(k / 2 * torch_mse, rel=1e-12)
    np.testing.assert_allclose(delta, (a - y) / 5, rtol=1e-12)


def test_cross_entropy_deltas_are_a_minus_y():
    """Sigmoid + BCE and softmax + CE: δ^(L) = (a − y)/n from the logits (the §1 derivation)."""
    from nnlib.activations import sigmoid, softmax
    rng = np.random.default_rng(1)
    z = rng.normal(size=(4, 1))
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    np.testing.assert_allclose(loss_and_delta("bce", z, y)[1], (sigmoid(z) - y) / 4, rtol=1e-12)
    z3 = rng.normal(size=(4, 3))
    Y = np.eye(3)[[0, 2, 1, 2]]
    np.testing.assert_allclose(loss_and_delta("cross_entropy", z3, Y)[1], (softmax(z3) - Y) / 4,
                               rtol=1e-10, atol=1e-15)


def test_flop_ratios_and_finite_difference_count_quoted_in_section_4():
    ns = chapter_namespace(until="P_largest =")
    flops = {k: ns["matmul_flops"](sizes, n=64) for k, sizes in ns["sizes_by_depth"].items()}
    assert round(flops[1][1] / flops[1][0], 2) == 1.06
    assert round(flops[32][1] / flops[32][0], 2) == 1.98
    assert 2 * ns["P_largest"] == 66626


# --- §6: by depth, tanh and ReLU/He fall slowly; the variance derivation ----------------------

def test_by_depth_tanh_and_relu_he_fall_by_14_and_20_over_30_layers():
    """Medians over seeds 0–2 of ‖dW1‖, 1 vs 30 hidden layers: tanh 4.5e-1 → 3.2e-2 (14×),
    ReLU/He 2.8e-1 → 1.4e-2 (20×), sigmoid 6.6e18×."""
    def median(depth, **setup):
        return np.median([first_layer_norms(s, depth=depth, **setup)[0] for s in range(3)])

    tanh = median(1, activation="tanh", init="xavier_normal") / median(30, activation="tanh",
                                                                       init="xavier_normal")
    relu = median(1, **RELU_HE) / median(30, **RELU_HE)
    assert round(tanh) == 14 and round(relu) == 20
    assert median(1, **SIGMOID) / median(30, **SIGMOID) > 1e18


def _variances():
    from nnlib.analysis.initialization import variance_by_depth
    from nnlib.chapter_settings import CH3_INIT_GAINS, CH3_VARIANCE
    return {act: {gain: variance_by_depth(act, gain, **CH3_VARIANCE) for gain in CH3_INIT_GAINS.values()}
            for act in ("relu", "tanh")}


def test_relu_variance_follows_gain_over_two_per_layer():
    """Var(z20)/Var(z1) for gains 0.5, 1, 2, 4: 1.3e-12, 6.6e-7, 0.35, 1.8e5 against the
    prediction (gain/2)^19 = 3.6e-12, 1.9e-6, 1, 5.2e5 (within a factor 3)."""
    relu = _variances()["relu"]
    for gain, v in relu.items():
        assert v[0] == pytest.approx(gain, rel=0.05)                 # input N(0, 1)
        predicted = (gain / 2) ** 19
        assert predicted / 3 < v[-1] / v[0] < predicted * 3
    assert round(relu[2.0][-1] / relu[2.0][0], 2) == 0.35


def test_tanh_variance_fades_with_xavier_and_levels_off_when_large():
    """tanh: Var(z20) = 3.6e-7, 0.028, 0.63, 2.1 for gains 0.5, 1, 2, 4."""
    tanh = _variances()["tanh"]
    assert tanh[0.5][-1] < 1e-6
    assert round(tanh[1.0][-1], 3) == 0.028
    assert round(tanh[2.0][-1], 2) == 0.63 and round(tanh[4.0][-1], 1) == 2.1
    for gain in (2.0, 4.0):                       # levelled off: the last 5 layers within 10 %
        last = tanh[gain][-5:]
        assert last.max() / last.min() < 1.1


def test_relu_he_variance_stays_within_a_factor_4_over_seeds():
    """Finite width makes He's line wander: seeds 0–5 end at 0.34 … 1.17 × Var(z1)."""
    from nnlib.analysis.initialization import variance_by_depth
    from nnlib.chapter_settings import CH3_VARIANCE
    for seed in range(6):
        v = variance_by_depth("relu", 2.0, **{**CH3_VARIANCE, "seed": seed})
        assert 0.25 < v[-1] / v[0] < 4


# --- §8: from gradients to learning -----------------------------------------------------------

def _learning():
    from nnlib.chapter_settings import CH3_LEARNING
    from nnlib.datasets import load_dataset
    sine = load_dataset(**CH3_LEARNING["data"])

    def new_net():
        return MLP(list(CH3_LEARNING["sizes"]), activation=CH3_LEARNING["activation"],
                   head="identity", init="xavier_normal", seed=CH3_LEARNING["seed"])
    return sine, new_net


def test_one_gradient_step_lowers_the_loss():
    """η = 1: 0.1850 → 0.1084."""
    ns = chapter_namespace(until="L_after, _ =")
    assert round(ns["L_before"], 4) == 0.1850 and round(ns["L_after"], 4) == 0.1084


def test_learning_rates_too_small_right_too_large():
    """100 full-batch steps: η 0.05 → 0.1035, η 1 → 0.01971, η 2.5 diverges after 8 steps (43.42)."""
    from nnlib.analysis.descent import DIVERGED_FACTOR, descent_curves
    from nnlib.chapter_settings import CH3_LEARNING, CH3_RATES
    sine, _ = _learning()
    curves = descent_curves(sine.X_train, sine.y_train, **CH3_RATES, sizes=CH3_LEARNING["sizes"],
                            activation=CH3_LEARNING["activation"], seed=CH3_LEARNING["seed"])
    small, right, large = (curves[lr] for lr in CH3_RATES["lrs"])
    assert small.size == right.size == CH3_RATES["steps"]
    assert round(small[0], 3) == 0.185 and round(small[-1], 2) == 0.10
    assert round(right[-1], 3) == 0.020 and small[-1] / right[-1] > 5
    assert large.size == 8 and round(large[-1]) == 43
    assert large[-1] > 200 * large[0]
    assert DIVERGED_FACTOR == 1e3


def test_minibatch_training_with_validation():
    """Batches of 16 on 120 points: 8 steps per epoch; after 60 epochs training 0.0128,
    validation 0.0196, validation above training after 55 of the 60 epochs."""
    from nnlib.chapter_settings import CH3_MINIBATCH as mb
    from nnlib.optimizers import SGD
    from nnlib.training import train
    sine, new_net = _learning()
    h = train(new_net(), sine.X_train, sine.y_train, sine.X_val, sine.y_val, optimizer=SGD(mb["lr"]),
              epochs=mb["epochs"], batch_size=mb["batch_size"], seed=mb["seed"])
    assert len(sine.X_train) == 120 and len(sine.X_val) == 40
    assert -(-120 // mb["batch_size"]) == 8 and h.epochs_run == 60
    assert round(h.train_loss[-1], 4) == 0.0128 and round(h.val_loss[-1], 4) == 0.0196
    assert sum(v > t for t, v in zip(h.train_loss, h.val_loss)) == 55


def test_momentum_and_adam_are_lower_after_one_epoch():
    """Epoch 1: SGD 0.19, momentum 0.10, Adam 0.11; after 60 all near 0.01."""
    from nnlib.chapter_settings import CH3_MINIBATCH as mb, CH3_OPTIMIZERS
    from nnlib.optimizers import SGD, Adam, Momentum
    from nnlib.training import train
    sine, new_net = _learning()
    first, last = {}, {}
    for name, cls in (("sgd", SGD), ("momentum", Momentum), ("adam", Adam)):
        h = train(new_net(), sine.X_train, sine.y_train, sine.X_val, sine.y_val,
                  optimizer=cls(**CH3_OPTIMIZERS[name]), epochs=mb["epochs"],
                  batch_size=mb["batch_size"], seed=mb["seed"])
        first[name], last[name] = h.train_loss[0], h.train_loss[-1]
    assert round(first["sgd"], 2) == 0.19 and round(first["momentum"], 2) == 0.10
    assert round(first["adam"], 2) == 0.11
    assert all(0.005 < v < 0.02 for v in last.values())


def test_eta_one_overshoots_once_near_step_80():
    """η = 1: 0.037 at step 72, 0.183 at step 82 (the largest loss after step 20), 0.0197 at 99."""
    ns = chapter_namespace(until="bump = 20 +")
    good = ns["curves"][1.0]
    assert ns["bump"] == 82
    assert round(good[72], 3) == 0.037 and round(good[82], 3) == 0.183
    assert good[-1] < 0.02
