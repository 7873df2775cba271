"""The record addendum (fact sheet §8–§14) in the data: each row traceable to its fact-sheet row."""

from __future__ import annotations

import re

import pandas as pd
import pytest

ROW = re.compile(r"^\| ([ABNP]\d+) \| ")
COUNTS = {"B": 34, "A": 46, "P": 54}
NEW_TABLES = ("perspectives", "key_texts", "why_us")


def _rows(facts_text: str) -> dict[str, list[str]]:
    """The addendum's table rows by id (B1…, A1…, P1…), split into their cells."""
    rows = {}
    for line in facts_text.splitlines():
        match = ROW.match(line)
        if match:
            rows[match.group(1)] = [c.strip() for c in line.strip().strip("|").split(" | ")]
    return rows


def _section(facts_text: str, number: int) -> str:
    start = facts_text.index(f"\n## {number}. ")
    end = facts_text.index(f"\n## {number + 1}. ") if number < 14 else len(facts_text)
    return facts_text[start:end]


def _plain(text: str) -> str:
    return text.replace("**", "").replace("*", "")


def verbatim_problems(tables: dict[str, pd.DataFrame], facts_text: str) -> list[tuple]:
    """Every excerpt, position and statement of the new tables that is not in its fact-sheet row."""
    rows = _rows(facts_text)
    problems: list[tuple] = []
    for row in tables["perspectives"].itertuples():
        cells = rows[row.perspective_id]
        if row.position != _plain(cells[3]):
            problems.append(("perspectives", row.perspective_id, "position"))
        if isinstance(row.excerpt, str) and row.excerpt != cells[4]:
            problems.append(("perspectives", row.perspective_id, "excerpt"))
        if row.stated_by != cells[2] or row.display_date != cells[1]:
            problems.append(("perspectives", row.perspective_id, "stated_by/display_date"))
    key_section = _section(facts_text, 11)
    for row in tables["key_texts"].itertuples():
        if f"§{row.section} " not in key_section.replace("### 11.", "§11."):
            problems.append(("key_texts", row.text_id, "section"))
        if row.excerpt not in _section_part(key_section, row.section):
            problems.append(("key_texts", row.text_id, "excerpt"))
    why = _section(facts_text, 13)
    for row in tables["why_us"].itertuples():
        if row.statement not in why or f"{row.point}. **{row.argument}" not in why:
            problems.append(("why_us", row.point, "statement"))
    return problems


def _section_part(key_section: str, number: str) -> str:
    start = key_section.index(f"### {number} ")
    rest = key_section[start + 1 :]
    end = rest.find("\n### ")
    return rest if end < 0 else rest[:end]


def test_fact_sheet_carries_the_addendum(facts_text):
    for n in range(1, 15):
        assert f"\n## {n}." in facts_text, n
    assert "shared/reference" not in facts_text
    assert "`facts.md`" not in facts_text
    rows = _rows(facts_text)
    for prefix, count in COUNTS.items():
        ids = {r for r in rows if r.startswith(prefix)}
        assert ids == {f"{prefix}{i}" for i in range(1, count + 1)}, prefix
        assert all(len(rows[r]) == 7 for r in ids), prefix


def test_sources_name_every_new_section(tables, descriptor):
    ids = set(tables["sources"]["source_id"])
    assert {f"facts-{n}" for n in range(8, 15)} <= ids
    for res in descriptor["resources"]:
        for field in res.get("schema", {}).get("fields", []):
            if field["name"] == "source_id" and "enum" in field.get("constraints", {}):
                assert set(field["constraints"]["enum"]) == ids, res["name"]


def test_every_addendum_row_is_in_the_data(tables, facts_text):
    events = tables["events"]
    merged = {item for cell in events["also_rows"] for item in cell}
    in_events = set(events["record_row"]) | merged
    for prefix in "BA":
        expected = {f"{prefix}{i}" for i in range(1, COUNTS[prefix] + 1)}
        assert expected <= in_events, expected - in_events
    # deliberately merged into §1 events rather than repeated
    assert merged == {"B16", "A46"}
    assert not merged & set(events["record_row"])
    assert set(tables["perspectives"]["perspective_id"]) == {f"P{i}" for i in range(1, 55)}


def test_new_events_copy_their_fact_sheet_row(tables, facts_text):
    rows = _rows(facts_text)
    new = tables["events"][~tables["events"]["record_row"].str.isdigit()]
    # §8 and §9 less the two merged rows, and all §15 rows (N1–N7 before the essay, N8 after)
    assert len(new) == 34 + 46 - 2 + 8
    assert set(new.loc[new["record_row"].str.startswith("N"), "record_row"]) == {
        f"N{i}" for i in range(1, 9)
    }
    for row in new.itertuples():
        cells = rows[row.record_row]
        source = {"B": "facts-8", "A": "facts-9", "N": "facts-15"}[row.record_row[0]]
        assert row.source_id == source, row.record_row
        assert row.summary == cells[4], row.record_row
        assert row.source_detail == cells[5], row.record_row
        assert row.confidence == cells[6].split()[0], row.record_row
        note = row.confidence_note if isinstance(row.confidence_note, str) else cells[6]
        assert note == cells[6], row.record_row
        assert _plain(row.title) in _plain(cells[2]), row.record_row


def test_new_event_dates_are_in_their_row(tables, facts_text):
    rows = _rows(facts_text)
    new = tables["events"][~tables["events"]["record_row"].str.isdigit()]
    assert len(new)
    for row in new.itertuples():
        date_cell = rows[row.record_row][1]
        iso = row.date.strftime("%Y-%m-%d")
        month_only = re.fullmatch(r"\d{4}-\d{2}", date_cell.split()[0]) is not None
        assert iso in date_cell or (month_only and iso.endswith("-01") and iso[:7] in date_cell), (
            row.record_row,
            iso,
        )
        if pd.notna(row.date_end):
            end = row.date_end.strftime("%Y-%m-%d")
            assert end in date_cell or end[5:] in date_cell, (row.record_row, end)
            assert row.date_end > row.date
    essay = pd.Timestamp("2007-06-06")
    after = new[new["after_essay"]]
    assert set(after["record_row"]) >= {"B32", "B33", "B34"}
    assert (new["after_essay"] == (new["date"] > essay)).all()


def test_every_new_row_is_sourced_and_rated(tables):
    events = tables["events"]
    frames = {
        "events": events[~events["record_row"].str.isdigit()],
        "actors": tables["actors"][tables["actors"]["source_id"].isin(["facts-8", "facts-9"])],
        "documents": tables["documents"][
            tables["documents"]["source_id"].isin(["facts-9", "facts-11"])
        ],
        **{name: tables[name] for name in NEW_TABLES},
    }
    for name, df in frames.items():
        assert len(df), name
        assert df["source_id"].str.startswith("facts-").all(), name
        assert (df["source_detail"].fillna("").str.strip() != "").all(), name
        if "confidence" in df:
            assert df["confidence"].isin(["high", "medium"]).all(), name


def test_source_details_are_verbatim(tables, facts_text):
    checked = 0
    for name in (*NEW_TABLES, "events"):
        for detail in tables[name]["source_detail"]:
            for part in str(detail).split("; "):
                assert part in facts_text, (name, part)
                checked += 1
    assert checked > 200


def test_excerpts_are_verbatim(tables, facts_text):
    assert tables["perspectives"]["excerpt"].notna().sum() >= 30
    assert len(tables["key_texts"]) >= 30
    assert verbatim_problems(tables, facts_text) == []


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("perspectives", "excerpt"),
        ("perspectives", "position"),
        ("key_texts", "excerpt"),
        ("why_us", "statement"),
    ],
)
def test_an_altered_quote_is_caught(tables, facts_text, table, column):
    altered = {name: df.copy() for name, df in tables.items()}
    has_the = altered[table][column].fillna("").str.contains(" the ")
    assert has_the.sum() >= 3
    for index in altered[table].index[has_the][:3]:
        copy = {name: df.copy() for name, df in altered.items()}
        copy[table].at[index, column] = copy[table].at[index, column].replace(" the ", " a ", 1)
        assert verbatim_problems(copy, facts_text), (table, column, index)


def test_key_texts_cover_the_agreements(tables):
    kt = tables["key_texts"]
    assert {"DENUC_1992", "SEP19_2005", "OCT4_2007", "PANMUNJOM_2018", "SINGAPORE_2018"} <= set(
        kt["document_id"]
    )
    assert "PYONGYANG_2018" in set(kt["document_id"])
    singapore = " ".join(kt.loc[kt["document_id"] == "SINGAPORE_2018", "excerpt"])
    assert "complete denuclearization of the Korean Peninsula" in singapore
    sep19 = " ".join(kt.loc[kt["document_id"] == "SEP19_2005", "excerpt"])
    assert "denuclearization of the Korean Peninsula" in sep19
    assert set(kt["language"]) == {"en", "ko"}


def test_perspectives_cover_six_governments_and_three_questions(tables):
    persp = tables["perspectives"]
    counts = persp["actor"].value_counts()
    assert counts.to_dict() == {"DPRK": 15, "ROK": 12, "PRC": 9, "US": 8, "JPN": 5, "RUS": 5}
    questions = {q for cell in persp["questions"] for q in cell}
    assert questions == set(tables["perspective_questions"]["question_id"])
    for actor in ("DPRK", "ROK", "PRC", "JPN", "RUS", "US"):
        mine = persp[persp["actor"] == actor]
        assert mine["year"].notna().any(), actor
    joint = persp.set_index("perspective_id")["with_actors"]
    assert set(joint["P31"]) == {"RUS"} and set(joint["P34"]) == {"RUS", "DPRK"}
    # a position is tagged with every question it answers
    for row in persp.itertuples():
        codes = set(re.findall(r"\(([abc])\)", row.position))
        qs = tables["perspective_questions"].set_index("question_id")["code"]
        assert {qs[q] for q in row.questions} == codes, row.perspective_id


def test_why_us_links_its_evidence(tables):
    why = tables["why_us"]
    assert list(why["point"]) == list(range(1, 10))
    cited = {p for cell in why["perspectives"] for p in cell}
    assert {"P2", "P5", "P10", "P14", "P15"} <= cited
    for row in why.itertuples():
        assert set(re.findall(r"\bP\d+\b", row.statement)) <= set(row.perspectives), row.point
