"""Loss against gradient-descent steps for a few learning rates.

The numbers come from :func:`nnlib.analysis.descent.descent_curves`.
"""

from __future__ import annotations

import numpy as np

from ._base import new_axes


def plot_descent_curves(curves: dict, ax=None, labels: dict | None = None):
    """The loss before each step, one line per learning rate, on a log y-axis.

    ``curves`` maps a learning rate to its losses (a shorter array: that run diverged and
    stopped; its last point is marked with a cross).  ``labels`` optionally names each rate.
    """
    fig, ax = new_axes(ax, figsize=(5.2, 3.2), dpi=100)
    for i, (lr, losses) in enumerate(curves.items()):
        losses = np.asarray(losses, dtype=float)
        label = f"η = {lr:g}" + (f" ({labels[lr]})" if labels and lr in labels else "")
        (line,) = ax.semilogy(np.arange(losses.size), losses, lw=1.6, color=f"C{i}", label=label)
        if losses.size and losses.size < max(len(c) for c in curves.values()):
            ax.plot(losses.size - 1, losses[-1], "x", ms=8, mew=2, color=line.get_color())
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("training loss $L$")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    return fig, ax
