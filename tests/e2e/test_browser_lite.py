"""The browser edition (``make lite``): every chapter works in JupyterLite, offline.

The site is built if missing or stale (tests/e2e/litesite.py), served on 127.0.0.1, and each
chapter is opened in a fresh Chromium context in which **every request to another machine is
blocked and recorded**: any such request fails the test.  Then, as the JupyterLab tests do
(tests/e2e/labdriver.py, the same driver):

1. the Pyodide kernel starts (cold: a fresh context has no cache) with no dialog;
2. Run → Run All Cells: no error output;
3. every widget control redraws its figure (or text), Train/Stop included; errors raised in a
   widget callback fail the test (the Pyodide kernel shows them nowhere, so a control that
   does nothing is how they show up);
4. every jshtml animation plays;
   Sliders are dragged with the mouse here: in JupyterLite 0.6's JupyterLab the arrow keys
   on a focused slider handle do not move it (they do in the local JupyterLab);
5. the chapter's first exercise: its untouched stub says "not attempted", a hint and the
   solution show when uncommented, and the solution pasted in is confirmed correct.

Per chapter the cold start, Run-All time and slider→figure median latency go to
``test-artifacts/lite-report.md`` and the end of the pytest summary, with the site's size.
Run only these: ``make test PYTEST_ARGS="-m lite"``.
"""

from __future__ import annotations

import importlib
import re
import statistics
import time

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, chapter_notebooks
from labdriver import STOP_WORDS, ChapterPage, ChapterRun
from litesite import LITE_RESULTS_KEY, OFFLINE_ARGS, SITE, SiteServer, ensure_built, offline_context, write_report
from test_browser_lab import _exercise

pytestmark = [pytest.mark.browser, pytest.mark.lite]

KERNEL_READY_TIMEOUT_S = 120
# '<mod>.<exercise>.check(<fn>)' in a cell whose stub raises NotImplementedError.
EXERCISE = re.compile(r"^(?P<mod>ch\d\d)\.(?P<ex>\w+)\.check\((?P<fn>\w+)\)\s*$", re.M)


@pytest.fixture(scope="module")
def offline_browser(playwright_driver):
    """Chromium as for the lab tests, plus a dead proxy for every non-loopback address."""
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                 args=CHROMIUM_ARGS + OFFLINE_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="session")
def lite_site(request):
    info = ensure_built()
    results = request.config.stash.setdefault(LITE_RESULTS_KEY, {"site": info, "chapters": []})
    with SiteServer(SITE) as server:
        yield server
    write_report(results)


class LiteChapterPage(ChapterPage):
    """The lab driver, plus: the kernel is ready when it has answered kernel_info (the
    Pyodide kernel reports 'idle' while Pyodide is still loading)."""

    def open(self) -> list[str]:
        start = time.monotonic()
        dialogs = super().open()
        if dialogs:
            return dialogs
        self.wait_js("() => { const k = __nn.kernel(); if (!k) return false;"
                     " if (!__nn.infoAsked) { __nn.infoAsked = true;"
                     "   k.info.then(() => { __nn.infoDone = true; }); }"
                     " return !!__nn.infoDone; }", KERNEL_READY_TIMEOUT_S)
        self.cold_start_s = time.monotonic() - start
        return self.dialog_texts()

    def nudge_slider(self, el) -> None:
        """Drag the handle with the mouse: in JupyterLite's JupyterLab (4.4) the arrow keys on a
        focused slider handle do not reach the slider (reported, see the module doc)."""
        now, low, top = (float(el.get_attribute(a) or 0) for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
        track = el.evaluate("h => h.closest('.noUi-target').getBoundingClientRect().width")
        box = el.bounding_box()
        span = top - low
        # about one step of a slider with few values, a small move of a fine one
        dx = (track / span if 0 < span <= 10 else 0.08 * track) * (-1 if now >= top else 1)
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.move(x + dx, y, steps=2)
        self.page.mouse.up()

    # --- one cell, as a reader edits and runs it ---------------------------------------
    def code_cell_sources(self) -> list[str]:
        return self.js("() => __nn.codeCells().map(c => c.model.sharedModel.getSource())")

    def run_code_cell(self, i: int, source: str, timeout_s: float = 60) -> str:
        """Replace code cell i's source, run it, return its outputs' text."""
        self.js("""([i, src]) => {
            const p = __nn.panel(), cell = __nn.codeCells()[i];
            cell.model.sharedModel.setSource(src);
            p.content.activeCellIndex = p.content.widgets.indexOf(cell);
            __nn.before = cell.model.executionCount;
            __nn.executeInputs = 0;
            return window.jupyterapp.commands.execute('notebook:run-cell');
        }""", [i, source])
        self.wait_js("() => __nn.executeInputs >= 1 && __nn.quiet(300)", timeout_s)
        return self.js("""i => __nn.codeCells()[i].model.outputs.toJSON().map(o =>
            o.text ? [].concat(o.text).join('') :
            o.data ? [].concat(o.data['text/markdown'] || o.data['text/plain'] || '').join('') :
            (o.ename ? o.ename + ': ' + o.evalue : '')).join('\\n')""", i)


def check_exercise(chapter: LiteChapterPage, run: ChapterRun) -> str:
    """The chapter's first exercise: stub, hint, solution shown, solution pasted in."""
    sources = chapter.code_cell_sources()
    found = [(i, m) for i, s in enumerate(sources) for m in [EXERCISE.search(s)]
             if m and "NotImplementedError" in s]
    if not found:
        return "no exercise in this chapter"
    i, m = found[0]
    stub, mod, ex, fn = sources[i], m["mod"], m["ex"], m["fn"]
    label = f"{mod}.{ex}"
    exercise = getattr(importlib.import_module(f"nnlib.exercises.{mod}"), ex)
    solution = str(exercise.solution_text())      # what solution() shows: it runs on its own
    ref = exercise.reference.__name__

    steps = [
        ("untouched stub", stub, "not attempted"),
        ("hint uncommented", stub.replace(f"# {mod}.{ex}.hint(1)", f"{mod}.{ex}.hint(1)"), "Hint 1"),
        ("solution uncommented", stub.replace(f"# {mod}.{ex}.solution()", f"{mod}.{ex}.solution()"), f"def {ref}"),
        ("solution pasted in", f"{solution}\n{fn} = {ref}\n\n{mod}.{ex}.check({fn})\n", "correct"),
    ]
    for what, source, expect in steps:
        out = chapter.run_code_cell(i, source)
        if expect.lower() not in out.lower():
            run.problems.append(f"exercise {label}, {what}: expected {expect!r} in the output, got {out[:300]!r}")
        elif what == "hint uncommented" and "not attempted" not in out.lower():
            run.problems.append(f"exercise {label}: the verdict is not shown once hint(1) is uncommented")
    chapter.run_code_cell(i, stub)   # leave the chapter as it was
    return f"{label}: stub, hint, solution, correct answer"


@pytest.mark.parametrize("notebook", chapter_notebooks(), ids=lambda p: p.stem)
def test_chapter_works_in_the_browser_edition(offline_browser, lite_site, notebook, request):
    blocked: list[str] = []
    context = offline_context(offline_browser, lite_site.url, blocked)
    page = context.new_page()
    run = ChapterRun(notebook.stem)
    chapter = LiteChapterPage(page, lite_site.chapter_url(notebook.name), notebook.stem)
    chapter.cold_start_s = None
    exercise_note = "-"
    start = time.monotonic()
    try:
        _exercise(chapter, run)
        if run.cells and not any(p.startswith("after Run All") for p in run.problems):
            # A widget callback that failed leaves no trace in the Pyodide kernel: a Train
            # button that raised keeps its controls disabled.  Every control but Stop must be
            # usable again once everything was used.
            stuck = [c for c in chapter.controls() if c["disabled"] and not STOP_WORDS.search(c["label"])]
            run.problems += [f"{c['kind']} {c['label']!r} (cell {c['cell']}): still disabled after every "
                             f"control was used (a callback that failed silently?)" for c in stuck]
            exercise_note = check_exercise(chapter, run)
    except Exception as exc:  # a timeout: report what was seen so far
        run.problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
    finally:
        if blocked:
            run.problems.append(f"{len(blocked)} request(s) to other machines (blocked): "
                                + ", ".join(sorted(set(blocked))[:5]))
        try:
            chapter.screenshot(SCREENSHOTS / f"lite-{run.name}.png")
        except Exception as exc:  # a crashed page: the problem is already recorded
            print(f"no screenshot: {exc}")
        context.close()
        lat = run.latency_ms
        request.config.stash[LITE_RESULTS_KEY]["chapters"].append({
            "chapter": run.name, "cold_start_s": chapter.cold_start_s, "run_all_s": run.run_all_s,
            "controls": len(run.controls), "controls_ok": sum(c.ok for c in run.controls),
            "animations": len(run.animations), "animations_ok": sum(ok for _, ok in run.animations),
            "latency_median_ms": statistics.median(lat) if lat else None, "latency_n": len(lat),
            "exercise": exercise_note, "blocked": sorted(set(blocked)), "problems": list(run.problems),
            "total_s": time.monotonic() - start,
        })
        for c in run.controls:
            lat_text = f"{c.latency_ms:6.0f} ms" if c.latency_ms is not None else "       -"
            print(f"  cell {c.cell:>3} {c.kind:<14} {c.label!r:<44} {'ok  ' if c.ok else 'FAIL'} {lat_text} {c.note}")
    assert not run.problems, f"{run.name} (browser edition):\n- " + "\n- ".join(run.problems)
