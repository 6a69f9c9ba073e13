"""Build the HTML edition: every executed chapter as a static page, plus an index.

    python tools/build_html.py                   # -> _build/html/
    python tools/build_html.py --out DIR [chapters/03_backprop.ipynb ...]

``make html`` calls this with the venv's python.  It converts the committed, executed
``chapters/NN_name.ipynb`` files with nbconvert's ``lab`` template; nothing is
re-executed (``make notebooks`` does that).  What a reader gets in the folder:

* ``NN_name.html`` for each chapter: text, maths, code, printed output and figures
  exactly as saved; jshtml animations (``nnlib.viz.to_jshtml``) are self-contained
  HTML + JavaScript and play offline, and the maths is typeset by a local copy of
  MathJax 2.7 in ``mathjax/`` (from jupyter-server-mathjax, with the STIX-Web fonts it
  ships: see MATHJAX_CONFIG), so it needs no network either.  Nothing is loaded from
  another machine (``remote_urls`` finds what would be; the tests check every page):
  nbconvert's require.js and widget renderer come from CDNs, so they are left out, and
  widgets show no saved view here; moving them needs a live kernel: ``make lab``.
* ``index.html``: one entry per chapter with its title, a one-line summary and its
  learning goals, all taken from the chapter itself (nothing is hard-coded here):

  - title: the first ``# `` heading of the chapter's first markdown cell;
  - summary: the paragraph that starts with ``**Summary:**``;
  - goals: the list that follows a line ``**Learning goals:**``;

  both in a markdown cell before the chapter's first code cell (see chapters/README.md).
  A chapter without them still gets an entry (its first paragraph stands in for the
  summary) and a warning is printed.

Each page's navigation and each index entry link the chapter to its live version in the
browser edition (``make lite``): ``../lite/lab/index.html?path=NN_name.ipynb``, i.e. the two
editions deployed side by side as built, ``_build/html/`` and ``_build/lite/`` (copy both
folders, keeping their names, to the web server).  ``--lite-url URL/`` points elsewhere,
``--lite-url ''`` leaves the links out.

Prints one line per chapter; exits non-zero when a chapter cannot be converted.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html_mistune

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
DEFAULT_OUT = ROOT / "_build" / "html"
CHAPTER_GLOB = "[0-9][0-9]_*.ipynb"
BOOK_TITLE = "Neural Networks — an interactive companion"
# Where the browser edition is, relative to these pages: _build/lite beside _build/html.
DEFAULT_LITE_URL = "../lite/"

TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
# '**Summary:** text' or '**Summary**: text' (any case), the rest of the paragraph.
SUMMARY = re.compile(r"^\*\*\s*summary\s*:?\s*\*\*\s*:?\s*(.+?)(?:\n\s*\n|\Z)", re.I | re.M | re.S)
# '**Learning goals:**' on its own line, then a markdown list ('-', '*', '+' or '1.').
GOALS = re.compile(r"^\*\*\s*learning goals\s*:?\s*\*\*\s*:?\s*$", re.I | re.M)
LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(.*)$")


@dataclass
class Chapter:
    path: Path
    title: str
    summary: str            # markdown, one paragraph
    goals: list[str]        # markdown, one per goal
    warnings: list[str] = field(default_factory=list)

    @property
    def html_name(self) -> str:
        return self.path.stem + ".html"

    def live_href(self, lite_url: str) -> str:
        """This chapter opened in the browser edition's JupyterLab."""
        return f"{lite_url}lab/index.html?path={self.path.stem}.ipynb"


def chapter_paths(args: list[str]) -> list[Path]:
    if not args:
        return sorted(CHAPTERS.glob(CHAPTER_GLOB))
    paths = [Path(a).resolve().with_suffix(".ipynb") for a in args]
    for path in paths:
        if not path.is_file():
            raise SystemExit(f"error: no chapter notebook {path}")
    return paths


def load_cells(path: Path) -> list[dict]:
    """The notebook's cells, each with its source as one string."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    return cells


def _intro_markdown(cells: list[dict]) -> list[str]:
    """The markdown cells before the chapter's first code cell."""
    intro = []
    for cell in cells:
        if cell["cell_type"] == "code":
            break
        if cell["cell_type"] == "markdown":
            intro.append(cell["source"])
    return intro


def read_chapter(path: Path, cells: list[dict]) -> Chapter:
    """Title, summary and goals of a chapter, from its opening markdown (see the module doc)."""
    intro = _intro_markdown(cells)
    text = "\n\n".join(intro)
    warnings = []
    first = next((c["source"] for c in cells if c["cell_type"] == "markdown"), "")
    match = TITLE.search(first)
    if match:
        title = match.group(1).strip()
    else:
        title = path.stem
        warnings.append("no '# ' title in its first markdown cell")

    match = SUMMARY.search(text)
    if match:
        summary = " ".join(match.group(1).split())
    else:
        summary = _first_paragraph(first)
        warnings.append("no '**Summary:**' paragraph before its first code cell "
                        "(its first paragraph is used instead)")

    goals = _goals(text)
    if not goals:
        warnings.append("no '**Learning goals:**' list before its first code cell")
    return Chapter(path, title, summary, goals, warnings)


def _first_paragraph(markdown: str) -> str:
    """The first sentence of the first paragraph that is not a heading (the fallback summary)."""
    for block in re.split(r"\n\s*\n", markdown):
        block = " ".join(block.split())
        if block and not block.startswith("#"):
            for end in re.finditer(r"[.!?](?:\*\*|\$)?(?=\s|$)", block):
                sentence = block[:end.end()]
                if sentence.count("**") % 2 == 0 and sentence.count("$") % 2 == 0:
                    return sentence
            return block
    return ""


def _goals(text: str) -> list[str]:
    match = GOALS.search(text)
    if not match:
        return []
    goals: list[str] = []
    for line in text[match.end():].lstrip("\n").splitlines():
        item = LIST_ITEM.match(line)
        if item:
            goals.append(item.group(1).strip())
        elif line.strip() and goals and line.startswith(" "):   # continuation of an item
            goals[-1] += " " + line.strip()
        else:
            break
    return goals


def _inline(markdown: str) -> str:
    """Markdown of one paragraph as inline HTML (no surrounding <p>)."""
    out = markdown2html_mistune(markdown).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", out, flags=re.S)


def _unexecuted(cells: list[dict]) -> int:
    return sum(1 for c in cells
               if c["cell_type"] == "code" and c["source"].strip() and c.get("execution_count") is None)


# --- pages -----------------------------------------------------------------------------

NAV_CSS = """
<style>
  .nn-nav { display: flex; gap: 1.5em; justify-content: center; padding: 0.6em 1em;
            font: 14px/1.4 system-ui, sans-serif; border-bottom: 1px solid #ddd; background: #fafafa; }
  .nn-nav a { text-decoration: none; color: #1a5fb4; }
  .nn-nav .nn-here { color: #555; }
  .nn-nav a.nn-live { font-weight: 600; }
</style>
"""

# MathJax 2.7 as jupyter-server-mathjax ships it has only the STIX-Web fonts; its
# HTML-CSS output asks for the TeX fonts by default, whose font data is missing, and every
# formula with a character outside the first loaded block (a prime, a Greek letter in some
# contexts...) became "[Math Processing Error]".  Use the fonts that are there.  Read by
# MathJax when it starts, so it may come before or after the script that loads it.
MATHJAX_CONFIG = """<script type="text/x-mathjax-config">
MathJax.Hub.Config({
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null},
  SVG: {font: "STIX-Web"},
  messageStyle: "none"
});
</script>
"""

# The chapter pages: nbconvert's "lab" template without what it loads from CDNs
# (require.js and the widget renderer from unpkg): nothing of the edition comes from a
# network.  Widgets therefore show no saved view here; they need a live kernel anyway.
PAGE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}""" + MATHJAX_CONFIG + """{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
"""

# What a browser would fetch from another machine: src/href of script, link, img, iframe,
# source, and url(...) in CSS.  tests check that no page of the edition has any.
REMOTE_URL = re.compile(
    r"""<(?:script|link|img|iframe|source|audio|video|embed)\b[^>]*?\b(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)"""
    r"""|url\(\s*["']?((?:https?:)?//[^"')\s]+)""",
    re.I)


def remote_urls(page: str) -> list[str]:
    """Every http(s) URL in ``page`` that a browser would load (not plain links to follow)."""
    return [a or b for a, b in REMOTE_URL.findall(page)]


LIVE_TITLE = ("Open this chapter in JupyterLab in your browser (the browser edition): "
              "run the code and move the widgets, with nothing to install")


def _nav(chapters: list[Chapter], i: int, lite_url: str = DEFAULT_LITE_URL) -> str:
    links = []
    if i > 0:
        links.append(f'<a href="{chapters[i - 1].html_name}" rel="prev">← {html.escape(chapters[i - 1].title)}</a>')
    links.append('<a href="index.html">Contents</a>')
    if i + 1 < len(chapters):
        links.append(f'<a href="{chapters[i + 1].html_name}" rel="next">{html.escape(chapters[i + 1].title)} →</a>')
    if lite_url:
        links.append(f'<a class="nn-live" href="{html.escape(chapters[i].live_href(lite_url))}" '
                     f'title="{html.escape(LIVE_TITLE)}">▶ Run it live</a>')
    return f'<nav class="nn-nav">{"".join(links)}</nav>'


def _finish_page(page: str, title: str, nav: str) -> str:
    """The chapter's title in <title> and navigation at both ends."""
    page = re.sub(r"<title>.*?</title>", lambda m: f"<title>{html.escape(title)}</title>", page, count=1, flags=re.S)
    page = page.replace("</head>", NAV_CSS + "</head>", 1)
    page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + nav, page, count=1)
    return page.replace("</body>", nav + "\n</body>", 1)


def index_page(chapters: list[Chapter], mathjax_url: str, lite_url: str = DEFAULT_LITE_URL) -> str:
    entries = []
    for ch in chapters:
        goals = "".join(f"<li>{_inline(g)}</li>" for g in ch.goals)
        live = (f'  <p class="live"><a class="nn-live" href="{html.escape(ch.live_href(lite_url))}" '
                f'title="{html.escape(LIVE_TITLE)}">▶ Run it live in your browser</a></p>\n' if lite_url else "")
        entries.append(
            f'<li class="chapter">\n'
            f'  <h2><a href="{ch.html_name}">{html.escape(ch.title)}</a></h2>\n'
            f'  <p class="summary">{_inline(ch.summary)}</p>\n'
            + live
            + (f'  <p class="goals-head">Learning goals</p>\n  <ul class="goals">{goals}</ul>\n' if goals else "")
            + "</li>")
    body = "\n".join(entries) or "<li>No chapters yet.</li>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(BOOK_TITLE)}</title>
{MATHJAX_CONFIG}<script type="text/x-mathjax-config">
MathJax.Hub.Config({{tex2jax: {{inlineMath: [['$','$'], ['\\\\(','\\\\)']], processEscapes: true}}}});
</script>
<script src="{html.escape(mathjax_url)}"></script>
<style>
  body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em; color: #222; }}
  h1 {{ font-size: 1.8em; margin-bottom: 0.2em; }}
  ol.chapters {{ list-style: none; padding: 0; }}
  li.chapter {{ border-top: 1px solid #ddd; padding: 0.8em 0; }}
  li.chapter h2 {{ font-size: 1.25em; margin: 0 0 0.3em; }}
  li.chapter h2 a {{ text-decoration: none; color: #1a5fb4; }}
  .summary {{ margin: 0 0 0.4em; }}
  .live {{ margin: 0.2em 0 0.4em; }}
  .live a {{ color: #1a5fb4; font-weight: 600; text-decoration: none; }}
  .goals-head {{ margin: 0.4em 0 0.1em; font-weight: 600; font-size: 0.95em; }}
  ul.goals {{ margin: 0; }}
  footer {{ border-top: 1px solid #ddd; margin-top: 1em; padding-top: 0.8em; color: #555; font-size: 0.9em; }}
</style>
</head>
<body>
<h1>{html.escape(BOOK_TITLE)}</h1>
<p>Static pages of the executed chapters: every figure, number and animation as the chapter
produced it. The animations play here; the widgets only move with a live kernel —
<b>Run it live</b> opens a chapter in JupyterLab in your browser (the browser edition, nothing to
install), or run the chapters on your own machine with <code>make lab</code>.</p>
<ol class="chapters">
{body}
</ol>
<footer>Built by <code>make html</code> (<code>tools/build_html.py</code>) from the committed notebooks in <code>chapters/</code>.</footer>
</body>
</html>
"""


def local_mathjax(out: Path) -> str:
    """Copy MathJax 2.7 (shipped by the jupyter-server-mathjax package) next to the pages.

    nbconvert's pages load MathJax from a CDN by default; with a local copy the maths
    renders offline too.  Returns the URL to use, relative to the pages.
    """
    import jupyter_server_mathjax

    src = Path(jupyter_server_mathjax.__file__).parent / "static"
    shutil.copytree(src, out / "mathjax", dirs_exist_ok=True)
    return "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"


def build(paths: list[Path], out: Path, mathjax_url: str | None = None,
          lite_url: str = DEFAULT_LITE_URL) -> list[Chapter]:
    out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab", template_file="nn_chapter.html.j2",
                            extra_loaders=[DictLoader({"nn_chapter.html.j2": PAGE_TEMPLATE})])
    exporter.mathjax_url = mathjax_url or local_mathjax(out)
    cells = [load_cells(p) for p in paths]
    chapters = [read_chapter(p, c) for p, c in zip(paths, cells)]
    for i, ch in enumerate(chapters):
        body, _ = exporter.from_filename(str(ch.path), resources={"metadata": {"name": ch.title}})
        (out / ch.html_name).write_text(_finish_page(body, ch.title, _nav(chapters, i, lite_url)), encoding="utf-8")
        unexecuted = _unexecuted(cells[i])
        if unexecuted:
            ch.warnings.append(f"{unexecuted} code cell(s) have never been run: run 'make notebooks'")
        size = (out / ch.html_name).stat().st_size / 1e6
        print(f"{ch.html_name:<28} {size:5.1f} MB  {ch.title}")
        for warning in ch.warnings:
            print(f"  warning: {ch.path.name}: {warning}", file=sys.stderr)
    (out / "index.html").write_text(index_page(chapters, exporter.mathjax_url, lite_url), encoding="utf-8")
    (out / "chapters.json").write_text(json.dumps(
        [{"file": c.html_name, "title": c.title, "summary": c.summary, "goals": c.goals} for c in chapters],
        indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{'index.html':<28} {len(chapters)} chapter(s) -> {out}/index.html")
    return chapters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="chapter notebooks (default: every chapters/NN_*.ipynb)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT.relative_to(ROOT)})")
    parser.add_argument("--lite-url", default=DEFAULT_LITE_URL,
                        help=f"the browser edition relative to the pages, ending in '/' (default: {DEFAULT_LITE_URL}, "
                             f"i.e. _build/lite beside _build/html); '' for no live links")
    args = parser.parse_args(argv)
    if args.lite_url and not args.lite_url.endswith("/"):
        args.lite_url += "/"
    paths = chapter_paths(args.notebooks)
    if not paths:
        print(f"no chapter notebooks ({CHAPTER_GLOB}) in {CHAPTERS}", file=sys.stderr)
    build(paths, args.out.resolve(), lite_url=args.lite_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
