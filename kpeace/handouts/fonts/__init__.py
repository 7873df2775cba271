"""The Korean font that handouts embed: a subset of Noto Sans CJK KR (SIL OFL 1.1, see OFL.txt).

``refresh.py`` beside this file regenerates the subset from Debian's ``fonts-noto-cjk``.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib.resources import files

FAMILY = "kpeace Korean"
FILE = "NotoSansKR-kpeace.woff2"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


@cache
def _data_uri() -> str:
    data = (files("kpeace.handouts.fonts") / FILE).read_bytes()
    return "data:font/woff2;base64," + base64.b64encode(data).decode("ascii")


def font_face(text: str, href: str | None = None) -> str:
    """Return the ``@font-face`` rule for the embedded Korean font if ``text`` has Hangul.

    Parameters
    ----------
    text : str
        The page (or its body).
    href : str, optional
        A relative link to the font file beside the page; by default the font is embedded.

    Returns
    -------
    str
        CSS (the font as a WOFF2 data URI or link, used only for Hangul), or ``""``.
    """
    if not HANGUL.search(text):
        return ""
    source = f'"{href}"' if href else _data_uri()
    return (
        f"@font-face {{ font-family: '{FAMILY}'; font-style: normal; font-weight: 100 900; "
        f"font-display: swap; src: url({source}) format('woff2'); "
        "unicode-range: U+1100-11FF, U+3130-318F, U+AC00-D7A3; }"
    )
