"""Shared test helpers."""

import os

# The chapters' kernels started by nbval inherit these, so a bare `pytest` checks the
# notebooks under the same conditions as `make test` and `make notebooks` wrote them.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
