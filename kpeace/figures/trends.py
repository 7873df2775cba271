"""Inter-Korean and US–DPRK agreements over time (counts and dates only)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from kpeace.figures._style import OKABE_ITO, base_figure, control, place_menus, visibility, wrap
from kpeace.figures.timeline import ESSAY_DATE

SERIES = {
    "inter-Korean agreement": ("Inter-Korean agreements", OKABE_ITO["blue"], "solid"),
    "US–DPRK agreement": ("US–DPRK agreements", OKABE_ITO["vermillion"], "dash"),
}
LANES = {"inter-Korean": SERIES["inter-Korean agreement"], "US–DPRK": SERIES["US–DPRK agreement"]}

#: What the chart counts as an agreement; the documents table's ``kind`` applies it.
COUNT_RULE = (
    "What counts: a text that the two governments (South and North Korea, or the United "
    "States and North Korea) agreed and issued together, signed or jointly announced, "
    "whatever its title (communiqué, joint statement, declaration or agreement) and at "
    "whatever level (leaders, ministers, envoys or military delegations). Not counted: UN "
    "and Six-Party texts, one side's statements or proposals, and parallel announcements "
    'such as the 2012 "Leap Day" understanding.'
)


def _cumulative(dates: pd.Series, end: pd.Timestamp) -> tuple[list, list]:
    dates = dates.sort_values()
    xs = [dates.iloc[0] - pd.DateOffset(years=1)] if len(dates) else []
    ys = [0] if len(dates) else []
    for i, date in enumerate(dates, start=1):
        xs.append(date)
        ys.append(i)
    if len(dates):
        xs.append(end)
        ys.append(len(dates))
    return xs, ys


def agreements_figure(documents: pd.DataFrame, events: pd.DataFrame) -> go.Figure:
    """Cumulative count of inter-Korean and US–DPRK agreements, with the essay's date marked.

    Agreements the essay names have filled markers; the others open markers. Menus switch the
    period (up to the essay, or with hindsight to 2024) and what is counted (agreements signed,
    or every event in the timeline's inter-Korean and US–DPRK lanes).

    Parameters
    ----------
    documents : pandas.DataFrame
        The ``documents`` table.
    events : pandas.DataFrame
        The ``events`` table.

    Returns
    -------
    plotly.graph_objects.Figure
        Two agreement traces, then two event traces (hidden at first).
    """
    end = pd.Timestamp("2025-01-01")
    fig_groups: list[str] = []
    described: list[str] = []
    title = "Inter-Korean vs US–DPRK agreements"
    traces: list[go.Scatter] = []
    for kind, (label, colour, dash) in SERIES.items():
        docs = documents[documents["kind"] == kind].sort_values("date_signed")
        xs, ys = _cumulative(docs["date_signed"], end)
        symbols = (
            ["circle"]
            + ["circle" if m else "circle-open" for m in docs["essay_mentions"]]
            + ["circle"]
        )
        sizes = [0] + [11] * len(docs) + [0]
        before = docs[docs["date_signed"] <= ESSAY_DATE]
        described.append(
            f"{label}: {len(docs)} in all, {len(before)} by June 2007 ("
            + "; ".join(
                f"{r.short_title}, {r.date_signed.year}"
                + (" — named in the essay" if r.essay_mentions else "")
                for r in docs.itertuples()
            )
            + ")"
        )
        hover = (
            [""]
            + [
                f"<b>{wrap(r.short_title)}</b><br>{r.date_signed:%-d %b %Y}<br>"
                + ("Named in the essay" if r.essay_mentions else "Not named in the essay")
                for r in docs.itertuples()
            ]
            + [""]
        )
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                name=label,
                line={"shape": "hv", "color": colour, "dash": dash, "width": 2.5},
                marker={"symbol": symbols, "size": sizes, "color": colour, "line": {"width": 2}},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        fig_groups.append("agreements")
    for lane, (_label, colour, dash) in LANES.items():
        part = events[events["lane"] == lane]
        xs, ys = _cumulative(part["date"], end)
        described.append(f"Timeline events in the {lane} lane: {len(part)}")
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                name=f"{lane} events",
                visible=False,
                line={"shape": "hv", "color": colour, "dash": dash, "width": 2.5},
                marker={"size": [0] + [9] * len(part) + [0], "color": colour, "symbol": "square"},
                hovertext=[""]
                + [
                    f"<b>{wrap(t)}</b><br>{d}"
                    for t, d in zip(
                        part.sort_values("date")["title"],
                        part.sort_values("date")["display_date"],
                        strict=True,
                    )
                ]
                + [""],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        fig_groups.append("events")
    alt = (
        "Step chart counting agreements over time, from the documents table, with the essay's "
        "date (June 2007) marked. " + COUNT_RULE + " " + ". ".join(described) + ". Filled "
        "markers are agreements the essay names; open markers are agreements it does not name."
    )
    fig = base_figure(title, alt, height=460)
    fig.add_traces(traces)
    fig.add_vline(x=ESSAY_DATE, line={"color": OKABE_ITO["black"], "dash": "dot", "width": 1.5})
    fig.add_annotation(
        x=ESSAY_DATE,
        y=1.0,
        yref="paper",
        text="Essay",
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
        font={"size": 11},
    )
    start = min(t.x[0] for t in traces if len(t.x))
    periods: Mapping[str, list] = {
        "To the essay (June 2007)": [start, ESSAY_DATE + pd.DateOffset(months=6)],
        "With hindsight (to 2024)": [start, end],
    }
    counts = {"Agreements signed": {"agreements"}, "Timeline events": {"events"}}
    fig.update_xaxes(range=periods["To the essay (June 2007)"], type="date")
    fig.update_yaxes(title_text="Running total", rangemode="tozero", fixedrange=True)
    place_menus(
        fig,
        [
            control(
                list(periods),
                [[{}, {"xaxis.range": r}] for r in periods.values()],
                name="Period",
                kind="dropdown",
                active=0,
            ),
            control(
                list(counts),
                [[{"visible": visibility(fig_groups, g)}, {}] for g in counts.values()],
                name="Count",
                kind="dropdown",
            ),
        ],
    )
    return fig
