"""``setup_notebook()``: the first line of every chapter, so its pictures are reproducible.

A chapter's saved outputs are checked by nbval and reviewed as diffs, so re-running a
chapter must give the same bytes.  This call fixes the two things that would otherwise
depend on where the kernel runs:

* the matplotlib settings that reach the saved files (resolution, SVG ids), and
* how a bare :class:`matplotlib.figure.Figure` is shown.  IPython only learns to show a
  Figure as PNG once the inline backend is activated (by ``import matplotlib.pyplot``),
  and not at all under ``MPLBACKEND=Agg`` as in CI.  nnlib never uses pyplot, so we
  register the PNG display ourselves, with the same options the inline backend uses.
"""

from __future__ import annotations

import matplotlib as mpl

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
