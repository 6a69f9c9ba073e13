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

    skip = True
