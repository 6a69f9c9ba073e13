"""Gradient-descent optimizers: SGD, Momentum and Adam, with decoupled weight decay.

Every optimizer has the same interface::

    opt = Adam(lr=1e-3)
    opt.step(params, grads)     # updates the arrays in ``params`` IN PLACE

``params`` and ``grads`` are dicts keyed ``"W1", "b1", …`` (``grads`` may be any mapping,
e.g. what ``MLP.backward`` returns) with the same keys and shapes.  For one parameter ``W``
with gradient ``g = dL/dW`` the updates are (η = ``lr``):

* SGD:        W ← W − η g
* Momentum:   v ← β v + g;           W ← W − η v
* Adam:       m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;
              m̂ = m / (1 − β₁ᵗ);      v̂ = v / (1 − β₂ᵗ);      W ← W − η m̂ / (√v̂ + ε)

Decoupled weight decay (λ = ``weight_decay``, "AdamW"-style) is applied to weights only
("W…" keys, see :func:`nnlib.regularizers.is_weight`)::

    W ← W − η λ W

It shrinks the weights directly instead of going through the gradient, so for Adam it is not
rescaled by 1/√v̂.  For plain SGD it equals an L2 penalty of strength λ in the loss.

State (velocities, moments, step count) lives in the optimizer, keyed by parameter name, in
the parameter's dtype: float32 parameters stay float32.  Use a fresh optimizer (or
``reset()``) for a new network.

A step is all or nothing: every check (keys, shapes, dtypes, finiteness, writable
parameters, an update that would overflow) runs and every new value is computed before
anything is written, so a step that raises leaves the parameters, the state and the step
count exactly as they were.

PyTorch: ``SGD`` equals ``torch.optim.SGD`` (its ``weight_decay`` too, for the weights);
``Momentum`` equals ``SGD(momentum=β)`` without decay, but its decay is decoupled (λW is not
fed into v); ``Adam(weight_decay=λ)`` is ``torch.optim.AdamW`` with biases, γ and β in a
group with weight_decay=0 — not ``torch.optim.Adam(weight_decay)``, which adds λW to g.
See docs/CONVENTIONS.md.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

import numpy as np

from nnlib._checks import as_plain_array, check_float
from nnlib.regularizers import is_weight

__all__ = ["Optimizer", "SGD", "Momentum", "Adam"]


class Optimizer:
    """Shared machinery: validation, weight decay and the per-parameter loop.

    Subclasses implement ``_direction(name, g) -> u``, the step direction, so that
    ``W ← W − lr · u``.
    """

    def __init__(self, lr: float, weight_decay: float = 0.0):
        self.lr = lr
        self.weight_decay = check_float(weight_decay, "weight_decay", low=0.0)
        self.reset()

    @property
    def lr(self) -> float:
        """The learning rate η (> 0, finite); may be changed between steps."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_float(value, "lr", low=0.0, low_inclusive=False)

    def reset(self) -> None:
        """Forget all state (velocities, moments, step count)."""
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self.t = 0

    def step(self, params: MutableMapping, grads: Mapping) -> None:
        """One update of every array in ``params``, in place, using ``grads``.

        Raises ``ValueError`` if the keys differ, a shape differs, or a gradient is NaN/inf.
        Gradients in another float dtype are cast to the parameter's dtype.  The
        ``Gradients`` that ``MLP.backward`` returns are trusted and only their keys and shapes
        are checked (speed); :func:`nnlib.training.train` checks their finiteness itself.
        """
        pairs = _check_params_and_grads(params, grads)
        self._check_state(pairs)
        # Compute every new value first, write afterwards: a failed step changes nothing.
        t = self.t + 1
        new = {}
        with np.errstate(over="raise", invalid="raise"):
            for name, (W, g) in pairs.items():
                g = g.astype(W.dtype, copy=False)
                try:
                    u, state = self._direction(name, W, g, t)
                    if self.weight_decay and is_weight(name):
                        # Uses W before this step's update: W ← W − η(u + λW).
                        u = u + self.weight_decay * W
                    new[name] = (W - self.lr * u, state)
                except FloatingPointError as exc:
                    raise ValueError(f"the update of params[{name!r}] overflows {W.dtype} "
                                     f"(grads[{name!r}] up to {np.max(np.abs(g)):.1e}, "
                                     f"lr={self.lr:g}); nothing was changed — lower lr or "
                                     "check the gradients") from exc
        for name, (W_new, state) in new.items():
            pairs[name][0][...] = W_new
            self.state.setdefault(name, {}).update(state)
        self.t = t

    def _direction(self, name: str, W: np.ndarray, g: np.ndarray, t: int):
        """Return ``(u, state)``: the step direction and the NEW state arrays for ``name``.

        Must not modify the optimizer's current state (the step may still be refused).
        """
        raise NotImplementedError

    def _check_state(self, pairs) -> None:
        """Refuse parameters whose shape/dtype differs from the state kept for that name."""
        for name, (W, _) in pairs.items():
            for buf in self.state.get(name, {}).values():
                if buf.shape != W.shape or buf.dtype != W.dtype:
                    raise ValueError(
                        f"params[{name!r}] has shape {W.shape} and dtype {W.dtype}, but this "
                        f"{type(self).__name__} holds state of shape {buf.shape} and dtype "
                        f"{buf.dtype} for it from an earlier network; create a new optimizer "
                        "(or call .reset()) for a new network")

    def _buffer(self, name: str, key: str, W: np.ndarray) -> np.ndarray:
        """The state array ``key`` for parameter ``name``, zeros (shape/dtype of W) at first.

        Read only: ``_direction`` returns new arrays instead of updating this one.
        """
        buf = self.state.get(name, {}).get(key)
        return np.zeros_like(W) if buf is None else buf

    def _repr_args(self) -> str:
        return f"lr={self.lr:g}" + (f", weight_decay={self.weight_decay:g}"
                                     if self.weight_decay else "")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._repr_args()})"


def _check_params_and_grads(params, grads) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Validate and pair up ``params[k]`` (float ndarray) with ``grads[k]`` (same shape)."""
    if not isinstance(params, MutableMapping):
        raise TypeError(f"params must be a dict of arrays such as net.params, "
                        f"got {type(params).__name__}")
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads must be a dict of arrays with the keys of params, "
                        f"got {type(grads).__name__}")
    missing = [k for k in params if k not in grads]
    extra = [k for k in grads if k not in params]
    if missing or extra:
        raise ValueError(f"grads must have the same keys as params; missing in grads: {missing}, "
                         f"not in params: {extra}")
    if getattr(grads, "checked", False):   # nnlib.network.Gradients, from MLP.backward
        return _pair_trusted(params, grads)
    pairs = {}
    for k, W in params.items():
        if not isinstance(W, np.ndarray):
            # The update is in place, so a list or a scalar could never be changed.
            raise TypeError(f"params[{k!r}] must be a numpy array (updated in place), "
                            f"got {type(W).__name__}")
        W = _writable(as_plain_array(W, f"params[{k!r}]"), k)
        g = as_plain_array(grads[k], f"grads[{k!r}]")
        if g.shape != W.shape:
            raise ValueError(f"grads[{k!r}] must have the shape of params[{k!r}], {W.shape}, "
                             f"got shape {g.shape}")
        pairs[k] = (W, g)
    return pairs


def _pair_trusted(params, grads) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Pair up params with gradients that ``MLP.backward`` produced.

    backward already validated its input and builds each gradient from the
    parameter itself, so only the cheap structural check remains (a gradient of
    another network would differ in shape).  This keeps a training step of a
    small network close to a bare NumPy step; a non-finite loss is still caught
    by the training loop.
    """
    pairs = {}
    for k, W in params.items():
        g = grads[k]
        _writable(W, k)
        if g.shape != W.shape:
            raise ValueError(f"grads[{k!r}] must have the shape of params[{k!r}], {W.shape}, "
                             f"got shape {g.shape}")
        pairs[k] = (W, g)
    return pairs


def _writable(W: np.ndarray, k) -> np.ndarray:
    if not W.flags.writeable:
        raise ValueError(f"params[{k!r}] is read-only, so it cannot be updated in place; "
                         f"pass a writable array (e.g. params[{k!r}].copy())")
    return W


class SGD(Optimizer):
    """Plain gradient descent:  W ← W − η g  (plus decoupled weight decay)."""

    def __init__(self, lr: float, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay)

    def _direction(self, name, W, g, t):
        return g, {}


class Momentum(Optimizer):
    """Heavy-ball momentum, learning rate *outside* the velocity (the PyTorch form):

        v ← β v + g          W ← W − η v

    v starts at 0.  With a constant gradient v tends to g / (1 − β), so the effective step
    is η / (1 − β) — ten times η for β = 0.9.  Keeping η outside means changing the learning
    rate mid-training rescales the whole step at once.
    """

    def __init__(self, lr: float, beta: float = 0.9, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay)
        self.beta = check_float(beta, "beta", low=0.0, high=1.0, high_inclusive=False)

    def _direction(self, name, W, g, t):
        v = self.beta * self._buffer(name, "v", W) + g
        return v, {"v": v}

    def _repr_args(self):
        return super()._repr_args() + f", beta={self.beta:g}"


class Adam(Optimizer):
    """Adam with bias correction (Kingma & Ba, 2015):

        m ← β₁ m + (1 − β₁) g            v ← β₂ v + (1 − β₂) g²
        m̂ = m / (1 − β₁ᵗ)                v̂ = v / (1 − β₂ᵗ)
        W ← W − η m̂ / (√v̂ + ε)

    t counts calls to ``step`` (starting at 1).  Without the correction the first steps would
    be far too small, because m and v start at 0.  With ``weight_decay > 0`` this is AdamW.
    """

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay)
        self.beta1 = check_float(beta1, "beta1", low=0.0, high=1.0, high_inclusive=False)
        self.beta2 = check_float(beta2, "beta2", low=0.0, high=1.0, high_inclusive=False)
        self.eps = check_float(eps, "eps", low=0.0, low_inclusive=False)

    def _direction(self, name, W, g, t):
        m = self.beta1 * self._buffer(name, "m", W) + (1 - self.beta1) * g
        v = self.beta2 * self._buffer(name, "v", W) + (1 - self.beta2) * np.square(g)
        m_hat = m / (1 - self.beta1 ** t)
        v_hat = v / (1 - self.beta2 ** t)
        return m_hat / (np.sqrt(v_hat) + self.eps), {"m": m, "v": v}

    def _repr_args(self):
        return (super()._repr_args()
                + f", beta1={self.beta1:g}, beta2={self.beta2:g}, eps={self.eps:g}")
