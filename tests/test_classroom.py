"""The classroom commands: safe learner copies, doctor, lab's guards, and helpful --help."""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import nbformat
import pytest

from kpeace import __version__
from kpeace.cli import build_parser, main
from kpeace.workspace import copy_series

ROOT = Path(__file__).resolve().parent.parent
SERIES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture()
def source(tmp_path) -> Path:
    """A copy of the series we can 'update' between two copies."""
    folder = tmp_path / "series"
    folder.mkdir()
    for path in SERIES[:3]:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def _edit(path: Path, text: str) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(text))
    nbformat.write(nb, path)


def test_copy_twice_keeps_the_learners_edit(source, tmp_path):
    dest = tmp_path / "learner"
    first = copy_series(source, dest, __version__)
    assert sorted(first.added) == sorted(p.name for p in source.glob("*.ipynb"))
    edited, untouched, run_only = (dest / p.name for p in sorted(source.glob("*.ipynb")))
    _edit(edited, "My own notes: the ROK did not sign.")
    nb = nbformat.read(run_only, as_version=4)  # running a notebook is not a change
    nb.cells[1]["outputs"] = [nbformat.v4.new_output("stream", name="stdout", text="hi")]
    nb.cells[1]["execution_count"] = 1
    nbformat.write(nb, run_only)
    for path in source.glob("*.ipynb"):  # the course is updated
        _edit(path, "New in this release.")
    (source / "09_extra.ipynb").write_bytes(SERIES[0].read_bytes())

    second = copy_series(source, dest, __version__)
    assert second.added == ["09_extra.ipynb"]
    assert set(second.refreshed) == {untouched.name, run_only.name}
    assert [name for name, _ in second.kept] == [edited.name]
    text = edited.read_text(encoding="utf-8")
    assert "My own notes" in text and "New in this release." not in text
    beside = dest / f"{edited.stem}.kpeace-{__version__}.ipynb"
    assert "New in this release." in beside.read_text(encoding="utf-8")
    assert "New in this release." in untouched.read_text(encoding="utf-8")

    third = copy_series(source, dest, __version__)
    assert set(third.unchanged) == {untouched.name, run_only.name, "09_extra.ipynb"}
    assert "My own notes" in edited.read_text(encoding="utf-8")
    manifest = json.loads((dest / ".kpeace" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kpeace"] == __version__ and manifest["files"]


def test_a_file_kpeace_never_copied_is_the_learners(source, tmp_path):
    dest = tmp_path / "learner"
    dest.mkdir()
    name = next(source.glob("*.ipynb")).name
    (dest / name).write_text('{"not": "ours"}', encoding="utf-8")
    report = copy_series(source, dest, __version__)
    assert [n for n, _ in report.kept] == [name]
    assert (dest / name).read_text(encoding="utf-8") == '{"not": "ours"}'


def test_cli_copy_reports_and_creates_missing_folders(tmp_path, capsys):
    dest = tmp_path / "a" / "b" / "course"
    assert main(["notebooks", str(dest)]) == 0
    out = capsys.readouterr().out
    assert out.count("added") == len(SERIES)
    assert len(list(dest.glob("*.ipynb"))) == len(SERIES)


def test_read_only_or_file_destination_gives_a_message(tmp_path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    assert main(["notebooks", str(blocker)]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err
    assert main(["notebooks", "/proc/kpeace-cannot-be-here"]) == 1
    err = capsys.readouterr().err
    assert "cannot write to /proc/kpeace-cannot-be-here" in err and "Traceback" not in err


def test_lab_refuses_a_port_in_use(tmp_path, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status = main(["lab", str(tmp_path / "course"), "--port", str(port), "--no-browser"])
    assert status == 1
    assert f"port {port} is already in use" in capsys.readouterr().err
    settings = tmp_path / "course" / ".kpeace"
    assert (settings / "manifest.json").is_file()


def test_lab_command_line(tmp_path):
    from kpeace import lab

    cmd = lab.command(tmp_path, port=8899, no_browser=True)
    assert f"--ServerApp.root_dir={tmp_path}" in cmd and "--port=8899" in cmd
    assert "--ServerApp.open_browser=False" in cmd and "--ip=127.0.0.1" in cmd
    assert ("--allow-root" in cmd) == (os.geteuid() == 0)
    env = lab.environment(tmp_path)
    news = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
    assert (
        json.loads((news / "notification.jupyterlab-settings").read_text())["fetchNews"] == "false"
    )


def test_doctor_is_healthy_here(capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    for name in (
        "packages",
        "JupyterLab extensions",
        "plotly renderer",
        "data package",
        "notebooks",
        "offline handout",
    ):
        assert f"[ok ] {name}" in out
    assert "Healthy" in out


def test_doctor_reports_a_corrupted_data_copy(tmp_path, capsys, monkeypatch):
    copy = tmp_path / "data"
    copy.mkdir()
    for path in (ROOT / "data").iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    events = copy / "events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace("1950-07-07", "1950-07-77"), encoding="utf-8"
    )
    monkeypatch.delenv("KPEACE_DATA_DIR", raising=False)
    assert main(["doctor", "--data", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] data package" in out and "events.csv, line 6" in out and "fix:" in out
    os.environ.pop("KPEACE_DATA_DIR", None)


def test_every_command_explains_itself_with_an_example():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert set(commands) >= {"data", "handouts", "notebooks", "lab", "doctor"}
    for name, sub in commands.items():
        text = sub.format_help()
        assert "example" in text and f"kpeace {name}" in text, name
    assert "kpeace lab" in parser.format_help()


def test_bad_usage_is_exit_2_without_traceback(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["handouts", "--edition", "everyone"])
    assert stop.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_read_only_folder_is_reported(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        status = main(["notebooks", str(locked / "inside")])
        if os.geteuid() != 0:
            assert status == 1 and "cannot write" in capsys.readouterr().err
        else:  # root ignores permissions; the /proc case above covers the message
            assert status == 0
    finally:
        locked.chmod(stat.S_IRWXU)
