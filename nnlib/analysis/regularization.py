"""Numbers of regularization: the weights of a network, how many are near zero, the hidden
layers' outputs, the spread of a dropout ensemble, early stopping (:func:`early_stopping`),
the noisy data of the regularization lab (:func:`overfitting_data`), and batch norm's
batch statistics (:func:`batch_mean_spread`, :func:`torch_running_var`).

The pictures are in :mod:`nnlib.viz.regularization`, the widget in
:mod:`nnlib.widgets.regularization`.
"""

from __future__ import annotations

import copy
from typing import NamedTuple

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


# --- early stopping --------------------------------------------------------------------

class EarlyStop(NamedTuple):
    """An early-stopped training: the run, the epoch of the lowest validation loss, the
    epoch training stopped at, and the network with that best epoch's weights put back."""

    run: object          # analysis.training.Run: its net holds the weights of the last epoch
    best_epoch: int      # 1-based
    stop_epoch: int      # = best_epoch + patience, or the last epoch if patience never ran out
    net: object          # a second MLP holding the best epoch's weights


def early_stopping(data, patience: int = 20, **settings) -> EarlyStop:
    """Train like :func:`~nnlib.analysis.training.train_run`, but watch the validation loss.

    After every epoch the weights are copied if the validation loss is the lowest so far;
    when it has not improved for ``patience`` epochs in a row, training stops, and the copy
    is loaded into a fresh network of the same shape (``EarlyStop.net``).  Only the
    parameters are kept, so the network must not use batch norm (whose running statistics
    would need copying as well).
    """
    from .training import train_run     # same layer; imported here to keep this module light

    patience = check_int(patience, "patience", minimum=1)
    if settings.get("norm") == "batch":
        raise ValueError("early_stopping keeps the parameters only; norm='batch' is not supported")
    best = {"loss": np.inf, "epoch": 0, "params": None}

    def watch(net, epoch, history):
        if epoch == 0:
            return None
        if history.val_loss[-1] < best["loss"]:
            best.update(loss=history.val_loss[-1], epoch=epoch,
                        params={k: v.copy() for k, v in net.params.items()})
        return epoch - best["epoch"] >= patience

    run = train_run(data, callback=watch, **settings)
    restored = copy.deepcopy(run.net)
    restored.set_params(best["params"])
    return EarlyStop(run, best["epoch"], run.history.epochs_run, restored)


def evaluate(net, X, y) -> tuple:
    """``(loss, accuracy)`` of a binary classifier (sigmoid head) on X, y in evaluation mode."""
    X = as_float_array(X, "X", ndim=2).astype(net.dtype, copy=False)
    loss, _ = net.loss_and_grads(X, y)
    return float(loss), float(np.mean((net.predict(X)[:, 0] > 0.5) == np.asarray(y).reshape(-1)))


# --- the regularization lab --------------------------------------------------------------

def overfitting_data(n_train: int, noise: float, n_val: int = 270, seed=0):
    """Noisy moons: ``n_train`` training points and ``n_val`` validation points, drawn
    independently with the same feature ``noise`` (std of the Gaussian added to each point).

    The two knobs of overfitting: fewer training points and more noise give a flexible
    network less signal to fit and more accidents to memorise.  The validation set depends
    only on ``noise``, ``n_val`` and ``seed``, not on ``n_train``.  Returns a Dataset.
    """
    from ..datasets import Dataset, make_moons

    n_train = check_int(n_train, "n_train", minimum=2)
    n_val = check_int(n_val, "n_val", minimum=2)
    noise = check_float(noise, "noise", low=0.0)
    seed = check_int(seed, "seed", minimum=0)
    X_train, y_train = make_moons(n_train, noise, seed)
    X_val, y_val = make_moons(n_val, noise, seed + 1)
    return Dataset(X_train, y_train, X_val, y_val)


# --- batch normalisation ----------------------------------------------------------------

def batch_mean_spread(z, batch_size: int, n_batches: int = 200, seed=0) -> float:
    """How far a unit's batch mean strays from its mean over all rows, in units of its std.

    Draws ``n_batches`` random batches of ``batch_size`` rows of ``z`` (n, h) without
    replacement; for each unit, the standard deviation over batches of (μ_batch − μ_all)/σ_all;
    returns the average over units.  About 1/√batch_size for independent rows (a little
    less when a batch is a large share of all rows; 0 when it is all of them): the noise
    batch norm adds to every unit's input in training.
    """
    z = as_float_array(z, "z", ndim=2)
    n = z.shape[0]
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if batch_size > n:
        raise ValueError(f"batch_size must be at most the number of rows {n}, got {batch_size}")
    rng = check_rng(seed, "seed")
    mu, sigma = z.mean(axis=0), z.std(axis=0)
    means = np.stack([z[rng.choice(n, batch_size, replace=False)].mean(axis=0)
                      for _ in range(check_int(n_batches, "n_batches", minimum=2))])   # (B, h)
    return float(np.mean((means - mu).std(axis=0) / np.where(sigma > 0, sigma, 1.0)))


def torch_running_var(running_var, n: int, t: int, momentum: float = 0.1):
    """The running variance PyTorch's ``BatchNorm1d`` holds after the same ``t`` batches of ``n``.

    PyTorch averages the unbiased batch variance σ²·n/(n − 1) where nnlib averages σ²;
    both start at 1, so rv_torch = (1 − m)ᵗ + n/(n − 1) · (rv_ours − (1 − m)ᵗ).
    """
    running_var = as_float_array(running_var, "running_var")
    n, t = check_int(n, "n", minimum=2), check_int(t, "t", minimum=0)
    start = (1 - check_float(momentum, "momentum", low=0.0, high=1.0)) ** t
    return start + n / (n - 1) * (running_var - start)
