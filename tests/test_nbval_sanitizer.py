"""tests/nbval_sanitize.cfg masks exactly the run-to-run random parts of real outputs.

nbval applies the file's patterns to the saved and to the fresh output before comparing
them.  Each pattern must make two runs of the same code compare equal, and must leave
every number a chapter might print untouched (otherwise nbval would stop checking it).
"""

import json
import re
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.animation import FuncAnimation
from nbval.plugin import get_sanitize_patterns

from nnlib.viz import new_axes, to_jshtml

CFG = Path(__file__).resolve().parent / "nbval_sanitize.cfg"
PATTERNS = get_sanitize_patterns(CFG.read_text())


def sanitize(text: str) -> str:
    """What nbval does to each compared string (nbval.plugin.IPyNbCell.sanitize)."""
    for regex, replace in PATTERNS:
        text = re.sub(regex, replace, text)
    return text


def jshtml() -> str:
    fig, ax = new_axes(figsize=(1.5, 1), dpi=30)
    (line,) = ax.plot([0, 1], [0, 0])
    anim = FuncAnimation(fig, lambda k: line.set_ydata([k, -k]), frames=2)
    return to_jshtml(anim).data   # the chapters' player (nnlib.viz), as saved in the notebooks


def test_the_file_has_the_four_patterns():
    assert len(PATTERNS) == 4, [regex for regex, _ in PATTERNS]


def test_jshtml_ids_and_frames_are_masked_and_nothing_else_differs():
    first, second = jshtml(), jshtml()
    assert first != second  # the ids are random
    assert sanitize(first) == sanitize(second)
    assert not re.search(r"[0-9a-f]{32}", sanitize(first)), "an animation id was left unmasked"
    assert sanitize(first).count("data:image/png;base64,PNG_FRAME") == 2  # frames still counted
    assert 'var name = "animANIM_ID"' in sanitize(first) and "interval: 200.0" in sanitize(first)


def test_widget_model_ids_are_masked_where_they_reach_text():
    box = widgets.VBox([widgets.IntSlider(value=3)])
    bundle = box._repr_mimebundle_()
    view = json.dumps(bundle["application/vnd.jupyter.widget-view+json"])
    reference = f"children=['IPY_MODEL_{box.children[0].model_id}'] {view} {bundle}"
    masked = sanitize(reference)
    assert box.model_id not in masked and box.children[0].model_id not in masked
    assert masked.count("WIDGET_ID") == 3
    assert bundle["text/plain"] == "VBox(children=(IntSlider(value=3),))"  # nbval compares this as is


def test_memory_addresses_are_masked():
    assert sanitize(repr(object())) == sanitize(repr(object())) == "<object object at 0xADDRESS>"


@pytest.mark.parametrize("text", [
    "parameters: 17",
    "loss:       0.543653",
    "dL/dW1[0]:  [0.532936 0.238751]",
    np.array2string(np.array([1e-10, 123456789.0, -0.5])),
    "gradient check PASSED (max relative error 3.2e-11, threshold 1e-06)",
    "0xff 0x1234567 12345678901234567890123456789012345",
    "sha1 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
    "W1 has shape (4, 2); animation of 3 frames",
])
def test_numbers_are_left_alone(text):
    assert sanitize(text) == text
