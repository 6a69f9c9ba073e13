"""Chapter 5 exercises: the L2 gradient, inverted dropout, the batch-norm forward pass, and a
prediction about dropout."""

from __future__ import annotations

import numpy as np

from .framework import Case, Exercise, Mistake, ValueExercise, _compare


# --- 1. the L2 gradient ----------------------------------------------------------------
def l2_grad_solution(params, lam):
    """Gradient of (λ/2) Σ_l ‖W^(l)‖²_F: λW for every weight "W…", zero for biases."""
    return {k: lam * v if k.startswith("W") else np.zeros_like(v) for k, v in params.items()}


def _l2_cases(rng):
    def params(sizes):
        p = {}
        for l, (h_prev, h) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            p[f"W{l}"], p[f"b{l}"] = rng.normal(size=(h, h_prev)), rng.normal(size=h)
        return p
    return [Case((params([2, 3, 1]), 0.1)), Case((params([4, 5, 3, 2]), 0.5)),
            Case((params([3, 3]), 1e-3)), Case((params([1, 6, 2]), 2.0))]


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
    for (n, h), p in (((10, 20), 0.2), ((7, 30), 0.75), ((1, 50), 0.3)):
        a = rng.normal(size=(n, h))
        a[a == 0] = 1.0                    # no zero activations: a zero output means dropped
        u = rng.random(size=(n, h))
        cases += [Case((a, p, u, True), f"training mode (train=True), p={p}"),
                  Case((a, p, u, False), f"evaluation mode (train=False), p={p}")]
    return cases


def _dropout_judge(answer, args):
    """Right = any valid convention: evaluation returns a; training keeps exactly the units a
    threshold on u keeps with probability 1 − p, and scales them by 1/(1 − p)."""
    a, p, u, train = args
    if not train:
        r = _compare(answer, a, dropout, ())
        if r is None:
            return None
        return ("type:" if r[0] == "type" else "") + (
            r[1] if r[0] == "type" else "in evaluation mode dropout must return a unchanged; " + r[1])
    r = _compare(answer, a, dropout, ())          # type and shape first
    if r is not None and r[0] == "type":
        return "type:" + r[1]
    kept = np.asarray(answer) != 0
    valid = [u >= p, u > p, u < 1 - p, u <= 1 - p]
    if not any(np.array_equal(kept, m) for m in valid):
        return (f"the kept units must be chosen by u, each kept with probability 1 − p = {1 - p:g}: "
                f"keep where u >= p (or, equally, where u < 1 − p). You kept {int(kept.sum())} of "
                f"{kept.size}; those rules keep {int((u >= p).sum())}")
    r = _compare(answer[kept], a[kept] / (1 - p), dropout, ())
    if r is not None:
        return "the right units are kept, but the kept values must be a / (1 − p); " + r[1]
    return None


dropout = Exercise(
    name="dropout",
    reference=dropout_solution,
    cases=_dropout_cases,
    judge=_dropout_judge,
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
        Mistake("dropped-survivors-scaled", "you scaled the dropped units and zeroed the kept ones: "
                                            "the mask should be 1 where a unit is kept (u >= p).",
                lambda a, p, u, train: a * (u < p) / (1 - p) if train else a),
    ],
    hints=["mask = u >= p keeps each unit with probability 1 − p (u < 1 − p works as well).",
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
    for n, h in ((6, 4), (5, 3), (3, 7)):
        z = rng.normal(size=(n, h)) * rng.uniform(0.01, 3, size=h) + rng.normal(size=h)
        args = (z, rng.uniform(0.5, 2, size=h), rng.normal(size=h), rng.normal(size=h),
                rng.uniform(0.5, 2, size=h))
        cases += [Case(args + (True,), "training mode (train=True)"),
                  Case(args + (False,), "evaluation mode (train=False)")]
    # A nearly constant feature makes std + ε and √(var + ε) clearly different.
    z = np.array([[1.0, 0.0], [1.001, 1.0], [0.999, 2.0], [1.0, 3.0]])
    cases.append(Case((z, np.ones(2), np.zeros(2), np.zeros(2), np.ones(2), True),
                      "training mode, a nearly constant feature"))
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
        Mistake("wrong-axis-no-keepdims", "batch norm averages each feature over the batch: "
                                          "z.mean(axis=0), shape (h,). Averaging over axis=1 gives "
                                          "one mean per sample (shape (n,)), which does not even "
                                          "broadcast against z.",
                lambda z, g, b, rm, rv, train: g * (z - z.mean(axis=1)) / np.sqrt(z.var(axis=1) + 1e-5) + b
                if train else g * (z - rm) / np.sqrt(rv + 1e-5) + b, raises=ValueError),
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

# --- 4. predict, then run: the mean of a dropout layer's output ------------------------------
def _dropout_mean():
    rng = np.random.default_rng(0)
    a = np.ones((1000, 100))
    return float(dropout_solution(a, 0.5, rng.random(size=a.shape), True).mean())


dropout_mean = ValueExercise(
    name="dropout_mean",
    kind="predict, then run",
    question="Every activation is 1: a = np.ones((1000, 100)). Inverted dropout with p = 0.5 in "
             "training mode: what is the mean of the output?",
    answer=_dropout_mean,
    tolerance=0.02,
    mistakes=[
        ("no-rescale", 0.5, "0.5 is what dropping half the units gives WITHOUT rescaling; inverted "
                            "dropout doubles the survivors (× 1/(1 − p) = 2)."),
        ("only-rescale", 2.0, "the survivors are 2, but half of the units are 0: the mean is "
                              "back at 1."),
    ],
    explain="Half the units are 0 and the other half are 1/(1 − p) = 2, so the mean stays ≈ 1: "
            "inverted dropout keeps every unit's expected value, which is why evaluation needs no "
            "change.",
    hints=["Each unit is 0 with probability p and a/(1 − p) with probability 1 − p."],
)

EXERCISES = [l2_grad, dropout, batchnorm, dropout_mean]
