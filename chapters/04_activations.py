# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · Activation functions
#
# **Summary:** why a network needs a non-linearity between its layers, how ReLU, GELU, SiLU, sigmoid and tanh differ in shape and slope, and what that difference does to training.
#
# **Learning goals:**
# - show that a stack of linear layers is one linear map, and what that costs on curved data;
# - give the formula, range and derivative of ReLU, GELU, SiLU, sigmoid and tanh, and where each is used;
# - recognise saturated units and dead ReLU units, and what causes and prevents them;
# - compare activations fairly: the same network, data and seed, each activation with its own initialisation, and the settings printed.
#
# Every hidden layer computes $z^{(l)} = a^{(l-1)} W^{(l)\top} + b^{(l)}$ and then applies an
# **activation function** $\sigma$ to each entry: $a^{(l)} = \sigma\big(z^{(l)}\big)$. This
# chapter is about that one small function: why a network needs it at all, what the common
# choices look like, and what each choice does to training.
#
# 1. **Why non-linearity**: without $\sigma$, a deep network is one linear map.
# 2. **The activation explorer**: ReLU, GELU, SiLU, sigmoid and tanh, with their derivatives.
# 3. **A comparison table**, computed from the functions themselves.
# 4. **Saturation and dead units**: where the gradient disappears.
# 5. **One network, five activations**: the same training run with each, and how initialisation and learning rate change the ranking.
# 6. **Exercises**: two derivatives, a sigmoid that never overflows, finding dead units.
#
# Every number quoted in the text is printed by a cell next to it; run the cells in order.

# %%
import numpy as np
from IPython.display import Markdown

from nnlib.activations import get_activation
from nnlib.analysis.activations import (activation_grid, activation_grid_rows, activation_minimum,
                                        activation_table, collapse_linear, same_sign_fraction,
                                        saturation_regions, train_counting_dead_units)
from nnlib.analysis.training import train_run
from nnlib.chapter_settings import CH4_DEAD, CH4_NONLINEAR, CH4_RACE, TABLE_ORDER
from nnlib.datasets import load_dataset
from nnlib.exercises import ch04
from nnlib.network import MLP
from nnlib.viz import new_panels, plot_activations, plot_decision_boundary, setup_notebook
from nnlib.viz.activations import plot_activation_race, plot_dead_units, plot_linear_collapse
from nnlib.viz.tables import markdown_table
from nnlib.widgets import activation_widget
from nnlib.widgets.activations import activation_race_widget

setup_notebook()

# %% [markdown]
# ## 1. Why non-linearity
#
# Take away the activation — set $\sigma(z) = z$ — and stack two layers:
#
# $$
# z^{(2)} = \big(x W^{(1)\top} + b^{(1)}\big) W^{(2)\top} + b^{(2)}
#         = x\,\big(W^{(2)} W^{(1)}\big)^{\top} + \big(b^{(1)} W^{(2)\top} + b^{(2)}\big).
# $$
#
# That is again *one* layer, with weight matrix $W = W^{(2)} W^{(1)}$ and bias
# $b = b^{(1)} W^{(2)\top} + b^{(2)}$. Repeating the argument layer by layer, any stack of
# linear layers equals a single one,
#
# $$
# z^{(L)} = x\,W^{\top} + b, \qquad W = W^{(L)} W^{(L-1)} \cdots W^{(1)} .
# $$
#
# Depth buys nothing: however many layers and units, the network can only draw a straight
# line (a hyperplane) through its input space. Let us check that on a network with three
# hidden layers of 8 units and no activation. The biases start at zero, so we give them
# random values first, to check the combined bias too. `collapse_linear` multiplies out the
# product matrix and the combined bias:

# %%
linear_net = MLP([2, 8, 8, 8, 1], activation="identity", head="identity", seed=0)
rng = np.random.default_rng(0)
for l in range(1, linear_net.L + 1):
    linear_net.params[f"b{l}"][:] = rng.normal(scale=0.5, size=linear_net.sizes[l])
W, b = collapse_linear(linear_net)
X = rng.normal(size=(1000, 2))                                 # 1000 random inputs, (n, d)
stack = linear_net.predict(X)                                  # four layers, one after another
product = X @ W.T + b                                          # one layer
print(f"{linear_net.L} weight matrices of shapes", [linear_net.params[f'W{l}'].shape
                                                    for l in range(1, linear_net.L + 1)])
print(f"product matrix W = W4 W3 W2 W1 has shape {W.shape}, combined bias b = {b[0]:.3f}")
print("stack and product agree on all 1000 inputs (to 1e-12):",
      np.allclose(stack, product, rtol=1e-12, atol=1e-12))

# %% [markdown]
# Walk along a straight line through the input space, $x(t) = t\,(1, 0.5)$, and watch the
# output. The linear stack and its product matrix trace the same straight line. The same
# network with ReLU between the layers (same weights and biases, copied over) bends
# wherever one of its units switches on or off.

# %%
t = np.linspace(-3, 3, 301)
line = t[:, None] * np.array([1.0, 0.5])                       # (301, 2) points on the line
relu_net = MLP([2, 8, 8, 8, 1], activation="relu", head="identity", seed=0)
relu_net.set_params(linear_net.params)
fig, ax = plot_linear_collapse(t, {"linear stack (4 layers)": linear_net.predict(line),
                                   "its product matrix (1 layer)": line @ W.T + b,
                                   "same weights with ReLU": relu_net.predict(line)})
ax.set_title("a linear stack is one linear map", fontsize="medium")
fig

# %% [markdown]
# **What that costs.** Two concentric circles cannot be separated by a straight line. We
# train the same $2 \to 16 \to 16 \to 1$ network twice on them — once with no activation
# (`identity`), once with ReLU — with the same initial seed, optimizer (momentum SGD) and
# number of epochs. The sigmoid at the output turns the last $z$ into a probability, but it
# cannot bend the boundary: the linear network is exactly logistic regression.

# %%
circles = load_dataset(**CH4_NONLINEAR["data"])
nonlinear = {name: train_run(circles, activation=name, **CH4_NONLINEAR["train"])
             for name in ("identity", "relu")}
for name, run in nonlinear.items():
    h = run.history
    print(f"{name:>8}: training accuracy {h.train_acc[-1]:.2f}, validation accuracy "
          f"{h.val_acc[-1]:.2f}, validation loss {h.val_loss[-1]:.3f}")

# %%
fig, axes = new_panels(2, figsize=(7.2, 3.4))
for ax, (name, run) in zip(axes, nonlinear.items()):
    plot_decision_boundary(run.net, circles.X_train, circles.y_train, ax=ax,
                           X_val=circles.X_val, y_val=circles.y_val, m=80)
    ax.set_title(f"{name}: validation accuracy {run.history.val_acc[-1]:.2f}", fontsize="medium")
fig

# %% [markdown]
# The linear network's best is a straight cut through the rings — about as good as
# guessing. With ReLU the same architecture draws a closed curve between the circles.
# Every bend in that curve comes from a unit switching on or off: the non-linearity is
# where a network's ability to fit curved boundaries comes from.

# %% [markdown]
# ## 2. The activation explorer
#
# The five activations this chapter compares, with $\Phi$ the standard normal CDF and
# $\mathrm{sigmoid}(z) = 1/(1 + e^{-z})$:
#
# | name | $\sigma(z)$ | $\sigma'(z)$ |
# |---|---|---|
# | ReLU | $\max(0, z)$ | $1$ if $z > 0$, else $0$ |
# | GELU | $z\,\Phi(z)$ | $\Phi(z) + z\,\varphi(z)$, with $\varphi(z) = e^{-z^2/2}/\sqrt{2\pi}$ |
# | SiLU (swish) | $z\,\mathrm{sigmoid}(z)$ | $s + z\,s(1-s)$, with $s = \mathrm{sigmoid}(z)$ |
# | sigmoid | $1/(1+e^{-z})$ | $s(1-s)$ |
# | tanh | $\tanh z$ | $1 - \tanh^2 z$ |
#
# GELU and SiLU are smooth versions of ReLU: for large positive $z$ they are $\approx z$, for
# large negative $z$ they are $\approx 0$, and in between they dip slightly **below zero**.
# The explorer also offers **leaky ReLU**, $\max(\alpha z, z)$ with $\alpha = 0.01$ (PyTorch's
# default), a ReLU with a small slope for $z < 0$ — §4 says why that matters.
# Choose activations and a range of $z$ in the explorer; dots mark minima, and the coloured
# bars along the bottom mark where $|\sigma'(z)|$ is below a threshold — where almost no
# gradient gets through (§4).

# %%
activation_widget()

# %% [markdown]
# ## 3. The activations compared
#
# The table below is computed from the functions themselves, not typed in.
#
# * **Range.** The lower end is the function's minimum if it has one at a finite $z$ —
#   found numerically by `nnlib.analysis.activations.activation_minimum`, which looks for a sign
#   change of $\sigma'$ from $-$ to $+$ and refines it with Brent's root finder — or else its
#   limit far to the left. A square bracket means the value is reached, a round one that it
#   is only approached.
# * **Gradient.** $\sigma'$ on a grid over $[-30, 30]$: only the values 0 and 1, tending to 0
#   at both ends (saturating), or smooth with the extremes shown.
# * **Typical use** is where each one is met in practice.

# %%
table = activation_table(TABLE_ORDER)
Markdown(markdown_table(table, ["name", "formula", "range", "gradient", "use"],
                        ["activation", "σ(z)", "range", "gradient σ′", "typical use"]))

# %% [markdown]
# The minima of GELU and SiLU sit where $\sigma'(z) = 0$: for GELU where
# $\Phi(z) + z\,\varphi(z) = 0$, for SiLU where $s\,\big(1 + z(1 - s)\big) = 0$, i.e.
# $z = -1/(1 - s)$. Neither equation has a closed-form solution, so we solve them numerically
# and check the derivative really vanishes there:

# %%
for name in ("gelu", "silu"):
    m = activation_minimum(name)
    slope = get_activation(name).df(np.array([m.z]))[0]
    print(f"{name}: minimum {m.f:.3f} at z = {m.z:.3f};  "
          f"|σ′| there below 1e-12: {abs(slope) < 1e-12}")

# %% [markdown]
# That small negative dip is a feature: a GELU or SiLU unit with a negative input still
# passes a (small) gradient, where a ReLU unit passes none. §4 shows why that matters.
#
# **At the output.** The last layer's activation is chosen by the task, not for training
# speed: the identity for regression, sigmoid for one probability (binary
# classification), and for $k$ classes **softmax**,
# $\mathrm{softmax}(z)_c = e^{z_c} / \sum_{j=1}^{k} e^{z_j}$, which turns a row of $k$ scores
# into $k$ probabilities. Softmax is not elementwise — every output depends on the whole
# row — so it is never a hidden activation. Adding the same number to every score changes
# nothing, which is how `nnlib.activations.softmax` avoids overflow: it subtracts the row's
# maximum first.

# %%
scores = np.array([[2.0, 1.0, -1.0], [1002.0, 1001.0, 999.0]])   # the second row is the first + 1000
probabilities = get_activation("softmax").f(scores)
print(np.round(probabilities, 4), "\nrows sum to", probabilities.sum(axis=1))

# %% [markdown]
# ## 4. Saturation and dead units
#
# The backward pass multiplies by $\sigma'$ at every layer,
# $\delta^{(l)} = \big(\delta^{(l+1)} W^{(l+1)}\big) \odot \sigma'\big(z^{(l)}\big)$
# (Chapter 3). Wherever $\sigma'(z) \approx 0$ the unit passes almost nothing back, and its
# incoming weights stop learning.
#
# **Saturation.** Sigmoid and tanh flatten out in both tails. Their derivatives at a few
# points:

# %%
zs = [-5.0, -2.0, 0.0, 2.0, 5.0, 10.0]
rows = [{"activation": name, **{f"σ′({z:g})": float(get_activation(name).df(np.array(z)))
                                for z in zs}} for name in ("sigmoid", "tanh", "relu", "gelu")]
Markdown(markdown_table(rows))

# %% [markdown]
# At $|z| = 5$ a sigmoid passes less than 3 % of the gradient it passes at 0, at $|z| = 10$
# less than 0.02 %; tanh falls off even faster. ReLU's slope is 1 or 0, GELU's is
# slightly negative at $z = -2$ and $-5$ and overshoots 1 at $z = 2$. Where exactly is
# each one "flat"? Below, the intervals where
# $|\sigma'(z)| < 0.05$ on $[-10, 10]$, and the same in a picture (bars at the bottom):

# %%
for name in ("sigmoid", "tanh", "relu"):
    regions = saturation_regions(name, -10, 10, threshold=0.05)
    print(f"{name:>8}: |σ′| < 0.05 on " + ", ".join(f"[{a:.2f}, {b:.2f}]" for a, b in regions))
fig, ax = plot_activations(["sigmoid", "tanh"], -8, 8)
fig

# %% [markdown]
# A unit whose input $z$ has drifted far into a tail is **saturated**: it still outputs
# something, but learns almost nothing. ReLU never saturates for $z > 0$ — its slope is
# exactly 1 — which is one reason it replaced sigmoid and tanh in hidden layers. But for
# $z \le 0$ its slope is exactly 0, and that has its own failure.
#
# **Dead ReLUs.** If a ReLU unit's input is $z \le 0$ for *every* training example, its
# output is always 0 and so is its $\sigma'$. No gradient reaches its incoming weights, so
# nothing can move it back: the unit is **dead**. One way to kill units is a learning rate
# that is too high: a single large step can push a unit's weights and bias so far that it
# never fires again.
#
# We train a network with three hidden ReLU layers of 32 units on two spirals, with plain
# SGD at a reasonable learning rate and at one that is far too high, and count the dead
# units (on the training set) after every epoch:

# %%
spirals = load_dataset(**CH4_DEAD["data"])
dead = {lr: train_counting_dead_units(spirals, lr=lr, **CH4_DEAD["train"])
        for lr in CH4_DEAD["lrs"]}
n_hidden = sum(CH4_DEAD["train"]["sizes"][1:-1])
for lr, (run, counts) in dead.items():
    print(f"lr = {lr}: dead units per layer at the start {counts[0].tolist()}, after "
          f"{run.history.epochs_run} epochs {counts[-1].tolist()} — {counts[-1].sum()} of "
          f"{n_hidden};  training loss {run.history.train_loss[-1]:.3f}")
print(f"(a constant prediction of 1/2 has loss ln 2 = {np.log(2):.3f})")

# %%
fig, ax = plot_dead_units({f"lr = {lr}": counts for lr, (run, counts) in dead.items()}, n_hidden)
ax.set_title("dead ReLU units during training", fontsize="medium")
fig

# %% [markdown]
# At the sane learning rate a handful of units are silent on this data (some already at
# initialisation) and the network learns the spirals. At the high one, units die within a
# few epochs, and a whole layer can go: then the output no longer depends on the input at
# all, and the loss sits at $\ln 2$, the loss of predicting $1/2$ for everything. The units
# in the first layer see fixed inputs, so once dead they stay dead; deeper ones could in
# principle be revived by changes below them, but rarely are.
#
# Remedies: a smaller learning rate; an activation with a non-zero slope for $z < 0$ (GELU,
# SiLU, or leaky ReLU $\max(\alpha z, z)$ — `"leaky_relu"` in `nnlib`, with $\alpha = 0.01$; pick
# it in the explorer of §2 to see its slope), so that a unit with $z < 0$ everywhere still
# receives a gradient; and batch normalisation (Chapter 5), which re-centres every unit's
# inputs on each batch so that about half of them are positive.

# %% [markdown]
# ## 5. One network, five activations
#
# The same $2 \to 32 \to 32 \to 1$ network on the same two spirals, from the same seed,
# with the same optimizer (momentum SGD, batches of 64) for the same number of epochs —
# only the activation differs. "Only the activation" needs care: Chapter 3 derived a
# different initialisation for different activations — **He** ($\operatorname{Var} W = 2/\text{fan}_\text{in}$)
# for the ReLU family, which zeroes about half of its inputs, and **Xavier**
# ($2/(\text{fan}_\text{in} + \text{fan}_\text{out})$) for tanh and sigmoid. So each
# activation starts with the initialisation the book recommends for it. (The linear network
# is included for reference.) The settings:

# %%
race_data = load_dataset(**CH4_RACE["data"])
names = [name for name in TABLE_ORDER if name != "identity"]
grid = activation_grid(race_data, names, CH4_RACE["inits"], CH4_RACE["lrs"], **CH4_RACE["train"])
race_runs = {**grid[(CH4_RACE["init"], CH4_RACE["lr"])],
             "identity": train_run(race_data, activation="identity", init="xavier_normal",
                                   lr=CH4_RACE["lr"], **CH4_RACE["train"])}
race = {name: run.history for name, run in race_runs.items()}
print("data:", CH4_RACE["data"])
print("training:", CH4_RACE["train"], "learning rate", CH4_RACE["lr"])
print("initialisation:", {name: run.net.init for name, run in race_runs.items()})
rows = [{"activation": name, "training loss": h.train_loss[-1], "validation loss": h.val_loss[-1],
         "validation accuracy": h.val_acc[-1],
         "first epoch with training loss < 0.3": next((e + 1 for e, L in enumerate(h.train_loss)
                                                      if L < 0.3), "never")}
        for name, h in race.items()]
Markdown(markdown_table(rows))

# %% [markdown]
# With each activation's own initialisation, ReLU and GELU learn the spirals fastest and
# SiLU a little later; sigmoid **and tanh** stay near the loss of a constant guess for all
# 80 epochs. Is that the activation's fault? The same race again for every combination of
# initialisation (He for all, Xavier for all) and three learning rates $\eta$ — final
# validation loss, validation accuracy in brackets:

# %%
Markdown(markdown_table(activation_grid_rows(grid, names)))

# %% [markdown]
# The ranking depends on both settings:
#
# * **Initialisation.** tanh with He weights reaches a validation accuracy above 0.9 at
#   every $\eta$ in the grid; with Xavier weights it stays below 0.7 at every one. With Xavier for all at $\eta = 0.1$, SiLU
#   fails too and GELU ends far behind ReLU. The first layer explains much of it: it has
#   only 2 inputs and 32 outputs, so Xavier draws its weights about 4 times smaller than He
#   (printed below), and its $z$ starts about 4 times smaller, well inside the range
#   where tanh is nearly the identity. The network starts as a gentle, nearly linear
#   function of $x$, and the tight turns of the spirals need large first-layer weights
#   that 80 epochs at a small step do not grow.
# * **Learning rate.** Sigmoid's slope is at most $1/4$, so each layer shrinks the
#   gradient by 4 or more (Chapter 3) and it needs larger steps: with He weights it learns
#   at $\eta = 1$ — where ReLU and GELU already overshoot and end worse than at $\eta = 0.3$.
#
# No single activation wins every column. Treat any one race as *one* experiment; the
# settings must be printed beside it, and a fair comparison gives each contestant its own
# best settings, or at least the ones the theory recommends for it.

# %%
fan_in, fan_out = CH4_RACE["train"]["sizes"][:2]
print(f"first layer ({fan_in} inputs, {fan_out} units): weight std He {np.sqrt(2 / fan_in):.2f}, "
      f"Xavier {np.sqrt(2 / (fan_in + fan_out)):.2f}")
for init in ("he_normal", "xavier_normal"):
    start = MLP(CH4_RACE["train"]["sizes"], activation="tanh", head="sigmoid", init=init, seed=0)
    z1 = race_data.X_train @ start.params["W1"].T + start.params["b1"]       # (n, 32) at epoch 0
    print(f"{init}: first-layer z on the training points at the start has std {z1.std():.2f}")

# %% [markdown]
# The loss curves side by side; choose the initialisation and the learning rate (all runs
# were trained above, so the widget only picks one) and switch activations on and off to
# compare any two.

# %%
activation_race_widget({key: {name: run.history for name, run in row.items()}
                        for key, row in grid.items()},
                       start=(CH4_RACE["init"], CH4_RACE["lr"]))

# %% [markdown]
# **Why sigmoid zig-zags.** Sigmoid's outputs are all positive. For **one sample** the
# gradient of the weight from unit $j$ into unit $i$ of the next layer is
# $\delta_i a_j$, and with every $a_j > 0$ all the weights into unit $i$ get gradients of
# the sign of $\delta_i$: that sample pushes them all up, or all down, together. A batch
# step averages these pushes over samples whose $\delta_i$ have different signs, so for a
# batch the rule need not hold. Counted in layer 2 of the sigmoid network that learned
# (He, $\eta = 1$), for a batch of 64 training samples:

# %%
sigmoid_net = grid[("he_normal", 1.0)]["sigmoid"].net
X_b, y_b = race_data.X_train[:64], race_data.y_train[:64]
per_sample = [same_sign_fraction(sigmoid_net.loss_and_grads(X_b[i:i + 1], y_b[i:i + 1])[1]["W2"])
              for i in range(len(X_b))]
per_batch = same_sign_fraction(sigmoid_net.loss_and_grads(X_b, y_b)[1]["W2"])
print(f"units whose incoming weights all move the same way: every single sample "
      f"{min(per_sample):.0%} of them, the batch of 64 {per_batch:.0%}")

# %% [markdown]
# Per sample it is all of them, per batch only some. The lasting differences between the
# activations are structural — sigmoid's small, saturating slope and all-positive outputs;
# ReLU's exact zero for $z < 0$; GELU's and SiLU's smooth dip — and they are why modern
# networks use ReLU, GELU or SiLU in hidden layers, and keep sigmoid for outputs and gates.

# %% [markdown]
# A static copy of the same curves, all activations at once:

# %%
fig, axes = plot_activation_race(race)
fig

# %% [markdown]
# ## 6. Exercises
#
# Each exercise has a stub; replace `raise NotImplementedError` with your code and run the
# cell. The checker runs your function on a few cases and names the mistake if it
# recognises a common one, with the case it failed on. `check()` shows its
# verdict by itself, so you can uncomment `hint(1)` (then `hint(2)`, …) or `solution()` under
# it without hiding the verdict.
# Answers are float64, like their inputs (a float32 result is pointed out, not accepted).
#
# **1. The derivative of SiLU.** $\mathrm{SiLU}(z) = z\,\mathrm{sigmoid}(z)$. Write its
# derivative for an array `z` (`scipy.special.expit` is the sigmoid).

# %%
from scipy import special


def silu_grad(z):
    raise NotImplementedError  # your code here


ch04.silu_grad.check(silu_grad)
# ch04.silu_grad.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch04.silu_grad.solution()    # our solution

# %% [markdown]
# **2. The derivative of GELU.** $\mathrm{GELU}(z) = z\,\Phi(z)$ with $\Phi$ the standard normal
# CDF (`scipy.special.ndtr`).

# %%
def gelu_grad(z):
    raise NotImplementedError  # your code here


ch04.gelu_grad.check(gelu_grad)
# ch04.gelu_grad.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch04.gelu_grad.solution()    # our solution

# %% [markdown]
# **3. A sigmoid that never overflows.** $1/(1 + e^{-z})$ computes $e^{1000}$ for
# $z = -1000$ — an overflow. Write a sigmoid that gives the right answer for every `z`,
# however large, without overflow warnings. In the tails the checker compares each value
# relative to its own size ($\sigma(-700) \approx 10^{-304}$), so clipping $z$ or computing
# $1 - \sigma(-z)$ for negative $z$ shows up.

# %%
def stable_sigmoid(z):
    raise NotImplementedError  # your code here


ch04.stable_sigmoid.check(stable_sigmoid)
# ch04.stable_sigmoid.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch04.stable_sigmoid.solution()    # our solution

# %% [markdown]
# **4. Finding dead units.** `Z` holds the pre-activations of one ReLU layer for a batch,
# shape $(n, h)$. Return a boolean array of shape $(h,)$: `True` for each unit that is dead
# on this batch.

# %%
def dead_units(Z):
    raise NotImplementedError  # your code here


ch04.dead_units.check(dead_units)
# ch04.dead_units.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch04.dead_units.solution()    # our solution

# %% [markdown]
# **5. Predict, then run: how many outputs are zero?** A ReLU unit receives pre-activations
# $z \sim \mathcal N(-1, 1)$ (mean $-1$, standard deviation 1). Over 100 000 samples, what
# fraction of its outputs $\mathrm{relu}(z)$ is exactly 0? Commit to a number; the checker
# then runs it and explains the gap.

# %%
my_zero_fraction = None  # your prediction, a number between 0 and 1

ch04.relu_zeros.check(my_zero_fraction)

# %% [markdown]
# ## Summary
#
# * Without an activation, any stack of layers is one linear map $x W^\top + b$ with
#   $W = W^{(L)} \cdots W^{(1)}$: depth adds nothing, and the boundary stays a straight line.
# * ReLU ($[0, \infty)$, slope 0 or 1), GELU and SiLU (smooth, minima $-0.170$ and $-0.278$)
#   are the hidden-layer defaults of today; sigmoid $(0, 1)$ and tanh $(-1, 1)$ saturate.
# * A saturated unit passes almost no gradient; a dead ReLU passes none, and a too-high
#   learning rate can kill whole layers.
# * With everything else fixed, the activation changes how fast — and whether — a network
#   learns; but so do the initialisation and the learning rate, enough to reorder the
#   ranking. A fair comparison gives each activation its recommended initialisation (He for
#   the ReLU family, Xavier for tanh and sigmoid) and prints its settings.
#
# Chapter 5 turns to the opposite problem: networks that learn their training data *too* well.
