"""``kpeace doctor``: every check's failure message, its fix, and exit 1 when anything fails.

The offline handout build is left out here (it executes a notebook; tests/test_classroom.py
runs the whole doctor once); each test runs only the checks it needs.
"""

from __future__ import annotations

import types
from importlib.metadata import PackageNotFoundError

import plotly.io as pio
import pytest

from kpeace import doctor
from kpeace.cli import main

QUICK = (doctor._versions, doctor._extensions, doctor._renderer, doctor._data, doctor._notebooks)


def _doctor(monkeypatch, capsys, checks=QUICK, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(doctor, "CHECKS", tuple(checks))
    code = main(["doctor", *args])
    return code, capsys.readouterr().out


def _rewrite(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_quick_checks_pass_here(monkeypatch, capsys):
    code, out = _doctor(monkeypatch, capsys)
    assert code == 0, out
    for name in ("packages", "JupyterLab extensions", "plotly renderer", "data package"):
        assert f"[ok ] {name}" in out
    assert "primary keys and references all valid" in out
    assert out.rstrip().endswith("Healthy: kpeace is ready.")


BREAKS = {
    "foreign key": (
        "claims.csv",
        "\nC03,1,",
        "\nC03,99,",
        "table 'claims' (claims.csv), line 4, column 'paragraph': 99 matches no paragraph",
    ),
    "list reference": (
        "claims.csv",
        ",ROK;DPRK,",
        ",US;NOPE,",
        "column 'actors': 'NOPE' in 'US;NOPE' matches no actor_id of table 'actors'",
    ),
    "composite key": (
        "question_choices.csv",
        "\nq0-1,b,",
        "\nq0-1,a,",
        "columns 'question_id', 'choice_id': the primary key ('q0-1', 'a') appears twice",
    ),
    "malformed descriptor": (
        "datapackage.json",
        '"resources": [',
        '"resources": [,',
        "datapackage.json, line ",
    ),
}


@pytest.mark.parametrize("kind", list(BREAKS))
def test_broken_data_copy_fails_with_the_place(kind, data_copy, monkeypatch, capsys):
    name, old, new, expected = BREAKS[kind]
    _rewrite(data_copy / name, old, new)
    monkeypatch.delenv("KPEACE_DATA_DIR")
    code, out = _doctor(monkeypatch, capsys, [doctor._data], "--data", str(data_copy))
    assert code == 1, out
    line = next(ln for ln in out.splitlines() if ln.startswith("[FAIL] data package: "))
    assert expected in line and f"(in {data_copy})" in line
    assert "fix: correct that file" in out
    assert "Healthy" not in out and "Problems found" in out


def test_invalid_utf8_in_a_data_copy(data_copy, monkeypatch, capsys):
    path = data_copy / "glossary.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\n\xc3(", 1))
    monkeypatch.delenv("KPEACE_DATA_DIR")
    code, out = _doctor(monkeypatch, capsys, [doctor._data], "--data", str(data_copy))
    assert code == 1
    assert "[FAIL] data package: glossary.csv, line 2, character 1" in out
    assert "not valid UTF-8 (byte 0xc3)" in out


def test_data_folder_without_a_package(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KPEACE_DATA_DIR", str(tmp_path))
    code, out = _doctor(monkeypatch, capsys, [doctor._data])
    assert code == 1
    assert "[FAIL] data package: FileNotFoundError: KPEACE_DATA_DIR=" in out
    assert "fix: reinstall kpeace" in out


def test_missing_package_names_it_and_the_pip_command(monkeypatch, capsys):
    real = doctor.version

    def version(name: str) -> str:
        if name == "plotly":
            raise PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(doctor, "version", version)
    code, out = _doctor(monkeypatch, capsys, [doctor._versions])
    assert code == 1
    assert "[FAIL] packages:" in out and "missing: plotly" in out
    assert "fix: pip install plotly" in out


def test_old_python_is_refused(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "sys", types.SimpleNamespace(version_info=(3, 9, 18)))
    code, out = _doctor(monkeypatch, capsys, [doctor._versions])
    assert code == 1
    assert "[FAIL] packages:" in out and "fix: use Python 3.10 or newer" in out


def test_missing_lab_extensions_are_named_with_their_fix(tmp_path, monkeypatch, capsys):
    import jupyter_core.paths

    monkeypatch.setattr(jupyter_core.paths, "jupyter_path", lambda *parts: [str(tmp_path)])
    code, out = _doctor(monkeypatch, capsys, [doctor._extensions])
    assert code == 1
    for name, (package, fix) in doctor.EXTENSIONS.items():
        assert f"{name} (from {package})" in out
        assert fix in out
    assert "then restart JupyterLab" in out


@pytest.mark.parametrize("problem", ["no folder", "empty folder"])
def test_missing_notebooks(problem, tmp_path, monkeypatch, capsys):
    import kpeace._paths

    def gone():
        raise FileNotFoundError("kpeace cannot find its notebooks")

    monkeypatch.setattr(
        kpeace._paths, "notebooks_root", gone if problem == "no folder" else lambda: tmp_path
    )
    code, out = _doctor(monkeypatch, capsys, [doctor._notebooks])
    assert code == 1
    assert "[FAIL] notebooks:" in out and "fix: reinstall kpeace" in out


def test_a_crashing_check_is_a_failure_not_a_traceback(monkeypatch, capsys):
    def _broken():
        raise RuntimeError("boom")

    code, out = _doctor(monkeypatch, capsys, [doctor._renderer, _broken])
    assert code == 1
    assert "[ok ] plotly renderer" in out
    assert "[FAIL] broken: RuntimeError: boom" in out
    assert "fix: reinstall kpeace and its dependencies" in out


def test_renderer_is_explained_in_plain_words(monkeypatch, capsys):
    monkeypatch.delenv("PLOTLY_RENDERER", raising=False)
    monkeypatch.setattr(pio.renderers, "default", "")
    _, out = _doctor(monkeypatch, capsys, [doctor._renderer])
    line = next(ln for ln in out.splitlines() if "plotly renderer" in ln)
    assert "default here" not in line and "''" not in line
    assert "plotly has no renderer here" in line
    assert "In a JupyterLab kernel plotly picks its 'plotly_mimetype' renderer" in line
    monkeypatch.setattr(pio.renderers, "default", "browser")
    _, out = _doctor(monkeypatch, capsys, [doctor._renderer])
    assert "fig.show() uses plotly's 'browser' renderer" in out
    monkeypatch.setenv("PLOTLY_RENDERER", "notebook")
    _, out = _doctor(monkeypatch, capsys, [doctor._renderer])
    assert "PLOTLY_RENDERER='notebook' is set" in out and "unset it" in out
