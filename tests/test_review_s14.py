"""Fixes from the specialist review of 2026-11-30 (findings 1, 2, 4, 6, 8–10, 12, 17)."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
from plotly.utils import PlotlyJSONEncoder

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


# --- notebook 05: findings 4–7, 10 and 13 ------------------------------------------------------


def _record_bodies(name: str) -> list[str]:
    bodies = [body for body, _source in RECORD_BLOCK.findall(_markdown(name))]
    assert bodies, name
    return bodies


def test_05_matches_each_sanctions_resolution_to_what_it_answered():
    """Finding 4: 2397 answered an ICBM launch; 2094 and 2375 answered tests."""
    block = next(b for b in _record_bodies("05") if "Several later events" in b)
    assert "such as 1874, 2270 and 2397" not in block
    for number, row in ANSWERED_A_TEST.items():
        assert re.search(rf"{number} \(\d{{4}}[^)]*row {row}\)", block), number
    sentence = next(s for s in re.split(r"(?<=\.) ", block) if "2397" in s)
    assert "ICBM launch, not a test" in sentence and "row A29" in sentence


def test_05_and_04_record_blocks_hold_no_course_commentary():
    """Finding 6: the course's pairings and judgements sit after the Record block."""
    for name in ("04", "05"):
        for body in _record_bodies(name):
            assert "(¶" not in body, (name, body[:120])
            for gloss in ("the kind of", "had a basis", "That is Pyongyang's reading"):
                assert gloss not in body, (name, gloss)
    text = _markdown("05")
    assert "Our pairing, not the record's: the Cheonan and Yeonpyeong" in text
    assert "Our comment, not the record's: ¶8 expected only the UNC MAC's role" in text


def test_05_says_the_course_reading_has_its_own_toggle():
    """Finding 7: the notebook's instruction names the toggle the tracker really has."""
    from kpeace.widgets.hindsight import READING_SUMMARY

    section = _cell("05", "## The forecasts and premises, judged twice")
    label = READING_SUMMARY.split(":")[0]
    assert f'"{label}"' in section and "behind its own toggle" in section


def test_05_does_not_say_the_record_stops_in_2024():
    """Finding 5: the perspectives explorer holds P15 (July 2025)."""
    persp = kpeace.load("perspectives").set_index("perspective_id")
    assert persp.loc["P15", "year"] == 2025
    text = _markdown("05")
    assert "record ends in 2024" not in text and "record stops there" not in text
    assert text.count("§10 row P15") == 2


def test_05_knowable_in_june_2007_includes_the_inter_korean_track(facts_text):
    """Finding 10: the spring-2007 inter-Korean track (§15 rows N3–N7) and a task on it."""
    section = _cell("05", "## What could be known in June 2007")
    block = next(b for b in RECORD_BLOCK.findall(section) if "general-level" in b[0])
    assert "§15 rows N3, N4, N5, N6 and N7" in block[1]
    for row in ("N3", "N4", "N5", "N6", "N7"):
        assert f"| {row} |" in facts_text
    task = section[section.index("**Task** (optional, for homework)") :]
    assert "border disputes" in task and "in the lead to reduce conventional arms" in task
    assert "<details><summary>Check your answer</summary>" in task
    assert "five Record blocks" in _markdown("05")


def test_05_asks_students_about_the_2013_declaration():
    """Finding 13: 01's "Notebook 5 comes back to this question" has a student prompt."""
    assert "Notebook 5 comes back to this question" in _markdown("01")
    section = _cell("05", "## After June 2007: what happened")
    prompts = [p for p in section.split("**Think:**")[1:] if "declared the armistice invalid" in p]
    assert prompts and "Article V" in prompts[0]
    answer = prompts[0][prompts[0].index("<details>") :]
    assert "course fact sheet §1 row 37" in answer
    assert "could not end the armistice unilaterally" in answer


# --- notebook 04: findings 3, 15 and 16 -------------------------------------------------------


def test_04_why_washington_shows_the_dprk_formats_that_break_the_line(facts_text):
    """Finding 3: P7 (2004), P8 (2009) and P9 (2010) complicate "since 1974, the US only"."""
    section = _cell("04", "## Why does North Korea prefer Washington? The record's answer")
    blocks = RECORD_BLOCK.findall(section)
    assert len(blocks) == 6
    body, source = next(b for b in blocks if "one unbroken line" in b[0])
    assert "§10 rows P7" in source and "P8" in source and "P9" in source
    for row, year in (("P7", "2004"), ("P8", "2009"), ("P9", "2010")):
        assert f"| {row} |" in facts_text and year in body, row
    assert '"parties to the armistice"' in body and '"parties to the armistice"' in facts_text
    takeaways = _cell("04", "## Key takeaways")
    assert "§10 rows P7–P9" in takeaways and "has mostly asked" in takeaways


def test_04_answer_box_cites_no_position_students_have_not_met():
    """Finding 15: P16–P17 and P45–P46 come in the next section's explorer."""
    section = _cell("04", "## Why does North Korea prefer Washington? The record's answer")
    box = section[section.index("**Task:** Join the pieces") :]
    box = box[box.index("<details>") : box.index("</details>")]
    for row in ("P16", "P45"):
        sentence = next(s for s in box.split("\n\n") if row in s)
        assert sentence.startswith("Looking ahead: the next section's explorer"), row


def test_04_task_3_answer_gives_russias_positions_before_2007():
    section = _cell("04", "## Six governments, three questions")
    answer = section[section.index("<details>") : section.index("</details>")]
    assert "rows P53 and P54" in answer and '"limited nature"' in answer


def _guide_plan(number: str) -> list[tuple[int, int, str]]:
    guide = (ROOT / "notebooks" / "TEACHER_GUIDE.md").read_text(encoding="utf-8")
    part = guide[guide.index(f"\n## {number} · ") :]
    plan = part[part.index("### Lesson plan") :]
    plan = plan[: plan.index("\n### ", 5)]
    rows = re.findall(r"^\| (\d+)–(\d+) \| ([^|]+) \|", plan, re.M)
    assert rows, number
    return [(int(a), int(b), step) for a, b, step in rows]


def test_04_homework_moves_agree_in_notebook_and_guide():
    """Finding 16: D07–D08 and the Think on “this” are homework in both; the plan has no gaps."""
    note = next(c for c in _markdown("04").split("\n\n") if "Timing (45 minutes)" in c)
    assert "the two agreements the essay names 2" not in note
    assert "Homework, not class time: the two agreements the essay names" in note
    plan = _guide_plan("04")
    assert all(b == a for (_, b, _), (a, _, _) in itertools.pairwise(plan)), plan
    assert plan[-1][1] == 50 and not any("D07" in step for _, _, step in plan)
    assert "**Think** (homework): ¶10 speaks" in _markdown("04")
    assert "For homework, or in class if time allows" in _cell("04", "## The two agreements")


# --- notebook 01: findings 8 and 16 -----------------------------------------------------------


def test_01_presents_commands_not_states_as_a_contested_reading(facts_text):
    """Finding 8: 01 shows Beijing's P32 and Pyongyang's P5 beside the fact sheet's reading."""
    section = _cell("01", "### South Korea did not sign")
    blocks = RECORD_BLOCK.findall(section)
    assert not any("is not a signatory as a state" in body for body, _ in blocks)
    quoted = [q for body, _ in blocks for q in re.findall(r'"([^"]+)"', body)]
    assert quoted
    for quote in quoted:
        assert quote in facts_text, quote
    cited = next(b for b in blocks if "§10 rows P32 and P5" in b[1])
    assert "as a signatory to the Armistice Agreement" in cited[0]
    assert "As signatories to the Armistice Agreement the DPRK and the U.S." in cited[0]
    assert "is a legal reading" in section and "contest" in section
    answer = _cell("01", "### South Korea did not sign").split("<details>")[1]
    assert "none as a state" not in answer and "P32 and P5" in answer
    guide = (ROOT / "notebooks" / "TEACHER_GUIDE.md").read_text(encoding="utf-8")
    line = next(ln for ln in guide.splitlines() if ln.startswith('- *"China signed as a state."*'))
    assert "§10 rows P32 and P5" in line and "contest" in line


def test_01_map_time_and_self_checks_agree_in_notebook_and_guide():
    """Finding 16: the map gets 4 minutes; three self-checks go home, in notebook and guide."""
    text = _markdown("01")
    note = next(c for c in text.split("\n\n") if "Timing (50 minutes" in c)
    assert "the map 4" in note and "self-checks 3 (q1-1 and q1-2 in class" in note
    assert "**Task** (4 minutes): in the map below" in text
    plan = _guide_plan("01")
    assert all(b == a for (_, b, _), (a, _, _) in itertools.pairwise(plan)), plan
    assert plan[0][0] == 0 and plan[-1][1] == 50
    by_step = {step.split(";")[0].strip(): b - a for a, b, step in plan}
    assert by_step["The map"] == 4
    assert by_step["Self-checks q1-1 and q1-2"] == 3


# --- the timeline's essay label stays inside a 375 px figure ----------------------------------

ESSAY_LABEL = """() => { const a = Array.from(document.querySelectorAll('.annotation'))
  .find(el => el.textContent === 'Essay, June 2007');
  const r = a.getBoundingClientRect(); return [r.left, r.right, a.style.display || ''] }"""


def test_timeline_essay_label_fits_a_phone_in_every_view(offline, tmp_path):
    """The label ran off the right edge at 375 px; each menu choice now re-anchors it."""
    from kpeace.figures.timeline import timeline_figure

    fig = timeline_figure(kpeace.load("events"))
    menus = {m.name: m for m in fig.layout.updatemenus}
    show = menus["Show"].buttons
    assert len(show) == 4
    path = tmp_path / "timeline.html"
    path.write_text(fig.to_html(include_plotlyjs=True, full_html=True), encoding="utf-8")
    opened = offline(path.as_uri(), width=375, height=800)
    page = opened.page
    try:
        page.wait_for_selector(".annotation")
        width = page.evaluate("document.documentElement.clientWidth")
        seen = []
        for button in show:
            layout = json.loads(json.dumps(button.args[1], cls=PlotlyJSONEncoder))
            page.evaluate(
                "(l) => Plotly.relayout(document.querySelector('.js-plotly-plot'), l)", layout
            )
            left, right, _ = page.evaluate(ESSAY_LABEL)
            seen.append((button.label, round(left), round(right)))
            assert 0 <= left and right <= width, seen
        assert not opened.errors, opened.errors
    finally:
        opened.context.close()


# --- §15 row N8 (July 2007) is on the timeline, and 05 counts it ------------------------------


def test_n8_is_a_timeline_event_that_05_counts_and_c11_weighs():
    events = kpeace.load("events")
    n8 = events[events["record_row"] == "N8"]
    assert len(n8) == 1 and bool(n8["after_essay"].iloc[0])
    assert n8["lane"].iloc[0] == "inter-Korean"
    after = events[events["after_essay"] & (events["lane"] == "inter-Korean")]
    answer = _cell("05", "## After June 2007: what happened")
    stated = int(re.search(r"The inter-Korean lane holds (\d+) events after the essay", answer)[1])
    assert stated == len(after) == 16
    assert "§15 row N8" in answer
    check = kpeace.load("checks").set_index("claim_id").loc["C11"]
    assert int(n8["event_id"].iloc[0]) in set(check["after_2007"])
    assert "§15 row N8" in check["explanation"]
