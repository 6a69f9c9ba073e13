"""How long does one change of a control take in the network widgets (compute + redraw)?

Each builder is built headlessly, then every control is driven over its range — sliders from
minimum to maximum and back, every dropdown option, checkboxes on and off, buttons clicked —
and the time of each change is measured: the callback recomputes what it must, recolours the
artists and renders the PNG into the Image widget (everything but the browser's display).

It prints a markdown table with the median and the maximum callback time per widget (wall
clock), the median CPU time of this process (steadier than the wall clock on a shared, busy
machine), and the slowest control.  Target: median ≤ 50 ms.  ``--detail`` adds one row per
control.

    python benchmarks/bench_widgets_network.py
    python benchmarks/bench_widgets_network.py --detail
"""

from __future__ import annotations

import argparse
import time

import ipywidgets as widgets
import numpy as np

from nnlib.widgets import forward_pass_widget, gradient_flow_widget, representation_widget

BUILDERS = [forward_pass_widget, representation_widget, gradient_flow_widget]
TARGET_MS = 50.0


def slider_path(control, max_points=8):
    """Values from min to max and back, at most ``max_points`` each way."""
    if isinstance(control, widgets.FloatSlider):
        up = list(np.round(np.linspace(control.min, control.max, max_points), 6))
    else:
        up = sorted(set(np.linspace(control.min, control.max, max_points).round().astype(int).tolist()))
    return up + up[::-1][1:]


def control_actions(control):
    """Zero-argument callables that each perform one change of ``control``."""
    if isinstance(control, widgets.Button):
        return [control.click] * 3
    if isinstance(control, widgets.Dropdown):
        values = list(control.options[1:]) + [control.options[0]]
    elif isinstance(control, widgets.Checkbox):
        values = [not control.value, control.value]
    else:
        values = slider_path(control)

    def setter(value):
        return lambda: setattr(control, "value", value)

    return [setter(v) for v in values]


def time_widget(builder, seed=0):
    """Per control, the lists of (wall, cpu) callback times in ms; and the build time."""
    t0 = time.perf_counter()
    box = builder(seed=seed)
    build_ms = 1e3 * (time.perf_counter() - t0)
    times = {}
    for name, control in box.controls.items():
        if name == "play":       # Play is linked to the frame slider: the same callback
            continue
        for action in control_actions(control):
            count = box.views[0].render_count
            t0, c0 = time.perf_counter(), time.process_time()
            action()
            wall, cpu = 1e3 * (time.perf_counter() - t0), 1e3 * (time.process_time() - c0)
            if box.views[0].render_count > count:      # count only changes that redrew
                times.setdefault(name, []).append((wall, cpu))
    return build_ms, {name: np.array(t) for name, t in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--detail", action="store_true", help="one row per control as well")
    args = parser.parse_args()
    rows, detail = [], []
    for builder in BUILDERS:
        build_ms, times = time_widget(builder)
        every = np.concatenate(list(times.values()))                       # (callbacks, 2)
        slowest = max(times, key=lambda k: np.median(times[k][:, 0]))
        rows.append(f"| {builder.__name__} | {len(every)} | {np.median(every[:, 0]):.1f} | "
                    f"{every[:, 0].max():.1f} | {np.median(every[:, 1]):.1f} | "
                    f"{slowest} ({np.median(times[slowest][:, 0]):.0f} ms) | {build_ms:.0f} |")
        detail += [f"| {builder.__name__} | {name} | {len(t)} | {np.median(t[:, 0]):.1f} | "
                   f"{t[:, 0].max():.1f} | {np.median(t[:, 1]):.1f} |" for name, t in times.items()]
    print(f"Network widgets: callback time (compute + redraw), target median ≤ {TARGET_MS:.0f} ms\n")
    print("| widget | callbacks | median ms | max ms | CPU median ms | slowest control (median) | build ms |")
    print("|---|---:|---:|---:|---:|---|---:|")
    print("\n".join(rows))
    if args.detail:
        print("\n| widget | control | callbacks | median ms | max ms | CPU median ms |")
        print("|---|---|---:|---:|---:|---:|")
        print("\n".join(detail))


if __name__ == "__main__":
    main()
