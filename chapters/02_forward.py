# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · The forward pass: a batch, layer after layer
#
# **Summary:** how a whole batch of samples flows through a network — one matrix product and one activation per layer — what the output layer means, and what the computation costs.
#
# **Learning goals:**
# - write the forward pass for a batch and give the shape of every intermediate;
# - explain how the bias is broadcast, and spot the silent bug of broadcasting it the wrong way;
# - choose the output layer (identity, sigmoid, softmax) for a task, and compute softmax without overflow;
# - see what each layer does to a 2-D data set;
# - estimate the FLOPs of a forward pass, and explain why batching makes it fast.
#
# Chapter 1 built a network one neuron and one sample at a time. In practice a network
# never sees a single sample: it receives a *batch* of $n$ samples and pushes all of them
# through together, one matrix product per layer. This chapter follows such a batch from
# the input to the output.
#
# As in Chapter 1, each exercise is a stub to fill in; the checker under it names your
# mistake if it recognises it, and the case it failed on. `ch02.<name>.hint(1)`,
# `hint(2)`, … and `ch02.<name>.solution()` are there if you need them; the verdict stays
# visible above them. One exercise asks you to predict a number before you see it.

# %%
import warnings

import numpy as np

from nnlib.activations import get_activation, identity, relu, sigmoid, softmax
from nnlib.exercises import ch02
from nnlib.network import MLP
from nnlib.viz import setup_notebook

setup_notebook()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 2.1 A batch through the network
#
# Stack the $n$ samples as the rows of a matrix $X$ of shape $(n, d)$ and call it
# $A^{(0)}$. Layer $l = 1, \dots, L$ computes
#
# $$
# Z^{(l)} = A^{(l-1)}\, W^{(l)\top} + b^{(l)}, \qquad
# A^{(l)} = \sigma\big(Z^{(l)}\big) \quad (l < L), \qquad
# A^{(L)} = \sigma_{\text{out}}\big(Z^{(L)}\big).
# $$
#
# Row $i$ of $Z^{(l)}$ is exactly what Chapter 1 computed for sample $i$ alone: the matrix
# product does all $n$ samples at once. Only the shapes need care. With
# $W^{(l)}$ of shape $(h_l, h_{l-1})$,
#
# $$
# \underbrace{A^{(l-1)}}_{(n,\ h_{l-1})}\ \underbrace{W^{(l)\top}}_{(h_{l-1},\ h_l)}
# = \underbrace{Z^{(l)}}_{(n,\ h_l)} :
# $$
#
# the batch size $n$ passes through untouched, and the width changes from $h_{l-1}$ to
# $h_l$. Let us run a batch of 6 points from the "moons" data set through an
# `MLP([2, 5, 4, 3])` with ReLU hidden layers and a softmax output, by hand, printing every
# shape. (`nnlib` starts the biases at zero; we give them random values so that they
# matter in what follows.)

# %%
from nnlib.datasets import make_moons

X, y = make_moons(n=6, seed=0)                                   # X (6, 2)
net = MLP([2, 5, 4, 3], activation="relu", head="softmax", seed=0)
rng = np.random.default_rng(1)
for l in range(1, net.L + 1):
    net.params[f"b{l}"][:] = rng.normal(scale=0.5, size=net.sizes[l])

A = X
print(f"A^(0) = X: {A.shape}")
for l in range(1, net.L + 1):
    W, b = net.params[f"W{l}"], net.params[f"b{l}"]
    Z = A @ W.T + b
    print(f"layer {l}: A^({l - 1}) {A.shape} @ W^({l}).T {W.T.shape} + b^({l}) {b.shape}"
          f" -> Z^({l}) {Z.shape}", end="")
    A = relu(Z) if l < net.L else softmax(Z)
    print(f" -> A^({l}) {A.shape}")
print("\noutput A^(3), one row per sample (each row sums to 1):")
print(A)

# %% [markdown]
# ## 2.2 How the bias broadcasts
#
# In $Z = A W^\top + b$ the product $A W^\top$ has shape $(n, h)$, but $b$ has shape
# $(h,)$: one number per *neuron*, the same for every *sample*. What we mean is "add $b$
# to every row", which in matrix notation is $A W^\top + \mathbf{1}_n b^\top$ with
# $\mathbf{1}_n$ a column of $n$ ones. NumPy does this by *broadcasting*: it lines the
# shapes up from the right, `(n, h)` against `(h,)`, treats `b` as a `(1, h)` row, and
# repeats that row $n$ times — without copying it in memory.

# %%
A0 = X                                             # (6, 2)
W1, b1 = net.params["W1"], net.params["b1"]        # (5, 2), (5,)
product = A0 @ W1.T                                # (6, 5)
ones_b = np.outer(np.ones(len(A0)), b1)            # 1_n b^T: b repeated in every row, (6, 5)
print("b1              :", b1)
print("b as NumPy sees it, broadcast to (6, 5):")
print(np.broadcast_to(b1, product.shape))
print("bytes to step from one row to the next:", np.broadcast_to(b1, product.shape).strides[0],
      "(0: every row is the same 5 numbers in memory)")
print("A W^T + b  ==  A W^T + 1_n b^T:", np.array_equal(product + b1, product + ones_b))

# %% [markdown]
# A classic mistake is to add the bias as a *column*, `b[:, None]` of shape `(h, 1)`, as if
# the samples were in columns. When $n \neq h$ NumPy refuses, which is the lucky case:

# %%
try:
    product + b1[:, None]                          # (6, 5) + (5, 1)
except ValueError as error:
    print("ValueError:", error)

# %% [markdown]
# The unlucky case is a square layer, $n = h$: the shapes fit, nothing complains, and the
# numbers are wrong — sample $i$ gets $b_i$ added to *all* its neurons:

# %%
W_sq, b_sq = rng.normal(size=(4, 4)), np.array([1.0, 2.0, 3.0, 4.0])   # h = 4
X_sq = rng.normal(size=(4, 4))                                         # n = 4 samples
right = X_sq @ W_sq.T + b_sq
wrong = X_sq @ W_sq.T + b_sq[:, None]
print("wrong - right (should be 0):")
print(wrong - right)

# %% [markdown]
# Row $i$ of the difference is $b_i - b$. Two habits protect you: test your code with a
# batch size that differs from every width, and print shapes.
#
# ## 2.3 A readable forward function
#
# Put §2.1 into a function. We keep every $Z^{(l)}$ and $A^{(l)}$, as `nnlib` does in the
# cache, because the backward pass (Chapter 3) will need them:

# %%
def forward(X, params, activation="relu", head="identity"):
    """A batch X (n, d) through the MLP with weights params = {"W1", "b1", …, "WL", "bL"}.

    Returns (A^(L), zs, As) with zs[l] = Z^(l), As[l] = A^(l), As[0] = X, zs[0] = None.
    """
    sigma, sigma_out = get_activation(activation).f, get_activation(head).f
    L = len(params) // 2
    zs, As = [None], [X]
    for l in range(1, L + 1):
        Z = As[-1] @ params[f"W{l}"].T + params[f"b{l}"]    # (n, h_l)
        zs.append(Z)
        As.append(sigma(Z) if l < L else sigma_out(Z))       # (n, h_l)
    return As[-1], zs, As


out_nnlib, cache = net.forward(X)
out_ours, zs, As = forward(X, net.params, activation="relu", head="softmax")
print("output equal to net.forward:", np.allclose(out_ours, out_nnlib, rtol=0, atol=1e-12))
print("every Z^(l) and A^(l) equal to the cache:",
      all(np.allclose(zs[l], cache.z[l], rtol=0, atol=1e-12) for l in range(1, net.L + 1))
      and all(np.allclose(As[l], cache.a[l], rtol=0, atol=1e-12) for l in range(net.L + 1)))

# %% [markdown]
# And on other networks — deeper, wider, other activations and heads, a batch of 50:

# %%
for sizes, activation, head in [([3, 16, 16, 1], "tanh", "identity"), ([2, 8, 8, 8, 1], "relu", "sigmoid"),
                                ([10, 32, 4], "gelu", "softmax"), ([1, 64, 1], "sigmoid", "identity")]:
    other = MLP(sizes, activation=activation, head=head, seed=3)
    X_other = np.random.default_rng(2).normal(size=(50, sizes[0]))
    same = np.allclose(forward(X_other, other.params, activation, head)[0], other.predict(X_other),
                       rtol=0, atol=1e-12)
    print(f"{str(sizes):18} {activation:>8} -> {head:8}: equal to nnlib: {same}")

# %% [markdown]
# ### Exercise 2.1 — the forward pass
#
# Write `forward_pass(X, params)` for an MLP with ReLU hidden layers and an identity output:
# `X` is `(n, d)`, `params` holds `"W1", "b1", …, "WL", "bL"`. Return $A^{(L)}$.

# %%
def forward_pass(X, params):
    """X (n, d), params {"W1", "b1", …} -> A^(L) (n, h_L); ReLU hidden layers, identity output."""
    raise NotImplementedError  # your code here


ch02.forward.check(forward_pass)
# ch02.forward.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch02.forward.solution()    # our solution

# %% [markdown]
# ## 2.4 The output layer: identity, sigmoid, softmax
#
# The hidden layers may use any activation, but the last one, the *head*, decides what the
# outputs mean:
#
# | task | head | output | loss it pairs with |
# |---|---|---|---|
# | regression: a number | identity: $\hat y = z$ | any real number | mean squared error |
# | binary: yes or no | sigmoid: $p = 1/(1 + e^{-z})$ | $P(y = 1 \mid x) \in (0, 1)$ | binary cross-entropy |
# | $k$ exclusive classes | softmax: $p_c = e^{z_c} / \sum_{j=1}^{k} e^{z_j}$ | $k$ probabilities that sum to 1 | cross-entropy |
#
# The same logits $z$ (the values of $Z^{(L)}$) through each head:

# %%
z = np.array([[2.0, 1.0, -1.0],
              [0.0, 0.0, 0.0],
              [-3.0, 5.0, 0.5]])
print("identity:\n", identity(z))
print("sigmoid (each entry on its own, a yes/no probability):\n", sigmoid(z))
print("softmax (each row together):\n", softmax(z))
print("softmax rows sum to 1:", np.allclose(softmax(z).sum(axis=1), 1.0))
for head in ["identity", "sigmoid", "softmax"]:
    print(f"MLP(..., head={head!r}) trains with the loss {MLP([2, 2], head=head).loss_name!r}")

# %% [markdown]
# **What `net.forward` returns.** `MLP.forward(X)` returns the output *after* the head,
# $a^{(L)}$ — for a sigmoid or softmax head, probabilities — together with a cache of every
# layer's values; the logits $z^{(L)}$ are `cache.z[-1]`. A PyTorch model usually returns the
# **logits** instead and leaves the head to the loss: `nn.CrossEntropyLoss` applies the softmax
# and `nn.BCEWithLogitsLoss` the sigmoid inside the loss (which is also numerically safer). So
# to compare with PyTorch, compare its output with our `cache.z[-1]`; our losses, too, take the
# logits (Chapter 3).

# %%
net_heads = MLP([2, 4, 3], activation="tanh", head="softmax", seed=0)
a_L, cache_heads = net_heads.forward(np.array([[0.5, -1.0], [2.0, 0.3]]))   # (n, k) = (2, 3)
print("forward returns softmax(cache.z[-1]):", np.allclose(a_L, softmax(cache_heads.z[-1])))
print("its rows are probabilities (sum to 1):", np.allclose(a_L.sum(axis=1), 1.0))

# %% [markdown]
# ### Softmax and overflow
#
# Softmax exponentiates, and $e^z$ grows fast: in double precision the largest number is
# about $1.8 \times 10^{308}$, so $e^z$ overflows to `inf` once $z > 709.78$ (for float32,
# already above $88.72$). Logits that large are not exotic — large inputs, large weights or
# an unlucky step of training produce them. Here is the textbook formula, taken literally:

# %%
def naive_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


print(f"overflow threshold: float64 {np.log(np.finfo(np.float64).max):.2f}, "
      f"float32 {np.log(np.finfo(np.float32).max):.2f}")
z_big = np.array([[1000.0, 999.0, 0.0]])
with warnings.catch_warnings(record=True) as caught:     # keep NumPy's warnings, to print them below
    warnings.simplefilter("always")
    print("np.exp(z)          :", np.exp(z_big))
    print("naive softmax(z)   :", naive_softmax(z_big))
print("NumPy warned:", sorted({str(w.message) for w in caught}))

# %% [markdown]
# $e^{1000}$ is `inf`, and $\infty / \infty$ is `nan`, "not a number": the whole row is lost.
# The fix rests on one identity. For any constant $m$,
#
# $$
# \frac{e^{z_c - m}}{\sum_j e^{z_j - m}}
# = \frac{e^{-m}\, e^{z_c}}{e^{-m} \sum_j e^{z_j}}
# = \frac{e^{z_c}}{\sum_j e^{z_j}} ,
# $$
#
# so softmax does not change when we subtract the same number from every logit. Choose $m$
# = the row's largest logit: then every exponent is $\le 0$, every $e^{z_j - m} \le 1$ (no
# overflow), and the largest term is $e^0 = 1$, so the sum is at least 1 (no division by
# zero). That is what `nnlib.activations.softmax` does:

# %%
z_shifted = z_big - z_big.max(axis=1, keepdims=True)
print("z - max(z)         :", z_shifted)
print("stable softmax(z)  :", naive_softmax(z_shifted))
print("nnlib softmax(z)   :", softmax(z_big))
print("shifting changes nothing on ordinary logits:", np.allclose(naive_softmax(z), softmax(z - 7.0)))

# %% [markdown]
# The answer makes sense: logits 1000 and 999 differ by 1, so their probabilities are in
# the ratio $e : 1$, i.e. $0.731$ and $0.269$; and $e^{-1000}$ is zero to double precision.
#
# ### Exercise 2.2 — a stable softmax
#
# Write `stable_softmax(z)` for logits `z` of shape `(n, k)`: each row's softmax, safe for
# logits like 1000. (The checker turns overflow into an error, so a naive version is caught;
# its cases include a row far below the others and the largest logit first and last.)

# %%
def stable_softmax(z):
    """z (n, k) -> softmax of each row, shape (n, k), without overflow."""
    raise NotImplementedError  # your code here


ch02.softmax.check(stable_softmax)
# ch02.softmax.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch02.softmax.solution()    # our solution

# %% [markdown]
# ### Exercise 2.3 — choose the head
#
# `choose_head(task)` receives one of the task descriptions below and returns `"identity"`,
# `"sigmoid"` or `"softmax"`. (A dictionary from task to head is a perfectly good answer.)

# %%
for task in ch02.TASKS:
    print("-", task)


# %%
def choose_head(task):
    """task description -> "identity", "sigmoid" or "softmax"."""
    raise NotImplementedError  # your code here


ch02.choose_head.check(choose_head)
# ch02.choose_head.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch02.choose_head.solution()    # our solution

# %% [markdown]
# ### Exercise 2.4 — predict, then run: shifted logits
#
# $\mathrm{softmax}([1, 2, 3]) pprox [0.090, 0.245, 0.665]$. Add 100 to every logit:
# what is the **largest** probability of $\mathrm{softmax}([101, 102, 103])$? Commit to a
# number first; the checker then shows what the run gives and why.

# %%
my_shift_prediction = None  # your prediction, a number between 0 and 1

ch02.softmax_shift.check(my_shift_prediction)

# %% [markdown]
# ## 2.5 What each layer does to the data
#
# A layer maps every point of its input space to a point of its output space: a linear map
# $A W^\top + b$ (rotate, stretch, shear, shift) followed by $\sigma$, which bends the space
# (tanh squeezes everything into the cube $(-1, 1)^h$). The forward pass is a chain of such
# maps. With a sigmoid head the last layer is a single neuron, $p = \sigma(w \cdot a^{(L-1)} + b)$,
# which separates its input with a straight line ($w \cdot a + b = 0$). So whatever a trained
# classifier does, its **last hidden layer must present the classes so that a straight
# line separates them**.
#
# Two concentric rings cannot be separated by a line. Below, every layer of an
# `MLP([2, 4, 2, 1])` (tanh) applied to them, first with its random initial weights, then
# after training. Each panel shows the samples as that layer sees them (a 4-wide layer is
# shown by its two main directions, PCA); the grey lines are a square grid of the input
# plane carried along, so you can see the plane being bent.

# %%
from nnlib.datasets import make_circles
from nnlib.optimizers import Adam
from nnlib.training import train
from nnlib.viz import plot_representations

X_rings, y_rings = make_circles(n=200, seed=0)
rings_net = MLP([2, 4, 2, 1], activation="tanh", head="sigmoid", seed=0)
fig, axes = plot_representations(rings_net, X_rings, y_rings)
fig.suptitle("random weights: every layer bends the plane, the rings stay nested")
fig

# %%
history = train(rings_net, X_rings, y_rings, optimizer=Adam(lr=0.03), epochs=100, batch_size=32, seed=0)
print(f"trained for {history.epochs_run} epochs: training accuracy {history.train_acc[-1]:.2f}")
fig, axes = plot_representations(rings_net, X_rings, y_rings)
fig.suptitle("trained: layer 2 has pulled the rings apart")
fig

# %% [markdown]
# Check the claim with numbers: train the best *straight line* (a network with no hidden
# layer, `MLP([2, 1])` with a sigmoid head — logistic regression) once on the raw input, and
# once on the trained network's layer 2, $a^{(2)}$:

# %%
def linear_accuracy(features, labels):
    line = MLP([features.shape[1], 1], head="sigmoid", seed=0)
    h = train(line, features, labels, optimizer=Adam(lr=0.05), epochs=100, batch_size=32, seed=0)
    return h.train_acc[-1]


a2 = rings_net.forward(X_rings)[1].a[2]                                  # (200, 2)
print(f"a straight line in the input plane:   accuracy {linear_accuracy(X_rings, y_rings):.2f}")
print(f"a straight line in layer 2's output:  accuracy {linear_accuracy(a2, y_rings):.2f}")

# %% [markdown]
# The animation steps through the trained network's layers on one set of axes:

# %%
from nnlib.viz import animate_representations, to_jshtml

to_jshtml(animate_representations(rings_net, X_rings, y_rings))

# %% [markdown]
# Now try it yourself: choose a data set, the depth and width, train (press **train**
# repeatedly to continue), and slide **layer l** through the network. Things to try:
#
# * `circles` with width 1: a 1-wide layer is a single number per point — can any
#   depth recover from that?
# * `spirals` with 2 vs 4 hidden layers: where does the untangling happen?
# * Tick **before σ (z)** to see each layer's linear part alone.

# %%
from nnlib.widgets import representation_widget

representation_widget(seed=0)

# %% [markdown]
# ## 2.6 What a forward pass costs
#
# Layer $l$ computes $Z^{(l)} = A^{(l-1)} W^{(l)\top} + b^{(l)}$. Each of the $n \cdot h_l$
# entries of $Z^{(l)}$ is a dot product of length $h_{l-1}$: $h_{l-1}$ multiplications and
# as many additions. So the layer costs $n\, h_l\, h_{l-1}$ *multiply-adds*, that is
# $2\, n\, h_l\, h_{l-1}$ floating-point operations (FLOPs), plus $n h_l$ additions for the
# bias and $n h_l$ activations, which are small beside it. Summed over the layers,
#
# $$
# \text{FLOPs} \approx 2\, n \sum_{l=1}^{L} h_l\, h_{l-1} = 2\, n \times (\text{number of weights}).
# $$
#
# For an image classifier `[784, 256, 128, 10]` and a batch of 256:

# %%
def forward_flops(sizes, n):
    """Per layer: (multiply-adds, FLOPs of the product, FLOPs of bias + activation)."""
    return [(n * h * h_prev, 2 * n * h * h_prev, 2 * n * h) for h_prev, h in zip(sizes[:-1], sizes[1:])]


sizes, n = [784, 256, 128, 10], 256
rows = forward_flops(sizes, n)
for l, (madds, flops, extra) in enumerate(rows, start=1):
    print(f"layer {l}: W {sizes[l]} × {sizes[l - 1]:<4}  {madds:>11,} multiply-adds  "
          f"{flops:>11,} FLOPs  (+ {extra:,} for bias and σ)")
n_weights = sum(h * h_prev for h_prev, h in zip(sizes[:-1], sizes[1:]))
total = sum(f + e for _, f, e in rows)
print(f"2 · n · (number of weights) = 2 · {n} · {n_weights:,} = {2 * n * n_weights:,}")
print(f"exact count including bias and σ: {total:,}  (the estimate is {2 * n * n_weights / total:.1%} of it)")

# %% [markdown]
# ### Measured: why we vectorise, and how time grows
#
# First the question that matters most in practice: one call on a batch, or one call per
# sample in a Python loop? On a small network, `[2, 16, 16, 1]`, and a batch of 512, both do
# exactly the same arithmetic and give the same outputs; the loop makes 512 times as many calls,
# and every call pays a fixed cost (Python, argument checks, allocating its outputs):

# %%
small = MLP([2, 16, 16, 1], activation="relu", seed=0)
X_check = np.random.default_rng(0).normal(size=(512, 2))
same = np.allclose(small.predict(X_check), np.vstack([small.predict(X_check[i:i + 1]) for i in range(512)]))
print(f"same outputs: {same}; matrix products: {small.L} for the batch, {512 * small.L} in the loop; "
      f"the same {2 * 512 * sum(a * b for a, b in zip(small.sizes[:-1], small.sizes[1:]))} "
      f"FLOPs in the matrix products either way")

# %% [markdown]
# What that fixed cost amounts to depends on the machine and on what else it is doing, so the
# next cell times both (the best of a few repeats, the run least disturbed by other programs)
# as an illustration; its output is not compared when the notebook is tested, and nothing in
# the text rests on its exact numbers.

# %% tags=["nbval-ignore-output"]
# Output not compared by nbval: wall-clock timings differ from run to run and machine to machine.
from nnlib.analysis.cost import best_time   # the fastest of a few runs, in seconds per call

timing_rng = np.random.default_rng(0)
small = MLP([2, 16, 16, 1], activation="relu", seed=0)
X_512, X_1024 = timing_rng.normal(size=(512, 2)), timing_rng.normal(size=(1024, 2))
t_vectorised = best_time(lambda: small.predict(X_512))
t_loop = best_time(lambda: [small.predict(X_512[i:i + 1]) for i in range(512)], repeat=3)
t_alone = best_time(lambda: small.predict(X_512[:1]), repeat=20)
t_1024 = best_time(lambda: small.predict(X_1024))
print(f"one call on the batch of 512: {t_vectorised * 1e3:.2f} ms; 512 calls in a loop: "
      f"{t_loop * 1e3:.1f} ms ({t_loop / t_vectorised:.0f}× here)")
print(f"per sample: alone {t_alone * 1e6:.0f} µs, in a batch of 1024 {t_1024 / 1024 * 1e6:.2f} µs")

# %% [markdown]
# Now the shape of the cost. Left: the time per sample of the same small network against
# the batch size $n$, from 1 to 1024. Right: a bigger network `[64, h, h, 10]`, with hidden
# width $h$ from 16 to 512, at $n = 256$. Exact timings depend on the machine and on what
# else it is doing, so they change from run to run: the next cell's output (numbers and
# plots) is therefore not compared when the notebook is tested (it is tagged
# `nbval-ignore-output`).

# %% tags=["nbval-ignore-output"]
# Output not compared by nbval: wall-clock timings differ from run to run and machine to machine.
from nnlib.viz.cost import plot_timings
from nnlib.viz import new_panels

BATCHES = [1, 4, 16, 64, 256, 1024]
batches = {n: timing_rng.normal(size=(n, 2)) for n in BATCHES}
t_batch = [best_time(lambda: small.predict(batches[n])) for n in BATCHES]
WIDTHS = [16, 32, 64, 128, 256, 512]
X_wide = timing_rng.normal(size=(256, 64))
wide_nets = {h: MLP([64, h, h, 10], seed=0) for h in WIDTHS}
t_width = [best_time(lambda: wide_nets[h].predict(X_wide)) for h in WIDTHS]
flops = [2 * 256 * (64 * h + h * h + h * 10) for h in WIDTHS]
big = wide_nets[256]
t_big = best_time(lambda: big.predict(X_wide))
t_big_loop = best_time(lambda: [big.predict(X_wide[i:i + 1]) for i in range(256)], repeat=3)

print(f"[2, 16, 16, 1], n = 512: loop {1e3 * t_loop:.1f} ms, one call {1e3 * t_vectorised:.3f} ms "
      f"({t_loop / t_vectorised:.0f}× faster)")
print(f"[64, 256, 256, 10], n = 256: loop {1e3 * t_big_loop:.1f} ms, one call {1e3 * t_big:.2f} ms "
      f"({t_big_loop / t_big:.1f}× faster)")
print("GFLOP/s by width:", "  ".join(f"{h}: {f / t / 1e9:.1f}" for h, f, t in zip(WIDTHS, flops, t_width)))
fig, (ax_n, ax_h) = new_panels(2, figsize=(10, 3.4))
plot_timings(BATCHES, {"one call per batch": t_batch}, "batch size n", ax=ax_n, per="sample",
             title="[2, 16, 16, 1]: the cost of one sample")
ax_n.axhline(t_loop / 512, color="C3", ls="--", label="one call per sample (loop)")
ax_n.legend(fontsize="small")
seconds_per_flop = np.exp(np.mean(np.log(np.array(t_width[2:]) / flops[2:])))   # fitted on h >= 64
plot_timings(WIDTHS, {"measured": t_width, "∝ FLOPs (fitted on h ≥ 64)": seconds_per_flop * np.array(flops)},
             "hidden width h", ax=ax_h, title="[64, h, h, 10], n = 256: the cost of a batch")
fig

# %% [markdown]
# What to read in these plots (your numbers will differ; the shapes should not):
#
# * **Left.** A sample alone pays the whole fixed cost of a call — Python, argument checks,
#   allocating the outputs — for very little arithmetic. In a batch, those costs are shared,
#   so the cost per sample falls steeply and then levels off where the arithmetic itself
#   dominates. A loop pays the fixed cost once per sample, so it is far slower.
#   For a bigger network the arithmetic is a larger share of each call, yet the loop still
#   loses (see the timing cell's second line): a matrix–matrix product uses each weight for many
#   samples while it sits in the processor's fastest memory, a loop fetches it again for
#   every sample.
# * **Right.** For wide layers the time follows the FLOP count, which grows like $h^2$
#   (the middle layer has $h \times h$ weights); for narrow ones the fixed costs dominate and
#   the curve flattens.
#
# (On a busy machine, the large products can be erratic: a multi-threaded BLAS library
# splits them between threads that then wait for one another. If your right-hand curve
# looks jagged, run the cell again when the machine is quieter.)
#
# ## Summary
#
# * A batch of $n$ samples goes through layer $l$ as $Z^{(l)} = A^{(l-1)} W^{(l)\top} + b^{(l)}$,
#   $(n, h_{l-1}) \to (n, h_l)$, then $A^{(l)} = \sigma(Z^{(l)})$; $n$ passes through untouched.
# * The bias $(h,)$ is broadcast to every row. Adding it as a column fails for $n \ne h$ and
#   is silently wrong for $n = h$.
# * The head sets the meaning of the outputs: identity for numbers, sigmoid for a yes/no
#   probability, softmax for $k$ exclusive classes. Softmax must subtract each row's
#   maximum first, or $e^{z}$ overflows.
# * Each layer moves and bends the data; a trained classifier's last hidden layer makes the
#   classes separable by a straight line.
# * A forward pass costs about $2n \times$ (number of weights) FLOPs, and runs orders of
#   magnitude faster batched than sample by sample.
#
# **Next:** Chapter 3 runs the network backwards, to find out how each weight should change.
