"""Chapter 1 exercises: one neuron, one layer for a batch, counting parameters."""

from __future__ import annotations

import numpy as np
from scipy import special

from .framework import Exercise, Mistake


# --- 1. one neuron by hand: a = σ(w·x + b) with σ the sigmoid -------------------------
def neuron_solution(x, w, b):
    """x (d,), w (d,), b scalar -> a = sigmoid(w · x + b), a scalar."""
    z = np.dot(w, x) + b
    return 1 / (1 + np.exp(-z))


def _neuron_cases(rng):
    return [(rng.normal(size=3), rng.normal(size=3), float(rng.normal())) for _ in range(3)]


neuron = Exercise(
    name="neuron",
    reference=neuron_solution,
    cases=_neuron_cases,
    mistakes=[
        Mistake("no-activation", "you returned z = w·x + b; the neuron still has to apply σ to it.",
                lambda x, w, b: np.dot(w, x) + b),
        Mistake("no-bias", "the bias b is missing: z = w·x + b.",
                lambda x, w, b: special.expit(np.dot(w, x))),
        Mistake("no-sum", "you multiplied x and w entry by entry but did not add the products up: "
                          "w·x is a single number, Σ_j w_j x_j.",
                lambda x, w, b: special.expit(w * x + b)),
        Mistake("relu", "that is ReLU; this neuron uses the sigmoid σ(z) = 1 / (1 + e^(−z)).",
                lambda x, w, b: max(np.dot(w, x) + b, 0.0)),
    ],
    hints=["First the weighted sum: z = w·x + b (np.dot or @).",
           "Then squash it: σ(z) = 1 / (1 + np.exp(-z))."],
)


# --- 2. one layer for a batch: A = relu(X @ W.T + b) -----------------------------------
def layer_solution(X, W, b):
    """X (n, d), W (h, d), b (h,) -> A = relu(X @ W.T + b), shape (n, h)."""
    Z = X @ W.T + b
    return np.maximum(Z, 0)


def _layer_cases(rng):
    # Square shapes (n = h = d) let the classic mistakes run, so they can be recognised.
    return [(rng.normal(size=(k, k)), rng.normal(size=(k, k)), rng.normal(size=k)) for k in (3, 4)] + \
        [(rng.normal(size=(5, 5)), rng.normal(size=(5, 5)), rng.normal(size=5))]


layer = Exercise(
    name="layer",
    reference=layer_solution,
    cases=_layer_cases,
    mistakes=[
        Mistake("missing-transpose", "missing transpose: W has shape (h, d), so the batch X (n, d) "
                                     "needs X @ W.T, not X @ W.",
                lambda X, W, b: np.maximum(X @ W + b, 0)),
        Mistake("bias-wrong-axis", "the bias is broadcast along the wrong axis: b has one entry per "
                                   "neuron (a column of Z), so add b (shape (h,)), not b[:, None].",
                lambda X, W, b: np.maximum(X @ W.T + b[:, None], 0)),
        Mistake("no-activation", "you returned Z = X @ W.T + b; apply ReLU: np.maximum(Z, 0).",
                lambda X, W, b: X @ W.T + b),
        Mistake("W-times-X", "W @ X.T gives the neurons in rows and samples in columns — the "
                             "transpose of what we want; our batches keep samples in rows.",
                lambda X, W, b: np.maximum(W @ X.T + b[:, None], 0)),
    ],
    hints=["Each row of X is one sample; each row of W holds one neuron's weights.",
           "Z = X @ W.T + b has shape (n, h): b is added to every row.",
           "A = np.maximum(Z, 0)."],
)


# --- 3. counting parameters: Σ_l (h_l · h_{l-1} + h_l) ----------------------------------
def count_parameters_solution(sizes):
    """sizes = [d, h_1, …, h_L] -> the number of weights and biases."""
    return sum(h * h_prev + h for h_prev, h in zip(sizes[:-1], sizes[1:]))


count_parameters = Exercise(
    name="count_parameters",
    reference=count_parameters_solution,
    cases=lambda rng: [([2, 3, 1],), ([784, 128, 10],), ([4, 8, 8, 8, 2],), ([10, 1],)],
    mistakes=[
        Mistake("no-biases", "you counted only the weights; every neuron also has a bias (+h_l per layer).",
                lambda sizes: sum(h * p for p, h in zip(sizes[:-1], sizes[1:]))),
        Mistake("input-biases", "the input layer has no neurons and so no biases: start the bias "
                                "count at the first hidden layer.",
                lambda sizes: count_parameters_solution(sizes) + sizes[0]),
        Mistake("neurons", "that is the number of neurons (units), not of parameters.",
                lambda sizes: sum(sizes)),
        Mistake("neurons-no-input", "that is the number of neurons with a bias; add the weights "
                                    "h_l · h_{l−1} of every layer.",
                lambda sizes: sum(sizes[1:])),
    ],
    hints=["Layer l has a weight matrix W of shape (h_l, h_{l-1}) and a bias b of shape (h_l,).",
           "Loop over consecutive pairs: zip(sizes[:-1], sizes[1:])."],
)

EXERCISES = [neuron, layer, count_parameters]
