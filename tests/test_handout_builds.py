"""Rebuilding handouts: into the same folder, after Ctrl-C, with foreign files, written whole."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from kpeace.cli import main
from kpeace.handouts.build import (
    BuildInterrupted,
    BuildResult,
    Stop,
    _write,
    build,
    build_one,
    execute,
    generated_by_kpeace,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
START = "00_start_here"


def _state(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file in ``folder`` with its size and modification time (ns)."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _kernels_of(pid: int) -> set[int]:
    """Process ids of the ipykernel processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"ipykernel" in cmdline:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ownership_survives_serialisation(tmp_path):
    pages = {
        "reordered.html": '<html><head><meta content="kpeace handouts" name="generator"/>',
        "upper.html": "<HTML><HEAD><META NAME=Generator CONTENT='kpeace handouts'></HEAD>",
        "spaced.html": '<head>\n<meta\n  name = "generator"\n  content = "kpeace handouts" >',
        "late.html": "<head><style>" + "x" * 200_000 + '</style><meta name="generator" '
        'content="kpeace handouts"></head><body></body>',
    }
    foreign = {
        "comment.html": '<head><!-- <meta name="generator" content="kpeace handouts"> -->',
        "other.html": '<head><meta name="generator" content="kpeace handouts 2"></head>',
        "in-body.html": '<head></head><body><meta name="generator" content="kpeace handouts">',
        "text.html": "<p>name=generator content=kpeace handouts</p>",
    }
    for name, text in {**pages, **foreign}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert [n for n in pages if not generated_by_kpeace(tmp_path / n)] == []
    assert [n for n in foreign if generated_by_kpeace(tmp_path / n)] == []


def test_second_build_into_the_same_folder_refreshes_kpeaces_files(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["handouts", "00", "--edition", "student", "--out", str(out), "--quiet"]
    assert main(args) == 0
    capsys.readouterr()
    handout = out / f"{START}.student.html"
    text = handout.read_text(encoding="utf-8")
    assert re.search(r"<meta[^>]*generator", text)
    handout.write_text(text.replace("</body>", "<p>STALE COPY</p></body>"), encoding="utf-8")
    files = sorted(p for p in out.iterdir() if not p.name.startswith("."))
    assert len(files) == 3  # handout, fact sheet, index (and the hidden catalogue)
    for path in files:
        os.utime(path, ns=(0, 0))

    assert main(args) == 0
    captured = capsys.readouterr()
    assert "alone" not in captured.err
    assert "STALE COPY" not in handout.read_text(encoding="utf-8")
    assert all(p.stat().st_mtime_ns > 0 for p in files), "a kpeace file was not refreshed"
    assert captured.out.count(str(handout)) == 1
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{START}.student.html"' in index and "<p></p>" not in index


def test_foreign_files_are_left_alone_and_reported(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    mine = {
        "notes.txt": "a teacher's own file",
        "index.html": "<p>someone else's index</p>",
        # looks like kpeace's, but the generator is only in a comment: not kpeace's
        f"{START}.student.html": '<!-- <meta name="generator" content="kpeace handouts"> -->',
    }
    for name, text in mine.items():
        (out / name).write_text(text, encoding="utf-8")
    status = main(["handouts", "00", "--edition", "student", "--out", str(out), "--quiet"])
    assert status == 1
    err = capsys.readouterr().err
    for name, text in mine.items():
        assert (out / name).read_text(encoding="utf-8") == text, name
    for name in ("index.html", f"{START}.student.html"):
        assert f"left {out / name} alone: it was not written by kpeace" in err
    assert "notes.txt" not in err  # not a name kpeace writes: nothing to report
    assert (out / "fact-sheet.html").is_file()


def test_index_has_no_empty_paragraph_when_no_edition_was_written(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{START}.student.html").write_text("<p>a teacher's own page</p>", encoding="utf-8")
    assert main(["handouts", "00", "--edition", "student", "--out", str(out), "--quiet"]) == 1
    capsys.readouterr()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<h2>" not in index and "No handouts" in index  # nothing of kpeace's to link
    assert not re.search(r"<p[^>]*>\s*</p>", index)


def test_same_notebook_twice_is_built_and_listed_once(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["handouts", "00", START, str(NOTEBOOKS[0]), "--edition", "student"]
    assert main([*args, "--out", str(out)]) == 0
    stdout, stderr = capsys.readouterr()
    assert "1/1" in stderr  # the progress bar counts it once
    assert stdout.count(f"{START}.student.html") == 1
    assert "3 files" in stdout
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count(f'href="{START}.student.html"') == 1
    results, _ = build([NOTEBOOKS[0], NOTEBOOKS[0]], tmp_path / "api", editions=("student",))
    assert len(results) == 1 and results[0].files


def test_a_handout_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / f"{START}.student.html"
    old = '<head><meta name="generator" content="kpeace handouts"></head><body>old</body>'
    target.write_text(old, encoding="utf-8")
    broken = "<head></head><body>" + "x" * 100_000 + "\ud800 cannot be encoded</body>"
    with pytest.raises(UnicodeEncodeError):
        _write(target, broken, BuildResult(notebook=target))
    assert target.read_text(encoding="utf-8") == old
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left

    renamed = []
    real_replace = os.replace

    def replace(src, dst):  # the text is complete under its temporary name before the rename
        renamed.append((Path(src).read_text(encoding="utf-8"), Path(dst)))
        real_replace(src, dst)

    new = old.replace("old", "new" * 1000)
    previous = os.umask(0o022)
    try:
        monkeypatch.setattr(os, "replace", replace)
        result = BuildResult(notebook=target)
        _write(target, new, result)
        _write(tmp_path / "fresh.html", new, result)
    finally:
        monkeypatch.undo()
        os.umask(previous)
    assert renamed == [(new, target), (new, tmp_path / "fresh.html")]
    assert result.files == [target, tmp_path / "fresh.html"]
    assert target.read_text(encoding="utf-8") == new
    assert (tmp_path / "fresh.html").stat().st_mode & 0o777 == 0o644  # not mkstemp's 0o600


def test_a_stopped_build_starts_and_writes_nothing(tmp_path, monkeypatch):
    stop = Stop()
    stop.stop()
    target = tmp_path / "page.html"
    with pytest.raises(BuildInterrupted):
        _write(target, "<p>late</p>", BuildResult(notebook=target), stop)
    ran = tmp_path / "ran"
    notebook = tmp_path / "marker.ipynb"
    code = f"import pathlib\npathlib.Path({str(ran)!r}).touch()"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), notebook)
    with pytest.raises(BuildInterrupted):  # a kernel that starts after the stop runs nothing
        execute(notebook, stop=stop)
    assert not ran.exists()
    notebook.unlink()
    from kpeace.handouts import build as builder

    monkeypatch.setattr(builder, "execute", lambda *a, **k: pytest.fail("a notebook ran"))
    result = build_one(NOTEBOOKS[0], tmp_path, ("student",), False, stop)
    assert result.error == f"{NOTEBOOKS[0].name}: interrupted" and not result.files
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_stops_the_kernels_and_every_pending_write(tmp_path):
    out = tmp_path / "out"
    assert main(["handouts", "00", "--edition", "student", "--out", str(out), "--quiet"]) == 0
    before = _state(out)
    running = tmp_path / "cell-running"
    sleepy = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# A notebook that takes its time"),
            nbformat.v4.new_code_cell(
                f"import pathlib, time\npathlib.Path({str(running)!r}).touch()\ntime.sleep(600)"
            ),
        ]
    )
    slow = tmp_path / "slow.ipynb"
    nbformat.write(sleepy, slow)
    command = [sys.executable, "-m", "kpeace.cli", "handouts", str(slow), "00", "01", "02"]
    proc = subprocess.Popen(
        [*command, "--out", str(out), "--jobs", "1", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    kernels: set[int] = set()
    try:
        while not running.exists() and proc.poll() is None:  # wait until a cell runs
            time.sleep(0.05)
        kernels = _kernels_of(proc.pid)
        assert kernels, "the build ended before its first cell ran"
        proc.send_signal(signal.SIGINT)
        # without killing the kernel, the build would wait for the 600 s cell
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 1, stdout + stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    after = _state(out)
    # nothing after the interruption: no other notebook, no index, no half-written file
    assert after == before, (before, after)
    time.sleep(3)  # the old behaviour: workers went on writing for 3-5 s
    assert _state(out) == after
    assert not [pid for pid in kernels if _alive(pid)], "a kernel outlived the build"

    # a full build after the interrupted one replaces kpeace's files and completes
    assert main(["handouts", "--out", str(out), "--quiet"]) == 0
    names = set(_state(out))
    assert {f"{nb.stem}.{e}.html" for nb in NOTEBOOKS for e in ("student", "teacher")} <= names
    assert not [n for n in names if n.endswith(".tmp")]


def _tiny(path: Path, title: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {title}\n\n**Estimated time:** 10 minutes"),
        nbformat.v4.new_code_cell("1 + 1"),
    ]
    nbformat.write(nb, path)
    return path


def _index_titles(out: Path) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", (out / "index.html").read_text(encoding="utf-8"))


def test_a_partial_rebuild_keeps_the_other_handouts_in_the_index(tmp_path):
    first = _tiny(tmp_path / "10_first.ipynb", "First lesson")
    second = _tiny(tmp_path / "11_second.ipynb", "Second lesson")
    out = tmp_path / "out"
    build([first, second], out, editions=("student",))
    assert _index_titles(out) == ["First lesson", "Second lesson"]
    build([second], out, editions=("teacher",))  # one notebook, the other edition
    assert _index_titles(out) == ["First lesson", "Second lesson"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="10_first.student.html"' in index and 'href="10_first.teacher.html"' not in index
    assert 'href="11_second.student.html"' in index and 'href="11_second.teacher.html"' in index
    assert "Two handouts" in index
    (out / "10_first.student.html").unlink()  # a handout the teacher removed
    build([second], out, editions=("student",))
    assert _index_titles(out) == ["Second lesson"]
    assert "One handout," in (out / "index.html").read_text(encoding="utf-8")


def test_a_foreign_catalogue_is_left_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".kpeace-handouts.json").write_text('{"mine": 1}', encoding="utf-8")
    build([_tiny(tmp_path / "10_first.ipynb", "First lesson")], out, editions=("student",))
    assert (out / ".kpeace-handouts.json").read_text(encoding="utf-8") == '{"mine": 1}'
    assert _index_titles(out) == ["First lesson"]
