"""Every picture in nnlib.viz is smoke-tested: each public ``plot_*``/``animate_*`` function of
every topic module is named in some tests/test_viz_*.py or tests/test_analysis.py."""

import importlib
import inspect
import pkgutil
from pathlib import Path

import nnlib.viz

TESTS = Path(__file__).parent


def test_every_plot_function_is_smoke_tested():
    text = "".join(p.read_text() for p in [*TESTS.glob("test_viz_*.py"), TESTS / "test_analysis.py"])
    missing = []
    for info in pkgutil.iter_modules(nnlib.viz.__path__):
        module = importlib.import_module(f"nnlib.viz.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and name.startswith(("plot_", "animate_")):
                if f"{name}(" not in text:
                    missing.append(f"{info.name}.{name}")
    assert not missing, f"pictures without a smoke test: {missing}"
