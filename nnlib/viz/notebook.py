"""``setup_notebook()``: the first line of every chapter, so its pictures are reproducible.

A chapter's saved outputs are checked by nbval and reviewed as diffs, so re-running a
chapter must give the same bytes.  This call fixes the two things that would otherwise
depend on where the kernel runs:

* the matplotlib settings that reach the saved files (resolution, SVG ids), and
* how a bare :class:`matplotlib.figure.Figure` is shown.  IPython only learns to show a
  Figure as PNG once the inline backend is activated (by ``import matplotlib.pyplot``),
  and not at all under ``MPLBACKEND=Agg`` as in CI.  nnlib never uses pyplot, so we
  register the PNG display ourselves, with the same options the inline backend uses, drawn
  at 1.5 pixels per pixel shown (sharp on high-density screens; see PIXEL_RATIO).
"""

from __future__ import annotations

import io
import struct

import matplotlib as mpl
from matplotlib.figure import Figure

# Every picture's pixel size comes from its own figure (``new_axes`` uses dpi=100,
# ``FigureView`` dpi=80), never from the machine's matplotlibrc.
RC = {
    "figure.dpi": 100,
    "savefig.dpi": "figure",
    "savefig.format": "png",
    "animation.frame_format": "png",  # jshtml frames
    "svg.hashsalt": "nnlib",          # SVG element ids stay the same between runs
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",     # ships with matplotlib, so the same on every machine
}

# What the inline backend passes to fig.savefig for a displayed figure.
PNG_KWARGS = {"bbox_inches": "tight"}

#: A displayed figure is drawn with this many pixels per pixel it takes on the page, so it
#: stays sharp on high-density screens; the PNG's width/height metadata keep the size on the
#: page (1.5 rather than 2: the chapters' notebooks stay within their size budget).
PIXEL_RATIO = 1.5


def figure_png(fig: Figure):
    """``(png_bytes, {"width": w, "height": h})``: ``fig`` drawn at PIXEL_RATIO × its dpi,
    shown at its own size (IPython reads a formatter's ``(data, metadata)`` pair)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi * PIXEL_RATIO, **PNG_KWARGS)
    data = buffer.getvalue()
    width, height = struct.unpack(">II", data[16:24])   # the PNG header's IHDR chunk
    return data, {"width": round(width / PIXEL_RATIO), "height": round(height / PIXEL_RATIO)}


def setup_notebook() -> None:
    """Fix matplotlib's output settings and show bare Figures as PNG in this kernel.

    Call it once, in a chapter's first code cell.  Outside IPython only the
    matplotlib settings are applied.
    """
    mpl.rcParams.update(RC)
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to display into
        return
    shell = get_ipython()
    if shell is None:
        return
    from IPython.core.pylabtools import select_figure_formats

    select_figure_formats(shell, {"png"}, **PNG_KWARGS)
    shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
