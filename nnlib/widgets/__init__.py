"""Widget builders: each returns a widget tree for the notebook to display.

One module per topic, named like the pictures it shows (:mod:`nnlib.viz`): ``forward``,
``representation``, ``gradients``, ``activations``, ``approximation``, ``training``,
``regularization``; shared pieces (FigureView, the redraw helper, the layout of a control
column) live in ``_base``.  Every returned box carries ``controls`` (name -> control
widget) and ``views`` (the :class:`~nnlib.widgets._base.FigureView` objects it draws into).
"""

from ._base import FigureView
from .activations import activation_race_widget, activation_widget
from .approximation import universal_approximation_widget
from .forward import forward_pass_widget
from .gradients import gradient_flow_widget, vanishing_gradient_widget
from .regularization import regularization_lab, sweep_widget
from .representation import representation_widget
from .training import training_explorer

__all__ = ["FigureView", "forward_pass_widget", "representation_widget", "gradient_flow_widget",
           "vanishing_gradient_widget", "activation_widget", "activation_race_widget",
           "universal_approximation_widget", "training_explorer", "sweep_widget",
           "regularization_lab"]
