"""The size of the signal layer by layer for several initialisations: the variance-vs-depth picture.

The numbers come from :func:`nnlib.analysis.initialization.variance_by_depth`.
"""

from __future__ import annotations

import numpy as np

from ._base import new_panels

_STYLES = [dict(color="C0", marker="v"), dict(color="C2", marker="o"),
           dict(color="C3", marker="s"), dict(color="C1", marker="^")]


def plot_variance_by_depth(variances: dict, axes=None):
    """One panel per activation, Var(z^(l)) against the layer l on a shared log y-axis.

    ``variances`` maps an activation name to ``{label: array (depth,)}``, e.g.
    ``{"relu": {"He (2/fan_in)": v, …}, "tanh": {…}}``.  Returns ``(fig, axes)``.
    """
    if not isinstance(variances, dict) or not variances:
        raise ValueError(f"variances must map at least one activation to its curves, got {variances!r}")
    fig, axes = new_panels(len(variances), axes=axes, figsize=(3.6 * len(variances), 3.2),
                           dpi=100, sharey=True)
    for ax, (activation, by_label) in zip(axes, variances.items()):
        for style, (label, values) in zip(_STYLES * 4, by_label.items()):
            values = np.asarray(values, dtype=float)
            layers = np.arange(1, values.size + 1)
            ax.semilogy(layers, values, ms=3.5, lw=1.3, label=str(label), **style)
        ax.set_title(f"{activation} layers", fontsize="medium")
        ax.set_xlabel("layer $l$")
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel(r"$\mathrm{Var}(z^{(l)})$")
    axes[-1].legend(fontsize="small", title=r"$\mathrm{Var}(w)$", title_fontsize="small",
                    loc="lower left")
    return fig, axes
