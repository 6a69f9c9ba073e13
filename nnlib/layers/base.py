"""What every layer shares: the forward/backward protocol and running a chain of layers.

A layer holds its parameters in ``params`` (a dict of arrays, updated in place by
optimisers) and offers a pair of methods, written next to each other in its file:

    out, cache = layer.forward(x, train=False, rng=None)
    dx, grads  = layer.backward(dout, cache)      # dx = ∂L/∂x, grads[name] = ∂L/∂params[name]

``cache`` is whatever the backward pass needs, returned rather than stored on the
layer, so a layer never carries hidden state from one call to the next.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import as_float_array, check_same_dtype


class Layer:
    """Base class: parameters in ``params``; subclasses define ``_forward``/``_backward``."""

    params: dict

    def __init__(self):
        self.params = {}

    def forward(self, x, train: bool = False, rng=None, check: bool = True):
        """Return ``(out, cache)``.  ``check=False`` skips input validation (used inside a network)."""
        if check:
            x = self._check_input(x)
            if not isinstance(train, (bool, np.bool_)):
                raise TypeError(f"train must be True or False, got {train!r}")
        return self._forward(x, bool(train), rng)

    def backward(self, dout, cache):
        """Return ``(dx, grads)`` given ``dout`` = ∂L/∂out and the ``cache`` from :meth:`forward`."""
        if cache is None:
            raise ValueError(f"{type(self).__name__}.backward needs the cache returned by "
                             f"forward; call forward first, got cache=None")
        dout = as_float_array(dout, "dout", ndim=2)
        expected = self._out_shape(cache)
        if expected is not None and dout.shape != expected:
            raise ValueError(f"dout must have the shape of this layer's output {expected}, "
                             f"got {dout.shape}")
        return self._backward(dout, cache)

    def _check_input(self, x):
        x = as_float_array(x, "x", ndim=2)
        dtype = self.dtype
        if dtype is not None:
            check_same_dtype(x, "x", dtype, f"the {type(self).__name__} parameters")
        return x

    @property
    def dtype(self):
        for p in self.params.values():
            return p.dtype
        return None

    def _out_shape(self, cache):  # overridden where the output shape is known from the cache
        return None

    def __repr__(self):
        shapes = ", ".join(f"{k}{tuple(v.shape)}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


class ChainCache(NamedTuple):
    """Caches of a chain of layers, plus every intermediate output (``outs[i]`` = output of layer i)."""

    caches: list
    outs: list


def chain_forward(layers, x, train=False, rng=None):
    """Run ``layers`` in order; return the last output and a :class:`ChainCache`."""
    caches, outs = [], []
    for layer in layers:
        x, cache = layer._forward(x, train, rng)
        caches.append(cache)
        outs.append(x)
    return x, ChainCache(caches, outs)


def chain_backward(layers, dout, caches, need_dx=True):
    """Backward through ``layers`` in reverse, ``caches[i]`` being layer i's forward cache.

    Returns ``(dx, grads, douts)``: ``grads[i]`` is layer i's gradient dict and
    ``douts[i]`` the gradient that arrived at layer i's output (so ``douts[0]`` is
    ∂L/∂(output of the first layer) — for a block starting with a dense layer, δ).
    ``need_dx=False`` lets the first layer skip computing ``dx`` (returned as None).
    """
    grads = [None] * len(layers)
    douts = [None] * len(layers)
    for i in range(len(layers) - 1, -1, -1):
        douts[i] = dout
        dout, grads[i] = layers[i]._backward(dout, caches[i], need_dx or i > 0)
    return dout, grads, douts


class Sequential(Layer):
    """Layers run in order: out = f_k(… f_1(x)).  Parameters are keyed ``"i.name"``."""

    skip = False  # a Residual adds its input to the output

    def __init__(self, layers):
        super().__init__()
        self.layers = list(layers)
        if not self.layers:
            raise ValueError(f"{type(self).__name__} needs at least one layer, got an empty list")
        for i, layer in enumerate(self.layers):
            for name, p in layer.params.items():
                self.params[f"{i}.{name}"] = p

    def _check_input(self, x):
        x = super()._check_input(x)
        return self.layers[0]._check_input(x)

    def _forward(self, x, train, rng):
        h, chain_cache = chain_forward(self.layers, x, train, rng)
        if self.skip and h.shape != x.shape:
            raise ValueError(f"F must keep the shape of x for a skip connection: x is {x.shape}, "
                             f"F(x) is {h.shape}")
        return (x + h if self.skip else h), chain_cache

    def _backward(self, dout, chain_cache, need_dx=True):
        dh, layer_grads, _ = chain_backward(self.layers, dout, chain_cache.caches, need_dx)
        grads = {f"{i}.{k}": v for i, g in enumerate(layer_grads) for k, v in g.items()}
        return (dout + dh if self.skip else dh), grads

    def _out_shape(self, chain_cache):
        return chain_cache.outs[-1].shape

    def __repr__(self):
        return f"{type(self).__name__}({self.layers!r})"
