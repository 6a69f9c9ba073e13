"""The experiments behind chapters 4 (activations) and 5 (regularization).

Each function trains or measures something and returns numbers; the pictures that draw
them live in :mod:`nnlib.viz.chapter_plots_45`, the sliders in
:mod:`nnlib.widgets.chapter_widgets_45`.  The chapters call these so that a notebook cell
stays one line of set-up and one of output, and so that ``tests/test_claims_ch04_ch05.py``
can re-run exactly what a chapter runs and check the claims its text makes.

Training
    :func:`train_run` — one network on a :class:`~nnlib.datasets.Dataset`, returns a
    :class:`Run` (the setting, the trained net, its History).
    :func:`sweep` — one run per value of one setting (λ, p, the activation, the learning
    rate, …): the precomputed grid a slider picks from.
    :func:`train_counting_dead_units` — a ReLU network, with its dead units counted after
    every epoch.

Measurements
    :func:`collapse_linear` — the single (W, b) that a stack of linear layers equals.
    :func:`dead_unit_counts`, :func:`weights`, :func:`count_near_zero`,
    :func:`hidden_activations`, :func:`dropout_ensemble`.

Tables
    :func:`activation_table` — formula, range, gradient behaviour (the last two computed)
    and typical use of each activation; :func:`markdown_table` renders a list of dicts.

The settings the chapters use are the dicts ``CH4_*`` and ``CH5_*`` below: one place,
shared by the chapter and by its tests.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, check_choice, check_float, check_int, check_rng
from .activations import HIDDEN_ACTIVATIONS, get_activation
from .diagnostics import activation_minimum
from .network import MLP
from .optimizers import SGD, Adam, Momentum
from .training import History, train

__all__ = ["Run", "OPTIMIZERS", "train_run", "sweep", "final_losses", "collapse_linear",
           "dead_unit_counts", "train_counting_dead_units", "weights", "count_near_zero",
           "hidden_activations", "dropout_ensemble", "activation_table", "markdown_table",
           "ACTIVATION_NOTES", "TABLE_ORDER", "CH4_NONLINEAR", "CH4_RACE", "CH4_DEAD",
           "CH5_DATA", "CH5_OVERFIT", "CH5_LAMBDAS", "CH5_DROPOUT", "CH5_NEAR_ZERO", "CH5_HIGH_LR"]

#: Optimizers by name; ``lr`` is passed to the constructor.
OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


class Run(NamedTuple):
    """One training: the swept ``value`` (or None), the trained ``net`` and its ``history``."""

    value: object
    net: MLP
    history: History


# --- training ---------------------------------------------------------------------------

def train_run(data, *, sizes, activation="relu", head="sigmoid", init="he_normal", init_std=0.01,
              dropout=0.0, norm=None, optimizer="momentum", lr=0.1, epochs=100, batch_size=32,
              l2=0.0, l1=0.0, seed=0, callback=None, value=None) -> Run:
    """Build ``MLP(sizes, activation, head, init, dropout, norm, seed)`` and train it on ``data``.

    ``data`` is a :class:`~nnlib.datasets.Dataset` (X_train, y_train, X_val, y_val).
    ``optimizer`` is ``"sgd"``, ``"momentum"`` or ``"adam"`` with learning rate ``lr``;
    ``l2``, ``l1`` are the penalty strengths λ of :func:`nnlib.training.train`, and ``seed``
    draws both the initial weights and the batch order / dropout masks, so a run is
    reproducible.  ``callback(net, epoch, history)`` runs once before training (epoch 0, empty
    history) and after every epoch.  Returns a
    :class:`Run` whose ``value`` is ``value``.
    """
    net = MLP(sizes, activation=activation, head=head, init=init, init_std=init_std,
              dropout=dropout, norm=norm, seed=seed)
    if callback is not None:
        callback(net, 0, History())
    optimizer = OPTIMIZERS[check_choice(optimizer, "optimizer", OPTIMIZERS)](lr)
    history = train(net, data.X_train, data.y_train, data.X_val, data.y_val, optimizer=optimizer,
                    epochs=epochs, batch_size=batch_size, l2=l2, l1=l1, seed=seed,
                    callback=None if callback is None else (lambda e, h: callback(net, e, h)))
    return Run(value, net, history)


def sweep(data, name: str, values, **settings) -> list:
    """One :func:`train_run` per value of the setting ``name``; every other setting fixed.

    ``sweep(data, "l2", [0, 1e-3, 1e-2], sizes=[2, 32, 1])`` trains three networks that
    differ only in λ (same initial weights, same batch order).  ``name`` is any keyword of
    :func:`train_run` (``"l2"``, ``"l1"``, ``"dropout"``, ``"activation"``, ``"lr"``, ``"norm"`` …).
    Returns a list of :class:`Run`, in the order of ``values``.
    """
    if not isinstance(name, str) or name in ("data", "value", "callback"):
        raise ValueError(f"name must be a setting of train_run such as 'l2', got {name!r}")
    if name in settings:
        raise ValueError(f"{name!r} is swept, so it cannot also be fixed in settings")
    values = list(values)
    if not values:
        raise ValueError("values must list at least one setting, got an empty list")
    return [train_run(data, **{name: v}, value=v, **settings) for v in values]


def final_losses(runs) -> tuple:
    """``(train, val)``: arrays (len(runs),) of each run's last training and validation loss."""
    return (np.array([r.history.train_loss[-1] for r in runs]),
            np.array([r.history.val_loss[-1] for r in runs]))


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


# --- weights and activations -----------------------------------------------------------

def weights(net) -> np.ndarray:
    """Every weight of ``net`` (the ``W…`` entries, not biases, γ or β) as one flat array."""
    return np.concatenate([v.ravel() for k, v in net.params.items() if k.startswith("W")])


def count_near_zero(net, tol: float = 1e-2) -> int:
    """How many weights have |w| < ``tol``."""
    tol = check_float(tol, "tol", low=0.0, low_inclusive=False)
    return int(np.sum(np.abs(weights(net)) < tol))


def hidden_activations(net, X, train: bool = False, seed=0) -> list:
    """The hidden layers' outputs a^(1) … a^(L−1) for the batch X: a list of (n, h_l) arrays.

    ``train=True`` normalises with the batch's own statistics (batch norm) and applies
    dropout (masks drawn from ``seed``); ``train=False`` is evaluation mode.  Note that a
    training-mode forward pass also updates batch norm's running statistics.
    """
    X = as_float_array(X, "X", ndim=2).astype(net.dtype, copy=False)
    _, cache = net.forward(X, train=train, rng=check_rng(seed, "seed"))
    return [a for a in cache.a[1:-1]]


def dropout_ensemble(net, X, n_masks: int = 200, seed=0) -> tuple:
    """Predictions of ``n_masks`` random thinned networks, and of the evaluation network.

    Each training-mode forward pass drops a different random set of units: a different
    "thinned" sub-network.  Returns ``(p_masks, p_eval)``: p_masks (n_masks, n, k) the
    thinned networks' outputs, p_eval (n, k) the evaluation-mode output (no dropout).
    Their mean over masks, ``p_masks.mean(axis=0)``, is the ensemble's prediction.
    """
    n_masks = check_int(n_masks, "n_masks")
    X = as_float_array(X, "X", ndim=2).astype(net.dtype, copy=False)
    rng = check_rng(seed, "seed")
    # Only dropout is random here; batch norm in training mode would also change its
    # running statistics, so networks with norm="batch" are refused.
    if net.norm == "batch":
        raise ValueError("dropout_ensemble needs a network without batch norm (training mode "
                         "would update its running statistics)")
    p_masks = np.stack([net.forward(X, train=True, rng=rng)[0] for _ in range(n_masks)])
    return p_masks, net.predict(X)


# --- the activation table -----------------------------------------------------------------

#: The formula and typical use of each activation (the rest of the table is computed).
ACTIVATION_NOTES = {
    "relu": (r"$\max(0, z)$", "hidden layers of most CNNs and MLPs"),
    "gelu": (r"$z\,\Phi(z)$", "transformers such as GPT and BERT"),
    "silu": (r"$z\,\mathrm{sigmoid}(z)$", "EfficientNet; LLaMA (inside its SwiGLU feed-forward)"),
    "sigmoid": (r"$1/(1+e^{-z})$", "binary outputs (a probability); gates"),
    "tanh": (r"$\tanh z$", "RNNs (LSTM and GRU states)"),
    "identity": (r"$z$", "regression outputs; no use in a hidden layer"),
}


#: The order of the chapters' table: the modern defaults first.
TABLE_ORDER = ("relu", "gelu", "silu", "sigmoid", "tanh", "identity")


def activation_table(names=TABLE_ORDER, far: float = 30.0) -> list:
    """One dict per activation: ``name, formula, range, gradient, use``, plus the numbers.

    Computed, not typed:

    * the **range**: the lower end is the activation's minimum at a finite z if it has one
      (:func:`nnlib.diagnostics.activation_minimum`: GELU ≈ −0.170, SiLU ≈ −0.278), else its
      value far to the left, σ(−∞) ≈ σ(−1000); it is *reached* (``[``) if σ takes it at some
      z in [−10, 10], else only approached (``(``) — the search stops at ±10 because float64
      rounds e.g. tanh(20) to exactly 1.  The upper end likewise from σ(+1000); values
      beyond ±far/2 count as ±∞.
    * the **gradient** behaviour from σ′ on a grid over [−far, far]: only the values 0 and 1
      ("0 or 1"), ≈ 0 at both ends ("saturating"), or otherwise "smooth", with its extremes.

    Extra keys: ``min_z``, ``min_value`` (None without a finite minimum), ``low``, ``high``,
    ``dmin``, ``dmax`` (extremes of σ′ on the grid).
    """
    far = check_float(far, "far", low=1.0)
    rows = []
    z = np.linspace(-far, far, 60001)                  # step 0.001, includes 0
    for name in names:
        act = get_activation(check_choice(name, "names", HIDDEN_ACTIVATIONS))
        f, df = act.f(z), act.df(z)
        minimum = activation_minimum(name)
        tails = act.f(np.array([-1000.0, 1000.0]))
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
        formula, use = ACTIVATION_NOTES[name]
        rows.append({"name": name, "formula": formula, "range": interval,
                     "gradient": _gradient_behaviour(df),
                     "use": use, "min_z": None if minimum is None else minimum.z,
                     "min_value": None if minimum is None else minimum.f, "low": low,
                     "high": high, "dmin": float(df.min()), "dmax": float(df.max())})
    return rows


def _gradient_behaviour(df) -> str:
    values = np.unique(df)
    if np.all(np.isin(values, [0.0, 1.0])):
        return "1 everywhere: δ passes unchanged" if values.size == 1 else \
            "0 or 1: a switch (0 for z < 0)"
    if abs(df[0]) < 1e-6 and abs(df[-1]) < 1e-6:
        return f"saturating: σ′ ≤ {df.max():.2f}, → 0 for large |z|"
    return (f"smooth: σ′ from {df.min():.2f} to {df.max():.2f}; → 0 as z → −∞, "
            f"→ 1 as z → ∞").replace("-", "−")


def markdown_table(rows, columns=None, headers=None) -> str:
    """A Markdown table of ``rows`` (a list of dicts): one line per row, one column per key.

    ``columns`` chooses and orders the keys (default: the first row's keys); ``headers``
    renames them.  Numbers are shown with ``format(v, ".3g")``; ``|`` in text and headers is
    escaped with a backslash, so a header such as "max |w|" does not break the table.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows must hold at least one dict, got none")
    columns = list(rows[0]) if columns is None else list(columns)
    headers = columns if headers is None else list(headers)
    if len(headers) != len(columns):
        raise ValueError(f"headers must name each of the {len(columns)} columns, got {len(headers)}")

    def cell(v):
        if isinstance(v, (float, np.floating)):
            return format(float(v), ".3g").replace("-", "−")
        return str(v).replace("|", r"\|")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


# --- the settings the chapters use ---------------------------------------------------------
# Sizes are chosen so that every matrix product of training stays below roughly 3·10⁵
# multiply-adds (rows × inputs × units, e.g. 270 × 32 × 32): above that OpenBLAS starts
# threads, and on a busy 2-core machine that made a training run ten times slower.

#: Chapter 4, "why non-linearity": the same 2-16-16-1 network with and without ReLU.
CH4_NONLINEAR = dict(data=dict(name="circles", n=400, noise=0.1, val_fraction=0.25, seed=0),
                     train=dict(sizes=[2, 16, 16, 1], optimizer="momentum", lr=0.1, epochs=60,
                                batch_size=32, seed=0))
#: Chapter 4, the same network with each activation on two spirals.
CH4_RACE = dict(data=dict(name="spirals", n=300, noise=0.05, val_fraction=0.25, seed=0),
                train=dict(sizes=[2, 32, 32, 1], optimizer="momentum", lr=0.1, epochs=80,
                           batch_size=64, seed=0))
#: Chapter 4, dead ReLUs: three hidden layers, plain SGD at a sane and a too-high rate.
CH4_DEAD = dict(data=CH4_RACE["data"],
                train=dict(sizes=[2, 32, 32, 32, 1], activation="relu", optimizer="sgd",
                           epochs=60, batch_size=32, seed=0),
                lrs=(0.1, 2.0))
#: Chapter 5: a small noisy training set (90 points) and a larger validation set (270).
CH5_DATA = dict(name="moons", n=360, noise=0.3, val_fraction=0.75, seed=0)
#: Chapter 5: a network far larger than 90 points need, trained long (full batch).
CH5_OVERFIT = dict(sizes=[2, 32, 32, 1], activation="tanh", optimizer="momentum", lr=0.2,
                   epochs=150, batch_size=90, seed=0)
#: Chapter 5: the penalty strengths λ and drop probabilities p the sliders choose from.
CH5_LAMBDAS = (0.0, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
CH5_DROPOUT = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7)
#: Chapter 5: |w| below this counts as a near-zero weight.
CH5_NEAR_ZERO = 1e-2
#: Chapter 5, batch norm at a high learning rate (the dead-unit set-up of chapter 4).
CH5_HIGH_LR = dict(data=CH4_RACE["data"],
                   train=dict(sizes=[2, 32, 32, 32, 1], activation="relu", optimizer="sgd",
                              lr=2.0, epochs=60, batch_size=32, seed=0))
