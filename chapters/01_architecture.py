# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · Architecture: neurons, layers, and what a network can represent
#
# **Summary:** how neurons make a layer and layers make a network, how many numbers such a network has to learn, and which functions it can represent — with the honest small print of the universal approximation theorem.
#
# **Learning goals:**
# - compute a neuron $a = \sigma(w \cdot x + b)$ by hand and say what its weights, bias and non-linearity do;
# - write a layer as one matrix product and give the shape of every $W^{(l)}$ and $b^{(l)}$;
# - count the parameters of any MLP from its list of widths;
# - state the universal approximation theorem, and what it does *not* promise: learnability and efficiency.
#
# A neural network is built from one small part used many times: a *neuron* that adds up
# its inputs with weights and then bends the result. In this chapter we build that part,
# line neurons up into *layers*, stack layers into a *multi-layer perceptron* (MLP), and
# ask two questions about the result: how many numbers does it have to learn, and which
# functions can it represent at all? On the way you will see a real network drawn from its
# weights, watch a sample flow through it, and measure how the error of an approximation
# falls as the network grows.
#
# **Exercises.** Each exercise is a function with `raise NotImplementedError` in it. Replace
# that line with your code and run the cell: the checker under it says whether your
# function is right, and if not, which common mistake it looks like and on which case.
# Stuck? Uncomment `ch01.<name>.hint(1)` (then `hint(2)`, …) or `ch01.<name>.solution()`:
# `check()` shows its verdict by itself, so a hint under it never hides it. Some exercises
# ask for a value instead of code: a shape or a derivative worked out by hand, or a
# prediction you commit to before the run is shown. Answers are float64, like their inputs:
# a float32 result is pointed out, not accepted.

# %%
import numpy as np

from nnlib.activations import relu, sigmoid
from nnlib.exercises import ch01
from nnlib.network import MLP
from nnlib.viz import setup_notebook

setup_notebook()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1.1 One neuron
#
# A neuron receives $d$ numbers $x = (x_1, \dots, x_d)$. It has one *weight* per input,
# $w = (w_1, \dots, w_d)$, and one *bias* $b$. It computes a weighted sum, its
# *pre-activation*
#
# $$
# z = w \cdot x + b = \sum_{j=1}^{d} w_j x_j + b ,
# $$
#
# and passes it through a fixed non-linear function $\sigma$, the *activation*:
#
# $$
# a = \sigma(z).
# $$
#
# Two classic choices are the sigmoid $\sigma(z) = 1 / (1 + e^{-z})$, which squashes any
# number into $(0, 1)$, and the ReLU $\sigma(z) = \max(0, z)$, which lets positive numbers
# through and turns negative ones into 0. Here is one neuron with three inputs, computed
# step by step:

# %%
x = np.array([0.5, -1.0, 2.0])     # the input, d = 3
w = np.array([0.8, 0.2, -0.5])     # one weight per input
b = 0.1                            # the bias

z = w @ x + b                      # 0.8·0.5 + 0.2·(−1) + (−0.5)·2 + 0.1
print(f"z = w·x + b     = {z:.4f}")
print(f"sigmoid(z)      = {1 / (1 + np.exp(-z)):.4f}")
print(f"relu(z)         = {max(z, 0.0):.4f}")
print(f"nnlib's sigmoid = {sigmoid(np.array([z]))[0]:.4f}   (the same function, from nnlib.activations)")

# %% [markdown]
# **What the weight and the bias do.** Give the neuron a single input, so $z = wx + b$.
# The sigmoid crosses $1/2$ exactly where $z = 0$, that is at $x = -b/w$. So the bias
# *moves* the point where the neuron switches on, and the weight sets how *sharply* it
# switches (and, by its sign, in which direction):

# %%
from nnlib.viz.activations import plot_neuron_response
from nnlib.viz import new_panels

fig, (ax_b, ax_w) = new_panels(2, figsize=(9.5, 3.2))
plot_neuron_response([(2.0, -3.0), (2.0, 0.0), (2.0, 2.0)], ax=ax_b, title="the bias moves the switch")
plot_neuron_response([(0.5, 0.0), (2.0, 0.0), (8.0, 0.0)], ax=ax_w, title="the weight sets its sharpness")
fig

# %%
for w_, b_ in [(2.0, -3.0), (2.0, 2.0), (-1.0, 0.5)]:
    x0 = -b_ / w_
    print(f"w = {w_:4}, b = {b_:4}:  switch point x = −b/w = {x0:5.2f},  sigmoid(w·x0 + b) = "
          f"{sigmoid(np.array([w_ * x0 + b_]))[0]:.2f}")

# %% [markdown]
# **Why the bend matters.** Suppose we left $\sigma$ out and stacked two layers of plain
# weighted sums. Layer 1 maps $x \mapsto W_1 x + b_1$, layer 2 maps that to
# $W_2 (W_1 x + b_1) + b_2 = (W_2 W_1)\,x + (W_2 b_1 + b_2)$: again *one* weighted sum,
# with weights $W_2 W_1$ and bias $W_2 b_1 + b_2$. However many linear layers we stack,
# the result is a single linear layer. Let us check this on a real `nnlib` network whose
# activation is the identity:

# %%
linear_net = MLP([3, 5, 4, 2], activation="identity", head="identity", seed=0)
p = linear_net.params
W_single = p["W3"] @ p["W2"] @ p["W1"]                          # (2, 3)
b_single = p["W3"] @ (p["W2"] @ p["b1"] + p["b2"]) + p["b3"]      # (2,)

X_test = np.random.default_rng(1).normal(size=(6, 3))
three_layers = linear_net.predict(X_test)
one_layer = X_test @ W_single.T + b_single
print("3 linear layers == 1 linear layer:", np.allclose(three_layers, one_layer))

# %% [markdown]
# So without the non-linearity depth buys nothing: the network could only ever draw
# straight lines (planes, hyperplanes). The bend is what lets layers build on each other.
#
# ### Exercise 1.1 — one neuron
#
# Write `neuron(x, w, b)`: inputs `x` and weights `w` of shape `(d,)`, a number `b`;
# return the sigmoid neuron's output $a = \sigma(w \cdot x + b)$, a number.

# %%
def neuron(x, w, b):
    """x (d,), w (d,), b a number -> a = sigmoid(w · x + b), a number."""
    raise NotImplementedError  # your code here


ch01.neuron.check(neuron)
# ch01.neuron.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch01.neuron.solution()    # our solution

# %% [markdown]
# ## 1.2 A layer is a matrix product
#
# A *layer* is a row of neurons that all look at the same input. Layer $l$ has $h_l$
# neurons and reads the $h_{l-1}$ outputs of the layer before it. Neuron $i$ has its own
# weights $w_i \in \mathbb{R}^{h_{l-1}}$ and bias $b_i$. Stack the weight vectors as the
# **rows** of a matrix and the biases into a vector:
#
# $$
# W^{(l)} =
# \begin{pmatrix} \text{— } w_1 \text{ —} \\ \vdots \\ \text{— } w_{h_l} \text{ —} \end{pmatrix}
# \in \mathbb{R}^{h_l \times h_{l-1}},
# \qquad
# b^{(l)} \in \mathbb{R}^{h_l}.
# $$
#
# Then all $h_l$ weighted sums are one matrix–vector product, and the activation is
# applied to each entry:
#
# $$
# z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}, \qquad a^{(l)} = \sigma\big(z^{(l)}\big).
# $$
#
# The input counts as layer 0: $a^{(0)} = x$, $h_0 = d$. Remember the shape rule:
# **$W^{(l)}$ has one row per neuron of layer $l$ and one column per neuron of layer $l-1$.**
#
# For a *batch* of $n$ samples, `nnlib` stores the samples as the rows of a matrix
# $A^{(l-1)}$ of shape $(n, h_{l-1})$. Transposing the formula row by row gives
#
# $$
# Z^{(l)} = A^{(l-1)}\, W^{(l)\top} + b^{(l)} \qquad (n, h_l),
# $$
#
# where $b^{(l)}$ is added to every row (Chapter 2 looks at that closely). First, the claim
# that a layer is "just" its neurons side by side:

# %%
rng = np.random.default_rng(0)
W = rng.normal(size=(4, 3))        # layer of h = 4 neurons reading 3 inputs: (h_l, h_{l-1})
b = rng.normal(size=4)             # (h_l,)
x = rng.normal(size=3)             # one sample, (h_{l-1},)

one_by_one = np.array([max(W[i] @ x + b[i], 0.0) for i in range(4)])  # neuron i: row i of W
as_matrix = relu(W @ x + b)
print("neuron by neuron:", one_by_one)
print("W @ x + b       :", as_matrix)
print("the same:", np.allclose(one_by_one, as_matrix))

# %% [markdown]
# An `nnlib` network is described by its list of widths `sizes = [d, h_1, …, h_{L-1}, k]`:
# input dimension, hidden widths, number of outputs. `MLP([2, 4, 3, 1])` has $L = 3$ layers
# with weights (two hidden, one output). Its parameters live in `net.params`; their shapes
# follow the rule above:

# %%
net = MLP([2, 4, 3, 1], activation="tanh", head="sigmoid", seed=0)
print(net)
for name, value in net.params.items():
    print(f"{name}: shape {value.shape}")

# %% [markdown]
# ### Exercise 1.2 — one layer for a batch
#
# Write `layer(X, W, b)` for a ReLU layer: `X` is a batch of shape `(n, d)` (one sample per
# row), `W` has shape `(h, d)`, `b` shape `(h,)`. Return $A = \mathrm{relu}(X W^\top + b)$,
# of shape `(n, h)`.

# %%
def layer(X, W, b):
    """X (n, d), W (h, d), b (h,) -> A = relu(X @ W.T + b), shape (n, h)."""
    raise NotImplementedError  # your code here


ch01.layer.check(layer)
# ch01.layer.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch01.layer.solution()    # our solution

# %% [markdown]
# ## 1.3 The network, drawn from its weights
#
# Here is the same `MLP([2, 4, 3, 1])`, drawn by `nnlib.viz.plot_network` from its actual
# weights: each line is one entry of some $W^{(l)}$ — red for positive, blue for negative,
# thicker and darker for larger $|W_{ij}|$ (the colour bar beside it: each layer's lines are
# measured against that layer's largest $|W_{ij}|$). Count the lines between two layers:
# $h_l \cdot h_{l-1}$, one per entry of the matrix. Red and blue mean the sign of a weight in
# every diagram of this chapter.

# %%
from nnlib.viz import plot_network

fig, ax = plot_network(net)
fig

# %% [markdown]
# Feed it one input and colour every neuron by its value $a^{(l)}_i$ (orange positive,
# purple negative, white near 0 — the second colour bar; orange and purple always mean the
# value of a neuron). The cache returned by `net.forward` keeps every layer's
# values, `cache.a[0]` (= the input) to `cache.a[3]` (= the output):

# %%
x = np.array([[0.8, -0.4]])                      # one sample, shape (1, 2)
out, cache = net.forward(x)
for l, a in enumerate(cache.a):
    print(f"a^({l}) = {a[0]}")
fig, ax = plot_network(net, a=cache)
fig

# %% [markdown]
# ## 1.4 The forward pass, animated
#
# Computing the output means going through the layers in order: layer $l$ can only start
# once layer $l-1$ is done. The animation lights the layers one at a time (press play, or
# step with the buttons), with the same colours and colour bars as above:

# %%
from nnlib.viz import animate_forward, to_jshtml

to_jshtml(animate_forward(net, x[0], colorbar=True, figsize=(6.4, 3.6), dpi=100))

# %% [markdown]
# Now build your own network. **Layers** sets the number of hidden layers, **width** the
# neurons per hidden layer; move $x_1$, $x_2$ to change the input, and use play or the frame
# slider to walk through the layers. Things to try:
#
# * Set width to 1. Every layer squeezes everything it knows into one number.
# * Switch σ to `identity` and compare the colours with `tanh`: with `tanh` the values stay
#   between −1 and 1 however deep you go.
# * Go to 6 layers and move $x_1$: how much does the output still change?

# %%
from nnlib.widgets import forward_pass_widget

forward_pass_widget(seed=0)

# %% [markdown]
# ## 1.5 Counting parameters
#
# Layer $l$ has $h_l \cdot h_{l-1}$ weights and $h_l$ biases. The whole network has
#
# $$
# P = \sum_{l=1}^{L} \big( h_l\, h_{l-1} + h_l \big) = \sum_{l=1}^{L} h_l\,(h_{l-1} + 1).
# $$
#
# For `MLP([2, 4, 3, 1])`: $4\cdot 2 + 4 + 3\cdot 4 + 3 + 1 \cdot 3 + 1 = 31$. Below, the
# formula against `net.n_params` (which simply adds up the sizes of the arrays in
# `net.params`) for several architectures:

# %%
def parameter_formula(sizes):
    return sum(h * (h_prev + 1) for h_prev, h in zip(sizes[:-1], sizes[1:]))


ARCHITECTURES = [[2, 4, 3, 1], [1, 10, 1], [2, 65, 1], [2, 10, 10, 10, 1], [784, 128, 10],
                 [784, 256, 128, 64, 10], [3, 64, 64, 64, 64, 2]]
print(f"{'sizes':>26}  {'formula':>8}  {'net.n_params':>12}  {'first layer':>11}")
for sizes in ARCHITECTURES:
    n_params = MLP(sizes, seed=0).n_params
    first = sizes[1] * (sizes[0] + 1)
    print(f"{str(sizes):>26}  {parameter_formula(sizes):8d}  {n_params:12d}  "
          f"{100 * first / n_params:10.0f}%")
print("formula == n_params for all:",
      all(parameter_formula(s) == MLP(s, seed=0).n_params for s in ARCHITECTURES))

# %% [markdown]
# Two things to notice. The count grows with *products* of neighbouring widths, so doubling
# every width roughly quadruples $P$. And with a large input (a 28 × 28 image has $d = 784$)
# the first layer holds most of the parameters.
#
# ### Exercise 1.3 — counting parameters
#
# Write `count_parameters(sizes)` for `sizes = [d, h_1, …, h_L]`. (Yes, the formula is
# printed above — write it without looking.)

# %%
def count_parameters(sizes):
    """sizes = [d, h_1, …, h_L] -> the number of weights and biases of the MLP."""
    raise NotImplementedError  # your code here


ch01.count_parameters.check(count_parameters)
# ch01.count_parameters.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch01.count_parameters.solution()    # our solution

# %% [markdown]
# ### Exercise 1.4 — derive: the shape of a weight matrix
#
# An MLP has `sizes = [784, 128, 64, 10]`. Without running anything, what is the shape of
# $W^{(2)}$? Replace `None` with a tuple of two integers.

# %%
shape_of_W2 = None  # your answer, e.g. (3, 2)

ch01.weight_shape.check(shape_of_W2)
# ch01.weight_shape.hint(1)       # hint(2) for the next; the verdict above stays visible

# %% [markdown]
# ## 1.6 What one hidden layer can do: universal approximation
#
# Take one input, one hidden layer of $N$ neurons and one output with the identity head,
# `MLP([1, N, 1])`. Its output is a sum of bent pieces,
#
# $$
# \hat y(x) = \sum_{j=1}^{N} v_j\, \sigma(w_j x + b_j) + c ,
# $$
#
# with $v = W^{(2)}$ and $c = b^{(2)}$. How rich is this family? **Cybenko (1989)** proved
# that for sigmoid-like $\sigma$, such sums can approximate *any* continuous function on a
# closed bounded set as closely as you like: for every $\varepsilon > 0$ there are an $N$
# and weights with $|\hat y(x) - f(x)| < \varepsilon$ for all $x$ in the set. **Hornik
# (1991)** showed that the particular $\sigma$ hardly matters: with any bounded, non-constant
# activation, such sums approximate every *continuous* function on a closed bounded (compact)
# set, in any input dimension — so the power comes from the layered architecture itself.
# (Continuity matters: a function with a jump can be matched closely only away from the
# jump, never uniformly across it.) (Leshno, Lin, Pinkus and Schocken, 1993, extended this to every
# activation that is not a polynomial, which covers ReLU.)
#
# The idea is easy to see with ReLU: each neuron $v_j\,\mathrm{relu}(w_j x + b_j)$ is a
# ramp that starts at $x = -b_j/w_j$, and a sum of ramps is a piecewise linear curve that
# can bend wherever a neuron starts. Enough bends follow any continuous curve.
#
# **How the explorer finds the weights.** `nnlib.analysis.approximation.fit_one_hidden_layer` does not
# train. It *places* the hidden neurons — the bend of neuron $j$ at a point $c_j$, the
# $c_j$ spread evenly over $[-1, 1]$ — and then solves for the output weights $v, c$ by
# least squares, which is exact and instant because $\hat y$ is linear in them. That is
# the spirit of the theorem: it says good weights **exist**; here we construct some.
#
# Below, the "bumpy" target (three Gaussian bumps) with 5 and with 30 ReLU neurons. The
# faint orange curves are the neurons' terms $v_j\,\sigma(w_j x + b_j)$; the blue fit is
# their sum plus $c$.

# %%
from nnlib.analysis.approximation import fit_one_hidden_layer, target_function
from nnlib.viz import plot_approximation

fig, axes = new_panels(2, figsize=(10, 3.2))
for ax, n_hidden in zip(axes, [5, 30]):
    plot_approximation(fit_one_hidden_layer("bumpy", n_hidden, "relu", seed=0), "bumpy", ax=ax)
fig

# %% [markdown]
# Sometimes no theorem is needed: $|x| = \mathrm{relu}(x) + \mathrm{relu}(-x)$, so two ReLU
# neurons with their bends at 0 and output weights 1, 1 represent $|x|$ exactly:

# %%
abs_net = MLP([1, 2, 1], activation="relu", head="identity", seed=0)
abs_net.set_params({"W1": np.array([[1.0], [-1.0]]), "b1": np.zeros(2),
                    "W2": np.array([[1.0, 1.0]]), "b2": np.zeros(1)})
x_grid = np.linspace(-1, 1, 201)[:, None]
print("relu(x) + relu(-x) == |x| on [-1, 1]:", np.allclose(abs_net.predict(x_grid), np.abs(x_grid)))

# %% [markdown]
# Now explore. Pick a target, slide the number of hidden neurons, change the activation.
# Things to try:
#
# * `abs` with ReLU: the explorer spreads its bends evenly instead of putting one at 0, so it
#   needs more than 2 neurons. How many until the fit looks exact?
# * `step` with ReLU: the error shrinks, but watch the jump at 0. Then try `sigmoid`.
# * `sine` with 3, 6, 12 neurons: when does the fit stop being visibly wrong?
# * Any target with `identity`: no bends, so the best fit is a straight line, whatever N.
# * Switch **weights** from `constructed` to `trained`: the same network, but its weights are
#   now found by a short gradient descent from random ones (the first visit to a setting takes
#   a moment; after that it is remembered). Compare the RMS errors for `bumpy` with 32 ReLU
#   neurons: good weights exist, and gradient descent does not find them — §1.7 comes back to this.

# %%
from nnlib.widgets import universal_approximation_widget

universal_approximation_widget(seed=0)

# %% [markdown]
# ### Error against hidden width
#
# How fast does the error fall as $N$ grows? We measure the root-mean-square error
# $\big(\tfrac1m \sum_i (\hat y(x_i) - f(x_i))^2\big)^{1/2}$ on $m = 1001$ evenly spaced
# points of $[-1, 1]$ (not the points the fit used), for four targets and ReLU neurons:

# %%
from nnlib.viz.approximation import plot_error_vs_width

TARGETS = ["sine", "abs", "bumpy", "step"]
WIDTHS = [1, 2, 4, 8, 16, 32, 64, 128]
x_eval = np.linspace(-1, 1, 1001)[:, None]                          # (m, 1)


def approximation_errors(target, n_hidden, activation="relu"):
    """RMS and max error of the constructed 1 → N → 1 fit of `target` on x_eval."""
    fit = fit_one_hidden_layer(target, n_hidden, activation, seed=0)
    err = fit.predict(x_eval) - target_function(target)(x_eval)
    return np.sqrt(np.mean(err ** 2)), np.max(np.abs(err))


errors = {t: np.array([approximation_errors(t, N) for N in WIDTHS]) for t in TARGETS}   # (RMS, max)
rms = {t: errors[t][:, 0] for t in TARGETS}
print("N:       " + "".join(f"{N:>9d}" for N in WIDTHS))
for t in TARGETS:
    print(f"{t:>6}   " + "".join(f"{e:9.4f}" for e in rms[t]))
fig, ax = plot_error_vs_width(WIDTHS, rms, title="RMS error of the ReLU fit against N")
fig

# %%
for t in TARGETS:
    r = dict(zip(WIDTHS, rms[t]))
    print(f"{t:>6}: error falls at every doubling of N: {bool(np.all(np.diff(rms[t]) < 0))};  "
          f"from N = 32 to N = 128 it is divided by {r[32] / r[128]:4.1f}")

# %% [markdown]
# More neurons, smaller error, for every target — as promised. But look at the *rate*. For
# the smooth targets (sine, bumpy) and for $|x|$, going from 32 to 128 neurons divides the
# error by more than 10. For the step, the same four-fold increase buys a factor of
# about 2: a jump is not continuous, so the theorem's promise (an error below any
# $\varepsilon$ *everywhere*) does not apply to it. The RMS error still goes down, because
# the ramp that imitates the jump gets narrower, but the *largest* error stays near 1/2:

# %%
print("step, largest error:", "  ".join(f"N={N}: {e:.2f}" for N, e in zip(WIDTHS, errors["step"][:, 1])))

# %% [markdown]
# It has to: a continuous $\hat y$ cannot jump, so somewhere near $x = 0$ it passes through
# the value $1/2$, which is $1/2$ away from both sides of the step. (On our grid of points
# the measured maximum can dip just below $1/2$: the grid can step over the worst point.)
#
# ## 1.7 The honest caveat: existence is not learnability, nor efficiency
#
# The universal approximation theorem is an **existence** statement. It says that good
# weights exist for some $N$. It does not say
#
# 1. how to *find* them — whether gradient descent from random weights will get there
#    (*learnability*), or
# 2. how *large* $N$ must be — it may be enormous (*efficiency*), nor whether a deeper
#    network would need far fewer parameters.
#
# Both matter in practice, and both are easy to see.
#
# **Learnability.** With 32 ReLU neurons we constructed a fit of "bumpy" with an RMS error
# below 0.01. Now train an `MLP([1, 32, 1])` of exactly that shape on the same target
# with Adam for 300 epochs (`nnlib.training.train`; here it is a tool — how training works,
# the learning rate, epochs, mini-batches, validation sets and Adam included, is taught at the
# end of Chapter 3, "From gradients to learning"):

# %%
from nnlib.optimizers import Adam
from nnlib.training import train
from nnlib.viz.approximation import plot_fits

x_train = np.linspace(-1, 1, 256)[:, None]
y_train = target_function("bumpy")(x_train)
constructed = fit_one_hidden_layer("bumpy", 32, "relu", seed=0)
trained = MLP([1, 32, 1], activation="relu", head="identity", seed=0)
history = train(trained, x_train, y_train, optimizer=Adam(lr=0.01), epochs=300, batch_size=32, seed=0)


def rms_error(net, target="bumpy"):
    return np.sqrt(np.mean((net.predict(x_eval) - target_function(target)(x_eval)) ** 2))


print(f"same architecture [1, 32, 1], {trained.n_params} parameters")
print(f"  constructed (placed + least squares): RMS error {rms_error(constructed):.4f}")
print(f"  trained (Adam, 300 epochs):           RMS error {rms_error(trained):.4f}")
print(f"  trained / constructed: {rms_error(trained) / rms_error(constructed):.0f}×")
fig, ax = plot_fits(x_eval, target_function("bumpy")(x_eval),
                    {"constructed": constructed.predict(x_eval), "trained": trained.predict(x_eval)},
                    title="same network, two ways to choose its weights")
fig

# %% [markdown]
# Same network, same number of neurons; weights an order of magnitude better exist, and
# 300 epochs of gradient descent did not find them. (Longer training, another learning
# rate or another seed would do better — which is exactly the point: finding the weights is
# a separate problem, with its own knobs.)
#
# **Efficiency: what depth can buy.** Here is a function that a deep network computes with
# very few parameters. Each hidden layer of 2 ReLU neurons folds its input with the
# "tent map" $t(u) = 2u$ for $u \le \tfrac12$, $2 - 2u$ for $u > \tfrac12$, written with two
# neurons as $t(u) = 2\,\mathrm{relu}(u) - 4\,\mathrm{relu}(u - \tfrac12)$ on $[0, 1]$. Stack $k$
# of them (after mapping $x \in [-1, 1]$ to $u = (x+1)/2$) and the output is a zigzag with
# $2^k$ straight pieces (Telgarsky, 2016). We set the weights by hand with `net.set_params`:

# %%
def sawtooth_net(k):
    """MLP([1, 2, …, 2, 1]) with k hidden layers of 2 ReLUs: the tent map applied k times."""
    net = MLP([1] + [2] * k + [1], activation="relu", head="identity", seed=0)
    p = {"W1": np.array([[0.5], [0.5]]), "b1": np.array([0.5, 0.0])}   # relu(u), relu(u − ½)
    for l in range(2, k + 1):                                           # t(u) of the previous
        p[f"W{l}"], p[f"b{l}"] = np.array([[2.0, -4.0], [2.0, -4.0]]), np.array([0.0, -0.5])
    p[f"W{k + 1}"], p[f"b{k + 1}"] = np.array([[2.0, -4.0]]), np.array([0.0])
    net.set_params(p)
    return net


def linear_pieces(y, x):
    """Number of straight pieces of the sampled curve y(x): slope changes, adjacent ones merged."""
    bends = np.abs(np.diff(np.diff(y) / np.diff(x))) > 1e-6
    return 1 + int(np.sum(bends[1:] & ~bends[:-1]) + bends[0])


x_fine = np.linspace(-1, 1, 2**12 + 1)                                  # breakpoints fall on the grid
for k in [1, 2, 3, 5, 8]:
    deep = sawtooth_net(k)
    print(f"k = {k}: {deep.n_params:3d} parameters, "
          f"{linear_pieces(deep.predict(x_fine[:, None]).ravel(), x_fine):4d} linear pieces")

# %% [markdown]
# Each extra layer costs 6 parameters and *doubles* the number of pieces. A one-hidden-layer
# ReLU network can only bend where one of its $N$ neurons switches on, so it has at most
# $N + 1$ pieces, while its parameter count $3N + 1$ grows in step with them. To match the
# 32 pieces of the $k = 5$ zigzag (31 parameters), a single hidden layer needs at least
# 31 neurons, 94 parameters; for $k = 20$ it would need a million neurons against 121
# parameters. With the same 31 parameters (10 neurons) a single hidden layer has at most
# 11 pieces, so it cannot follow the 32 of the zigzag. Our least-squares construction, for
# one, gives up and draws roughly the average:

# %%
zigzag = sawtooth_net(5)


def zigzag_target(x):
    return zigzag.predict(np.asarray(x, dtype=float).reshape(-1, 1)).reshape(np.shape(x))


shallow = fit_one_hidden_layer(zigzag_target, 10, "relu", seed=0)
y_shallow = shallow.predict(x_fine[:, None]).ravel()
print(f"deep    {zigzag.sizes}: {zigzag.n_params} parameters, "
      f"{linear_pieces(zigzag_target(x_fine), x_fine)} pieces, exact")
print(f"shallow {shallow.sizes}: {shallow.n_params} parameters, "
      f"{linear_pieces(y_shallow, x_fine)} pieces, RMS error {rms_error(shallow, zigzag_target):.2f}")
fig, ax = plot_fits(x_fine, zigzag_target(x_fine), {"1 hidden layer, 10 neurons (31 parameters)": y_shallow},
                    title="the zigzag of 5 layers × 2 neurons (31 parameters)", target_label="deep network")
ax.set_ylim(-0.05, 1.35)
ax.legend(fontsize="small", loc="upper center", ncol=2)
fig

# %% [markdown]
# That is a construction, chosen to favour depth. Does depth also help when the weights
# are *trained*? Let us compare a deep and a wide network with the **same parameter count**
# on a classification task: two spiral arms winding twice around each other (400 points, a
# quarter held out for validation). By the formula of §1.5, `[2, 10, 10, 10, 1]` and
# `[2, 65, 1]` both have 261 parameters. We train each from three different random
# starts, with the same optimizer and budget (Adam, learning rate 0.01, 150 epochs,
# batches of 32):

# %%
from nnlib.datasets import load_dataset

spirals = load_dataset("spirals", n=400, seed=0, turns=2.0)
CANDIDATES = {"deep [2, 10, 10, 10, 1]": [2, 10, 10, 10, 1], "wide [2, 65, 1]": [2, 65, 1]}
results, nets = {}, {}
for name, sizes in CANDIDATES.items():
    results[name] = []
    for seed in range(3):
        candidate = MLP(sizes, activation="relu", head="sigmoid", seed=seed)
        h = train(candidate, spirals.X_train, spirals.y_train, spirals.X_val, spirals.y_val,
                  optimizer=Adam(lr=0.01), epochs=150, batch_size=32, seed=seed)
        results[name].append((h.train_acc[-1], h.val_acc[-1]))
        nets.setdefault(name, candidate)                                # keep seed 0's network
    print(f"{name:24} {candidate.n_params} parameters   "
          + "   ".join(f"seed {s}: train {tr:.2f}, val {va:.2f}" for s, (tr, va) in enumerate(results[name])))
val = {name: np.array([va for _, va in r]) for name, r in results.items()}
for name, v in val.items():
    print(f"{name:24} validation accuracy: mean {v.mean():.2f}, from {v.min():.2f} to {v.max():.2f}")

# %%
from matplotlib.lines import Line2D

from nnlib.viz import plot_decision_boundary

fig, axes = new_panels(2, figsize=(8, 3.6))
for ax, (name, candidate) in zip(axes, nets.items()):
    plot_decision_boundary(candidate, spirals.X_train, spirals.y_train, ax=ax,
                           X_val=spirals.X_val, y_val=spirals.y_val)
    ax.set_title(f"{name} (seed 0)", fontsize="medium")
marker = dict(ls="", marker="o", color="0.35")          # legend entries for the two kinds of points
axes[0].legend(handles=[Line2D([], [], label="training points", **marker),
                        Line2D([], [], label="validation points (hollow)", mfc="none", **marker)],
               fontsize="small", loc="lower left", framealpha=0.9)
fig

# %% [markdown]
# With the same 261 parameters and the same training budget, the deep network separates
# the spirals far better from every start (80–93 % on the validation points, against
# 60–69 % for the wide one): the wide network has not found enough bends in the right
# places. Notice also the spread across seeds: the deep architecture, trained three times
# from different random weights, ends up 13 points apart. One training run is one sample,
# not a verdict.
#
# This is one task and one budget, not a law. What the experiment does show is that the
# theorem's "one hidden layer suffices" says nothing about *which* architecture makes good
# use of a parameter budget. That is an empirical question, answered by experiments like
# this one.
#
# ## Summary
#
# * A neuron computes $a = \sigma(w \cdot x + b)$: the bias moves where it switches, the
#   weights how sharply and in which direction. Without the non-linear $\sigma$, any stack of
#   layers collapses to one linear map.
# * A layer of $h_l$ neurons is one matrix product: $W^{(l)}$ has shape $h_l \times h_{l-1}$,
#   $b^{(l)}$ has $h_l$ entries, $a^{(0)} = x$. For a batch in rows, $Z = A W^\top + b$.
# * An MLP with widths $[h_0, \dots, h_L]$ has $\sum_l h_l (h_{l-1} + 1)$ parameters.
# * One hidden layer can approximate any continuous function (Cybenko 1989, Hornik 1991) —
#   but that is existence only: it may need very many neurons, gradient descent may not
#   find the weights, and a deeper network can do the same with far fewer parameters.
#
# **Next:** Chapter 2 runs a whole batch through a network, layer by layer, and looks at
# what that costs.
