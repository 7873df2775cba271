"""Run the pulse web app on loopback in a thread, with the hub's sign-in replaced by a double.

The double sits where JupyterHub's ``HubOAuthenticated.get_current_user`` sits: it reads the
user from an ``X-Test-User`` header (treated like a token) or a ``test-user`` cookie (treated
like HubOAuth's cookie: a request that is not a page view must carry the page's xsrf token),
``name`` or ``name:admin``. Everything else (the handlers, the HubOAuth client's login
redirect and xsrf tokens) is real.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from jupyterhub._xsrf_utils import _needs_check_xsrf
from jupyterhub.services.auth import HubOAuth
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from kpeace.pulse.app import Pulse, PulseHandler, course_questions, make_app
from kpeace.pulse.store import PulseStore

PREFIX = "/services/pulse/"


def fake_current_user(handler: Any) -> dict[str, Any] | None:
    """Header: like a token (no xsrf). Cookie: like HubOAuth's cookie, xsrf checked as it does."""
    raw = handler.request.headers.get("X-Test-User")
    if raw:
        handler._token_authenticated = True
    else:
        raw = handler.get_cookie("test-user")
        if raw and _needs_check_xsrf(handler):  # as HubOAuth._get_user_cookie does
            try:
                handler.check_xsrf_cookie()
            except web.HTTPError:
                return None
    if not raw:
        return None
    name, _, role = raw.partition(":")
    return {"kind": "user", "name": name, "admin": role == "admin", "scopes": []}


@dataclass
class Served:
    base: str  # http://127.0.0.1:PORT
    pulse: Pulse

    @property
    def url(self) -> str:
        return self.base + PREFIX

    def get(self, path: str = "", user: str | None = None, **kw: Any) -> requests.Response:
        headers = {"X-Test-User": user} if user else {}
        return requests.get(
            self.url + path, headers=headers, timeout=30, allow_redirects=False, **kw
        )

    def post(self, path: str, user: str | None = None, **kw: Any) -> requests.Response:
        headers = {"X-Test-User": user} if user else {}
        return requests.post(
            self.url + path, headers=headers, timeout=30, allow_redirects=False, **kw
        )


def hub_auth() -> HubOAuth:
    return HubOAuth(
        api_token="test-token-not-used",
        api_url="http://127.0.0.1:9/hub/api/",
        oauth_client_id="service-pulse",
        base_url=PREFIX,
        hub_prefix="/hub/",
        hub_host="",
    )


class ServerThread:
    """Start the app in its own event loop thread; ``stop()`` ends it."""

    def __init__(self, db: Path) -> None:
        self.pulse = Pulse(
            store=PulseStore(db), questions=course_questions(), hub_auth=hub_auth(), prefix=PREFIX
        )
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.port = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.stopped = asyncio.Event()

        async def main() -> None:
            sock, self.port = bind_unused_port()
            server = HTTPServer(make_app(self.pulse, b"0" * 64))
            server.add_sockets([sock])
            self.ready.set()
            await self.stopped.wait()
            server.stop()

        self.loop.run_until_complete(main())
        self.loop.close()

    def start(self) -> Served:
        self.thread.start()
        assert self.ready.wait(30), "the pulse did not start"
        return Served(f"http://127.0.0.1:{self.port}", self.pulse)

    def stop(self) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self.stopped.set)
        self.thread.join(30)


def start(db: Path, monkeypatch: Any) -> tuple[ServerThread, Served]:
    monkeypatch.setattr(PulseHandler, "get_current_user", fake_current_user)
    thread = ServerThread(db)
    return thread, thread.start()
