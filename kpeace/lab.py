"""Start JupyterLab for a class: in the learner's folder, quiet, offline-friendly.

Classroom settings are written to the folder's own ``.kpeace/lab`` settings directory (used
through ``JUPYTERLAB_SETTINGS_DIR``), so nothing outside the folder changes: no news pop-up,
no update check, every cell drawn at once.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_FOLDER = Path.home() / "kpeace-course"
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # draw every cell at once: explorers further down are ready when a learner scrolls to them
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def write_settings(dest: Path) -> Path:
    """Write the classroom settings into ``dest/.kpeace/lab/user-settings``.

    Parameters
    ----------
    dest : pathlib.Path
        The learner's folder.

    Returns
    -------
    pathlib.Path
        The settings directory (for ``JUPYTERLAB_SETTINGS_DIR``).
    """
    root = dest / ".kpeace" / "lab" / "user-settings"
    for name, values in SETTINGS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=1) + "\n", encoding="utf-8")
    return root


def address_problem(ip: str, port: int | None) -> str | None:
    """Say what is wrong with listening on ``ip`` and ``port``, before anything is started.

    Parameters
    ----------
    ip : str
        The address (an IPv4 or IPv6 address, or a host name of this machine).
    port : int or None
        The port (None: JupyterLab picks a free one).

    Returns
    -------
    str or None
        A one-line message naming what is wrong and what is valid, or None if all is well.
    """
    if port is not None and not 1 <= port <= 65535:
        return f"--port must be between 1 and 65535, not {port}"
    valid = "e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every network)"
    if ip == "" or re.fullmatch(r"[\d.]+|.*:.*", ip):  # written as an address: check it
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            return f"--ip {ip!r} is not a valid IP address; {valid}"
    try:
        family, kind, proto, _, where = socket.getaddrinfo(ip, port or 0, type=socket.SOCK_STREAM)[
            0
        ]
    except (socket.gaierror, UnicodeError):
        return f"--ip {ip!r} is not an address of this machine; {valid}"
    with socket.socket(family, kind, proto) as sock:
        try:
            sock.bind(where)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                return (
                    f"port {port} is already in use on {ip}; choose another with --port, or "
                    "leave it out to let JupyterLab pick a free one"
                )
            return f"cannot listen on {ip} ({err.strerror or err}); {valid}"
    return None


def launch(cmd: Sequence[str], env: dict[str, str]) -> int:
    """Run JupyterLab until it stops (Ctrl-C stops it cleanly).

    Parameters
    ----------
    cmd : sequence of str
        The command from :func:`command`.
    env : dict
        The environment from :func:`environment`.

    Returns
    -------
    int
        JupyterLab's exit status (0 after Ctrl-C).
    """
    try:
        return subprocess.call(list(cmd), env=env)
    except KeyboardInterrupt:
        return 0


def command(
    dest: Path,
    *,
    port: int | None = None,
    no_browser: bool = False,
    ip: str = "127.0.0.1",
    extra: Sequence[str] = (),
) -> list[str]:
    """Return the ``jupyter lab`` command line for the folder.

    Parameters
    ----------
    dest : pathlib.Path
        Folder to serve.
    port : int, optional
        Port (JupyterLab picks one if not given).
    no_browser : bool, optional
        Do not open a browser.
    ip : str, optional
        Address to listen on (default: this machine only).
    extra : sequence of str, optional
        More arguments passed through.

    Returns
    -------
    list of str
        The command.
    """
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={dest}",
        f"--ip={ip}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--ServerApp.open_browser=" + ("False" if no_browser else "True"),
    ]
    if port is not None:
        cmd += [f"--port={port}", "--ServerApp.port_retries=0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return [*cmd, *extra]


def environment(dest: Path) -> dict[str, str]:
    """Return the environment for JupyterLab: classroom settings, live display mode.

    Parameters
    ----------
    dest : pathlib.Path
        The learner's folder.

    Returns
    -------
    dict
        ``os.environ`` plus ``JUPYTERLAB_SETTINGS_DIR`` and ``KPEACE_DISPLAY=live``.
    """
    return {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(write_settings(dest)),
        "KPEACE_DISPLAY": "live",
    }
