"""Pure functions that turn rows of the data package into HTML cards.

The live explorers show one card at a time; the static twins show every card inside
``<details>``. Same function, same words, in both renderings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from kpeace import prompts
from kpeace.widgets._html import (
    SMALL,
    badge,
    bullet_list,
    esc,
    essay_block,
    plain,
    record_block,
)

CELL = "text-align:left;vertical-align:top;padding:.3em"
KIND_COLOURS = {
    "observation": "#00527f",
    "argument": "#8a4b00",
    "recommendation": "#00593f",
    "forecast": "#7a2e5a",
    "contradiction": "#a33600",
}


def _named_in(table: pd.DataFrame, number: int, label: str) -> list[str]:
    return [
        esc(row[label]) for _, row in table.iterrows() if number in tuple(row["essay_paragraphs"])
    ]


def paragraph_card(number: int, tables: Mapping[str, pd.DataFrame]) -> str:
    """Return one essay paragraph with its claims and the actors and documents it names.

    Parameters
    ----------
    number : int
        Paragraph number.
    tables : mapping
        ``paragraphs``, ``claims``, ``actors`` and ``documents`` tables.

    Returns
    -------
    str
        HTML.
    """
    paragraphs = tables["paragraphs"].set_index("paragraph")
    text = paragraphs.loc[number, "text"]
    claims = tables["claims"][tables["claims"]["paragraph"] == number]
    claim_items = [
        f"{badge(str(c.kind), KIND_COLOURS.get(str(c.kind), '#3d3d3d'))}"
        f"<strong>{esc(c.claim_id)}</strong> {esc(c.paraphrase)} "
        f'<span style="{SMALL}">(our paraphrase)</span>'
        for c in claims.itertuples()
    ]
    actors = _named_in(tables["actors"], number, "short_name")
    documents = _named_in(tables["documents"], number, "short_title")
    parts = [
        essay_block(str(text), number),
        f"<strong>Claims in ¶{number}</strong>",
        bullet_list(claim_items) or "<p>—</p>",
        f"<p><strong>Actors named:</strong> {', '.join(actors) or '—'}<br>"
        "<strong>Documents referred to (our identification):</strong> "
        f"{', '.join(documents) or '—'}</p>",
    ]
    return "".join(parts)


def glossary_table(glossary: pd.DataFrame, query: str = "") -> str:
    """Return the glossary as an HTML table, filtered by a search string.

    Parameters
    ----------
    glossary : pandas.DataFrame
        The ``glossary`` table.
    query : str, optional
        Case-insensitive text to look for in the term, abbreviation, Korean term or definition.

    Returns
    -------
    str
        HTML (a message when nothing matches).
    """
    query = (query or "").strip().lower()
    rows = glossary
    if query:
        hay = (
            glossary["term"].fillna("")
            + " "
            + glossary["abbreviation"].fillna("")
            + " "
            + glossary["term_ko"].fillna("")
            + " "
            + glossary["definition"].fillna("")
        ).str.lower()
        name = (
            glossary["term"].fillna("")
            + " "
            + glossary["abbreviation"].fillna("")
            + " "
            + glossary["term_ko"].fillna("")
        ).str.lower()
        in_name = name.str.contains(query, regex=False)
        rows = pd.concat(
            [glossary[in_name], glossary[~in_name & hay.str.contains(query, regex=False)]]
        )
    if rows.empty:
        return f"<p>No glossary term matches “{esc(query)}”. Try a shorter word.</p>"
    body = "".join(
        "<tr>"
        f'<th scope="row" style="{CELL}">'
        f"{esc(r.term)}"
        + (f" ({esc(r.abbreviation)})" if isinstance(r.abbreviation, str) else "")
        + "</th>"
        f'<td style="{CELL}"><span lang="ko">{esc(r.term_ko)}</span>'
        + (f'<div style="{SMALL}">{esc(r.ko_note)}</div>' if isinstance(r.ko_note, str) else "")
        + "</td>"
        f'<td style="{CELL}">{esc(r.definition)}'
        f'<div style="{SMALL}">Source: {esc(plain(r.source_detail))}</div></td></tr>'
        for r in rows.itertuples()
    )
    return (
        '<table class="kp-glossary" style="border-collapse:collapse;width:100%">'
        f'<caption style="text-align:left;{SMALL}">{len(rows)} of {len(glossary)} terms; '
        "definitions from the course fact sheet</caption>"
        '<thead><tr><th scope="col" style="text-align:left">Term</th>'
        '<th scope="col" style="text-align:left">Korean</th>'
        '<th scope="col" style="text-align:left">Definition</th></tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def article_card(article: pd.Series) -> str:
    """Return one part of the 1953 armistice: heading, paragraph range and what it covers.

    Parameters
    ----------
    article : pandas.Series
        A row of the ``armistice_articles`` table.

    Returns
    -------
    str
        HTML.
    """
    first, last = article["first_paragraph"], article["last_paragraph"]
    span = (
        ""
        if pd.isna(first)
        else (f"paragraph {first}" if first == last else f"paragraphs {first}–{last}")
    )
    title = (
        "Preamble"
        if article["part_id"] == "preamble"
        else f"Article {article['part_id']}: {article['heading']}"
    )
    body = (
        f"<p><strong>{esc(title)}</strong>"
        + (f" ({esc(span)})" if span else "")
        + f"</p><p>{esc(article['covers'])}</p>"
    )
    if isinstance(article["confidence_note"], str):
        body += f'<p style="{SMALL}">{esc(article["confidence_note"])}</p>'
    return record_block(body, str(article["source_detail"]), str(article["confidence"]))


def step_card(steps: pd.DataFrame, step_id: str, names: Mapping[str, str]) -> str:
    """Return one UN Command step: who must act, what comes first, the essay and the record.

    Parameters
    ----------
    steps : pandas.DataFrame
        The ``unc_steps`` table.
    step_id : str
        A step id.
    names : mapping
        Actor id → short name.

    Returns
    -------
    str
        HTML.
    """
    table = steps.set_index("step_id")
    row = table.loc[step_id]
    before = [f"{d}: {esc(table.loc[d, 'step'])}" for d in row["depends_on"]]
    after = [
        f"{s}: {esc(table.loc[s, 'step'])}"
        for s in table.index
        if step_id in tuple(table.loc[s, "depends_on"])
    ]
    html = (
        f"<p><strong>{esc(step_id)}: {esc(row['step'])}</strong> "
        f'<span style="{SMALL}">({esc(row["track"])}; our wording)</span></p>'
        f"<p><strong>Who must act:</strong> "
        f"{', '.join(esc(names.get(a, a)) for a in row['must_act']) or '—'}</p>"
        f"<p><strong>Must come first:</strong></p>{bullet_list(before) or '<p>nothing</p>'}"
        f"<p><strong>Waits for it:</strong></p>{bullet_list(after) or '<p>nothing</p>'}"
        + essay_block(str(row["quote"]), int(row["paragraph"]))
    )
    if isinstance(row["record_note"], str):
        html += record_block(esc(row["record_note"]), str(row["record_source_detail"]))
    return html


def discrepancy_card(row: pd.Series) -> str:
    """Return the essay's words beside what the record says (a teaching moment).

    Parameters
    ----------
    row : pandas.Series
        A row of the ``discrepancies`` table.

    Returns
    -------
    str
        HTML.
    """
    if pd.isna(row["paragraph"]):
        quote = (
            f'<blockquote class="kp-essay" style="border-left:4px solid #0072B2;'
            f'background:#f3f8fc;padding:.55em 1em;margin:.6em 0">“{esc(row["quote"])}”'
            f'<div style="{SMALL}">— the essay\'s summary line</div></blockquote>'
        )
    else:
        quote = essay_block(str(row["quote"]), int(row["paragraph"]))
    return (
        f"<p><strong>{esc(row['topic'])}</strong> {badge(str(row['kind']))}</p>"
        + quote
        + record_block(esc(row["record"]), str(row["source_detail"]), str(row["confidence"]))
    )


def event_list(events: pd.DataFrame) -> str:
    """Return events as a list: date, title, summary and source.

    Parameters
    ----------
    events : pandas.DataFrame
        Rows of the ``events`` table.

    Returns
    -------
    str
        HTML.
    """
    return bullet_list(
        f"<strong>{esc(e.display_date)}</strong> {badge(str(e.lane))}{esc(e.title)}. "
        f"{esc(e.summary)} "
        f'<span style="{SMALL}">(Source: {esc(plain(e.source_detail))}; confidence: '
        f"{esc(e.confidence_note if isinstance(e.confidence_note, str) else e.confidence)})"
        "</span>"
        for e in events.sort_values("date").itertuples()
    )


def claim_kind_answer(claim: pd.Series) -> str:
    """Return the course's coding of a claim, for the static exercise.

    Parameters
    ----------
    claim : pandas.Series
        A row of the ``claims`` table.

    Returns
    -------
    str
        HTML: the kind, what that kind does, and our paraphrase.
    """
    kind = str(claim["kind"])
    return (
        f"<p><strong>Course coding: {esc(kind)}.</strong> This sentence "
        f"{esc(prompts.KIND_HINTS[kind])}. Our paraphrase: {esc(claim['paraphrase'])}</p>"
        f'<p style="{SMALL}">Kinds can be argued: if you chose another, what words would have '
        "to change for it to fit your choice?</p>"
    )


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def claim_kind_feedback(claim: pd.Series, choice: str | None) -> str:
    """Return feedback on a learner's guess of a claim's kind.

    Parameters
    ----------
    claim : pandas.Series
        A row of the ``claims`` table.
    choice : str or None
        The kind the learner chose.

    Returns
    -------
    str
        HTML: a message for no or unknown choice; otherwise whether it matches the course's
        coding and why.
    """
    kinds = list(prompts.KIND_HINTS)
    if choice is None or choice == "":
        return "<p>Choose a kind to see feedback.</p>"
    if choice not in prompts.KIND_HINTS:
        return f"<p>“{esc(choice)}” is not one of the kinds. Choose one of: {', '.join(kinds)}.</p>"
    right = str(claim["kind"])
    if choice == right:
        return (
            f"<p><strong>Yes — {esc(right)}.</strong> This sentence "
            f"{esc(prompts.KIND_HINTS[right])}.</p>"
        )
    return (
        f"<p><strong>Not quite.</strong> {_article(choice).capitalize()} {esc(choice)} "
        f"{esc(prompts.KIND_HINTS[choice])}. "
        f"This sentence {esc(prompts.KIND_HINTS[right])}, so the course codes it as "
        f"{_article(right)} "
        f"<strong>{esc(right)}</strong>. Kinds can be argued: what words would have to change "
        f"for it to be {_article(choice)} {esc(choice)}?</p>"
    )


def names_of(actors: pd.DataFrame) -> dict[str, str]:
    """Return actor id → short name.

    Parameters
    ----------
    actors : pandas.DataFrame
        The ``actors`` table.

    Returns
    -------
    dict
        Mapping for labels.
    """
    return dict(zip(actors["actor_id"].astype(str), actors["short_name"].astype(str), strict=True))


def forum_comparison(
    parties: Sequence[str], groups: Mapping[str, Sequence[str]], names: Mapping[str, str]
) -> str:
    """Compare a chosen set of forum parties with reference groups.

    Parameters
    ----------
    parties : sequence of str
        Actor ids chosen.
    groups : mapping
        Reference group label → actor ids.
    names : mapping
        Actor id → short name.

    Returns
    -------
    str
        HTML: for each group, who is missing and who is extra.
    """
    if not parties:
        return "<p>Choose at least one party to compare your forum.</p>"
    chosen = set(parties)
    rows = []
    for label, members in groups.items():
        ref = set(members)
        missing = ", ".join(names.get(a, a) for a in members if a not in chosen) or "none"
        extra = ", ".join(names.get(a, a) for a in parties if a not in ref) or "none"
        same = " <strong>(the same)</strong>" if ref == chosen else ""
        rows.append(
            f"<strong>{esc(label)}</strong>{same}: missing {esc(missing)}; "
            f"not in that group: {esc(extra)}"
        )
    return f"<p>Your forum: {esc(', '.join(names.get(a, a) for a in parties))}</p>" + bullet_list(
        rows
    )
