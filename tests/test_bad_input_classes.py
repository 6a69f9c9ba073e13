"""Issue #13, class by class: bad input on the paths a learner takes by hand.

Each class of the issue has several cases.  A rejected call raises ``TypeError`` or
``ValueError`` whose message names the argument and the received value; valid layouts
(Fortran order, read-only, strided, ``np.matrix``) give the numbers a plain array gives;
a failed call changes nothing; no warning escapes (warnings are errors in this module).
"""

from __future__ import annotations

import gc
import re

import numpy as np
import pytest

from nnlib import activations, gradcheck, initializers, losses, regularizers
from nnlib.activations import get_activation
from nnlib.datasets import make_moons, make_sine, train_val_split
from nnlib.io import load_params, save_params
from nnlib.layers import ActivationLayer, BatchNorm, Dense, Dropout, LayerNorm, Sequential
from nnlib.losses import loss_and_delta
from nnlib.optimizers import SGD, Adam, Momentum

pytestmark = pytest.mark.filterwarnings("error")

ELEMENTWISE = [activations.identity, activations.relu, activations.sigmoid, activations.tanh,
               activations.silu, activations.gelu, activations.identity_grad, activations.relu_grad,
               activations.sigmoid_grad, activations.tanh_grad, activations.silu_grad,
               activations.gelu_grad]
PUBLIC_ACTIVATIONS = ELEMENTWISE + [activations.softmax]


def raises(exc, *patterns):
    """Context manager: ``exc`` whose message matches every pattern."""
    return pytest.raises(exc, match="(?s)" + "".join(f"(?=.*(?:{p}))" for p in patterns))


def X(n=4, d=2, dtype=np.float64):
    return np.linspace(-1.0, 1.0, n * d).reshape(n, d).astype(dtype)


def no_rows(d=3):
    return np.zeros((0, d))


# --- 1. module-level activation functions ----------------------------------------------------

@pytest.mark.parametrize("f", PUBLIC_ACTIVATIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
def test_plain_activation_refuses_nonfinite_like_get_activation(f, bad):
    z = np.array([[0.5, bad, 1.0]])
    with raises(ValueError, r"\bz\b", r"NaN/inf", r"\(1, 3\)"):
        f(z)


@pytest.mark.parametrize("f", PUBLIC_ACTIVATIONS, ids=lambda f: f.__name__)
def test_plain_activation_refuses_wrong_kinds(f):
    for bad, pattern in [(None, "None"), ("abc", "'abc'"), ({"z": 1.0}, "dict"), ({1.0}, "set"), (np.array([1 + 2j]), "complex128"),
                         (np.array([1.0, "a"], dtype=object), "object"), (np.array([True]), "bool")]:
        with raises(TypeError, r"\bz\b", pattern):
            f(bad)


def test_softmax_needs_a_row_to_normalise():
    with raises(ValueError, r"\bz\b", r"at least 1 dimension", r"\(\)"):
        activations.softmax(3.0)
    with raises(ValueError, r"\bz\b", r"at least one column", r"\(2, 0\)"):
        activations.softmax(np.zeros((2, 0)))


@pytest.mark.parametrize("da, a, exc, patterns", [
    (np.ones((2, 3)), np.ones((1, 3)) / 3, ValueError, [r"\bda\b", r"\(1, 3\)", r"\(2, 3\)"]),
    (np.ones(3), np.ones((2, 3)) / 3, ValueError, [r"\bda\b", r"\(2, 3\)", r"\(3,\)"]),
    (np.ones((2, 3), dtype=np.float32), np.ones((2, 3)) / 3, TypeError, [r"\bda\b", "float32", "float64"]),
    ([["a", "b"]], np.ones((1, 2)) / 2, TypeError, [r"\bda\b", "<U1"]),
    (np.ones((1, 2)), [["x", "y"]], TypeError, [r"\ba\b", "<U1"]),
    (np.ones((1, 2)), np.array([[np.nan, 1.0]]), ValueError, [r"\ba\b", "NaN"]),
], ids=["rows", "1d-da", "dtype", "da-strings", "a-strings", "a-nan"])
def test_softmax_backward_refuses_mismatch(da, a, exc, patterns):
    with raises(exc, *patterns):
        activations.softmax_backward(da, a)


def test_softmax_backward_accepts_lists():
    a = activations.softmax(np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_allclose(activations.softmax_backward([[1.0, 0.0, 0.0]], a.tolist()),
                               activations.softmax_backward(np.array([[1.0, 0.0, 0.0]]), a))


@pytest.mark.parametrize("name", list(activations.ACTIVATIONS))
def test_activation_backward_refuses_mismatched_shapes(name):
    act = get_activation(name)
    z = X(2, 3)
    a = act(z)
    with raises(ValueError, r"\bda\b", r"\(2, 3\)", r"\(1, 3\)"):
        act.backward(np.ones((1, 3)), z, a)
    with raises(ValueError, r"\ba\b", r"\(2, 3\)", r"\(2, 1\)"):
        act.backward(np.ones((2, 3)), z, np.ones((2, 1)))
    with raises(TypeError, r"\bda\b", r"<U1"):
        act.backward([["a"] * 3] * 2, z, a)
    with raises(ValueError, r"\bz\b", r"NaN"):
        act.backward(np.ones((2, 3)), np.full((2, 3), np.nan), a)


# --- 2. empty batches: one rule, n >= 1 ----------------------------------------------------

EMPTY = [
    ("mse", lambda: losses.mse(no_rows(1), np.zeros(0)), r"\ba\b"),
    ("mse_grad", lambda: losses.mse_grad(no_rows(2), np.zeros((0, 2))), r"\ba\b"),
    ("bce", lambda: losses.bce(no_rows(1), np.zeros(0)), r"\bz\b"),
    ("bce_grad", lambda: losses.bce_grad(no_rows(1), np.zeros(0)), r"\bz\b"),
    ("cross_entropy", lambda: losses.cross_entropy(no_rows(3), np.zeros(0, dtype=int)), r"\bz\b"),
    ("cross_entropy_grad", lambda: losses.cross_entropy_grad(no_rows(3), np.zeros(0, dtype=int)), r"\bz\b"),
    ("loss_and_delta", lambda: loss_and_delta("mse", no_rows(1), np.zeros(0)), r"\bz_L\b"),
    ("accuracy-sigmoid", lambda: losses.accuracy(no_rows(1), np.zeros(0), "sigmoid"), r"\ba_L\b"),
    ("accuracy-softmax", lambda: losses.accuracy(no_rows(3), np.zeros(0, dtype=int), "softmax"), r"\ba_L\b"),
    ("Dense", lambda: Dense.create(3, 2).forward(no_rows(3)), r"\bx\b"),
    ("ActivationLayer", lambda: ActivationLayer("relu").forward(no_rows()), r"\bx\b"),
    ("Dropout-train", lambda: Dropout(0.5).forward(no_rows(), train=True, rng=0), r"\bx\b"),
    ("Dropout-eval", lambda: Dropout(0.5).forward(no_rows()), r"\bx\b"),
    ("BatchNorm-eval", lambda: BatchNorm(3).forward(no_rows()), r"\bx\b"),
    ("LayerNorm", lambda: LayerNorm(3).forward(no_rows()), r"\bx\b"),
    ("Sequential", lambda: Sequential([Dense.create(3, 2), ActivationLayer("tanh")]).forward(no_rows()),
     r"\bx\b"),
    ("train_val_split", lambda: train_val_split(no_rows(2), np.zeros(0)), r"\bX\b"),
]


@pytest.mark.parametrize("call, name", [c[1:] for c in EMPTY], ids=[c[0] for c in EMPTY])
def test_empty_batch_is_refused_with_one_message(call, name):
    with raises(ValueError, name, r"at least one sample \(n >= 1\)", r"\(0, \d\)"):
        call()


def test_empty_gradient_check_and_zero_width_outputs_are_refused():
    with raises(ValueError, r"\bx\b", r"at least one entry", r"\(0, 3\)"):
        gradcheck.numerical_gradient(lambda x: 0.0, np.zeros((0, 3)))
    with raises(ValueError, r"\bz\b", r"at least one column", r"\(2, 0\)"):
        losses.cross_entropy(np.zeros((2, 0)), np.zeros(2, dtype=int))
    with raises(ValueError, r"\ba\b", r"at least one column", r"\(2, 0\)"):
        losses.mse(np.zeros((2, 0)), np.zeros((2, 0)))


# --- 3. half-applied updates: a failed step changes nothing -----------------------------------

def _snapshot(opt, params):
    return (opt.t, {k: {s: v.copy() for s, v in d.items()} for k, d in opt.state.items()},
            {k: v.copy() for k, v in params.items()})


def _same(a, b):
    assert a[0] == b[0]
    assert a[1].keys() == b[1].keys()
    for k in a[1]:
        assert a[1][k].keys() == b[1][k].keys()
        for s in a[1][k]:
            np.testing.assert_array_equal(a[1][k][s], b[1][k][s])
    for k in a[2]:
        np.testing.assert_array_equal(a[2][k], b[2][k])


def _params():
    return {"W1": np.ones((2, 2)), "b1": np.ones(2), "W2": np.ones((1, 2)), "b2": np.ones(1)}


def _grads(**changes):
    g = {k: np.full_like(v, 0.5) for k, v in _params().items()}
    g.update(changes)
    return g


def _read_only_b2(params):
    params["b2"].flags.writeable = False
    return params


FAILURES = [
    ("read-only-last-param", _read_only_b2, _grads(), ValueError, [r"params\['b2'\]", "read-only"]),
    ("nan-in-last-grad", lambda p: p, _grads(b2=np.array([np.nan])), ValueError, [r"grads\['b2'\]", "NaN"]),
    ("wrong-shape-last-grad", lambda p: p, _grads(b2=np.ones(2)), ValueError, [r"grads\['b2'\]", r"\(2,\)"]),
    ("overflowing-update", lambda p: p, _grads(W2=np.full((1, 2), 1e308)), ValueError,
     [r"params\['W2'\]", "overflows", "nothing was changed"]),
    ("string-grad", lambda p: p, _grads(b2=np.array(["x"])), TypeError, [r"grads\['b2'\]", "<U1"]),
]


@pytest.mark.parametrize("make_opt", [lambda: SGD(1e10), lambda: Momentum(1e10), lambda: Adam(1e10)],
                         ids=["SGD", "Momentum", "Adam"])
@pytest.mark.parametrize("prepare, grads, exc, patterns", [f[1:] for f in FAILURES],
                         ids=[f[0] for f in FAILURES])
def test_a_failed_step_changes_nothing(make_opt, prepare, grads, exc, patterns):
    opt = make_opt()
    params = _params()
    opt.lr = 0.1
    opt.step(params, _grads())                 # some state to protect
    opt.lr = 1e10 if "overflow" in str(patterns) else 0.1
    params = prepare(params)
    before = _snapshot(opt, params)
    with raises(exc, *patterns):
        opt.step(params, grads)
    _same(before, _snapshot(opt, params))


def test_a_refused_step_then_a_good_step_matches_an_untouched_optimizer():
    a, b = Adam(0.1, weight_decay=0.01), Adam(0.1, weight_decay=0.01)
    pa, pb = _params(), _params()
    with pytest.raises(ValueError):
        a.step(pa, _grads(b2=np.array([np.inf])))
    a.step(pa, _grads())
    b.step(pb, _grads())
    for k in pa:
        np.testing.assert_array_equal(pa[k], pb[k])


# --- 4. valid layouts: Fortran, read-only, strided, np.matrix ----------------------------------

def quadratic(x):
    return float(np.sum(x ** 3))


@pytest.mark.parametrize("layout", ["fortran", "strided", "read-only", "matrix"])
def test_gradient_checker_accepts_every_valid_layout(layout):
    base = np.arange(1.0, 7.0).reshape(2, 3) / 3
    x = {"fortran": np.asfortranarray(base), "strided": np.ones((2, 6))[:, ::2] * base,
         "read-only": base.copy(), "matrix": _matrix(base)}[layout]
    if layout == "read-only":
        x.flags.writeable = False
    before = np.array(x)   # a plain copy (x ** 2 of a matrix would be a matrix power)
    g = gradcheck.numerical_gradient(quadratic, x)
    np.testing.assert_allclose(g, 3 * before ** 2, rtol=1e-7)
    np.testing.assert_array_equal(x, before)
    if layout == "read-only":
        assert not x.flags.writeable


def test_gradient_checker_reads_a_read_only_parameter_through_f_without_arguments():
    W = np.array([[1.0, -2.0], [0.5, 3.0]], order="F")
    W.flags.writeable = False
    result = gradcheck.check_gradients(lambda: float(np.sum(W ** 2)), {"W": W}, {"W": 2 * W})
    assert result.passed and not W.flags.writeable


def _matrix(a):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.matrix(a)


def test_np_matrix_gives_the_numbers_of_a_plain_array():
    z = X(3, 2)
    m = _matrix(z)
    for f in PUBLIC_ACTIVATIONS:
        out = f(m)
        assert type(out) is np.ndarray
        np.testing.assert_array_equal(out, f(z))
    a = activations.softmax(z)
    np.testing.assert_array_equal(activations.softmax_backward(_matrix(np.ones_like(z)), _matrix(a)),
                                  activations.softmax_backward(np.ones_like(z), a))
    y = np.array([0, 1, 1])
    assert losses.cross_entropy(m, y) == losses.cross_entropy(z, y)
    assert losses.mse(m, _matrix(z * 2)) == losses.mse(z, z * 2)
    layer = Dense.create(2, 3)
    out_m, cache = layer.forward(m)
    out, cache2 = layer.forward(z)
    np.testing.assert_array_equal(out_m, out)
    dx_m, g_m = layer.backward(_matrix(np.ones_like(out)), cache)
    dx, g = layer.backward(np.ones_like(out), cache2)
    np.testing.assert_array_equal(g_m["b"], g["b"])
    assert g_m["b"].shape == (3,)
    x = _matrix(np.array([[1.0, 2.0]]))
    np.testing.assert_allclose(gradcheck.numerical_gradient(lambda v: float(np.sum(v * v)), x),
                               [[2.0, 4.0]], rtol=1e-7)


def test_optimizer_updates_fortran_and_matrix_parameters_in_place():
    W = np.asfortranarray(np.ones((2, 3)))
    M = _matrix(np.ones((2, 2)))
    Adam(0.1).step({"W": W, "M": M}, {"W": np.ones((2, 3)), "M": _matrix(np.ones((2, 2)))})
    np.testing.assert_allclose(W, 0.9)
    np.testing.assert_allclose(np.asarray(M), 0.9)


def test_layers_accept_fortran_and_read_only_input():
    x = np.asfortranarray(X(4, 3))
    x.flags.writeable = False
    for layer in [Dense.create(3, 2), ActivationLayer("gelu"), LayerNorm(3), BatchNorm(3), Dropout(0.3)]:
        out, _ = layer.forward(x)
        ref, _ = layer.forward(np.ascontiguousarray(x))
        np.testing.assert_array_equal(out, ref)


# --- 5. loose types ---------------------------------------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda v: Dense.create(2, 3, bias=v), "bias"),
    (lambda v: regularizers.l2_penalty({"W1": np.ones(2)}, 0.1, include_biases=v), "include_biases"),
    (lambda v: regularizers.l1_grad({"W1": np.ones(2)}, 0.1, include_biases=v), "include_biases"),
], ids=["Dense.create-bias", "l2_penalty", "l1_grad"])
@pytest.mark.parametrize("value, shown", [("no", r"'no' \(str\)"), (0, r"0 \(int\)"), (None, r"None")])
def test_booleans_must_be_true_or_false(call, name, value, shown):
    with raises(TypeError, rf"\b{name}\b", "True or False", shown):
        call(value)


@pytest.mark.parametrize("a_L, y, head, exc, patterns", [
    (np.full((3, 2), 0.5), np.array([0, 1, 2]), "softmax", ValueError, [r"\by\b", r"0\.\.1", r"label 2"]),
    (np.full((3, 2), 0.5), np.array([0, -1, 1]), "softmax", ValueError, [r"\by\b", r"-1"]),
    (np.full((3, 2), 0.5), np.array([0.0, 1.0, 1.0]), "softmax", TypeError, [r"\by\b", r"integer labels", "float64"]),
    (np.full((3, 1), 0.7), np.array([0, 1, 2]), "sigmoid", ValueError, [r"\by\b", "0 or 1", r"\b2\b"]),
    (np.full((3, 1), 0.7), np.array([0.0, 0.5, 1.0]), "sigmoid", ValueError, [r"\by\b", "0 or 1", r"0\.5"]),
    (np.full((3, 1), 0.7), np.array(["0", "1", "1"]), "sigmoid", TypeError, [r"\by\b", "<U1"]),
    (np.full((3, 1), 0.7), np.array([0, 1]), "sigmoid", ValueError, [r"\by\b", r"\(3,\)", r"\(2,\)"]),
    (np.full((3, 2), 0.7), np.array([0, 1, 1]), "sigmoid", ValueError, [r"\ba_L\b", "1 column", r"\(3, 2\)"]),
], ids=["softmax-too-big", "softmax-negative", "softmax-float", "sigmoid-2", "sigmoid-half",
        "sigmoid-strings", "sigmoid-length", "sigmoid-two-columns"])
def test_accuracy_checks_its_labels(a_L, y, head, exc, patterns):
    with raises(exc, *patterns):
        losses.accuracy(a_L, y, head)


def test_accuracy_still_accepts_float_binary_targets_and_one_hot():
    assert losses.accuracy(np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]]), "sigmoid") == 1.0
    assert losses.accuracy(np.array([[0.9, 0.1], [0.2, 0.8]]), np.eye(2), "softmax") == 1.0


@pytest.mark.parametrize("W", [np.ones((0, 3)), np.ones((3, 0)), np.ones((0, 0))], ids=str)
def test_weight_matrix_needs_both_dimensions(W):
    with raises(ValueError, r"\bW\b", "at least one row", re.escape(str(W.shape))):
        Dense(W)


@pytest.mark.parametrize("call, pattern", [
    (lambda: Dense.create(10**6, 10**6), r"\bshape\b"),
    (lambda: initializers.he_normal((10**5, 10**5), 0), r"\bshape\b"),
    (lambda: BatchNorm(10**12), r"\bh\b"),
    (lambda: LayerNorm(10**12), r"\bh\b"),
    (lambda: make_moons(10**12), r"\bn\b"),
    (lambda: make_sine(10**10), r"\bn\b"),
], ids=["Dense.create", "he_normal", "BatchNorm", "LayerNorm", "make_moons", "make_sine"])
def test_absurd_sizes_end_in_a_clear_limit_not_memory_error(call, pattern):
    with raises(ValueError, pattern, r"at most|<="):
        call()


# --- 6. files -------------------------------------------------------------------------------

def test_saving_into_a_missing_folder_names_that_folder(tmp_path):
    target = tmp_path / "no" / "such" / "net.npz"
    with pytest.raises(FileNotFoundError) as info:
        save_params(target, {"W1": np.ones(2)})
    message = str(info.value)
    assert str(target.parent) in message and ".tmp" not in message
    assert list(tmp_path.iterdir()) == []


def test_saving_onto_a_folder_names_it(tmp_path):
    (tmp_path / "out.npz").mkdir()
    with pytest.raises(IsADirectoryError, match="out.npz.*folder"):
        save_params(tmp_path / "out.npz", {"W1": np.ones(2)})


def _damaged(tmp_path, how):
    good = save_params(tmp_path / "good.npz", {"W1": np.arange(500.0), "b1": np.zeros(3)})
    data = bytearray(good.read_bytes())
    if how == "truncated":
        data = data[: len(data) // 2]
    elif how == "header":
        data[100:140] = b"x" * 40
    elif how == "payload":
        data[300:2000] = b"\0" * 1700
    elif how == "empty":
        data = b""
    bad = tmp_path / f"{how}.npz"
    bad.write_bytes(bytes(data))
    return bad


@pytest.mark.parametrize("how", ["truncated", "header", "payload", "empty"])
def test_damaged_archive_gives_value_error_and_closes_the_file(tmp_path, how):
    bad = _damaged(tmp_path, how)
    with raises(ValueError, re.escape(bad.name), r"damaged"):
        load_params(bad)
    gc.collect()   # an unclosed file would raise ResourceWarning here (warnings are errors)


# --- 7. the whole float range -----------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activations_and_losses_are_quiet_up_to_the_largest_float(dtype):
    big = np.finfo(dtype).max
    z = np.array([[big, -big, 1e30, -1e30, 0.0]], dtype=dtype)
    for f in PUBLIC_ACTIVATIONS:
        out = f(z)
        assert out.dtype == dtype and np.isfinite(out).all(), f.__name__
    np.testing.assert_array_equal(activations.gelu_grad(np.array([1e200, -1e200])), [1.0, 0.0])
    np.testing.assert_array_equal(activations.softmax(z), np.array([[1, 0, 0, 0, 0]], dtype=dtype))
    assert losses.cross_entropy(z, np.array([0])) == 0.0
    g = losses.cross_entropy_grad(z, np.array([1]))
    assert np.isfinite(g).all() and g.dtype == dtype
    assert losses.cross_entropy(z, np.array([1])) == np.inf     # the true value is beyond the range
    assert np.isfinite(losses.bce_grad(z.T, np.array([0, 1, 0, 1, 0]))).all()
    assert losses.mse(np.array([[1e200]], dtype=np.float64), np.zeros(1)) == np.inf
    np.testing.assert_allclose(losses.mse_grad(np.array([[1e200]]), np.zeros(1)), [[1e200]])
    with raises(ValueError, r"a - y", "overflows"):
        losses.mse(np.array([[big]], dtype=dtype), np.array([-big], dtype=dtype))
