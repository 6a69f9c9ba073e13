"""A generated sweep of bad input over the model layer: MLP, its methods, and train().

The same approach as tests/test_bad_input_sweep.py (whose pools it uses): each argument in
turn gets every value of the pool of its kind; warnings are errors.  A call either succeeds
(no NaN in what it returns) or raises ``TypeError``/``ValueError`` naming the argument; no raw
NumPy/Python error.  A call that raises changes nothing: the network's params and buffers
(batch norm's running statistics) and the optimizer's state are as before.  An ``np.matrix``
is treated as the plain array it holds.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from test_bad_input_sweep import (ANY_BAD, BOOL_POOL, DTYPE_POOL, INT_POOL, NAME_POOL,
                                  NUMBER_POOL, RNG_POOL, _names, _no_nan, array_pool)

from nnlib.network import MLP
from nnlib.optimizers import Adam
from nnlib.training import train

pytestmark = pytest.mark.filterwarnings("error")

SIZES_POOL = ANY_BAD + [{2, 3, 1}, {2: 1, 3: 1}, [2], [], [2, 0, 1], [2, -3, 1], [2, 2.5, 1],
                        [2, True, 1], (2, "3", 1), [2, 10**9, 10**9], np.array([[2, 3]]), 5]
PARAMS_POOL = ANY_BAD + [{}, {"W1": np.ones(2)}, {"W1": None}, [np.ones(2)]]
CALLBACK_POOL = ANY_BAD + [3, np.ones(2)]


def X(n=8, dtype=np.float64):
    return np.linspace(-1.0, 1.0, 2 * n).reshape(n, 2).astype(dtype)


def y_soft(n=8):
    return np.arange(n) % 3


def net(norm="batch"):
    return MLP([2, 4, 3], activation="tanh", head="softmax", norm=norm, dropout=0.2, seed=0)


def _matrix(a):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.matrix(a)


class Case:
    """``call(**args)`` on a fresh network; ``args[name] = (pool, valid value factory)``."""

    def __init__(self, id, call, args):
        self.id, self.call, self.args = id, call, args


class World:
    """The network and optimizer of the current call, so a refused call can be compared."""

    net = opt = None


def _fresh():
    World.net, World.opt = net(), Adam(0.01)
    World.opt.step(World.net.params, World.net.loss_and_grads(X(), y_soft(), train=True)[1])
    return World.net


def _state():
    state = World.net.state()
    if World.opt is not None:
        state["opt.t"] = np.array(World.opt.t)
        for key, slots in World.opt.state.items():
            for slot, value in slots.items():
                state[f"opt.{key}.{slot}"] = np.array(value, copy=True)
    return state


def _backward(delta_L):
    _, cache = _fresh().forward(X(), train=True, rng=0)
    return World.net.backward(delta_L, cache)


def _train(**kw):
    return train(_fresh(), optimizer=World.opt, **kw)


CASES = [
    Case("MLP", lambda **kw: MLP(**kw),
         {"sizes": (SIZES_POOL, lambda: [2, 4, 1]), "activation": (NAME_POOL + ["softmax"], lambda: "relu"),
          "head": (NAME_POOL, lambda: "sigmoid"), "init": (NAME_POOL, lambda: "he_normal"),
          "dropout": (NUMBER_POOL + [1.0], lambda: 0.1), "norm": (NAME_POOL, lambda: "layer"),
          "residual": (BOOL_POOL, lambda: True), "seed": (RNG_POOL, lambda: 0),
          "dtype": (DTYPE_POOL, lambda: np.float32), "init_std": (NUMBER_POOL, lambda: 0.01)}),
    Case("MLP.forward", lambda **kw: _fresh().forward(**kw),
         {"X": (array_pool(X()) + [X(dtype=np.float32)], X), "train": (BOOL_POOL, lambda: True),
          "rng": (RNG_POOL, lambda: 0)}),
    Case("MLP.predict", lambda **kw: _fresh().predict(**kw), {"X": (array_pool(X()), X)}),
    Case("MLP.loss_and_grads", lambda **kw: _fresh().loss_and_grads(**kw),
         {"X": (array_pool(X()), X), "y": (array_pool(y_soft().astype(float)) + [np.arange(8) + 5], y_soft),
          "train": (BOOL_POOL, lambda: True)}),
    Case("MLP.backward", _backward, {"delta_L": (array_pool(np.ones((8, 3))), lambda: np.ones((8, 3)) / 8)}),
    Case("MLP.set_params", lambda **kw: _fresh().set_params(**kw),
         {"params": (PARAMS_POOL + [{**net().params, "W1": np.full((4, 2), np.nan)},
                                    {**net().params, "W2": np.ones((3, 5))},
                                    {**net().params, "extra1": np.ones(2)}],
                     lambda: {k: v + 1 for k, v in net().params.items()})}),
    Case("MLP.load_state", lambda **kw: _fresh().load_state(**kw),
         {"state": (PARAMS_POOL + [{**net().state(), "W1": np.ones(3)}], lambda: net().state())}),
    Case("train", _train,
         {"X": (array_pool(X()), X), "y": (array_pool(y_soft().astype(float)), y_soft),
          # (10**15 epochs is valid input, and would train for ever: not in this pool)
          "epochs": ([v for v in INT_POOL if v != 10**15], lambda: 2), "batch_size": (INT_POOL, lambda: 4),
          "l2": (NUMBER_POOL, lambda: 0.01), "l1": (NUMBER_POOL, lambda: 0.01),
          "seed": (RNG_POOL, lambda: 0), "progress": (BOOL_POOL, lambda: False),
          "callback": (CALLBACK_POOL, lambda: None), "warn": (BOOL_POOL, lambda: True)}),
]

NAMES = {"sizes": r"\bsizes\b", "X": r"\bX\b", "y": r"\by\b", "delta_L": r"\bdelta_L\b",
         "params": r"\bparams\b", "state": r"\bstate\b", "activation": r"\bactivation\b",
         "init": r"\binit(ializer)?\b", "norm": r"\bnorm\b", "seed": r"\bseed\b", "rng": r"\brng\b"}


def _cases():
    for case in CASES:
        for arg in case.args:
            yield pytest.param(case, arg, id=f"{case.id}-{arg}")


def _same(a, b):
    return set(a) == set(b) and all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)


@pytest.mark.parametrize("case, arg", list(_cases()))
def test_sweep(case, arg):
    valid = {k: factory() for k, (_, factory) in case.args.items()}
    _no_nan(case.call(**valid), f"{case.id} with valid arguments")
    pool = case.args[arg][0]
    failures = []
    for i, bad in enumerate(pool):
        where = f"{case.id}({arg}=<pool {i}: {type(bad).__name__} {getattr(bad, 'shape', '')}>)"
        World.net = World.opt = None
        before = {}
        try:
            result = case.call(**{**valid, arg: bad})
        except (TypeError, ValueError) as exc:
            if not re.search(NAMES.get(arg, _names(arg)), str(exc)):
                failures.append(f"{where}: {type(exc).__name__} does not name {arg!r}: {exc}")
            if World.net is not None:
                after = _state()
                World.net, World.opt = net(), Adam(0.01)        # the same start, rebuilt
                World.opt.step(World.net.params,
                               World.net.loss_and_grads(X(), y_soft(), train=True)[1])
                before = _state()
                if case.id == "MLP.backward":                   # its forward moved the statistics
                    World.net.forward(X(), train=True, rng=0)
                    before = _state()
                if not _same(after, before):
                    failures.append(f"{where}: the refused call changed params, buffers or the "
                                    f"optimizer state")
        except Exception as exc:  # noqa: BLE001 — a raw error is the bug
            failures.append(f"{where}: raw {type(exc).__name__}: {exc}")
        else:
            try:
                _no_nan(result, where)
            except AssertionError as exc:
                failures.append(str(exc))
    assert not failures, "\n".join(failures)


def test_sizes_must_be_ordered():
    with pytest.raises(TypeError, match="sizes must be a list or tuple"):
        MLP({2, 3, 1})
    with pytest.raises(TypeError, match="sizes must be a list or tuple"):
        MLP({2: None, 3: None, 1: None})
    assert MLP((2, 3, 1)).sizes == MLP(np.array([2, 3, 1])).sizes == [2, 3, 1]


def test_a_matrix_is_the_array_it_holds():
    m = net()
    out, cache = m.forward(X())
    out_m, cache_m = m.forward(_matrix(X()))
    assert type(out_m) is np.ndarray and type(cache_m.a[0]) is np.ndarray
    np.testing.assert_array_equal(out_m, out)
    grads = m.backward(np.ones((8, 3)) / 8, cache)
    grads_m = m.backward(_matrix(np.ones((8, 3)) / 8), cache)
    for k in grads:
        assert type(grads_m[k]) is np.ndarray
        np.testing.assert_array_equal(grads_m[k], grads[k])
    L, g = m.loss_and_grads(_matrix(X()), y_soft())
    assert np.isfinite(L) and all(type(v) is np.ndarray for v in g.values())


def test_layer_and_residual_backward_take_a_matrix_dout():
    from nnlib.layers import ActivationLayer, Dense, Residual

    for layer in (Dense.create(3, 3, rng=0), Residual([Dense.create(3, 3, rng=0), ActivationLayer("tanh")])):
        x = np.linspace(-1, 1, 12).reshape(4, 3)
        out, cache = layer.forward(_matrix(x))
        assert type(out) is np.ndarray
        dx, grads = layer.backward(_matrix(np.ones((4, 3))), cache)
        dx_plain, grads_plain = layer.backward(np.ones((4, 3)), cache)
        assert type(dx) is np.ndarray and all(type(g) is np.ndarray for g in grads.values())
        np.testing.assert_array_equal(dx, dx_plain)


def test_state_round_trip_and_train_error_puts_everything_back():
    m = net()
    saved = m.state()
    train(m, X(), y_soft(), epochs=2, batch_size=4)
    assert not _same(m.state(), saved)
    m.load_state(saved)
    assert _same(m.state(), saved)

    def boom(epoch, history):
        raise RuntimeError("callback failed")

    with pytest.raises(RuntimeError, match="callback failed"):
        train(m, X(), y_soft(), epochs=3, batch_size=4, callback=boom)
    assert _same(m.state(), saved)
