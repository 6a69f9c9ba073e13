"""Widgets that only Chapters 4 and 5 show: controls that pick among precomputed trainings.

A slider whose every move retrained a network would lag; these builders receive runs that
the chapter trained once (a small grid, see :func:`nnlib.analysis.training.sweep`) and a control
only *chooses* among them, so a move costs one redraw.

* :func:`activation_race_widget` — the same network trained with each activation: choose
  which loss curves to compare.
* :func:`regularization_lab` — overfit on purpose (few points, much noise), then
  regularise: every control retrains a small full-batch network at once.
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
import inspect

import ipywidgets as widgets
import numpy as np

from .._checks import check_int

from ..analysis.regularization import overfitting_data, weights
from ..analysis.training import final_losses, train_run
from ..chapter_settings import CH5_LAB
from ..viz.regularization import SweepSummaryArtists, WeightHistogramArtists
from ..viz.training import CurveArtists, DecisionBoundaryArtists
from ._base import (MAX_POINTS, BlitRefresher, FigureView, _in_range, check_runs, explorer_box,
                    fixed_layout)

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


def regularization_lab(settings=None, seed=0, n_val=270) -> widgets.VBox:
    """Overfit on purpose, then regularise: every control retrains the network at once.

    The data are noisy moons (:func:`nnlib.analysis.regularization.overfitting_data`); the
    network and its training are ``settings`` (keywords of
    :func:`nnlib.analysis.training.train_run`; default chapter 5's ``CH5_OVERFIT``, trained
    on the whole training set at every step).  Controls: ``n_train`` (training points) and
    ``noise`` (feature noise) — the two knobs that make overfitting — and ``l2`` (λ),
    ``dropout`` (p) and ``batch_norm``.  A small full-batch training takes about half a
    second, so each change retrains in the callback (each setting only once: the runs are
    kept).  The left panel shows the decision boundary over the training points
    (validation points hollow), the right one the loss curves with the epoch of the
    lowest validation loss marked — where early stopping
    would have kept the weights.
    """
    seed = check_int(seed, "seed", minimum=0)
    n_val = _in_range(n_val, "n_val", 2, MAX_POINTS)
    settings = _check_settings(CH5_LAB["train"] if settings is None else settings)
    controls = {
        "n_train": widgets.IntSlider(value=CH5_LAB["n_train"], min=20, max=400, step=10,
                                     description="training points", continuous_update=False),
        "noise": widgets.FloatSlider(value=CH5_LAB["noise"], min=0.0, max=0.6, step=0.05,
                                     description="noise", continuous_update=False),
        "l2": widgets.SelectionSlider(options=[(f"{v:g}", v) for v in CH5_LAB["lambdas"]],
                                      value=0.0, description="L2 λ", continuous_update=False),
        "dropout": widgets.SelectionSlider(options=[(f"{v:g}", v) for v in CH5_LAB["dropouts"]],
                                           value=0.0, description="dropout p",
                                           continuous_update=False),
        "batch_norm": widgets.Checkbox(value=False, description="batch normalisation"),
    }
    for control in controls.values():
        control.style = {"description_width": "110px"}
        control.layout = widgets.Layout(width="330px")
    caption = widgets.HTML()
    view = fixed_layout(FigureView(figsize=(7.6, 3.1), dpi=72, ncols=2,
                                   gridspec_kw={"width_ratios": [1, 1.15]}),
                        left=0.08, right=0.985, bottom=0.16, top=0.97, wspace=0.3)
    ax_data, ax_loss = view.axes
    data = overfitting_data(CH5_LAB["n_train"], CH5_LAB["noise"], n_val, seed)
    boundary = DecisionBoundaryArtists(ax_data, *data, m=40)
    boundary.add_legend()
    curves = CurveArtists(ax_loss, "loss")
    best_line = ax_loss.axvline(1, color="black", lw=1, ls=":", label="lowest validation loss")
    ax_loss.legend(loc="upper right", fontsize="small")
    state = {"data": data, "run": None}
    runs = {}            # (n_train, noise, λ, p, batch norm) -> Run

    def redraw(change=None):
        c = {name: w.value for name, w in controls.items()}
        if change is None or change["owner"] in (controls["n_train"], controls["noise"]):
            state["data"] = overfitting_data(c["n_train"], c["noise"], n_val, seed)
            boundary.set_data(*state["data"])
        key = tuple(c.values())
        if key not in runs:      # a setting seen before is shown at once
            runs[key] = train_run(state["data"], l2=c["l2"], dropout=c["dropout"],
                                  norm="batch" if c["batch_norm"] else None, **settings)
        run = state["run"] = runs[key]
        h = run.history
        best = int(np.argmin(h.val_loss))
        boundary.update(run.net)
        curves.update(h, max_epoch=settings.get("epochs"))
        best_line.set_xdata([best + 1, best + 1])
        caption.value = (f"<small>{len(state['data'].X_train)} training / {len(state['data'].X_val)} "
                         f"validation points · after epoch {h.epochs_run}: loss {h.train_loss[-1]:.3f} "
                         f"(training) vs {h.val_loss[-1]:.3f} (validation), accuracy "
                         f"{h.train_acc[-1]:.2f} vs {h.val_acc[-1]:.2f} · lowest validation loss "
                         f"{h.val_loss[best]:.3f} at epoch {best + 1} (accuracy {h.val_acc[best]:.2f})"
                         f"</small>")
        view.refresh()

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    box = explorer_box([widgets.HBox([widgets.VBox(list(controls.values())[:2]),
                                      widgets.VBox(list(controls.values())[2:])]),
                        caption, view.widget], controls, [view])
    box.lab = state
    return box


def _check_settings(settings) -> dict:
    """``settings`` as a dict of :func:`train_run` keywords (with ``sizes``), else a clear error."""
    if not isinstance(settings, dict):
        raise TypeError(f"settings must be a dict of train_run keywords such as "
                        f"{{'sizes': [2, 32, 32, 1], 'lr': 0.2}}, got {settings!r} ({type(settings).__name__})")
    allowed = [p for p in inspect.signature(train_run).parameters if p not in ("data", "callback", "value")]
    unknown = [k for k in settings if k not in allowed]
    if unknown or "sizes" not in settings:
        what = f"unknown keys {unknown}" if unknown else "no 'sizes'"
        raise ValueError(f"settings must hold train_run keywords ({', '.join(allowed)}), "
                         f"'sizes' among them; got {what}")
    return dict(settings)
