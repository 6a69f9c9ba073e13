"""Explorers for the activations, gradients and approximation chapters.

* :func:`vanishing_gradient_widget` — depth, activation, initialiser, residual, batch norm
  → per-layer gradient norms at initialisation and after a few SGD steps.
* :func:`activation_widget` — choose activations and a z-range → σ, σ′, minima, saturation.
* :func:`universal_approximation_widget` — a 1-D target and N hidden neurons → the fit, each
  neuron's term, the error.

Each builder returns an ``ipywidgets.VBox`` with ``controls`` (name → widget) and ``views``
(list of :class:`~nnlib.widgets._view.FigureView`); the notebook displays it.  Every control
change recomputes (maths in :mod:`nnlib.diagnostics`), updates the existing artists in place
(helpers in :mod:`nnlib.viz`) and re-renders the view once.

Speed.  ``FigureView.refresh`` renders the whole figure to PNG, so every tick label is laid
out and rasterised again each time — most of a redraw on a small machine.  So these figures
use fixed margins instead of constrained layout (:func:`fixed_layout`; the layout solver costs
about one more draw), no minor ticks on log axes, titles and summaries in an
``ipywidgets.HTML`` line (free to redraw), and a :class:`BlitRefresher`: the axes, ticks and
grid are drawn once and kept as pixels; a change re-draws only the artists that move, onto a
copy of that background, unless an axis limit changed.
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import matplotlib
import numpy as np
from PIL import Image

from .._checks import check_int
from ..activations import HIDDEN_ACTIVATIONS
from ..datasets import REGRESSION
from ..diagnostics import fit_one_hidden_layer, gradient_norms_by_layer
from ..initializers import INITIALIZERS
from ..viz.activation_plots import ActivationCurves
from ..viz.approximation import ApproximationArtists
from ..viz.gradients import LayerNormLines
from ._view import FigureView

__all__ = ["vanishing_gradient_widget", "activation_widget", "universal_approximation_widget",
           "BlitRefresher", "fixed_layout", "explorer_box"]

_FIGSIZE, _DPI = (6.0, 3.5), 72
_WIDE = widgets.Layout(width="320px")
_STYLE = {"description_width": "90px"}


def fixed_layout(view: FigureView, **margins) -> FigureView:
    """Turn off the layout engine of ``view``'s figure and set fixed subplot margins.

    ``margins`` go to ``Figure.subplots_adjust`` (left, right, bottom, top, wspace, hspace,
    as fractions of the figure).  Returns the view.
    """
    # With no engine at all, savefig draws once; any engine (even a placeholder) makes it
    # draw twice.  ``None`` means "no engine" only while these two rc settings are off.
    with matplotlib.rc_context({"figure.autolayout": False,
                                "figure.constrained_layout.use": False}):
        view.figure.set_layout_engine(None)
    view.figure.subplots_adjust(**margins)
    return view


class BlitRefresher:
    """Refresh a :class:`FigureView` by re-drawing only the artists that move.

    ``refresh(moving)`` marks the ``moving`` artists animated (so ``canvas.draw()`` leaves
    them out), draws everything else once and keeps it as a pixel background, then pastes
    that background and draws ``moving`` on top, and puts the PNG into the view's Image
    widget (``render_count`` counts it like ``FigureView.refresh``).  The background is
    drawn again whenever an axes' limits or scales differ from last time, or ``key`` does
    (pass in ``key`` anything else that changes the static part).  ``FigureView.refresh``
    (a savefig) still draws everything, animated or not.
    """

    def __init__(self, view: FigureView):
        self.view = view
        self._background, self._key = None, None

    def refresh(self, moving, key=()) -> None:
        figure = self.view.figure
        canvas = figure.canvas
        for artist in moving:
            artist.set_animated(True)
        full_key = (key,) + tuple((ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale())
                                  for ax in figure.axes)
        if self._background is None or full_key != self._key:
            canvas.draw()
            self._background, self._key = canvas.copy_from_bbox(figure.bbox), full_key
        else:
            canvas.restore_region(self._background)
        for artist in sorted(moving, key=lambda a: a.get_zorder()):
            artist.axes.draw_artist(artist)
        buffer = io.BytesIO()
        Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA",
                         0, 1).save(buffer, format="png", compress_level=1)
        self.view.image.value = buffer.getvalue()
        self.view.render_count += 1


def explorer_box(children, controls: dict, views: list) -> widgets.VBox:
    """A VBox of ``children`` carrying ``controls`` and ``views`` for tests and notebooks."""
    box = widgets.VBox(children)
    box.controls = controls
    box.views = views
    return box


def _controls_column(controls):
    for control in controls.values():
        control.style = _STYLE
        control.layout = _WIDE
    return widgets.VBox(list(controls.values()))


# --- 5. vanishing gradients ------------------------------------------------------------------

def vanishing_gradient_widget(seed=0, max_depth=30) -> widgets.VBox:
    """Per-layer gradient norms ‖dW^(l)‖ of a deep MLP, before and after a few SGD steps.

    Controls: ``depth`` (hidden layers, 1 … max_depth), ``activation``, ``init``,
    ``residual`` (skip connections), ``batch_norm``, ``steps`` (SGD steps for the second
    curve).  The numbers are :func:`nnlib.diagnostics.gradient_norms_by_layer` with the
    same ``seed`` for every setting, so two settings differ only in what the controls say.
    """
    check_int(seed, "seed", minimum=0)
    max_depth = check_int(max_depth, "max_depth", minimum=1)
    controls = {
        "depth": widgets.IntSlider(value=min(10, max_depth), min=1, max=max_depth,
                                   description="hidden layers"),
        "activation": widgets.Dropdown(options=list(HIDDEN_ACTIVATIONS), value="sigmoid",
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
    lines = LayerNormLines(view.axes)
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


# --- 6. activations -------------------------------------------------------------------------

def activation_widget(seed=0) -> widgets.VBox:
    """σ(z) and σ′(z) of the chosen activations over a z-range, minima and saturation marked.

    Controls: ``activations`` (multi-select; none selected shows a hint), ``z_range``
    (a range slider on [−10, 10]; a range narrower than 0.5 is widened around its centre),
    ``derivative`` (show σ′), ``threshold`` (|σ′| below it counts as saturated).
    ``seed`` is accepted for the common builder signature; nothing here is random.
    """
    check_int(seed, "seed", minimum=0)
    controls = {
        "activations": widgets.SelectMultiple(options=list(HIDDEN_ACTIVATIONS),
                                              value=("relu", "gelu", "silu", "sigmoid"),
                                              rows=len(HIDDEN_ACTIVATIONS),
                                              description="activations"),
        "z_range": widgets.FloatRangeSlider(value=(-5.0, 5.0), min=-10.0, max=10.0, step=0.5,
                                            description="z range"),
        "derivative": widgets.Checkbox(value=True, description="show σ′ (dashed)"),
        "threshold": widgets.FloatSlider(value=0.05, min=0.01, max=0.25, step=0.01,
                                         description="saturated if |σ′| <"),
    }
    view = fixed_layout(FigureView(figsize=_FIGSIZE, dpi=_DPI), left=0.09, right=0.98,
                        bottom=0.13, top=0.97)
    curves = ActivationCurves(view.axes)
    blit = BlitRefresher(view)

    def redraw(change=None):
        lo, hi = controls["z_range"].value
        centre, half = 0.5 * (lo + hi), max(0.5 * (hi - lo), 0.25)
        curves.update(list(controls["activations"].value), centre - half, centre + half,
                      controls["derivative"].value, controls["threshold"].value)
        blit.refresh(curves.moving_artists())

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return explorer_box([_controls_column(controls), view.widget], controls, [view])


# --- 7. universal approximation ------------------------------------------------------------

def universal_approximation_widget(seed=0) -> widgets.VBox:
    """Fit a 1-D target with one hidden layer of N neurons; show the fit, the terms, the error.

    Controls: ``target`` (sine, step, abs, bumpy), ``n_hidden`` (1 … 100), ``activation``,
    ``show_neurons`` (the faint curves W2_j·σ(z_j)).  The hidden layer is placed and the
    output layer solved by least squares — see :func:`nnlib.diagnostics.fit_one_hidden_layer`
    for how, and why that shows *existence* of good weights rather than learning them.
    The fitted network is kept as ``box.net``.
    """
    check_int(seed, "seed", minimum=0)
    controls = {
        "target": widgets.Dropdown(options=list(REGRESSION), value="bumpy", description="target f"),
        "n_hidden": widgets.IntSlider(value=10, min=1, max=100, description="hidden neurons"),
        "activation": widgets.Dropdown(options=list(HIDDEN_ACTIVATIONS), value="relu",
                                       description="activation"),
        "show_neurons": widgets.Checkbox(value=True, description="show each neuron's term"),
    }
    view = fixed_layout(FigureView(figsize=(7.0, 3.2), dpi=_DPI, ncols=2), left=0.07,
                        right=0.98, bottom=0.14, top=0.9, wspace=0.3)
    artists = ApproximationArtists(*view.axes, titles=False)
    blit = BlitRefresher(view)
    summary = widgets.HTML()
    box = explorer_box([_controls_column(controls), summary, view.widget], controls, [view])

    def redraw(change=None):
        c = {name: w.value for name, w in controls.items()}
        box.net = fit_one_hidden_layer(c["target"], c["n_hidden"], c["activation"], seed)
        stats = artists.update(box.net, c["target"], c["show_neurons"])
        summary.value = (f"{c['n_hidden']} hidden {c['activation']} neuron"
                         f"{'s' * (c['n_hidden'] != 1)} fit <i>{c['target']}</i> with RMS error "
                         f"<b>{stats['rms']:.2g}</b> (largest {stats['max']:.2g}).")
        blit.refresh(artists.moving_artists())

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return box
