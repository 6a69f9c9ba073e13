"""Numbers about initialisation: how the size of the signal changes from layer to layer.

For a layer ``z = a_prev @ W.T`` with independent zero-mean weights of variance Var(w),

    Var(z^(l)) = fan_in · Var(w) · E[(a^(l-1))²]

so the weight variance decides whether the signal keeps its size going forwards.  With
Var(w) = gain / fan_in, a ReLU layer (which keeps half of the second moment,
E[relu(z)²] = Var(z)/2) multiplies Var(z) by gain/2 — He's gain 2 keeps it level — and a tanh
layer (≈ the identity near 0) multiplies it by about gain — Xavier's gain 1.

The picture is :func:`nnlib.viz.initialization.plot_variance_by_depth`.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_choice, check_float, check_int, check_rng
from ..activations import get_activation, hidden_activations


def variance_by_depth(activation="relu", gain=2.0, depth=20, *, width=64, n=256, seed=0):
    """Var(z^(l)) for l = 1 … depth in a plain stack of ``depth`` layers of ``width`` units.

    The input X (n, width) has independent N(0, 1) entries; every layer computes
    ``z = a_prev @ W.T`` (zero biases) with W (width, width) drawn from N(0, gain / width)
    and ``a = activation(z)``.  ``gain = 1`` is Xavier's variance for equal widths
    (2 / (fan_in + fan_out) = 1 / fan_in), ``gain = 2`` He's.

    Returns an array (depth,) of the variances of z over all n · width entries of each layer.
    """
    activation = check_choice(activation, "activation", hidden_activations())
    gain = check_float(gain, "gain", low=0.0, low_inclusive=False, high=100.0)
    depth = check_int(depth, "depth", minimum=1)
    width = check_int(width, "width", minimum=1)
    n = check_int(n, "n", minimum=2)
    rng = check_rng(seed, "seed")
    f = get_activation(activation).f
    a = rng.normal(size=(n, width))                                   # (n, width)
    variances = np.empty(depth)
    for l in range(depth):
        W = rng.normal(scale=np.sqrt(gain / width), size=(width, width))   # (h_l, h_{l-1})
        z = a @ W.T                                                   # (n, width)
        variances[l] = z.var()
        a = f(z)
    return variances


def recommended_init(activation) -> str:
    """The initialiser the derivation above recommends for a hidden ``activation``.

    ReLU-like activations (≈ 0 far left, ≈ z far right: relu, gelu, silu) keep about half of
    the second moment, so they get He's ``"he_normal"`` (2/fan_in); the others (tanh, sigmoid,
    identity, …) are treated as near-linear around 0 and get Xavier's ``"xavier_normal"``.
    The test reads the activation's own function from the registry, so a newly registered
    activation gets a recommendation too.
    """
    activation = check_choice(activation, "activation", hidden_activations())
    f = get_activation(activation).f
    left, right = f(np.array([-8.0])), f(np.array([8.0]))
    relu_like = abs(float(left[0])) < 0.05 and abs(float(right[0]) - 8.0) < 0.05
    return "he_normal" if relu_like else "xavier_normal"
