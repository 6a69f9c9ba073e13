"""FigureView: a matplotlib figure shown inside a widget tree as a PNG image.

A callback changes the figure's artists (``line.set_data``, ``im.set_data`` …) and calls
:meth:`FigureView.refresh`, which renders the figure with Agg and puts the PNG bytes in an
``ipywidgets.Image``.  The figure is a bare ``matplotlib.figure.Figure``: pyplot never
sees it, so widgets never leak open figures, and no front-end extension is needed.
"""

from __future__ import annotations

import asyncio
import html
import io
import sys
import time
import traceback
from contextlib import contextmanager

import ipywidgets as widgets
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .._checks import _describe, check_choice, check_float, check_int
from ..activations import hidden_activations
from ..network import MLP


class FigureView:
    """A figure plus the Image widget that shows it.

    ``figsize`` in inches and ``dpi`` set the pixel size; ``render_count`` counts
    refreshes (tests read it to see that a control redrew the figure).
    """

    def __init__(self, figsize=(6.0, 4.0), dpi=80, nrows=1, ncols=1, **subplot_kw):
        if not isinstance(figsize, (tuple, list)) or len(figsize) != 2:
            raise TypeError(f"figsize must be a pair (width, height) in inches, got {_describe(figsize)}")
        figsize = tuple(check_float(v, f"figsize[{i}]", low=0.5, high=MAX_INCHES)
                        for i, v in enumerate(figsize))
        dpi = check_float(dpi, "dpi", low=10, high=MAX_DPI)
        nrows, ncols = _in_range(nrows, "nrows", 1, 10), _in_range(ncols, "ncols", 1, 10)
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.axes = self.figure.subplots(nrows, ncols, **subplot_kw)
        self.image = widgets.Image(format="png")
        self.image.layout.max_width = "100%"
        self.render_count = 0

    def refresh(self) -> None:
        """Render the figure as it is now into the Image widget."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        self.image.value = buffer.getvalue()
        self.render_count += 1

    @property
    def widget(self):
        return self.image

#: The largest figure a FigureView draws (inches, dots per inch): a PNG a browser can show.
MAX_INCHES, MAX_DPI = 40.0, 400.0
#: The most data points a widget draws (a moving picture of more would not feel instant).
MAX_POINTS = 10_000

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


def explorer_box(children, controls: dict, views: list, status=None, on_error=None) -> widgets.VBox:
    """A VBox of ``children`` carrying ``controls`` and ``views`` for tests and notebooks.

    Its callbacks show their own errors (:func:`guard_callbacks`), in ``status`` if given.
    """
    box = widgets.VBox(children)
    box.controls = controls
    box.views = views
    return guard_callbacks(box, line=status, on_error=on_error)


# --- a widget shows its own errors -----------------------------------------------------------
#
# A widget callback that raises is invisible in the browser edition (Pyodide keeps the
# traceback to itself) and only reaches JupyterLab's log console in a local kernel: to the
# reader the widget just stops responding, perhaps with its controls still disabled.  So every
# callback nnlib registers runs inside :class:`ErrorLine.guard`: an exception is written into
# the widget itself ("⚠ ValueError: …"), its traceback goes to stderr (the kernel's log, the
# browser's console), and the widget's controls are made usable again.

#: The sign that starts an error a widget shows; the browser tests look for it.
ERROR_SIGN = "\u26a0"


def error_text(exc: BaseException) -> str:
    """``"⚠ ValueError: message"``: what a widget shows for an exception of a callback."""
    return f"{ERROR_SIGN} {type(exc).__name__}: {exc}"


class ErrorLine:
    """Where one widget shows the exceptions of its callbacks, and what it does after one.

    ``line`` is the widget's status line (an ``HTML`` or ``Label``) or, by default, an
    ``HTML`` line of its own that stays hidden until there is an error.  ``on_error(exc)``
    hooks run after an error is shown (by default the controls that were enabled when the
    widget was built are enabled again).  ``last`` is the last exception shown.
    """

    def __init__(self, line=None, on_error=None):
        self.own_line = line is None
        self.line = widgets.HTML() if line is None else line
        if self.own_line:
            self.line.layout.display = "none"
        self.on_error = [] if on_error is None else [on_error]
        self.last = None

    def guard(self, callback):
        """``callback`` wrapped so that an exception is shown instead of lost (idempotent)."""
        return callback if isinstance(callback, _Guarded) else _Guarded(callback, self)

    def show(self, exc: BaseException) -> None:
        """Show ``exc`` in the widget, log its traceback to stderr, run the ``on_error`` hooks."""
        self.last = exc
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        text = error_text(exc)
        if isinstance(self.line, widgets.HTML):
            self.line.value = (f"<span class='nn-error' style='color:#b2182b'>"
                               f"{html.escape(text)}</span>")
        else:
            self.line.value = text
        if self.own_line:
            self.line.layout.display = None
        for hook in self.on_error:
            try:
                hook(exc)
            except Exception:            # noqa: BLE001 — the first error is the one to show
                traceback.print_exc(file=sys.stderr)

    def clear(self) -> None:
        """Hide the error line again (a widget with a status line overwrites it itself)."""
        if self.own_line:
            self.line.value = ""
            self.line.layout.display = "none"


class _Guarded:
    """A callback that shows its exceptions in an :class:`ErrorLine` instead of raising.

    It compares equal to the callback it wraps, so ``unobserve(callback)`` and
    ``on_click(callback, remove=True)`` still find it.
    """

    def __init__(self, callback, errors: ErrorLine):
        self.callback, self.errors = callback, errors
        self.__wrapped__ = callback

    def __call__(self, *args, **kwargs):
        try:
            return self.callback(*args, **kwargs)
        except Exception as exc:         # noqa: BLE001 — shown in the widget, logged to stderr
            self.errors.show(exc)
            return None

    def __eq__(self, other):
        return other is self or other == self.callback

    def __hash__(self):
        return hash(self.callback)


def _own(callback) -> bool:
    """A callback nnlib registered (not one of ipywidgets' or traitlets' own handlers)."""
    return (getattr(callback, "__module__", None) or "").startswith("nnlib.")


def _widgets_of(box):
    """Every widget in ``box``'s tree, and its controls (a control may sit outside the tree)."""
    seen, todo = {}, [box, *getattr(box, "controls", {}).values()]
    while todo:
        w = todo.pop()
        if id(w) in seen or not isinstance(w, widgets.Widget):
            continue
        seen[id(w)] = w
        todo.extend(getattr(w, "children", ()))
    return list(seen.values())


def guard_callbacks(box, line=None, on_error=None):
    """Make every nnlib callback in ``box`` show its own errors; return ``box``.

    Wraps, with one :class:`ErrorLine` (kept as ``box.errors``), each observer and
    ``on_click`` handler that nnlib registered on a widget of the tree.  The error line is
    ``line``, else the box's ``status`` line if it has one, else a hidden line appended to
    the box.  Calling it again (after more callbacks were registered) wraps the new ones.
    """
    errors = getattr(box, "errors", None)
    if errors is None:
        status = getattr(box, "status", None)
        line = line if line is not None else (
            status if isinstance(status, (widgets.HTML, widgets.Label)) else None)
        if on_error is None:
            enabled = [c for c in getattr(box, "controls", {}).values()
                       if getattr(c, "disabled", True) is False]

            def on_error(exc):
                for control in enabled:
                    control.disabled = False
        errors = ErrorLine(line, on_error)
        if errors.own_line:
            box.children = (*box.children, errors.line)
        box.errors = errors
    for w in _widgets_of(box):
        # traitlets keeps observers in _trait_notifiers[name][type]; a Button its click
        # handlers in _click_handlers.callbacks.  Only nnlib's own callbacks are wrapped.
        lists = [handlers for by_type in w._trait_notifiers.values() for handlers in by_type.values()]
        if isinstance(w, widgets.Button):
            lists.append(w._click_handlers.callbacks)
        for handlers in lists:
            for i, callback in enumerate(handlers):
                if _own(callback) and not isinstance(callback, _Guarded):
                    handlers[i] = errors.guard(callback)
    return box


def _controls_column(controls):
    for control in controls.values():
        control.style = _STYLE
        control.layout = _WIDE
    return widgets.VBox(list(controls.values()))

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
    return guard_callbacks(box)


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
        "activation": widgets.Dropdown(options=hidden_activations(), description="σ",
                                       value=check_choice(activation, "activation", hidden_activations())),
    }


def _mlp(seed, layers, width, activation, d=2, k=1, **options):
    """[d] + [width] * layers + [k], sigmoid head: the networks these widgets draw."""
    return MLP([d] + [width] * layers + [k], activation=activation, head="sigmoid", seed=seed,
               **options)


# --- argument checks shared by several builders ----------------------------------------------

def check_histories(histories, shown=None):
    """``histories`` (name -> History) and ``shown`` (None or some of its names), checked."""
    if not isinstance(histories, dict):
        raise TypeError(f"histories must be a non-empty dict activation name -> History, "
                        f"got {_describe(histories)}")
    if not histories:
        raise ValueError("histories must be a non-empty dict activation name -> History, got {}")
    for name, history in histories.items():
        if not isinstance(name, str):
            raise TypeError(f"histories keys must be activation names (str), got {name!r}")
        if not all(isinstance(getattr(history, k, None), list) for k in ("train_loss", "val_loss")):
            raise TypeError(f"histories[{name!r}] must be a History (with train_loss and val_loss "
                            f"lists), got {_describe(history)}")
    if shown is not None:
        if not isinstance(shown, (list, tuple, set, frozenset)):
            raise TypeError(f"shown must be None or a list of names from histories, "
                            f"got {_describe(shown)}")
        unknown = [n for n in shown if n not in histories]
        if unknown:
            raise ValueError(f"shown names {unknown} that are not in histories {list(histories)}")
    return histories, shown


def check_runs(runs, data, name, panels, choices):
    """The arguments of ``sweep_widget``: Runs, a Dataset, a symbol, panels among ``choices``."""
    if not isinstance(runs, (list, tuple)):
        raise TypeError(f"runs must be a non-empty list of Run (from nnlib.analysis.training.sweep), "
                        f"got {_describe(runs)}")
    if not runs:
        raise ValueError("runs must hold at least one Run, got none")
    for i, run in enumerate(runs):
        if not all(hasattr(run, k) for k in ("value", "net", "history")):
            raise TypeError(f"runs[{i}] must be a Run (value, net, history), got {_describe(run)}")
        check_float(run.value, f"runs[{i}].value")
    if not all(hasattr(data, k) for k in ("X_train", "y_train", "X_val", "y_val")):
        raise TypeError(f"data must be a Dataset (X_train, y_train, X_val, y_val) such as "
                        f"load_dataset('moons'), got {_describe(data)}")
    if not isinstance(name, str):
        raise TypeError(f"name must be a string (the swept setting's symbol), got {_describe(name)}")
    if not isinstance(panels, (list, tuple)) or not all(isinstance(p, str) for p in panels):
        raise TypeError(f"panels must be a list of panel names from {list(choices)}, "
                        f"got {_describe(panels)}")
    return runs


# --- long work in a callback: slices that give the event loop a turn ---------------------
# Pyodide (the browser edition) has no threads, and a callback that trains for seconds freezes
# the page.  So long work is a generator that yields every SLICE seconds or so; it runs as an
# asyncio task on the kernel's loop (ipykernel's, or Pyodide's webloop), which sends the
# widget updates and handles the next click between two slices.

#: Seconds of work between two turns of the event loop.
SLICE = 0.05


def event_loop():
    """The event loop that runs the kernel (ipykernel's, Pyodide's webloop), or None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    if sys.platform == "emscripten":   # Pyodide: its webloop runs whenever Python is idle
        return asyncio.get_event_loop()
    return None


def current_task():
    """The asyncio task running now, or None."""
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None


def run_in_slices(steps, errors: ErrorLine | None = None, on_done=None):
    """Run the generator ``steps`` to its end; each ``yield`` gives the event loop a turn.

    With an event loop running, returns the asyncio task at once; without one (a script, a
    test), runs ``steps`` before returning and returns None.  ``on_done()`` runs at the end
    either way, also after an error; in the task an error is shown in ``errors``.
    """
    loop = event_loop()
    if loop is None:
        try:
            for _ in steps:
                pass
        finally:
            if on_done is not None:
                on_done()
        return None

    async def run():
        try:
            for _ in steps:
                await asyncio.sleep(0)
        except Exception as exc:            # noqa: BLE001 — a task has nobody to raise to
            try:
                if on_done is not None:
                    on_done()
            finally:                        # the error is what the widget shows last
                if errors is None:
                    raise exc
                errors.show(exc)
        else:
            if on_done is not None:
                on_done()
    return loop.create_task(run())


def sliced(iterable, seconds: float = SLICE):
    """Iterate ``iterable``, yielding ``None`` after every ``seconds`` of its work (for run_in_slices)."""
    start = time.perf_counter()
    for _ in iterable:
        if time.perf_counter() - start >= seconds:
            yield None
            start = time.perf_counter()
