"""The perspectives explorer: six governments × three questions, each cell its dated positions.

Live, an **Actor** and a **Question** dropdown update the figure in place and the card under it
lists that cell's positions. Static (handouts), the figure keeps plotly's own menus and every
actor × question cell gets a ``<details>`` card. Every position in a card is a record block:
date, who stated it, the fact sheet's paraphrase, the verbatim excerpt where there is one, and
its source and confidence.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kpeace import figures
from kpeace.figures.perspectives import ACTORS, ALL_ACTORS, ALL_QUESTIONS, cell
from kpeace.widgets._html import SMALL, details, esc, plain, prompt_block, record_block
from kpeace.widgets._mode import display_mode
from kpeace.widgets.explorers import View, _tables
from kpeace.widgets.views import FigureExplorer, StaticView, static_figure

EMPTY = "kp-empty-cell"


def _key_texts(row: pd.Series, key_texts: pd.DataFrame) -> str:
    ids = list(row["key_texts"] or ())
    if not ids:
        return ""
    chosen = key_texts[key_texts["text_id"].isin(ids) & (key_texts["language"] == "en")]
    items = "".join(
        f'<li><span style="{SMALL}">{esc(k.article)} ({esc(k.text_id)}):</span> '
        f'<q class="kp-keytext">{esc(k.excerpt)}</q></li>'
        for k in chosen.itertuples()
    )
    others = [i for i in ids if i not in set(chosen["text_id"])]
    more = (
        f'<p style="{SMALL}">Korean originals: {esc(", ".join(others))} (course key texts).</p>'
        if others
        else ""
    )
    return (
        '<p style="margin:.3em 0 0">Key texts (verbatim, English):</p>'
        f'<ul style="margin:.2em 0 .2em 1.2em;padding:0">{items}</ul>{more}'
    )


def position_block(row: pd.Series, key_texts: pd.DataFrame) -> str:
    """Return one position as a record block: date, speaker, paraphrase, excerpt, source.

    Parameters
    ----------
    row : pandas.Series
        A ``perspectives`` row.
    key_texts : pandas.DataFrame
        The ``key_texts`` table (for rows that point to key texts instead of an excerpt).

    Returns
    -------
    str
        HTML.
    """
    excerpt = ""
    if not pd.isna(row["excerpt"]):
        excerpt = (
            '<p style="margin:.3em 0 0">Excerpt (verbatim, with its attribution): '
            f'<span class="kp-excerpt">{esc(row["excerpt"])}</span></p>'
        )
    body = (
        f'<p style="margin:0"><strong>{esc(row["display_date"])}</strong> · '
        f"{esc(row['stated_by'])}</p>"
        f'<p style="margin:.3em 0 0" class="kp-position">{esc(plain(row["position"]))}</p>'
        + excerpt
        + _key_texts(row, key_texts)
    )
    source = f"course fact sheet §10 row {row['perspective_id']}: {row['source_detail']}"
    confidence, note = str(row["confidence"]), row["confidence_note"]
    if not pd.isna(note):
        # The fact sheet's full rating where it splits ("high (…); medium (…)"), else a note.
        confidence = str(note) if str(note).startswith(confidence) else f"{confidence}; {note}"
    return (
        f'<div class="kp-perspective" style="overflow-wrap:anywhere" '
        f'data-id="{esc(row["perspective_id"])}">'
    ) + (record_block(body, source, confidence) + "</div>")


def perspectives_card(
    tables: Mapping[str, pd.DataFrame],
    actor: str | None,
    question: str | None,
    *,
    headings: bool = True,
) -> str:
    """Return the positions of one actor (or all) on one question (or all three), oldest first.

    Parameters
    ----------
    tables : mapping
        The course tables (``perspectives``, ``perspective_questions``, ``key_texts``).
    actor : str or None
        An actor id; None for all six.
    question : str or None
        A question id; None for all three.
    headings : bool, optional
        Start each cell with a line naming it (a static card's summary already does).

    Returns
    -------
    str
        HTML: a heading per cell and a record block per position.
    """
    perspectives = tables["perspectives"]
    asked = dict(
        zip(
            tables["perspective_questions"]["question_id"],
            tables["perspective_questions"]["question"],
            strict=True,
        )
    )
    parts = []
    for who in [actor] if actor else list(ACTORS):
        for qid in [question] if question else list(asked):
            rows = cell(perspectives, who, qid)
            count = f"{len(rows)} position{'s' if len(rows) != 1 else ''}"
            if headings:
                parts.append(
                    f'<p style="margin:.6em 0 .2em"><strong>{esc(ACTORS[who])} · '
                    f"{esc(asked[qid])}</strong> ({count})</p>"
                )
            if rows.empty:
                parts.append(
                    f'<p class="{EMPTY}" style="{SMALL}">The course fact sheet §10 lists no '
                    "position of this government on this question; see §14 for what could not "
                    "be found.</p>"
                )
            parts += [position_block(r, tables["key_texts"]) for _, r in rows.iterrows()]
    return "".join(parts)


INTRO = prompt_block(
    "Choose a government and a question. Whom does it want at the table, and in what order "
    "should denuclearization and peace come? Note each position's date and confidence: "
    "positions change over time."
)


def perspectives_explorer(actor: str = "DPRK", question: str = "parties") -> View:
    """Six governments × three questions: the record's dated, sourced positions over time.

    Parameters
    ----------
    actor : str, optional
        The government shown first (``"DPRK"``, ``"ROK"``, ``"PRC"``, ``"JPN"``, ``"RUS"``,
        ``"US"``, or ``"all"``).
    question : str, optional
        The question shown first (``"parties"``, ``"unc"``, ``"sequencing"``, or ``"all"``).

    Returns
    -------
    FigureExplorer or StaticView
        Live: Actor and Question dropdowns update the figure in place, and the card lists that
        cell's positions. Static: the figure with plotly's menus, then one ``<details>`` card
        per actor × question.
    """
    tables = _tables()
    fig = figures.perspectives_figure(
        tables["perspectives"], tables["perspective_questions"], actor=actor, question=question
    )
    by_label = {ALL_ACTORS: None, **{label: key for key, label in ACTORS.items()}}
    asked = tables["perspective_questions"]
    by_question = {
        ALL_QUESTIONS: None,
        **dict(zip(asked["question"], asked["question_id"], strict=True)),
    }

    def detail(choice: Mapping[str, str]) -> str:
        return perspectives_card(
            tables,
            by_label.get(choice.get("Actor", ""), None),
            by_question.get(choice.get("Question", ""), None),
        )

    if display_mode() != "static":
        return FigureExplorer(fig, detail=detail, intro=INTRO)
    view = static_figure(fig, intro=INTRO)
    cards = [
        f"<p><strong>{esc('The positions, one card per government and question')}</strong></p>"
    ]
    for key, label in ACTORS.items():
        for qid, text in zip(asked["question_id"], asked["question"], strict=True):
            count = len(cell(tables["perspectives"], key, qid))
            cards.append(
                details(
                    f"{label} · {text} ({count} position{'s' if count != 1 else ''})",
                    perspectives_card(tables, key, qid, headings=False),
                )
            )
    return StaticView(view.html + "".join(cards), view.text)
