"""Training explorer: train a classifier on a 2-D data set and watch it learn.

The picture has three panels — the decision boundary over the data, the training and
validation loss, and the accuracy — and a row of controls for the data set and every
hyperparameter the regularisation chapter discusses.  **Train** starts training a fresh
network (same seed every time, so a run is reproducible); **Stop** ends it after the current
epoch.  If the loss blows up, training stops by itself and the status line says so, naming
the learning rate (:class:`nnlib.training.History` ``.message``); the plots then show the last
finite state, never NaN.

How training stays out of the way of the notebook.  A widget callback runs on the kernel's
event loop, and the kernel handles the next message from the browser — such as a click on
Stop — only when the loop gets a turn.  Threads are not an option: the browser edition
(Pyodide) has none.  So **Train** starts an asyncio task on the kernel's running loop
(ipykernel's in JupyterLab, Pyodide's webloop in the browser edition) that trains in slices:
:func:`nnlib.training.train_epochs` one epoch at a time, and after at most :data:`SLICE`
seconds of training it awaits ``asyncio.sleep(0)``, which lets the loop handle a click on Stop
(a flag the next slice checks) and send the widget updates.  The figure is redrawn every
:data:`UPDATE_EVERY` seconds (start to start, at the epoch boundary nearest before that time).
While a run goes on the model controls and Train are disabled; they are enabled again when it
ends — stopped, diverged, finished or failed (an error is shown in the status line, see
:class:`nnlib.widgets._base.ErrorLine`).  ``run_training(blocking=True)`` runs the same slices
without the loop, for tests and scripts, and so does a click when no event loop runs at all.

How the plots keep up.  A full redraw of the three panels lays out and rasterises every tick
label again (50–100 ms on a small machine).  During a run only the moving artists change —
probability map, boundary, points, curves — while axis limits stay put (the epoch axis spans
the whole run, the loss axis whole decades), so a
:class:`~nnlib.widgets._base.BlitRefresher` draws the rest once, keeps it as a pixel
background and, per update, pastes it back and draws only the moving artists: about a
quarter of the cost.  When a limit does change, the background is redrawn.
"""

from __future__ import annotations

import asyncio
import html
import time

import ipywidgets as widgets

from .._checks import check_int
from ..activations import hidden_activations
from ..datasets import CLASSIFICATION, load_dataset
from ..network import MLP
from ..optimizers import SGD
from ..training import History, train_epochs
from ..viz.training import CurveArtists, DecisionBoundaryArtists
from ._base import (MAX_POINTS, SLICE, BlitRefresher, FigureView, _in_range, current_task, event_loop,
                    explorer_box, fixed_layout)

#: Seconds from the start of one plot update to the start of the next while training.
UPDATE_EVERY = 0.1
#: ... but at least this share of UPDATE_EVERY trains between two updates (slow redraws).
MIN_TRAINING_SHARE = 0.2
#: Mini-batch size of every run.
BATCH_SIZE = 32


def training_explorer(seed=0, n=300) -> widgets.VBox:
    """Build the training explorer: data, decision boundary, loss and accuracy curves.

    Controls (``box.controls``): ``dataset`` (moons, circles, spirals, xor), ``lr``
    (learning rate of plain SGD, log slider 10⁻³ … 10²), ``width`` and ``depth`` of the
    hidden layers, ``activation``, ``l2`` and ``l1`` (penalty strengths λ), ``dropout``
    (drop probability p), ``batch_norm`` and ``epochs``.  ``n`` points are split 3 : 1 into
    training and validation; mini-batches of :data:`BATCH_SIZE`.

    The returned box also has ``buttons`` ({"train", "stop"}), ``progress`` (IntProgress),
    ``status`` (HTML), ``run_training(blocking=False)``, ``stop_training()`` and ``explorer``
    (the state: ``net``, ``history``, ``task`` — the asyncio task of a run the Train button
    started, ``update_times`` — the ``time.perf_counter()`` of every redraw during the last run,
    ``yield_times`` — of every turn given to the event loop).
    """
    return _TrainingExplorer(check_int(seed, "seed", minimum=0), _in_range(n, "n", 8, MAX_POINTS)).box


class _TrainingExplorer:
    """The state behind one training explorer: data, network, history, the training task."""

    def __init__(self, seed, n):
        self.seed, self.n = seed, n
        self.controls = {
            "dataset": widgets.Dropdown(options=list(CLASSIFICATION), value="moons",
                                        description="data set"),
            "lr": widgets.FloatLogSlider(value=0.3, base=10, min=-3, max=2, step=0.1,
                                         description="learning rate", readout_format=".3g"),
            "width": widgets.IntSlider(value=16, min=1, max=64, description="width"),
            "depth": widgets.IntSlider(value=2, min=1, max=6, description="hidden layers"),
            "activation": widgets.Dropdown(options=list(hidden_activations()), value="relu",
                                           description="activation"),
            "l2": widgets.FloatSlider(value=0.0, min=0.0, max=0.05, step=0.001,
                                      description="L2 λ", readout_format=".3f"),
            "l1": widgets.FloatSlider(value=0.0, min=0.0, max=0.05, step=0.001,
                                      description="L1 λ", readout_format=".3f"),
            "dropout": widgets.FloatSlider(value=0.0, min=0.0, max=0.8, step=0.05,
                                           description="dropout p"),
            "batch_norm": widgets.Checkbox(value=False, description="batch normalisation"),
            "epochs": widgets.IntSlider(value=300, min=10, max=3000, step=10, description="epochs"),
        }
        self.train_button = widgets.Button(description="Train", button_style="success", icon="play")
        self.stop_button = widgets.Button(description="Stop", button_style="danger", icon="stop",
                                          disabled=True)
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="epoch 0")
        self.status = widgets.HTML("Choose a setting and press <b>Train</b>.")
        self.summary = widgets.HTML()
        self.view = fixed_layout(
            FigureView(figsize=(8.4, 3.0), dpi=72, ncols=3, gridspec_kw={"width_ratios": [1.15, 1, 1]}),
            left=0.08, right=0.99, bottom=0.15, top=0.97, wspace=0.32)
        ax_data, ax_loss, ax_acc = self.view.axes
        self.loss_curves = CurveArtists(ax_loss, "loss")
        self.acc_curves = CurveArtists(ax_acc, "acc")
        self._blitter = BlitRefresher(self.view)

        self._stop_requested = False
        self.task = None
        self.running = False
        self.error = None
        self.update_times, self.yield_times = [], []
        self.data = self._load_data()
        self.boundary = DecisionBoundaryArtists(ax_data, *self.data, m=40)
        self._moving = [self.boundary.train_points, self.boundary.val_points,
                        self.loss_curves.train_line, self.loss_curves.val_line,
                        self.acc_curves.train_line, self.acc_curves.val_line]
        self.net = self._build_net()
        self.history = History()

        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.train_button.on_click(lambda _: self.run_training(blocking=False))
        self.stop_button.on_click(lambda _: self.stop_training())
        self._reset_view()

        columns = list(self.controls.values())
        for control in columns:
            control.style = {"description_width": "100px"}
            control.layout = widgets.Layout(width="300px")
        buttons = widgets.HBox([self.train_button, self.stop_button, self.progress])
        self.box = explorer_box(
            [widgets.HBox([widgets.VBox(columns[:5]), widgets.VBox(columns[5:])]),
             buttons, self.status, self.summary, self.view.widget],
            self.controls, [self.view], status=self.status, on_error=self._after_error)
        self.box.buttons = {"train": self.train_button, "stop": self.stop_button}
        self.box.progress, self.box.status = self.progress, self.status
        self.box.run_training, self.box.stop_training = self.run_training, self.stop_training
        self.box.explorer = self

    # --- set-up from the controls ------------------------------------------------------
    def _config(self) -> dict:
        return {name: w.value for name, w in self.controls.items()}

    def _load_data(self):
        return load_dataset(self.controls["dataset"].value, n=self.n, seed=self.seed)

    def _build_net(self) -> MLP:
        c = self._config()
        return MLP([2] + [c["width"]] * c["depth"] + [1], activation=c["activation"],
                   head="sigmoid", dropout=c["dropout"], norm="batch" if c["batch_norm"] else None,
                   seed=self.seed)

    def _on_change(self, change):
        """A control moved: show the fresh, untrained network of the new setting."""
        if self.running:          # the controls are disabled then; ignore programmatic changes
            return
        if change["owner"] is self.controls["dataset"]:
            self.data = self._load_data()
            self.boundary.set_data(*self.data)
        self.net = self._build_net()
        self.history = History()
        self._reset_view()

    def _reset_view(self):
        self.progress.max, self.progress.value = self.controls["epochs"].value, 0
        self.progress.description = "epoch 0"
        self.status.value = "Untrained network. Press <b>Train</b>."
        self.summary.value = _summary(self._config(), self.data)
        self._draw(self.history, epochs=self.controls["epochs"].value)

    # --- training ------------------------------------------------------------------------
    def run_training(self, blocking: bool = False) -> bool:
        """Train a fresh network with the current controls; False if a run is going on.

        ``blocking=False`` (the Train button) starts an asyncio task on the running event
        loop and returns at once (with no event loop running, it trains before returning);
        ``blocking=True`` trains before returning and raises what training raises.
        """
        if self.running:
            return False
        self.running = True
        try:
            config = self._config()
            self._stop_requested = False
            self.error = None
            self.update_times, self.yield_times = [], []
            self.net = self._build_net()
            self.history = History()
            self._set_controls_enabled(False)
            self.progress.max, self.progress.value = config["epochs"], 0
            self.status.value = "training…"
            slices = self._slices(config)
        except BaseException:
            self._finish()
            raise
        loop = event_loop()
        if blocking or loop is None:
            try:
                for _ in slices:
                    pass
            except Exception as exc:
                self.error = exc
                raise
            finally:
                self._finish()
        else:
            self.task = loop.create_task(self._train_async(slices))
        return True

    def stop_training(self) -> None:
        """Ask a running training to stop after its current epoch (the Stop button)."""
        self._stop_requested = True

    async def _train_async(self, slices):
        """Run ``slices``, giving the event loop a turn after each; errors go to the status line."""
        try:
            for _ in slices:
                self.yield_times.append(time.perf_counter())
                await asyncio.sleep(0)
        except Exception as exc:            # noqa: BLE001 — a task has nobody to raise to
            self.error = exc
            self.box.errors.show(exc)       # "⚠ …" in the status line; _after_error re-enables
        finally:
            self._finish()

    def _slices(self, config):
        """Train ``config``; a generator that yields whenever the event loop should get a turn."""
        X_train, y_train, X_val, y_val = self.data
        # The status line shows the divergence message: no warning on top of it.
        run = train_epochs(self.net, X_train, y_train, X_val, y_val, optimizer=SGD(config["lr"]),
                           epochs=config["epochs"], batch_size=BATCH_SIZE, l2=config["l2"],
                           l1=config["l1"], seed=self.seed, warn=False)
        self.history = history = run.history
        last_start = last_end = last_epoch = slice_start = time.perf_counter()
        for epoch in run:
            if self._stop_requested:
                run.stop(f"stopped after epoch {epoch}")
                break
            # Redraw every UPDATE_EVERY seconds, start to start, so that the interval does not
            # grow by the redraw's own time — and already after this epoch if waiting for the
            # next one (as long as this one took) would overshoot.  A slow redraw still leaves
            # some training in between.
            now = time.perf_counter()
            epoch_time, last_epoch = now - last_epoch, now
            if (now - last_start + epoch_time >= UPDATE_EVERY
                    and now - last_end >= MIN_TRAINING_SHARE * UPDATE_EVERY):
                last_start = now
                self._draw(history, epoch, config["epochs"])
                last_end = last_epoch = time.perf_counter()
            if last_epoch - slice_start >= SLICE:
                yield epoch                 # the loop handles a click on Stop, sends updates
                if self._stop_requested:
                    run.stop(f"stopped after epoch {epoch}")
                    break
                slice_start = last_epoch = time.perf_counter()
        self._draw(history, history.epochs_run, config["epochs"])
        self.status.value = _final_status(history, config)

    def _after_error(self, exc) -> None:
        """After a callback's error is shown: no run goes on, the controls are usable."""
        if self.task is None or self.task.done() or self.task is current_task():
            self._finish()

    def _finish(self) -> None:
        self._set_controls_enabled(True)
        self.running = False

    def _set_controls_enabled(self, enabled: bool) -> None:
        for control in self.controls.values():
            control.disabled = not enabled
        self.train_button.disabled = not enabled
        self.stop_button.disabled = enabled

    # --- drawing --------------------------------------------------------------------------
    def _draw(self, history, epoch=None, epochs=None):
        """Redraw boundary and curves from ``self.net`` and ``history`` (finite values only)."""
        self.boundary.update(self.net)
        self.loss_curves.update(history, max_epoch=epochs)
        self.acc_curves.update(history, max_epoch=epochs)
        if epoch is not None:
            self.progress.value = epoch
            self.progress.description = f"epoch {epoch}"
            if self.running and history.train_loss:
                self.status.value = _progress_status(history, epoch, epochs)
        self._blitter.refresh(self.boundary.contours + self._moving)
        if self.running:
            self.update_times.append(time.perf_counter())


def _summary(c, data) -> str:
    return (f"<small>{c['dataset']}: {len(data.X_train)} training / {len(data.X_val)} validation "
            f"points · {c['depth']} hidden layer{'s' * (c['depth'] != 1)} × {c['width']} "
            f"{c['activation']} · SGD, learning rate {c['lr']:.3g}, batches of {BATCH_SIZE} · "
            f"L2 λ = {c['l2']:g} · L1 λ = {c['l1']:g} · dropout p = {c['dropout']:g} · "
            f"batch norm {'on' if c['batch_norm'] else 'off'}</small>")


def _progress_status(history, epoch, epochs) -> str:
    text = f"training… epoch {epoch} / {epochs} · train loss {history.train_loss[-1]:.4g}"
    if history.val_acc:
        text += f" · validation accuracy {history.val_acc[-1]:.3f}"
    return text


def _final_status(history, config) -> str:
    if history.diverged:
        return (f"<span style='color:#b2182b'><b>Diverged.</b> "
                f"{html.escape(history.message)}</span>")
    if history.message.startswith("stopped"):
        head = f"Stopped after epoch {history.epochs_run} of {config['epochs']}."
    else:
        head = f"Trained for {history.epochs_run} epochs."
    if not history.train_loss:
        return head
    tail = f" Train loss {history.train_loss[-1]:.4g}"
    if history.val_loss:
        tail += f", validation loss {history.val_loss[-1]:.4g}"
    if history.val_acc:
        tail += (f"; accuracy {history.train_acc[-1]:.3f} (train), "
                 f"{history.val_acc[-1]:.3f} (validation)")
    return head + tail + "."
