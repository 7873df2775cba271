"""Shared fixtures: the repository, the data folder and the course's reference files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import kpeace

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SHARED = Path(os.environ.get("KPEACE_SHARED", ROOT.parent / "shared"))


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
    path = SHARED / "reference" / "facts.md"
    assert path.is_file(), f"the fact sheet is missing at {path} (set KPEACE_SHARED)"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def source_text() -> str:
    path = SHARED / "source" / "snyder-2007-us-strategy-peace-framework.txt"
    assert path.is_file(), f"the essay source is missing at {path} (set KPEACE_SHARED)"
    return path.read_text(encoding="utf-8")


@pytest.fixture()
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary copy of data/ that the loader reads instead (never touch data/ itself)."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setenv("KPEACE_DATA_DIR", str(copy))
    return copy
