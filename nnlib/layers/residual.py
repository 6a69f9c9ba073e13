"""Residual (skip) block:  out = x + F(x), with F a chain of layers.

The identity path adds 1 to the Jacobian, so the backward pass is

    dx = dout + (∂F/∂x)ᵀ dout

— the gradient reaches x undiminished along the skip path even when F's own
gradient vanishes.  F must map h features to the same h features.
"""

from __future__ import annotations

from .base import Sequential


class Residual(Sequential):
    """out = x + F(x) where F runs ``layers`` in order (see :class:`Sequential`)."""

    def _forward(self, x, train, rng):
        h, caches = super()._forward(x, train, rng)             # F(x)
        if h.shape != x.shape:
            raise ValueError(f"F must keep the shape of x for a skip connection: x is {x.shape}, "
                             f"F(x) is {h.shape}")
        return x + h, caches

    def _backward(self, dout, caches, need_dx=True):
        dF, grads = super()._backward(dout, caches, need_dx)       # (∂F/∂x)ᵀ dout
        return (dout + dF if need_dx else None), grads              # dx = dout + dF
