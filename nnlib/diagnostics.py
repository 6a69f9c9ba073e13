"""Numbers behind the chapters' explorers: gradient norms per layer, activation minima and
saturation, and a one-hidden-layer fit of a 1-D function.

Everything here is maths and returns arrays or small tuples; the pictures that draw them
live in :mod:`nnlib.viz` (``gradients``, ``activation_plots``, ``approximation``).

* :func:`gradient_norms_by_layer` — ‖dW^(l)‖_F for every layer of a deep MLP, at
  initialisation and after a few gradient steps (the vanishing/exploding-gradient picture).
* :func:`activation_minimum` — where an activation has a minimum at a finite z (GELU, SiLU).
* :func:`saturation_regions` — the z-intervals where |σ′(z)| is below a threshold, i.e. where
  a neuron passes almost no gradient back.
* :func:`fit_one_hidden_layer` / :func:`neuron_contributions` — the universal-approximation
  explorer: N hidden neurons, output layer solved by least squares, and each neuron's share.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
from scipy import linalg, optimize

from ._checks import as_float_array, check_choice, check_float, check_int, check_rng
from .activations import HIDDEN_ACTIVATIONS, get_activation
from .datasets import REGRESSION, make_moons, true_function
from .initializers import ALIASES, INITIALIZERS
from .losses import loss_and_delta
from .network import MLP
from .optimizers import SGD

__all__ = ["gradient_norms_by_layer", "ActivationMinimum", "activation_minimum",
           "saturation_regions", "fit_one_hidden_layer", "neuron_contributions",
           "target_function", "probability_grid"]


# --- vanishing and exploding gradients ------------------------------------------------------

def gradient_norms_by_layer(depth=8, activation="sigmoid", init="xavier_normal", residual=False,
                            norm=None, steps=5, seed=0, *, width=16, n=128, lr=0.1) -> dict:
    """Per-layer gradient norms ‖dW^(l)‖_F of a deep MLP, at initialisation and after training.

    The network is ``MLP([2] + [width] * depth + [1], activation, head="sigmoid", init, norm,
    residual)`` on ``n`` points of the two-moons data set (binary cross-entropy), so it has
    L = depth + 1 weight matrices.  For one full batch X (n, 2) it runs

        out, cache = net.forward(X, train=True)
        L, delta_L = loss_and_delta("bce", z^(L), y)
        grads      = net.backward(delta_L, cache)
        norms[l-1] = ‖dW^(l)‖_F  (= grads.layer_norms()[l-1]),   l = 1 … L

    once at initialisation and once after ``steps`` full-batch SGD steps W ← W − lr·dW.
    In a plain deep sigmoid network the δ recursion δ^(l) = (δ^(l+1) @ W^(l+1)) ⊙ σ′(z^(l))
    multiplies by σ′ ≤ 1/4 at every layer, so the norms fall geometrically towards layer 1;
    residual connections and batch normalisation keep them level.

    Parameters
    ----------
    depth : int ≥ 1, number of hidden layers.
    activation, init : hidden activation and weight initialiser (names as in MLP).
    residual : bool, skip connections around hidden layers of equal width.
    norm : None, "batch" or "layer".
    steps : int ≥ 0, SGD steps between the two measurements (0: initialisation only).
    seed : int, draws the data and the initial weights.
    width, n, lr : hidden width, number of points, SGD learning rate.

    Returns
    -------
    dict label -> array (L,) of norms: ``"at initialization"`` and, for steps > 0,
    ``"after {steps} SGD steps"``.  If a step makes the loss or the gradients non-finite
    (an exploding network), stepping stops there; the label then reads
    ``"after {k} SGD steps (step {k+1} diverged)"`` and the array is the last finite one.
    Entries can be exactly 0 (e.g. ``init="zeros"``); a log-scale plot must floor them.
    Raises ``ValueError`` if the loss or a gradient norm is already non-finite at
    initialisation.
    """
    depth = check_int(depth, "depth", minimum=1)
    activation = check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    init = check_choice(init, "init", list(INITIALIZERS) + list(ALIASES))
    if not isinstance(residual, (bool, np.bool_)):
        raise TypeError(f"residual must be True or False, got {residual!r}")
    if norm not in (None, "batch", "layer"):
        raise ValueError(f"unknown norm {norm!r}; expected one of [None, 'batch', 'layer']")
    steps = check_int(steps, "steps", minimum=0)
    width = check_int(width, "width")
    n = check_int(n, "n", minimum=2)
    lr = check_float(lr, "lr", low=0.0, low_inclusive=False)
    rng = check_rng(seed, "seed")

    X, y = make_moons(n, 0.1, rng)
    net = MLP([2] + [width] * depth + [1], activation=activation, head="sigmoid", init=init,
              norm=norm, residual=bool(residual), seed=rng)
    optimizer = SGD(lr)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        grads = _full_batch_gradients(net, X, y)
        if grads is None:
            raise ValueError(f"the loss or its gradients are not finite at initialisation "
                             f"(depth={depth}, activation={activation!r}, init={init!r})")
        result = {"at initialization": grads.layer_norms()}
        if steps == 0:
            return result
        done, last = 0, grads
        for _ in range(steps):
            optimizer.step(net.params, last)
            new = _full_batch_gradients(net, X, y)
            if new is None:
                break
            done, last = done + 1, new
        label = f"after {done} SGD steps"
        if done < steps:
            label += f" (step {done + 1} diverged)"
        result[label] = last.layer_norms()
    return result


def _full_batch_gradients(net, X, y):
    """Gradients of the BCE loss on (X, y), or None when anything is non-finite."""
    try:
        _, cache = net.forward(X, train=True)
    except ValueError:        # nnlib refuses a non-finite activation input
        return None
    if not np.all(np.isfinite(cache.z[-1])):
        return None
    L, delta_L = loss_and_delta(net.loss_name, cache.z[-1], y)
    if not np.isfinite(L):
        return None
    grads = net.backward(delta_L, cache)
    # A norm can overflow even when every entry is finite (‖g‖² > 1.8e308).
    if not (all(np.all(np.isfinite(g)) for g in grads.values())
            and np.all(np.isfinite(grads.layer_norms()))):
        return None
    return grads


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
    act = get_activation(check_choice(name, "name", HIDDEN_ACTIVATIONS))
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
    act = get_activation(check_choice(name, "name", HIDDEN_ACTIVATIONS))
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


# --- universal approximation ---------------------------------------------------------------

def target_function(target) -> Callable[[np.ndarray], np.ndarray]:
    """A 1-D target f: a name from :data:`nnlib.datasets.REGRESSION` or a callable."""
    if callable(target):
        return target
    return true_function(check_choice(target, "target", REGRESSION))


def fit_one_hidden_layer(target, n_hidden, activation="relu", seed=0, *, n_points=256) -> MLP:
    """A 1 → N → 1 network that approximates the target f on [−1, 1].

    How.  The hidden layer is *placed*, not learned: neuron j gets a "kink" or "step" at
    c_j, with c_j spread evenly over [−1, 1] (cell centres, jittered by up to ¼ of the
    spacing), and

        z_j(x) = w_j (x − c_j),   w_j = ±s  (random sign),   s = N   (steeper with more neurons)
        W1[j, 0] = w_j,           b1[j] = −w_j c_j

    so each σ(z_j) bends near its own c_j: a ReLU turns on there, a sigmoid or tanh steps
    there over a width ~ 2/N, the spacing of the c_j.  The output layer ŷ(x) = Σ_j W2_j σ(z_j(x)) + b2
    is then solved exactly by linear least squares on ``n_points`` x-values: with the hidden
    layer fixed, ŷ is linear in (W2, b2), so this is a convex problem whose best answer a
    pivoted QR factorisation finds in about a millisecond (``scipy.linalg.lstsq`` with
    LAPACK's gelsy; the SVD route of ``np.linalg.lstsq`` gives the same answer but runs
    multi-threaded and can be a hundred times slower on a busy two-core machine).  When
    features coincide (e.g. ``activation="identity"``: every neuron is a line) the
    minimum-norm solution is returned.

    Why this and not gradient descent.  The universal approximation theorem is an
    *existence* statement: for enough neurons, weights exist that bring ŷ within ε of f.
    This fit shows such weights directly (for this particular way of placing the hidden
    neurons), fast enough to follow a slider.  Whether gradient descent would *find* them
    from a random start — learnability — is a different question, the subject of the
    training chapters.

    Parameters
    ----------
    target : "sine", "step", "abs", "bumpy" (see :mod:`nnlib.datasets`) or a callable f(x).
    n_hidden : int ≥ 1, the number of hidden neurons N.
    activation : hidden activation (relu, sigmoid, tanh, gelu, silu, identity).
    seed : int, draws the signs and the jitter.
    n_points : int, number of x-values in [−1, 1] the least-squares fit uses.

    Returns an :class:`~nnlib.network.MLP` ``[1, N, 1]`` with identity head whose params are set.
    """
    f = target_function(target)
    n_hidden = check_int(n_hidden, "n_hidden")
    activation = check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    n_points = check_int(n_points, "n_points", minimum=2)
    rng = check_rng(seed, "seed")

    spacing = 2.0 / n_hidden
    c = -1.0 + spacing * (np.arange(n_hidden) + 0.5)                        # (N,) centres
    c = c + rng.uniform(-0.25, 0.25, n_hidden) * spacing
    w = rng.choice([-1.0, 1.0], size=n_hidden) * float(n_hidden)            # (N,)
    W1, b1 = w[:, None], -w * c                                             # (N, 1), (N,)

    x = np.linspace(-1.0, 1.0, n_points)[:, None]                            # (m, 1)
    y = as_float_array(f(x), "target(x)").reshape(n_points)                  # (m,)
    a = get_activation(activation).f(x @ W1.T + b1)                          # (m, N)
    features = np.column_stack([a, np.ones(n_points)])                       # (m, N + 1)
    # Singular values below eps·max(m, N+1) of the largest count as zero, as in NumPy: with
    # coinciding features (identity neurons) scipy's default cut-off (eps) would keep
    # rounding noise and return huge, cancelling weights instead of the minimum-norm answer.
    cond = np.finfo(float).eps * max(features.shape)
    coef = linalg.lstsq(features, y, cond=cond, lapack_driver="gelsy")[0]   # (N + 1,)

    net = MLP([1, n_hidden, 1], activation=activation, head="identity", seed=0)
    net.set_params({"W1": W1, "b1": b1, "W2": coef[None, :-1], "b2": coef[-1:]})
    return net


def neuron_contributions(net, x):
    """Each hidden neuron's share of a 1 → N → 1 network's output.

    For x (m,) or (m, 1):  a_j = σ(z_j(x)) and the output is ŷ = Σ_j W2_j a_j + b2.
    Returns ``(contributions, b2)`` with contributions (m, N) = W2_j · a_j(x), so that
    ``contributions.sum(axis=1) + b2`` equals ``net.predict(x)``.
    """
    if not isinstance(net, MLP) or len(net.sizes) != 3 or net.sizes[0] != 1 or net.sizes[2] != 1:
        raise ValueError(f"net must be an MLP with sizes [1, N, 1], got "
                         f"{getattr(net, 'sizes', type(net).__name__)}")
    x = as_float_array(x, "x", ndim=(1, 2)).reshape(-1, 1).astype(net.dtype, copy=False)
    _, cache = net.forward(x)
    a = cache.a[1]                                                           # (m, N)
    return a * net.params["W2"][0], float(net.params["b2"][0])


# --- decision boundaries -------------------------------------------------------------------

def probability_grid(net, xlim, ylim, m: int = 60):
    """The network's P(class 1) on an m × m grid over ``xlim`` × ``ylim``.

    ``net`` is a 2-input MLP with a sigmoid head (one output) or a softmax head (then the
    probability of class 1 is ``out[:, 1]``).  Evaluated in evaluation mode
    (``net.predict``).  Returns ``(xx, yy, p)``, each (m, m), with ``p[i, j]`` the
    probability at the point ``(xx[i, j], yy[i, j])``; the decision boundary is p = 0.5.
    """
    if getattr(net, "sizes", [None])[0] != 2:
        raise ValueError(f"net must take 2 inputs, got sizes {getattr(net, 'sizes', None)}")
    m = check_int(m, "m", minimum=2)
    (x0, x1), (y0, y1) = [tuple(check_float(v, name) for v in lim)
                          for lim, name in ((xlim, "xlim"), (ylim, "ylim"))]
    xx, yy = np.meshgrid(np.linspace(x0, x1, m), np.linspace(y0, y1, m))   # (m, m) each
    points = np.column_stack([xx.ravel(), yy.ravel()]).astype(net.dtype)    # (m², 2)
    out = net.predict(points)                                               # (m², k)
    p = out[:, 0] if out.shape[1] == 1 else out[:, 1]
    return xx, yy, p.reshape(m, m)
