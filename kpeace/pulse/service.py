"""Run the class pulse as a JupyterHub service: read the hub's environment, listen, serve.

JupyterHub starts a managed service with (among others) ``JUPYTERHUB_API_TOKEN``,
``JUPYTERHUB_API_URL``, ``JUPYTERHUB_CLIENT_ID``, ``JUPYTERHUB_SERVICE_URL`` (where to listen)
and ``JUPYTERHUB_SERVICE_PREFIX`` (the URL prefix, ``/services/pulse/``); ``HubOAuth`` reads
them itself. :func:`settings` checks them first, so a wrong start gives one clear line.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_PREFIX = "/services/pulse/"
REQUIRED = ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_API_URL", "JUPYTERHUB_CLIENT_ID")


class PulseConfigError(ValueError):
    """The service cannot start as configured (the message says what to change)."""


@dataclass(frozen=True)
class Settings:
    """Where the service listens, its URL prefix and its database."""

    host: str
    port: int
    prefix: str
    db: Path


def settings(db: Path, url: str | None, environ: dict[str, str] | None = None) -> Settings:
    """Check the hub's environment and the arguments; return where and how to serve.

    Parameters
    ----------
    db : pathlib.Path
        The SQLite file (its folder must be writable).
    url : str, optional
        ``http://HOST:PORT`` to listen on (default: ``$JUPYTERHUB_SERVICE_URL``).
    environ : dict, optional
        The environment (default: ``os.environ``).

    Returns
    -------
    Settings
        Host, port, prefix and database.

    Raises
    ------
    PulseConfigError
        With a one-line message for a missing variable, a bad URL or an unusable database path.
    """
    env = dict(os.environ if environ is None else environ)
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        raise PulseConfigError(
            f"{', '.join(missing)} not set: kpeace pulse runs as a JupyterHub service, started "
            "by the hub that 'kpeace hub init' configures, not by hand"
        )
    address = url or env.get("JUPYTERHUB_SERVICE_URL", "")
    if not address:
        raise PulseConfigError(
            "no address to listen on: give --url http://127.0.0.1:PORT or set "
            "JUPYTERHUB_SERVICE_URL"
        )
    parts = urlsplit(address)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "http" or not parts.hostname or not port:
        raise PulseConfigError(
            f"{address!r} is not an address to listen on; use http://HOST:PORT, "
            "e.g. http://127.0.0.1:10101"
        )
    prefix = env.get("JUPYTERHUB_SERVICE_PREFIX") or DEFAULT_PREFIX
    prefix = "/" + prefix.strip("/") + "/"
    db = Path(db).expanduser()
    if db.exists() and not db.is_file():
        raise PulseConfigError(f"--db {db} is a folder; give the path of the database file")
    folder = db.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise PulseConfigError(
            f"cannot create {folder} for the database ({err.strerror or err})"
        ) from None
    if not os.access(folder, os.W_OK):
        raise PulseConfigError(f"cannot write to {folder}; give --db a path in a writable folder")
    return Settings(parts.hostname, port, prefix, db)


def cookie_secret(db: Path) -> bytes:
    """Return the service's cookie secret, kept beside the database (mode 600) across restarts.

    Parameters
    ----------
    db : pathlib.Path
        The database file.

    Returns
    -------
    bytes
        32 random bytes (hex-encoded).
    """
    path = db.with_name(db.name + ".cookie_secret")
    if path.is_file():
        secret = path.read_bytes().strip()
        if len(secret) >= 32:
            return secret
    secret = secrets.token_hex(32).encode("ascii")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(secret)
    return secret


def serve(config: Settings) -> None:
    """Serve the pulse until SIGINT or SIGTERM (how JupyterHub stops a service).

    Parameters
    ----------
    config : Settings
        From :func:`settings`.

    Raises
    ------
    OSError
        If the address cannot be listened on (e.g. the port is taken).
    """
    import asyncio
    import signal

    from jupyterhub.services.auth import HubOAuth

    from kpeace.pulse.app import Pulse, course_questions, make_app
    from kpeace.pulse.store import PulseStore

    async def main() -> None:
        pulse = Pulse(
            store=PulseStore(config.db),
            questions=course_questions(),
            hub_auth=HubOAuth.instance(),
            prefix=config.prefix,
        )
        app = make_app(pulse, cookie_secret(config.db))
        app.listen(config.port, config.host, xheaders=True)
        print(
            f"kpeace pulse: serving http://{config.host}:{config.port}{config.prefix} "
            f"(database {config.db})",
            flush=True,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):  # the hub stops services with these
            loop.add_signal_handler(signum, stop.set)  # (even where SIGINT was ignored)
        await stop.wait()
        print("kpeace pulse: stopped", flush=True)

    asyncio.run(main())
