"""kw.progress() live in JupyterLab: answers clicked in a self-check are kept in the course folder
(found from the notebook's folder by kpeace's manifest) and listed when the cell runs again."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import kpeace.widgets as kw

SHOTS = Path(os.environ.get("KPEACE_SHOTS", "/tmp/kpeace-pulse-shots"))
NOTEBOOK = "02_argument.ipynb"

pytestmark = pytest.mark.slow

KERNEL_IDLE = """name => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w && w.context && w.context.path === name && w.sessionContext.session
    && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === "connected" && k.status === "idle";
}"""


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory, lab_server_at):
    with lab_server_at(tmp_path_factory) as running:
        yield running


def _run_all(page, cells: int) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """n => {
            const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .map(e => e.textContent);
            return p.length >= n && p.every(t => /\\[\\d+\\]/.test(t)); }""",
        arg=cells,
        timeout=120_000,
    )


def _click(page, question_id: str, letter: str) -> None:
    question = kw.self_check(question_id).question
    check = (
        page.locator(".jp-OutputArea-output:has(.widget-toggle-buttons)")
        .filter(has_text=question.prompt[:40])
        .first
    )
    check.scroll_into_view_if_needed()
    check.locator("button.widget-toggle-button", has_text=re.compile(f"^{letter}$")).click()
    mark = "✓" if letter == question.correct else "Not this one"
    check.get_by_text(mark).first.wait_for(timeout=10_000)


def test_progress_lists_what_was_clicked_in_jupyterlab(lab_server, browser):
    url, token, dest = lab_server
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{url}/lab/workspaces/progress/tree/{NOTEBOOK}?reset&token={token}")
        page.wait_for_function("window.jupyterapp !== undefined", timeout=60_000)
        page.wait_for_function(KERNEL_IDLE, arg=NOTEBOOK, timeout=60_000)
        page.wait_for_timeout(500)  # let the kernel's websocket settle before sending work
        cells = json.loads((dest / NOTEBOOK).read_text(encoding="utf-8"))["cells"]
        code = sum(c["cell_type"] == "code" for c in cells)
        _run_all(page, code)
        progress = page.locator(".jp-OutputArea-output:has(.kp-progress)")
        assert progress.count() == 1
        assert "Self-checks answered: 0 of 30" in progress.inner_text()

        q1, q2 = "q2-1", "q2-3"
        wrong = next(
            k for k in kw.self_check(q1).question.choices if k != kw.self_check(q1).question.correct
        )
        _click(page, q1, wrong)
        _click(page, q1, kw.self_check(q1).question.correct)
        _click(page, q2, kw.self_check(q2).question.correct)
        kept = (dest / ".kpeace" / "answers.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(line)["question"] for line in kept] == [q1, q1, q2]

        _run_all(page, code)  # a fresh run: the widgets are new, the answers are kept
        page.wait_for_function(
            "() => [...document.querySelectorAll('.kp-progress')]"
            ".some(e => e.innerText.includes('Self-checks answered: 2 of 30'))",
            timeout=60_000,
        )
        text = progress.inner_text()
        assert "Self-checks answered: 2 of 30; right at the first try: 1." in text
        assert "q2-1: ✓ right on a later try" in text and "q2-3: ✓ right at the first try" in text
        assert "Loading widget" not in text
        progress.scroll_into_view_if_needed()
        SHOTS.mkdir(parents=True, exist_ok=True)
        progress.screenshot(path=str(SHOTS / "progress-jupyterlab.png"))
        assert errors == []
    finally:
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        context.close()
