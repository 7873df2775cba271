"""What a live explorer's figure costs every learner's kernel (issue 12, kernel memory).

The FigureWidget's JavaScript (plotly.js and the widget view, ~5 MB) is held by every kernel
that shows a live figure. It must be held as ASCII text (one byte a character): plotly's file
has a couple of dozen non-ASCII characters that would make Python store all of it at two bytes
a character, ~5 MB more in each learner's kernel.
"""

from __future__ import annotations

import json
import sys

import plotly.graph_objects as go
import pytest

import kpeace.widgets as kw
from kpeace.widgets._figurewidget import ascii_script, plotly_bundle


@pytest.fixture(autouse=True)
def _live():
    kw.set_display_mode("live")
    yield
    kw.set_display_mode(None)


def test_live_figure_holds_plotlys_script_at_one_byte_a_character():
    explorer = kw.timeline_explorer()
    widget = explorer.figure_widget
    assert isinstance(widget, go.FigureWidget)
    script = widget._esm  # the trait anywidget sends to the browser
    original = plotly_bundle().decode("utf-8")
    assert not original.isascii()  # else this test checks nothing
    assert script.isascii()
    assert sys.getsizeof(script) < len(script) + 100  # compact ASCII storage
    assert sys.getsizeof(original) > 1.9 * len(original)  # what it would cost otherwise
    # the same script: each non-ASCII character became six-character \\uXXXX escapes
    units = [len(c.encode("utf-16-be")) // 2 for c in original if not c.isascii()]
    assert len(script) == len(original) + sum(6 * u - 1 for u in units)
    assert script.count("\\u") == original.count("\\u") + sum(units)


@pytest.mark.parametrize(
    "text",
    ["x=/[µ一二]/g", "s='闰月 �'", "e='😀 ok'", "plain ascii", "a\\u0041b 'é'"],
)
def test_ascii_script_means_the_same_characters(text):
    out = ascii_script(text.encode("utf-8"))
    assert out.isascii()
    # JavaScript reads \\uXXXX in a string literal as JSON does: the same characters
    assert json.loads(f'"{out}"') == json.loads(f'"{text}"')
    if text.isascii():
        assert out == text
