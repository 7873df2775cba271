"""Shared look of every figure: palette, layout, controls and the text alternative (private).

Colours are the Okabe–Ito palette, which stays distinguishable with the common forms of colour
blindness; every figure also varies marker symbol or line dash, so colour is never the only cue.
Backgrounds, outlines, grids and text use the few greys and pale tints in :data:`NEUTRALS`.
Every colour a figure uses is one of :data:`PALETTE` (the tests check each figure against it).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#767676",
}
#: Greys and pale tints for what is not data: backgrounds, outlines, grid lines, text.
NEUTRALS = {
    "white": "#FFFFFF",
    "text": "#1A1A1A",
    "label": "#444444",
    "outline": "#333333",
    "idle": "#D9D9D9",
    "grid": "#E5E5E5",
    "faded": "#EEEEEE",
    "band": "#F0F0F0",
    "control": "#F4F4F4",
    "header": "#E8EEF7",
    "clash": "#FDE7C8",
    "transparent": "rgba(0,0,0,0)",
}
#: Every colour a figure may use (upper-case hex, or the transparent ``rgba``).
PALETTE = frozenset({*OKABE_ITO.values(), *NEUTRALS.values()})
#: The data colours, in the order plotly assigns them to traces that name no colour.
COLORWAY = [OKABE_ITO[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky")]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans KR', sans-serif"
ALT_KEY = "kpeace_alt"
DIM = 0.15


def is_missing(value: object) -> bool:
    """Return True for None, NaN and pandas' missing markers (NA, NaT)."""
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
    )


def wrap(text: object, width: int = 48) -> str:
    """Wrap text for a hover label (plotly breaks lines only at ``<br>``).

    Parameters
    ----------
    text : object
        Text to wrap; missing values give an empty string.
    width : int, optional
        Maximum characters per line.

    Returns
    -------
    str
        The text with ``<br>`` between lines.
    """
    if is_missing(text):
        return ""
    return "<br>".join(textwrap.wrap(str(text), width, break_long_words=False)) or ""


def base_figure(title: str, alt: str, height: int = 460) -> go.Figure:
    """Return an empty figure with the house layout and its text alternative.

    Parameters
    ----------
    title : str
        Figure title (short: it must fit 375 px).
    alt : str
        Text alternative: what the figure shows, in sentences a screen reader can read.
    height : int, optional
        Height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        Responsive width, readable fonts, legend below the plot.
    """
    fig = go.Figure()
    fig.update_layout(
        title={
            "text": title,
            "x": 0.01,
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 10},
            "font": {"size": 16},
        },
        font={"family": FONT, "size": 13, "color": NEUTRALS["text"]},
        height=height,
        autosize=True,
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        paper_bgcolor=NEUTRALS["white"],
        plot_bgcolor=NEUTRALS["white"],
        colorway=COLORWAY,
        hoverlabel={"font": {"family": FONT, "size": 13}, "align": "left"},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0, "font": {"size": 12}},
        meta={ALT_KEY: alt},
    )
    return fig


def alt_text(fig: go.Figure) -> str:
    """Return the text alternative stored in a kpeace figure.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A figure made by a kpeace builder.

    Returns
    -------
    str
        The description (empty if the figure has none).
    """
    meta = fig.layout.meta
    if isinstance(meta, dict):
        return str(meta.get(ALT_KEY, ""))
    return ""


def control(
    labels: Sequence[str],
    args: Sequence[Sequence[Any]],
    *,
    name: str,
    kind: str = "dropdown",
    active: int = 0,
    x: float = 0.0,
    y: float = 1.1,
) -> dict[str, Any]:
    """Build one plotly updatemenu whose buttons call ``update`` with the given arguments.

    The same ``args`` drive the live ipywidgets explorer, which applies them to a
    ``FigureWidget`` with ``plotly_update``; so the handout and the notebook offer exactly the
    same choices.

    Parameters
    ----------
    labels : sequence of str
        Button labels.
    args : sequence
        For each button ``[data_update, layout_update]`` or ``[data_update, layout_update,
        trace_indices]``, as plotly's ``update`` method takes them.
    name : str
        What the control chooses (stored as the menu's ``name``; the live widget uses it as its
        label).
    kind : {"dropdown", "buttons"}
        Dropdown menu or a row of buttons.
    active : int
        The button selected at first.
    x, y : float
        Position in paper coordinates.

    Returns
    -------
    dict
        An updatemenu description.
    """
    buttons = [
        {"label": label, "method": "update", "args": list(arg)}
        for label, arg in zip(labels, args, strict=True)
    ]
    return {
        "type": kind,
        "direction": "right" if kind == "buttons" else "down",
        "buttons": buttons,
        "active": active,
        "name": name,
        "showactive": True,
        "x": x,
        "xanchor": "left",
        "y": y,
        "yanchor": "top",
        "pad": {"r": 4, "t": 2},
        "font": {"size": 12},
        "bgcolor": NEUTRALS["control"],
        "bordercolor": OKABE_ITO["grey"],
    }


def visibility(groups: Iterable[str], show: set[str] | None) -> list[bool]:
    """Return a ``visible`` list: True for traces whose group is in ``show`` (all if None).

    Parameters
    ----------
    groups : iterable of str
        The group of each trace, in trace order.
    show : set of str or None
        Groups to show.

    Returns
    -------
    list of bool
        One entry per trace.
    """
    return [show is None or group in show for group in groups]


MENU_TOP = 44
MENU_STEP = 40


def labels_on_the_left(fig: go.Figure) -> bool:
    """Whether the y axis prints tick labels at the left of the plot area.

    Such labels push the plot area's left edge to the right by their width, which is not known
    until the browser draws them.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A figure whose y axis is already set up.

    Returns
    -------
    bool
        True when the y axis has tick texts that are shown on its left side.
    """
    axis = fig.layout.yaxis
    return axis.ticktext is not None and axis.showticklabels is not False and axis.side != "right"


def place_menus(fig: go.Figure, menus: Sequence[dict[str, Any]]) -> go.Figure:
    """Stack the controls under the title, one row each, and make room for them.

    One control per row keeps every figure usable at 375 px: side-by-side menus would overlap.
    Plotly places menus in plot-area coordinates. Menus start at the plot area's left edge,
    which is the figure's left margin, unless the y axis prints tick labels there
    (:func:`labels_on_the_left`): then they would start after labels of unknown width and could
    run past the right edge of a phone, so they are anchored to the plot area's right edge
    instead, which sits a fixed margin inside the figure. Call it after the axes are set up.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A figure from :func:`base_figure`.
    menus : sequence of dict
        Updatemenus from :func:`control`.

    Returns
    -------
    plotly.graph_objects.Figure
        The same figure, with ``updatemenus`` set and the top margin enlarged.
    """
    top = MENU_TOP + MENU_STEP * len(menus) + 22
    height = fig.layout.height or 460
    bottom = fig.layout.margin.b if fig.layout.margin.b is not None else 40
    plot = max(height - top - bottom, 100)
    x, anchor = (1.0, "right") if labels_on_the_left(fig) else (0.0, "left")
    placed = []
    for i, menu in enumerate(menus):
        from_top = MENU_TOP + MENU_STEP * i
        y = 1 + (top - from_top) / plot
        placed.append({**menu, "x": x, "xanchor": anchor, "y": y, "yanchor": "top"})
    fig.update_layout(margin={"t": top}, updatemenus=placed)
    return fig


def label_rows(fig: go.Figure, rows: dict[str, float]) -> go.Figure:
    """Label horizontal bands inside the plot (not as tick labels, which eat a phone's width).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure.
    rows : dict
        Label → y position of the band's centre (bands are one unit high).

    Returns
    -------
    plotly.graph_objects.Figure
        The same figure, with one annotation per band and a matching y axis.
    """
    for label, y in rows.items():
        fig.add_annotation(
            x=0,
            xref="paper",
            y=y + 0.5,
            text=f"<b>{label}</b>",
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"size": 11, "color": NEUTRALS["label"]},
        )
    fig.update_yaxes(
        tickvals=list(rows.values()),
        showticklabels=False,
        range=[-0.6, len(rows) - 0.4],
        showgrid=True,
        gridcolor=NEUTRALS["grid"],
        fixedrange=True,
        automargin=True,
        zeroline=False,
    )
    return fig


def legend_key(name: str, **marker: Any) -> go.Scatter:
    """Return an empty trace that only adds a key to the legend (a mark with no data).

    Parameters
    ----------
    name : str
        The legend's label.
    **marker
        The mark's style (plotly ``marker`` keys: ``symbol``, ``size``, ``color``, ``line``).

    Returns
    -------
    plotly.graph_objects.Scatter
        A trace with no points, drawn only in the legend.
    """
    return go.Scatter(x=[None], y=[None], mode="markers", name=name, marker=marker)
