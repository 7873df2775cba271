"""The loader: types, caching, and messages for bad input."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import kpeace
from kpeace import DataFileError


def test_datasets_lists_every_table():
    names = kpeace.datasets()
    assert len(names) >= 11
    assert {"paragraphs", "claims", "events", "glossary", "questions"} <= set(names)


@pytest.mark.parametrize("name", kpeace.datasets())
def test_every_table_loads_typed(name):
    df = kpeace.load(name)
    assert len(df) > 0
    fields = kpeace.describe(name)["schema"]["fields"]
    assert list(df.columns) == [f["name"] for f in fields]
    for field in fields:
        column = df[field["name"]]
        if field["type"] == "date":
            assert pd.api.types.is_datetime64_any_dtype(column)
        elif field["type"] == "integer":
            assert str(column.dtype) == "Int64"
        elif field["type"] == "boolean":
            assert str(column.dtype) == "boolean"
        elif field.get("categories"):
            assert isinstance(column.dtype, pd.CategoricalDtype)
            assert column.cat.ordered == bool(field.get("categoriesOrdered"))
        elif field["type"] == "list":
            assert column.map(lambda cell: isinstance(cell, tuple)).all()


def test_load_returns_a_fresh_copy():
    first = kpeace.load("claims")
    first.loc[0, "paraphrase"] = "changed"
    assert kpeace.load("claims").loc[0, "paraphrase"] != "changed"


def test_describe_returns_a_copy():
    info = kpeace.describe("events")
    assert info["title"] and info["schema"]["fields"]
    info["title"] = "changed"
    assert kpeace.describe("events")["title"] != "changed"


def test_unknown_name_lists_valid_names_and_suggests():
    with pytest.raises(ValueError, match=r"Did you mean 'claims'\?") as err:
        kpeace.load("clams")
    for name in kpeace.datasets():
        assert name in str(err.value)
    with pytest.raises(ValueError, match="Valid names"):
        kpeace.describe("nothing-like-it")


@pytest.mark.parametrize("bad", [3, None, ["claims"]])
def test_wrong_type_is_a_type_error(bad):
    with pytest.raises(TypeError, match="must be a string"):
        kpeace.load(bad)


def test_dataframe_instead_of_name():
    with pytest.raises(TypeError, match="not a DataFrame"):
        kpeace.load(kpeace.load("claims"))


def test_paragraph_and_quote():
    assert kpeace.paragraph(1).startswith("The history")
    with pytest.raises(ValueError, match="paragraphs 1 to 10"):
        kpeace.paragraph(11)
    with pytest.raises(TypeError):
        kpeace.paragraph("1")
    with pytest.raises(TypeError):
        kpeace.paragraph(True)
    assert kpeace.quote(7, "appropriate, separate forum").endswith("(Snyder 2007, ¶7)")
    with pytest.raises(ValueError, match="Not a verbatim quote"):
        kpeace.quote(7, "peace treaty")


def test_cite():
    assert kpeace.cite().startswith("Scott Snyder,")
    assert kpeace.cite(9) == "Snyder 2007, ¶9"
    assert kpeace.cite("C30").endswith("(Snyder 2007, ¶9)")
    assert "fact sheet" in kpeace.cite("facts-3") and "§3" in kpeace.cite("facts-3")
    with pytest.raises(ValueError, match="Did you mean 'C30'"):
        kpeace.cite("C300")
    with pytest.raises(TypeError):
        kpeace.cite(1.5)


def _rewrite(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_corrupted_date_names_file_line_and_column(data_copy):
    _rewrite(data_copy / "events.csv", "1950-07-07", "1950-07-77")
    with pytest.raises(DataFileError) as err:
        kpeace.load("events")
    message = str(err.value)
    assert "events.csv" in message and "line 6" in message and "'date'" in message
    assert "1950-07-77" in message


def test_corrupted_enum_lists_valid_values(data_copy):
    _rewrite(data_copy / "claims.csv", ",forecast,", ",prophecy,")
    with pytest.raises(DataFileError, match=r"claims.csv, line \d+, column 'kind'.*valid values"):
        kpeace.load("claims")


def test_missing_required_value(data_copy):
    _rewrite(data_copy / "paragraphs.csv", "\n3,", "\n,")
    with pytest.raises(
        DataFileError, match=r"paragraphs.csv, line 4, column 'paragraph'.*required"
    ):
        kpeace.load("paragraphs")


def test_missing_column(data_copy):
    path = data_copy / "sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(line.rsplit(",", 1)[0] for line in lines[:1]) + "\n", encoding="utf-8"
    )
    with pytest.raises(DataFileError, match=r"sources.csv, line 1 .*missing column\(s\): note"):
        kpeace.load("sources")


def test_data_dir_without_package(tmp_path, monkeypatch):
    monkeypatch.setenv("KPEACE_DATA_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="KPEACE_DATA_DIR"):
        kpeace.datasets()


def test_import_is_light():
    code = (
        "import sys, kpeace; kpeace.load('claims'); "
        "heavy = [m for m in ('plotly', 'ipywidgets', 'nbconvert', 'nbclient') "
        "if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_bad_list_item_is_reported(data_copy):
    _rewrite(data_copy / "documents.csv", ",7;8,", ",7;eight,")
    with pytest.raises(DataFileError, match=r"documents.csv, line \d+, column 'essay_paragraphs'"):
        kpeace.load("documents")
