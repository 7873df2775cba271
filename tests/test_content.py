"""The content is traceable: quotes verbatim, paragraphs covered, keys resolve, sources given."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import kpeace

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")
NOTEBOOKS = sorted(
    (Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")
)


def _para(tables, n: int) -> str:
    return kpeace.paragraph(int(n))


# --- the essay -------------------------------------------------------------------------------


def test_paragraphs_are_the_essay_body(source_text):
    essay = kpeace.essay()
    assert len(essay.paragraphs) == 10
    normalised = source_text.replace(" \u201d ", " \u2014 ")
    for text in essay.paragraphs:
        assert text in normalised
    assert essay.paragraphs[0].startswith("The history of the American security role")
    assert essay.paragraphs[-1].endswith("involving North Korea.")
    assert essay.summary in source_text
    body = " ".join(essay.paragraphs)
    for boilerplate in ("About our blog", "San Francisco", "email", "Related topics"):
        assert boilerplate not in body
    assert "\u201d " not in body.replace("\u201d,", "")  # no broken em dash left


def test_essay_metadata(source_text):
    essay = kpeace.essay()
    assert essay.title in source_text
    assert essay.author == "Scott Snyder"
    assert essay.date == "2007-06-06"
    assert essay.conference["title"] in source_text
    assert essay.author_affiliation in source_text
    assert "Asia Foundation" in essay.citation()


# --- quotes ----------------------------------------------------------------------------------

QUOTED = [
    ("claims", "quote"),
    ("positions", "quote"),
    ("unc_steps", "quote"),
    ("questions", "quote"),
]


@pytest.mark.parametrize(("table", "column"), QUOTED)
def test_quotes_are_verbatim(tables, table, column):
    df = tables[table].dropna(subset=[column])
    assert len(df), f"{table} has no quotes"
    bad = [
        (row[table[:-1] + "_id"] if f"{table[:-1]}_id" in df else i, row["paragraph"])
        for i, row in df.iterrows()
        if row[column] not in _para(tables, row["paragraph"])
    ]
    assert not bad, f"not verbatim in their paragraph: {bad}"


def test_discrepancy_quotes_are_verbatim(tables):
    df = tables["discrepancies"]
    assert len(df)
    summary = kpeace.essay().summary
    for _, row in df.iterrows():
        where = summary if pd.isna(row["paragraph"]) else _para(tables, row["paragraph"])
        assert row["quote"] in where, row["discrepancy_id"]


@pytest.mark.parametrize("table", ["documents", "working_groups"])
def test_essay_wording_is_verbatim(tables, table):
    df = tables[table].dropna(subset=["essay_wording"])
    assert len(df)
    for _, row in df.iterrows():
        paragraphs = " ".join(_para(tables, n) for n in row["essay_paragraphs"])
        for wording in row["essay_wording"].split(";"):
            assert wording in paragraphs, (row.iloc[0], wording)


@pytest.mark.parametrize(
    ("table", "flag"), [("events", "in_essay"), ("documents", "essay_mentions")]
)
def test_essay_paragraphs_match_essay_flags(tables, table, flag):
    df = tables[table]
    cited = df["essay_paragraphs"].map(bool)
    assert cited.any() and (~cited).any(), f"{table}: expected rows with and without paragraphs"
    wrong = df.loc[df[flag] != cited, df.columns[0]].tolist()
    assert not wrong, f"{table}: {flag} disagrees with essay_paragraphs for {wrong}"


# --- claims cover the essay -------------------------------------------------------------------


def test_every_paragraph_is_cited_by_a_claim(tables):
    cited = set(tables["claims"]["paragraph"].astype(int))
    assert cited == set(tables["paragraphs"]["paragraph"].astype(int))


def test_claims_cover_every_kind(tables):
    kinds = set(tables["claims"]["kind"])
    assert kinds == {"observation", "argument", "recommendation", "forecast", "contradiction"}


def test_both_contradictions_are_claims(tables):
    contradictions = tables["claims"].query("kind == 'contradiction'")
    assert len(contradictions) == 2


# --- keys ------------------------------------------------------------------------------------


def _key_values(tables, resource: str, field: str) -> set:
    return set(tables[resource][field].dropna().map(str))


def test_declared_foreign_keys_resolve(descriptor, tables):
    checked = 0
    for res in descriptor["resources"]:
        for fk in res.get("schema", {}).get("foreignKeys", []):
            ref = fk["reference"]
            for here, there in zip(fk["fields"], ref["fields"], strict=True):
                valid = _key_values(tables, ref["resource"], there)
                values = set(tables[res["name"]][here].dropna().map(str))
                assert values <= valid, (res["name"], here, values - valid)
                checked += 1
    assert checked >= 10


def test_list_references_resolve(descriptor, tables):
    checked = 0
    for res in descriptor["resources"]:
        for field in res.get("schema", {}).get("fields", []):
            ref = field.get("x-references")
            if not ref:
                continue
            valid = _key_values(tables, ref["resource"], ref["field"])
            ids = {str(item) for cell in tables[res["name"]][field["name"]] for item in cell}
            assert ids <= valid, (res["name"], field["name"], ids - valid)
            checked += 1
    assert checked >= 10


# --- sources ---------------------------------------------------------------------------------

SOURCED = [
    "actors",
    "documents",
    "working_groups",
    "events",
    "discrepancies",
    "glossary",
    "armistice_articles",
]


@pytest.mark.parametrize("table", SOURCED)
def test_every_non_essay_row_has_a_source(tables, table):
    df = tables[table]
    assert len(df)
    outside = df[df["source_id"] != "essay"]
    assert outside["source_detail"].notna().all()
    assert (outside["source_detail"].str.strip() != "").all()


def test_record_rows_name_their_source(tables):
    questions = tables["questions"]
    record = questions[questions["basis"] == "record"]
    assert len(record)
    assert (record["source_id"] != "essay").all()
    assert record["source_detail"].notna().all()
    steps = tables["unc_steps"].dropna(subset=["record_note"])
    assert len(steps)
    assert steps["record_source_id"].notna().all() and steps["record_source_detail"].notna().all()


def test_korean_text_comes_from_the_fact_sheet(tables, facts_text):
    found = 0
    for name, df in tables.items():
        for column in df.columns:
            for cell in df[column].dropna():
                for word in HANGUL.findall(str(cell)):
                    assert word in facts_text, (name, column, word)
                    found += 1
    assert found >= 20


def test_event_dates_come_from_the_fact_sheet(tables, facts_text):
    events = tables["events"]
    for _, row in events.iterrows():
        iso = row["date"].strftime("%Y-%m-%d")
        line = next(
            (ln for ln in facts_text.splitlines() if ln.startswith(f"| {row['record_row']} |")), ""
        )
        assert iso in line or iso[:7] in line, (row["event_id"], row["record_row"], iso)


def test_confidence_comes_with_the_record(tables):
    for table in ("events", "documents", "discrepancies"):
        assert tables[table]["confidence"].notna().all(), table


# --- required content ------------------------------------------------------------------------


def test_required_actors(tables):
    required = {"US", "ROK", "DPRK", "PRC", "JPN", "RUS", "UNSC", "UNC", "UNC_MAC", "SIX_PARTY"}
    assert required <= set(tables["actors"]["actor_id"])


def test_required_documents_and_armistice_parties(tables):
    docs = tables["documents"].set_index("document_id")
    required = {
        "KAA_1953",
        "UNSCR_82",
        "UNSCR_83",
        "UNSCR_84",
        "BASIC_1991",
        "JD_2000",
        "SEP19_2005",
        "FEB13_2007",
    }
    assert required <= set(docs.index)
    assert set(docs.loc["KAA_1953", "parties_as_signed"]) == {"UNC", "KPA", "CPV"}
    basic = docs.loc["BASIC_1991"]
    assert basic["date_signed"] == pd.Timestamp("1991-12-13")
    assert basic["date_in_force"] == pd.Timestamp("1992-02-19")
    assert tables["actors"].set_index("actor_id").loc["ROK", "armistice_role"] == "non-signatory"
    groups = tables["working_groups"]
    assert len(groups) == 5 and set(groups["document_id"]) == {"FEB13_2007"}


def test_events_span_and_hindsight(tables):
    events = tables["events"]
    assert len(events) >= 35
    after = events[events["after_essay"]]
    assert len(after) >= 8
    essay_date = pd.Timestamp("2007-06-06")
    assert ((events["date"] > essay_date) == events["after_essay"]).all()
    assert events["source_id"].isin(["facts-1", "facts-8", "facts-9", "facts-15"]).all()
    assert set(events["lane"].dropna()) and events["era"].cat.ordered


def test_positions_show_both_contradictions(tables):
    pos = tables["positions"]

    def who(issue, view):
        rows = pos[
            (pos.actor == "DPRK") & (pos.issue == issue) & (pos.whose_view.str.startswith(view))
        ]
        return set(rows["counterpart"])

    # 1: on conventional forces the essay's natural partner (ROK) is not Pyongyang's choice (US)
    assert who("conventional forces", "essay") == {"ROK"}
    assert who("conventional forces", "actor") == {"US"}
    assert who("nuclear issue", "actor") == {"US"}
    nuclear = pos[(pos.issue == "nuclear issue") & (pos.whose_view == "essay's assessment")]
    assert set(zip(nuclear.actor, nuclear.counterpart, nuclear.stance, strict=True)) == {
        ("US", "DPRK", "critical player")
    }
    # 2: inter-Korean relations improving, US–DPRK relations tense
    rel = pos[pos.issue == "relations"].set_index(["actor", "counterpart"])["stance"]
    assert "improving" in set(rel.loc[("ROK", "DPRK")])
    assert "tense" in set(rel.loc[("US", "DPRK")])


def test_discrepancies_cover_the_fact_sheet(tables):
    disc = tables["discrepancies"]
    assert set(disc["facts_item"]) >= set(range(1, 11))


def test_glossary(tables):
    glossary = tables["glossary"]
    assert len(glossary) >= 25
    assert glossary["term_ko"].notna().sum() >= 15
    assert glossary["definition"].str.len().gt(20).all()


# --- questions -------------------------------------------------------------------------------


SELF_CHECKS = 5  # the README: "five self-checks" per notebook


def test_questions_per_notebook(tables):
    counts = tables["questions"]["notebook"].value_counts()
    assert set(counts.index) == set(range(6))
    assert (counts >= SELF_CHECKS).all(), counts.to_dict()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_asks_its_five_self_checks(tables, path):
    code = "\n".join(c.source for c in _cells(path) if c.cell_type == "code")
    asked = re.findall(r"kw\.self_check\(\s*[\"']([^\"']+)[\"']\s*\)", code)
    number = int(path.name[:2])
    assert len(set(asked)) >= SELF_CHECKS, (path.name, asked)
    assert all(q.startswith(f"q{number}-") for q in asked), asked
    assert set(asked) <= set(tables["questions"]["question_id"]), asked


# --- quotes in the notebooks' prose ----------------------------------------------------------

# “words” (¶N) or "words" (¶N), also (¶N–M, …); and ¶N “words” / ¶N's “words”
QUOTE_THEN_PARAGRAPH = re.compile(r'(?:“([^”\n]+)”|"([^"\n]+)")\s*\(¶(\d+)(?:[–-](\d+))?[^)\n]*\)')
PARAGRAPH_THEN_QUOTE = re.compile(r"¶(\d+)(?:’s|'s)?\s*\(?(?:“([^”\n]+)”|\"([^\"\n]+)\")")


def _cells(path):
    return nbformat.read(path, as_version=4).cells


def prose_quotes(markdown: str) -> list[tuple[str, int, int]]:
    """Return every quotation attributed to a paragraph: (words, first ¶, last ¶)."""
    found = []
    for m in QUOTE_THEN_PARAGRAPH.finditer(markdown):
        first = int(m.group(3))
        found.append((m.group(1) or m.group(2), first, int(m.group(4) or first)))
    for m in PARAGRAPH_THEN_QUOTE.finditer(markdown):
        found.append((m.group(2) or m.group(3), int(m.group(1)), int(m.group(1))))
    return found


def test_prose_quotes_are_found_in_curly_and_straight_quotes():
    text = (
        'It says “a separate forum” (¶7), then "the Joint Statement" (¶7), '
        '"two words" (¶7–9, twice), ¶9’s “natural partner” and a "label (¶7)".'
    )
    assert prose_quotes(text) == [
        ("a separate forum", 7, 7),
        ("the Joint Statement", 7, 7),
        ("two words", 7, 9),
        ("natural partner", 9, 9),
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_quotes_in_notebook_prose_are_verbatim(path):
    markdown = "\n".join(c.source for c in _cells(path) if c.cell_type == "markdown")
    quotes = prose_quotes(markdown)
    assert len(quotes) >= 10, f"{path.name}: expected the essay quoted in its prose"
    bad = [
        (words, f"¶{first}" if first == last else f"¶{first}–{last}")
        for words, first, last in quotes
        if not any(words in kpeace.paragraph(n) for n in range(first, last + 1))
    ]
    assert not bad, f"{path.name}: not verbatim in the paragraph cited: {bad}"


def test_each_question_has_one_correct_choice_and_feedback(tables):
    questions = tables["questions"]
    choices = tables["question_choices"]
    assert len(questions) and len(choices)
    for qid in questions["question_id"]:
        mine = choices[choices["question_id"] == qid]
        assert len(mine) >= 2, qid
        assert int(mine["is_correct"].sum()) == 1, qid
        assert mine["feedback"].notna().all() and (mine["feedback"].str.len() > 10).all(), qid
    assert set(choices["question_id"]) <= set(questions["question_id"])


def test_essay_questions_quote_their_paragraph(tables):
    questions = tables["questions"]
    essay_based = questions[questions["basis"] == "essay"]
    assert len(essay_based)
    assert essay_based["quote"].notna().all()


def test_fact_sheet_ships_with_the_data(facts_text):
    text = kpeace.fact_sheet()
    assert text == facts_text, "kpeace.fact_sheet() differs from data/fact_sheet.md"
    for n in range(1, 8):
        assert f"\n## {n}." in text
    assert "fact_sheet" not in kpeace.datasets()


def test_fact_sheet_row_references_in_the_notebooks_exist(fact_sheet_rows, row_references):
    texts = {p.name: p.read_text(encoding="utf-8") for p in NOTEBOOKS}
    guide = NOTEBOOKS[0].parent / "TEACHER_GUIDE.md"
    texts[guide.name] = guide.read_text(encoding="utf-8")
    checked = 0
    for name, text in texts.items():
        for section, row in row_references(text):
            checked += 1
            assert row in fact_sheet_rows.get(section, set()), f"{name}: §{section} row {row}"
    assert checked > 50
