"""Numbers about gradients: the norm of every layer's dW in a deep network, at
initialisation and after a few gradient steps (the vanishing/exploding-gradient picture).

The pictures are in :mod:`nnlib.viz.gradients`, the widget in :mod:`nnlib.widgets.gradients`.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_bool, check_choice, check_float, check_int, check_rng
from ..activations import hidden_activations
from ..datasets import make_moons
from ..initializers import ALIASES, INITIALIZERS
from ..network import MLP
from ..optimizers import SGD

# --- vanishing and exploding gradients ------------------------------------------------------

def gradient_norms_by_layer(depth=8, activation="sigmoid", init="xavier_normal", residual=False,
                            norm=None, steps=5, seed=0, *, width=16, n=128, lr=0.1) -> dict:
    """Per-layer gradient norms ‖dW^(l)‖_F of a deep MLP, at initialisation and after training.

    The network is ``MLP([2] + [width] * depth + [1], activation, head="sigmoid", init, norm,
    residual)`` on ``n`` points of the two-moons data set (binary cross-entropy), so it has
    L = depth + 1 weight matrices.  For one full batch X (n, 2) it runs

        L, grads   = net.loss_and_grads(X, y, train=True)      # forward, BCE loss, backward
        norms[l-1] = ‖dW^(l)‖_F  (= grads.layer_norms()[l-1]),   l = 1 … L

    once at initialisation and once after ``steps`` full-batch SGD steps W ← W − lr·dW.
    In a plain deep sigmoid network the δ recursion δ^(l) = (δ^(l+1) @ W^(l+1)) ⊙ σ′(z^(l))
    multiplies by σ′ ≤ 1/4 at every layer, so the norms fall geometrically towards layer 1;
    residual connections and batch normalisation keep them level.

    Parameters
    ----------
    depth : int ≥ 1, number of hidden layers.
    activation, init : hidden activation and weight initialiser (names as in MLP).
    residual : bool, skip connections around hidden layers of equal width.
    norm : None, "batch" or "layer".
    steps : int ≥ 0, SGD steps between the two measurements (0: initialisation only).
    seed : int, draws the data and the initial weights.
    width, n, lr : hidden width, number of points, SGD learning rate.

    Returns
    -------
    dict label -> array (L,) of norms: ``"at initialization"`` and, for steps > 0,
    ``"after {steps} SGD steps"``.  If a step makes the loss or the gradients non-finite
    (an exploding network), stepping stops there; the label then reads
    ``"after {k} SGD steps (step {k+1} diverged)"`` and the array is the last finite one.
    Entries can be exactly 0 (e.g. ``init="zeros"``); a log-scale plot must floor them.
    Raises ``ValueError`` if the loss or a gradient norm is already non-finite at
    initialisation.
    """
    depth = check_int(depth, "depth", minimum=1)
    activation = check_choice(activation, "activation", hidden_activations())
    init = check_choice(init, "init", list(INITIALIZERS) + list(ALIASES))
    check_bool(residual, "residual")
    if norm not in (None, "batch", "layer"):
        raise ValueError(f"unknown norm {norm!r}; expected one of [None, 'batch', 'layer']")
    steps = check_int(steps, "steps", minimum=0)
    width = check_int(width, "width")
    n = check_int(n, "n", minimum=2)
    lr = check_float(lr, "lr", low=0.0, low_inclusive=False)
    rng = check_rng(seed, "seed")

    X, y = make_moons(n, 0.1, rng)
    net = MLP([2] + [width] * depth + [1], activation=activation, head="sigmoid", init=init,
              norm=norm, residual=bool(residual), seed=rng)
    optimizer = SGD(lr)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        grads = _full_batch_gradients(net, X, y)
        if grads is None:
            raise ValueError(f"the loss or its gradients are not finite at initialisation "
                             f"(depth={depth}, activation={activation!r}, init={init!r})")
        result = {"at initialization": grads.layer_norms()}
        if steps == 0:
            return result
        done, last = 0, grads
        for _ in range(steps):
            optimizer.step(net.params, last)
            new = _full_batch_gradients(net, X, y)
            if new is None:
                break
            done, last = done + 1, new
        label = f"after {done} SGD steps"
        if done < steps:
            label += f" (step {done + 1} diverged)"
        result[label] = last.layer_norms()
    return result


def _full_batch_gradients(net, X, y):
    """Gradients of the BCE loss on (X, y), or None when anything is non-finite."""
    try:
        L, grads = net.loss_and_grads(X, y, train=True)
    except FloatingPointError:     # the outputs overflowed: the weights have blown up
        return None
    if not np.isfinite(L):
        return None
    # A norm can overflow even when every entry is finite (‖g‖² > 1.8e308).
    if not (all(np.all(np.isfinite(g)) for g in grads.values())
            and np.all(np.isfinite(grads.layer_norms()))):
        return None
    return grads
