"""Universal approximation: a 1 → N → 1 network's fit of a 1-D target, neuron by neuron.

The network usually comes from :func:`nnlib.analysis.approximation.fit_one_hidden_layer`; the split of
its output into the neurons' shares W2_j · σ(z_j(x)) from
:func:`nnlib.analysis.approximation.neuron_contributions`.  Here we only draw:

* :func:`plot_approximation` — target f, fit ŷ = Σ_j W2_j σ(z_j) + b2, and (faint) every term;
* :func:`plot_neuron_contributions` — the terms alone, on their own scale;
* :func:`plot_approximation_error` — ŷ(x) − f(x).
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from ..analysis.approximation import neuron_contributions, target_function
from ._base import new_axes

__all__ = ["plot_approximation", "plot_neuron_contributions", "plot_approximation_error",
           "ApproximationArtists"]

_N_POINTS = 200       # enough for ReLU kinks; 100 neurons × 200 points stay quick to draw
_FIT, _TARGET, _NEURON, _ERROR = "C0", "black", "C1", "C3"


def _curves(net, target, n_points=_N_POINTS):
    """x (m,), f(x) (m,), ŷ(x) (m,), contributions (m, N)."""
    f = target_function(target)
    x = np.linspace(-1.0, 1.0, n_points)
    parts, b2 = neuron_contributions(net, x)
    y_hat = parts.sum(axis=1) + b2
    return x, np.asarray(f(x), dtype=float).reshape(-1), y_hat, parts


class ApproximationArtists:
    """The fit (with faint neuron terms) on ``ax_fit`` and the error on ``ax_err``, in place.

    Either axes may be ``None``.  ``titles=False`` leaves the titles out (a widget shows
    the same numbers as HTML, which costs nothing to redraw).  The fit axes keeps the target's range (plus a margin):
    neuron terms larger than that run off the top or bottom — with ReLU they are ramps
    that cancel in pairs, and can be far larger than f itself.
    """

    def __init__(self, ax_fit=None, ax_err=None, titles=True):
        self.ax_fit, self.ax_err, self.titles = ax_fit, ax_err, titles
        if ax_fit is not None:
            self.neurons = LineCollection([], colors=_NEURON, linewidths=0.8, alpha=0.35,
                                          label=r"$W^{(2)}_j\,\sigma(z_j)$")
            ax_fit.add_collection(self.neurons)
            self.target_line, = ax_fit.plot([], [], color=_TARGET, ls="--", lw=1.5, label="target f")
            self.fit_line, = ax_fit.plot([], [], color=_FIT, lw=2.2, label="fit ŷ")
            ax_fit.set_xlim(-1, 1)
            ax_fit.set_xlabel("x")
            # Above the axes, in one row: inside, it would hide part of the curves.
            ax_fit.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, fontsize="small",
                          frameon=False, borderaxespad=0.2, handlelength=1.5, columnspacing=1.0)
            ax_fit.grid(True, alpha=0.3)
        if ax_err is not None:
            ax_err.axhline(0, color="black", lw=0.6)
            self.err_fill = ax_err.fill_between([-1.0, 1.0], [0.0, 0.0], [0.0, 0.0],
                                                color=_ERROR, alpha=0.3, lw=0)
            self.err_line, = ax_err.plot([], [], color=_ERROR, lw=1.2)
            ax_err.set_xlim(-1, 1)
            ax_err.set_xlabel("x")
            ax_err.set_ylabel("ŷ(x) − f(x)")
            ax_err.grid(True, alpha=0.3)

    def update(self, net, target, show_neurons=True) -> dict:
        """Redraw for ``net`` and ``target``; returns {"rms", "max"} of the error and "n_hidden"."""
        x, f, y_hat, parts = _curves(net, target)
        err = y_hat - f                                                      # (m,)
        stats = {"rms": float(np.sqrt(np.mean(err ** 2))), "max": float(np.max(np.abs(err)))}
        n_hidden = parts.shape[1]
        if self.ax_fit is not None:
            self.target_line.set_data(x, f)
            self.fit_line.set_data(x, y_hat)
            segments = np.stack([np.broadcast_to(x, parts.T.shape), parts.T], axis=-1)   # (N, m, 2)
            self.neurons.set_segments(segments if show_neurons else [])
            lo, hi = float(f.min()), float(f.max())
            pad = 0.35 * max(hi - lo, 0.1)
            self.ax_fit.set_ylim(lo - pad, hi + pad)
            if self.titles:
                self.ax_fit.set_title(f"{n_hidden} hidden neuron{'s' * (n_hidden != 1)} "
                                      f"({net.activation})", fontsize="medium", loc="right")
        if self.ax_err is not None:
            # the polygon between err and 0 (set_verts: matplotlib 3.8 has no fill set_data)
            self.err_fill.set_verts([np.column_stack([np.r_[x, x[::-1]], np.r_[err, 0.0 * err]])])
            self.err_line.set_data(x, err)
            bound = _coarse_ceiling(1.1 * max(stats["max"], 1e-6))  # limits that change rarely
            self.ax_err.set_ylim(-bound, bound)
            if self.titles:
                self.ax_err.set_title(f"error: RMS {stats['rms']:.3g}, max {stats['max']:.3g}",
                                      fontsize="medium")
        stats["n_hidden"] = n_hidden
        return stats

    def moving_artists(self) -> list:
        """Everything ``update`` changes (for a widget that redraws only those)."""
        moving = []
        if self.ax_fit is not None:
            moving += [self.neurons, self.target_line, self.fit_line]
        if self.ax_err is not None:
            moving += [self.err_fill, self.err_line]
        return moving


def _coarse_ceiling(x: float) -> float:
    """The smallest number ≥ x of the form 1 × 10^k or 3 × 10^k (two steps a decade)."""
    power = 10.0 ** np.floor(np.log10(x))
    return next(step * power for step in (1, 3, 10) if step * power >= x * (1 - 1e-12))


def plot_approximation(net, target, ax=None, show_neurons=True):
    """Plot the target f (dashed), the network's fit ŷ (thick) and, faintly, each neuron's term.

    ``net`` is a 1 → N → 1 MLP (e.g. from :func:`nnlib.analysis.approximation.fit_one_hidden_layer`),
    ``target`` a name (sine, step, abs, bumpy) or a callable f(x).  The output is the sum
    ŷ(x) = Σ_j W2_j σ(z_j(x)) + b2 of the faint curves plus the bias.  Returns ``(fig, ax)``.
    """
    fig, ax = new_axes(ax, figsize=(6.0, 3.5), dpi=80)
    ApproximationArtists(ax_fit=ax).update(net, target, show_neurons)
    return fig, ax


def plot_neuron_contributions(net, ax=None):
    """Plot each hidden neuron's term W2_j · σ(z_j(x)) on x ∈ [−1, 1], on its own scale.

    The bias b2 is drawn as a horizontal dotted line; the network's output is the sum of
    all the curves and b2.  Returns ``(fig, ax)``.
    """
    fig, ax = new_axes(ax, figsize=(6.0, 3.5), dpi=80)
    x = np.linspace(-1.0, 1.0, _N_POINTS)
    parts, b2 = neuron_contributions(net, x)                                # (m, N)
    segments = np.stack([np.broadcast_to(x, parts.T.shape), parts.T], axis=-1)
    ax.add_collection(LineCollection(segments, colors=_NEURON, linewidths=1.0, alpha=0.6))
    ax.axhline(b2, color="black", ls=":", lw=1, label=f"b2 = {b2:.3g}")
    ax.set_xlim(-1, 1)
    lo, hi = min(parts.min(), b2), max(parts.max(), b2)
    pad = 0.05 * max(hi - lo, 1e-3)
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlabel("x")
    ax.set_ylabel(r"$W^{(2)}_j\,\sigma(z_j(x))$")
    ax.set_title(f"the {parts.shape[1]} neurons' terms")
    ax.legend(loc="best", fontsize="small")
    return fig, ax


def plot_approximation_error(net, target, ax=None):
    """Plot the error ŷ(x) − f(x) on [−1, 1], its RMS and maximum in the title.

    Returns ``(fig, ax)``.
    """
    fig, ax = new_axes(ax, figsize=(6.0, 3.0), dpi=80)
    ApproximationArtists(ax_err=ax).update(net, target)
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
