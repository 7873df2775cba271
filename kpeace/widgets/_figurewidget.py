r"""plotly's ``FigureWidget``, its front-end bundle held as ASCII text (private).

Every live explorer's figure is a ``FigureWidget``; through anywidget, each kernel holds the
widget's JavaScript (plotly.js and the widget view, ~5 MB, read from plotly's
``package_data/widgetbundle.js``) as one Python string and sends it to the browser. That file
is ASCII except for a couple of dozen characters (for plotly.js 3: ``µ``, U+FFFD and Chinese
calendar digits, all inside regular-expression literals), so Python stores the whole string
at two bytes a character: ~10 MB in every learner's kernel. :class:`FigureWidget` carries the
same script with those characters written as JavaScript ``\uXXXX`` escapes, which mean the
same character in string, template and regular-expression literals: one byte a character,
~5 MB less per kernel, and a comm message that serialises faster.

This module is imported by the first live figure only (it reads the bundle, ~0.06 s).
"""

from __future__ import annotations

import re
from importlib.resources import files

import plotly.basewidget  # noqa: F401  (views imports it first: see _figure_widget_class)
import plotly.graph_objects as go

#: plotly's widget bundle, relative to the ``plotly`` package.
BUNDLE = ("package_data", "widgetbundle.js")
_NON_ASCII = re.compile(rb"[\x80-\xff]+")


def _escape(match: re.Match[bytes]) -> bytes:
    text = match.group().decode("utf-8")
    units = text.encode("utf-16-be")  # characters beyond U+FFFF become surrogate pairs
    pairs = (units[i : i + 2] for i in range(0, len(units), 2))
    return b"".join(b"\\u%04x" % int.from_bytes(pair, "big") for pair in pairs)


def ascii_script(source: bytes) -> str:
    r"""Return UTF-8 JavaScript as ASCII text, each other character as a ``\uXXXX`` escape.

    Parameters
    ----------
    source : bytes
        The script, UTF-8.

    Returns
    -------
    str
        The same script, ASCII only (one byte a character in Python's memory).

    Raises
    ------
    UnicodeDecodeError
        If ``source`` is not UTF-8.

    Examples
    --------
    >>> ascii_script("x=/[µ一]/".encode())
    'x=/[\\u00b5\\u4e00]/'
    """
    return _NON_ASCII.sub(_escape, source).decode("ascii")


def plotly_bundle() -> bytes:
    """Return plotly's FigureWidget bundle as stored in the installed plotly package.

    Returns
    -------
    bytes
        The JavaScript, UTF-8.
    """
    return files("plotly").joinpath(*BUNDLE).read_bytes()


class FigureWidget(go.FigureWidget):
    """plotly's ``FigureWidget`` whose JavaScript is held as ASCII text (see the module)."""

    _esm = ascii_script(plotly_bundle())
