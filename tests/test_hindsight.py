"""Fair hindsight (notebook 05): the ``checks`` table and what it may say."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import kpeace
from kpeace.widgets._html import esc

ESSAY_DATE = pd.Timestamp("2007-06-06")
ESSAY_QUOTE = re.compile(r"“([^”]+)” \(¶(\d+)\)")
RECORD_QUOTE = re.compile(r'"([^"]+)"')
#: Record items notebook 05's "What could be known in June 2007" must be able to use
#: (fact sheet §8 rows B23, B26, B28, B31: Banco Delta Asia, OPCON/CFC, the working group, the
#: missed 60-day deadline), by their ``events.record_row``.
KNOWN_IN_2007 = {"B23", "B26", "B28", "B31"}
#: Later record items the issue names as bearing on the forecasts (``events.record_row``).
AFTER_2007 = {
    "A6",  # 2008 delisting
    "A7",  # last Six-Party session
    "36",  # DPRK quits the talks
    "A10",  # nuclear tests 2009-2017 ...
    "A27",
    "A12",  # ... and sanctions resolutions
    "A29",
    "A13",  # Cheonan
    "A18",  # Yeonpyeong
    "38",  # the 2018 texts
    "39",
    "40",
    "A34",  # liaison office demolished
    "A36",  # 2021 end-of-war proposal
    "A37",  # 2022 nuclear forces law
    "A41",  # "two hostile states"
    "A43",  # Russia-DPRK treaty
    "A30",  # UNC revitalisation
    "A44",
}


@pytest.fixture(scope="module")
def checks() -> pd.DataFrame:
    table = kpeace.load("checks")
    assert len(table)
    return table


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return kpeace.load("events").set_index("event_id")


def test_every_forecast_is_checked(checks):
    claims = kpeace.load("claims")
    forecasts = set(claims.loc[claims["kind"] == "forecast", "claim_id"])
    assert len(forecasts) == 10  # the independent coding's count
    assert set(checks.loc[checks["kind"] == "forecast", "claim_id"]) == forecasts


def test_premises_the_issue_names_are_checked(checks):
    claims = kpeace.load("claims").set_index("claim_id")
    premises = checks[checks["kind"] == "premise"]
    assert {"C03", "C09", "C11", "C19"} <= set(premises["claim_id"])
    assert (claims.loc[list(premises["claim_id"]), "kind"] != "forecast").all()


def test_known_and_after_sit_on_their_side_of_the_essay(checks, events):
    for row in checks.itertuples():
        assert row.known_by_2007 and row.after_2007, row.check_id
        known = events.loc[list(row.known_by_2007), "date"]
        after = events.loc[list(row.after_2007), "date"]
        assert (known < ESSAY_DATE).all(), (row.check_id, list(known))
        assert (after > ESSAY_DATE).all(), (row.check_id, list(after))


def test_the_record_items_of_the_issue_are_used(checks, events):
    rows = events["record_row"].astype(str)
    known = {rows[e] for ids in checks["known_by_2007"] for e in ids}
    after = {rows[e] for ids in checks["after_2007"] for e in ids}
    assert KNOWN_IN_2007 <= known, KNOWN_IN_2007 - known
    assert AFTER_2007 <= after, AFTER_2007 - after


def test_c27_is_paired_with_the_council_and_the_un_command(checks, events):
    """C27 is about the Security Council's authorization: not events 37 and 41 (issue §5)."""
    row = checks.set_index("claim_id").loc["C27"]
    paired = [*row["known_by_2007"], *row["after_2007"]]
    assert not {37, 41} & set(paired)
    for event in paired:
        assert {"UNSC", "UNGA", "UNC"} & set(events.loc[event, "actors"]), event


def test_hedges_and_essay_quotes_are_verbatim(checks):
    claims = kpeace.load("claims").set_index("claim_id")
    quoted = 0
    for row in checks.itertuples():
        assert row.hedge in claims.loc[row.claim_id, "quote"], row.check_id
        for words, paragraph in ESSAY_QUOTE.findall(row.explanation):
            assert words in kpeace.paragraph(int(paragraph)), (row.check_id, words)
            quoted += 1
    assert quoted >= 10


def test_record_quotes_and_row_references_exist(
    checks, facts_text, fact_sheet_rows, row_references
):
    quotes = references = 0
    for row in checks.itertuples():
        for words in RECORD_QUOTE.findall(row.explanation):
            assert words in facts_text, (row.check_id, words)
            quotes += 1
        assert "course fact sheet §" in row.explanation, row.check_id
        for section, ref in row_references(row.explanation):
            assert ref in fact_sheet_rows.get(section, set()), (row.check_id, section, ref)
            references += 1
    assert quotes >= 3 and references >= 40


@pytest.mark.parametrize(
    ("column", "bad"),
    [("hedge", "is certain to"), ("explanation", "“will surely dissolve UNC MAC” (¶8)")],
)
def test_an_altered_quote_is_caught(checks, column, bad):
    claims = kpeace.load("claims").set_index("claim_id")
    row = checks.iloc[0].copy()
    row[column] = bad
    hedge_ok = row["hedge"] in claims.loc[row["claim_id"], "quote"]
    quotes_ok = all(
        w in kpeace.paragraph(int(p)) for w, p in ESSAY_QUOTE.findall(row["explanation"])
    )
    assert not (hedge_ok and quotes_ok)


# --- the tracker -----------------------------------------------------------------------------


def test_tracker_figure_has_a_row_per_check_split_at_the_essay(checks):
    from kpeace import figures

    fig = figures.forecast_figure(checks, kpeace.load("claims"), kpeace.load("events"))
    rows = [t for t in fig.data if t.hovertemplate]
    assert len(rows) == len(checks) == 16
    for trace, check in zip(rows, checks.itertuples(), strict=True):
        sides = [c[2] for c in trace.customdata]
        dates = pd.to_datetime(pd.Series(trace.x))
        known = [s == "What could be known in June 2007" for s in sides]
        assert sum(known) == len(check.known_by_2007), check.check_id
        assert (dates[known] < ESSAY_DATE).all() and (
            dates[[not k for k in known]] > ESSAY_DATE
        ).all()
        assert set(trace.marker.symbol) == {"circle-open", "diamond"}
    alt = figures.alt_text(fig)
    assert "10 forecasts and 6 premises" in alt and "Known by June 2007" in alt
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert sum(label.startswith("Premise ") for label in labels) == 6


@pytest.mark.parametrize("mode", ["live", "static"])
def test_every_check_has_its_evidence_and_reading_in_both_renderings(checks, events, mode):
    cards = _tracker_cards(mode)
    if mode == "static":  # before (with the text alternative), then "All", then one card each
        cards = cards[0].split('<details class="kp-details"')[2:]
    assert len(cards) == len(checks)
    for card, check in zip(cards, checks.itertuples(), strict=True):
        assert "What could be known in June 2007" in card and "What came after" in card
        for event in (*check.known_by_2007, *check.after_2007):
            assert esc(events.loc[event, "title"]) in card, (check.check_id, event)
        assert esc(check.verdict) in card and esc(check.explanation) in card, check.check_id


# --- notebook 05 -----------------------------------------------------------------------------


def _notebook_05():
    from pathlib import Path

    import nbformat

    path = Path(__file__).resolve().parent.parent / "notebooks" / "05_hindsight.ipynb"
    return nbformat.read(path, as_version=4)


def test_notebook_05_checks_premises_and_what_was_known():
    nb = _notebook_05()
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "Only forecasts can be held" not in text
    assert re.search(r"^## What could be known in June 2007$", text, re.M)
    known = text[text.index("## What could be known in June 2007") :]
    known = known[: known.index("\n## ", 5)]
    for row in ("B23", "B26", "B28", "B31"):
        assert row in known, row
    assert "Judge twice" in text and "Check premises too" in text
    assert "kw.forecast_tracker()" in "\n".join(c.source for c in nb.cells)


def test_notebook_05_timing_adds_up_to_its_stated_time():
    nb = _notebook_05()
    stated = int(re.search(r"Estimated time: (\d+) minutes", nb.cells[0].source).group(1))
    note = next(c.source for c in nb.cells if "Timing (" in c.source)
    assert f"Timing ({stated} minutes)" in note
    parts = note.split(":", 1)[1].split(". ", 1)[0]
    minutes = [int(n) for n in re.findall(r"(\d+)(?: min)?(?= \(| ·|$)", parts)]
    assert len(minutes) >= 8 and sum(minutes) == stated, minutes


def _tracker_cards(mode: str) -> list[str]:
    import kpeace.widgets as kw

    kw.set_display_mode(mode)
    try:
        view = kw.forecast_tracker()
        if mode == "live":
            control = view.controls["Check"]
            cards = []
            for option in control.options[1:]:
                control.value = option
                cards.append(view.detail.value)
            return cards
        return [view._repr_mimebundle_()["text/html"]]
    finally:
        kw.set_display_mode(None)


@pytest.mark.parametrize("mode", ["live", "static"])
def test_the_course_reading_sits_behind_its_own_closed_toggle(checks, mode):
    """Review finding 7: the verdict is hidden until the learner opens it, in both renderings."""
    import bs4

    from kpeace.widgets.hindsight import READING_SUMMARY

    soup = bs4.BeautifulSoup("".join(_tracker_cards(mode)), "html.parser")
    readings = soup.select("details.kp-reading")
    assert len(readings) == len(checks) == 16
    for reading, check in zip(readings, checks.itertuples(), strict=True):
        assert not reading.has_attr("open"), check.check_id
        assert reading.find("summary").get_text() == READING_SUMMARY
        assert check.verdict in reading.get_text(), check.check_id
        if mode == "static":  # nested in its card, after the prompt
            assert "kp-details" in reading.find_parent("details")["class"]
    for reading in readings:
        reading.decompose()
    outside = soup.get_text()
    assert not [c.check_id for c in checks.itertuples() if c.verdict in outside]


def test_the_course_reading_opens_only_on_request_in_chromium(checks, offline, tmp_path):
    """The static tracker in Chromium: a card opens on the prompt; the verdict needs a click."""
    page_file = tmp_path / "tracker.html"
    page_file.write_text(
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>tracker</title><body>'
        + _tracker_cards("static")[0]
        + "</body></html>",
        encoding="utf-8",
    )
    opened = offline(page_file.as_uri())
    try:
        page = opened.page
        first = checks.iloc[0]
        card = page.locator("details.kp-details", has=page.locator("details.kp-reading")).first
        card.locator(":scope > summary").click()
        assert card.get_by_text("What could be known in June 2007").first.is_visible()
        verdict = card.locator("details.kp-reading strong").first
        assert verdict.text_content().startswith(first["verdict"])
        assert not verdict.is_visible()
        card.locator("details.kp-reading > summary").click()
        assert verdict.is_visible()
    finally:
        opened.context.close()


def test_notebook_05_says_c23_is_a_borderline_forecast_and_why_it_is_tracked(checks):
    assert _row_kind(checks, "C23") == "forecast"  # the data and the notebook agree
    nb = _notebook_05()
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    part = next(p for p in text.split("\n\n") if "C23" in p and "borderline" in p)
    assert "**borderline forecast**" in part
    assert "present tense, “relate to” (¶7)" in part  # why it is borderline
    assert (
        "tracks it as a forecast anyway" in part
        and "“These negotiations will involve” (¶7)" in part
    )
    assert "judge it only by what could be known in June 2007" in part  # the premise reading


def _row_kind(checks: pd.DataFrame, claim: str) -> str:
    rows = checks[checks["claim_id"] == claim]
    assert len(rows) == 1, claim
    return str(rows.iloc[0]["kind"])


NON_US = {"ROK", "PRC", "DPRK"}


def test_notebook_05_reads_the_essay_from_outside_washington():
    perspectives = kpeace.load("perspectives")
    actor = dict(zip(perspectives["perspective_id"], perspectives["actor"], strict=True))
    nb = _notebook_05()
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    synthesis = text[text.index("## Synthesis: reading the essay today") :]
    synthesis = synthesis[: synthesis.index("\n## ")]
    discuss = next(
        line for line in text.splitlines() if line.startswith("3. **Your advice today.**")
    )
    assert "| **Whose reading?**" in synthesis
    for part, needed in ((synthesis, NON_US), (discuss, NON_US)):
        cited = re.findall(r"\brows? (P\d+)\b", part)
        assert cited, part[:80]
        assert {actor[row] for row in cited} >= needed, cited
