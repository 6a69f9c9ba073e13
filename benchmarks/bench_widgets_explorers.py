"""How fast do the explorers (toolkit pieces 5–8) answer a control, and how often does the
training explorer redraw while it trains?

Part 1 — callbacks.  Each builder is built headlessly and every control is driven: sliders
from minimum to maximum and back, every dropdown option, checkboxes both ways, multi-selects
and range sliders through a list of settings, then seeded random combinations of all
controls.  Each change is timed from setting ``control.value`` until the callback returns:
the recomputation, the in-place artist updates and the PNG render into the Image widget (all
but the browser's display).  Wall-clock and CPU time of the process are both reported — on a
shared machine the wall time includes waiting for a core.  Target: median ≤ 50 ms for pieces
5–7.  (For the training explorer, a control change redraws the untrained network: no target.)

Part 2 — training.  The training explorer trains (default setting, 1000 epochs) and we take
the times of its plot updates: the interval between consecutive updates must stay ≤ 200 ms.
It is measured blocking (``run_training(blocking=True)``) and as the asyncio task the Train
button starts on a running event loop (trained in slices, the loop getting a turn after each);
for the latter the Stop button's latency (click → training finished) and the gaps between
the loop's turns are reported too.  A last run uses the largest network the controls allow.

Part 3 (``--kernel``) — the same through a real ipykernel, as JupyterLab drives it: a kernel
is started, builds the explorer, then receives the front end's "click" messages for Train
and, 3 s later, Stop; we time the image updates arriving on the IOPub channel and the Stop.

    python benchmarks/bench_widgets_explorers.py            # parts 1 and 2
    python benchmarks/bench_widgets_explorers.py --kernel   # and part 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import ipywidgets as widgets
import numpy as np

from nnlib.widgets import (activation_widget, training_explorer, universal_approximation_widget,
                           vanishing_gradient_widget)
from nnlib.widgets.sweep import random_value

BUILDERS = [("5 vanishing gradients", vanishing_gradient_widget),
            ("6 activations", activation_widget),
            ("7 universal approximation", universal_approximation_widget),
            ("8 training explorer (reset)", training_explorer)]
TARGET_MS, TARGET_INTERVAL_MS = 50.0, 200.0
LARGEST = {"dataset": "spirals", "depth": 6, "width": 64, "batch_norm": True, "dropout": 0.5,
           "l2": 0.01, "l1": 0.001, "epochs": 150}
N_RANDOM = 10


def control_path(control, points=8):
    """The settings one control is driven through (each different from the one before)."""
    if isinstance(control, widgets.Checkbox):
        return [not control.value, control.value]
    if isinstance(control, widgets.SelectMultiple):
        options = tuple(control.options)
        return [(o,) for o in options] + [options[:k] for k in range(2, len(options) + 1)] + [()]
    if isinstance(control, widgets.Dropdown):
        return list(control.options[1:]) + [control.options[0]]
    if isinstance(control, widgets.FloatRangeSlider):
        lo, hi = control.min, control.max
        ends = np.linspace(lo, hi, points)
        return [(lo, float(e)) for e in ends[1:]] + [(float(e), hi) for e in ends[1:]]
    if isinstance(control, widgets.FloatLogSlider):
        up = list(control.base ** np.linspace(control.min, control.max, points))
    elif isinstance(control, widgets.IntSlider):
        up = sorted(set(np.linspace(control.min, control.max, points).round().astype(int).tolist()))
    else:
        up = list(np.linspace(control.min, control.max, points))
    return up + up[::-1][1:]


def timed_set(box, control, value):
    """(wall ms, cpu ms) of one change, or None when it did not redraw."""
    count = sum(v.render_count for v in box.views)
    w0, c0 = time.perf_counter(), time.process_time()
    control.value = value
    wall, cpu = 1e3 * (time.perf_counter() - w0), 1e3 * (time.process_time() - c0)
    return (wall, cpu) if sum(v.render_count for v in box.views) > count else None


def time_builder(builder, seed=0):
    t0 = time.perf_counter()
    box = builder(seed=seed)
    build_ms = 1e3 * (time.perf_counter() - t0)
    per_control = {}
    for name, control in box.controls.items():
        for value in control_path(control):
            sample = timed_set(box, control, value)
            if sample:
                per_control.setdefault(name, []).append(sample)
    rng = np.random.default_rng(seed)
    for _ in range(N_RANDOM):
        for name, control in box.controls.items():
            sample = timed_set(box, control, random_value(control, rng))
            if sample:
                per_control.setdefault(name, []).append(sample)
    return build_ms, per_control


def part_callbacks(detail):
    print("| widget | changes | median wall (ms) | max wall (ms) | median CPU (ms) | "
          "slowest control (median wall) | build (ms) | target |")
    print("|---|---|---|---|---|---|---|---|")
    rows = []
    for label, builder in BUILDERS:
        build_ms, per_control = time_builder(builder)
        samples = np.array([s for v in per_control.values() for s in v])          # (k, 2)
        slow = max(per_control, key=lambda k: np.median([s[0] for s in per_control[k]]))
        slow_ms = np.median([s[0] for s in per_control[slow]])
        target = "—" if label.startswith("8") else (
            "ok" if np.median(samples[:, 0]) <= TARGET_MS else "over")
        print(f"| {label} | {len(samples)} | {np.median(samples[:, 0]):.1f} | "
              f"{samples[:, 0].max():.1f} | {np.median(samples[:, 1]):.1f} | {slow} "
              f"({slow_ms:.1f}) | {build_ms:.0f} | {target} |", flush=True)
        rows.append((label, per_control))
    if detail:
        print("\n| widget | control | changes | median wall (ms) | max wall (ms) | median CPU (ms) |")
        print("|---|---|---|---|---|---|")
        for label, per_control in rows:
            for name, samples in per_control.items():
                s = np.array(samples)
                print(f"| {label} | {name} | {len(s)} | {np.median(s[:, 0]):.1f} | "
                      f"{s[:, 0].max():.1f} | {np.median(s[:, 1]):.1f} |")


def interval_row(label, times_s, epochs, total_s, extra=""):
    gaps = 1e3 * np.diff(times_s)
    verdict = "ok" if gaps.size and gaps.max() <= TARGET_INTERVAL_MS else "over"
    print(f"| {label} | {epochs} | {total_s:.2f} | {len(times_s)} | {np.median(gaps):.0f} | "
          f"{np.percentile(gaps, 90):.0f} | {gaps.max():.0f} | {verdict} |{extra}", flush=True)


def part_training(epochs=1000):
    print("\n| training run | epochs | seconds | plot updates | median interval (ms) | "
          "p90 (ms) | max (ms) | max ≤ 200 ms |")
    print("|---|---|---|---|---|---|---|---|")
    box = training_explorer(seed=0)
    box.controls["epochs"].value = epochs
    explorer = box.explorer
    t0 = time.perf_counter()
    box.run_training(blocking=True)
    total = time.perf_counter() - t0
    interval_row("blocking (calling thread)", [t0] + explorer.update_times, explorer.history.epochs_run,
                 total)
    box.controls["epochs"].value = 3000

    async def train_then_stop():
        t0 = time.perf_counter()
        box.buttons["train"].click()                # starts the task on this loop
        await asyncio.sleep(3.0)                    # the loop's turns between slices
        t_click = time.perf_counter()
        box.buttons["stop"].click()
        await explorer.task
        return t0, t_click, time.perf_counter()

    t0, t_click, t_end = asyncio.run(train_then_stop())
    stop_ms = 1e3 * (t_end - t_click)
    times = [t0] + [t for t in explorer.update_times if t <= t_click]
    interval_row("asyncio task on the event loop, Stop after 3 s", times,
                 explorer.history.epochs_run, t_end - t0)
    turns = 1e3 * np.diff([t0] + explorer.yield_times)
    print(f"\nStop button → training finished: {stop_ms:.0f} ms "
          f"({explorer.history.message}); the event loop got a turn every "
          f"{np.median(turns):.0f} ms (median; max {turns.max():.0f} ms).")
    box = training_explorer(seed=0)
    for name, value in LARGEST.items():
        box.controls[name].value = value
    t0 = time.perf_counter()
    box.run_training(blocking=True)
    interval_row("largest network (6 × 64, batch norm, dropout 0.5, L2, L1), blocking",
                 [t0] + box.explorer.update_times, box.explorer.history.epochs_run,
                 time.perf_counter() - t0)


# --- part 3: a real kernel, driven like JupyterLab drives it -----------------------------

KERNEL_SETUP = """
from nnlib.widgets import training_explorer
box = training_explorer(seed=0)
box.controls["epochs"].value = 3000
ids = {"train": box.buttons["train"].model_id, "stop": box.buttons["stop"].model_id,
       "image": box.views[0].image.model_id, "status": box.status.model_id}
print(__import__("json").dumps(ids))
"""


def part_kernel(run_seconds=3.0):
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        ids = _execute(kc, KERNEL_SETUP)
        session = kc.session

        def click(model_id):
            msg = session.msg("comm_msg", {"comm_id": model_id,
                                           "data": {"method": "custom",
                                                    "content": {"event": "click"}}})
            kc.shell_channel.send(msg)
            return time.perf_counter()

        _drain(kc)
        t_train = click(ids["train"])
        images, stop_sent, finished = [], None, None
        while True:
            try:
                msg = kc.get_iopub_msg(timeout=10)
            except Exception:
                break
            now = time.perf_counter()
            if stop_sent is None and now - t_train >= run_seconds:
                stop_sent = click(ids["stop"])
            data = msg["content"].get("data", {})
            if msg["msg_type"] != "comm_msg" or data.get("method") != "update":
                continue
            comm, state = msg["content"]["comm_id"], data.get("state", {})
            if comm == ids["image"] and (stop_sent is None or now < stop_sent):
                images.append(now)
            if comm == ids["status"] and stop_sent and "Stopped" in str(state.get("value", "")):
                finished = now
                break
        print("\n| through a kernel (IOPub) | image updates before Stop | median interval (ms) | "
              "p90 (ms) | max (ms) | first update after Train (ms) | Stop → 'Stopped' status (ms) |")
        print("|---|---|---|---|---|---|---|")
        gaps = 1e3 * np.diff(images)
        print(f"| asyncio task | {len(images)} | {np.median(gaps):.0f} | "
              f"{np.percentile(gaps, 90):.0f} | {gaps.max():.0f} | "
              f"{1e3 * (images[0] - t_train):.0f} | "
              f"{'—' if finished is None else f'{1e3 * (finished - stop_sent):.0f}'} |")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _execute(kc, code):
    """Run ``code`` in the kernel; return the JSON it printed."""
    msg_id = kc.execute(code)
    out = ""
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out += msg["content"]["text"]
        elif msg["msg_type"] == "error":
            raise RuntimeError("\n".join(msg["content"]["traceback"]))
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return json.loads(out.strip().splitlines()[-1])


def _drain(kc):
    while True:
        try:
            kc.get_iopub_msg(timeout=0.3)
        except Exception:
            return


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--detail", action="store_true", help="one row per control as well")
    parser.add_argument("--kernel", action="store_true", help="also measure through a real ipykernel")
    args = parser.parse_args()
    part_callbacks(args.detail)
    part_training()
    if args.kernel:
        part_kernel()


if __name__ == "__main__":
    main()
