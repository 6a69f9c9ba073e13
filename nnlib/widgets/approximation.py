"""Universal approximation as a widget: a 1 → N → 1 fit of a target, neuron by neuron.

The fit comes from :mod:`nnlib.analysis.approximation`, the picture from
:mod:`nnlib.viz.approximation`.  The builder returns the widget tree.
"""

from __future__ import annotations

import ipywidgets as widgets

from .._checks import check_int
from ..activations import hidden_activations
from ..analysis.approximation import TRAIN_LR, TRAIN_STEPS, fit_one_hidden_layer, train_one_hidden_layer
from ..datasets import REGRESSION
from ..viz.approximation import ApproximationArtists
from ._base import (_DPI, BlitRefresher, FigureView, _controls_column, explorer_box, fixed_layout,
                    guard_callbacks)

# --- 7. universal approximation ------------------------------------------------------------

def universal_approximation_widget(seed=0) -> widgets.VBox:
    """Fit a 1-D target with one hidden layer of N neurons; show the fit, the terms, the error.

    Controls: ``target`` (sine, step, abs, bumpy), ``n_hidden`` (1 … 100), ``activation``,
    ``show_neurons`` (the faint curves W2_j·σ(z_j)) and ``weights``: "constructed" places the
    hidden layer and solves the output layer by least squares
    (:func:`nnlib.analysis.approximation.fit_one_hidden_layer`: good weights *exist*);
    "trained" starts from random weights and runs a short gradient descent
    (:func:`~nnlib.analysis.approximation.train_one_hidden_layer`, cached per setting: can they
    be *found*?).  The network shown is kept as ``box.net``.
    """
    check_int(seed, "seed", minimum=0)
    controls = {
        "target": widgets.Dropdown(options=list(REGRESSION), value="bumpy", description="target f"),
        "n_hidden": widgets.IntSlider(value=10, min=1, max=100, description="hidden neurons"),
        "activation": widgets.Dropdown(options=list(hidden_activations()), value="relu",
                                       description="activation"),
        "show_neurons": widgets.Checkbox(value=True, description="show each neuron's term"),
        "weights": widgets.Dropdown(options=["constructed", "trained"], value="constructed",
                                    description="weights"),
    }
    view = fixed_layout(FigureView(figsize=(7.0, 3.2), dpi=_DPI, ncols=2), left=0.07,
                        right=0.98, bottom=0.14, top=0.9, wspace=0.3)
    artists = ApproximationArtists(*view.axes, titles=False)
    blit = BlitRefresher(view)
    summary = widgets.HTML()
    box = explorer_box([_controls_column(controls), summary, view.widget], controls, [view])

    def redraw(change=None):
        c = {name: w.value for name, w in controls.items()}
        make = fit_one_hidden_layer if c["weights"] == "constructed" else train_one_hidden_layer
        box.net = make(c["target"], c["n_hidden"], c["activation"], seed)
        stats = artists.update(box.net, c["target"], c["show_neurons"])
        how = ("weights constructed (placed + least squares)" if c["weights"] == "constructed" else
               f"weights trained ({TRAIN_STEPS} full-batch Adam steps, η = {TRAIN_LR:g}, from random)")
        summary.value = (f"{c['n_hidden']} hidden {c['activation']} neuron"
                         f"{'s' * (c['n_hidden'] != 1)} fit <i>{c['target']}</i> with RMS error "
                         f"<b>{stats['rms']:.2g}</b> (largest {stats['max']:.2g}); {how}.")
        blit.refresh(artists.moving_artists())

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return guard_callbacks(box)      # the observers came after explorer_box: guard them too
