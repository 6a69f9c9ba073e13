"""Property-based tests: shapes, dtypes, determinism and gradients over random networks.

Hypothesis draws networks of 1–6 layers (widths 1–9, batches 1–7) across every hidden
activation × head × norm × residual × dropout × train/eval, in float32 and float64.
Every test is deterministic (``derandomize=True``, no example database), so a rerun
checks exactly the same examples.

"No warnings" means: warnings are errors and NumPy raises on overflow, division by zero
and invalid operations.  Underflow (e^{-1000} rounding to 0) is ignored there, as it is by
NumPy's default; the strict-xfail test at the end records that the library does raise on
underflow under ``np.errstate(all="raise")``.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib import losses
from nnlib.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from nnlib.gradcheck import THRESHOLD, check_gradients
from nnlib.layers import BatchNorm
from nnlib.losses import loss_and_delta
from nnlib.network import MLP


def fast(n):
    """Deterministic settings: the same ``n`` examples on every run."""
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@contextlib.contextmanager
def strict_numerics():
    """Warnings are errors; overflow, divide-by-zero and invalid operations raise."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield


DTYPES = (np.float32, np.float64)
INITS = ("he_normal", "he_uniform", "xavier_normal", "xavier_uniform", "normal")
HEADS = ("identity", "sigmoid", "softmax")


# --- random networks ---------------------------------------------------------------------------

@st.composite
def networks(draw, max_layers=6, min_width=1, max_width=9, max_batch=7,
             activations=HIDDEN_ACTIVATIONS, dtypes=DTYPES, inits=INITS + ("zeros",),
             dropouts=st.one_of(st.just(0.0), st.floats(0.05, 0.9)), train=st.booleans()):
    """A dict of MLP keyword arguments plus ``n`` (batch), ``train`` and ``data_seed``."""
    L = draw(st.integers(1, max_layers))
    sizes = draw(st.lists(st.integers(min_width, max_width), min_size=L + 1, max_size=L + 1))
    if draw(st.booleans()):                      # equal widths, so residual blocks really occur
        sizes[:-1] = [sizes[0]] * L
    head = draw(st.sampled_from(HEADS))
    if head == "softmax" and sizes[-1] < 2:
        sizes[-1] = draw(st.integers(2, max(2, max_width)))
    norm = draw(st.sampled_from([None, "batch", "layer"]))
    is_train = draw(train)
    n = draw(st.integers(2 if (norm == "batch" and is_train) else 1, max_batch))
    return dict(sizes=sizes, activation=draw(st.sampled_from(activations)), head=head,
                init=draw(st.sampled_from(inits)), dropout=draw(dropouts), norm=norm,
                residual=draw(st.booleans()), dtype=draw(st.sampled_from(dtypes)),
                seed=draw(st.integers(0, 2**32 - 1)), n=n, train=is_train,
                data_seed=draw(st.integers(0, 2**32 - 1)))


def build(cfg, **overrides):
    kw = {k: v for k, v in cfg.items() if k not in ("n", "train", "data_seed")}
    kw.update(overrides)
    return MLP(kw.pop("sizes"), **kw)


def data(cfg):
    """A batch ``X`` and matching targets ``y`` for the head of ``cfg`` (from ``data_seed``)."""
    rng = np.random.default_rng(cfg["data_seed"])
    n, d, k = cfg["n"], cfg["sizes"][0], cfg["sizes"][-1]
    X = rng.standard_normal((n, d)).astype(cfg["dtype"])
    if cfg["head"] == "identity":
        y = rng.standard_normal((n, k))
    elif cfg["head"] == "sigmoid":
        y = rng.integers(0, 2, size=(n, k))
    else:
        y = rng.integers(0, k, size=n)
    return X, y


def run(net, X, y, train, rng=None):
    """forward → loss_and_delta → backward; returns everything a test looks at."""
    out, cache = net.forward(X, train=train, rng=rng)
    loss, delta_L = loss_and_delta(net.loss_name, cache.z[-1], y)
    grads = net.backward(delta_L, cache)
    return out, cache, loss, delta_L, grads


# --- shapes and dtypes -------------------------------------------------------------------------

@fast(300)
@given(networks())
def test_every_array_has_its_shape_and_the_networks_dtype(cfg):
    net = build(cfg)
    X, y = data(cfg)
    dt = np.dtype(cfg["dtype"])
    n, sizes, L = cfg["n"], cfg["sizes"], len(cfg["sizes"]) - 1
    with strict_numerics():
        out, cache, loss, delta_L, grads = run(net, X, y, cfg["train"])

    assert out.shape == (n, sizes[-1]) and out.dtype == dt
    assert isinstance(loss, float) and np.isfinite(loss)
    assert delta_L.shape == cache.z[-1].shape and delta_L.dtype == dt
    assert cache.z[0] is None and cache.a[0].dtype == dt
    assert len(cache.z) == len(cache.a) == len(grads.delta) == L + 1
    for l in range(1, L + 1):
        for what, arr in (("z", cache.z[l]), ("a", cache.a[l]), ("delta", grads.delta[l])):
            assert arr.shape == (n, sizes[l]), f"{what}[{l}] has shape {arr.shape}"
            assert arr.dtype == dt, f"{what}[{l}] is {arr.dtype}, the network is {dt}"
            assert np.all(np.isfinite(arr)), f"{what}[{l}] is not finite"
    assert list(grads) == list(net.params)
    for name, p in net.params.items():
        assert p.dtype == dt, f"params[{name!r}] became {p.dtype}"
        assert grads[name].shape == p.shape, f"grads[{name!r}] {grads[name].shape} vs {p.shape}"
        assert grads[name].dtype == dt, f"grads[{name!r}] is {grads[name].dtype}, the network is {dt}"
        assert np.all(np.isfinite(grads[name]))
    for block in net.blocks:                      # batch norm's running statistics stay in dtype too
        if isinstance(block.norm, BatchNorm):
            assert block.norm.running_mean.dtype == dt and block.norm.running_var.dtype == dt
    assert net.predict(X).dtype == dt


# --- determinism -------------------------------------------------------------------------------

@fast(150)
@given(networks(inits=INITS, train=st.just(True)), st.integers(0, 2**32 - 1))
def test_same_seed_is_bitwise_identical_and_other_seeds_differ(cfg, other_seed):
    X, y = data(cfg)
    a, b = build(cfg), build(cfg)
    for name in a.params:
        assert a.params[name].dtype == b.params[name].dtype
        assert np.array_equal(a.params[name], b.params[name]), name
    # Two training steps' worth of forward/backward: dropout masks come from the seed too.
    for _ in range(2):
        out_a, _, loss_a, delta_a, grads_a = run(a, X, y, train=True)
        out_b, _, loss_b, delta_b, grads_b = run(b, X, y, train=True)
        assert out_a.tobytes() == out_b.tobytes() and loss_a == loss_b
        assert delta_a.tobytes() == delta_b.tobytes()
        for name in grads_a:
            assert grads_a[name].dtype == grads_b[name].dtype
            assert grads_a[name].tobytes() == grads_b[name].tobytes(), name

    if other_seed != cfg["seed"]:
        c = build(cfg, seed=other_seed)
        weights = [k for k in a.params if k.startswith("W")]
        assert any(not np.array_equal(a.params[k], c.params[k]) for k in weights), \
            f"seeds {cfg['seed']} and {other_seed} drew the same weights"


# --- activations -------------------------------------------------------------------------------

def float_arrays(dtype, bound=1e3):
    return hnp.arrays(dtype, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6),
                      elements=st.floats(-bound, bound, width=np.dtype(dtype).itemsize * 8))


@fast(150)
@given(st.sampled_from(sorted(ACTIVATIONS)), st.sampled_from(DTYPES).flatmap(float_arrays))
def test_activations_keep_shape_and_dtype_and_stay_finite(name, z):
    act = ACTIVATIONS[name]
    with strict_numerics():
        a = act(z)
        da = np.ones_like(a)
        delta = act.backward(da, z, a)
        d = None if name == "softmax" else act.derivative(z)
    for what, arr in (("f", a), ("backward", delta)) + ((("df", d),) if d is not None else ()):
        assert arr.shape == z.shape, f"{name}.{what}: shape {arr.shape} from {z.shape}"
        assert arr.dtype == z.dtype, f"{name}.{what}: {arr.dtype} from {z.dtype}"
        assert np.all(np.isfinite(arr)), f"{name}.{what} is not finite"


# --- losses ------------------------------------------------------------------------------------

@st.composite
def loss_inputs(draw):
    name = draw(st.sampled_from(sorted(losses.LOSSES)))
    dtype = draw(st.sampled_from(DTYPES))
    n, k = draw(st.integers(1, 7)), draw(st.integers(1, 6))
    z = draw(hnp.arrays(dtype, (n, k), elements=st.floats(-50, 50, width=np.dtype(dtype).itemsize * 8)))
    if name == "mse":
        y = draw(hnp.arrays(np.float64, (n,) if k == 1 and draw(st.booleans()) else (n, k),
                            elements=st.floats(-10, 10)))
    elif name == "bce":
        y = draw(hnp.arrays(np.int64, (n, k), elements=st.integers(0, 1)))
        if k == 1 and draw(st.booleans()):
            y = y[:, 0]
    else:
        labels = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, k - 1)))
        y = np.eye(k)[labels] if draw(st.booleans()) else labels
    return name, z, y


@fast(150)
@given(loss_inputs())
def test_loss_delta_has_the_shape_and_dtype_of_z(case):
    name, z, y = case
    value, grad = losses.LOSSES[name]
    with strict_numerics():
        L, delta = loss_and_delta(name, z, y)
        L_alone, delta_alone = value(z, y), grad(z, y)
    assert isinstance(L, float) and np.isfinite(L)
    for arr in (delta, delta_alone):
        assert arr.shape == z.shape and arr.dtype == z.dtype, \
            f"{name}: delta {arr.dtype}{arr.shape} from z {z.dtype}{z.shape}"
        assert np.all(np.isfinite(arr))
    np.testing.assert_allclose(L_alone, L, rtol=1e-6)
    np.testing.assert_allclose(delta_alone, delta, rtol=1e-6)


# --- gradient checks ---------------------------------------------------------------------------

SMOOTH = tuple(a for a in HIDDEN_ACTIVATIONS if a not in ("relu", "leaky_relu"))   # no kink to straddle


@fast(40)
@given(networks(max_layers=3, min_width=3, max_width=4, max_batch=4, activations=SMOOTH,
                dtypes=(np.float64,), inits=("xavier_normal",),
                dropouts=st.sampled_from([0.0, 0.3]), train=st.just(True)),
       st.integers(0, 2**32 - 1))
def test_random_networks_pass_the_gradient_check(cfg, mask_seed):
    cfg = {**cfg, "n": max(cfg["n"], 3)}            # batch norm with 2 samples is nearly flat
    net = build(cfg)
    X, y = data(cfg)

    def fresh():   # the same dropout mask on every forward pass
        return np.random.default_rng(mask_seed)

    def loss():
        out, cache = net.forward(X, train=True, rng=fresh())
        return loss_and_delta(net.loss_name, cache.z[-1], y)[0]

    _, _, _, _, grads = run(net, X, y, train=True, rng=fresh())
    result = check_gradients(loss, net.params, grads)
    assert result.threshold == THRESHOLD == 1e-6
    assert result.passed, f"{cfg}\n{result!r}"
