# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · Backpropagation
#
# **Summary:** how one sweep backwards through the layers gives the gradient of the loss for every weight and bias at about the cost of a forward pass, why those gradients vanish or explode in deep networks, and how to check them.
#
# **Learning goals:**
# - derive the error signal $\delta^{(l)}$ and its recursion $\delta^{(l)} = (W^{(l+1)\top}\delta^{(l+1)}) \odot \sigma'(z^{(l)})$ from the chain rule;
# - turn $\partial L/\partial W^{(l)} = \delta^{(l)} a^{(l-1)\top}$ and $\partial L/\partial b^{(l)}$ into batch code and check it against finite differences;
# - explain why backprop costs a small constant times a forward pass while finite differences grow with the number of parameters;
# - recognise vanishing and exploding gradients and name the fixes: He initialisation, residual connections, batch norm;
# - read a gradient check: relative error, thresholds, kinks, float32 versus float64;
# - derive why Xavier and He initialisation scale the weight variance as they do;
# - train a network with the gradients: a gradient step, the learning rate, mini-batches and epochs, a validation set, momentum and Adam.
#
# To train a network we need the slope of the loss $L$ with respect to every weight and
# every bias, in every layer. This chapter derives how a network gets all of those slopes
# from one sweep backwards through its layers — **backpropagation** — and then puts the
# result to work:
#
# 1. **The chain rule, layer by layer**: the error signal $\delta^{(l)}$ and the three formulas of backprop.
# 2. **A backward pass by hand**: every line for a small network, checked against `nnlib` and against finite differences.
# 3. **Exercises: one layer, then the recursion**.
# 4. **Why backprop is cheap**: counted and timed against finite differences.
# 5. **Watching δ flow backwards**.
# 6. **Vanishing and exploding gradients**: why deep sigmoid networks stall, and what fixes it.
# 7. **Gradient checking as a habit**: reading the relative error, kinks, float32.
# 8. After the summary, **From gradients to learning**: one gradient step, your own training
#    loop, the learning rate, mini-batches and epochs, a validation set, momentum and Adam.
#
# Every number quoted in the text is printed by a cell next to it; run the cells in order.

# %%
import numpy as np

from nnlib.activations import sigmoid, sigmoid_grad
from nnlib.analysis.cost import best_time
from nnlib.analysis.descent import descent_curves
from nnlib.analysis.gradients import gradient_norms_by_layer
from nnlib.analysis.initialization import variance_by_depth
from nnlib.chapter_settings import (CH3_INIT_GAINS, CH3_LEARNING, CH3_MINIBATCH, CH3_OPTIMIZERS,
                                    CH3_RATES, CH3_VARIANCE)
from nnlib.datasets import load_dataset, make_moons
from nnlib.exercises import ch03
from nnlib.gradcheck import ATOL, THRESHOLD, check_gradients, numerical_gradient
from nnlib.losses import loss_and_delta
from nnlib.network import MLP
from nnlib.optimizers import SGD, Adam, Momentum
from nnlib.training import train
from nnlib.viz import (animate_gradient_flow, plot_layer_gradient_norms, plot_loss_curves,
                       setup_notebook, to_jshtml)
from nnlib.viz.cost import plot_backprop_cost
from nnlib.viz.descent import plot_descent_curves
from nnlib.viz.gradients import (plot_derivative_bound, plot_error_vs_eps, plot_gradient_norms_panels,
                                 plot_kink_secant, plot_norm_by_depth, plot_product_bound)
from nnlib.viz.initialization import plot_variance_by_depth
from nnlib.widgets import gradient_flow_widget, vanishing_gradient_widget

setup_notebook()

# %% [markdown]
# ## 1. The chain rule, layer by layer
#
# A network is a chain of simple functions, so the derivative of its loss with respect to
# any weight is a product of local derivatives — the chain rule. Written out weight by
# weight, those products share most of their factors. Backpropagation computes the shared
# factors once, starting at the loss and moving towards the input, and hands every layer
# its gradient on the way. Rumelhart, Hinton and Williams (1986, *Learning representations
# by back-propagating errors*, Nature 323, 533–536) showed that gradients obtained this way
# let multi-layer networks learn useful hidden representations; the general technique —
# reverse-mode differentiation — is older.
#
# **Warm-up: one path, one number at a time.** Before any matrices, the smallest network that
# has a hidden layer: one input $x$, one hidden neuron, one output, no biases, squared error,
#
# $$
# z_1 = w_1 x,\quad a_1 = \sigma(z_1),\quad z_2 = w_2 a_1,\quad L = \tfrac12 (z_2 - y)^2 .
# $$
#
# The chain rule says: to get $\partial L/\partial w_1$, multiply the local derivatives along
# the path from $w_1$ to $L$,
#
# $$
# \frac{\partial L}{\partial w_1}
# = \underbrace{\frac{\partial L}{\partial a_1}}_{(z_2 - y)\, w_2}\;
#   \underbrace{\frac{\partial a_1}{\partial z_1}}_{\sigma'(z_1)}\;
#   \underbrace{\frac{\partial z_1}{\partial w_1}}_{x}
# = \delta_1\, x ,
# \qquad
# \delta_1 = \frac{\partial L}{\partial z_1} = \underbrace{(z_2 - y)}_{\delta_2}\, w_2\, \sigma'(z_1).
# $$
#
# The first two factors together are $\delta_1$, the "error signal" of the hidden neuron; the
# last factor is what its weight multiplied. Likewise $\partial L/\partial w_2 = \delta_2\, a_1$.
# Every number, and a finite-difference check of both slopes:

# %%
x_s, y_s, w1_s, w2_s = 1.5, 0.5, 0.8, -1.2             # one input, its target, the two weights


def path_loss(w1, w2):
    return 0.5 * (w2 * sigmoid(w1 * x_s) - y_s) ** 2


z1_s = w1_s * x_s;  a1_s = sigmoid(z1_s);  z2_s = w2_s * a1_s;  L_s = path_loss(w1_s, w2_s)
print(f"forward:  z1 = {z1_s:.4f}   a1 = σ(z1) = {a1_s:.4f}   z2 = {z2_s:.4f}   L = {L_s:.4f}")
dL_dz2, dz2_da1, da1_dz1, dz1_dw1 = z2_s - y_s, w2_s, a1_s * (1 - a1_s), x_s
print(f"local:    ∂L/∂z2 = z2 − y = {dL_dz2:.4f}   ∂z2/∂a1 = w2 = {dz2_da1:.4f}   "
      f"∂a1/∂z1 = σ′(z1) = {da1_dz1:.4f}   ∂z1/∂w1 = x = {dz1_dw1:.4f}")
delta2_s = dL_dz2
delta1_s = delta2_s * dz2_da1 * da1_dz1
dw2_s, dw1_s = delta2_s * a1_s, delta1_s * dz1_dw1
print(f"backward: δ2 = {delta2_s:.4f}   δ1 = δ2·w2·σ′(z1) = {delta1_s:.4f}   "
      f"∂L/∂w2 = δ2·a1 = {dw2_s:.4f}   ∂L/∂w1 = δ1·x = {dw1_s:.4f}")
h = 1e-6
fd_w1 = (path_loss(w1_s + h, w2_s) - path_loss(w1_s - h, w2_s)) / (2 * h)
fd_w2 = (path_loss(w1_s, w2_s + h) - path_loss(w1_s, w2_s - h)) / (2 * h)
print(f"finite differences: ∂L/∂w1 ≈ {fd_w1:.4f}, ∂L/∂w2 ≈ {fd_w2:.4f}; agree to 1e-8: "
      f"{abs(fd_w1 - dw1_s) < 1e-8 and abs(fd_w2 - dw2_s) < 1e-8}")

# %% [markdown]
# With many neurons per layer the same happens for every path at once: $\delta$ becomes a
# vector, the single weight $w_2$ becomes the matrix $W^{(2)}$, and the products along paths
# become matrix products that add up all paths. That is the rest of this section.
#
# **Notation (one sample, column vectors).** With $a^{(0)} = x$, layer $l = 1,\dots,L$
# computes
#
# $$
# z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}, \qquad a^{(l)} = \sigma\big(z^{(l)}\big),
# $$
#
# where $W^{(l)}$ has shape $h_l \times h_{l-1}$. Define the **error signal** of layer $l$
# as the gradient of the loss with respect to that layer's pre-activation,
#
# $$
# \delta^{(l)} = \frac{\partial L}{\partial z^{(l)}} \in \mathbb{R}^{h_l}.
# $$
#
# Why $z$ and not $a$ or $W$? Everything in layer $l$ — its weights, its bias — reaches the
# loss *only through* $z^{(l)}$. Know $\delta^{(l)}$ and the parameter gradients are one step away.
#
# **The parameters.** Entry $i$ of $z^{(l)}$ is $z_i = \sum_j W_{ij}\, a^{(l-1)}_j + b_i$, so
# $\partial z_i / \partial W_{ij} = a^{(l-1)}_j$ and $\partial z_i / \partial b_i = 1$. Hence
#
# $$
# \frac{\partial L}{\partial W^{(l)}_{ij}} = \delta^{(l)}_i\, a^{(l-1)}_j
# \quad\Longrightarrow\quad
# \frac{\partial L}{\partial W^{(l)}} = \delta^{(l)}\, a^{(l-1)\top},
# \qquad
# \frac{\partial L}{\partial b^{(l)}} = \delta^{(l)} .
# $$
#
# The weight gradient is an outer product: "how much the loss wants $z_i$ to move" times
# "how strongly input $j$ was active".
#
# **The recursion.** $z^{(l)}$ reaches the loss only through the next layer,
# $z^{(l+1)}_k = \sum_j W^{(l+1)}_{kj}\,\sigma\big(z^{(l)}_j\big) + b^{(l+1)}_k$, so
# $\partial z^{(l+1)}_k / \partial z^{(l)}_j = W^{(l+1)}_{kj}\, \sigma'\big(z^{(l)}_j\big)$.
# The chain rule adds up the paths through every unit $k$ of layer $l+1$:
#
# $$
# \delta^{(l)}_j = \sum_k \delta^{(l+1)}_k\, W^{(l+1)}_{kj}\, \sigma'\big(z^{(l)}_j\big)
# \quad\Longleftrightarrow\quad
# \boxed{\;\delta^{(l)} = \Big(W^{(l+1)\top} \delta^{(l+1)}\Big) \odot \sigma'\big(z^{(l)}\big)\;}
# $$
#
# The same weights that carried the signal forward carry the error backwards, transposed;
# $\odot$ is the elementwise product.
#
# **The start.** $\delta^{(L)} = \partial L / \partial z^{(L)}$ comes from the loss. For each
# output head and its matching loss it is the same simple expression, $\delta^{(L)} = a^{(L)} - y$
# per sample. Why, head by head:
#
# - *Identity + squared error* $L = \tfrac12 (a - y)^2$ with $a = z$: $\partial L/\partial z = a - y$.
#   The $\tfrac12$ is there only to cancel the 2 of the square. **nnlib's squared error has this
#   $\tfrac12$**: `nnlib.losses.mse` is $\frac{1}{2n}\sum_i \lVert a_i - y_i\rVert^2$. If you write
#   the usual mean squared error without it, your loss and your gradients are twice ours, and a
#   gradient check of your backward against our loss fails by exactly that factor 2.
# - *Sigmoid + binary cross-entropy* $L = -[y \log a + (1 - y)\log(1 - a)]$, $a = \sigma(z)$:
#   $\partial L/\partial a = \frac{a - y}{a(1 - a)}$ and $\sigma'(z) = a(1 - a)$, so the product
#   is $a - y$: the sigmoid's flat tails, which would make $\sigma'$ tiny, are cancelled by the log.
# - *Softmax + cross-entropy* $L = -\sum_c y_c \log a_c$ with $\sum_c y_c = 1$: since
#   $\partial \log a_c / \partial z_j = [c = j] - a_j$,
#   $\partial L/\partial z_j = -y_j + a_j \sum_c y_c = a_j - y_j$.
#
# `nnlib.losses.loss_and_delta(loss, z_L, y)` returns the loss and this $\delta^{(L)}$, divided by
# $n$ because our losses average over the batch. It takes the **logits** $z^{(L)}$, not the
# probabilities, as PyTorch's losses do.
#
# **Next to PyTorch.** PyTorch's `F.mse_loss(a, y)` has no $\tfrac12$ and averages over all
# $n \cdot k$ entries, so our squared error is $k/2$ times it — for one output column, half of
# it. Our binary cross-entropy for one output equals `F.binary_cross_entropy_with_logits`, and our
# cross-entropy equals `F.cross_entropy`; all of them take the logits $z^{(L)}$.

# %%
a_demo = np.array([[0.3], [0.9], [-0.2]])                  # (n, k) = (3, 1): identity head, a = z
y_demo = np.array([[0.0], [1.0], [0.5]])
L_half, delta_half = loss_and_delta("mse", a_demo, y_demo)
L_usual = np.mean((a_demo - y_demo) ** 2)                  # the usual MSE (PyTorch's F.mse_loss)
print(f"nnlib's squared error {L_half:.4f} = ½ · mean((a − y)²); the usual MSE {L_usual:.4f} "
      f"is twice it: {np.isclose(L_usual, 2 * L_half)}")
print("nnlib's delta_L = (a − y) / n:", np.allclose(delta_half, (a_demo - y_demo) / len(a_demo)))

# %% [markdown]

# So a backward pass is: start from $\delta^{(L)}$; at each layer, read off
# $\partial L/\partial W^{(l)}$ and $\partial L/\partial b^{(l)}$, then send $\delta$ one layer
# back. Every $z^{(l)}$ and $a^{(l-1)}$ it needs was computed by the forward pass — that is
# what the `cache` returned by `net.forward` holds.
#
# **With the batch in rows.** `nnlib` stores a batch of $n$ samples as the *rows* of a
# matrix: `a_prev` is $(n, h_{l-1})$ and row $i$ is $a^{(l-1)\top}$ of sample $i$. Writing
# every formula for rows transposes it:
#
# | maths (one sample, columns) | code (batch in rows) | shape |
# |---|---|---|
# | $z = W a_{\text{prev}} + b$ | `z = a_prev @ W.T + b` | $(n, h_l)$ |
# | $\delta = (W_{\text{next}}^\top \delta_{\text{next}}) \odot \sigma'(z)$ | `delta = (delta_next @ W_next) * dsigma(z)` | $(n, h_l)$ |
# | $\partial L/\partial W = \delta\, a_{\text{prev}}^\top$ | `dW = delta.T @ a_prev` | $(h_l, h_{l-1})$ |
# | $\partial L/\partial b = \delta$ | `db = delta.sum(axis=0)` | $(h_l,)$ |
#
# The loss is the mean of the per-sample losses, so its gradient is the mean of the
# per-sample gradients. The $1/n$ is already inside $\delta^{(L)}$ and travels through the
# (linear) recursion, so what remains is a plain **sum over the rows**:
# $\partial L/\partial W^{(l)} = \sum_i \delta_i\, a_i^{\top}$, which is exactly the matrix product
# `delta.T @ a_prev`. The bias was added to every row, so its gradient sums $\delta$ over the rows.

# %% [markdown]
# ## 2. A backward pass by hand
#
# A small network, $3 \to 4 \to 3 \to 1$, tanh hidden layers and a sigmoid output trained with
# binary cross-entropy, on a batch of 6 samples. First the forward pass, written out, and
# compared with `net.forward`. `net.forward(X)` returns the output *after* the head — here
# the probabilities $a^{(3)}$ — and a `cache` of every layer's $z$ and $a$; the loss is computed
# from the logits `cache.z[-1]` $= z^{(3)}$:

# %%
net = MLP([3, 4, 3, 1], activation="tanh", head="sigmoid", init="xavier_normal", seed=0)
rng = np.random.default_rng(1)
X = rng.normal(size=(6, 3))                                   # (n, d) = (6, 3)
y = (X[:, :1] + X[:, 1:2] > 0).astype(float)                  # (6, 1) labels 0/1
n = len(X)
W1, b1, W2, b2, W3, b3 = (net.params[k] for k in ["W1", "b1", "W2", "b2", "W3", "b3"])

z1 = X @ W1.T + b1;   a1 = np.tanh(z1)                        # (6, 4)
z2 = a1 @ W2.T + b2;  a2 = np.tanh(z2)                        # (6, 3)
z3 = a2 @ W3.T + b3;  a3 = sigmoid(z3)                        # (6, 1)
L = np.mean(np.logaddexp(0, z3) - y * z3)                     # BCE from logits: softplus(z) − y·z

out, cache = net.forward(X)
L_nnlib, delta_L = loss_and_delta("bce", cache.z[-1], y)
print(f"loss L = {L:.6f}; nnlib's forward gives the same output: {np.allclose(a3, out, rtol=1e-12)}, "
      f"the same loss: {np.isclose(L, L_nnlib, rtol=1e-12)}")

# %% [markdown]
# Now backwards. Each line is one of the formulas of §1; $\tanh'(z) = 1 - \tanh^2(z)$ is read
# off the stored activation $a$ (no need to keep $z$ for it).

# %%
delta3 = (a3 - y) / n                                         # (6, 1)  ∂L/∂z3: sigmoid + cross-entropy
dW3 = delta3.T @ a2                                           # (1, 3)
db3 = delta3.sum(axis=0)                                      # (1,)

delta2 = (delta3 @ W3) * (1 - a2**2)                          # (6, 3)  back through W3, times tanh′(z2)
dW2 = delta2.T @ a1                                           # (3, 4)
db2 = delta2.sum(axis=0)                                      # (3,)

delta1 = (delta2 @ W2) * (1 - a1**2)                          # (6, 4)  back through W2, times tanh′(z1)
dW1 = delta1.T @ X                                            # (4, 3)
db1 = delta1.sum(axis=0)                                      # (4,)

by_hand = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "W3": dW3, "b3": db3}
for name, g in by_hand.items():
    print(f"d{name:<3} shape {str(g.shape):7} = shape of {name}: {g.shape == net.params[name].shape}")

# %% [markdown]
# **Check 1: against nnlib.** `net.backward` runs the same recursion inside the layer
# classes of `nnlib/layers/`. Our gradients and its gradients, and our $\delta$'s and the
# $\delta$'s it keeps in `grads.delta[l]`:

# %%
grads = net.backward(delta_L, cache)
same = {name: np.allclose(g, grads[name], rtol=1e-12, atol=1e-15) for name, g in by_hand.items()}
same_delta = [np.allclose(d, grads.delta[l], rtol=1e-12, atol=1e-15)
              for l, d in [(1, delta1), (2, delta2), (3, delta3)]]
print("gradients equal to nnlib's (to 12 digits):", same)
print("delta1, delta2, delta3 equal to grads.delta[1..3]:", same_delta)

# %% [markdown]
# **Check 2: the sum over the batch.** `dW1 = delta1.T @ X` should be the sum over the 6
# samples of the one-sample outer products $\delta_i\, x_i^\top$ from §1:

# %%
outer_sum = sum(np.outer(delta1[i], X[i]) for i in range(n))   # (4, 3)
print("delta1.T @ X equals the sum of per-sample outer products:", np.allclose(dW1, outer_sum))

# %% [markdown]
# **Check 3: against finite differences.** Nothing above proves the formulas right — nnlib
# could share our mistake. An independent check nudges each parameter by $\pm\varepsilon$ and
# measures how the loss moves:
#
# $$
# \frac{\partial L}{\partial \theta} \approx \frac{L(\theta + \varepsilon) - L(\theta - \varepsilon)}{2\varepsilon},
# \qquad
# \text{relative error} = \frac{\lVert g - \hat g \rVert}{\lVert g \rVert + \lVert \hat g \rVert}.
# $$
#
# `nnlib.gradcheck.check_gradients` does this for every entry of every parameter (§7 says how
# to read the result).

# %%
def loss_of(net, X, y):
    """The loss as a function of net's current parameters (what finite differences nudge)."""
    return loss_and_delta(net.loss_name, net.forward(X)[1].z[-1], y)[0]


check = check_gradients(lambda: loss_of(net, X, y), net.params, by_hand)
print(f"gradient check passed: {check.passed} (pass mark: relative error < {THRESHOLD:.0e})")
print("every parameter's relative error is below 1e-8:", all(e < 1e-8 for e in check.errors.values()))

# %% [markdown]
# ## 3. Exercises: one layer, then the recursion
#
# Each exercise has a stub; replace `raise NotImplementedError` with your code and run the
# cell. The checker runs your function on a few cases and says what is wrong if it
# recognises a common mistake, and names the case it failed on. `check()` shows its
# verdict by itself, so you can uncomment `hint(1)` (then `hint(2)`, …) or `solution()` under
# it without hiding the verdict.
# One exercise asks for a derivative worked out by hand, entered as a number.
#
# **Exercise 1 — backward of one dense layer.** The layer is $a = \mathrm{sigmoid}(z)$,
# $z$ = `a_prev @ W.T + b`. Given `da` $= \partial L/\partial a$ of shape $(n, h)$, return
# `(dW, db, da_prev)`.

# %%
def layer_backward(da, z, a_prev, W):
    """da (n, h), z (n, h), a_prev (n, h_prev), W (h, h_prev) -> dW (h, h_prev), db (h,), da_prev (n, h_prev)."""
    raise NotImplementedError  # your code here


ch03.layer_backward.check(layer_backward)
# ch03.layer_backward.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch03.layer_backward.solution()    # our solution

# %% [markdown]
# **Exercise 2 — the δ recursion through two layers.** Hidden layers use tanh. Given
# `delta3` and the weights and pre-activations below it, return `(delta2, delta1)`. The
# layers have different widths, so the shapes tell you where each transpose goes.

# %%
def delta_recursion(delta3, W3, z2, W2, z1):
    """delta3 (n, h3), W3 (h3, h2), z2 (n, h2), W2 (h2, h1), z1 (n, h1) -> (delta2 (n, h2), delta1 (n, h1))."""
    raise NotImplementedError  # your code here


ch03.delta_recursion.check(delta_recursion)
# ch03.delta_recursion.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch03.delta_recursion.solution()    # our solution

# %% [markdown]
# **Exercise 3 — derive one derivative by hand.** One sigmoid neuron and one sample:
# $z = wx + b$ with $w = 0.5$, $x = 2$, $b = -1$; $a = \sigma(z)$; the loss is
# $L = \tfrac12 (a - y)^2$ with $y = 1$. Work out $\partial L / \partial w$ with pencil and
# paper (no code) and enter the number.

# %%
dL_dw = None  # your answer, a number

ch03.dL_dw.check(dL_dw)
# ch03.dL_dw.hint(1)       # hint(2) for the next; the verdict above stays visible

# %% [markdown]
# ## 4. Why backprop is cheap
#
# **Counting.** A dense layer's forward pass is one matrix product, `a_prev @ W.T`: an
# $(n \times h_{l-1})$ times $(h_{l-1} \times h_l)$ product, about $2\,n\,h_{l-1}h_l$
# floating-point operations. Its backward pass has two products of exactly the same size,
# `delta.T @ a_prev` (for $\partial L/\partial W$) and `delta @ W` (to send $\delta$ back) —
# and layer 1 skips the second, because nobody needs $\partial L/\partial X$. The other work
# ($\sigma'$, $\odot$, the bias sums) is $O(n\,h_l)$ per layer, small next to the products.
# So the matrix products of a backward pass cost between one and two times those of a
# forward pass — close to 2 once there are a few layers — **for any number of parameters**:

# %%
def matmul_flops(sizes, n):
    """Floating-point operations in the matrix products of one forward and one backward pass."""
    per_layer = [2 * n * h_prev * h for h_prev, h in zip(sizes[:-1], sizes[1:])]
    forward = sum(per_layer)                      # z = a_prev @ W.T
    backward = 2 * sum(per_layer) - per_layer[0]  # dW = delta.T @ a_prev; da_prev = delta @ W (not in layer 1)
    return forward, backward


depths = [1, 2, 3, 4, 8, 16, 32]
sizes_by_depth = {k: [16] + [32] * k + [1] for k in depths}    # 16 inputs, k hidden layers of 32, 1 output
for k, sizes in sizes_by_depth.items():
    forward, backward = matmul_flops(sizes, n=64)
    print(f"{k:2d} hidden layers: P = {MLP(sizes, seed=0).n_params:5d} parameters, "
          f"matrix-product flops backward / forward = {backward / forward:.2f}")
P_largest = MLP(sizes_by_depth[depths[-1]], seed=0).n_params
print(f"finite differences for the largest network: 2P = {2 * P_largest} forward passes per gradient")

# %% [markdown]
# **Finite differences** need two forward passes per parameter: $2P$ forward passes for the
# whole gradient, a cost that grows with the number of parameters $P$. Backprop gives all $P$
# partial derivatives for one forward and one backward pass.
#
# That count is the claim of this section, and it is exact. **Timing** shows the same thing
# in seconds, as an illustration: the networks above (batch of 64), each timed as the best of
# several runs; the full finite-difference gradient only for the three smallest (it takes
# seconds beyond that). Timings differ from run to run, from machine to machine and with
# whatever else the machine is doing, which is why this cell's printed output is not compared
# when the notebook is tested, and why no statement in the text rests on it.

# %% tags=["nbval-ignore-output"]
# Timings vary between runs: this cell's output is excluded from nbval's comparison.
rng = np.random.default_rng(0)
X_t = rng.normal(size=(64, 16))
y_t = rng.normal(size=(64, 1))
P, t_forward, t_backward, P_fd, t_fd = [], [], [], [], []
for k, sizes in sizes_by_depth.items():
    net_t = MLP(sizes, activation="tanh", seed=0)
    _, cache_t = net_t.forward(X_t)
    _, delta_t = loss_and_delta("mse", cache_t.z[-1], y_t)
    P.append(net_t.n_params)
    t_forward.append(best_time(lambda: net_t.forward(X_t), number=5, repeat=7))
    t_backward.append(best_time(lambda: net_t.backward(delta_t, cache_t), number=5, repeat=7))
    if k <= 3:
        P_fd.append(net_t.n_params)
        t_fd.append(best_time(lambda: [numerical_gradient(lambda: loss_of(net_t, X_t, y_t), p)
                                       for p in net_t.params.values()], repeat=1))
P, t_forward, t_backward = np.array(P), np.array(t_forward), np.array(t_backward)
for i, k in enumerate(depths):
    fd = f"   finite differences {t_fd[i] * 1e3:7.1f} ms" if i < len(t_fd) else ""
    print(f"P = {P[i]:6d}: forward {t_forward[i] * 1e6:6.0f} µs   backward {t_backward[i] * 1e6:6.0f} µs"
          f"   ratio {t_backward[i] / t_forward[i]:.2f}{fd}")

# %% [markdown]
# The same measurements on log–log axes. Forward and backward climb together, a constant
# distance apart (a constant *ratio* on a log axis); finite differences climb twice as
# steeply, because they repeat a forward pass that itself grows with $P$, $2P$ times.

# %%
fig, ax = plot_backprop_cost(P, t_forward, t_backward, P_fd, t_fd)
fig

# %% [markdown]
# Said precisely: a backward pass does **the same order** of arithmetic as one forward pass —
# a constant multiple between 1 and 2 by the count above (1.06 with one hidden layer, 1.98
# with 32) — and that constant does not grow with the size of the network. Finite
# differences cost $2P$ forward passes *every time*: for the 33 313-parameter network that is
# 66 626 forward passes per gradient, against one forward and one backward. The measured time
# ratio in the timing cell need not equal the count's: both directions pay the same fixed
# Python cost per layer, small matrix products do not run at full speed, and other programs
# on the machine disturb the clock — so read it as "same order", nothing finer.

# %% [markdown]
# ## 5. Watching δ flow backwards
#
# The animation runs the recursion on a $2 \to 6 \to 6 \to 6 \to 6 \to 6 \to 1$ sigmoid
# network (Xavier initialization) for a batch of the two-moons data. Frame 0 is the state after
# the forward pass; each later frame lights one more layer, from the output back to the
# input. A neuron's colour is its mean $|\delta_i|$ over the batch, an edge's colour is
# $|\partial L/\partial W_{ij}|$, both on the same logarithmic colour scale (dark = large, pale =
# small), each measured against its own largest value — the colour bar beside the diagram.

# %%
X_moons, y_moons = make_moons(100, 0.1, 0)
net_sig = MLP([2, 6, 6, 6, 6, 6, 1], activation="sigmoid", head="sigmoid", init="xavier_normal", seed=0)
anim = animate_gradient_flow(net_sig, X_moons, y_moons, figsize=(6.4, 3.6), dpi=100)
to_jshtml(anim)

# %% [markdown]
# The colours fade towards the input: each step back multiplies by $\sigma'$ and by a weight
# matrix. The per-layer norms $\lVert \partial L/\partial W^{(l)} \rVert_F$ of the same pass,
# next to a ReLU network of the same shape (He initialization), on one shared log scale:

# %%
net_relu = MLP([2, 6, 6, 6, 6, 6, 1], activation="relu", head="sigmoid", init="he_normal", seed=0)
flow = {}
for model in (net_sig, net_relu):
    _, flow[model.activation] = model.loss_and_grads(X_moons, y_moons)   # forward, BCE, backward
    norms = flow[model.activation].layer_norms()
    print(f"{model.activation:>7}: ‖dW1‖ / ‖dW6‖ = {norms[0] / norms[-1]:.2g}")
fig, axes = plot_gradient_norms_panels({"sigmoid, Xavier": flow["sigmoid"], "ReLU, He": flow["relu"]})
fig

# %% [markdown]
# The same picture to play with: change the depth, the width, the activation and the
# initializer, and step through the frames. Choosing an activation selects the initializer
# §6 derives for it (He for ReLU-like activations, Xavier for the others); choose another one
# by hand — Xavier with ReLU, say — and the line above the picture says it is not the
# recommended pairing.

# %%
gradient_flow_widget(seed=0)

# %% [markdown]
# ## 6. Vanishing and exploding gradients
#
# Unroll the recursion from the output down to layer $l$:
#
# $$
# \delta^{(l)} = \sigma'\big(z^{(l)}\big) \odot W^{(l+1)\top}\Big(\sigma'\big(z^{(l+1)}\big) \odot W^{(l+2)\top}\big(\cdots\, \sigma'\big(z^{(L-1)}\big) \odot W^{(L)\top} \delta^{(L)}\big)\Big).
# $$
#
# The error signal that reaches layer $l$ has been multiplied by $L - l$ weight matrices and
# $L - l$ factors $\sigma'$. A product of many factors is fragile: if the typical factor is
# below 1 it shrinks geometrically (**vanishing** gradients), above 1 it grows geometrically
# (**exploding** gradients). Layers near the input then learn far slower (or far more wildly)
# than layers near the output.
#
# **Why sigmoid is the worst case.** $\sigma'(z) = \sigma(z)\big(1 - \sigma(z)\big)$ is at most
# $\tfrac14$, reached only at $z = 0$; tanh′ reaches 1 at $z = 0$, and ReLU′ is exactly 1 for every
# positive $z$.

# %%
z_grid = np.linspace(-6, 6, 1201)
print(f"largest sigmoid′ on [-6, 6]: {np.max(sigmoid_grad(z_grid)):.4f}, at z = {z_grid[np.argmax(sigmoid_grad(z_grid))]:.1f}")
fig, ax = plot_derivative_bound()
fig

# %% [markdown]
# **Exercise 4 — the sigmoid derivative from its output.** The backward pass only needs the
# stored output $a = \sigma(z)$, not $z$: write $\sigma'(z)$ in terms of $a$.

# %%
def sigmoid_grad_from_output(a):
    """a = sigmoid(z), any shape -> sigmoid′(z), same shape."""
    raise NotImplementedError  # your code here


ch03.sigmoid_grad_from_output.check(sigmoid_grad_from_output)
# ch03.sigmoid_grad_from_output.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch03.sigmoid_grad_from_output.solution()    # our solution

# %% [markdown]
# Xavier initialization chooses the weights so that multiplying by $W^\top$ keeps the size of
# the signal on average. What is left is the $\sigma'$ factor, at most $\tfrac14$ — so a sigmoid
# network loses *at least* a factor of about 4 per layer. Measured on a sigmoid network with
# 20 hidden layers of width 16 (`gradient_norms_by_layer`, two-moons data, at initialization):

# %%
deep = gradient_norms_by_layer(depth=20, activation="sigmoid", init="xavier_normal", steps=0, seed=0)
norms_sig = deep["at initialization"]                              # (21,): ‖dW^(1)‖ … ‖dW^(21)‖
hidden = norms_sig[:-1]
factor = (hidden[0] / hidden[-1]) ** (1 / (hidden.size - 1))      # geometric mean shrink per layer
print(f"‖dW1‖ = {norms_sig[0]:.1e}, ‖dW20‖ = {norms_sig[-2]:.1e}: average factor per layer {factor:.2f}, "
      f"at most 1/4: {factor <= 0.25}")
fig, ax = plot_product_bound(norms_sig, label="sigmoid, 20 hidden layers, Xavier")
fig

# %% [markdown]
# **By depth.** The gradient norm of the first layer (next to the input) at initialization,
# for networks with 1 to 30 hidden layers of width 16 — the median over three seeds. Sigmoid
# falls by about a factor of 4 to 5 per layer, as above: 19 orders of magnitude over 30
# layers. Tanh, whose derivative is 1 near $z = 0$, and ReLU with He initialization fall far
# more slowly — by a factor of 14 and 20 over the same 30 layers, about 10 % per layer. He's
# variance $2/h_{l-1}$ makes up for ReLU zeroing half of its inputs *on average*; in a network
# only 16 units wide each layer's actual factor scatters around that average, and the
# scatter compounds with depth (the derivation further down explains the average).

# %%
depth_grid = [1, 2, 4, 6, 8, 10, 14, 18, 22, 26, 30]
setups = {"sigmoid, Xavier": ("sigmoid", "xavier_normal"), "tanh, Xavier": ("tanh", "xavier_normal"),
          "relu, He": ("relu", "he_normal")}
first_layer = {label: [np.median([gradient_norms_by_layer(depth, act, init, steps=0, seed=s)
                                  ["at initialization"][0] for s in range(3)])
                       for depth in depth_grid]
               for label, (act, init) in setups.items()}
for label, values in first_layer.items():
    print(f"{label:>16}: ‖dW1‖ with 1 hidden layer {values[0]:.1e}, with 30: {values[-1]:.1e}"
          f"  (falls by a factor {values[0] / values[-1]:.2g})")
fig, ax = plot_norm_by_depth(depth_grid, first_layer)
fig

# %% [markdown]
# **Why Xavier and He scale the variance as they do.** The backward signal is one half of the
# story; the forward signal is the other, and the same argument sizes both. Take a layer
# $z_i = \sum_{j=1}^{h_{l-1}} W_{ij}\, a_j$ (biases start at 0) whose weights are independent,
# zero-mean, with variance $\mathrm{Var}(w)$, and independent of its inputs. Each term
# $W_{ij}a_j$ has mean 0 and variance $\mathrm{Var}(w)\, E[a_j^2]$, and the $h_{l-1}$ = fan-in
# terms are independent, so
#
# $$
# \mathrm{Var}\big(z^{(l)}\big) = \text{fan\_in} \cdot \mathrm{Var}(w) \cdot E\big[(a^{(l-1)})^2\big].
# $$
#
# - **tanh** is close to the identity near 0, so $E[a^2] \approx \mathrm{Var}(z^{(l-1)})$: the
#   variance stays the same when $\mathrm{Var}(w) = 1/\text{fan\_in}$. The same argument for
#   $\delta$ going backwards asks for $1/\text{fan\_out}$; **Xavier** (Glorot & Bengio, 2010)
#   takes the compromise $2/(\text{fan\_in} + \text{fan\_out})$ — exactly $1/\text{fan\_in}$ when
#   the two widths are equal.
# - **ReLU** keeps the positive half of a $z$ that is symmetric around 0 and zeroes the rest,
#   so $E[\mathrm{relu}(z)^2] = \tfrac12 \mathrm{Var}(z)$: half of the second moment is lost in
#   every layer. **He** (He et al., 2015) doubles the weight variance to make up for it:
#   $\mathrm{Var}(w) = 2/\text{fan\_in}$.
# - Any other scale, $\mathrm{Var}(w) = \text{gain}/\text{fan\_in}$, multiplies the variance by
#   the same factor in every layer — $\text{gain}/2$ for ReLU, about gain for tanh — so it
#   shrinks or grows **geometrically** with depth.
#
# Measured: a stack of 20 equal layers of 128 units, the input 128 independent $N(0, 1)$
# numbers per sample, the variance of $z^{(l)}$ over a batch of 128 samples, for four weight
# variances (`nnlib.analysis.initialization.variance_by_depth`):

# %%
print(f"settings: {CH3_VARIANCE}")
variances = {act: {label: variance_by_depth(act, gain, **CH3_VARIANCE)
                   for label, gain in CH3_INIT_GAINS.items()}
             for act in ("relu", "tanh")}
for act, by_gain in variances.items():
    for label, v in by_gain.items():
        print(f"{act:>4}, Var(w) {label:<23}: Var(z1) = {v[0]:.2f}   Var(z20) = {v[-1]:.2g}"
              f"   ratio z20/z1 = {v[-1] / v[0]:.2g}")
print(f"prediction for ReLU: (gain/2)^19 = {0.25**19:.2g}, {0.5**19:.2g}, 1, {2.0**19:.2g}")
fig, axes = plot_variance_by_depth(variances)
fig

# %% [markdown]
# For ReLU the four lines follow the prediction $(\text{gain}/2)^{19}$ to within a factor of 3:
# He's ends at 0.35 of where it started — level next to the others, which change by factors of
# $10^5$ to $10^{12}$ (it wanders a little, because 128 random weights per unit only average
# *approximately* to their variance) — Xavier's halves every layer, and the others vanish or
# explode. For tanh, $1/\text{fan\_in}$ keeps the signal alive but lets it fade slowly, to 0.028
# after 20 layers (tanh is a little *below* the identity away from 0, so each layer loses a
# little), a too-small scale vanishes geometrically, and the two larger scales level off
# (at 0.63 and 2.1) instead of exploding: tanh is bounded by 1, so its units saturate — and a
# saturated tanh has $\tanh' \approx 0$, which starves the backward pass in its own way. Chapter 4 relies on
# these pairings: **He for ReLU-like activations, Xavier for tanh and sigmoid**.
#
# **Next to PyTorch.** `nnlib`'s default (`MLP(init="he_normal")`) draws $W \sim N(0, 2/\text{fan\_in})$
# and $b = 0$. PyTorch's `nn.Linear` does something else by default: weights *and biases*
# uniform in $\pm 1/\sqrt{\text{fan\_in}}$, a weight standard deviation of
# $1/\sqrt{3\,\text{fan\_in}}$, $\sqrt 6$ times smaller than ours. To get ours in PyTorch, call
# `nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")` and `nn.init.zeros_(layer.bias)`;
# our `xavier_normal` and `xavier_uniform` are `nn.init.xavier_normal_` and
# `nn.init.xavier_uniform_` (gain 1).

# %% [markdown]
# **Initialization, skips and normalization, layer by layer.** The same 20-hidden-layer
# network, every layer's gradient norm on a log scale. First the activation and the
# initialization: Xavier ($\mathrm{Var}\,W = 2/(h_{l-1} + h_l)$) suits tanh and sigmoid's
# linear middle; He ($2/h_{l-1}$, twice as much) suits ReLU. ReLU with Xavier gives a level
# line, but about $10^3$ below He's: with half of He's variance, the activations shrink by
# $\sqrt 2$ per layer going forwards and $\delta$ shrinks by $\sqrt 2$ per layer going
# backwards, and $\partial L/\partial W^{(l)} = \delta^{(l)\top} a^{(l-1)}$ multiplies one of
# each — 20 factors of $1/\sqrt 2$ in every layer, $2^{-10} \approx 10^{-3}$.

# %%
def norms_at_init(activation, init, **options):
    return gradient_norms_by_layer(depth=20, activation=activation, init=init, steps=0, seed=0,
                                   **options)["at initialization"]


by_init = {"sigmoid, Xavier": norms_sig,
           "tanh, Xavier": norms_at_init("tanh", "xavier_normal"),
           "relu, Xavier": norms_at_init("relu", "xavier_normal"),
           "relu, He": norms_at_init("relu", "he_normal")}
he_over_xavier = by_init["relu, He"] / by_init["relu, Xavier"]
print(f"relu: He's norm / Xavier's norm, per layer: from {he_over_xavier.min():.0f} to {he_over_xavier.max():.0f}"
      f" (2^10 = {2**10})")
fig, ax = plot_layer_gradient_norms(by_init)
fig

# %% [markdown]
# Then the architecture. A **residual connection** computes $a^{(l)} = a^{(l-1)} + \sigma(z^{(l)})$,
# so $\partial a^{(l)} / \partial a^{(l-1)} = I + (\ldots)$: the backward signal has a path
# that skips the $\sigma'$ and $W$ factors entirely. **Batch normalization** re-centres and
# re-scales each $z^{(l)}$ over the batch, which keeps the sigmoid in its steep middle and
# the scale of the signal fixed from layer to layer. The last line shows that a skip is not
# a cure-all: in a ReLU network with He initialization each residual block adds to the
# signal's size, and over 20 blocks the gradients **explode**.

# %%
by_fix = {"sigmoid": norms_sig,
          "sigmoid + residual": norms_at_init("sigmoid", "xavier_normal", residual=True),
          "sigmoid + batch norm": norms_at_init("sigmoid", "xavier_normal", norm="batch"),
          "relu, He + residual": norms_at_init("relu", "he_normal", residual=True)}
fig, ax = plot_layer_gradient_norms(by_fix)
fig

# %% [markdown]
# The first-layer numbers behind these pictures (20 hidden layers, seed 0):

# %%
table = {"sigmoid, Xavier": norms_sig, "relu, He": by_init["relu, He"],
         "sigmoid + residual": by_fix["sigmoid + residual"],
         "sigmoid + batch norm": by_fix["sigmoid + batch norm"],
         "relu, He + residual": by_fix["relu, He + residual"]}
for label, norms in table.items():
    print(f"{label:>21}: ‖dW1‖ = {norms[0]:.1e}   ‖dW1‖ / ‖dW21‖ = {norms[0] / norms[-1]:.1e}")
gap = np.log10(by_init["relu, He"][0] / norms_sig[0])
closed = np.log10(by_fix["sigmoid + residual"][0] / norms_sig[0]) / gap
print(f"relu/He's first layer gets {gap:.1f} orders of magnitude more gradient than sigmoid's; "
      f"residual connections close {closed:.0%} of that gap")

# %% [markdown]
# Read the last line as: with skip connections, the deep *sigmoid* network's first layer gets
# as much gradient as the ReLU/He network's — slightly more, in fact (more than 100 % of the
# gap). Batch normalization does the same. Note the other column too: with skips and batch norm
# the first layer's gradient is no longer many orders below the last layer's.
#
# **Explore.** The explorer below draws the same per-layer norms for any depth, activation,
# initializer, with or without skips and batch norm — at initialization and after a few SGD
# steps. Things to try: sigmoid at depth 5, 10, 20, 30; switch on the residual connections;
# ReLU with `zeros` or `normal` initialization; ReLU + He + residual at depth 30.

# %%
vanishing_gradient_widget(seed=0)

# %% [markdown]
# ## 7. Gradient checking as a habit
#
# Every backward pass you write is a second program that must agree with the first. A
# gradient check compares it with finite differences and costs a few lines. Make it a habit:
# check on a *tiny* network and batch (finite differences cost $2P$ forward passes), in
# float64, before every long training run of new code.
#
# **Reading the relative error** $\lVert g - \hat g\rVert / (\lVert g\rVert + \lVert \hat g\rVert)$
# in float64, with $\varepsilon \approx 10^{-6}$:
#
# | relative error | usually means |
# |---|---|
# | $\lesssim 10^{-8}$ | correct |
# | $10^{-7}$ … $10^{-4}$ | suspicious: a kink nearby, a badly chosen $\varepsilon$, or a bug that touches few entries |
# | $\gtrsim 10^{-3}$ | a bug (unless you are in float32 — see below) |
#
# `nnlib.gradcheck` passes a parameter below `THRESHOLD` $= 10^{-6}$, and treats a gradient
# as zero when both sides are below `ATOL` $= 10^{-8}$ in every entry (the relative error of
# two zeros is meaningless). Its report lists every parameter, so a failure points at the
# layer. Here is our hand-written backward with one classic bug, the $\sigma'$ factor
# forgotten in layer 1:

# %%
buggy = dict(by_hand)
delta1_bug = delta2 @ W2                                        # missing * (1 - a1**2)
buggy["W1"], buggy["b1"] = delta1_bug.T @ X, delta1_bug.sum(axis=0)
check_bug = check_gradients(lambda: loss_of(net, X, y), net.params, buggy)
print(f"THRESHOLD = {THRESHOLD:.0e}, ATOL = {ATOL:.0e}; passed: {check_bug.passed}")
for name, err in check_bug.errors.items():
    print(f"  {name}: {'below 1e-8' if err < 1e-8 else f'{err:.1e}  <- the layer with the bug'}")

# %% [markdown]
# **Choosing ε.** The centred difference has a truncation error of order $\varepsilon^2$, and a
# rounding error of order $u/\varepsilon$, where $u$ is the precision of the arithmetic
# ($\approx 10^{-16}$ in float64, $\approx 10^{-7}$ in float32). Too large an $\varepsilon$ and
# the truncation dominates; too small and the rounding does. The same check of the same
# (correct) gradients for a range of $\varepsilon$, in float64 and in float32:

# %%
def check_in(dtype, eps):
    """Max relative error of the gradient check of the §2 network, in the given precision."""
    model = MLP([3, 4, 3, 1], activation="tanh", head="sigmoid", init="xavier_normal", seed=0,
                dtype=dtype)
    Xd, yd = X.astype(dtype), y.astype(dtype)
    _, grads_d = model.loss_and_grads(Xd, yd)
    return check_gradients(lambda: loss_of(model, Xd, yd), model.params, grads_d, eps=eps).max_error


eps_grid = 10.0 ** -np.arange(1, 10)
sweep = {dtype.__name__: [check_in(dtype, eps) for eps in eps_grid] for dtype in (np.float64, np.float32)}
fig, ax = plot_error_vs_eps(eps_grid, sweep, threshold=THRESHOLD)
fig

# %% [markdown]
# In float64 the error bottoms out far below the pass mark over a wide range of $\varepsilon$.
# In float32 it never gets below about $10^{-5}$ and sits near $10^{-4}$ … $10^{-3}$ for
# $\varepsilon$ around $10^{-3}$; at nnlib's default $\varepsilon = 10^{-6}$ the check
# reports nonsense for a correct gradient. So: check in float64; if you must check float32
# code, use $\varepsilon \approx 10^{-3}$ and expect an error of order $10^{-4}$ … $10^{-3}$
# from a correct gradient.

# %%
err64, err32 = check_in(np.float64, 1e-6), check_in(np.float32, 1e-3)
print(f"float64, eps = 1e-6: max relative error below 1e-8: {err64 < 1e-8}")
print(f"float32, eps = 1e-3: max relative error between 1e-5 and 1e-2: {1e-5 < err32 < 1e-2}")
print(f"float32, eps = 1e-6: the check fails a correct gradient: {check_in(np.float32, 1e-6) > THRESHOLD}")

# %% [markdown]
# **Kinks.** ReLU has no derivative at $z = 0$: the slope is 0 on the left and 1 on the
# right. `nnlib` (like most libraries) uses 0 there. A centred difference whose two points
# straddle the kink measures the slope of the secant between them — somewhere between 0 and 1:

# %%
fig, ax = plot_kink_secant(z0=0.0, eps=0.5)
fig

# %% [markdown]
# With $\varepsilon = 10^{-6}$ this only happens when a pre-activation lies within $10^{-6}$
# of 0 — rare for random data, but exactly what we arrange here: a $3 \to 4 \to 1$ ReLU
# network whose first hidden unit gets $z = 0$ exactly for the first sample.

# %%
net_k = MLP([3, 4, 1], activation="relu", head="sigmoid", seed=0)
W1k, b1k = net_k.params["W1"], net_k.params["b1"]


def check_relu_net():
    _, cache_k = net_k.forward(X)
    _, grads_k = net_k.loss_and_grads(X, y)
    result = check_gradients(lambda: loss_of(net_k, X, y), net_k.params, grads_k)
    errors = ", ".join(f"{k}: {'< 1e-8' if e < 1e-8 else f'{e:.1e}'}" for k, e in result.errors.items())
    return f"z1[0, 0] = {cache_k.z[1][0, 0]:.0e}: passed {result.passed}   ({errors})"


print("random weights:    ", check_relu_net())
# Biases start at 0, so z1[0, 0] is exactly the product forward computes; subtracting it puts
# unit 1's pre-activation for sample 0 exactly on the kink.
b1k[0] = -net_k.forward(X)[1].z[1][0, 0]
print("unit 1 on the kink:", check_relu_net())
b1k[0] += 1e-3                        # 1e-3 away from the kink: both points on the same side
print("1e-3 past the kink:", check_relu_net())

# %% [markdown]
# Only `W1` and `b1` fail — the parameters of the unit sitting on the kink; `W2` and `b2`
# still agree to rounding error. Neither side has a bug: ReLU has no derivative there, and
# backprop (slope 0, nnlib's choice) and the secant (slope ½, whatever $\varepsilon$) simply
# answer differently. So when a check fails in a ReLU
# network, look at which parameters fail and whether some $|z|$ is below $\varepsilon$ before
# hunting for a bug — or check the backward code with a smooth activation (tanh, GELU), then
# switch back.

# %% [markdown]
# ## Summary
#
# - $\delta^{(l)} = \partial L/\partial z^{(l)}$ obeys $\delta^{(l)} = (W^{(l+1)\top}\delta^{(l+1)}) \odot \sigma'(z^{(l)})$
#   — in code with the batch in rows, `delta = (delta_next @ W_next) * dsigma(z)`.
# - From $\delta$: `dW = delta.T @ a_prev` (a sum over the batch of outer products) and
#   `db = delta.sum(axis=0)`.
# - A backward pass costs a small constant times a forward pass, whatever the size of the
#   network; finite differences cost $2P$ forward passes.
# - The backward signal is a product of one $\sigma'$ and one $W$ per layer: sigmoid's
#   $\sigma' \le \tfrac14$ makes it vanish with depth; He initialization for ReLU, residual
#   connections and batch normalization keep it level — though skips alone can also make it
#   explode (ReLU + He + residual).
# - Check every new backward pass numerically, in float64, on a tiny network — and know
#   that kinks and float32 make a correct gradient look wrong.
# - $\mathrm{Var}(z^{(l)}) = \text{fan\_in}\cdot\mathrm{Var}(w)\cdot E[(a^{(l-1)})^2]$: He's
#   $2/\text{fan\_in}$ keeps a ReLU network's signal level, Xavier's suits tanh.

# %% [markdown]
# ## From gradients to learning
#
# The gradient $\nabla L$ — all the $\partial L/\partial W^{(l)}$ and $\partial L/\partial b^{(l)}$
# together — points in the direction in which the loss rises fastest. **Gradient descent**
# takes a small step the other way, for every parameter $\theta$ at once:
#
# $$
# \theta \leftarrow \theta - \eta\, \frac{\partial L}{\partial \theta},
# $$
#
# where the **learning rate** $\eta > 0$ sets the step size. Training is this step, repeated.
# The loss is the one whose $\delta^{(L)}$ §1 derived: squared error (with its $\tfrac12$) for a
# number, binary cross-entropy after a sigmoid for yes/no, cross-entropy after a softmax for
# classes — each chosen so that $\delta^{(L)} = a - y$.
#
# **One step.** A $1 \to 16 \to 1$ tanh network with an identity output, squared error, on a
# noisy sine curve ($y = \sin(\pi x)$ plus noise, 120 training points); one gradient step with
# $\eta = 1$:

# %%
print(f"settings: {CH3_LEARNING}")
sine = load_dataset(**CH3_LEARNING["data"])
print(f"{len(sine.X_train)} training points, {len(sine.X_val)} held back for validation")
sizes, act = list(CH3_LEARNING["sizes"]), CH3_LEARNING["activation"]
net_s = MLP(sizes, activation=act, head="identity", init="xavier_normal", seed=CH3_LEARNING["seed"])
L_before, grads_s = net_s.loss_and_grads(sine.X_train, sine.y_train)   # forward, loss, backward
eta = 1.0
for name in net_s.params:
    net_s.params[name] -= eta * grads_s[name]                            # the step, in place
L_after, _ = net_s.loss_and_grads(sine.X_train, sine.y_train)
print(f"loss before the step {L_before:.4f}, after {L_after:.4f}: lower: {L_after < L_before}")

# %% [markdown]
# **Exercise 5 — the training loop.** Write one pass of mini-batch gradient descent for a
# network with one tanh hidden layer and one linear output. `params` is a dict with
# `"W1"` $(h, d)$, `"b1"` $(h,)$, `"W2"` $(1, h)$, `"b2"` $(1,)$; `batches` is a list of
# `(X, y)` pairs, `X` $(n, d)$, `y` $(n, 1)$ (the last batch may be smaller); `lr` is the
# learning rate. For each batch, in order:
#
# 1. **forward**: `a1 = tanh(X @ W1.T + b1)`, `a2 = a1 @ W2.T + b2`;
# 2. **loss**: $L = \frac1n \sum_i \tfrac12 (a_{2,i} - y_i)^2$, appended to a list;
# 3. **backward**: the gradient of $L$ for every parameter (the formulas of this chapter);
# 4. **update**: `params[k] -= lr * grads[k]` for every key — in place, so that the caller's
#    `params` are trained.
#
# Return the list of losses (one per batch, each computed before its batch's update). The
# checker trains a small seeded network with your loop and with ours, from the same start on
# the same batches, and compares the losses and the trained parameters.

# %%
def train_loop(params, batches, lr):
    """params {"W1", "b1", "W2", "b2"}; batches [(X (n, d), y (n, 1)), …]; lr -> list of losses."""
    raise NotImplementedError  # your code here


ch03.train_loop.check(train_loop)
# ch03.train_loop.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch03.train_loop.solution()    # our solution

# %% [markdown]
# **The learning rate.** The same network, the same start, 100 full-batch steps for three
# learning rates (`nnlib.analysis.descent.descent_curves`):

# %%
print(f"settings: {CH3_RATES}")
curves = descent_curves(sine.X_train, sine.y_train, **CH3_RATES, sizes=sizes, activation=act,
                        seed=CH3_LEARNING["seed"])
names = dict(zip(CH3_RATES["lrs"], ["too small", "about right", "too large"]))
for lr, losses in curves.items():
    print(f"η = {lr:<4g} ({names[lr]:>11}): loss {losses[0]:.4f} -> {losses[-1]:.4g} after "
          f"{losses.size} steps" + ("  (stopped: diverged)" if losses.size < CH3_RATES["steps"] else ""))
good = curves[1.0]
bump = 20 + int(np.argmax(good[20:]))                 # the largest loss after the first 20 steps
print(f"η = 1: after falling to {good[bump - 10]:.3f} the loss jumps back to {good[bump]:.3f} "
      f"at step {bump}, then falls again")
fig, ax = plot_descent_curves(curves, labels=names)
fig

# %% [markdown]
# With $\eta = 0.05$ every step is safe but tiny: after 100 steps the loss has only fallen
# from 0.185 to 0.10. With $\eta = 1$ it reaches 0.020, almost ten times lower. With
# $\eta = 2.5$ it **diverges**: the loss climbs to 43 in 8 steps, and the next step takes it
# beyond a thousand times its start, where the run stops. Even $\eta = 1$ is close to the edge:
# near step 80 one step overshoots and the loss jumps from 0.037 back up to 0.183, almost its
# starting value, before falling again. Why a too-large step makes
# things worse: near a minimum $\theta^*$ the loss looks like a bowl,
# $L \approx L^* + \tfrac{c}{2}(\theta - \theta^*)^2$ with curvature $c$, so one step gives
# $\theta - \theta^* \leftarrow (1 - \eta c)(\theta - \theta^*)$. For $\eta < 2/c$ the factor is
# between −1 and 1 and the distance shrinks; for $\eta > 2/c$ it is below −1, so every step
# jumps across the bowl to a point *farther* from the bottom than where it started, and the
# distance grows geometrically. The steepest direction of the bowl sets the limit — that is
# why the rate cannot simply be made large.
#
# **Mini-batches and epochs.** The loss is a mean over the $n$ training samples, and so is its
# gradient. A **mini-batch** of $B$ samples gives an estimate of that mean at $B/n$ of the cost:
# noisier, but far cheaper, so many more steps fit into the same time. One **epoch** is one pass
# over the training set in a fresh random order, $\lceil n/B \rceil$ steps. Your loop of
# Exercise 5 is one epoch; `nnlib.training.train` repeats it.
#
# **A validation set.** A low training loss says the network fits the points it has seen, not
# that it predicts new ones. So part of the data is held back — `load_dataset` kept 40 of the
# 160 points — and never used for a step; its loss, measured after every epoch, estimates how
# the network does on new data. Training and validation loss together:

# %%
print(f"settings: {CH3_MINIBATCH}")
mb = CH3_MINIBATCH
net_mb = MLP(sizes, activation=act, head="identity", init="xavier_normal", seed=CH3_LEARNING["seed"])
history = train(net_mb, sine.X_train, sine.y_train, sine.X_val, sine.y_val, optimizer=SGD(mb["lr"]),
                epochs=mb["epochs"], batch_size=mb["batch_size"], seed=mb["seed"])
steps_per_epoch = -(-len(sine.X_train) // mb["batch_size"])
print(f"{len(sine.X_train)} training points, batches of {mb['batch_size']}: {steps_per_epoch} steps per "
      f"epoch, {steps_per_epoch * history.epochs_run} steps in {history.epochs_run} epochs")
print(f"after the last epoch: training loss {history.train_loss[-1]:.4f}, "
      f"validation loss {history.val_loss[-1]:.4f}")
above = sum(v > t for t, v in zip(history.train_loss, history.val_loss))
print(f"validation loss above training loss after {above} of {history.epochs_run} epochs")
fig, ax = plot_loss_curves(history)
fig

# %% [markdown]
# Both curves fall together. After most epochs (55 of 60) the validation loss is above the
# training loss, since the network has been fitted to the training points; with only 40
# validation points and a noisy step-by-step descent, the two cross now and then. A validation loss that turns
# upwards while the training loss keeps falling is **overfitting** — Chapter 5 is about that.
# The noise in the data sets a floor: with noise of standard deviation 0.1, even the true
# curve has a squared error of about $\tfrac12 \cdot 0.1^2 = 0.005$.
#
# **Momentum and Adam.** Plain gradient descent takes each step from the current gradient
# alone. Two refinements, used from Chapter 4 on:
#
# - **Momentum** keeps a running sum of past gradients, a velocity $v$ (starting at 0), and steps
#   along it: $v \leftarrow \beta v + g$, $\theta \leftarrow \theta - \eta v$, with $\beta = 0.9$
#   typically. Directions in which the gradient keeps its sign build up speed (up to
#   $1/(1-\beta)$ = 10 times); directions in which it flips back and forth cancel out.
# - **Adam** (Kingma & Ba, 2015) keeps running means of the gradient and of its square,
#   $m \leftarrow \beta_1 m + (1-\beta_1) g$ and $s \leftarrow \beta_2 s + (1-\beta_2) g^2$
#   (elementwise), corrects their start at 0, $\hat m = m/(1-\beta_1^t)$, $\hat s = s/(1-\beta_2^t)$,
#   and steps $\theta \leftarrow \theta - \eta\, \hat m / (\sqrt{\hat s} + \epsilon)$: every
#   parameter gets a step of about $\eta$ whatever the size of its gradient, which makes one
#   learning rate (often $10^{-3}$) work across many problems.
#
# (Without weight decay, `nnlib.optimizers.Momentum` and `Adam` compute exactly PyTorch's
# `SGD(momentum=β)` and `Adam`.) The same training with each, momentum's $\eta$ chosen so that $\eta/(1-\beta)$ equals
# plain SGD's:

# %%
print(f"settings: {CH3_OPTIMIZERS}, epochs {mb['epochs']}, batch size {mb['batch_size']}")
optimizers = {"SGD": SGD(**CH3_OPTIMIZERS["sgd"]), "Momentum": Momentum(**CH3_OPTIMIZERS["momentum"]),
              "Adam": Adam(**CH3_OPTIMIZERS["adam"])}
for name, optimizer in optimizers.items():
    model = MLP(sizes, activation=act, head="identity", init="xavier_normal", seed=CH3_LEARNING["seed"])
    h = train(model, sine.X_train, sine.y_train, sine.X_val, sine.y_val, optimizer=optimizer,
              epochs=mb["epochs"], batch_size=mb["batch_size"], seed=mb["seed"])
    print(f"{name:>8}: loss after epoch 1 {h.train_loss[0]:.4f}, after epoch {h.epochs_run}: "
          f"training {h.train_loss[-1]:.4f}, validation {h.val_loss[-1]:.4f}")

# %% [markdown]
# On a problem this small all three end near a training loss of 0.01; momentum and Adam are
# much lower after the first epoch (0.10 and 0.11 against 0.19). What they
# cannot change is the lesson of the learning-rate picture: each has a rate above which it
# diverges. Chapters 4 and 5 train with them, now no longer black boxes.
#
# **In short.** Training steps against the gradient, $\theta \leftarrow \theta - \eta\,\partial L/\partial\theta$:
# too small an $\eta$ crawls, too large diverges; mini-batches and epochs organise the steps, a
# validation set measures what the network learnt, and momentum and Adam refine the step.
