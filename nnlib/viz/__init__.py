"""Pictures: pure plot functions ``plot_x(..., ax=None) -> (fig, ax)`` and animations.

One module per topic, named like the numbers it draws (:mod:`nnlib.analysis`) and the
widgets built on it (:mod:`nnlib.widgets`): ``network``, ``forward``, ``representation``,
``gradients``, ``cost``, ``activations``, ``approximation``, ``training``,
``regularization``; plus ``tables`` (Markdown tables) and ``_base`` (one axes / panel
helper).

Pictures that update in place (for widgets and animations) follow one protocol: a class
``<Thing>Artists`` draws once on the axes it is given, ``update(...)`` redraws from new data
without making new artists, and ``moving_artists()`` (where a widget blits) lists what
changes.  Frame-by-frame pictures add ``n_frames`` and ``draw(frame)``.  Figures are made with ``matplotlib.figure.Figure`` (not pyplot), so nothing
leaks into pyplot's global list of open figures.
"""

from ._base import new_axes, new_panels, to_jshtml
from .activations import plot_activations
from .approximation import plot_approximation, plot_approximation_error, plot_neuron_contributions
from .forward import animate_forward
from .gradients import animate_gradient_flow, plot_gradient_norms, plot_layer_gradient_norms
from .network import plot_network
from .notebook import setup_notebook
from .representation import animate_representations, plot_representations
from .training import plot_accuracy_curves, plot_decision_boundary, plot_loss_curves

__all__ = ["new_axes", "new_panels", "to_jshtml", "setup_notebook", "plot_network", "animate_forward",
           "plot_representations", "animate_representations", "animate_gradient_flow",
           "plot_gradient_norms", "plot_layer_gradient_norms", "plot_activations",
           "plot_approximation", "plot_neuron_contributions", "plot_approximation_error",
           "plot_decision_boundary", "plot_loss_curves", "plot_accuracy_curves"]
