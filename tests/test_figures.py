"""Figure builders: traces, kernel-free controls, text alternatives, palette, narrow screens."""

from __future__ import annotations

import copy

import plotly.graph_objects as go
import pytest

import kpeace
from kpeace import figures, prompts
from kpeace.figures._style import OKABE_ITO

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
        "forecast": lambda: figures.forecast_figure(
            load("claims"), load("events"), prompts.HINDSIGHT
        ),
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


ALLOWED = {c.upper() for c in OKABE_ITO.values()} | {"WHITE", "#FFFFFF", "RGBA(0,0,0,0)"}


def _colours(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _colours(item)]
    return []


@pytest.mark.parametrize("name", ["timeline", "network", "forum", "agreements", "forecast"])
def test_marks_use_the_colour_blind_safe_palette(name):
    fig = _build(name)
    used = []
    for trace in fig.data:
        if isinstance(trace, go.Scatter):
            used += _colours(trace.marker.color) + _colours(trace.line.color)
    assert used
    odd = {c for c in used if c.upper() not in ALLOWED and not c.startswith("#")}
    assert not odd
    assert {c.upper() for c in used if c.upper() in ALLOWED} - {"WHITE", "#FFFFFF"}


def test_timeline_show_menu_filters_traces():
    fig = figures.timeline_figure(kpeace.load("events"), show="After the essay")
    visible = [t.visible for t in fig.data]
    assert visible == [False, False, True, True]
    assert fig.data[2].name == "After the essay" and len(fig.data[2].x) >= 8


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
