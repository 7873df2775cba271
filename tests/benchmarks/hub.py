"""A class on one server (kpeace hub), measured; and the learner client the hub tests use.

    python tests/benchmarks/hub.py --learners 10 30 --json hub.json    (as root)

For each class size N, on loopback only: `kpeace hub init` with N learners (N system
accounts), `kpeace hub start`, then

* one learner alone: server ready, and a notebook of the series run over the kernel websocket;
* all N at once: every server started at the same moment until all are ready, then the same
  notebook run by every learner at the same moment;
* seconds per learner (all-at-once time ÷ N) and the ratio to one learner alone;
* memory per learner: PSS of every process of the learner's account (server + kernel).

Goals (issue 11): N = 30 all ready and all notebooks run <= 120 s on 2 cores, <= 300 MiB per
learner. Every process is stopped by `kpeace hub stop` and the accounts are removed.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import websocket

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "class-password-for-tests"
LEARNER_PYTHON = os.environ.get("KPEACE_HUB_PYTHON", "/opt/kpeace-hub-test/bin/python")
NOTEBOOK = "00_start_here.ipynb"


class Budget:
    """A deadline: every wait in a run checks it, so nothing runs unbounded."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the time budget of this hub run is spent")
        return remaining


class Learner:
    """One person in the class, using the hub as a browser would (cookies and XSRF)."""

    def __init__(self, base: str, name: str, budget: Budget) -> None:
        assert base.startswith("http://127.0.0.1:"), base  # loopback only
        self.base, self.name, self.budget = base, name, budget
        self.session = requests.Session()

    def _timeout(self) -> float:
        return min(120.0, self.budget.left())

    def login(self, password: str) -> int:
        """Log in through the login form; return the POST's status (302 = in)."""
        self.session.get(f"{self.base}/hub/login", timeout=self._timeout())
        xsrf = self.session.cookies.get("_xsrf", path="/hub/")
        reply = self.session.post(
            f"{self.base}/hub/login",
            data={"username": self.name, "password": password, "_xsrf": xsrf},
            allow_redirects=False,
            timeout=self._timeout(),
        )
        return reply.status_code

    def hub_api(self, method: str, path: str, **kw: object) -> requests.Response:
        headers = {"X-XSRFToken": self.session.cookies.get("_xsrf", path="/hub/") or ""}
        return self.session.request(
            method, f"{self.base}/hub/api{path}", headers=headers, timeout=self._timeout(), **kw
        )

    def start_server(self) -> int:
        return self.hub_api("POST", f"/users/{self.name}/server").status_code

    def stop_server(self) -> None:
        self.hub_api("DELETE", f"/users/{self.name}/server")
        while self.server():
            self.budget.left()
            time.sleep(0.25)

    def server(self) -> dict:
        return self.hub_api("GET", f"/users/{self.name}").json().get("servers", {}).get("", {})

    def wait_ready(self) -> float:
        """Wait until this learner's server is ready; return the time it took."""
        start = time.monotonic()
        while not self.server().get("ready"):
            self.budget.left()
            time.sleep(0.25)
        return time.monotonic() - start

    def open_lab(self, owner: str | None = None) -> requests.Response:
        """Open /user/OWNER/lab following the OAuth redirects (default: one's own)."""
        return self.session.get(
            f"{self.base}/user/{owner or self.name}/lab", timeout=self._timeout()
        )

    def server_api(self, method: str, path: str, **kw: object) -> requests.Response:
        xsrf = self.session.cookies.get("_xsrf", path=f"/user/{self.name}/") or ""
        return self.session.request(
            method,
            f"{self.base}/user/{self.name}/api{path}",
            headers={"X-XSRFToken": xsrf},
            timeout=self._timeout(),
            **kw,
        )

    def kernel(self, notebook: str) -> Kernel:
        """Start a kernel for ``notebook`` (a session, as JupyterLab does) and connect."""
        reply = self.server_api(
            "POST",
            "/sessions",
            json={
                "path": notebook,
                "type": "notebook",
                "name": notebook,
                "kernel": {"name": "python3"},
            },
        )
        reply.raise_for_status()
        return Kernel(self, reply.json()["kernel"]["id"])

    def run_notebook(self, notebook: str = NOTEBOOK, keep: bool = False) -> dict:
        """Run every code cell of ``notebook`` in a new kernel over the websocket.

        With ``keep``, the kernel stays running and is returned under ``"kernel"``.
        """
        start = time.monotonic()
        nb = self.server_api("GET", f"/contents/{notebook}").json()["content"]
        kernel = self.kernel(notebook)
        try:
            statuses = [
                kernel.execute("".join(cell["source"]))["status"]
                for cell in nb["cells"]
                if cell["cell_type"] == "code"
            ]
        except BaseException:
            kernel.close()
            raise
        seconds = time.monotonic() - start
        if not keep:
            kernel.close()
        return {"statuses": statuses, "seconds": seconds, "kernel": kernel if keep else None}


class Kernel:
    """A kernel reached over the server's websocket with the learner's cookies."""

    def __init__(self, learner: Learner, kernel_id: str) -> None:
        self.learner, self.id = learner, kernel_id
        jar = learner.session.cookies
        cookie = "; ".join(
            f"{c.name}={c.value}" for c in jar if c.path in ("/", f"/user/{learner.name}/")
        )
        xsrf = jar.get("_xsrf", path=f"/user/{learner.name}/") or ""
        self.session_id = uuid.uuid4().hex
        url = learner.base.replace("http://", "ws://")
        self.ws = websocket.create_connection(
            f"{url}/user/{learner.name}/api/kernels/{kernel_id}/channels"
            f"?session_id={self.session_id}&_xsrf={xsrf}",
            header=[f"Cookie: {cookie}"],
            timeout=min(120.0, learner.budget.left()),
        )
        self._request("kernel_info_request", {})

    def _request(self, kind: str, content: dict) -> dict:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "username": self.learner.name,
            "session": self.session_id,
            "msg_type": kind,
            "version": "5.3",
            "date": "",
        }
        self.ws.send(
            json.dumps(
                {
                    "header": header,
                    "parent_header": {},
                    "metadata": {},
                    "content": content,
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        reply, idle, outputs = None, False, []
        while reply is None or not idle:
            self.learner.budget.left()
            message = json.loads(self.ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind_in = message["header"]["msg_type"]
            if message["channel"] == "shell" and kind_in.endswith("_reply"):
                reply = message["content"]
            elif kind_in == "status":
                idle = message["content"]["execution_state"] == "idle"
            elif kind_in in ("stream", "execute_result", "display_data", "error"):
                outputs.append(message["content"])
        return {**reply, "outputs": outputs}

    def execute(self, code: str) -> dict:
        """Run ``code``; return the reply (``status``) with the outputs."""
        return self._request(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
        )

    def text(self, code: str) -> str:
        """Run ``code`` and return what it printed (stdout)."""
        result = self.execute(code)
        assert result["status"] == "ok", result
        return "".join(o.get("text", "") for o in result["outputs"])

    def close(self) -> None:
        self.ws.close()
        self.learner.server_api("DELETE", f"/kernels/{self.id}")


def kpeace(
    *args: str, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run ``python -m kpeace.cli ARGS`` (this checkout's kpeace) and return the result."""
    return subprocess.run(
        [sys.executable, "-m", "kpeace.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def init_class(
    folder: Path, learners: Sequence[str], teacher: str, port: int, extra: Sequence[str] = ()
) -> subprocess.CompletedProcess:
    """`kpeace hub init FOLDER` with a roster of ``learners`` (the learners' Python from /opt)."""
    roster = folder.parent / f"{folder.name}-roster.csv"
    roster.write_text(
        "username,full name\n" + "".join(f"{n},Learner {n}\n" for n in learners), encoding="utf-8"
    )
    return kpeace(
        "hub",
        "init",
        str(folder),
        "--roster",
        str(roster),
        "--teacher",
        teacher,
        "--port",
        str(port),
        "--learner-python",
        LEARNER_PYTHON,
        *extra,
        env={"KPEACE_HUB_PASSWORD": PASSWORD},
    )


def processes_of(names: Sequence[str]) -> list:
    """Return the running processes of these accounts (psutil processes)."""
    import psutil

    uids = set()
    for name in names:
        try:
            uids.add(pwd.getpwnam(name).pw_uid)
        except KeyError:
            continue
    found = []
    for proc in psutil.process_iter(["uids"]):
        if proc.info["uids"] and proc.info["uids"].real in uids:
            found.append(proc)
    return found


def remove_accounts(names: Sequence[str]) -> None:
    """Remove the test accounts a run created, with their homes (left processes: by pid)."""
    import psutil

    left = processes_of(names)
    for proc in left:  # only processes the run's hub started as these test accounts
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(left, timeout=10)
    for name in names:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        subprocess.run(["userdel", "-r", name], capture_output=True)


def pss_by_user(names: Sequence[str]) -> dict[str, float]:
    """Return the PSS (MiB) of all processes of each account."""
    import psutil

    uids = {pwd.getpwnam(n).pw_uid: n for n in names}
    total = dict.fromkeys(names, 0.0)
    for proc in psutil.process_iter(["uids"]):
        try:
            name = uids.get(proc.info["uids"].real)
            if name:
                total[name] += proc.memory_full_info().pss / 2**20
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def together(learners: Sequence[Learner], job: Callable[[Learner], object]) -> list:
    """Run ``job`` for every learner at the same moment; return the results in order."""
    with ThreadPoolExecutor(len(learners)) as pool:
        return list(pool.map(job, learners))


def measure(n: int, port: int, budget_s: float = 900) -> dict:
    """Measure one class of ``n`` learners (see the module docstring)."""
    names = [f"kpb{i:02d}" for i in range(1, n + 1)]
    teacher = "kpbteach"
    budget = Budget(budget_s)
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        try:
            done = init_class(folder, names, teacher, port)
            assert done.returncode == 0, done.stderr
            started = time.monotonic()
            done = kpeace("hub", "start", str(folder))
            assert done.returncode == 0, done.stderr
            hub_start = time.monotonic() - started
            learners = [Learner(base, name, budget) for name in names]
            logins = together(learners, lambda x: x.login(PASSWORD))
            assert set(logins) == {302}, logins
            alone = learners[0]
            start = time.monotonic()
            alone.start_server()
            alone.wait_ready()
            alone_ready = time.monotonic() - start
            alone.open_lab()
            alone_nb = alone.run_notebook()
            assert set(alone_nb["statuses"]) == {"ok"}, alone_nb
            alone.stop_server()
            start = time.monotonic()
            together(learners, Learner.start_server)

            def ready_at(learner: Learner) -> float:
                learner.wait_ready()
                return time.monotonic() - start

            ready = together(learners, ready_at)
            all_ready = time.monotonic() - start
            together(learners, Learner.open_lab)
            start = time.monotonic()
            runs = together(learners, lambda x: x.run_notebook(keep=True))
            all_nb = time.monotonic() - start
            assert all(set(r["statuses"]) == {"ok"} for r in runs)
            pss = pss_by_user(names)  # each learner's server and kernel, after the notebook
            together(runs, lambda r: r["kernel"].close())
            return {
                "learners": n,
                "hub_start_s": round(hub_start, 2),
                "one_alone": {
                    "ready_s": round(alone_ready, 2),
                    "notebook_s": round(alone_nb["seconds"], 2),
                },
                "all_ready_s": round(all_ready, 2),
                "ready_median_s": round(statistics.median(ready), 2),
                "ready_per_learner_s": round(all_ready / n, 2),
                "ready_ratio_to_alone": round(all_ready / alone_ready, 2),
                "all_notebooks_s": round(all_nb, 2),
                "notebook_per_learner_s": round(all_nb / n, 2),
                "notebook_ratio_to_alone": round(all_nb / alone_nb["seconds"], 2),
                "ready_plus_notebooks_s": round(all_ready + all_nb, 2),
                "pss_mib_per_learner_median": round(statistics.median(pss.values()), 1),
                "pss_mib_per_learner_max": round(max(pss.values()), 1),
            }
        finally:
            kpeace("hub", "stop", str(folder))
            remove_accounts([*names, teacher])
            log = folder / "logs" / "hub.log"
            if log.is_file():  # kept for a look after the run
                Path(tempfile.gettempdir(), f"kpeace-hub-benchmark-{n}.log").write_bytes(
                    log.read_bytes()
                )


def rows(sizes: Sequence[int], port: int = 18600) -> dict:
    """The hub measures as rows of run.py's table (time and memory of the largest class)."""
    classes = {f"N={n}": measure(n, port) for n in sizes}
    big = classes[f"N={max(sizes)}"]
    return {
        "9_hub_time": {
            "what": f"hub: {max(sizes)} learners all ready + all run a notebook, s",
            "ratio": big["ready_plus_notebooks_s"],
            "goal": 120,
            "met": big["ready_plus_notebooks_s"] <= 120,
            "classes": classes,
        },
        "10_hub_memory": {
            "what": f"hub: PSS per learner (server + kernel), N={max(sizes)}, MiB",
            "ratio": big["pss_mib_per_learner_max"],
            "goal": 300,
            "met": big["pss_mib_per_learner_max"] <= 300,
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--port", type=int, default=18600)
    parser.add_argument("--json", default="hub-benchmark.json")
    args = parser.parse_args(argv)
    results = {f"N={n}": measure(n, args.port) for n in args.learners}
    print(json.dumps(results, indent=1))
    Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
