"""Pictures: pure plot functions ``plot_x(..., ax=None) -> (fig, ax)`` and animations.

Figures are made with ``matplotlib.figure.Figure`` (not pyplot), so nothing leaks
into pyplot's global list of open figures.
"""

from ._base import new_axes, to_jshtml
from .notebook import setup_notebook

__all__ = ["new_axes", "to_jshtml", "setup_notebook"]
