"""Locate the data package, installed or in a checkout (private).

The wheel maps the repository's top-level ``data/`` folder to ``kpeace/package_data/``
(see ``pyproject.toml``). In a checkout or an editable install the folder is found beside the
package instead. ``KPEACE_DATA_DIR`` points the loader at another copy (used by tests and by
``kpeace doctor``); ``KPEACE_REQUIRE_PACKAGED_DATA=1`` forbids the checkout fallback so that a
wheel built without its data fails loudly.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

DESCRIPTOR = "datapackage.json"
PACKAGE_NAME = "kpeace"


def data_root() -> Traversable:
    """Return the folder that holds ``datapackage.json`` (resolved once per setting).

    Returns
    -------
    importlib.resources.abc.Traversable
        The installed ``kpeace/package_data`` folder, the checkout's ``data/`` folder, or the
        folder named by ``KPEACE_DATA_DIR``.

    Raises
    ------
    FileNotFoundError
        If no data package can be found; the message says how to fix it.
    """
    return _resolve(
        os.environ.get("KPEACE_DATA_DIR") or None,
        bool(os.environ.get("KPEACE_REQUIRE_PACKAGED_DATA")),
    )


@lru_cache(maxsize=8)
def _resolve(override: str | None, require_packaged: bool) -> Traversable:
    if override:
        folder = Path(override)
        if not (folder / DESCRIPTOR).is_file():
            raise FileNotFoundError(
                f"KPEACE_DATA_DIR={override!r} holds no {DESCRIPTOR}; point it at a copy of "
                "kpeace's data folder or unset it."
            )
        return folder
    packaged = files(PACKAGE_NAME) / "package_data"
    if packaged.joinpath(DESCRIPTOR).is_file():
        return packaged
    if require_packaged:
        raise FileNotFoundError(
            "kpeace/package_data/datapackage.json is missing from the installed package: "
            "the wheel was built without data/."
        )
    checkout = Path(__file__).resolve().parent.parent / "data"
    descriptor = checkout / DESCRIPTOR
    if descriptor.is_file():
        name = json.loads(descriptor.read_text(encoding="utf-8")).get("name")
        if name == PACKAGE_NAME:
            return checkout
    raise FileNotFoundError(
        "kpeace cannot find its data files; reinstall it with `pip install kpeace` "
        "(or `pip install -e .` from a checkout)."
    )


def notebooks_root() -> Path:
    """Return the folder that holds the notebook series.

    Returns
    -------
    pathlib.Path
        The installed ``kpeace/package_notebooks`` folder, or the checkout's ``notebooks/``.

    Raises
    ------
    FileNotFoundError
        If neither exists.
    """
    packaged = Path(str(files(PACKAGE_NAME) / "package_notebooks"))
    if packaged.is_dir() and any(packaged.glob("*.ipynb")):
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "notebooks"
    if checkout.is_dir() and any(checkout.glob("*.ipynb")):
        return checkout
    raise FileNotFoundError(
        "kpeace cannot find its notebooks; reinstall it with `pip install kpeace`."
    )
