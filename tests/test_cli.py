"""The README's command-line promises: --version, data, handouts' defaults, lab, the wheel."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

import kpeace
from kpeace import __version__
from kpeace.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
SERIES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} kB"


# --- kpeace --version, kpeace data ---------------------------------------------------------


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"kpeace {__version__}"


def test_data_summarises_every_table(capsys, promised_tables):
    assert main(["data"]) == 0
    out = capsys.readouterr().out
    names = kpeace.datasets()
    assert len(names) == promised_tables  # the README's promise
    assert f"data package: {len(names)} tables" in out
    assert kpeace.essay().citation() in out
    for name in names:
        rows = len(kpeace.load(name))
        assert re.search(rf"^  {name} +{rows} rows ", out, re.M), name
    assert "kpeace data NAME" in out


def test_data_describes_one_table(capsys):
    assert main(["data", "claims"]) == 0
    out = capsys.readouterr().out
    info = kpeace.describe("claims")
    assert out.startswith(f"{info['title']} (claims: {len(kpeace.load('claims'))} rows; key: ")
    fields = info["schema"]["fields"]
    assert fields
    for field in fields:
        assert re.search(rf"^ [* ] {field['name']} ", out, re.M), field["name"]


@pytest.mark.parametrize("name", ["clams", "nothing_like_it"])
def test_unknown_table_is_exit_2_with_the_valid_names(capsys, name):
    assert main(["data", name]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert f"'{name}'" in captured.err
    for valid in kpeace.datasets():
        assert valid in captured.err, valid
    assert ("did you mean 'claims'" in captured.err.lower()) == (name == "clams")


def test_a_closed_pipe_is_no_traceback():
    proc = subprocess.Popen(
        [sys.executable, "-m", "kpeace.cli", "data"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # like `kpeace data | head -0`
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    proc.stderr.close()
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert proc.returncode == 1


# --- kpeace handouts: the default folder, the summary, --jobs ------------------------------


def test_handouts_default_folder_summary_and_progress(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert build_parser().parse_args(["handouts"]).out == "handouts"
    assert main(["handouts", "00", "--edition", "student"]) == 0
    captured = capsys.readouterr()
    out = Path("handouts")
    written = [out / "00_start_here.student.html", out / "fact-sheet.html", out / "index.html"]
    assert sorted(p.name for p in (tmp_path / "handouts").iterdir()) == sorted(
        [".kpeace-handouts.json", *(p.name for p in written)]  # what the index lists
    )
    lines = captured.out.splitlines()
    assert lines[:-1] == [f"  {p}  ({_size(p.stat().st_size)})" for p in written]
    total = _size(sum(p.stat().st_size for p in written))
    assert re.fullmatch(rf"3 files, {total}, in \d+\.\d s → open handouts/index\.html", lines[-1])
    assert "Building handouts" in captured.err and "1/1" in captured.err  # the progress bar


def test_jobs_runs_notebooks_at_once_and_refuses_zero(tmp_path, monkeypatch, capsys):
    assert build_parser().parse_args(["handouts"]).jobs == min(2, os.cpu_count() or 1)
    assert main(["handouts", "--jobs", "0", "--out", str(tmp_path / "x")]) == 2
    assert "--jobs must be 1 or more, not 0" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()

    from kpeace.handouts import build as builder

    together = threading.Barrier(2, timeout=20)  # passes only if two notebooks run at once
    ran = []

    def fake_build_one(path, out, editions, shared_assets, stop=None):
        together.wait()
        ran.append(path.name)
        return builder.BuildResult(notebook=path)

    monkeypatch.setattr(builder, "build_one", fake_build_one)
    assert main(["handouts", "00", "01", "--jobs", "2", "--out", str(tmp_path), "--quiet"]) == 0
    assert sorted(ran) == [SERIES[0].name, SERIES[1].name]


# --- kpeace lab: classroom settings and the root note -------------------------------------


@pytest.mark.parametrize("uid", [0, 1000])
def test_lab_starts_jupyterlab_with_classroom_settings(tmp_path, monkeypatch, capsys, uid):
    from kpeace import lab

    started = []
    monkeypatch.setattr(lab, "launch", lambda cmd, env: started.append((cmd, env)) or 0)
    monkeypatch.setattr(os, "geteuid", lambda: uid)
    dest = tmp_path / "course"
    assert main(["lab", str(dest), "--port", "8899", "--no-browser"]) == 0
    out = capsys.readouterr().out
    assert len(started) == 1
    cmd, env = started[0]
    assert len(list(dest.glob("[0-9][0-9]_*.ipynb"))) == len(SERIES)
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in cmd
    assert f"--ServerApp.root_dir={dest}" in cmd and "--port=8899" in cmd
    assert "--ServerApp.open_browser=False" in cmd and "--ip=127.0.0.1" in cmd
    assert env["KPEACE_DISPLAY"] == "live"
    settings = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab"
    assert settings.is_relative_to(dest / ".kpeace")
    notification = settings / "apputils-extension" / "notification.jupyterlab-settings"
    news = json.loads(notification.read_text(encoding="utf-8"))
    assert news == {"fetchNews": "false", "checkForUpdates": False}
    tracker = json.loads((settings / "notebook-extension/tracker.jupyterlab-settings").read_text())
    assert tracker["windowingMode"] == "none"  # every cell drawn at once
    as_root = uid == 0
    assert ("--allow-root" in cmd) == as_root
    assert ("Note: running as root" in out and "--allow-root" in out) == as_root
    assert f"Starting JupyterLab in {dest}" in out


# --- the notebooks inside the wheel --------------------------------------------------------


def test_the_wheel_carries_the_notebooks_and_copies_them(wheel, installed_wheel, tmp_path):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"kpeace/package_notebooks/{p.name}" for p in SERIES}
    assert len(shipped) == 6 and shipped <= names, shipped - names
    assert "kpeace/package_notebooks/TEACHER_GUIDE.md" in names

    env_dir, elsewhere = installed_wheel.env_dir, tmp_path
    result = installed_wheel.run(["-m", "kpeace.cli", "notebooks", "course"], cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("added") == len(SERIES)
    for path in SERIES:
        assert (elsewhere / "course" / path.name).read_bytes() == path.read_bytes(), path.name
    where = installed_wheel.run(
        ["-c", "from kpeace._paths import notebooks_root; print(notebooks_root())"], cwd=elsewhere
    ).stdout.strip()
    assert where.startswith(str(env_dir)) and where.endswith("package_notebooks")
