"""Handouts define each recurring inline style once, as a class, and look the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpeace.handouts import exporter, style_classes
from kpeace.handouts.build import execute

ROOT = Path(__file__).resolve().parent.parent
CARD = "margin:.3em 0;color:#3d3d3d"
PAGE = (
    "<html><head><title>t</title></head><body>"
    f'<p style="{CARD}">a</p><p class="kp-x" style="{CARD}">b</p>'
    '<span style="font-weight:600">once</span>'
    '<i style="font-family:&quot;A&quot;">e</i><i style="font-family:&quot;A&quot;">f</i>'
    f'<script>var s = "<p style=\\"{CARD}\\">";</script>'
    '<div class="plotly-graph-div" style="height:9px"></div>'
    '<div class="plotly-graph-div" style="height:9px"></div>'
    "</body></html>"
)


def test_a_recurring_style_becomes_one_important_rule():
    page = style_classes.apply(PAGE)
    assert "<style>.kp-s0{margin:.3em 0 !important;color:#3d3d3d !important}</style>" in page
    assert '<p class="kp-s0">a</p>' in page and '<p class="kp-x kp-s0">b</p>' in page
    assert page.count(CARD) == 1  # left in the script's text, nowhere else
    assert f'<p style=\\"{CARD}\\">' in page
    assert '<span style="font-weight:600">once</span>' in page
    assert page.count('style="font-family:&quot;A&quot;"') == 2  # entities: left inline
    assert page.count('style="height:9px"') == 2  # plotly sizes its own div


def test_a_style_that_is_not_plain_declarations_stays_inline():
    assert (
        style_classes.important("color:red;width:1px")
        == "color:red !important;width:1px !important"
    )
    assert style_classes.important("color:red}p{color:blue") is None
    assert style_classes.important("") is None


@pytest.fixture(scope="module")
def executed():
    return execute(ROOT / "notebooks" / "05_hindsight.ipynb")  # the most cards


@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_every_element_keeps_its_computed_style(
    executed, style_check, tmp_path, monkeypatch, edition
):
    """The page with classes and the page with every style inline style every element alike."""
    classed, _ = exporter.HandoutExporter(edition=edition).from_notebook_node(executed)
    monkeypatch.setattr(style_classes, "apply", lambda page: page)
    inline, _ = exporter.HandoutExporter(edition=edition).from_notebook_node(executed)
    assert len(inline) - len(classed) > 40_000, "the cards' styles are not shared"
    styles = style_check.of({"inline": inline, "classed": classed}, tmp_path, open_details=True)
    style_check.assert_same(styles)
