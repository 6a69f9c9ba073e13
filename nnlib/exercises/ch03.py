"""Chapter 3 exercises: backward of one dense layer, the δ recursion, σ′ from σ's output."""

from __future__ import annotations

import numpy as np
from scipy import special

from .framework import Exercise, Mistake


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
    for n, h, h_prev in ((4, 3, 2), (5, 2, 3)):
        z = rng.normal(size=(n, h))
        cases.append((rng.normal(size=(n, h)), z, rng.normal(size=(n, h_prev)), rng.normal(size=(h, h_prev))))
    return cases


layer_backward = Exercise(
    name="layer_backward",
    reference=layer_backward_solution,
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
    # Square layers so that a forgotten or extra transpose still runs.
    k, n = 3, 4
    return [tuple(rng.normal(size=s) for s in [(n, k), (k, k), (n, k), (k, k), (n, k)])
            for _ in range(2)]


def _tanh_grad(z):
    return 1 - np.tanh(z) ** 2


delta_recursion = Exercise(
    name="delta_recursion",
    reference=delta_recursion_solution,
    cases=_recursion_cases,
    mistakes=[
        Mistake("transpose", "with samples in rows the step back is δ^(l+1) @ W^(l+1) "
                             "(the Wᵀ of the column formula becomes W here), not @ W.T.",
                lambda d3, W3, z2, W2, z1: (lambda d2: (d2, (d2 @ W2.T) * _tanh_grad(z1)))(
                    (d3 @ W3.T) * _tanh_grad(z2))),
        Mistake("missing-derivative", "the activation's derivative is missing: multiply by tanh′(z) "
                                      "= 1 − tanh²(z) at every layer.",
                lambda d3, W3, z2, W2, z1: (d3 @ W3, d3 @ W3 @ W2)),
        Mistake("wrong-layer-z", "each δ^(l) uses its own layer's z^(l): δ^(2) with z2, δ^(1) with z1.",
                lambda d3, W3, z2, W2, z1: (lambda d2: (d2, (d2 @ W2) * _tanh_grad(z2)))(
                    (d3 @ W3) * _tanh_grad(z1))),
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
    cases=lambda rng: [(special.expit(rng.normal(size=5) * 3),), (np.array([0.5, 0.1, 0.99]),)],
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

EXERCISES = [layer_backward, delta_recursion, sigmoid_grad_from_output]
