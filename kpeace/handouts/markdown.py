"""Markdown cells for handouts: rendered whole, kept offline, sanitised as JupyterLab does.

nbconvert's renderer (with ``embed_images``) re-parses every raw-HTML *fragment* on its own, so
``<details><summary>…</summary>`` is closed before the markdown inside it and the answer lands
below an empty box. Here raw HTML passes through untouched, the whole cell is parsed once, local
images are embedded, remote resources are refused, and the result goes through an allow-list
sanitiser (`nh3`): no ``<script>``, no event handlers, no ``javascript:`` links.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path
from typing import Any

import bs4
import nh3
from mistune import HTMLRenderer
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

REMOTE_URL = re.compile(r"^\s*(?:https?:)?//", re.I)
CSS_REMOTE = re.compile(
    r"""@import\s+(?:url\(\s*)?["']?\s*(?:https?:)?//[^\s"')]+"""
    r"""|url\(\s*["']?\s*(?:https?:)?//[^\s"')]+""",
    re.I,
)
LOADING_ATTRIBUTES = ("src", "srcset", "poster", "data", "background")
TAGS = nh3.ALLOWED_TAGS | {"details", "summary", "figure", "figcaption", "mark", "kbd", "s"}
ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "lang", "title", "dir", "style", "aria-label", "aria-hidden", "role"},
    "details": {"open"},
    "img": {"src", "alt", "width", "height", "title"},
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "td": {"colspan", "rowspan", "align"},
    "ol": {"start", "type"},
    "input": {"type", "checked", "disabled"},
}
TAGS = TAGS | {"input"}  # task lists render disabled checkboxes


class RemoteResourceError(ValueError):
    """A markdown cell loads something from the internet; handouts must work offline."""


class WholeCellRenderer(IPythonRenderer):
    """nbconvert's renderer, but raw HTML is left as written (the whole cell is parsed later)."""

    def block_html(self, html: str) -> str:
        """Return raw block HTML unchanged (no per-fragment re-parsing)."""
        return HTMLRenderer.block_html(self, html)

    def inline_html(self, html: str) -> str:
        """Return raw inline HTML unchanged (no per-fragment re-parsing)."""
        return HTMLRenderer.inline_html(self, html)


def remote_resources(markup: str) -> list[str]:
    """List everything in an HTML page or fragment that would be fetched from the internet.

    Tags with a remote ``src``/``srcset``/``poster``/``data``, remote ``<link href>``, and CSS
    ``url(…)``/``@import`` with a remote address, in ``<style>`` elements and ``style``
    attributes. Links a reader may follow (``<a href>``) are not loads. Script *text* is not
    read (plotly.js names addresses it never fetches for these figures).

    Parameters
    ----------
    markup : str
        HTML.

    Returns
    -------
    list of str
        One short description per remote reference, e.g. ``'<img src="https://…">'``.
    """
    found = []
    soup = bs4.BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(True):
        names = LOADING_ATTRIBUTES + (("href",) if tag.name == "link" else ())
        for name in names:
            value = tag.get(name)
            value = " ".join(value) if isinstance(value, list) else value
            if value and any(REMOTE_URL.match(part) for part in value.split(",")):
                found.append(f'<{tag.name} {name}="{value}">')
        found += [f'<{tag.name} style="{m}">' for m in CSS_REMOTE.findall(tag.get("style") or "")]
        if tag.name == "style":
            found += [f"<style>{m}" for m in CSS_REMOTE.findall(tag.get_text())]
    return found


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href" and value.strip().lower().startswith("data:"):
        return None  # a data: page opened from a link can run script
    if attribute == "src" and value.strip().lower().startswith("data:"):
        return value if tag == "img" and value.strip().lower().startswith("data:image/") else None
    if attribute == "style" and re.search(r"url\(|expression\(|@import", value, re.I):
        return None
    return value


def sanitise(markup: str) -> str:
    """Clean HTML with an allow-list, as JupyterLab does for markdown.

    Parameters
    ----------
    markup : str
        HTML from a markdown cell.

    Returns
    -------
    str
        The HTML without scripts, event handlers, ``javascript:`` links or unknown tags.
    """
    return nh3.clean(
        markup,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        attribute_filter=_filter,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel="noopener noreferrer",
    )


def _embed_images(soup: bs4.BeautifulSoup, folder: str) -> None:
    base = Path(folder or ".").resolve()
    for img in soup.find_all("img"):
        src = img.get("src")
        if not src or ":" in src.split("/")[0] or REMOTE_URL.match(src):
            continue
        path = (base / src).resolve()
        if base not in path.parents or not path.is_file():
            continue
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        img["src"] = f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def render(
    source: str,
    *,
    teacher: bool,
    path: str = "",
    attachments: dict[str, Any] | None = None,
    **options: Any,
) -> str:
    """Render one markdown cell for a handout.

    Parameters
    ----------
    source : str
        The cell's markdown.
    teacher : bool
        Teacher edition: every ``<details>`` open. Student edition: every one closed.
    path : str, optional
        The notebook's folder (local images are embedded from there).
    attachments : dict, optional
        The cell's attachments.
    **options
        Passed to nbconvert's renderer (anchor links, lexer options).

    Returns
    -------
    str
        Sanitised, offline HTML.
    """
    renderer = WholeCellRenderer(escape=False, attachments=attachments, path=path, **options)
    soup = bs4.BeautifulSoup(MarkdownWithMath(renderer=renderer).render(source), "html.parser")
    _embed_images(soup, path)
    for box in soup.find_all("details"):
        if teacher:
            box["open"] = ""
        else:
            del box["open"]
    return sanitise(str(soup))


def check_offline(cells: list[Any]) -> None:
    """Refuse a notebook whose markdown loads anything from the internet.

    Parameters
    ----------
    cells : list
        The notebook's cells.

    Raises
    ------
    RemoteResourceError
        Naming the first cell (number and first line) and what it loads.
    """
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        renderer = WholeCellRenderer(escape=False, attachments=cell.get("attachments"))
        remote = remote_resources(MarkdownWithMath(renderer=renderer).render(cell.source))
        if remote:
            first = cell.source.strip().splitlines()[0][:50] if cell.source.strip() else ""
            raise RemoteResourceError(
                f"markdown cell {index} ({first!r}) loads {remote[0]} from the internet; "
                "a handout must work offline: save the file beside the notebook and use a "
                "relative path, or remove it"
            )
