"""The browser edition for the tests: built by ``make lite``, served on 127.0.0.1, opened in
Chromium with every request to another machine blocked and recorded.

* :func:`ensure_built` runs ``make lite`` when ``_build/lite`` is missing or older than what
  it is built from (chapters, nnlib, the build script and its pins), so ``make test`` on a
  fresh clone builds the site once (about a minute, downloads cached in ~/.cache/nn-companion).
* :class:`SiteServer`: a threaded static http server (``file://`` cannot run the site).
* :func:`offline_context`: a browser context whose every request that does not go to the
  server is aborted and recorded (``blocked``): the test fails on any.  Chromium itself also
  gets a proxy that does not exist for anything not on the loopback interface, so even a
  request playwright's routing does not see (a service worker's) cannot leave the machine.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("NN_LITE_DIR", ROOT / "_build" / "lite"))
BUILD_INFO = SITE.parent / (SITE.name + "-build.json")   # written by tools/build_lite.py
BUILD_TIMEOUT_S = 900
REPORT = ROOT / "test-artifacts" / "lite-report.md"
LITE_RESULTS_KEY = pytest.StashKey[dict]()   # {"site": build info, "chapters": [result, ...]}
# What the site is built from: newer than the site -> rebuild.
SOURCES = ["chapters/*.ipynb", "nnlib/**/*.py", "pyproject.toml", "tools/build_lite.py", "tools/lite/*"]

# Extra Chromium flags for the browser-edition tests: any connection that is not to the
# loopback interface goes to a proxy port where nothing listens (Chromium never proxies
# loopback addresses, so the local server is reached directly).
OFFLINE_ARGS = ["--proxy-server=http://127.0.0.1:9"]


def newest_source() -> float:
    times = [p.stat().st_mtime for pattern in SOURCES for p in ROOT.glob(pattern) if p.is_file()]
    return max(times, default=0.0)


def ensure_built() -> dict:
    """Build the site with ``make lite`` unless an up-to-date one is there; its build info."""
    index = SITE / "lab" / "index.html"
    fresh = index.is_file() and BUILD_INFO.is_file() and BUILD_INFO.stat().st_mtime >= newest_source()
    if not fresh:
        proc = subprocess.run(["make", "lite", f"LITE_DIR={SITE}"], cwd=ROOT, capture_output=True,
                              text=True, timeout=BUILD_TIMEOUT_S, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise RuntimeError(f"make lite failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return json.loads(BUILD_INFO.read_text()) if BUILD_INFO.is_file() else {}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
                      ".json": "application/json", ".whl": "application/octet-stream"}

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass


class SiteServer:
    """``python3 -m http.server`` in a thread, on a free port of 127.0.0.1."""

    def __init__(self, folder: Path):
        handler = functools.partial(_Handler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def chapter_url(self, notebook: str) -> str:
        return f"{self.url}/lab/index.html?path={notebook}"


def is_local(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-extension"):
        return True
    return f"{parts.scheme}://{parts.netloc}" == origin


def offline_context(browser, origin: str, blocked: list[str]):
    """A new browser context in which every request not to ``origin`` is aborted and noted."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, service_workers="allow")

    def route(r):
        if is_local(r.request.url, origin):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("blockedbyclient")

    context.route("**/*", route)

    def seen(request):   # requests routing may not see (workers) still show up here
        if not is_local(request.url, origin) and request.url not in blocked:
            blocked.append(request.url)

    context.on("request", seen)
    return context


def wait(predicate, timeout_s: float, step_s: float = 0.2):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step_s)
    return predicate()


# --- the report (test-artifacts/lite-report.md and the end of the pytest summary) ----------

def report_lines(results: dict) -> list[str]:
    site = results.get("site", {})
    size = site.get("size_bytes")
    lines = ["# Browser edition (make lite): chapters in JupyterLite, offline", ""]
    if size:
        lines.append(f"Site `{SITE.name}/`: {size / 1e6:.1f} MB in {site.get('files')} files, "
                     f"built in {site.get('build_seconds')} s; Pyodide {site.get('pyodide')}. "
                     f"Every request to another machine blocked.")
        lines.append("")
    lines += ["| chapter | kernel cold start | Run All | controls ok | animations ok | "
              "slider→figure median (n) | exercise | result |",
              "|---|---|---|---|---|---|---|---|"]
    for r in results.get("chapters", []):
        cold = f"{r['cold_start_s']:.1f} s" if r["cold_start_s"] else "-"
        lat = f"{r['latency_median_ms']:.0f} ms ({r['latency_n']})" if r["latency_median_ms"] else "-"
        verdict = "pass" if not r["problems"] else f"FAIL ({len(r['problems'])})"
        lines.append(f"| {r['chapter']} | {cold} | {r['run_all_s']:.1f} s | {r['controls_ok']}/{r['controls']} | "
                     f"{r['animations_ok']}/{r['animations']} | {lat} | {r['exercise']} | {verdict} |")
    failing = [r for r in results.get("chapters", []) if r["problems"]]
    if failing:
        lines += ["", "## Problems", ""]
        for r in failing:
            lines.append(f"### {r['chapter']}")
            lines += [f"- {p.splitlines()[0][:400]}" + (" …" if "\n" in p else "") for p in r["problems"]]
            lines.append("")
    return lines


def write_report(results: dict) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(report_lines(results)) + "\n", encoding="utf-8")
