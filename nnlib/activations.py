"""Activation functions σ and their derivatives σ′, side by side.

Each function takes ``z`` of any shape and returns an array of the same shape and
dtype.  All are written so that |z| up to 1e3 (and beyond) gives finite values and
no overflow warnings: exponentials are only ever taken of non-positive numbers.

The table :data:`ACTIVATIONS` looks each one up by name; :func:`get_activation`
validates the name.  ``softmax`` acts on a whole row, so it has no elementwise
derivative — its backward pass is a Jacobian-vector product (:func:`softmax_backward`).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
from scipy import special

from ._checks import as_float_array, check_choice

_SQRT_2PI = np.sqrt(2.0 * np.pi)


def _z(z):
    """Accept a float array as it is (the fast path); lists and ints become float64."""
    if type(z) is np.ndarray and z.dtype.char in "fd":
        return z
    return as_float_array(z, "z", allow_nonfinite=True)


# --- identity:  σ(z) = z,  σ′(z) = 1 -----------------------------------------------
def identity(z):
    z = _z(z)
    return z.copy()


def identity_grad(z):
    z = _z(z)
    return np.ones_like(z)


# --- ReLU:  σ(z) = max(0, z),  σ′(z) = 1 if z > 0 else 0 (we take σ′(0) = 0) ------
def relu(z):
    z = _z(z)
    return np.maximum(z, 0).astype(z.dtype, copy=False)


def relu_grad(z):
    z = _z(z)
    return (z > 0).astype(z.dtype)


# --- sigmoid:  σ(z) = 1 / (1 + e^{-z}),  σ′(z) = σ(z)(1 − σ(z)) ---------------------
def sigmoid(z):
    z = _z(z)
    # expit evaluates e^{-|z|} internally, so it never overflows.
    return special.expit(z)


def sigmoid_grad(z):
    z = _z(z)
    s = special.expit(z)
    return s * (1 - s)


# --- tanh:  σ(z) = tanh(z),  σ′(z) = 1 − tanh²(z) -----------------------------------
def tanh(z):
    z = _z(z)
    return np.tanh(z)


def tanh_grad(z):
    z = _z(z)
    t = np.tanh(z)
    return 1 - t * t


# --- SiLU (swish):  σ(z) = z·sigmoid(z),  σ′(z) = s + z·s(1 − s) with s = sigmoid(z) -
def silu(z):
    z = _z(z)
    return z * special.expit(z)


def silu_grad(z):
    z = _z(z)
    s = special.expit(z)
    return s + z * s * (1 - s)


# --- GELU (exact):  σ(z) = z·Φ(z),  σ′(z) = Φ(z) + z·φ(z) --------------------------
# Φ is the standard normal CDF (scipy.special.ndtr), φ its density.
def gelu(z):
    z = _z(z)
    return z * special.ndtr(z)


def gelu_grad(z):
    z = _z(z)
    # exp(-z²/2) underflows to 0 for large |z| — harmless, and no warning is raised.
    phi = np.exp(-0.5 * z * z) / z.dtype.type(_SQRT_2PI)
    return special.ndtr(z) + z * phi


# --- softmax (over the last axis):  softmax(z)_k = e^{z_k − m} / Σ_j e^{z_j − m} ------
# Subtracting the row maximum m changes nothing mathematically but keeps every
# exponent ≤ 0, so e^{…} ≤ 1 can never overflow.
def softmax(z):
    z = _z(z)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_grad(z):
    raise ValueError("softmax has no elementwise derivative: each output depends on the "
                     "whole row; use softmax_backward(da, a) for its Jacobian-vector product")


def softmax_backward(da, a):
    """δ = J_softmaxᵀ · da for each row: ``delta = a * (da - sum(da * a, axis=-1))``."""
    return a * (da - np.sum(da * a, axis=-1, keepdims=True))


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
        return self.f(as_float_array(z, "z", allow_nonfinite=False))

    def derivative(self, z):
        """σ′(z), elementwise (softmax raises: it is not elementwise)."""
        return self.df(as_float_array(z, "z"))

    def backward(self, da, z, a):
        """δ = ∂L/∂z from ``da`` = ∂L/∂a, the layer input ``z`` and output ``a``."""
        return self.vjp(da, z, a)


ACTIVATIONS = {
    "identity": Activation("identity", identity, identity_grad, lambda da, z, a: da, colour="C7",
                           formula=r"$z$", use="regression outputs; no use in a hidden layer"),
    "relu": Activation("relu", relu, relu_grad, lambda da, z, a: da * (z > 0), colour="C0",
                       formula=r"$\max(0, z)$", use="hidden layers of most CNNs and MLPs"),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_grad, lambda da, z, a: da * (a * (1 - a)),
                          colour="C3", formula=r"$1/(1+e^{-z})$",
                          use="binary outputs (a probability); gates"),
    "tanh": Activation("tanh", tanh, tanh_grad, lambda da, z, a: da * (1 - a * a), colour="C4",
                       formula=r"$\tanh z$", use="RNNs (LSTM and GRU states)"),
    "silu": Activation("silu", silu, silu_grad, _elementwise_backward(silu_grad), colour="C2",
                       formula=r"$z\,\mathrm{sigmoid}(z)$",
                       use="EfficientNet; LLaMA (inside its SwiGLU feed-forward)"),
    "gelu": Activation("gelu", gelu, gelu_grad, _elementwise_backward(gelu_grad), colour="C1",
                       formula=r"$z\,\Phi(z)$", use="transformers such as GPT and BERT"),
    "softmax": Activation("softmax", softmax, softmax_grad, lambda da, z, a: softmax_backward(da, a)),
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
