"""Training pictures: a classifier's decision boundary on 2-D data, and loss/accuracy curves.

* :func:`plot_decision_boundary` — P(class 1) on a grid (filled contours), the boundary
  p = 0.5 as a black line, training points filled and validation points hollow.
* :func:`plot_loss_curves` / :func:`plot_accuracy_curves` — a :class:`~nnlib.training.History`.

The ``*Artists`` classes make the artists once and update them in place; the training
explorer redraws through them many times a second.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullLocator

from ..analysis.training import probability_grid
from ._base import new_axes

_LEVELS = np.linspace(0.0, 1.0, 11)
_CMAP = "RdBu_r"                       # class 0 blue, class 1 red
_CLASS_COLOURS = np.array(["#2166ac", "#b2182b"])
_TRAIN, _VAL = "C0", "C1"


class DecisionBoundaryArtists:
    """Data points (in place) and the network's probability map (only the contours redrawn)."""

    def __init__(self, ax, X_train, y_train, X_val=None, y_val=None, m=60):
        self.ax, self.m = ax, m
        self.contours = []
        self.train_points = ax.scatter([], [], s=12, edgecolors="white", linewidths=0.4, zorder=3)
        self.val_points = ax.scatter([], [], s=14, facecolors="none", linewidths=1.0, zorder=3)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        self.set_data(X_train, y_train, X_val, y_val)

    def set_data(self, X_train, y_train, X_val=None, y_val=None) -> None:
        """Show a new data set (same number of points or not) and fix the grid around it."""
        X_train = np.asarray(X_train, dtype=float)
        self.train_points.set_offsets(X_train)
        self.train_points.set_facecolors(_CLASS_COLOURS[np.asarray(y_train, dtype=int) % 2])
        if X_val is not None:
            self.val_points.set_offsets(np.asarray(X_val, dtype=float))
            self.val_points.set_edgecolors(_CLASS_COLOURS[np.asarray(y_val, dtype=int) % 2])
        else:
            self.val_points.set_offsets(np.empty((0, 2)))
        everything = X_train if X_val is None else np.vstack([X_train, X_val])
        lo, hi = everything.min(axis=0), everything.max(axis=0)
        pad = 0.15 * (hi - lo).max()
        self.xlim, self.ylim = (lo[0] - pad, hi[0] + pad), (lo[1] - pad, hi[1] + pad)
        self.ax.set_xlim(*self.xlim)
        self.ax.set_ylim(*self.ylim)

    def add_legend(self) -> None:
        """Name the two kinds of marker: training points filled, validation points hollow."""
        grey = "0.35"
        self.ax.legend([self.ax.scatter([], [], s=12, color=grey, edgecolors="white", linewidths=0.4),
                        self.ax.scatter([], [], s=14, facecolors="none", edgecolors=grey,
                                        linewidths=1.0)],
                       ["training (filled)", "validation (hollow)"], fontsize="x-small",
                       loc="lower right", framealpha=0.8)

    def update(self, net) -> np.ndarray:
        """Recompute P(class 1) on the grid for ``net`` and redraw the contours; returns p (m, m)."""
        xx, yy, p = probability_grid(net, self.xlim, self.ylim, self.m)
        for artist in self.contours:
            artist.remove()
        if not np.all(np.isfinite(p)):      # never draw NaN: leave the map empty instead
            self.contours = []
            return p
        self.contours = [self.ax.contourf(xx, yy, p, levels=_LEVELS, cmap=_CMAP, alpha=0.55,
                                          zorder=1)]
        if p.min() < 0.5 < p.max():
            self.contours.append(self.ax.contour(xx, yy, p, levels=[0.5], colors="black",
                                                 linewidths=1.2, zorder=2))
        return p


class CurveArtists:
    """Train and validation curves of one History quantity (``"loss"`` or ``"acc"``), in place.

    Loss is drawn on a log axis (it can fall by decades, or jump before a divergence);
    accuracy on [0, 1].
    """

    def __init__(self, ax, kind="loss"):
        if kind not in ("loss", "acc"):
            raise ValueError(f"unknown kind {kind!r}; expected 'loss' or 'acc'")
        self.ax, self.kind = ax, kind
        self.train_line, = ax.plot([], [], color=_TRAIN, lw=1.5, label="train")
        self.val_line, = ax.plot([], [], color=_VAL, lw=1.5, label="validation")
        if kind == "loss":
            ax.set_yscale("log")
            ax.yaxis.set_minor_locator(NullLocator())   # minor log ticks: slow to draw
            ax.set_ylabel("loss")
        else:
            ax.set_ylim(0.0, 1.02)
            ax.set_ylabel("accuracy")
        ax.set_xlabel("epoch")
        ax.set_xlim(0, 1)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper right" if kind == "loss" else "lower right", fontsize="small")

    def update(self, history, max_epoch=None) -> None:
        """Draw ``history``'s ``train_<kind>`` and ``val_<kind>`` lists (finite values only)."""
        (e_train, train), (e_val, val) = [_finite(getattr(history, f"{part}_{self.kind}"))
                                          for part in ("train", "val")]
        self.train_line.set_data(e_train, train)
        self.val_line.set_data(e_val, val)
        n = max(len(getattr(history, f"train_{self.kind}")), 1)
        self.ax.set_xlim(0, max(n, max_epoch or 0))
        if self.kind == "loss":
            values = np.concatenate([train, val])
            values = values[values > 0]
            if values.size:   # whole decades: the limits change rarely while a curve grows
                self.ax.set_ylim(10.0 ** np.floor(np.log10(values.min())),
                                 10.0 ** np.ceil(np.log10(values.max())))


def plot_decision_boundary(net, X, y, ax=None, X_val=None, y_val=None, m=100):
    """Plot P(class 1) of a 2-input classifier over the data, and its boundary p = 0.5.

    X (n, 2), y (n,) labels 0/1 (training points, filled); X_val, y_val optional (hollow).
    The colour is the network's probability on an m × m grid (blue 0 … red 1), computed by
    :func:`nnlib.analysis.training.probability_grid`.  Returns ``(fig, ax)``.
    """
    fig, ax = new_axes(ax, figsize=(4.0, 3.6), dpi=80)
    artists = DecisionBoundaryArtists(ax, X, y, X_val, y_val, m=m)
    artists.update(net)
    if X_val is not None:       # say which markers are which
        artists.add_legend()
    return fig, ax


def plot_loss_curves(history, ax=None):
    """Plot training and validation loss per epoch (log scale) from a History."""
    fig, ax = new_axes(ax, figsize=(5.0, 3.0), dpi=80)
    CurveArtists(ax, "loss").update(history)
    if history.message:
        ax.set_title(history.message, fontsize="small", wrap=True)
    return fig, ax


def plot_accuracy_curves(history, ax=None):
    """Plot training and validation accuracy per epoch from a History (classification)."""
    fig, ax = new_axes(ax, figsize=(5.0, 3.0), dpi=80)
    CurveArtists(ax, "acc").update(history)
    return fig, ax


def _finite(values):
    """(epochs, values) of the finite entries; epochs count from 1."""
    values = np.asarray(values, dtype=float).reshape(-1)
    keep = np.isfinite(values)
    return np.flatnonzero(keep) + 1, values[keep]
