"""The loader: types, caching, and messages for bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import kpeace
from kpeace import DataFileError


def test_datasets_lists_every_table(promised_tables):
    names = kpeace.datasets()
    assert len(names) == promised_tables, "the README promises another number of tables"
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


@pytest.mark.parametrize("typo", ["clams", "CLAIMS", "Claims"])
def test_unknown_name_lists_valid_names_and_suggests(typo):
    with pytest.raises(ValueError, match=r"Did you mean 'claims'\?") as err:
        kpeace.load(typo)
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


@pytest.mark.parametrize("blank", ["", " ", "\n\t "])
def test_blank_quote_is_refused(blank):
    with pytest.raises(ValueError, match="blank"):
        kpeace.quote(7, blank)


EXACT = "the United States’ security role"  # ¶3, with the essay's curly apostrophe


def test_quote_is_exact_in_case_and_apostrophe():
    assert kpeace.quote(3, EXACT) == f"“{EXACT}” (Snyder 2007, ¶3)"
    altered = [
        EXACT.replace("’", "'"),  # straight apostrophe for the essay's curly one
        EXACT.replace("United States", "united states"),  # case
        EXACT.upper(),
        "The September 19th joint statement",  # ¶7 says "Joint Statement"
    ]
    for text in altered:
        with pytest.raises(ValueError, match="Not a verbatim quote"):
            kpeace.quote(7 if "September" in text else 3, text)
    # both directions: the curly original is accepted (normalising the essay's ’ would
    # refuse it), the straight copy refused (normalising the learner's ' would accept it)


def test_paragraph_quote_and_cite_take_the_integers_kpeace_tables_hold():
    claims = kpeace.load("claims")
    number = claims["paragraph"].iloc[0]
    assert not isinstance(number, int), "the table should hold a numpy integer here"
    assert kpeace.paragraph(number) == kpeace.paragraph(1)
    assert kpeace.cite(number) == "Snyder 2007, ¶1"
    assert kpeace.quote(number, claims["quote"].iloc[0]).endswith("(Snyder 2007, ¶1)")
    assert kpeace.paragraph(np.int32(10)) == kpeace.paragraph(10)
    for not_a_number in (np.float64(1.0), np.bool_(True), True, "1", pd.NA):
        with pytest.raises(TypeError):
            kpeace.paragraph(not_a_number)
    with pytest.raises(ValueError, match="no paragraph 11"):
        kpeace.paragraph(np.int64(11))


def test_reading_shows_every_paragraph_asked_for_in_order():
    import kpeace.widgets as kw

    view = kw.reading(7, 3)
    text, html = view.text, view.html
    assert text.index("¶7:") < text.index("¶3:")
    for n in (7, 3):
        assert kpeace.paragraph(n) in text
        assert f"The essay · ¶{n}" in html
    assert html.count('class="kp-essay"') == 2
    numpy_view = kw.reading(*kpeace.load("claims")["paragraph"].iloc[:1])
    assert kpeace.paragraph(1) in numpy_view.text


def test_cite():
    assert kpeace.cite().startswith("Scott Snyder,")
    assert kpeace.cite(9) == "Snyder 2007, ¶9"
    assert kpeace.cite("C30").endswith("(Snyder 2007, ¶9)")
    assert "fact sheet" in kpeace.cite("facts-3") and "§3" in kpeace.cite("facts-3")
    with pytest.raises(ValueError, match="Did you mean 'C30'"):
        kpeace.cite("C300")
    with pytest.raises(ValueError, match="Did you mean 'C21'"):
        kpeace.cite("c21")
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


# --- keys and references, as datapackage.json declares them ----------------------------------


def test_broken_foreign_key_names_table_line_column_and_value(data_copy):
    _rewrite(data_copy / "claims.csv", "\nC03,1,", "\nC03,99,")
    with pytest.raises(DataFileError) as err:
        kpeace.load("claims")
    message = str(err.value)
    assert "table 'claims' (claims.csv), line 4, column 'paragraph'" in message
    assert "99 matches no paragraph of table 'paragraphs'" in message
    assert "valid values: 1, 2" in message


def test_broken_list_reference_names_the_item(data_copy):
    _rewrite(data_copy / "claims.csv", ",ROK;DPRK,", ",US;NOPE,")
    with pytest.raises(DataFileError) as err:
        kpeace.load("claims")
    message = str(err.value)
    assert "table 'claims' (claims.csv), line 3, column 'actors'" in message
    assert "'NOPE' in 'US;NOPE' matches no actor_id of table 'actors'" in message
    kpeace.load("paragraphs")  # a table that does not refer to claims still loads


def test_broken_integer_list_reference(data_copy):
    _rewrite(data_copy / "documents.csv", ",7;8,", ",7;80,")
    with pytest.raises(
        DataFileError, match=r"column 'essay_paragraphs': 80 in '7;80' matches no paragraph"
    ):
        kpeace.load("documents")


def test_broken_self_reference(data_copy):
    _rewrite(data_copy / "unc_steps.csv", ",US;PRC;ROK;DPRK,S01,", ",US;PRC;ROK;DPRK,S99,")
    with pytest.raises(DataFileError, match=r"line 3, column 'depends_on': 'S99' in 'S99'"):
        kpeace.load("unc_steps")


def test_duplicated_composite_primary_key(data_copy):
    _rewrite(data_copy / "question_choices.csv", "\nq0-1,b,", "\nq0-1,a,")
    with pytest.raises(DataFileError) as err:
        kpeace.load("question_choices")
    message = str(err.value)
    assert "table 'question_choices' (question_choices.csv), line 3" in message
    assert "columns 'question_id', 'choice_id'" in message
    assert "('q0-1', 'a') appears twice (first on line 2)" in message


def test_foreign_key_error_counts_lines_of_multiline_cells(data_copy):
    _rewrite(data_copy / "claims.csv", "Much around the peninsula", "Much around\nthe peninsula")
    _rewrite(data_copy / "claims.csv", "\nC03,1,", "\nC03,99,")
    with pytest.raises(DataFileError, match=r"line 5, column 'paragraph'"):
        kpeace.load("claims")


def test_descriptor_pointing_at_an_unknown_table(data_copy):
    path = data_copy / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    claims = next(r for r in package["resources"] if r["name"] == "claims")
    claims["schema"]["foreignKeys"][0]["reference"]["resource"] = "paragraph"
    path.write_text(json.dumps(package), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"datapackage.json: .*table 'paragraph'"):
        kpeace.load("claims")


def test_invalid_utf8_names_file_line_and_column(data_copy):
    path = data_copy / "claims.csv"
    raw = path.read_bytes()
    at = raw.index(b"\nC05,") + 1
    path.write_bytes(raw[:at] + b"C05,3,argu\xffment" + raw[at + len(b"C05,3,argument") :])
    with pytest.raises(DataFileError) as err:
        kpeace.load("claims")
    message = str(err.value)
    assert message.startswith("claims.csv, line 6, character 11 (column 'kind')"), message
    assert "not valid UTF-8" in message and "0xff" in message


def test_malformed_descriptor_names_line_and_column(data_copy):
    path = data_copy / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"resources": [', '"resources": [,', 1), encoding="utf-8")
    line = text[: text.index('"resources": [')].count("\n") + 1
    with pytest.raises(DataFileError, match=rf"datapackage.json, line {line}, column \d+: not"):
        kpeace.datasets()


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"[]", "expected a JSON object"),
        (b'{"resources": []}', "'resources' must be"),
        (b'{"resources": [{"name": "x"}]}', "resource 'x' has no 'path'"),
        (b'{"name": "kp\xe9"}', "not valid UTF-8"),
    ],
)
def test_descriptor_that_is_not_a_data_package(data_copy, content, detail):
    (data_copy / "datapackage.json").write_bytes(content)
    with pytest.raises(DataFileError, match=f"datapackage.json.*{re.escape(detail)}"):
        kpeace.load("claims")


def test_missing_csv_names_the_file(data_copy):
    (data_copy / "claims.csv").unlink()
    with pytest.raises(DataFileError, match=r"claims\.csv: the file is missing"):
        kpeace.load("claims")


def test_empty_primary_key_when_the_schema_does_not_require_it(data_copy):
    path = data_copy / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    choices = next(r for r in package["resources"] if r["name"] == "question_choices")
    field = next(f for f in choices["schema"]["fields"] if f["name"] == "choice_id")
    field["constraints"].pop("required", None)
    path.write_text(json.dumps(package), encoding="utf-8")
    _rewrite(data_copy / "question_choices.csv", "\nq0-1,b,", "\nq0-1,,")
    with pytest.raises(DataFileError, match=r"line 3, column 'choice_id': the primary key is"):
        kpeace.load("question_choices")


def test_composite_foreign_key(data_copy):
    """A key of two columns must match one row of the other table in both columns."""
    path = data_copy / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    positions = next(r for r in package["resources"] if r["name"] == "positions")
    positions["schema"]["foreignKeys"].append(
        {
            "fields": ["claim_id", "paragraph"],
            "reference": {"resource": "claims", "fields": ["claim_id", "paragraph"]},
        }
    )
    path.write_text(json.dumps(package), encoding="utf-8")
    assert len(kpeace.load("positions")) > 0  # every position's claim is in its paragraph
    kpeace.data._checked.cache_clear()
    text = (data_copy / "positions.csv").read_text(encoding="utf-8")
    line = text.splitlines()[1]
    assert line.startswith("P01,") and line.endswith(",C05")
    (data_copy / "positions.csv").write_text(text.replace(line, line[:-3] + "C21", 1), "utf-8")
    kpeace.data._load_cached.cache_clear()
    with pytest.raises(DataFileError) as err:
        kpeace.load("positions")  # C21 exists, but in ¶7, not ¶2
    message = str(err.value)
    assert "table 'positions' (positions.csv), line 2, columns 'claim_id', 'paragraph'" in message
    assert "('C21', 2) matches no claim_id, paragraph of table 'claims'" in message


def _both_paths(text, resource):
    from kpeace._fastread import fast_read

    return fast_read(text, resource["schema"]["fields"]), kpeace.data.careful_read(text, resource)


@pytest.mark.parametrize("name", kpeace.datasets())
def test_fast_path_gives_the_careful_paths_frame(name):
    resource = kpeace.describe(name)
    text = kpeace.data._read_text(resource["path"])
    fast, careful = _both_paths(text, resource)
    assert fast is not None, f"{name}: the fast path gave up on a valid file"
    assert len(careful) > 0
    assert list(fast.dtypes.astype(str)) == list(careful.dtypes.astype(str))
    pd.testing.assert_frame_equal(fast, careful, check_exact=True, check_categorical=True)
    assert type(fast.index) is type(careful.index)


ODD_SCHEMA = {
    "path": "odd.csv",
    "schema": {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
            {"name": "score", "type": "number"},
            {"name": "ok", "type": "boolean"},
            {"name": "day", "type": "date"},
            {"name": "kind", "type": "string", "categories": ["b", "a"], "categoriesOrdered": True},
            {"name": "tag", "type": "string", "constraints": {"enum": ["x", "y"]}},
            {"name": "text", "type": "string"},
            {"name": "ids", "type": "list", "delimiter": ";", "itemType": "integer"},
            {"name": "names", "type": "list", "delimiter": ";"},
        ]
    },
}
ODD_HEADER = "id,score,ok,day,kind,tag,text,ids,names\n"


@pytest.mark.parametrize(
    "body",
    [
        '1,1.5,true,2007-06-06,a,x,"a, quoted\nline",1;2,P1;P2\n2,,,,,,,,\n',
        "007,-2e3,false,2000-02-29,b,y,plain,10,A\n",
        "1,1.0,true,2007-06-06,a,x,t,,\n",  # an integer written 1 in a number column
        "1.0,1,true,2007-06-06,a,x,t,,\n",  # 1.0 in an integer column: careful path decides
        "1,1,true,2007-6-6,a,x,t,,\n",  # a date without leading zeros: careful path decides
        "1,1,true,2007-06-06,a,x,t,,\r\n2,2,false,2007-06-07,b,y,u,3,Q\r\n",
    ],
)
def test_fast_path_agrees_or_gives_way_on_odd_valid_files(body):
    fast, careful = _both_paths(ODD_HEADER + body, ODD_SCHEMA)
    assert len(careful) > 0
    if fast is not None:
        pd.testing.assert_frame_equal(fast, careful, check_exact=True, check_categorical=True)


@pytest.mark.parametrize(
    "body",
    [
        "1,x,true,2007-06-06,a,x,t,,\n",  # not a number
        "1,1,yes,2007-06-06,a,x,t,,\n",  # not a boolean
        "1,1,true,2007-02-30,a,x,t,,\n",  # no such day
        "1,1,true,2007-06-06,c,x,t,,\n",  # not a category
        "1,1,true,2007-06-06,a,z,t,,\n",  # not in the enum
        "1,1,true,2007-06-06,a,x,t,1;a,\n",  # not an integer list
        ",1,true,2007-06-06,a,x,t,,\n",  # a required value missing
        "1,1,true,2007-06-06,a,x,t,,\n1,2,true,2007-06-06,a,x,t,,\n",  # a unique value twice
        "1,1,true,2007-06-06,a,x,t,\n",  # a short row
        "1,1,true,2007-06-06,a,x,t,,,\n",  # a long row
    ],
)
def test_fast_path_leaves_every_bad_file_to_the_careful_path(body):
    from kpeace._fastread import fast_read

    fields = ODD_SCHEMA["schema"]["fields"]
    assert fast_read(ODD_HEADER + "1,1,true,2007-06-06,a,x,t,,\n", fields) is not None
    assert fast_read(ODD_HEADER + body, fields) is None
    assert (
        fast_read(ODD_HEADER.replace("tag", "tags") + "1,1,true,2007-06-06,a,x,t,,\n", fields)
        is None
    )
