"""Re-execute chapters in a fresh kernel and write their .ipynb with outputs.

    python tools/run_chapters.py                       # every chapters/NN_*.py
    python tools/run_chapters.py chapters/01_architecture.py [...]

``make notebooks`` and ``make notebook NB=...`` call this with the venv's python.
The ``.py`` (jupytext percent format) is the source: its cells are executed top to
bottom in a new ``python3`` kernel running *this* interpreter, and the paired
``.ipynb`` is overwritten with those cells and their outputs.  Edits made only to the
.ipynb outside JupyterLab's jupytext pairing would be lost; the script refuses when the
.ipynb is newer than the .py and their cells differ.

A rerun gives the same bytes: cell ids are derived from the cell contents, execution
timestamps are not recorded, printed text is saved as the reader sees it (adjacent
stream pieces joined, carriage returns applied), and the identifiers that are random
on every run are renamed, in order of first appearance, to deterministic ones that keep
their relations (the same object keeps its name, different ones stay different):
widget model ids and jshtml animation ids become hashes of the chapter name and a
counter, memory addresses in text become 0x000000000001, 0x000000000002, ...  (nbval
masks the same things with tests/nbval_sanitize.cfg when it compares a fresh run.)
Figure settings and how figures are shown are fixed by ``nnlib.viz.setup_notebook()``
in each chapter's first code cell; randomness by the seeds the chapters pass.

Prints one line per chapter with its Run-All time and the size of the .ipynb.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

import jupytext
import nbformat
import zmq
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
CHAPTER_GLOB = "[0-9][0-9]_*.py"
KERNEL = "python3"
CELL_TIMEOUT = 600  # seconds per cell; a chapter should take far less (target: Run-All <= 20 s)
MAX_BYTES = 3_000_000  # each chapter .ipynb <= 3 MB (tests/test_notebook_hygiene.py checks it)

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ANIM_ID = re.compile(r"_anim_img([0-9a-f]{32})")  # matplotlib's jshtml (uuid4().hex): one <img> per animation
CARRIAGE_RETURN = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)  # text a later \r overwrote
ADDRESS = re.compile(r"\b0x[0-9a-f]{8,16}\b")     # id() in default reprs: <... at 0x7f...>


def chapter_sources(args: list[str]) -> list[Path]:
    """The .py files to run: the arguments (a .ipynb names its .py) or every chapter."""
    if not args:
        return sorted(CHAPTERS.glob(CHAPTER_GLOB))
    paths = []
    for arg in args:
        path = Path(arg).resolve().with_suffix(".py")
        if not path.is_file():
            raise SystemExit(f"error: no chapter source {path}; expected a chapters/NN_name.py")
        paths.append(path)
    return paths


def kernel_manager() -> KernelManager:
    """A manager for a new 'python3' kernel; its sockets are encrypted when pyzmq can."""
    encryption = "auto" if zmq.has("curve") else "disabled"
    return KernelManager(kernel_name=KERNEL, transport_encryption=encryption)


def check_kernel_is_this_python() -> None:
    """Stop unless the 'python3' kernel runs this interpreter (the venv's), not another one."""
    cmd = kernel_manager().format_kernel_cmd()
    if Path(cmd[0]).resolve() != Path(sys.executable).resolve():
        raise SystemExit(f"error: kernel {KERNEL!r} would run {cmd[0]}, not {sys.executable};\n"
                         "       remove the user-level kernelspec that shadows the venv's "
                         "(jupyter kernelspec list)")


def cells_of(nb) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def refuse_newer_unpaired_ipynb(py: Path, ipynb: Path, nb) -> None:
    if ipynb.exists() and ipynb.stat().st_mtime > py.stat().st_mtime:
        if cells_of(jupytext.read(ipynb)) != cells_of(nb):
            raise SystemExit(f"error: {ipynb.name} is newer than {py.name} and their cells differ.\n"
                             f"       Bring the edits into the .py first: "
                             f"jupytext --sync {ipynb.relative_to(ROOT)}")


def set_cell_ids(nb) -> None:
    """Ids from the cell's type and source (stable unless the cell changes), made unique."""
    seen: dict[str, int] = {}
    for cell in nb.cells:
        base = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:8]
        seen[base] = seen.get(base, 0) + 1
        cell.id = base if seen[base] == 1 else f"{base}-{seen[base]}"


def random_ids(nb) -> list[str]:
    """Widget model ids and jshtml animation ids, in order of first appearance.

    Displayed widgets come first (in cell order), then models only in the saved widget
    state (in creation order, which the kernel fixes), then animations (cell order).
    """
    found: list[str] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view and view.get("model_id") not in found:
                found.append(view["model_id"])
    found += [i for i in nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
              if i not in found]
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found += [i for i in ANIM_ID.findall(output.get("data", {}).get("text/html", ""))
                      if i not in found]
    return found


def canonicalise(nb, chapter: str):
    """``nb`` with its run-to-run random identifiers replaced by deterministic ones."""
    new = {old: hashlib.sha1(f"{chapter}:{i}".encode()).hexdigest()[:32]
           for i, old in enumerate(random_ids(nb))}
    if new:
        old_ids = re.compile("|".join(new))
        nb = nbformat.from_dict(json.loads(old_ids.sub(lambda m: new[m.group(0)], json.dumps(nb))))

    addresses: dict[str, str] = {}

    def address(match):
        return addresses.setdefault(match.group(0), f"0x{len(addresses) + 1:012x}")

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                output.text = ADDRESS.sub(address, output.text)
            elif "text/plain" in output.get("data", {}):
                output.data["text/plain"] = ADDRESS.sub(address, output.data["text/plain"])
    return nb


def merge_streams(nb) -> None:
    """Join adjacent stdout (or stderr) pieces and apply their carriage returns.

    How printed text is split into messages depends on when the kernel flushes, and a
    progress line rewritten with \\r leaves a timing-dependent trail; the reader sees
    the same text either way, so save just that (nbval compares it the same way).
    """
    for cell in nb.cells:
        merged = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (output.output_type == "stream" and previous is not None
                    and previous.output_type == "stream" and previous.name == output.name):
                previous.text += output.text
            else:
                merged.append(output)
        for output in merged:
            if output.output_type == "stream":
                output.text = CARRIAGE_RETURN.sub("", output.text)
        if "outputs" in cell:
            cell.outputs = merged


def execute(py: Path) -> float:
    """Run one chapter and write its .ipynb; return the Run-All time in seconds."""
    ipynb = py.with_suffix(".ipynb")
    nb = jupytext.read(py)
    refuse_newer_unpaired_ipynb(py, ipynb, nb)
    nb.metadata.pop("jupytext", None)  # the .py's own format header; the pairing is in chapters/jupytext.toml
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": KERNEL}
    set_cell_ids(nb)
    km = kernel_manager()
    client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT, record_timing=False,
                            store_widget_state=True, resources={"metadata": {"path": str(py.parent)}})
    start = time.perf_counter()
    try:
        client.execute()  # starts the kernel, runs every cell, stops at the first error
        seconds = time.perf_counter() - start
    finally:
        if km.has_kernel:  # nbclient leaves a kernel it was given running
            km.shutdown_kernel()
    merge_streams(nb)
    nb = canonicalise(nb, py.stem)
    nbformat.validate(nb)
    nbformat.write(nb, ipynb)
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="chapter .py (or .ipynb) files; default: all")
    sources = chapter_sources(parser.parse_args(argv).chapters)
    if not sources:
        print(f"no chapters matching chapters/{CHAPTER_GLOB}")
        return 0
    check_kernel_is_this_python()
    failed = []
    for py in sources:
        name = py.relative_to(ROOT)
        try:
            seconds = execute(py)
        except CellExecutionError as error:
            print(f"FAILED  {name}: a cell raised; the .ipynb was not written\n{error}", file=sys.stderr)
            failed.append(name)
            continue
        size = py.with_suffix(".ipynb").stat().st_size
        note = "" if size <= MAX_BYTES else f"  over the {MAX_BYTES / 1e6:.0f} MB limit!"
        print(f"{name}: executed in {seconds:5.1f} s, {size / 1e6:.2f} MB{note}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")  # inherited by the kernel: set/dict order of str is fixed
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # the same BLAS summation order as nbval's kernels
    sys.exit(main(sys.argv[1:]))
