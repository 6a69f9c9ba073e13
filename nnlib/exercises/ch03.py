"""Chapter 3 exercises: backward of one dense layer, the δ recursion, σ′ from σ's output,
a derivative by hand, and a training loop."""

from __future__ import annotations

import numpy as np
from scipy import special

from .framework import Case, Exercise, Mistake, ValueExercise


def _sig_grad(z):
    s = special.expit(z)
    return s * (1 - s)


# --- 1. backward of one dense layer with a sigmoid: a = σ(a_prev @ W.T + b) -------------
def layer_backward_solution(da, z, a_prev, W):
    """da = ∂L/∂a (n, h), z (n, h), a_prev (n, h_prev), W (h, h_prev) -> (dW, db, da_prev).

    delta = da ⊙ σ′(z);  dW = delta.T @ a_prev;  db = Σ_rows delta;  da_prev = delta @ W.
    """
    delta = da * _sig_grad(z)
    return delta.T @ a_prev, delta.sum(axis=0), delta @ W


def _backward_with(da, z, a_prev, W, delta=None, dW_T=False, db_sum=True, db_mean=False):
    delta = da * _sig_grad(z) if delta is None else delta
    dW = a_prev.T @ delta if dW_T else delta.T @ a_prev
    db = delta.mean(axis=0) if db_mean else (delta.sum(axis=0) if db_sum else delta)
    return dW, db, delta @ W


def _layer_cases(rng):
    cases = []
    for n, h, h_prev in ((4, 3, 2), (5, 2, 3), (1, 4, 3), (3, 3, 3)):
        z = rng.normal(size=(n, h))
        cases.append((rng.normal(size=(n, h)), z, rng.normal(size=(n, h_prev)), rng.normal(size=(h, h_prev))))
    return cases


layer_backward = Exercise(
    name="layer_backward",
    reference=layer_backward_solution,
    outputs=("dW", "db", "da_prev"),
    cases=_layer_cases,
    mistakes=[
        Mistake("missing-sigma-prime", "the σ′ factor is missing: δ = ∂L/∂z = ∂L/∂a ⊙ σ′(z), "
                                       "not ∂L/∂a itself.",
                lambda da, z, a_prev, W: _backward_with(da, z, a_prev, W, delta=da)),
        Mistake("transposed-dW", "dW has the transposed shape: it must match W (h, h_prev), "
                                 "so dW = delta.T @ a_prev.",
                lambda da, z, a_prev, W: _backward_with(da, z, a_prev, W, dW_T=True)),
        Mistake("db-not-summed", "db must have b's shape (h,): the bias was added to every row, so "
                                 "its gradient sums δ over the batch (axis=0).",
                lambda da, z, a_prev, W: _backward_with(da, z, a_prev, W, db_sum=False)),
        Mistake("db-averaged", "db averages δ over the batch; sum it instead (axis=0). The 1/n of "
                               "the mean loss is already inside δ (it came in with δ^(L)), so "
                               "averaging again divides by n twice.",
                lambda da, z, a_prev, W: _backward_with(da, z, a_prev, W, db_mean=True)),
        Mistake("sigma-prime-of-a", "σ′ was taken at the wrong quantity: you evaluated it at the "
                                    "output a = σ(z); it belongs at z. (From a, σ′ = a(1 − a).)",
                lambda da, z, a_prev, W: _backward_with(
                    da, z, a_prev, W, delta=da * _sig_grad(special.expit(z)))),
        Mistake("sigma-prime-of-a-prev", "σ′ was taken at the wrong quantity: it belongs at this "
                                         "layer's z, not at its input a_prev.",
                lambda da, z, a_prev, W: _backward_with(
                    da, z, a_prev, W, delta=da * _sig_grad(a_prev @ W.T))),
    ],
    hints=["First δ = da * σ′(z) with σ′(z) = σ(z)(1 − σ(z)).",
           "Shapes must match: dW like W (h, h_prev), db like b (h,), da_prev like a_prev.",
           "dW = delta.T @ a_prev; db = delta.sum(axis=0); da_prev = delta @ W."],
)


# --- 2. the δ recursion through two layers (tanh hidden layers) ----------------------------
def delta_recursion_solution(delta3, W3, z2, W2, z1):
    """δ^(l) = (δ^(l+1) @ W^(l+1)) ⊙ tanh′(z^(l)), twice -> (delta2, delta1)."""
    delta2 = (delta3 @ W3) * (1 - np.tanh(z2) ** 2)
    delta1 = (delta2 @ W2) * (1 - np.tanh(z1) ** 2)
    return delta2, delta1


def _recursion_cases(rng):
    # Layers of different widths, so a forgotten or extra transpose cannot run unnoticed;
    # one square case last, so the mistake that runs there is still named.
    cases = []
    for n, h3, h2, h1 in ((4, 2, 3, 5), (1, 3, 4, 2), (6, 1, 2, 3), (3, 3, 3, 3)):
        cases.append(Case(tuple(rng.normal(size=s) for s in
                                [(n, h3), (h3, h2), (n, h2), (h2, h1), (n, h1)])))
    return cases


def _tanh_grad(z):
    return 1 - np.tanh(z) ** 2


delta_recursion = Exercise(
    name="delta_recursion",
    reference=delta_recursion_solution,
    outputs=("delta2", "delta1"),
    cases=_recursion_cases,
    mistakes=[
        Mistake("transpose", "with samples in rows the step back is δ^(l+1) @ W^(l+1) "
                             "(the Wᵀ of the column formula becomes W here), not @ W.T.",
                lambda d3, W3, z2, W2, z1: (lambda d2: (d2, (d2 @ W2.T) * _tanh_grad(z1)))(
                    (d3 @ W3.T) * _tanh_grad(z2)), raises=ValueError),
        Mistake("missing-derivative", "the activation's derivative is missing: multiply by tanh′(z) "
                                      "= 1 − tanh²(z) at every layer.",
                lambda d3, W3, z2, W2, z1: (d3 @ W3, d3 @ W3 @ W2)),
        Mistake("wrong-layer-z", "each δ^(l) uses its own layer's z^(l): δ^(2) with z2, δ^(1) with z1.",
                lambda d3, W3, z2, W2, z1: (lambda d2: (d2, (d2 @ W2) * _tanh_grad(z2)))(
                    (d3 @ W3) * _tanh_grad(z1)), raises=ValueError),
        Mistake("tanh-not-derivative", "you multiplied by tanh(z); the derivative is 1 − tanh²(z).",
                lambda d3, W3, z2, W2, z1: (lambda d2: (d2, (d2 @ W2) * np.tanh(z1)))(
                    (d3 @ W3) * np.tanh(z2))),
    ],
    hints=["One step: delta_prev = (delta @ W) * (1 - np.tanh(z_prev)**2).",
           "Apply it twice: first with W3 and z2, then with W2 and z1."],
)


# --- 3. the sigmoid derivative from its output --------------------------------------------
def sigmoid_grad_from_output_solution(a):
    """a = σ(z) -> σ′(z) = a (1 − a), without knowing z."""
    return a * (1 - a)


sigmoid_grad_from_output = Exercise(
    name="sigmoid_grad_from_output",
    reference=sigmoid_grad_from_output_solution,
    # Outputs close to 0 and 1 too (a saturated unit), checked relative to each value.
    cases=lambda rng: [Case((special.expit(rng.normal(size=5) * 3),)), Case((np.array([0.5, 0.1, 0.99]),)),
                       Case((np.array([[1e-9, 0.3], [0.7, 1 - 1e-9]]),))],
    # rtol 1e-5: a − a² is as right as a(1 − a), but near a = 1 it loses ~7 digits to
    # cancellation; every catalogued mistake is off by far more.
    rtol=1e-5, scale_atol=0.0, atol=1e-300,
    mistakes=[
        Mistake("sigmoid-again", "a is already σ(z): applying σ again computes σ′(a), not σ′(z). "
                                 "Use a(1 − a) directly.",
                lambda a: special.expit(a) * (1 - special.expit(a))),
        Mistake("one-minus-a", "only half of it: σ′ = a · (1 − a).",
                lambda a: 1 - a),
        Mistake("tanh-form", "1 − a² is tanh′ written with tanh's output; the sigmoid's is a(1 − a).",
                lambda a: 1 - a ** 2),
    ],
    hints=["σ′(z) = σ(z)(1 − σ(z)), and σ(z) is exactly the a you are given."],
)

# --- 4. derive: one derivative by hand --------------------------------------------------------
dL_dw = ValueExercise(
    name="dL_dw",
    kind="derive",
    question="One sigmoid neuron and one sample: z = w·x + b with w = 0.5, x = 2, b = −1, "
             "a = σ(z), loss L = ½(a − y)² with y = 1. What is ∂L/∂w?",
    answer=lambda: (special.expit(0.0) - 1.0) * _sig_grad(0.0) * 2.0,
    tolerance=1e-6,
    mistakes=[
        ("missing-sigma-prime", -1.0, "the factor σ′(z) = σ(0)(1 − σ(0)) = 0.25 is missing: "
                                      "∂L/∂w = (a − y) · σ′(z) · x."),
        ("missing-x", -0.125, "the factor ∂z/∂w = x = 2 is missing: ∂L/∂w = (a − y) · σ′(z) · x."),
        ("sign", 0.25, "the sign is flipped: a − y = 0.5 − 1 = −0.5, so ∂L/∂w is negative "
                       "(raising w raises a towards y and lowers the loss)."),
        ("twice-too-large", -0.5, "that is twice the answer: either you multiplied by σ(z) = 0.5 "
                                  "instead of σ′(z) = σ(z)(1 − σ(z)) = 0.25, or you kept the 2 of the "
                                  "square — with L = ½(a − y)², dL/da = a − y."),
    ],
    explain="z = 0.5·2 − 1 = 0, a = σ(0) = 0.5, so ∂L/∂w = (a − y)·σ′(z)·x = (−0.5)(0.25)(2) = −0.25.",
    hints=["Chain rule: ∂L/∂w = ∂L/∂a · ∂a/∂z · ∂z/∂w.",
           "z = 0 here, so a = 0.5 and σ′(0) = 0.25; ∂z/∂w = x."],
)


# --- 5. the training loop: forward, loss, backward, update -----------------------------------
def train_loop_solution(params, batches, lr):
    """One pass of mini-batch gradient descent over ``batches``.

    params {"W1" (h, d), "b1" (h,), "W2" (1, h), "b2" (1,)}; batches: list of (X (n, d), y (n, 1)).
    For each batch, in order: forward (tanh hidden layer, identity output), the loss
    L = mean over the n samples of ½(a2 − y)², backward, and the update
    params[k] -= lr * grads[k] for every k (in place: the caller's dict is trained).
    Returns the list of losses, each computed before its batch's update.
    """
    losses = []
    for X, y in batches:
        n = X.shape[0]
        a1 = np.tanh(X @ params["W1"].T + params["b1"])       # (n, h)
        a2 = a1 @ params["W2"].T + params["b2"]               # (n, 1)
        losses.append(float(0.5 * np.mean((a2 - y) ** 2)))
        delta2 = (a2 - y) / n                                 # (n, 1)  ∂L/∂z2
        delta1 = (delta2 @ params["W2"]) * (1 - a1 ** 2)      # (n, h)  ∂L/∂z1
        grads = {"W2": delta2.T @ a1, "b2": delta2.sum(axis=0),
                 "W1": delta1.T @ X, "b1": delta1.sum(axis=0)}
        for k in params:
            params[k] -= lr * grads[k]
    return losses


def _train_with(params, batches, lr, sign=1.0, average=True, stale=False, accumulate=False,
                copy=False, loss_after=False, no_tanh_grad=False, return_params=False, w2_first=False):
    """The reference loop with one classic mistake switched on (for the catalogue)."""
    p = {k: v.copy() for k, v in params.items()} if copy else params
    losses, grads, first = [], None, None

    def forward(X):
        a1 = np.tanh(X @ p["W1"].T + p["b1"])
        return a1, a1 @ p["W2"].T + p["b2"]

    for X, y in batches:
        n = X.shape[0]
        a1, a2 = forward(X)
        if not loss_after:
            losses.append(float(0.5 * np.mean((a2 - y) ** 2)))
        delta2 = (a2 - y) / (n if average else 1)
        if w2_first:          # W2 updated before δ1 is computed from it
            p["W2"] -= sign * lr * (delta2.T @ a1)
        delta1 = (delta2 @ p["W2"]) * (1.0 if no_tanh_grad else (1 - a1 ** 2))
        new = {"W2": delta2.T @ a1, "b2": delta2.sum(axis=0), "W1": delta1.T @ X, "b1": delta1.sum(axis=0)}
        if stale:
            first = first or new
            new = first
        if accumulate and grads is not None:
            grads = {k: grads[k] + new[k] for k in new}
        else:
            grads = new
        for k in p:
            if not (w2_first and k == "W2"):
                p[k] -= sign * lr * grads[k]
        if loss_after:
            losses.append(float(0.5 * np.mean((forward(X)[1] - y) ** 2)))
    return (losses, p) if return_params else losses


def _train_cases(rng):
    cases = []
    for d, h, sizes, lr in ((2, 5, (8, 8, 8, 8, 8, 3), 0.1), (3, 4, (6, 6, 6, 6, 1), 0.05)):
        X = rng.normal(size=(sum(sizes), d))
        y = np.sin(X.sum(axis=1, keepdims=True)) + 0.1 * rng.normal(size=(sum(sizes), 1))
        edges = np.cumsum((0,) + sizes)
        batches = [(X[i:j], y[i:j]) for i, j in zip(edges[:-1], edges[1:])]
        params = {"W1": rng.normal(size=(h, d)) * 0.8, "b1": rng.normal(size=h) * 0.1,
                  "W2": rng.normal(size=(1, h)) * 0.8, "b2": np.zeros(1)}
        cases.append(Case((params, batches, lr), f"{len(batches)} batches of sizes {list(sizes)}, lr={lr}"))
    return cases


def _call_train(fn, args):
    """Run the learner's loop; compare what it returns and what it did to params."""
    return fn(*args), args[0]


def _train_precheck(answer, before, after):
    returned, params = answer
    if _all_equal(params, before[0]):
        return ("params did not change: update the entries of the dict you were given "
                "(params[k] -= lr * grads[k], or params[k] = params[k] - lr * grads[k]); updating a "
                "copy, or rebinding params to a new dict, leaves the caller's network untrained")
    if returned is None:
        return ("your function returned None — return the list of losses, one per batch "
                "(did you print them instead?)")
    return None


def _train_summary(answer, expected):
    """How the loss moved with the learner's loop and with a correct one."""
    losses, right = np.asarray(answer[0], dtype=float).ravel(), expected[0]
    if len(losses) != len(right) or not np.all(np.isfinite(losses)):
        return ""
    return (f"Over these {len(right)} batches your loss went {losses[0]:.4g} → {losses[-1]:.4g}; "
            f"a correct loop's goes {right[0]:.4g} → {right[-1]:.4g}.")


def _all_equal(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


train_loop = Exercise(
    name="train_loop",
    kind="training loop",
    reference=train_loop_solution,
    call=_call_train,
    cases=_train_cases,
    mutable=("params",),
    outputs=("losses", "params after training"),
    precheck=_train_precheck,
    summary=_train_summary,
    rtol=1e-6, scale_atol=1e-9,
    mistakes=[
        Mistake("wrong-sign", "the loss rises: you stepped up the gradient. Gradient DEScent "
                              "subtracts: params[k] -= lr * grads[k].",
                lambda p, B, lr: _train_with(p, B, lr, sign=-1.0)),
        Mistake("no-averaging", "the steps are n times too large: the loss is a MEAN over the "
                                "batch, so δ of the output is (a2 − y) / n (n = this batch's size).",
                lambda p, B, lr: _train_with(p, B, lr, average=False)),
        Mistake("stale-gradients", "every update used the first batch's gradients: compute the "
                                   "gradients again inside the loop, from the current params and "
                                   "the current batch.",
                lambda p, B, lr: _train_with(p, B, lr, stale=True)),
        Mistake("accumulated-gradients", "the gradients pile up across batches: each step must use "
                                         "only its own batch's gradients (replace them, do not "
                                         "add to the previous ones — PyTorch's zero_grad() exists "
                                         "for this).",
                lambda p, B, lr: _train_with(p, B, lr, accumulate=True)),
        Mistake("loss-after-update", "your losses were computed after each update; record each "
                                     "batch's loss from the forward pass, before its update.",
                lambda p, B, lr: _train_with(p, B, lr, loss_after=True)),
        Mistake("W2-updated-too-early", "W2 was updated before δ1 was computed from it: the "
                                        "backward pass must use the weights of the forward pass. "
                                        "Compute every gradient first, then update.",
                lambda p, B, lr: _train_with(p, B, lr, w2_first=True)),
        Mistake("no-tanh-derivative", "δ of the hidden layer is missing tanh′: "
                                      "delta1 = (delta2 @ W2) * (1 − a1²).",
                lambda p, B, lr: _train_with(p, B, lr, no_tanh_grad=True)),
    ],
    hints=["Inside `for X, y in batches:` do four things: forward, loss, backward, update.",
           "Backward: delta2 = (a2 - y) / n; dW2 = delta2.T @ a1; db2 = delta2.sum(axis=0); "
           "delta1 = (delta2 @ W2) * (1 - a1**2); dW1 = delta1.T @ X; db1 = delta1.sum(axis=0).",
           "Update the dict you were given: params['W1'] -= lr * dW1, and so on for every key."],
)


EXERCISES = [layer_backward, delta_recursion, sigmoid_grad_from_output, dL_dw, train_loop]
