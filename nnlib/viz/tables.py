"""Tables for the notebook: a list of dicts rendered as Markdown (shown with ``IPython.display.Markdown``)."""

from __future__ import annotations

import numpy as np


def markdown_table(rows, columns=None, headers=None) -> str:
    """A Markdown table of ``rows`` (a list of dicts): one line per row, one column per key.

    ``columns`` chooses and orders the keys (default: the first row's keys); ``headers``
    renames them.  Numbers are shown with ``format(v, ".3g")``; ``|`` in text and headers is
    escaped with a backslash, so a header such as "max |w|" does not break the table.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows must hold at least one dict, got none")
    columns = list(rows[0]) if columns is None else list(columns)
    headers = columns if headers is None else list(headers)
    if len(headers) != len(columns):
        raise ValueError(f"headers must name each of the {len(columns)} columns, got {len(headers)}")

    def cell(v):
        if isinstance(v, (float, np.floating)):
            return format(float(v), ".3g").replace("-", "−")
        return str(v).replace("|", r"\|")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)
