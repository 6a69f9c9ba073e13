"""The HTML edition (``make html``, tools/build_html.py) works offline from disk.

The edition is built into a temporary folder from the committed notebooks, then opened
with file:// URLs in Chromium with every http(s) request refused (as on a reader's
machine without a network): the index lists every chapter with a working link, and a
chapter's jshtml animations show another frame on the first press of Play, and every
formula on every page is typeset by MathJax without an error.
"""

from __future__ import annotations

import json

import pytest
from conftest import SCREENSHOTS, chapter_notebooks

pytestmark = pytest.mark.browser

ANIMATION_TIMEOUT_MS = 3000


@pytest.fixture(scope="module")
def edition(tmp_path_factory, html_builder):
    out = tmp_path_factory.mktemp("html")
    if not chapter_notebooks():
        pytest.skip("no chapter notebooks yet")
    html_builder.build(chapter_notebooks(), out)
    return out


@pytest.fixture
def offline_page(page):
    """A page that can load files from disk and nothing from a network."""
    blocked: list[str] = []

    def refuse(route):
        blocked.append(route.request.url)
        route.abort()

    page.route("http://**/*", refuse)
    page.route("https://**/*", refuse)
    page.blocked = blocked
    return page


def test_index_lists_every_chapter(edition, offline_page):
    chapters = json.loads((edition / "chapters.json").read_text())
    assert [c["file"] for c in chapters] == [p.stem + ".html" for p in chapter_notebooks()]
    offline_page.goto((edition / "index.html").as_uri())
    links = offline_page.locator("li.chapter h2 a")
    assert links.count() == len(chapters)
    for i, chapter in enumerate(chapters):
        assert links.nth(i).inner_text().strip() == chapter["title"]
        assert (edition / links.nth(i).get_attribute("href")).is_file()
        assert chapter["summary"], f"{chapter['file']}: empty summary"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    offline_page.screenshot(path=str(SCREENSHOTS / "html-index.png"), full_page=True)


def _pages_with_animations() -> list:
    return [p for p in chapter_notebooks() if "_anim_img" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("notebook", _pages_with_animations(), ids=lambda p: p.stem)
def test_every_animation_plays_on_the_first_press_offline(edition, offline_page, notebook):
    """A reader opens the page, scrolls to each animation and presses Play once."""
    offline_page.goto((edition / (notebook.stem + ".html")).as_uri())
    ids = offline_page.eval_on_selector_all('img[id^="_anim_img"]', "els => els.map(e => e.id.slice(9))")
    assert ids, f"{notebook.stem}: no animation in the page"
    state = ("id => [document.getElementById('_anim_img' + id).getAttribute('src'),"
             " document.getElementById('_anim_slider' + id).value]")
    failed = []
    for anim_id in ids:
        img = offline_page.locator(f'[id="_anim_img{anim_id}"]')
        img.scroll_into_view_if_needed()
        assert img.bounding_box()["height"] > 0, f"{notebook.stem}: animation {anim_id} shows no picture"
        before = offline_page.evaluate(state, anim_id)
        offline_page.locator(f'[id="_anim{anim_id}"] button[data-anim-action="play"]').click()
        try:
            offline_page.wait_for_function(
                f"([id, b]) => {{ const s = ({state})(id); return s[0] !== b[0] || s[1] !== b[1]; }}",
                arg=[anim_id, before], timeout=ANIMATION_TIMEOUT_MS)
        except Exception:
            failed.append(anim_id)
        offline_page.locator(f'[id="_anim{anim_id}"] button[data-anim-action="pause"]').click()
    offline_page.screenshot(path=str(SCREENSHOTS / f"html-{notebook.stem}.png"))
    assert not failed, f"{notebook.stem}: {len(failed)} of {len(ids)} animation(s) did not advance on the first Play"
    assert offline_page.blocked == [], offline_page.blocked


# Installed before the page's scripts: MathJax 2 reads window.MathJax as its configuration
# and calls AuthorInit before it starts, so every error it reports is recorded.
MATHJAX_WATCH = """
window.__mathjaxErrors = [];
window.MathJax = {AuthorInit: function () {
  var record = function (kind) { return function (message) {
    var detail = message[2] && message[2].message || message[1];
    window.__mathjaxErrors.push(kind + ': ' + String(detail).slice(0, 300));
  }; };
  MathJax.Hub.Register.MessageHook("Math Processing Error", record("Math Processing Error"));
  MathJax.Hub.Register.MessageHook("TeX Jax - parse error", record("TeX parse error"));
  MathJax.Hub.Register.MessageHook("file load error", record("file load error"));
}};
"""

# What a reader would see as broken maths: MathJax's error boxes, its red undefined
# control sequences (noUndefined), and TeX left as text.
MATHJAX_PROBLEMS = r"""() => {
  const found = [];
  const text = document.body.innerText;
  const n = (text.match(/Math Processing Error/g) || []).length;
  if (n) found.push(n + ' x [Math Processing Error]');
  document.querySelectorAll('.MathJax_Error, merror, .merror, .noError').forEach(
    e => found.push('error element: ' + e.textContent.slice(0, 80)));
  document.querySelectorAll('.MathJax span, .MathJax_Display span').forEach(e => {
    const c = getComputedStyle(e).color;
    if (c === 'rgb(255, 0, 0)' && e.children.length === 0) found.push('red (undefined?): ' + e.textContent.slice(0, 80));
  });
  const raw = text.match(/\$[^$\n]*\\[a-zA-Z]+[^$\n]*\$/g) || [];
  raw.slice(0, 5).forEach(t => found.push('TeX left as text: ' + t.slice(0, 80)));
  return found.concat(window.__mathjaxErrors || []);
}"""


def _page_names() -> list[str]:
    return ["index"] + [p.stem for p in chapter_notebooks()]


@pytest.mark.parametrize("name", _page_names())
def test_every_formula_is_typeset_offline(edition, offline_page, name):
    """MathJax (the edition's own copy) finishes on the page and reports no error at all."""
    offline_page.add_init_script(MATHJAX_WATCH)
    offline_page.goto((edition / f"{name}.html").as_uri())
    offline_page.wait_for_function("() => window.MathJax && MathJax.isReady === true", timeout=30000)
    # Queued after the typesetting MathJax started with, so this resolves when it is done.
    offline_page.evaluate("() => new Promise(done => MathJax.Hub.Queue(() => done(true)))")
    typeset = offline_page.evaluate("() => document.querySelectorAll('.MathJax, .MathJax_Display').length")
    problems = offline_page.evaluate(MATHJAX_PROBLEMS)
    assert typeset > 0, f"{name}: no formula typeset"
    assert not problems, f"{name}: {len(problems)} MathJax problem(s):\n- " + "\n- ".join(problems)
    assert not any("mathjax" in url.lower() for url in offline_page.blocked), offline_page.blocked
