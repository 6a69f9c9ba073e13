"""Helpers every picture uses: a fresh figure without pyplot, and jshtml animations."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def new_axes(ax=None, figsize=(5.0, 3.5), dpi=100, **subplot_kw):
    """Return ``(fig, ax)``: the given axes and its figure, or a new bare Figure with one axes."""
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(**subplot_kw)


def to_jshtml(anim, default_mode="loop"):
    """An animation as self-contained HTML+JavaScript (plays offline, no ffmpeg).

    Returns an ``IPython.display.HTML`` object for the notebook to show.
    """
    from IPython.display import HTML

    return HTML(anim.to_jshtml(default_mode=default_mode))


def new_panels(ncols, nrows=1, axes=None, figsize=None, dpi=80, **subplot_kw):
    """``(fig, axes)``: the given axes (a sequence) and their figure, or a new bare Figure
    with ``nrows × ncols`` panels (constrained layout, no pyplot).  ``axes`` is returned flat."""
    if axes is not None:
        axes = list(np.ravel(axes))
        if len(axes) != nrows * ncols:
            raise ValueError(f"axes must hold {nrows * ncols} axes, got {len(axes)}")
        return axes[0].figure, axes
    fig = Figure(figsize=figsize or (3.2 * ncols, 3.0 * nrows), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, list(np.ravel(fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)))
