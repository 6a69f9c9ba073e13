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
# - recognise overfitting from training and validation curves, choose a regularisation strength by validation loss, and stop training early;
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
# 5. **Early stopping**: keep the weights of the best validation epoch.
# 6. **Batch normalization**: normalise each unit over the batch.
# 7. **Layer normalization**: normalise each sample over its units.
# 8. **The regularization lab**: make a network overfit, then regularise it.
# 9. **Exercises**: the L2 gradient, inverted dropout, the batch-norm forward pass.
#
# Every number quoted in the text is printed by a cell next to it; run the cells in order.
# Training runs behind the sliders are done once, when their cell runs; a slider only picks
# one of them, so it responds at once. Only the lab of §8 trains when you move a control
# (a small network on few points: about half a second).

# %%
import numpy as np
from IPython.display import Markdown

from nnlib.analysis.activations import dead_unit_counts
from nnlib.analysis.regularization import (batch_mean_spread, count_near_zero, dropout_ensemble,
                                           early_stopping, evaluate, hidden_activations,
                                           overfitting_data, torch_running_var, weights)
from nnlib.analysis.training import sweep, train_run
from nnlib.chapter_settings import (CH5_BN_BATCHES, CH5_DATA, CH5_DROPOUT, CH5_HIGH_LR, CH5_LAB,
                                    CH5_LAMBDAS, CH5_NEAR_ZERO, CH5_OVERFIT, CH5_PATIENCE)
from nnlib.datasets import load_dataset, make_moons
from nnlib.exercises import ch05
from nnlib.layers import BatchNorm, Dropout, LayerNorm
from nnlib.network import MLP
from nnlib.optimizers import SGD
from nnlib.regularizers import l2_grad
from nnlib.viz import new_panels, plot_decision_boundary, plot_loss_curves, setup_notebook
from nnlib.viz.regularization import (plot_early_stopping, plot_layer_distributions, plot_near_zero,
                                      plot_normalization, plot_weight_histogram)
from nnlib.viz.tables import markdown_table
from nnlib.widgets import training_explorer
from nnlib.widgets.regularization import regularization_lab, sweep_widget

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
# that sit on the wrong side. Look at the accuracy, though: from the epoch of the lowest
# validation loss to the end the validation loss about doubles, while the validation
# *accuracy* does not fall — it even rises a little. The network is right about as often
# as before, but it has become very **confident**, and every validation point it gets
# wrong with confidence costs a lot of cross-entropy. On this data, overfitting shows as
# over-confidence more than as wrong answers; keep that in mind when reading the results
# of the remedies below.
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
# **In PyTorch.** The same words mean different updates there, so compare settings with care:
#
# * `nnlib`'s `Adam(lr, weight_decay=λ)` is *decoupled* decay, $W \leftarrow W - \eta\lambda W -
#   \eta\,\hat m/(\sqrt{\hat v} + \epsilon)$: that is `torch.optim.AdamW`, except that `nnlib`
#   decays only the weights — in PyTorch put the biases (and batch norm's $\gamma$, $\beta$)
#   in a parameter group with `weight_decay=0` to match. PyTorch's plain `Adam(weight_decay=λ)`
#   is the *coupled* form: it adds $\lambda W$ to the gradient before the moments, so the
#   decay is divided by $\sqrt{\hat v}$ entry by entry.
# * `torch.optim.SGD(momentum=β, weight_decay=λ)` adds $\lambda W$ to the gradient, so the
#   decay passes through the velocity; `nnlib`'s `Momentum(weight_decay=λ)` applies it
#   outside the velocity. For plain SGD (no momentum) the two agree, as printed above.
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
# * **Validation accuracy does not improve.** It is a little *lower* at the best λ than at
#   λ = 0 (table, and printed below). What L2 fixes on this data is the over-confidence of
#   §1: smaller weights give less extreme probabilities, so the confident mistakes cost
#   less. Whether a penalty also buys correct answers depends on the data; the lab in §8
#   shows a case where it does.
#
# λ is a *hyperparameter*: it is chosen by its validation loss, never by its training loss
# (which only ever gets worse with more λ). The two ends side by side:

# %%
print(f"validation accuracy: λ = 0 {plain.history.val_acc[-1]:.3f}, best λ = {best_l2.value:g} "
      f"{best_l2.history.val_acc[-1]:.3f}")

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
# network starts to underfit. Three honest remarks: the *lowest* validation loss reached at
# any epoch is no better with dropout than without (table) — here dropout slows
# overfitting rather than preventing it; as with L2, the validation accuracy is no
# better than without dropout (the last column); and on this small problem the best L2
# does better still. Dropout earns its keep in
# large networks; it was introduced for the wide fully connected layers of image and
# speech models.

# %% [markdown]
# ## 5. Early stopping
#
# §1's curves suggest the simplest remedy of all: the validation loss reached its lowest
# at epoch 22 and never got back down to it, so keep the weights of that epoch. **Early
# stopping** does it while training: after every epoch it evaluates the validation loss;
# whenever that is the lowest so far it saves a copy of the weights; when there has been
# no new lowest for `patience` epochs in a row it stops, and puts the saved weights back.
# The patience lets training ride out small bumps of the curve. The same network and
# settings as §1, with a patience of 20 epochs:

# %%
stopped = early_stopping(data, patience=CH5_PATIENCE, **CH5_OVERFIT)
kept_loss, kept_acc = evaluate(stopped.net, data.X_val, data.y_val)
print(f"lowest validation loss at epoch {stopped.best_epoch}; no better one in the next "
      f"{CH5_PATIENCE} epochs, so training stopped after epoch {stopped.stop_epoch} of "
      f"{CH5_OVERFIT['epochs']}")
print(f"weights put back (epoch {stopped.best_epoch}): validation loss {kept_loss:.3f}, "
      f"validation accuracy {kept_acc:.3f}")
print(f"last weights (epoch {stopped.stop_epoch}): validation loss "
      f"{stopped.run.history.val_loss[-1]:.3f}")
best_dropout = min(dropout_runs, key=lambda r: r.history.val_loss[-1])
rows = [{"remedy": "none (150 epochs)", "validation loss": plain.history.val_loss[-1],
         "validation accuracy": plain.history.val_acc[-1], "epochs trained": plain.history.epochs_run},
        {"remedy": f"early stopping (patience {CH5_PATIENCE})", "validation loss": kept_loss,
         "validation accuracy": kept_acc, "epochs trained": stopped.stop_epoch},
        {"remedy": f"L2, λ = {best_l2.value:g}", "validation loss": best_l2.history.val_loss[-1],
         "validation accuracy": best_l2.history.val_acc[-1], "epochs trained": best_l2.history.epochs_run},
        {"remedy": f"dropout, p = {best_dropout.value:g}",
         "validation loss": best_dropout.history.val_loss[-1],
         "validation accuracy": best_dropout.history.val_acc[-1],
         "epochs trained": best_dropout.history.epochs_run}]
Markdown(markdown_table(rows))

# %%
fig, ax = plot_early_stopping(stopped.run.history, stopped.best_epoch, stopped.stop_epoch)
ax.set_title(f"early stopping, patience {CH5_PATIENCE}", fontsize="medium")
fig

# %% [markdown]
# Early stopping comes close to the best L2 in validation loss, ties with it in
# validation accuracy, and ends with a lower validation loss than any dropout run we
# tried — in under a third of the epochs, and with nothing to tune but the patience. It
# is the restored weights that count: the last weights, 20 epochs past the best, are
# already worse. Early stopping is a regulariser in its own right: it limits how many
# steps the network gets to fit the noise of its training points. The price is a validation set that is looked at during training —
# so report the final numbers on a third, untouched test set.

# %% [markdown]
# ## 6. Batch normalization
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
# **The textbook writes $(z - \mu)/(\sigma + \varepsilon)$.** We put $\varepsilon$ under the
# square root, $\sqrt{\sigma^2 + \varepsilon}$, as the original paper and PyTorch do: the
# batch's variance is what was computed, and adding $\varepsilon$ to it before taking the
# root keeps the denominator away from 0 just as well. The two
# agree to within 0.1 % for $\sigma \ge 0.1$ and part ways only as $\sigma$ approaches
# $\sqrt{\varepsilon} \approx 0.003$, a unit that barely varies over the batch:

# %%
eps = 1e-5
for sigma in (1.0, 0.1, 0.01, 0.001):
    print(f"σ = {sigma:<6g}: (σ + ε) / √(σ² + ε) = {(sigma + eps) / np.sqrt(sigma**2 + eps):.4f}")

# %% [markdown]
# **Parameters.** Without its bias, each hidden layer of $h$ units has $h$ parameters fewer
# than Chapter 1's count, and batch norm adds $2h$ ($\gamma$ and $\beta$). In PyTorch the
# same network is `nn.Linear(h_prev, h, bias=False)` followed by `nn.BatchNorm1d(h)`:

# %%
for norm in (None, "batch"):
    counted = MLP(CH5_OVERFIT["sizes"], activation="tanh", head="sigmoid", norm=norm, seed=0)
    print(f"{'batch norm' if norm else 'plain':>10}: {counted.n_params} parameters:",
          {k: v.size for k, v in counted.params.items()})

# %% [markdown]
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
# **In PyTorch**, `nn.BatchNorm1d` normalises a training batch exactly like this (with the
# $1/n$ variance), so training outputs and gradients agree. But into its running variance
# it averages the *unbiased* batch variance $\sigma^2 \cdot n/(n-1)$, so its running variance
# is a little larger and its evaluation outputs a little smaller. After the same three
# batches of 8, the factor between PyTorch's evaluation outputs and ours (minus $\beta$), per unit:

# %%
rv_torch = torch_running_var(bn.running_var, n=8, t=3, momentum=bn.momentum)
print("running variance: nnlib", np.round(bn.running_var, 4), " PyTorch", np.round(rv_torch, 4))
print("PyTorch's evaluation output / nnlib's:",
      np.round(np.sqrt((bn.running_var + bn.eps) / (rv_torch + bn.eps)), 4))

# %% [markdown]
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
fig, axes = new_panels(2, figsize=(8.0, 3.0), sharey=True)
for ax, (norm, run) in zip(axes, high_lr.items()):
    plot_loss_curves(run.history, ax=ax)
    ax.set_title(f"lr = {CH5_HIGH_LR['train']['lr']}, {'batch norm' if norm else 'plain'}",
                 fontsize="medium")
losses = np.concatenate([run.history.train_loss + run.history.val_loss for run in high_lr.values()])
axes[0].set_ylim(losses.min() / 2, losses.max() * 2)             # one y-axis for both panels
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
# **Why does batch norm help?** The textbook, following the original paper, says it
# "reduces internal covariate shift": as the layers below learn, the distribution of each
# layer's inputs keeps moving, and normalising holds it still. That explanation is
# disputed. Later experiments (Santurkar et al., 2018) added random shifts to the inputs
# of each layer *after* batch norm — re-creating the shift on purpose — and training was
# still fast; they attribute the benefit mainly to a smoother loss surface, on which larger
# learning rates are safe. What we measured above fits that second story: batch norm's
# clearest effect here is that a learning rate of 2.0 trains at all. We have not measured
# covariate shift itself, so we do not claim either story settled.
#
# **Mild regularisation?** The textbook also calls batch norm a mild regulariser. The
# mechanism is noise: in training each unit is normalised with *its batch's* mean and
# variance, which wander from batch to batch, so each sample's output depends a little on
# which others share its batch. How much the batch mean of §1's first-layer $z$ wanders,
# in units of that unit's standard deviation:

# %%
z_first = data.X_train @ plain.net.params["W1"].T + plain.net.params["b1"]     # (90, 32)
for size in CH5_BN_BATCHES:
    print(f"batches of {size:>2}: the batch mean strays by {batch_mean_spread(z_first, size):.3f} σ "
          f"on average")

# %% [markdown]
# With all 90 training points in one batch there is no noise at all; with batches of 16
# the mean moves by about a fifth of a standard deviation. Does that noise regularise?
# §1's network once more, with and without batch norm, with full batches and with batches
# of 16 (training loss and validation loss after 150 epochs; their gap is the overfitting):

# %%
bn_runs = {(size, norm): plain if (size, norm) == (CH5_OVERFIT["batch_size"], None) else
           train_run(data, norm=norm, **{**CH5_OVERFIT, "batch_size": size})
           for size in CH5_BN_BATCHES for norm in (None, "batch")}       # §1's run is the first
rows = [{"batch size": size, "batch norm": "yes" if norm else "no",
         "training loss": run.history.train_loss[-1], "validation loss": run.history.val_loss[-1],
         "gap": run.history.val_loss[-1] - run.history.train_loss[-1],
         "validation accuracy": run.history.val_acc[-1]} for (size, norm), run in bn_runs.items()]
Markdown(markdown_table(rows))

# %% [markdown]
# With full batches batch norm does not shrink the gap at all — there is no noise to
# regularise with. With batches of 16 it shrinks it to a fraction: the batch statistics'
# noise does act like a regulariser here, though again the validation *accuracy* barely
# moves. "Mild" is fair; it depends on the batch size, and it is no substitute for the
# remedies above when a network overfits badly.
#
# **Activations layer by layer.** A deeper tanh network — six hidden layers of 32 units —
# at initialisation, with weights drawn from $\mathcal N(0, s^2)$ for a scale $s$ that is too
# small (0.05) and one that is too large (1.0). The violins show all values of $a^{(l)}$ for
# 256 inputs, layer by layer; $\sigma$ above each is their standard deviation. (Batch norm
# in training mode, i.e. with each batch's own statistics.)

# %%
X_deep, _ = make_moons(256, 0.1, 0)
fig, axes = new_panels(2, nrows=2, figsize=(8.8, 6.4))
violins = []
for ax, (s, norm) in zip(axes, [(0.05, None), (1.0, None), (0.05, "batch"), (1.0, "batch")]):
    deep = MLP([2] + [32] * 6 + [1], activation="tanh", head="sigmoid", init="normal",
               init_std=s, norm=norm, seed=0)
    layers = hidden_activations(deep, X_deep, train=True)
    if norm:
        violins.append(layers)
    plot_layer_distributions(layers, ax=ax, ylim=(-1.1, 1.1),
                             title=f"s = {s}, {'batch norm' if norm else 'no normalization'}")
fig

# %% [markdown]
# Without normalisation, a small scale shrinks the signal at every layer until layer 6 is
# flat at 0 (and so are the gradients, Chapter 3); a large scale pushes the units into
# tanh's saturated tails, piling the values up at $\pm 1$. With batch norm both networks
# show the same healthy spread in every layer — in fact nearly the same values (the
# correlation of the two networks' values, layer by layer, is printed below): the weights
# of the two differ only by a factor of 20, which the normalisation divides out, all but
# the $\varepsilon$ under the square root.

# %%
print("correlation of the s = 0.05 and s = 1.0 values with batch norm, per layer:",
      np.round([np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(*violins)], 5))

# %% [markdown]
# ## 7. Layer normalization
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
# ## 8. The regularization lab
#
# Overfitting needs a flexible network and data it can memorise: few training points, and
# noise in them. The lab has both knobs — the number of **training points** and the
# **noise** added to each point of the two moons (the 270 validation points get the same
# noise) — and §1's network, trained on all its training points at every step. Add L2 (λ),
# dropout (p) or batch normalisation; every change retrains at once (in about a
# second). Left: the decision boundary over the training points, validation points hollow;
# right: the loss curves, the dotted line at the epoch of the lowest validation loss — the
# weights early stopping would keep. Things to try:
#
# 1. **See the gap.** The lab starts with 50 training points and noise 0.4, no
#    regularisation: the training loss ends far below the validation loss, and the
#    training accuracy far above the validation accuracy (the caption says by how much).
# 2. **Close it with data.** Move *training points* to 400: the two curves stay together.
# 3. **Close it with a penalty.** Back at 50 points, set L2 λ to 0.003: here the validation
#    *accuracy* improves too, not only the loss.
# 4. **Remove the cause.** Set the noise to 0: there is nothing to memorise, and nothing to
#    regularise.
#
# The numbers of the first three, as the lab computes them:

# %%
print("lab settings:", {k: v for k, v in CH5_LAB.items() if k in ("n_train", "noise")}, CH5_LAB["train"])
lab_runs = {label: train_run(overfitting_data(n, CH5_LAB["noise"]), l2=lam, **CH5_LAB["train"])
            for label, n, lam in (("1. 50 points", CH5_LAB["n_train"], 0.0), ("2. 400 points", 400, 0.0),
                                  ("3. 50 points, λ = 0.003", CH5_LAB["n_train"], 3e-3))}
Markdown(markdown_table([{"setting": label, "training loss": r.history.train_loss[-1],
                          "validation loss": r.history.val_loss[-1],
                          "training accuracy": r.history.train_acc[-1],
                          "validation accuracy": r.history.val_acc[-1]}
                         for label, r in lab_runs.items()]))

# %%
regularization_lab(seed=0)

# %% [markdown]
# **The training explorer** has the other knobs of training: the data set (moons, circles,
# spirals, xor), width and depth, the activation, the learning rate of plain SGD, L1, and
# the number of epochs. Press **Train** to watch a fresh network learn, live. Its data sets
# carry a fixed, small noise, so it shows how training goes more than how it overfits.
# Try a learning rate of 10 with ReLU, then the same with batch normalisation; or dropout
# $p = 0.5$ against L2 on the spirals, where the network needs all its capacity.

# %%
training_explorer(seed=0)

# %% [markdown]
# ## 9. Exercises
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
#   following single noisy points, and the network grows confidently wrong — on §1's data
#   more confident rather than more often wrong.
# * **L2** adds $\frac{\lambda}{2}\sum \lVert W \rVert_F^2$, gradient $\lambda W$: weights shrink
#   (weight decay), the boundary smooths, and validation loss improves up to a best λ.
# * **L1** adds $\lambda \sum |W|$, gradient $\lambda\,\mathrm{sign}(W)$: many weights go to zero.
# * **Dropout** drops units with probability $p$ and scales survivors by $1/(1-p)$ in
#   training only; the evaluation network approximates the average of the thinned ones.
# * **Early stopping** keeps the weights of the epoch with the lowest validation loss.
# * **Batch norm** normalises each unit over the batch (running averages at evaluation); it
#   keeps activations in range and tolerates high learning rates, and with small batches
#   its noisy statistics regularise a little. **Layer norm**
#   normalises each sample over its units, the same in training and evaluation, and works
#   with a batch of one.
#
# All of these trade a little training fit for better behaviour on data the network has not
# seen: on §1's data that meant honest probabilities (lower validation loss) at about the
# same accuracy; with fewer, noisier points (the lab) it meant more correct answers too.
# Which remedy, and how much, is decided on a validation set.
