"""The data package is valid Frictionless and matches the files on disk."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from frictionless import Package

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
