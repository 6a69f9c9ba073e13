"""Chapter 1 exercises: one neuron, one layer for a batch, counting parameters, a weight shape."""

from __future__ import annotations

import numpy as np
from scipy import special

from .framework import Case, Exercise, Mistake, ValueExercise


# --- 1. one neuron by hand: a = σ(w·x + b) with σ the sigmoid -------------------------
def neuron_solution(x, w, b):
    """x (d,), w (d,), b scalar -> a = sigmoid(w · x + b), a scalar."""
    z = np.dot(w, x) + b
    return 1 / (1 + np.exp(-z))


def _neuron_cases(rng):
    cases = [Case((rng.normal(size=d), rng.normal(size=d), float(rng.normal()))) for d in (3, 5, 1)]
    # A bias that dominates (z ≈ 9), and a negative weighted sum with a positive bias.
    cases.append(Case((np.array([1.0, -2.0]), np.array([0.5, 0.25]), 9.0)))
    cases.append(Case((np.array([2.0, 1.0, -1.0, 0.5]), np.array([-1.5, -0.5, 2.0, 1.0]), 1.5)))
    return cases


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
        Mistake("sign", "the sign in the exponent is flipped: σ(z) = 1 / (1 + e^(−z)); "
                        "1 / (1 + e^z) is σ(−z) = 1 − σ(z).",
                lambda x, w, b: 1 / (1 + np.exp(np.dot(w, x) + b))),
    ],
    hints=["First the weighted sum: z = w·x + b (np.dot or @).",
           "Then squash it: σ(z) = 1 / (1 + np.exp(-z))."],
)


# --- 2. one layer for a batch: A = relu(X @ W.T + b) -----------------------------------
def layer_solution(X, W, b):
    """X (n, d), W (h, d), b (h,) -> A = relu(X @ W.T + b), shape (n, h)."""
    Z = X @ W.T + b          # (n, h)
    return np.maximum(Z, 0)


def _layer_cases(rng):
    # Non-square first (n ≠ h ≠ d), so a result shaped like X or like W is caught;
    # one square case last, so a missing transpose that happens to run is still named.
    cases = [Case((rng.normal(size=(n, d)), rng.normal(size=(h, d)), rng.normal(size=h)))
             for n, d, h in ((4, 3, 5), (2, 6, 3), (1, 2, 4), (7, 4, 2))]
    k = 3
    cases.append(Case((rng.normal(size=(k, k)), rng.normal(size=(k, k)), rng.normal(size=k))))
    return cases


layer = Exercise(
    name="layer",
    reference=layer_solution,
    cases=_layer_cases,
    mistakes=[
        Mistake("missing-transpose", "missing transpose: W has shape (h, d), so the batch X (n, d) "
                                     "needs X @ W.T, not X @ W.",
                lambda X, W, b: np.maximum(X @ W + b, 0), raises=ValueError),
        Mistake("bias-wrong-axis", "the bias is broadcast along the wrong axis: b has one entry per "
                                   "neuron (a column of Z), so add b (shape (h,)), not b[:, None].",
                lambda X, W, b: np.maximum(X @ W.T + b[:, None], 0), raises=ValueError),
        Mistake("no-activation", "you returned Z = X @ W.T + b; apply ReLU: np.maximum(Z, 0).",
                lambda X, W, b: X @ W.T + b),
        Mistake("W-times-X", "W @ X.T gives the neurons in rows and samples in columns — the "
                             "transpose of what we want; our batches keep samples in rows.",
                lambda X, W, b: np.maximum(W @ X.T + b[:, None], 0)),
        Mistake("min-not-max", "np.minimum(Z, 0) keeps the negative part; ReLU keeps the positive "
                               "part: np.maximum(Z, 0).",
                lambda X, W, b: np.minimum(X @ W.T + b, 0)),
    ],
    hints=["Each row of X is one sample; each row of W holds one neuron's weights.",
           "Z = X @ W.T + b has shape (n, h): b is added to every row.",
           "A = np.maximum(Z, 0)."],
)


# --- 3. counting parameters: Σ_l (h_l · h_{l-1} + h_l) ----------------------------------
def count_parameters_solution(sizes):
    """sizes = [d, h_1, …, h_L] -> the number of weights and biases."""
    return sum(h * h_prev + h for h_prev, h in zip(sizes[:-1], sizes[1:]))


def _count_cases(rng):
    fixed = [[2, 3, 1], [784, 128, 10], [4, 8, 8, 8, 2], [10, 1], [1, 1], [3, 7], [5, 2, 9, 4]]
    generated = [[int(v) for v in rng.integers(1, 40, size=int(rng.integers(2, 6)))] for _ in range(3)]
    return [Case((s,)) for s in fixed + generated]


count_parameters = Exercise(
    name="count_parameters",
    reference=count_parameters_solution,
    cases=_count_cases,
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
        Mistake("input-bias-instead", "each layer's biases number h_l, its own width — you added "
                                      "h_{l−1}, the width of the layer before.",
                lambda sizes: sum(h * p + p for p, h in zip(sizes[:-1], sizes[1:]))),
    ],
    hints=["Layer l has a weight matrix W of shape (h_l, h_{l-1}) and a bias b of shape (h_l,).",
           "Loop over consecutive pairs: zip(sizes[:-1], sizes[1:])."],
)


# --- 4. derive: the shape of a weight matrix ------------------------------------------------
W_SIZES = [784, 128, 64, 10]

weight_shape = ValueExercise(
    name="weight_shape",
    kind="derive",
    expect="shape",
    question=f"In an MLP with sizes {W_SIZES}, what is the shape of W^(2)?",
    answer=lambda: (W_SIZES[2], W_SIZES[1]),
    mistakes=[
        ("transposed", (W_SIZES[1], W_SIZES[2]), "that is the transpose: W^(l) has shape "
                                                 "(h_l, h_{l−1}) — one row per neuron of layer l, "
                                                 "one column per input it receives."),
        ("W1", (W_SIZES[1], W_SIZES[0]), "that is W^(1), the first layer's weights (input → first "
                                         "hidden layer); W^(2) maps the 128 units of layer 1 to "
                                         "layer 2."),
        ("W3", (W_SIZES[3], W_SIZES[2]), "that is W^(3), the output layer's weights; W^(2) is the "
                                         "one before it."),
        ("W1-transposed", (W_SIZES[0], W_SIZES[1]), "that is W^(1) transposed; W^(2) maps layer 1 "
                                                    "(128 units) to layer 2 (64 units)."),
    ],
    explain="W^(2) maps the 128 units of layer 1 to the 64 of layer 2: (h_2, h_1) = (64, 128).",
    hints=["Layer l's weights have shape (h_l, h_{l-1}).",
           "sizes[0] is the input d = h_0; h_1 = sizes[1], h_2 = sizes[2]."],
)

EXERCISES = [neuron, layer, count_parameters, weight_shape]
