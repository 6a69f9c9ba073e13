"""Small synthetic data sets for the chapters: 1-D regression curves and 2-D classification.

Every generator has the form ``make_<name>(n, noise, seed, *, dtype, …) -> (X, y)``; options
such as ``k`` or ``dtype`` are keyword-only.  All randomness comes from ``seed`` (an int, or a
``numpy.random.Generator`` to continue a stream): the same seed always gives the same arrays.

1-D regression (x uniform in [−1, 1];  y = f(x) + noise · ε,  ε ~ N(0, 1)):

    X (n, 1) float,  y (n, 1) float

=========  ==============================================================================
sine       f(x) = sin(π x)                               one full period on [−1, 1]
step       f(x) = 1 if x ≥ 0 else 0                      a jump: hard for smooth activations
abs        f(x) = |x|                                    a kink: one ReLU fits it exactly
bumpy      f(x) = 1.0·g(x; −0.5, 0.15) + 0.6·g(x; 0.1, 0.1) − 0.8·g(x; 0.6, 0.2),
           g(x; c, w) = exp(−((x − c) / w)²)             three Gaussian bumps of unequal
                                                         height and width: needs many units
=========  ==============================================================================

``true_function(name)`` returns the noise-free f for plotting.

2-D classification (noise = std of Gaussian jitter added to the points; points roughly in
[−1.5, 1.5]²; classes exactly balanced, samples in random order):

    X (n, 2) float,  y (n,) int64 labels 0 … k−1

=========  ==============================================================================
moons      two interleaving half circles (radius 1), centred on the origin
circles    label 0 on the circle of radius 1, label 1 on the circle of radius ``factor``
spirals    ``k`` spiral arms (label j = arm j), radius 0.1 → 1 over ``turns`` turns
xor        points uniform in the four quadrants of [−1, 1]²; label 1 where x₁·x₂ < 0
=========  ==============================================================================

``load_dataset(name, …)`` makes a data set and splits it into a :class:`Dataset`
``(X_train, y_train, X_val, y_val)``.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from nnlib._checks import (MAX_ENTRIES, as_plain_array, check_choice, check_dtype, check_float,
                           check_int, check_rng, check_samples, plain)

#: Most samples a generator makes (far above any chapter; beyond it memory would run out).
MAX_SAMPLES = MAX_ENTRIES // 10
#: Largest noise std (the data live in [−1.5, 1.5]; beyond this they are pure noise).
MAX_NOISE = 1e6

__all__ = ["make_sine", "make_step", "make_abs", "make_bumpy", "make_moons", "make_circles",
           "make_spirals", "make_xor", "true_function", "train_val_split", "load_dataset",
           "Dataset", "DATASETS", "REGRESSION", "CLASSIFICATION"]


class Dataset(NamedTuple):
    """A train/validation split: X_* (n_*, d) floats, y_* (n_*, 1) floats or (n_*,) int labels."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray


# --- 1-D regression -------------------------------------------------------------------------

def _sine(x):
    return np.sin(np.pi * x)


def _step(x):
    return np.where(x >= 0, 1.0, 0.0).astype(x.dtype)


def _abs(x):
    return np.abs(x)


def _bumpy(x):
    def g(c, w):
        return np.exp(-((x - c) / w) ** 2)
    return 1.0 * g(-0.5, 0.15) + 0.6 * g(0.1, 0.1) - 0.8 * g(0.6, 0.2)


_TARGETS = {"sine": _sine, "step": _step, "abs": _abs, "bumpy": _bumpy}


def true_function(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """The noise-free target f of a 1-D regression data set (see the module docstring).

    The returned function maps an array of x values to f(x), same shape and float dtype.
    """
    check_choice(name, "name", list(_TARGETS))
    f = _TARGETS[name]

    def target(x):
        return f(as_plain_array(x, "x"))

    target.__name__ = f"true_function_{name}"
    target.__doc__ = f"The noise-free {name!r} target f(x) (elementwise, shape of x)."
    return target


def _check_n(n, minimum):
    n = check_int(n, "n", minimum=minimum)
    if n > MAX_SAMPLES:
        raise ValueError(f"n must be <= {MAX_SAMPLES:,} samples, got {n:,}")
    return n


def _make_regression(name, n, noise, seed, dtype):
    n = _check_n(n, 1)
    noise = check_float(noise, "noise", low=0.0, high=MAX_NOISE)
    rng = check_rng(seed, "seed")
    dtype = check_dtype(dtype)
    X = rng.uniform(-1.0, 1.0, size=(n, 1))                         # (n, 1)
    y = _TARGETS[name](X) + noise * rng.standard_normal((n, 1))     # (n, 1)
    return X.astype(dtype), y.astype(dtype)


def make_sine(n=200, noise=0.1, seed=0, *, dtype=np.float64):
    """y = sin(π x) + noise·ε on x ∈ [−1, 1].  Returns X (n, 1), y (n, 1)."""
    return _make_regression("sine", n, noise, seed, dtype)


def make_step(n=200, noise=0.1, seed=0, *, dtype=np.float64):
    """y = [x ≥ 0] + noise·ε on x ∈ [−1, 1] (a unit step at 0).  Returns X (n, 1), y (n, 1)."""
    return _make_regression("step", n, noise, seed, dtype)


def make_abs(n=200, noise=0.1, seed=0, *, dtype=np.float64):
    """y = |x| + noise·ε on x ∈ [−1, 1].  Returns X (n, 1), y (n, 1)."""
    return _make_regression("abs", n, noise, seed, dtype)


def make_bumpy(n=200, noise=0.05, seed=0, *, dtype=np.float64):
    """Three Gaussian bumps (see the module docstring) + noise·ε on x ∈ [−1, 1].

    Returns X (n, 1), y (n, 1).
    """
    return _make_regression("bumpy", n, noise, seed, dtype)


# --- 2-D classification ---------------------------------------------------------------------

def _class_counts(n: int, k: int) -> list[int]:
    """Split n samples into k classes as evenly as possible (the first n % k get one more)."""
    return [n // k + (1 if j < n % k else 0) for j in range(k)]


def _finish(parts, noise, rng, dtype):
    """Stack per-class point sets, add jitter, shuffle; parts is a list of (m_j, 2) arrays."""
    X = np.concatenate(parts)                                                   # (n, 2)
    y = np.concatenate([np.full(len(p), j, dtype=np.int64) for j, p in enumerate(parts)])
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(len(y))  # so that X[:m] is not a single class
    return X[order].astype(dtype), y[order]


def _classification_args(n, noise, seed, dtype, k):
    n = _check_n(n, k)
    noise = check_float(noise, "noise", low=0.0, high=MAX_NOISE)
    return n, noise, check_rng(seed, "seed"), check_dtype(dtype)


def make_moons(n=200, noise=0.1, seed=0, *, dtype=np.float64):
    """Two interleaving half circles.  Returns X (n, 2), y (n,) in {0, 1}.

    Class 0: (cos t, sin t);  class 1: (1 − cos t, ½ − sin t),  t ~ U[0, π];
    both shifted by (−½, −¼) so the data are centred on the origin.
    """
    n, noise, rng, dtype = _classification_args(n, noise, seed, dtype, 2)
    n0, n1 = _class_counts(n, 2)
    t0, t1 = rng.uniform(0, np.pi, n0), rng.uniform(0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    shift = np.array([0.5, 0.25])
    return _finish([upper - shift, lower - shift], noise, rng, dtype)


def make_circles(n=200, noise=0.05, seed=0, *, factor=0.5, dtype=np.float64):
    """Two concentric circles: label 0 at radius 1, label 1 at radius ``factor`` (0 < factor < 1).

    Returns X (n, 2), y (n,) in {0, 1}.
    """
    n, noise, rng, dtype = _classification_args(n, noise, seed, dtype, 2)
    factor = check_float(factor, "factor", low=0.0, high=1.0, low_inclusive=False,
                         high_inclusive=False)
    parts = []
    for radius, m in zip([1.0, factor], _class_counts(n, 2)):
        angle = rng.uniform(0, 2 * np.pi, m)
        parts.append(radius * np.column_stack([np.cos(angle), np.sin(angle)]))
    return _finish(parts, noise, rng, dtype)


def make_spirals(n=200, noise=0.05, seed=0, *, k=2, turns=1.0, dtype=np.float64):
    """``k`` interleaved spiral arms; label j = arm j.  Returns X (n, 2), y (n,) in 0 … k−1.

    Arm j:  r = 0.1 + 0.9 s,  θ = 2π j / k + 2π · turns · s,  s ~ U[0, 1],
    point = r (cos θ, sin θ).  More ``turns`` (or more arms) make the problem harder.
    """
    k = check_int(k, "k", minimum=2)
    n, noise, rng, dtype = _classification_args(n, noise, seed, dtype, k)
    turns = check_float(turns, "turns", low=0.0, low_inclusive=False)
    parts = []
    for j, m in enumerate(_class_counts(n, k)):
        s = rng.uniform(0, 1, m)
        r = 0.1 + 0.9 * s
        theta = 2 * np.pi * j / k + 2 * np.pi * turns * s
        parts.append(r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)]))
    return _finish(parts, noise, rng, dtype)


def make_xor(n=200, noise=0.1, seed=0, *, dtype=np.float64):
    """Points uniform in the quadrants of [−1, 1]²; label 1 where x₁·x₂ < 0 (before jitter).

    Each class gets n/2 points, split evenly between its two quadrants.  Returns X (n, 2), y (n,).
    """
    n, noise, rng, dtype = _classification_args(n, noise, seed, dtype, 2)
    quadrants = [[(1, 1), (-1, -1)], [(-1, 1), (1, -1)]]   # label 0: same signs; 1: opposite
    parts = []
    for signs, m in zip(quadrants, _class_counts(n, 2)):
        # Balance the classes first, then the two quadrants within each class.
        parts.append(np.concatenate([rng.uniform(0, 1, (mq, 2)) * np.array(s)
                                     for s, mq in zip(signs, _class_counts(m, 2))]))
    return _finish(parts, noise, rng, dtype)


# --- splitting and loading -----------------------------------------------------------------

DATASETS = {"sine": make_sine, "step": make_step, "abs": make_abs, "bumpy": make_bumpy,
            "moons": make_moons, "circles": make_circles, "spirals": make_spirals,
            "xor": make_xor}
REGRESSION = ("sine", "step", "abs", "bumpy")
CLASSIFICATION = ("moons", "circles", "spirals", "xor")


def train_val_split(X, y, val_fraction=0.25, seed=0) -> Dataset:
    """Shuffle the rows of (X, y) and hold out ``round(val_fraction · n)`` of them.

    X (n, d), y (n, …) with the same n.  Not stratified.  Returns a :class:`Dataset`.
    """
    X = check_samples(as_plain_array(X, "X", ndim=2), "X")
    y = np.asarray(plain(y))
    if y.dtype.kind not in "biuf":
        raise TypeError(f"y must be numeric labels or targets, got dtype {y.dtype}")
    if y.dtype.kind == "f":
        as_plain_array(y, "y")   # float targets: finite
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y must have the same number of rows, got X with {X.shape[0]} "
                         f"and y of shape {y.shape}")
    val_fraction = check_float(val_fraction, "val_fraction", low=0.0, high=1.0,
                               low_inclusive=False, high_inclusive=False)
    rng = check_rng(seed, "seed")
    n = X.shape[0]
    n_val = int(round(val_fraction * n))
    if not 1 <= n_val <= n - 1:
        raise ValueError(f"val_fraction={val_fraction} of n={n} rows leaves {n_val} for "
                         f"validation and {n - n_val} for training; both need at least 1")
    order = rng.permutation(n)
    val, tr = order[:n_val], order[n_val:]
    return Dataset(X[tr], y[tr], X[val], y[val])


def load_dataset(name: str, n=200, noise=None, val_fraction=0.25, seed=0, *,
                 dtype=np.float64, **kwargs) -> Dataset:
    """Make the data set ``name`` (one of :data:`DATASETS`) and split it for training.

    ``noise=None`` uses the generator's default; extra keyword arguments go to the generator
    (e.g. ``load_dataset("spirals", k=3)``).  One random stream from ``seed`` drives both the
    data and the split, so the result is reproducible.
    """
    check_choice(name, "dataset name", list(DATASETS))
    rng = check_rng(seed, "seed")
    if noise is not None:
        kwargs["noise"] = noise
    X, y = DATASETS[name](n=n, seed=rng, dtype=dtype, **kwargs)
    return train_val_split(X, y, val_fraction=val_fraction, seed=rng)
