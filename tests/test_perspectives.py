"""The perspectives explorer shows the record as it is: verbatim excerpts, sources, ratings."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

import kpeace
import kpeace.widgets as kw
from kpeace.widgets._html import plain
from kpeace.widgets.perspectives import perspectives_card


@pytest.fixture(scope="module")
def tables():
    return {n: kpeace.load(n) for n in ("perspectives", "perspective_questions", "key_texts")}


@pytest.fixture(params=["static", "live"])
def shown(request, tables):
    """Every position block the explorer shows, in each rendering."""
    if request.param == "static":
        kw.set_display_mode("static")
        try:
            html = kw.perspectives_explorer()._repr_mimebundle_()["text/html"]
        finally:
            kw.set_display_mode(None)
    else:
        kw.set_display_mode("live")
        try:
            explorer = kw.perspectives_explorer()
            explorer.controls["Actor"].value = "All six"
            explorer.controls["Question"].value = "All three questions"
            html = explorer.detail.value
        finally:
            kw.set_display_mode(None)
    blocks = BeautifulSoup(html, "html.parser").select(".kp-perspective")
    expected = sum(len(q) for q in tables["perspectives"]["questions"])
    assert len(blocks) == expected > 50
    return blocks


def _text(node) -> str:
    return node.get_text()


def test_every_excerpt_shown_is_verbatim_from_the_table(shown, tables):
    rows = tables["perspectives"].set_index("perspective_id")
    facts = kpeace.fact_sheet()
    rated = tables["perspectives"]
    expected = sum(len(q) for q in rated[rated["excerpt"].notna()]["questions"])
    seen = 0
    for block in shown:
        row = rows.loc[block["data-id"]]
        excerpts = [_text(e) for e in block.select(".kp-excerpt")]
        if pd.isna(row["excerpt"]):
            assert excerpts == [], block["data-id"]
            continue
        assert excerpts == [row["excerpt"]], block["data-id"]
        seen += 1
        # The table's excerpt is itself copied from the fact sheet (quotes and all).
        assert _text(block.select_one(".kp-excerpt")) in facts
    assert seen == expected > 40  # a row answering two questions shows in two cells


def test_key_texts_shown_are_verbatim(shown, tables):
    texts = dict(zip(tables["key_texts"]["text_id"], tables["key_texts"]["excerpt"], strict=True))
    quoted = [q for block in shown for q in block.select(".kp-keytext")]
    assert quoted
    for q in quoted:
        assert _text(q) in texts.values()


def test_every_position_carries_its_source_and_confidence(shown, tables):
    rows = tables["perspectives"].set_index("perspective_id")
    for block in shown:
        pid = block["data-id"]
        row = rows.loc[pid]
        source = block.select_one(".kp-source")
        assert source is not None, pid
        line = " ".join(_text(source).split())
        assert f"course fact sheet §10 row {pid}:" in line
        assert " ".join(plain(row["source_detail"]).split()) in line, pid
        assert f"confidence: {row['confidence']}" in line, pid
        if not pd.isna(row["confidence_note"]):
            assert row["confidence_note"] in line, pid
        assert row["display_date"] in _text(block)


def test_an_empty_cell_says_so(tables):
    html = perspectives_card(tables, "RUS", "unc")
    assert "no position of this government" in html and "kp-perspective" not in html


NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _markdown(name: str) -> str:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_notebook_4_picks_up_the_question_notebook_2_kept():
    kept = re.search(
        r"Keep the question: notebook 4 comes back to it in \"([^\"]+)\"",
        _markdown("02_argument.ipynb"),
    )
    assert kept, "notebook 2 no longer hands its ¶6 question to notebook 4"
    four = _markdown("04_contradictions.ipynb")
    section = four.split(f"### {kept.group(1)}", 1)
    assert len(section) == 2, f"notebook 4 has no section {kept.group(1)!r}"
    body = section[1].split("\n## ", 1)[0]
    assert "In notebook 2 you kept a question" in body
    assert "“the U.S. commitment to normalization with Pyongyang is directly tied to" in body
    assert "does the essay say how the ¶6 link would change?" in body
    assert "<details><summary>Check your answer</summary>" in body


def test_notebook_4_record_quotes_are_verbatim_in_the_fact_sheet():
    facts = kpeace.fact_sheet()
    records = [
        line
        for line in _markdown("04_contradictions.ipynb").splitlines()
        if line.startswith("**Record:**")
    ]
    quotes = [
        q for line in records for q in re.findall(r'"([^"]+)"(?!\s*\(¶)', line) if len(q) > 12
    ]
    assert len(quotes) >= 8
    assert not [q for q in quotes if q not in facts]


def test_notebook_4_explains_the_preference_and_names_who_is_left_out():
    four = _markdown("04_contradictions.ipynb")
    why = four.split("## Why does North Korea prefer Washington? The record's answer", 1)[1]
    why = why.split("\n## ", 1)[0]
    for reference in ("§8 row B9", "§8 row B14", "§10 rows P1–P2", "§10 row P5", "§13 point"):
        assert reference in why, reference
    assert "Japan and Russia are members of the Six-Party Talks" in four
    assert "¶7's forum leaves them out" in four
    assert "Can “more intensive U.S.-ROK coordination” (¶10) change what Pyongyang prefers" in four


def test_notebook_4_timing_adds_up_to_its_stated_time():
    nb = nbformat.read(NOTEBOOKS / "04_contradictions.ipynb", as_version=4)
    stated = int(re.search(r"Estimated time: (\d+) minutes", nb.cells[0].source).group(1))
    note = next(c.source for c in nb.cells if c.source.startswith("**Teacher note.** Timing"))
    total, steps = re.match(
        r"\*\*Teacher note\.\*\* Timing \((\d+) minutes\): ([^.]+)\.", note
    ).groups()
    minutes = [int(m) for m in re.findall(r"(\d+)(?: min)?(?= \(|$| ·)", steps)]
    assert len(minutes) >= 9 and int(total) == stated == sum(minutes), (stated, minutes)


def test_long_sources_wrap_on_a_phone(shown):
    assert all("overflow-wrap:anywhere" in block.get("style", "") for block in shown)
