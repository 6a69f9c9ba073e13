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

from .._checks import as_plain_array, check_bool, check_same_dtype


class LayerCache(NamedTuple):
    """What :meth:`Layer.forward` hands back for :meth:`Layer.backward`.

    It remembers which layer made it and the output's shape and dtype, so a missing,
    foreign or stale cache, or a ``dout`` that does not fit, is refused with a clear
    message instead of producing silently wrong gradients.
    """

    owner: object      # the layer that made it
    data: object       # what this layer's _backward needs
    out_shape: tuple
    dtype: np.dtype


def check_cache(cache, cache_type, owner, what: str, forward: str) -> None:
    """Refuse a ``cache`` that is not a ``cache_type`` made by ``owner`` (a layer or a network).

    ``what`` names the owner's kind ("layer", "network") and ``forward`` the call that makes
    the cache; the message says what to pass instead.
    """
    if not isinstance(cache, cache_type):
        pair = isinstance(cache, tuple) and len(cache) == 2 and isinstance(cache[1], cache_type)
        raise TypeError(f"cache must be the cache returned by {forward} (out, cache = "
                        f"{forward}(...); call forward first), got "
                        f"{'None' if cache is None else type(cache).__name__}"
                        + (" — that is the whole (out, cache) pair; pass only its second part"
                           if pair else ""))
    if cache.owner is not owner:
        raise ValueError(f"cache was made by another {what} ({cache.owner!r}), not by this "
                         f"{owner!r}; pass the cache from this {what}'s own forward")


class Layer:
    """Base class: parameters in ``params``; subclasses define ``_forward``/``_backward``.

    ``forward``/``backward`` are the checked entry points a reader calls; networks call
    the unchecked ``_forward(x, train, rng) -> (out, data)`` and
    ``_backward(dout, data, need_dx) -> (dx, grads)`` directly, having validated their
    own input once.
    """

    params: dict

    def __init__(self):
        self.params = {}

    def forward(self, x, train: bool = False, rng=None):
        """Return ``(out, cache)``; pass ``cache`` to :meth:`backward`."""
        x = self._check_input(x)
        out, data = self._forward(x, check_bool(train, "train"), rng)
        return out, LayerCache(self, data, out.shape, out.dtype)

    def backward(self, dout, cache):
        """Return ``(dx, grads)`` given ``dout`` = ∂L/∂out and the ``cache`` from :meth:`forward`."""
        check_cache(cache, LayerCache, self, "layer", f"{type(self).__name__}.forward")
        dout = as_plain_array(dout, "dout", ndim=2)       # an np.matrix as the array it holds
        if dout.shape != cache.out_shape:
            raise ValueError(f"dout must have the shape of this layer's output {cache.out_shape}, "
                             f"got {dout.shape}")
        if dout.dtype != cache.dtype:
            raise TypeError(f"dout has dtype {dout.dtype} but this layer's output is {cache.dtype}; "
                            f"convert with dout.astype(np.{cache.dtype.name})")
        return self._backward(dout, cache.data)

    def _check_input(self, x):
        x = as_plain_array(x, "x", ndim=2)
        dtype = self.dtype
        if dtype is not None:
            check_same_dtype(x, "x", dtype, f"the {type(self).__name__} parameters")
        return x

    @property
    def dtype(self):
        for p in self.params.values():
            return p.dtype
        return None

    def widths(self):
        """``(inputs, outputs)`` feature counts, or ``None`` where the layer keeps any width."""
        return None

    def __repr__(self):
        shapes = ", ".join(f"{k}{tuple(v.shape)}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


class Sequential(Layer):
    """Layers run in order: out = f_k(… f_1(x)).  Parameters are keyed ``"i.name"``."""

    def __init__(self, layers):
        super().__init__()
        self.layers = _check_layers(layers, type(self).__name__)
        for i, layer in enumerate(self.layers):
            for name, p in layer.params.items():
                self.params[f"{i}.{name}"] = p

    def widths(self):
        known = [w for w in (layer.widths() for layer in self.layers) if w is not None]
        return (known[0][0], known[-1][1]) if known else None

    def _check_input(self, x):
        x = super()._check_input(x)
        return self.layers[0]._check_input(x)

    def _forward(self, x, train, rng):
        caches = []
        for layer in self.layers:
            x, cache = layer._forward(x, train, rng)
            caches.append(cache)
        return x, caches

    def _backward(self, dout, caches, need_dx=True):
        grads = [None] * len(self.layers)
        for i in reversed(range(len(self.layers))):   # the first layer may skip its dx
            dout, grads[i] = self.layers[i]._backward(dout, caches[i], need_dx or i > 0)
        return dout, {f"{i}.{k}": v for i, g in enumerate(grads) for k, v in g.items()}

    def __repr__(self):
        return f"{type(self).__name__}({self.layers!r})"


def _check_layers(layers, owner):
    """A non-empty list of layers whose widths chain and whose dtypes agree."""
    if isinstance(layers, Layer) or not isinstance(layers, (list, tuple)):
        raise TypeError(f"layers of {owner} must be a list of nnlib layers, got {type(layers).__name__}")
    if not layers:
        raise ValueError(f"{owner} needs at least one layer, got an empty list")
    width, dtype = None, None
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(f"layers[{i}] must be an nnlib layer (Dense, ActivationLayer, …), "
                            f"got {layer!r}")
        if layer.dtype is not None:
            if dtype is not None and layer.dtype != dtype:
                raise TypeError(f"layers[{i}] has dtype {layer.dtype} but the layers before it are "
                                f"{dtype}; build every layer with the same dtype")
            dtype = layer.dtype
        w = layer.widths()
        if w is not None:
            if width is not None and w[0] != width:
                raise ValueError(f"layers[{i}] expects {w[0]} input features but the layer before "
                                 f"it produces {width}")
            width = w[1]
    return list(layers)
