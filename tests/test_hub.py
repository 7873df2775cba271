"""A class on one server, end to end on loopback: `kpeace hub` with ten learners as ten
system accounts (issue 11).

One class is set up and started for the module; the tests run in order against it, and the
last one stops it. The fixture's `finally` stops every process by pid (`kpeace hub stop`) and
removes the accounts and homes it created (`userdel -r`). Needs root (CI runs as root) and
the learners' Python that tests/setup.sh makes outside any home folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pwd
import re
import socket
import stat
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("hub_client", ROOT / "tests/benchmarks/hub.py")
hub = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hub)

LEARNERS = [f"kpt{i:02d}" for i in range(1, 11)]
TEACHER = "kptteach"
STRANGER = "kptzz"  # not on the roster
BUDGET_S = 420.0


def _free_base_port() -> int:
    """A base port whose class ports are free: base to base + 3, base + 10 to base + 21."""
    for base in range(18700, 28700, 50):
        needed = [*range(base, base + 4), *range(base + 10, base + 10 + len(LEARNERS) + 1)]
        if not any(_taken(port) for port in needed):
            return base
    raise RuntimeError("no free ports for the class")


def _taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Class:
    """The running class the tests share."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.base = f"http://127.0.0.1:{port}"
        self.budget = hub.Budget(BUDGET_S)
        self.learners = {name: hub.Learner(self.base, name, self.budget) for name in LEARNERS}
        self.pids: set[int] = set()
        self.notes: dict = {}

    def hub_pid(self) -> int:
        return json.loads((self.folder / "state/kpeace-hub.pid").read_text())["pid"]

    def remember_processes(self) -> None:
        """Record every process of the class (hub and descendants) to check the stop."""
        proc = psutil.Process(self.hub_pid())
        self.pids |= {proc.pid, *(c.pid for c in proc.children(recursive=True))}


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    assert os.geteuid() == 0, "the hub tests create system accounts: run them as root (as CI)"
    assert Path(hub.LEARNER_PYTHON).is_file(), "run tests/setup.sh: it makes the learners' Python"
    hub.remove_accounts([*LEARNERS, TEACHER])  # a run killed earlier left them
    folder = tmp_path_factory.mktemp("hub") / "class"
    port = _free_base_port()
    running = Class(folder, port)
    try:
        done = hub.init_class(folder, LEARNERS, TEACHER, port)
        assert done.returncode == 0, done.stdout + done.stderr
        running.notes["init_stdout"] = done.stdout
        start = time.monotonic()
        done = hub.kpeace("hub", "start", str(folder))
        assert done.returncode == 0, done.stdout + done.stderr
        running.notes["hub_start_s"] = time.monotonic() - start
        running.remember_processes()
        yield running
    finally:
        hub.kpeace("hub", "stop", str(folder))
        for pid in running.pids:  # anything the stop missed: by its pid
            try:
                psutil.Process(pid).kill()
            except psutil.NoSuchProcess:
                pass
        hub.remove_accounts([*LEARNERS, TEACHER])


def test_init_writes_the_class_folder_and_private_accounts(klass):
    folder = klass.folder
    config = (folder / "jupyterhub_config.py").read_text(encoding="utf-8")
    assert hub.PASSWORD not in config  # the class password is never written in clear
    for path in folder.rglob("*"):
        if path.is_file() and "node_modules" not in path.parts:
            assert hub.PASSWORD.encode() not in path.read_bytes(), path
    assert stat.S_IMODE((folder / "state").stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "teacher-password.txt").stat().st_mode) == 0o600
    assert '"localprocess"' in config and "SimpleLocalProcessSpawner" not in config
    assert "jupyterhub_idle_culler" in config
    for name in [*LEARNERS, TEACHER]:
        home = Path(pwd.getpwnam(name).pw_dir)
        assert stat.S_IMODE(home.stat().st_mode) == 0o700, home
    assert "created 11 accounts" in klass.notes["init_stdout"]
    assert "class pulse: registered" in klass.notes["init_stdout"]
    assert re.search(r"'kpeace\.cli',\s+'pulse',\s+'--db'", config)  # the pulse service
    status = hub.kpeace("hub", "status", str(folder))
    assert status.returncode == 0 and "answers" in status.stdout, status.stdout
    assert "Learners' servers running: 0 of 10" in status.stdout
    services = [" ".join(p.cmdline()) for p in psutil.Process(klass.hub_pid()).children()]
    assert any("configurable-http-proxy" in line for line in services), services
    assert any("jupyterhub_idle_culler" in line for line in services), services
    assert any("kpeace.cli pulse --db" in line for line in services), services


def test_login_form_lets_in_the_roster_only(klass):
    first = klass.learners[LEARNERS[0]]
    assert hub.Learner(klass.base, LEARNERS[0], klass.budget).login("wrong-password") == 403
    assert hub.Learner(klass.base, STRANGER, klass.budget).login(hub.PASSWORD) == 403
    assert hub.Learner(klass.base, TEACHER, klass.budget).login(hub.PASSWORD) == 403
    statuses = hub.together(list(klass.learners.values()), lambda x: x.login(hub.PASSWORD))
    assert statuses == [302] * len(LEARNERS)
    assert first.session.cookies.get("jupyterhub-hub-login", path="/hub/")


def test_all_servers_start_at_once_each_as_its_learner(klass):
    learners = list(klass.learners.values())
    start = time.monotonic()
    codes = hub.together(learners, hub.Learner.start_server)
    assert set(codes) <= {201, 202}, codes
    hub.together(learners, hub.Learner.wait_ready)
    klass.notes["all_ready_s"] = time.monotonic() - start
    klass.remember_processes()
    owners = {}
    for proc in psutil.Process(klass.hub_pid()).children():
        if "singleuser" in " ".join(proc.cmdline()):
            owners[proc.environ()["JUPYTERHUB_USER"]] = proc.uids().real
    assert owners == {name: pwd.getpwnam(name).pw_uid for name in LEARNERS}
    status = hub.kpeace("hub", "status", str(klass.folder))
    assert "Learners' servers running: 10 of 10" in status.stdout, status.stdout


def test_every_learner_opens_lab_through_oauth(klass):
    pages = hub.together(list(klass.learners.values()), hub.Learner.open_lab)
    for name, page in zip(LEARNERS, pages, strict=True):
        assert page.status_code == 200, (name, page.status_code)
        assert page.url == f"{klass.base}/user/{name}/lab"
        assert any("oauth" in r.headers.get("location", "") for r in page.history), name
        assert (
            "jupyterlab-plotly" in page.text and "@jupyter-widgets/jupyterlab-manager" in page.text
        )


def test_each_learner_has_the_series_in_their_own_home(klass):
    for name in LEARNERS:
        listing = klass.learners[name].server_api("GET", "/contents").json()["content"]
        names = {item["name"] for item in listing}
        assert hub.NOTEBOOK in names and "05_hindsight.ipynb" in names, names
        course = Path(pwd.getpwnam(name).pw_dir) / "kpeace-course"
        assert (course / hub.NOTEBOOK).stat().st_uid == pwd.getpwnam(name).pw_uid


def test_every_learner_runs_a_notebook_over_the_websocket_at_once(klass):
    start = time.monotonic()
    runs = hub.together(list(klass.learners.values()), hub.Learner.run_notebook)
    klass.notes["notebooks_s"] = time.monotonic() - start
    for name, run in zip(LEARNERS, runs, strict=True):
        assert len(run["statuses"]) >= 10, name
        assert set(run["statuses"]) == {"ok"}, (name, run["statuses"])


QUESTION = "q0-1"  # a self-check of notebook 00
RIGHT = 6  # learners 1-6 answer right, 7-10 wrong: 60 % right at the first try


def _expected_shares() -> dict[str, str]:
    """Each choice's share of first answers, as the learners below choose."""
    import kpeace.widgets as kw

    question = kw.self_check(QUESTION).question
    wrong = [k for k in question.choices if k != question.correct]
    chosen = [question.correct if i < RIGHT else wrong[i % len(wrong)] for i in range(10)]
    return {k: f"{chosen.count(k) * 10} %" for k in question.choices}


def test_each_learner_answers_a_self_check_in_their_kernel(klass):
    def answer(item):
        index, learner = item
        kernel = learner.kernel(hub.NOTEBOOK)
        try:
            return kernel.text(
                "import kpeace.widgets as kw\n"
                "from kpeace import answers\n"
                f"check = kw.self_check({QUESTION!r})\n"
                "question = check.question\n"
                "wrong = [k for k in question.choices if k != question.correct]\n"
                f"choice = question.correct if {index} < {RIGHT} else wrong[{index} % len(wrong)]\n"
                "check.answer(choice)\n"
                "print(answers.wait_for_sends(), choice == question.correct)\n"
            )
        finally:
            kernel.close()

    printed = hub.together(list(enumerate(klass.learners.values())), answer)
    assert printed == ["True True\n"] * RIGHT + ["True False\n"] * (len(LEARNERS) - RIGHT)


def test_a_learner_cannot_read_the_pulse_before_the_reveal(klass):
    learner = klass.learners[LEARNERS[3]]
    for path in ("", "class", "export.csv"):
        page = learner.session.get(f"{klass.base}/services/pulse/{path}", timeout=60)
        assert page.status_code == 403, (path, page.status_code, page.url)
        assert "q0-1" not in page.text and "right at the first try" not in page.text


def test_teacher_sees_ten_answers_with_the_right_shares(klass, browser):
    password = (klass.folder / "teacher-password.txt").read_text().strip()
    context = browser.new_context(viewport={"width": 1000, "height": 1400})
    page = context.new_page()
    outside = []

    def route(route):
        if route.request.url.startswith(klass.base + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    try:
        page.goto(f"{klass.base}/hub/login?next=/services/pulse/")
        page.fill("#username_input", TEACHER)
        page.fill("#password_input", password)
        page.click("#login_submit")
        page.wait_for_url(f"{klass.base}/services/pulse/", timeout=60_000)
        card = page.locator(f"#card-{QUESTION}")
        card.wait_for(timeout=60_000)
        page.wait_for_function(
            f"document.querySelectorAll('#card-{QUESTION} .pulse-chart .main-svg').length > 0",
            timeout=60_000,
        )
        text = card.inner_text()
        assert "10 learner(s) answered" in text, text
        assert f"{RIGHT * 10} % right at the first try" in text, text
        rows = card.locator("table tbody tr").evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
        )
        shares = {row[0].rstrip(" ✓"): row[3] for row in rows}
        assert shares == _expected_shares(), rows
        shot = Path(os.environ.get("KPEACE_PULSE_SCREENSHOT", klass.folder / "pulse-page.png"))
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        # the teacher reveals the result: now a learner can read it
        page.get_by_role("button", name="Reveal the result to learners").click()
        page.wait_for_load_state()
        learner = klass.learners[LEARNERS[3]]
        result = learner.session.get(f"{klass.base}/services/pulse/class", timeout=60)
        assert result.status_code == 200 and f"card-{QUESTION}" in result.text
        assert outside == []
    finally:
        context.close()


def test_a_learner_cannot_reach_another_learners_server(klass):
    mine, other = klass.learners[LEARNERS[0]], LEARNERS[1]
    page = mine.open_lab(owner=other)
    assert page.status_code == 403, (page.status_code, page.url)
    assert "JupyterLab" not in page.text
    api = mine.session.get(f"{klass.base}/user/{other}/api/contents", allow_redirects=False)
    assert api.status_code in (302, 403), api.status_code
    assert "00_start_here" not in api.text


def test_a_learners_kernel_cannot_open_another_learners_home(klass):
    mine, other = klass.learners[LEARNERS[0]], LEARNERS[1]
    other_home = pwd.getpwnam(other).pw_dir
    kernel = mine.kernel(hub.NOTEBOOK)
    try:
        code = (
            "import os\n"
            f"home = {other_home!r}\n"
            "for attempt in (lambda: os.listdir(home),\n"
            "                lambda: open(home + '/kpeace-course/00_start_here.ipynb').read(),\n"
            "                lambda: open(home + '/kpeace-course/mine.txt', 'w')):\n"
            "    try:\n"
            "        attempt()\n"
            "        print('ALLOWED')\n"
            "    except PermissionError:\n"
            "        print('refused')\n"
            "print(os.getuid(), os.path.expanduser('~'))\n"
            "import json, ipykernel.connect\n"
            "print(json.load(open(ipykernel.connect.get_connection_file()))['transport'])\n"
        )
        out = kernel.text(code).split("\n")
    finally:
        kernel.close()
    assert out[:3] == ["refused"] * 3, out
    assert out[3] == f"{pwd.getpwnam(LEARNERS[0]).pw_uid} {pwd.getpwnam(LEARNERS[0]).pw_dir}"
    assert out[4] == "ipc", out  # kernels on sockets in the learner's home, not on TCP ports


def test_an_edit_is_kept_and_a_deleted_notebook_is_back_after_a_restart(klass):
    learner = klass.learners[LEARNERS[2]]
    nb = learner.server_api("GET", f"/contents/{hub.NOTEBOOK}").json()["content"]
    nb["cells"].append(
        {"cell_type": "markdown", "metadata": {}, "source": "MY OWN NOTE", "id": "kpt-note"}
    )
    saved = learner.server_api(
        "PUT", f"/contents/{hub.NOTEBOOK}", json={"type": "notebook", "content": nb}
    )
    assert saved.status_code == 200, saved.text
    assert learner.server_api("DELETE", "/contents/01_armistice.ipynb").status_code == 204
    learner.stop_server()
    learner.start_server()
    learner.wait_ready()
    assert learner.open_lab().status_code == 200
    again = learner.server_api("GET", f"/contents/{hub.NOTEBOOK}").json()["content"]
    assert any("MY OWN NOTE" in "".join(c["source"]) for c in again["cells"])
    back = learner.server_api("GET", "/contents/01_armistice.ipynb")
    assert back.status_code == 200 and back.json()["content"]["cells"]
    klass.remember_processes()


def test_stop_leaves_no_process_and_no_listening_port(klass):
    klass.remember_processes()
    assert len(klass.pids) >= 12  # hub, proxy, culler and ten servers at least
    done = hub.kpeace("hub", "stop", str(klass.folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Stopped the class" in done.stdout
    alive = [pid for pid in klass.pids if psutil.pid_exists(pid)]
    assert not alive, alive
    assert not hub.processes_of([*LEARNERS, TEACHER])
    assert not [p for p in range(klass.port, klass.port + 4) if _taken(p)]
    status = hub.kpeace("hub", "status", str(klass.folder))
    assert status.returncode == 1 and "stopped" in status.stdout
    notes = klass.notes
    print(
        f"\nhub start {notes['hub_start_s']:.1f} s; 10 servers ready {notes['all_ready_s']:.1f} s;"
        f" 10 notebooks at once {notes['notebooks_s']:.1f} s"
    )
