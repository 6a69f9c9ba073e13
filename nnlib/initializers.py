"""Weight initialisers: how the first ``W`` of each layer is drawn.

Every initialiser has the signature ``init(shape, rng, dtype) -> W`` with
``shape = (h_l, h_{l-1})`` = (fan_out, fan_in).  Biases start at zero.

* zeros          — every weight 0 (all neurons stay identical: a lesson, not a choice)
* normal(std)    — N(0, std²), a fixed scale that ignores the layer size
* xavier_uniform — U(−r, r) with r = √(6 / (fan_in + fan_out))   (Glorot & Bengio 2010)
* xavier_normal  — N(0, 2 / (fan_in + fan_out))
* he_normal      — N(0, 2 / fan_in)                               (He et al. 2015, for ReLU)
* he_uniform     — U(−r, r) with r = √(6 / fan_in)
"""

from __future__ import annotations

import functools

import numpy as np

from ._checks import check_choice, check_dtype, check_float, check_int, check_rng, check_size


def _fans(shape):
    if isinstance(shape, list):
        shape = tuple(shape)
    if not (isinstance(shape, tuple) and len(shape) == 2):
        raise ValueError(f"shape must be a tuple (h_l, h_prev), got {shape!r}")
    fan_out = check_int(shape[0], "shape[0] (h_l)")
    fan_in = check_int(shape[1], "shape[1] (h_prev)")
    check_size(fan_out * fan_in, "shape", (fan_out, fan_in))
    return fan_in, fan_out


def zeros(shape, rng=None, dtype=np.float64):
    fan_in, fan_out = _fans(shape)
    return np.zeros((fan_out, fan_in), dtype=check_dtype(dtype))


def normal(shape, rng, dtype=np.float64, std=0.01):
    fan_in, fan_out = _fans(shape)
    std = check_float(std, "std", low=0.0)
    return (check_rng(rng).standard_normal((fan_out, fan_in)) * std).astype(check_dtype(dtype))


def xavier_uniform(shape, rng, dtype=np.float64):
    fan_in, fan_out = _fans(shape)
    r = np.sqrt(6.0 / (fan_in + fan_out))
    return check_rng(rng).uniform(-r, r, size=(fan_out, fan_in)).astype(check_dtype(dtype))


def xavier_normal(shape, rng, dtype=np.float64):
    fan_in, fan_out = _fans(shape)
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return (check_rng(rng).standard_normal((fan_out, fan_in)) * std).astype(check_dtype(dtype))


def he_normal(shape, rng, dtype=np.float64):
    fan_in, fan_out = _fans(shape)
    std = np.sqrt(2.0 / fan_in)
    return (check_rng(rng).standard_normal((fan_out, fan_in)) * std).astype(check_dtype(dtype))


def he_uniform(shape, rng, dtype=np.float64):
    fan_in, fan_out = _fans(shape)
    r = np.sqrt(6.0 / fan_in)
    return check_rng(rng).uniform(-r, r, size=(fan_out, fan_in)).astype(check_dtype(dtype))


INITIALIZERS = {
    "zeros": zeros,
    "normal": normal,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}
# Short aliases a reader is likely to type.
ALIASES = {"xavier": "xavier_normal", "glorot": "xavier_normal", "glorot_uniform": "xavier_uniform",
           "glorot_normal": "xavier_normal", "he": "he_normal", "kaiming": "he_normal"}


def get_initializer(name: str, **options):
    """Look an initialiser up by name; ``options`` (e.g. ``std=0.1`` for ``"normal"``) are bound."""
    if isinstance(name, str) and name in ALIASES:
        name = ALIASES[name]
    check_choice(name, "initializer", list(INITIALIZERS) + list(ALIASES))
    allowed = {"std"} if name == "normal" else set()
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise ValueError(f"initializer {name!r} takes "
                         + ("only the option std" if allowed else "no options")
                         + f", got {', '.join(unknown)}")
    return functools.partial(INITIALIZERS[name], **options) if options else INITIALIZERS[name]
