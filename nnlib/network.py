"""A multi-layer perceptron assembled from nnlib's layers.

Layer l (l = 1 … L) is a block

    z^(l) = a^(l-1) @ W^(l).T + b^(l)        Dense
    [batch norm | layer norm]                optional
    a^(l) = σ(…)                             hidden activation (the head σ_out for l = L)
    [dropout]                                optional, hidden layers only
    a^(l) = a^(l-1) + (…)                    optional skip, where h_l = h_{l-1}

Forward returns the output a^(L) together with a :class:`Cache` holding every ``z`` and
``a`` (what backward needs, and what the chapters' pictures draw).  Backward starts
from ``delta_L`` = ∂L/∂z^(L) — the losses in :mod:`nnlib.losses` return exactly that —
and returns a :class:`Gradients` dict with the same keys and shapes as ``params``,
plus every layer's ``delta``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import (as_float_array, check_choice, check_dtype, check_float, check_int,
                      check_rng, check_same_dtype)
from .activations import HIDDEN_ACTIVATIONS
from .layers import (ActivationLayer, BatchNorm, Dense, Dropout, LayerNorm, Residual,
                     Sequential, chain_backward)
from .losses import HEAD_LOSS

NORMS = (None, "batch", "layer")


class Cache(NamedTuple):
    """Everything a forward pass computed.  Lists are indexed by layer: ``z[l]``, ``a[l]``.

    ``a[0]`` is the input X and ``z[0]`` is ``None`` (there is no layer 0), so the
    indices match the text: ``z[-1]`` is z^(L) (the logits) and ``a[-1]`` the output.
    """

    z: list
    a: list
    blocks: list  # one ChainCache per layer, for backward
    train: bool
    net: object   # the network that made it: backward refuses another network's cache


class Gradients(dict):
    """∂L/∂(parameter) keyed like ``params`` (``"W1"``, ``"b1"``, …), plus ``delta[l]`` = ∂L/∂z^(l)."""

    def __init__(self, grads, delta):
        super().__init__(grads)
        self.delta = delta

    def layer_norms(self, name: str = "W") -> np.ndarray:
        """‖∂L/∂W^(l)‖_F for l = 1 … L (index 0 is layer 1): the gradient-flow picture."""
        keys = sorted((k for k in self if k.rstrip("0123456789") == name),
                      key=lambda k: int(k[len(name):]))
        return np.array([np.linalg.norm(self[k]) for k in keys])


class MLP:
    """A fully connected network with layer sizes ``sizes = [d, h_1, …, h_{L-1}, k]``.

    Parameters
    ----------
    sizes : list of int
        Input dimension, hidden widths, output dimension (at least two entries).
    activation : str
        Hidden activation: one of ``relu, gelu, silu, sigmoid, tanh, identity``.
    head : str
        Output activation: ``identity`` (regression, MSE), ``sigmoid`` (binary,
        cross-entropy) or ``softmax`` (multi-class, cross-entropy).
    init : str
        Weight initialiser (see :mod:`nnlib.initializers`); ``normal`` uses ``init_std``.
    dropout : float
        Drop probability after every hidden activation (0 = no dropout layer).
    norm : None, "batch" or "layer"
        Normalisation between each hidden Dense and its activation.  With batch
        norm the Dense has no bias: β plays its role (a bias would be subtracted
        away with the batch mean and get a zero gradient).
    residual : bool
        Add a skip connection around every hidden layer whose width equals the
        previous one.
    seed : int or numpy.random.Generator
        Draws the initial weights and, unless ``forward`` is given its own ``rng``,
        the dropout masks.
    dtype : np.float32 or np.float64
        Parameter precision; inputs must have the same dtype.
    """

    def __init__(self, sizes, activation="relu", head="identity", init="he_normal", dropout=0.0,
                 norm=None, residual=False, seed=0, dtype=np.float64, init_std=0.01):
        self.sizes = _check_sizes(sizes)
        if activation == "softmax":
            raise ValueError("activation 'softmax' cannot be a hidden activation (it couples the units "
                             "of a layer); use it as the output: head='softmax'")
        self.activation = check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
        self.head = check_choice(head, "head", HEAD_LOSS)
        if head == "softmax" and self.sizes[-1] < 2:
            raise ValueError(f"a softmax head needs at least 2 outputs, got sizes[-1] = {self.sizes[-1]}; "
                             f"use head='sigmoid' for a single probability")
        self.dropout = check_float(dropout, "dropout", low=0.0, high=1.0, high_inclusive=False)
        if norm is not None and not isinstance(norm, str):
            raise TypeError(f"norm must be None, 'batch' or 'layer', got {norm!r}")
        if norm not in NORMS:
            raise ValueError(f"unknown norm {norm!r}; expected one of {list(NORMS)}")
        self.norm = norm
        if not isinstance(residual, (bool, np.bool_)):
            raise TypeError(f"residual must be True or False, got {residual!r}")
        self.residual = bool(residual)
        self.dtype = check_dtype(dtype)
        self.init = init
        rng = check_rng(seed, "seed")
        initializer = init if init != "normal" else _normal(check_float(init_std, "init_std", low=0.0))
        self.blocks = [self._block(l, initializer, rng) for l in range(1, len(self.sizes))]
        self._rng = np.random.default_rng(rng.integers(2**63))  # dropout masks
        self.params = {}
        for l, block in enumerate(self.blocks, start=1):
            for layer in block.layers:
                for name, p in layer.params.items():
                    self.params[f"{name}{l}"] = p

    def _block(self, l, init, rng):
        h_prev, h = self.sizes[l - 1], self.sizes[l]
        last = l == len(self.sizes) - 1
        dense = Dense.create(h_prev, h, init, rng, self.dtype, bias=last or self.norm != "batch")
        if last:
            return Sequential([dense, ActivationLayer(self.head)])
        layers = [dense]
        if self.norm == "batch":
            layers.append(BatchNorm(h, dtype=self.dtype))
        elif self.norm == "layer":
            layers.append(LayerNorm(h, dtype=self.dtype))
        layers.append(ActivationLayer(self.activation))
        if self.dropout > 0:
            layers.append(Dropout(self.dropout))
        return (Residual if self.residual and h == h_prev else Sequential)(layers)

    # --- properties a reader asks about ------------------------------------------
    @property
    def L(self) -> int:
        """Number of layers with weights (hidden layers + output layer)."""
        return len(self.blocks)

    @property
    def loss_name(self) -> str:
        """The loss that matches the head: mse, bce or cross_entropy."""
        return HEAD_LOSS[self.head]

    @property
    def n_params(self) -> int:
        """Number of learned numbers: Σ_l h_l·h_{l-1} + h_l (plus γ, β with normalisation)."""
        return int(sum(p.size for p in self.params.values()))

    def __repr__(self):
        extras = [f"dropout={self.dropout}"] if self.dropout else []
        extras += [f"norm={self.norm!r}"] if self.norm else []
        extras += ["residual=True"] if self.residual else []
        return (f"MLP({self.sizes}, activation={self.activation!r}, head={self.head!r}"
                + "".join(", " + e for e in extras) + f") — {self.n_params} parameters")

    # --- forward and backward ------------------------------------------------------
    def forward(self, X, train: bool = False, rng=None):
        """Return ``(a_L, cache)`` for a batch ``X`` of shape (n, d).

        ``train=True`` uses dropout and batch statistics (and updates batch norm's
        running averages); ``train=False`` is evaluation mode.
        """
        X = self._check_X(X)
        if not isinstance(train, (bool, np.bool_)):
            raise TypeError(f"train must be True or False, got {train!r}")
        rng = self._rng if rng is None else check_rng(rng)
        z, a, chain_caches = [None], [X], []
        for block in self.blocks:
            out, chain_cache = block._forward(a[-1], bool(train), rng)
            z.append(chain_cache.outs[0])        # the Dense output, (n, h_l)
            a.append(out)                        # (n, h_l)
            chain_caches.append(chain_cache)
        return a[-1], Cache(z, a, chain_caches, bool(train), self)

    def backward(self, delta_L, cache: Cache) -> Gradients:
        """Gradients of every parameter from ``delta_L`` = ∂L/∂z^(L), shape (n, h_L).

        The δ recursion: δ^(l) = (δ^(l+1) @ W^(l+1)) ⊙ σ′(z^(l)) for plain layers
        (normalisation, dropout and skips add their own factors), and
        dW^(l) = δ^(l).T @ a^(l-1),  db^(l) = Σ_rows δ^(l).
        """
        if not isinstance(cache, Cache):
            hint = (" — that is the whole (out, cache) pair; pass only its second part"
                    if isinstance(cache, tuple) and len(cache) == 2 and isinstance(cache[1], Cache)
                    else "")
            raise TypeError("cache must be the cache returned by forward (out, cache = "
                            f"net.forward(X); call forward first), got "
                            f"{'None' if cache is None else type(cache).__name__}{hint}")
        if cache.net is not self:
            raise ValueError(f"cache comes from another network ({cache.net!r}); pass the cache "
                             f"from this network's own forward")
        delta_L = as_float_array(delta_L, "delta_L", ndim=2)
        if delta_L.shape != cache.z[-1].shape:
            raise ValueError(f"delta_L must have the shape of z^(L) {cache.z[-1].shape}, got {delta_L.shape}")
        check_same_dtype(delta_L, "delta_L", self.dtype)
        grads, delta = {}, [None] * (self.L + 1)
        dout = delta_L
        for l in range(self.L, 0, -1):
            block, chain_cache = self.blocks[l - 1], cache.blocks[l - 1]
            # Start the last layer below its head: delta_L already is ∂L/∂z^(L).
            n_layers = 1 if l == self.L else len(block.layers)
            # Layer 1 needs no ∂L/∂X: chain_backward skips that matrix product.
            dh, layer_grads, douts = chain_backward(block.layers[:n_layers], dout,
                                                    chain_cache.caches, need_dx=l > 1)
            delta[l] = douts[0]
            for layer_grad in layer_grads:
                for name, g in layer_grad.items():
                    grads[f"{name}{l}"] = g
            if l > 1:
                dout = dout + dh if block.skip else dh
        ordered = {k: grads[k] for k in self.params}
        return Gradients(ordered, delta)

    def buffers(self) -> dict:
        """Non-learned state, keyed like params: batch norm's ``running_mean{l}``/``running_var{l}``."""
        state = {}
        for l, block in enumerate(self.blocks, start=1):
            for layer in block.layers:
                if isinstance(layer, BatchNorm):
                    state[f"running_mean{l}"] = layer.running_mean
                    state[f"running_var{l}"] = layer.running_var
        return state

    def predict(self, X) -> np.ndarray:
        """The output a^(L) in evaluation mode (no dropout, running batch-norm statistics)."""
        return self.forward(X, train=False)[0]

    def set_params(self, params: dict) -> None:
        """Copy ``params`` (e.g. from :func:`nnlib.io.load_params`) into the network, in place.

        Values are converted to the network's dtype (loading float64 numbers into a
        float32 network is an explicit request, unlike feeding it float64 data).
        """
        if not isinstance(params, dict):
            raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
        missing, extra = set(self.params) - set(params), set(params) - set(self.params)
        if missing or extra:
            raise ValueError(f"params keys must match the network's: missing {sorted(missing)}, "
                             f"unexpected {sorted(extra)}")
        for name, value in params.items():
            value = as_float_array(value, f"params[{name!r}]")
            if value.shape != self.params[name].shape:
                raise ValueError(f"params[{name!r}] must have shape {self.params[name].shape}, got {value.shape}")
        for name, value in params.items():
            self.params[name][...] = value

    def _check_X(self, X):
        if not isinstance(X, np.ndarray):  # a list of numbers: take the network's precision
            X = as_float_array(X, "X", ndim=2).astype(self.dtype)
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have {self.sizes[0]} columns (sizes[0]), got shape {X.shape}")
        if X.shape[0] == 0:
            raise ValueError("X must have at least one row, got shape " + str(X.shape))
        check_same_dtype(X, "X", self.dtype, "the network's parameters")
        return X


def _check_sizes(sizes):
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a list of layer widths like [2, 8, 1], got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least 2 entries (input and output), got {list(sizes)}")
    return [check_int(h, f"sizes[{i}]") for i, h in enumerate(sizes)]


def _normal(std):
    from .initializers import normal

    return lambda shape, rng, dtype: normal(shape, rng, dtype, std=std)
