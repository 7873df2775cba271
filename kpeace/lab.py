"""Start JupyterLab for a class: in the learner's folder, quiet, offline-friendly.

Classroom settings are written to the folder's own ``.kpeace/lab`` settings directory (used
through ``JUPYTERLAB_SETTINGS_DIR``), so nothing outside the folder changes: no news pop-up,
no update check, every cell drawn at once.
"""

from __future__ import annotations

import json
import os
import socket
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


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Return whether ``port`` can be bound on ``host``.

    Parameters
    ----------
    port : int
        The port.
    host : str, optional
        The address.

    Returns
    -------
    bool
        True if nothing listens there.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


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
