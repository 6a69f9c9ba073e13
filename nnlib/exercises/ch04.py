"""Chapter 4 exercises: SiLU and GELU derivatives, a stable sigmoid, finding dead ReLUs."""

from __future__ import annotations

import numpy as np
from scipy import special

from .framework import Exercise, Mistake


# --- 1. derivatives of SiLU and GELU ---------------------------------------------------
def silu_grad_solution(z):
    """d/dz [z σ(z)] = σ(z) + z σ(z)(1 − σ(z))  (product rule)."""
    s = special.expit(z)
    return s + z * s * (1 - s)


silu_grad = Exercise(
    name="silu_grad",
    reference=silu_grad_solution,
    cases=lambda rng: [(rng.normal(size=6) * 3,), (np.linspace(-4, 4, 9),)],
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
    cases=lambda rng: [(rng.normal(size=6) * 2,), (np.linspace(-3, 3, 7),)],
    rtol=1e-7, atol=1e-9,
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


stable_sigmoid = Exercise(
    name="stable_sigmoid",
    reference=stable_sigmoid_solution,
    # Very negative and very positive z in separate cases: each naive form overflows on one side.
    cases=lambda rng: [(rng.normal(size=5) * 4,), (np.array([-1000.0, -30.0, 0.0, 2.0]),),
                       (np.array([-2.0, 0.0, 30.0, 1000.0]),)],
    mistakes=[
        Mistake("naive", "np.exp overflowed: for z = −1000, e^(−z) = e^1000 is too large. Use "
                         "e^z / (1 + e^z) where z < 0, so the exponent is never positive.",
                lambda z: 1 / (1 + np.exp(-z)), raises=FloatingPointError),
        Mistake("naive-other-form", "np.exp overflowed: e^z / (1 + e^z) is only safe where z < 0; "
                                    "for z ≥ 0 use 1 / (1 + e^(−z)).",
                lambda z: np.exp(z) / (1 + np.exp(z)), raises=FloatingPointError),
        Mistake("clipped", "clipping z changes the answer for large |z| only slightly, but it "
                           "does change it; split by the sign of z instead.",
                lambda z: 1 / (1 + np.exp(-np.clip(z, -20, 20)))),
    ],
    hints=["Both forms are σ(z): 1/(1 + e^(−z)) and e^z/(1 + e^z).",
           "Pick, for each entry, the form whose exponent is ≤ 0 (a boolean mask z >= 0)."],
)


# --- 3. finding dead ReLUs --------------------------------------------------------------------
def dead_units_solution(Z):
    """Z (n, h) pre-activations of one ReLU layer -> bool (h,): True where a unit never fires.

    A unit is dead when relu(z) = 0 for every sample, i.e. z ≤ 0 in the whole column.
    """
    return np.all(Z <= 0, axis=0)


def _dead_cases(rng):
    cases = []
    for n, h in ((6, 5), (8, 4)):
        Z = rng.normal(size=(n, h))
        Z[:, 0] = -np.abs(Z[:, 0])                 # dead
        Z[:, 1] = -np.abs(Z[:, 1])
        Z[0, 1] = 0.0                               # dead too: relu(0) = 0
        Z[:, 2] = -np.abs(Z[:, 2])
        Z[1, 2] = 0.5                               # fires once: alive
        Z[:, 3] = np.abs(Z[:, 3]) + 0.1             # alive
        Z[2, 3] = -1.0                              # ... with one silent sample
        cases.append((Z,))
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
    ],
    hints=["A unit is a column of Z.", "Dead: relu(z) = 0 for all samples, i.e. np.all(Z <= 0, axis=...)."],
)

EXERCISES = [silu_grad, gelu_grad, stable_sigmoid, dead_units]
