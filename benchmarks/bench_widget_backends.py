"""Which way should a widget show its figure?  Measured inside a real kernel.

A widget callback changes a figure and must get the new picture to the browser.  Two
ways are measured here, in the same kernel, on the same figure (a line plot updated in
place, 6×3.5 in at dpi 80), per update:

* ``image``  — what nnlib does (``FigureView``): render with Agg to PNG and set the bytes
  on an ``ipywidgets.Image``; one comm message carries them.
* ``output`` — an ``ipywidgets.Output`` widget: ``clear_output(wait=True)`` then
  ``display(fig)`` inside it; IPython renders the figure to PNG (inline backend's
  settings) and the Output widget forwards the display message.

Both are timed on the kernel side (the browser's part, decoding one PNG, is the same
for both).  ipympl is not measured: it needs a JupyterLab front-end extension, its
figures are blank in nbconvert HTML and under nbval, and it would be one more
dependency — the reasons nnlib does not use it whatever its speed.

    python benchmarks/bench_widget_backends.py
"""

from __future__ import annotations

import json
import sys

import nbformat
import zmq
from jupyter_client import KernelManager
from nbclient import NotebookClient

CELL = r'''
import io, time, json
import numpy as np
import ipywidgets as widgets
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from nnlib.viz import setup_notebook
from nnlib.widgets import FigureView

setup_notebook()
x = np.linspace(-3, 3, 400)

def timed(update, n=40):
    update(0.0)  # warm-up
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        update(0.05 * (i + 1))
        times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1e3), float(np.max(times) * 1e3)

view = FigureView(figsize=(6, 3.5), dpi=80)
line_a, = view.axes.plot(x, np.sin(x))
def image_update(phase):
    line_a.set_ydata(np.sin(x + phase))
    view.refresh()

fig = Figure(figsize=(6, 3.5), dpi=80, layout="constrained")
FigureCanvasAgg(fig)
ax = fig.add_subplot()
line_b, = ax.plot(x, np.sin(x))
out = widgets.Output()
display(view.widget, out)
def output_update(phase):
    line_b.set_ydata(np.sin(x + phase))
    with out:
        out.clear_output(wait=True)
        display(fig)

print(json.dumps({"image": timed(image_update), "output": timed(output_update)}))
'''


def main() -> int:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(CELL)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    # Encrypted kernel sockets where pyzmq can (as tools/run_chapters.py), and a clean stop.
    km = KernelManager(kernel_name="python3",
                       transport_encryption="auto" if zmq.has("curve") else "disabled")
    try:
        NotebookClient(nb, km=km, timeout=300).execute()
    finally:
        if km.has_kernel:
            km.shutdown_kernel()
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("output_type") == "stream")
    result = json.loads(text.strip().splitlines()[-1])
    print("| way | median ms | max ms |")
    print("|---|---:|---:|")
    for name, (median, worst) in result.items():
        print(f"| {name} | {median:.1f} | {worst:.1f} |")
    ratio = result["output"][0] / result["image"][0]
    print(f"\nOutput widget / Image widget (median): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
