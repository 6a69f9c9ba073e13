"""Bad input gets a clear error: the right exception type, a message that names the argument.

The library's contract (``nnlib/_checks.py``): a ``TypeError`` for the wrong *kind* of
thing (an int array, a string where a number belongs, ``None`` where a cache belongs) and
a ``ValueError`` for a value of the right kind that is wrong (a bad shape, an unknown
name, a probability of 1.5).  Every message names the argument and, where there is one,
the expected or received value.

Each case is one row of a table ``(id, callable, exception, *patterns)``: the callable
must raise ``exception`` and its message must match **every** pattern (in any order).
A row may be marked ``bug=…`` while a library problem is open: it becomes a strict
xfail, which turns into a failure — a reminder to drop the mark — once it is fixed.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from nnlib import activations, gradcheck, initializers, losses
from nnlib.activations import get_activation
from nnlib.initializers import get_initializer
from nnlib.layers import (ActivationLayer, BatchNorm, Dense, Dropout, LayerNorm, Residual,
                          Sequential)
from nnlib.losses import loss_and_delta
from nnlib.network import MLP

# --- small builders (called inside each case, so one broken constructor fails one row) ----


def X(n=4, d=2, dtype=np.float64):
    """A well-formed batch of ``n`` rows and ``d`` features."""
    return np.linspace(-1.0, 1.0, n * d).reshape(n, d).astype(dtype)


def dense(h_prev=2, h=3, dtype=np.float64):
    return Dense.create(h_prev, h, rng=0, dtype=dtype)


def backward_of(layer, x, dout=None, cache="own", train=False, rng=None):
    """Run ``layer.forward(x)`` then ``layer.backward(dout, cache)``; ``dout`` defaults to ones."""
    out, own = layer.forward(x, train=train, rng=rng)
    dout = np.ones_like(out) if dout is None else dout
    return layer.backward(dout, own if isinstance(cache, str) and cache == "own" else cache)


def net(**kw):
    kw.setdefault("seed", 0)
    return MLP(kw.pop("sizes", [2, 3, 1]), **kw)


def net_backward(delta_L=None, cache="own", network=None, x=None):
    network = network or net()
    out, own = network.forward(X() if x is None else x)
    delta_L = np.ones_like(out) if delta_L is None else delta_L
    return network.backward(delta_L, own if isinstance(cache, str) and cache == "own" else cache)


def other_cache(sizes, n=4):
    """A cache from a *different* network (same input width 2)."""
    return MLP(sizes, seed=1).forward(X(n))[1]


def quadratic(x):
    return float(np.sum(x ** 2))


# --- the table --------------------------------------------------------------------------------

def lit(value) -> str:
    """A pattern matching the literal text of ``value`` (a shape, a name, a number)."""
    return re.escape(value if isinstance(value, str) else repr(value))


def case(id, fn, exc, *patterns, bug=None):
    """One row.  ``patterns`` are regexes that must all occur; ``bug`` marks a library bug."""
    regex = "(?s)" + "".join(f"(?=.*(?:{p}))" for p in patterns)
    marks = [pytest.mark.xfail(reason=bug, strict=True)] if bug else []
    return pytest.param(fn, exc, regex, id=id, marks=marks)


W32 = np.ones((3, 2), dtype=np.float32)

CASES = [
    # --- activations ----------------------------------------------------------------------
    case("activation-unknown-name", lambda: get_activation("relu6"), ValueError,
         r"\bactivation\b", lit("'relu6'"), r"relu"),
    case("activation-name-None", lambda: get_activation(None), TypeError,
         r"\bactivation\b", r"None"),
    case("activation-name-int", lambda: get_activation(3), TypeError, r"\bactivation\b", r"\b3\b"),
    case("activation-int-array", lambda: get_activation("relu")(np.array([1, 2])), TypeError,
         r"\bz\b", r"int64"),
    case("activation-bool-array", lambda: get_activation("tanh")(np.array([True, False])), TypeError,
         r"\bz\b", r"bool"),
    case("activation-complex-array", lambda: get_activation("sigmoid")(np.array([1 + 2j])), TypeError,
         r"\bz\b", r"complex128"),
    case("activation-object-array", lambda: get_activation("relu").derivative(np.array([1.0, "a"], dtype=object)),
         TypeError, r"\bz\b", r"object"),
    case("activation-nan", lambda: get_activation("gelu")(np.array([np.nan, 1.0])), ValueError,
         r"\bz\b", r"NaN"),
    case("activation-inf", lambda: get_activation("silu")(np.array([[1.0, -np.inf]])), ValueError,
         r"\bz\b", r"inf", lit("(1, 2)")),
    case("softmax-derivative", lambda: get_activation("softmax").derivative(np.zeros((2, 3))), ValueError,
         r"softmax", r"elementwise", r"softmax_backward"),

    # --- initialisers ---------------------------------------------------------------------
    case("initializer-unknown-name", lambda: get_initializer("lecun"), ValueError,
         r"\binitializer\b", lit("'lecun'"), r"he_normal"),
    case("initializer-name-int", lambda: get_initializer(3), TypeError, r"\binitializer\b", r"\b3\b"),
    case("initializer-option-not-taken", lambda: get_initializer("he_normal", std=0.1), ValueError,
         lit("'he_normal'"), r"\bstd\b"),
    case("initializer-unknown-option", lambda: get_initializer("normal", stdev=0.1), ValueError,
         r"\bstdev\b"),
    case("init-shape-1-entry", lambda: initializers.he_normal((3,), 0), ValueError,
         r"\bshape\b", lit("(3,)")),
    case("init-shape-zero", lambda: initializers.he_normal((0, 2), 0), ValueError,
         r"shape\[0\]", r">= 1", r"got 0"),
    case("init-shape-float", lambda: initializers.xavier_uniform((3, 2.5), 0), TypeError,
         r"shape\[1\]", r"2\.5"),
    case("init-shape-bool", lambda: initializers.xavier_normal((True, 2), 0), TypeError,
         r"shape\[0\]", r"True"),
    case("init-rng-None", lambda: initializers.he_uniform((3, 2), None), TypeError,
         r"\brng\b", r"None"),
    case("init-rng-string", lambda: initializers.he_normal((3, 2), "seed"), TypeError,
         r"\brng\b", lit("'seed'")),
    case("init-rng-negative", lambda: initializers.he_normal((3, 2), -1), ValueError,
         r"\brng\b", r"-1"),
    case("init-dtype-int", lambda: initializers.he_normal((3, 2), 0, dtype=np.int32), TypeError,
         r"\bdtype\b", r"int32"),
    case("init-dtype-float16", lambda: initializers.zeros((3, 2), dtype=np.float16), TypeError,
         r"\bdtype\b", r"float16"),
    case("init-std-negative", lambda: initializers.normal((3, 2), 0, std=-1.0), ValueError,
         r"\bstd\b", r"-1"),
    case("init-std-nan", lambda: initializers.normal((3, 2), 0, std=float("nan")), ValueError,
         r"\bstd\b", r"nan"),

    # --- losses ---------------------------------------------------------------------------
    case("loss-unknown-name", lambda: loss_and_delta("hinge", X(), np.zeros(4)), ValueError,
         r"\bloss\b", lit("'hinge'"), r"cross_entropy"),
    case("loss-name-None", lambda: loss_and_delta(None, X(), np.zeros(4)), TypeError,
         r"\bloss\b", r"None"),
    case("mse-length-mismatch", lambda: losses.mse(np.zeros((4, 1)), np.zeros(3)), ValueError,
         r"\by\b", r"\b4\b", r"\b3\b"),
    case("mse-y-wrong-width", lambda: losses.mse(np.zeros((4, 1)), np.zeros((4, 2))), ValueError,
         r"\by\b", lit("(4, 1)"), lit("(4, 2)")),
    case("mse-1d-y-for-2-outputs", lambda: losses.mse(np.zeros((4, 2)), np.zeros(4)), ValueError,
         r"\by\b", lit("(4,)"), lit("(4, 2)")),
    case("mse-1d-a", lambda: losses.mse(np.zeros(4), np.zeros(4)), ValueError,
         r"\ba\b", r"2-D", lit("(4,)")),
    case("mse-y-nan", lambda: losses.mse(np.zeros((2, 1)), np.array([0.0, np.nan])), ValueError,
         r"\by\b", r"NaN"),
    case("mse-a-inf", lambda: losses.mse(np.array([[np.inf]]), np.zeros(1)), ValueError,
         r"\ba\b", r"inf"),
    case("mse-y-strings", lambda: losses.mse(np.zeros((2, 1)), np.array(["0", "1"])), TypeError,
         r"\by\b", r"dtype"),
    case("bce-length-mismatch", lambda: losses.bce(np.zeros((4, 1)), np.zeros(5)), ValueError,
         r"\by\b", r"\b4\b", r"\b5\b"),
    case("bce-target-2", lambda: losses.bce(np.zeros((3, 1)), np.array([0, 1, 2])), ValueError,
         r"\by\b", r"0 or 1", r"\b2(\.0)?\b"),
    case("bce-target-half", lambda: losses.bce(np.zeros((3, 1)), np.array([0.0, 0.5, 1.0])), ValueError,
         r"\by\b", r"0 or 1", r"0\.5"),
    case("bce-int-logits", lambda: losses.bce(np.zeros((3, 1), dtype=int), np.zeros(3)), TypeError,
         r"\bz\b", r"int64"),
    case("ce-length-mismatch", lambda: losses.cross_entropy(np.zeros((4, 3)), np.array([0, 1, 2])),
         ValueError, r"\by\b", r"\b4\b", r"\b3\b"),
    case("ce-label-too-big", lambda: losses.cross_entropy(np.zeros((4, 3)), np.array([0, 1, 2, 3])),
         ValueError, r"\by\b", r"0\.\.2", r"label 3\b"),
    case("ce-label-negative", lambda: losses.cross_entropy(np.zeros((4, 3)), np.array([0, -1, 1, 2])),
         ValueError, r"\by\b", r"-1"),
    case("ce-float-labels", lambda: losses.cross_entropy(np.zeros((3, 3)), np.array([0.0, 1.0, 2.0])),
         TypeError, r"\by\b", r"integer labels", r"float64"),
    case("ce-string-labels", lambda: losses.cross_entropy(np.zeros((2, 2)), np.array(["a", "b"])),
         TypeError, r"\by\b", r"<U1"),
    case("ce-complex-logits", lambda: losses.cross_entropy(np.zeros((2, 2), dtype=complex), np.array([0, 1])),
         TypeError, r"\bz\b", r"complex128"),
    case("ce-one-hot-bad-rows", lambda: losses.cross_entropy(np.zeros((2, 3)), np.array([[1.0, 1, 0], [0, 0, 1]])),
         ValueError, r"\by\b", r"sum to 1", r"row 0|\b2(\.0)?\b"),
    case("loss_and_delta-1d-z_L-mse", lambda: loss_and_delta("mse", np.zeros(3), np.zeros(3)), ValueError,
         r"\bz_L\b", r"2-D", lit("(3,)")),
    case("loss_and_delta-nan-z_L-ce",
         lambda: loss_and_delta("cross_entropy", np.full((2, 2), np.nan), np.array([0, 1])),
         ValueError, r"\bz_L\b", r"NaN"),
    case("loss_and_delta-int-z_L-bce", lambda: loss_and_delta("bce", np.zeros((2, 1), dtype=int), np.array([0, 1])),
         TypeError, r"\bz_L\b", r"int64"),
    case("accuracy-unknown-head", lambda: losses.accuracy(np.zeros((2, 1)), np.zeros(2), "relu"), ValueError,
         r"\bhead\b", lit("'relu'")),

    # --- gradient checker -----------------------------------------------------------------
    case("numgrad-x-list", lambda: gradcheck.numerical_gradient(quadratic, [1.0, 2.0]), TypeError,
         r"\bx\b", r"list"),
    case("numgrad-x-int", lambda: gradcheck.numerical_gradient(quadratic, np.array([1, 2])), TypeError,
         r"\bx\b", r"int64"),
    case("numgrad-eps-zero", lambda: gradcheck.numerical_gradient(quadratic, np.ones(2), eps=0.0), ValueError,
         r"\beps\b", r"> 0", r"0\.0"),
    case("numgrad-eps-string", lambda: gradcheck.numerical_gradient(quadratic, np.ones(2), eps="1e-6"), TypeError,
         r"\beps\b", lit("'1e-6'")),
    case("numgrad-f-not-callable", lambda: gradcheck.numerical_gradient(3, np.ones(2)), TypeError,
         r"\bf\b", r"callable", r"\b3\b"),
    case("numgrad-f-not-scalar", lambda: gradcheck.numerical_gradient(lambda: np.ones(3), np.ones(2)), TypeError,
         r"\bf\b", r"scalar", lit("(3,)")),
    case("relative-error-shapes", lambda: gradcheck.relative_error(np.ones(3), np.ones(4)), ValueError,
         r"\banalytic\b", r"\bnumeric\b", lit("(3,)"), lit("(4,)")),
    case("relative-error-object", lambda: gradcheck.relative_error(np.array([1.0, "a"], dtype=object), np.ones(2)),
         TypeError, r"\banalytic\b", r"object"),
    case("checkgrad-params-list", lambda: gradcheck.check_gradients(lambda: 0.0, [np.ones(2)], {}), TypeError,
         r"\bparams\b", r"list"),
    case("checkgrad-missing-grad", lambda: gradcheck.check_gradients(lambda: 0.0, {"W": np.ones(2)}, {}), ValueError,
         r"\bgrads\b", lit("'W'")),
    case("checkgrad-grad-shape", lambda: gradcheck.check_gradients(lambda: 0.0, {"W": np.ones((2, 3))},
                                                                   {"W": np.ones((3, 2))}),
         ValueError, r"grads\['W'\]", lit("(2, 3)"), lit("(3, 2)")),
    case("checkgrad-threshold-zero", lambda: gradcheck.check_gradients(lambda: 0.0, {}, {}, threshold=0.0),
         ValueError, r"\bthreshold\b", r"0\.0"),
    case("checkgrad-param-is-list",
         lambda: gradcheck.check_gradients(lambda: 0.0, {"W": [1.0, 2.0]}, {"W": np.zeros(2)}),
         TypeError, r"params\['W'\]", r"list"),
    case("checkgrad-grad-nan", lambda: gradcheck.check_gradients(lambda: 0.0, {"W": np.ones(2)},
                                                                 {"W": np.array([np.nan, 0.0])}),
         ValueError, r"grads\['W'\]", r"NaN"),

    # --- Dense ----------------------------------------------------------------------------
    case("Dense-W-1d", lambda: Dense(np.ones(3)), ValueError, r"\bW\b", r"2-D", lit("(3,)")),
    case("Dense-W-3d", lambda: Dense(np.ones((2, 2, 2))), ValueError, r"\bW\b", lit("(2, 2, 2)")),
    case("Dense-W-int", lambda: Dense(np.ones((3, 2), dtype=int)), TypeError, r"\bW\b", r"int64"),
    case("Dense-W-nan", lambda: Dense(np.full((3, 2), np.nan)), ValueError, r"\bW\b", r"NaN"),
    case("Dense-b-shape", lambda: Dense(np.ones((3, 2)), np.ones(2)), ValueError,
         r"\bb\b", lit("(3,)"), lit("(2,)")),
    case("Dense-b-dtype", lambda: Dense(W32, np.zeros(3)), TypeError, r"\bb\b", r"float64", r"float32"),
    case("Dense.create-h_prev-0", lambda: Dense.create(0, 3), ValueError, r"\bh_prev\b", r"got 0"),
    case("Dense.create-h-negative", lambda: Dense.create(2, -3), ValueError, r"\bh\b", r"-3"),
    case("Dense.create-h_prev-float", lambda: Dense.create(2.5, 3), TypeError, r"\bh_prev\b", r"2\.5"),
    case("Dense.create-h-bool", lambda: Dense.create(2, True), TypeError, r"\bh\b", r"True"),
    case("Dense.create-init-unknown", lambda: Dense.create(2, 3, init="uniform"), ValueError,
         r"\binit(ializer)?\b", lit("'uniform'")),
    case("Dense.create-init-int", lambda: Dense.create(2, 3, init=3), TypeError,
         r"\binit\b", r"\b3\b"),
    case("Dense.create-dtype-int", lambda: Dense.create(2, 3, dtype=np.int64), TypeError,
         r"\bdtype\b", r"int64"),
    case("Dense.create-rng-None", lambda: Dense.create(2, 3, rng=None), TypeError, r"\brng\b", r"None"),
    case("Dense-x-wrong-columns", lambda: dense().forward(X(4, 3)), ValueError,
         r"\bx\b|\ba_prev\b", r"2 columns", lit("(4, 3)")),
    case("Dense-x-1d", lambda: dense().forward(np.ones(2)), ValueError, r"\bx\b", r"2-D", lit("(2,)")),
    case("Dense-x-3d", lambda: dense().forward(np.ones((1, 4, 2))), ValueError, r"\bx\b", lit("(1, 4, 2)")),
    case("Dense-x-int", lambda: dense().forward(np.ones((4, 2), dtype=int)), TypeError, r"\bx\b", r"int64"),
    case("Dense-x-float32-into-float64", lambda: dense().forward(X(dtype=np.float32)), TypeError,
         r"\bx\b", r"float32", r"float64"),
    case("Dense-train-string", lambda: dense().forward(X(), train="yes"), TypeError,
         r"\btrain\b", lit("'yes'")),
    case("Dense-dout-wrong-shape", lambda: backward_of(dense(), X(), dout=np.ones((4, 2))), ValueError,
         r"\bdout\b", lit("(4, 3)"), lit("(4, 2)")),
    case("Dense-dout-int", lambda: backward_of(dense(), X(), dout=np.ones((4, 3), dtype=int)), TypeError,
         r"\bdout\b", r"int64"),
    case("Dense-dout-nan", lambda: backward_of(dense(), X(), dout=np.full((4, 3), np.nan)), ValueError,
         r"\bdout\b", r"NaN"),
    case("Dense-dout-float64-into-float32", lambda: backward_of(dense(dtype=np.float32), X(dtype=np.float32),
                                                                dout=np.ones((4, 3))),
         TypeError, r"\bdout\b", r"float64", r"float32"),
    case("Dense-backward-before-forward", lambda: dense().backward(np.ones((4, 3)), None), TypeError,
         r"\bcache\b", r"None", r"forward"),
    case("Dense-backward-cache-wrong-kind", lambda: dense().backward(np.ones((4, 3)), (np.ones((4, 3)), 1.0, True)),
         TypeError, r"\bcache\b", r"tuple"),
    case("Dense-backward-cache-of-other-dense",
         lambda: backward_of(dense(2, 3), X(4, 2), cache=dense(4, 3).forward(X(4, 4))[1]),
         ValueError, r"\bcache\b", r"\b2\b", r"\b4\b"),

    # --- ActivationLayer ------------------------------------------------------------------
    case("ActivationLayer-unknown-name", lambda: ActivationLayer("swish"), ValueError,
         r"\bactivation\b", lit("'swish'")),
    case("ActivationLayer-name-None", lambda: ActivationLayer(None), TypeError, r"\bactivation\b", r"None"),
    case("ActivationLayer-x-int", lambda: ActivationLayer("relu").forward(np.array([[1, 2]])), TypeError,
         r"\bx\b", r"int64"),
    case("ActivationLayer-x-1d", lambda: ActivationLayer("relu").forward(np.ones(3)), ValueError,
         r"\bx\b", lit("(3,)")),
    case("ActivationLayer-x-nan", lambda: ActivationLayer("tanh").forward(np.array([[np.nan]])), ValueError,
         r"\bx\b", r"NaN"),
    case("ActivationLayer-dout-wrong-shape",
         lambda: backward_of(ActivationLayer("relu"), X(2, 2), dout=np.ones((2, 3))),
         ValueError, r"\bdout\b", lit("(2, 2)"), lit("(2, 3)")),
    case("ActivationLayer-backward-before-forward", lambda: ActivationLayer("relu").backward(np.ones((2, 2)), None),
         TypeError, r"\bcache\b", r"None"),

    # --- Dropout --------------------------------------------------------------------------
    case("Dropout-p-negative", lambda: Dropout(-0.1), ValueError, r"\bp\b", r">= 0", r"-0\.1"),
    case("Dropout-p-one", lambda: Dropout(1.0), ValueError, r"\bp\b", r"< 1", r"got 1\.0"),
    case("Dropout-p-above-one", lambda: Dropout(1.5), ValueError, r"\bp\b", r"1\.5"),
    case("Dropout-p-string", lambda: Dropout("0.5"), TypeError, r"\bp\b", lit("'0.5'")),
    case("Dropout-p-nan", lambda: Dropout(float("nan")), ValueError, r"\bp\b", r"nan"),
    case("Dropout-train-without-rng", lambda: Dropout(0.5).forward(X(), train=True), TypeError,
         r"\brng\b", r"None"),
    case("Dropout-rng-string", lambda: Dropout(0.5).forward(X(), train=True, rng="abc"), TypeError,
         r"\brng\b", lit("'abc'")),
    case("Dropout-x-bool", lambda: Dropout(0.5).forward(np.ones((2, 2), dtype=bool)), TypeError,
         r"\bx\b", r"bool"),
    case("Dropout-dout-wrong-shape",
         lambda: backward_of(Dropout(0.5), X(4, 3), dout=np.ones((4, 2)), train=True, rng=0),
         ValueError, r"\bdout\b", lit("(4, 3)"), lit("(4, 2)")),
    case("Dropout-dout-broadcastable",
         lambda: backward_of(Dropout(0.5), X(4, 3), dout=np.ones((1, 3)), train=True, rng=0),
         ValueError, r"\bdout\b", lit("(4, 3)"), lit("(1, 3)")),
    case("Dropout-backward-before-forward", lambda: Dropout(0.5).backward(np.ones((2, 2)), None), TypeError,
         r"\bcache\b", r"None"),

    # --- BatchNorm ------------------------------------------------------------------------
    case("BatchNorm-h-zero", lambda: BatchNorm(0), ValueError, r"\bh\b", r"got 0"),
    case("BatchNorm-h-float", lambda: BatchNorm(2.5), TypeError, r"\bh\b", r"2\.5"),
    case("BatchNorm-h-bool", lambda: BatchNorm(True), TypeError, r"\bh\b", r"True"),
    case("BatchNorm-eps-zero", lambda: BatchNorm(3, eps=0.0), ValueError, r"\beps\b", r"0\.0"),
    case("BatchNorm-momentum", lambda: BatchNorm(3, momentum=1.5), ValueError, r"\bmomentum\b", r"1\.5"),
    case("BatchNorm-dtype-int", lambda: BatchNorm(3, dtype=np.int32), TypeError, r"\bdtype\b", r"int32"),
    case("BatchNorm-train-batch-of-1", lambda: BatchNorm(3).forward(X(1, 3), train=True), ValueError,
         r"\bbatch\b", r"at least 2", r"batch of 1"),
    case("BatchNorm-x-wrong-columns", lambda: BatchNorm(3).forward(X(4, 2)), ValueError,
         r"\bx\b|\bz\b", r"3 columns", lit("(4, 2)")),
    case("BatchNorm-x-float32-into-float64", lambda: BatchNorm(3).forward(X(4, 3, np.float32)), TypeError,
         r"\bx\b", r"float32", r"float64"),
    case("BatchNorm-dout-wrong-shape", lambda: backward_of(BatchNorm(3), X(4, 3), dout=np.ones((3, 3)), train=True),
         ValueError, r"\bdout\b", lit("(4, 3)"), lit("(3, 3)")),
    case("BatchNorm-backward-before-forward", lambda: BatchNorm(3).backward(np.ones((4, 3)), None), TypeError,
         r"\bcache\b", r"None"),
    case("BatchNorm-backward-cache-of-dense",
         lambda: backward_of(BatchNorm(3), X(4, 3), cache=dense(2, 3).forward(X())[1]),
         ValueError, r"\bcache\b", r"another layer"),

    # --- LayerNorm ------------------------------------------------------------------------
    case("LayerNorm-h-negative", lambda: LayerNorm(-3), ValueError, r"\bh\b", r"-3"),
    case("LayerNorm-h-string", lambda: LayerNorm("3"), TypeError, r"\bh\b", lit("'3'")),
    case("LayerNorm-eps-negative", lambda: LayerNorm(3, eps=-1e-5), ValueError, r"\beps\b", r"-1e-05"),
    case("LayerNorm-x-complex", lambda: LayerNorm(3).forward(np.ones((2, 3), dtype=complex)), TypeError,
         r"\bx\b", r"complex128"),
    case("LayerNorm-x-wrong-columns", lambda: LayerNorm(3).forward(X(2, 4)), ValueError,
         r"\bx\b|\bz\b", r"3 columns", lit("(2, 4)")),
    case("LayerNorm-x-float64-into-float32", lambda: LayerNorm(3, dtype=np.float32).forward(X(2, 3)), TypeError,
         r"\bx\b", r"float64", r"float32"),
    case("LayerNorm-backward-before-forward", lambda: LayerNorm(3).backward(np.ones((2, 3)), None), TypeError,
         r"\bcache\b", r"None"),

    # --- Sequential / Residual -------------------------------------------------------------
    case("Sequential-empty", lambda: Sequential([]), ValueError, r"\blayer", r"empty"),
    case("Residual-empty", lambda: Residual([]), ValueError, r"\blayer", r"empty"),
    case("Sequential-not-a-layer", lambda: Sequential(["relu"]), TypeError, r"layers\[0\]", lit("'relu'")),
    case("Sequential-None", lambda: Sequential(None), TypeError, r"\blayers\b", r"None"),
    case("Sequential-widths-do-not-chain", lambda: Sequential([dense(2, 3), dense(4, 1)]).forward(X()), ValueError,
         r"\blayers?\b", r"\b3\b", r"\b4\b"),
    case("Sequential-mixed-dtypes", lambda: Sequential([dense(2, 3, np.float32), dense(3, 1)]), TypeError,
         r"float32", r"float64"),
    case("Sequential-x-float32-into-float64",
         lambda: Sequential([dense(), ActivationLayer("relu")]).forward(X(dtype=np.float32)),
         TypeError, r"\bx\b", r"float32", r"float64"),
    case("Sequential-x-wrong-columns", lambda: Sequential([dense(), ActivationLayer("relu")]).forward(X(4, 5)),
         ValueError, r"2 columns", lit("(4, 5)")),
    case("Sequential-dout-wrong-shape", lambda: backward_of(Sequential([dense(), ActivationLayer("relu")]), X(),
                                                            dout=np.ones((4, 1))),
         ValueError, r"\bdout\b", lit("(4, 3)"), lit("(4, 1)")),
    case("Residual-F-changes-width", lambda: Residual([dense(2, 3)]).forward(X()), ValueError,
         r"\bx\b", r"skip", lit("(4, 2)"), lit("(4, 3)")),
    case("Residual-backward-before-forward", lambda: Residual([dense(2, 2)]).backward(np.ones((4, 2)), None),
         TypeError, r"\bcache\b", r"None"),

    # --- MLP: constructor -----------------------------------------------------------------
    case("MLP-sizes-one-entry", lambda: MLP([2]), ValueError, r"\bsizes\b", r"at least 2", lit("[2]")),
    case("MLP-sizes-empty", lambda: MLP([]), ValueError, r"\bsizes\b", lit("[]")),
    case("MLP-sizes-int", lambda: MLP(5), TypeError, r"\bsizes\b", r"\b5\b"),
    case("MLP-sizes-string", lambda: MLP("2,3,1"), TypeError, r"\bsizes\b", lit("'2,3,1'")),
    case("MLP-size-zero", lambda: MLP([2, 0, 1]), ValueError, r"sizes\[1\]", r">= 1", r"got 0"),
    case("MLP-size-negative", lambda: MLP([2, -3, 1]), ValueError, r"sizes\[1\]", r"-3"),
    case("MLP-size-float", lambda: MLP([2, 2.5, 1]), TypeError, r"sizes\[1\]", r"integer", r"2\.5"),
    case("MLP-size-bool", lambda: MLP([2, True, 1]), TypeError, r"sizes\[1\]", r"True"),
    case("MLP-input-size-zero", lambda: MLP([0, 3, 1]), ValueError, r"sizes\[0\]", r"got 0"),
    case("MLP-activation-unknown", lambda: net(activation="swish"), ValueError,
         r"\bactivation\b", lit("'swish'"), r"relu"),
    case("MLP-activation-softmax-hidden", lambda: net(activation="softmax"), ValueError,
         r"\bactivation\b", lit("'softmax'")),
    case("MLP-activation-None", lambda: net(activation=None), TypeError, r"\bactivation\b", r"None"),
    case("MLP-head-unknown", lambda: net(head="linear"), ValueError, r"\bhead\b", lit("'linear'"), r"softmax"),
    case("MLP-head-int", lambda: net(head=1), TypeError, r"\bhead\b", r"\b1\b"),
    case("MLP-softmax-head-1-output", lambda: net(head="softmax"), ValueError,
         r"softmax", r"sizes\[-1\] = 1", r"sigmoid"),
    case("MLP-init-unknown", lambda: net(init="lecun"), ValueError, r"\binit(ializer)?\b", lit("'lecun'")),
    case("MLP-init-int", lambda: net(init=3), TypeError, r"\binit\b", r"\b3\b"),
    case("MLP-init_std-negative", lambda: net(init="normal", init_std=-1.0), ValueError, r"\binit_std\b", r"-1"),
    case("MLP-dropout-negative", lambda: net(dropout=-0.1), ValueError, r"\bdropout\b", r"-0\.1"),
    case("MLP-dropout-one", lambda: net(dropout=1.0), ValueError, r"\bdropout\b", r"< 1", r"1\.0"),
    case("MLP-dropout-above-one", lambda: net(dropout=1.5), ValueError, r"\bdropout\b", r"1\.5"),
    case("MLP-dropout-string", lambda: net(dropout="0.2"), TypeError, r"\bdropout\b", lit("'0.2'")),
    case("MLP-norm-unknown", lambda: net(norm="group"), ValueError, r"\bnorm\b", lit("'group'"), r"batch"),
    case("MLP-norm-bool", lambda: net(norm=True), TypeError, r"\bnorm\b", r"True"),
    case("MLP-residual-string", lambda: net(residual="yes"), TypeError, r"\bresidual\b", lit("'yes'")),
    case("MLP-dtype-int", lambda: net(dtype=np.int32), TypeError, r"\bdtype\b", r"int32"),
    case("MLP-dtype-float16", lambda: net(dtype="float16"), TypeError, r"\bdtype\b", r"float16"),
    case("MLP-dtype-nonsense", lambda: net(dtype="banana"), TypeError, r"\bdtype\b", lit("'banana'")),
    case("MLP-seed-string", lambda: net(seed="abc"), TypeError, r"\bseed\b", lit("'abc'")),
    case("MLP-seed-float", lambda: net(seed=1.5), TypeError, r"\bseed\b", r"1\.5"),
    case("MLP-seed-negative", lambda: net(seed=-1), ValueError, r"\bseed\b", r"-1"),

    # --- MLP: forward ---------------------------------------------------------------------
    case("MLP-X-wrong-columns", lambda: net().forward(X(4, 3)), ValueError,
         r"\bX\b", r"2 columns", lit("(4, 3)")),
    case("MLP-X-1d", lambda: net().forward(np.ones(2)), ValueError, r"\bX\b", r"2-D", lit("(2,)")),
    case("MLP-X-3d", lambda: net().forward(np.ones((1, 4, 2))), ValueError, r"\bX\b", lit("(1, 4, 2)")),
    case("MLP-X-no-rows", lambda: net().forward(np.ones((0, 2))), ValueError, r"\bX\b", lit("(0, 2)")),
    case("MLP-X-int", lambda: net().forward(np.ones((4, 2), dtype=int)), TypeError,
         r"\bX\b", r"int64", r"astype"),
    case("MLP-X-bool", lambda: net().forward(np.ones((4, 2), dtype=bool)), TypeError, r"\bX\b", r"bool"),
    case("MLP-X-object", lambda: net().forward(np.array([[1.0, "a"]], dtype=object)), TypeError,
         r"\bX\b", r"object"),
    case("MLP-X-complex", lambda: net().forward(np.ones((4, 2), dtype=complex)), TypeError,
         r"\bX\b", r"complex128"),
    case("MLP-X-float16", lambda: net().forward(np.ones((4, 2), dtype=np.float16)), TypeError,
         r"\bX\b", r"float16"),
    case("MLP-X-ragged-list", lambda: net().forward([[1.0, 2.0], [3.0]]), TypeError,
         r"\bX\b", lit("[[1.0, 2.0], [3.0]]")),
    case("MLP-X-nan", lambda: net().forward(np.array([[0.0, np.nan]])), ValueError, r"\bX\b", r"NaN"),
    case("MLP-X-inf", lambda: net().forward(np.array([[np.inf, 0.0], [1.0, 2.0]])), ValueError,
         r"\bX\b", r"inf", r"1 NaN/inf entry"),
    case("MLP-X-float32-into-float64", lambda: net().forward(X(dtype=np.float32)), TypeError,
         r"\bX\b", r"float32", r"float64"),
    case("MLP-X-float64-into-float32", lambda: net(dtype=np.float32).forward(X()), TypeError,
         r"\bX\b", r"float64", r"float32"),
    case("MLP-train-string", lambda: net().forward(X(), train="yes"), TypeError, r"\btrain\b", lit("'yes'")),
    case("MLP-rng-string", lambda: net().forward(X(), rng="abc"), TypeError, r"\brng\b", lit("'abc'")),
    case("MLP-batchnorm-train-batch-of-1", lambda: net(norm="batch").forward(X(1), train=True), ValueError,
         r"\bbatch\b", r"at least 2", r"batch of 1"),

    # --- MLP: backward --------------------------------------------------------------------
    case("MLP-delta_L-wrong-shape", lambda: net_backward(delta_L=np.ones((4, 2))), ValueError,
         r"\bdelta_L\b", lit("(4, 1)"), lit("(4, 2)")),
    case("MLP-delta_L-1d", lambda: net_backward(delta_L=np.ones(4)), ValueError,
         r"\bdelta_L\b", r"2-D", lit("(4,)")),
    case("MLP-delta_L-int", lambda: net_backward(delta_L=np.ones((4, 1), dtype=int)), TypeError,
         r"\bdelta_L\b", r"int64"),
    case("MLP-delta_L-nan", lambda: net_backward(delta_L=np.full((4, 1), np.nan)), ValueError,
         r"\bdelta_L\b", r"NaN"),
    case("MLP-delta_L-float32-into-float64", lambda: net_backward(delta_L=np.ones((4, 1), dtype=np.float32)),
         TypeError, r"\bdelta_L\b", r"float32", r"float64"),
    case("MLP-backward-cache-of-deeper-net", lambda: net_backward(cache=other_cache([2, 3, 3, 1])), ValueError,
         r"\bcache\b", r"another network", r"\[2, 3, 3, 1\]"),
    case("MLP-backward-before-forward", lambda: net().backward(np.ones((4, 1)), None), TypeError,
         r"\bcache\b", r"None", r"forward"),
    case("MLP-backward-forward-tuple-as-cache",
         lambda: (lambda m: m.backward(np.ones((4, 1)), m.forward(X())))(net()),
         TypeError, r"\bcache\b", r"tuple"),
    case("MLP-backward-cache-of-wider-net", lambda: net_backward(cache=other_cache([2, 4, 1])), ValueError,
         r"\bcache\b"),

    # --- MLP: set_params ------------------------------------------------------------------
    case("set_params-not-a-dict", lambda: net().set_params([np.ones((3, 2))]), TypeError,
         r"\bparams\b", r"list"),
    case("set_params-missing-key",
         lambda: net().set_params({"W1": np.ones((3, 2)), "b1": np.ones(3), "W2": np.ones((1, 3))}),
         ValueError, r"\bparams\b", r"missing", lit("'b2'")),
    case("set_params-extra-key", lambda: net().set_params({**net().params, "W3": np.ones(1)}), ValueError,
         r"\bparams\b", r"unexpected", lit("'W3'")),
    case("set_params-wrong-shape", lambda: net().set_params({**net().params, "W1": np.ones((2, 3))}), ValueError,
         r"params\['W1'\]", lit("(3, 2)"), lit("(2, 3)")),
    case("set_params-int-array", lambda: net().set_params({**net().params, "W1": np.ones((3, 2), dtype=int)}),
         TypeError, r"params\['W1'\]", r"int64"),
    case("set_params-nan", lambda: net().set_params({**net().params, "b1": np.array([0.0, np.nan, 0.0])}),
         ValueError, r"params\['b1'\]", r"NaN"),
]


def test_there_are_many_cases():
    assert len(CASES) >= 40
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"


@pytest.mark.parametrize("fn, exc, regex", CASES)
def test_bad_input_is_rejected_clearly(fn, exc, regex):
    with pytest.raises(exc) as info:
        fn()
    message = str(info.value)
    assert re.search(regex, message), f"{type(info.value).__name__} message {message!r} does not match {regex!r}"


def test_set_params_leaves_the_network_unchanged_when_it_rejects():
    m = net()
    before = {k: v.copy() for k, v in m.params.items()}
    bad = {k: np.full_like(v, 7.0) for k, v in m.params.items()}
    bad["b2"] = np.array([np.nan])
    with pytest.raises(ValueError, match=r"params\['b2'\]"):
        m.set_params(bad)
    for k in before:
        np.testing.assert_array_equal(m.params[k], before[k])


# --- the plain activation functions of nnlib.activations ----------------------------------------

PLAIN = [activations.identity, activations.relu, activations.sigmoid, activations.tanh, activations.silu,
         activations.gelu, activations.softmax, activations.identity_grad, activations.relu_grad,
         activations.sigmoid_grad, activations.tanh_grad, activations.silu_grad, activations.gelu_grad]


@pytest.mark.parametrize("z", [[1.0, -2.0], np.array([1, -2])], ids=["list", "int-array"])
def test_plain_activation_functions_accept_or_reject_clearly(z):
    # Either fix is fine: work on the floats (returning a float array) or raise TypeError naming z.
    for f in PLAIN:
        try:
            out = f(z)
        except TypeError as exc:
            assert re.search(r"\bz\b", str(exc)), f"{f.__name__}: {exc}"
        else:
            assert isinstance(out, np.ndarray) and out.dtype == np.float64, \
                f"{f.__name__}({z!r}) returned {type(out).__name__} {getattr(out, 'dtype', '')}"
            np.testing.assert_allclose(out, f(np.asarray(z, dtype=np.float64)))


# --- no asserts for input checking -------------------------------------------------------------

def test_no_assert_statements_in_the_library():
    """``assert`` vanishes under ``python -O`` and says nothing useful: nnlib must raise instead."""
    root = Path(__file__).resolve().parents[1] / "nnlib"
    sources = sorted(root.rglob("*.py"))
    assert sources, f"no sources found under {root}"
    offenders = [f"{path.relative_to(root.parent)}:{i}: {line.strip()}"
                 for path in sources if "tests" not in path.parts
                 for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.match(r"^\s*assert\b", line)]
    assert not offenders, "assert used in nnlib (raise TypeError/ValueError instead):\n" + "\n".join(offenders)
