"""Explorers and self-checks, driven headless; their static twins."""

from __future__ import annotations

import json
import re
from html import escape

import ipywidgets as widgets
import plotly.graph_objects as go
import pytest
from bs4 import BeautifulSoup
from ipywidgets.widgets.widget import _remove_buffers

import kpeace.widgets as kw
from kpeace.widgets.views import FigureExplorer, StaticView


@pytest.fixture(autouse=True)
def _live():
    kw.set_display_mode("live")
    yield
    kw.set_display_mode(None)


def _figure_state(explorer: FigureExplorer) -> str:
    return explorer.figure_widget.to_json()


FIGURE_EXPLORERS = {
    "timeline_explorer": ("Era", "After the Cold War (1991–2002)"),
    "positions_explorer": ("View", "North Korea's preference"),
    "network_explorer": ("Issue", "nuclear issue"),
    "steps_explorer": ("Focus on a step", None),
    "resolutions_explorer": ("Compare", "Key words"),
    "agreements_explorer": ("Period", "With hindsight (to 2024)"),
    "forecast_tracker": ("Check", None),
    "forum_builder": ("Your forum", "The armistice's commands"),
    "perspectives_explorer": ("Actor", "Japan"),
}


@pytest.mark.parametrize("name", list(FIGURE_EXPLORERS))
def test_choosing_a_value_updates_the_figure_in_place(name):
    explorer = getattr(kw, name)()
    assert isinstance(explorer, FigureExplorer)
    control_name, value = FIGURE_EXPLORERS[name]
    control = explorer.controls[control_name]
    value = value or control.options[2]
    before, card_before = _figure_state(explorer), explorer.detail.value
    control.value = value
    assert _figure_state(explorer) != before
    assert explorer.selection()[control_name] == value
    if name in {
        "timeline_explorer",
        "steps_explorer",
        "forecast_tracker",
        "forum_builder",
        "agreements_explorer",
        "network_explorer",
        "perspectives_explorer",
    }:
        assert explorer.detail.value != card_before


def test_timeline_era_zooms_and_lists_events():
    explorer = kw.timeline_explorer()
    explorer.controls["Era"].value = "Armistice and Cold War (1953–1990)"
    start, end = explorer.figure_widget.layout.xaxis.range
    assert "1952" <= str(start)[:4] <= "1953" and str(end)[:4] <= "1992"
    assert "Mutual Defense Treaty signed" in explorer.detail.value
    explorer.controls["Show"].value = "After the essay"
    assert [t.visible for t in explorer.figure_widget.data] == [False, False, True, True]


def test_forum_builder_custom_parties():
    forum = kw.forum_builder()
    forum.parties.value = ("ROK", "DPRK")
    assert len(forum.figure_widget.data[-1].y) == 2
    assert "South Korea, North Korea" in forum.detail.value
    forum.parties.value = ()
    assert "Choose at least one party" in forum.detail.value


def test_self_check_wrong_then_right():
    check = kw.self_check("q1-1")
    wrong = next(k for k, (_, ok, _) in check.question.choices.items() if not ok)
    right = check.question.correct
    check.choices.value = wrong
    assert check.question.choices[wrong][2][:40] in check.feedback.value
    assert "✗" in check.feedback.value
    check.choices.value = right
    assert "✓" in check.feedback.value
    assert check.question.explanation[:40] in check.feedback.value


@pytest.mark.parametrize("odd", [None, "z", "", 3, "answer b"])
def test_self_check_odd_input_gives_a_message(odd):
    check = kw.self_check("q2-1")
    result = check.answer(odd)
    assert result.correct is None
    assert "choose" in result.html.lower() or "Choose" in result.html
    assert check.feedback.value == result.html


def test_unknown_question_lists_valid_ids():
    with pytest.raises(ValueError, match="valid ids: q0-1"):
        kw.self_check("q9-9")


def test_claim_sorter_feedback_for_every_kind():
    sorter = kw.claim_sorter(9)
    sorter.claim.value = "C30"
    sorter.kind.value = "forecast"
    assert "Not quite" in sorter.feedback.value and "contradiction" in sorter.feedback.value
    sorter.kind.value = "contradiction"
    assert "Yes" in sorter.feedback.value
    assert "not one of the kinds" in sorter.answer("guess")
    assert "Choose a kind" in sorter.answer(None)
    sorter.claim.value = "C29"
    assert sorter.kind.value is None


def test_essay_explorer_and_glossary():
    essay = kw.essay_explorer()
    essay.control.value = essay.control.options[6]
    assert "¶7" in essay.card.value and "C21" in essay.card.value
    glossary = kw.glossary_explorer()
    glossary.search.value = "정전협정"
    assert "Armistice Agreement" in glossary.table.value
    glossary.search.value = "zzzz"
    assert "No glossary term matches" in glossary.table.value


def test_forecast_tracker_records_two_judgements_without_a_verdict():
    tracker = kw.forecast_tracker()
    tracker.controls["Check"].value = tracker.controls["Check"].options[1]
    tracker.then.value = "A fair reading then"
    assert "in June 2007, <strong>A fair reading then" in tracker.response.value
    tracker.judgement.value = "Too early to tell"
    assert "no answer key" in tracker.response.value
    assert "since then, <strong>Too early to tell" in tracker.response.value
    tracker.controls["Check"].value = tracker.controls["Check"].options[2]
    assert tracker.judgement.value is None and tracker.then.value is None


ALL_VIEWS = list(kw.INTERACTIVE_VIEWS)


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_static_twin_is_self_contained_html(name):
    kw.set_display_mode("static")
    view = getattr(kw, name)()
    assert isinstance(view, StaticView)
    html = view._repr_mimebundle_()["text/html"]
    assert "<details" in html or name == "glossary_explorer"
    assert "Loading widget" not in html and "VBox(" not in html
    assert not re.search(r"<script[^>]+src=", html)
    assert "http://" not in html and "https://" not in html
    if name not in {"essay_explorer", "glossary_explorer", "articles_explorer", "claim_sorter"}:
        assert html.count('class="plotly-graph-div"') == 1
        assert "Text description of the figure" in html
        assert "updatemenus" in html


def test_static_self_check_hides_the_answer_in_details():
    kw.set_display_mode("static")
    html = kw.self_check("q3-3")._repr_mimebundle_()["text/html"]
    question = kw.Question.from_tables(
        kw.explorers._tables()["questions"], kw.explorers._tables()["question_choices"], "q3-3"
    )
    assert question.choices
    before, answer = html.split("<details", 1)
    assert escape(question.prompt[:30]) in before
    assert all(escape(text[:30]) in before for text, _, _ in question.choices.values())
    assert all(escape(fb[:30]) in answer for _, _, fb in question.choices.values())


def test_display_mode_from_environment(monkeypatch):
    kw.set_display_mode(None)
    monkeypatch.setenv("KPEACE_DISPLAY", "static")
    assert isinstance(kw.essay_explorer(), StaticView)
    monkeypatch.setenv("KPEACE_DISPLAY", "sideways")
    with pytest.raises(ValueError, match="live, static"):
        kw.display_mode()
    with pytest.raises(ValueError):
        kw.set_display_mode("sideways")


def test_reading_and_discrepancy_mark_their_voice():
    html = kw.reading(7).html
    assert 'class="kp-essay"' in html and "¶7" in html
    disc = kw.discrepancy("D06").html
    assert 'class="kp-essay"' in disc and 'class="kp-record"' in disc and "Source:" in disc
    with pytest.raises(ValueError, match="valid ids"):
        kw.discrepancy("D99")
    with pytest.raises(ValueError):
        kw.reading()


def _descendants(widget) -> list:
    found = []
    for child in getattr(widget, "children", ()):
        found += [child, *_descendants(child)]
    return found


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_live_views_serialise_for_display(name):
    view = getattr(kw, name)()
    bundle = view._repr_mimebundle_()
    model = bundle["application/vnd.jupyter.widget-view+json"]
    assert model["model_id"] == view.model_id and model["version_major"] == 2
    parts = _descendants(view)
    assert parts, "the view has no children to show"
    for part in parts:
        state, _, _ = _remove_buffers(part.get_state())
        assert state["_model_name"] == part._model_name
        # What the kernel sends to the browser: JSON, dates as ISO text.
        sent = json.loads(json.dumps(state, default=lambda value: value.isoformat()))
        assert sent["_model_name"] == part._model_name
    # Something a reader can see: a non-empty text block, or a figure with marks.
    texts = [p.value for p in parts if isinstance(p, widgets.HTML) and p.value.strip()]
    figures = [p for p in parts if isinstance(p, go.FigureWidget) and p.data]
    assert texts or figures
    if isinstance(view, FigureExplorer):
        assert view.figure_widget in figures and view.controls


def test_forum_builder_presets_and_custom_stay_in_step():
    forum = kw.forum_builder()
    forum.controls["Your forum"].value = "The two Koreas only"
    assert forum.parties.value == ("ROK", "DPRK")
    forum.parties.value = ("US", "ROK", "DPRK", "UNC")
    assert len(forum.figure_widget.data[-1].y) == 4


def _text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def _live_cards(view) -> dict[str, str]:
    """The live view's card for each choice of its first menu: label → card text."""
    if isinstance(view, FigureExplorer):
        control, shown = next(iter(view.controls.values())), view.detail
    else:
        control, shown = view.control, view.card
    cards = {}
    for label in control.options:
        control.value = label
        if shown.value and "kp-empty" not in shown.value:
            cards[label] = _text(shown.value)
    return cards


#: Views that show one card per choice (the glossary is a table, the sorter its own layout;
#: the perspectives explorer has a card per actor × question, checked in its own test below).
CARD_VIEWS = [
    name
    for name in ALL_VIEWS
    if name not in {"glossary_explorer", "claim_sorter", "perspectives_explorer"}
]


@pytest.mark.parametrize("name", CARD_VIEWS)
def test_static_cards_each_sit_inside_their_own_details(name):
    cards = _live_cards(getattr(kw, name)())
    kw.set_display_mode("static")
    soup = BeautifulSoup(getattr(kw, name)()._repr_mimebundle_()["text/html"], "html.parser")
    boxes = {}
    for box in soup.find_all("details"):
        # the text alternative, and the tracker's course reading (a toggle inside its card)
        if {"kp-alt", "kp-reading"} & set(box.get("class") or []):
            continue
        summary = box.find("summary")
        assert summary is not None and box.find_parent("details") is None
        boxes[" ".join(summary.get_text(" ").split())] = " ".join(box.get_text(" ").split())
    assert len(boxes) == len(cards), f"{len(cards)} cards live, {len(boxes)} boxes static"
    for label, card in cards.items():
        assert label in boxes, f"no <details> for {label!r}: the card is not inside one"
        assert card in boxes[label], f"the card for {label!r} is not inside its <details>"
    for box in soup.find_all("details"):
        box.decompose()
    outside = " ".join(soup.get_text(" ").split())
    assert not [label for label, card in cards.items() if card in outside]


def test_perspectives_explorer_both_controls_change_figure_and_card():
    explorer = kw.perspectives_explorer()
    assert set(explorer.controls) == {"Actor", "Question"}
    assert "North Korea (DPRK) · Who should be party" in explorer.detail.value
    before = _figure_state(explorer)
    explorer.controls["Question"].value = "What future for the UN Command?"
    assert _figure_state(explorer) != before
    assert "North Korea (DPRK) · What future for the UN Command?" in explorer.detail.value
    assert 'data-id="P14"' in explorer.detail.value and 'data-id="P2"' not in explorer.detail.value
    shown = [
        t.name for t in explorer.figure_widget.data if t.visible is not False and t.x and t.x[0]
    ]
    assert shown and all("UN Command" in name for name in shown)
    explorer.controls["Actor"].value = "Russia"
    assert "no position of this government" in explorer.detail.value
    faded = {t.name.split(":")[0] for t in explorer.figure_widget.data if t.opacity != 1}
    assert "North Korea (DPRK)" in faded and "Russia" not in faded


def test_perspectives_static_cards_sit_inside_details():
    live = kw.perspectives_explorer()
    actors = [a for a in live.controls["Actor"].options if a != "All six"]
    questions = [q for q in live.controls["Question"].options if q != "All three questions"]
    cards = {}
    for actor in actors:
        for question in questions:
            live.controls["Actor"].value, live.controls["Question"].value = actor, question
            soup = BeautifulSoup(live.detail.value, "html.parser")
            soup.p.decompose()  # the heading naming the cell; a static summary names it instead
            cards[f"{actor} · {question}"] = " ".join(soup.get_text(" ").split())
    assert len(cards) == 18  # six governments × three questions
    kw.set_display_mode("static")
    html = kw.perspectives_explorer()._repr_mimebundle_()["text/html"]
    soup = BeautifulSoup(html, "html.parser")
    boxes = {
        " ".join(d.summary.get_text(" ").split()): " ".join(d.div.get_text(" ").split())
        for d in soup.find_all("details")
        if "kp-alt" not in (d.get("class") or [])
    }
    assert len(boxes) == len(cards)
    for label, card in cards.items():
        box = next(text for summary, text in boxes.items() if summary.startswith(label))
        assert card and card == box, label
    blocks = soup.select(".kp-perspective")
    assert len(blocks) == sum(len(q) for q in kw.explorers._tables()["perspectives"]["questions"])
    assert all(b.find_parent("details") is not None for b in blocks)
    for box in soup.find_all("details"):
        box.decompose()
    assert "Excerpt" not in soup.get_text()


FIGURE_BUILDERS = {
    "timeline_explorer": "timeline_figure",
    "positions_explorer": "matrix_figure",
    "network_explorer": "network_figure",
    "steps_explorer": "steps_figure",
    "resolutions_explorer": "resolutions_figure",
    "agreements_explorer": "agreements_figure",
    "forecast_tracker": "forecast_figure",
    "forum_builder": "forum_figure",
    "perspectives_explorer": "perspectives_figure",
    "peninsula_map": "peninsula_figure",
}


@pytest.mark.parametrize("name", list(FIGURE_BUILDERS))
def test_live_figure_is_the_built_figure_without_its_menus(name, monkeypatch):
    """The FigureWidget draws what the handout draws: same traces, same layout, same look.

    Only the plotly menus go (ipywidgets controls replace them), the top margin shrinks to the
    title's, and the template keeps the defaults of the trace types drawn (others change
    nothing on screen).
    """
    import kpeace.figures as figures

    built = []
    builder = getattr(figures, FIGURE_BUILDERS[name])

    def keep(*args, **kwargs):
        built.append(builder(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(figures, FIGURE_BUILDERS[name], keep)  # the views call figures.X
    explorer = getattr(kw, name)()
    assert len(built) == 1 and isinstance(explorer, FigureExplorer)
    want = json.loads(built[0].to_json())
    live = json.loads(explorer.figure_widget.to_json())
    assert want["data"] and live["data"] == want["data"]
    menus = want["layout"].pop("updatemenus")
    assert [m["name"] for m in menus] == list(explorer.controls)
    assert "updatemenus" not in live["layout"]
    assert live["layout"].pop("margin")["t"] == 56
    want["layout"].pop("margin")
    drawn = {trace.get("type", "scatter") for trace in want["data"]}
    want_template, live_template = want["layout"].pop("template"), live["layout"].pop("template")
    assert set(live_template["data"]) == drawn & set(want_template["data"])
    assert live_template["layout"] == want_template["layout"]
    for kind in live_template["data"]:
        assert live_template["data"][kind] == want_template["data"][kind]
    assert live["layout"] == want["layout"]
