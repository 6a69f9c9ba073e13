"""Shared test helpers."""

import os

# The chapters' kernels started by nbval inherit these, so a bare `pytest` checks the
# notebooks under the same conditions as `make test` and `make notebooks` wrote them.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import importlib.util  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


@pytest.fixture(scope="session")
def html_builder():
    """tools/build_html.py as a module (it is a script, not part of the nnlib package)."""
    path = Path(__file__).resolve().parents[1] / "tools" / "build_html.py"
    spec = importlib.util.spec_from_file_location("build_html", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_html"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def check_pure_plot():
    """A checker of the plot-function contract, ``check_pure_plot(plot, new_axes)``."""
    return _check_pure_plot


def _check_pure_plot(plot, new_axes):
    """The contract of every plot function ``plot(ax) -> (fig, ax)`` (docs/API.md).

    With ``ax=None`` it draws on a new bare Figure, opening no pyplot figure, and the
    figure renders; given an axes it draws there and returns that axes and its figure.
    """
    pyplot = sys.modules.get("matplotlib.pyplot")       # only if something else imported it
    before = pyplot.get_fignums() if pyplot else []
    fig, ax = plot(None)
    assert isinstance(fig, Figure) and ax.figure is fig
    assert ax.lines, "nothing was drawn"
    fig.canvas.draw()                                   # renders without error
    assert "matplotlib.pyplot" not in sys.modules or sys.modules["matplotlib.pyplot"].get_fignums() == before
    fig, ax = new_axes()
    assert plot(ax) == (fig, ax)
