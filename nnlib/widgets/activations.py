"""Widgets about activation functions: σ and σ′ with their saturation (:func:`activation_widget`)
and the activation race of chapter 4 (:func:`activation_race_widget`).

The numbers come from :mod:`nnlib.analysis.activations`, the pictures from
:mod:`nnlib.viz.activations`.  Builders return the widget tree; the notebook displays it.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from .._checks import check_int
from ..activations import hidden_activations
from ..viz.activations import ActivationArtists, RaceArtists
from ._base import (_DPI, _FIGSIZE, BlitRefresher, FigureView, _controls_column, check_histories,
                    explorer_box, fixed_layout)

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
        "activations": widgets.SelectMultiple(options=list(hidden_activations()),
                                              value=("relu", "gelu", "silu", "sigmoid"),
                                              rows=len(hidden_activations()),
                                              description="activations"),
        "z_range": widgets.FloatRangeSlider(value=(-5.0, 5.0), min=-10.0, max=10.0, step=0.5,
                                            description="z range"),
        "derivative": widgets.Checkbox(value=True, description="show σ′ (dashed)"),
        "threshold": widgets.FloatSlider(value=0.05, min=0.01, max=0.25, step=0.01,
                                         description="saturated if |σ′| <"),
    }
    view = fixed_layout(FigureView(figsize=_FIGSIZE, dpi=_DPI), left=0.09, right=0.98,
                        bottom=0.13, top=0.97)
    curves = ActivationArtists(view.axes)
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


def activation_race_widget(histories: dict, shown=None, start=None) -> widgets.VBox:
    """Training and validation loss of one network trained with each activation.

    ``histories`` maps an activation name to the :class:`~nnlib.training.History` of its run
    (same data, same initial seed, same optimizer) — or, for a grid of such races, maps
    ``(init, lr)`` to such a dict (as :func:`nnlib.analysis.activations.activation_grid`
    gives, with histories); then two more controls choose among them: ``init`` (the
    initialiser: ``"recommended"`` = each activation its own) and ``lr`` (the learning rate),
    starting at the key ``start`` (default: the first).  Controls: ``show_<name>``, one toggle
    button per activation (several can be on at once).  ``shown`` is the initial choice
    (default: all).  Choosing among precomputed runs costs one redraw, nothing is trained.
    """
    grid = None
    if isinstance(histories, dict) and histories and all(isinstance(k, tuple) for k in histories):
        grid = histories
        start = next(iter(grid)) if start is None else start
        if start not in grid:
            raise ValueError(f"start must be one of the grid's keys {list(grid)}, got {start!r}")
        histories = grid[start]
    check_histories(histories, shown)
    names = list(histories)
    # One ToggleButton per name, so that several can be on at once.
    toggles = {n: widgets.ToggleButton(value=shown is None or n in shown, description=n,
                                       layout=widgets.Layout(width="90px")) for n in names}
    controls = {f"show_{n}": t for n, t in toggles.items()}
    setting_row = []
    if grid is not None:
        inits = list(dict.fromkeys(k[0] for k in grid))
        lrs = sorted(set(k[1] for k in grid))
        controls["init"] = widgets.Dropdown(options=[(_INIT_LABELS.get(i, i), i) for i in inits],
                                            value=start[0], description="initialisation",
                                            style={"description_width": "90px"},
                                            layout=widgets.Layout(width="300px"))
        controls["lr"] = widgets.SelectionSlider(options=[(f"{lr:g}", lr) for lr in lrs],
                                                 value=start[1], description="learning rate",
                                                 style={"description_width": "90px"},
                                                 layout=widgets.Layout(width="300px"))
        setting_row = [widgets.HBox([controls["init"], controls["lr"]])]
    caption = widgets.HTML()
    view = fixed_layout(FigureView(figsize=(8.0, 3.0), dpi=72, ncols=2), left=0.08, right=0.98,
                        bottom=0.16, top=0.9, wspace=0.22)
    artists = RaceArtists(view.axes[0], view.axes[1], histories)

    def redraw(change=None):
        if grid is not None:
            key = (controls["init"].value, controls["lr"].value)
            if key in grid:
                artists.set_histories(grid[key])
                caption.value = (f"<small>{html.escape(_INIT_LABELS.get(key[0], key[0]))}, "
                                 f"learning rate {key[1]:g}: final validation loss "
                                 + ", ".join(f"{n} {grid[key][n].val_loss[-1]:.3f}" for n in names)
                                 + "</small>")
            else:
                caption.value = "<small>not in the precomputed grid</small>"
        artists.update([n for n in names if toggles[n].value])
        view.refresh()

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return explorer_box(setting_row + [widgets.HBox(list(toggles.values())), caption,
                                       view.widget], controls, [view])


#: How the race widget names the initialisers it offers.
_INIT_LABELS = {"recommended": "each its own (He: ReLU family; Xavier: tanh, sigmoid)",
                "he_normal": "He for all", "xavier_normal": "Xavier for all"}
