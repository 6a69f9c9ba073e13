"""Activation layer:  a = σ(z), applied elementwise (softmax: per row).

Backward:  δ = ∂L/∂z = ∂L/∂a ⊙ σ′(z)   (softmax: a Jacobian-vector product per row).
"""

from __future__ import annotations

from .._checks import check_samples, plain
from ..activations import get_activation
from .base import Layer


class ActivationLayer(Layer):
    """a = σ(z) for the activation called ``name`` (see :data:`nnlib.activations.ACTIVATIONS`)."""

    def __init__(self, name: str):
        super().__init__()
        self.activation = get_activation(name)

    @property
    def name(self):
        return self.activation.name

    def _check_input(self, z):
        return check_samples(super()._check_input(plain(z)), "x")

    def _forward(self, z, train, rng):
        a = self.activation.f(z)
        return a, (z, a)

    def _backward(self, da, cache, need_dx=True):
        z, a = cache
        return self.activation.vjp(plain(da), z, a), {}


    def __repr__(self):
        return f"ActivationLayer({self.name!r})"
