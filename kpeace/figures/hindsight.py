"""The forecast tracker: each of the essay's forecasts beside later events that bear on it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from kpeace.figures._style import DIM, NEUTRALS, OKABE_ITO, base_figure, control, place_menus, wrap


def forecast_figure(
    claims: pd.DataFrame, events: pd.DataFrame, links: Mapping[str, Sequence[int]]
) -> go.Figure:
    """Forecasts (rows) against the later events our course pairs with them (points in time).

    The pairing is a teaching prompt, not a verdict: the figure says which events to weigh,
    never whether a forecast came true. A menu focuses on one forecast.

    Parameters
    ----------
    claims : pandas.DataFrame
        The ``claims`` table.
    events : pandas.DataFrame
        The ``events`` table.
    links : mapping
        Claim id → event ids paired with it.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per forecast.
    """
    if not links:
        raise ValueError("no forecasts to show")
    by_claim = claims.set_index("claim_id")
    by_event = events.set_index("event_id")
    unknown = [c for c in links if c not in by_claim.index] + [
        str(e) for ids in links.values() for e in ids if e not in by_event.index
    ]
    if unknown:
        raise ValueError(f"unknown claim or event id(s): {', '.join(unknown)}")
    order = list(links)
    palette = [OKABE_ITO[c] for c in ("blue", "orange", "green", "purple", "vermillion", "sky")]
    symbols = ["circle", "square", "diamond", "triangle-up", "star", "hexagon", "cross", "x"]
    described = []
    fig = base_figure("Forecasts and what came later", "", height=120 + 56 * len(order))
    for i, claim in enumerate(order):
        rows = by_event.loc[list(links[claim])].sort_values("date")
        y = len(order) - 1 - i
        fig.add_trace(
            go.Scatter(
                x=rows["date"],
                y=[y] * len(rows),
                mode="markers",
                name=claim,
                marker={
                    "size": 13,
                    "color": palette[i % len(palette)],
                    "symbol": symbols[i % len(symbols)],
                    "line": {"width": 1, "color": NEUTRALS["white"]},
                },
                customdata=list(zip(rows["title"].map(wrap), rows["display_date"], strict=True)),
                hovertemplate=(
                    f"<b>{claim} (¶{by_claim.loc[claim, 'paragraph']})</b><br>"
                    "%{customdata[1]}: %{customdata[0]}<extra></extra>"
                ),
                showlegend=False,
            )
        )
        described.append(
            f"{claim}, ¶{by_claim.loc[claim, 'paragraph']} ({by_claim.loc[claim, 'paraphrase']}): "
            + "; ".join(f"{r.display_date}, {r.title}" for r in rows.itertuples())
        )
    fig.layout.meta = {
        "kpeace_alt": "Forecast tracker: each row is one forecast from the essay, each point a "
        "later event the course pairs with it for discussion (a prompt, not a verdict). "
        + ". ".join(described)
        + "."
    }
    fig.update_yaxes(
        tickvals=list(range(len(order))),
        ticktext=[f"{c} ¶{by_claim.loc[c, 'paragraph']}" for c in reversed(order)],
        range=[-0.6, len(order) - 0.4],
        showgrid=True,
        gridcolor=NEUTRALS["grid"],
        fixedrange=True,
        automargin=True,
    )
    fig.update_xaxes(type="date", range=[pd.Timestamp("2007-01-01"), pd.Timestamp("2025-06-01")])
    labels = ["All forecasts"] + [f"{c}: {by_claim.loc[c, 'paraphrase']}" for c in order]
    args = [[{"marker.opacity": [1.0] * len(order)}, {}]] + [
        [{"marker.opacity": [1.0 if j == i else DIM for j in range(len(order))]}, {}]
        for i in range(len(order))
    ]
    place_menus(
        fig,
        [
            control(
                [lab if len(lab) <= 44 else lab[:43].rsplit(" ", 1)[0] + "…" for lab in labels],
                args,
                name="Forecast",
                kind="dropdown",
            )
        ],
    )
    return fig
