"""The classroom commands: safe learner copies, doctor, lab's guards, and helpful --help."""

from __future__ import annotations

import json
import os
import shutil
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
    assert not (tmp_path / "course").exists()  # refused before anything is copied


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
    shutil.copytree(ROOT / "data", copy)
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


# --- a lost or damaged manifest, an interrupted update, bad states and inputs ----------------


def _manifest(dest: Path) -> Path:
    return dest / ".kpeace" / "manifest.json"


@pytest.mark.parametrize("damage", ["deleted", "garbled", "emptied"])
def test_a_lost_manifest_does_not_freeze_updates(source, tmp_path, capsys, damage):
    dest = tmp_path / "learner"
    copy_series(source, dest, __version__)
    edited, untouched, _ = (dest / p.name for p in sorted(source.glob("*.ipynb")))
    _edit(edited, "My own notes.")
    if damage == "deleted":
        _manifest(dest).unlink()
    else:
        _manifest(dest).write_text("{tor" if damage == "garbled" else "", encoding="utf-8")

    report = copy_series(source, dest, __version__)
    assert [name for name, _ in report.kept] == [edited.name]  # still the learner's
    assert sorted(report.unchanged) == sorted(p.name for p in source.glob("*.ipynb"))[1:]
    assert not list(dest.glob(f"{untouched.stem}.kpeace-*"))
    assert bool(report.notes) == (damage != "deleted")  # an unreadable manifest is mentioned

    for path in source.glob("*.ipynb"):  # the course is updated: updates still arrive
        _edit(path, "New in this release.")
    report = copy_series(source, dest, __version__)
    assert sorted(report.refreshed) == sorted(p.name for p in source.glob("*.ipynb"))[1:]
    assert "New in this release." in untouched.read_text(encoding="utf-8")
    assert "New in this release." not in edited.read_text(encoding="utf-8")
    assert [name for name, _ in report.kept] == [edited.name]


def test_cli_with_a_deleted_manifest_reports_unchanged_not_kept(tmp_path, capsys):
    dest = tmp_path / "course"
    assert main(["notebooks", str(dest)]) == 0
    _manifest(dest).unlink()
    capsys.readouterr()
    assert main(["notebooks", str(dest)]) == 0
    out = capsys.readouterr().out
    assert out.count("unchanged") == len(SERIES) and "kept" not in out
    assert not list(dest.glob("*.kpeace-*.ipynb"))


@pytest.mark.parametrize("stop", [PermissionError(13, "Permission denied"), KeyboardInterrupt()])
def test_an_interrupted_update_marks_nothing_as_the_learners(source, tmp_path, monkeypatch, stop):
    dest = tmp_path / "learner"
    copy_series(source, dest, __version__)
    for path in source.glob("*.ipynb"):
        _edit(path, "New in this release.")
    first, second, third = sorted(source.glob("*.ipynb"))
    from kpeace import workspace

    real_copy = workspace._copy_file

    def copy(src: Path, target: Path) -> None:
        if src.name == second.name:  # e.g. a read-only notebook, or Ctrl-C, half-way
            raise stop
        real_copy(src, target)

    monkeypatch.setattr(workspace, "_copy_file", copy)
    if isinstance(stop, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            copy_series(source, dest, __version__)
    else:
        report = copy_series(source, dest, __version__)
        assert report.refreshed == [first.name, third.name]
        assert report.failed == [(second.name, "Permission denied")]
    files = json.loads(_manifest(dest).read_text(encoding="utf-8"))["files"]
    assert files[first.name] == workspace.content_key(dest / first.name)
    monkeypatch.undo()
    for path in source.glob("*.ipynb"):  # the release after that
        _edit(path, "Newer still.")
    report = copy_series(source, dest, __version__)
    assert report.kept == [] and len(report.refreshed) == 3, report.lines()


def test_cli_reports_a_notebook_it_could_not_update(tmp_path, capsys, monkeypatch):
    dest = tmp_path / "course"
    assert main(["notebooks", str(dest)]) == 0
    from kpeace import workspace

    def refuse(src: Path, target: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(workspace, "_copy_file", refuse)
    (dest / SERIES[1].name).unlink()
    capsys.readouterr()
    assert main(["notebooks", str(dest)]) == 1
    err = capsys.readouterr().err
    assert f"could not update {dest / SERIES[1].name}: Permission denied" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("manifest []", "manifest.json is not a kpeace manifest"),
        ("manifest null", "manifest.json is not a kpeace manifest"),
        ("manifest files list", "manifest.json is not a kpeace manifest"),
        ("manifest folder", "manifest.json is a folder"),
        (".kpeace file", ".kpeace is a file"),
        ("notebook folder", "01_armistice.ipynb is a folder, not a notebook"),
    ],
)
def test_a_damaged_folder_gives_one_line_and_loses_nothing(tmp_path, capsys, damage, message):
    dest = tmp_path / "course"
    assert main(["notebooks", str(dest)]) == 0
    _edit(dest / SERIES[0].name, "My own notes.")
    manifest = _manifest(dest)
    if damage.startswith("manifest "):
        manifest.unlink()
        if damage == "manifest folder":
            manifest.mkdir()
        else:
            text = {"[]": "[]", "null": "null", "files list": '{"files": []}'}[damage[9:]]
            manifest.write_text(text, encoding="utf-8")
    elif damage == ".kpeace file":
        shutil.rmtree(manifest.parent)
        manifest.parent.write_text("mine", encoding="utf-8")
    else:
        (dest / "01_armistice.ipynb").unlink()
        (dest / "01_armistice.ipynb").mkdir()
    before = _snapshot(dest)
    capsys.readouterr()
    assert main(["notebooks", str(dest)]) == 1
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err
    assert _snapshot(dest) == before  # nothing lost, nothing changed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["notebooks", "~nouser-kpeace/x"], "~nouser-kpeace names no user of this machine"),
        (["doctor", "--data", "~nouser-kpeace/d"], "~nouser-kpeace names no user"),
        (["lab", "{dest}", "--port", "70000"], "--port must be between 1 and 65535, not 70000"),
        (["lab", "{dest}", "--port", "-1"], "--port must be between 1 and 65535, not -1"),
        (["lab", "{dest}", "--ip", "999.1.1.1"], "--ip '999.1.1.1' is not a valid IP address"),
    ],
)
def test_bad_inputs_give_one_line_and_copy_nothing(tmp_path, capsys, monkeypatch, args, message):
    from kpeace import lab

    monkeypatch.setattr(lab, "launch", lambda cmd, env: pytest.fail("JupyterLab started"))
    monkeypatch.chdir(tmp_path)
    dest = tmp_path / "course"
    assert main([a.format(dest=dest) for a in args]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err, err
    assert "in use" not in err
    assert list(tmp_path.iterdir()) == []  # not even a folder named ~nouser-kpeace
    os.environ.pop("KPEACE_DATA_DIR", None)


@pytest.mark.parametrize("command", [["notebooks", ""], ["handouts", "00", "--out", ""]])
def test_an_empty_destination_is_refused(tmp_path, capsys, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    assert main(command) == 2
    assert "is empty; name a folder" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_out_expands_the_home_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    from kpeace.handouts import build as builder

    seen = []

    def fake_build(notebooks, out, **kwargs):
        seen.append(out)
        return [], builder.BuildResult(notebook=out)

    monkeypatch.setattr(builder, "build", fake_build)
    assert main(["handouts", "00", "--out=~/x", "--quiet"]) == 0
    assert seen == [tmp_path / "x"] and (tmp_path / "x").is_dir()
    assert not (tmp_path / "~").exists()


def test_the_filesystem_root_is_refused_unless_forced(tmp_path, capsys, monkeypatch):
    from kpeace import workspace

    copies = []

    def fake_copy(source, dest, version):
        copies.append(dest)
        return workspace.CopyReport(dest=dest)

    monkeypatch.setattr(workspace, "copy_series", fake_copy)
    assert main(["notebooks", "/"]) == 2
    err = capsys.readouterr().err
    assert "/ is the root of the filesystem" in err and "--force" in err
    assert main(["lab", "/", "--no-browser"]) == 2
    assert copies == []
    assert main(["notebooks", "/", "--force"]) == 0
    assert copies == [Path("/")]
    assert "--force" in _help("notebooks") and "--force" in _help("lab")


def _help(command: str) -> str:
    return build_parser()._subparsers._group_actions[0].choices[command].format_help()


# --- what counts as an update, and what the learner is told --------------------------------


def _ship(path: Path, change: str) -> None:
    """Change a shipped notebook as a release might: a cell's text, its type, or a cell less."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    if change == "text":
        cell.source += "\n\nRevised in this release."
    elif change == "type":
        nb.cells[nb.cells.index(cell)] = nbformat.v4.new_raw_cell(cell.source)
    else:
        nb.cells.remove(cell)
    nbformat.write(nb, path)


@pytest.mark.parametrize("change", ["text", "type", "removed"])
def test_a_shipped_change_reaches_untouched_notebooks_only(source, tmp_path, capsys, change):
    dest = tmp_path / "learner"
    copy_series(source, dest, __version__)
    edited = next(dest / p.name for p in sorted(source.glob("*.ipynb")))
    _edit(edited, "My own notes.")
    for path in source.glob("*.ipynb"):
        _ship(path, change)

    report = copy_series(source, dest, __version__)
    assert sorted(report.refreshed) == sorted(p.name for p in source.glob("*.ipynb"))[1:]
    assert [name for name, _ in report.kept] == [edited.name]
    for name in report.refreshed:  # now cell for cell the shipped notebook
        shipped = nbformat.read(source / name, as_version=4).cells
        copied = nbformat.read(dest / name, as_version=4).cells
        assert [(c.cell_type, c.source) for c in copied] == [
            (c.cell_type, c.source) for c in shipped
        ]
    beside = dest / f"{edited.stem}.kpeace-{__version__}.ipynb"
    assert beside.read_bytes() == (source / edited.name).read_bytes()
    assert "My own notes." in edited.read_text(encoding="utf-8")


@pytest.mark.parametrize("change", ["text", "type", "removed"])
def test_a_learners_change_of_any_kind_is_kept(source, tmp_path, change):
    dest = tmp_path / "learner"
    copy_series(source, dest, __version__)
    mine = dest / sorted(p.name for p in source.glob("*.ipynb"))[0]
    _ship(mine, change)  # the learner edits, retypes or deletes a cell
    for path in source.glob("*.ipynb"):
        _edit(path, "New in this release.")
    report = copy_series(source, dest, __version__)
    assert [name for name, _ in report.kept] == [mine.name]
    assert "New in this release." not in mine.read_text(encoding="utf-8")


def test_the_cli_says_which_notebooks_were_kept(source, tmp_path, capsys, monkeypatch):
    import kpeace._paths

    monkeypatch.setattr(kpeace._paths, "notebooks_root", lambda: source)
    dest = tmp_path / "course"
    assert main(["notebooks", str(dest)]) == 0
    first = sorted(p.name for p in source.glob("*.ipynb"))[0]
    _edit(dest / first, "My own notes.")
    for path in source.glob("*.ipynb"):
        _ship(path, "text")
    capsys.readouterr()
    assert main(["notebooks", str(dest)]) == 0
    out = capsys.readouterr().out
    stem = first.removesuffix(".ipynb")
    assert (
        f"  kept       {first} (you changed it; the new version is "
        f"{stem}.kpeace-{__version__}.ipynb)"
    ) in out
    assert "Your changed notebooks were kept; open the .kpeace-VERSION files" in out
    assert out.count("refreshed") == 2


def test_a_notebook_is_copied_whole_or_not_at_all(source, tmp_path, monkeypatch):
    dest = tmp_path / "learner"
    copy_series(source, dest, __version__)
    before = _snapshot(dest)
    for path in source.glob("*.ipynb"):
        _edit(path, "New in this release.")

    def interrupted(src, dst):  # Ctrl-C at the very moment a copy would land
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        copy_series(source, dest, __version__)
    monkeypatch.undo()
    assert _snapshot(dest) == before  # every notebook as it was; no temporary file left
