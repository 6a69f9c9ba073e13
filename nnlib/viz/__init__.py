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

# Gradient norms per layer, activations, universal approximation, training (toolkit pieces 5–8).
from .activation_plots import plot_activations  # noqa: E402
from .approximation import (plot_approximation, plot_approximation_error,  # noqa: E402
                            plot_neuron_contributions)
from .gradients import plot_layer_gradient_norms  # noqa: E402
from .training_plots import (plot_accuracy_curves, plot_decision_boundary,  # noqa: E402
                             plot_loss_curves)

__all__ += ["plot_layer_gradient_norms", "plot_activations", "plot_approximation",
            "plot_neuron_contributions", "plot_approximation_error", "plot_decision_boundary",
            "plot_loss_curves", "plot_accuracy_curves"]
