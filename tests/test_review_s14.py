"""Fixes from the specialist review of 2026-11-30 (findings 1, 2, 4, 6, 8–10, 12, 17)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

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
