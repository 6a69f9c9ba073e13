"""Training runs the chapters show: one run, a sweep over one setting, the final losses.

* :func:`train_run` — one network on a :class:`~nnlib.datasets.Dataset`, returns a
  :class:`Run` (the setting, the trained net, its History).
* :func:`sweep` — one run per value of one setting (λ, p, the activation, the learning
  rate, …): the precomputed grid a slider picks from.
* :func:`final_losses` — the last training and validation losses of each run.
* :func:`probability_grid` — a classifier's output on a grid (the decision-boundary picture).

The settings the chapters pass are in :mod:`nnlib.chapter_settings`; the pictures are in
:mod:`nnlib.viz.training`, the widget in :mod:`nnlib.widgets.training`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import check_choice, check_float, check_int
from ..network import MLP
from ..optimizers import SGD, Adam, Momentum
from ..training import History, train

# --- decision boundaries -------------------------------------------------------------------

def probability_grid(net, xlim, ylim, m: int = 60):
    """The network's P(class 1) on an m × m grid over ``xlim`` × ``ylim``.

    ``net`` is a 2-input MLP with a sigmoid head (one output) or a softmax head (then the
    probability of class 1 is ``out[:, 1]``).  Evaluated in evaluation mode
    (``net.predict``).  Returns ``(xx, yy, p)``, each (m, m), with ``p[i, j]`` the
    probability at the point ``(xx[i, j], yy[i, j])``; the decision boundary is p = 0.5.
    """
    if getattr(net, "sizes", [None])[0] != 2:
        raise ValueError(f"net must take 2 inputs, got sizes {getattr(net, 'sizes', None)}")
    m = check_int(m, "m", minimum=2)
    (x0, x1), (y0, y1) = [tuple(check_float(v, name) for v in lim)
                          for lim, name in ((xlim, "xlim"), (ylim, "ylim"))]
    xx, yy = np.meshgrid(np.linspace(x0, x1, m), np.linspace(y0, y1, m))   # (m, m) each
    points = np.column_stack([xx.ravel(), yy.ravel()]).astype(net.dtype)    # (m², 2)
    out = net.predict(points)                                               # (m², k)
    p = out[:, 0] if out.shape[1] == 1 else out[:, 1]
    return xx, yy, p.reshape(m, m)

#: Optimizers by name; ``lr`` is passed to the constructor.
OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


class Run(NamedTuple):
    """One training: the swept ``value`` (or None), the trained ``net`` and its ``history``."""

    value: object
    net: MLP
    history: History


# --- training ---------------------------------------------------------------------------

def train_run(data, *, sizes, activation="relu", head="sigmoid", init="he_normal", init_std=0.01,
              dropout=0.0, norm=None, optimizer="momentum", lr=0.1, epochs=100, batch_size=32,
              l2=0.0, l1=0.0, seed=0, callback=None, value=None) -> Run:
    """Build ``MLP(sizes, activation, head, init, dropout, norm, seed)`` and train it on ``data``.

    ``data`` is a :class:`~nnlib.datasets.Dataset` (X_train, y_train, X_val, y_val).
    ``optimizer`` is ``"sgd"``, ``"momentum"`` or ``"adam"`` with learning rate ``lr``;
    ``l2``, ``l1`` are the penalty strengths λ of :func:`nnlib.training.train`, and ``seed``
    draws both the initial weights and the batch order / dropout masks, so a run is
    reproducible.  ``callback(net, epoch, history)`` runs once before training (epoch 0, empty
    history) and after every epoch.  Returns a
    :class:`Run` whose ``value`` is ``value``.
    """
    net = MLP(sizes, activation=activation, head=head, init=init, init_std=init_std,
              dropout=dropout, norm=norm, seed=seed)
    if callback is not None:
        callback(net, 0, History())
    optimizer = OPTIMIZERS[check_choice(optimizer, "optimizer", OPTIMIZERS)](lr)
    history = train(net, data.X_train, data.y_train, data.X_val, data.y_val, optimizer=optimizer,
                    epochs=epochs, batch_size=batch_size, l2=l2, l1=l1, seed=seed,
                    callback=None if callback is None else (lambda e, h: callback(net, e, h)))
    return Run(value, net, history)


def sweep(data, name: str, values, **settings) -> list:
    """One :func:`train_run` per value of the setting ``name``; every other setting fixed.

    ``sweep(data, "l2", [0, 1e-3, 1e-2], sizes=[2, 32, 1])`` trains three networks that
    differ only in λ (same initial weights, same batch order).  ``name`` is any keyword of
    :func:`train_run` (``"l2"``, ``"l1"``, ``"dropout"``, ``"activation"``, ``"lr"``, ``"norm"`` …).
    Returns a list of :class:`Run`, in the order of ``values``.
    """
    if not isinstance(name, str) or name in ("data", "value", "callback"):
        raise ValueError(f"name must be a setting of train_run such as 'l2', got {name!r}")
    if name in settings:
        raise ValueError(f"{name!r} is swept, so it cannot also be fixed in settings")
    values = list(values)
    if not values:
        raise ValueError("values must list at least one setting, got an empty list")
    return [train_run(data, **{name: v}, value=v, **settings) for v in values]


def final_losses(runs) -> tuple:
    """``(train, val)``: arrays (len(runs),) of each run's last training and validation loss."""
    return (np.array([r.history.train_loss[-1] for r in runs]),
            np.array([r.history.val_loss[-1] for r in runs]))
