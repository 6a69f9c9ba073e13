"""Chapter 5 exercises: the L2 gradient, inverted dropout, the batch-norm forward pass."""

from __future__ import annotations

import numpy as np

from .framework import Exercise, Mistake


# --- 1. the L2 gradient ----------------------------------------------------------------
def l2_grad_solution(params, lam):
    """Gradient of (λ/2) Σ_l ‖W^(l)‖²_F: λW for every weight "W…", zero for biases."""
    return {k: lam * v if k.startswith("W") else np.zeros_like(v) for k, v in params.items()}


def _l2_cases(rng):
    def params():
        return {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=3),
                "W2": rng.normal(size=(1, 3)), "b2": rng.normal(size=1)}
    return [(params(), 0.1), (params(), 0.5)]


l2_grad = Exercise(
    name="l2_grad",
    reference=l2_grad_solution,
    cases=_l2_cases,
    mistakes=[
        Mistake("penalised-biases", "biases are not penalised: their entries of the gradient are 0 "
                                    "(only the weights W… get λW).",
                lambda p, lam: {k: lam * v for k, v in p.items()}),
        Mistake("missing-lambda", "the strength λ is missing: the gradient is λ·W, not W.",
                lambda p, lam: {k: v if k.startswith("W") else np.zeros_like(v) for k, v in p.items()}),
        Mistake("factor-two", "with the penalty (λ/2)‖W‖² the ½ cancels the 2 of the derivative: λW, not 2λW.",
                lambda p, lam: {k: 2 * lam * v if k.startswith("W") else np.zeros_like(v)
                                for k, v in p.items()}),
        Mistake("l1", "λ·sign(W) is the L1 gradient; L2's is λ·W.",
                lambda p, lam: {k: lam * np.sign(v) if k.startswith("W") else np.zeros_like(v)
                                for k, v in p.items()}),
        Mistake("weights-only", "return an entry for every parameter, biases included (their "
                                "gradient is zeros): the optimizer adds grads[k] for every k.",
                lambda p, lam: {k: lam * v for k, v in p.items() if k.startswith("W")}),
    ],
    hints=["Return a dict with the same keys as params.",
           "For keys starting with 'W': lam * W; otherwise np.zeros_like(value)."],
)


# --- 2. inverted dropout ------------------------------------------------------------------
def dropout_solution(a, p, u, train):
    """a (n, h), drop probability p, uniform draws u (n, h) in [0, 1), train flag -> out.

    Training: keep a unit where u >= p, scale the survivors by 1/(1 − p).  Evaluation: a.
    """
    if not train:
        return a
    return a * (u >= p) / (1 - p)


def _dropout_cases(rng):
    cases = []
    for p in (0.25, 0.5):
        a, u = rng.normal(size=(4, 5)), rng.random(size=(4, 5))
        cases += [(a, p, u, True), (a, p, u, False)]
    return cases


dropout = Exercise(
    name="dropout",
    reference=dropout_solution,
    cases=_dropout_cases,
    mistakes=[
        Mistake("no-rescale", "the survivors must be scaled by 1/(1 − p), so that each unit keeps "
                              "its expected value; that is what makes evaluation need no change.",
                lambda a, p, u, train: a * (u >= p) if train else a),
        Mistake("dropout-at-eval", "at evaluation (train=False) dropout does nothing: return a unchanged.",
                lambda a, p, u, train: a * (u >= p) / (1 - p)),
        Mistake("keep-vs-drop", "p is the probability to *drop* a unit: keep where u >= p (probability "
                                "1 − p), not where u < p.",
                lambda a, p, u, train: a * (u < p) / p if train else a),
        Mistake("keep-vs-drop-scale", "p is the probability to *drop*: the keep probability is 1 − p, "
                                      "so scale by 1/(1 − p), not 1/p.",
                lambda a, p, u, train: a * (u >= p) / p if train else a),
        Mistake("scaled-at-eval", "that is the original, non-inverted dropout: no scaling in "
                                  "training, × (1 − p) at evaluation. Inverted dropout scales the "
                                  "survivors by 1/(1 − p) in training and leaves evaluation alone.",
                lambda a, p, u, train: a * (u >= p) if train else a * (1 - p)),
    ],
    hints=["mask = u >= p keeps each unit with probability 1 − p.",
           "Training: a * mask / (1 - p).  Evaluation: a."],
)


# --- 3. batch normalisation forward ---------------------------------------------------------
def batchnorm_solution(z, gamma, beta, running_mean, running_var, train, eps=1e-5):
    """z (n, h) -> γ ⊙ (z − μ)/√(σ² + ε) + β, with batch μ, σ² in training, running ones otherwise."""
    if train:
        mu, var = z.mean(axis=0), z.var(axis=0)
    else:
        mu, var = running_mean, running_var
    return gamma * (z - mu) / np.sqrt(var + eps) + beta


def _bn_with(z, gamma, beta, rm, rv, train, eps=1e-5, axis=0, std_eps=False, batch_at_eval=False,
             ddof=0):
    if train or batch_at_eval:
        mu, var = z.mean(axis=axis, keepdims=True), z.var(axis=axis, keepdims=True, ddof=ddof)
    else:
        mu, var = rm, rv
    scale = (np.sqrt(var) + eps) if std_eps else np.sqrt(var + eps)
    return gamma * (z - mu) / scale + beta


def _bn_cases(rng):
    cases = []
    for n, h in ((6, 4), (5, 3)):
        z = rng.normal(size=(n, h)) * rng.uniform(0.01, 3, size=h) + rng.normal(size=h)
        args = (z, rng.uniform(0.5, 2, size=h), rng.normal(size=h), rng.normal(size=h),
                rng.uniform(0.5, 2, size=h))
        cases += [args + (True,), args + (False,)]
    # A nearly constant feature makes std + ε and √(var + ε) clearly different.
    z = np.array([[1.0, 0.0], [1.001, 1.0], [0.999, 2.0], [1.0, 3.0]])
    cases.append((z, np.ones(2), np.zeros(2), np.zeros(2), np.ones(2), True))
    return cases


batchnorm = Exercise(
    name="batchnorm",
    reference=batchnorm_solution,
    cases=_bn_cases,
    mistakes=[
        Mistake("std-plus-eps", "divide by √(σ² + ε), not by σ + ε: ε belongs inside the square root.",
                lambda *args: _bn_with(*args, std_eps=True)),
        Mistake("wrong-axis", "batch norm averages each feature over the batch (axis=0); axis=1 "
                              "averages over features — that is layer norm.",
                lambda z, g, b, rm, rv, train: _bn_with(z, g, b, rm, rv, train, axis=1)),
        Mistake("batch-stats-at-eval", "at evaluation use the running statistics, not the batch's: "
                                       "a prediction must not depend on the rest of its batch.",
                lambda *args: _bn_with(*args, batch_at_eval=True)),
        Mistake("unbiased-variance", "batch norm divides by n, not n − 1: use z.var(axis=0) "
                                     "(ddof=0), the variance of the batch itself.",
                lambda *args: _bn_with(*args, ddof=1)),
    ],
    hints=["Training: mu = z.mean(axis=0), var = z.var(axis=0).",
           "Evaluation: mu, var = running_mean, running_var.",
           "gamma * (z - mu) / np.sqrt(var + eps) + beta."],
)

EXERCISES = [l2_grad, dropout, batchnorm]
