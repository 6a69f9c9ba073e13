"""Helpers every picture uses: a fresh figure without pyplot, and jshtml animations."""

from __future__ import annotations

import re

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def new_axes(ax=None, figsize=(5.0, 3.5), dpi=100, **subplot_kw):
    """Return ``(fig, ax)``: the given axes and its figure, or a new bare Figure with one axes."""
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(**subplot_kw)


def to_jshtml(anim, default_mode="loop"):
    """An animation as self-contained HTML+JavaScript (plays offline, no ffmpeg).

    The frames are matplotlib's (``anim.to_jshtml``), shown by a small player of our own:

    * nothing is loaded from a network: the buttons draw their icons as inline SVG
      (each has a ``title`` and an ``aria-label``), where matplotlib's player fetches
      Font Awesome from a CDN and shows empty boxes offline;
    * the player binds to its own elements (the ``<div id="_anim{id}">`` its script
      follows), not to ``document.getElementById`` in a timer: JupyterLab renders an
      output before it is in the page, and may keep it off-screen (windowed notebooks);
      the buttons work on the first press wherever the output is;
    * the ``<img>`` carries the frame's size, so it has its place in the layout before a
      frame is drawn (a 0x0 picture that appears under the reader's click moved the Play
      button away between press and release).

    Each button has ``data-anim-action`` (``play``, ``pause``, ...) for tests; the ids keep
    matplotlib's pattern (``_anim_img<id>``, ``_anim_slider<id>``, ``anim<id>``), which
    tests/nbval_sanitize.cfg masks.  Returns an ``IPython.display.HTML`` object.
    """
    from IPython.display import HTML

    return HTML(_player_html(anim.to_jshtml(default_mode=default_mode), default_mode))


# --- the jshtml player of to_jshtml -----------------------------------------------------

_JSHTML_ID = re.compile(r'id="_anim_img([0-9a-f]+)"')
_JSHTML_FRAMES = re.compile(r"(var frames = new Array\(\d+\);.*?)\s*/\* set a timeout", re.S)
_JSHTML_INTERVAL = re.compile(r"new Animation\(frames, img_id, slider_id, ([0-9.e+-]+),")
_JSHTML_FIRST_PNG = re.compile(r'frames\[0\] = "data:image/png;base64,([A-Za-z0-9+/=\\\n]{0,64})')

# 16x16 icons drawn with the button's text colour; the button itself carries the name.
_ICON_PATHS = {
    "slower": "M3 7h10v2H3z",
    "first_frame": "M2 3h2v10H2zM9 3v10L4 8zM15 3v10l-5-5z",
    "previous_frame": "M3 3h2v10H3zM13 3v10L6 8z",
    "reverse_animation": "M12 3v10L4 8z",
    "pause_animation": "M4 3h3v10H4zM9 3h3v10H9z",
    "play_animation": "M4 3v10l8-5z",
    "next_frame": "M3 3v10l7-5zM11 3h2v10h-2z",
    "last_frame": "M1 3v10l5-5zM7 3v10l5-5zM12 3h2v10h-2z",
    "faster": "M7 3h2v4h4v2H9v4H7V9H3V7h4z",
}
_BUTTONS = [  # (method of the player, data-anim-action, label)
    ("slower", "slower", "Decrease speed"),
    ("first_frame", "first", "First frame"),
    ("previous_frame", "previous", "Previous frame"),
    ("reverse_animation", "reverse", "Play backwards"),
    ("pause_animation", "pause", "Pause"),
    ("play_animation", "play", "Play"),
    ("next_frame", "next", "Next frame"),
    ("last_frame", "last", "Last frame"),
    ("faster", "faster", "Increase speed"),
]

_PLAYER_CSS = """<style>
.nn-anim { display: block; margin: 4px 0; }
.nn-anim img { display: block; max-width: 100%; height: auto; }
.nn-anim .nn-anim-slider { display: block; max-width: 100%; margin: 4px 0; }
.nn-anim .nn-anim-buttons { display: flex; flex-wrap: wrap; gap: 2px; margin: 6px 0; }
.nn-anim .nn-anim-buttons button { display: inline-flex; align-items: center; justify-content: center;
  width: 34px; height: 26px; padding: 0; cursor: pointer; }
.nn-anim .nn-anim-buttons svg { width: 14px; height: 14px; fill: currentColor; }
.nn-anim .nn-anim-state label { margin-right: 8px; }
.nn-anim .nn-anim-state input { margin: 0 2px 0 0; vertical-align: middle; }
</style>"""

# Plain ES5 so that it runs in any notebook front end.  `root` is the player's own <div>
# (the element just before this script): every lookup goes through it, never through the
# document, so the player works before, while and after the output is in the page.
_PLAYER_JS = """<script>
(function () {
  var name = "%(name)s";
  var script = document.currentScript;
  var root = script && script.previousElementSibling;
  if (!root || root.id !== "_" + name) root = document.getElementById("_" + name);
  if (!root) return;
  %(frames)s
  var img = root.querySelector("img"), slider = root.querySelector("input[type=range]");
  var player = {frames: frames, interval: %(interval)s, current_frame: 0, direction: 0, timer: null};
  player.loop_state = function () {
    var checked = root.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "once";
  };
  player.set_frame = function (k) {
    player.current_frame = k;
    img.src = frames[k];
    slider.value = k;
  };
  player.first_frame = function () { player.set_frame(0); };
  player.last_frame = function () { player.set_frame(frames.length - 1); };
  player.next_frame = function () { player.set_frame(Math.min(frames.length - 1, player.current_frame + 1)); };
  player.previous_frame = function () { player.set_frame(Math.max(0, player.current_frame - 1)); };
  player.pause_animation = function () {
    player.direction = 0;
    if (player.timer) { clearInterval(player.timer); player.timer = null; }
  };
  function run(direction) {
    player.pause_animation();
    player.direction = direction;
    player.timer = setInterval(function () { step(direction); }, player.interval);
  }
  function step(direction) {
    var k = player.current_frame + direction;
    if (k >= 0 && k < frames.length) { player.set_frame(k); return; }
    var mode = player.loop_state();
    if (mode === "loop") {
      player.set_frame(direction > 0 ? 0 : frames.length - 1);
    } else if (mode === "reflect") {
      player.set_frame(direction > 0 ? frames.length - 1 : 0);
      run(-direction);
    } else {
      player.pause_animation();
      player.set_frame(direction > 0 ? frames.length - 1 : 0);
    }
  }
  player.play_animation = function () { run(1); };
  player.reverse_animation = function () { run(-1); };
  function rescale(factor) {
    player.interval *= factor;
    if (player.direction !== 0) run(player.direction);
  }
  player.slower = function () { rescale(1 / 0.7); };
  player.faster = function () { rescale(0.7); };
  var buttons = root.querySelectorAll("button[data-anim-method]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function (event) {
      event.preventDefault();
      player[this.getAttribute("data-anim-method")]();
    });
  }
  slider.addEventListener("input", function () { player.set_frame(parseInt(slider.value, 10)); });
  root.player = player;
  window[name] = player;
  player.set_frame(0);
})();
</script>"""


def _player_html(jshtml: str, default_mode: str) -> str:
    """Our player around the frames of matplotlib's ``to_jshtml`` output (see to_jshtml)."""
    import base64
    import struct

    found = _JSHTML_ID.search(jshtml), _JSHTML_FRAMES.search(jshtml), _JSHTML_INTERVAL.search(jshtml)
    if not all(found):
        raise RuntimeError("matplotlib's to_jshtml output has changed: cannot find the animation's "
                           "id, frames and interval (nnlib.viz._base._player_html reads them)")
    anim_id, frames, interval = found[0].group(1), found[1].group(1), found[2].group(1)
    n_frames = int(re.search(r"new Array\((\d+)\)", frames).group(1))
    size, width = "", None
    first = _JSHTML_FIRST_PNG.search(jshtml)
    if first:  # the PNG header holds the frame's size: width and height at bytes 16..24
        head = base64.b64decode(first.group(1).replace("\\\n", "")[:32])
        if len(head) >= 24 and head[12:16] == b"IHDR":
            width, height = struct.unpack(">II", head[16:24])
            size = f' width="{width}" height="{height}"'
    buttons = "\n".join(
        f'    <button type="button" title="{label}" aria-label="{label}" data-anim-action="{action}"'
        f' data-anim-method="{method}"><svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">'
        f'<path d="{_ICON_PATHS[method]}"/></svg></button>'
        for method, action, label in _BUTTONS)
    modes = "\n".join(
        f'    <label><input type="radio" name="state" value="{mode}"'
        f'{" checked" if mode == default_mode else ""}> {mode.capitalize()}</label>'
        for mode in ("once", "loop", "reflect"))
    slider_width = f' style="width: {width}px"' if width else ""
    return f"""{_PLAYER_CSS}
<div class="nn-anim" id="_anim{anim_id}">
  <img id="_anim_img{anim_id}"{size} alt="animation frame">
  <input id="_anim_slider{anim_id}" type="range" class="nn-anim-slider" min="0" max="{n_frames - 1}" step="1"
         value="0" aria-label="Frame"{slider_width}>
  <div class="nn-anim-buttons">
{buttons}
  </div>
  <form class="nn-anim-state" title="Repetition mode" aria-label="Repetition mode"
        name="_anim_loop_select{anim_id}" onsubmit="return false;">
{modes}
  </form>
</div>
{_PLAYER_JS % {"name": "anim" + anim_id, "frames": frames, "interval": interval}}
"""


def new_panels(ncols, nrows=1, axes=None, figsize=None, dpi=80, **subplot_kw):
    """``(fig, axes)``: the given axes (a sequence) and their figure, or a new bare Figure
    with ``nrows × ncols`` panels (constrained layout, no pyplot).  ``axes`` is returned flat."""
    if axes is not None:
        axes = list(np.ravel(axes))
        if len(axes) != nrows * ncols:
            raise ValueError(f"axes must hold {nrows * ncols} axes, got {len(axes)}")
        return axes[0].figure, axes
    fig = Figure(figsize=figsize or (3.2 * ncols, 3.0 * nrows), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, list(np.ravel(fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)))
