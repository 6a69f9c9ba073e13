"""Fixtures for the end-to-end tests: Debian's Chromium, driven by playwright, and JupyterLab.

The tests here are marked ``browser``.  They need two things that pip does not install:

* Chromium at /usr/bin/chromium (``apt-get install -y chromium``).  Playwright's own
  browser download does not work here and is never attempted: playwright is pointed at
  the Debian binary with ``executable_path``.
* nothing else: JupyterLab, the kernel and playwright's Python package come from .venv.

Without Chromium the tests are *skipped*, with the reason below, and a line at the end of
the pytest summary says so.  With ``NN_REQUIRE_BROWSER=1`` in the environment (``.ci/run``
sets it) a missing Chromium is a *failure* instead, so CI can never pass without them.
``NN_CHROMIUM=/path/to/chromium`` points the tests at another binary.

What the tests leave behind goes to ``test-artifacts/`` (gitignored): a screenshot per
chapter in ``screenshots/``, and the JupyterLab server's log in ``e2e/``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "chapters"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM = Path(os.environ.get("NN_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("NN_REQUIRE_BROWSER", "") not in ("", "0")
SKIP_REASON = f"chromium not installed at {CHROMIUM}"

# Headless Chromium as root on a machine without a network beyond localhost: no sandbox
# (root), no GPU, and none of Chromium's own background connections (they are refused
# here, many at a time, and slow the start).  Playwright adds --headless and a fresh
# temporary --user-data-dir for every launch.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LAB_START_TIMEOUT = 90  # seconds until /lab answers


def chapter_notebooks() -> list[Path]:
    """Every chapter notebook in chapters/, in reading order (NN_name.ipynb)."""
    return sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))


# --- skip, or fail, without Chromium -------------------------------------------------

def _browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        return SKIP_REASON
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (make test installs it into .venv)"
    return None


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") is None:
        return
    reason = _browser_missing()
    if reason is None:
        return
    if REQUIRE_BROWSER:
        pytest.fail(f"NN_REQUIRE_BROWSER is set but {reason} "
                    f"(install it: apt-get install -y chromium)", pytrace=False)
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """One clear line when browser tests were skipped; the chapter results when they ran."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if "browser" in getattr(r, "keywords", {})]
    reasons = {str(r.longrepr[-1]).removeprefix("Skipped: ") for r in skipped
               if isinstance(r.longrepr, tuple)}
    if skipped:
        terminalreporter.write_sep("=", "browser tests", yellow=True)
        terminalreporter.write_line(
            f"SKIPPED {len(skipped)} browser test(s): {'; '.join(sorted(reasons))}. "
            f"Install Chromium (apt-get install -y chromium) to run them; "
            f"NN_REQUIRE_BROWSER=1 (as in CI) turns this skip into a failure.",
            yellow=True)
    results = config.stash.get(RESULTS_KEY, [])
    if results:
        terminalreporter.write_sep("=", "browser tests: chapters in JupyterLab")
        for line in format_results(results):
            terminalreporter.write_line(line)
    from litesite import LITE_RESULTS_KEY, REPORT, report_lines
    lite = config.stash.get(LITE_RESULTS_KEY, None)
    if lite and lite.get("chapters"):
        terminalreporter.write_sep("=", f"browser edition (make lite), also in {REPORT.relative_to(ROOT)}")
        for line in report_lines(lite):
            terminalreporter.write_line(line)


# --- results shown in the summary ----------------------------------------------------

RESULTS_KEY = pytest.StashKey[list]()


@pytest.fixture
def record_chapter(request):
    """Append a chapter's result (a dict) to the list the terminal summary prints."""
    results = request.config.stash.setdefault(RESULTS_KEY, [])
    return results.append


def format_results(results: list[dict]) -> list[str]:
    head = (f"{'chapter':<24} {'cells':>5} {'run all':>8} {'controls ok':>11} "
            f"{'animations ok':>13} {'slider->figure median (n)':>26} {'of it in kernel':>16} {'total':>7}")
    lines = [head]
    for r in results:
        lat = r.get("latency_ms") or []
        median = f"{statistics.median(lat):.0f} ms ({len(lat)})" if lat else "-"
        phases = r.get("phases_ms") or []
        kernel = f"{statistics.median(p[1] for p in phases):.0f} ms" if phases else "-"
        lines.append(
            f"{r['chapter']:<24} {r.get('cells', '-'):>5} {r.get('run_all_s', 0):>7.1f}s "
            f"{r.get('controls_ok', 0):>5}/{r.get('controls', 0):<5} "
            f"{r.get('animations_ok', 0):>6}/{r.get('animations', 0):<6} {median:>26} {kernel:>16} "
            f"{r.get('total_s', 0):>6.1f}s")
    lines.append("latency: from the input event to the new figure in the page; target median <= 100 ms "
                 "(reported, not asserted); 'in kernel': from the kernel going busy to the message "
                 "with the new PNG (callback + render)")
    return lines


# --- browser -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def playwright_driver():
    """One playwright driver for the browser tests (the lab and the browser-edition tests share it).

    Scoped to one test module, not the session: playwright's sync API keeps an asyncio loop marked
    as running in the main thread while it lives, and the widget tests that follow run
    their own event loop (the training explorer's asyncio task)."""
    reason = _browser_missing()
    if reason is not None:  # only reached when a test without the marker asks for it
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright_driver):
    """Debian's Chromium, headless, launched by playwright (never playwright's own build)."""
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                 args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


# --- JupyterLab ----------------------------------------------------------------------

@dataclass
class Lab:
    url: str          # http://127.0.0.1:PORT
    token: str
    root: Path        # the temporary copy of chapters/ the server serves
    log: Path

    def tree_url(self, notebook: str, workspace: str) -> str:
        """Open ``notebook`` in a fresh, named workspace (no tabs left from other tests)."""
        return f"{self.url}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={self.token}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# JupyterLab user settings for the test server only (its own settings folder):
# - every cell stays in the DOM (no windowing), so every widget and output can be found;
# - no news / update-check notifications over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        '{"windowingMode": "none"}',
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        '{"fetchNews": "false", "checkForUpdates": false}',
}


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab from .venv on a free localhost port with a random token.

    It serves a temporary copy of chapters/ (running cells never touches the committed
    notebooks) and keeps its settings, runtime files and workspaces in temporary folders,
    so nothing from the user's own Jupyter set-up reaches the tests.  Torn down at the end.
    """
    reason = _browser_missing()
    if reason is not None:
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("lab")
    root = base / "chapters"
    shutil.copytree(CHAPTERS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    settings = base / "user-settings"
    for name, text in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(text)
    for sub in ("config", "data", "runtime", "workspaces", "ipython"):
        (base / sub).mkdir()

    port = _free_port()
    token = secrets.token_hex(24)
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",   # window.jupyterapp: to watch kernel status and messages
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    env = dict(os.environ,
               JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTER_DATA_DIR=str(base / "data"),       # no user kernelspec can shadow .venv's python3
               JUPYTER_RUNTIME_DIR=str(base / "runtime"),
               IPYTHONDIR=str(base / "ipython"),
               MPLBACKEND="Agg",
               PYTHONUNBUFFERED="1")
    log_dir = ARTIFACTS / "e2e"
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / "jupyterlab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=base, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_lab(proc, f"{url}/lab?token={token}", log)
        yield Lab(url=url, token=token, root=root, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def _wait_for_lab(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + LAB_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode} before answering; "
                               f"log {log}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"JupyterLab did not answer {url.split('?')[0]} within "
                       f"{LAB_START_TIMEOUT} s; log {log}:\n{_tail(log)}")


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
