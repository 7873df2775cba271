"""Figures as shared files for ``--shared-assets``: each figure's data once per folder.

A folder of handouts shows the same figures many times: the student and the teacher edition
of a notebook draw the same ones, and some notebooks repeat a figure of another (the timeline
of 01 comes back in 05). With ``--shared-assets`` each figure's data and layout go to a file
named by its content, ``kpeace-figure-<12 hex digits>.js``, loaded by the page just before the
script that draws the figure; the page keeps the figure's ``<div>``, its text description and
its config. Self-contained pages (the default) keep every figure inline.

The file is plain JavaScript (``<script src>`` works from ``file://`` where ``fetch`` does not)
holding compact UTF-8 JSON, which is also smaller than the HTML-escaped JSON inline in a page.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from kpeace.handouts.plotly import ADD_FRAMES, NEW_PLOT, read_values

#: Where the figure files put what they hold (``window.kpeaceFigures[<hash>]``).
REGISTRY = "window.kpeaceFigures"
_SCRIPT_START = re.compile(r"<script\b[^>]*>", re.I)
#: Shown in a figure's place when the page was copied without the files beside it.
MISSING = (
    '<p class="kp-note">This figure is drawn from files that come with this page in its '
    "folder (plotly.js and the figure's data), and they are not beside it here. Open the page "
    "from the whole handouts folder. The figure's text description below gives its content.</p>"
)


def _source(figure: dict[str, Any]) -> str:
    """Return ``figure`` as compact JSON that is safe in a script file."""
    text = json.dumps(figure, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # U+2028/9 end a line in older JavaScript; "</" cannot end a script file, but stays harmless
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def figure_file(key: str, source: str, mark: str) -> str:
    """Return the text of a shared figure file.

    Parameters
    ----------
    key : str
        The figure's key (12 hex digits of the hash of ``source``).
    source : str
        ``{"data": [...], "layout": {...}}`` as script-safe JSON (what ``_source`` returns).
    mark : str
        The first line every shared text file starts with (``assets.MARK``).

    Returns
    -------
    str
        ``mark`` and one statement that stores the figure under ``key``.
    """
    return f'{mark}({REGISTRY} = {REGISTRY} || {{}})["{key}"] = {source};\n'


def share(html: str, mark: str) -> tuple[str, dict[str, str]]:
    """Move every figure an output's HTML draws into a shared file; return the new HTML.

    Parameters
    ----------
    html : str
        An output's HTML, as :func:`kpeace.handouts.plotly.figures_in` leaves it.
    mark : str
        The first line of each file (``assets.MARK``).

    Returns
    -------
    tuple
        The HTML, which loads each figure's file before the script that draws it and reads
        the data and layout from there (or, if the files are not beside the page, shows
        :data:`MISSING` in the figure's place), and the files to write (name → text). The HTML
        is returned unchanged, with no files, if it adds frames or a call cannot be read.
    """
    calls = list(NEW_PLOT.finditer(html))
    if not calls or ADD_FRAMES.search(html):
        return html, {}
    edits: list[tuple[int, int, str]] = []  # (begin, end, text): an insert has begin == end
    written: dict[str, str] = {}
    for call in calls:
        try:
            (div, _, _), (data, begin, _), (layout, _, end) = read_values(html, call.end(), 3)
        except ValueError:
            return html, {}
        scripts = list(_SCRIPT_START.finditer(html, 0, call.start()))
        if not scripts:
            return html, {}
        source = _source({"data": data, "layout": layout})
        key = hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]
        name = f"kpeace-figure-{key}.js"
        written[name] = figure_file(key, source, mark)
        ref = f'{REGISTRY}["{key}"]'
        at = scripts[-1].start()  # the script that draws it: its data file loads just before
        guard = (
            f"if (!(window.Plotly && {REGISTRY} && {ref})) document.getElementById("
            f"{json.dumps(div)}).innerHTML = {json.dumps(MISSING)}; else "
        )
        edits += [
            (at, at, f'<script src="{name}"></script>'),
            (call.start(), call.start(), guard),
            (begin, end, f"{ref}.data, {ref}.layout"),
        ]
    pieces, done = [], 0
    for begin, end, text in sorted(edits, key=lambda e: (e[0], e[1])):
        pieces += [html[done:begin], text]
        done = end
    return "".join(pieces) + html[done:], written
