"""Weight penalties: L2 (weight decay in the loss) and L1 (sparsity), each beside its gradient.

A penalty is added to the data loss,  L_total = L + R(params),  so its gradient is added to
the backprop gradients:  grads[k] += dR/dparams[k].

* L2:  R = (λ/2) · Σ_l ‖W^(l)‖²_F          dR/dW = λ W
* L1:  R = λ · Σ_l Σ_ij |W^(l)_ij|          dR/dW = λ · sign(W)   (0 at W = 0, a subgradient)

Only weights ("W1", "W2", …) are penalised by default.  Biases, and the normalisation
parameters gamma/beta, only shift or scale a unit; shrinking them toward 0 does not make
the function smoother, it just biases the fit.  ``include_biases=True`` also penalises "b…".

Every gradient function returns a dict with an entry for *every* key of ``params`` (zeros
for unpenalised ones), so ``{k: grads[k] + g[k] for k in grads}`` works without checks.
"""

from __future__ import annotations

import numpy as np

from nnlib._checks import as_plain_array, check_bool, check_float

__all__ = ["is_weight", "l2_penalty", "l2_grad", "l1_penalty", "l1_grad"]


def is_weight(name: str) -> bool:
    """True for weight keys ``"W1", "W2", …``; False for ``"b…"``, ``"gamma…"``, ``"beta…"``."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a parameter name such as 'W1', got {name!r}")
    return name.startswith("W")


def _is_penalised(name: str, include_biases: bool) -> bool:
    return is_weight(name) or (include_biases and name.startswith("b") and not name.startswith("beta"))


def _checked(params, lam) -> tuple[dict, float]:
    """Validate ``params`` (dict name -> float array) and ``lam`` (finite, >= 0)."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict such as {{'W1': array, 'b1': array}}, "
                        f"got {type(params).__name__}")
    lam = check_float(lam, "lam", low=0.0)
    for k in params:
        if not isinstance(k, str):
            raise TypeError(f"params keys must be parameter names such as 'W1', got {k!r}")
    arrays = {k: as_plain_array(v, f"params[{k!r}]") for k, v in params.items()}
    return arrays, lam


def l2_penalty(params: dict, lam: float, include_biases: bool = False) -> float:
    """R = (λ/2) · Σ ‖W‖²_F over the penalised parameters.  Returns a Python float."""
    params, lam = _checked(params, lam)
    include_biases = check_bool(include_biases, "include_biases")
    total = sum(float(np.sum(np.square(v, dtype=np.float64)))
                for k, v in params.items() if _is_penalised(k, include_biases))
    return 0.5 * lam * total


def l2_grad(params: dict, lam: float, include_biases: bool = False) -> dict:
    """dR/dW = λ W for penalised keys, zeros elsewhere; same keys, shapes and dtypes as params."""
    params, lam = _checked(params, lam)
    include_biases = check_bool(include_biases, "include_biases")
    return {k: (lam * v).astype(v.dtype, copy=False) if _is_penalised(k, include_biases)
            else np.zeros_like(v)
            for k, v in params.items()}


def l1_penalty(params: dict, lam: float, include_biases: bool = False) -> float:
    """R = λ · Σ |W| over the penalised parameters.  Returns a Python float."""
    params, lam = _checked(params, lam)
    include_biases = check_bool(include_biases, "include_biases")
    total = sum(float(np.sum(np.abs(v), dtype=np.float64))
                for k, v in params.items() if _is_penalised(k, include_biases))
    return lam * total


def l1_grad(params: dict, lam: float, include_biases: bool = False) -> dict:
    """dR/dW = λ · sign(W) for penalised keys (0 where W == 0), zeros elsewhere."""
    params, lam = _checked(params, lam)
    include_biases = check_bool(include_biases, "include_biases")
    return {k: (lam * np.sign(v)).astype(v.dtype, copy=False) if _is_penalised(k, include_biases)
            else np.zeros_like(v)
            for k, v in params.items()}
