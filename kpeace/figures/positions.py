"""Who prefers whom: the actor × issue matrix and the counterpart network."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from kpeace.figures._grid import Section, text_table
from kpeace.figures._style import NEUTRALS, OKABE_ITO, base_figure, control, place_menus, wrap

ESSAY = "essay's assessment"
PREFERENCE = "actor's preference, as the essay reports it"
VIEW_STYLE = {
    ESSAY: ("The essay's assessment", "square", OKABE_ITO["blue"], "solid"),
    PREFERENCE: (
        "North Korea's preference (as reported)",
        "diamond",
        OKABE_ITO["vermillion"],
        "dash",
    ),
}
VIEWS = {
    "Both views": None,
    "The essay's assessment": {ESSAY},
    "North Korea's preference": {PREFERENCE},
}
NODES = {"US": (0.5, 0.92), "ROK": (0.08, 0.08), "DPRK": (0.92, 0.08)}
NODE_LABEL = {"US": "United States", "ROK": "South Korea", "DPRK": "North Korea"}


def _label(actor: str, names: dict[str, str]) -> str:
    return names.get(actor, actor)


PHRASES = {
    "prefers to negotiate with": "prefers to negotiate with {}",
    "natural partner": "natural partner: {}",
    "critical player": "critical player with {}",
    "leads": "leads, facing {}",
    "supports": "supports {}",
    "committed, tied to denuclearization": "committed to normalize with {}, tied to "
    "denuclearization",
    "improving": "relations with {} improving",
    "tense": "relations with {} tense",
    "political agreement in place": "political agreements with {}",
    "no similar political agreement": "no similar political agreement with {}",
    "needs closer coordination": "needs closer coordination with {}",
}


def phrase(stance: str, counterpart: str) -> str:
    """Return a stance as a readable phrase, e.g. ``"relations with North Korea tense"``.

    Parameters
    ----------
    stance : str
        A ``positions.stance`` value.
    counterpart : str
        The counterpart's name.

    Returns
    -------
    str
        The phrase.
    """
    return PHRASES.get(str(stance), "{} " + str(stance)).format(counterpart)


def _cell(rows: Iterable[Any], names: dict[str, str]) -> str:
    """Return one matrix cell: each row's stance and paragraph (rows from ``itertuples``)."""
    return "<br>".join(
        wrap(f"{phrase(r.stance, _label(r.counterpart, names))} (¶{r.paragraph})", 15) for r in rows
    )


def matrix_figure(positions: pd.DataFrame, names: dict[str, str] | None = None) -> go.Figure:
    """Actor × issue matrix: who leads, who supports, who prefers whom, issue by issue.

    A table with one band per issue and one column per actor; each cell gives the actor's
    stance towards its counterpart with the essay paragraph. A menu shows both views, only the
    essay's own assessment, or only North Korea's preference as the essay reports it. Cells
    where the two views name different counterparts are shaded: the first contradiction. The
    table is drawn with shapes and text (:mod:`kpeace.figures._grid`), so the basic plotly.js
    bundle draws it.

    Parameters
    ----------
    positions : pandas.DataFrame
        The ``positions`` table.
    names : dict, optional
        Actor id → short name for labels.

    Returns
    -------
    plotly.graph_objects.Figure
        One text trace; the cells are layout shapes named ``"<issue> / <actor>"``.
    """
    if positions.empty:
        raise ValueError("the positions table is empty; nothing to draw")
    names = names or {}
    table = positions.drop_duplicates(["actor", "counterpart", "issue", "stance", "whose_view"])
    issues = [str(i) for i in positions["issue"].cat.categories if (table["issue"] == i).any()]
    actors = list(dict.fromkeys(table["actor"]))
    columns = [wrap(_label(a, names), 12) for a in actors]

    # Each cell's rows and shade once (plain rows: small frames cost more than their data);
    # each view then only filters the rows.
    by_cell: dict[tuple[str, str], list[Any]] = {}
    for row in table.itertuples():
        by_cell.setdefault((row.actor, str(row.issue)), []).append(row)
    shades: dict[tuple[str, str], str] = {}
    for actor in actors:
        for issue in issues:
            views: dict[str, frozenset[str]] = {}
            for row in by_cell.get((actor, issue), []):
                views[row.whose_view] = views.get(row.whose_view, frozenset()) | {row.counterpart}
            clash = len(views) == 2 and len(set(views.values())) == 2
            shades[actor, issue] = NEUTRALS["clash"] if clash else NEUTRALS["white"]

    def sections(view: set[str] | None) -> list[Section]:
        rows = []
        for issue in issues:
            texts = []
            for actor in actors:
                cell = by_cell.get((actor, issue), [])
                shown = [r for r in cell if view is None or r.whose_view in view]
                texts.append(_cell(shown, names) or "—")
            shade = [shades[actor, issue] for actor in actors]
            rows.append(Section(issue[:1].upper() + issue[1:], texts, shade))
        return rows

    lines = []
    for (actor, issue), cell in table.groupby(["actor", "issue"], observed=True):
        views = "; ".join(
            phrase(r.stance, _label(r.counterpart, names))
            + (" (as North Korea prefers)" if r.whose_view == PREFERENCE else "")
            for r in cell.itertuples()
        )
        lines.append(f"{_label(actor, names)}, {issue}: {views}")
    alt = (
        f"Table of {len(issues)} issues by {len(actors)} actors "
        f"({', '.join(_label(a, names) for a in actors)}), from the essay. "
        + ". ".join(lines)
        + ". Shaded: on conventional forces the essay names South Korea as "
        "North Korea's natural partner, while North Korea prefers the United States (the first "
        "contradiction)."
    )
    fig = base_figure("Who deals with whom, issue by issue", alt)
    views = {label: sections(view) for label, view in VIEWS.items()}
    return text_table(fig, columns, views, menu="View", kind="dropdown")


def network_figure(
    positions: pd.DataFrame, issue: str = "conventional forces", names: dict[str, str] | None = None
) -> go.Figure:
    """Network of counterparts for one issue at a time (the US, South Korea, North Korea).

    An arrow runs from an actor to its counterpart; solid blue arrows are the essay's
    assessment, dashed vermillion arrows North Korea's preference. A menu switches the issue,
    which shows the first contradiction: on the nuclear issue the essay's arrow (the US as
    "a critical player") and North Korea's preference join the same two countries; on
    conventional forces they split between South Korea and the US.

    Parameters
    ----------
    positions : pandas.DataFrame
        The ``positions`` table.
    issue : str, optional
        The issue shown first.
    names : dict, optional
        Actor id → short name for labels.

    Returns
    -------
    plotly.graph_objects.Figure
        A node trace and one trace per arrow.
    """
    names = names or NODE_LABEL
    table = positions[positions["actor"].isin(NODES) & positions["counterpart"].isin(NODES)]
    table = table.drop_duplicates(["actor", "counterpart", "issue", "stance", "whose_view"])
    issues = [i for i in positions["issue"].cat.categories if (table["issue"] == i).any()]
    if issue not in issues:
        raise ValueError(f"issue must be one of {', '.join(issues)}; got {issue!r}")
    summary = []
    for name, group in table.groupby("issue", observed=True):
        arrows = [
            f"{_label(r.actor, names)}: {phrase(r.stance, _label(r.counterpart, names))}"
            + (" (North Korea's preference)" if r.whose_view == PREFERENCE else "")
            for r in group.itertuples()
        ]
        summary.append(f"On {name}: " + "; ".join(arrows))
    alt = (
        "Network of the United States, South Korea and North Korea, one issue at a time, from "
        "the essay. " + ". ".join(summary) + "."
    )
    fig = base_figure("Preferred counterparts, by issue", alt, height=440)
    groups: list[str] = []
    for row in table.itertuples():
        (x0, y0), (x1, y1) = NODES[row.actor], NODES[row.counterpart]
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        bend = 0.07 if row.whose_view == ESSAY else 0.15
        px, py = (y1 - y0) / length * bend, -(x1 - x0) / length * bend
        xm, ym = (x0 + x1) / 2 + px, (y0 + y1) / 2 + py
        xe, ye = x0 + (x1 - x0) * 0.84 + px * 0.4, y0 + (y1 - y0) * 0.84 + py * 0.4
        label, _, colour, dash = VIEW_STYLE[row.whose_view]
        fig.add_trace(
            go.Scatter(
                x=[x0, xm, xe],
                y=[y0, ym, ye],
                mode="lines+markers+text",
                line={"color": colour, "dash": dash, "width": 3, "shape": "spline"},
                marker={
                    "symbol": ["circle", "circle", "arrow"],
                    "size": [0, 0, 16],
                    "angleref": "previous",
                    "color": colour,
                },
                text=["", wrap(row.stance, 14), ""],
                textposition="top center",
                textfont={"color": colour, "size": 12},
                name=label,
                legendgroup=label,
                showlegend=False,
                hovertemplate=(
                    f"<b>{_label(row.actor, names)} → {_label(row.counterpart, names)}"
                    f"</b><br>{row.issue}: {row.stance}<br>{label}<br>¶{row.paragraph}: "
                    f"“{wrap(row.quote)}”<extra></extra>"
                ),
                visible=row.issue == issue,
            )
        )
        groups.append(str(row.issue))
    for label, _symbol, colour, dash in VIEW_STYLE.values():
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=label,
                line={"color": colour, "dash": dash, "width": 3},
            )
        )
        groups.append("legend")
    fig.add_trace(
        go.Scatter(
            x=[p[0] for p in NODES.values()],
            y=[p[1] for p in NODES.values()],
            mode="markers+text",
            text=[_label(a, names) for a in NODES],
            textposition=["top center", "bottom center", "bottom center"],
            marker={
                "size": 34,
                "color": NEUTRALS["white"],
                "line": {"width": 2, "color": NEUTRALS["outline"]},
            },
            textfont={"size": 14},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    groups.append("nodes")
    args = [
        [{"visible": [g == chosen or g in ("legend", "nodes") for g in groups]}, {}]
        for chosen in issues
    ]
    fig.update_xaxes(visible=False, range=[-0.12, 1.12], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-0.2, 1.12], fixedrange=True)
    place_menus(
        fig,
        [control(issues, args, name="Issue", kind="dropdown", active=issues.index(issue))],
    )
    return fig
