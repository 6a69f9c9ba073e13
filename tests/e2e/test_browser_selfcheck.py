"""The browser checks catch what they are for: a check that cannot fail proves nothing.

Small made-up notebooks, written into the test server's temporary copy of chapters/,
each with one fault a chapter could have; the same steps as test_browser_lab.py must
report it.
"""

from __future__ import annotations

import json

import pytest
from labdriver import ChapterPage, ChapterRun
from test_browser_lab import _exercise

pytestmark = pytest.mark.browser

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

WIDGETS = '''
import ipywidgets as widgets
from nnlib.widgets import FigureView
view = FigureView(figsize=(2, 2), dpi=40)
view.refresh()
dead = widgets.IntSlider(value=1, min=0, max=5, description="does nothing")
broken = widgets.IntSlider(value=1, min=0, max=5, description="raises")
def fail(change):
    raise RuntimeError("callback broke")
broken.observe(fail, "value")
# nnlib's way: the callback's error is shown in the widget itself (and not raised)
from nnlib.widgets._base import ErrorLine
errors = ErrorLine()
shown = widgets.IntSlider(value=1, min=0, max=5, description="shows its error")
def fail_visibly(change):
    view.refresh()
    raise ValueError("shown in the widget")
shown.observe(errors.guard(fail_visibly), "value")
widgets.VBox([dead, broken, shown, errors.line, view.widget])
'''


def problems_of(lab, page, name: str, cells: list[str], kernelspec: bool = True) -> str:
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": KERNELSPEC} if kernelspec else {},
          "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": c,
                     "execution_count": None, "outputs": []} for i, c in enumerate(cells)]}
    (lab.root / name).write_text(json.dumps(nb))
    run = ChapterRun(f"selfcheck-{name.removesuffix('.ipynb')}")  # its screenshot's name
    _exercise(ChapterPage(page, lab.tree_url(name, workspace=f"selfcheck-{name[:-6]}"), name), run)
    return "\n".join(run.problems)


def test_a_missing_kernelspec_shows_up_as_a_dialog(lab, page):
    assert "dialog appeared" in problems_of(lab, page, "no_kernelspec.ipynb", ["1 + 1"], kernelspec=False)


def test_an_error_in_a_cell_is_reported(lab, page):
    assert "ZeroDivisionError" in problems_of(lab, page, "error.ipynb", ["x = 1", "1 / 0"])


def test_a_dead_control_and_a_failing_callback_are_reported(lab, page):
    problems = problems_of(lab, page, "bad_widgets.ipynb", [WIDGETS])
    assert "'does nothing'" in problems and "nothing in its cell changed" in problems
    assert "RuntimeError: callback broke" in problems
    assert "a widget shows an error: \u26a0 ValueError: shown in the widget" in problems
