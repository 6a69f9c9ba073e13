"""FigureView: a matplotlib figure shown inside a widget tree as a PNG image.

A callback changes the figure's artists (``line.set_data``, ``im.set_data`` …) and calls
:meth:`FigureView.refresh`, which renders the figure with Agg and puts the PNG bytes in an
``ipywidgets.Image``.  The figure is a bare ``matplotlib.figure.Figure``: pyplot never
sees it, so widgets never leak open figures, and no front-end extension is needed.
"""

from __future__ import annotations

import io
from contextlib import contextmanager

import ipywidgets as widgets
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .._checks import check_choice, check_int
from ..activations import hidden_activations
from ..network import MLP


class FigureView:
    """A figure plus the Image widget that shows it.

    ``figsize`` in inches and ``dpi`` set the pixel size; ``render_count`` counts
    refreshes (tests read it to see that a control redrew the figure).
    """

    def __init__(self, figsize=(6.0, 4.0), dpi=80, nrows=1, ncols=1, **subplot_kw):
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
        "activation": widgets.Dropdown(options=hidden_activations(), description="σ",
                                       value=check_choice(activation, "activation", hidden_activations())),
    }


def _mlp(seed, layers, width, activation, d=2, k=1, **options):
    """[d] + [width] * layers + [k], sigmoid head: the networks these widgets draw."""
    return MLP([d] + [width] * layers + [k], activation=activation, head="sigmoid", seed=seed,
               **options)
