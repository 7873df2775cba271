"""HTML blocks that keep the essay, the record and our prompts visibly apart (private).

Each block has a class (``kp-essay``, ``kp-record``, ``kp-prompt``) for the handout's stylesheet
and inline styles so it looks the same in JupyterLab. Every string from the data is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from kpeace.figures._style import is_missing as _missing

ESSAY_STYLE = (
    "border-left:4px solid #0072B2;background:#f3f8fc;padding:.55em 1em;margin:.6em 0;color:#1a1a1a"
)
RECORD_STYLE = (
    "border-left:4px solid #00785a;background:#f1f8f5;padding:.55em 1em;margin:.6em 0;color:#1a1a1a"
)
PROMPT_STYLE = (
    "border-left:4px dashed #a34d7f;background:#fbf4f8;padding:.55em 1em;margin:.6em 0;"
    "color:#1a1a1a"
)
LABEL_STYLE = "font-size:.8em;font-weight:600;letter-spacing:.04em;text-transform:uppercase;"
SMALL = "font-size:.88em;color:#3d3d3d"


def plain(text: object) -> str:
    """Return text without the fact sheet's Markdown emphasis marks (``*title*`` → ``title``).

    Parameters
    ----------
    text : object
        The value.

    Returns
    -------
    str
        The text (empty for missing values).
    """
    if _missing(text):
        return ""
    return str(text).replace("**", "").replace("*", "")


def esc(text: object) -> str:
    """Escape any value for HTML (missing values become an empty string).

    Parameters
    ----------
    text : object
        The value.

    Returns
    -------
    str
        Escaped text.
    """
    if _missing(text):
        return ""
    return escape(str(text))


def essay_block(text: str, paragraph: int, *, short: str = "Snyder 2007") -> str:
    """Return the essay's words as a quotation block labelled with its paragraph.

    Parameters
    ----------
    text : str
        The essay's words (verbatim).
    paragraph : int
        Paragraph number.
    short : str, optional
        Author–year label.

    Returns
    -------
    str
        HTML.
    """
    return (
        f'<blockquote class="kp-essay" style="{ESSAY_STYLE}">'
        f'<div style="{LABEL_STYLE}color:#00527f">The essay · ¶{paragraph}</div>'
        f'<p style="margin:.3em 0">{esc(text)}</p>'
        f'<div style="{SMALL}">— {esc(short)}, ¶{paragraph}</div></blockquote>'
    )


def record_block(body_html: str, source: str, confidence: str | None = None) -> str:
    """Return a fact from the historical record with its source line.

    Parameters
    ----------
    body_html : str
        The fact (already HTML).
    source : str
        Where it comes from (plain text).
    confidence : str, optional
        The fact sheet's confidence.

    Returns
    -------
    str
        HTML.
    """
    conf = f"; confidence: {esc(confidence)}" if confidence else ""
    source = plain(source)
    return (
        f'<div class="kp-record" style="{RECORD_STYLE}">'
        f'<div style="{LABEL_STYLE}color:#00593f">The record</div>'
        f'<div style="margin:.3em 0">{body_html}</div>'
        f'<div class="kp-source" style="{SMALL}">Source: {esc(source)}{conf}</div></div>'
    )


def prompt_block(body_html: str, label: str = "Course prompt") -> str:
    """Return our own teaching prompt, marked as ours.

    Parameters
    ----------
    body_html : str
        The prompt (already HTML).
    label : str, optional
        Its label.

    Returns
    -------
    str
        HTML.
    """
    return (
        f'<div class="kp-prompt" style="{PROMPT_STYLE}">'
        f'<div style="{LABEL_STYLE}color:#7a2e5a">{esc(label)} (ours)</div>'
        f'<div style="margin:.3em 0">{body_html}</div></div>'
    )


def details(summary: str, body_html: str, *, open_: bool = False, cls: str = "kp-details") -> str:
    """Return a ``<details>`` element (works without JavaScript).

    Parameters
    ----------
    summary : str
        The always-visible line (plain text).
    body_html : str
        The hidden content.
    open_ : bool, optional
        Open at first.
    cls : str, optional
        CSS class (the handout builder opens ``kp-answer`` blocks in the teacher edition).

    Returns
    -------
    str
        HTML.
    """
    state = " open" if open_ else ""
    return (
        f'<details class="{cls}"{state} style="margin:.4em 0">'
        f'<summary style="cursor:pointer;font-weight:600">{esc(summary)}</summary>'
        f'<div style="padding:.3em 0 .3em 1em">{body_html}</div></details>'
    )


def bullet_list(items: Iterable[str]) -> str:
    """Return an HTML list of already-HTML items (empty string for no items).

    Parameters
    ----------
    items : iterable of str
        List items (HTML).

    Returns
    -------
    str
        HTML.
    """
    items = list(items)
    if not items:
        return ""
    return (
        '<ul style="margin:.3em 0 .3em 1.2em;padding:0">'
        + "".join(f"<li>{item}</li>" for item in items)
        + "</ul>"
    )


def badge(text: str, colour: str = "#3d3d3d") -> str:
    """Return a small label (dark text on white, so it keeps its contrast).

    Parameters
    ----------
    text : str
        The label.
    colour : str, optional
        Border and text colour (dark enough for 4.5:1 contrast on white).

    Returns
    -------
    str
        HTML.
    """
    return (
        f'<span style="display:inline-block;border:1px solid {colour};color:{colour};'
        f'border-radius:3px;padding:0 .35em;font-size:.8em;margin-right:.3em">{esc(text)}</span>'
    )
