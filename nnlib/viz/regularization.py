"""Pictures that only Chapters 4 (activations) and 5 (regularization) draw.

Pure plot functions ``plot_x(..., ax=None) -> (fig, ax)`` (or ``axes=None -> (fig, axes)``
for the multi-panel ones): with no axes given each makes a bare
:class:`matplotlib.figure.Figure` through :func:`nnlib.viz.new_axes` (never pyplot).  The
numbers come from :mod:`nnlib.analysis.regularization`; these functions only draw them.  The
``*Artists`` classes draw once and ``update`` in place, for the chapters' sliders.

Chapter 4
* :func:`plot_linear_collapse`  — a stack of linear layers and its single product matrix
  along a line through input space (one straight line), against a ReLU network (bent).
* :func:`plot_dead_units`       — dead ReLU units over the epochs, one curve per learning rate.
* :func:`plot_activation_race`  — training and validation loss of the same network with each
  activation (:class:`RaceArtists`).

Chapter 5
* :func:`plot_weight_histogram` — the distribution of the weights, one outline per setting.
* :func:`plot_sweep_summary`    — final training and validation loss against a swept setting
  (λ, p), with the best validation loss marked (:class:`SweepSummaryArtists`).
* :func:`plot_near_zero`        — the number of near-zero weights against λ, L1 and L2.
* :func:`plot_layer_distributions` — each hidden layer's outputs as a violin, layer by layer.
* :func:`plot_normalization`    — one batch as a heat map: raw, batch-normalised, layer-normalised.
* :func:`plot_early_stopping`   — the loss curves with the kept (best) and the stopping epoch.
"""

from __future__ import annotations

import re

import numpy as np

from ._base import new_axes, new_panels

_TRAIN, _VAL = "C0", "C1"   # training and validation curves
# Each regulariser keeps one colour in every picture of chapter 5 (C0 and C1 are taken by
# training and validation): no penalty grey, L2 green, L1 red; the violins of batch norm purple.
_NONE, _L2, _L1, _LAYERS = "0.45", "C2", "C3", "C4"


def _series_colour(label: str, i: int) -> str:
    """The colour of a weight series from its label: "λ = 0" grey, "L1 …" red, "L2 …" or
    "λ = …" green; any other label the i-th of C4, C5, …"""
    label = str(label)
    if label.startswith("L1"):
        return _L1
    if re.fullmatch(r"(λ|p) = 0", label):
        return _NONE
    if label.startswith(("L2", "λ")):
        return _L2
    return f"C{4 + i % 6}"


# --- chapter 5 ---------------------------------------------------------------------------

class WeightHistogramArtists:
    """Outline histograms of weight values; a fixed reference (e.g. λ = 0) and one that moves.

    ``top`` fixes the y-axis (to twice that count); by default it follows the data.
    """

    def __init__(self, ax, reference=None, reference_label="λ = 0", bins=None, top=None):
        self.ax, self.top = ax, top
        self.bins = np.linspace(-3, 3, 61) if bins is None else np.asarray(bins, dtype=float)
        self.reference = None
        if reference is not None:
            counts, _ = np.histogram(np.clip(reference, self.bins[0], self.bins[-1]), self.bins)
            self.reference = ax.stairs(counts, self.bins, color="0.55", lw=1.2, fill=True,
                                       alpha=0.35, label=reference_label)
        self.current = ax.stairs(np.zeros(len(self.bins) - 1), self.bins, color=_L2, lw=1.8,
                                 label="")
        self.text = ax.text(0.98, 0.95, "", transform=ax.transAxes, ha="right", va="top",
                            fontsize="small")
        ax.set_yscale("symlog", linthresh=10)
        ax.set_xlim(self.bins[0], self.bins[-1])
        ax.set_xlabel("weight value (ends: everything beyond)")
        ax.set_ylabel("number of weights")
        ax.grid(True, alpha=0.3)

    def update(self, w, label) -> None:
        w = np.asarray(w, dtype=float).reshape(-1)
        counts, _ = np.histogram(np.clip(w, self.bins[0], self.bins[-1]), self.bins)
        self.current.set_data(counts, self.bins)
        self.current.set_label(label)
        self.text.set_text(f"‖W‖ = {np.sqrt(np.sum(w * w)):.2f}\nmax |w| = {np.abs(w).max():.2f}")
        if self.top is None:
            top = max(counts.max(), 1)
            if self.reference is not None:
                top = max(top, self.reference.get_data().values.max())
        else:
            top = self.top
        self.ax.set_ylim(0, top * 2.0)
        self.ax.legend(fontsize="small", loc="upper left")

    def moving_artists(self) -> list:
        """The artists :meth:`update` changes (for a blitting refresh)."""
        legend = self.ax.get_legend()
        return [self.current, self.text] + ([legend] if legend is not None else [])

    def highest_count(self, w) -> int:
        """The tallest bin of ``w``'s histogram (to fix the y-axis over several updates)."""
        counts, _ = np.histogram(np.clip(np.ravel(w), self.bins[0], self.bins[-1]), self.bins)
        return int(counts.max())


def plot_weight_histogram(weights: dict, ax=None, bins=None):
    """Histograms (outlines) of weight values, one per label: ``weights`` maps label → array.

    Values beyond the bins are counted in the end bins; the y-axis is linear up to 10 and
    logarithmic above, so both the crowd near 0 and the few large weights show.
    """
    fig, ax = new_axes(ax, figsize=(5.0, 3.2), dpi=80)
    bins = np.linspace(-3, 3, 61) if bins is None else np.asarray(bins, dtype=float)
    top = 1
    for i, (label, w) in enumerate(weights.items()):
        counts, _ = np.histogram(np.clip(np.ravel(w), bins[0], bins[-1]), bins)
        ax.stairs(counts, bins, lw=1.8, color=_series_colour(label, i), label=label)
        top = max(top, counts.max())
    ax.set_yscale("symlog", linthresh=10)
    ax.set_ylim(0, top * 2.0)
    ax.set_xlim(bins[0], bins[-1])
    ax.set_xlabel("weight value")
    ax.set_ylabel("number of weights")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    return fig, ax


def _sweep_positions(values):
    """x positions for swept values: evenly spaced, so 0 and a log range sit side by side."""
    return np.arange(len(values), dtype=float)


class SweepSummaryArtists:
    """Final training and validation loss against the swept value, with a movable marker."""

    def __init__(self, ax, values, train_losses, val_losses, name="λ"):
        self.ax = ax
        x = _sweep_positions(values)
        self.values = list(values)
        ax.plot(x, train_losses, "o-", color=_TRAIN, lw=1.5, ms=4, label="training")
        ax.plot(x, val_losses, "o-", color=_VAL, lw=1.5, ms=4, label="validation")
        best = int(np.argmin(val_losses))
        ax.plot([x[best]], [val_losses[best]], "*", color=_VAL, ms=14, mec="black",
                label=f"best validation: {name} = {self.values[best]:g}")
        self.marker = ax.axvline(x[0], color="black", lw=1, ls=":")
        ax.set_xticks(x, [f"{v:g}" for v in self.values], rotation=45, fontsize="small")
        ax.set_xlabel(name)
        ax.set_ylabel("loss after training")
        ax.set_ylim(0, 1.1 * max(np.max(train_losses), np.max(val_losses)))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")

    def update(self, index: int) -> None:
        self.marker.set_xdata([index, index])

    def moving_artists(self) -> list:
        """The artists :meth:`update` changes (for a blitting refresh)."""
        return [self.marker]


def plot_sweep_summary(values, train_losses, val_losses, name="λ", ax=None):
    """Final training and validation loss for each swept value (e.g. λ or p).

    Values are placed evenly (so λ = 0 sits next to 10⁻⁴ …) and labelled; the best
    validation loss is starred.
    """
    fig, ax = new_axes(ax, figsize=(5.0, 3.2), dpi=80)
    SweepSummaryArtists(ax, values, train_losses, val_losses, name)
    return fig, ax


def plot_near_zero(lams, counts: dict, total: int, tol: float, ax=None):
    """Near-zero weights (|w| < tol) against λ, one line per penalty: ``counts`` maps a
    label ("L1", "L2") to an array (len(lams),).  λ values are evenly spaced and labelled."""
    fig, ax = new_axes(ax, figsize=(5.0, 3.2), dpi=80)
    x = _sweep_positions(lams)
    for i, (label, c) in enumerate(counts.items()):
        ax.plot(x, np.asarray(c, dtype=float), "o-", lw=2, color=_series_colour(label, i),
                label=label)
    ax.axhline(total, color="black", lw=0.8, ls=":")
    ax.set_ylim(0, total * 1.05)
    ax.set_xticks(x, [f"{v:g}" for v in lams], rotation=45, fontsize="small")
    ax.set_xlabel("λ")
    ax.set_ylabel(f"weights with |w| < {tol:g} (of {total})")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    return fig, ax


def plot_layer_distributions(layers, ax=None, title=None, ylim=None):
    """The values of each hidden layer's output a^(l) (all samples and units), as violins.

    ``layers`` is a list of arrays, one per hidden layer (as from
    :func:`nnlib.analysis.regularization.hidden_activations`).  Each layer's tick label gives its
    standard deviation σ, so a collapse towards 0 is readable even when the violin is flat.
    """
    fig, ax = new_axes(ax, figsize=(5.0, 3.2), dpi=80)
    data = [np.asarray(a, dtype=float).reshape(-1) for a in layers]
    positions = np.arange(1, len(data) + 1)
    parts = ax.violinplot(data, positions, widths=0.8, showextrema=False, points=80)
    for body in parts["bodies"]:
        body.set_facecolor(_LAYERS)
        body.set_alpha(0.6)
    # Two short lines per tick (layer, then σ), so six ticks never run into each other.
    ax.set_xticks(positions, [f"{p}\n{d.std():.2g}" for p, d in zip(positions, data)],
                  fontsize="x-small")
    ax.set_xlabel("hidden layer l  (σ of its values below)", fontsize="small")
    ax.set_ylabel("$a^{(l)}$")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.grid(True, axis="y", alpha=0.3)
    if title:
        ax.set_title(title, fontsize="medium")
    return fig, ax


def plot_normalization(panels: dict, axes=None, fmt="{:.1f}"):
    """Heat maps of a few (n, h) arrays side by side, each entry written in its cell.

    ``panels`` maps a title to an array (n, h) — e.g. the raw batch z, its batch-normalised
    and its layer-normalised version.  Rows are samples, columns features; the column
    means are written under each map and the row means to its right.
    """
    fig, axes = new_panels(len(panels), axes=axes, figsize=(3.3 * len(panels), 2.9))
    for ax, (title, values) in zip(axes, panels.items()):
        v = np.asarray(values, dtype=float)
        limit = max(np.abs(v).max(), 1e-12)
        ax.imshow(v, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
        for (i, j), x in np.ndenumerate(v):
            ax.text(j, i, _signed(fmt.format(x)), ha="center", va="center",
                    fontsize="x-small")
        n, h = v.shape
        ax.set_xticks(range(h), [_signed(f"{m:.1f}") for m in v.mean(axis=0)], fontsize="x-small")
        ax.set_yticks(range(n), [_signed(f"{m:.1f}") for m in v.mean(axis=1)], fontsize="x-small")
        ax.yaxis.tick_right()
        ax.set_xlabel("column (feature) means", fontsize="small")
        ax.set_title(title, fontsize="medium")
    axes[0].set_ylabel("samples (row means at right)", fontsize="small")
    return fig, axes


def _signed(text: str) -> str:
    """A formatted number with a typographic minus, and no "−0.0" for a value that rounds to 0."""
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace("-", "−")


def plot_early_stopping(history, best_epoch: int, stop_epoch: int, ax=None):
    """Training and validation loss per epoch, the lowest validation loss starred.

    ``best_epoch`` is where early stopping keeps the weights (the lowest validation loss),
    ``stop_epoch`` where it stops training (dotted line): ``patience`` epochs later.
    """
    fig, ax = new_axes(ax, figsize=(5.0, 3.2), dpi=80)
    epochs = np.arange(1, history.epochs_run + 1)
    ax.plot(epochs, history.train_loss, color=_TRAIN, lw=1.5, label="training")
    ax.plot(epochs, history.val_loss, color=_VAL, lw=1.5, label="validation")
    ax.plot([best_epoch], [history.val_loss[best_epoch - 1]], "*", color=_VAL, ms=14,
            mec="black", label=f"lowest validation loss: epoch {best_epoch} (kept)")
    ax.axvline(stop_epoch, color="black", lw=1, ls=":", label=f"training stops: epoch {stop_epoch}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="lower left")
    return fig, ax
