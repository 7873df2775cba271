"""Six governments, three questions: the record's dated positions on a peace regime, over time.

Kept apart from :mod:`kpeace.figures.positions`, which draws the *essay's* actor × issue
matrix: this figure draws the *record* (the fact sheet's §10 rows), one point per position.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from kpeace.figures._style import (
    DIM,
    NEUTRALS,
    OKABE_ITO,
    base_figure,
    control,
    label_rows,
    legend_key,
    place_menus,
    wrap,
)

#: The six governments, top to bottom, with the labels the menus use.
ACTORS = {
    "DPRK": "North Korea (DPRK)",
    "ROK": "South Korea (ROK)",
    "PRC": "China (PRC)",
    "JPN": "Japan",
    "RUS": "Russia",
    "US": "United States",
}
#: Marker symbol, colour and vertical offset within an actor's band (its label sits on top).
QUESTION_STYLE = {
    "parties": ("circle", OKABE_ITO["blue"], 0.1),
    "unc": ("square", OKABE_ITO["vermillion"], -0.1),
    "sequencing": ("diamond", OKABE_ITO["green"], -0.3),
}
ALL_ACTORS = "All six"
ALL_QUESTIONS = "All three questions"


def when(row: Any) -> pd.Timestamp | None:
    """Return the point in time a position is drawn at (its day, else mid-year; None if undated).

    Parameters
    ----------
    row : pandas.Series or namedtuple
        A ``perspectives`` row.

    Returns
    -------
    pandas.Timestamp or None
        The date.
    """
    date, year = row.date, row.year
    if not pd.isna(date):
        return pd.Timestamp(date)
    if not pd.isna(year):
        return pd.Timestamp(int(year), 7, 1)
    return None


def cell(perspectives: pd.DataFrame, actor: str, question: str) -> pd.DataFrame:
    """Return one actor's positions on one question, oldest first (undated ones last).

    Parameters
    ----------
    perspectives : pandas.DataFrame
        The ``perspectives`` table.
    actor : str
        An actor id (``"DPRK"``, …).
    question : str
        A question id (``"parties"``, ``"unc"``, ``"sequencing"``).

    Returns
    -------
    pandas.DataFrame
        The matching rows.
    """
    rows = perspectives[
        (perspectives["actor"] == actor) & perspectives["questions"].map(lambda q: question in q)
    ]
    order = sorted(
        range(len(rows)),
        key=lambda i: (
            when(rows.iloc[i]) or pd.Timestamp.max,
            int(str(rows.iloc[i]["perspective_id"])[1:]),
        ),
    )
    return rows.iloc[order]


def _hover(row: Any) -> str:
    position = str(row.position)
    short = position if len(position) <= 220 else position[:217].rsplit(" ", 1)[0] + " …"
    return (
        f"<b>{row.display_date}</b> · {wrap(row.stated_by, 60)}<br>"
        f"{wrap(short, 60)}<br><i>Course fact sheet §10 row {row.perspective_id}; "
        f"confidence: {row.confidence}</i>"
    )


def perspectives_figure(
    perspectives: pd.DataFrame,
    questions: pd.DataFrame,
    *,
    actor: str = "DPRK",
    question: str = "parties",
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """Dated positions of six governments on three questions about a peace regime.

    One band per government (North Korea at the top), one point per position at its date:
    circles answer *who should be party*, squares *the UN Command's future*, diamonds
    *sequencing denuclearization and peace*; filled marks are rated *high* confidence, open
    marks *medium*. The **Actor** menu highlights one government (the others fade); the
    **Question** menu shows one question or all three. Hover for the position, its row in the
    fact sheet and its confidence.

    Parameters
    ----------
    perspectives : pandas.DataFrame
        The ``perspectives`` table.
    questions : pandas.DataFrame
        The ``perspective_questions`` table.
    actor : str, optional
        The actor highlighted first (an id, or ``"all"``).
    question : str, optional
        The question shown first (an id, or ``"all"``).
    names : mapping, optional
        Actor id → label (defaults to :data:`ACTORS`).

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per actor × question, then legend keys.
    """
    if perspectives.empty:
        raise ValueError("the perspectives table is empty; nothing to draw")
    names = {**ACTORS, **(names or {})}
    asked = dict(zip(questions["question_id"], questions["question"], strict=True))
    if actor != "all" and actor not in ACTORS:
        raise ValueError(f"actor must be 'all' or one of {', '.join(ACTORS)}; got {actor!r}")
    if question != "all" and question not in asked:
        raise ValueError(f"question must be 'all' or one of {', '.join(asked)}; got {question!r}")
    order = list(ACTORS)
    fig = base_figure("Six governments, three questions", "", height=620)
    cells: list[tuple[str, str]] = []
    described = []
    for i, who in enumerate(order):
        band = len(order) - 1 - i
        parts = []
        for qid in asked:
            symbol, colour, offset = QUESTION_STYLE[qid]
            rows = cell(perspectives, who, qid)
            dated = [(when(r), r) for r in rows.itertuples()]
            dated = [(t, r) for t, r in dated if t is not None]
            fig.add_trace(
                go.Scatter(
                    x=[t for t, _ in dated],
                    y=[band + offset] * len(dated),
                    mode="markers",
                    name=f"{names[who]}: {asked[qid]}",
                    marker={
                        "symbol": [
                            symbol if r.confidence == "high" else f"{symbol}-open" for _, r in dated
                        ],
                        "size": 12,
                        "color": colour,
                        "line": {"width": 2, "color": colour},
                    },
                    hovertext=[_hover(r) for _, r in dated],
                    hovertemplate="%{hovertext}<extra></extra>",
                    showlegend=False,
                    visible=question in ("all", qid),
                    opacity=1 if actor in ("all", who) else DIM,
                )
            )
            cells.append((who, qid))
            years = ", ".join(
                "undated" if pd.isna(r.year) else str(r.year) for r in rows.itertuples()
            )
            parts.append(
                f"{asked[qid]} {len(rows)} position{'s' if len(rows) != 1 else ''}"
                + (f" ({years})" if years else " (none in the record)")
            )
        described.append(f"{names[who]}: " + "; ".join(parts))
    for qid, text in asked.items():
        symbol, colour, _ = QUESTION_STYLE[qid]
        fig.add_trace(legend_key(text, symbol=symbol, size=11, color=colour))
    for label, symbol in (("high confidence", "circle"), ("medium (open mark)", "circle-open")):
        grey = OKABE_ITO["grey"]
        fig.add_trace(
            legend_key(label, symbol=symbol, size=11, color=grey, line={"width": 2, "color": grey})
        )
    legend = len(asked) + 2
    undated = perspectives[perspectives["year"].isna()]
    fig.layout.meta = {
        "kpeace_alt": (
            f"Dot chart of the {len(perspectives)} positions in the course fact sheet §10, "
            f"{int(perspectives['year'].min())}–{int(perspectives['year'].max())}, one band per "
            "government (North Korea, South Korea, China, Japan, Russia, the United States), "
            "one mark per position at its date: circles for who should be party to a peace "
            "regime, squares for the UN Command's future, diamonds for sequencing "
            "denuclearization and peace; filled marks high confidence, open marks medium. "
            + ". ".join(described)
            + "."
            + (
                f" Not drawn, for want of a date: {', '.join(undated['perspective_id'])}."
                if len(undated)
                else ""
            )
        )
    }
    label_rows(fig, {names[who]: len(order) - 1 - i for i, who in enumerate(order)})
    fig.update_xaxes(
        type="date",
        showgrid=True,
        gridcolor=NEUTRALS["grid"],
        range=["1960-01-01", "2027-01-01"],
        fixedrange=True,
    )

    def band_shape(who: str | None) -> list[dict[str, object]]:
        if who is None:
            return []
        band = len(order) - 1 - order.index(who)
        return [
            {
                "type": "rect",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": band - 0.5,
                "y1": band + 0.5,
                "fillcolor": NEUTRALS["band"],
                "line": {"width": 0},
                "layer": "below",
            }
        ]

    actor_keys = [None, *order]
    actor_labels = [ALL_ACTORS, *(names[a] for a in order)]
    actor_args = [
        [
            {"opacity": [1 if k in (None, w) else DIM for w, _ in cells] + [1] * legend},
            {"shapes": band_shape(k)},
        ]
        for k in actor_keys
    ]
    question_keys = [None, *asked]
    question_labels = [ALL_QUESTIONS, *asked.values()]
    question_args = [
        [{"visible": [k in (None, q) for _, q in cells] + [True] * legend}, {}]
        for k in question_keys
    ]
    fig.update_layout(shapes=band_shape(None if actor == "all" else actor))
    fig.update_layout(margin={"b": 110}, legend={"y": -0.12})
    place_menus(
        fig,
        [
            control(
                actor_labels,
                actor_args,
                name="Actor",
                active=actor_keys.index(None if actor == "all" else actor),
            ),
            control(
                question_labels,
                question_args,
                name="Question",
                active=question_keys.index(None if question == "all" else question),
            ),
        ],
    )
    return fig
