"""Chapter 2 exercises: a batched forward pass, a stable softmax, choosing the output head,
and a prediction about softmax."""

from __future__ import annotations

import numpy as np

from .framework import Case, Exercise, Mistake, ValueExercise


# --- 1. batched forward pass: ReLU hidden layers, identity output ----------------------
def forward_solution(X, params):
    """X (n, d); params {"W1", "b1", …, "WL", "bL"} -> a^(L) (n, h_L).

    a^(0) = X;  z^(l) = a^(l-1) @ W^(l).T + b^(l);  a^(l) = relu(z^(l)) for l < L, a^(L) = z^(L).
    """
    L = len(params) // 2
    a = X
    for l in range(1, L + 1):
        z = a @ params[f"W{l}"].T + params[f"b{l}"]     # (n, h_l)
        a = np.maximum(z, 0) if l < L else z
    return a


def _forward_with(X, params, transpose=True, relu_last=False, bias_column=False, relu_first=False):
    L = len(params) // 2
    a = X
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        z = (a @ W.T if transpose else a @ W) + (b[:, None] if bias_column else b)
        a = np.maximum(z, 0) if (l < L or relu_last) else z
    return a


def _params(rng, sizes):
    p = {}
    for l, (h_prev, h) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        p[f"W{l}"] = rng.normal(size=(h, h_prev))
        p[f"b{l}"] = rng.normal(size=h)
    return p


def _forward_cases(rng):
    cases = []
    for n, sizes in ((6, [3, 5, 4, 2]), (1, [2, 3, 1]), (4, [4, 6, 2]), (5, [2, 4, 3, 5, 3])):
        cases.append(Case((rng.normal(size=(n, sizes[0])), _params(rng, sizes))))
    k = 3    # one square network last, so a missing transpose that runs is still named
    cases.append(Case((rng.normal(size=(k, k)), _params(rng, [k, k, k]))))
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
                lambda X, p: _forward_with(X, p, transpose=False), raises=ValueError),
        Mistake("bias-wrong-axis", "the bias is broadcast along the wrong axis: add b (h,) to every "
                                   "row, not b[:, None] to every column.",
                lambda X, p: _forward_with(X, p, bias_column=True), raises=ValueError),
        Mistake("one-layer", "only the first layer was applied; loop over every layer l = 1 … L.",
                lambda X, p: np.maximum(X @ p["W1"].T + p["b1"], 0)),
        Mistake("no-relu", "no ReLU at all: without it the hidden layers collapse into one linear "
                           "map. Apply ReLU to every layer except the last.",
                lambda X, p: _forward_with(X, p, relu_last=False) if len(p) == 2 else
                _linear_forward(X, p)),
    ],
    hints=["L = len(params) // 2 layers; keys are 'W1', 'b1', …",
           "Keep one variable a, starting at X, and replace it layer by layer.",
           "ReLU on every layer except the last."],
)


def _linear_forward(X, params):
    a = X
    for l in range(1, len(params) // 2 + 1):
        a = a @ params[f"W{l}"].T + params[f"b{l}"]
    return a


# --- 2. numerically stable softmax over each row ----------------------------------------
def softmax_solution(z):
    """z (n, k) -> each row's softmax; subtract the row maximum first so exp never overflows."""
    shifted = z - z.max(axis=1, keepdims=True)       # (n, k), every row's maximum is 0
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _softmax_cases(rng):
    return [
        Case((rng.normal(size=(3, 4)),)),
        Case((rng.normal(size=(2, 5)) * 3,)),
        Case((rng.normal(size=(4, 4)),)),
        # Extreme rows: huge logits (naive exp overflows), a row far below the others
        # (a shift by the whole matrix's maximum underflows it to 0/0), the maximum in the
        # first and in the last position, a tie.
        Case((np.array([[1000.0, 999.0, 0.0], [-5.0, 0.0, 5.0], [2.0, 2.0, 2.0]]),),
             "huge logits"),
        Case((np.array([[-1000.0, -1001.0, -999.0, -1003.0], [3.0, 1.0, 0.0, -2.0],
                        [0.0, 1.0, 2.0, 800.0]]),), "a row far below the others"),
        Case((np.array([[1500.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, -1500.0]]),), "one huge logit"),
    ]


def _naive_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _shifted(z, m, axis=1):
    e = np.exp(z - m)
    return e / e.sum(axis=axis, keepdims=True)


softmax = Exercise(
    name="softmax",
    reference=softmax_solution,
    cases=_softmax_cases,
    scale_atol=1e-15, atol=1e-300,
    mistakes=[
        Mistake("no-max-subtraction", "np.exp overflowed: e^1000 is too large for a float. Subtract "
                                      "each row's maximum before exponentiating — softmax(z − m) = "
                                      "softmax(z), and every exponent becomes ≤ 0 (shifting by the "
                                      "row minimum instead still leaves large positive exponents).",
                _naive_softmax, raises=FloatingPointError, match="overflow"),
        Mistake("global-max", "you subtracted the maximum of the whole matrix: a row far below it "
                              "then underflows to all zeros, and 0/0 gives nan. Subtract each row's "
                              "own maximum: z.max(axis=1, keepdims=True).",
                lambda z: _shifted(z, z.max()), raises=FloatingPointError, match="invalid"),
        Mistake("wrong-axis", "you normalised each column (axis=0); each *row* is one sample, so sum "
                              "over axis=1 (with keepdims=True).",
                lambda z: _shifted(z, z.max(axis=0), axis=0)),
        Mistake("whole-matrix", "you divided by the sum over the whole matrix; each row must sum to 1 "
                                "on its own: .sum(axis=1, keepdims=True).",
                lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()),
        Mistake("no-keepdims", "a row reduction lost its axis: z.max(axis=1) or e.sum(axis=1) has "
                               "shape (n,), which does not broadcast against z (n, k). Keep the axis "
                               "with keepdims=True (shape (n, 1)).",
                lambda z: np.exp(z - z.max(axis=1, keepdims=True))
                / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1), raises=ValueError),
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


ALIASES = {"linear": "identity", "none": "identity", "logistic": "sigmoid"}


def _head_judge(answer, args):
    """Names are compared without case or spaces; "linear" is another name for identity."""
    (task,) = args
    if not isinstance(answer, str):
        kind = "None — did you print instead of return?" if answer is None else f"a {type(answer).__name__}"
        return f"type:expected one of 'identity', 'sigmoid', 'softmax' (a string), got {kind}"
    name = answer.strip().lower()
    for suffix in (" function", " activation", " head", " output"):
        name = name[:-len(suffix)].strip() if name.endswith(suffix) else name
    name = ALIASES.get(name, name)
    if name not in ("identity", "sigmoid", "softmax"):
        return f"type:{answer!r} is not one of the heads 'identity', 'sigmoid', 'softmax'"
    return None if name == TASKS[task] else f"{answer!r} is not the right head for this task"


def _heads_if(rule):
    return lambda task: rule(TASKS[task])


choose_head = Exercise(
    name="choose_head",
    reference=choose_head_solution,
    cases=lambda rng: [Case((task,)) for task in TASKS],
    judge=_head_judge,
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
        Mistake("relu-for-regression", "ReLU forbids negative outputs (tomorrow can be −5 °C): a "
                                       "number on an open scale needs the identity head.",
                _heads_if(lambda h: "relu" if h == "identity" else h)),
    ],
    hints=["A number on an open scale: identity. A yes/no probability: sigmoid.",
           "One of k exclusive classes: softmax."],
)


# --- 4. predict, then run: softmax of shifted logits --------------------------------------
SHIFT_LOGITS = np.array([[1.0, 2.0, 3.0]])

softmax_shift = ValueExercise(
    name="softmax_shift",
    kind="predict, then run",
    question="softmax([1, 2, 3]) ≈ [0.090, 0.245, 0.665]. What is the largest probability of "
             "softmax([101, 102, 103])?",
    answer=lambda: float(softmax_solution(SHIFT_LOGITS + 100.0).max()),
    tolerance=0.01,
    mistakes=[
        ("sharper", 1.0, "Larger logits do not make the softmax more confident by themselves: "
                         "only the differences between logits matter, and they are still 1 and 2."),
        ("uniform", 1 / 3, "The probabilities do not even out: the differences between the logits, "
                           "which are all that matter, are unchanged."),
    ],
    explain="Adding the same c to every logit multiplies every e^z by e^c, which cancels in the "
            "normalisation: softmax(z + c) = softmax(z). That is why subtracting each row's "
            "maximum is allowed.",
    hints=["Write softmax(z + c) out: e^(z_i + c) / Σ_j e^(z_j + c)."],
)

EXERCISES = [forward, softmax, choose_head, softmax_shift]
