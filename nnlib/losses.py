"""Losses, each with its value and its gradient δ^(L) = ∂L/∂z^(L), side by side.

All three are averaged over the batch of ``n`` rows, and each is paired with the
output head that makes its gradient simple:

=================  ===========  ==========================================  =================
loss               head         L                                           δ^(L) = ∂L/∂z^(L)
=================  ===========  ==========================================  =================
``mse``            identity     (1/2n) Σ_i ‖a_i − y_i‖²                      (a − y) / n
``bce``            sigmoid      (1/n) Σ_i [softplus(z_i) − y_i z_i]          (sigmoid(z) − y) / n
``cross_entropy``  softmax      (1/n) Σ_i [logsumexp(z_i) − z_{i, y_i}]      (softmax(z) − Y) / n
=================  ===========  ==========================================  =================

The two cross-entropies take the *logits* ``z`` (before the head), never the
probabilities: ``log(sigmoid(z))`` computed as ``−softplus(−z)`` stays finite for any z,
whereas ``log(0.0)`` after a saturated sigmoid is ``−inf``.

Every loss averages over the batch, so it needs at least one sample: ``z`` (or ``a``) of
shape (0, k) raises ``ValueError`` ("needs at least one sample (n >= 1)"), as does an
output with no columns.  Gradients are finite for every finite input.  A loss *value*
whose sum over the batch exceeds the float range (logits ~1e308 apart, or |a − y| > 1e154
in ``mse``) is returned as ``inf`` without a warning; ``mse`` refuses an a − y that itself
overflows.

Conventions differ from PyTorch's in two places (see docs/CONVENTIONS.md): ``mse`` has the
½ and averages over rows only — ``mse = (k/2) · torch.nn.functional.mse_loss`` for k
output columns — and ``bce`` with k columns averages over rows only, so it is k times
``binary_cross_entropy_with_logits`` (mean over all entries).  ``cross_entropy`` equals
``torch.nn.functional.cross_entropy`` (mean reduction).
"""

from __future__ import annotations

import numpy as np
from ._checks import as_plain_array, check_choice, check_features, check_samples
from .activations import _sigmoid as sigmoid

HEAD_LOSS = {"identity": "mse", "sigmoid": "bce", "softmax": "cross_entropy"}


def _targets_like(y, z, name_z):
    """Validate ``y`` for a regression/binary loss and give it ``z``'s shape and dtype."""
    if isinstance(y, np.ndarray) and y.dtype.kind in "iub" and y.ndim in (1, 2):
        y = np.asarray(y).astype(z.dtype)  # integer labels: always finite, no need to look
    else:
        y = as_plain_array(y, "y", ndim=(1, 2))
    if y.shape[0] != z.shape[0]:
        raise ValueError(f"y must have one row per sample of {name_z}: {name_z} has "
                         f"{z.shape[0]} rows, y has {y.shape[0]}")
    if y.ndim == 1:
        if z.shape[1] != 1:
            raise ValueError(f"y of shape {y.shape} fits a single output, but {name_z} has "
                             f"shape {z.shape}; pass y of shape {z.shape}")
        y = y[:, None]
    if y.shape != z.shape:
        raise ValueError(f"y must have the shape of {name_z} {z.shape}, got {y.shape}")
    return y.astype(z.dtype, copy=False)


def _logits(z, name="z"):
    """A 2-D float batch (n, k) with n >= 1 samples and k >= 1 columns."""
    return check_features(check_samples(as_plain_array(z, name, ndim=2), name), name)


# Each loss has a core ``_name(z, Y) -> (L, delta)`` on validated arrays, computing the
# value and the gradient from shared intermediates; the public functions validate first.

# --- mean squared error ------------------------------------------------------------
def _mse(a, Y):
    with np.errstate(over="ignore"):
        err = a - Y                                        # (n, k)
        if not np.isfinite(err).all():
            raise ValueError(f"a - y overflows {a.dtype} (entries of a and y more than "
                             f"{np.finfo(a.dtype).max:.1e} apart); rescale the targets y")
        n = a.shape[0]
        value = float(0.5 * np.sum(err * err) / n)         # inf beyond the float range
    return value, err / a.dtype.type(n)


def mse(a, y) -> float:
    """L = (1/2n) Σ_i ‖a_i − y_i‖² for predictions ``a`` (n, k) and targets ``y``."""
    a = _logits(a, "a")
    return _mse(a, _targets_like(y, a, "a"))[0]


def mse_grad(a, y):
    """∂L/∂a = (a − y) / n, shape (n, k)."""
    a = _logits(a, "a")
    return _mse(a, _targets_like(y, a, "a"))[1]


# --- binary cross-entropy from logits --------------------------------------------
def _bce(z, Y):
    n = z.shape[0]
    # softplus(z) = logaddexp(0, z) never overflows; the sum may (value inf, no warning).
    with np.errstate(over="ignore"):
        value = float(np.sum(np.logaddexp(0, z) - Y * z) / n)
    return value, (sigmoid(z) - Y) / z.dtype.type(n)


def bce(z, y) -> float:
    """L = −(1/n) Σ [y log σ(z) + (1 − y) log(1 − σ(z))] = (1/n) Σ [softplus(z) − y z]."""
    z = _logits(z)
    return _bce(z, _binary_targets(y, z))[0]


def bce_grad(z, y):
    """∂L/∂z = (σ(z) − y) / n, shape (n, 1)."""
    z = _logits(z)
    return _bce(z, _binary_targets(y, z))[1]


def _binary_targets(y, z, name_z="z"):
    y = _targets_like(y, z, name_z)
    bad = (y != 0) & (y != 1)
    if bad.any():
        bad = y[bad][0]
        raise ValueError(f"y for binary cross-entropy must be 0 or 1, got the value {bad}")
    return y


# --- softmax cross-entropy from logits ------------------------------------------
def _cross_entropy(z, Y):
    n = z.shape[0]
    with np.errstate(over="ignore"):
        # Every exponent ≤ 0; −inf (exactly e^{…} = 0) for logits ~1e308 below the maximum.
        shifted = z - np.max(z, axis=1, keepdims=True)
    e = np.exp(shifted)
    total = np.sum(e, axis=1, keepdims=True)
    # L_i = logsumexp(z_i) − z_{i,y_i} = log Σ e^{shifted} − shifted_{y_i}
    if np.isfinite(shifted).all():
        picked = np.sum(Y * shifted)
    else:
        # 0 · (−inf) would be NaN: only entries with Y ≠ 0 count.  A target on a −inf entry
        # makes the loss +inf, its true value being beyond the float range.
        with np.errstate(invalid="ignore"):
            picked = np.sum(Y * shifted, where=Y != 0)
    value = float(np.sum(np.log(total)) - picked) / n
    return value, (e / total - Y) / z.dtype.type(n)


def cross_entropy(z, y) -> float:
    """L = (1/n) Σ_i [logsumexp(z_i) − z_{i, y_i}] for integer labels or one-hot ``y``."""
    z = _logits(z)
    return _cross_entropy(z, one_hot_targets(y, z))[0]


def cross_entropy_grad(z, y):
    """∂L/∂z = (softmax(z) − Y) / n with Y the one-hot targets, shape (n, k)."""
    z = _logits(z)
    return _cross_entropy(z, one_hot_targets(y, z))[1]


def one_hot_targets(y, z, name_z="z"):
    """Turn labels ``y`` (n,) in 0…k−1, or one-hot (n, k), into a one-hot matrix like ``z``."""
    n, k = z.shape
    y_arr = np.asarray(y)   # an np.matrix becomes the plain array it holds
    if y_arr.dtype.kind in "iu" and y_arr.ndim == 1:
        if y_arr.shape[0] != n:
            raise ValueError(f"y must have one label per row of {name_z}: {name_z} has {n} rows, "
                             f"y has {y_arr.shape[0]}")
        if y_arr.size and (y_arr.min() < 0 or y_arr.max() >= k):
            bad = y_arr[(y_arr < 0) | (y_arr >= k)][0]
            raise ValueError(f"labels y must lie in 0..{k - 1} for {k} outputs, got the label {bad}")
        return np.eye(k, dtype=z.dtype)[y_arr]
    if y_arr.ndim == 2:
        Y = _targets_like(y_arr, z, name_z)
        sums = Y.sum(axis=1)
        bad = np.flatnonzero(~np.isclose(sums, 1) | np.any(Y < 0, axis=1))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"one-hot y must have non-negative rows that sum to 1; row {i} is "
                             f"{Y[i].tolist()} with sum {sums[i]:g}")
        return Y
    raise TypeError(f"y for cross-entropy must be integer labels of shape ({n},) or one-hot of "
                    f"shape ({n}, {k}), got shape {y_arr.shape} and dtype {y_arr.dtype}")


LOSSES = {
    "mse": (mse, mse_grad),
    "bce": (bce, bce_grad),
    "cross_entropy": (cross_entropy, cross_entropy_grad),
}
_CORES = {"mse": (_mse, _targets_like), "bce": (_bce, _binary_targets),
          "cross_entropy": (_cross_entropy, one_hot_targets)}


def loss_and_delta(name: str, z_L, y):
    """Return ``(L, delta_L)`` for the loss ``name`` at the network's last pre-activation.

    For ``mse`` (identity head) ``z_L`` equals the output ``a^(L)``; for the two
    cross-entropies it is the logits.  ``delta_L`` has the shape of ``z_L``.
    """
    core, targets = _CORES[check_choice(name, "loss", LOSSES)]
    z_L = _logits(z_L, "z_L")
    Y = targets(y, z_L, "z_L")
    return core(z_L, Y)


def accuracy(a_L, y, head: str):
    """Fraction of correct predictions, or ``None`` for a regression (identity) head.

    sigmoid head: ``a_L`` (n, 1), predict 1 where a > 0.5; ``y`` (n,) or (n, 1) of 0s and 1s.
    softmax head: ``a_L`` (n, k), predict the arg-max; ``y`` integer labels (n,) in 0…k−1 or
    one-hot (n, k).  Needs n >= 1, like the losses.
    """
    check_choice(head, "head", HEAD_LOSS)
    if head == "identity":
        return None
    a_L = _logits(a_L, "a_L")
    if head == "sigmoid":
        if a_L.shape[1] != 1:
            raise ValueError(f"a_L for a sigmoid head must have 1 column, got shape {a_L.shape}")
        pred = (a_L[:, 0] > 0.5).astype(int)
        truth = _binary_labels(y, a_L.shape[0])
    else:
        pred = np.argmax(a_L, axis=1)
        y_arr = np.asarray(y)
        Y = one_hot_targets(y_arr, a_L, "a_L")  # validates: integer labels in range, or one-hot rows
        truth = y_arr if y_arr.ndim == 1 else np.argmax(Y, axis=1)
    return float(np.mean(pred == truth))


def _binary_labels(y, n):
    """Labels 0/1 for a sigmoid head as a flat (n,) array; (n,) or (n, 1), ints, bools or floats."""
    y_arr = np.asarray(y)
    if y_arr.dtype.kind not in "iubf":
        raise TypeError(f"y for a sigmoid head must be labels 0 or 1, got dtype {y_arr.dtype}")
    if not (y_arr.ndim == 1 or (y_arr.ndim == 2 and y_arr.shape[1] == 1)) or y_arr.shape[0] != n:
        raise ValueError(f"y must have shape ({n},) or ({n}, 1), one label per row of a_L, "
                         f"got shape {y_arr.shape}")
    y_arr = y_arr.reshape(-1)
    bad = (y_arr != 0) & (y_arr != 1)
    if bad.any():
        raise ValueError(f"y for a sigmoid head must be 0 or 1, got the value {y_arr[bad][0]}")
    return y_arr
