"""The class pulse (issue 11 point 2): its store, its web app and its command."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import requests

import kpeace.widgets as kw
from kpeace.cli import main
from kpeace.pulse import hub_entries
from kpeace.pulse.store import CSV_COLUMNS, PulseStore

sys.path.insert(0, str(Path(__file__).parent))
import pulse_server

ROOT = Path(__file__).resolve().parent.parent


# --- the store ---------------------------------------------------------------------------------


def test_concurrent_writers_in_many_processes_and_threads_are_counted_exactly(tmp_path):
    db = tmp_path / "state" / "pulse.sqlite"
    PulseStore(db)
    worker = textwrap.dedent(
        """
        import sys, threading
        from kpeace.pulse.store import PulseStore
        proc, db = sys.argv[1], sys.argv[2]
        def learner(t):
            store = PulseStore(db)
            for q in range(10):
                # first try: right for even threads; then a second answer to the same question
                store.record(f"p{proc}-t{t}", f"q{q}", "a" if t % 2 == 0 else "b", t % 2 == 0)
                store.record(f"p{proc}-t{t}", f"q{q}", "a", True)
        threads = [threading.Thread(target=learner, args=(t,)) for t in range(4)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", worker, str(p), str(db)], stderr=subprocess.PIPE)
        for p in range(6)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, errors
    results = PulseStore(db).results()
    assert sorted(results) == [f"q{q}" for q in range(10)]
    for result in results.values():
        assert result.learners == 24  # 6 processes x 4 threads, each counted once
        assert result.answers == 48
        assert result.first_choices == {"a": 12, "b": 12}
        assert result.first_try_right == 12
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 480


def test_one_learner_is_counted_once_and_first_try_decides(tmp_path):
    store = PulseStore(tmp_path / "pulse.sqlite")
    assert store.record("ana", "q1-1", "b", False) == 1
    assert store.record("ana", "q1-1", "c", True) == 2
    assert store.record("ana", "q1-1", "c", True) == 3
    assert store.record("ben", "q1-1", "c", True) == 1
    assert store.record("cleo", "q1-1", "a", False) == 1
    assert store.record("ana", "q1-2", "a", True) == 1
    result = store.results()["q1-1"]
    assert (result.learners, result.answers) == (3, 5)
    assert result.first_choices == {"b": 1, "c": 1, "a": 1}
    assert result.first_try_right == 1
    assert result.share(result.first_try_right) == pytest.approx(1 / 3)
    assert store.results()["q1-2"].learners == 1


def test_no_user_names_anywhere_in_the_database_or_the_csv(tmp_path):
    db = tmp_path / "pulse.sqlite"
    store = PulseStore(db)
    names = ["alice.secretname", "bob.othersecret", "carol.hiddenname"]
    for i, name in enumerate(names):
        store.record(name, "q2-1", "abc"[i], i == 0)
        store.record(name, "q2-2", "a", True)
    exported = store.export_csv()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["learner"] for r in rows] == ["L01", "L01", "L02", "L02", "L03", "L03"]
    assert [(r["question"], r["attempt"], r["choice"], r["correct"]) for r in rows[:2]] == [
        ("q2-1", "1", "a", "True"),
        ("q2-2", "1", "a", "True"),
    ]
    files = [p for p in tmp_path.iterdir() if p.name.startswith("pulse.sqlite")]
    assert files
    for name in names:
        assert name not in exported
        for path in files:
            assert name.encode() not in path.read_bytes(), path


def test_reset_starts_a_new_hidden_session_with_a_new_salt(tmp_path):
    db = tmp_path / "pulse.sqlite"
    store = PulseStore(db)
    store.record("ana", "q1-1", "a", True)
    store.set_revealed(True)
    with sqlite3.connect(db) as raw:
        old_hash = raw.execute("SELECT learner FROM answers").fetchone()[0]
    assert store.revealed() and store.session()[0] == 1
    assert store.reset() == 2
    assert store.results() == {} and not store.revealed()
    assert store.export_csv() == ",".join(CSV_COLUMNS) + "\n"
    store.record("ana", "q1-1", "b", False)
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1
        assert raw.execute("SELECT learner FROM answers").fetchone()[0] != old_hash
        assert raw.execute("SELECT salt FROM sessions WHERE id=1").fetchone()[0] == b""
    assert store.results()["q1-1"].first_choices == {"b": 1}


# --- the hub's configuration ---------------------------------------------------------------------


def test_hub_entries_register_the_service_and_the_scopes_learners_need(tmp_path):
    db = tmp_path / "state" / "pulse.sqlite"
    entries = hub_entries(["/opt/venv/bin/kpeace"], db, 10101)
    assert set(entries) == {"services", "roles", "spawner_environment", "server_token_scopes"}
    assert entries["services"] == [
        {
            "name": "pulse",
            "url": "http://127.0.0.1:10101",
            "command": ["/opt/venv/bin/kpeace", "pulse", "--db", str(db)],
            "oauth_no_confirm": True,
            "display": True,
            "info": entries["services"][0]["info"],
        }
    ]
    assert entries["roles"] == [
        {"name": "user", "scopes": ["self", "access:services!service=pulse"]}
    ]
    assert entries["spawner_environment"] == {
        "KPEACE_PULSE_URL": "http://127.0.0.1:10101/services/pulse/"
    }
    assert entries["server_token_scopes"] == [
        "users:activity!user",
        "access:servers!server",
        "access:services!service=pulse",
    ]
    with pytest.raises(ValueError, match="not a TCP port"):
        hub_entries(["kpeace"], db, 0)


# --- the web app (hub sign-in replaced by a double at get_current_user) ------------------------


@pytest.fixture()
def served(tmp_path, monkeypatch):
    thread, served = pulse_server.start(tmp_path / "state" / "pulse.sqlite", monkeypatch)
    yield served
    thread.stop()


def _answer(served, user, question, choice):
    return served.post("api/answers", user=user, json={"question": question, "choice": choice})


def _right(question_id):
    return kw.self_check(question_id).question.correct


def _wrong(question_id, n=0):
    question = kw.self_check(question_id).question
    return [k for k in question.choices if k != question.correct][n]


def test_nobody_signed_in_is_sent_to_the_hubs_oauth(served):
    response = served.get()
    assert response.status_code == 302
    assert response.headers["Location"].startswith(
        "/hub/api/oauth2/authorize?client_id=service-pulse&redirect_uri=%2Fservices%2Fpulse%2F"
        "oauth_callback"
    )
    assert _answer(served, None, "q1-1", "a").status_code == 403
    assert served.get("export.csv").status_code in (302, 403)


def test_answers_post_stores_and_bad_answers_get_a_clear_400(served):
    first = _answer(served, "ana", "q1-1", _wrong("q1-1"))
    assert first.status_code == 201 and first.json() == {"question": "q1-1", "attempt": 1}
    again = _answer(served, "ana", "q1-1", _right("q1-1").upper())
    assert again.status_code == 201 and again.json()["attempt"] == 2
    result = served.pulse.store.results()["q1-1"]
    assert (result.learners, result.answers, result.first_try_right) == (1, 2, 0)
    bad = [
        (served.post("api/answers", user="ana", data=b"{not json"), "Send JSON"),
        (served.post("api/answers", user="ana", json=["q1-1"]), "Send a JSON object"),
        (_answer(served, "ana", "q9-9", "a"), "No self-check 'q9-9'"),
        (_answer(served, "ana", "q1-1", "z"), "'z' is not a choice of q1-1; valid: a, b, c"),
    ]
    for response, message in bad:
        assert response.status_code == 400
        assert message in response.json()["error"]
    assert served.pulse.store.results()["q1-1"].answers == 2


def test_the_service_judges_correctness_itself(served):
    _answer(served, "ana", "q0-1", _right("q0-1"))
    _answer(served, "ben", "q0-1", _wrong("q0-1"))
    result = served.pulse.store.results()["q0-1"]
    assert result.first_try_right == 1 and result.learners == 2


def test_the_teacher_sees_the_dashboard_with_every_answered_question(served):
    for user, choice in [
        ("ana", _right("q1-1")),
        ("ben", _wrong("q1-1")),
        ("cleo", _right("q1-1")),
    ]:
        _answer(served, user, "q1-1", choice)
    _answer(served, "ana", "q2-3", _wrong("q2-3"))
    page = served.get(user="teacher:admin")
    assert page.status_code == 200
    text = page.text
    assert text.count('class="pulse-card"') == 2
    assert "<strong>3</strong> learner(s) answered" in text
    assert "<strong>67 %</strong> right at the first try (2 of 3)" in text
    assert "<strong>1</strong> learner(s) answered" in text and "<strong>0 %</strong>" in text
    assert 'action="/services/pulse/reveal"' in text and 'name="_xsrf"' in text
    assert 'href="/services/pulse/export.csv"' in text and 'action="/services/pulse/reset"' in text
    assert '<script src="/services/pulse/static/plotly.min.js">' in text
    assert "cdn" not in text.lower() and "https://" not in text
    assert "ana" not in text and "cleo" not in text


def test_a_learner_sees_not_yet_revealed_then_the_result_after_the_reveal(served):
    _answer(served, "ana", "q1-1", _right("q1-1"))
    assert served.get(user="ana").headers["Location"] == "/services/pulse/class"
    before = served.get("class", user="ana")
    assert before.status_code == 403
    assert "The teacher has not revealed the class result yet." in before.text
    assert 'class="pulse-card"' not in before.text
    assert served.get("fragment", user="ana").status_code == 403
    for path in ("reveal", "reset"):
        refused = served.post(path, user="ana", data={"reveal": "1"})
        assert refused.status_code == 403 and "Only the teacher" in refused.text
    assert served.get("export.csv", user="ana").status_code == 403
    assert not served.pulse.store.revealed()

    shown = served.post("reveal", user="teacher:admin", data={"reveal": "1"})
    assert shown.status_code == 302 and served.pulse.store.revealed()
    after = served.get("class", user="ana")
    assert after.status_code == 200
    assert after.text.count('class="pulse-card"') == 1 and "reset" not in after.text
    assert "<strong>100 %</strong> right at the first try" in after.text

    served.post("reveal", user="teacher:admin", data={"reveal": "0"})
    assert served.get("class", user="ana").status_code == 403


def test_csv_export_and_reset(served):
    _answer(served, "ana.private", "q1-1", _wrong("q1-1"))
    _answer(served, "ana.private", "q1-1", _right("q1-1"))
    _answer(served, "ben.private", "q1-1", _right("q1-1"))
    export = served.get("export.csv", user="teacher:admin")
    assert export.status_code == 200
    assert export.headers["Content-Type"].startswith("text/csv")
    assert 'filename="kpeace-pulse-session-1.csv"' in export.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [(r["learner"], r["attempt"], r["correct"]) for r in rows] == [
        ("L01", "1", "False"),
        ("L01", "2", "True"),
        ("L02", "1", "True"),
    ]
    assert "private" not in export.text
    reset = served.post("reset", user="teacher:admin")
    assert reset.status_code == 302
    assert served.pulse.store.results() == {}
    assert "No answers yet in this session." in served.get(user="teacher:admin").text
    assert served.get("export.csv", user="teacher:admin").text.count("\n") == 1


def test_the_page_hears_of_a_new_answer_without_reloading(served):
    """The cards fragment waits for the next change, then returns the new numbers."""
    version = served.pulse.version()
    got = {}

    def wait():
        got["response"] = served.get(f"fragment?since={version}", user="teacher:admin")

    waiter = threading.Thread(target=wait)
    waiter.start()
    _answer(served, "ana", "q3-1", _right("q3-1"))
    waiter.join(60)
    response = got["response"]
    assert response.status_code == 200
    assert 'id="card-q3-1"' in response.text and "<strong>1</strong> learner(s)" in response.text
    assert f'data-version="{version}"' not in response.text


def test_plotly_js_is_served_from_the_installed_package(served):
    from plotly.offline import get_plotlyjs

    response = served.get("static/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.text == get_plotlyjs()
    assert served.get("static/other.js").status_code == 404


# --- the command -------------------------------------------------------------------------------

HUB_ENV = {
    "JUPYTERHUB_API_TOKEN": "service-token",
    "JUPYTERHUB_API_URL": "http://127.0.0.1:9/hub/api",
    "JUPYTERHUB_CLIENT_ID": "service-pulse",
    "JUPYTERHUB_SERVICE_PREFIX": "/services/pulse/",
}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("args", "env", "status", "message"),
    [
        (["--db", "{tmp}/p.sqlite"], {}, 2, "JUPYTERHUB_API_TOKEN, JUPYTERHUB_API_URL, "),
        (["--db", "{tmp}/p.sqlite"], HUB_ENV, 2, "no address to listen on"),
        (
            ["--db", "{tmp}/p.sqlite", "--url", "http://127.0.0.1:notaport"],
            HUB_ENV,
            2,
            "is not an address to listen on; use http://HOST:PORT",
        ),
        (["--db", "{tmp}", "--url", "http://127.0.0.1:1"], HUB_ENV, 2, "is a folder"),
        (
            ["--db", "{tmp}/bad.sqlite", "--url", "http://127.0.0.1:{port}"],
            HUB_ENV,
            1,
            "cannot be used (file is not a database)",
        ),
        (
            ["--db", "{tmp}/p.sqlite", "--url", "http://127.0.0.1:{busy}"],
            HUB_ENV,
            1,
            "cannot listen on 127.0.0.1:",
        ),
    ],
)
def test_pulse_command_errors_are_one_line(
    tmp_path, monkeypatch, capsys, args, env, status, message
):
    for name in [*HUB_ENV, "JUPYTERHUB_SERVICE_URL"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "bad.sqlite").write_text("not a database", encoding="utf-8")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        fill = {"tmp": tmp_path, "port": _free_port(), "busy": busy.getsockname()[1]}
        assert main(["pulse", *(a.format(**fill) for a in args)]) == status
    err = capsys.readouterr().err
    assert err.startswith("kpeace pulse: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_pulse_command_without_jupyterhub_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    for name, value in HUB_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setitem(sys.modules, "jupyterhub.services.auth", None)  # as if not installed
    url = f"http://127.0.0.1:{_free_port()}"
    assert main(["pulse", "--db", str(tmp_path / "p.sqlite"), "--url", url]) == 1
    err = capsys.readouterr().err
    assert err == (
        "kpeace pulse: the class pulse needs JupyterHub; install it with: "
        "pip install 'kpeace[hub]'\n"
    )


class _FakeHubAPI(BaseHTTPRequestHandler):
    """The hub's ``GET /hub/api/user``: who owns this token, with which scopes."""

    MODELS: ClassVar[dict[str, dict]] = {
        "learner-server-token": {
            "kind": "user",
            "name": "ana",
            "admin": False,
            "scopes": ["access:servers!server=ana/", "access:services!service=pulse"],
        },
        "token-without-the-pulse-scope": {
            "kind": "user",
            "name": "ben",
            "admin": False,
            "scopes": ["access:servers!server=ben/", "users:activity!user=ben"],
        },
    }
    seen: ClassVar[list[str]] = []

    def do_GET(self):
        token = self.headers.get("Authorization", "").removeprefix("token ")
        type(self).seen.append(self.path)
        model = self.MODELS.get(token) if self.path == "/hub/api/user" else None
        body = json.dumps(model or {"status": 403, "message": "no such token"}).encode()
        self.send_response(200 if model else 403)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_pulse_command_serves_as_a_hub_service_and_checks_kernel_tokens(tmp_path):
    """The real service, started as the hub starts it; the kernel's sender posts to it."""
    from kpeace import answers

    hub = ThreadingHTTPServer(("127.0.0.1", 0), _FakeHubAPI)
    threading.Thread(target=hub.serve_forever, daemon=True).start()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")}
    env.update(
        HUB_ENV,  # what JupyterHub gives a managed service (Service.start, Spawner.get_env)
        JUPYTERHUB_API_URL=f"http://127.0.0.1:{hub.server_address[1]}/hub/api",
        JUPYTERHUB_SERVICE_NAME="pulse",
        JUPYTERHUB_OAUTH_ACCESS_SCOPES='["access:services", "access:services!service=pulse"]',
        JUPYTERHUB_SERVICE_URL=f"http://127.0.0.1:{port}",
    )
    db = tmp_path / "state" / "pulse.sqlite"
    kpeace = Path(sys.executable).with_name("kpeace")
    process = subprocess.Popen(
        [str(kpeace), "pulse", "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/services/pulse/"
        deadline = time.monotonic() + 60
        while True:
            try:
                script = requests.get(base + "static/plotly.min.js", timeout=5)
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "kpeace pulse did not start"
                time.sleep(0.2)
        assert script.status_code == 200 and len(script.content) > 1_000_000
        login = requests.get(base, timeout=5, allow_redirects=False)
        assert login.status_code == 302
        assert "/hub/api/oauth2/authorize?client_id=service-pulse" in login.headers["Location"]

        # the learner's kernel: its server token holds access:services!service=pulse
        record = answers.Answer("q1-1", kw.self_check("q1-1").question.correct, True)
        assert answers.post(record, base + "api/answers", "learner-server-token") == 201
        for token in ("token-without-the-pulse-scope", "not-a-token"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                answers.post(record, base + "api/answers", token)
            assert refused.value.code == 403
        assert "/hub/api/user" in _FakeHubAPI.seen
        result = PulseStore(db).results()["q1-1"]
        assert (result.learners, result.first_try_right) == (1, 1)
        assert db.is_file() and (tmp_path / "state" / "pulse.sqlite.cookie_secret").is_file()
        assert oct((tmp_path / "state" / "pulse.sqlite.cookie_secret").stat().st_mode)[-3:] == "600"
    finally:
        process.terminate()  # SIGTERM, as JupyterHub stops a service
        status = process.wait(30)
        hub.shutdown()
        hub.server_close()
    output = process.stdout.read()
    assert f"serving http://127.0.0.1:{port}/services/pulse/" in output
    assert "kpeace pulse: stopped" in output and status == 0


def test_cards_are_drawn_once_per_change_however_many_pages_ask(tmp_path, monkeypatch):
    from kpeace.pulse import app, pages

    pulse = app.Pulse(
        store=PulseStore(tmp_path / "pulse.sqlite"),
        questions=app.course_questions(),
        hub_auth=pulse_server.hub_auth(),
        prefix=pulse_server.PREFIX,
    )
    drawn = []
    real = pages.card
    monkeypatch.setattr(pages, "card", lambda q, r: drawn.append(q.question_id) or real(q, r))
    pulse.store.record("ana", "q1-1", "a", False)
    pulse.store.record("ana", "q2-1", "a", False)
    first = pulse.cards()
    assert sorted(drawn) == ["q1-1", "q2-1"]
    reads = []
    store_results = pulse.store.results
    monkeypatch.setattr(pulse.store, "results", lambda: reads.append(1) or store_results())
    assert [pulse.cards() for _ in range(30)] == [first] * 30  # thirty waiting pages
    assert reads == []  # nothing changed: not even read again
    pulse.store.record("ben", "q2-1", "b", False)
    assert "<strong>2</strong> learner(s)" in pulse.cards()
    assert sorted(drawn) == ["q1-1", "q2-1", "q2-1"]  # only the card that changed


def test_a_class_answering_at_once_through_http_is_counted_exactly(served):
    from concurrent.futures import ThreadPoolExecutor

    questions = ["q0-1", "q0-2", "q0-3", "q0-4", "q0-5"]

    def learner(n):
        return [
            _answer(served, f"learner{n:02d}", q, _right(q) if n % 3 else _wrong(q)).status_code
            for q in questions
        ]

    with ThreadPoolExecutor(30) as pool:
        statuses = [s for row in pool.map(learner, range(30)) for s in row]
    assert statuses == [201] * 150
    results = served.pulse.store.results()
    assert sorted(results) == questions
    for q in questions:
        assert (results[q].learners, results[q].answers, results[q].first_try_right) == (30, 30, 20)
