"""``--shared-assets``: pages link one stylesheet, lab styles, print script and font, and look
the same as the self-contained pages."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from kpeace.handouts import assets
from kpeace.handouts.build import build

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "03_un_command.ipynb"  # figures, cards and Korean
VNU = Path(os.environ.get("KPEACE_VNU", ROOT / ".venv/npm/node_modules/vnu-jar/build/dist/vnu.jar"))
AXE = Path(os.environ.get("KPEACE_AXE", ROOT / ".venv/npm/node_modules/axe-core/axe.min.js"))
LINKED = re.compile(r'<(?:link[^>]*\bhref|script[^>]*\bsrc)="([^"]+)"')


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


def test_a_rebuild_refreshes_the_assets_but_not_a_file_kpeace_did_not_write(folders, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / assets.PRINT_SCRIPT).write_text("// a teacher's own script\n", encoding="utf-8")
    (out / assets.STYLESHEET).write_text("/* stale */", encoding="utf-8")
    assert not assets.owned(out / assets.STYLESHEET)
    (out / assets.STYLESHEET).write_bytes(assets.shared_files()[assets.STYLESHEET][:80])
    assert assets.owned(out / assets.STYLESHEET) and assets.owned(out / "absent.css")
    assert not assets.owned(out / assets.PRINT_SCRIPT)


def test_shared_pages_look_like_self_contained_ones_offline(folders, offline, style_check):
    inline, shared, _ = folders
    styles = []
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
            assert opened.requests == [] and opened.errors == [], folder.name
        finally:
            opened.context.close()
    style_check.assert_same(styles)


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
