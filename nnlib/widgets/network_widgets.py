"""Widgets for the architecture, forward-pass and backprop chapters.

* :func:`forward_pass_widget`    — a sample flows through a network whose depth and width you choose;
* :func:`representation_widget`  — a 2-D data set as each layer sees it, before and after training;
* :func:`gradient_flow_widget`   — δ flows back from the output; per-layer ‖∂L/∂W‖ bars.

Each builder returns a ``VBox`` with ``.controls`` (name -> widget) and ``.views`` (FigureViews)
and never displays anything.  The animations are driven by a Play button linked to a frame
slider; a frame is only a recolouring of artists that already exist, so stepping is cheap, and a
control that changes the network rebuilds the network and its picture on the same axes.
"""

from __future__ import annotations

from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np

from nnlib._checks import check_choice, check_float, check_int
from nnlib.activations import HIDDEN_ACTIVATIONS
from nnlib.datasets import CLASSIFICATION, DATASETS
from nnlib.network import MLP
from nnlib.optimizers import Adam
from nnlib.training import train
from nnlib.viz.diagram import MAX_NEURONS
from nnlib.viz.forward import ForwardPassPicture
from nnlib.viz.gradient_flow import GradientBars, GradientFlowPicture
from nnlib.viz.representation import RepresentationPicture, class_colors, representation_views

from ._view import FigureView

__all__ = ["forward_pass_widget", "representation_widget", "gradient_flow_widget"]

PLAY_INTERVAL = 700   # ms between frames when playing
_SLIDER = dict(continuous_update=False, style={"description_width": "initial"})


def _box(rows, controls, views, **extras):
    """The returned widget: a VBox that also exposes ``controls`` and ``views`` for tests.

    The views have been drawn once; from now on their axes stay where constrained layout put
    them.  With no layout engine at all (``None``, unlike ``"none"``) ``savefig`` also skips
    its extra measuring pass over every text and tick: together about 40% of a redraw.
    """
    for view in views:
        view.figure.set_layout_engine(None)
    box = widgets.VBox(rows)
    box.controls, box.views = controls, views
    for name, value in extras.items():
        setattr(box, name, value)
    return box


class _Stepper:
    """A Play button linked to a frame slider; each frame is drawn on demand by ``draw(frame)``.

    ``show(draw, n_frames)`` installs a new picture (after a rebuild) without a spurious
    redraw while the slider's range changes, then draws the current frame once.  A slider
    that stood on the last frame stays on the last frame.
    """

    def __init__(self, view, n_frames, frame=None, after_draw=None):
        last = n_frames - 1
        frame = last if frame is None else frame
        self.view, self.after_draw, self._draw, self._quiet = view, after_draw, None, False
        self.play = widgets.Play(value=frame, min=0, max=last, step=1, interval=PLAY_INTERVAL,
                                 description="play")
        self.slider = widgets.IntSlider(value=frame, min=0, max=last, description="frame",
                                        **_SLIDER)
        widgets.link((self.play, "value"), (self.slider, "value"))
        self.slider.observe(lambda change: self.redraw(), "value")

    @contextmanager
    def quiet(self):
        """Change controls without redrawing on every intermediate value."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def show(self, draw, n_frames):
        self._draw = draw
        at_end = self.slider.value == self.slider.max
        with self.quiet():
            for control in (self.play, self.slider):
                control.max = n_frames - 1
            if at_end:
                self.slider.value = n_frames - 1
        self.redraw()

    def redraw(self):
        if self._quiet or self._draw is None:
            return
        self._draw(self.slider.value)
        if self.after_draw is not None:
            self.after_draw(self.slider.value)
        self.view.refresh()


def _in_range(value, name, low, high):
    """``value`` as an int in low … high (a control's range), or a ValueError naming ``name``."""
    value = check_int(value, name, minimum=low)
    if value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return value


def _network_controls(layers, width, activation, max_layers, max_width):
    """The three controls that define a network: hidden ``layers``, their ``width``, ``activation``."""
    return {
        "layers": widgets.IntSlider(value=_in_range(layers, "layers", 1, max_layers), min=1,
                                    max=max_layers, description="hidden layers", **_SLIDER),
        "width": widgets.IntSlider(value=_in_range(width, "width", 1, max_width), min=1,
                                   max=max_width, description="width", **_SLIDER),
        "activation": widgets.Dropdown(options=HIDDEN_ACTIVATIONS, description="σ",
                                       value=check_choice(activation, "activation", HIDDEN_ACTIVATIONS)),
    }


def _mlp(seed, layers, width, activation, d=2, k=1, **options):
    """[d] + [width] * layers + [k], sigmoid head: the networks these widgets draw."""
    return MLP([d] + [width] * layers + [k], activation=activation, head="sigmoid", seed=seed,
               **options)


# --- 2. forward pass ---------------------------------------------------------------------------

def forward_pass_widget(seed=0, layers=2, width=4, activation="tanh", x=(0.8, -0.4),
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
        state["picture"] = ForwardPassPicture(view.axes, net, sample(), max_neurons=max_neurons)
        stepper.show(state["picture"].draw, state["picture"].n_frames)

    def new_input(change):
        state["picture"].set_input(sample())
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


# --- 3. representations ------------------------------------------------------------------------

def representation_widget(seed=0, dataset="moons", layers=3, width=2, activation="tanh", n=200):
    """A 2-D data set as layer l sees it (right) beside the network's decision regions (left).

    Controls: ``dataset`` (moons, circles, spirals, xor), ``layers`` (hidden layers 1–4),
    ``width`` (1–8; 2 shows the values themselves, wider layers a PCA projection),
    ``activation``, ``layer`` (0 … L, starting on the last hidden layer), ``z`` (show z^(l)
    before σ), ``epochs`` and the ``train`` button (Adam, lr 0.03, batches of 32; press again
    to continue) and ``reset`` (fresh weights).
    """
    check_int(seed, "seed", minimum=0)
    check_int(n, "n", minimum=4)
    controls = {
        "dataset": widgets.Dropdown(options=CLASSIFICATION, description="data",
                                    value=check_choice(dataset, "dataset", CLASSIFICATION)),
        **_network_controls(layers, width, activation, max_layers=4, max_width=8),
        # starts on the last hidden layer: the representation the output layer separates
        "layer": widgets.IntSlider(value=layers, min=0, max=layers + 1, description="layer l", **_SLIDER),
        "z": widgets.Checkbox(value=False, description="before σ (z)", indent=False),
        "epochs": widgets.IntSlider(value=50, min=10, max=200, step=10, description="epochs", **_SLIDER),
        "train": widgets.Button(description="train", icon="play"),
        "reset": widgets.Button(description="reset weights", icon="undo"),
    }
    # epochs only sets how long the next press of train runs: the browser test is told so
    controls["epochs"].add_class("nn-no-redraw")
    status = widgets.Label()
    view = FigureView(figsize=(6.4, 3.2), dpi=72, ncols=2)
    regions = _DecisionRegions(view.axes[0])
    picture = RepresentationPicture(view.axes[1], np.zeros(n))
    state = {"quiet": False, "trained": 0, "clicks": 0}

    def show_layer(change=None):
        if state["quiet"]:
            return
        picture.show(state["views"][controls["layer"].value])
        view.refresh()

    def recompute():
        X, y = state["data"]
        state["views"] = representation_views(state["net"], X, y, z=controls["z"].value)
        regions.show(state["net"])

    def rebuild(change=None):
        X, y = DATASETS[controls["dataset"].value](n=n, seed=seed)
        state.update(data=(X, y), trained=0, optimizer=Adam(lr=0.03),
                     net=_mlp(seed, controls["layers"].value, controls["width"].value,
                              controls["activation"].value))
        regions.set_points(X, y)
        picture.set_labels(y)
        state["quiet"] = True
        controls["layer"].max = controls["layers"].value + 1
        state["quiet"] = False
        status.value = (f"fresh weights (seed {seed}): press train" if change is controls["reset"]
                        else f"untrained network (seed {seed}): press train")
        recompute()
        show_layer()

    def on_train(button):
        X, y = state["data"]
        state["clicks"] += 1
        history = train(state["net"], X, y, optimizer=state["optimizer"], batch_size=32,
                        epochs=controls["epochs"].value, seed=seed + state["clicks"])
        state["trained"] += history.epochs_run
        status.value = _training_status(history, state["trained"])
        recompute()
        show_layer()

    def on_z(change):
        recompute()
        show_layer()

    for name in ("dataset", "layers", "width", "activation"):
        controls[name].observe(rebuild, "value")
    controls["reset"].on_click(rebuild)
    controls["layer"].observe(show_layer, "value")
    controls["z"].observe(on_z, "value")
    controls["train"].on_click(on_train)
    rebuild()
    rows = [widgets.HBox([controls[k] for k in ("dataset", "layers", "width", "activation")]),
            view.widget,
            widgets.HBox([controls["layer"], controls["z"]]),
            widgets.HBox([controls["epochs"], controls["train"], controls["reset"], status])]
    return _box(rows, controls, [view], status=status)


def _training_status(history, total):
    if history.diverged:
        return history.message
    acc = f", accuracy {100 * history.train_acc[-1]:.0f}%" if history.train_acc else ""
    return f"trained {total} epochs: loss {history.train_loss[-1]:.3f}{acc}"


class _DecisionRegions:
    """P(class 1) over the input plane as an image, with the data on top (left panel)."""

    def __init__(self, ax, m=60):
        self.ax, self.m = ax, m
        self.image = ax.imshow(np.zeros((m, m)), origin="lower", cmap="RdBu_r", vmin=0, vmax=1,
                               alpha=0.45, aspect="auto", interpolation="bilinear")
        self.points = ax.scatter([], [], s=7, linewidths=0, zorder=2)
        ax.text(0.5, 1.01, "input plane: P(y = 1 | x)", transform=ax.transAxes, ha="center",
                va="bottom", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.locator_params(nbins=4)

    def set_points(self, X, y):
        low, high = X.min(axis=0), X.max(axis=0)
        pad = 0.1 * (high - low)
        self.extent = (low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1])
        self.points.set_offsets(X)
        self.points.set_facecolors(class_colors(y))
        self.image.set_extent(self.extent)
        self.ax.set_xlim(self.extent[:2])
        self.ax.set_ylim(self.extent[2:])

    def show(self, net):
        x0, x1, y0, y1 = self.extent
        u, v = np.meshgrid(np.linspace(x0, x1, self.m), np.linspace(y0, y1, self.m))
        p = net.predict(np.column_stack([u.ravel(), v.ravel()]).astype(net.dtype))   # (m², 1)
        self.image.set_data(p[:, 0].reshape(self.m, self.m))


# --- 4. gradient flow --------------------------------------------------------------------------

def gradient_flow_widget(seed=0, layers=5, width=6, activation="sigmoid", n=100):
    """δ flowing backwards through an MLP [2, width × layers, 1] on the moons data set.

    Left: the diagram, edges coloured by |∂L/∂W| (log scale).  Right: ‖∂L/∂W^(l)‖ per layer
    (log scale), the layers reached so far highlighted.  Controls: ``layers`` (hidden layers
    1–8), ``width`` (1–16), ``activation``, and ``play`` / ``frame`` (frame f lights layers
    L … L−f+1).  Try sigmoid with 8 layers: the gradient fades towards the input.
    """
    check_int(seed, "seed", minimum=0)
    X, y = DATASETS["moons"](n=check_int(n, "n", minimum=2), seed=seed)
    controls = _network_controls(layers, width, activation, max_layers=8, max_width=16)
    view = FigureView(figsize=(6.6, 3.4), dpi=72, ncols=2, width_ratios=[2.3, 1])
    bars = GradientBars(view.axes[1])
    state = {"picture": None}

    def light_bars(frame):
        bars.set_lit(state["picture"].lit_layers(frame))

    stepper = _Stepper(view, n_frames=layers + 2, after_draw=light_bars)

    def rebuild(change=None):
        if state["picture"] is not None:
            state["picture"].remove()
        net = _mlp(seed, controls["layers"].value, controls["width"].value,
                   controls["activation"].value, init="xavier_normal")
        state["picture"] = picture = GradientFlowPicture(view.axes[0], net, X, y)
        bars.set_norms(picture.norms)
        stepper.show(picture.draw, picture.n_frames)

    for name in ("layers", "width", "activation"):
        controls[name].observe(rebuild, "value")
    controls.update(play=stepper.play, frame=stepper.slider)
    rebuild()
    rows = [widgets.HBox([controls["layers"], controls["width"], controls["activation"]]),
            view.widget, widgets.HBox([stepper.play, stepper.slider])]
    return _box(rows, controls, [view])
