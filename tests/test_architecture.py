"""docs/ARCHITECTURE.md stays true: imports inside nnlib only go towards the core (never from
a lower layer of the table to a higher one), and no module outside the exercises is named
after a chapter or with a vague word."""

import ast
import re
from pathlib import Path

import pytest

NNLIB = Path(__file__).resolve().parents[1] / "nnlib"

# The layers of docs/ARCHITECTURE.md, core first.  A module may import its own layer or an earlier one.
LAYERS = [
    ["_checks"],
    ["activations", "losses", "initializers", "regularizers", "gradcheck", "datasets", "io",
     "optimizers"],
    ["layers"],
    ["network", "training"],
    ["analysis", "chapter_settings"],
    ["viz"],
    ["widgets"],
    ["exercises"],
]
RANK = {name: i for i, names in enumerate(LAYERS) for name in names}


def _top(module: str) -> str:
    """'nnlib.viz.gradients' -> 'viz'; 'nnlib' itself -> ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path):
    module = ".".join(path.relative_to(NNLIB.parent).with_suffix("").parts)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            yield from (n for n in names if n.startswith("nnlib"))
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("nnlib"))


MODULES = sorted(p for p in NNLIB.rglob("*.py") if p.name != "__init__.py" or p.parent != NNLIB)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(NNLIB)))
def test_imports_only_go_towards_the_core(path):
    own = _top(".".join(path.relative_to(NNLIB.parent).with_suffix("").parts))
    assert own in RANK, f"{path.name}: add its layer to docs/ARCHITECTURE.md and to LAYERS here"
    upward = [t for t in _imports(path) if _top(t) and RANK[_top(t)] > RANK[own]]
    assert not upward, f"{path.relative_to(NNLIB)} (layer {RANK[own]}) imports from a later layer: {upward}"


def test_module_names_say_their_topic():
    for path in NNLIB.rglob("*.py"):
        if "exercises" in path.parts:
            continue
        assert not re.search(r"\d", path.stem), f"{path}: named after a chapter number"
        assert path.stem not in {"experiments", "diagnostics", "explorers"}, f"{path}: a vague name"
