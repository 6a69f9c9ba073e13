"""Numbers of universal approximation: a least-squares fit of a 1 → N → 1 network to a 1-D
target, and the split of its output into the neurons' shares.

* :func:`target_function` — a target by name (see :data:`nnlib.datasets.REGRESSION`) or a callable.
* :func:`fit_one_hidden_layer` — random hidden layer, output layer solved by least squares.
* :func:`neuron_contributions` — W2_j · σ(z_j(x)), one column per hidden neuron.

The pictures are in :mod:`nnlib.viz.approximation`, the widget in :mod:`nnlib.widgets.approximation`.
"""

from __future__ import annotations

import functools
from typing import Callable

import numpy as np
from scipy import linalg

from .._checks import as_float_array, check_choice, check_int, check_rng
from ..activations import get_activation, hidden_activations
from ..datasets import REGRESSION, true_function
from ..network import MLP

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
    activation = check_choice(activation, "activation", hidden_activations())
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


#: The short, deterministic training :func:`train_one_hidden_layer` runs (full batch, Adam).
TRAIN_STEPS, TRAIN_LR = 400, 0.01


def train_one_hidden_layer(target, n_hidden, activation="relu", seed=0, *, n_points=256) -> MLP:
    """A 1 → N → 1 network *trained* on the target f: the learnability side of the theorem.

    The same x-values as :func:`fit_one_hidden_layer`, but the weights start random
    (``MLP([1, N, 1], activation, head="identity", seed=seed)``, nnlib's default He
    initialisation) and are found by ``TRAIN_STEPS`` full-batch Adam steps with learning rate
    ``TRAIN_LR`` on the squared error — a short, deterministic run (the same arguments always
    give the same network).  Results are cached per setting, so a widget that comes back to a
    setting shows it at once; the network returned is a fresh copy every time.
    """
    f = target_function(target)
    key_target = target if isinstance(target, str) else None
    n_hidden = check_int(n_hidden, "n_hidden")
    activation = check_choice(activation, "activation", hidden_activations())
    n_points = check_int(n_points, "n_points", minimum=2)
    seed = check_int(seed, "seed", minimum=0)
    if key_target is not None:
        params = _trained_params(key_target, n_hidden, activation, seed, n_points)
    else:
        params = _train(f, n_hidden, activation, seed, n_points)
    net = MLP([1, n_hidden, 1], activation=activation, head="identity", seed=0)
    net.set_params({k: v.copy() for k, v in params.items()})
    return net


@functools.lru_cache(maxsize=256)
def _trained_params(target, n_hidden, activation, seed, n_points):
    return _train(target_function(target), n_hidden, activation, seed, n_points)


def _train(f, n_hidden, activation, seed, n_points):
    """Full-batch Adam on (x, f(x)); returns the trained params."""
    from ..optimizers import Adam

    x = np.linspace(-1.0, 1.0, n_points)[:, None]                            # (m, 1)
    y = as_float_array(f(x), "target(x)").reshape(n_points, 1)               # (m, 1)
    net = MLP([1, n_hidden, 1], activation=activation, head="identity", seed=seed)
    optimizer = Adam(lr=TRAIN_LR)
    for _ in range(TRAIN_STEPS):
        _, grads = net.loss_and_grads(x, y)
        optimizer.step(net.params, grads)
    return {k: v.copy() for k, v in net.params.items()}
