"""Issue 10 §5–§7: the corrections, the assessed objectives (00–05) and teachers' knowledge."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from kpeace import figures
from kpeace.figures.trends import COUNT_RULE, SERIES
from kpeace.widgets import agreements_explorer

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def _cells(name: str) -> list[nbformat.NotebookNode]:
    path = next(NOTEBOOKS.glob(f"{name}_*.ipynb"))
    cells = nbformat.read(path, as_version=4).cells
    assert cells, name
    return cells


def _text(name: str, *, teacher: bool | None = None) -> str:
    """A notebook's markdown; ``teacher`` keeps only teacher cells (True) or only the others."""
    parts = []
    for cell in _cells(name):
        if cell.cell_type != "markdown":
            continue
        is_teacher = "teacher" in cell.metadata.get("tags", [])
        if teacher is None or teacher == is_teacher:
            parts.append(cell.source)
    assert parts, name
    return "\n\n".join(parts)


def _guide(*numbers: str) -> str:
    """The teacher guide's parts for the given notebooks (``"00"``, ``"02"``…)."""
    text = (NOTEBOOKS / "TEACHER_GUIDE.md").read_text(encoding="utf-8")
    parts = re.split(r"\n(?=## \d\d · )", text)
    chosen = [p for p in parts if any(p.startswith(f"## {n} · ") for n in numbers)]
    assert len(chosen) == len(numbers), numbers
    return "\n".join(chosen)


def _row(df, key: str, value: str):
    rows = df[df[key] == value]
    assert len(rows) == 1, value
    return rows.iloc[0]


# --- §5 corrections ----------------------------------------------------------------------------


def test_q5_5_keys_what_the_record_shows_not_a_verdict(tables):
    question = _row(tables["questions"], "question_id", "q5-5")
    choices = tables["question_choices"]
    choices = choices[choices["question_id"] == "q5-5"]
    assert len(choices) == 4
    keyed = choices[choices["is_correct"]]
    assert len(keyed) == 1
    everything = " ".join([question["prompt"], question["explanation"], *choices["text"]])
    assert "lasting" not in everything
    assert "2018" in keyed.iloc[0]["text"] and "normalization" in keyed.iloc[0]["text"]
    assert "no answer key" in question["prompt"] + question["explanation"]
    assert "answer key" in keyed.iloc[0]["feedback"]


def test_c06_is_not_the_thesis_or_the_model_argument(tables):
    claim = _row(tables["claims"], "claim_id", "C06")
    assert claim["kind"] != "argument"
    assert "As…" in claim["paraphrase"]
    feedback = tables["question_choices"].set_index(["question_id", "choice_id"])
    model = feedback.loc[("q2-2", "b"), "feedback"]
    assert "leading to a supporting role" not in model and "C04" in model
    for text in (_text("02"), _text("03"), _guide("02")):
        for phrase in ("it is the thesis", "the essay's thesis is", "Notebook 2's thesis"):
            assert phrase not in text
    assert "“As…” clause" in _text("02")


def test_resolution_82_is_not_referred_to_in_paragraph_9(tables):
    events = tables["events"]
    res82 = events[events["documents"].map(lambda docs: "UNSCR_82" in docs)]
    assert len(res82) == 1
    assert not res82.iloc[0]["in_essay"] and not res82.iloc[0]["essay_paragraphs"]
    cited = events[events["essay_paragraphs"].map(lambda ps: 9 in ps or "9" in ps)]
    assert len(cited) == 2
    assert {d for docs in cited["documents"] for d in docs} == {"UNSCR_83", "UNSCR_84"}


def test_denuclearization_is_of_the_korean_peninsula(tables):
    term = _row(tables["glossary"], "term_id", "denuclearization")
    definition = term["definition"]
    assert "the verifiable denuclearization of the Korean Peninsula" in definition
    assert "not North Korea alone" in definition
    assert "abandonment of DPRK weapons and programs" not in definition
    singapore = _row(tables["key_texts"], "text_id", "K26")["excerpt"]
    assert singapore.endswith("complete denuclearization of the Korean Peninsula.")
    assert singapore in (NOTEBOOKS / "TEACHER_GUIDE.md").read_text(encoding="utf-8")


def test_03_and_the_guide_no_longer_fault_the_armistice_gloss():
    text = _text("03")
    assert "It adds the armistice" not in text
    assert "**No armistice.**" not in text
    assert "by the record's own definition" in text
    guide = _guide("00", "03")
    assert "stating ¶7's paraphrase as fact" not in guide
    assert "misleading mix would state" not in guide
    assert "fair gloss" in guide


@pytest.mark.parametrize(
    ("claim_id", "words"),
    [("C07", "logically"), ("C28", "and to allow"), ("C30", "expanding")],
)
def test_paraphrases_keep_the_essays_words(tables, claim_id, words):
    claim = _row(tables["claims"], "claim_id", claim_id)
    assert words.split()[-1] in claim["quote"]
    assert words in claim["paraphrase"]


def test_summary_sentence_5_keeps_this():
    heading = "## The argument in five sentences"
    summary = next(c.source for c in _cells("00") if heading in c.source)
    sentence5 = next(line for line in summary.splitlines() if line.startswith("5. "))
    assert "promote this and other confidence and security building measures (CSBMs)" in sentence5


def _fact_row(facts_text: str, row: str) -> str:
    line = next(ln for ln in facts_text.splitlines() if ln.startswith(f"| {row} | "))
    return line


def test_row_44_rests_on_official_and_named_press_sources(tables, facts_text):
    line = _fact_row(facts_text, "44")
    for weak in ("Epoch Times", "Al Bawaba"):
        assert weak not in line
    assert "KCNA 2024-01-16 (kcna.kp" in line and "Voice of Korea" in line
    event = _row(tables["events"], "record_row", "44")
    assert event["source_detail"].split("; ")[0].startswith("KCNA")
    assert event["source_detail"] in line


def test_paragraph_60_names_an_official_text(facts_text):
    start = facts_text.index("### 2.3 Paragraph 60, quoted")
    section = facts_text[start : facts_text.index("### 2.4", start)]
    assert "State Department telegram" in section and "Publication 7084" in section
    assert "S/3079" in section
    quoted = "Paragraph 60 of the armistice reads"
    block = next(c.source for c in _cells("01") if quoted in c.source)
    assert "State Department telegram" in block


def _counted(documents):
    return documents[documents["kind"].isin(SERIES)]


def test_the_agreements_chart_applies_one_rule_evenly(tables):
    documents = tables["documents"]
    counted = set(_counted(documents)["document_id"])
    assert {"JC_1972", "USDPRK_1993", "MILITARY_2004", "PYONGYANG_2018"} <= counted
    pairs = [frozenset({"ROK", "DPRK"}), frozenset({"US", "DPRK"})]
    bilateral = documents[documents["parties_as_signed"].map(lambda p: frozenset(p) in pairs)]
    assert len(bilateral) >= 13
    assert set(bilateral["document_id"]) == counted
    fig = figures.agreements_figure(documents, tables["events"])
    alt = figures.alt_text(fig)
    assert COUNT_RULE in alt
    assert "US–DPRK agreements: 4 in all, 3 by June 2007" in alt


def test_the_agreements_card_states_the_rule():
    view = agreements_explorer()
    html = view.detail.value
    assert "How the course counts" in html and "(ours)" in html
    assert "1993" in html and "2004" in html
    assert html.index("How the course counts") < html.index("The record")


# --- §6 objectives that are assessed -----------------------------------------------------------

RUBRICS = [
    ("00", "Rubric for the task", "Check your answer against three points"),
    ("02", "Rubric for the CSBM task", "A full answer does three things"),
    ("03", "Rubric for the written trace", "Check your sentences against three points"),
    (
        "03",
        "Rubric for the compression task",
        "Check your sentences against three points: (1) the two resolutions",
    ),
    (
        "01",
        "Rubric for the armistice explanation",
        "Check your sentences against three points: (1) who made the armistice",
    ),
    (
        "04",
        "Rubric for the record's answer",
        "Check your answer against three points: (1) it joins",
    ),
    (
        "04",
        "Rubric for the counting task",
        "Check your sentences against three points: (1) the counts",
    ),
    (
        "04",
        "Rubric for the remedy task",
        "Check your sentences against three points: (1) each contradiction",
    ),
    ("04", "Rubric for the network task", "Check your two sentences against two points"),
    ("04", "Rubric for the similarity task", "Check your own two sentences"),
    (
        "05",
        "Rubric for the retelling",
        "Check your sentences against three points: (1) the five steps",
    ),
    (
        "05",
        "Rubric for the judge-twice task",
        "There is no answer key, so check the way you judged",
    ),
]


@pytest.mark.parametrize(("notebook", "rubric", "criteria"), RUBRICS)
def test_written_tasks_have_a_rubric_and_a_model_answer(notebook, rubric, criteria):
    teacher = _text(notebook, teacher=True)
    start = teacher.index(rubric)
    part = teacher[start : start + 1500]
    for word in ("*Meets it:*", "*Partly:*", "*Not yet:*", "Model answer:"):
        assert word in part, (notebook, word)
    student = _text(notebook, teacher=False)
    box = student[student.index(criteria) :]
    box = box[: box.index("</details>")]
    assert "A model answer:" in box
    assert student.rindex("<summary>Check your answer</summary>", 0, student.index(criteria))


def _minutes(teacher: str) -> tuple[int, int]:
    match = re.search(r"Timing \((\d+) minutes[^)]*\): (.+)", teacher)
    assert match, teacher[:80]
    parts = match.group(2).split(" · ")
    numbers = [int(re.findall(r"\d+", p)[-1]) for p in parts[:-1]]
    numbers.append(int(re.findall(r"\d+", parts[-1])[0]))
    return int(match.group(1)), sum(numbers)


@pytest.mark.parametrize("notebook", ["00", "01", "02", "03", "04", "05"])
def test_the_lesson_fits_its_stated_time(notebook):
    stated, planned = _minutes(_text(notebook, teacher=True))
    assert stated == planned
    title = _text(notebook, teacher=False)
    assert f"*Estimated time: {stated} minutes*" in title


#: Objectives asking for reasoning in the learner's own words: a written task with a rubric.
WRITTEN = re.compile(r"\b(explain|weigh|retell|judge|in your own words)\b", re.I)


def _objectives(notebook: str) -> list[str]:
    cell = next(c.source for c in _cells(notebook) if c.source.startswith("## Learning objectives"))
    found = re.findall(r"^(?:-|\d+\.) (.+)$", cell, re.M)
    objectives = [objective.rstrip(";.") for objective in found]
    assert len(objectives) >= 5, notebook
    return objectives


def _section(markdown: str, heading: str) -> str:
    match = re.search(rf"^#{{2,3}} {re.escape(heading)}\s*$", markdown, re.M)
    assert match, heading
    rest = markdown[match.end() :]
    end = re.search(r"^## ", rest, re.M)
    return rest[: end.start() if end else None]


@pytest.mark.parametrize("notebook", ["00", "01", "02", "03", "04", "05"])
def test_every_objective_has_its_assessment(notebook):
    guide = _guide(notebook)
    table = guide[guide.index("### Objectives and their assessment") :]
    table = table[: table.index("\n### ", 5)]
    rows = re.findall(r"^\| (?!Objective|---)(.+?) \| (.+?) \|$", table, re.M)
    assert [objective for objective, _ in rows] == _objectives(notebook)
    student, teacher = _text(notebook, teacher=False), _text(notebook, teacher=True)
    code = "\n".join(c.source for c in _cells(notebook) if c.cell_type == "code")
    rubrics = {rubric for nb, rubric, _ in RUBRICS if nb == notebook}
    for objective, assessed in rows:
        checks = re.findall(r"\bq\d-\d\b", assessed)
        written = re.findall(r"\((Rubric for [^)]+)\)", assessed)
        sections = re.findall(r'"([^"]+)"', assessed)
        assert checks or written or sections, objective
        for check in checks:
            assert f'kw.self_check("{check}")' in code, (objective, check)
        for rubric in written:
            assert rubric in rubrics and f"**{rubric}**" in teacher, (objective, rubric)
        for heading in sections:
            part = _section(student, heading)
            assert re.search(r"\*\*(Task|Think)\b", part), (objective, heading)
            assert "<summary>Check your answer</summary>" in part, (objective, heading)
        if WRITTEN.search(objective):
            assert written, f"{notebook}: '{objective}' needs a written task with a rubric"


def test_00_answers_name_no_claim_ids_for_paragraph_9():
    box = next(c.source for c in _cells("00") if "There is no single right labelling" in c.source)
    answer = box[box.index("There is no single right labelling") :]
    assert not re.search(r"\bC\d\d\b", answer)


# --- §7 teachers may use what they know --------------------------------------------------------

FORBIDDING = (
    "rather than from outside knowledge",
    "say that the essay does not state a reason; collect their guesses",
    "has no textual support and must be labelled a guess",
    "The course has no source for North Korea's or Japan's reaction",
)


@pytest.mark.parametrize("where", ["00", "02", "03", "guide"])
def test_teacher_notes_let_people_use_what_they_know(where):
    text = _guide("00", "02", "03") if where == "guide" else _text(where)
    for phrase in FORBIDDING:
        assert phrase not in text, (where, phrase)
    if where in ("02", "guide"):
        assert "§13" in text and "where it comes from" in text
