"""A handout's recurring inline ``style`` attributes become classes defined once per page.

The explorers' cards carry inline styles, because they must look the same in JupyterLab, where
no handout stylesheet exists; a page of cards repeats each of a few dozen styles hundreds of
times. Each style that occurs more than once becomes a class ``kp-sN`` whose rule holds the same
declarations, each marked ``!important``: an inline style outranks every stylesheet rule that is
not ``!important``, and so does such a rule, so every element keeps its computed style (a test
compares every element's computed style in Chromium). Script and style elements and plotly's
figure divs are left as they are; a style attribute with an entity or with anything but plain
declarations stays inline.
"""

from __future__ import annotations

import re
from collections import Counter

import tinycss2

BLOCKS = re.compile(r"(<(script|style)\b[^>]*>.*?</\2\s*>)", re.S | re.I)
TAG = re.compile(r"<[a-zA-Z][^<>]*>")
STYLE_ATTR = re.compile(r'\sstyle="([^"&<>]*)"')
CLASS_ATTR = re.compile(r'\sclass="([^"<>]*)"')
PREFIX = "kp-s"


def important(style: str) -> str | None:
    """Return a style attribute's declarations, each ``!important``, or None if it won't parse.

    Parameters
    ----------
    style : str
        The attribute's value, e.g. ``"margin:.3em 0;color:#3d3d3d"``.

    Returns
    -------
    str or None
        E.g. ``"margin:.3em 0 !important;color:#3d3d3d !important"``; None for an empty style
        or one with anything but plain declarations.
    """
    parts = []
    for node in tinycss2.parse_blocks_contents(style, skip_whitespace=True, skip_comments=True):
        if node.type != "declaration":
            return None
        value = tinycss2.serialize(node.value).strip()
        parts.append(f"{node.name}:{value} !important")
    return ";".join(parts) or None


def _movable(tag: str) -> re.Match[str] | None:
    """Return a start tag's one style attribute if it may become a class, else None."""
    found = STYLE_ATTR.findall(tag)
    if len(found) != 1 or len(CLASS_ATTR.findall(tag)) > 1 or "plotly-graph-div" in tag:
        return None  # plotly.js sizes its own div through its style
    return STYLE_ATTR.search(tag)


def _outside_blocks(page: str) -> list[tuple[str, bool]]:
    """Split a page into (text, is_script_or_style) pieces, in order."""
    pieces, at = [], 0
    for found in BLOCKS.finditer(page):
        pieces.append((page[at : found.start()], False))
        pieces.append((found.group(1), True))
        at = found.end()
    pieces.append((page[at:], False))
    return pieces


def apply(page: str) -> str:
    """Move a page's recurring inline styles into classes defined in one ``<style>``.

    Parameters
    ----------
    page : str
        A whole HTML page (with ``</head>``).

    Returns
    -------
    str
        The page, each recurring style attribute replaced by a class (added to the tag's own
        ``class`` if it has one), and their rules in a ``<style>`` at the end of the head.
    """
    pieces = _outside_blocks(page)
    counts: Counter[str] = Counter()
    for text, block in pieces:
        if not block:
            for tag in TAG.findall(text):
                style = _movable(tag)
                if style is not None:
                    counts[style.group(1)] += 1
    rules: dict[str, tuple[str, str]] = {}  # style → (class, rule)
    for style, count in counts.most_common():
        declarations = important(style) if count > 1 else None
        if declarations:
            rules[style] = (f"{PREFIX}{len(rules)}", declarations)
    if not rules or "</head>" not in page:
        return page

    def swap(tag: re.Match[str]) -> str:
        text = tag.group(0)
        style = _movable(text)
        if style is None or style.group(1) not in rules:
            return text
        name = rules[style.group(1)][0]
        text = text[: style.start()] + text[style.end() :]
        own = CLASS_ATTR.search(text)
        if own is None:
            end = -2 if text.endswith("/>") else -1
            return f'{text[:end]} class="{name}"{text[end:]}'
        return f"{text[: own.start(1)]}{own.group(1)} {name}{text[own.end(1) :]}"

    body = "".join(text if block else TAG.sub(swap, text) for text, block in pieces)
    css = "".join(f".{name}{{{rule}}}" for name, rule in rules.values())
    return body.replace("</head>", f"<style>{css}</style>\n</head>", 1)
