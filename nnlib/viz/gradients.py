"""Per-layer gradient norms on a log scale: the vanishing/exploding-gradient picture.

The numbers come from :func:`nnlib.diagnostics.gradient_norms_by_layer`; this module only
draws them.  :class:`LayerNormLines` keeps one line per series and updates it in place, so a
widget can redraw at slider speed; :func:`plot_layer_gradient_norms` is the one-shot version.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator, NullLocator

from ._base import new_axes

__all__ = ["plot_layer_gradient_norms", "LayerNormLines", "NORM_FLOOR"]

#: Norms below this (including exact zeros) are drawn on the bottom edge, as open triangles.
NORM_FLOOR = 1e-40
_STYLES = [dict(color="C0", marker="o"), dict(color="C3", marker="s"),
           dict(color="C2", marker="^"), dict(color="C4", marker="D")]


class LayerNormLines:
    """Lines of ‖dW^(l)‖ against the layer index l on a log y-axis, updated in place.

    ``update(norms_dict)`` takes ``{label: array (L,)}`` (as returned by
    ``gradient_norms_by_layer``); up to four series.  Values that are 0 or below
    :data:`NORM_FLOOR` are drawn at the floor as open triangles ▽ (a log axis cannot show 0);
    NaN/inf entries are left out.
    """

    def __init__(self, ax, max_series: int = len(_STYLES)):
        self.ax = ax
        ax.set_yscale("log")
        # Decade ticks only: a log axis's minor ticks cost about a third of a redraw.
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("layer l (1 = next to the input)")
        ax.set_ylabel(r"$\|\partial L / \partial W^{(l)}\|_F$")
        ax.grid(True, which="major", alpha=0.3)
        self.lines = [ax.plot([], [], lw=1.5, ms=4, **_STYLES[i])[0] for i in range(max_series)]
        self.floored = [ax.plot([], [], ls="none", marker="v", mfc="none", ms=6,
                                color=_STYLES[i]["color"])[0] for i in range(max_series)]

    def update(self, norms_dict: dict) -> None:
        if not isinstance(norms_dict, dict) or not norms_dict:
            raise TypeError(f"norms_dict must be a non-empty dict label -> array of per-layer "
                            f"norms, got {type(norms_dict).__name__}")
        if len(norms_dict) > len(self.lines):
            raise ValueError(f"norms_dict can hold at most {len(self.lines)} series, "
                             f"got {len(norms_dict)}")
        shown, n_layers = [], 1
        for i, line in enumerate(self.lines):
            if i >= len(norms_dict):
                line.set_data([], [])
                self.floored[i].set_data([], [])
                continue
            label, norms = list(norms_dict.items())[i]
            norms = np.asarray(norms, dtype=float).reshape(-1)              # (L,)
            layer = np.arange(1, norms.size + 1)
            finite = np.isfinite(norms)
            low = finite & (norms < NORM_FLOOR)
            drawn = np.where(finite, np.maximum(norms, NORM_FLOOR), np.nan)
            line.set_data(layer, drawn)
            line.set_label(str(label))
            self.floored[i].set_data(layer[low], np.full(low.sum(), NORM_FLOOR))
            shown.append(drawn[finite])
            n_layers = max(n_layers, norms.size)
        # Limits in coarse steps (5 layers; whole decades) so that they change rarely: a
        # widget redraws its cached axes background only when a limit changes.
        self.ax.set_xlim(0.5, 5 * np.ceil(n_layers / 5) + 0.5)
        self.ax.xaxis.set_major_locator(_integer_locator(n_layers))
        values = np.concatenate(shown) if shown else np.array([])
        self.ax.set_ylim(*_log_limits(values))
        handles = self.lines[:len(norms_dict)]
        if any(len(f.get_xdata()) for f in self.floored):
            handles = handles + [self.floored[0]]
            self.floored[0].set_label(f"0 or < {NORM_FLOOR:.0e}")
        self.ax.legend(handles=handles, loc="best", fontsize="small")


def plot_layer_gradient_norms(norms_dict: dict, ax=None):
    """Plot ‖dW^(l)‖_F per layer on a log scale, one line per entry of ``norms_dict``.

    ``norms_dict`` maps a label (e.g. "at initialization") to an array of shape (L,), the
    norm of layer l at index l − 1 — the output of
    :func:`nnlib.diagnostics.gradient_norms_by_layer`.  A straight falling line on this
    log axis is a *geometric* decay: the gradient is multiplied by a factor < 1 per layer.
    Returns ``(fig, ax)``.
    """
    fig, ax = new_axes(ax, figsize=(6.0, 3.5), dpi=80)
    LayerNormLines(ax).update(norms_dict)
    ax.set_title("gradient norm per layer")
    return fig, ax


def _log_limits(values):
    """y-limits of a log axis around the positive finite ``values`` (a decade of margin)."""
    if values.size == 0:
        return NORM_FLOOR / 10, 1.0
    lo, hi = float(values.min()), float(values.max())
    # The bottom moves in steps of three decades: a deep network's first layer keeps
    # falling by decades as the depth grows.
    return 10 ** (3 * np.floor(np.log10(lo) / 3) - 0.3), 10 ** (np.ceil(np.log10(hi)) + 0.3)


def _integer_locator(n_layers):
    return MaxNLocator(nbins=min(5 * int(np.ceil(n_layers / 5)), 8), integer=True)
