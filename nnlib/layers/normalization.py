"""What batch norm and layer norm share: the learned scale γ and shift β.

Both compute out = γ ⊙ ẑ + β from a normalised ẑ; they differ only in the axis
their statistics are taken over (see batchnorm.py and layernorm.py).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_dtype, check_float, check_int
from .base import Layer


class Normalization(Layer):
    """Holds ``gamma`` (ones) and ``beta`` (zeros) of shape (h,) and the constant ``eps``."""

    def __init__(self, h: int, eps: float = 1e-5, dtype=np.float64):
        super().__init__()
        h = check_int(h, "h")
        dtype = check_dtype(dtype)
        self.eps = check_float(eps, "eps", low=0.0, low_inclusive=False)
        self.params["gamma"] = np.ones(h, dtype=dtype)
        self.params["beta"] = np.zeros(h, dtype=dtype)

    def _check_input(self, z):
        z = super()._check_input(z)
        if z.shape[1] != self.params["gamma"].shape[0]:
            raise ValueError(f"z must have {self.params['gamma'].shape[0]} columns, got shape {z.shape}")
        return z

    def widths(self):
        h = self.params["gamma"].shape[0]
        return h, h
