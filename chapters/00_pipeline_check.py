# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 00 · Pipeline check (temporary)
#
# **This is not a chapter.** It exists only to exercise the notebook pipeline — jupytext
# pairing, `make notebooks`, strict nbval with its sanitizer, and the pair and hygiene
# tests — until the real chapters (`01_architecture` … `05_regularization`) land.
# Delete it (both `00_pipeline_check.py` and `00_pipeline_check.ipynb`) once the real
# chapters are in.
#
# It touches every kind of output a chapter produces: LaTeX in markdown, printed numbers,
# a figure, a jshtml animation, an object whose repr holds a memory address, and a widget.
#
# A layer computes $z^{(l)} = a^{(l-1)} W^{(l)\top} + b^{(l)}$ and
# $a^{(l)} = \sigma\big(z^{(l)}\big)$; a gradient check compares backprop's
# $\partial L / \partial W$ with a central difference,
#
# $$
# \frac{\partial L}{\partial W_{ij}} \approx
# \frac{L(W_{ij} + \varepsilon) - L(W_{ij} - \varepsilon)}{2\varepsilon},
# \qquad
# \text{relative error} = \frac{\lVert g - \hat g \rVert}{\lVert g \rVert + \lVert \hat g \rVert}.
# $$

# %%
import numpy as np

from nnlib.gradcheck import check_gradients
from nnlib.losses import loss_and_delta
from nnlib.network import MLP
from nnlib.viz import new_axes, setup_notebook, to_jshtml

setup_notebook()

# %% [markdown]
# Numbers: a 2-4-1 network has $2\cdot4 + 4 + 4\cdot1 + 1 = 17$ parameters. Floats are
# printed with a fixed, modest precision, so the last bits of floating-point rounding
# (which differ between machines) never reach the saved output.

# %%
net = MLP([2, 4, 1], activation="tanh", head="identity", seed=0)
rng = np.random.default_rng(0)
X = rng.normal(size=(8, 2))       # (n, d)
y = np.sin(X[:, :1])              # (n, 1)

out, cache = net.forward(X)
L, delta = loss_and_delta(net.loss_name, out, y)
grads = net.backward(delta, cache)
check = check_gradients(lambda: loss_and_delta(net.loss_name, net.forward(X)[0], y)[0],
                        net.params, grads)

print(f"parameters: {net.n_params}")
print(f"loss:       {L:.6f}")
print(f"dL/dW1[0]:  {np.array2string(grads['W1'][0], precision=6)}")
print(f"gradient check passed: {check.passed}")

# %% [markdown]
# A figure, drawn on a bare `Figure` (no pyplot) and shown by ending the cell with it.

# %%
z = np.linspace(-3, 3, 121)
fig, ax = new_axes(figsize=(4, 2.5))
ax.plot(z, np.tanh(z), label=r"$\tanh z$")
ax.plot(z, 1 - np.tanh(z) ** 2, label=r"$\tanh' z$")
ax.set_xlabel("$z$")
ax.legend()
fig

# %% [markdown]
# A three-frame animation as jshtml: it plays offline, in JupyterLab and in exported HTML.

# %%
from matplotlib.animation import FuncAnimation

fig, ax = new_axes(figsize=(3, 2), dpi=60)
ax.set(xlim=(-3, 3), ylim=(-1.1, 1.1))
(line,) = ax.plot([], [])


def draw(k):
    line.set_data(z, np.tanh((k + 1) * z))
    return (line,)


anim = FuncAnimation(fig, draw, frames=3, interval=400)
to_jshtml(anim)

# %% [markdown]
# The animation object itself: its repr holds a memory address, different on every run.

# %%
anim

# %% [markdown]
# A widget: a slider redraws a figure shown as an image (`FigureView`).

# %%
import ipywidgets as widgets

from nnlib.widgets import FigureView

view = FigureView(figsize=(3, 2), dpi=60)
(curve,) = view.axes.plot(z, np.tanh(z))
view.axes.set_ylim(-1.1, 1.1)
slider = widgets.IntSlider(value=1, min=1, max=3, description="steepness")


def redraw(change):
    curve.set_ydata(np.tanh(change["new"] * z))
    view.refresh()


slider.observe(redraw, names="value")
view.refresh()
widgets.VBox([slider, view.widget])
