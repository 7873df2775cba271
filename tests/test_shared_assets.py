"""``--shared-assets``: pages link one stylesheet, lab styles, print script, font and one file
per figure, and look and draw the same as the self-contained pages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kpeace.handouts import assets, shared_figures
from kpeace.handouts.build import build

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "03_un_command.ipynb"  # figures, cards and Korean
VNU = Path(os.environ.get("KPEACE_VNU", ROOT / ".venv/npm/node_modules/vnu-jar/build/dist/vnu.jar"))
AXE = Path(os.environ.get("KPEACE_AXE", ROOT / ".venv/npm/node_modules/axe-core/axe.min.js"))
LINKED = re.compile(r'<(?:link[^>]*\bhref|script[^>]*\bsrc)="([^"]+)"')
INLINE_DATA = re.compile(r'Plotly\.newPlot\(\s*"[^"]+",\s*\[')  # a figure's data, inline
FIGURES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(
  gd => JSON.stringify([gd.id, gd.data, gd.layout]))"""


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("assets")
    inline, _ = build([NOTEBOOK], root / "inline")
    shared, extra = build([NOTEBOOK], root / "shared", shared_assets=True)
    assert not [r.error for r in (*inline, *shared) if r.error]
    return root / "inline", root / "shared", extra


def test_each_page_links_the_shared_files_and_carries_none_of_them(folders):
    inline, shared, extra = folders
    names = {p.name for p in shared.iterdir()}
    assert {assets.STYLESHEET, assets.PRINT_SCRIPT, assets.FONT} <= names
    sheets = sorted(n for n in names if assets.LAB_STYLESHEET.fullmatch(n))
    assert len(sheets) == 2  # one for the student pages, one for the teacher pages
    assert {shared / n for n in names if assets.is_asset(n)} <= set(extra.files)
    for edition in ("student", "teacher"):
        page = (shared / f"{NOTEBOOK.stem}.{edition}.html").read_text(encoding="utf-8")
        linked = LINKED.findall(page)
        assert {assets.STYLESHEET, assets.PRINT_SCRIPT} <= set(linked)
        assert all((shared / name).is_file() for name in linked), linked
        assert f'url("{assets.FONT}")' in page and "data:font/woff2" not in page
        inline_css = "".join(re.findall(r"<style[^>]*>(.*?)</style>", page, re.S))
        assert len(inline_css) < 8_000, edition  # the lab styles live in the linked sheet
        (sheet,) = set(linked) & set(sheets)
        lab = (shared / sheet).read_text(encoding="utf-8").removeprefix(assets.MARK)
        assert len(lab) > 5_000 and lab[:2_000] not in page
        whole = (inline / f"{NOTEBOOK.stem}.{edition}.html").stat().st_size
        assert whole - len(page.encode("utf-8")) > 40_000, edition
    fact_sheet = (shared / "fact-sheet.html").read_text(encoding="utf-8")
    assert f'url("{assets.FONT}")' in fact_sheet and "data:font/woff2" not in fact_sheet


def test_each_figure_is_one_file_that_both_editions_load(folders):
    inline, shared, extra = folders
    files = sorted(p.name for p in shared.iterdir() if assets.FIGURE.fullmatch(p.name))
    pages = {
        e: (shared / f"{NOTEBOOK.stem}.{e}.html").read_text(encoding="utf-8")
        for e in ("student", "teacher")
    }
    figures = pages["student"].count('class="plotly-graph-div')
    assert figures >= 3 and len(files) == figures
    for edition, page in pages.items():
        assert sorted(set(LINKED.findall(page)) & set(files)) == files, edition
        assert INLINE_DATA.findall(page) == [], edition
        whole = (inline / f"{NOTEBOOK.stem}.{edition}.html").read_text(encoding="utf-8")
        assert len(INLINE_DATA.findall(whole)) == figures  # self-contained: every figure inline
    for name in files:
        text = (shared / name).read_text(encoding="utf-8")
        assert text.startswith(assets.MARK) and '"data":[{' in text
        assert shared / name in extra.files and assets.owned(shared / name)


def test_a_rebuild_removes_its_own_files_that_no_page_links_any_more(folders, tmp_path):
    _, shared, _ = folders
    out = tmp_path / "again"
    shutil.copytree(shared, out)
    linked = {n for p in out.glob("*.html") for n in LINKED.findall(p.read_text("utf-8"))}
    old_figure = out / "kpeace-figure-000000000000.js"  # from an earlier build of a notebook
    old_figure.write_text(assets.MARK + "window.kpeaceFigures = {};\n", encoding="utf-8")
    old_sheet = out / "kpeace-lab-000000000000.css"
    old_sheet.write_text(assets.MARK + "p{color:red}", encoding="utf-8")
    mine = out / "kpeace-figure-111111111111.js"  # same pattern, not written by kpeace
    mine.write_text("// a teacher's own\n", encoding="utf-8")
    kept = out / "kpeace-figure-222222222222.js"  # kpeace's, but a page of the teacher links it
    kept.write_text(assets.MARK + "//\n", encoding="utf-8")
    (out / "notes.html").write_text(f'<script src="{kept.name}"></script>', encoding="utf-8")
    results, extra = build([NOTEBOOK], out, shared_assets=True)
    assert not [r.error for r in results if r.error]
    assert sorted(extra.removed) == [old_figure, old_sheet]
    assert not old_figure.exists() and not old_sheet.exists()
    assert mine.is_file() and kept.is_file()
    assert all((out / n).is_file() for n in linked)  # every file a page links is still there
    assert len([n for n in linked if assets.FIGURE.fullmatch(n)]) >= 3


def test_a_page_copied_without_its_folder_says_so_in_each_figure(folders, offline, tmp_path):
    _, shared, _ = folders
    alone = tmp_path / "alone"
    alone.mkdir()
    page = alone / f"{NOTEBOOK.stem}.student.html"
    page.write_bytes((shared / page.name).read_bytes())
    opened = offline(page.as_uri())
    try:
        notes = opened.page.evaluate(
            "[...document.querySelectorAll('.plotly-graph-div')].map(d => d.innerText)"
        )
    finally:
        opened.context.close()
    assert len(notes) >= 3 and all(
        "Open the page from the whole handouts folder" in n for n in notes
    )
    assert opened.errors and all("ERR_FILE_NOT_FOUND" in e for e in opened.errors), opened.errors


def test_figures_in_one_script_each_load_their_file_before_it():
    one = 'Plotly.newPlot("a", [{"type": "bar", "y": [1]}], {"title": {"text": "<b>A</b>"}}, {})'
    two = 'Plotly.newPlot("b", [{"type": "scatter", "y": [2]}], {}, {"responsive": true})'
    html = (
        f'<div id="a"></div><div id="b"></div><script type="text/javascript">{one}; {two}</script>'
    )
    page, files = shared_figures.share(html, assets.MARK)
    assert len(files) == 2
    (first, second) = [
        f"kpeace-figure-{k}.js" for k in re.findall(r'kpeaceFigures\["(\w+)"\]\.data', page)
    ]
    assert page.index(first) < page.index(second) < page.index("<script type=")
    assert 'Plotly.newPlot("b", window.kpeaceFigures[' in page and '{"responsive": true})' in page
    assert '"text":"<b>A</b>"' in files[first]  # plain UTF-8 JSON in the file, no HTML escapes
    framed = html + '<script>Plotly.addFrames("a", [])</script>'
    assert shared_figures.share(framed, assets.MARK) == (framed, {})


def test_a_rebuild_refreshes_the_assets_but_not_a_file_kpeace_did_not_write(folders, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / assets.PRINT_SCRIPT).write_text("// a teacher's own script\n", encoding="utf-8")
    (out / assets.STYLESHEET).write_text("/* stale */", encoding="utf-8")
    assert not assets.owned(out / assets.STYLESHEET)
    (out / assets.STYLESHEET).write_bytes(assets.shared_files()[assets.STYLESHEET][:80])
    assert assets.owned(out / assets.STYLESHEET) and assets.owned(out / "absent.css")
    assert not assets.owned(out / assets.PRINT_SCRIPT)
    figure = out / "kpeace-figure-0123456789ab.js"
    figure.write_text("// a teacher's own figure\n", encoding="utf-8")
    assert assets.is_asset(figure.name) and not assets.owned(figure)


def test_shared_pages_look_like_self_contained_ones_offline(folders, offline, style_check):
    inline, shared, _ = folders
    styles, drawn = [], []
    for folder in (inline, shared):
        opened = offline((folder / f"{NOTEBOOK.stem}.student.html").as_uri())
        try:
            page = opened.page
            page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length")
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            loaded = page.evaluate(
                "async () => (await document.fonts.load(\"16px 'kpeace Korean'\", '정전')).length"
            )
            assert loaded == 1, folder.name  # the Korean font, from the file beside the page
            styles.append(page.evaluate(style_check.script))
            drawn.append(page.evaluate(FIGURES))
            assert opened.requests == [] and opened.errors == [], folder.name
        finally:
            opened.context.close()
    style_check.assert_same(styles)
    assert len(drawn[0]) >= 3 and drawn[0] == drawn[1]  # every figure, its data and layout


def test_shared_pages_are_valid_html_and_pass_axe(folders, offline):
    _, shared, _ = folders
    pages = sorted(shared.glob("*.html"))
    assert VNU.is_file() and AXE.is_file(), "run tests/setup.sh"
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [m for m in json.loads(result.stderr)["messages"] if m.get("type") != "info"]
    assert not errors, errors[:5]
    for path in pages:
        opened = offline(path.as_uri())
        try:
            opened.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
            violations = opened.page.evaluate(
                "async () => (await axe.run(document)).violations"
                ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)"
            )
        finally:
            opened.context.close()
        assert violations == [], (path.name, violations)
