"""Robustness sweep of the network widgets: every control at its minimum, its maximum, every option,
and seeded random combinations.  After each change: no exception, the figure was redrawn, and
the picture changed whenever the change should be visible.
"""

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnlib.widgets import forward_pass_widget, gradient_flow_widget, representation_widget  # noqa: E402
from nnlib.widgets.sweep import random_value

BUILDERS = {
    "forward": forward_pass_widget,
    "representation": representation_widget,
    "gradient_flow": gradient_flow_widget,
}
# Controls that only set a parameter for a button (no redraw of their own).
SILENT = {"epochs"}


class Sweep:
    """Sets controls of one widget and checks redraws; ``log`` collects failures."""

    def __init__(self, box):
        self.box, self.view = box, box.views[0]

    def snapshot(self):
        return self.view.image.value, self.view.render_count

    def set(self, name, value, must_change=True):
        control = self.box.controls[name]
        image, count = self.snapshot()
        old = control.value
        control.value = value
        if control.value == old:                      # nothing to do (or clamped to the same value)
            return
        if name in SILENT:
            assert self.view.render_count == count, f"{name} should not redraw"
            return
        assert self.view.render_count > count, f"setting {name}={value!r} did not redraw"
        if must_change:
            assert self.view.image.value != image, f"setting {name}={value!r} left the picture unchanged"

    def click(self, name, must_change=True):
        image, count = self.snapshot()
        self.box.controls[name].click()
        assert self.view.render_count > count, f"clicking {name} did not redraw"
        if must_change:
            assert self.view.image.value != image, f"clicking {name} left the picture unchanged"


def extremes(control):
    """The values every sweep visits: min and max (and back), every option, both states."""
    if isinstance(control, widgets.Dropdown):
        return list(control.options) + [control.options[0]]
    if isinstance(control, widgets.Checkbox):
        return [True, False]
    return [control.min, control.max, control.min, control.max]


def valued(box):
    return {k: c for k, c in box.controls.items() if not isinstance(c, widgets.Button)}


@pytest.mark.parametrize("name", BUILDERS)
def test_builder_returns_box_with_controls_and_drawn_view(name):
    box = BUILDERS[name](seed=0)
    assert isinstance(box, widgets.VBox)
    assert box.controls and len(box.views) == 1
    assert box.views[0].render_count >= 1 and box.views[0].image.value[:4] == b"\x89PNG"
    assert 400 <= box.views[0].figure.dpi * box.views[0].figure.get_size_inches()[0] <= 600


@pytest.mark.parametrize("name", BUILDERS)
def test_same_seed_same_picture(name):
    a, b = BUILDERS[name](seed=3), BUILDERS[name](seed=3)
    assert a.views[0].image.value == b.views[0].image.value
    c = BUILDERS[name](seed=4)
    assert c.views[0].image.value != a.views[0].image.value


@pytest.mark.parametrize("name", BUILDERS)
def test_every_control_at_every_extreme(name):
    box = BUILDERS[name](seed=0)
    sweep = Sweep(box)
    for control_name, control in valued(box).items():
        for value in extremes(control):
            sweep.set(control_name, value)
    for control_name, control in box.controls.items():
        if isinstance(control, widgets.Button):
            control.click()                       # buttons are exercised in their own tests too
    assert len(plt.get_fignums()) < 50


@pytest.mark.parametrize("name", BUILDERS)
def test_random_combinations(name):
    rng = np.random.default_rng(2024)
    box = BUILDERS[name](seed=1)
    sweep = Sweep(box)
    names = list(valued(box))
    for _ in range(6):
        for control_name in rng.permutation(names):
            sweep.set(control_name, random_value(box.controls[control_name], rng))
    assert len(plt.get_fignums()) < 50


@pytest.mark.parametrize("name", BUILDERS)
def test_rebuilds_do_not_pile_up_artists(name):
    box = BUILDERS[name](seed=0)
    rebuild = "layers"
    counts = []
    for value in [1, 3, 1, 3, 1, 3]:
        box.controls[rebuild].value = value
        counts.append(sum(len(ax.collections) + len(ax.texts) + len(ax.patches)
                          for ax in np.ravel(box.views[0].axes)))
    assert counts[0] == counts[2] == counts[4] and counts[1] == counts[3] == counts[5]


# --- widget by widget ---------------------------------------------------------------------------

def test_forward_frames_step_and_follow_depth():
    box = forward_pass_widget(seed=0, layers=2)
    c, sweep = box.controls, Sweep(box)
    assert c["frame"].max == 3 and c["frame"].value == 3         # starts fully lit
    for frame in [0, 1, 2, 3]:
        sweep.set("frame", frame)
    sweep.set("play", 1)                                           # play drives the frame slider
    assert c["frame"].value == 1
    sweep.set("layers", 5)
    assert c["frame"].max == 6 and c["play"].max == 6 and c["frame"].value == 1
    c["frame"].value = 6
    sweep.set("layers", 6)
    assert c["frame"].value == 7                                   # at the end stays at the end
    sweep.set("width", 16)
    ax = box.views[0].axes
    assert any("+5" in t.get_text() for t in ax.texts)


def test_forward_input_sliders_change_the_input_layer():
    box = forward_pass_widget(seed=0)
    box.controls["frame"].value = 0
    nodes = box.views[0].axes.collections[-1]
    before = nodes.get_facecolors()[:2].copy()
    Sweep(box).set("x1", -1.5)
    assert not np.allclose(nodes.get_facecolors()[:2], before)


def test_representation_train_and_reset():
    box = representation_widget(seed=0, dataset="xor")
    c, sweep = box.controls, Sweep(box)
    sweep.set("layer", 2)
    untrained = box.views[0].image.value
    sweep.set("epochs", 10)
    sweep.click("train")
    status = box.status.value
    assert status.startswith("trained 10 epochs")
    sweep.click("train")
    assert box.status.value.startswith("trained 20 epochs")
    sweep.click("reset")
    assert box.views[0].image.value == untrained                  # the same fresh weights
    assert box.status.value.startswith("fresh weights")           # a visible effect even untrained
    sweep.click("reset", must_change=False)
    assert "nn-no-redraw" in c["epochs"]._dom_classes              # the browser test's convention


def test_representation_trains_in_slices_on_the_event_loop():
    """The Train click returns at once in a kernel (no threads: the browser edition has none);
    the controls wait, the loop gets turns while it trains, and the result is the blocking one's."""
    import asyncio

    blocking = representation_widget(seed=0, dataset="moons")
    blocking.controls["epochs"].value = 200
    blocking.controls["train"].click()                            # no loop: trains before returning

    box = representation_widget(seed=0, dataset="moons")
    box.controls["epochs"].value = 200
    turns = []

    async def scenario():
        box.controls["train"].click()
        assert box.status.value == "training…" and box.controls["train"].disabled
        while box.controls["train"].disabled:
            turns.append(1)
            await asyncio.sleep(0.005)

    asyncio.run(asyncio.wait_for(scenario(), 60))
    assert turns, "the event loop got no turn while the network trained"
    assert box.status.value == blocking.status.value and box.status.value.startswith("trained 200 epochs")
    assert not any(c.disabled for c in box.controls.values())


def test_representation_layer_slider_follows_depth():
    box = representation_widget(seed=0, layers=3)
    c, sweep = box.controls, Sweep(box)
    assert c["layer"].max == 4
    sweep.set("layer", 4)
    sweep.set("layers", 1)
    assert c["layer"].max == 2 and c["layer"].value == 2
    sweep.set("z", True)
    sweep.set("layer", 0)
    sweep.set("z", False)                                          # layer 0 notes that z starts at 1


def test_gradient_flow_frames_light_bars():
    box = gradient_flow_widget(seed=0, layers=3)
    sweep = Sweep(box)
    bars = box.views[0].axes[1].patches
    assert sum(b.get_visible() for b in bars) == 4
    sweep.set("frame", 0)
    faint = bars[0].get_facecolor()
    assert all(b.get_facecolor() == faint for b in bars)
    sweep.set("frame", 1)
    assert bars[-1].get_facecolor() != faint and bars[0].get_facecolor() == faint
    sweep.set("layers", 8)
    assert sum(b.get_visible() for b in box.views[0].axes[1].patches) == 9
    sweep.set("layers", 2)
    assert sum(b.get_visible() for b in box.views[0].axes[1].patches) == 3


def test_gradient_flow_init_follows_the_activation_and_can_be_changed():
    box = gradient_flow_widget(seed=0, layers=3)
    c, sweep = box.controls, Sweep(box)
    assert c["activation"].value == "sigmoid" and c["init"].value == "xavier_normal"
    sweep.set("activation", "relu")
    assert c["init"].value == "he_normal"                      # the recommended pairing
    he = box.views[0].axes[1].patches[0].get_height()
    sweep.set("init", "xavier_normal")                         # the pairing chapter 3 calls wrong
    assert box.views[0].axes[1].patches[0].get_height() != he
    assert any("not the recommended" in w.value for w in box.children
               if hasattr(w, "value") and isinstance(w.value, str))


def test_forward_pass_widget_starts_with_four_hidden_layers():
    assert forward_pass_widget(seed=0).controls["layers"].value == 4


def test_universal_approximation_constructed_vs_trained():
    from nnlib.widgets import universal_approximation_widget
    box = universal_approximation_widget(seed=0)
    c = box.controls
    c["n_hidden"].value = 32
    constructed = box.children[1].value
    assert "constructed" in constructed
    c["weights"].value = "trained"
    trained = box.children[1].value
    assert "trained" in trained and trained != constructed
    rms = [float(text.split("<b>")[1].split("</b>")[0]) for text in (constructed, trained)]
    assert rms[1] > 5 * rms[0]                     # existence is not learnability


def test_bad_builder_arguments():
    with pytest.raises(ValueError, match="activation"):
        forward_pass_widget(activation="softmax")
    with pytest.raises(ValueError, match="dataset"):
        representation_widget(dataset="sine")
    with pytest.raises(TypeError, match="seed"):
        gradient_flow_widget(seed=0.5)
    with pytest.raises(ValueError, match="layers"):
        gradient_flow_widget(layers=0)
    with pytest.raises(ValueError, match="layers must be <= 6"):
        forward_pass_widget(layers=7)
    with pytest.raises(ValueError, match="width must be <= 8"):
        representation_widget(width=9)
    with pytest.raises(ValueError, match=r"x\[1\]"):
        forward_pass_widget(x=(0.0, 3.0))
