"""A class on one server: kpeace on JupyterHub (``kpeace hub init/start/status/stop``).

JupyterHub does the work: its shared-password authenticator, its ``LocalProcessSpawner`` (one
system account per learner), ``jupyterhub-idle-culler`` and its proxy,
configurable-http-proxy. kpeace writes the configuration, creates the accounts, starts and
stops the hub by the process ids it records, and copies the series into each learner's home
folder when their server starts (:mod:`kpeace.hub.singleuser`).

Modules: :mod:`~kpeace.hub.roster` (the class list), :mod:`~kpeace.hub.passwords` (hashes),
:mod:`~kpeace.hub.auth` (the authenticator the hub loads), :mod:`~kpeace.hub.config` (the
class folder and ``jupyterhub_config.py``), :mod:`~kpeace.hub.accounts` (system users),
:mod:`~kpeace.hub.proxy` (Node.js and the proxy), :mod:`~kpeace.hub.control` (start, status,
stop), :mod:`~kpeace.hub.singleuser` (a learner's server start-up).
"""

from __future__ import annotations


class HubError(Exception):
    """The class cannot be set up or run as asked; the message says why and what to do."""
