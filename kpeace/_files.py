"""Write a file whole: learners' notebooks, the manifest and the handouts never half-written."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_whole(target: Path, payload: bytes) -> None:
    """Write ``payload`` to ``target`` under a temporary name beside it, then rename it.

    A reader (or a later run after Ctrl-C) sees the old file or the new one, never part of one.

    Parameters
    ----------
    target : pathlib.Path
        The file to create or replace.
    payload : bytes
        Its new content.
    """
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 less the umask, as for any file the user creates (not mkstemp's 0o600)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(payload)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
