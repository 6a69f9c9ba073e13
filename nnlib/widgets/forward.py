"""The forward pass as a widget: one sample flows through a network diagram, layer by layer.

The picture is :class:`nnlib.viz.forward.ForwardPassArtists`; the builder returns the widget tree.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .._checks import check_float, check_int
from ..viz.forward import ForwardPassArtists
from ..viz.network import MAX_NEURONS
from ._base import _SLIDER, FigureView, _box, _mlp, _network_controls, _Stepper

# --- 2. forward pass ---------------------------------------------------------------------------

def forward_pass_widget(seed=0, layers=4, width=4, activation="tanh", x=(0.8, -0.4),
                        max_neurons=MAX_NEURONS):
    """One input x = (x₁, x₂) flowing through an MLP [2, width × layers, 1] (sigmoid output).

    Controls: ``layers`` (hidden layers 1–6), ``width`` (1–16; wider than ``max_neurons``
    shows "+N"), ``activation``, ``x1``, ``x2``, and ``play`` / ``frame`` stepping through the
    L + 1 frames (frame l lights layers 0 … l).  Weights come from ``seed``.
    """
    check_int(seed, "seed", minimum=0)
    if not isinstance(x, (tuple, list, np.ndarray)) or len(x) != 2:
        raise ValueError(f"x must be a point (x1, x2), got {x!r}")
    x = [check_float(v, f"x[{i}]", low=-1.5, high=1.5) for i, v in enumerate(x)]
    controls = _network_controls(layers, width, activation, max_layers=6, max_width=16)
    controls.update({
        "x1": widgets.FloatSlider(value=x[0], min=-1.5, max=1.5, step=0.1, description="x₁", **_SLIDER),
        "x2": widgets.FloatSlider(value=x[1], min=-1.5, max=1.5, step=0.1, description="x₂", **_SLIDER),
    })
    view = FigureView(figsize=(6.0, 3.5), dpi=72)
    stepper = _Stepper(view, n_frames=layers + 2)
    state = {"picture": None}

    def sample():
        return np.array([controls["x1"].value, controls["x2"].value])

    def rebuild(change=None):
        if state["picture"] is not None:
            state["picture"].remove()
        net = _mlp(seed, controls["layers"].value, controls["width"].value, controls["activation"].value)
        state["picture"] = ForwardPassArtists(view.axes, net, sample(), max_neurons=max_neurons)
        stepper.show(state["picture"].draw, state["picture"].n_frames)

    def new_input(change):
        state["picture"].update(sample())
        stepper.redraw()

    for name in ("layers", "width", "activation"):
        controls[name].observe(rebuild, "value")
    for name in ("x1", "x2"):
        controls[name].observe(new_input, "value")
    controls.update(play=stepper.play, frame=stepper.slider)
    rebuild()
    rows = [widgets.HBox([controls["layers"], controls["width"], controls["activation"]]),
            widgets.HBox([controls["x1"], controls["x2"]]), view.widget,
            widgets.HBox([stepper.play, stepper.slider])]
    return _box(rows, controls, [view])
