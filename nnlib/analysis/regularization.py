"""Numbers of regularization: the weights of a network, how many are near zero, the hidden
layers' outputs, and the spread of a dropout ensemble.

The pictures are in :mod:`nnlib.viz.regularization`, the widget in
:mod:`nnlib.widgets.regularization`.
"""

from __future__ import annotations

import numpy as np

from .._checks import as_float_array, check_float, check_int, check_rng

# --- weights and activations -----------------------------------------------------------

def weights(net) -> np.ndarray:
    """Every weight of ``net`` (the ``W…`` entries, not biases, γ or β) as one flat array."""
    return np.concatenate([v.ravel() for k, v in net.params.items() if k.startswith("W")])


def count_near_zero(net, tol: float = 1e-2) -> int:
    """How many weights have |w| < ``tol``."""
    tol = check_float(tol, "tol", low=0.0, low_inclusive=False)
    return int(np.sum(np.abs(weights(net)) < tol))


def hidden_activations(net, X, train: bool = False, seed=0) -> list:
    """The hidden layers' outputs a^(1) … a^(L−1) for the batch X: a list of (n, h_l) arrays.

    ``train=True`` normalises with the batch's own statistics (batch norm) and applies
    dropout (masks drawn from ``seed``); ``train=False`` is evaluation mode.  Note that a
    training-mode forward pass also updates batch norm's running statistics.
    """
    X = as_float_array(X, "X", ndim=2).astype(net.dtype, copy=False)
    _, cache = net.forward(X, train=train, rng=check_rng(seed, "seed"))
    return [a for a in cache.a[1:-1]]


def dropout_ensemble(net, X, n_masks: int = 200, seed=0) -> tuple:
    """Predictions of ``n_masks`` random thinned networks, and of the evaluation network.

    Each training-mode forward pass drops a different random set of units: a different
    "thinned" sub-network.  Returns ``(p_masks, p_eval)``: p_masks (n_masks, n, k) the
    thinned networks' outputs, p_eval (n, k) the evaluation-mode output (no dropout).
    Their mean over masks, ``p_masks.mean(axis=0)``, is the ensemble's prediction.
    """
    n_masks = check_int(n_masks, "n_masks")
    X = as_float_array(X, "X", ndim=2).astype(net.dtype, copy=False)
    rng = check_rng(seed, "seed")
    # Only dropout is random here; batch norm in training mode would also change its
    # running statistics, so networks with norm="batch" are refused.
    if net.norm == "batch":
        raise ValueError("dropout_ensemble needs a network without batch norm (training mode "
                         "would update its running statistics)")
    p_masks = np.stack([net.forward(X, train=True, rng=rng)[0] for _ in range(n_masks)])
    return p_masks, net.predict(X)
