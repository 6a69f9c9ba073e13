"""Pictures that only Chapters 1 (architecture) and 2 (forward pass) draw.

Pure plot functions ``plot_x(..., ax=None) -> (fig, ax)``: with ``ax=None`` each makes a
bare :class:`matplotlib.figure.Figure` through :func:`nnlib.viz.new_axes` (never pyplot).
The numbers are measured or computed by the chapter; these functions only draw them.

* :func:`plot_neuron_response`  — σ(w·x + b) of one neuron against its single input x, for
  several (w, b): b moves the switch point to x = −b/w, w sets how sharp it is.
* :func:`plot_error_vs_width`   — approximation error against the number of hidden neurons
  (log-log), one line per target.
* :func:`plot_fits`             — a 1-D target and several networks' outputs on the same x.
* :func:`plot_timings`          — measured seconds against a size (log-log), one line per method.
* :func:`side_by_side`          — a bare Figure with ``ncols`` axes in a row, for the functions
  above (and the toolkit's) to draw into.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..activations import get_activation
from ._base import new_axes

__all__ = ["plot_neuron_response", "plot_error_vs_width", "plot_fits", "plot_timings",
           "side_by_side"]


def side_by_side(ncols=2, figsize=(9.0, 3.2), dpi=80, **subplot_kw):
    """Return ``(fig, axes)``: a bare Figure (no pyplot) with ``ncols`` axes in one row."""
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, ncols, **subplot_kw)
    return fig, list(np.atleast_1d(axes))


def plot_neuron_response(neurons, activation="sigmoid", lo=-4.0, hi=4.0, ax=None, title=None):
    """a = σ(w·x + b) of a neuron with one input x ∈ [lo, hi], one curve per (w, b) in ``neurons``.

    Each curve's switch point x = −b/w (where z = 0) is marked with a dot.  Returns ``(fig, ax)``.
    """
    sigma = get_activation(activation)
    x = np.linspace(lo, hi, 401)
    fig, ax = new_axes(ax, figsize=(5.0, 3.0), dpi=80)
    for i, (w, b) in enumerate(neurons):
        colour = f"C{i}"
        ax.plot(x, sigma.f(w * x + b), color=colour, lw=2, label=f"w = {w:g}, b = {b:g}")
        if w != 0 and lo <= -b / w <= hi:
            ax.plot([-b / w], sigma.f(np.array([0.0])), "o", color=colour, ms=5)
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xlabel("input $x$")
    ax.set_ylabel(rf"$a = \mathrm{{{activation}}}(wx + b)$")
    ax.set_title(title or "one neuron; the dot marks x = −b/w")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    return fig, ax


def plot_error_vs_width(widths, errors, ax=None, ylabel="RMS error on [−1, 1]", title=None):
    """Error against the hidden width N on log-log axes.

    widths (m,); errors: dict label -> (m,) errors, one line per label (e.g. per target).
    Returns ``(fig, ax)``.
    """
    widths = np.asarray(widths, dtype=float)
    fig, ax = new_axes(ax, figsize=(5.4, 3.4), dpi=80)
    markers = "osD^v<>"
    for i, (label, errs) in enumerate(errors.items()):
        ax.loglog(widths, np.asarray(errs, dtype=float), marker=markers[i % len(markers)],
                  ms=4, lw=1.5, label=label)
    ax.set_xticks(widths)
    ax.set_xticklabels([f"{w:g}" for w in widths])
    ax.minorticks_off()
    ax.set_xlabel("hidden neurons N")
    ax.set_ylabel(ylabel)
    ax.set_title(title or "more neurons, smaller error")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", loc="lower left")
    return fig, ax


def plot_fits(x, target, fits, ax=None, title=None, target_label="target f"):
    """The target (dashed black) and every network output in ``fits`` against x.

    x (m,), target (m,); fits: dict label -> (m,) outputs.  Returns ``(fig, ax)``.
    """
    x, target = np.ravel(x), np.ravel(target)
    fig, ax = new_axes(ax, figsize=(5.4, 3.2), dpi=80)
    ax.plot(x, target, "--", color="black", lw=1.5, label=target_label, zorder=3)
    for i, (label, y) in enumerate(fits.items()):
        ax.plot(x, np.ravel(y), color=f"C{i}", lw=1.8, alpha=0.9, label=label)
    ax.set_xlabel("x")
    ax.set_xlim(x.min(), x.max())
    if title:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    return fig, ax


def plot_timings(sizes, seconds, xlabel, ax=None, title=None, per=None):
    """Measured seconds against a size (batch size, width …) on log-log axes.

    sizes (m,); seconds: dict label -> (m,) times, one line per method.  ``per`` = "sample"
    divides each time by the size (the cost of one sample).  Returns ``(fig, ax)``.
    """
    sizes = np.asarray(sizes, dtype=float)
    fig, ax = new_axes(ax, figsize=(5.0, 3.4), dpi=80)
    markers = "osD^v"
    for i, (label, t) in enumerate(seconds.items()):
        t = np.asarray(t, dtype=float)
        ax.loglog(sizes, t / sizes if per == "sample" else t, marker=markers[i % len(markers)],
                  ms=4, lw=1.5, label=label)
    ax.set_xticks(sizes)
    ax.set_xticklabels([f"{s:g}" for s in sizes])
    ax.minorticks_off()
    ax.set_xlabel(xlabel)
    ax.set_ylabel("seconds per sample" if per == "sample" else "seconds")
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    return fig, ax
