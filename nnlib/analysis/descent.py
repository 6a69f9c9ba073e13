"""Numbers about gradient descent: the loss step by step for a few learning rates.

The picture is :func:`nnlib.viz.descent.plot_descent_curves`.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_float, check_int
from ..network import MLP
from ..optimizers import SGD

#: A loss above this many times the starting loss counts as diverged: the run stops there.
DIVERGED_FACTOR = 1e3


def descent_curves(X, y, lrs, steps=100, *, sizes=(1, 16, 1), activation="tanh", seed=0) -> dict:
    """Full-batch gradient descent ``W ← W − lr · dW`` from the same start, once per rate.

    The network is ``MLP(sizes, activation, head="identity", init="xavier_normal", seed)``
    with the squared-error loss L = (1/2n) Σ (a − y)² on X (n, d), y (n, 1).

    Returns ``{lr: losses}``, ``losses`` an array of L before each step (at most ``steps``
    values).  A run stops early, its array shorter, when the loss is no longer finite or
    exceeds ``DIVERGED_FACTOR`` × its starting value: that rate diverged.
    """
    steps = check_int(steps, "steps", minimum=1)
    if isinstance(lrs, (str, bytes, dict)) or not hasattr(lrs, "__iter__"):
        raise TypeError(f"lrs must be a sequence of learning rates, got {type(lrs).__name__}")
    lrs = list(lrs)
    if not lrs:
        raise ValueError("lrs must hold at least one learning rate, got an empty sequence")
    curves = {}
    for lr in lrs:
        lr = check_float(lr, "lr", low=0.0, low_inclusive=False)
        net = MLP(list(sizes), activation=activation, head="identity", init="xavier_normal",
                  seed=seed)
        optimizer, losses = SGD(lr), []
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(steps):
                try:
                    L, grads = net.loss_and_grads(X, y)
                except FloatingPointError:          # the outputs overflowed
                    break
                if not np.isfinite(L) or (losses and L > DIVERGED_FACTOR * losses[0]):
                    break
                losses.append(L)
                optimizer.step(net.params, grads)
        curves[lr] = np.array(losses)
    return curves
