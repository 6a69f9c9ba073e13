"""Chapter 4 exercises: SiLU and GELU derivatives, a stable sigmoid, finding dead ReLUs, and a
prediction about dead outputs."""

from __future__ import annotations

import numpy as np
from scipy import special

from .framework import Case, Exercise, Mistake, ValueExercise


# --- 1. derivatives of SiLU and GELU ---------------------------------------------------
def silu_grad_solution(z):
    """d/dz [z σ(z)] = σ(z) + z σ(z)(1 − σ(z))  (product rule)."""
    s = special.expit(z)
    return s + z * s * (1 - s)


silu_grad = Exercise(
    name="silu_grad",
    reference=silu_grad_solution,
    cases=lambda rng: [Case((rng.normal(size=6) * 3,)), Case((np.linspace(-4, 4, 9),)),
                       Case((rng.normal(size=(3, 4)) * 2,)), Case((np.array([-30.0, -1.5, 0.0, 30.0]),))],
    mistakes=[
        Mistake("only-sigma", "product rule: d/dz [z·σ(z)] = σ(z) + z·σ′(z); you kept only σ(z).",
                lambda z: special.expit(z)),
        Mistake("only-z-sigma-prime", "product rule: d/dz [z·σ(z)] = σ(z) + z·σ′(z); the σ(z) term "
                                      "is missing.",
                lambda z: z * special.expit(z) * (1 - special.expit(z))),
        Mistake("sigma-prime", "that is σ′(z), the sigmoid's derivative; SiLU is z·σ(z).",
                lambda z: special.expit(z) * (1 - special.expit(z))),
    ],
    hints=["SiLU(z) = z · σ(z): use the product rule.", "σ′(z) = σ(z)(1 − σ(z))."],
)


def gelu_grad_solution(z):
    """d/dz [z Φ(z)] = Φ(z) + z φ(z), with φ(z) = e^(−z²/2) / √(2π)."""
    return special.ndtr(z) + z * np.exp(-0.5 * z ** 2) / np.sqrt(2 * np.pi)


def _gelu_tanh_grad(z):
    c = np.sqrt(2 / np.pi)
    u = c * (z + 0.044715 * z ** 3)
    t = np.tanh(u)
    return 0.5 * (1 + t) + 0.5 * z * (1 - t ** 2) * c * (1 + 3 * 0.044715 * z ** 2)


gelu_grad = Exercise(
    name="gelu_grad",
    reference=gelu_grad_solution,
    cases=lambda rng: [Case((rng.normal(size=6) * 2,)), Case((np.linspace(-3, 3, 7),)),
                       Case((rng.normal(size=(2, 5)),))],
    mistakes=[
        Mistake("only-Phi", "product rule: d/dz [z·Φ(z)] = Φ(z) + z·φ(z); you kept only Φ(z).",
                lambda z: special.ndtr(z)),
        Mistake("missing-z", "the second term is z·φ(z): you used φ(z) alone.",
                lambda z: special.ndtr(z) + np.exp(-0.5 * z ** 2) / np.sqrt(2 * np.pi)),
        Mistake("tanh-approximation", "close, but that is the derivative of the tanh approximation "
                                      "of GELU; here GELU is exact, z·Φ(z) (scipy.special.ndtr is Φ).",
                _gelu_tanh_grad),
    ],
    hints=["GELU(z) = z · Φ(z) where Φ is the standard normal CDF (scipy.special.ndtr).",
           "Φ′(z) = φ(z) = exp(−z²/2) / √(2π)."],
)


# --- 2. a numerically stable sigmoid -------------------------------------------------------
def stable_sigmoid_solution(z):
    """σ(z) without overflow: for z ≥ 0 use 1/(1 + e^−z), for z < 0 use e^z/(1 + e^z)."""
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out


def _stable_cases(rng):
    return [
        Case((rng.normal(size=5) * 4,)),
        Case((np.array([-1000.0, -700.0, -30.0, -1e-8, 0.0, 2.0]),), "very negative z"),
        Case((np.array([-2.0, 0.0, 1e-8, 36.0, 700.0, 1000.0]),), "very positive z"),
        Case((rng.normal(size=(3, 4)) * 10,), "a 2-D array"),
        Case((np.array([[-745.0 + 45.0, 745.0 - 45.0], [-40.0, 40.0]]),), "both tails in one array"),
    ]


def _cancelling_sigmoid(z):
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    out[~pos] = 1 - 1 / (1 + np.exp(z[~pos]))
    return out


stable_sigmoid = Exercise(
    name="stable_sigmoid",
    reference=stable_sigmoid_solution,
    # Very negative and very positive z: each naive form overflows on one side. Values in the
    # tails are checked relative to their own size (σ(−700) ≈ 1e−304), so clipping and
    # cancellation show.
    cases=_stable_cases,
    rtol=1e-12, scale_atol=0.0, atol=0.0,
    mistakes=[
        Mistake("naive", "np.exp overflowed: for z = −1000, e^(−z) = e^1000 is too large for a float "
                         "(NumPy warns, gives inf, and 1/(1 + inf) happens to round to 0 — in "
                         "other formulas inf becomes nan). Use e^z / (1 + e^z) where z < 0, so the "
                         "exponent is never positive.",
                lambda z: 1 / (1 + np.exp(-z)), raises=FloatingPointError, match="overflow"),
        Mistake("naive-other-form", "np.exp overflowed: e^z / (1 + e^z) is only safe where z < 0; "
                                    "for z ≥ 0 use 1 / (1 + e^(−z)).",
                lambda z: np.exp(z) / (1 + np.exp(z)), raises=FloatingPointError, match="overflow"),
        Mistake("clipped", "clipping z changes the answer in the tails: σ(−30) ≈ 9.4e−14, but "
                           "σ(−20) ≈ 2.1e−9. Split by the sign of z instead of clipping.",
                lambda z: 1 / (1 + np.exp(-np.clip(z, -20, 20)))),
        Mistake("cancellation", "for z < 0 you computed 1 − σ(−z): subtracting two numbers close to "
                                "1 loses the digits of a tiny answer (σ(−30) comes out as a "
                                "rounding error, σ(−40) as 0). Use e^z / (1 + e^z) there.",
                _cancelling_sigmoid),
    ],
    hints=["Both forms are σ(z): 1/(1 + e^(−z)) and e^z/(1 + e^z).",
           "Pick, for each entry, the form whose exponent is ≤ 0 (a boolean mask z >= 0), and "
           "compute each form only on its own entries (z[mask])."],
)


# --- 3. finding dead ReLUs --------------------------------------------------------------------
def dead_units_solution(Z):
    """Z (n, h) pre-activations of one ReLU layer -> bool (h,): True where a unit never fires.

    A unit is dead when relu(z) = 0 for every sample, i.e. z ≤ 0 in the whole column.
    """
    return np.all(Z <= 0, axis=0)


def _dead_cases(rng):
    cases = []
    for n, h in ((6, 5), (3, 7), (9, 4)):
        Z = rng.normal(size=(n, h))
        Z[:, 0] = -np.abs(Z[:, 0])                  # dead, first column
        Z[:, 1] = -np.abs(Z[:, 1])
        Z[0, 1] = 0.0                                # dead too: relu(0) = 0
        Z[:, 2] = -np.abs(Z[:, 2])
        Z[-1, 2] = 0.5                               # fires once, in the LAST row: alive
        Z[:, 3] = np.abs(Z[:, 3]) + 0.1              # alive ...
        Z[0, 3] = -1.0                               # ... with a silent FIRST sample
        Z[:, -1] = -np.abs(Z[:, -1]) - 0.1           # the last column is dead
        if h > 5:
            Z[:, 4] = -np.abs(Z[:, 4])
            Z[0, 4] = 2.0                            # fires once, in the first row
        cases.append(Case((Z,)))
    Z = -np.abs(rng.normal(size=(4, 6)))
    Z[rng.integers(0, 4, size=3), [1, 3, 5]] = 1.0   # generated: three units fire once
    cases.append(Case((Z,)))
    cases.append(Case((np.array([[0.0, -1.0, 2.0]]),), "a batch of one sample"))
    return cases


dead_units = Exercise(
    name="dead_units",
    reference=dead_units_solution,
    cases=_dead_cases,
    mistakes=[
        Mistake("any-instead-of-all", "you marked units that are silent for *some* sample; dead "
                                      "means silent for every sample: np.all, not np.any.",
                lambda Z: np.any(Z <= 0, axis=0)),
        Mistake("wrong-axis", "axis=1 asks about samples; units are columns, so reduce over the "
                              "batch, axis=0.",
                lambda Z: np.all(Z <= 0, axis=1)),
        Mistake("strict-inequality", "z = 0 also gives relu(z) = 0 and a zero gradient: use z <= 0.",
                lambda Z: np.all(Z < 0, axis=0)),
        Mistake("alive", "those are the units that *do* fire for some sample — the live ones; "
                         "dead is the opposite.",
                lambda Z: np.any(Z > 0, axis=0)),
        Mistake("skips-first-row", "your loop skipped the first sample (a range starting at 1?): "
                                   "every row of Z counts.",
                lambda Z: np.all(Z[1:] <= 0, axis=0)),
        Mistake("skips-last-row", "your loop skipped the last sample (range(n - 1)?): every row of "
                                  "Z counts.",
                lambda Z: np.all(Z[:-1] <= 0, axis=0)),
    ],
    hints=["A unit is a column of Z.", "Dead: relu(z) = 0 for all samples, i.e. np.all(Z <= 0, axis=...)."],
)

# --- 5. predict, then run: how many ReLU outputs are exactly zero? -----------------------
def _zero_fraction():
    z = np.random.default_rng(0).normal(loc=-1.0, scale=1.0, size=100_000)
    return float(np.mean(np.maximum(z, 0) == 0))


relu_zeros = ValueExercise(
    name="relu_zeros",
    kind="predict, then run",
    question="A ReLU unit receives pre-activations z ~ N(−1, 1) (mean −1, standard deviation 1). "
             "Over 100 000 samples, what fraction of its outputs relu(z) are exactly 0?",
    answer=_zero_fraction,
    tolerance=0.03,
    mistakes=[
        ("half", 0.5, "Half would be right for z centred at 0; the mean of −1 pushes most of the "
                      "distribution below 0."),
        ("firing-fraction", 0.1587, "That is the fraction that fires (z > 0); the question asks "
                                    "for the zeros."),
        ("all", 1.0, "Not all: z is normal, so one sample in six still lies above 0."),
    ],
    explain="relu(z) = 0 exactly when z ≤ 0, and P(z ≤ 0) = P(N(0, 1) ≤ 1) = Φ(1) ≈ 0.841. "
            "A negative bias silences most inputs; push it far enough and the unit is dead.",
    hints=["relu(z) = 0 exactly when z ≤ 0.", "Standardise: z ≤ 0 means (z + 1)/1 ≤ 1."],
)

EXERCISES = [silu_grad, gelu_grad, stable_sigmoid, dead_units, relu_zeros]
