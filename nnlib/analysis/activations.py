"""Numbers about activation functions: where σ has a minimum, where it saturates, the
activation table of chapter 4, dead ReLU units and the collapse of a linear stack.

* :func:`activation_minimum` — where an activation has a minimum at a finite z (GELU, SiLU).
* :func:`saturation_regions` — the z-intervals where |σ′(z)| is below a threshold.
* :func:`activation_table` — formula, range, gradient behaviour (computed) and typical use
  (from the registry, :data:`nnlib.activations.ACTIVATIONS`) of each activation.
* :func:`collapse_linear` — the single (W, b) that a stack of linear layers equals.
* :func:`dead_unit_counts`, :func:`train_counting_dead_units` — ReLU units that never fire.
* :func:`recommended_init`, :func:`activation_grid`, :func:`activation_grid_rows` — the race
  of chapter 4: each activation with its own initialisation, over initialisers × learning rates.
* :func:`same_sign_fraction` — units whose incoming-weight gradients all share one sign.

The pictures are in :mod:`nnlib.viz.activations`, the widgets in :mod:`nnlib.widgets.activations`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import optimize

from .._checks import as_float_array, check_choice, check_float
from ..activations import get_activation, hidden_activations
from ..network import MLP
from .training import train_run

# --- activations: minimum and saturation ---------------------------------------------------

class ActivationMinimum(NamedTuple):
    """The point (z, σ(z)) where an activation is smallest."""

    z: float
    f: float


def activation_minimum(name: str, lo: float = -10.0, hi: float = 10.0):
    """The minimum of the activation ``name`` at a finite z, or ``None`` if it has none.

    A minimum is a point where σ′ changes sign from − to +.  σ′ is sampled on a grid of
    step 0.01 over [lo, hi]; each sign change is refined with Brent's method on σ′(z) = 0
    (scipy.optimize.brentq, to 1e-12), and the lowest such point is returned.
    GELU (z·Φ(z)) has its minimum ≈ −0.170 at z ≈ −0.752 and SiLU (z·sigmoid(z))
    ≈ −0.278 at z ≈ −1.278.  Monotone activations (sigmoid, tanh, identity) have none;
    ReLU is flat on z ≤ 0 (σ′ = 0, never negative), so it has no isolated minimum either.
    """
    act = get_activation(check_choice(name, "name", hidden_activations()))
    lo = check_float(lo, "lo")
    hi = check_float(hi, "hi")
    if hi <= lo:
        raise ValueError(f"hi must be greater than lo, got lo={lo}, hi={hi}")
    z = np.linspace(lo, hi, int(round((hi - lo) / 0.01)) + 1)
    df = act.df(z)
    best = None
    for i in np.flatnonzero((df[:-1] < 0) & (df[1:] >= 0)):
        z_star = optimize.brentq(lambda t: float(act.df(np.array(t))), z[i], z[i + 1], xtol=1e-12)
        f_star = float(act.f(np.array(z_star)))
        if best is None or f_star < best.f:
            best = ActivationMinimum(float(z_star), f_star)
    return best


def saturation_regions(name: str, lo: float, hi: float, threshold: float = 0.05) -> list:
    """The intervals of [lo, hi] where |σ′(z)| < ``threshold``, as a list of (start, end).

    There the neuron is *saturated*: whatever arrives from above, δ = da ⊙ σ′(z) is almost
    zero.  Sigmoid saturates for |z| ≳ 3.7 (threshold 0.05), tanh for |z| ≳ 2.2, ReLU on the
    whole of z < 0 (σ′ = 0: a "dead" region).  The ends of each interval are found on a grid
    of 4001 points and refined with brentq on |σ′(z)| − threshold.
    """
    act = get_activation(check_choice(name, "name", hidden_activations()))
    lo = check_float(lo, "lo")
    hi = check_float(hi, "hi")
    if hi <= lo:
        raise ValueError(f"hi must be greater than lo, got lo={lo}, hi={hi}")
    threshold = check_float(threshold, "threshold", low=0.0, low_inclusive=False)
    z = np.linspace(lo, hi, 4001)

    def excess(t):
        return float(np.abs(act.df(np.array(t)))) - threshold

    inside = np.abs(act.df(z)) < threshold                       # (4001,) bool
    edges = np.flatnonzero(inside[1:] != inside[:-1])            # a change between i and i+1
    cuts = [optimize.brentq(excess, z[i], z[i + 1], xtol=1e-9)
            if np.sign(excess(z[i])) != np.sign(excess(z[i + 1])) else 0.5 * (z[i] + z[i + 1])
            for i in edges]
    bounds = [lo] + cuts + [hi]
    regions, state = [], bool(inside[0])
    for start, end in zip(bounds[:-1], bounds[1:]):
        if state:
            regions.append((float(start), float(end)))
        state = not state
    return regions


# --- why non-linearity ------------------------------------------------------------------

def collapse_linear(net) -> tuple:
    """The one linear layer (W, b) that a network with no non-linearity equals.

    For identity activations and head, layer after layer z^(l) = z^(l-1) W^(l)ᵀ + b^(l), so

        z^(L) = X (W^(L) ⋯ W^(1))ᵀ + b,   b = Σ_l b^(l) (W^(L) ⋯ W^(l+1))ᵀ

    Returns W (k, d) and b (k,), with ``X @ W.T + b == net.predict(X)`` up to rounding.
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an nnlib.network.MLP, got {type(net).__name__}")
    if net.activation != "identity" or net.head != "identity" or net.norm or net.residual:
        raise ValueError("collapse_linear needs a purely linear network (activation='identity', "
                         f"head='identity', no norm, no residual), got {net!r}")
    W = np.eye(net.sizes[0], dtype=net.dtype)           # (d, d): the product so far
    b = np.zeros(net.sizes[0], dtype=net.dtype)         # (d,)
    for l in range(1, net.L + 1):
        W_l, b_l = net.params[f"W{l}"], net.params[f"b{l}"]
        W = W_l @ W                                      # (h_l, d)
        b = b @ W_l.T + b_l                              # (h_l,)
    return W, b


# --- dead ReLU units --------------------------------------------------------------------

def dead_unit_counts(net, X) -> np.ndarray:
    """For each hidden layer, how many units output 0 for every row of X (evaluation mode).

    A ReLU unit with z ≤ 0 on every input outputs 0 and has σ′(z) = 0, so no gradient ever
    reaches its incoming weights: it is *dead* on this data.  Returns an int array (L − 1,).
    """
    X = as_float_array(X, "X", ndim=2)
    _, cache = net.forward(X.astype(net.dtype, copy=False))
    return np.array([int(np.sum(np.all(a == 0, axis=0))) for a in cache.a[1:-1]])


def train_counting_dead_units(data, **settings) -> tuple:
    """:func:`train_run` with the dead units of every hidden layer counted on X_train.

    Returns ``(run, counts)`` with counts an int array (epochs_run + 1, L − 1): row 0 at
    initialisation, row e after epoch e.
    """
    rows = []

    def count(net, epoch, history):
        rows.append(dead_unit_counts(net, data.X_train))

    run = train_run(data, callback=count, **settings)
    return run, np.array(rows)


# --- the activation table -----------------------------------------------------------------

def activation_table(names=None, far: float = 30.0) -> list:
    """One dict per activation: ``name, formula, range, gradient, use``, plus the numbers.

    Computed, not typed:

    * the **range**: the lower end is the activation's minimum at a finite z if it has one
      (:func:`nnlib.analysis.activations.activation_minimum`: GELU ≈ −0.170, SiLU ≈ −0.278), else its
      value far to the left, σ(−∞) ≈ σ(−10⁶); it is *reached* (``[``) if σ takes it at some
      z in [−10, 10], else only approached (``(``) — the search stops at ±10 because float64
      rounds e.g. tanh(20) to exactly 1.  The upper end likewise from σ(+10⁶); values
      beyond ±far/2 count as ±∞.
    * the **gradient** behaviour from σ′ on a grid over [−far, far]: only the values 0 and 1
      ("0 or 1"), ≈ 0 at both ends ("saturating"), or otherwise "smooth", with its extremes.

    Extra keys: ``min_z``, ``min_value`` (None without a finite minimum), ``low``, ``high``,
    ``dmin``, ``dmax`` (extremes of σ′ on the grid).
    """
    far = check_float(far, "far", low=1.0)
    names = hidden_activations() if names is None else names
    rows = []
    z = np.linspace(-far, far, 60001)                  # step 0.001, includes 0
    for name in names:
        act = get_activation(check_choice(name, "names", hidden_activations()))
        f, df = act.f(z), act.df(z)
        minimum = activation_minimum(name)
        tails = act.f(np.array([-1e6, 1e6]))           # far enough for leaky ReLU's 0.01 z
        low = minimum.f if minimum is not None else float(tails[0])
        high = float(tails[1])
        low_text = "−∞" if low < -far / 2 else f"{low:.3f}".replace("-", "−")
        high_text = "∞" if high > far / 2 else f"{high:.3f}".replace("-", "−")
        near = np.abs(z) <= 10
        low_reached = minimum is not None or bool(np.any(f[near] == low))
        high_reached = bool(np.any(f[near] == high)) and high_text != "∞"
        interval = (("[" if low_reached else "(") + low_text.replace("0.000", "0")
                    .replace("−1.000", "−1") + ", " + high_text.replace("1.000", "1")
                    + ("]" if high_reached else ")"))
        formula, use = act.formula, act.use
        rows.append({"name": name, "formula": formula, "range": interval,
                     "gradient": _gradient_behaviour(df),
                     "use": use, "min_z": None if minimum is None else minimum.z,
                     "min_value": None if minimum is None else minimum.f, "low": low,
                     "high": high, "dmin": float(df.min()), "dmax": float(df.max())})
    return rows


def _gradient_behaviour(df) -> str:
    values = np.unique(df)
    if values.size == 1 and values[0] == 1.0:
        return "1 everywhere: δ passes unchanged"
    if values.size == 2 and values[1] == 1.0:           # ReLU (0 or 1), leaky ReLU (α or 1)
        return f"{values[0]:g} or 1: a switch ({values[0]:g} for z < 0)"
    if abs(df[0]) < 1e-6 and abs(df[-1]) < 1e-6:
        return f"saturating: σ′ ≤ {df.max():.2f}, → 0 for large |z|"
    return (f"smooth: σ′ from {df.min():.2f} to {df.max():.2f}; → 0 as z → −∞, "
            f"→ 1 as z → ∞").replace("-", "−")


# --- a fair comparison: each activation with its own initialisation -----------------------

#: The initialisation chapter 3 recommends for each activation: He (variance 2/fan_in) for
#: the ReLU family, which zeroes about half of its inputs; Xavier (2/(fan_in + fan_out)) for
#: the ones that are symmetric around 0 with slope about 1 there (tanh, and sigmoid).
_XAVIER_FAMILY = ("tanh", "sigmoid", "identity")


def recommended_init(name: str) -> str:
    """The initialiser the book recommends for the hidden activation ``name``.

    ``"xavier_normal"`` for tanh, sigmoid and identity, ``"he_normal"`` for the ReLU family
    (ReLU, leaky ReLU, GELU, SiLU and any other registered activation).
    """
    name = check_choice(name, "name", hidden_activations())
    return "xavier_normal" if name in _XAVIER_FAMILY else "he_normal"


def activation_grid(data, names, inits, lrs, **settings) -> dict:
    """One training per activation, initialisation and learning rate: the race and its grid.

    ``inits`` lists initialiser names or ``"recommended"`` (each activation with
    :func:`recommended_init`); ``lrs`` the learning rates.  Every other setting is the same
    for all (``settings`` of :func:`~nnlib.analysis.training.train_run`: sizes, optimizer,
    epochs, batch_size, seed …).  A combination that two entries share (``"recommended"``
    is He for ReLU) is trained once.  Returns ``{(init, lr): {name: Run}}``.
    """
    for key in ("activation", "init", "lr"):
        if key in settings:
            raise ValueError(f"{key!r} is swept by activation_grid, so it cannot also be fixed")
    names, inits, lrs = list(names), list(inits), [check_float(lr, "lrs", low=0.0) for lr in lrs]
    if not names or not inits or not lrs:
        raise ValueError(f"names, inits and lrs must each list at least one value, got "
                         f"{names}, {inits}, {lrs}")
    done = {}
    grid = {}
    for init in inits:
        for lr in lrs:
            row = {}
            for name in names:
                actual = recommended_init(name) if init == "recommended" else init
                key = (name, actual, lr)
                if key not in done:
                    done[key] = train_run(data, activation=name, init=actual, lr=lr,
                                          value=name, **settings)
                row[name] = done[key]
            grid[(init, lr)] = row
    return grid


def same_sign_fraction(dW) -> float:
    """The share of rows of ``dW`` (h_l, h_{l-1}) whose non-zero entries all have one sign.

    Row i holds the gradients of the weights into unit i.  For one sample they are
    δ_i a_j: if every a_j > 0 (sigmoid outputs), they all share the sign of δ_i, and the
    fraction is 1.  A batch averages δ_i a_j over its samples, whose δ_i differ in sign,
    so rows can mix signs.
    """
    dW = as_float_array(dW, "dW", ndim=2)
    signs = np.sign(dW)
    nonzero = signs != 0
    positive = np.all((signs > 0) | ~nonzero, axis=1)
    negative = np.all((signs < 0) | ~nonzero, axis=1)
    return float(np.mean(positive | negative))


def activation_grid_rows(grid, names, inits=("he_normal", "xavier_normal")) -> list:
    """The grid of :func:`activation_grid` as table rows: one per activation, one column
    per initialiser in ``inits`` and learning rate, each "final validation loss (accuracy)".
    """
    short = {"he_normal": "He", "xavier_normal": "Xavier"}
    lrs = sorted({lr for (_, lr) in grid})
    rows = []
    for name in names:
        row = {"activation": name, "book's init": short[recommended_init(name)]}
        for init in inits:
            for lr in lrs:
                h = grid[(init, lr)][name].history
                row[f"{short.get(init, init)}, η = {lr:g}"] = \
                    f"{h.val_loss[-1]:.3f} ({h.val_acc[-1]:.2f})"
        rows.append(row)
    return rows
