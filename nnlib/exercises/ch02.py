"""Chapter 2 exercises: a batched forward pass, a stable softmax, choosing the output head."""

from __future__ import annotations

import numpy as np

from .framework import Exercise, Mistake


# --- 1. batched forward pass: ReLU hidden layers, identity output ----------------------
def forward_solution(X, params):
    """X (n, d); params {"W1", "b1", …, "WL", "bL"} -> a^(L) (n, h_L).

    a^(0) = X;  z^(l) = a^(l-1) @ W^(l).T + b^(l);  a^(l) = relu(z^(l)) for l < L, a^(L) = z^(L).
    """
    L = len(params) // 2
    a = X
    for l in range(1, L + 1):
        z = a @ params[f"W{l}"].T + params[f"b{l}"]
        a = np.maximum(z, 0) if l < L else z
    return a


def _forward_with(X, params, transpose=True, relu_last=False, bias_column=False):
    L = len(params) // 2
    a = X
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        z = (a @ W.T if transpose else a @ W) + (b[:, None] if bias_column else b)
        a = np.maximum(z, 0) if (l < L or relu_last) else z
    return a


def _forward_cases(rng):
    cases = []
    for k, L in ((3, 2), (4, 3)):   # square layers so the classic mistakes still run
        params = {}
        for l in range(1, L + 1):
            params[f"W{l}"] = rng.normal(size=(k, k))
            params[f"b{l}"] = rng.normal(size=k)
        cases.append((rng.normal(size=(k, k)), params))
    return cases


forward = Exercise(
    name="forward",
    reference=forward_solution,
    cases=_forward_cases,
    mistakes=[
        Mistake("relu-on-output", "you applied ReLU to the output layer too; a regression head is the "
                                  "identity: a^(L) = z^(L) (and ReLU would forbid negative outputs).",
                lambda X, p: _forward_with(X, p, relu_last=True)),
        Mistake("missing-transpose", "missing transpose: with samples in rows, z = a @ W.T + b.",
                lambda X, p: _forward_with(X, p, transpose=False)),
        Mistake("bias-wrong-axis", "the bias is broadcast along the wrong axis: add b (h,) to every "
                                   "row, not b[:, None] to every column.",
                lambda X, p: _forward_with(X, p, bias_column=True)),
        Mistake("one-layer", "only the first layer was applied; loop over every layer l = 1 … L.",
                lambda X, p: np.maximum(X @ p["W1"].T + p["b1"], 0)),
    ],
    hints=["L = len(params) // 2 layers; keys are 'W1', 'b1', …",
           "Keep one variable a, starting at X, and replace it layer by layer.",
           "ReLU on every layer except the last."],
)


# --- 2. numerically stable softmax over each row ----------------------------------------
def softmax_solution(z):
    """z (n, k) -> each row's softmax; subtract the row maximum first so exp never overflows."""
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _softmax_cases(rng):
    return [(rng.normal(size=(3, 4)),), (rng.normal(size=(4, 4)) * 3,),
            (np.array([[1000.0, 999.0, 0.0], [-5.0, 0.0, 5.0], [2.0, 2.0, 2.0]]),)]


def _naive_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


softmax = Exercise(
    name="softmax",
    reference=softmax_solution,
    cases=_softmax_cases,
    mistakes=[
        Mistake("no-max-subtraction", "np.exp overflowed: e^1000 is too large for a float. Subtract "
                                      "each row's maximum before exponentiating — softmax(z − m) = "
                                      "softmax(z), and every exponent becomes ≤ 0.",
                _naive_softmax, raises=FloatingPointError),
        Mistake("wrong-axis", "you normalised each column (axis=0); each *row* is one sample, so sum "
                              "over axis=1 (with keepdims=True).",
                lambda z: np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0)),
        Mistake("whole-matrix", "you divided by the sum over the whole matrix; each row must sum to 1 "
                                "on its own: .sum(axis=1, keepdims=True).",
                lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()),
    ],
    hints=["m = z.max(axis=1, keepdims=True) has shape (n, 1).",
           "e = np.exp(z - m); then divide by e.sum(axis=1, keepdims=True)."],
)


# --- 3. choosing the output head ---------------------------------------------------------
TASKS = {
    "predict tomorrow's temperature in °C": "identity",
    "is this e-mail spam?": "sigmoid",
    "which of the 10 digits is in this image?": "softmax",
    "predict a house price": "identity",
    "does this X-ray show a fracture?": "sigmoid",
    "which of 3 species is this flower?": "softmax",
}


def choose_head_solution(task):
    """task description -> "identity", "sigmoid" or "softmax"."""
    return TASKS[task]


def _heads_if(rule):
    return lambda task: rule(TASKS[task])


choose_head = Exercise(
    name="choose_head",
    reference=choose_head_solution,
    cases=lambda rng: [(task,) for task in TASKS],
    mistakes=[
        Mistake("softmax-for-binary", "for a yes/no question one sigmoid output is enough: a softmax "
                                      "over 2 classes says the same thing with twice the outputs.",
                _heads_if(lambda h: "softmax" if h == "sigmoid" else h)),
        Mistake("sigmoid-for-multiclass", "with several exclusive classes the probabilities must sum "
                                          "to 1 across classes: that is softmax, not independent sigmoids.",
                _heads_if(lambda h: "sigmoid" if h == "softmax" else h)),
        Mistake("squashed-regression", "a sigmoid or softmax squashes outputs into (0, 1); a "
                                       "temperature or a price needs the identity head.",
                _heads_if(lambda h: "sigmoid" if h == "identity" else h)),
    ],
    hints=["A number on an open scale: identity. A yes/no probability: sigmoid.",
           "One of k exclusive classes: softmax."],
)

EXERCISES = [forward, softmax, choose_head]
