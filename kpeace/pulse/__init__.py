"""The class pulse: a JupyterHub service that shows the teacher the class's self-check answers.

:func:`hub_entries` is what ``kpeace hub init`` writes into ``jupyterhub_config.py``.

How a learner's kernel reaches the pulse (from JupyterHub's and jupyter_server's source):

* JupyterHub gives each single-user server ``JUPYTERHUB_API_TOKEN`` (``Spawner.get_env``), a
  token whose scopes are ``Spawner.server_token_scopes`` (default: the ``server`` role,
  ``users:activity!user`` and ``access:servers!server``), limited to the scopes the user holds.
* jupyter_server starts kernels with the server's whole environment
  (``SessionManager.get_kernel_env`` returns ``{**os.environ, "JPY_SESSION_NAME": ...}``), so the
  kernel has that token and ``Spawner.environment`` (``KPEACE_PULSE_URL``).
* The kernel POSTs with ``Authorization: token <JUPYTERHUB_API_TOKEN>``; the service's
  ``HubOAuth`` asks the hub who owns the token (``GET /hub/api/user``) and allows it only if the
  token holds ``access:services!service=pulse`` (its default access scope for a service named
  ``pulse``). Users do not hold that scope by default (the ``user`` role is ``self``), hence
  the ``user`` role below; the server token needs it too, hence ``server_token_scopes``.
* Admins hold ``access:services`` through the ``admin`` role, so the teacher needs nothing more.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SERVICE_NAME = "pulse"
ACCESS_SCOPE = f"access:services!service={SERVICE_NAME}"
#: The default ``server`` role's scopes (JupyterHub 4+), which server tokens keep.
SERVER_SCOPES = ("users:activity!user", "access:servers!server")


def hub_entries(kpeace_command: list[str], db: Path, port: int) -> dict[str, Any]:
    """Return what a hub's configuration needs to run the pulse as a service.

    Parameters
    ----------
    kpeace_command : list of str
        How to run ``kpeace`` (e.g. ``["/opt/class/venv/bin/kpeace"]``).
    db : pathlib.Path
        The pulse's SQLite file, ``DIR/state/pulse.sqlite``.
    port : int
        The loopback port the service listens on.

    Returns
    -------
    dict
        ``services`` (for ``c.JupyterHub.services``), ``roles`` (for ``c.JupyterHub.load_roles``:
        the ``user`` role with ``self`` plus access to the pulse), ``spawner_environment`` (for
        ``c.Spawner.environment``: ``KPEACE_PULSE_URL``) and ``server_token_scopes`` (for
        ``c.Spawner.server_token_scopes``: the ``server`` role's scopes plus access to the
        pulse).

    Raises
    ------
    ValueError
        If the port is not 1–65535 or the command is empty.
    """
    if not kpeace_command:
        raise ValueError("kpeace_command is empty; give the path of the kpeace program")
    if not 0 < int(port) < 65536:
        raise ValueError(f"port {port} is not a TCP port (1-65535)")
    url = f"http://127.0.0.1:{int(port)}"
    service = {
        "name": SERVICE_NAME,
        "url": url,
        "command": [*map(str, kpeace_command), "pulse", "--db", str(db)],
        "oauth_no_confirm": True,
        "display": True,
        "info": {"description": "kpeace class pulse: the class's self-check answers, live"},
    }
    return {
        "services": [service],
        "roles": [{"name": "user", "scopes": ["self", ACCESS_SCOPE]}],
        "spawner_environment": {"KPEACE_PULSE_URL": f"{url}/services/{SERVICE_NAME}/"},
        "server_token_scopes": [*SERVER_SCOPES, ACCESS_SCOPE],
    }


__all__ = ["ACCESS_SCOPE", "SERVICE_NAME", "hub_entries"]
