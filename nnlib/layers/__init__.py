"""Layers, each with its forward and backward pass side by side in its own file.

``out, cache = layer.forward(x, train, rng)`` and ``dx, grads = layer.backward(dout, cache)``.
"""

from .activation import ActivationLayer
from .base import Layer, Sequential, check_cache
from .batchnorm import BatchNorm
from .dense import Dense
from .dropout import Dropout
from .layernorm import LayerNorm
from .residual import Residual

__all__ = ["Layer", "Sequential", "Dense", "ActivationLayer", "Dropout", "BatchNorm", "LayerNorm", "Residual",
           "check_cache"]
