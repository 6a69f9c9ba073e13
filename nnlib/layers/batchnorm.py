"""Batch normalisation (Ioffe & Szegedy 2015), over the batch axis.

Training, for z of shape (n, h), each feature j normalised with the batch's statistics:

    μ = mean(z, axis=0)   σ² = var(z, axis=0)            # (h,)
    ẑ = (z − μ) / √(σ² + ε)                               # (n, h)
    out = γ ⊙ ẑ + β                                        # γ, β learned, (h,)

and exponential running averages ``running_mean``/``running_var`` are updated
(``momentum`` weight on the new batch).  Evaluation uses the running statistics, so a
prediction for one sample does not depend on the rest of its batch.

Backward (training), with g = dout ⊙ γ:

    dγ = Σ_i dout ⊙ ẑ        dβ = Σ_i dout
    dz = (1/√(σ² + ε)) · (g − mean(g, axis=0) − ẑ ⊙ mean(g ⊙ ẑ, axis=0))

The two subtracted means are there because μ and σ² themselves depend on every z.

PyTorch (``nn.BatchNorm1d``) uses the same momentum 0.1 and ε = 1e-5 and the same training
outputs, but averages the *unbiased* variance σ²·n/(n − 1) into its running variance; we
average the biased σ² the text defines, so evaluation outputs differ slightly
(docs/CONVENTIONS.md gives the exact relation).  Every input needs n >= 1 samples, and
training needs n >= 2.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_float, check_int, check_samples, check_size, plain
from .normalization import Normalization


class BatchNorm(Normalization):
    """Normalise each of ``h`` features over the batch; ``params`` are ``gamma`` and ``beta``."""

    def __init__(self, h: int, eps: float = 1e-5, momentum: float = 0.1, dtype=np.float64):
        check_size(check_int(h, "h"), "h", h)
        super().__init__(h, eps, dtype)
        self.momentum = check_float(momentum, "momentum", low=0.0, high=1.0)
        # Running statistics are state, not parameters: no gradient, not touched by optimisers.
        self.running_mean = np.zeros_like(self.params["beta"])
        self.running_var = np.ones_like(self.params["gamma"])

    def _check_input(self, z):
        return check_samples(super()._check_input(plain(z)), "x")

    def _forward(self, z, train, rng):
        if train:
            if z.shape[0] < 2:
                raise ValueError(f"batch norm in training needs a batch of at least 2 samples "
                                 f"to estimate a variance, got a batch of {z.shape[0]}; "
                                 f"use layer norm for batch size 1")
            mu, var = z.mean(axis=0), z.var(axis=0)
            m = z.dtype.type(self.momentum)
            self.running_mean *= 1 - m
            self.running_mean += m * mu
            self.running_var *= 1 - m
            self.running_var += m * var
        else:
            mu, var = self.running_mean, self.running_var
        inv_std = 1 / np.sqrt(var + z.dtype.type(self.eps))  # (h,)
        z_hat = (z - mu) * inv_std                          # (n, h)
        out = self.params["gamma"] * z_hat + self.params["beta"]
        return out, (z_hat, inv_std, train)

    def _backward(self, dout, cache, need_dx=True):
        z_hat, inv_std, train = cache
        dout = plain(dout)
        grads = {"gamma": np.sum(dout * z_hat, axis=0), "beta": np.sum(dout, axis=0)}
        g = dout * self.params["gamma"]
        if not train:  # μ and σ² were constants
            return g * inv_std, grads
        dz = inv_std * (g - g.mean(axis=0) - z_hat * np.mean(g * z_hat, axis=0))
        return dz, grads

