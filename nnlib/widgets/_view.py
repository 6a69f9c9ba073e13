"""FigureView: a matplotlib figure shown inside a widget tree as a PNG image.

A callback changes the figure's artists (``line.set_data``, ``im.set_data`` …) and calls
:meth:`FigureView.refresh`, which renders the figure with Agg and puts the PNG bytes in an
``ipywidgets.Image``.  The figure is a bare ``matplotlib.figure.Figure``: pyplot never
sees it, so widgets never leak open figures, and no front-end extension is needed.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


class FigureView:
    """A figure plus the Image widget that shows it.

    ``figsize`` in inches and ``dpi`` set the pixel size; ``render_count`` counts
    refreshes (tests read it to see that a control redrew the figure).
    """

    def __init__(self, figsize=(6.0, 4.0), dpi=80, nrows=1, ncols=1, **subplot_kw):
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.axes = self.figure.subplots(nrows, ncols, **subplot_kw)
        self.image = widgets.Image(format="png")
        self.image.layout.max_width = "100%"
        self.render_count = 0

    def refresh(self) -> None:
        """Render the figure as it is now into the Image widget."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        self.image.value = buffer.getvalue()
        self.render_count += 1

    @property
    def widget(self):
        return self.image
