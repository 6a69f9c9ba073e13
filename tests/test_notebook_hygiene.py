"""Every committed chapter .ipynb is a clean, complete, top-to-bottom run.

The .ipynb files are what readers open (and what static renderers show), so each one
must look like `make notebooks` left it:

* kernelspec metadata naming the ``python3`` kernel (nbval and the readers' Lab use it);
* every code cell with source executed, in order: execution counts 1, 2, …, n;
* no error outputs;
* every figure rendered (a ``<Figure …>`` text without its PNG means the figure was
  never drawn; nbval cannot see that, as it never compares images);
* the state of every displayed widget saved, so the widget shows without a kernel;
* at most 3 MB.

Fix: ``make notebook NB=chapters/NN_name.py``.
"""

from pathlib import Path

import nbformat
import pytest

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))
MAX_BYTES = 3_000_000
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def problems(nb, size: int) -> list[str]:
    """Everything wrong with one notebook, one line each (empty when it is clean)."""
    found = []
    if size > MAX_BYTES:
        found.append(f"{size / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit "
                     "(fewer animation frames, lower dpi)")
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "python3":
        found.append(f"kernelspec name is {kernel!r}, expected 'python3'")

    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    for i, cell in code:
        if cell.execution_count is None:
            found.append(f"cell {i} was never executed")
    counts = [c.execution_count for _, c in code]
    if None not in counts and counts != list(range(1, len(code) + 1)):
        found.append(f"execution counts are {counts}, expected 1..{len(code)} in order "
                     "(a Run-All in a fresh kernel)")

    saved = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append(f"cell {i} has an error output: {output.ename}: {output.evalue}")
            data = output.get("data", {})
            if data.get("text/plain", "").startswith("<Figure size") and "image/png" not in data:
                found.append(f"cell {i} shows {data['text/plain']!r} without its PNG "
                             "(is nnlib.viz.setup_notebook() called in the first code cell?)")
            model = data.get(WIDGET_VIEW, {}).get("model_id")
            if model is not None and model not in saved:
                found.append(f"cell {i} displays widget {model} whose state is not saved")
    return found


def test_chapters_exist():
    assert NOTEBOOKS, "no chapters/NN_name.ipynb found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    found = problems(nb, path.stat().st_size)
    assert not found, (f"chapters/{path.name}:\n  " + "\n  ".join(found)
                       + f"\nRe-run it: make notebook NB=chapters/{path.stem}.py")


# A paragraph of the text commented into a code cell (a lost ``# %% [markdown]`` line) shows
# to the reader as grey code, its maths untypeset: bold run-in heads and maths mark it.
PROSE_IN_CODE = ("# **", "# $", "# $$")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_paragraph_of_text_sits_in_a_code_cell(notebook):
    nb = nbformat.read(notebook, as_version=4)
    found = [(i, line) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
             for line in cell.source.splitlines() if line.startswith(PROSE_IN_CODE)]
    assert not found, (f"{notebook.name}: text in code cells (a missing '# %% [markdown]' "
                       f"line in the .py?): {found}")
