# Everything a reader or a developer runs goes through this file.
#
#   make lab        set up .venv (first time only) and open the chapters in JupyterLab
#   make test       set up .venv and run the test suite (nbval re-runs every chapter too)
#   make notebooks  re-execute every chapter .py in a fresh kernel and rewrite its .ipynb
#   make notebook NB=chapters/01_architecture.py    the same for one chapter
#   make html       build the HTML edition (executed chapters + index) into _build/html/
#   make lite       build the browser edition (JupyterLite + Pyodide, offline) into _build/lite/
#   make bench      set up .venv and run every benchmarks/bench_*.py
#   make pins       re-resolve the newest versions and rewrite constraints.txt
#   make clean      remove .venv, .venv-lite and the caches
#
# The set-up is a stamp file: .venv is (re)installed only when pyproject.toml or
# constraints.txt is newer than .venv/.installed, so a second `make test` starts at once.

PYTHON      ?= python3
VENV        := .venv
VPY         := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
LAB_ARGS    ?=
PYTEST_ARGS ?=
BENCHES     := $(sort $(wildcard benchmarks/bench_*.py))

# Jupyter refuses to start as root unless told; CI and containers run as root.
ALLOW_ROOT  := $(if $(filter 0,$(shell id -u)),--allow-root)

.DEFAULT_GOAL := help
NB          ?=

# Chapters are executed the same way by `make notebooks` and by nbval in `make test`,
# and as in CI (.ci/run): off-screen matplotlib, and a fixed str hash seed so the
# order in which a printed set of strings comes out cannot change between runs.
notebooks notebook test: export MPLBACKEND = Agg
notebooks notebook test: export PYTHONHASHSEED = 0
# One BLAS thread for the kernels that write and check the saved outputs: the same
# summation order every time (and faster than contending threads on a 2-core machine).
notebooks notebook test: export OPENBLAS_NUM_THREADS = 1

.PHONY: help venv lab test notebooks notebook bench pins clean

help:
	@sed -n '3,11p' Makefile

# --- set-up -------------------------------------------------------------------

venv: $(STAMP)

$(VPY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || { \
	  echo "error: '$(PYTHON)' must be Python 3.10 or newer; found: $$($(PYTHON) --version 2>&1 | head -n 1 || true)." >&2; \
	  echo "       Install one, or point make at it: make PYTHON=/path/to/python3.11 ..." >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

$(STAMP): pyproject.toml constraints.txt | $(VPY)
	$(VPY) -m pip install --quiet --upgrade pip -c constraints.txt
	$(VPY) -m pip install --quiet -e ".[lab,dev]" -c constraints.txt
	@touch $@

# --- what people run -----------------------------------------------------------

# One BLAS thread in the kernels: the chapters' matrices are small, and contending threads
# made widgets 10-100x slower on a busy 2-core machine.
lab: export OPENBLAS_NUM_THREADS ?= 1
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=chapters $(ALLOW_ROOT) $(LAB_ARGS)

test: $(STAMP)
	$(VPY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	@if [ -z "$(BENCHES)" ]; then echo "no benchmarks/bench_*.py yet"; fi
	@set -e; for f in $(BENCHES); do echo "== $$f"; $(VPY) $$f; done

# Each chapter's .py is the source: run top to bottom in a new kernel of the venv's
# python, its .ipynb is rewritten with the outputs (byte-identical on a rerun).  Prints
# each chapter's Run-All time and size.  See tools/run_chapters.py.
notebooks: $(STAMP)
	$(VPY) tools/run_chapters.py

notebook: $(STAMP)
	@if [ -z "$(NB)" ]; then echo "usage: make notebook NB=chapters/01_architecture.py" >&2; exit 2; fi
	$(VPY) tools/run_chapters.py $(NB)

# The HTML edition: every committed, executed chapters/NN_*.ipynb (not re-run) as a
# static page whose jshtml animations play offline, and an index.html with each
# chapter's title, summary and learning goals read from the chapter itself (the
# convention is in chapters/README.md).  See tools/build_html.py.
HTML_DIR    ?= _build/html
.PHONY: html
html: $(STAMP)
	$(VPY) tools/build_html.py --out $(HTML_DIR)

# The browser edition: every chapter in JupyterLab in the browser, on Pyodide's Python
# kernel (WebAssembly), nnlib preinstalled, no request to any other machine.  Its build
# tools live in their own venv (.venv-lite, pinned exactly in tools/lite/requirements.txt);
# downloads (npm's pyodide, Pyodide's package wheels) are cached in $$NN_CACHE
# (~/.cache/nn-companion).  PYODIDE_DIST=/path/to/pyodide builds from a local copy of the
# Pyodide 0.27.7 distribution instead.  Always a fresh folder.  See tools/build_lite.py.
LITE_DIR    ?= _build/lite
LITE_VENV   := .venv-lite
LITE_STAMP  := $(LITE_VENV)/.installed
PYODIDE_DIST ?=
export PYODIDE_DIST

$(LITE_STAMP): tools/lite/requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "error: make lite needs Python 3.11 or newer as '$(PYTHON)'" >&2; exit 1; }
	rm -rf $(LITE_VENV)
	$(PYTHON) -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/python -m pip install --quiet -r tools/lite/requirements.txt
	@touch $@

.PHONY: lite
lite: $(LITE_STAMP)
	$(LITE_VENV)/bin/python tools/build_lite.py --out $(LITE_DIR)

# --- maintenance ---------------------------------------------------------------

# Fresh throw-away venv, newest versions allowed by pyproject.toml (no constraints),
# then freeze everything in it except nnlib itself.  Review the diff before committing.
pins:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet --upgrade pip; \
	"$$tmp/venv/bin/python" -m pip install --quiet -e ".[lab,dev]"; \
	{ echo "# Exact versions of every package in .venv (pip and setuptools included, nnlib excluded)."; \
	  echo "# Generated by 'make pins' with $$("$$tmp/venv/bin/python" --version) on $$(date -u +%Y-%m-%d); do not edit by hand."; \
	  echo "# To refresh: 'make pins' (fresh temp venv, pip install -e '.[lab,dev]' without constraints,"; \
	  echo "# pip freeze --all --exclude-editable), then 'make test' and commit this file."; \
	  "$$tmp/venv/bin/python" -m pip freeze --all --exclude-editable | sort -f; } > constraints.txt.new; \
	mv constraints.txt.new constraints.txt; \
	echo "constraints.txt: $$(grep -c '==' constraints.txt) pins"

clean:
	rm -rf $(VENV) $(LITE_VENV) .pytest_cache .hypothesis build _build *.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
