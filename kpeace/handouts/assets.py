"""What every handout page carries alike, as files for ``--shared-assets`` to write once.

Inline, each page carries the handout stylesheet, the JupyterLab styles it uses, the print
script, its figures' data and (with Hangul) the Korean font. With ``--shared-assets`` the pages
link these files instead (each figure's data as a file named by its content, see
:mod:`.shared_figures`), beside them in the same
folder (relative links, so the folder still works offline and as a zip); a page without
Hangul never loads the font.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib.resources import files
from pathlib import Path

from kpeace.handouts import fonts

STYLESHEET = "kpeace-handout.css"
PRINT_SCRIPT = "kpeace-print.js"
FONT = fonts.FILE
LAB_STYLESHEET = re.compile(r"kpeace-lab-[0-9a-f]{12}\.css")
FIGURE = re.compile(r"kpeace-figure-[0-9a-f]{12}\.js")  # see kpeace.handouts.shared_figures
#: The shared files named by their content: a rebuild may leave old ones no page links.
CONTENT_NAMED = (LAB_STYLESHEET, FIGURE)
#: The first line of the shared text files: how a rebuild knows the file is kpeace's own.
MARK = "/* kpeace handouts: shared by the handouts in this folder */\n"


@cache
def stylesheet() -> str:
    """Return the handouts' own stylesheet (``handout.css``)."""
    return (files("kpeace.handouts") / "handout.css").read_text(encoding="utf-8")


@cache
def print_script() -> str:
    """Return the script that redraws figures at the paper's width before printing."""
    return (files("kpeace.handouts") / "print.js").read_text(encoding="utf-8")


def lab_stylesheet_name(css: str) -> str:
    """Return the file name for a page's (pruned) JupyterLab styles, named by their content.

    Parameters
    ----------
    css : str
        The styles.

    Returns
    -------
    str
        ``kpeace-lab-<12 hex digits>.css``: pages with the same styles share the file.
    """
    return f"kpeace-lab-{hashlib.sha256(css.encode('utf-8')).hexdigest()[:12]}.css"


def is_asset(name: str) -> bool:
    """Return True if a file name is one a ``--shared-assets`` build writes (not plotly.js).

    Parameters
    ----------
    name : str
        A file name.

    Returns
    -------
    bool
        True for the stylesheet, the print script, the font, the lab stylesheets and the
        figure files.
    """
    return name in (STYLESHEET, PRINT_SCRIPT, FONT) or is_content_named(name)


def is_content_named(name: str) -> bool:
    """Return True for a shared file named by its content (a lab stylesheet, a figure).

    Parameters
    ----------
    name : str
        A file name.

    Returns
    -------
    bool
        True if ``name`` matches one of :data:`CONTENT_NAMED`.
    """
    return any(pattern.fullmatch(name) for pattern in CONTENT_NAMED)


def shared_files() -> dict[str, bytes]:
    """Return each shared asset's file name and bytes.

    Returns
    -------
    dict
        File name → content: the stylesheet, the print script and the Korean font.
    """
    return {
        STYLESHEET: (MARK + stylesheet()).encode("utf-8"),
        PRINT_SCRIPT: (MARK + print_script()).encode("utf-8"),
        FONT: (files("kpeace.handouts.fonts") / FONT).read_bytes(),
    }


def owned(path: Path) -> bool:
    """Return True if ``path`` is a shared asset kpeace wrote (or may write: it is absent).

    Parameters
    ----------
    path : pathlib.Path
        A file in the output folder whose name :func:`is_asset` accepts.

    Returns
    -------
    bool
        True for a missing file, a text asset that starts with :data:`MARK`, or a WOFF2 font.
    """
    if not path.exists():
        return True
    if not path.is_file():
        return False
    head = path.read_bytes()[:200]
    if path.name == FONT:
        return head.startswith(b"wOF2")
    return head.startswith(MARK.encode("utf-8"))
