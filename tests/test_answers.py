"""The answer record (issue 11 point 3): kept in the course folder, read back after restarts,
left alone by ``kpeace notebooks``, and sent to the pulse only under a hub."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

import kpeace.widgets as kw
from kpeace import answers
from kpeace.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def course(tmp_path, monkeypatch):
    """A course folder for this test, with no hub around."""
    folder = tmp_path / "course"
    folder.mkdir()
    monkeypatch.setenv("KPEACE_COURSE_DIR", str(folder))
    monkeypatch.delenv("KPEACE_PULSE_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    kw.set_display_mode(None)
    return folder


def _right(question_id):
    return kw.self_check(question_id).question.correct


def _wrong(question_id):
    question = kw.self_check(question_id).question
    return next(k for k in question.choices if k != question.correct)


def test_each_answer_is_one_line_in_the_course_folder(course):
    check = kw.self_check("q2-1")
    check.answer(_wrong("q2-1"))
    check.answer(_right("q2-1"))
    check.answer("zz")  # not a choice: feedback only, nothing recorded
    lines = (course / ".kpeace" / "answers.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["question"], r["choice"], r["correct"]) for r in records] == [
        ("q2-1", _wrong("q2-1"), False),
        ("q2-1", _right("q2-1"), True),
    ]
    assert all(r["at"].endswith("+00:00") for r in records)


def test_progress_survives_a_kernel_restart(course):
    """Answers given in one Python process are listed by kw.progress() in the next one."""
    env = {**os.environ, "KPEACE_COURSE_DIR": str(course)}
    env.pop("KPEACE_PULSE_URL", None)
    answer = (
        "import kpeace.widgets as kw\n"
        "q = kw.self_check('q3-1'); q.answer(q.question.correct)\n"
        "q = kw.self_check('q3-2'); wrong = [k for k in q.question.choices"
        " if k != q.question.correct][0]; q.answer(wrong); q.answer(q.question.correct)\n"
    )
    first = subprocess.run([sys.executable, "-c", answer], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""  # outside a hub: says nothing
    show = "import kpeace.widgets as kw; print(kw.progress(3))"
    second = subprocess.run([sys.executable, "-c", show], env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    text = second.stdout
    assert "Self-checks answered: 2 of 30; right at the first try: 1." in text
    assert "q3-1: ✓ right at the first try" in text
    assert "q3-2: ✓ right on a later try" in text
    assert "q3-3: not answered yet" in text
    assert "Notebook 03: 2 of 5 answered, 1 right at the first try" in text


def test_progress_html_lists_notebooks_and_where_answers_are_kept(course):
    kw.self_check("q0-1").answer(_right("q0-1"))
    html = kw.progress()._repr_mimebundle_()["text/html"]
    assert "Self-checks answered: 1 of 30; right at the first try: 1." in html
    assert "<table>" in html and html.count("<tr>") == 1 + 6  # header + one row per notebook
    assert str(course / ".kpeace" / "answers.jsonl") in html
    assert "Loading widget" not in html
    assert "class pulse" not in html  # outside a hub, nothing is said about a pulse


def test_progress_in_a_static_handout_is_one_line(course):
    kw.self_check("q0-1").answer(_right("q0-1"))
    kw.set_display_mode("static")
    try:
        bundle = kw.progress()._repr_mimebundle_()
    finally:
        kw.set_display_mode(None)
    assert bundle["text/plain"] == (
        "Your progress with the self-checks is kept when you run this notebook in JupyterLab; "
        "run this cell there to see it."
    )
    assert bundle["text/html"].count("<p") == 1 and "<table" not in bundle["text/html"]


def test_a_corrupt_line_is_skipped_with_a_clear_note(course):
    kept = course / ".kpeace" / "answers.jsonl"
    kept.parent.mkdir()
    good = answers.Answer("q1-1", "a", True, "2026-01-01T00:00:00+00:00").to_json()
    kept.write_text(
        f'{good}\n{{"question": "q1-2", "cho\n[1, 2]\n{{"question": "q1-3", "choice": "b"}}\n'
        f"{good}\n",
        encoding="utf-8",
    )
    log = answers.read_answers(course)
    assert [a.question for a in log.answers] == ["q1-1", "q1-1"]
    assert log.notes == [
        f"line 2 of {kept} was skipped: not JSON (Unterminated string starting at)",
        f"line 3 of {kept} was skipped: not a JSON object",
        f"line 4 of {kept} was skipped: 'correct' is missing or not a bool",
    ]
    text = str(kw.progress())
    assert "Self-checks answered: 1 of 30" in text
    assert "Note: line 2 of" in text and "Traceback" not in text


def test_course_folder_is_found_from_a_notebook_folder_by_the_manifest(tmp_path, monkeypatch):
    monkeypatch.delenv("KPEACE_COURSE_DIR", raising=False)
    (tmp_path / ".kpeace").mkdir()
    (tmp_path / ".kpeace" / "manifest.json").write_text("{}", encoding="utf-8")
    inner = tmp_path / "my work" / "drafts"
    inner.mkdir(parents=True)
    assert answers.course_folder(inner) == tmp_path.resolve()
    assert answers.course_folder(tmp_path / "my work") == tmp_path.resolve()
    elsewhere = tmp_path.parent / f"{tmp_path.name}-loose"
    elsewhere.mkdir()
    assert answers.course_folder(elsewhere) == elsewhere.resolve()


def test_kpeace_notebooks_update_leaves_the_answers_alone(tmp_path, monkeypatch, capsys):
    dest = tmp_path / "course"
    assert main(["notebooks", str(dest)]) == 0
    monkeypatch.setenv("KPEACE_COURSE_DIR", str(dest))
    monkeypatch.delenv("KPEACE_PULSE_URL", raising=False)
    kw.self_check("q1-1").answer(_right("q1-1"))
    kept = dest / ".kpeace" / "answers.jsonl"
    before = kept.read_bytes()
    assert before.count(b"\n") == 1
    notebook = dest / "01_armistice.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("armistice", "Armistice"))
    (dest / "02_argument.ipynb").unlink()
    assert main(["notebooks", str(dest)]) == 0
    out = capsys.readouterr().out
    assert "added      02_argument.ipynb" in out and "kept       01_armistice.ipynb" in out
    assert kept.read_bytes() == before
    assert sorted(p.name for p in kept.parent.iterdir()) == ["answers.jsonl", "manifest.json"]


def test_a_read_only_course_folder_never_breaks_a_self_check(course):
    (course / ".kpeace").write_text("a file where the folder should be", encoding="utf-8")
    result = kw.self_check("q1-1").answer(_right("q1-1"))
    assert result.correct is True  # the feedback still works; the answer is just not kept
    assert answers.read_answers(course).answers == []


# --- under a hub: sent to the pulse in the background -----------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, dict]]] = []
    release: ClassVar[threading.Event] = threading.Event()
    arrived: ClassVar[threading.Event] = threading.Event()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.path, self.headers["Authorization"], body))
        type(self).arrived.set()
        type(self).release.wait(300)
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def fake_pulse(course, monkeypatch):
    _Recorder.received = []
    _Recorder.release = threading.Event()
    _Recorder.arrived = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/services/pulse/"
    monkeypatch.setenv("KPEACE_PULSE_URL", url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "server-token-123")
    yield _Recorder
    _Recorder.release.set()
    server.shutdown()
    server.server_close()


def test_under_a_hub_the_choice_is_posted_with_the_server_token(fake_pulse, capsys):
    fake_pulse.release.set()
    check = kw.self_check("q1-2")
    check.answer(_wrong("q1-2"))
    check.answer(_right("q1-2"))
    assert answers.wait_for_sends(30)
    assert fake_pulse.received == [
        (
            "/services/pulse/api/answers",
            "token server-token-123",
            {"question": "q1-2", "choice": _wrong("q1-2")},
        ),
        (
            "/services/pulse/api/answers",
            "token server-token-123",
            {"question": "q1-2", "choice": _right("q1-2")},
        ),
    ]
    assert capsys.readouterr() == ("", "")
    assert len(answers.read_answers().answers) == 2  # and kept locally too
    assert "goes to your teacher's class pulse, without your name" in str(kw.progress())
    html = kw.progress()._repr_mimebundle_()["text/html"]
    assert 'href="/services/pulse/class"' in html  # JUPYTERHUB_BASE_URL unset: the hub's "/"


def test_a_slow_pulse_never_holds_up_the_widget(fake_pulse, monkeypatch, capsys):
    """The pulse holds the request open; the self-check has already answered the learner."""
    monkeypatch.setattr(answers, "SEND_TIMEOUT", 120.0)  # a send that waits as long as it may
    check = kw.self_check("q1-3")
    given = {}
    learner = threading.Thread(target=lambda: given.update(result=check.answer(_right("q1-3"))))
    learner.start()
    assert fake_pulse.arrived.wait(30)  # the POST is at the pulse, which has not replied
    learner.join(60)  # a bound, not a timing: a send in the foreground would block until release
    finished = not learner.is_alive()
    fake_pulse.release.set()
    assert finished, "the self-check waited for the pulse"
    assert given["result"].correct is True and "✓" in check.feedback.value
    assert answers.wait_for_sends(30)
    assert capsys.readouterr() == ("", "")


def test_an_unreachable_pulse_says_nothing(course, monkeypatch, capsys):
    monkeypatch.setenv("KPEACE_PULSE_URL", "http://127.0.0.1:9/services/pulse/")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "server-token-123")
    check = kw.self_check("q1-4")
    assert check.answer(_right("q1-4")).correct is True
    assert answers.wait_for_sends(30)
    assert capsys.readouterr() == ("", "")
    assert len(answers.read_answers().answers) == 1


def test_outside_a_hub_nothing_is_sent(course, monkeypatch):
    sent = []
    monkeypatch.setattr(answers, "post", lambda *a, **k: sent.append(a))
    monkeypatch.setenv("KPEACE_PULSE_URL", "http://127.0.0.1:9/services/pulse/")  # no token
    kw.self_check("q1-5").answer(_right("q1-5"))
    monkeypatch.delenv("KPEACE_PULSE_URL")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "server-token-123")  # no pulse
    kw.self_check("q1-5").answer(_right("q1-5"))
    assert answers.wait_for_sends(30)
    assert sent == []
    assert answers.pulse_target() is None
    assert len(answers.read_answers().answers) == 2
