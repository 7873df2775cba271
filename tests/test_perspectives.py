"""The perspectives explorer shows the record as it is: verbatim excerpts, sources, ratings."""

from __future__ import annotations

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
