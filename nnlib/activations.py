"""Activation functions σ and their derivatives σ′, side by side.

Each function takes ``z`` of any shape and returns an array of the same shape and
dtype.  All are written so that every finite z, up to the largest float (±1.8e308 in
float64, ±3.4e38 in float32), gives finite values and no overflow warnings: exponentials
are only ever taken of non-positive numbers, and z² is never formed where it could overflow.

The module-level functions (``relu(z)``, ``softmax(z)``, …) check ``z`` like every public
function: a float array (lists and Python numbers become float64; ``np.matrix`` becomes a
plain array) with finite entries, else a ``TypeError``/``ValueError`` naming ``z``.  The
table below holds the unchecked cores that layers call after validating their input once.

The table :data:`ACTIVATIONS` looks each one up by name; :func:`get_activation`
validates the name.  ``softmax`` acts on a whole row, so it has no elementwise
derivative — its backward pass is a Jacobian-vector product (:func:`softmax_backward`).
"""

from __future__ import annotations

import functools
from typing import Callable, NamedTuple

import numpy as np
from scipy import special

from ._checks import as_plain_array, check_choice, check_features

_SQRT_2PI = np.sqrt(2.0 * np.pi)


def _z(z):
    """Validate ``z``: a float array with finite entries; lists and ints become float64."""
    return as_plain_array(z, "z")


def _public(core):
    """The checked, module-level form of an activation core (same name without ``_``)."""
    @functools.wraps(core)
    def checked(z):
        return core(_z(z))
    checked.__name__ = checked.__qualname__ = core.__name__.lstrip("_")
    return checked


# --- identity:  σ(z) = z,  σ′(z) = 1 -----------------------------------------------
def _identity(z):
    return z.copy()


def _identity_grad(z):
    return np.ones_like(z)


# --- ReLU:  σ(z) = max(0, z),  σ′(z) = 1 if z > 0 else 0 (we take σ′(0) = 0) ------
def _relu(z):
    return np.maximum(z, 0).astype(z.dtype, copy=False)


def _relu_grad(z):
    return (z > 0).astype(z.dtype)


# --- leaky ReLU:  σ(z) = z if z > 0 else αz,  σ′(z) = 1 if z > 0 else α --------------
#: α, the slope of leaky ReLU for z < 0 (PyTorch's default ``negative_slope``).
LEAKY_SLOPE = 0.01


def _leaky_relu(z):
    return np.where(z > 0, z, z * z.dtype.type(LEAKY_SLOPE))


def _leaky_relu_grad(z):
    return np.where(z > 0, z.dtype.type(1), z.dtype.type(LEAKY_SLOPE))


# --- sigmoid:  σ(z) = 1 / (1 + e^{-z}),  σ′(z) = σ(z)(1 − σ(z)) ---------------------
def _sigmoid(z):
    # expit evaluates e^{-|z|} internally, so it never overflows.
    return special.expit(z)


def _sigmoid_grad(z):
    s = special.expit(z)
    return s * (1 - s)


# --- tanh:  σ(z) = tanh(z),  σ′(z) = 1 − tanh²(z) -----------------------------------
def _tanh(z):
    return np.tanh(z)


def _tanh_grad(z):
    t = np.tanh(z)
    return 1 - t * t


# --- SiLU (swish):  σ(z) = z·sigmoid(z),  σ′(z) = s + z·s(1 − s) with s = sigmoid(z) -
def _silu(z):
    return z * special.expit(z)


def _silu_grad(z):
    s = special.expit(z)
    return s + z * s * (1 - s)


# --- GELU (exact):  σ(z) = z·Φ(z),  σ′(z) = Φ(z) + z·φ(z) --------------------------
# Φ is the standard normal CDF (scipy.special.ndtr), φ its density.
def _gelu(z):
    return z * special.ndtr(z)


def _gelu_grad(z):
    # φ(z) = exp(−z²/2)/√(2π) is exactly 0 in floating point beyond |z| ≈ 39; clipping there
    # keeps z² from overflowing (|z| > 1e154) without changing a single value.
    zc = np.clip(z, -40, 40)
    phi = np.exp(-0.5 * zc * zc) / z.dtype.type(_SQRT_2PI)
    return special.ndtr(z) + z * phi


# --- softmax (over the last axis):  softmax(z)_k = e^{z_k − m} / Σ_j e^{z_j − m} ------
# Subtracting the row maximum m changes nothing mathematically but keeps every
# exponent ≤ 0, so e^{…} ≤ 1 can never overflow.
def _softmax(z):
    with np.errstate(over="ignore"):
        # Entries more than the float range below the row's maximum overflow to −inf here;
        # e^{−inf} = 0 is the exact limit, so the warning would be noise.
        shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax(z):
    """softmax over the last axis of ``z`` (at least 1-D, at least one entry per row)."""
    z = _z(z)
    if z.ndim == 0:
        raise ValueError(f"z for softmax must have at least 1 dimension (a row of scores), "
                         f"got shape {z.shape}")
    return _softmax(check_features(z, "z"))


identity, identity_grad = _public(_identity), _public(_identity_grad)
relu, relu_grad = _public(_relu), _public(_relu_grad)
leaky_relu, leaky_relu_grad = _public(_leaky_relu), _public(_leaky_relu_grad)
sigmoid, sigmoid_grad = _public(_sigmoid), _public(_sigmoid_grad)
tanh, tanh_grad = _public(_tanh), _public(_tanh_grad)
silu, silu_grad = _public(_silu), _public(_silu_grad)
gelu, gelu_grad = _public(_gelu), _public(_gelu_grad)


def softmax_grad(z):
    raise ValueError("softmax has no elementwise derivative: each output depends on the "
                     "whole row; use softmax_backward(da, a) for its Jacobian-vector product")


def softmax_backward(da, a):
    """δ = J_softmaxᵀ · da for each row: ``delta = a * (da - sum(da * a, axis=-1))``.

    ``da`` = ∂L/∂a and the softmax output ``a`` must have the same shape and dtype.
    """
    a = _in_range(_z_named(a, "a"), "softmax", 0.0)
    da = _same_as(_z_named(da, "da"), "da", a, "a")
    return _softmax_backward(da, a)


def _softmax_backward(da, a):
    return a * (da - np.sum(da * a, axis=-1, keepdims=True))


def _z_named(x, name):
    return as_plain_array(x, name)


#: The range of each bounded activation's output: an ``a`` outside it cannot be σ(z).
_OUTPUT_RANGE = {"softmax": 0.0, "sigmoid": 0.0, "tanh": -1.0}


def _in_range(a, name, low):
    """Refuse an ``a`` outside [low, 1]: it is not the output of the activation ``name``."""
    if a.size and (a.min() < low or a.max() > 1):
        raise ValueError(f"a must be the output of {name}, with entries in [{low:g}, 1], got "
                         f"entries from {a.min():.3g} to {a.max():.3g}")
    return a


def _same_as(x, name, ref, ref_name):
    """Refuse ``x`` unless it has ``ref``'s shape and dtype (no silent broadcasting)."""
    if x.shape != ref.shape:
        raise ValueError(f"{name} must have the shape of {ref_name} {ref.shape}, got shape {x.shape}")
    if x.dtype != ref.dtype:
        raise TypeError(f"{name} has dtype {x.dtype} but {ref_name} has dtype {ref.dtype}; "
                        f"convert with {name}.astype(np.{ref.dtype.name})")
    return x


def _elementwise_backward(df):
    """The backward pass of an elementwise σ: δ = da ⊙ σ′(z)."""
    return lambda da, z, a: da * df(z)


class Activation(NamedTuple):
    """One activation: its name, value ``f(z)``, derivative ``df(z)`` and ``vjp``.

    ``vjp(da, z, a)`` is the backward pass δ = ∂L/∂z given ``da`` = ∂L/∂a, the input
    ``z`` and the output ``a``.  For most activations it is da ⊙ σ′(z); some use the
    output instead (sigmoid′ = a(1 − a), tanh′ = 1 − a², no exp to recompute), ReLU
    multiplies by the mask z > 0 directly, and softmax needs a whole row.
    """

    name: str
    f: Callable
    df: Callable
    vjp: Callable
    # How the pictures, widgets and tables show it (every list of activations derives from
    # this registry): a matplotlib colour ("" = the next free one), the formula in LaTeX
    # and where it is typically used.
    colour: str = ""
    formula: str = ""
    use: str = ""

    def __call__(self, z):
        z = _z(z)
        if self.name == "softmax":
            return softmax(z)
        return self.f(z)

    def derivative(self, z):
        """σ′(z), elementwise (softmax raises: it is not elementwise)."""
        return self.df(_z(z))

    def backward(self, da, z, a):
        """δ = ∂L/∂z from ``da`` = ∂L/∂a, the layer input ``z`` and output ``a`` (one shape)."""
        z = _z(z)
        a = _same_as(_z_named(a, "a"), "a", z, "z")
        if self.name in _OUTPUT_RANGE:
            _in_range(a, self.name, _OUTPUT_RANGE[self.name])
        da = _same_as(_z_named(da, "da"), "da", z, "z")
        return self.vjp(da, z, a)


ACTIVATIONS = {
    "identity": Activation("identity", _identity, _identity_grad, lambda da, z, a: da, colour="C7",
                           formula=r"$z$", use="regression outputs; no use in a hidden layer"),
    "relu": Activation("relu", _relu, _relu_grad, lambda da, z, a: da * (z > 0), colour="C0",
                       formula=r"$\max(0, z)$", use="hidden layers of most CNNs and MLPs"),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_grad, lambda da, z, a: da * (a * (1 - a)),
                          colour="C3", formula=r"$1/(1+e^{-z})$",
                          use="binary outputs (a probability); gates"),
    "tanh": Activation("tanh", _tanh, _tanh_grad, lambda da, z, a: da * (1 - a * a), colour="C4",
                       formula=r"$\tanh z$", use="RNNs (LSTM and GRU states)"),
    "silu": Activation("silu", _silu, _silu_grad, _elementwise_backward(_silu_grad), colour="C2",
                       formula=r"$z\,\mathrm{sigmoid}(z)$",
                       use="EfficientNet; LLaMA (inside its SwiGLU feed-forward)"),
    "gelu": Activation("gelu", _gelu, _gelu_grad, _elementwise_backward(_gelu_grad), colour="C1",
                       formula=r"$z\,\Phi(z)$", use="transformers such as GPT and BERT"),
    "leaky_relu": Activation("leaky_relu", _leaky_relu, _leaky_relu_grad,
                             _elementwise_backward(_leaky_relu_grad), colour="C9",
                             formula=r"$\max(0.01z,\, z)$",
                             use="a ReLU whose units cannot die (slope 0.01 for z < 0)"),
    "softmax": Activation("softmax", _softmax, softmax_grad,
                          lambda da, z, a: _softmax_backward(da, a)),
}


def register_activation(activation: Activation) -> Activation:
    """Add ``activation`` to :data:`ACTIVATIONS` under its name (the one place to add one).

    Networks, widgets' options, colours and tables read the registry when they are used,
    so a registered activation shows up everywhere with no other edit.
    """
    if not isinstance(activation, Activation):
        raise TypeError(f"activation must be an nnlib.activations.Activation, got {type(activation).__name__}")
    if not isinstance(activation.name, str) or not activation.name.isidentifier():
        raise ValueError(f"activation.name must be a name like 'elu', got {activation.name!r}")
    ACTIVATIONS[activation.name] = activation
    return activation


def hidden_activations() -> tuple:
    """Names usable in hidden layers (the elementwise ones), in registry order, read now."""
    return tuple(name for name in ACTIVATIONS if name != "softmax")


def activation_colour(name: str) -> str:
    """The colour every picture gives ``name``: its registered one, else C0…C9 by registry position."""
    colour = get_activation(name).colour
    return colour or f"C{list(ACTIVATIONS).index(name) % 10}"


#: The built-in hidden activations (code that must see registered ones calls hidden_activations()).
HIDDEN_ACTIVATIONS = hidden_activations()


def get_activation(name: str) -> Activation:
    """Look an activation up by name, e.g. ``get_activation("relu")``."""
    return ACTIVATIONS[check_choice(name, "activation", ACTIVATIONS)]
