"""The data package is valid Frictionless and matches the files on disk."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from frictionless import Package

import kpeace
from kpeace.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def test_package_validates_with_frictionless():
    report = Package(str(DATA / "datapackage.json")).validate()
    errors = [
        f"{task.name}: {err.type}: {err.message}" for task in report.tasks for err in task.errors
    ] + [err.message for err in report.errors]
    assert report.tasks, "frictionless validated no table"
    assert report.valid, "\n".join(errors[:20])


def test_every_csv_has_a_resource_and_back(descriptor):
    on_disk = {p.name for p in DATA.glob("*.csv")}
    described = {r["path"] for r in descriptor["resources"] if r["path"].endswith(".csv")}
    assert on_disk, "no CSV files in data/"
    assert on_disk == described


@pytest.mark.parametrize("resource", ["paragraphs", "claims", "events", "glossary"])
def test_headers_match_schema(descriptor, resource):
    res = next(r for r in descriptor["resources"] if r["name"] == resource)
    with (DATA / res["path"]).open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == [f["name"] for f in res["schema"]["fields"]]


def test_licence_and_attribution(descriptor):
    assert descriptor["licenses"], "no licence"
    essay = descriptor["essay"]
    for key in ("title", "author", "date", "publisher", "attribution", "rights", "normalization"):
        assert essay[key], key
    assert "copyright" in essay["rights"].lower()
    assert essay["conference"]["sponsor"].startswith("Korea Institute for National Unification")


def test_every_column_is_described(descriptor):
    fields = [f for r in descriptor["resources"] for f in r.get("schema", {}).get("fields", [])]
    assert fields
    assert all(f.get("description") for f in fields), [
        f["name"] for f in fields if not f.get("description")
    ]


# --- kpeace data: the package and each table, as the descriptor describes them ---------------


def test_kpeace_data_lists_every_table(capsys, promised_tables):
    assert main(["data"]) == 0
    out = capsys.readouterr().out
    assert f"data package: {promised_tables} tables" in out
    for name in kpeace.datasets():
        rows = len(kpeace.load(name))
        assert re.search(rf"^  {name} +{rows} rows", out, re.M), name
    assert "kpeace data NAME" in out


def test_kpeace_data_table_shows_sources_categories_and_references(capsys, descriptor):
    assert main(["data", "events"]) == 0
    out = capsys.readouterr().out
    events = next(r for r in descriptor["resources"] if r["name"] == "events")
    assert out.startswith(f"{events['title']} (events: {len(kpeace.load('events'))} rows;")
    assert "key: event_id" in out
    sources = out.split("Sources:\n", 1)[1].split("\n\n", 1)[0]
    for source in events["x-sources"]:
        assert f"  {source}: " in sources
        assert " ".join(kpeace.cite(source).split()[:6]) in " ".join(sources.split())
    flat = " ".join(out.split())
    for field in events["schema"]["fields"]:
        assert f" {field['name']} " in out, field["name"]
        allowed = field.get("categories") or field.get("constraints", {}).get("enum")
        if allowed:
            assert " | ".join(allowed) in flat, field["name"]
        if field.get("x-references"):
            ref = field["x-references"]
            assert (
                f"{field['name']} " in out and f"refers to {ref['resource']}.{ref['field']}" in out
            )
    for fk in events["schema"].get("foreignKeys", []):
        ref = fk["reference"]
        assert f"refers to {ref['resource']}.{ref['fields'][0]}" in out
    assert "one of (in this order): Division and war" in flat  # era is ordered


def test_kpeace_data_names_each_reference_under_its_column(capsys):
    assert main(["data", "claims"]) == 0
    lines = capsys.readouterr().out.splitlines()
    columns = lines[lines.index("Columns (* required):") + 1 :]
    below = {
        line[3:].split()[0]: after.strip()
        for line, after in zip(columns, [*columns[1:], ""], strict=True)
        if line[:3] in (" * ", "   ") and line[3:4] != " "
    }
    assert len(below) == 8
    assert below["paragraph"] == "refers to paragraphs.paragraph"
    assert below["actors"] == "refers to actors.actor_id (every id in the cell)"
    assert below["kind"].startswith("one of: observation | argument")


@pytest.mark.parametrize("typo", ["clams", "CLAIMS"])
def test_kpeace_data_unknown_name_is_bad_usage(typo, capsys):
    assert main(["data", typo]) == 2
    err = capsys.readouterr().err
    assert "Did you mean 'claims'?" in err
    for name in kpeace.datasets():
        assert name in err


def test_kpeace_data_on_a_broken_copy_fails_with_the_place(data_copy, capsys):
    text = (data_copy / "claims.csv").read_text(encoding="utf-8")
    (data_copy / "claims.csv").write_text(text.replace("\nC03,1,", "\nC03,99,", 1), "utf-8")
    assert main(["data", "claims"]) == 1
    assert main(["data"]) == 1
    err = capsys.readouterr().err
    assert err.count("table 'claims' (claims.csv), line 4, column 'paragraph'") == 2
    assert "Traceback" not in err
