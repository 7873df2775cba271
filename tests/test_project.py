"""Project hygiene: ruff clean, README and CI agree on the test command."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ruff() -> list[str]:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert found, "ruff is not installed in the test environment (it is in the test extra)"
    return [found]


def test_ruff_is_clean():
    result = subprocess.run(
        [*_ruff(), "check", "kpeace", "tests"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _readme_commands() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = dict(re.findall(r"<!-- (\w+)-command -->\s*```(?:bash|sh)\n(.+?)\n```", text, re.S))
    return blocks


def test_readme_has_the_two_commands():
    commands = _readme_commands()
    assert set(commands) >= {"main", "test"}, commands
    assert all("\n" not in line for line in commands.values())


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _readme_commands()["test"] in ci


def test_readme_data_dictionary_is_current():
    from kpeace._docs import BEGIN, END, data_dictionary

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    current = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert current == data_dictionary().strip(), (
        "run `python -m kpeace._docs` to refresh the README"
    )
