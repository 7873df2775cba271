"""Shared fixtures: the repository, the data folder and the course's reference files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import kpeace

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SOURCE = DATA / "source" / "snyder-2007-us-strategy-peace-framework.txt"
FACT_SHEET = DATA / "fact_sheet.md"


NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}


@pytest.fixture(scope="session")
def promised_tables() -> int:
    """How many tables the README's data dictionary promises ("Eighteen tables, plus ...")."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^(\w+) tables, plus", text, re.M)
    assert found, "the README's data dictionary does not say how many tables there are"
    return NUMBER_WORDS[found.group(1).lower()]


@pytest.fixture(scope="session")
def descriptor() -> dict:
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def tables() -> dict[str, pd.DataFrame]:
    names = kpeace.datasets()
    assert names, "the data package lists no tables"
    return {name: kpeace.load(name) for name in names}


@pytest.fixture(scope="session")
def facts_text() -> str:
    assert FACT_SHEET.is_file(), f"the fact sheet is missing at {FACT_SHEET}"
    return FACT_SHEET.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def source_text() -> str:
    assert SOURCE.is_file(), f"the essay source is missing at {SOURCE}"
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture()
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary copy of data/ that the loader reads instead (never touch data/ itself)."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setenv("KPEACE_DATA_DIR", str(copy))
    return copy
