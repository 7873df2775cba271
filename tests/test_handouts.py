"""Handouts: built for the whole series, opened offline in Chromium, checked by axe-core."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import bs4
import nbformat
import pytest

from kpeace.cli import main
from kpeace.handouts.build import build
from kpeace.handouts.markdown import remote_resources

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
AXE = Path(os.environ.get("KPEACE_AXE", ROOT / ".venv/npm/node_modules/axe-core/axe.min.js"))
PLOTLY_BANNER = re.compile(r"\* plotly\.js (?:\([a-z -]+\) )?v\d")
PLACEHOLDERS = ("Loading widget", "VBox(", "HBox(", "FigureWidget(", "Error displaying widget")


@pytest.fixture(scope="module")
def handouts(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("handouts")
    results, extra = build(NOTEBOOKS, out, jobs=2)
    errors = [r.error for r in results if r.error]
    assert not errors, errors
    assert (out / "index.html") in extra.files
    return out


def _files(out: Path) -> list[Path]:
    files = sorted(out.glob("*.html"))
    assert len(files) == 2 * len(NOTEBOOKS) + 3  # and index, fact sheet, teacher guide
    return files


# --- markup --------------------------------------------------------------------------------


def test_building_leaves_the_display_mode_alone(handouts):
    assert os.environ.get("KPEACE_DISPLAY") in (None, "")


def test_every_notebook_and_edition_is_built(handouts):
    names = {p.name for p in _files(handouts)}
    for nb in NOTEBOOKS:
        assert {f"{nb.stem}.student.html", f"{nb.stem}.teacher.html"} <= names


def test_self_contained_offline_markup(handouts):
    for path in _files(handouts):
        html = path.read_text(encoding="utf-8")
        assert remote_resources(html) == [], path.name
        # plotly.js itself names a map-icon CDN it would use only for map traces: skip it
        markup = re.sub(r"<script>[^<]*\* plotly\.js .*?</script>", "", html, flags=re.S)
        for cdn in ("cdnjs", "unpkg.com", "jsdelivr", "cdn.plot.ly", "require.min.js"):
            assert cdn not in markup, (path.name, cdn)
        figures = html.count('class="plotly-graph-div')
        copies = len(PLOTLY_BANNER.findall(html))
        assert copies == (1 if figures else 0), (path.name, figures, copies)
        assert re.search(r'<html lang="en"', html), path.name
        assert 'content="kpeace handouts"' in html, path.name
        assert not any(p in html for p in PLACEHOLDERS), path.name


def test_each_handout_embeds_the_smallest_plotly_bundle_that_draws_it(handouts):
    from kpeace.handouts.plotly import choose, figures_in

    chosen = {}
    for path in _files(handouts):
        html = path.read_text(encoding="utf-8")
        library = re.search(r"<script>[^<]*\* plotly\.js (?:\((\w+) - minified\) )?v", html)
        if 'class="plotly-graph-div' not in html:
            assert library is None, path.name
            continue
        _, types = figures_in(html[library.end() :].split("</script>", 1)[1])
        assert types, path.name
        chosen[path.name] = library.group(1) or "full"
        assert chosen[path.name] == choose(types).name, (path.name, types)
    # every figure of the course, the two tables too, is drawn by the basic bundle
    assert set(chosen.values()) == {"basic"}, chosen


def test_editions(handouts):
    for nb in NOTEBOOKS:
        student = (handouts / f"{nb.stem}.student.html").read_text(encoding="utf-8")
        teacher = (handouts / f"{nb.stem}.teacher.html").read_text(encoding="utf-8")
        notes = [
            c
            for c in nbformat.read(nb, as_version=4).cells
            if "teacher" in c.metadata.get("tags", [])
        ]
        assert notes
        element = re.compile(r'class="[^"]*celltag_teacher')
        assert not element.search(student)
        assert len(element.findall(teacher)) >= len(notes)
        for note in notes:
            words = re.sub(r"[*_`#>\[\]]", "", note.source).split()
            sample = " ".join(words[2:9])  # skip the "Teacher note." label
            assert sample and sample not in student, sample
        code = re.compile(r'class="highlight hl-ipython3"')
        assert not code.search(student) and code.search(teacher)
        opened = re.compile(r'<details class="kp-answer[^"]*" open')  # + a shared style class
        assert opened.search(teacher)
        assert not opened.search(student)
        for html in (student, teacher):
            assert "The Asia Foundation" in html and "kp-footer" in html
            assert "Sources" in html


def test_index_lists_every_handout(handouts):
    index = (handouts / "index.html").read_text(encoding="utf-8")
    for nb in NOTEBOOKS:
        assert f'href="{nb.stem}.student.html"' in index
        assert f'href="{nb.stem}.teacher.html"' in index
    assert index.count("Estimated time: ") == len(NOTEBOOKS)
    assert index.count("Learning objectives") == len(NOTEBOOKS)
    assert 'href="fact-sheet.html"' in index and 'href="teacher-guide.html"' in index
    guide = (handouts / "teacher-guide.html").read_text(encoding="utf-8")
    assert "Running the course without internet" in guide
    sheet = (handouts / "fact-sheet.html").read_text(encoding="utf-8")
    assert "<table>" in sheet and "Korean Armistice Agreement" in sheet


# --- in the browser ------------------------------------------------------------------------


def _open(offline, path: Path):
    opened = offline(path.as_uri())
    return opened.context, opened.page, opened.requests, opened.errors


STATE = """el => JSON.stringify({
  data: el.data.map(t => [t.visible, t.x, t.y, t.text, t.cells && t.cells.values,
                          t.marker && t.marker.color, t.marker && t.marker.opacity]),
  range: el.layout.xaxis && el.layout.xaxis.range})"""


@pytest.mark.parametrize("stem", [p.stem for p in NOTEBOOKS])
@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_handout_in_chromium_offline(handouts, offline, stem, edition):
    path = handouts / f"{stem}.{edition}.html"
    html = path.read_text(encoding="utf-8")
    expected = html.count('class="plotly-graph-div')
    context, page, requests, errors = _open(offline, path)
    try:
        if expected:
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {expected}",
                timeout=30_000,
            )
        assert page.locator(".js-plotly-plot").count() == expected
        body = page.inner_text("body")
        assert not any(p in body for p in PLACEHOLDERS)
        if expected:
            plot = page.locator(".js-plotly-plot").first
            before = plot.evaluate(STATE)
            header = plot.locator("g.updatemenu-header-group")
            if header.count():
                header.first.click()
                page.locator("g.updatemenu-dropdown-button").nth(1).click()
            else:
                plot.locator("g.updatemenu-button").nth(1).click()
            page.wait_for_timeout(300)
            assert plot.evaluate(STATE) != before, "clicking a plotly control changed nothing"
        answers = page.locator("details.kp-answer")
        if answers.count():
            first = answers.first
            if edition == "student":
                assert not first.locator("div").first.is_visible()
                first.locator("summary").click()
            assert first.locator("div").first.is_visible()
            assert any(mark in first.inner_text() for mark in ("✓", "Course coding"))
        assert requests == []
        assert errors == []
    finally:
        context.close()


EVERY_MENU = """async el => {
  const state = () => JSON.stringify([el.data.map(t => [t.visible, t.x, t.y, t.text,
      t.cells && t.cells.values, t.marker && t.marker.color, t.opacity, t.line]),
    el.layout.shapes, el.layout.xaxis && el.layout.xaxis.range,
    el.layout.yaxis && el.layout.yaxis.range, el.layout.annotations, el.layout.title]);
  const menus = [...(el.layout.updatemenus || []).map(m => m.buttons),
                 ...(el.layout.sliders || []).map(s => s.steps)];
  const out = [];
  for (const items of menus) {
    let changed = 0, n = 0;
    for (const item of items) {
      if (!item.method || item.method === 'skip') continue;
      const before = state(); n++;
      await Plotly[item.method](el, ...item.args);  // what a click on the item runs
      if (state() !== before) changed++;
    }
    out.push([n, changed]);
  }
  return out; }"""


@pytest.mark.parametrize("stem", [p.stem for p in NOTEBOOKS[1:]])
def test_every_menu_item_of_every_figure_runs_in_the_embedded_bundle(handouts, offline, stem):
    path = handouts / f"{stem}.student.html"
    expected = path.read_text(encoding="utf-8").count('class="plotly-graph-div')
    context, page, requests, errors = _open(offline, path)
    try:
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {expected}",
            timeout=30_000,
        )
        menus = [
            menu
            for i in range(expected)
            for menu in page.locator(".js-plotly-plot").nth(i).evaluate(EVERY_MENU)
        ]
        assert menus, "no figure menu"
        # the item already chosen changes nothing; every other one changes the figure
        assert all(changed >= max(items - 1, 1) for items, changed in menus), menus
        assert requests == [] and errors == []
    finally:
        context.close()


def test_accessibility_axe_core(handouts, offline):
    assert AXE.is_file(), f"axe-core is missing at {AXE}: run tests/setup.sh"
    script = AXE.read_text(encoding="utf-8")
    report = {}
    for path in _files(handouts):
        context, page, _, _ = _open(offline, path)
        try:
            page.add_script_tag(content=script)
            violations = page.evaluate(
                "async () => (await axe.run(document)).violations"
                ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))"
            )
        finally:
            context.close()
        report[path.name] = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert len(report) == 2 * len(NOTEBOOKS) + 3
    assert not any(report.values()), json.dumps(report, indent=1)


# --- the command and its failure paths -------------------------------------------------------


def test_unknown_notebook_lists_valid_names(capsys):
    assert main(["handouts", "99_nothing", "--out", "/tmp/never-written"]) == 2
    err = capsys.readouterr().err
    assert "unknown notebook '99_nothing'" in err and "01_armistice" in err
    assert not Path("/tmp/never-written").exists()


def test_broken_notebook_is_reported_and_others_still_built(tmp_path, capsys):
    broken = nbformat.read(NOTEBOOKS[0], as_version=4)
    broken.cells.insert(3, nbformat.v4.new_code_cell('raise ValueError("deliberately broken")'))
    path = tmp_path / "09_broken.ipynb"
    nbformat.write(broken, path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("a teacher's own file", encoding="utf-8")
    (out / "index.html").write_text("<p>someone else's index</p>", encoding="utf-8")
    status = main(
        ["handouts", str(path), "00", "--out", str(out), "--edition", "student", "--quiet"]
    )
    assert status == 1
    err = capsys.readouterr().err
    assert "09_broken.ipynb: cell 3" in err and "ValueError: deliberately broken" in err
    assert (out / "00_start_here.student.html").is_file()
    assert not (out / "09_broken.student.html").exists()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "a teacher's own file"
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>someone else's index</p>"
    assert "left" in err and "index.html" in err


def test_shared_assets_write_plotly_once(tmp_path, capsys):
    out = tmp_path / "shared"
    assert main(["handouts", "02", "--out", str(out), "--shared-assets", "--quiet"]) == 0
    capsys.readouterr()
    scripts = list(out.glob("plotly-*.min.js"))
    assert len(scripts) == 1
    for page in out.glob("02_*.html"):
        html = page.read_text(encoding="utf-8")
        assert not PLOTLY_BANNER.search(html)
        assert f'<script src="{scripts[0].name}"></script>' in html


def test_unwritable_output_folder_gives_a_message(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["handouts", "00", "--out", str(blocker)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


@pytest.mark.parametrize("exporter", ["kpeace_handout", "kpeace_handout_teacher"])
def test_nbconvert_entry_point(tmp_path, exporter):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbconvert",
            "--to",
            exporter,
            "--execute",
            "--output-dir",
            str(tmp_path),
            str(NOTEBOOKS[0]),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "KPEACE_DISPLAY": ""},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    html = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    assert 'content="kpeace handouts"' in html
    assert remote_resources(html) == []
    assert "application/vnd.jupyter.widget-view" not in html
    soup = bs4.BeautifulSoup(html, "html.parser")
    teacher = exporter.endswith("teacher")
    assert soup.find("meta", attrs={"name": "kpeace-edition"})["content"] == (
        "teacher" if teacher else "student"
    )
    assert bool(soup.select(".celltag_teacher")) is teacher
    assert bool(soup.select("pre, .highlight")) is teacher
    answers = soup.select("details.kp-answer") + [
        d for d in soup.select(".jp-MarkdownCell details") if not d.get("class")
    ]
    assert len(answers) >= 5
    assert all(d.has_attr("open") is teacher for d in answers)
    assert soup.select("details.kp-details")  # the static explorers' cards, behind details


DETAILS = """() => [...document.querySelectorAll('details')].map(d => ({
  cls: d.className, open: d.open,
  content: [...d.childNodes].filter(n => n.nodeName !== 'SUMMARY')
      .map(n => n.textContent).join('').trim().length}))"""


@pytest.mark.parametrize("stem", [p.stem for p in NOTEBOOKS])
@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_every_details_box_holds_its_answer(handouts, offline, stem, edition):
    context, page, _, _ = _open(offline, handouts / f"{stem}.{edition}.html")
    try:
        boxes = page.evaluate(DETAILS)
        assert boxes, "no <details> at all"
        empty = [b for b in boxes if not b["content"]]
        assert not empty, f"{len(empty)} of {len(boxes)} boxes hold nothing but their summary"
        answers = page.locator("details:not([class]), details.kp-answer")
        assert answers.count() >= 5  # the README promises five self-checks per notebook
        for i in range(answers.count()):
            box = answers.nth(i)
            hidden = box.locator(":scope > :not(summary)")
            assert hidden.count(), box.inner_html()[:200]
            if edition == "teacher":
                assert box.evaluate("d => d.open"), box.inner_html()[:200]
                assert hidden.first.evaluate("el => el.checkVisibility()")
                continue
            assert not box.evaluate("d => d.open")
            assert not any(
                hidden.nth(j).evaluate("el => el.checkVisibility()") for j in range(hidden.count())
            ), box.inner_html()[:200]
            box.locator(":scope > summary").click()
            assert hidden.first.evaluate("el => el.checkVisibility()")
    finally:
        context.close()


CARD_TITLES = {  # the explorers' lines above their cards (kpeace.widgets.explorers)
    "Events by era, with sources",
    "The arrows, issue by issue",
    "Each step in detail",
    "Each forum compared",
    "The essay and the record",
    "Each forecast and the later record",
}


def test_static_explorer_cards_sit_inside_details(handouts):
    explorers = 0
    for nb in NOTEBOOKS:
        html = (handouts / f"{nb.stem}.student.html").read_text(encoding="utf-8")
        soup = bs4.BeautifulSoup(html, "html.parser")
        for figure in soup.select("figure.kp-figure"):
            after = [s for s in figure.find_next_siblings() if s.name]
            if not after or after[0].get_text() not in CARD_TITLES:
                continue  # a figure without cards
            cards = list(
                itertools.takewhile(
                    lambda c: c.name == "details" and "kp-details" in c["class"], after[1:]
                )
            )
            assert cards, (nb.stem, after[0].get_text(), str(after[1:2])[:200])
            explorers += 1
    assert explorers >= 5


def test_teacher_edition_opens_every_answer(handouts):
    for nb in NOTEBOOKS:
        soup = bs4.BeautifulSoup(
            (handouts / f"{nb.stem}.teacher.html").read_text(encoding="utf-8"), "html.parser"
        )
        answers = soup.select("details.kp-answer") + [
            d for d in soup.select(".jp-MarkdownCell details") if not d.get("class")
        ]
        assert len(answers) >= 5, nb.stem
        assert all(d.has_attr("open") for d in answers), nb.stem
        student = bs4.BeautifulSoup(
            (handouts / f"{nb.stem}.student.html").read_text(encoding="utf-8"), "html.parser"
        )
        closed = student.select("details.kp-answer") + [
            d for d in student.select(".jp-MarkdownCell details") if not d.get("class")
        ]
        assert len(closed) == len(answers), nb.stem
        assert not any(d.has_attr("open") for d in closed), nb.stem


def test_index_shows_every_estimated_time(handouts):
    index = bs4.BeautifulSoup((handouts / "index.html").read_text(encoding="utf-8"), "html.parser")
    times = [p.get_text() for p in index.select("p.meta")]
    assert len(times) == len(NOTEBOOKS)
    assert all(re.fullmatch(r"Estimated time: \d+ minutes", t) for t in times), times


def test_student_only_build_has_no_teacher_guide(tmp_path, capsys):
    out = tmp_path / "students"
    assert main(["handouts", "00", "--out", str(out), "--edition", "student", "--quiet"]) == 0
    capsys.readouterr()
    assert not (out / "teacher-guide.html").exists()
    assert not list(out.glob("*.teacher.html"))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "teacher-guide.html" not in index and "Teacher edition" not in index
    assert 'href="00_start_here.student.html"' in index


def test_every_page_fits_a_phone(handouts, browser):
    widths = {}
    for path in _files(handouts):
        context = browser.new_context(viewport={"width": 375, "height": 800})
        try:
            page = context.new_page()
            page.goto(path.as_uri())
            widths[path.name] = page.evaluate("document.documentElement.scrollWidth")
        finally:
            context.close()
    assert len(widths) == 2 * len(NOTEBOOKS) + 3
    assert all(w <= 375 for w in widths.values()), widths


FONT_FACE = re.compile(
    r"@font-face \{ font-family: 'kpeace Korean';[^}]*"
    r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)"
)


def test_every_hangul_character_is_in_the_embedded_font(handouts):
    import base64
    import io

    from fontTools.ttLib import TTFont

    from kpeace.handouts.fonts import refresh

    korean = 0
    for path in _files(handouts):
        html = path.read_text(encoding="utf-8")
        hangul = set(refresh.HANGUL.findall(html))
        faces = FONT_FACE.findall(html)
        if not hangul:
            assert not faces, path.name  # no font where there is no Korean
            continue
        korean += 1
        assert len(faces) == 1, path.name
        cmap = TTFont(io.BytesIO(base64.b64decode(faces[0]))).getBestCmap()
        missing = sorted(c for c in hangul if ord(c) not in cmap)
        assert not missing, (path.name, "".join(missing))
    assert korean >= 4  # 00, 01, 03, 05 and the fact sheet have Korean


VNU = Path(os.environ.get("KPEACE_VNU", ROOT / ".venv/npm/node_modules/vnu-jar/build/dist/vnu.jar"))


def test_every_page_is_valid_html(handouts):
    assert VNU.is_file(), f"the W3C Nu HTML checker is missing at {VNU}: run tests/setup.sh"
    pages = _files(handouts)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [
        (Path(m.get("url", "")).name, m.get("message", "")[:120])
        for m in messages
        if m.get("type") != "info"
    ]
    assert not errors, errors[:10]
    assert result.returncode == 0 and len(pages) == 2 * len(NOTEBOOKS) + 3


A4_CONTENT_PX = (210 - 2 * 12.7) / 25.4 * 96  # A4 less the template's 0.5 in margins: 698 px
PRINT_WATCH = """() => { window.kpPrinted = [];
  window.addEventListener('beforeprint', () => window.kpPrinted.push(
    [...document.querySelectorAll('.js-plotly-plot .main-svg')]
      .map(s => s.getBoundingClientRect().width))); }"""


@pytest.mark.parametrize("stem", [p.stem for p in NOTEBOOKS])
def test_printed_figures_fit_the_page(handouts, browser, stem):
    for edition in ("student", "teacher"):
        path = handouts / f"{stem}.{edition}.html"
        expected = path.read_text(encoding="utf-8").count('class="plotly-graph-div')
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(path.as_uri())
            if expected:
                page.wait_for_function(
                    f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {expected}",
                    timeout=30_000,
                )
            page.evaluate(PRINT_WATCH)
            assert page.pdf(format="A4").startswith(b"%PDF")
            printed = page.evaluate("window.kpPrinted")
            assert len(printed) == 1, printed
            assert len(printed[0]) >= expected
            wide = [w for w in printed[0] if w > A4_CONTENT_PX]
            assert not wide, (path.name, wide)
        finally:
            context.close()


def test_the_vendored_font_covers_every_hangul_character_of_the_course():
    from fontTools.ttLib import TTFont

    from kpeace.handouts.fonts import refresh

    course = refresh.course_hangul()
    assert len(course) > 100, "the course's Korean text was not found"
    cmap = TTFont(str(refresh.OUTPUT)).getBestCmap()
    missing = "".join(sorted(c for c in course if ord(c) not in cmap))
    assert not missing, f"run `python -m kpeace.handouts.fonts.refresh`: {missing} not in the font"


PHONE = 375
MENU_BOXES = """() => Array.from(document.querySelectorAll(
    '.js-plotly-plot g.updatemenu-header-group, .js-plotly-plot g.updatemenu-button,'
    + ' .js-plotly-plot g.slider-container'))
  .map(el => { const b = el.getBoundingClientRect();
    const plot = el.closest('.js-plotly-plot').querySelector('.gtitle');
    return {figure: plot ? plot.textContent : '', left: b.left, right: b.right, width: b.width}; })
  .filter(b => b.width > 0)"""


def _menus_at_phone_width(offline, path: Path) -> tuple[list[dict], list[int]]:
    """Every menu and slider box on the page at 375 px, with each dropdown opened in turn."""
    opened = offline(path.as_uri(), width=PHONE, height=800, timeout=120_000)
    page = opened.page
    page.set_default_timeout(120_000)
    try:
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length")
        boxes = page.evaluate(MENU_BOXES)
        widths = [page.evaluate("document.documentElement.scrollWidth")]
        headers = page.locator(".js-plotly-plot g.updatemenu-header-group")
        for i in range(headers.count()):
            headers.nth(i).click()
            boxes += page.evaluate(MENU_BOXES)
            widths.append(page.evaluate("document.documentElement.scrollWidth"))
            headers.nth(i).click()
        assert not opened.errors, opened.errors
    finally:
        opened.context.close()
    return boxes, widths


@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_every_figure_menu_fits_a_phone(handouts, offline, edition):
    with_menus = {}
    for path in NOTEBOOKS[1:]:  # 00 has no figure with menus
        boxes, widths = _menus_at_phone_width(offline, handouts / f"{path.stem}.{edition}.html")
        with_menus[path.stem] = {b["figure"] for b in boxes}
        outside = [b for b in boxes if b["left"] < 0 or b["right"] > PHONE]
        assert not outside, (path.stem, outside)
        assert max(widths) <= PHONE, (path.stem, widths)
    assert all(with_menus.values()), with_menus
    assert "Forecasts and premises, then and since" in with_menus["05_hindsight"]
