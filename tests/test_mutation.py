"""The mutation check (tests/mutation/run.py): its breaks are sound and a few are caught."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "mutation" / "run.py"
#: Quick breaks, one per kind: a palette colour, the arrow end, a card, a flipped condition.
QUICK = ("timeline-red", "unc-arrow-short", "card-outside-details", "timeline-status-flipped")


def _runner():
    name = "kpeace_mutation_run"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_every_break_names_a_unique_string_and_existing_tests():
    run = _runner()
    assert len(run.BREAKS) >= 5
    assert len({b.id for b in run.BREAKS}) == len(run.BREAKS)
    assert set(QUICK) <= {b.id for b in run.BREAKS}
    for brk in run.BREAKS:
        text = (ROOT / brk.file).read_text(encoding="utf-8")
        assert text.count(brk.old) == 1, f"{brk.id}: old string must occur once in {brk.file}"
        assert brk.old != brk.new and brk.description
        paths = [t.split("::")[0] for t in brk.tests if t.startswith("tests/")]
        assert paths and all((ROOT / p).is_file() for p in paths), brk.id


def test_a_missing_or_ambiguous_old_string_is_an_error_not_a_pass(tmp_path):
    run = _runner()
    (tmp_path / "code.py").write_text("x = 1\nx = 1\n", encoding="utf-8")
    cases = {
        "missing": run.Break("missing", "code.py", "y = 2", "y = 3", ("tests",), "absent"),
        "twice": run.Break("twice", "code.py", "x = 1", "x = 2", ("tests",), "ambiguous"),
        "nofile": run.Break("nofile", "gone.py", "x", "y", ("tests",), "no such file"),
    }
    for brk in cases.values():
        outcome = run.try_break(tmp_path, sys.executable, brk)
        assert outcome.verdict == "error", brk.id
    assert "not found" in run.try_break(tmp_path, sys.executable, cases["missing"]).detail
    assert (tmp_path / "code.py").read_text(encoding="utf-8") == "x = 1\nx = 1\n"


def test_a_break_is_restored_and_a_passing_suite_is_missed(tmp_path):
    run = _runner()
    (tmp_path / "code.py").write_text("VALUE = 1\n", encoding="utf-8")
    (tmp_path / "test_code.py").write_text("def test_value():\n    assert True\n", encoding="utf-8")
    brk = run.Break("b", "code.py", "VALUE = 1", "VALUE = 2", ("test_code.py",), "unchecked")
    outcome = run.try_break(tmp_path, sys.executable, brk)
    assert outcome.verdict == "MISSED"
    assert (tmp_path / "code.py").read_text(encoding="utf-8") == "VALUE = 1\n"


@pytest.mark.slow
def test_quick_breaks_are_caught():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--only", *QUICK],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    verdicts = {line.split()[1]: line.split()[0] for line in done.stdout.splitlines()[:-1]}
    assert verdicts == dict.fromkeys(QUICK, "caught"), done.stdout
    assert f"{len(QUICK)} of {len(QUICK)} breaks caught" in done.stdout
