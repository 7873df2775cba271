"""The authenticator the hub loads: JupyterHub's shared password, checked against hashes.

JupyterHub's ``SharedPasswordAuthenticator`` keeps its passwords in clear in the config. This
subclass reads salted hashes (see :mod:`kpeace.hub.passwords`) from a file only the hub's
account can read: learners log in with the class password, the teacher (an admin) with their
own. Everything else (allowed users, admins, the login form) is JupyterHub's.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from jupyterhub.auth import Authenticator
from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
from traitlets import Unicode

from kpeace.hub.passwords import check_password


class HashedSharedPasswordAuthenticator(SharedPasswordAuthenticator):
    """Shared-password login where the passwords are stored as salted hashes."""

    password_file = Unicode(
        config=True,
        help="JSON file with 'class' and 'teacher' password hashes (mode 600).",
    )

    def _hashes(self) -> dict[str, str]:
        return json.loads(Path(self.password_file).read_text(encoding="utf-8"))

    def check_allow_config(self) -> None:
        """Check the allow lists only (the passwords live in :attr:`password_file`)."""
        Authenticator.check_allow_config(self)

    async def authenticate(self, handler: Any, data: dict[str, str]) -> dict | None:
        """Return the user if the password matches their role's hash, else None.

        Parameters
        ----------
        handler : tornado.web.RequestHandler
            The login handler.
        data : dict
            The login form: ``username`` and ``password``.

        Returns
        -------
        dict or None
            ``{"name", "admin", "groups"}``, or None to refuse.
        """
        hashes = self._hashes()
        admin = data["username"] in self.admin_users
        stored = hashes["teacher" if admin else "class"]
        if await asyncio.to_thread(check_password, data["password"], stored):
            return {"name": data["username"], "admin": admin, "groups": []}
        return None
