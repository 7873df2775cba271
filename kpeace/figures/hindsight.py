"""The forecast tracker: each forecast and premise checked twice, before and after June 2007."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpeace.figures._style import (
    DIM,
    NEUTRALS,
    OKABE_ITO,
    base_figure,
    control,
    legend_key,
    place_menus,
    wrap,
)

#: The day the essay was posted: "what could be known" ends here.
ESSAY_DATE = pd.Timestamp("2007-06-06")
#: Marks for the two sides of the essay date (shape as well as colour tells them apart).
SIDES = {
    "known": ("What could be known in June 2007", "circle-open", OKABE_ITO["blue"]),
    "after": ("What came after", "diamond", OKABE_ITO["vermillion"]),
}


def check_label(check: pd.Series, paraphrase: str, limit: int = 44) -> str:
    """Return the menu label of one check, e.g. ``"Forecast C25: UNC MAC's role would…"``.

    Parameters
    ----------
    check : pandas.Series
        A row of the ``checks`` table.
    paraphrase : str
        The claim's paraphrase.
    limit : int, optional
        Longest label (cut at a word, with an ellipsis).

    Returns
    -------
    str
        The label.
    """
    label = f"{str(check['kind']).capitalize()} {check['claim_id']}: {paraphrase}"
    return label if len(label) <= limit else label[: limit - 1].rsplit(" ", 1)[0] + "…"


def _span(dates: pd.Series) -> list[pd.Timestamp]:
    start = min(dates.min(), ESSAY_DATE) - pd.DateOffset(years=2)
    end = max(dates.max(), ESSAY_DATE) + pd.DateOffset(years=2)
    return [start, end]


def forecast_figure(checks: pd.DataFrame, claims: pd.DataFrame, events: pd.DataFrame) -> go.Figure:
    """Forecasts and premises (rows) against the events our course weighs them by (points).

    Each check is judged twice: by the events that could be known before the essay was posted
    (open circles, left of the essay's line) and by the events after it (diamonds). The figure
    shows which events to weigh, never whether a claim held: the course's reading is in the
    cards, behind "Check your answer". A menu focuses on one check and frames its years.

    Parameters
    ----------
    checks : pandas.DataFrame
        The ``checks`` table.
    claims : pandas.DataFrame
        The ``claims`` table.
    events : pandas.DataFrame
        The ``events`` table.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per check.

    Raises
    ------
    ValueError
        If there are no checks, or a check names an unknown claim or event.
    """
    if checks.empty:
        raise ValueError("no forecasts or premises to show")
    by_claim = claims.set_index("claim_id")
    by_event = events.set_index("event_id")
    unknown = [c for c in checks["claim_id"] if c not in by_claim.index] + [
        str(e)
        for column in ("known_by_2007", "after_2007")
        for ids in checks[column]
        for e in ids
        if e not in by_event.index
    ]
    if unknown:
        raise ValueError(f"unknown claim or event id(s): {', '.join(unknown)}")
    order = list(checks.itertuples(index=False))
    height = 150 + 34 * len(order)
    fig = base_figure("Forecasts and premises, then and since", "", height=height)
    described, spans = [], []
    for i, check in enumerate(order):
        claim = by_claim.loc[check.claim_id]
        sides = [("known", e) for e in check.known_by_2007] + [
            ("after", e) for e in check.after_2007
        ]
        rows = by_event.loc[[e for _, e in sides]]
        y = len(order) - 1 - i
        fig.add_trace(
            go.Scatter(
                x=rows["date"],
                y=[y] * len(rows),
                mode="markers",
                name=check.claim_id,
                marker={
                    "size": 11,
                    "color": [SIDES[s][2] for s, _ in sides],
                    "symbol": [SIDES[s][1] for s, _ in sides],
                    "line": {"width": 2, "color": [SIDES[s][2] for s, _ in sides]},
                },
                customdata=list(
                    zip(
                        rows["title"].map(wrap),
                        rows["display_date"],
                        [SIDES[s][0] for s, _ in sides],
                        strict=True,
                    )
                ),
                hovertemplate=(
                    f"<b>{check.claim_id} (¶{claim['paragraph']}, {check.kind})</b><br>"
                    "%{customdata[2]}<br>%{customdata[1]}: %{customdata[0]}<extra></extra>"
                ),
                showlegend=False,
            )
        )
        spans.append(_span(rows["date"]))
        known = by_event.loc[list(check.known_by_2007)]
        after = by_event.loc[list(check.after_2007)]
        described.append(
            f"{check.kind.capitalize()} {check.claim_id}, ¶{claim['paragraph']} "
            f"({claim['paraphrase']}). Known by June 2007: "
            + "; ".join(f"{r.display_date}, {r.title}" for r in known.itertuples())
            + ". After: "
            + "; ".join(f"{r.display_date}, {r.title}" for r in after.itertuples())
        )
    for side, (label, symbol, colour) in SIDES.items():  # legend entries for the two marks
        key = legend_key(label, size=11, symbol=symbol, color=colour, line={"width": 2})
        fig.add_trace(key.update(showlegend=True, hoverinfo="skip", legendgroup=side))
    fig.add_shape(
        type="line",
        x0=ESSAY_DATE,
        x1=ESSAY_DATE,
        y0=0,
        y1=1,
        yref="paper",
        line={"color": NEUTRALS["outline"], "width": 1.5, "dash": "dot"},
    )
    fig.add_annotation(
        x=ESSAY_DATE,
        y=1,
        yref="paper",
        yanchor="bottom",
        xanchor="right",
        text="Essay, June 2007 ",
        showarrow=False,
        font={"color": NEUTRALS["label"], "size": 12},
    )
    forecasts = sum(1 for c in order if c.kind == "forecast")
    fig.layout.meta = {
        "kpeace_alt": "Forecast tracker: each row is one of the essay's claims, "
        f"{forecasts} forecasts and {len(order) - forecasts} premises; open circles are events "
        "that could be known before the essay was posted on 6 June 2007 (left of the dotted "
        "line), diamonds are events after it. The pairing shows what to weigh, not a verdict. "
        + ". ".join(described)
        + "."
    }
    fig.update_yaxes(
        tickvals=list(range(len(order))),
        ticktext=[
            f"{c.kind} {c.claim_id} ¶{by_claim.loc[c.claim_id, 'paragraph']}"
            for c in reversed(order)
        ],
        range=[-0.6, len(order) - 0.4],
        showgrid=True,
        gridcolor=NEUTRALS["grid"],
        fixedrange=True,
        automargin=True,
    )
    overall = [min(s[0] for s in spans), max(s[1] for s in spans)]
    fig.update_xaxes(type="date", range=overall)
    n = len(order)
    extra = [1.0] * len(SIDES)
    labels = ["All forecasts and premises"] + [
        check_label(pd.Series(c._asdict()), str(by_claim.loc[c.claim_id, "paraphrase"]))
        for c in order
    ]
    args = [[{"marker.opacity": [1.0] * n + extra}, {"xaxis.range": overall}]] + [
        [
            {"marker.opacity": [1.0 if j == i else DIM for j in range(n)] + extra},
            {"xaxis.range": spans[i]},
        ]
        for i in range(n)
    ]
    place_menus(fig, [control(labels, args, name="Check", kind="dropdown")])
    return fig
