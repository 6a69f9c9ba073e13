"""Widget builders: each returns a widget tree for the notebook to display.

Every returned box carries ``controls`` (name -> control widget) and ``views``
(the :class:`~nnlib.widgets._view.FigureView` objects it draws into).
"""

from ._view import FigureView

__all__ = ["FigureView"]

# Forward pass, representations, gradient flow (toolkit pieces 2–4).
from .network_widgets import forward_pass_widget, gradient_flow_widget, representation_widget  # noqa: E402

__all__ += ["forward_pass_widget", "representation_widget", "gradient_flow_widget"]

# Vanishing gradients, activations, universal approximation, training (toolkit pieces 5–8).
from .explorers import (activation_widget, universal_approximation_widget,  # noqa: E402
                        vanishing_gradient_widget)
from .training_widgets import training_explorer  # noqa: E402

__all__ += ["vanishing_gradient_widget", "activation_widget", "universal_approximation_widget",
            "training_explorer"]
