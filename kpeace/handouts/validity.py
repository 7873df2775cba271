"""Make the inlined third-party text valid HTML (the W3C Nu checker reports zero errors).

* nbconvert's lab template CSS has a few declarations that are not CSS (``:horizontal`` and
  ``:vertical`` scrollbar pseudo-classes, ``overflow: overlay``, a quoted ``box-shadow``);
* plotly.js holds raw control characters (U+0001, U+001A) that HTML forbids in a page.
"""

from __future__ import annotations

import re

RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")  # a rule without nesting (one linear pass)
NON_STANDARD = re.compile(r"::-webkit-scrollbar[^,{]*:(?:horizontal|vertical)")
OVERLAY = re.compile(r"overflow(-[xy])?\s*:\s*overlay")
QUOTED_SHADOW = re.compile(r"box-shadow\s*:\s*'([^';{}]*)'")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def valid_css(css: str) -> str:
    """Return the lab template's CSS without the declarations that are not valid CSS.

    Parameters
    ----------
    css : str
        CSS (or HTML holding ``<style>`` elements).

    Returns
    -------
    str
        The same styles, valid: non-standard scrollbar rules dropped, ``overflow: overlay`` as
        ``overflow: auto`` (what browsers do with it now), the quoted shadow unquoted.
    """
    css = RULE.sub(
        lambda m: "" if NON_STANDARD.search(m.group(1)) and "@" not in m.group(1) else m.group(),
        css,
    )
    css = OVERLAY.sub(lambda m: f"overflow{m.group(1) or ''}: auto", css)
    return QUOTED_SHADOW.sub(r"box-shadow: \1", css)


def escape_controls(script: str) -> str:
    r"""Write the control characters of a script as ``\uXXXX`` escapes.

    They occur only inside string and regular-expression literals of plotly.js, where the escape
    means the same character.

    Parameters
    ----------
    script : str
        JavaScript source.

    Returns
    -------
    str
        The source without raw control characters (tab, newlines and form feed are kept).
    """
    return CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", script)
