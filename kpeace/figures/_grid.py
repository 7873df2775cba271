"""Tables drawn with rectangles and one text trace, so plotly.js's basic bundle draws them.

plotly's ``table`` trace is only in the full plotly.js bundle (4.8 MB); a page with one table
would carry it all. Here a table is layout shapes (each cell's background) and one scatter trace
in text mode (each cell's words), both in the basic bundle. Each section of the table is a
full-width band with its label, then one row of cells, one per column: no column is spent on
row labels, so three columns still fit a 375 px phone. A menu swaps the whole table (text and
shapes) for another view, through plotly's ``update`` method, as the live explorer does too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import plotly.graph_objects as go

from kpeace.figures._style import MENU_STEP, MENU_TOP, NEUTRALS, control, place_menus

#: Pixels per line of cell text (12 px text at plotly's 1.3 line spacing, and a little room).
LINE_PX = 17
#: Lines of padding above and below each row's text.
PAD = 0.7
#: Text inset from a cell's left edge, as a fraction of the table's width.
INSET = 0.012
BOTTOM = 12


class Section(NamedTuple):
    """One labelled row of a table: the band's label, then one cell per column."""

    label: str
    cells: Sequence[str]
    fills: Sequence[str] | None = None


def lines(text: str) -> int:
    """Return how many lines a plotly text label takes (it breaks only at ``<br>``).

    Parameters
    ----------
    text : str
        The label.

    Returns
    -------
    int
        Number of lines.
    """
    return text.count("<br>") + 1


def _cell(name: str, x0: float, x1: float, y0: float, y1: float, fill: str) -> dict[str, Any]:
    return {
        "type": "rect",
        "name": name,
        "xref": "x",
        "yref": "y",
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "fillcolor": fill,
        "line": {"color": NEUTRALS["grid"], "width": 1},
        "layer": "below",
        "visible": True,
    }


def layout_view(
    columns: Sequence[str], sections: Sequence[Section]
) -> tuple[dict[str, list[Any]], list[dict[str, Any]], float]:
    """Place one view of a table: text points, cell shapes and the height in lines.

    Parameters
    ----------
    columns : sequence of str
        Column heads.
    sections : sequence of Section
        The labelled rows, top to bottom; each has one cell per column.

    Returns
    -------
    points : dict
        ``x``, ``y`` and ``text`` of the text trace.
    shapes : list of dict
        One rectangle per header cell, band and cell, named ``"<label> / <column>"`` for cells.
    height : float
        The table's height in lines (the y axis runs downwards in lines).
    """
    width = 1 / len(columns)
    points: dict[str, list[Any]] = {"x": [], "y": [], "text": []}
    shapes: list[dict[str, Any]] = []

    def put(x: float, y: float, text: str) -> None:
        points["x"].append(round(x + INSET, 4))
        points["y"].append(round(y + PAD / 2, 3))
        points["text"].append(text)

    top = max(lines(c) for c in columns) + PAD
    for i, head in enumerate(columns):
        shapes.append(
            _cell(f"head / {head}", i * width, (i + 1) * width, 0, top, NEUTRALS["header"])
        )
        put(i * width, 0, f"<b>{head}</b>")
    y = top
    for section in sections:
        if len(section.cells) != len(columns):
            raise ValueError(
                f"section {section.label!r} has {len(section.cells)} cells for "
                f"{len(columns)} columns"
            )
        band = lines(section.label) + PAD
        shapes.append(_cell(f"band / {section.label}", 0, 1, y, y + band, NEUTRALS["control"]))
        put(0, y, f"<b>{section.label}</b>")
        y += band
        height = max(lines(c) for c in section.cells) + PAD
        fills = section.fills or [NEUTRALS["white"]] * len(columns)
        for i, (head, text, fill) in enumerate(zip(columns, section.cells, fills, strict=True)):
            name = f"{section.label} / {head}"
            shapes.append(_cell(name, i * width, (i + 1) * width, y, y + height, fill))
            put(i * width, y, text)
        y += height
    return points, shapes, y


def text_table(
    fig: go.Figure,
    columns: Sequence[str],
    views: Mapping[str, Sequence[Section]],
    *,
    menu: str,
    kind: str = "dropdown",
) -> go.Figure:
    """Draw a table with a menu of views into a figure from :func:`~._style.base_figure`.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The empty figure.
    columns : sequence of str
        Column heads (plotly markup allowed, ``<br>`` for line breaks).
    views : mapping
        Menu label → the table's sections in that view; the first view is shown at first.
    menu : str
        The menu's name (the live explorer's label).
    kind : {"dropdown", "buttons"}
        The menu's look.

    Returns
    -------
    plotly.graph_objects.Figure
        The same figure: one text trace, the cells as shapes, the menu, and a height that fits
        the tallest view.
    """
    placed = {label: layout_view(columns, sections) for label, sections in views.items()}
    tallest = max(height for _, _, height in placed.values())
    # plotly.py merges a new shapes list into the old one item by item and keeps the surplus:
    # every view has as many shapes, each with the same keys, the spare ones hidden
    most = max(len(shapes) for _, shapes, _ in placed.values())
    spare = {**_cell("spare", 0, 0, 0, 0, NEUTRALS["white"]), "visible": False}
    for _, shapes, _ in placed.values():
        shapes.extend([spare] * (most - len(shapes)))
    points, shapes, _ = next(iter(placed.values()))
    fig.add_trace(
        go.Scatter(
            **points,
            mode="text",
            textposition="bottom right",
            textfont={"size": 12, "color": NEUTRALS["text"]},
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    menu_top = MENU_TOP + MENU_STEP + 22
    fig.update_layout(
        shapes=shapes,
        height=round(menu_top + BOTTOM + tallest * LINE_PX),
        margin={"b": BOTTOM},
        dragmode=False,
    )
    fig.update_xaxes(visible=False, range=[0, 1], fixedrange=True)
    fig.update_yaxes(visible=False, range=[tallest, 0], fixedrange=True)
    args = [
        [{key: [value] for key, value in p.items()}, {"shapes": s}] for p, s, _ in placed.values()
    ]
    return place_menus(fig, [control(list(views), args, name=menu, kind=kind)])
