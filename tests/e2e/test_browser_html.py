"""The HTML edition (``make html``, tools/build_html.py) works offline from disk.

The edition is built into a temporary folder from the committed notebooks, then opened
with file:// URLs in Chromium with every http(s) request refused (as on a reader's
machine without a network): the index lists every chapter with a working link, and a
chapter's jshtml animation shows another frame when Play is pressed.
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


def test_an_exported_animation_plays_offline(edition, offline_page):
    with_animation = [p for p in chapter_notebooks() if "_anim_img" in p.read_text(encoding="utf-8")]
    if not with_animation:
        pytest.skip("no chapter has a jshtml animation yet")
    chapter = with_animation[-1]
    offline_page.goto((edition / (chapter.stem + ".html")).as_uri())
    img = offline_page.locator('img[id^="_anim_img"]').first
    img.scroll_into_view_if_needed()
    anim_id = img.get_attribute("id").removeprefix("_anim_img")
    state = ("id => [document.getElementById('_anim_img' + id).getAttribute('src'),"
             " document.getElementById('_anim_slider' + id).value]")
    before = offline_page.evaluate(state, anim_id)
    offline_page.locator(f'button[onclick="anim{anim_id}.play_animation()"]').click()
    offline_page.wait_for_function(
        f"([id, b]) => {{ const s = ({state})(id); return s[0] !== b[0] || s[1] !== b[1]; }}",
        arg=[anim_id, before], timeout=ANIMATION_TIMEOUT_MS)
    offline_page.locator(f'button[onclick="anim{anim_id}.pause_animation()"]').click()
    offline_page.screenshot(path=str(SCREENSHOTS / f"html-{chapter.stem}.png"))


def test_maths_is_typeset_offline(edition, offline_page):
    """The pages load MathJax from the edition's own mathjax/ folder, not from a CDN."""
    chapter = chapter_notebooks()[0]
    offline_page.goto((edition / (chapter.stem + ".html")).as_uri())
    offline_page.wait_for_function("() => window.MathJax && MathJax.isReady === true", timeout=15000)
    offline_page.wait_for_function(
        "() => document.querySelectorAll('.MathJax, .MathJax_Display, .MathJax_CHTML').length > 0",
        timeout=15000)
    assert not any("mathjax" in url.lower() for url in offline_page.blocked), offline_page.blocked
