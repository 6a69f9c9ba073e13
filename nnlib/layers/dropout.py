"""Inverted dropout.

Training: each unit is dropped (set to 0) with probability ``p`` and the survivors
are scaled by 1/(1 − p), so the expected value of every unit is unchanged:

    mask = (u >= p) / (1 − p),  u ~ U[0, 1)     out = a ⊙ mask      da = dout ⊙ mask

Evaluation: nothing happens (out = a) — no rescaling is needed at test time, which is
the point of the "inverted" form.  The mode is the explicit ``train`` argument.
"""

from __future__ import annotations


from .._checks import check_float, check_rng, check_samples, plain
from .base import Layer


class Dropout(Layer):
    """Drop each unit with probability ``p`` in training (0 ≤ p < 1); identity in evaluation."""

    def __init__(self, p: float):
        super().__init__()
        self.p = check_float(p, "p (dropout probability)", low=0.0, high=1.0, high_inclusive=False)

    def _check_input(self, a):
        return check_samples(super()._check_input(plain(a)), "x")

    def _forward(self, a, train, rng):
        if not train or self.p == 0.0:
            return a, (None,)
        if rng is None:
            raise TypeError("dropout in training mode needs rng (a numpy Generator or an integer "
                            "seed) to draw its mask, got rng=None")
        keep = check_rng(rng).random(a.shape) >= self.p
        mask = keep.astype(a.dtype) / a.dtype.type(1.0 - self.p)
        return a * mask, (mask,)

    def _backward(self, dout, cache, need_dx=True):
        (mask,) = cache                       # None in evaluation mode: nothing was dropped
        dout = plain(dout)
        return (dout if mask is None else dout * mask), {}

    def __repr__(self):
        return f"Dropout(p={self.p})"
