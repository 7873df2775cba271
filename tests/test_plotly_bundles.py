"""plotly.js in handouts: the smallest official bundle of plotly.py's version that draws them."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.offline import get_plotlyjs_version

from kpeace.handouts import plotly as bundles
from kpeace.handouts.build import build
from kpeace.handouts.exporter import UNKNOWN, HandoutExporter

HERE = Path(bundles.__file__).parent
BANNER = re.compile(r"\* plotly\.js (?:\((\w+) - minified\) )?v(\d[\w.-]*)")


def _banner(text: str) -> tuple[str, str]:
    found = BANNER.search(text[:2_000] if text.startswith("/*") else text)
    assert found, "no plotly.js banner"
    return found.group(1) or "full", found.group(2)


# --- the vendored files ---------------------------------------------------------------------


def test_vendored_bundles_are_plotly_py_s_version():
    manifest = bundles.manifest()
    assert manifest["bundles"], "no vendored bundle"
    assert manifest["plotly_js_version"] == get_plotlyjs_version(), (
        "run `python -m kpeace.handouts.plotly.refresh`"
    )
    for entry in manifest["bundles"]:
        data = (HERE / entry["file"]).read_bytes()
        assert _banner(data.decode("utf-8")) == (entry["name"], get_plotlyjs_version())
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
        assert entry["license"] == "MIT"
    assert "MIT License" in (HERE / "LICENSE").read_text(encoding="utf-8")


def test_vendored_bundles_hold_the_trace_types_the_manifest_names(browser):
    """The manifest's lists come from each package's README; the scripts must agree."""
    context = browser.new_context()
    try:
        page = context.new_page()
        for entry in bundles.manifest()["bundles"]:
            page.set_content("<!DOCTYPE html><title>t</title>")
            page.add_script_tag(content=(HERE / entry["file"]).read_text(encoding="utf-8"))
            traces = page.evaluate("Object.keys(Plotly.PlotSchema.get().traces).sort()")
            assert traces == sorted(entry["traces"]), entry["name"]
    finally:
        context.close()


def test_a_version_mismatch_leaves_only_the_full_bundle(monkeypatch):
    manifest = {**bundles.manifest(), "plotly_js_version": "0.0.1"}
    monkeypatch.setattr(bundles, "manifest", lambda: manifest)
    assert [b.name for b in bundles.bundles()] == ["full"]
    assert bundles.choose({"scatter"}).name == "full"


def test_the_readme_names_the_trace_modules():
    from kpeace.handouts.plotly.refresh import readme_traces

    text = "# x\n\nContains trace modules `bar`, `pie` and `scatter`.\n\nMore."
    assert readme_traces(text) == ["bar", "pie", "scatter"]
    with pytest.raises(ValueError):
        readme_traces("# nothing")


# --- choosing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "name"),
    [
        (set(), "basic"),
        ({"scatter", "bar"}, "basic"),
        ({"scatter", "box"}, "cartesian"),
        ({"heatmap"}, "cartesian"),
        ({"scatter", "table"}, "full"),
        ({"scatter3d"}, "full"),
        ({"scattergeo"}, "full"),
        ({UNKNOWN}, "full"),
    ],
)
def test_the_smallest_bundle_that_draws_every_trace_is_chosen(types, name):
    assert bundles.choose(types).name == name


def test_trace_types_include_frames_and_menus():
    fig = go.Figure(
        [go.Scatter(y=[1]), go.Bar(y=[1])],
        frames=[go.Frame(data=[go.Heatmap(z=[[1]])])],
        layout={
            "updatemenus": [
                {"buttons": [{"method": "restyle", "args": [{"type": "box"}], "label": "b"}]}
            ]
        },
    ).to_dict()
    assert bundles.trace_types(fig) == {"scatter", "bar", "heatmap", "box"}
    assert bundles.trace_types({"data": [{"y": [1]}]}) == {"scatter"}  # plotly.js default


def test_figures_are_read_from_html_and_their_template_pruned():
    fig = go.Figure(go.Scatter(y=[1, 2], text=["</script>"]))
    html = pio.to_html(fig, include_plotlyjs=False, full_html=False, validate=False)
    assert '"scatter3d"' in html and '"scene"' in html  # the default template's
    pruned, types = bundles.figures_in(html)
    assert types == {"scatter"}
    assert '"scatter3d"' not in pruned and '"scene"' not in pruned and '"scatter":[' in pruned
    assert len(pruned) < len(html) - 3000
    assert "</script>" not in pruned.split("<script", 1)[1].split("</script>")[0]
    frames = go.Figure(go.Scatter(y=[1]), frames=[go.Frame(data=[go.Bar(y=[2])])])
    _, types = bundles.figures_in(pio.to_html(frames, include_plotlyjs=False, full_html=False))
    assert types == {"scatter", "bar"}
    assert bundles.figures_in('<div class="plotly-graph-div"></div>')[1] is None
    assert bundles.figures_in("<div>Plotly.newPlot(oops</div>")[1] is None
    assert bundles.figures_in("<p>no figure</p>") == ("<p>no figure</p>", set())


# --- handouts ------------------------------------------------------------------------------


def _notebook(*figures: go.Figure) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell("# Test\n\nFigures.")]
    for fig in figures:
        cell = nbformat.v4.new_code_cell(
            f"import plotly.io as pio\npio.from_json({fig.to_json()!r})"
        )
        cell.outputs = [
            nbformat.v4.new_output(
                "display_data",
                data={"application/vnd.plotly.v1+json": fig.to_plotly_json(), "text/plain": ""},
            )
        ]
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


MENU = {
    "updatemenus": [
        {
            "type": "buttons",
            "buttons": [
                {"label": "one", "method": "restyle", "args": [{"opacity": 1}]},
                {"label": "half", "method": "restyle", "args": [{"opacity": 0.5}]},
            ],
        }
    ]
}
CASES = {
    "basic": [go.Figure(go.Scatter(y=[1, 3, 2]), layout=MENU)],
    "cartesian": [go.Figure(go.Scatter(y=[1, 2])), go.Figure(go.Box(y=[1, 2, 3]), layout=MENU)],
    "full": [go.Figure(go.Scatter(y=[1])), go.Figure(go.Scatter3d(x=[1], y=[2], z=[3]))],
    "full map": [go.Figure(go.Scattergeo(lon=[127], lat=[37.5]), layout=MENU)],
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_handout_gets_the_bundle_its_traces_need_and_draws_offline(tmp_path, offline, case):
    figures = CASES[case]
    body, resources = HandoutExporter().from_notebook_node(_notebook(*figures))
    name = case.split()[0]
    assert resources["kpeace"]["plotly_bundle"].name == name
    assert _banner(body) == (name, get_plotlyjs_version())
    assert len(BANNER.findall(body)) == 1
    path = tmp_path / "page.html"
    path.write_text(body, encoding="utf-8")
    opened = offline(path.as_uri())
    try:
        opened.page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {len(figures)}",
            timeout=30_000,
        )
        drawn = opened.page.evaluate(
            "[...document.querySelectorAll('.js-plotly-plot')].map(el => el._fullData.length)"
        )
        assert drawn == [1] * len(figures)
        if "updatemenus" in figures[-1].layout.to_plotly_json():
            plot = opened.page.locator(".js-plotly-plot").last
            plot.locator("g.updatemenu-button").nth(1).click()
            opened.page.wait_for_timeout(200)
            assert plot.evaluate("el => el.data[0].opacity") == 0.5
        if case == "full map":  # drawn, but plotly.js asks the internet for its world map
            assert {r.rsplit("/", 1)[-1] for r in opened.requests} == {"world_110m.json"}
            opened.errors = [e for e in opened.errors if not re.search("Failed to load|110m", e)]
        else:
            assert opened.requests == []
        assert opened.errors == []
    finally:
        opened.context.close()


def test_shared_assets_carry_each_bundle_the_series_needs(tmp_path):
    out = tmp_path / "shared"
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    for i, case in enumerate(("basic", "full", "basic")):
        nbformat.write(_notebook(*CASES[case]), notebooks / f"0{i}_{case}.ipynb")
    results, extra = build(sorted(notebooks.glob("*.ipynb")), out, shared_assets=True)
    assert not [r.error for r in results if r.error]
    scripts = sorted(p.name for p in out.glob("plotly*.js"))
    version = get_plotlyjs_version()
    assert scripts == [f"plotly-{version}.min.js", f"plotly-basic-{version}.min.js"]
    assert {out / s for s in scripts} <= set(extra.files)
    for script in scripts:
        assert _banner((out / script).read_text(encoding="utf-8"))[1] == version
    referenced = set()
    for page in out.glob("0*.html"):
        html = page.read_text(encoding="utf-8")
        assert not BANNER.search(html)
        referenced |= set(re.findall(r'<script src="(plotly[^"]+)"></script>', html))
    assert referenced == set(scripts)


def test_the_wheel_carries_the_vendored_bundles_and_their_licence(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    files = [b["file"] for b in bundles.manifest()["bundles"]] + ["bundles.json", "LICENSE"]
    missing = [f for f in files if f"kpeace/handouts/plotly/{f}" not in names]
    assert len(files) >= 4 and not missing, missing
