"""The training loop: mini-batch gradient descent with a History, early stop and a divergence guard.

One epoch visits every training row once, in a fresh random order, in mini-batches of
``batch_size`` rows (the last batch may be smaller; a single leftover row joins the batch
before it, since batch norm needs two rows).  For each batch (X_b, y_b):

    out, cache = net.forward(X_b, train=True, rng=rng)
    L, delta_L = loss_and_delta(net.loss_name, z^(L), y_b)      # z^(L) = cache.z[-1]
    L     += (λ₂/2) Σ‖W‖²  +  λ₁ Σ|W|                             # if l2 / l1 > 0
    grads  = net.backward(delta_L, cache)  +  λ₂ W  +  λ₁ sign(W)
    optimizer.step(net.params, grads)                             # in place

After every epoch the whole training set (and the validation set, if given) is evaluated
in evaluation mode (no dropout, batch norm's running statistics) and recorded in a
:class:`History`.  So ``train_loss`` and ``val_loss`` are the *data* loss (without the
penalty) of the same network measured the same way, and can be compared directly;
the penalty is recorded separately in ``History.penalty``.

Divergence.  Training stops at once, with ``History.diverged = True``, a message naming the
learning rate and a :class:`TrainingDivergedWarning`, when a step's loss is NaN/inf, the
network's values or gradients become NaN/inf, or the loss *explodes*: exceeds
``EXPLODE_FACTOR · max(L₀, 1)`` (= 100 · max(L₀, 1)), where L₀ is the training loss (with
penalty) before the first step.  The ``max`` stops a near-perfect start, say L₀ = 1e-4, from
calling ordinary batch-to-batch noise an explosion.
The failing epoch is not recorded, so a History never holds NaN or inf, and the network's
parameters (and batch norm's running statistics) are put back to their values at the end of
the last recorded epoch.
NumPy's overflow warnings during such a step are silenced: the History says what happened.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from nnlib import regularizers
from nnlib._checks import as_float_array, check_float, check_int, check_rng
from nnlib.losses import accuracy, loss_and_delta
from nnlib.optimizers import SGD

__all__ = ["train", "History", "TrainingDivergedWarning", "EXPLODE_FACTOR"]

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
    optimizer : anything with ``step(params, grads)``; default ``SGD(lr=0.1)``.
    epochs, batch_size : ints ≥ 1 (a batch_size above n means full-batch descent).
    l2, l1 : penalty strengths λ₂, λ₁ ≥ 0 on the weights (see :mod:`nnlib.regularizers`).
    seed : int or Generator; drives the batch order and the dropout masks.
    progress : show a tqdm progress bar.
    callback : ``callback(epoch, history)`` after every epoch (epoch counts from 1); returning
        ``True`` or ``"stop"`` ends training early.
    warn : emit a :class:`TrainingDivergedWarning` when training diverges (the History says so
        either way); a widget that shows ``History.message`` itself passes ``warn=False``.

    Returns a :class:`History`.  See the module docstring for what is recorded and when
    training stops on its own.
    """
    X, y, val = _check_data(net, X, y, X_val, y_val)
    optimizer = SGD(lr=0.1) if optimizer is None else optimizer
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step(params, grads) method, such as "
                        f"nnlib.optimizers.SGD(lr=0.1), got {type(optimizer).__name__}")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    lams = (check_float(l2, "l2", low=0.0), check_float(l1, "l1", low=0.0))
    rng = check_rng(seed, "seed")
    if not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    if not isinstance(warn, (bool, np.bool_)):
        raise TypeError(f"warn must be True or False, got {warn!r}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function callback(epoch, history) or None, "
                        f"got {type(callback).__name__}")

    limit = EXPLODE_FACTOR * max(_starting_loss(net, X, y, val, lams), 1.0)

    history = History()
    bar = _progress_bar(epochs) if progress else None
    try:
        for epoch in range(1, epochs + 1):
            saved = _snapshot(net)
            try:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    _run_epoch(net, X, y, optimizer, batch_size, lams, rng, limit)
                    record = _epoch_record(net, X, y, val, lams)
            except _Diverged as reason:
                _restore(saved)
                _stop_diverged(history, epoch, str(reason), optimizer, warn)
                break
            _append(history, record)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(_postfix(history))
            if callback is not None and _wants_stop(callback(epoch, history)):
                history.message = f"stopped by the callback after epoch {epoch}"
                break
        else:
            history.message = f"trained for {epochs} epochs"
    finally:
        if bar is not None:
            bar.close()
    return history


# --- input checks --------------------------------------------------------------------------

def _check_data(net, X, y, X_val, y_val):
    """Validate the network and the data; return X, y and the validation pair or None."""
    for attr in ("forward", "backward", "params", "loss_name", "head"):
        if not hasattr(net, attr):
            raise TypeError(f"net must be an nnlib.network.MLP (or have .{attr}), "
                            f"got {type(net).__name__}")
    X, y = _check_pair(X, y, "X", "y")
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together, got "
                         f"X_val={'None' if X_val is None else 'an array'} and "
                         f"y_val={'None' if y_val is None else 'an array'}")
    val = None if X_val is None else _check_pair(X_val, y_val, "X_val", "y_val")
    return X, y, val


def _check_pair(X, y, name_X, name_y):
    X = as_float_array(X, name_X, ndim=2)
    y = np.asarray(y)
    n_y = y.shape[0] if y.ndim else 0
    if n_y != X.shape[0]:
        raise ValueError(f"{name_X} and {name_y} must have the same number of rows, got "
                         f"{X.shape[0]} rows in {name_X} and {n_y} in {name_y}")
    return X, y


def _starting_loss(net, X, y, val, lams) -> float:
    """L0 = data loss + penalty before training.

    Evaluating once up front also surfaces mistakes in X, y or the validation set (wrong
    dtype, labels out of range, ...) as the usual errors, before any step is taken.
    """
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            L0 = _evaluate(net, X, y)[0] + _penalty(net.params, lams)
            if val is not None:
                _evaluate(net, *val)
    except _Diverged as reason:
        raise ValueError(f"cannot train: before any step, {reason}; check net.params") from None
    return L0


# --- one epoch -----------------------------------------------------------------------------

def _run_epoch(net, X, y, optimizer, batch_size, lams, rng, limit):
    """One pass over the shuffled training set; raises _Diverged on a bad step."""
    order = rng.permutation(X.shape[0])
    for rows in _batches(order, batch_size):
        _train_step(net, X[rows], y[rows], optimizer, lams, rng, limit)


def _batches(order, batch_size):
    """Split ``order`` into chunks of ``batch_size``.  With batch_size > 1 a leftover single
    row joins the chunk before it, because batch norm cannot estimate a variance from one row."""
    bounds = list(range(0, len(order), batch_size)) + [len(order)]
    if batch_size > 1 and len(bounds) > 2 and bounds[-1] - bounds[-2] == 1:
        del bounds[-2]
    return [order[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def _train_step(net, Xb, yb, optimizer, lams, rng, limit):
    """Forward, loss (+ penalty), backward, checks, then the optimizer step."""
    with _overflow_means_divergence():
        out, cache = net.forward(Xb, train=True, rng=rng)
        z_L = cache.z[-1]                                               # (n_b, k) logits
        if not np.all(np.isfinite(z_L)):
            raise _Diverged("the network's outputs became inf/NaN")
        L, delta_L = loss_and_delta(net.loss_name, z_L, yb)
        L += _penalty(net.params, lams)
        if not np.isfinite(L):
            raise _Diverged(f"the loss became {L}")
        if L > limit:
            raise _Diverged(f"the loss grew to {L:.3g}, over {EXPLODE_FACTOR:g} times its "
                            f"starting value")
        grads = net.backward(delta_L, cache)
    _add_penalty_grads(grads, net.params, lams)
    # Checked here, before the step: a NaN gradient would also poison the optimizer's state
    # (Adam's moments), which restoring the parameters would not undo.
    if not all(np.all(np.isfinite(g)) for g in grads.values()):
        raise _Diverged("the gradients became inf/NaN")
    optimizer.step(net.params, grads)


@contextmanager
def _overflow_means_divergence():
    """Turn nnlib's "must contain only finite numbers" errors inside a step into _Diverged.

    The data were validated before training, so a non-finite value appearing inside the
    network (e.g. at an activation's input) can only come from the weights blowing up.
    """
    try:
        yield
    except ValueError as exc:
        if "finite" in str(exc):
            raise _Diverged("values inside the network overflowed to inf/NaN") from exc
        raise


def _penalty(params, lams) -> float:
    l2, l1 = lams
    return ((regularizers.l2_penalty(params, l2) if l2 else 0.0)
            + (regularizers.l1_penalty(params, l1) if l1 else 0.0))


def _add_penalty_grads(grads, params, lams):
    """grads[k] += λ₂ W + λ₁ sign(W) (zero for biases, gamma, beta)."""
    l2, l1 = lams
    for lam, grad_fn in ((l2, regularizers.l2_grad), (l1, regularizers.l1_grad)):
        if lam:
            for k, g in grad_fn(params, lam).items():
                grads[k] = grads[k] + g


# --- evaluation and bookkeeping -----------------------------------------------------------

def _evaluate(net, X, y):
    """(data loss, accuracy or None) of the whole set in evaluation mode."""
    with _overflow_means_divergence():
        out, cache = net.forward(X, train=False)
        z_L = cache.z[-1]
        if not np.all(np.isfinite(z_L)):
            raise _Diverged("the network's outputs became inf/NaN")
        L, _ = loss_and_delta(net.loss_name, z_L, y)
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


def _snapshot(net) -> list:
    """(array, copy) pairs for the parameters and batch norm's running statistics.

    The running statistics are updated in every training-mode forward pass, so a diverging
    step poisons them too; they are the network's ``buffers()``, not its params.
    """
    buffers = net.buffers() if callable(getattr(net, "buffers", None)) else {}
    arrays = list(net.params.values()) + list(buffers.values())
    return [(a, a.copy()) for a in arrays]


def _restore(saved):
    for array, copy in saved:
        array[...] = copy


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
