"""The training loop: mini-batch gradient descent with a History, early stop and a divergence guard.

The loop is the textbook one::

    for epoch in 1 … epochs:
        for (X_b, y_b) in mini-batches of a fresh random order:
            L, grads = net.loss_and_grads(X_b, y_b, train=True)      # forward, loss, backward
            L += (λ₂/2) Σ‖W‖² + λ₁ Σ|W|;  grads += λ₂ W + λ₁ sign(W)   # if l2 / l1 > 0
            optimizer.step(net.params, grads)                         # in place
        record the losses (and accuracies) of the whole training and validation sets

The last batch may be smaller; a single leftover row joins the batch before it, since batch
norm needs two rows.  After every epoch the whole training set (and the validation set, if
given) is evaluated in evaluation mode (no dropout, batch norm's running statistics) and
recorded in a :class:`History`.  So ``train_loss`` and ``val_loss`` are the *data* loss
(without the penalty) of the same network measured the same way; the penalty is recorded
separately in ``History.penalty``.

Divergence.  Training stops at once, with ``History.diverged = True``, a message naming the
learning rate and a :class:`TrainingDivergedWarning`, when a step's loss is NaN/inf, the
network's outputs or gradients become NaN/inf, or the loss *explodes*: exceeds
``EXPLODE_FACTOR · max(L₀, 1)`` (= 100 · max(L₀, 1)), where L₀ is the training loss (with
penalty) before the first step.  The ``max`` stops a near-perfect start, say L₀ = 1e-4, from
calling ordinary batch-to-batch noise an explosion.
The failing epoch is not recorded, so a History never holds NaN or inf, and the network's
parameters (and batch norm's running statistics) are put back to their values at the end of
the last recorded epoch.  NumPy's overflow warnings during such a step are silenced: the
History says what happened.

Bad input (data, optimizer, settings) is refused before the first step, naming the argument;
any other error during training puts the network back as it was before the call.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from nnlib import regularizers
from nnlib._checks import (as_float_array, check_bool, check_float, check_int, check_rng,
                           check_same_dtype)
from nnlib.losses import accuracy, loss_and_delta
from nnlib.optimizers import SGD

__all__ = ["train", "train_epochs", "EpochRun", "History", "TrainingDivergedWarning", "EXPLODE_FACTOR"]

#: A loss above EXPLODE_FACTOR · max(initial loss, 1) counts as diverged.
EXPLODE_FACTOR = 100.0


class TrainingDivergedWarning(RuntimeWarning):
    """Training stopped because the loss became NaN/inf or exploded."""


@dataclass
class History:
    """What happened during :func:`train`, one entry per completed epoch.

    ``train_acc`` / ``val_acc`` stay empty for regression (identity head), and ``val_loss`` /
    ``val_acc`` stay empty without a validation set.  ``penalty`` is the L2 + L1 term at the
    end of each epoch (0.0 without regularisation).  ``message`` says how training ended.
    """

    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    penalty: list = field(default_factory=list)
    diverged: bool = False
    message: str = ""

    @property
    def epochs_run(self) -> int:
        """Number of completed (recorded) epochs."""
        return len(self.train_loss)


class _Diverged(Exception):
    """Raised inside the loop with the reason, e.g. "the loss became inf"."""


def train(net, X, y, X_val=None, y_val=None, optimizer=None, epochs=100, batch_size=32,
          l2=0.0, l1=0.0, seed=0, progress=False, callback=None, warn=True) -> History:
    """Train ``net`` (an :class:`nnlib.network.MLP`) in place on X (n, d), y (n, …).

    Parameters
    ----------
    X_val, y_val : optional validation set, evaluated after every epoch.
    optimizer : an optimizer instance with ``step(params, grads)``; default ``SGD(lr=0.1)``.
    epochs, batch_size : ints ≥ 1 (a batch_size above n means full-batch descent).
    l2, l1 : penalty strengths λ₂, λ₁ ≥ 0 on the weights (see :mod:`nnlib.regularizers`).
    seed : int or Generator; drives the batch order and the dropout masks.
    progress : show a tqdm progress bar.
    callback : ``callback(epoch, history)`` after every epoch (epoch counts from 1); returning
        ``True`` or ``"stop"`` ends training early.
    warn : emit a :class:`TrainingDivergedWarning` when training diverges (the History says so
        either way); a widget that shows ``History.message`` itself passes ``warn=False``.

    Returns a :class:`History`.  See the module docstring for what is recorded and when
    training stops on its own; :func:`train_epochs` is the same loop, one epoch at a time.
    """
    progress = check_bool(progress, "progress")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function callback(epoch, history) or None, "
                        f"got {type(callback).__name__}")
    epochs_run = train_epochs(net, X, y, X_val, y_val, optimizer, epochs, batch_size, l2, l1,
                              seed, warn)
    history = epochs_run.history
    bar = _progress_bar(epochs_run.epochs) if progress else None
    try:
        for epoch in epochs_run:
            if bar is not None:
                bar.update(1)
                bar.set_postfix(_postfix(history))
            if callback is None:
                continue
            try:
                answer = callback(epoch, history)
            except Exception as exc:     # noqa: BLE001 — put the network back, then raise it
                epochs_run.throw(exc)
            if _wants_stop(answer):
                epochs_run.stop(f"stopped by the callback after epoch {epoch}")
    finally:
        if bar is not None:
            bar.close()
    return history


def train_epochs(net, X, y, X_val=None, y_val=None, optimizer=None, epochs=100, batch_size=32,
                 l2=0.0, l1=0.0, seed=0, warn=True) -> EpochRun:
    """The loop of :func:`train`, one epoch per ``next()``: for a caller that must keep control.

    Checks every argument now (like :func:`train`) and returns an :class:`EpochRun`:
    iterating it trains one epoch per step and yields the epoch number (from 1);
    ``run.history`` fills as it goes; ``run.stop(message)`` ends it early.  A widget
    trains a few epochs, redraws, lets the event loop handle a click, and goes on.
    """
    X, y, val = _check_data(net, X, y, X_val, y_val)
    optimizer = _check_optimizer(optimizer)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    lams = (check_float(l2, "l2", low=0.0), check_float(l1, "l1", low=0.0))
    rng = check_rng(seed, "seed")
    warn = check_bool(warn, "warn")
    limit = EXPLODE_FACTOR * max(_starting_loss(net, X, y, val, lams), 1.0)
    history = History()
    steps = _epochs(net, X, y, val, optimizer, epochs, batch_size, lams, rng, limit, history, warn)
    return EpochRun(steps, history, epochs)


class EpochRun:
    """A training run in progress (from :func:`train_epochs`): iterate it to train epoch by epoch.

    ``history`` (:class:`History`), ``epochs`` (the number asked for), ``done``.
    """

    def __init__(self, steps, history, epochs):
        self._steps, self.history, self.epochs, self.done = steps, history, epochs, False

    def __iter__(self):
        return self

    def __next__(self) -> int:
        try:
            return next(self._steps)
        except BaseException:
            self.done = True
            raise

    def stop(self, message: str) -> None:
        """End the run after the epoch just recorded; ``history.message`` says ``message``."""
        self._steps.close()
        self.done = True
        self.history.message = message

    def throw(self, exc: BaseException):
        """Raise ``exc`` inside the run: the network is put back as it was before it, then raised."""
        self.done = True
        self._steps.throw(exc)


def _epochs(net, X, y, val, optimizer, epochs, batch_size, lams, rng, limit, history, warn):
    """The textbook loop as a generator: yields each recorded epoch's number."""
    before = net.state()                      # a failed call leaves the network as it was
    try:
        for epoch in range(1, epochs + 1):
            saved = net.state()
            try:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    for rows in _batches(rng.permutation(X.shape[0]), batch_size):
                        L, grads = _loss_and_grads(net, X[rows], y[rows], lams, rng)
                        _check_step(L, grads, limit)
                        optimizer.step(net.params, grads)
                    record = _epoch_record(net, X, y, val, lams)
            except _Diverged as reason:
                net.load_state(saved)
                _stop_diverged(history, epoch, str(reason), optimizer, warn)
                return
            _append(history, record)
            yield epoch
        history.message = f"trained for {epochs} epochs"
    except Exception:
        net.load_state(before)
        raise


# --- input checks --------------------------------------------------------------------------

def _check_data(net, X, y, X_val, y_val):
    """Validate the network and the data; return X, y and the validation pair or None."""
    for attr in ("forward", "loss_and_grads", "params", "loss_name", "head", "sizes", "dtype",
                 "state", "load_state"):
        if not hasattr(net, attr):
            raise TypeError(f"net must be an nnlib.network.MLP (or have .{attr}), "
                            f"got {type(net).__name__}")
    X, y = _check_pair(net, X, y, "X", "y")
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together, got "
                         f"X_val={'None' if X_val is None else 'an array'} and "
                         f"y_val={'None' if y_val is None else 'an array'}")
    val = None if X_val is None else _check_pair(net, X_val, y_val, "X_val", "y_val")
    return X, y, val


def _check_pair(net, X, y, name_X, name_y):
    """X as the network takes it and y as its loss takes it; errors name ``name_X``/``name_y``."""
    X = as_float_array(X, name_X, ndim=2)
    if X.shape[1] != net.sizes[0]:
        raise ValueError(f"{name_X} must have {net.sizes[0]} columns (sizes[0]), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{name_X} must have at least one row, got shape {X.shape}")
    check_same_dtype(X, name_X, net.dtype, "the network's parameters")
    y = np.asarray(y)
    n_y = y.shape[0] if y.ndim else 0
    if n_y != X.shape[0]:
        raise ValueError(f"{name_X} and {name_y} must have the same number of rows, got "
                         f"{X.shape[0]} rows in {name_X} and {n_y} in {name_y}")
    if y.dtype.kind in "fc" and not np.all(np.isfinite(y)):
        bad = y.reshape(-1)[~np.isfinite(y.reshape(-1))][0]
        raise ValueError(f"{name_y} must contain only finite numbers (these are the targets, "
                         f"not the network's output), got {bad}")
    try:   # the loss checks the targets (0/1 labels, classes in range, shape): ask it now
        loss_and_delta(net.loss_name, np.zeros((X.shape[0], net.sizes[-1]), net.dtype), y)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{name_y} does not fit the {net.loss_name} loss of this network: "
                        f"{exc}") from None
    return X, y


def _check_optimizer(optimizer):
    if optimizer is None:
        return SGD(lr=0.1)
    if isinstance(optimizer, type):
        raise TypeError(f"optimizer must be an optimizer instance such as "
                        f"{optimizer.__name__}(lr=0.01), got the class {optimizer.__name__} "
                        f"itself; pass {optimizer.__name__}(lr=...)")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step(params, grads) method, such as "
                        f"nnlib.optimizers.SGD(lr=0.1), got {type(optimizer).__name__}")
    return optimizer


def _starting_loss(net, X, y, val, lams) -> float:
    """L0 = data loss + penalty before training (the network must start finite)."""
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            penalty = _penalty(net.params, lams)
            if not np.isfinite(penalty):
                raise ValueError(f"l2 = {lams[0]:g} and l1 = {lams[1]:g} make the penalty {penalty} "
                                 f"before any step; choose smaller penalty strengths")
            L0 = _evaluate(net, X, y)[0] + penalty
            if val is not None:
                _evaluate(net, *val)
    except _Diverged as reason:
        raise ValueError(f"cannot train: before any step, {reason}; check net.params") from None
    return L0


# --- one step ------------------------------------------------------------------------------

def _batches(order, batch_size):
    """Split ``order`` into chunks of ``batch_size``.  With batch_size > 1 a leftover single
    row joins the chunk before it, because batch norm cannot estimate a variance from one row."""
    bounds = list(range(0, len(order), batch_size)) + [len(order)]
    if batch_size > 1 and len(bounds) > 2 and bounds[-1] - bounds[-2] == 1:
        del bounds[-2]
    return [order[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def _loss_and_grads(net, Xb, yb, lams, rng):
    """The batch's loss and gradients in training mode, penalty included."""
    try:
        L, grads = net.loss_and_grads(Xb, yb, train=True, rng=rng)
    except FloatingPointError:       # the network's outputs overflowed: the weights blew up
        raise _Diverged("the network's outputs became inf/NaN") from None
    l2, l1 = lams
    for lam, grad_fn in ((l2, regularizers.l2_grad), (l1, regularizers.l1_grad)):
        if lam:                      # grads += λ₂ W + λ₁ sign(W) (zero for b, gamma, beta)
            for k, g in grad_fn(net.params, lam).items():
                grads[k] = grads[k] + g
    return L + _penalty(net.params, lams), grads


def _check_step(L, grads, limit):
    """Raise _Diverged for a non-finite or exploding loss, or non-finite gradients.

    Gradients are checked before the step: a NaN would also poison the optimizer's state
    (Adam's moments), which restoring the parameters would not undo.
    """
    if not np.isfinite(L):
        raise _Diverged(f"the loss became {L}")
    if L > limit:
        raise _Diverged(f"the loss grew to {L:.3g}, over {EXPLODE_FACTOR:g} times its starting value")
    if not all(np.all(np.isfinite(g)) for g in grads.values()):
        raise _Diverged("the gradients became inf/NaN")


def _penalty(params, lams) -> float:
    l2, l1 = lams
    return ((regularizers.l2_penalty(params, l2) if l2 else 0.0)
            + (regularizers.l1_penalty(params, l1) if l1 else 0.0))


# --- evaluation and bookkeeping -----------------------------------------------------------

def _evaluate(net, X, y):
    """(data loss, accuracy or None) of the whole set in evaluation mode."""
    out, cache = net.forward(X, train=False)
    if not np.all(np.isfinite(cache.z[-1])):
        raise _Diverged("the network's outputs became inf/NaN")
    L, _ = loss_and_delta(net.loss_name, cache.z[-1], y)
    if not np.isfinite(L):
        raise _Diverged(f"the loss became {L}")
    return float(L), accuracy(out, y, net.head)


def _epoch_record(net, X, y, val, lams) -> dict:
    train_loss, train_acc = _evaluate(net, X, y)
    record = {"train_loss": train_loss, "train_acc": train_acc,
              "penalty": _penalty(net.params, lams)}
    if not np.isfinite(record["penalty"]):
        raise _Diverged(f"the penalty became {record['penalty']}")
    if val is not None:
        record["val_loss"], record["val_acc"] = _evaluate(net, *val)
    return record


def _append(history, record):
    for key, value in record.items():
        if value is not None:       # accuracy is None for regression: leave that list empty
            getattr(history, key).append(value)


def _stop_diverged(history, epoch, reason, optimizer, warn=True):
    lr = getattr(optimizer, "lr", None)
    if isinstance(lr, (int, float)) and lr > 0:
        advice = f"the learning rate {float(lr)} is too large; try {_short(lr / 10)}"
    else:
        advice = "try a smaller learning rate"
    history.diverged = True
    history.message = f"training stopped at epoch {epoch}: {reason} — {advice}"
    if warn:
        warnings.warn(history.message, TrainingDivergedWarning, stacklevel=3)


def _short(x: float) -> str:
    """2 significant digits without exponent notation: 1000.0 -> '1000', 0.05 -> '0.05'."""
    return np.format_float_positional(x, precision=2, unique=True, fractional=False, trim="-")


def _wants_stop(answer) -> bool:
    return answer is True or (isinstance(answer, str) and answer.lower() == "stop")


def _progress_bar(epochs):
    from tqdm.auto import tqdm   # imported here: only needed with progress=True

    return tqdm(total=epochs, desc="training", unit="epoch")


def _postfix(history) -> dict:
    shown = {"loss": f"{history.train_loss[-1]:.4g}"}
    if history.val_loss:
        shown["val_loss"] = f"{history.val_loss[-1]:.4g}"
    if history.val_acc:
        shown["val_acc"] = f"{history.val_acc[-1]:.3f}"
    return shown
