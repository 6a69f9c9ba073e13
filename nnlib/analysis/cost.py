"""Numbers about the cost of computing: how long a call takes.

The chapters time things with :func:`best_time`; the pictures of the results are in
:mod:`nnlib.viz.cost`.  Timings depend on the machine and on what else runs on it, so a
chapter prints claims about them (ratios, "faster than"), and the cells that print the
seconds themselves are not compared by the notebook tests.
"""

from __future__ import annotations

import timeit

from .._checks import check_int


def best_time(fn, number: int = 1, repeat: int = 5) -> float:
    """Seconds per call of ``fn()``: the fastest of ``repeat`` runs of ``number`` calls each.

    The fastest run is the one least disturbed by other programs; ``number > 1`` averages
    calls too short to time one by one.
    """
    if not callable(fn):
        raise TypeError(f"fn must be a function of no arguments, got {type(fn).__name__}")
    number, repeat = check_int(number, "number"), check_int(repeat, "repeat")
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number
