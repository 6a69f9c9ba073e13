"""Pictures: pure plot functions ``plot_x(..., ax=None) -> (fig, ax)`` and animations.

Figures are made with ``matplotlib.figure.Figure`` (not pyplot), so nothing leaks
into pyplot's global list of open figures.
"""

from ._base import new_axes, to_jshtml
from .notebook import setup_notebook

__all__ = ["new_axes", "to_jshtml", "setup_notebook"]

# Network diagram, forward pass, representations, gradient flow (toolkit pieces 1–4).
from .diagram import plot_network  # noqa: E402
from .forward import animate_forward  # noqa: E402
from .gradient_flow import animate_gradient_flow, plot_gradient_norms  # noqa: E402
from .representation import animate_representations, plot_representations  # noqa: E402

__all__ += ["plot_network", "animate_forward", "plot_representations", "animate_representations",
            "animate_gradient_flow", "plot_gradient_norms"]
