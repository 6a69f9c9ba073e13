"""Layer normalisation (Ba, Kiros & Hinton 2016), over the feature axis.

Each sample (row) is normalised with its own statistics across its h features, so it
behaves the same in training and evaluation and works with a batch of one:

    μ_i = mean(z_i)   σ²_i = var(z_i)                     # (n, 1)
    ẑ = (z − μ) / √(σ² + ε)        out = γ ⊙ ẑ + β        # γ, β learned, (h,)

Backward, with g = dout ⊙ γ (means now taken along each row):

    dγ = Σ_i dout ⊙ ẑ      dβ = Σ_i dout
    dz = (1/√(σ² + ε)) · (g − mean(g, axis=1) − ẑ ⊙ mean(g ⊙ ẑ, axis=1))
"""

from __future__ import annotations

import numpy as np

from .._checks import check_int, check_samples, check_size, plain
from .normalization import Normalization


class LayerNorm(Normalization):
    """Normalise each row over its ``h`` features; ``params`` are ``gamma`` and ``beta``."""

    def __init__(self, h: int, eps: float = 1e-5, dtype=np.float64):
        check_size(check_int(h, "h"), "h", h)
        super().__init__(h, eps, dtype)

    def _check_input(self, z):
        return check_samples(super()._check_input(plain(z)), "x")

    def _forward(self, z, train, rng):
        mu = z.mean(axis=1, keepdims=True)                   # (n, 1)
        var = z.var(axis=1, keepdims=True)                   # (n, 1)
        inv_std = 1 / np.sqrt(var + z.dtype.type(self.eps))
        z_hat = (z - mu) * inv_std                           # (n, h)
        return self.params["gamma"] * z_hat + self.params["beta"], (z_hat, inv_std)

    def _backward(self, dout, cache, need_dx=True):
        z_hat, inv_std = cache
        dout = plain(dout)
        grads = {"gamma": np.sum(dout * z_hat, axis=0), "beta": np.sum(dout, axis=0)}
        g = dout * self.params["gamma"]
        dz = inv_std * (g - g.mean(axis=1, keepdims=True)
                        - z_hat * np.mean(g * z_hat, axis=1, keepdims=True))
        return dz, grads

