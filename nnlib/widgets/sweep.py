"""Random settings for a widget's controls, for the robustness tests and the latency benchmarks.

``random_value(control, rng)`` returns a value the control accepts: an option of a
dropdown or selection slider, a subset of a multi-select, an ordered pair for a range slider, a power of the
base for a log slider, a step of a float slider, an integer of an int slider, a bool.
"""

from __future__ import annotations

import ipywidgets as widgets


def random_value(control, rng):
    """A random legal value for ``control``, drawn from the numpy Generator ``rng``."""
    if isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        return bool(rng.integers(2))
    if isinstance(control, widgets.SelectMultiple):
        return tuple(o for o in control.options if rng.random() < 0.5)
    if isinstance(control, (widgets.Dropdown, widgets.ToggleButtons, widgets.RadioButtons,
                            widgets.SelectionSlider)):
        values = option_values(control)
        return values[rng.integers(len(values))]
    if isinstance(control, widgets.IntRangeSlider):
        return tuple(sorted(int(v) for v in rng.integers(control.min, control.max + 1, 2)))
    if isinstance(control, widgets.FloatRangeSlider):
        return tuple(sorted(float(v) for v in rng.uniform(control.min, control.max, 2)))
    if isinstance(control, widgets.FloatLogSlider):
        return control.base ** rng.uniform(control.min, control.max)
    if isinstance(control, widgets.IntSlider):
        return int(rng.integers(control.min, control.max + 1))
    if isinstance(control, widgets.FloatSlider) and control.step:
        steps = int(round((control.max - control.min) / control.step))
        return round(control.min + control.step * int(rng.integers(steps + 1)), 10)
    return float(rng.uniform(control.min, control.max))


def option_values(control) -> list:
    """The values a selection control can take: its options, or the values of (label, value) pairs."""
    return [o[1] if isinstance(o, tuple) else o for o in control.options]
