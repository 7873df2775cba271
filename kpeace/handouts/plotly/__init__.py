"""The plotly.js that a handout embeds: the smallest official bundle that draws its figures.

plotly.py ships the full plotly.js (every trace type). The official partial bundles of the same
version (npm ``plotly.js-basic-dist-min``, ``plotly.js-cartesian-dist-min``, MIT, see
``LICENSE``) are vendored beside this file by :mod:`.refresh`; ``bundles.json`` records their
version and the trace types each contains. Nothing is fetched at run time. A partial bundle is
used only while its version is plotly.py's own; otherwise every handout gets the full bundle.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

HERE = files(__name__)


@dataclass(frozen=True)
class Bundle:
    """One plotly.js bundle.

    Attributes
    ----------
    name : str
        ``"basic"``, ``"cartesian"`` or ``"full"``.
    traces : frozenset of str or None
        The trace types it draws (None: every one).
    version : str
        Its plotly.js version.
    """

    name: str
    traces: frozenset[str] | None
    version: str

    @property
    def file_name(self) -> str:
        """The name of its shared file beside the handouts (``plotly-basic-4.1.1.min.js``)."""
        infix = "" if self.name == "full" else f"-{self.name}"
        return f"plotly{infix}-{self.version}.min.js"

    def draws(self, trace_types: Iterable[str]) -> bool:
        """Return whether this bundle draws every one of ``trace_types``.

        Parameters
        ----------
        trace_types : iterable of str
            Trace types.

        Returns
        -------
        bool
            True if all are in the bundle.
        """
        return self.traces is None or set(trace_types) <= self.traces

    def source(self) -> str:
        """Return the minified library.

        Returns
        -------
        str
            The script.
        """
        if self.name == "full":
            from plotly.offline import get_plotlyjs

            return get_plotlyjs()
        return (HERE / manifest()["files"][self.name]).read_text(encoding="utf-8")


@cache
def manifest() -> dict[str, Any]:
    """Return ``bundles.json`` (version, and the vendored bundles smallest first).

    Returns
    -------
    dict
        ``plotly_js_version``, ``bundles`` and ``files`` (bundle name → file).
    """
    data = json.loads((HERE / "bundles.json").read_text(encoding="utf-8"))
    data["files"] = {b["name"]: b["file"] for b in data["bundles"]}
    return data


def full() -> Bundle:
    """Return plotly.py's own full bundle.

    Returns
    -------
    Bundle
        Every trace type.
    """
    from plotly.offline import get_plotlyjs_version

    return Bundle("full", None, get_plotlyjs_version())


def bundles() -> list[Bundle]:
    """Return the bundles a handout may embed, smallest first, the full one last.

    Partial bundles are offered only when their version is plotly.py's plotly.js version.

    Returns
    -------
    list of Bundle
        The candidates.
    """
    whole = full()
    data = manifest()
    partial = [
        Bundle(b["name"], frozenset(b["traces"]), data["plotly_js_version"])
        for b in data["bundles"]
    ]
    return [b for b in partial if b.version == whole.version] + [whole]


def choose(trace_types: Iterable[str]) -> Bundle:
    """Return the smallest bundle that draws every one of ``trace_types``.

    Parameters
    ----------
    trace_types : iterable of str
        The trace types of every figure on a page.

    Returns
    -------
    Bundle
        A partial bundle, or the full one.
    """
    used = set(trace_types)
    return next(b for b in bundles() if b.draws(used))


def trace_types(figure: Mapping[str, Any]) -> set[str]:
    """Return every trace type a figure can show: its traces, its frames', its menus'.

    Parameters
    ----------
    figure : mapping
        A figure as a dict (``data``, ``layout``, ``frames``).

    Returns
    -------
    set of str
        Trace types (a trace without ``type`` is a scatter, as in plotly.js).
    """
    traces = list(figure.get("data") or [])
    for frame in figure.get("frames") or []:
        traces += list(frame.get("data") or [])
    found = {t.get("type") or "scatter" for t in traces}
    layout = figure.get("layout") or {}
    for menu in [*(layout.get("updatemenus") or []), *(layout.get("sliders") or [])]:
        for item in [*(menu.get("buttons") or []), *(menu.get("steps") or [])]:
            for arg in item.get("args") or []:
                if isinstance(arg, Mapping) and "type" in arg:  # a menu that restyles the type
                    value = arg["type"]
                    found |= set(value) if isinstance(value, list) else {value}
    return {str(t) for t in found}


SUBPLOT_DEFAULTS = ("geo", "polar", "ternary", "scene", "mapbox", "map", "smith")
PLAIN = {"scatter", "bar", "pie", "table"}  # trace types that use none of those subplots


def prune_template(figure: dict[str, Any], used: set[str]) -> dict[str, Any]:
    """Drop the template's parts that no trace of the figure can use (in place).

    The template's defaults for trace types the figure does not have go; so do its defaults
    for geo, polar, ternary, 3D and map subplots when the figure has none of them.

    Parameters
    ----------
    figure : dict
        A figure as a dict.
    used : set of str
        The figure's trace types (:func:`trace_types`).

    Returns
    -------
    dict
        The same figure.
    """
    layout = figure.get("layout") or {}
    template = layout.get("template")
    if not isinstance(template, dict):
        return figure
    if isinstance(template.get("data"), dict):
        template["data"] = {k: v for k, v in template["data"].items() if k in used}
    if isinstance(template.get("layout"), dict) and used <= PLAIN:
        subplots = [k for k in layout if k.startswith(SUBPLOT_DEFAULTS)]
        template["layout"] = {
            k: v
            for k, v in template["layout"].items()
            if k not in SUBPLOT_DEFAULTS or any(s.startswith(k) for s in subplots)
        }
    return figure


NEW_PLOT = re.compile(r"Plotly\.newPlot\(\s*")
ADD_FRAMES = re.compile(r"Plotly\.addFrames\(\s*(?:'[^']*'|\"[^\"]*\")\s*,\s*")
_COMMA = re.compile(r"\s*,?\s*")
_DECODER = json.JSONDecoder()


def read_values(html: str, start: int, count: int) -> list[tuple[Any, int, int]]:
    """Read ``count`` comma-separated JSON values of a script from ``start``.

    Parameters
    ----------
    html : str
        The text holding them (a ``Plotly.newPlot(`` call's arguments, say).
    start : int
        Where the first value begins.
    count : int
        How many values to read.

    Returns
    -------
    list of tuple
        ``(value, begin, end)`` for each value.

    Raises
    ------
    ValueError
        If a value is not JSON.
    """
    found = []
    at = start
    for _ in range(count):
        begin = at
        value, at = _DECODER.raw_decode(html, begin)
        found.append((value, begin, at))
        at = _COMMA.match(html, at).end()
    return found


def figures_in(html: str) -> tuple[str, set[str] | None]:
    """Read every plotly figure an output's HTML draws; prune their templates.

    A figure is drawn by ``Plotly.newPlot(id, data, layout, config)`` (what ``plotly.io.to_html``
    writes), with frames added by ``Plotly.addFrames(id, frames)``.

    Parameters
    ----------
    html : str
        An output's HTML.

    Returns
    -------
    tuple
        The HTML with each figure's template pruned (:func:`prune_template`), and the trace
        types of all its figures; None instead of the types if a plotly figure on it could not
        be read (then only the full bundle is safe).
    """
    calls = list(NEW_PLOT.finditer(html))
    if not calls:
        return html, (None if "plotly-graph-div" in html else set())
    found: set[str] = set()
    frames: list[Any] = []
    for call in ADD_FRAMES.finditer(html):
        try:
            frames += read_values(html, call.end(), 1)[0][0]
        except ValueError:
            return html, None
    pieces, done = [], 0
    for call in calls:
        try:
            (_, _, _), (data, _, _), (layout, begin, end) = read_values(html, call.end(), 3)
        except ValueError:
            return html, None
        if not isinstance(data, list) or not isinstance(layout, dict):
            return html, None
        figure = {"data": data, "layout": layout, "frames": frames}
        used = trace_types(figure)
        found |= used
        from plotly.io.json import to_json_plotly

        pieces += [html[done:begin], to_json_plotly(prune_template(figure, used)["layout"])]
        done = end
    return "".join(pieces) + html[done:], found
