"""Widgets about gradients: how their norm changes with depth (:func:`vanishing_gradient_widget`)
and δ flowing backwards through a network diagram (:func:`gradient_flow_widget`).

The numbers come from :mod:`nnlib.analysis.gradients` and ``net.loss_and_grads``, the
pictures from :mod:`nnlib.viz.gradients`.  Builders return the widget tree.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .._checks import check_int
from ..activations import hidden_activations
from ..analysis.gradients import gradient_norms_by_layer
from ..analysis.initialization import recommended_init
from ..datasets import DATASETS
from ..initializers import INITIALIZERS
from ..viz.gradients import (GradientBarArtists, GradientFlowArtists, LayerNormArtists,
                             add_gradient_colorbar)
from ._base import (_DPI, _FIGSIZE, MAX_POINTS, BlitRefresher, FigureView, _box, _controls_column,
                    _in_range, _mlp,
                    _network_controls, _Stepper, explorer_box, fixed_layout)

# --- 5. vanishing gradients ------------------------------------------------------------------

def vanishing_gradient_widget(seed=0, max_depth=30) -> widgets.VBox:
    """Per-layer gradient norms ‖dW^(l)‖ of a deep MLP, before and after a few SGD steps.

    Controls: ``depth`` (hidden layers, 1 … max_depth), ``activation``, ``init``,
    ``residual`` (skip connections), ``batch_norm``, ``steps`` (SGD steps for the second
    curve).  The numbers are :func:`nnlib.analysis.gradients.gradient_norms_by_layer` with the
    same ``seed`` for every setting, so two settings differ only in what the controls say.
    """
    check_int(seed, "seed", minimum=0)
    max_depth = check_int(max_depth, "max_depth", minimum=1)
    controls = {
        "depth": widgets.IntSlider(value=min(10, max_depth), min=1, max=max_depth,
                                   description="hidden layers"),
        "activation": widgets.Dropdown(options=list(hidden_activations()), value="sigmoid",
                                       description="activation"),
        "init": widgets.Dropdown(options=list(INITIALIZERS), value="xavier_normal",
                                 description="initializer"),
        "residual": widgets.Checkbox(value=False, description="residual (skip) connections"),
        "batch_norm": widgets.Checkbox(value=False, description="batch normalisation"),
        "steps": widgets.IntSlider(value=5, min=0, max=10, description="SGD steps"),
    }
    summary = widgets.HTML()
    view = fixed_layout(FigureView(figsize=_FIGSIZE, dpi=_DPI), left=0.14, right=0.97,
                        bottom=0.14, top=0.88)
    lines = LayerNormArtists(view.axes)
    blit = BlitRefresher(view)

    def redraw(change=None):
        c = {name: w.value for name, w in controls.items()}
        try:
            norms = gradient_norms_by_layer(c["depth"], c["activation"], c["init"], c["residual"],
                                            "batch" if c["batch_norm"] else None, c["steps"], seed)
        except ValueError as exc:          # overflow already at initialisation: say so, draw nothing
            lines.update({"at initialization": np.full(c["depth"] + 1, np.nan)})
            summary.value = html.escape(str(exc))
        else:
            lines.update(norms)
            summary.value = _gradient_summary(norms["at initialization"])
        blit.refresh(lines.lines + lines.floored + [view.axes.get_legend()])

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return explorer_box([_controls_column(controls), summary, view.widget], controls, [view])


def _gradient_summary(norms):
    """One sentence comparing the first layer's gradient with the last one's."""
    L = len(norms)
    if not norms[-1] > 0:
        return f"At initialisation layer {L} gets no gradient at all (‖dW<sup>{L}</sup>‖ = 0)."
    return (f"At initialisation, layer 1 gets <b>{norms[0] / norms[-1]:.2g}</b> × the gradient "
            f"norm of layer {L} (‖dW<sup>1</sup>‖ = {norms[0]:.2g}, "
            f"‖dW<sup>{L}</sup>‖ = {norms[-1]:.2g}).")


# --- 4. gradient flow --------------------------------------------------------------------------

def gradient_flow_widget(seed=0, layers=5, width=6, activation="sigmoid", n=100):
    """δ flowing backwards through an MLP [2, width × layers, 1] on the moons data set.

    Left: the diagram, edges coloured by |∂L/∂W| (log scale).  Right: ‖∂L/∂W^(l)‖ per layer
    (log scale), the layers reached so far highlighted.  Controls: ``layers`` (hidden layers
    1–8), ``width`` (1–16), ``activation``, ``init`` (the weight initialiser; choosing an
    activation selects the one :func:`~nnlib.analysis.initialization.recommended_init` derives
    for it — He for ReLU-like, Xavier otherwise — and a line under the controls says which is
    recommended), and ``play`` / ``frame`` (frame f lights layers L … L−f+1).  Try sigmoid with
    8 layers: the gradient fades towards the input.
    """
    check_int(seed, "seed", minimum=0)
    X, y = DATASETS["moons"](n=_in_range(n, "n", 2, MAX_POINTS), seed=seed)
    controls = _network_controls(layers, width, activation, max_layers=8, max_width=16)
    controls["init"] = widgets.Dropdown(options=list(INITIALIZERS), description="init",
                                        value=recommended_init(controls["activation"].value))
    advice = widgets.HTML()
    # dpi 90: the caption and the layer labels stay readable at the size the page shows them
    view = FigureView(figsize=(6.6, 3.4), dpi=90, ncols=2, width_ratios=[2.3, 1])
    add_gradient_colorbar(view.axes[0])      # the diagram's log colour scale (fixed: relative)
    bars = GradientBarArtists(view.axes[1])
    state = {"picture": None}

    def light_bars(frame):
        bars.set_lit(state["picture"].lit_layers(frame))

    stepper = _Stepper(view, n_frames=layers + 2, after_draw=light_bars)

    def rebuild(change=None):
        if state["picture"] is not None:
            state["picture"].remove()
        act, init = controls["activation"].value, controls["init"].value
        net = _mlp(seed, controls["layers"].value, controls["width"].value, act, init=init)
        state["picture"] = picture = GradientFlowArtists(view.axes[0], net, X, y)
        bars.update(picture.norms)
        stepper.show(picture.draw, picture.n_frames)
        best = recommended_init(act)
        advice.value = (f"init <b>{init}</b> with σ = {act}: "
                        + ("the recommended pairing." if init == best else
                           f"not the recommended pairing (for {act}: <b>{best}</b>)."))

    def new_activation(change):
        best = recommended_init(change["new"])
        if controls["init"].value != best:
            controls["init"].value = best          # its observer rebuilds
        else:
            rebuild()

    for name in ("layers", "width", "init"):
        controls[name].observe(rebuild, "value")
    controls["activation"].observe(new_activation, "value")
    controls.update(play=stepper.play, frame=stepper.slider)
    rebuild()
    rows = [widgets.HBox([controls["layers"], controls["width"], controls["activation"],
                          controls["init"]]),
            advice, view.widget, widgets.HBox([stepper.play, stepper.slider])]
    return _box(rows, controls, [view])
