"""Widgets that only Chapters 4 and 5 show: controls that pick among precomputed trainings.

A slider whose every move retrained a network would lag; these builders receive runs that
the chapter trained once (a small grid, see :func:`nnlib.analysis.training.sweep`) and a control
only *chooses* among them, so a move costs one redraw.

* :func:`activation_race_widget` — the same network trained with each activation: choose
  which loss curves to compare.
* :func:`sweep_widget` — one network per value of a setting (L2 λ, dropout p …): a slider
  picks the value; decision boundary, weight histogram or loss curves, and the summary
  of the whole sweep follow.  Only the artists that change are redrawn, over a cached
  background (the toolkit's :class:`~nnlib.widgets._base.BlitRefresher`); every panel's
  axes stay fixed across the runs, so the background is drawn once.

Like the toolkit's builders they return a VBox carrying ``controls`` (name → widget) and
``views`` (list of :class:`~nnlib.widgets._base.FigureView`); the notebook displays it.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from ..analysis.regularization import weights
from ..analysis.training import final_losses
from ..viz.regularization import SweepSummaryArtists, WeightHistogramArtists
from ..viz.training import CurveArtists, DecisionBoundaryArtists
from ._base import BlitRefresher, FigureView, check_runs, explorer_box, fixed_layout

#: The panels :func:`sweep_widget` can show, besides the decision boundary.
PANELS = ("weights", "curves", "summary")


def sweep_widget(runs, data, name="λ", panels=("weights", "summary")) -> widgets.VBox:
    """A slider over precomputed runs: the chosen run's decision boundary and more.

    ``runs`` is a list of :class:`~nnlib.analysis.training.Run` (as from
    :func:`nnlib.analysis.training.sweep`), ``data`` the Dataset they were trained on, ``name`` the
    swept setting's symbol.  The decision boundary is drawn over the training points (what
    an overfitting network bends around).  ``panels`` adds, after it, any of
    ``"weights"`` (histogram of the chosen run's weights over the first run's),
    ``"curves"`` (its training and validation loss per epoch) and ``"summary"`` (final
    losses of every run, the chosen one marked).  Control: ``value`` (a selection slider).
    """
    runs = list(check_runs(runs, data, name, panels, PANELS))
    if not runs:
        raise ValueError("runs must hold at least one Run, got none")
    unknown = [p for p in panels if p not in PANELS]
    if unknown:
        raise ValueError(f"unknown panels {unknown}; choose from {list(PANELS)}")
    values = [r.value for r in runs]
    controls = {"value": widgets.SelectionSlider(
        options=[(f"{v:g}", i) for i, v in enumerate(values)], value=0, description=name,
        continuous_update=True, layout=widgets.Layout(width="420px"))}
    caption = widgets.HTML()
    n = 1 + len(panels)
    view = fixed_layout(FigureView(figsize=(3.4 + 3.0 * (n - 1), 3.0), dpi=72, ncols=n,
                                   gridspec_kw={"width_ratios": [1.15] + [1] * (n - 1)}),
                        left=0.2 / n, right=0.985, bottom=0.21, top=0.96, wspace=0.35)
    axes = view.axes if n > 1 else [view.axes]
    # Training points only: they are what an overfitting network bends its boundary around.
    boundary = DecisionBoundaryArtists(axes[0], data.X_train, data.y_train, m=50)
    updaters = []       # (update(i), moving_artists()) per panel
    for ax, panel in zip(axes[1:], panels):
        if panel == "weights":
            hist = WeightHistogramArtists(ax, weights(runs[0].net), f"{name} = {values[0]:g}")
            hist.top = max(hist.highest_count(weights(r.net)) for r in runs)
            updaters.append((lambda i, h=hist: h.update(weights(runs[i].net),
                                                        f"{name} = {values[i]:g}"), hist.moving_artists))
        elif panel == "curves":
            curves = CurveArtists(ax, "loss")
            epochs = max(r.history.epochs_run for r in runs)
            losses = np.concatenate([np.concatenate([r.history.train_loss, r.history.val_loss])
                                     for r in runs])
            losses = losses[np.isfinite(losses) & (losses > 0)]
            limits = (losses.min() / 1.5, losses.max() * 1.5)

            def update_curves(i, c=curves, limits=limits):
                c.update(runs[i].history, max_epoch=epochs)
                c.ax.set_ylim(*limits)          # the same axis for every run: no re-layout
            updaters.append((update_curves, lambda c=curves: [c.train_line, c.val_line]))
        else:
            train_loss, val_loss = final_losses(runs)
            summary = SweepSummaryArtists(ax, values, train_loss, val_loss, name)
            updaters.append((summary.update, summary.moving_artists))
    blit = BlitRefresher(view)

    def redraw(change=None):
        i = controls["value"].value
        h = runs[i].history
        boundary.update(runs[i].net)
        for update, _ in updaters:
            update(i)
        caption.value = (f"<b>{html.escape(name)} = {values[i]:g}</b>: validation loss "
                         f"{h.val_loss[-1]:.3f}, validation accuracy {h.val_acc[-1]:.2f}")
        blit.refresh(boundary.contours + [a for _, moving in updaters for a in moving()])

    controls["value"].observe(redraw, names="value")
    redraw()
    return explorer_box([controls["value"], caption, view.widget], controls, [view])
