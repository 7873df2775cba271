"""Set up, start, inspect and stop a class's hub, by the process ids kpeace records."""

from __future__ import annotations

import errno
import json
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kpeace._files import write_whole
from kpeace.hub import HubError
from kpeace.hub.config import (
    CONFIG,
    TEACHER_PASSWORD,
    ClassSettings,
    load_settings,
    render_config,
    write_class,
    write_teacher_password,
)

PID_FILE = "kpeace-hub.pid"
READY_TIMEOUT = 90.0
STOP_TIMEOUT = 60.0


def pulse_entries(settings: ClassSettings) -> dict | None:
    """Return the class pulse's registration, or None if this kpeace has no pulse.

    Parameters
    ----------
    settings : ClassSettings
        The class.

    Returns
    -------
    dict or None
        What :func:`kpeace.pulse.hub_entries` returns.
    """
    try:
        from kpeace.pulse import hub_entries
    except ImportError:
        return None
    return hub_entries(
        [settings.hub_python, "-m", "kpeace.cli"],
        settings.state / "pulse.sqlite",
        settings.pulse_port,
    )


def port_taken(ip: str, port: int) -> bool:
    """Say whether something listens on ``ip:port`` (as a server would bind it).

    Connections still closing (TIME_WAIT) do not count, as for JupyterHub and the proxy,
    which bind with ``SO_REUSEADDR``.

    Parameters
    ----------
    ip : str
        The address.
    port : int
        The port.

    Returns
    -------
    bool
        True if the port cannot be listened on.
    """
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip, port))
        except OSError as err:
            return err.errno == errno.EADDRINUSE
    return False


def ports_problem(settings: ClassSettings) -> str | None:
    """Say which of the class's four ports cannot be listened on, or None.

    Parameters
    ----------
    settings : ClassSettings
        The class.

    Returns
    -------
    str or None
        A message naming the port and what to do.
    """
    from kpeace.lab import address_problem

    if not 1 <= settings.port <= 65532:
        return f"--port must be between 1 and 65532 (the next 3 are used too), not {settings.port}"
    for ip, port, what in (
        (settings.ip, settings.port, "the public port"),
        ("127.0.0.1", settings.proxy_api_port, "the proxy's API: --port + 1"),
        ("127.0.0.1", settings.hub_port, "the hub: --port + 2"),
        ("127.0.0.1", settings.pulse_port, "the class pulse: --port + 3"),
    ):
        if port_taken(ip, port):
            return f"port {port} ({what}) is already in use on {ip}; choose another --port"
    for name, port in settings.server_ports().items():
        if not 1 <= port <= 65535 or port_taken("127.0.0.1", port):
            return (
                f"port {port} ({name}'s server: --port + {port - settings.port}) cannot be "
                "used on 127.0.0.1; choose another --port"
            )
    problem = address_problem(settings.ip, None)
    return problem


@dataclass
class InitReport:
    """What ``kpeace hub init`` did."""

    settings: ClassSettings
    teacher_password: str
    created_accounts: list[str] = field(default_factory=list)
    proxy_installed: bool = False
    pulse: bool = False


def init_class(settings: ClassSettings, class_password: str) -> InitReport:
    """Set up the class folder; nothing is left half-written if a step fails.

    Parameters
    ----------
    settings : ClassSettings
        The class (roster and password already checked).
    class_password : str
        The class password (stored only as a hash).

    Returns
    -------
    InitReport
        What was done, with the teacher's password.

    Raises
    ------
    HubError
        If the folder cannot be written, the hub runs, a port is taken, the learners' Python
        cannot serve them, npm or useradd fails.
    """
    from kpeace.hub import accounts, proxy
    from kpeace.hub.passwords import hash_password, new_teacher_password
    from kpeace.workspace import check_destination

    folder = settings.folder
    existed = folder.exists()
    if existed and running_pid(folder):
        raise HubError(f"the class in {folder} is running; stop it first: kpeace hub stop {folder}")
    problem = ports_problem(settings)
    if problem:
        raise HubError(problem)
    everyone = [*settings.learners, settings.teacher]
    if not settings.shared_account:
        accounts.check_accounts(everyone)
    trial_user = None if settings.shared_account else "nobody"
    problem = accounts.runs_for(settings.learner_python, trial_user)
    if problem:
        raise HubError(
            f"the learners' Python cannot serve them: {problem}. Make a virtual environment "
            "outside any home folder, e.g. /usr/bin/python3 -m venv /opt/kpeace && "
            "/opt/kpeace/bin/pip install 'kpeace[hub]', then add --learner-python "
            "/opt/kpeace/bin/python"
        )
    settings.extra["node"] = str(proxy.node_executable())
    try:
        check_destination(folder)
    except (OSError, ValueError) as err:
        raise HubError(str(err)) from None
    try:
        installed = proxy.install_proxy(folder)
        created = [] if settings.shared_account else accounts.create_accounts(everyone)
        teacher_file = folder / TEACHER_PASSWORD
        teacher = (
            teacher_file.read_text(encoding="utf-8").strip()
            if teacher_file.is_file()
            else new_teacher_password()
        )
        pulse = pulse_entries(settings)
        hashes = {"class": hash_password(class_password), "teacher": hash_password(teacher)}
        write_class(settings, render_config(settings, pulse), hashes)
        write_teacher_password(folder, teacher)
    except BaseException:
        if not existed:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return InitReport(settings, teacher, created, installed, pulse is not None)


def _pid_path(folder: Path) -> Path:
    return folder / "state" / PID_FILE


def _process(pid: int, started: float) -> object | None:
    """Return the psutil process ``pid`` if it is the one started at ``started``."""
    import psutil

    try:
        proc = psutil.Process(pid)
        if abs(proc.create_time() - started) < 1.0:
            return proc
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        pass
    return None


def running_pid(folder: Path) -> int | None:
    """Return the running hub's process id for the class, or None.

    Parameters
    ----------
    folder : pathlib.Path
        The class folder.

    Returns
    -------
    int or None
        The pid recorded by ``kpeace hub start``, if that process still runs.
    """
    try:
        data = json.loads(_pid_path(folder).read_text(encoding="utf-8"))
        return data["pid"] if _process(data["pid"], data["started"]) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "hub/health", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def start_class(folder: Path) -> ClassSettings:
    """Start the class's hub in the background and wait until it answers.

    Parameters
    ----------
    folder : pathlib.Path
        The class folder.

    Returns
    -------
    ClassSettings
        The class (its URL for learners).

    Raises
    ------
    HubError
        If it runs already, a port is taken, an account is missing and cannot be created, or
        the hub does not come up (the end of its log is in the message).
    """
    from kpeace.hub import accounts, proxy

    settings = load_settings(folder)
    if running_pid(folder):
        raise HubError(f"the class is running already at {settings.url}")
    problem = ports_problem(settings)
    if problem:
        raise HubError(problem)
    if not proxy.proxy_script(folder).is_file():
        raise HubError(f"the proxy is missing from {folder / 'proxy'}; run kpeace hub init again")
    if not settings.shared_account:
        accounts.create_accounts([*settings.learners, settings.teacher])
    log_path = folder / "logs" / "hub.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "ab") as log:
        hub = subprocess.Popen(
            [settings.hub_python, "-m", "jupyterhub", "-f", str(folder / CONFIG)],
            cwd=settings.state,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the teacher's terminal does not stop the class
        )
    _record(folder, hub.pid)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if hub.poll() is not None:
            _pid_path(folder).unlink(missing_ok=True)
            raise HubError(f"the hub stopped at once (exit {hub.returncode}):\n{_tail(log_path)}")
        if _answers(settings.url):
            _record(folder, hub.pid)  # with its proxy and services, now started
            return settings
        time.sleep(0.25)
    stop_class(folder)
    raise HubError(f"the hub did not answer within {READY_TIMEOUT:.0f} s:\n{_tail(log_path)}")


def _record(folder: Path, pid: int) -> None:
    """Record the hub's pid, and its children's (proxy, services), in ``state/``."""
    import psutil

    hub = psutil.Process(pid)
    children = []
    for child in hub.children():
        try:
            children.append({"pid": child.pid, "started": child.create_time()})
        except psutil.NoSuchProcess:
            continue
    record = {"pid": pid, "started": hub.create_time(), "children": children}
    write_whole(_pid_path(folder), (json.dumps(record) + "\n").encode("utf-8"))


def _recorded_children(folder: Path) -> list:
    """Return the hub's children recorded at start that still run (psutil processes)."""
    try:
        data = json.loads(_pid_path(folder).read_text(encoding="utf-8"))
        children = [_process(c["pid"], c["started"]) for c in data.get("children", [])]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [c for c in children if c is not None]


def _tail(path: Path, lines: int = 12) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(f"  {line}" for line in text[-lines:])


@dataclass
class Status:
    """What ``kpeace hub status`` reports."""

    settings: ClassSettings
    pid: int | None
    answers: bool
    servers: dict[str, int]


def class_status(folder: Path) -> Status:
    """Report whether the class runs, and which learners' servers run.

    Parameters
    ----------
    folder : pathlib.Path
        The class folder.

    Returns
    -------
    Status
        The hub's pid (None if stopped), whether it answers, the running servers by user.
    """
    settings = load_settings(folder)
    pid = running_pid(folder)
    servers: dict[str, int] = {}
    if pid:
        servers = {name: p.pid for name, p in _servers(pid).items()}
    return Status(settings, pid, bool(pid) and _answers(settings.url), servers)


def _servers(hub_pid: int) -> dict:
    """Return the learners' server processes under the hub, by user name."""
    import psutil

    found = {}
    try:
        children = psutil.Process(hub_pid).children()
    except psutil.NoSuchProcess:
        return found
    for child in children:
        try:
            if "singleuser" in " ".join(child.cmdline()):
                found[child.environ().get("JUPYTERHUB_USER", str(child.pid))] = child
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def _recorded_pids(folder: Path) -> list[int]:
    """Process ids the hub itself recorded: its proxy and each learner's server."""
    state = folder / "state"
    pids = []
    try:
        pids.append(int((state / "proxy.pid").read_text().strip()))
    except (OSError, ValueError):
        pass
    database = state / "jupyterhub.sqlite"
    if database.is_file():
        try:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
                for (text,) in db.execute("SELECT state FROM spawners WHERE state IS NOT NULL"):
                    pid = json.loads(text or "{}").get("pid")
                    if isinstance(pid, int) and pid > 0:
                        pids.append(pid)
        except (sqlite3.Error, ValueError):
            pass
    return pids


def stop_class(folder: Path) -> list[int]:
    """Stop the hub, its proxy, services and learners' servers, by their process ids.

    SIGTERM to the hub first (it stops its servers, services and proxy); then any process it
    left is sent SIGTERM, then SIGKILL, by pid. Works after the hub was killed too: the
    proxy's and servers' pids are read from the hub's own records.

    Parameters
    ----------
    folder : pathlib.Path
        The class folder.

    Returns
    -------
    list of int
        The process ids that were running and are now stopped (empty: nothing ran).
    """
    import psutil

    load_settings(folder)
    tracked: dict[int, psutil.Process] = {}
    pid = running_pid(folder)
    if pid:
        hub = psutil.Process(pid)
        tracked[pid] = hub
        for child in hub.children(recursive=True):
            tracked[child.pid] = child
    for child in _recorded_children(folder):  # also after the hub itself was killed
        tracked.setdefault(child.pid, child)
        try:
            tracked.update({c.pid: c for c in child.children(recursive=True)})
        except psutil.NoSuchProcess:
            pass
    for other in _recorded_pids(folder):
        if other in tracked:
            continue
        try:
            proc = psutil.Process(other)
            line = " ".join(proc.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if "singleuser" in line or "configurable-http-proxy" in line:
            tracked[other] = proc
            tracked.update({c.pid: c for c in proc.children(recursive=True)})
    if pid:
        _signal(tracked[pid], signal.SIGTERM)
        psutil.wait_procs([tracked[pid]], timeout=STOP_TIMEOUT)
    rest = [p for p in tracked.values() if p.is_running()]
    for proc in rest:
        _signal(proc, signal.SIGTERM)
    _, alive = psutil.wait_procs(rest, timeout=10)
    for proc in alive:
        _signal(proc, signal.SIGKILL)
    psutil.wait_procs(alive, timeout=10)
    _pid_path(folder).unlink(missing_ok=True)
    return sorted(tracked)


def _signal(proc: object, sig: int) -> None:
    import psutil

    try:
        proc.send_signal(sig)  # type: ignore[attr-defined]
    except psutil.NoSuchProcess:
        pass


def hub_python() -> str:
    """Return this Python (the one that runs the hub and its services).

    Returns
    -------
    str
        ``sys.executable``.
    """
    return sys.executable


def listening(settings: ClassSettings) -> list[int]:
    """Return the class's ports that something still listens on.

    Parameters
    ----------
    settings : ClassSettings
        The class.

    Returns
    -------
    list of int
        Ports among the public, proxy API, hub and pulse ports that are taken.
    """
    ports = [settings.port, settings.proxy_api_port, settings.hub_port, settings.pulse_port]
    return [p for p in ports if port_taken("127.0.0.1", p)]
