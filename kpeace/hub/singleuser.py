"""A learner's server start-up (``kpeace hub singleuser``), run as the learner by the hub.

It copies the series into ``~/kpeace-course`` with kpeace's safe copy (the same code as
``kpeace notebooks``: a learner's edit is never overwritten, a deleted notebook comes back),
writes the classroom JupyterLab settings there, and then becomes ``jupyterhub-singleuser``
serving that folder. The files belong to the learner, since this runs as the learner.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path


def prepare(home: Path, folder_name: str) -> tuple[Path, list[str]]:
    """Copy the series into ``home/folder_name`` and write the classroom settings.

    Parameters
    ----------
    home : pathlib.Path
        The learner's home folder.
    folder_name : str
        The course folder's name inside it.

    Returns
    -------
    tuple of (pathlib.Path, list of str)
        The course folder, and lines to log (what the copy did, or why it failed).
    """
    from kpeace import __version__
    from kpeace._paths import notebooks_root
    from kpeace.lab import write_settings
    from kpeace.workspace import WorkspaceError, copy_series

    dest = home / folder_name
    log: list[str] = []
    try:
        report = copy_series(notebooks_root(), dest, __version__)
        log += report.lines() + report.notes
        log += [f"could not update {name}: {why}" for name, why in report.failed]
    except (OSError, WorkspaceError) as err:  # the learner's server still starts
        log.append(f"the series was not copied: {err}")
    os.environ["JUPYTERLAB_SETTINGS_DIR"] = str(write_settings(dest))
    return dest, log


def command(dest: Path, args: Sequence[str]) -> list[str]:
    """Return the ``jupyterhub-singleuser`` command serving ``dest``.

    Parameters
    ----------
    dest : pathlib.Path
        The course folder.
    args : sequence of str
        The arguments JupyterHub passed.

    Returns
    -------
    list of str
        The command (this Python's ``-m jupyterhub.singleuser``).
    """
    cmd = [
        sys.executable,
        "-m",
        "jupyterhub.singleuser",
        f"--ServerApp.root_dir={dest}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        # Kernels talk to their server over Unix sockets in the learner's own runtime folder,
        # not over TCP ports: with a class starting at once, two servers picked the same free
        # port for two kernels (one kernel died with "Address already in use", the other
        # server saw "Invalid Signature"), and no other account can reach a socket there.
        "--KernelManager.transport=ipc",
        *args,
    ]
    if os.geteuid() == 0:  # only with --shared-account under a root hub
        cmd.append("--allow-root")
    return cmd


def main(args: Sequence[str]) -> int:
    """Prepare the learner's folder, then replace this process by their server.

    Parameters
    ----------
    args : sequence of str
        The arguments JupyterHub passed (handed on to ``jupyterhub-singleuser``).

    Returns
    -------
    int
        Only if the server cannot be started: 1.
    """
    home = Path(os.environ.get("HOME") or Path.home())
    dest, log = prepare(home, os.environ.get("KPEACE_HUB_COURSE", "kpeace-course"))
    user = os.environ.get("JUPYTERHUB_USER", "?")
    for line in log:
        print(f"kpeace hub singleuser [{user}]: {line}", file=sys.stderr, flush=True)
    cmd = command(dest, args)
    try:
        os.execv(cmd[0], cmd)
    except OSError as err:
        print(f"kpeace hub singleuser: cannot start {cmd[0]}: {err}", file=sys.stderr)
    return 1
