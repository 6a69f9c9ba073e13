"""A generated sweep of bad input over the public functions of the modules of issue #13.

For every argument of every function below, each value of a pool chosen by the
argument's kind (None, strings, dicts, sets, complex, bools, object/int/float16 arrays,
wrong and empty shapes, NaN/inf, huge values, zero dimensions …) replaces the valid one.
The call must either succeed — no NaN in what it returns — or raise ``TypeError`` /
``ValueError`` whose message names the argument.  Warnings are errors.  Valid layouts
(Fortran order, read-only, ``np.matrix``, nested lists) must give the numbers of the
plain array.  A call that raises must leave layers and optimizers as they were.

The train loop, MLP and widget builders are outside this sweep (another branch owns them).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from nnlib import activations, datasets, gradcheck, initializers, io, losses, regularizers
from nnlib.activations import get_activation
from nnlib.initializers import get_initializer
from nnlib.layers import ActivationLayer, BatchNorm, Dense, Dropout, LayerNorm
from nnlib.optimizers import SGD, Adam, Momentum

pytestmark = pytest.mark.filterwarnings("error")


def _matrix(a):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.matrix(a)


class Obj:
    """An arbitrary object nobody should accept as a number or an array."""


# --- pools of bad values, by kind of argument -----------------------------------------------

ANY_BAD = [None, "abc", ["a", "b"], {"a": 1}, {1.0}, 1 + 2j, Obj()]


def array_pool(valid):
    """Bad variants of a valid float array ``valid``."""
    v = np.asarray(valid)
    pool = ANY_BAD + [
        v.astype(complex), v.astype(object), v.astype(np.float16), (v > 0),
        np.full(v.shape, np.nan), np.full(v.shape, np.inf), np.full(v.shape, -np.inf),
        np.full(v.shape, 1e300), np.full(v.shape, -1e300),
        v[..., :0], np.zeros((0,) + v.shape[1:], v.dtype), v.reshape(-1)[:1].reshape(()),
        v[None], v.T.copy() if v.ndim == 2 else v[:, None], np.ones(7), True, 3.5,
    ]
    if v.dtype.kind == "f":
        pool.append(v.astype(np.float32 if v.dtype == np.float64 else np.float64))
        pool.append(np.rint(v).astype(np.int64))
    return pool


NUMBER_POOL = ANY_BAD + [True, float("nan"), float("inf"), -1.0, 0.0, 1e308, -1e308, np.array([0.1, 0.2]),
                         np.float32(0.5), "0.1"]
INT_POOL = ANY_BAD + [True, 2.5, -3, 0, 10**15, np.int64(2), float("nan"), "3"]
BOOL_POOL = ANY_BAD + ["no", "yes", 0, 1, np.array([True]), 1.0]
NAME_POOL = ANY_BAD + ["", "nope", "RELU", 3, b"relu"]
RNG_POOL = ANY_BAD + [-1, 2.5, True, np.random.RandomState(0)]
DTYPE_POOL = ANY_BAD + [np.int32, np.float16, "banana", complex, bool]
PARAMS_POOL = ANY_BAD + [[np.ones(2)], {"W": [1.0, "a"]}, {"W": np.array([np.nan])},
                         {"W": np.ones(2, dtype=int)}, {3: np.ones(2)}, {"W": None}]
SHAPE_POOL = ANY_BAD + [(3,), (3, 0), (0, 2), (2.5, 3), (True, 2), (10**6, 10**6), (-1, 2), [3, "a"], 5]
PATH_POOL = [None, 3, 2.5, ["a"], {"a": 1}, Obj(), b"x.npz"]


def pool(kind, valid):
    return {"array": lambda: array_pool(valid), "number": lambda: NUMBER_POOL, "int": lambda: INT_POOL,
            "bool": lambda: BOOL_POOL, "name": lambda: NAME_POOL, "rng": lambda: RNG_POOL,
            "dtype": lambda: DTYPE_POOL, "params": lambda: PARAMS_POOL, "shape": lambda: SHAPE_POOL,
            "path": lambda: PATH_POOL, "callable": lambda: ANY_BAD + [3, np.ones(2)]}[kind]()


# --- the functions and their valid arguments -------------------------------------------------

def Z(n=4, k=3, dtype=np.float64):
    return (np.linspace(-2.0, 2.0, n * k).reshape(n, k)).astype(dtype)


def labels():
    return np.array([0, 2, 1, 2])


def binary():
    return np.array([0.0, 1.0, 1.0, 0.0])


class Spec:
    """``fn(**args)`` with ``args[name] = (kind, factory)``: a valid value for each argument."""

    def __init__(self, id, fn, args):
        self.id, self.fn, self.args = id, fn, args


def _layer_call(make, method="forward", train=False):
    def call(x, train=train, rng=0):
        layer = make()
        if method == "forward":
            return layer.forward(x, train=train, rng=rng)
        out, cache = layer.forward(Z(4, 3), train=train, rng=rng)
        return layer.backward(x, cache)
    return call


SPECS = []
for f in [activations.identity, activations.relu, activations.sigmoid, activations.tanh, activations.silu,
          activations.gelu, activations.softmax, activations.identity_grad, activations.relu_grad,
          activations.sigmoid_grad, activations.tanh_grad, activations.silu_grad, activations.gelu_grad]:
    SPECS.append(Spec(f.__name__, f, {"z": ("array", Z)}))
SPECS += [
    Spec("softmax_backward", activations.softmax_backward,
         {"da": ("array", Z), "a": ("array", lambda: activations.softmax(Z()))}),
    Spec("get_activation", get_activation, {"name": ("name", lambda: "relu")}),
    Spec("Activation.backward", lambda da, z, a: get_activation("tanh").backward(da, z, a),
         {"da": ("array", Z), "z": ("array", Z), "a": ("array", lambda: np.tanh(Z()))}),
    Spec("Activation.call", lambda z: get_activation("softmax")(z), {"z": ("array", Z)}),
]
for name, f in [("mse", losses.mse), ("mse_grad", losses.mse_grad)]:
    SPECS.append(Spec(name, f, {"a": ("array", Z), "y": ("array", lambda: Z() * 0.5)}))
for name, f in [("bce", losses.bce), ("bce_grad", losses.bce_grad)]:
    SPECS.append(Spec(name, f, {"z": ("array", lambda: Z(4, 1)), "y": ("array", binary)}))
for name, f in [("cross_entropy", losses.cross_entropy), ("cross_entropy_grad", losses.cross_entropy_grad)]:
    SPECS.append(Spec(name, f, {"z": ("array", Z), "y": ("array", labels)}))
SPECS += [
    Spec("loss_and_delta", losses.loss_and_delta,
         {"name": ("name", lambda: "cross_entropy"), "z_L": ("array", Z), "y": ("array", labels)}),
    Spec("accuracy-softmax", losses.accuracy,
         {"a_L": ("array", lambda: activations.softmax(Z())), "y": ("array", labels),
          "head": ("name", lambda: "softmax")}),
    Spec("accuracy-sigmoid", lambda a_L, y: losses.accuracy(a_L, y, "sigmoid"),
         {"a_L": ("array", lambda: activations.sigmoid(Z(4, 1))), "y": ("array", binary)}),
    Spec("numerical_gradient", gradcheck.numerical_gradient,
         {"f": ("callable", lambda: (lambda x: float(np.sum(np.tanh(x))))), "x": ("array", lambda: Z(2, 2)),
          "eps": ("number", lambda: 1e-6)}),
    Spec("relative_error", gradcheck.relative_error, {"analytic": ("array", Z), "numeric": ("array", Z)}),
    Spec("check_gradients", lambda params, grads, threshold: gradcheck.check_gradients(
        lambda: 0.0, params, grads, threshold=threshold),
        {"params": ("params", lambda: {"W": np.zeros(2)}), "grads": ("params", lambda: {"W": np.zeros(2)}),
         "threshold": ("number", lambda: 1e-6)}),
    Spec("get_initializer", get_initializer, {"name": ("name", lambda: "he_normal")}),
    Spec("l2_penalty", regularizers.l2_penalty,
         {"params": ("params", lambda: {"W1": Z(2, 2), "b1": np.ones(2)}), "lam": ("number", lambda: 0.1),
          "include_biases": ("bool", lambda: False)}),
    Spec("l1_grad", regularizers.l1_grad,
         {"params": ("params", lambda: {"W1": Z(2, 2), "b1": np.ones(2)}), "lam": ("number", lambda: 0.1),
          "include_biases": ("bool", lambda: True)}),
    Spec("train_val_split", datasets.train_val_split,
         {"X": ("array", lambda: Z(8, 2)), "y": ("array", lambda: np.arange(8) % 2),
          "val_fraction": ("number", lambda: 0.25), "seed": ("rng", lambda: 0)}),
    Spec("true_function", lambda name, x: datasets.true_function(name)(x),
         {"name": ("name", lambda: "sine"), "x": ("array", lambda: Z(4, 1))}),
    Spec("load_dataset", lambda name, n, noise: datasets.load_dataset(name, n=n, noise=noise),
         {"name": ("name", lambda: "moons"), "n": ("int", lambda: 20), "noise": ("number", lambda: 0.1)}),
    Spec("Dense", Dense, {"W": ("array", lambda: Z(3, 2)), "b": ("array", lambda: np.zeros(3))}),
    Spec("Dense.create", lambda h_prev, h, init, rng, dtype, bias: Dense.create(h_prev, h, init, rng, dtype, bias),
         {"h_prev": ("int", lambda: 2), "h": ("int", lambda: 3), "init": ("name", lambda: "xavier_normal"),
          "rng": ("rng", lambda: 0), "dtype": ("dtype", lambda: np.float64), "bias": ("bool", lambda: True)}),
    Spec("BatchNorm", BatchNorm, {"h": ("int", lambda: 3), "eps": ("number", lambda: 1e-5),
                                  "momentum": ("number", lambda: 0.1), "dtype": ("dtype", lambda: np.float32)}),
    Spec("LayerNorm", LayerNorm, {"h": ("int", lambda: 3), "eps": ("number", lambda: 1e-5),
                                  "dtype": ("dtype", lambda: np.float64)}),
    Spec("Dropout", Dropout, {"p": ("number", lambda: 0.5)}),
    Spec("ActivationLayer", ActivationLayer, {"name": ("name", lambda: "gelu")}),
    Spec("SGD", SGD, {"lr": ("number", lambda: 0.1), "weight_decay": ("number", lambda: 0.0)}),
    Spec("Momentum", Momentum, {"lr": ("number", lambda: 0.1), "beta": ("number", lambda: 0.9)}),
    Spec("Adam", Adam, {"lr": ("number", lambda: 0.1), "beta1": ("number", lambda: 0.9),
                        "beta2": ("number", lambda: 0.999), "eps": ("number", lambda: 1e-8),
                        "weight_decay": ("number", lambda: 0.01)}),
]
for init_name in ["zeros", "normal", "xavier_uniform", "he_normal"]:
    SPECS.append(Spec(f"initializers.{init_name}", getattr(initializers, init_name),
                      {"shape": ("shape", lambda: (3, 2)), "rng": ("rng", lambda: 0),
                       "dtype": ("dtype", lambda: np.float64)}))
for maker in ["make_sine", "make_moons", "make_spirals"]:
    SPECS.append(Spec(f"datasets.{maker}", getattr(datasets, maker),
                      {"n": ("int", lambda: 20), "noise": ("number", lambda: 0.1), "seed": ("rng", lambda: 0)}))

LAYERS = {"Dense": lambda: Dense.create(3, 2, rng=0), "ActivationLayer": lambda: ActivationLayer("silu"),
          "BatchNorm": lambda: BatchNorm(3), "LayerNorm": lambda: LayerNorm(3), "Dropout": lambda: Dropout(0.3)}
for lname, make in LAYERS.items():
    for train in (False, True):
        SPECS.append(Spec(f"{lname}.forward-train={train}", _layer_call(make, "forward", train),
                          {"x": ("array", Z), "train": ("bool", lambda t=train: t), "rng": ("rng", lambda: 0)}))
    out_shape = (4, 2) if lname == "Dense" else (4, 3)
    SPECS.append(Spec(f"{lname}.backward", _layer_call(make, "backward", True),
                      {"x": ("array", lambda s=out_shape: np.ones(s))}))


# Optimizers keep state: a refused step must not touch it (nor the parameters).
class StatefulOpt:
    opt = params = None


def _opt_step(make):
    def call(W1, b1, gW1, gb1):
        opt = make()
        params = {"W1": np.ones((2, 2)), "b1": np.ones(2)}
        opt.step(params, {"W1": np.full((2, 2), 0.5), "b1": np.full(2, 0.5)})
        params = {"W1": W1, "b1": b1}
        StatefulOpt.opt, StatefulOpt.params = opt, params
        StatefulOpt.before = _opt_state()
        return opt.step(params, {"W1": gW1, "b1": gb1})
    return call


def _equal(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return np.array_equal(a, b, equal_nan=a.dtype.kind == "f" and b.dtype.kind == "f")


def _opt_state():
    opt, params = StatefulOpt.opt, StatefulOpt.params
    if opt is None:
        return []
    state = [opt.t] + [v.copy() for d in opt.state.values() for v in d.values()]
    return state + [np.array(v, copy=True) for v in params.values() if isinstance(v, np.ndarray)]


for oname, make in [("SGD", lambda: SGD(0.1, weight_decay=0.1)), ("Momentum", lambda: Momentum(0.1)),
                    ("Adam", lambda: Adam(0.1))]:
    SPECS.append(Spec(f"{oname}.step", _opt_step(make),
                      {"W1": ("array", lambda: np.ones((2, 2))), "b1": ("array", lambda: np.ones(2)),
                       "gW1": ("array", lambda: np.full((2, 2), 0.5)),
                       "gb1": ("array", lambda: np.full(2, 0.5))}))


# --- how an argument shows up in a message ----------------------------------------------------

ARG_NAMES = {"W1": r"params\['W1'\]", "b1": r"params\['b1'\]", "gW1": r"grads\['W1'\]",
             "gb1": r"grads\['b1'\]",
             "name": r"\bname\b|activation|initializer|loss|dataset", "h_prev": r"\bh_prev\b",
             "init": r"\binit(ializer)?\b", "p": r"\bp\b", "x": r"\bx\b|\bz\b|\ba_prev\b|\ba\b|\bdout\b",
             "params": r"\bparams\b", "grads": r"\bgrads\b", "shape": r"\bshape\b", "seed": r"\bseed\b",
             "f": r"\bf\b", "head": r"\bhead\b"}


def _names(arg):
    return ARG_NAMES.get(arg, rf"\b{re.escape(arg)}\b")


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, (tuple, list)) and not isinstance(value, str):
        for v in value:
            yield from _leaves(v)
    elif isinstance(value, (np.ndarray, float, np.floating)):
        yield np.asarray(value)


def _no_nan(result, where):
    for leaf in _leaves(result):
        if leaf.dtype.kind == "f":
            assert not np.isnan(leaf).any(), f"{where}: silent NaN in the result"


def _call(spec, **override):
    args = {k: factory() for k, (kind, factory) in spec.args.items()}
    args.update(override)
    return spec.fn(**args)


def _cases():
    for spec in SPECS:
        for arg, (kind, factory) in spec.args.items():
            yield pytest.param(spec, arg, kind, factory, id=f"{spec.id}-{arg}")


@pytest.mark.parametrize("spec, arg, kind, factory", list(_cases()))
def test_sweep(spec, arg, kind, factory):
    _no_nan(_call(spec), f"{spec.id} with valid arguments")
    failures = []
    for i, bad in enumerate(pool(kind, factory())):
        where = f"{spec.id}({arg}=<pool {i}: {type(bad).__name__} {getattr(bad, 'shape', '')}>)"
        StatefulOpt.opt = None
        try:
            result = _call(spec, **{arg: bad})
        except (TypeError, ValueError) as exc:
            message = str(exc)
            if not re.search(_names(arg), message):
                failures.append(f"{where}: {type(exc).__name__} does not name {arg!r}: {message}")
            if spec.id.endswith(".step") and StatefulOpt.opt is not None:
                after = _opt_state()
                same = len(after) == len(StatefulOpt.before) and all(
                    _equal(a, b) for a, b in zip(after, StatefulOpt.before))
                if not same:
                    failures.append(f"{where}: the refused step changed the optimizer or the parameters")
        except Exception as exc:  # noqa: BLE001 — the point is to catch raw errors
            failures.append(f"{where}: raw {type(exc).__name__}: {exc}")
        else:
            try:
                _no_nan(result, where)
            except AssertionError as exc:
                failures.append(str(exc))
    assert not failures, "\n".join(failures)


def test_refused_batch_norm_forward_keeps_the_running_statistics():
    for bad in array_pool(Z()):
        layer = BatchNorm(3)
        layer.forward(Z(), train=True)
        before = [layer.running_mean.copy(), layer.running_var.copy()]
        try:
            layer.forward(bad, train=True)
        except (TypeError, ValueError):
            np.testing.assert_array_equal(layer.running_mean, before[0])
            np.testing.assert_array_equal(layer.running_var, before[1])


# --- valid layouts give the numbers of the plain array ----------------------------------------

def _layouts(valid):
    v = np.asarray(valid)
    ro = v.copy()
    ro.flags.writeable = False
    out = {"fortran": np.asfortranarray(v), "read-only": ro, "list": v.tolist()}
    if v.ndim == 2:
        out["matrix"] = _matrix(v)
        strided = np.zeros((v.shape[0], 2 * v.shape[1]), dtype=v.dtype)[:, ::2]
        strided[...] = v
        out["strided"] = strided
    return out


MUTATING = {"numerical_gradient", "SGD.step", "Momentum.step", "Adam.step"}


@pytest.mark.parametrize("spec, arg, kind, factory",
                         [c for c in _cases() if c.values[2] == "array"], ids=lambda v: getattr(v, "id", ""))
def test_valid_layouts_work(spec, arg, kind, factory):
    reference = _call(spec)
    for layout, value in _layouts(factory()).items():
        if layout == "list" and np.asarray(factory()).dtype.kind not in "f":
            continue
        if spec.id in MUTATING and layout in ("read-only", "list"):
            continue     # updated in place: a read-only or list parameter is refused by design
        result = _call(spec, **{arg: value})
        ref_leaves, res_leaves = list(_leaves(reference)), list(_leaves(result))
        assert len(ref_leaves) == len(res_leaves), f"{spec.id}({arg} {layout})"
        for r, s in zip(ref_leaves, res_leaves):
            assert type(s) is np.ndarray or np.ndim(s) == 0, f"{spec.id}({arg} {layout}) returned {type(s)}"
            if spec.id == "numerical_gradient":   # f's own sum runs in memory order
                np.testing.assert_allclose(s, r, rtol=1e-6, err_msg=f"{spec.id}({arg} {layout})")
            else:
                np.testing.assert_array_equal(np.asarray(s), np.asarray(r),
                                              err_msg=f"{spec.id}({arg} {layout})")


def test_io_sweep(tmp_path):
    params = {"W1": np.ones((2, 2)), "b1": np.zeros(2)}
    for bad in PATH_POOL:
        for call in (lambda: io.save_params(bad, params), lambda: io.load_params(bad)):
            with pytest.raises(TypeError, match=r"\bpath\b"):
                call()
    for bad in PARAMS_POOL + [{"W1": _matrix(np.ones((2, 2)))}]:
        try:
            io.save_params(tmp_path / "x.npz", bad)
        except (TypeError, ValueError) as exc:
            assert re.search(r"\bparams\b", str(exc)), str(exc)
    fortran = {"W1": np.asfortranarray(np.arange(6.0).reshape(2, 3))}
    np.testing.assert_array_equal(io.load_params(io.save_params(tmp_path / "f.npz", fortran))["W1"],
                                  fortran["W1"])
