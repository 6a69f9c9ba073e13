"""Widget builders: each returns a widget tree for the notebook to display.

Every returned box carries ``controls`` (name -> control widget) and ``views``
(the :class:`~nnlib.widgets._view.FigureView` objects it draws into).
"""

from ._view import FigureView

__all__ = ["FigureView"]
