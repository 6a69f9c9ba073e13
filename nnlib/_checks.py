"""Input validation shared by every nnlib module.

Every public function checks what a learner hands it and raises a ``TypeError``
(wrong kind of thing) or ``ValueError`` (right kind, wrong value) whose message
names the argument, what was expected and what was received.  Nothing here uses
``assert``: asserts vanish under ``python -O`` and say nothing useful.
"""

from __future__ import annotations

import numbers

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def _describe(x) -> str:
    """A short description of a received value for error messages."""
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape} and dtype {x.dtype}"
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def as_float_array(x, name: str, ndim: int | tuple[int, ...] | None = None,
                   allow_nonfinite: bool = False) -> np.ndarray:
    """Return ``x`` as a float32/float64 array, or raise naming ``name``.

    Python floats and lists of floats become float64; float32 arrays stay
    float32 (dtype in = dtype out).  Integer, boolean, object and complex data
    raise ``TypeError``: silently converting them hides mistakes such as
    passing class labels where features were expected.
    """
    if type(x) is np.ndarray and x.dtype.char in "fd" and (
            ndim is None or x.ndim == ndim or (isinstance(ndim, tuple) and x.ndim in ndim)):
        # The common, valid case kept cheap: it runs several times in every training step.
        if not allow_nonfinite and not np.isfinite(x).all():
            _raise_nonfinite(x, name)
        return x
    if isinstance(x, np.ndarray):
        arr = x
    else:
        try:
            arr = np.asarray(x)
        except (ValueError, TypeError) as exc:
            raise TypeError(f"{name} must be an array of floats, got {_describe(x)}") from exc
        if arr.dtype.kind in "iu" and arr.dtype != bool and not isinstance(x, np.generic):
            # Plain Python numbers / lists of ints are a harmless convenience.
            arr = arr.astype(np.float64)
    if arr.dtype.kind == "f" and arr.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{name} must have dtype float32 or float64, got dtype {arr.dtype}")
    if arr.dtype.kind != "f":
        raise TypeError(
            f"{name} must have dtype float32 or float64, got dtype {arr.dtype}"
            + (" (convert with .astype(np.float64))" if arr.dtype.kind in "iub" else ""))
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if not allow_nonfinite and not np.isfinite(arr).all():
        _raise_nonfinite(arr, name)
    return arr


def _raise_nonfinite(arr, name):
    bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
    raise ValueError(f"{name} must contain only finite numbers, got {bad} NaN/inf "
                     f"entr{'y' if bad == 1 else 'ies'} in {_describe(arr)}")


def check_shape(arr: np.ndarray, name: str, shape: tuple) -> None:
    """Raise ``ValueError`` unless ``arr.shape`` matches ``shape`` (``None`` = any)."""
    ok = arr.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, arr.shape))
    if not ok:
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + \
            ("," if len(shape) == 1 else "") + ")"
        raise ValueError(f"{name} must have shape {want}, got shape {arr.shape}")


def check_same_dtype(arr: np.ndarray, name: str, dtype, what: str = "the parameters") -> None:
    """Raise ``TypeError`` when ``arr`` would silently change precision."""
    if arr.dtype != dtype:
        raise TypeError(f"{name} has dtype {arr.dtype} but {what} are {np.dtype(dtype)}; "
                        f"convert with {name}.astype(np.{np.dtype(dtype).name}) or build "
                        f"the model with dtype=np.{arr.dtype.name}")


def check_int(value, name: str, minimum: int | None = 1) -> int:
    """Return ``value`` as ``int`` if it is an integer ``>= minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_describe(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_float(value, name: str, low: float | None = None, high: float | None = None,
                low_inclusive: bool = True, high_inclusive: bool = True) -> float:
    """Return ``value`` as ``float`` if it is a finite real number in the given range."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        raise ValueError(f"{name} must be {'>=' if low_inclusive else '>'} {low}, got {value}")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        raise ValueError(f"{name} must be {'<=' if high_inclusive else '<'} {high}, got {value}")
    return value


def check_choice(value, name: str, choices) -> str:
    """Return ``value`` if it is one of ``choices`` (strings), else raise naming them."""
    choices = list(choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {choices}, got {_describe(value)}")
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; expected one of {choices}")
    return value


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    """Accept a ``numpy.random.Generator`` or an integer seed; never global state."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{name} must be a non-negative integer seed, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{name} must be a numpy.random.Generator or an integer seed, "
                    f"got {_describe(rng)}")


def check_dtype(dtype, name: str = "dtype") -> np.dtype:
    """Return ``np.dtype(dtype)`` if it is float32 or float64."""
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{name} must be np.float32 or np.float64, got {_describe(dtype)}") from exc
    if dt not in FLOAT_DTYPES:
        raise TypeError(f"{name} must be np.float32 or np.float64, got {dt}")
    return dt


def check_bool(value, name: str) -> bool:
    """Return ``value`` as ``bool`` if it is True or False (a ``np.bool_`` too); never truthiness."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


def as_plain_array(x, name: str, ndim=None, allow_nonfinite: bool = False) -> np.ndarray:
    """:func:`as_float_array`, with an ``np.matrix`` seen as the plain array it holds.

    A matrix overloads ``*`` as the matrix product and keeps every result 2-D, so it would
    give wrong numbers silently; ``np.asarray`` views the same memory as an ``ndarray``
    (in-place updates still reach the caller's matrix).
    """
    if isinstance(x, np.matrix):
        x = np.asarray(x)
    elif x is None or isinstance(x, (str, bytes, dict, set, frozenset)):
        # NumPy would make these 0-d object/str arrays; say what was actually passed.
        raise TypeError(f"{name} must be an array of floats, got {_describe(x)} "
                        f"({type(x).__name__})")
    return as_float_array(x, name, ndim=ndim, allow_nonfinite=allow_nonfinite)


def check_samples(arr: np.ndarray, name: str) -> np.ndarray:
    """The one rule for empty batches: anything that averages over rows needs n >= 1."""
    if arr.ndim >= 1 and arr.shape[0] == 0:
        raise ValueError(f"{name} needs at least one sample (n >= 1), got shape {arr.shape}")
    return arr


def check_features(arr: np.ndarray, name: str) -> np.ndarray:
    """A batch needs at least one feature (column): a row of nothing has no value to average."""
    if arr.ndim >= 1 and arr.shape[-1] == 0:
        raise ValueError(f"{name} needs at least one column (k >= 1), got shape {arr.shape}")
    return arr


#: Largest array (entries) nnlib will allocate for one weight matrix or one data set: 10⁸
#: entries is 800 MB in float64, far above anything a chapter needs.
MAX_ENTRIES = 10**8


def check_size(entries: int, name: str, shape) -> None:
    """Refuse an allocation beyond :data:`MAX_ENTRIES` with a clear limit, not a MemoryError."""
    if entries > MAX_ENTRIES:
        raise ValueError(f"{name} {shape} would hold {entries:,} entries; nnlib allows at most "
                         f"{MAX_ENTRIES:,} ({MAX_ENTRIES * 8 // 10**6:,} MB in float64)")


def plain(x):
    """An ``np.matrix`` as the plain ``ndarray`` over the same memory; anything else as it is."""
    return np.asarray(x) if isinstance(x, np.matrix) else x
