"""A multi-layer perceptron, its forward and backward pass written as the text writes them.

Layer l (l = 1 … L) is

    z^(l) = a^(l-1) @ W^(l).T + b^(l)        Dense
    [batch norm | layer norm]                optional
    a^(l) = σ(…)                             hidden activation (the head σ_out for l = L)
    [dropout]                                optional, hidden layers only
    a^(l) = a^(l-1) + (…)                    optional skip, where h_l = h_{l-1}

:meth:`MLP.forward` is one loop over the layers and returns the output a^(L) with a
:class:`Cache` of every ``z`` and ``a`` (what backward needs, and what the chapters'
pictures draw).  :meth:`MLP.backward` is one loop back down: from ``delta_L`` = ∂L/∂z^(L)
(the losses in :mod:`nnlib.losses` return exactly that) it applies the δ recursion and
returns a :class:`Gradients` dict with the keys and shapes of ``params``, plus every
layer's ``delta``.  :meth:`MLP.loss_and_grads` does forward → loss → backward in one call.
Each piece's own forward/backward pair lives in :mod:`nnlib.layers`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import (_describe, as_plain_array, plain, check_bool, check_choice,
                      check_dtype, check_float, check_int, check_rng, check_same_dtype, check_size)
from .activations import Activation, get_activation, hidden_activations
from .layers import BatchNorm, Dense, Dropout, Layer, LayerNorm, check_cache
from .losses import HEAD_LOSS, loss_and_delta

NORMS = (None, "batch", "layer")


class Block(NamedTuple):
    """The pieces of layer l, in the order the forward pass uses them."""

    dense: Dense                 # z = a_prev @ W.T + b
    norm: Layer | None           # BatchNorm or LayerNorm, or None
    sigma: Activation            # a = σ(…)
    dropout: Dropout | None      # hidden layers only
    skip: bool                   # a = a_prev + (…)


class Cache(NamedTuple):
    """Everything a forward pass computed.  Lists are indexed by layer: ``z[l]``, ``a[l]``.

    ``a[0]`` is the input X and ``z[0]`` is ``None`` (there is no layer 0), so the
    indices match the text: ``z[-1]`` is z^(L) (the logits) and ``a[-1]`` the output.
    """

    z: list
    a: list
    inner: list   # per layer: (norm cache, σ's input, σ's output, dropout cache), for backward
    train: bool
    owner: object  # the network that made it: backward refuses another network's cache


class Gradients(dict):
    """∂L/∂(parameter) keyed like ``params`` (``"W1"``, ``"b1"``, …), plus ``delta[l]`` = ∂L/∂z^(l).

    ``checked`` tells an optimizer that backward built every entry from the parameter itself
    (same keys, shapes and dtype), so only a cheap structural check is left to do.
    """

    checked = True

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
        self.activation = check_choice(activation, "activation", hidden_activations())
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
        self.residual = check_bool(residual, "residual")
        self.dtype = check_dtype(dtype)
        self.init = init
        rng = check_rng(seed, "seed")
        initializer = init if init != "normal" else _normal(check_float(init_std, "init_std", low=0.0))
        self.blocks = [self._block(l, initializer, rng) for l in range(1, len(self.sizes))]
        self._rng = np.random.default_rng(rng.integers(2**63))  # dropout masks
        self.params = {}
        for l, block in enumerate(self.blocks, start=1):
            for layer in (block.dense, block.norm):
                for name, p in (layer.params.items() if layer is not None else ()):
                    self.params[f"{name}{l}"] = p

    def _block(self, l, init, rng) -> Block:
        h_prev, h = self.sizes[l - 1], self.sizes[l]
        if l == len(self.sizes) - 1:   # the output layer: Dense and the head, nothing else
            return Block(Dense.create(h_prev, h, init, rng, self.dtype), None,
                         get_activation(self.head), None, False)
        dense = Dense.create(h_prev, h, init, rng, self.dtype, bias=self.norm != "batch")
        norm = {"batch": BatchNorm, "layer": LayerNorm}[self.norm](h, dtype=self.dtype) if self.norm else None
        dropout = Dropout(self.dropout) if self.dropout > 0 else None
        return Block(dense, norm, get_activation(self.activation), dropout, self.residual and h == h_prev)

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
        train = check_bool(train, "train")
        rng = self._rng if rng is None else check_rng(rng)
        z, a, inner = [None], [X], []
        for block in self.blocks:
            a_prev = a[-1]                                              # (n, h_{l-1})
            z_l, _ = block.dense._forward(a_prev, train, rng)            # (n, h_l)
            h, norm_cache = block.norm._forward(z_l, train, rng) if block.norm else (z_l, None)
            s = block.sigma.f(h)                                        # σ(…), (n, h_l)
            out, drop_cache = block.dropout._forward(s, train, rng) if block.dropout else (s, None)
            a_l = a_prev + out if block.skip else out                   # the skip adds a^(l-1)
            z.append(z_l)
            a.append(a_l)
            inner.append((norm_cache, h, s, drop_cache))
        return a[-1], Cache(z, a, inner, train, self)

    def backward(self, delta_L, cache: Cache) -> Gradients:
        """Gradients of every parameter from ``delta_L`` = ∂L/∂z^(L), shape (n, h_L).

        The δ recursion, one layer per step from l = L down to 1:

            dW^(l) = δ^(l).T @ a^(l-1),   db^(l) = Σ_rows δ^(l)
            da     = δ^(l) @ W^(l)  (+ ∂L/∂a^(l) when layer l has a skip)   = ∂L/∂a^(l-1)
            δ^(l-1) = da ⊙ σ′(z^(l-1))    (through dropout's mask and the norm, if present)
        """
        delta_L = self._check_backward(delta_L, cache)
        grads, delta = {}, [None] * (self.L + 1)
        delta[self.L] = delta_L
        da = None                          # ∂L/∂a^(l), from the layer above (none above L)
        for l in range(self.L, 0, -1):
            block = self.blocks[l - 1]
            # dW, db and da_prev = δ W: the first layer needs no ∂L/∂X, so skip that product.
            da_prev, g = block.dense._backward(delta[l], cache.a[l - 1], need_dx=l > 1)
            grads.update({f"{name}{l}": v for name, v in g.items()})
            if l == 1:
                break
            if block.skip:                 # a^(l) = a^(l-1) + F(a^(l-1)):  dx = dout + dF
                da_prev = da_prev + da
            da = da_prev                                                # ∂L/∂a^(l-1), (n, h_{l-1})
            below, (norm_cache, h, s, drop_cache) = self.blocks[l - 2], cache.inner[l - 2]
            ds = below.dropout._backward(da, drop_cache)[0] if below.dropout else da
            dh = below.sigma.vjp(ds, h, s)                              # ⊙ σ′
            if below.norm:
                dh, g = below.norm._backward(dh, norm_cache)
                grads.update({f"{name}{l - 1}": v for name, v in g.items()})
            delta[l - 1] = dh                                           # δ^(l-1) = ∂L/∂z^(l-1)
        return Gradients({k: grads[k] for k in self.params}, delta)

    def loss_and_grads(self, X, y, train: bool = False, rng=None):
        """``(L, grads)``: forward on X (n, d), the loss matching the head against y, backward.

        ``L`` is the data loss (a float); ``grads`` the :class:`Gradients` of :meth:`backward`.
        ``train`` and ``rng`` are passed to :meth:`forward`.  Outputs that overflowed to
        inf/NaN raise ``FloatingPointError`` (the training loop's divergence guard catches it).
        """
        # A y the loss refuses must leave the network as it was: batch norm's running
        # statistics and the dropout generator move in a training-mode forward pass.
        undo = None
        if train is True:
            undo = ({k: v.copy() for k, v in self.buffers().items()}, self._rng.bit_generator.state)
        _, cache = self.forward(X, train=train, rng=rng)
        if not np.all(np.isfinite(cache.z[-1])):
            # Not the data's fault (forward checked X): the weights have blown up.
            raise FloatingPointError("the network's outputs z^(L) became inf/NaN; the weights "
                                     "have grown too large (a learning rate too high?)")
        try:
            L, delta_L = loss_and_delta(self.loss_name, cache.z[-1], plain(y))
        except (TypeError, ValueError):
            if undo is not None:
                for name, value in self.buffers().items():
                    value[...] = undo[0][name]
                self._rng.bit_generator.state = undo[1]
            raise
        return L, self.backward(delta_L, cache)

    def _check_backward(self, delta_L, cache):
        check_cache(cache, Cache, self, "network", "net.forward")
        delta_L = as_plain_array(delta_L, "delta_L", ndim=2)
        if delta_L.shape != cache.z[-1].shape:
            raise ValueError(f"delta_L must have the shape of z^(L) {cache.z[-1].shape}, got {delta_L.shape}")
        check_same_dtype(delta_L, "delta_L", self.dtype)
        return delta_L

    def buffers(self) -> dict:
        """Non-learned state, keyed like params: batch norm's ``running_mean{l}``/``running_var{l}``."""
        state = {}
        for l, block in enumerate(self.blocks, start=1):
            if isinstance(block.norm, BatchNorm):
                state[f"running_mean{l}"] = block.norm.running_mean
                state[f"running_var{l}"] = block.norm.running_var
        return state

    def state(self) -> dict:
        """A copy of everything training changes: ``params`` and :meth:`buffers`, name -> array."""
        return {name: value.copy() for name, value in {**self.params, **self.buffers()}.items()}

    def load_state(self, state: dict) -> None:
        """Put a :meth:`state` copy back, in place (optimizers keep holding the same arrays)."""
        current = {**self.params, **self.buffers()}
        if not isinstance(state, dict) or set(state) != set(current):
            raise ValueError(f"state must be a dict from this network's state(), with keys "
                             f"{sorted(current)}, got {_describe(state)}")
        for name, value in state.items():
            if np.shape(value) != current[name].shape:
                raise ValueError(f"state[{name!r}] must have shape {current[name].shape}, "
                                 f"got {np.shape(value)}")
        for name, value in state.items():
            current[name][...] = value

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
        checked = {}
        for name, value in params.items():
            value = as_plain_array(value, f"params[{name!r}]")
            if value.shape != self.params[name].shape:
                raise ValueError(f"params[{name!r}] must have shape {self.params[name].shape}, got {value.shape}")
            checked[name] = value
        for name, value in checked.items():
            self.params[name][...] = value

    def _check_X(self, X):
        if not isinstance(X, np.ndarray):  # a list of numbers: take the network's precision
            X = as_plain_array(X, "X", ndim=2).astype(self.dtype)
        X = as_plain_array(X, "X", ndim=2)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have {self.sizes[0]} columns (sizes[0]), got shape {X.shape}")
        if X.shape[0] == 0:
            raise ValueError("X must have at least one row, got shape " + str(X.shape))
        check_same_dtype(X, "X", self.dtype, "the network's parameters")
        # Beyond this size the first layer's products (and batch norm's squares) overflow:
        # nothing meaningful can come out, so say why instead of warning and returning inf.
        limit = np.sqrt(np.finfo(self.dtype).max) / 1e4
        if np.abs(X).max() > limit:
            raise ValueError(f"X holds values too large for {self.dtype} arithmetic (max |X| = "
                             f"{float(np.abs(X).max()):.3g} > {limit:.3g}); standardise the inputs")
        return X


def _check_sizes(sizes):
    # A set or dict has no order (MLP({2, 3, 1}) would silently build [1, 2, 3]): refuse it.
    if not isinstance(sizes, (list, tuple, range, np.ndarray)) or np.ndim(sizes) != 1:
        raise TypeError(f"sizes must be a list or tuple of layer widths like [2, 8, 1], "
                        f"got {_describe(sizes)} ({type(sizes).__name__})")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least 2 entries (input and output), got {list(sizes)}")
    sizes = [check_int(h, f"sizes[{i}]") for i, h in enumerate(sizes)]
    for l in range(1, len(sizes)):
        check_size(sizes[l] * sizes[l - 1], f"sizes {sizes} give W{l} of shape", (sizes[l], sizes[l - 1]))
    return sizes


def _normal(std):
    from .initializers import normal

    return lambda shape, rng, dtype: normal(shape, rng, dtype, std=std)
