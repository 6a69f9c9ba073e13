"""Dense (fully connected) layer:  z = a_prev @ W.T + b.

Shapes: ``a_prev`` (n, h_prev), ``W`` (h, h_prev), ``b`` (h,), ``z`` (n, h).

Backward, given ``delta`` = ∂L/∂z of shape (n, h):

    dW      = delta.T @ a_prev      # (h, h_prev): Σ over the batch of δ_i a_iᵀ
    db      = delta.sum(axis=0)     # (h,):        the bias was broadcast to every row
    da_prev = delta @ W             # (n, h_prev): sent on to the previous layer
"""

from __future__ import annotations

import numpy as np

from .._checks import (as_plain_array, check_bool, check_dtype, check_int, check_rng,
                       check_samples, check_size, plain)
from ..initializers import get_initializer
from .base import Layer


class Dense(Layer):
    """z = a_prev @ W.T + b.  ``b=None`` builds a layer without bias (used before batch norm)."""

    def __init__(self, W, b=None):
        super().__init__()
        W = as_plain_array(W, "W", ndim=2)
        if 0 in W.shape:
            raise ValueError(f"W must have at least one row (unit) and one column (input), "
                             f"got shape {W.shape}")
        self.params["W"] = W
        if b is not None:
            b = as_plain_array(b, "b", ndim=1)
            if b.shape != (W.shape[0],):
                raise ValueError(f"b must have shape ({W.shape[0]},) to match W {W.shape}, got {b.shape}")
            if b.dtype != W.dtype:
                raise TypeError(f"b has dtype {b.dtype} but W has dtype {W.dtype}")
            self.params["b"] = b

    @classmethod
    def create(cls, h_prev, h, init="he_normal", rng=0, dtype=np.float64, bias=True):
        """A new layer mapping ``h_prev`` features to ``h``, weights from the initialiser ``init``."""
        h_prev, h = check_int(h_prev, "h_prev"), check_int(h, "h")
        dtype = check_dtype(dtype)
        bias = check_bool(bias, "bias")
        check_size(h * h_prev, "W of shape (h, h_prev) =", (h, h_prev))
        if isinstance(init, str):
            init = get_initializer(init)
        elif not callable(init):
            raise TypeError(f"init must be an initializer name such as 'he_normal' or a function "
                            f"(shape, rng, dtype) -> W, got {init!r}")
        W = init((h, h_prev), check_rng(rng), dtype)
        return cls(W, np.zeros(h, dtype=dtype) if bias else None)

    def widths(self):
        h, h_prev = self.params["W"].shape
        return h_prev, h

    def _check_input(self, x):
        x = check_samples(super()._check_input(plain(x)), "x")
        if x.shape[1] != self.params["W"].shape[1]:
            raise ValueError(f"a_prev must have {self.params['W'].shape[1]} columns (W has shape "
                             f"{self.params['W'].shape}), got shape {x.shape}")
        return x

    def _forward(self, a_prev, train, rng):
        z = a_prev @ self.params["W"].T                       # (n, h)
        if "b" in self.params:
            z += self.params["b"]                             # b broadcast over the n rows
        return z, a_prev

    def _backward(self, delta, a_prev, need_dx=True):
        delta = plain(delta)
        grads = {"W": delta.T @ a_prev}                       # (h, h_prev)
        if "b" in self.params:
            grads["b"] = delta.sum(axis=0)                    # (h,)
        # The first layer's da_prev would be ∂L/∂X, which nobody needs: skip that product.
        return (delta @ self.params["W"] if need_dx else None), grads   # (n, h_prev)
