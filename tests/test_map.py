"""The peninsula map: its shipped data, its sources, its controls and both renderings offline."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import plotly.graph_objects as go
import plotly.offline
import pytest

import kpeace.widgets as kw
from kpeace import figures
from kpeace.figures import peninsula_map as pm
from kpeace.figures._style import OKABE_ITO, PALETTE
from kpeace.widgets.peninsula_map import layer_card, map_layers
from kpeace.widgets.views import StaticView

ROOT = Path(__file__).resolve().parent.parent
#: The peninsula with its seas and Japan's nearby coast: no shipped coordinate lies outside.
BOX = (123.5, 32.0, 132.0, 43.5)
FIVE_ISLANDS = {"Baengnyeong", "Daecheong", "Socheong", "Yeonpyeong", "U-do"}


def _points(node) -> list[tuple[float, float]]:
    """Every (lon, lat) pair in a GeoJSON coordinates array, however deeply nested."""
    if node and isinstance(node[0], (int, float)):
        return [(float(node[0]), float(node[1]))]
    return [p for item in node for p in _points(item)]


def _figure(**kwargs) -> go.Figure:
    outline, overlays = map_layers()
    return figures.peninsula_figure(outline, overlays, **kwargs)


def _trace(fig: go.Figure, name_start: str) -> go.Scatter:
    return next(t for t in fig.data if str(t.name).startswith(name_start))


# --- the data ---------------------------------------------------------------------------------


def test_outline_loads_and_lies_on_the_peninsula():
    outline, _ = map_layers()
    names = {f["properties"]["name"] for f in outline["features"]}
    assert {"South Korea", "North Korea", "Boundary between the two Koreas"} <= names
    points = [p for f in outline["features"] for p in _points(f["geometry"]["coordinates"])]
    assert 300 <= len(points) <= 2000, len(points)  # simplified to a few hundred per country
    outside = [p for p in points if not (BOX[0] <= p[0] <= BOX[2] and BOX[1] <= p[1] <= BOX[3])]
    assert not outside, outside[:5]
    border = next(f for f in outline["features"] if f["properties"]["kind"] == "boundary")
    xs = [p[0] for p in _points(border["geometry"]["coordinates"])]
    assert min(xs) < 126.7 and max(xs) > 128.3  # from the Han estuary to the east coast
    assert "Natural Earth" in outline["source"] and "public domain" in outline["license"].lower()


def test_the_map_is_declared_in_the_data_package_with_source_and_licence(descriptor):
    resources = {r["name"]: r for r in descriptor["resources"]}
    outline, overlays = resources["peninsula_map"], resources["map_overlays"]
    for res in (outline, overlays):
        assert (ROOT / "data" / res["path"]).is_file()
        assert res["mediatype"] == "application/geo+json" and "schema" not in res
    assert "Natural Earth" in outline["sources"][0]["title"]
    assert "public domain" in outline["licenses"][0]["title"].lower()
    readme = (ROOT / "data/map/README.md").read_text(encoding="utf-8")
    assert "world-atlas 2.0.2" in readme and "public domain" in readme
    assert (ROOT / "data/tools/peninsula.mjs").is_file()


def test_every_place_and_line_has_a_source_or_is_schematic():
    _, overlays = map_layers()
    features = overlays["features"]
    assert len(features) >= 11
    for feature in features:
        props = feature["properties"]
        assert props["status"] in pm.STATUS_LABEL, props
        assert props["confidence"] in {"high", "medium", "low"}, props
        assert props["source"] or props["status"] == "schematic", props
        if props["status"] == "published":
            assert props["source_url"].startswith("http"), props
        if feature["geometry"]["type"] == "Point":
            lon, lat = feature["geometry"]["coordinates"]
            assert BOX[0] <= lon <= BOX[2] and BOX[1] <= lat <= BOX[3], props
    islands = {f["properties"]["name"] for f in features if f["properties"]["kind"] == "island"}
    assert islands == FIVE_ISLANDS
    statuses = {f["id"]: f["properties"]["status"] for f in features}
    assert statuses["nll"] == "schematic"  # no published vertex list was found


def test_an_unsourced_mark_is_refused_unless_schematic():
    _, overlays = map_layers()
    broken = copy.deepcopy(overlays)
    seoul = next(f for f in broken["features"] if f["id"] == "seoul")
    seoul["properties"]["source"] = ""
    with pytest.raises(ValueError, match=r"Seoul.*no source"):
        pm.map_features(broken)
    seoul["properties"]["status"] = "schematic"
    assert pm.map_features(broken)["city"]


def test_the_dmz_band_is_two_km_each_side():
    ring = pm.band([[127.0, 38.0], [128.0, 38.0]], 2.0)
    assert ring[0] == ring[-1] and len(ring) == 5
    offsets = sorted({round(abs(lat - 38.0) * pm.KM_PER_DEGREE, 6) for _, lat in ring})
    assert offsets == [2.0]
    with pytest.raises(ValueError):
        pm.band([[127.0, 38.0]], 2.0)


# --- the figure -------------------------------------------------------------------------------


def test_schematic_and_approximate_marks_are_labelled_on_the_figure_and_in_the_text():
    fig = _figure()
    _, overlays = map_layers()
    alt = figures.alt_text(fig)
    assert len(alt) > 400
    for feature in overlays["features"]:
        props = feature["properties"]
        assert props["name"] in alt, props["name"]
        if props["status"] != "published":
            label = pm.STATUS_LABEL[props["status"]]
            assert label in alt.split(props["name"], 1)[1][:60], props["name"]
    assert _trace(fig, "Northern Limit Line").name.endswith("(schematic)")
    assert "first leg schematic" in _trace(fig, "DPRK's").name
    islands = _trace(fig, "The five northwest islands")
    assert "approximate" in islands.name
    assert {"Socheong*", "U-do*", "Yeonpyeong"} <= set(islands.text)
    assert "Yokota" in alt and "UNC" in alt
    assert any("Yokota" in a.text for a in fig.layout.annotations)


def test_controls_change_the_figure_and_highlight_dims_the_rest():
    fig = _figure()
    menus = {m.name: m for m in fig.layout.updatemenus}
    assert set(menus) == {"Highlight", "View"}  # each changes the figure: test_figures.py
    for menu in menus.values():
        assert all(b.method == "update" for b in menu.buttons) and len(menu.buttons) >= 2
    sea = next(b for b in menus["Highlight"].buttons if b.label == "Sea lines")
    copy_ = go.Figure(fig)
    copy_.plotly_update(restyle_data=sea.args[0])
    opacity = {t.meta: set() for t in copy_.data}
    for trace in copy_.data:
        opacity[trace.meta].add(trace.opacity)
    assert opacity["Sea lines"] == {1.0} and opacity["Outline"] == {1.0}
    assert opacity["Land lines"] == {pm.DIM} and opacity["Places"] == {pm.DIM}


def test_readable_at_375_px_and_only_palette_colours():
    fig = _figure()
    assert len(fig.layout.title.text) <= 40
    ys = [menu.y for menu in fig.layout.updatemenus]
    assert len(set(ys)) == len(ys)
    assert fig.layout.autosize and fig.layout.width is None
    assert fig.layout.yaxis.scaleanchor == "x"  # equal scale: the map is not stretched
    spec = fig.to_plotly_json()
    spec["layout"].pop("template", None)  # plotly's default theme, overridden where it shows
    text = json.dumps(spec)
    colours = set(re.findall(r'"(?:\w*color)": "([^"]+)"', text))
    assert colours & {c.upper() for c in OKABE_ITO.values()}
    assert {c.upper() for c in colours} <= PALETTE, colours - PALETTE
    assert all(t.type == "scatter" for t in fig.data)  # no geo trace: nothing to fetch


def test_unknown_view_and_layer_are_value_errors():
    outline, overlays = map_layers()
    with pytest.raises(ValueError, match="view must be one of"):
        figures.peninsula_figure(outline, overlays, view="Moon")
    with pytest.raises(ValueError, match="layer must be"):
        layer_card(overlays, "Rivers")


def test_layer_cards_name_every_source():
    _, overlays = map_layers()
    sea = layer_card(overlays, "Sea lines")
    assert "KCNA, 21 July 1999" in sea and "schematic" in sea
    places = layer_card(overlays, "Places")
    assert all(name in places for name in FIVE_ISLANDS | {"Seoul", "Pyongyang", "Kaesong"})
    assert "approximate position" in places
    assert "Yokota" in layer_card(overlays, "Everything")


# --- both renderings --------------------------------------------------------------------------


def test_live_explorer_updates_the_figure_in_place():
    kw.set_display_mode("live")
    try:
        view = kw.peninsula_map()
        assert set(view.controls) == {"Highlight", "View"}
        view.controls["Highlight"].value = "Places"
        assert "Baengnyeong" in view.detail.value
        places = [t.opacity for t in view.figure_widget.data if t.meta == "Places"]
        assert places and set(places) == {1.0}
        view.controls["View"].value = "West Sea islands"
        assert tuple(view.figure_widget.layout.xaxis.range) == pm.VIEWS["West Sea islands"][0]
    finally:
        kw.set_display_mode(None)


@pytest.mark.slow
@pytest.mark.parametrize("width", [375, 1000])
def test_static_map_renders_offline_in_chromium(offline, tmp_path, width):
    kw.set_display_mode("static")
    try:
        view = kw.peninsula_map()
    finally:
        kw.set_display_mode(None)
    assert isinstance(view, StaticView)
    page_file = tmp_path / "map.html"
    page_file.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<script>{plotly.offline.get_plotlyjs()}</script></head>"
        f"<body style='margin:0'>{view.html}</body></html>",
        encoding="utf-8",
    )
    opened = offline(page_file.as_uri(), width=width, height=900)
    context, page, requests, errors = opened.context, opened.page, opened.requests, opened.errors
    try:
        page.wait_for_selector(".js-plotly-plot .main-svg", state="attached")
        legend = page.eval_on_selector_all(".legendtext", "els => els.map(e => e.textContent)")
        assert any("(schematic)" in t for t in legend), legend
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = page.locator(".js-plotly-plot").bounding_box()
        assert box and box["width"] <= width
        plot = page.locator(".js-plotly-plot")
        before = plot.evaluate("el => JSON.stringify(el.layout.xaxis.range)")
        plot.locator("g.updatemenu-button").filter(has_text="West Sea islands").click()
        page.wait_for_timeout(300)
        after = plot.evaluate("el => JSON.stringify(el.layout.xaxis.range)")
        assert after != before and json.loads(after)[0] == pytest.approx(123.9)
        assert page.locator("details").count() >= 4
        assert requests == [] and errors == []
    finally:
        context.close()
