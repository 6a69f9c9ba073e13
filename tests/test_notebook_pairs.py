"""Each chapter is a jupytext pair whose two sides hold the same cells.

``chapters/NN_name.py`` (percent format) is what we edit and review; ``NN_name.ipynb``
is what readers open and what nbval checks.  If only one side changed, review and
tests would be looking at different chapters, so these tests fail when:

* a chapter ``.py`` has no ``.ipynb``, or an ``.ipynb`` has no ``.py``;
* the two sides differ in the type, source or tags of any cell.

Fix: ``make notebook NB=chapters/NN_name.py`` (re-executes the .py, rewrites the .ipynb).
"""

import difflib
from pathlib import Path

import jupytext
import pytest
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
STEMS = sorted({p.stem for p in CHAPTERS.glob("[0-9][0-9]_*.py")}
               | {p.stem for p in CHAPTERS.glob("[0-9][0-9]_*.ipynb")})


def cells(path: Path) -> list[tuple[str, str, list]]:
    """(type, source, tags) of every cell, as jupytext reads the file."""
    nb = jupytext.read(path)
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def describe_difference(py_cells, nb_cells) -> str:
    for i, (a, b) in enumerate(zip(py_cells, nb_cells)):
        if a != b:
            lines = [f"cell {i} differs:"]
            if a[0] != b[0]:
                lines.append(f"type: {a[0]} in the .py, {b[0]} in the .ipynb")
            if a[2] != b[2]:
                lines.append(f"tags: {a[2]} in the .py, {b[2]} in the .ipynb")
            lines += difflib.unified_diff(a[1].splitlines(), b[1].splitlines(),
                                          ".py", ".ipynb", lineterm="")
            return "\n".join(lines)
    return f"the .py has {len(py_cells)} cells, the .ipynb {len(nb_cells)}"


def test_chapters_pair_ipynb_with_percent_py():
    config_file = find_jupytext_configuration_file(str(CHAPTERS))
    assert config_file is not None, "no jupytext configuration found for chapters/"
    config = load_jupytext_configuration_file(config_file)
    formats = config.default_formats(str(CHAPTERS / "01_architecture.ipynb"))
    assert formats == "ipynb,py:percent", (
        f"{config_file} pairs chapters as {formats!r}, expected 'ipynb,py:percent'")


@pytest.mark.parametrize("stem", STEMS)
def test_both_sides_exist(stem):
    fixes = {".py": f"jupytext --to py:percent chapters/{stem}.ipynb",
             ".ipynb": f"make notebook NB=chapters/{stem}.py"}
    for ext, fix in fixes.items():
        assert (CHAPTERS / f"{stem}{ext}").is_file(), (
            f"chapters/{stem} has no {ext} side; create it with `{fix}`")


@pytest.mark.parametrize("stem", STEMS)
def test_sides_hold_the_same_cells(stem):
    py, ipynb = CHAPTERS / f"{stem}.py", CHAPTERS / f"{stem}.ipynb"
    if not (py.is_file() and ipynb.is_file()):
        pytest.skip("one side is missing (test_both_sides_exist fails)")
    py_cells, nb_cells = cells(py), cells(ipynb)
    assert py_cells == nb_cells, (
        f"chapters/{stem}.py and .ipynb differ: {describe_difference(py_cells, nb_cells)}\n"
        f"Run `make notebook NB=chapters/{stem}.py` after editing the .py.")
