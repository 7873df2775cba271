"""One system account per learner: created from the roster, home folder mode 700."""

from __future__ import annotations

import os
import pwd
import subprocess
from collections.abc import Iterable
from pathlib import Path

from kpeace.hub import HubError

HOME_MODE = 0o700


def first_regular_uid() -> int:
    """Return the lowest user id of ordinary accounts (``UID_MIN`` of /etc/login.defs).

    Returns
    -------
    int
        ``UID_MIN``, or 1000 if it is not set.
    """
    try:
        for line in Path("/etc/login.defs").read_text(encoding="utf-8").splitlines():
            fields = line.split()
            if len(fields) == 2 and fields[0] == "UID_MIN" and fields[1].isdigit():
                return int(fields[1])
    except OSError:
        pass
    return 1000


def check_accounts(names: Iterable[str]) -> list[str]:
    """Return the names that have no account yet; refuse names of system accounts.

    Parameters
    ----------
    names : iterable of str
        The learners' and the teacher's names.

    Returns
    -------
    list of str
        Names to create.

    Raises
    ------
    HubError
        If a name belongs to a system account (root, daemon, ...): its server would run with
        that account's rights.
    """
    lowest = first_regular_uid()
    missing = []
    for name in names:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            missing.append(name)
            continue
        if entry.pw_uid < lowest:
            raise HubError(
                f"{name} is a system account of this machine (uid {entry.pw_uid}); a learner's "
                "server would run with its rights. Rename that learner in the roster"
            )
    return missing


def create_accounts(names: Iterable[str]) -> list[str]:
    """Create a system account with a private home folder for each name that has none.

    Existing accounts are kept as they are (their home folders are not changed).

    Parameters
    ----------
    names : iterable of str
        The learners' and the teacher's names.

    Returns
    -------
    list of str
        The accounts created.

    Raises
    ------
    HubError
        If this is not root, a name is a system account, or ``useradd`` fails.
    """
    missing = check_accounts(names)
    if missing and os.geteuid() != 0:
        raise HubError(
            f"{len(missing)} learners have no account on this machine (e.g. {missing[0]}) and "
            "only root can create them; run kpeace hub as root, or add --shared-account "
            "(no isolation between learners)"
        )
    created = []
    for name in missing:
        done = subprocess.run(
            ["useradd", "--create-home", "--shell", "/usr/sbin/nologin", name],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise HubError(f"useradd {name} failed: {done.stderr.strip() or done.returncode}")
        os.chmod(pwd.getpwnam(name).pw_dir, HOME_MODE)
        created.append(name)
    return created


def runs_for(python: str, user: str | None) -> str | None:
    """Say why ``python`` cannot serve a learner, or None if it can.

    As root, the check runs as ``user`` (so a Python under a mode-700 home folder is caught).

    Parameters
    ----------
    python : str
        The learners' Python.
    user : str or None
        The account to try it as (None: this account).

    Returns
    -------
    str or None
        What is wrong, or None.
    """
    code = "import kpeace.hub.singleuser, jupyterhub.singleuser, jupyterlab, ipykernel"
    as_user = {"user": user} if user and os.geteuid() == 0 else {}
    try:
        done = subprocess.run(
            [python, "-c", code],
            capture_output=True,
            text=True,
            cwd="/",
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "HOME": "/"},
            **as_user,
        )
    except KeyError:  # no such account to try it as
        return runs_for(python, None)
    except OSError as err:
        return f"{python} cannot be run{' by ' + user if as_user else ''} ({err.strerror or err})"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return f"{python}{' run by ' + user if as_user else ''}: {last}"
    return None
