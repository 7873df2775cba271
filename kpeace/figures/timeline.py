"""Timeline of events, 1945–2024, in lanes and eras."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from kpeace.figures._style import (
    NEUTRALS,
    OKABE_ITO,
    base_figure,
    control,
    label_rows,
    place_menus,
    visibility,
    wrap,
)

ESSAY_DATE = pd.Timestamp("2007-06-06")
STATUS = {
    "Mentioned in the essay": ("diamond", OKABE_ITO["blue"]),
    "Not in the essay": ("circle", OKABE_ITO["orange"]),
    "After the essay": ("square", OKABE_ITO["vermillion"]),
    "The essay itself": ("star", OKABE_ITO["black"]),
}
SHOW = {
    "All events": None,
    "Mentioned in the essay": {"Mentioned in the essay"},
    "After the essay": {"After the essay"},
    "Before the essay": {"Mentioned in the essay", "Not in the essay"},
}
_SHORT_LANES = {
    "war, division and alliance": "War & alliance",
    "armistice machinery": "Armistice machinery",
    "UN and multilateral": "UN & multilateral",
    "inter-Korean": "Inter-Korean",
    "US–DPRK": "US–DPRK",
    "the essay": "The essay",
}


def _status(row: pd.Series) -> str:
    if row["lane"] == "the essay":
        return "The essay itself"
    if bool(row["after_essay"]):
        return "After the essay"
    return "Mentioned in the essay" if bool(row["in_essay"]) else "Not in the essay"


def _lifts(events: pd.DataFrame, days: int = 400) -> list[float]:
    """Lift a mark a little when it would sit on top of the previous one in its lane."""
    lifts = pd.Series(0.0, index=events.index)
    for _, lane in events.sort_values("date").groupby("lane", observed=True):
        previous, level = None, 0
        for index, date in lane["date"].items():
            level = (level + 1) % 3 if previous is not None and (date - previous).days < days else 0
            lifts[index] = (0.0, 0.17, -0.17)[level]
            previous = date
    return lifts.tolist()


def era_ranges(events: pd.DataFrame) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """Return the date span of each era, from its first to its last event, padded a little.

    Parameters
    ----------
    events : pandas.DataFrame
        The ``events`` table.

    Returns
    -------
    dict
        Era label → (start, end), in the era's order.
    """
    spans: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = {}
    for era in events["era"].cat.categories:
        dates = events.loc[events["era"] == era, "date"]
        if dates.empty:
            continue
        spans[str(era)] = (
            dates.min() - pd.DateOffset(months=8),
            dates.max() + pd.DateOffset(months=8),
        )
    return spans


def essay_anchor(span: Sequence[pd.Timestamp]) -> str:
    """Anchor the essay's label so that it runs away from the nearer edge of the years shown.

    Parameters
    ----------
    span : sequence of pandas.Timestamp
        The first and last date on the x axis.

    Returns
    -------
    str
        ``"right"`` (the label ends at the essay's line) when the essay lies in the right half of
        ``span``, else ``"left"``; so the label stays inside a 375 px wide figure.
    """
    start, end = span
    return "right" if ESSAY_DATE - start > end - ESSAY_DATE else "left"


def timeline_figure(events: pd.DataFrame, *, show: str = "All events") -> go.Figure:
    """Timeline of the events table: lanes on the y axis, eras shaded, the essay's date marked.

    Controls (kernel-free): buttons that zoom to one era, and a menu that shows all events,
    those the essay mentions, those after the essay, or those before it.

    Parameters
    ----------
    events : pandas.DataFrame
        The ``events`` table (``kpeace.load("events")``).
    show : str, optional
        Which events to show first: a key of ``SHOW``.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per status (mentioned / not mentioned / after the essay); the text
        alternative is in ``kpeace.figures.alt_text(fig)``.
    """
    if show not in SHOW:
        raise ValueError(f"show must be one of {', '.join(SHOW)}; got {show!r}")
    if events.empty:
        raise ValueError("the events table is empty; nothing to draw")
    frame = events.assign(status=events.apply(_status, axis=1))
    frame["lift"] = _lifts(frame)
    lanes = [lane for lane in events["lane"].cat.categories if (events["lane"] == lane).any()]
    lane_pos = {lane: i for i, lane in enumerate(reversed(lanes))}
    counts = frame["status"].value_counts()
    alt = (
        f"Timeline of {len(frame)} events from {frame['date'].min().year} to "
        f"{frame['date'].max().year}, in {len(lanes)} lanes ({', '.join(map(str, lanes))}). "
        f"{counts.get('Mentioned in the essay', 0)} events are mentioned in the essay, "
        f"{counts.get('Not in the essay', 0)} earlier events are not, and "
        f"{counts.get('After the essay', 0)} happened after the essay of 6 June 2007; "
        "a black star marks the essay itself. "
        "Shaded bands mark the eras: "
        + "; ".join(
            f"{era} ({(frame['era'] == era).sum()} events)" for era in frame["era"].cat.categories
        )
        + ". Hover over a point for the event, its date, a one-sentence summary and its source."
    )
    fig = base_figure("Events, 1945–2024", alt, height=480)
    spans = era_ranges(events)
    for i, (start, end) in enumerate(spans.values()):
        fig.add_vrect(
            x0=start,
            x1=end,
            fillcolor=NEUTRALS["band"] if i % 2 == 0 else NEUTRALS["white"],
            line_width=0,
            layer="below",
        )
    fig.add_vline(x=ESSAY_DATE, line={"color": OKABE_ITO["black"], "dash": "dot", "width": 1.5})
    fig.add_annotation(
        x=ESSAY_DATE,
        y=1.0,
        yref="paper",
        text="Essay, June 2007",
        showarrow=False,
        yanchor="bottom",
        font={"size": 11},
    )
    essay_label = f"annotations[{len(fig.layout.annotations) - 1}].xanchor"
    groups = list(STATUS)
    for status in groups:
        symbol, colour = STATUS[status]
        part = frame[frame["status"] == status]
        fig.add_trace(
            go.Scatter(
                x=part["date"],
                y=[
                    lane_pos[lane] + lift
                    for lane, lift in zip(part["lane"], part["lift"], strict=True)
                ],
                mode="markers",
                name=status,
                marker={
                    "symbol": symbol,
                    "size": 11,
                    "color": colour,
                    "line": {"width": 1, "color": NEUTRALS["white"]},
                },
                customdata=list(
                    zip(
                        part["title"].map(wrap),
                        part["display_date"],
                        part["summary"].map(wrap),
                        part["confidence"].astype(str),
                        part["source_detail"].map(lambda s: wrap(s, 60)),
                        strict=True,
                    )
                ),
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>%{customdata[1]}<br><br>%{customdata[2]}"
                    "<br><br><i>Source: %{customdata[4]} (confidence: %{customdata[3]})</i>"
                    "<extra></extra>"
                ),
            )
        )
    label_rows(fig, {_SHORT_LANES.get(str(lane), str(lane)): y for lane, y in lane_pos.items()})
    full = [
        frame["date"].min() - pd.DateOffset(years=2),
        frame["date"].max() + pd.DateOffset(years=2),
    ]
    # Each "Show" choice also frames its own years, so the events after the essay are not
    # squeezed into the last fifth of a 1945–2024 axis.
    frames = {
        "All events": full,
        "Mentioned in the essay": full,
        "After the essay": [ESSAY_DATE - pd.DateOffset(months=10), full[1]],
        "Before the essay": [full[0], ESSAY_DATE + pd.DateOffset(years=1)],
    }
    fig.update_annotations(
        selector={"text": "Essay, June 2007"}, xanchor=essay_anchor(frames[show])
    )
    fig.update_xaxes(range=frames[show], showgrid=False, type="date", nticks=6, tickformat="%Y")
    era_labels = ["All years", *spans]
    era_args = [[{}, {"xaxis.range": full, essay_label: essay_anchor(full)}]] + [
        [{}, {"xaxis.range": [start, end], essay_label: essay_anchor((start, end))}]
        for start, end in spans.values()
    ]
    show_args = [
        [
            {
                "visible": visibility(
                    groups, None if chosen is None else {*chosen, "The essay itself"}
                )
            },
            {"xaxis.range": frames[label], essay_label: essay_anchor(frames[label])},
        ]
        for label, chosen in SHOW.items()
    ]
    place_menus(
        fig,
        [
            control(era_labels, era_args, name="Era", kind="dropdown"),
            control(
                list(SHOW), show_args, name="Show", kind="dropdown", active=list(SHOW).index(show)
            ),
        ],
    )
    for trace, visible in zip(
        fig.data, show_args[list(SHOW).index(show)][0]["visible"], strict=True
    ):
        trace.visible = visible
    return fig
