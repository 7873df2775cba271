"""Fixes from the specialist review of 2026-11-30 (findings 1, 2, 4, 6, 8–10, 12, 17)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

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
