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

import ipywidgets as widgets
import numpy as np

from .._checks import check_choice, check_int
from ..datasets import CLASSIFICATION, DATASETS
from ..optimizers import Adam
from ..training import train_epochs
from ..viz.representation import RepresentationArtists, class_colors, representation_views
from ._base import (_SLIDER, MAX_POINTS, FigureView, _box, _in_range, _mlp, _network_controls,
                    run_in_slices, sliced)

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
    _in_range(n, "n", 4, MAX_POINTS)
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
    picture = RepresentationArtists(view.axes[1], np.zeros(n))
    state = {"quiet": False, "trained": 0, "clicks": 0}

    def show_layer(change=None):
        if state["quiet"]:
            return
        picture.update(state["views"][controls["layer"].value])
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
        # Trains in slices that give the event loop a turn (run_in_slices): the page stays
        # live, also in the browser edition, which has no threads.
        X, y = state["data"]
        state["clicks"] += 1
        run = train_epochs(state["net"], X, y, optimizer=state["optimizer"], batch_size=32,
                           epochs=controls["epochs"].value, seed=seed + state["clicks"])
        busy = [controls[k] for k in ("train", "reset", "dataset", "layers", "width", "activation")]
        for control in busy:
            control.disabled = True
        status.value = "training…"

        def done():
            for control in busy:
                control.disabled = False
            state["trained"] += run.history.epochs_run
            status.value = _training_status(run.history, state["trained"])
            recompute()
            show_layer()

        state["task"] = run_in_slices(sliced(run), errors=box.errors, on_done=done)

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
    box = _box(rows, controls, [view], status=status)
    return box


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
