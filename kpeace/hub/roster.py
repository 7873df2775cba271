"""Read the class roster: a CSV file with a header row and a ``username`` column."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from kpeace.hub import HubError

NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
NAME_RULE = "lowercase letters, digits, _ and -, starting with a letter or _, at most 32 characters"


def check_name(name: str, what: str) -> str:
    """Return ``name`` if it can be a learner's (or teacher's) account name.

    Parameters
    ----------
    name : str
        The name.
    what : str
        How to name it in a message, e.g. ``"roster.csv line 3"``.

    Returns
    -------
    str
        The name, unchanged.

    Raises
    ------
    HubError
        If the name is empty or breaks the account-name rule.
    """
    if not NAME.fullmatch(name):
        shown = repr(name) if name else "an empty name"
        raise HubError(f"{what}: {shown} cannot be an account name; use {NAME_RULE}")
    return name


def read_roster(path: Path) -> list[str]:
    """Return the learners' user names from a roster CSV, in file order.

    The file needs a header row with a ``username`` column; other columns are allowed and
    ignored. Blank lines are skipped.

    Parameters
    ----------
    path : pathlib.Path
        The roster file (UTF-8, a byte-order mark is allowed).

    Returns
    -------
    list of str
        At least one user name, each once.

    Raises
    ------
    HubError
        If the file is missing or unreadable, has no ``username`` column, a row has more or
        fewer cells than the header, a name is invalid or repeated, or no learner is listed.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise HubError(f"roster {path} not found; give a CSV file with a username column") from None
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or err
        raise HubError(f"cannot read roster {path} ({reason}); give a UTF-8 CSV file") from None
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    columns = [cell.strip().lower() for cell in header or []]
    if "username" not in columns:
        raise HubError(
            f"{path}: the first row must be a header with a username column (found: "
            f"{', '.join(columns) or 'nothing'}), e.g. 'username,name'"
        )
    where = columns.index("username")
    names: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise HubError(
                f"{path} line {number}: {len(row)} cells, but the header has {len(columns)}; "
                "quote a cell that holds a comma"
            )
        name = check_name(row[where].strip(), f"{path} line {number}")
        if name in names:
            raise HubError(f"{path} line {number}: {name} is already on line {names[name]}")
        names[name] = number
    if not names:
        raise HubError(f"{path} lists no learner; add one username per row under the header")
    return list(names)
