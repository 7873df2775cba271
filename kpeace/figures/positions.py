"""Who prefers whom: the actor × issue matrix and the counterpart network."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpeace.figures._style import OKABE_ITO, base_figure, control, visibility, wrap

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


def matrix_figure(positions: pd.DataFrame, names: dict[str, str] | None = None) -> go.Figure:
    """Actor × issue matrix: who leads, supports or is preferred, on each issue.

    Each cell lists the stance of the row's actor towards its counterpart on that issue; blue
    squares are the essay's own assessment, vermillion diamonds North Korea's preference as the
    essay reports it. Controls show both views or one.

    Parameters
    ----------
    positions : pandas.DataFrame
        The ``positions`` table.
    names : dict, optional
        Actor id → short name for labels.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per view.
    """
    if positions.empty:
        raise ValueError("the positions table is empty; nothing to draw")
    names = names or {}
    issues = [i for i in positions["issue"].cat.categories if (positions["issue"] == i).any()]
    actors = list(dict.fromkeys(positions["actor"]))
    table = positions.drop_duplicates(["actor", "counterpart", "issue", "stance", "whose_view"])
    lines = []
    for (actor, issue), cell in table.groupby(["actor", "issue"], observed=True):
        parts = [f"{row.stance} {_label(row.counterpart, names)}" for row in cell.itertuples()]
        lines.append(f"{_label(actor, names)} on {issue}: " + "; ".join(parts))
    alt = (
        f"Matrix of {len(actors)} actors ({', '.join(_label(a, names) for a in actors)}) by "
        f"{len(issues)} issues, from the essay. " + ". ".join(lines) + ". "
        "On conventional forces the essay names South Korea as North Korea's natural partner, "
        "while North Korea prefers the United States: the first contradiction."
    )
    fig = base_figure("Who deals with whom, issue by issue", alt, height=460)
    groups = list(VIEW_STYLE)
    offsets = {ESSAY: 0.17, PREFERENCE: -0.17}
    for view in groups:
        label, symbol, colour, _ = VIEW_STYLE[view]
        part = table[table["whose_view"] == view]
        xs, ys, texts, hovers = [], [], [], []
        for (actor, issue), cell in part.groupby(["actor", "issue"], observed=True):
            xs.append(issues.index(issue))
            ys.append(actors[::-1].index(actor) + offsets[view])
            texts.append(
                ", ".join(f"{r.stance} {_label(r.counterpart, names)}" for r in cell.itertuples())
            )
            first = cell.iloc[0]
            hovers.append(
                f"<b>{_label(actor, names)} — {issue}</b><br>{wrap(texts[-1])}<br><br>"
                f"¶{first['paragraph']}: “{wrap(first['quote'])}”"
            )
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers+text",
                name=label,
                text=[wrap(t, 16) for t in texts],
                textposition="middle right",
                textfont={"size": 11, "color": colour},
                marker={"symbol": symbol, "size": 12, "color": colour},
                hovertext=hovers,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_xaxes(
        tickvals=list(range(len(issues))),
        ticktext=[wrap(i, 12) for i in issues],
        range=[-0.3, len(issues) - 0.1],
        side="top",
        showgrid=True,
        gridcolor="#e5e5e5",
        fixedrange=True,
    )
    fig.update_yaxes(
        tickvals=list(range(len(actors))),
        ticktext=[_label(a, names) for a in actors[::-1]],
        range=[-0.6, len(actors) - 0.4],
        showgrid=True,
        gridcolor="#e5e5e5",
        fixedrange=True,
        automargin=True,
    )
    args = [[{"visible": visibility(groups, chosen)}, {}] for chosen in VIEWS.values()]
    fig.update_layout(
        margin={"t": 150},
        updatemenus=[control(list(VIEWS), args, name="View", kind="buttons", y=1.3)],
    )
    return fig


def network_figure(
    positions: pd.DataFrame, issue: str = "conventional forces", names: dict[str, str] | None = None
) -> go.Figure:
    """Network of counterparts for one issue at a time (the US, South Korea, North Korea).

    An arrow runs from an actor to its counterpart; solid blue arrows are the essay's
    assessment, dashed vermillion arrows North Korea's preference. A menu switches the issue,
    which shows the first contradiction: on the nuclear issue both arrows from North Korea point
    to the US; on conventional forces they split.

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
            f"{_label(r.actor, names)} {r.stance} {_label(r.counterpart, names)}"
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
        bend = 0.05 if row.whose_view == ESSAY else -0.05
        xm, ym = (x0 + x1) / 2 + bend, (y0 + y1) / 2 + bend
        xe, ye = x0 + (x1 - x0) * 0.82, y0 + (y1 - y0) * 0.82
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
            marker={"size": 34, "color": "white", "line": {"width": 2, "color": "#333"}},
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
    fig.update_layout(
        updatemenus=[
            control(issues, args, name="Issue", kind="dropdown", active=issues.index(issue))
        ]
    )
    return fig
