"""Figure builders: traces, kernel-free controls, text alternatives, palette, narrow screens."""

from __future__ import annotations

import copy

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

import kpeace
from kpeace import figures, prompts
from kpeace.figures._style import NEUTRALS, OKABE_ITO, PALETTE, labels_on_the_left
from kpeace.widgets.peninsula_map import map_layers

NAMES = dict(
    zip(kpeace.load("actors")["actor_id"], kpeace.load("actors")["short_name"], strict=True)
)
GROUPS = {
    "Signed the armistice (1953)": ("UNC", "KPA", "CPV"),
    "The essay's four (¶7)": ("US", "PRC", "ROK", "DPRK"),
}


def _build(name: str) -> go.Figure:
    load = kpeace.load
    return {
        "timeline": lambda: figures.timeline_figure(load("events")),
        "matrix": lambda: figures.matrix_figure(load("positions"), NAMES),
        "network": lambda: figures.network_figure(load("positions")),
        "steps": lambda: figures.steps_figure(load("unc_steps"), NAMES),
        "forum": lambda: figures.forum_figure(GROUPS, prompts.FORUM_PRESETS, NAMES),
        "resolutions": lambda: figures.resolutions_figure(
            load("documents"), ["UNSCR_82", "UNSCR_83", "UNSCR_84"]
        ),
        "agreements": lambda: figures.agreements_figure(load("documents"), load("events")),
        "forecast": lambda: figures.forecast_figure(load("checks"), load("claims"), load("events")),
        "perspectives": lambda: figures.perspectives_figure(
            load("perspectives"), load("perspective_questions")
        ),
        "peninsula": lambda: figures.peninsula_figure(*map_layers()),
    }[name]()


BUILDERS = [
    "timeline",
    "matrix",
    "network",
    "steps",
    "forum",
    "resolutions",
    "agreements",
    "forecast",
    "perspectives",
    "peninsula",
]


@pytest.mark.parametrize("name", BUILDERS)
def test_traces_controls_and_text_alternative(name):
    fig = _build(name)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) >= 1
    menus = fig.layout.updatemenus
    assert menus, "no kernel-free controls"
    for menu in menus:
        assert menu.name and len(menu.buttons) >= 2
        assert all(b.method == "update" for b in menu.buttons)
    alt = figures.alt_text(fig)
    assert len(alt) > 80, alt


@pytest.mark.parametrize("name", BUILDERS)
def test_every_control_changes_the_figure(name):
    fig = _build(name)
    assert fig.layout.updatemenus
    for menu in fig.layout.updatemenus:
        states = set()
        for button in menu.buttons:
            copy_ = go.Figure(fig)
            args = list(button.args) + [None] * (3 - len(button.args))
            copy_.plotly_update(
                restyle_data=args[0] or None, relayout_data=args[1] or None, trace_indexes=args[2]
            )
            states.add(copy_.to_json())
        assert len(states) == len(menu.buttons), f"{menu.name}: some choices change nothing"


@pytest.mark.parametrize("name", BUILDERS)
def test_readable_at_375_px(name):
    fig = _build(name)
    assert len(fig.layout.title.text) <= 40
    ys = [menu.y for menu in fig.layout.updatemenus]
    assert len(set(ys)) == len(ys), "controls share a row and would overlap on a phone"
    assert fig.layout.autosize and fig.layout.width is None
    # a dropdown is as wide as its longest label: 46 characters at 12 px still fit 375 px
    # (tests/test_handouts.py opens every menu at 375 px in Chromium)
    longest = max(len(b.label) for menu in fig.layout.updatemenus for b in menu.buttons)
    assert longest <= 46, longest
    edge = ("right", 1.0) if labels_on_the_left(fig) else ("left", 0.0)
    assert {(menu.xanchor, menu.x) for menu in fig.layout.updatemenus} == {edge}


def _colours(node, key: str = "") -> list[str]:
    """Every colour named anywhere in a figure's JSON: traces, layout, shapes, menu arguments."""
    if isinstance(node, dict):
        return [
            c
            for k, v in node.items()
            if k != "template"  # plotly's default theme, overridden where it shows
            for c in _colours(v, str(k))
        ]
    if isinstance(node, (list, tuple)):
        return [c for item in node for c in _colours(item, key)]
    name = key.lower()
    if isinstance(node, str) and (name.endswith("color") or name == "colorway"):
        return [node]
    return []


def test_colour_walk_sees_every_place_a_colour_can_hide():
    fig = go.Figure(go.Scatter(x=[1], y=[1], marker={"color": "#FF0000"}))
    fig.add_vrect(x0=0, x1=1, fillcolor="#00FF00")
    fig.update_layout(updatemenus=[{"buttons": [{"args": [{"line.color": ["red"]}]}]}])
    assert set(_colours(fig.to_plotly_json())) >= {"#FF0000", "#00FF00", "red"}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_colour_comes_from_the_colour_blind_safe_palette(name):
    used = _colours(_build(name).to_plotly_json())
    assert used, "found no colour at all: the walk is broken"
    odd = {c for c in used if c.upper().replace(" ", "") not in PALETTE}
    assert not odd, f"{name} uses colours outside kpeace.figures._style.PALETTE: {odd}"
    data = {c.upper() for c in used} & {c.upper() for c in OKABE_ITO.values()}
    assert data, "no Okabe–Ito data colour used"


def test_palette_is_upper_case_and_holds_okabe_ito():
    assert set(OKABE_ITO.values()) <= PALETTE
    assert all(c == c.upper() or c.startswith("rgba") for c in PALETTE)


def test_timeline_show_menu_filters_traces():
    fig = figures.timeline_figure(kpeace.load("events"), show="After the essay")
    visible = [t.visible for t in fig.data]
    assert visible == [False, False, True, True]
    assert fig.data[2].name == "After the essay" and len(fig.data[2].x) >= 8


def test_timeline_marks_follow_the_events_flags():
    events = kpeace.load("events")
    traces = {t.name: t for t in figures.timeline_figure(events).data}
    essay = events["lane"] == "the essay"
    expected = {
        "After the essay": events[~essay & events["after_essay"]],
        "Mentioned in the essay": events[~essay & ~events["after_essay"] & events["in_essay"]],
        "Not in the essay": events[~essay & ~events["after_essay"] & ~events["in_essay"]],
        "The essay itself": events[essay],
    }
    assert set(traces) == set(expected)
    for name, rows in expected.items():
        assert len(rows), name
        assert sorted(pd.to_datetime(traces[name].x)) == sorted(rows["date"]), name
    essay_date = figures.timeline.ESSAY_DATE
    assert all(pd.Timestamp(x) > essay_date for x in traces["After the essay"].x)
    assert all(pd.Timestamp(x) < essay_date for x in traces["Mentioned in the essay"].x)


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError, match="show must be one of"):
        figures.timeline_figure(kpeace.load("events"), show="nonsense")
    with pytest.raises(ValueError, match="issue must be one of"):
        figures.network_figure(kpeace.load("positions"), issue="weather")
    with pytest.raises(ValueError, match="unknown document"):
        figures.resolutions_figure(kpeace.load("documents"), ["UNSCR_999"])
    empty = kpeace.load("events").iloc[0:0]
    with pytest.raises(ValueError, match="empty"):
        figures.timeline_figure(empty)


def test_steps_detect_cycles():
    steps = kpeace.load("unc_steps")
    broken = copy.deepcopy(steps)
    row = broken.index[broken["step_id"] == "S01"][0]
    broken.at[row, "depends_on"] = ("S02",)
    with pytest.raises(ValueError, match="circular"):
        figures.unc.step_depths(broken)


def test_figures_do_not_read_files(monkeypatch):
    events = kpeace.load("events")

    def refuse(*args, **kwargs):
        raise AssertionError("a figure builder read data")

    monkeypatch.setattr(kpeace.data, "load", refuse)
    assert figures.timeline_figure(events).data


# --- the UNC steps diagram: every arrow ends at its target's edge ---------------------------


def _steps_geometry():
    steps = kpeace.load("unc_steps")
    fig = figures.steps_figure(steps, NAMES)
    nodes = next(t for t in fig.data if t.text is not None and len(t.text) == len(steps))
    centres = {str(s): (x, y) for s, x, y in zip(nodes.text, nodes.x, nodes.y, strict=True)}
    edges = [(str(d), str(r.step_id)) for r in steps.itertuples() for d in r.depends_on]
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    return fig, nodes, centres, edges, arrows


def test_steps_arrows_end_on_their_target_edge():
    _, nodes, centres, edges, arrows = _steps_geometry()
    assert edges and len(arrows) == len(edges)
    radius = nodes.marker.size / 2 + nodes.marker.line.width / 2
    for (start, end), arrow in zip(edges, arrows, strict=True):
        # Both ends in the nodes' own (data) coordinates, at the centres ...
        assert (arrow.xref, arrow.yref, arrow.axref, arrow.ayref) == ("x", "y", "x", "y")
        assert (arrow.x, arrow.y) == pytest.approx(centres[end]), (start, end)
        assert (arrow.ax, arrow.ay) == pytest.approx(centres[start]), (start, end)
        # ... and pulled back by the node's radius in pixels, which no width changes.
        assert arrow.standoff == pytest.approx(radius, abs=0.5), (start, end)
        assert arrow.startstandoff == pytest.approx(radius, abs=0.5), (start, end)


# For each arrow: the point of its head nearest the target node's centre, and that node's
# centre and radius, all in screen pixels.
ARROW_TIPS = """([edges, nodeTrace]) => {
  const points = [...document.querySelectorAll('.scatterlayer .trace')[0]
                  .querySelectorAll('path.point')];
  const nodes = points.map(p => { const b = p.getBoundingClientRect();
    return {x: b.x + b.width / 2, y: b.y + b.height / 2, r: b.width / 2}; });
  return edges.map(([index, target]) => {
    const head = document.querySelector(
      `g.annotation[data-index="${index}"] .annotation-arrow-g path:nth-of-type(2)`);
    if (!head) return null;
    const m = head.getScreenCTM(), n = nodes[target], length = head.getTotalLength();
    let best = null;
    for (let i = 0; i <= 60; i++) {
      const p = head.getPointAtLength(length * i / 60);
      const x = m.a * p.x + m.c * p.y + m.e, y = m.b * p.x + m.d * p.y + m.f;
      const d = Math.hypot(x - n.x, y - n.y);
      if (best === null || d < best) best = d;
    }
    return {tip: best, r: n.r};
  });
}"""


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 600, 375])
def test_steps_arrowheads_touch_their_target_in_chromium(browser, tmp_path, width):
    fig, nodes, _, edges, _ = _steps_geometry()
    order = [str(s) for s in nodes.text]
    page_file = tmp_path / "steps.html"
    page_file.write_text(
        pio.to_html(fig, include_plotlyjs=True, full_html=True, default_width="100%"),
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": width, "height": 700})
    try:
        page.goto(page_file.as_uri())
        page.wait_for_selector(".scatterlayer .trace path.point", state="attached")
        pairs = [[i, order.index(end)] for i, (_, end) in enumerate(edges)]
        tips = page.evaluate(ARROW_TIPS, [pairs, list(fig.data).index(nodes)])
    finally:
        page.close()
    assert len(tips) == len(edges)
    for (start, end), tip in zip(edges, tips, strict=True):
        assert tip is not None, f"no arrowhead drawn for {start} → {end}"
        # The head's nearest point lies on the node's circle (outline included), within 2 px.
        assert tip["r"] > 10
        assert tip["r"] - 1 <= tip["tip"] <= tip["r"] + 2.5, (width, start, end, tip)


def test_timeline_after_the_essay_frames_its_own_years():
    events = kpeace.load("events")
    essay = figures.timeline.ESSAY_DATE
    fig = figures.timeline_figure(events, show="After the essay")
    start, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert essay - pd.DateOffset(years=1) <= start < essay
    assert end >= events["date"].max()
    menu = next(
        m for m in fig.layout.updatemenus if "After the essay" in [b.label for b in m.buttons]
    )
    framed = {b.label: [pd.Timestamp(x) for x in b.args[1]["xaxis.range"]] for b in menu.buttons}
    assert framed["After the essay"][0] == start
    assert framed["All events"][0] < pd.Timestamp("1946-01-01")
    assert framed["Before the essay"][1] < essay + pd.DateOffset(years=2)


def test_perspectives_draw_every_dated_position_once_per_question():
    perspectives = kpeace.load("perspectives")
    fig = figures.perspectives_figure(perspectives, kpeace.load("perspective_questions"))
    drawn = [t for t in fig.data if t.x and t.x[0] is not None]
    dated = perspectives[perspectives["year"].notna()]
    expected = sum(len(q) for q in dated["questions"])
    assert expected > 40 and sum(len(t.x) for t in drawn) == expected
    for trace in drawn:
        for symbol, hover in zip(trace.marker.symbol, trace.hovertext, strict=True):
            assert symbol.endswith("-open") == ("confidence: medium" in hover), hover
    # The defaults: North Korea highlighted, only "who should be party" shown.
    shown = [t for t in drawn if t.visible]
    assert shown and all(t.name.endswith("Who should be party to a peace regime?") for t in shown)
    assert {t.name.split(":")[0] for t in drawn if t.opacity == 1} == {"North Korea (DPRK)"}
    with pytest.raises(ValueError, match="actor must be"):
        figures.perspectives_figure(
            perspectives, kpeace.load("perspective_questions"), actor="Korea"
        )


# --- the two tables: cells as shapes and one text trace, drawn by the basic plotly.js bundle -


def _flat(text: str) -> str:
    return text.replace("<br>", " ")


def _table_as_seen(fig: go.Figure, choice: str) -> dict[str, tuple[str, str]]:
    """Cell name → (the one text drawn inside it, its fill), after choosing a menu item."""
    seen = go.Figure(fig)
    button = next(b for m in fig.layout.updatemenus for b in m.buttons if b.label == choice)
    seen.plotly_update(restyle_data=button.args[0], relayout_data=button.args[1])
    trace = seen.data[0]
    points = list(zip(trace.x, trace.y, trace.text, strict=True))
    cells = {}
    shapes = [s for s in seen.layout.shapes if s.visible is not False]
    for shape in shapes:
        assert None not in (shape.x0, shape.x1, shape.y0, shape.y1), (choice, shape)  # no leftover
        inside = [t for x, y, t in points if shape.x0 <= x < shape.x1 and shape.y0 <= y < shape.y1]
        assert len(inside) == 1, (choice, shape.name, inside)  # each cell shows its own text
        cells[_flat(shape.name)] = (_flat(inside[0]), shape.fillcolor)
    assert len(cells) == len(shapes), "two cells share a name"
    return cells


@pytest.mark.parametrize("name", ["matrix", "resolutions"])
def test_tables_need_only_the_basic_plotly_bundle(name):
    from kpeace.handouts.plotly import choose

    fig = _build(name)
    assert {t.type for t in fig.data} == {"scatter"}
    assert choose({t.type for t in fig.data}).name == "basic"
    assert fig.layout.height >= 400 and fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]


def test_matrix_cells_show_each_stance_of_the_chosen_view_and_shade_the_clash():
    positions = kpeace.load("positions").drop_duplicates(
        ["actor", "counterpart", "issue", "stance", "whose_view"]
    )
    fig = _build("matrix")
    for choice, view in figures.positions.VIEWS.items():
        cells = _table_as_seen(fig, choice)
        checked = 0
        for row in positions.itertuples():
            issue = str(row.issue)
            key = f"{issue[:1].upper() + issue[1:]} / {NAMES.get(row.actor, row.actor)}"
            words = figures.positions.phrase(
                row.stance, NAMES.get(row.counterpart, row.counterpart)
            )
            shown = f"{words} (¶{row.paragraph})" in cells[key][0]
            assert shown == (view is None or row.whose_view in view), (choice, key, words)
            checked += shown
        assert checked >= 2, choice
        shaded = {k for k, (_, fill) in cells.items() if fill == NEUTRALS["clash"]}
        assert shaded == {"Conventional forces / North Korea"}, choice
        assert cells["Nuclear issue / North Korea"][1] == NEUTRALS["white"]


def test_resolution_cells_show_each_value_of_the_chosen_aspect():
    docs = (
        kpeace.load("documents").set_index("document_id").loc[["UNSCR_82", "UNSCR_83", "UNSCR_84"]]
    )
    expected = {
        "Adopted": [d.strftime("%-d %B %Y") for d in docs["date_signed"]],
        "Vote": docs["vote"].fillna("—").tolist(),
        "Key words": docs["key_text"].fillna("—").tolist(),
        "What it did": docs["summary"].tolist(),
    }
    fig = _build("resolutions")
    for aspect, labels in figures.unc.RESOLUTION_ROWS.items():
        cells = _table_as_seen(fig, aspect)
        assert cells[f"band / {labels[0]}"][0] == f"<b>{labels[0]}</b>"
        body = {k: text for k, (text, _) in cells.items() if not k.startswith(("band", "head"))}
        assert body == {
            f"{label} / {title}": expected[label][i]
            for label in labels
            for i, title in enumerate(docs["short_title"])
        }, aspect
