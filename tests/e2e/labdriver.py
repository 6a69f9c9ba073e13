"""Drive one chapter in JupyterLab the way a reader does, and watch what it shows.

Everything the reader does goes through real input events (playwright's clicks, key
presses and option selections on the DOM JupyterLab and ipywidgets render).  What the
tests *observe* comes from two places:

* the DOM: the ``img`` elements of the outputs (a widget's figure is an
  ``ipywidgets.Image`` whose ``src`` becomes a new blob URL on every redraw, see
  ``nnlib.widgets.FigureView``), jshtml animations, error outputs, dialogs;
* ``window.jupyterapp`` (JupyterLab started with ``expose_app_in_browser``): the
  kernel's status and its IOPub messages, so an error raised inside a widget callback
  (which JupyterLab only shows in its log console) is caught too.

Timing is measured inside the page with ``performance.now()``: from the input event
(keydown / input / pointerdown, captured on the document) to the MutationObserver
callback that sees a figure's ``src`` change.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

FIGURE_CHANGE_TIMEOUT_MS = 2000   # a used control must change its figure within this
ANIMATION_TIMEOUT_MS = 3000       # a played animation must show another frame within this
LONG_TASK_TIMEOUT_S = 120         # a button that starts training: how long it may take to stop
RUN_ALL_TIMEOUT_S = 300           # Run All of one chapter (chapters aim at <= 20 s)
OPEN_TIMEOUT_S = 90               # notebook shown and its kernel idle
MIN_LATENCY_SAMPLES = 10          # slider moves per chapter for the latency median
STOP_WORDS = re.compile(r"\b(stop|pause|cancel|interrupt)\b", re.I)

# Installed once per page.  `__nn` holds what the tests read back.
HELPERS_JS = r"""
() => {
  if (window.__nn) return true;
  const nn = window.__nn = {
    errors: [], stderr: [], executeInputs: 0, lastMessage: performance.now(),
    kernelSeen: null, t0: null, changedAt: null, armedCell: null, snapshot: null, observer: null,
    tBusy: null, tUpdate: null, textChangedAt: null,
  };
  const strip = s => String(s).replace(/\x1b\[[0-9;]*m/g, '');
  nn.panel = () => window.jupyterapp && window.jupyterapp.shell.currentWidget;
  nn.kernel = () => {
    const p = nn.panel();
    const s = p && p.sessionContext && p.sessionContext.session;
    return s ? s.kernel : null;
  };
  nn.status = () => { const k = nn.kernel(); return k ? k.status : 'none'; };
  // Listen to the kernel's IOPub stream (again after a restart gives a new kernel).
  nn.watch = () => {
    const k = nn.kernel();
    if (!k) return false;
    if (nn.kernelSeen === k) return true;
    nn.kernelSeen = k;
    k.iopubMessage.connect((_, msg) => {
      nn.lastMessage = performance.now();
      const type = msg.header.msg_type, c = msg.content;
      if (type === 'execute_input') nn.executeInputs += 1;
      // For the latency breakdown: the kernel starts on the input, and its first widget update.
      if (nn.t0 !== null && type === 'status' && c.execution_state === 'busy' && nn.tBusy === null) nn.tBusy = performance.now();
      // (an image update carries the PNG as a binary buffer; the value echo does not)
      if (nn.t0 !== null && type === 'comm_msg' && nn.tUpdate === null && msg.buffers && msg.buffers.length) nn.tUpdate = performance.now();
      if (type === 'error') nn.errors.push(strip(c.ename + ': ' + c.evalue + '\n' + (c.traceback || []).join('\n')));
      if (type === 'stream' && c.name === 'stderr') nn.stderr.push(strip(c.text));
    });
    return true;
  };
  // Idle, and no IOPub message for `ms` milliseconds.
  nn.quiet = ms => nn.watch() && nn.status() === 'idle' && performance.now() - nn.lastMessage >= ms;
  nn.cells = () => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'));
  nn.codeCells = () => {
    const p = nn.panel();
    return p.content.widgets.filter(c => c.model.type === 'code');
  };
  nn.nonEmptyCodeCells = () => nn.codeCells().filter(c => c.model.sharedModel.getSource().trim() !== '');
  // Error outputs stored in the notebook model (what a reader sees as a red traceback).
  nn.errorOutputs = () => {
    const found = [];
    nn.codeCells().forEach((c, i) => {
      for (const o of c.model.outputs.toJSON()) {
        if (o.output_type === 'error') found.push(`code cell ${i + 1}: ${o.ename}: ${o.evalue}`);
      }
    });
    document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
      .forEach(el => { if (/Traceback|Error\b/.test(el.textContent)) found.push('stderr output: ' + el.textContent.slice(0, 500)); });
    return found;
  };
  // Errors a widget shows in itself (nnlib.widgets._base.ErrorLine: "\u26a0 ValueError: ...").
  nn.widgetErrors = () => Array.from(document.querySelectorAll('.jp-OutputArea .widget-html-content, .jp-OutputArea .widget-label'))
    .map(el => el.textContent.trim()).filter(t => t.includes('\u26a0'));
  nn.unexecuted = () => nn.nonEmptyCodeCells()
    .map((c, i) => [c, i]).filter(([c]) => c.model.executionCount === null).map(([, i]) => i + 1);

  // Figures of one cell: every output img except jshtml animation frames.
  nn.figures = cellIndex => {
    const cell = nn.cells()[cellIndex];
    if (!cell) return [];
    return Array.from(cell.querySelectorAll('.jp-OutputArea img'))
      .filter(img => !(img.id || '').startsWith('_anim_img')).map(img => img.getAttribute('src') || '');
  };
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  // Texts the widgets of a cell show (Label and HTML widgets), except inside the used
  // control's own box (its readout and description).
  nn.texts = (cellIndex, controlIndex) => {
    const cell = nn.cells()[cellIndex];
    const control = cell && cell.querySelector(`[data-nn-control="${controlIndex}"]`);
    const own = control && (control.closest('.widget-slider, .widget-inline-hbox, .widget-play') || control);
    return cell ? Array.from(cell.querySelectorAll('.jp-OutputArea .widget-html-content, .jp-OutputArea .widget-label'))
      .filter(el => !(own && own.contains(el))).map(el => el.textContent) : [];
  };
  // Watch one cell; t0 = the next input event, changedAt = the first figure change,
  // textChangedAt = the first change of a text its widgets show.
  nn.arm = (cellIndex, controlIndex) => {
    nn.disarm();
    nn.t0 = null; nn.changedAt = null; nn.textChangedAt = null; nn.armedCell = cellIndex;
    nn.tBusy = null; nn.tUpdate = null;
    nn.snapshot = nn.figures(cellIndex);
    const texts = nn.texts(cellIndex, controlIndex);
    const cell = nn.cells()[cellIndex];
    nn.observer = new MutationObserver(() => {
      if (nn.changedAt === null && !same(nn.figures(cellIndex), nn.snapshot)) nn.changedAt = performance.now();
      if (nn.textChangedAt === null && !same(nn.texts(cellIndex, controlIndex), texts)) nn.textChangedAt = performance.now();
    });
    nn.observer.observe(cell, {subtree: true, childList: true, characterData: true,
                               attributes: true, attributeFilter: ['src']});
  };
  nn.disarm = () => { if (nn.observer) nn.observer.disconnect(); nn.observer = null; nn.armedCell = null; };
  const mark = () => { if (nn.armedCell !== null && nn.t0 === null) nn.t0 = performance.now(); };
  for (const type of ['keydown', 'input', 'change', 'pointerdown', 'mousedown', 'click']) {
    document.addEventListener(type, mark, true);
  }

  // Tag every control of the chapter's widgets with data-nn-control=i; describe them.
  nn.listControls = () => {
    const cells = nn.cells();
    const found = [];
    const labelOf = el => {
      if (el.classList.contains('widget-play')) return 'Play';
      const box = el.closest('.widget-inline-hbox, .jupyter-button') || el;
      const clean = t => (t || '').replace(/[\u200b\s]+/g, ' ').trim();
      const text = [box.querySelector('.widget-label-basic span'), box.querySelector('.widget-label')]
        .map(n => n && clean(n.textContent)).find(t => t) || clean(box.textContent) || el.getAttribute('title') || '';
      return text.slice(0, 40);
    };
    const add = (el, kind, owner) => {
      el.setAttribute('data-nn-control', String(found.length));
      found.push({index: found.length, kind, label: labelOf(owner || el),
                  cell: cells.indexOf(el.closest('.jp-Cell')),
                  disabled: !!(el.disabled || el.hasAttribute('disabled') || (owner || el).closest('[disabled]')),
                  noRedraw: !!(owner || el).closest('.nn-no-redraw'),
                  visible: !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)});
    };
    for (const cell of cells) {
      const area = cell.querySelector('.jp-OutputArea');
      if (!area) continue;
      const all = sel => Array.from(area.querySelectorAll(sel));
      const order = [];
      all('.widget-slider').forEach(s => { const h = s.querySelector('.noUi-handle'); if (h) order.push([h, 'slider', s]); });
      all('.widget-dropdown select').forEach(s => order.push([s, 'dropdown']));
      all('.widget-select select').forEach(s => order.push([s, 'select']));
      all('.widget-checkbox input[type=checkbox]').forEach(s => order.push([s, 'checkbox']));
      all('.widget-toggle-buttons').forEach(s => order.push([s, 'toggle-buttons']));
      all('.widget-radio-box').forEach(s => order.push([s, 'radio']));
      all('button.widget-toggle-button').forEach(s => order.push([s, 'toggle']));
      all('.widget-play').forEach(s => order.push([s, 'play']));
      all('button.widget-button').forEach(s => { if (!s.closest('.widget-play')) order.push([s, 'button']); });
      // Document order inside the cell, as a reader meets them.
      order.sort((a, b) => (a[0].compareDocumentPosition(b[0]) & Node.DOCUMENT_POSITION_FOLLOWING) ? -1 : 1);
      order.forEach(([el, kind, owner]) => add(el, kind, owner));
    }
    return found;
  };

  // jshtml animations (matplotlib's to_jshtml): one <img id=_anim_img...> per animation.
  nn.listAnimations = () => {
    const cells = nn.cells();
    return Array.from(document.querySelectorAll('img[id^="_anim_img"]')).map((img, i) => {
      const id = img.id.slice('_anim_img'.length);
      return {index: i, id, cell: cells.indexOf(img.closest('.jp-Cell'))};
    });
  };
  nn.animationState = id => {
    const img = document.getElementById('_anim_img' + id);
    const slider = document.getElementById('_anim_slider' + id);
    return [img ? img.getAttribute('src') : null, slider ? slider.value : null];
  };
  return true;
}
"""


def _shorten(error: str, tail: int = 1200) -> str:
    """'Name: message' and the end of the traceback, where the chapter's own frames are."""
    first, _, rest = error.partition("\n")
    return first if not rest else first + "\n" + ("…" + rest[-tail:] if len(rest) > tail else rest)


def _animation_button(anim_id: str, action: str) -> str:
    """A jshtml player's button: nnlib's player (data-anim-action) or matplotlib's (onclick)."""
    return (f'[id="_anim{anim_id}"] button[data-anim-action="{action}"], '
            f'button[onclick="anim{anim_id}.{action}_animation()"]')


def _default_windowing(route) -> None:
    """Settings as JupyterLab sends them, without the server's windowingMode for notebooks."""
    import json

    response = route.fetch()
    try:
        data = response.json()
    except Exception:
        route.fulfill(response=response)
        return
    items = data.get("settings", [data]) if isinstance(data, dict) else []
    for item in items:
        if isinstance(item, dict) and item.get("id") == "@jupyterlab/notebook-extension:tracker":
            item["raw"] = "{}"
            item["settings"] = {}
    route.fulfill(response=response, body=json.dumps(data))


@dataclass
class ControlResult:
    kind: str
    label: str
    cell: int
    ok: bool
    latency_ms: float | None = None
    # latency_ms split up: input -> kernel busy, kernel busy -> the widget update that
    # carries the new PNG, that message -> new image src (None where not seen)
    phases_ms: tuple | None = None
    note: str = ""


@dataclass
class ChapterRun:
    """What happened to one chapter; the test asserts on it and the summary prints it."""

    name: str
    cells: int = 0
    run_all_s: float = 0.0
    controls: list[ControlResult] = field(default_factory=list)
    animations: list[tuple[str, bool]] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)
    phases_ms: list[tuple] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class ChapterPage:
    def __init__(self, page, url: str, name: str, reader_windowing: bool = False):
        """``reader_windowing``: this page gets JupyterLab's default notebook windowing (what a
        reader has: off-screen cells skipped by the browser), whatever the test server's
        settings say (the server keeps every cell rendered, conftest.LAB_SETTINGS)."""
        self.page = page
        self.url = url
        self.name = name
        if reader_windowing:
            page.route("**/lab/api/settings**", _default_windowing)

    # --- open and run ----------------------------------------------------------------

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def wait_js(self, expression: str, timeout_s: float, arg=None):
        return self.page.wait_for_function(expression, arg=arg, timeout=timeout_s * 1000, polling=100)

    def open(self) -> list[str]:
        """Load the notebook; return the text of any dialog that shows up (none expected)."""
        self.page.goto(self.url, wait_until="domcontentloaded")
        self.page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=OPEN_TIMEOUT_S * 1000)
        self.page.wait_for_function("() => !!window.jupyterapp", timeout=OPEN_TIMEOUT_S * 1000)
        self.js(HELPERS_JS)
        dialogs: list[str] = []
        deadline = time.monotonic() + OPEN_TIMEOUT_S
        # A missing or unknown kernelspec shows a "Select Kernel" dialog instead of a kernel.
        while time.monotonic() < deadline:
            dialogs = self.dialog_texts()
            if dialogs:
                return dialogs
            if self.js("() => __nn.watch() && __nn.status() === 'idle'"):
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"{self.name}: kernel not idle {OPEN_TIMEOUT_S} s after opening "
                                 f"(status {self.js('() => __nn.status()')})")
        time.sleep(0.5)  # a dialog that comes right after the kernel starts
        return self.dialog_texts()

    def dialog_texts(self) -> list[str]:
        return self.js("() => Array.from(document.querySelectorAll('.jp-Dialog'))"
                       ".map(d => d.textContent.replace(/\\s+/g, ' ').trim())")

    def run_all(self) -> float:
        """Run → Run All Cells from the menu bar; wait until every cell ran and the kernel is idle."""
        n_code = self.js("() => __nn.nonEmptyCodeCells().length")
        self.js("() => { __nn.executeInputs = 0; __nn.errors = []; }")
        start = time.monotonic()
        self.page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
        # The kernel's status alone does not say the cells are done: a reply on the control
        # channel (the debugger's requests) also publishes "idle", even in the middle of a cell
        # (say, a slow first import), so also wait until every code cell has its number.
        self.wait_js("n => (__nn.executeInputs >= n && __nn.unexecuted().length === 0"
                     " || __nn.errors.length > 0 || __nn.errorOutputs().length > 0) && __nn.quiet(500)",
                     RUN_ALL_TIMEOUT_S, arg=n_code)
        return time.monotonic() - start - 0.5

    def cell_count(self) -> int:
        return self.js("() => __nn.cells().length")

    def errors(self) -> list[str]:
        """Error outputs in the notebook, and errors on the kernel's IOPub (widget callbacks)."""
        found = self.js("() => __nn.errorOutputs()")
        found += [f"kernel error: {_shorten(e)}" for e in self.js("() => __nn.errors")]
        found += [f"a widget shows an error: {_shorten(e)}" for e in self.js("() => __nn.widgetErrors()")]
        unexecuted = self.js("() => __nn.unexecuted()")
        if unexecuted:
            found.append(f"code cells not executed: {unexecuted}")
        return found

    def stderr(self) -> list[str]:
        return self.js("() => __nn.stderr")

    def wait_quiet(self, timeout_s: float = 30, ms: int = 150) -> None:
        self.wait_js("ms => __nn.quiet(ms)", timeout_s, arg=ms)

    # --- widgets ---------------------------------------------------------------------

    def controls(self) -> list[dict]:
        return self.js("() => __nn.listControls()")

    def control(self, index: int):
        return self.page.locator(f'[data-nn-control="{index}"]')

    def use(self, control: dict) -> ControlResult:
        """Use one control as a reader would; ok when a figure of its cell changed in time."""
        kind, label, cell = control["kind"], control["label"], control["cell"]
        result = ControlResult(kind, label, cell, ok=False)
        if control["disabled"] or not control["visible"]:
            result.ok, result.note = True, "disabled or hidden: not used"
            return result
        el = self.control(control["index"])
        el.scroll_into_view_if_needed()
        self.js("([c, i]) => __nn.arm(c, i)", [cell, control["index"]])
        stop_after = False
        try:
            if kind == "slider":
                self.nudge_slider(el)
            elif kind in ("dropdown", "select"):
                options = el.locator("option")
                n = options.count()
                if n < 2:
                    result.ok, result.note = True, "one option: nothing to choose"
                    return result
                current = el.evaluate("s => s.selectedIndex")
                el.select_option(index=(current + 1) % n if current >= 0 else 0)
            elif kind in ("checkbox", "toggle", "button"):
                el.click()
                stop_after = kind == "button"
            elif kind == "toggle-buttons":
                el.locator("button:not(.mod-active)").first.click()
            elif kind == "radio":
                el.locator("input[type=radio]:not(:checked)").first.click()
            elif kind == "play":
                el.locator("button:has(i.fa-play)").first.click()
            else:
                result.note = f"unknown control kind {kind!r}"
                return result
            if control.get("noRedraw"):
                # A control marked nn-no-redraw only sets a parameter for a later action
                # (an epochs slider beside a Train button): used, checked for errors only.
                self.wait_quiet(LONG_TASK_TIMEOUT_S)
                result.ok, result.note = True, "nn-no-redraw: sets a parameter, no figure expected"
                return result
            try:
                # Done at a new figure; or, at a new text once the kernel has nothing more to send.
                self.page.wait_for_function(
                    "() => __nn.changedAt !== null || (__nn.textChangedAt !== null && __nn.quiet(300))",
                    timeout=FIGURE_CHANGE_TIMEOUT_MS, polling="raf")
                t0, busy, update, t1 = self.js("() => [__nn.t0, __nn.tBusy, __nn.tUpdate, __nn.changedAt]")
                result.ok = True
                if t1 is None:
                    # The figure is the same picture (an untrained network does not depend on
                    # the learning rate): the control showed its effect in text only.
                    result.note = "text changed, figure the same (a setting for a later run)"
                elif t0 is not None:
                    result.latency_ms = t1 - t0
                    if busy is not None and update is not None and t0 <= busy <= min(update, t1):
                        # JupyterLab's widget manager handles the message (and sets src)
                        # before our listener sees it, so 'update' may come just after t1.
                        result.phases_ms = (busy - t0, min(update, t1) - busy, max(0.0, t1 - update))
            except Exception:  # playwright TimeoutError
                result.note = (f"nothing in its cell changed within {FIGURE_CHANGE_TIMEOUT_MS} ms: no figure, "
                               f"no text (mark a control that only sets a parameter for a later action "
                               f"with .add_class('nn-no-redraw'))")
        finally:
            self.js("() => __nn.disarm()")
        if kind == "play":
            pause = el.locator("button:has(i.fa-pause)")
            if pause.count():
                pause.first.click()
        if stop_after:
            result.note = (result.note + "; " if result.note else "") + self._stop_long_task(cell, control["index"])
        self.wait_quiet(LONG_TASK_TIMEOUT_S)
        return result

    def nudge_slider(self, el) -> None:
        """One step of a slider, with the keyboard (its handle has focus): right, or left at the end."""
        now, top = (float(el.get_attribute(a) or 0) for a in ("aria-valuenow", "aria-valuemax"))
        el.press("ArrowLeft" if now >= top else "ArrowRight")

    def _stop_long_task(self, cell: int, started_by: int) -> str:
        """After a button: if its cell now offers an enabled Stop-like button, click it."""
        self.page.wait_for_timeout(200)
        buttons = self.page.locator(".jp-Notebook .jp-Cell").nth(cell).locator("button.widget-button")
        for i in range(buttons.count()):
            b = buttons.nth(i)
            if b.get_attribute("data-nn-control") == str(started_by):
                continue
            if STOP_WORDS.search(b.inner_text() or "") and b.is_enabled() and b.is_visible():
                b.click()
                return f"stopped with {b.inner_text().strip()!r}"
        return ""

    def move_slider(self, control: dict) -> ControlResult:
        """One more slider move for the latency sample."""
        return self.use(control)

    # --- animations ------------------------------------------------------------------

    def animations(self) -> list[dict]:
        return self.js("() => __nn.listAnimations()")

    def play_animation(self, animation: dict) -> bool:
        """Scroll to the animation and press its Play button, as a reader does (no scrolling
        away and back first); True when another frame is shown in time."""
        anim_id = animation["id"]
        # The reader brings the animation's cell to the top of the view (as the table of
        # contents or the arrow keys do), waits a moment, and presses Play once.
        self.js("id => document.getElementById('_anim_img' + id).closest('.jp-Cell').scrollIntoView()", anim_id)
        self.page.wait_for_timeout(1000)
        shown = self.js("id => document.getElementById('_anim_img' + id).getBoundingClientRect().height", anim_id)
        if not shown:
            return False   # the reader sees no picture: nothing to play (and Play moves under the click)
        before = self.js("id => __nn.animationState(id)", anim_id)
        play = self.page.locator(_animation_button(anim_id, "play"))
        play.click()
        try:
            self.page.wait_for_function("([id, b]) => { const s = __nn.animationState(id);"
                                        " return s[0] !== b[0] || s[1] !== b[1]; }",
                                        arg=[anim_id, before], timeout=ANIMATION_TIMEOUT_MS)
            return True
        except Exception:
            return False
        finally:
            self.page.locator(_animation_button(anim_id, "pause")).click()

    def wheel_to(self, selector: str, max_steps: int = 200) -> None:
        """Scroll the notebook with the mouse wheel, as a reader does, until the output that
        holds ``selector`` is in the view (its top in the upper half of the notebook)."""
        box = self.page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer, .jp-NotebookPanel .jp-Notebook").first.bounding_box()
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        where = ("([sel, top, height]) => { const el = document.querySelector(sel);"
                 " const out = el && el.closest('.jp-OutputArea-output, .jp-Cell');"
                 " if (!out) return 0; const r = out.getBoundingClientRect();"
                 " return r.top < top + 40 ? -1 : (r.top > top + height / 2 ? 1 : 0); }")
        for _ in range(max_steps):
            direction = self.js(where, [selector, box["y"], box["height"]])
            if direction == 0:
                break
            self.page.mouse.wheel(0, 250 * direction)
            self.page.wait_for_timeout(60)
        self.page.wait_for_timeout(300)

    # --- screenshot ------------------------------------------------------------------

    def screenshot(self, path, focus_selector: str | None = None) -> None:
        if focus_selector and self.page.locator(focus_selector).count():
            self.page.locator(focus_selector).first.scroll_into_view_if_needed()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path))
