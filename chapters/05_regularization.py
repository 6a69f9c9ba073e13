# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 · Regularization
#
# **Summary:** what overfitting looks like in the loss curves and the decision boundary, and how L2 and L1 penalties, dropout and normalisation each change training to fight it.
#
# **Learning goals:**
# - recognise overfitting from training and validation curves, and choose a regularisation strength by validation loss;
# - write the L2 and L1 penalties and their gradients, and explain weight decay and sparsity;
# - implement inverted dropout and explain why evaluation needs no correction;
# - write the batch-norm and layer-norm forward passes, and say which statistics each uses in training and at evaluation.
#
# A network with enough parameters can fit its training data almost perfectly — noise
# included. Fitting the noise is **overfitting**: the training loss keeps falling while the
# loss on data the network has not seen starts to rise. This chapter makes that visible and
# then tries the standard remedies, one at a time, on the same network and data:
#
# 1. **Overfitting made visible**: a large network, a small noisy data set.
# 2. **L2 penalty / weight decay**: keep the weights small.
# 3. **L1 penalty**: make many weights exactly (or nearly) zero.
# 4. **Dropout**: train many thinned networks at once.
# 5. **Batch normalization**: normalise each unit over the batch.
# 6. **Layer normalization**: normalise each sample over its units.
# 7. **The regularization lab**: combine them and watch the validation curve.
# 8. **Exercises**: the L2 gradient, inverted dropout, the batch-norm forward pass.
#
# Every number quoted in the text is printed by a cell next to it; run the cells in order.
# Training runs behind the sliders are done once, when their cell runs; a slider only picks
# one of them, so it responds at once.

# %%
import numpy as np
from IPython.display import Markdown

from nnlib.analysis.activations import dead_unit_counts
from nnlib.analysis.regularization import (count_near_zero, dropout_ensemble, hidden_activations,
                                           weights)
from nnlib.analysis.training import sweep, train_run
from nnlib.chapter_settings import (CH5_DATA, CH5_DROPOUT, CH5_HIGH_LR, CH5_LAMBDAS, CH5_NEAR_ZERO,
                                    CH5_OVERFIT)
from nnlib.datasets import load_dataset, make_moons
from nnlib.exercises import ch05
from nnlib.layers import BatchNorm, Dropout, LayerNorm
from nnlib.network import MLP
from nnlib.optimizers import SGD
from nnlib.regularizers import l2_grad
from nnlib.viz import new_panels, plot_decision_boundary, plot_loss_curves, setup_notebook
from nnlib.viz.regularization import (plot_layer_distributions, plot_near_zero, plot_normalization,
                                      plot_weight_histogram)
from nnlib.viz.tables import markdown_table
from nnlib.widgets import training_explorer
from nnlib.widgets.regularization import sweep_widget

setup_notebook()

# %% [markdown]
# ## 1. Overfitting made visible
#
# The data: two interleaving half-moons with a lot of noise — 90 points to train on and
# 270 held out for validation. The network: two hidden layers of 32 tanh units, about
# 1 200 parameters for 90 points, trained with momentum SGD on the whole training set at
# every step (the settings are `CH5_OVERFIT`, printed below).

# %%
data = load_dataset(**CH5_DATA)
print(f"{len(data.X_train)} training points, {len(data.X_val)} validation points")
print("settings:", CH5_OVERFIT)
plain = train_run(data, value=0.0, **CH5_OVERFIT)             # no regularization: λ = 0, p = 0
h = plain.history
best = int(np.argmin(h.val_loss))
print(f"{plain.net.n_params} parameters")
print(f"validation loss: lowest {h.val_loss[best]:.3f} at epoch {best + 1}, "
      f"{h.val_loss[-1]:.3f} after epoch {h.epochs_run}")
print(f"validation accuracy: {h.val_acc[best]:.2f} at epoch {best + 1}, {h.val_acc[-1]:.2f} "
      f"after epoch {h.epochs_run}")
print(f"training loss after epoch {h.epochs_run}: {h.train_loss[-1]:.3f}, training accuracy "
      f"{h.train_acc[-1]:.2f}")

# %%
fig, axes = new_panels(2, figsize=(8.0, 3.3))
plot_loss_curves(h, ax=axes[0])
axes[0].set_title("training vs validation loss", fontsize="medium")
plot_decision_boundary(plain.net, data.X_train, data.y_train, ax=axes[1], m=60)
axes[1].set_title("decision boundary (training points)", fontsize="medium")
fig

# %% [markdown]
# Both curves fall at first — the network is learning the two moons. Then they part: the
# training loss keeps falling towards zero while the validation loss turns and climbs. The
# boundary shows why: it bends around individual training points, including noisy ones
# that sit on the wrong side. The validation *accuracy* changes much less than the
# validation loss: the network is mostly still right, but it has become very **confident**,
# and every validation point it gets wrong with confidence costs a lot of cross-entropy.
#
# Three remedies follow. Each adds something to training and changes nothing else: same
# data, same initial weights, same number of epochs.

# %% [markdown]
# ## 2. L2 penalty and weight decay
#
# Add to the loss a penalty on the size of the weights,
#
# $$
# L_{\text{total}} = L + \frac{\lambda}{2} \sum_{l} \big\lVert W^{(l)} \big\rVert_F^2,
# \qquad
# \frac{\partial}{\partial W^{(l)}} \Big(\frac{\lambda}{2} \big\lVert W^{(l)} \big\rVert_F^2\Big) = \lambda\, W^{(l)},
# $$
#
# where $\lVert W \rVert_F^2 = \sum_{ij} W_{ij}^2$. The ½ is there so that the gradient is
# plain $\lambda W$. Only weights are penalised: a bias shifts a unit's threshold and a small
# bias does not make the function any smoother. With plain gradient descent the update
# becomes
#
# $$
# W \leftarrow W - \eta\,\big(\nabla_W L + \lambda W\big) = (1 - \eta\lambda)\, W - \eta\, \nabla_W L ,
# $$
#
# so every step first shrinks each weight by the factor $1 - \eta\lambda$ — hence the other
# name, **weight decay**. A network with small weights has small slopes: with tanh units,
# small $z$ keeps each unit in its nearly linear range, and the function it computes
# cannot change fast between nearby points.
#
# Both forms exist in `nnlib`: the penalty (`train(..., l2=λ)`, gradient
# `nnlib.regularizers.l2_grad`) and decay inside the optimizer (`SGD(lr, weight_decay=λ)`).
# For plain SGD they are the same update — one step of each, from the same weights:

# %%
X_b, y_b = data.X_train[:16], data.y_train[:16]
nets = [MLP([2, 8, 1], activation="tanh", head="sigmoid", seed=1) for _ in range(2)]
lam, lr = 0.1, 0.5
for net, (optimizer, penalty) in zip(nets, [(SGD(lr), True), (SGD(lr, weight_decay=lam), False)]):
    _, grads = net.loss_and_grads(X_b, y_b, train=True)
    if penalty:
        grads = {k: g + l2_grad(net.params, lam)[k] for k, g in grads.items()}
    optimizer.step(net.params, grads)
print("penalty λW in the gradient  ==  weight decay in SGD:",
      all(np.allclose(nets[0].params[k], nets[1].params[k], rtol=1e-12) for k in nets[0].params))

# %% [markdown]
# (With momentum or Adam the two differ: the penalty's gradient is then averaged or
# rescaled with the rest, decoupled decay is not. That difference is why AdamW exists.)
#
# Now the same network as in §1, trained once for each of several values of λ:

# %%
l2_runs = [plain] + sweep(data, "l2", CH5_LAMBDAS[1:], **CH5_OVERFIT)
rows = [{"λ": r.value, "training loss": r.history.train_loss[-1],
         "validation loss": r.history.val_loss[-1], "validation accuracy": r.history.val_acc[-1],
         "‖W‖": float(np.linalg.norm(weights(r.net))),
         "max |w|": float(np.abs(weights(r.net)).max())} for r in l2_runs]
best_l2 = min(l2_runs, key=lambda r: r.history.val_loss[-1])
Markdown(markdown_table(rows) + f"\n\nLowest validation loss: λ = {best_l2.value:g}.")

# %% [markdown]
# Move the slider through λ: the decision boundary, the histogram of all weights (grey:
# λ = 0) and, on the right, the losses after training for every λ.

# %%
sweep_widget(l2_runs, data, "λ", panels=("weights", "summary"))

# %% [markdown]
# What happens as λ grows:
#
# * **The weights shrink**: the norm $\lVert W \rVert$ and the largest $|w|$ fall with every
#   step up in λ, and the histogram narrows around 0.
# * **The boundary smooths**: the bends around single points go first.
# * **Validation loss improves — up to a point.** The best λ here cuts the validation loss
#   of λ = 0 by more than half. Beyond it the penalty wins over the data: the network
#   **underfits**, the boundary becomes too simple, and both losses rise together.
#
# λ is a *hyperparameter*: it is chosen by its validation loss, never by its training loss
# (which only ever gets worse with more λ). The two ends side by side:

# %%
fig, axes = new_panels(3, figsize=(10.5, 3.2))
for ax, run in zip(axes, (plain, best_l2)):
    plot_decision_boundary(run.net, data.X_train, data.y_train, ax=ax, m=60)
    ax.set_title(f"λ = {run.value:g}: validation loss {run.history.val_loss[-1]:.3f}",
                 fontsize="medium")
plot_weight_histogram({"λ = 0": weights(plain.net), f"λ = {best_l2.value:g}": weights(best_l2.net)},
                      ax=axes[2])
fig

# %% [markdown]
# ## 3. L1 penalty: sparsity
#
# Penalise absolute values instead of squares:
#
# $$
# L_{\text{total}} = L + \lambda \sum_{l} \sum_{ij} \big|W^{(l)}_{ij}\big|,
# \qquad
# \frac{\partial}{\partial W_{ij}} \lambda |W_{ij}| = \lambda\, \operatorname{sign}(W_{ij}).
# $$
#
# The difference is in how hard each penalty pulls on a *small* weight. L2 pulls with
# $\lambda w$, a force that fades as $w$ approaches 0, so weights get small but stay
# non-zero. L1 pulls with the same $\lambda$ however small $w$ is, so any weight the data
# does not need enough is pushed all the way to zero: L1 makes the network **sparse**.
#
# One caveat: $|w|$ has no derivative at 0, and plain (sub)gradient steps of size $\eta\lambda$
# make a weight hop back and forth across 0 instead of landing on it. So we count weights
# with $|w| < 0.01$ as *near zero* (most initial weights have a size of about 0.2).
#
# The same λ values, now with L1, against L2:

# %%
l1_runs = sweep(data, "l1", CH5_LAMBDAS[1:], **CH5_OVERFIT)
total = weights(plain.net).size
near_zero = {"L2": [count_near_zero(r.net, CH5_NEAR_ZERO) for r in l2_runs[1:]],
             "L1": [count_near_zero(r.net, CH5_NEAR_ZERO) for r in l1_runs]}
rows = [{"λ": lam, "near-zero weights, L2": n2, "near-zero weights, L1": n1,
         "‖W‖, L2": float(np.linalg.norm(weights(r2.net))),
         "‖W‖, L1": float(np.linalg.norm(weights(r1.net))),
         "validation loss, L2": r2.history.val_loss[-1],
         "validation loss, L1": r1.history.val_loss[-1]}
        for lam, n2, n1, r2, r1 in zip(CH5_LAMBDAS[1:], near_zero["L2"], near_zero["L1"],
                                       l2_runs[1:], l1_runs)]
print(f"{total} weights; near zero without a penalty: {count_near_zero(plain.net, CH5_NEAR_ZERO)}")
Markdown(markdown_table(rows))

# %%
fig, axes = new_panels(2, figsize=(9.0, 3.3))
plot_near_zero(CH5_LAMBDAS[1:], near_zero, total, CH5_NEAR_ZERO, ax=axes[0])
axes[0].set_title("sparsity: L1 against L2", fontsize="medium")
i = CH5_LAMBDAS[1:].index(3e-3)
plot_weight_histogram({"L2, λ = 0.003": weights(l2_runs[1 + i].net),
                       "L1, λ = 0.003": weights(l1_runs[i].net)}, ax=axes[1],
                      bins=np.linspace(-1.5, 1.5, 61))
axes[1].set_title("the weights at the same λ", fontsize="medium")
fig

# %% [markdown]
# Up to λ = 0.03, L1 leaves far more weights near zero than L2 does at the same λ — most of
# them from λ = 0.003 on — while its largest weights stay large: the histogram has a tall
# spike at 0 and a few big weights, where L2's is one rounded hump. The comparison is fair
# in a second sense too: at the same λ the two end with weight norms $\lVert W \rVert$ of
# similar size (table), so L1 is not merely shrinking harder; it spends the same budget on
# far fewer weights. Sparse weights can be pruned away after training, and an input whose
# weights all vanish has been *selected out* — L1's classic use in linear models (the lasso).
#
# At λ = 0.1, L1 wins completely: no weight is worth its cost, the network predicts about
# ½ everywhere (validation loss near $\ln 2 \approx 0.693$), and the weights only hop around
# 0 — with steps of $\eta\lambda$, enlarged by momentum, too big for our 0.01 tolerance, so
# fewer of them are counted.

# %% [markdown]
# ## 4. Dropout
#
# Dropout regularises by noise. During training, every hidden unit is switched off at random
# with probability $p$, independently on every forward pass; at evaluation, all units are
# on. In the **inverted** form used everywhere today, the surviving units are scaled up
# during training:
#
# $$
# m_j \sim \text{Bernoulli}(1-p), \qquad
# \tilde a_j = \frac{m_j\, a_j}{1-p} \quad\text{(training)}, \qquad
# \tilde a_j = a_j \quad\text{(evaluation)}.
# $$
#
# The factor $1/(1-p)$ keeps the expected value unchanged,
# $\mathbb{E}[\tilde a_j] = \frac{(1-p)\, a_j}{1-p} = a_j$, so the next layer sees inputs of
# the same size in training and at evaluation, and evaluation needs no correction. In the
# backward pass the same mask multiplies the gradient: a dropped unit gets no update on
# that step. Dropout on 100 000 copies of $a = 1$:

# %%
layer = Dropout(0.5)
a = np.ones((1, 100_000))
a_train, _ = layer.forward(a, train=True, rng=0)
a_eval, _ = layer.forward(a, train=False)
print(f"training:   {np.mean(a_train == 0):.3f} of the units dropped, survivors = "
      f"{a_train.max():g}, mean = {a_train.mean():.3f}")
print(f"evaluation: unchanged = {np.array_equal(a_eval, a)}")

# %% [markdown]
# **The ensemble view.** Each mask picks a *thinned* sub-network; a layer of $h$ units has
# $2^h$ of them, and every training step trains a different one, all sharing weights. At
# evaluation the full network with all units on stands in for the average of all those
# thinned networks. For a single linear layer that average is exact (it is the expected
# value above); through the non-linearities it is an approximation. We check it on a
# network trained with $p = 0.5$: the average prediction of 200 random thinned networks
# against the full network's.

# %%
dropout_runs = [plain] + sweep(data, "dropout", CH5_DROPOUT[1:], **CH5_OVERFIT)
half = dropout_runs[CH5_DROPOUT.index(0.5)]
p_masks, p_eval = dropout_ensemble(half.net, data.X_val, n_masks=200, seed=0)
y_val = data.y_val[:, None]
single_acc = np.mean((p_masks > 0.5) == y_val, axis=(1, 2))           # (200,) one per thinned net
print(f"one thinned network:         validation accuracy {single_acc.mean():.3f} on average "
      f"({single_acc.min():.3f} … {single_acc.max():.3f})")
ensemble_acc = np.mean((p_masks.mean(axis=0) > 0.5) == y_val)
print(f"average of 200 thinned nets: validation accuracy {ensemble_acc:.3f}")
print(f"full network (evaluation):   validation accuracy {np.mean((p_eval > 0.5) == y_val):.3f}")
print(f"mean |average − full| of the predicted probabilities: "
      f"{np.abs(p_masks.mean(0) - p_eval).mean():.3f}")

# %% [markdown]
# Any single thinned network is worse than the full one; their average and the full
# network agree closely. Training with dropout makes each unit useful on its own, in
# ever-changing company — it cannot rely on a particular partner being present.
#
# How much does it help here? The same network, trained once per $p$; the slider picks one:

# %%
rows = [{"p": r.value, "training loss": r.history.train_loss[-1],
         "validation loss": r.history.val_loss[-1],
         "lowest validation loss": min(r.history.val_loss),
         "validation accuracy": r.history.val_acc[-1]} for r in dropout_runs]
best_p = min(dropout_runs, key=lambda r: r.history.val_loss[-1])
Markdown(markdown_table(rows) + f"\n\nLowest validation loss after training: p = {best_p.value:g}.")

# %%
sweep_widget(dropout_runs, data, "p", panels=("curves", "summary"))

# %% [markdown]
# With dropout the training loss stays well above zero and the validation loss climbs
# much more slowly, so at the end of training every $p$ we tried is better than none. The
# larger $p$, the higher the training loss: at $p = 0.7$ too much is dropped and the
# network starts to underfit. Two honest remarks: the *lowest* validation loss reached at
# any epoch is no better with dropout than without (table) — here dropout slows
# overfitting rather than preventing it — and on this small problem the best L2 does
# better still. Dropout earns its keep in
# large networks; it was introduced for the wide fully connected layers of image and
# speech models.

# %% [markdown]
# ## 5. Batch normalization
#
# Batch normalization (Ioffe and Szegedy, 2015) sits between a layer's linear part and its
# activation. For a batch of $n$ samples it normalises each unit $j$ with the batch's mean
# and variance of that unit, then rescales with two learned parameters:
#
# $$
# \mu_j = \frac1n \sum_{i=1}^n z_{ij}, \qquad
# \sigma_j^2 = \frac1n \sum_{i=1}^n (z_{ij} - \mu_j)^2, \qquad
# \hat z_{ij} = \frac{z_{ij} - \mu_j}{\sqrt{\sigma_j^2 + \varepsilon}}, \qquad
# \text{out}_{ij} = \gamma_j\, \hat z_{ij} + \beta_j .
# $$
#
# $\varepsilon$ (here $10^{-5}$) keeps the division safe when a unit is constant over the
# batch. $\gamma$ and $\beta$ let the network undo the normalisation if that helps, so
# nothing is lost in what it can represent; with $\beta$ in place the layer's own bias is
# redundant, and `nnlib` leaves it out.
#
# **Training vs evaluation.** In training the statistics are the batch's own. At evaluation
# a prediction must not depend on which other samples share its batch, so batch norm keeps
# running averages during training,
# $\mu_{\text{run}} \leftarrow (1 - m)\,\mu_{\text{run}} + m\,\mu$ (likewise $\sigma^2$,
# momentum $m = 0.1$), and uses those instead.
#
# Three units with very different scales, a batch of 8:

# %%
rng = np.random.default_rng(0)
z = rng.normal(size=(8, 3)) * [0.1, 1.0, 10.0] + [5.0, 0.0, -20.0]   # (n, h) = (8, 3)
bn = BatchNorm(3)
out, _ = bn.forward(z, train=True)
print("before: column means", np.round(z.mean(axis=0), 2) + 0.0,
      " stds", np.round(z.std(axis=0), 2))
print("after:  column means", np.round(out.mean(axis=0), 3) + 0.0,
      " stds", np.round(out.std(axis=0), 3))

# %% [markdown]
# In training mode, one sample's output depends on its batch; in evaluation mode it does
# not. The first sample of `z`, normalised inside two different batches:

# %%
other = rng.normal(size=(7, 3)) * [0.1, 1.0, 10.0] + [5.0, 0.0, -20.0]
batches = {"its own batch": z, "another batch": np.vstack([z[:1], other])}
for mode in (True, False):
    outputs = [bn.forward(b, train=mode)[0][0] for b in batches.values()]
    print(f"{'training' if mode else 'evaluation'} mode: first sample → "
          + ",  ".join(f"{np.round(o, 3) + 0.0} in {name}" for o, name in zip(outputs, batches))
          + f";  same: {np.allclose(*outputs)}")

# %% [markdown]
# (Each training-mode call also moved the running averages 10 % of the way towards the
# batch's statistics; that is how they learn the statistics of the data. After only three
# batches they are still far from them — hence the large evaluation outputs. In a network,
# training runs hundreds of batches before anyone evaluates.)
#
# **At a high learning rate.** Chapter 4 killed most units of a three-layer ReLU network
# with plain SGD at learning rate 2.0. The same network, the same data and the same rate,
# with and without batch norm:

# %%
spirals = load_dataset(**CH5_HIGH_LR["data"])
high_lr = {norm: train_run(spirals, norm=norm, **CH5_HIGH_LR["train"]) for norm in (None, "batch")}
for norm, run in high_lr.items():
    h = run.history
    print(f"{'batch norm' if norm else 'plain':>10}: training loss {h.train_loss[-1]:.3f}, "
          f"validation accuracy {h.val_acc[-1]:.2f}, dead units per layer "
          f"{dead_unit_counts(run.net, spirals.X_train).tolist()}")

# %%
fig, axes = new_panels(2, figsize=(8.0, 3.0))
for ax, (norm, run) in zip(axes, high_lr.items()):
    plot_loss_curves(run.history, ax=ax)
    ax.set_title(f"lr = {CH5_HIGH_LR['train']['lr']}, {'batch norm' if norm else 'plain'}",
                 fontsize="medium")
fig

# %% [markdown]
# Without batch norm, the large steps drive units into the dead zone and the loss sticks at
# $\ln 2$. With it, every unit is re-centred on every batch: before $\gamma$ and $\beta$,
# its normalised inputs have mean 0 over the batch whatever the weights did, so to fall
# silent the unit would need $\beta$ and $\gamma$ to silence it — not a single bad step.
# No unit dies, and the network learns the spirals at the same learning rate. Scaling all
# weights of a layer by a constant does
# not change its normalised output either, so large steps that mostly change the scale of
# $W$ do less harm.
#
# **Activations layer by layer.** A deeper tanh network — six hidden layers of 32 units —
# at initialisation, with weights drawn from $\mathcal N(0, s^2)$ for a scale $s$ that is too
# small (0.05) and one that is too large (1.0). The violins show all values of $a^{(l)}$ for
# 256 inputs, layer by layer; $\sigma$ above each is their standard deviation. (Batch norm
# in training mode, i.e. with each batch's own statistics.)

# %%
X_deep, _ = make_moons(256, 0.1, 0)
fig, axes = new_panels(2, nrows=2, figsize=(8.4, 5.6))
for ax, (s, norm) in zip(axes, [(0.05, None), (1.0, None), (0.05, "batch"), (1.0, "batch")]):
    deep = MLP([2] + [32] * 6 + [1], activation="tanh", head="sigmoid", init="normal",
               init_std=s, norm=norm, seed=0)
    plot_layer_distributions(hidden_activations(deep, X_deep, train=True), ax=ax, ylim=(-1.1, 1.1),
                             title=f"s = {s}, {'batch norm' if norm else 'no normalization'}")
fig

# %% [markdown]
# Without normalisation, a small scale shrinks the signal at every layer until layer 6 is
# flat at 0 (and so are the gradients, Chapter 3); a large scale pushes the units into
# tanh's saturated tails, piling the values up at $\pm 1$. With batch norm both networks
# show the same healthy spread in every layer — in fact nearly the same values
# (correlation above 0.999 in every layer): the weights of the two differ only by a factor
# of 20, which the normalisation divides out, all but the $\varepsilon$ under the square root.

# %% [markdown]
# ## 6. Layer normalization
#
# Layer normalization (Ba, Kiros and Hinton, 2016) swaps the axis: each **sample** is
# normalised over its own $h$ units,
#
# $$
# \mu_i = \frac1h \sum_{j=1}^h z_{ij}, \qquad
# \sigma_i^2 = \frac1h \sum_{j=1}^h (z_{ij} - \mu_i)^2, \qquad
# \text{out}_{ij} = \gamma_j\, \frac{z_{ij} - \mu_i}{\sqrt{\sigma_i^2 + \varepsilon}} + \beta_j .
# $$
#
# No statistic crosses samples, so training and evaluation compute the same thing, nothing
# needs running averages, and a batch of one is fine — one reason why transformers, whose
# batches hold sequences of varying length, use layer norm. The same batch of 4 samples with
# 5 units through both (column means below each map, row means to its right):

# %%
z = np.random.default_rng(1).normal(size=(4, 5)) * 2 + np.array([[3.0], [-1.0], [0.0], [2.0]])
batch_out, _ = BatchNorm(5).forward(z, train=True)
layer_out, _ = LayerNorm(5).forward(z)
fig, axes = plot_normalization({"z": z, "batch norm: columns → mean 0": batch_out,
                                "layer norm: rows → mean 0": layer_out})
fig

# %%
print("batch norm: column means", np.round(batch_out.mean(axis=0), 6) + 0.0)
print("layer norm: row means   ", np.round(layer_out.mean(axis=1), 6) + 0.0)
one = z[:1]                                                       # a batch of one sample
try:
    BatchNorm(5).forward(one, train=True)
except ValueError as error:
    print("batch norm, batch of 1:", error)
alone, _ = LayerNorm(5).forward(one)
print("layer norm, batch of 1: same output as inside the batch:", np.allclose(alone, layer_out[:1]))

# %% [markdown]
# ## 7. The regularization lab
#
# Everything together. Choose a data set, a learning rate and an architecture; add L2 or L1
# (λ), dropout (p) or batch normalisation; press **Train** and watch the training and
# validation curves as they are drawn. Training happens live here, so it takes a few seconds.
# Some things to try:
#
# * Overfit on purpose: the moons, a wide network, many epochs, no regularization. Then add
#   L2 and find the λ where the validation loss is lowest.
# * Set the learning rate to 10 with ReLU: training stops after an epoch or two, with a
#   message naming the learning rate. Switch on batch norm and train again.
# * Compare dropout $p = 0.5$ with L2 on the spirals, where the network needs all its capacity.

# %%
training_explorer(seed=0)

# %% [markdown]
# ## 8. Exercises
#
# Each exercise has a stub; replace `raise NotImplementedError` with your code and run the
# cell. The checker runs your function on a few cases and names the mistake if it
# recognises a common one, with the case it failed on. `check()` shows its
# verdict by itself, so you can uncomment `hint(1)` (then `hint(2)`, …) or `solution()` under
# it without hiding the verdict.
#
# **1. The L2 gradient.** `params` is a dict such as `{"W1": …, "b1": …, "W2": …, "b2": …}`.
# Return the gradient of $\frac{\lambda}{2} \sum_l \lVert W^{(l)} \rVert_F^2$ with respect to
# every parameter: a dict with the same keys.

# %%
def l2_grad(params, lam):
    raise NotImplementedError  # your code here


ch05.l2_grad.check(l2_grad)
# ch05.l2_grad.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch05.l2_grad.solution()    # our solution

# %% [markdown]
# **2. Inverted dropout.** `a` is a layer's output $(n, h)$, `p` the drop probability, `u`
# uniform random numbers in $[0, 1)$ of the same shape (use them to decide which units
# survive), `train` the mode. Return the layer's output after dropout. Any keep rule that
# keeps a unit with probability $1 - p$ is right (`u >= p` or `u < 1 - p`): the checker
# tests which fraction is kept and how the kept values are scaled, in both modes.

# %%
def dropout(a, p, u, train):
    raise NotImplementedError  # your code here


ch05.dropout.check(dropout)
# ch05.dropout.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch05.dropout.solution()    # our solution

# %% [markdown]
# **3. Batch normalization, forward.** `z` is $(n, h)$; `gamma`, `beta`, `running_mean`,
# `running_var` are $(h,)$. Return $\gamma \odot \hat z + \beta$, normalising with the batch's
# statistics in training and the running ones at evaluation.

# %%
def batchnorm(z, gamma, beta, running_mean, running_var, train, eps=1e-5):
    raise NotImplementedError  # your code here


ch05.batchnorm.check(batchnorm)
# ch05.batchnorm.hint(1)       # hint(2) for the next; the verdict above stays visible
# ch05.batchnorm.solution()    # our solution

# %% [markdown]
# **4. Predict, then run: the mean after dropout.** Every activation is 1,
# `a = np.ones((1000, 100))`. Apply inverted dropout with $p = 0.5$ in training mode: what is
# the mean of the output? Commit to a number; the checker then runs it and explains.

# %%
my_dropout_mean = None  # your prediction, a number

ch05.dropout_mean.check(my_dropout_mean)

# %% [markdown]
# ## Summary
#
# * Overfitting shows as training and validation loss parting ways; the boundary starts
#   following single noisy points, and the network grows confidently wrong.
# * **L2** adds $\frac{\lambda}{2}\sum \lVert W \rVert_F^2$, gradient $\lambda W$: weights shrink
#   (weight decay), the boundary smooths, and validation loss improves up to a best λ.
# * **L1** adds $\lambda \sum |W|$, gradient $\lambda\,\mathrm{sign}(W)$: many weights go to zero.
# * **Dropout** drops units with probability $p$ and scales survivors by $1/(1-p)$ in
#   training only; the evaluation network approximates the average of the thinned ones.
# * **Batch norm** normalises each unit over the batch (running averages at evaluation); it
#   keeps activations in range and tolerates high learning rates. **Layer norm**
#   normalises each sample over its units, the same in training and evaluation, and works
#   with a batch of one.
#
# All of these trade a little training fit for a better fit to data the network has not
# seen; which one, and how much, is decided on a validation set.
