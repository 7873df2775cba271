"""The teacher's pulse page in Chromium: charts drawn offline, text alternatives, axe-core."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

import kpeace.widgets as kw

sys.path.insert(0, str(Path(__file__).parent))
import pulse_server

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(os.environ.get("KPEACE_AXE", ROOT / ".venv/npm/node_modules/axe-core/axe.min.js"))
SHOTS = Path(os.environ.get("KPEACE_SHOTS", "/tmp/kpeace-pulse-shots"))

pytestmark = pytest.mark.slow


@pytest.fixture()
def served(tmp_path, monkeypatch):
    thread, served = pulse_server.start(tmp_path / "state" / "pulse.sqlite", monkeypatch)
    questions = {q: kw.self_check(q).question for q in ("q1-1", "q1-2", "q2-1")}
    for i in range(10):  # ten learners; right at the first try: 7 of 10, 4 of 10, 10 of 10
        for qid, right_first in (("q1-1", 7), ("q1-2", 4), ("q2-1", 10)):
            question = questions[qid]
            wrong = [k for k in question.choices if k != question.correct]
            choice = question.correct if i < right_first else wrong[i % len(wrong)]
            response = served.post(
                "api/answers", user=f"learner{i}", json={"question": qid, "choice": choice}
            )
            assert response.status_code == 201
    yield served
    thread.stop()


def _open(browser, url, user, width=1000):
    """Open ``url`` as ``user``; loopback requests go through, anything else is refused."""
    context = browser.new_context(viewport={"width": width, "height": 1400})
    host = url.split("/services/")[0]
    context.add_cookies([{"name": "test-user", "value": user, "url": host}])
    page = context.new_page()
    outside, errors = [], []

    def route(route):
        if route.request.url.startswith(host + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return context, page, outside, errors


def test_teacher_page_draws_charts_offline_with_text_alternatives(served, browser):
    context, page, outside, errors = _open(browser, served.url, "teacher:admin")
    try:
        page.wait_for_function(
            "document.querySelectorAll('.pulse-chart .main-svg').length >= 3", timeout=30_000
        )
        cards = page.locator(".pulse-card")
        assert cards.count() == 3
        labels = page.locator(".pulse-chart").evaluate_all(
            "els => els.map(e => [e.getAttribute('role'), e.getAttribute('aria-label')])"
        )
        assert all(role == "img" for role, _ in labels)
        assert "7 were right" not in labels[0][1]
        assert "70 % were right at the first try" in labels[0][1]
        assert "the right answer" in labels[0][1]
        bars = page.locator("#card-q1-1 .pulse-chart .bars .point")
        assert bars.count() == len(kw.self_check("q1-1").question.choices)
        text = cards.nth(0).inner_text()
        assert "10 learner(s) answered" in text and "70 % right at the first try" in text
        choices = len(kw.self_check("q1-2").question.choices)
        assert cards.nth(1).locator("table tbody tr").count() == choices
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "pulse-teacher.png"), full_page=True)

        # live: a new answer shows up without reloading the page
        served.post("api/answers", user="learner99", json={"question": "q2-1", "choice": "a"})
        page.wait_for_function(
            "document.querySelector('#card-q2-1').innerText.includes('11 learner(s) answered')",
            timeout=30_000,
        )
        page.wait_for_function(
            "document.querySelectorAll('#card-q2-1 .pulse-chart .main-svg').length > 0",
            timeout=30_000,
        )
        assert outside == []
        assert errors == []
    finally:
        context.close()


def test_teacher_page_passes_axe_core(served, browser):
    assert AXE.is_file(), f"axe-core is missing at {AXE}: run tests/setup.sh"
    context, page, outside, _ = _open(browser, served.url, "teacher:admin")
    try:
        page.wait_for_function(
            "document.querySelectorAll('.pulse-chart .main-svg').length >= 3", timeout=30_000
        )
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))"
        )
    finally:
        context.close()
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1)
    assert outside == []


def test_learner_page_before_and_after_the_reveal(served, browser):
    context, page, outside, _ = _open(browser, served.url + "class", "learner3")
    try:
        assert "The teacher has not revealed the class result yet." in page.inner_text("main")
        assert page.locator(".pulse-card").count() == 0
        served.pulse.store.set_revealed(True)
        page.reload()
        page.wait_for_function(
            "document.querySelectorAll('.pulse-chart .main-svg').length >= 3", timeout=30_000
        )
        assert page.locator("form").count() == 0  # no teacher's controls
        page.screenshot(path=str(SHOTS / "pulse-learner.png"), full_page=True)
        hidden = served.post("reveal", user="teacher:admin", data={"reveal": "0"})
        assert hidden.status_code == 302
        page.locator("#pulse-cards .pulse-note").filter(
            has_text="The teacher has not revealed the class result yet."
        ).wait_for(timeout=30_000)  # the open page follows the teacher's choice
        assert page.inner_text("#pulse-status") == "The result is not shown now."
        assert page.locator(".pulse-card").count() == 0
        assert outside == []
    finally:
        context.close()


def test_teacher_page_fits_a_phone(served, browser):
    context, page, outside, _ = _open(browser, served.url, "teacher:admin", width=375)
    try:
        page.wait_for_function(
            "document.querySelectorAll('.pulse-chart .main-svg').length >= 3", timeout=30_000
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert outside == []
    finally:
        context.close()


def test_teacher_reveals_and_resets_from_the_page(served, browser):
    """The page's own forms (with the hub's xsrf token) reveal the result and reset the session."""
    context, page, outside, errors = _open(browser, served.url, "teacher:admin")
    try:
        page.get_by_role("button", name="Reveal the result to learners").click()
        page.get_by_role("button", name="Hide the result from learners").wait_for(timeout=30_000)
        assert served.pulse.store.revealed()
        assert "Learners can see the class result" in page.inner_text("main")
        page.once("dialog", lambda dialog: dialog.dismiss())  # "Start a new session?" → no
        page.get_by_role("button", name="Reset: start a new session").click()
        assert served.pulse.store.results()  # nothing deleted
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Reset: start a new session").click()
        page.get_by_text("No answers yet in this session.").wait_for(timeout=30_000)
        assert served.pulse.store.results() == {} and not served.pulse.store.revealed()
        assert outside == [] and errors == []
    finally:
        context.close()
