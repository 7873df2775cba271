"""Fixes from the specialist review of 2026-11-30 (findings 1, 2, 4, 6, 8–10, 12, 17)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd

import kpeace

ROOT = Path(__file__).resolve().parent.parent


def _markdown(name: str) -> str:
    path = next((ROOT / "notebooks").glob(f"{name}_*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _cell(name: str, heading: str) -> str:
    """Return the markdown from ``heading`` to the next heading of the same level."""
    text = _markdown(name)
    start = text.index(heading)
    level = heading.split(" ", 1)[0]
    rest = text[start + len(heading) :]
    end = re.search(rf"^{level} ", rest, re.M)
    return heading + (rest[: end.start()] if end else rest)


# --- finding 1: q5-2 does not say only forecasts can be checked --------------------------------


def test_q5_2_explanation_lets_premises_be_checked():
    questions = kpeace.load("questions").set_index("question_id")
    explanation = questions.loc["q5-2", "explanation"]
    assert "Only a forecast can be checked" not in explanation
    assert "premise" in explanation and "against the record" in explanation
    # choice (a) is C03, which the tracker checks as a premise
    checks = kpeace.load("checks").set_index("claim_id")
    assert checks.loc["C03", "kind"] == "premise"
    assert "sentence (a)" in explanation


# --- finding 4: each sanctions resolution matched to what it answered -------------------------

#: The nuclear test each later resolution answered, by fact-sheet §9 row (the row names both).
ANSWERED_A_TEST = {"1874": "A12", "2094": "A21", "2270": "A25", "2321": "A26", "2375": "A27"}


def _row_line(facts_text: str, row: str) -> str:
    return next(ln for ln in facts_text.splitlines() if ln.startswith(f"| {row} |"))


def test_the_record_matches_each_resolution_to_what_it_answered(facts_text):
    for number, row in ANSWERED_A_TEST.items():
        line = _row_line(facts_text, row)
        assert number in line and "test" in line, (number, row)
    line = _row_line(facts_text, "A29")
    assert "2397" in line and "ICBM launch" in line


def test_p03_names_the_resolution_that_answered_each_test():
    explanation = kpeace.load("checks").set_index("check_id").loc["P03", "explanation"]
    assert "each time despite Security Council sanctions" not in explanation
    for number, row in ANSWERED_A_TEST.items():
        assert number in explanation and row in explanation, number
    sentence = next(s for s in re.split(r"(?<=\.) ", explanation) if "2397" in s)
    assert "launch, not a test" in sentence and "A29" in sentence


def test_no_check_says_2397_answered_a_test():
    for row in kpeace.load("checks").itertuples():
        for sentence in re.split(r"(?<=\.) ", row.explanation):
            if "2397" in sentence:
                assert "not a test" in sentence, (row.check_id, sentence)


# --- finding 2: C11 judged with the 2004 agreement; arms cuts and CSBMs kept apart -------------


def test_c11_premise_is_judged_with_the_inter_korean_military_track():
    events = kpeace.load("events").set_index("event_id")
    check = kpeace.load("checks").set_index("claim_id").loc["C11"]
    known = events.loc[list(check["known_by_2007"])]
    # the 2004 West Sea agreement is a timeline event and is among the evidence
    assert "MILITARY_2004" in {d for docs in known["documents"] for d in docs}
    assert {"N2", "N3", "N5"} <= set(known["record_row"])
    assert check["verdict"].startswith("Open to question in 2007")
    explanation = check["explanation"]
    assert "Fair in 2007" not in check["verdict"]
    # the two claims of ¶4 are judged apart
    arms = explanation.index("“in the lead to reduce conventional arms")
    csbms = explanation.index("“increasing confidence and security building measures”")
    assert arms < csbms
    assert "no inter-Korean arms reduction" in explanation[arms:csbms]
    assert "§15 row N2" in explanation[csbms:]


# --- notebook 03: findings 6, 8 and 9 ----------------------------------------------------------

RECORD_BLOCK = re.compile(r"\*\*Record:\*\*(.*?)\n\*Source: ([^\n]*)", re.S)


def test_03_record_blocks_hold_no_course_gloss_on_the_essay():
    """Finding 6: the course's reading of ¶7 sits after the Record block, not inside it."""
    text = _markdown("03")
    blocks = RECORD_BLOCK.findall(text)
    assert len(blocks) >= 6
    for body, _source in blocks:
        assert "(¶" not in body, body[:200]
    assert 'spells out what "peace regime" means' in text


def test_03_presents_commands_not_states_as_a_contested_reading(facts_text):
    """Finding 8: Beijing's P32 and Pyongyang's P5 beside the commands reading."""
    text = _markdown("03")
    blocks = "".join(body + source for body, source in RECORD_BLOCK.findall(text))
    for quote in (
        "will continue to play a suitable role as a signatory to the Armistice Agreement",
        "As signatories to the Armistice Agreement the DPRK and the U.S.",
    ):
        assert quote in blocks and quote in facts_text, quote
    assert "§10 rows P32 and P5" in blocks
    assert "legal reading" in text and "contest" in text
    takeaways = _cell("03", "## Key takeaways")
    assert "China took part through the CPV" not in takeaways
    assert "P32" in takeaways and "P5" in takeaways


def test_03_cancellation_names_the_veto_and_the_states_positions():
    """Finding 9: the P5 veto, the PRC (P36), the DPRK (P14) and Seoul's split (P22, P25/P26)."""
    text = _markdown("03")
    start = text.index('**What would "cancellation" involve?**')
    section = text[start : text.index("</details>", start)]
    assert "veto" in section and "permanent member" in section
    assert "course fact sheet §8 row B1 and §9 row A42" in section
    assert "§10 rows P36, P14, P22, P25 and P26" in section
    for words in ("has no legal basis", "illegally kept in south Korea", "will not be affected"):
        assert words in section, words


# --- finding 12: 00 explains why C23, in the present tense, is a forecast ---------------------


def test_00_explains_why_c23_is_a_forecast():
    definition = "what will, is likely to, or may happen"
    assert definition in _markdown("02")  # 02's definition of a forecast
    assert kpeace.load("claims").set_index("claim_id").loc["C23", "kind"] == "forecast"
    answer = next(p for p in _markdown("00").split("</details>") if "C23 (" in p)
    assert "present tense" in answer and definition in answer
    assert "“These negotiations will involve” (¶7)" in answer


# --- finding 17: the teacher guide's intro agrees with its later sections ---------------------


def test_teacher_guide_intro_lets_people_bring_sourced_outside_knowledge():
    guide = (ROOT / "notebooks" / "TEACHER_GUIDE.md").read_text(encoding="utf-8")
    intro = guide[: guide.index("\n## 00 · ")]
    assert "come only from the course fact sheet" not in intro
    assert "course fact sheet" in intro and "where it comes from" in intro
    # the later sections invite it too (issue 10 §7)
    assert "where it comes from" in guide[len(intro) :]


# --- finding 10: the record gap (inter-Korean track 2005–June 2007; Russia and China before 2007)


def test_the_record_holds_the_inter_korean_track_of_spring_2007():
    events = kpeace.load("events")
    essay = pd.Timestamp("2007-06-06")
    track = events[
        (events["lane"] == "inter-Korean")
        & (events["date"] >= pd.Timestamp("2005-01-01"))
        & (events["date"] < essay)
    ]
    spring = track[track["date"] >= pd.Timestamp("2007-01-01")]
    assert len(spring) >= 3, list(spring["title"])
    assert spring["record_row"].str.startswith("N").all()
    assert spring["source_detail"].str.len().gt(40).all()
    titles = " ".join(spring["title"])
    assert "general-level military talks" in titles and "test runs" in titles


def test_russia_has_sourced_positions_before_2007(facts_text):
    persp = kpeace.load("perspectives")
    russia = persp[(persp["actor"] == "RUS") & (persp["year"] < 2007)]
    assert set(russia["perspective_id"]) == {"P53", "P54"}
    for row in russia.itertuples():
        assert "parties" in row.questions and row.confidence == "medium"
        assert row.excerpt.split('" (')[0].strip('"') in facts_text
    assert "Chinese position on a peace regime or the armistice between 1997" in facts_text
