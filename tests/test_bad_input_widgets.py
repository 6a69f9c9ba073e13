"""Bad input to the widget builders, and errors inside their callbacks (issues #13 and #14).

1. A generated sweep: every public builder of :mod:`nnlib.widgets` (found by introspection,
   so a new builder is swept as soon as it is exported), every argument of its signature,
   each value of a pool of bad ones (None, strings, lists, dicts, sets, NaN, inf, negative,
   huge, a bool for an int, wrong choice strings …).  With warnings as errors, each call
   either builds or raises ``TypeError``/``ValueError`` whose message names the argument;
   no figure leaks into pyplot.
2. A callback that raises shows "⚠ <Type>: message" in its widget and leaves the controls
   usable — in every builder, for every control.
"""

from __future__ import annotations

import inspect
import re

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

import nnlib.widgets as nw
from nnlib.analysis.training import sweep
from nnlib.datasets import load_dataset
from nnlib.training import History
from nnlib.widgets._base import ERROR_SIGN, BlitRefresher, ErrorLine, FigureView, guard_callbacks
from nnlib.widgets.sweep import random_value

pytestmark = pytest.mark.filterwarnings("error")


class Obj:
    """Something nobody should accept."""


BAD = [None, "abc", ["a", "b"], {"a": 1}, {1.0}, Obj(), float("nan"), float("inf"), -1, -3.5,
       10**12, 1e300, True, False, 2.5, "RELU", "", 0, (1, 2, 3), np.array([1.0, np.nan])]


def _histories():
    return {"relu": History(train_loss=[0.7, 0.5, 0.4], val_loss=[0.7, 0.6, 0.5]),
            "tanh": History(train_loss=[0.7, 0.6, 0.5], val_loss=[0.7, 0.65, 0.6])}


_RUNS = {}


def _runs():
    if not _RUNS:
        data = load_dataset("moons", n=40, seed=0)
        _RUNS["data"] = data
        _RUNS["runs"] = sweep(data, "l2", [0.0, 0.01], sizes=[2, 4, 1], epochs=3)
    return _RUNS["runs"]


def _data():
    _runs()
    return _RUNS["data"]


#: Valid values for the arguments that have no default.
REQUIRED = {"histories": _histories, "runs": _runs, "data": _data}


def _builders():
    for name in nw.__all__:
        obj = getattr(nw, name)
        if callable(obj):
            yield name, obj


def _valid_args(fn):
    args = {}
    for p in inspect.signature(fn).parameters.values():
        if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        args[p.name] = REQUIRED[p.name]() if p.default is p.empty else p.default
    return args


def _cases():
    for name, fn in _builders():
        for p in inspect.signature(fn).parameters.values():
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                yield pytest.param(fn, p.name, id=f"{name}-{p.name}")


ARG_NAMES = {"histories": r"histories|activation", "x": r"\bx(\[\d\])?"}


@pytest.fixture(autouse=True)
def _no_leaked_figures():
    plt.close("all")
    yield
    assert not plt.get_fignums(), "a builder left a figure open in pyplot"


def test_every_exported_builder_is_swept():
    names = {name for name, _ in _builders()}
    assert {"training_explorer", "forward_pass_widget", "sweep_widget", "FigureView"} <= names


@pytest.mark.parametrize("builder, arg", list(_cases()))
def test_bad_argument_is_refused_by_name(builder, arg):
    valid = _valid_args(builder)
    builder(**valid)                                   # the valid call builds
    failures = []
    for i, bad in enumerate(BAD):
        where = f"{builder.__name__}({arg}=<{i}: {bad!r:.40}>)"
        try:
            builder(**{**valid, arg: bad})
        except (TypeError, ValueError) as exc:
            if not re.search(ARG_NAMES.get(arg, rf"\b{re.escape(arg)}\b"), str(exc)):
                failures.append(f"{where}: {type(exc).__name__} does not name {arg!r}: {exc}")
        except Exception as exc:  # noqa: BLE001 — a raw error deep inside is the bug
            failures.append(f"{where}: raw {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)


# --- a callback that raises shows its error in the widget ------------------------------------

def _every_control(box):
    """Every control of the box, and every button of its tree (Train, Stop, reset …)."""
    seen, todo = {}, [box, *box.controls.values()]
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen[id(w)] = w
        todo.extend(getattr(w, "children", ()))
    return [w for w in seen.values()
            if isinstance(w, (widgets.ValueWidget, widgets.Button)) and not isinstance(
                w, (widgets.HTML, widgets.Label, widgets.Image, widgets.IntProgress))]


def _change(control, rng):
    if isinstance(control, widgets.Button):
        control.click()
        return True
    if isinstance(control, widgets.SelectionSlider):
        control.index = (control.index + 1) % len(control.options)
        return len(control.options) > 1
    for _ in range(20):
        value = random_value(control, rng)
        if value != control.value:
            control.value = value
            return True
    return False


@pytest.mark.parametrize("name, builder", [(n, b) for n, b in _builders() if n != "FigureView"])
def test_a_failing_callback_shows_its_error_and_leaves_the_controls_usable(name, builder,
                                                                           monkeypatch):
    box = builder(**_valid_args(builder))

    def broken(*args, **kwargs):
        raise RuntimeError("the picture broke")

    monkeypatch.setattr(FigureView, "refresh", broken)
    monkeypatch.setattr(BlitRefresher, "refresh", broken)
    rng = np.random.default_rng(0)
    tried = shown = 0
    for control in _every_control(box):
        if control.disabled:
            continue
        box.errors.last = None
        if not _change(control, rng):
            continue
        tried += 1
        if box.errors.last is None:       # this control redraws nothing (e.g. epochs, Stop)
            continue
        shown += 1
        assert isinstance(box.errors.last, RuntimeError)
        assert f"{ERROR_SIGN} RuntimeError: the picture broke" in box.errors.line.value
        assert box.errors.line.layout.display != "none"
        enabled = [c for c in box.controls.values() if not c.disabled]
        assert enabled, f"{name}: every control disabled after an error"
    assert tried and shown, f"{name}: {tried} controls used, {shown} errors shown"
    if hasattr(box, "explorer"):
        assert not box.explorer.running
        assert not box.buttons["train"].disabled


def test_error_line_shows_type_and_message_escaped_and_runs_its_hook():
    hooked = []
    errors = ErrorLine(on_error=hooked.append)
    assert errors.line.layout.display == "none"

    def fail(change):
        raise ValueError("x < 0 & <b>")

    slider = widgets.IntSlider()
    slider.observe(errors.guard(fail), "value")
    slider.value = 3                                     # no exception escapes
    assert "⚠ ValueError: x &lt; 0 &amp; &lt;b&gt;" in errors.line.value
    assert isinstance(hooked[0], ValueError) and errors.line.layout.display is None
    slider.unobserve(fail, "value")                      # the guard compares equal to fail
    slider.value = 4
    assert len(hooked) == 1
    errors.clear()
    assert errors.line.value == "" and errors.line.layout.display == "none"


def test_guard_callbacks_uses_a_label_status_and_wraps_only_nnlib_callbacks():
    status = widgets.Label()
    button = widgets.Button()
    box = widgets.VBox([button, status])
    box.controls, box.status = {}, status

    def outside(_):                      # defined in a test module, not in nnlib
        raise KeyError("not wrapped")

    button.on_click(outside)
    guard_callbacks(box)
    assert box.errors.line is status
    assert button._click_handlers.callbacks == [outside]
    assert type(button._click_handlers.callbacks[0]) is type(outside)    # left as it was
