"""tools/build_html.py reads each chapter's title, summary and goals from its opening.

The convention is documented in chapters/README.md; these tests pin it down on small
made-up chapters (the browser test in tests/e2e builds the real ones).
"""

import json
from pathlib import Path

import pytest



@pytest.fixture(scope="module")
def builder(html_builder):
    return html_builder


def md(source):
    return {"cell_type": "markdown", "source": source}


def code(source, count=1):
    return {"cell_type": "code", "source": source, "execution_count": count, "outputs": []}


OPENING = """# 03 · Backpropagation

Some words first.

**Summary:** how one sweep backwards gives the slope
of the loss for every weight.

**Learning goals:**
- derive $\\delta^{(l)}$ and the
  three formulas;
* check a backward pass by hand;
1. explain vanishing gradients.

More text, not a goal.
"""


def test_reads_title_summary_and_goals(builder):
    ch = builder.read_chapter(Path("03_backprop.ipynb"), [md(OPENING), code("x = 1")])
    assert ch.title == "03 · Backpropagation"
    assert ch.summary == "how one sweep backwards gives the slope of the loss for every weight."
    assert ch.goals == ["derive $\\delta^{(l)}$ and the three formulas;",
                        "check a backward pass by hand;", "explain vanishing gradients."]
    assert ch.warnings == []


def test_summary_and_goals_may_sit_in_a_later_markdown_cell_before_the_first_code(builder):
    cells = [md("# 01 · Architecture\n\nIntro."), md("**Summary**: layers.\n\n**Learning Goals**\n- count"),
             code("x = 1")]
    ch = builder.read_chapter(Path("01_architecture.ipynb"), cells)
    assert (ch.summary, ch.goals, ch.warnings) == ("layers.", ["count"], [])


def test_markers_after_the_first_code_cell_do_not_count_and_are_warned_about(builder):
    cells = [md("# 02 · Forward\n\nA **forward pass** computes $a = \\sigma(z).$ Then more."), code("x = 1"),
             md("**Summary:** too late.\n\n**Learning goals:**\n- late")]
    ch = builder.read_chapter(Path("02_forward.ipynb"), cells)
    assert ch.title == "02 · Forward"
    assert ch.summary == "A **forward pass** computes $a = \\sigma(z).$"  # fallback: the first sentence
    assert ch.goals == []
    assert len(ch.warnings) == 2


def test_build_writes_pages_index_and_listing(builder, tmp_path):
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{**md(OPENING), "id": "a", "metadata": {}},
                    {**code("print(1)"), "id": "b", "metadata": {}}]}
    src = tmp_path / "03_backprop.ipynb"
    src.write_text(json.dumps(nb))
    out = tmp_path / "html"
    builder.build([src], out)
    page = (out / "03_backprop.html").read_text()
    assert "<title>03 · Backpropagation</title>" in page
    assert 'href="index.html"' in page
    index = (out / "index.html").read_text()
    assert 'href="03_backprop.html"' in index and "explain vanishing gradients." in index
    listing = json.loads((out / "chapters.json").read_text())
    assert listing[0]["title"] == "03 · Backpropagation"


# --- offline: nothing in an edition is fetched from another machine --------------------

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def test_remote_urls_finds_what_a_browser_would_load(builder):
    page = """<script src="https://cdn.example/x.js"></script><link rel="stylesheet"
    href="//cdn.example/y.css"><img alt="" src='http://e.example/z.png'>
    <style>.a { background: url("https://e.example/bg.png") }</style>
    <a href="https://example.org/read-more">a link to follow is fine</a>
    <script src="mathjax/MathJax.js"></script><img src="data:image/png;base64,AAAA">"""
    assert builder.remote_urls(page) == ["https://cdn.example/x.js", "//cdn.example/y.css",
                                         "http://e.example/z.png", "https://e.example/bg.png"]


def _output_texts(nb: dict):
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") or mime.endswith("json"):
                    yield i, mime, value if isinstance(value, str) else json.dumps(value)


@pytest.mark.parametrize("notebook", sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_no_chapter_output_loads_anything_from_a_network(builder, notebook):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    found = [(i, mime, url) for i, mime, text in _output_texts(nb)
             for url in builder.remote_urls("".join(text))]
    assert not found, f"{notebook.name}: outputs that load from a network (cell, mime, url): {found}"


def test_the_animation_player_is_self_contained(builder):
    from matplotlib.animation import FuncAnimation

    from nnlib.viz import new_axes, to_jshtml

    fig, ax = new_axes(figsize=(1.5, 1), dpi=40)
    (line,) = ax.plot([0, 1], [0, 0])
    page = to_jshtml(FuncAnimation(fig, lambda k: line.set_ydata([k, -k]), frames=3)).data
    assert builder.remote_urls(page) == []
    assert "font-awesome" not in page and 'class="fa' not in page
    for action in ("play", "pause", "reverse", "first", "previous", "next", "last", "slower", "faster"):
        assert page.count(f'data-anim-action="{action}"') == 1, action
    assert page.count("<svg") == 9 and page.count("aria-label=") >= 9
    assert 'width="60" height="40"' in page          # the frame's size: no 0x0 picture before it loads
    assert "setTimeout" not in page and "getElementById(this" not in page


def test_pages_configure_mathjax_for_the_fonts_it_has_and_load_nothing_remote(builder, tmp_path):
    nb = {"nbformat": 4, "nbformat_minor": 5,
          "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2,
                                                                                 "version_minor": 0}}},
          "cells": [{**md(OPENING), "id": "a", "metadata": {}}, {**code("print(1)"), "id": "b", "metadata": {}}]}
    src = tmp_path / "03_backprop.ipynb"
    src.write_text(json.dumps(nb))
    out = tmp_path / "html"
    builder.build([src], out)
    for name in ("03_backprop.html", "index.html"):
        page = (out / name).read_text()
        assert builder.remote_urls(page) == [], name
        assert 'webFont: "STIX-Web"' in page, name
        assert "mathjax/MathJax.js" in page, name
    assert (out / "mathjax" / "jax" / "output" / "HTML-CSS" / "fonts" / "STIX-Web" / "fontdata.js").is_file()


def test_pages_and_index_link_each_chapter_to_the_browser_edition(builder, tmp_path):
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{**md(OPENING), "id": "a", "metadata": {}},
                    {**code("print(1)"), "id": "b", "metadata": {}}]}
    src = tmp_path / "03_backprop.ipynb"
    src.write_text(json.dumps(nb))
    out = tmp_path / "html"
    builder.build([src], out)   # default: _build/lite beside _build/html
    live = 'href="../lite/lab/index.html?path=03_backprop.ipynb"'
    assert live in (out / "03_backprop.html").read_text()
    assert live in (out / "index.html").read_text()
    builder.build([src], out, lite_url="")
    assert "lab/index.html" not in (out / "03_backprop.html").read_text()
    assert "lab/index.html" not in (out / "index.html").read_text()
