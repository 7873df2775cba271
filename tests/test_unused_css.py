"""Handouts carry only the lab template's styles their page can use, and look the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpeace.handouts import exporter
from kpeace.handouts.build import execute
from kpeace.handouts.unused_css import prune

ROOT = Path(__file__).resolve().parent.parent

SHEET = """
:root { --used: 1px; --chain: var(--used); --unused: red; --only-unused: var(--unused); }
.kept { margin: var(--chain); }
.absent { color: blue; }
.kept .absent, .other { color: green; }
.kept:not(.absent) > p::before { content: "x"; }
p, .absent h1 { font-weight: 700; }
#here { padding: 0; } #gone { padding: 1px; }
@media print { .absent { color: black; } .kept { color: black; } }
@media (max-width: 1px) { .absent { color: black; } }
@keyframes spin { from { opacity: 0; } }
"""
PAGE = '<div class="kept"><p id="here" style="width: var(--inline)">x</p></div>'


def test_rules_the_page_cannot_match_and_properties_nothing_reads_are_dropped():
    [css] = prune([SHEET], PAGE)
    for kept in (
        ".kept{",
        ".kept:not(.absent) > p::before",
        "p, .absent h1",
        "#here",
        "@media print{.kept{",
        "@keyframes spin",
        "--used:1px",
        "--chain:var(--used)",
    ):
        assert kept in css, kept
    for dropped in (
        ".absent{color:blue",
        ".other",
        "#gone",
        "--unused",
        "--only-unused",
        "max-width: 1px",
        ".absent{color:black",
    ):
        assert dropped not in css, dropped
    assert len(css) < len(SHEET) / 2


def test_each_page_is_pruned_from_the_whole_sheet_though_it_is_parsed_once():
    """Pages of a build share one parse of the lab CSS; pruning one page must not cut it."""
    [first] = prune([SHEET], PAGE)  # drops .absent inside @media print
    [other] = prune([SHEET], '<div class="absent kept">x</div>')
    assert "@media print{.absent{color:black}" in other
    assert ".absent{color:blue" in other and ".absent{color:black" not in first
    assert prune([SHEET], PAGE) == [first]


def test_a_property_read_by_another_sheet_or_the_page_is_kept():
    first, second = prune(
        [":root { --a: 1px; --b: 2px; --c: 3px; }", "p { margin: var(--a); }"],
        '<p style="padding: var(--b)">x</p>',
    )
    assert "--a:1px" in first and "--b:2px" in first and "--c" not in first
    assert "margin:var(--a)" in second


@pytest.fixture(scope="module")
def executed():
    return execute(ROOT / "notebooks" / "01_armistice.ipynb")


@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_every_element_keeps_its_computed_style(
    executed, style_check, tmp_path, monkeypatch, edition
):
    """The pruned page and the page with the whole lab CSS style every element alike.

    The code-highlighting styles are moved in with the lab styles and pruned with them: the
    student page, which shows no code, keeps none of them.
    """
    pruned, _ = exporter.HandoutExporter(edition=edition).from_notebook_node(executed)
    monkeypatch.setattr(exporter, "_prune_lab_css", lambda page: page)
    monkeypatch.setattr(exporter, "_gather_highlight_css", lambda page, sheets: page)
    whole, _ = exporter.HandoutExporter(edition=edition).from_notebook_node(executed)
    assert len(whole) - len(pruned) > 200_000  # the lab CSS is about 250 kB
    assert ".highlight .k" in whole and "pre { line-height: 125%; }" in whole
    assert (".highlight .k{" in pruned) is (edition == "teacher")
    assert "pre { line-height: 125%; }" not in pruned
    styles = style_check.of({"whole": whole, "pruned": pruned}, tmp_path, open_details=False)
    style_check.assert_same(styles)
