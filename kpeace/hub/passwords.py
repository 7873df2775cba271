"""Salted password hashes, so that no password of the class is stored in clear."""

from __future__ import annotations

import hashlib
import hmac
import secrets

MIN_LENGTH = 8
TEACHER_LENGTH = 32  # JupyterHub's shared-password authenticator asks this of admins
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of ``password`` (``scrypt$N$r$p$salt$hash``, hex).

    Parameters
    ----------
    password : str
        The password.

    Returns
    -------
    str
        The hash, safe to store.
    """
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Say whether ``password`` matches a hash from :func:`hash_password`.

    Parameters
    ----------
    password : str
        What was typed.
    stored : str
        The stored hash.

    Returns
    -------
    bool
        True if it matches (compared in constant time).
    """
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        typed = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(typed.hex(), digest)


def password_problem(password: str) -> str | None:
    """Say what is wrong with a class password, or None.

    Parameters
    ----------
    password : str
        The class password.

    Returns
    -------
    str or None
        A message, or None if it is long enough.
    """
    if len(password) < MIN_LENGTH:
        return f"the class password has {len(password)} characters; it needs at least {MIN_LENGTH}"
    return None


def new_teacher_password() -> str:
    """Return a new random teacher password (32 characters, URL-safe).

    Returns
    -------
    str
        The password.
    """
    return secrets.token_urlsafe(24)
