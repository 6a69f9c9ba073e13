"""Gradient checking: compare an analytic gradient with centred finite differences.

For a scalar function f of an array x, the centred difference

    ∂f/∂x_i ≈ (f(x + ε e_i) − f(x − ε e_i)) / (2ε)

has error O(ε²).  We compare it with the backward pass by the relative error

    rel = ‖g_analytic − g_numeric‖ / max(‖g_analytic‖ + ‖g_numeric‖, tiny)

which is ~1e-8 … 1e-10 for a correct float64 backward pass, while a bug gives
~1e-2 … 1.  :data:`THRESHOLD` (1e-6) is the pass mark in float64.  In float32 the
rounding error of f itself dominates; expect ~1e-3 and use ``eps ≈ 1e-3``.

A gradient that is exactly zero (a parameter with no effect on the loss) makes the
relative error meaningless: the finite difference returns rounding noise of about
1e-10, and noise / (0 + noise) = 1.  So a parameter also passes when both its
analytic and its numerical gradient are zero to within :data:`ATOL` (1e-8) — far
above that noise, far below any real gradient in our examples — and the report
says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import contextlib
import numbers

from ._checks import as_float_array, as_plain_array, check_float

THRESHOLD = 1e-6
ATOL = 1e-8


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is perturbed **in place** one entry at a time (and restored), so ``f``
    should read ``x`` — typically ``x`` is a parameter the model holds, e.g.
    ``numerical_gradient(lambda: loss(net), net.params["W1"])``.  ``f`` may also take
    ``x`` as its argument: ``numerical_gradient(lambda x: np.sum(x**2), x)``.
    Any memory layout works (C- or Fortran-ordered, strided views); a read-only ``x`` works
    when ``f`` takes ``x`` as its argument (it gets a writable copy) or when ``x`` may be
    made writable for the duration of the check.  ``x`` is always left as it was.
    Returns an array of ``x``'s shape, in float64.
    """
    if isinstance(x, np.matrix):
        x = np.asarray(x)   # same memory; a matrix's * would be the matrix product
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(f"x must be a float ndarray (perturbed in place), got {type(x).__name__}"
                        + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
    as_float_array(x, "x")  # float32/float64 and finite
    if x.size == 0:
        raise ValueError(f"x needs at least one entry to differentiate, got shape {x.shape}")
    eps = check_float(eps, "eps", low=0.0, low_inclusive=False)
    if not callable(f):
        raise TypeError(f"f must be callable (a function returning the scalar loss), got {f!r}")
    takes_x = _takes_x(f)
    if takes_x and not x.flags.writeable:
        x = x.copy()          # f sees the perturbed copy; the caller's x is never written
    grad = np.zeros(x.shape, dtype=np.float64)
    with _writable(x):
        call = _caller(f, x, takes_x)
        for i in np.ndindex(x.shape):   # index by position: no flat view, any strides
            old = x[i]
            try:
                x[i] = old + eps
                f_plus = call()
                x[i] = old - eps
                f_minus = call()
            finally:
                x[i] = old
            grad[i] = (f_plus - f_minus) / (2 * eps)
    if not np.isfinite(grad).all():
        raise ValueError(f"f changes by more than the float range between x ± eps "
                         f"(eps={eps:g}); the numerical gradient is not finite")
    return grad


@contextlib.contextmanager
def _writable(x):
    """Let ``x`` be perturbed in place for a moment, then restore its read-only flag."""
    if x.flags.writeable:
        yield
        return
    try:
        x.flags.writeable = True
    except ValueError as exc:
        raise ValueError("x is read-only and its memory cannot be made writable, so it cannot "
                         "be perturbed in place; pass a copy that f reads, or an f that takes "
                         "x as its argument") from exc
    try:
        yield
    finally:
        x.flags.writeable = False


def _takes_x(f) -> bool:
    import inspect

    try:
        return len(inspect.signature(f).parameters) > 0
    except (TypeError, ValueError):
        return False


def _caller(f, x, takes_x):
    def call():
        value = f(x) if takes_x else f()
        if np.ndim(value) != 0:
            raise TypeError(f"f must return a scalar (the loss), got shape {np.shape(value)}")
        if isinstance(value, np.ndarray):
            value = value[()]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"f must return a real number (the loss), got {value!r}")
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"f returned {value} while x was perturbed by ±eps; the loss "
                             "must be finite near x")
        return value

    return call


def relative_error(analytic, numeric) -> float:
    """‖a − n‖ / max(‖a‖ + ‖n‖, 1e-300): scale-free, 0 when both are exactly zero."""
    a = as_plain_array(analytic, "analytic").astype(np.float64)
    n = as_plain_array(numeric, "numeric").astype(np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric must have the same shape, got {a.shape} and {n.shape}")
    big = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(n), initial=0.0))
    if big > 1e150:
        # The ratio is scale-free; a power-of-two scale is exact and keeps ‖·‖² from overflowing.
        scale = 2.0 ** -np.frexp(big)[1]
        a, n = a * scale, n * scale
    denom = max(np.linalg.norm(a) + np.linalg.norm(n), 1e-300)
    return float(np.linalg.norm(a - n) / denom)


@dataclass
class GradCheck:
    """Result of :func:`check_gradients`: one relative error per parameter."""

    errors: dict = field(default_factory=dict)
    threshold: float = THRESHOLD
    zero: set = field(default_factory=set)  # names whose gradients are both ≈ 0 (below ATOL)

    @property
    def max_error(self) -> float:
        return max((e for k, e in self.errors.items() if k not in self.zero), default=0.0)

    @property
    def passed(self) -> bool:
        return self.max_error < self.threshold

    def __repr__(self):
        lines = [f"gradient check {'PASSED' if self.passed else 'FAILED'} "
                 f"(max relative error {self.max_error:.1e}, threshold {self.threshold:.0e})"]
        for name, err in self.errors.items():
            if name in self.zero:
                lines.append(f"  ok  {name:>8}: gradient ≈ 0 (every entry within {ATOL:.0e})")
            else:
                mark = "ok " if err < self.threshold else "BAD"
                lines.append(f"  {mark} {name:>8}: {err:.1e}")
        return "\n".join(lines)


def check_gradients(f, params: dict, grads: dict, eps: float = 1e-6,
                    threshold: float = THRESHOLD) -> GradCheck:
    """Check every ``grads[name]`` against a numerical gradient of ``f()`` w.r.t. ``params[name]``.

    ``f`` takes no arguments and returns the scalar loss computed from ``params``
    (which are perturbed in place).  Example::

        out, cache = net.forward(X)
        grads = net.backward(delta_L, cache)
        check_gradients(lambda: loss_of(net.forward(X)[0]), net.params, grads)
    """
    if not isinstance(params, dict) or not isinstance(grads, dict):
        raise TypeError(f"params and grads must be dicts of arrays, got {type(params).__name__} "
                        f"and {type(grads).__name__}")
    result = GradCheck(threshold=check_float(threshold, "threshold", low=0.0, low_inclusive=False))
    for name, p in params.items():
        if name not in grads:
            raise ValueError(f"grads has no entry for params[{name!r}]; grads has the keys "
                             f"{list(grads)}")
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            raise TypeError(f"params[{name!r}] must be a float ndarray (perturbed in place), got "
                            f"{type(p).__name__}")
        p = np.asarray(p)   # an np.matrix as the plain array it holds (same memory)
        g = as_plain_array(grads[name], f"grads[{name!r}]")
        if g.shape != p.shape:
            raise ValueError(f"grads[{name!r}] must have shape {p.shape} like params[{name!r}], "
                             f"got {g.shape}")
        numeric = numerical_gradient(f, p, eps)
        result.errors[name] = relative_error(g, numeric)
        if np.max(np.abs(g), initial=0.0) < ATOL and np.max(np.abs(numeric), initial=0.0) < ATOL:
            result.zero.add(name)
    return result
