"""The claims that Chapters 1 (architecture) and 2 (forward pass) make in their text.

Each test names the section whose prose it backs.  Where a chapter defines a helper itself
(``parameter_formula``, ``sawtooth_net``, ``forward``, ``naive_softmax`` …), the test runs
*that* function, taken from the chapter's .py, so the notebook's code is what is tested.
Thresholds come from measurements on the machine the chapters were written on, with a margin
(the measured value is given next to each).
"""

import ast
import warnings
from pathlib import Path

import numpy as np
import pytest

from nnlib.activations import get_activation, sigmoid, softmax
from nnlib.datasets import load_dataset, make_circles
from nnlib.analysis.approximation import fit_one_hidden_layer, target_function
from nnlib.network import MLP
from nnlib.optimizers import Adam
from nnlib.training import train

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
X_EVAL = np.linspace(-1, 1, 1001)[:, None]          # the chapter's evaluation grid
WIDTHS = [1, 2, 4, 8, 16, 32, 64, 128]


def chapter_function(chapter: str, name: str, **namespace):
    """The function ``name`` defined in chapters/<chapter>.py, compiled on its own.

    ``namespace`` supplies the globals it uses (``np`` is always there).
    """
    tree = ast.parse((CHAPTERS / f"{chapter}.py").read_text())
    defs = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == name]
    assert len(defs) == 1, f"chapters/{chapter}.py should define {name}() once, found {len(defs)}"
    namespace = {"np": np, **namespace}
    exec(compile(ast.Module(body=defs, type_ignores=[]), f"{chapter}.py", "exec"), namespace)
    return namespace[name]


def rms_error(net, target):
    f = target_function(target)
    return float(np.sqrt(np.mean((net.predict(X_EVAL) - f(X_EVAL)) ** 2)))


# --- Chapter 1 -------------------------------------------------------------------------------

@pytest.mark.parametrize("sizes", [[3, 5, 4, 2], [1, 1], [2, 8, 8, 8, 3]])
def test_ch01_linear_layers_collapse_to_one(sizes):
    """§1.1: without σ, a stack of layers is one linear map W = W_L … W_1, b accumulated."""
    net = MLP(sizes, activation="identity", head="identity", seed=1)
    rng = np.random.default_rng(0)
    for l in range(1, net.L + 1):
        net.params[f"b{l}"][:] = rng.normal(size=net.sizes[l])
    W, b = np.eye(sizes[0]), np.zeros(sizes[0])
    for l in range(1, net.L + 1):
        W, b = net.params[f"W{l}"] @ W, net.params[f"W{l}"] @ b + net.params[f"b{l}"]
    X = rng.normal(size=(7, sizes[0]))
    np.testing.assert_allclose(net.predict(X), X @ W.T + b, rtol=1e-12, atol=1e-12)


def test_ch01_bias_sets_the_switch_point():
    """§1.1: the sigmoid neuron σ(wx + b) crosses 1/2 at x = −b/w."""
    for w, b in [(2.0, -3.0), (2.0, 2.0), (-1.0, 0.5), (8.0, 0.3)]:
        assert sigmoid(np.array([w * (-b / w) + b]))[0] == pytest.approx(0.5)


ARCHITECTURES = [[2, 4, 3, 1], [1, 10, 1], [2, 65, 1], [2, 10, 10, 10, 1], [784, 128, 10],
                 [784, 256, 128, 64, 10], [3, 64, 64, 64, 64, 2]]


@pytest.mark.parametrize("sizes", ARCHITECTURES + [[5, 1], [1, 1, 1, 1], [7, 3, 9, 2, 11]])
def test_ch01_parameter_formula_matches_nnlib(sizes):
    """§1.5: P = Σ h_l (h_{l−1} + 1) equals net.n_params (the chapter's own formula)."""
    parameter_formula = chapter_function("01_architecture", "parameter_formula")
    assert parameter_formula(sizes) == MLP(sizes, seed=0).n_params


def test_ch01_deep_and_wide_candidates_have_equal_parameter_counts():
    """§1.7: [2, 10, 10, 10, 1] and [2, 65, 1] both have 261 parameters."""
    assert MLP([2, 10, 10, 10, 1]).n_params == MLP([2, 65, 1]).n_params == 261


@pytest.fixture(scope="module")
def ua_errors():
    """RMS and max error of the constructed ReLU fit, per target and width (§1.6)."""
    out = {}
    for target in ["sine", "abs", "bumpy", "step"]:
        f = target_function(target)
        errs = []
        for N in WIDTHS:
            err = fit_one_hidden_layer(target, N, "relu", seed=0).predict(X_EVAL) - f(X_EVAL)
            errs.append((np.sqrt(np.mean(err ** 2)), np.max(np.abs(err))))
        out[target] = np.array(errs)
    return out


@pytest.mark.parametrize("target", ["sine", "abs", "bumpy", "step"])
def test_ch01_error_falls_at_every_doubling_of_the_width(ua_errors, target):
    """§1.6: for every target shown, the RMS error falls from each width to the next."""
    rms = ua_errors[target][:, 0]
    assert np.all(np.diff(rms) < 0), rms


@pytest.mark.parametrize("target", ["sine", "abs", "bumpy"])
def test_ch01_smooth_targets_gain_more_than_10x_from_32_to_128(ua_errors, target):
    """§1.6: 32 → 128 neurons divides the error by more than 10 (measured 13–16)."""
    rms = dict(zip(WIDTHS, ua_errors[target][:, 0]))
    assert rms[32] / rms[128] > 10


def test_ch01_step_gains_only_about_2x_and_its_max_error_stays_near_half(ua_errors):
    """§1.6: for the step, 32 → 128 gives about 2 (measured 2.4); max error ≈ 1/2 (0.48–0.60)."""
    rms = dict(zip(WIDTHS, ua_errors["step"][:, 0]))
    assert 1.5 < rms[32] / rms[128] < 4
    assert np.all(ua_errors["step"][1:, 1] > 0.45)


def test_ch01_two_relus_make_abs_exactly():
    """§1.6: relu(x) + relu(−x) = |x|: a [1, 2, 1] network with bends at 0 represents it exactly,
    while the explorer's evenly spread bends need more than 2 neurons (N = 2: RMS 0.21)."""
    net = MLP([1, 2, 1], activation="relu", head="identity", seed=0)
    net.set_params({"W1": np.array([[1.0], [-1.0]]), "b1": np.zeros(2),
                    "W2": np.array([[1.0, 1.0]]), "b2": np.zeros(1)})
    np.testing.assert_allclose(net.predict(X_EVAL), np.abs(X_EVAL), atol=1e-15)
    assert rms_error(fit_one_hidden_layer("abs", 2, "relu", seed=0), "abs") > 0.1


def test_ch01_identity_activation_fits_only_a_line():
    """§1.6 (explorer hint): with identity neurons the fit is a straight line, whatever N."""
    y = fit_one_hidden_layer("bumpy", 40, "identity", seed=0).predict(X_EVAL).ravel()
    slopes = np.diff(y) / np.diff(X_EVAL.ravel())
    np.testing.assert_allclose(slopes, slopes[0], atol=1e-8)


def test_ch01_trained_network_is_much_worse_than_constructed_weights():
    """§1.7 learnability: same [1, 32, 1]; constructed 0.0075, trained (Adam, 300 epochs) 0.091."""
    constructed = fit_one_hidden_layer("bumpy", 32, "relu", seed=0)
    x = np.linspace(-1, 1, 256)[:, None]
    trained = MLP([1, 32, 1], activation="relu", head="identity", seed=0)
    train(trained, x, target_function("bumpy")(x), optimizer=Adam(lr=0.01), epochs=300,
          batch_size=32, seed=0)
    assert rms_error(constructed, "bumpy") < 0.01
    assert rms_error(trained, "bumpy") > 5 * rms_error(constructed, "bumpy")


@pytest.fixture(scope="module")
def sawtooth():
    sawtooth_net = chapter_function("01_architecture", "sawtooth_net", MLP=MLP)
    linear_pieces = chapter_function("01_architecture", "linear_pieces")
    return sawtooth_net, linear_pieces, np.linspace(-1, 1, 2**12 + 1)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
def test_ch01_each_layer_doubles_the_pieces_for_6_parameters(sawtooth, k):
    """§1.7 efficiency: k layers of 2 ReLUs give 2^k linear pieces with 6k + 1 parameters."""
    sawtooth_net, linear_pieces, x = sawtooth
    net = sawtooth_net(k)
    assert net.n_params == 6 * k + 1
    assert linear_pieces(net.predict(x[:, None]).ravel(), x) == 2 ** k


@pytest.mark.parametrize("N", [3, 10, 25])
def test_ch01_one_hidden_layer_has_at_most_N_plus_1_pieces(sawtooth, N):
    """§1.7: a [1, N, 1] ReLU network bends only where a neuron switches: ≤ N + 1 pieces."""
    _, linear_pieces, x = sawtooth
    for seed in range(3):
        net = MLP([1, N, 1], activation="relu", seed=seed)
        rng = np.random.default_rng(seed)
        for name in net.params:
            net.params[name][...] = rng.normal(size=net.params[name].shape)
        assert linear_pieces(net.predict(x[:, None]).ravel(), x) <= N + 1


def test_ch01_shallow_network_with_same_budget_misses_the_zigzag(sawtooth):
    """§1.7: with 31 parameters (10 neurons) the constructed shallow fit has ≤ 11 pieces and a
    large error (measured RMS 0.29; the zigzag's own RMS around its mean is 0.29)."""
    sawtooth_net, linear_pieces, x = sawtooth
    zigzag = sawtooth_net(5)

    def zigzag_target(t):
        return zigzag.predict(np.asarray(t, dtype=float).reshape(-1, 1)).reshape(np.shape(t))

    shallow = fit_one_hidden_layer(zigzag_target, 10, "relu", seed=0)
    assert shallow.n_params == zigzag.n_params == 31
    assert linear_pieces(shallow.predict(x[:, None]).ravel(), x) <= 11
    assert rms_error(shallow, zigzag_target) > 0.2


def test_ch01_deep_beats_wide_at_equal_parameter_count_on_spirals():
    """§1.7: with 261 parameters each, deep val accuracy 0.80–0.93 vs wide 0.60–0.69 (3 seeds)."""
    spirals = load_dataset("spirals", n=400, seed=0, turns=2.0)
    val = {}
    for sizes in ([2, 10, 10, 10, 1], [2, 65, 1]):
        val[len(sizes)] = []
        for seed in range(3):
            net = MLP(sizes, activation="relu", head="sigmoid", seed=seed)
            h = train(net, spirals.X_train, spirals.y_train, spirals.X_val, spirals.y_val,
                      optimizer=Adam(lr=0.01), epochs=150, batch_size=32, seed=seed)
            val[len(sizes)].append(h.val_acc[-1])
    deep, wide = np.array(val[5]), np.array(val[3])
    assert deep.min() > wide.max(), (deep, wide)
    assert deep.mean() > 0.8 and wide.max() < 0.75, (deep, wide)


# --- Chapter 2 -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def notebook_forward():
    return chapter_function("02_forward", "forward", get_activation=get_activation)


@pytest.mark.parametrize("sizes,activation,head", [
    ([2, 5, 4, 3], "relu", "softmax"), ([3, 16, 16, 1], "tanh", "identity"),
    ([2, 8, 8, 8, 1], "relu", "sigmoid"), ([10, 32, 4], "gelu", "softmax"),
    ([1, 64, 1], "sigmoid", "identity"), ([4, 7, 7, 2], "silu", "softmax")])
def test_ch02_notebook_forward_equals_nnlib(notebook_forward, sizes, activation, head):
    """§2.3: the chapter's readable forward() gives net.forward's output and every z, a."""
    net = MLP(sizes, activation=activation, head=head, seed=3)
    rng = np.random.default_rng(0)
    for l in range(1, net.L + 1):
        net.params[f"b{l}"][:] = rng.normal(size=net.sizes[l])
    X = rng.normal(size=(50, sizes[0]))
    out, cache = net.forward(X)
    ours, zs, As = notebook_forward(X, net.params, activation, head)
    np.testing.assert_allclose(ours, out, rtol=0, atol=1e-12)
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(zs[l], cache.z[l], rtol=0, atol=1e-12)
        np.testing.assert_allclose(As[l], cache.a[l], rtol=0, atol=1e-12)


def test_ch02_every_intermediate_has_shape_n_by_width():
    """§2.1: Z^(l) and A^(l) have shape (n, h_l); n passes through untouched."""
    net = MLP([2, 5, 4, 3], activation="relu", head="softmax", seed=0)
    _, cache = net.forward(np.zeros((6, 2)))
    assert [a.shape for a in cache.a] == [(6, 2), (6, 5), (6, 4), (6, 3)]
    assert [z.shape for z in cache.z[1:]] == [(6, 5), (6, 4), (6, 3)]


def test_ch02_bias_as_a_column_fails_or_is_silently_wrong():
    """§2.2: b[:, None] raises for n ≠ h and gives wrong numbers (row i gets b_i) for n = h."""
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        rng.normal(size=(6, 5)) + rng.normal(size=5)[:, None]
    product, b = rng.normal(size=(4, 4)), np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose((product + b[:, None]) - (product + b), b[:, None] - b)
    np.testing.assert_array_equal(product + b, product + np.outer(np.ones(4), b))


def test_ch02_naive_softmax_overflows_where_the_stable_one_does_not():
    """§2.4: exp(1000) = inf and inf/inf = nan with NumPy warnings; subtracting the max fixes it."""
    naive_softmax = chapter_function("02_forward", "naive_softmax")
    z = np.array([[1000.0, 999.0, 0.0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        naive = naive_softmax(z)
    assert np.isnan(naive[0, :2]).all() and naive[0, 2] == 0
    assert {"overflow encountered in exp", "invalid value encountered in divide"} <= \
        {str(w.message) for w in caught}
    e = np.e
    expected = [e / (1 + e), 1 / (1 + e), 0.0]
    np.testing.assert_allclose(softmax(z)[0], expected, atol=1e-15)
    np.testing.assert_allclose(naive_softmax(z - z.max(axis=1, keepdims=True))[0], expected, atol=1e-15)


def test_ch02_overflow_thresholds():
    """§2.4: e^z overflows above 709.78 in float64 and above 88.72 in float32."""
    assert np.log(np.finfo(np.float64).max) == pytest.approx(709.78, abs=0.01)
    assert np.log(np.finfo(np.float32).max) == pytest.approx(88.72, abs=0.01)
    with np.errstate(over="ignore"):
        assert np.isinf(np.exp(np.float64(709.79))) and np.isfinite(np.exp(np.float64(709.78)))
        assert np.isinf(np.exp(np.float32(88.73))) and np.isfinite(np.exp(np.float32(88.72)))


def test_ch02_softmax_is_shift_invariant_and_rows_sum_to_one():
    """§2.4: softmax(z − m) = softmax(z); each row sums to 1."""
    z = np.random.default_rng(0).normal(size=(5, 4)) * 3
    naive_softmax = chapter_function("02_forward", "naive_softmax")
    np.testing.assert_allclose(naive_softmax(z), softmax(z - 7.0), rtol=1e-12)
    np.testing.assert_allclose(softmax(z).sum(axis=1), 1.0)


def test_ch02_heads_pair_with_their_losses():
    """§2.4 table: identity → mse, sigmoid → bce, softmax → cross-entropy."""
    assert {h: MLP([2, 2], head=h).loss_name for h in ("identity", "sigmoid", "softmax")} == \
        {"identity": "mse", "sigmoid": "bce", "softmax": "cross_entropy"}


def test_ch02_trained_last_hidden_layer_makes_the_rings_linearly_separable():
    """§2.5: a line on the raw rings: 0.49; on the trained [2, 4, 2, 1]'s a^(2): 1.00."""
    X, y = make_circles(n=200, seed=0)
    net = MLP([2, 4, 2, 1], activation="tanh", head="sigmoid", seed=0)
    history = train(net, X, y, optimizer=Adam(lr=0.03), epochs=100, batch_size=32, seed=0)
    assert history.train_acc[-1] == 1.0

    def linear_accuracy(features):
        line = MLP([features.shape[1], 1], head="sigmoid", seed=0)
        return train(line, features, y, optimizer=Adam(lr=0.05), epochs=100, batch_size=32,
                     seed=0).train_acc[-1]

    assert linear_accuracy(X) < 0.65
    assert linear_accuracy(net.forward(X)[1].a[2]) == 1.0


def test_ch02_flops_estimate_is_within_one_percent_of_the_exact_count():
    """§2.6: 2·n·(number of weights) is 99.8% of the count with bias and σ for [784, 256, 128, 10]."""
    forward_flops = chapter_function("02_forward", "forward_flops")
    sizes, n = [784, 256, 128, 10], 256
    n_weights = sum(h * p for p, h in zip(sizes[:-1], sizes[1:]))
    exact = sum(f + e for _, f, e in forward_flops(sizes, n))
    assert 0.99 < 2 * n * n_weights / exact < 1


def test_ch02_batch_and_loop_do_the_same_arithmetic_in_512_times_fewer_calls():
    """§2.6: [2, 16, 16, 1], n = 512: the same outputs and FLOPs, 3 vs 1536 matrix products.
    (The timings beside it are an illustration, not a claim: nothing here is timed.)"""
    small = MLP([2, 16, 16, 1], activation="relu", seed=0)
    X = np.random.default_rng(0).normal(size=(512, 2))
    np.testing.assert_allclose(small.predict(X),
                               np.vstack([small.predict(X[i:i + 1]) for i in range(512)]),
                               rtol=1e-12, atol=1e-15)
    assert small.L == 3 and 512 * small.L == 1536
    assert 2 * 512 * sum(a * b for a, b in zip(small.sizes[:-1], small.sizes[1:])) == 311296


def test_forward_returns_the_heads_output_and_the_logits_are_in_the_cache():
    """Chapter 2, §2.4: MLP.forward returns a^(L) = head(z^(L)); the logits are cache.z[-1]."""
    from nnlib.activations import sigmoid, softmax
    X = np.array([[0.5, -1.0], [2.0, 0.3]])
    for head, f in (("softmax", softmax), ("sigmoid", sigmoid)):
        net = MLP([2, 4, 3], activation="tanh", head=head, seed=0)
        a_L, cache = net.forward(X)
        np.testing.assert_allclose(a_L, f(cache.z[-1]), rtol=1e-12)
        if head == "softmax":
            np.testing.assert_allclose(a_L.sum(axis=1), 1.0, rtol=1e-12)
