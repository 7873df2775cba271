"""JupyterLab end to end in a real browser: every notebook runs, one explorer and one self-check
are operated in each, and the server started here is stopped here (also on failure)."""

from __future__ import annotations

import json
import os
import re
import socket
import time
from pathlib import Path

import nbformat
import pytest

import kpeace

ROOT = Path(__file__).resolve().parent.parent
SERIES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TIMINGS = Path(os.environ.get("KPEACE_TIMINGS", "/tmp/kpeace-lab-timings.json"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, lab_server_at):
    with lab_server_at(tmp_path_factory) as running:
        yield running[:2]


def _first_self_check(path: Path) -> kpeace.widgets.Question:
    import kpeace.widgets as kw

    code = "\n".join(
        c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"
    )
    qid = re.search(r'kw\.self_check\("(q\d-\d)"\)', code).group(1)
    tables = kw.explorers._tables()
    return kw.Question.from_tables(tables["questions"], tables["question_choices"], qid)


KERNEL_READY = """name => {
  const widget = window.jupyterapp.shell.currentWidget;
  if (!widget || !widget.context || widget.context.path !== name) return false;
  const kernel = widget && widget.sessionContext && widget.sessionContext.session
    && widget.sessionContext.session.kernel;
  return !!kernel && kernel.connectionStatus === "connected" && kernel.status === "idle";
}"""

PLOT_STATE = """el => JSON.stringify([
  el.data.map(t => [t.visible, t.x, t.y, t.text, t.cells && t.cells.values,
                    t.marker && t.marker.color, t.marker && t.marker.opacity]),
  el.layout.xaxis && el.layout.xaxis.range])"""


@pytest.mark.parametrize("path", SERIES, ids=[p.stem for p in SERIES])
def test_notebook_in_jupyterlab(server, browser, path):
    url, token = server
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    errors, failed = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))
    timings = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
    try:
        start = time.perf_counter()
        page.goto(f"{url}/lab/workspaces/{path.stem}/tree/{path.name}?reset&token={token}")
        page.wait_for_function("window.jupyterapp !== undefined", timeout=60_000)
        page.wait_for_function(KERNEL_READY, arg=path.name, timeout=60_000)
        page.wait_for_timeout(500)  # let the kernel's websocket settle before sending work
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        cells = nbformat.read(path, as_version=4).cells
        code = sum(c.cell_type == "code" for c in cells)
        page.wait_for_function(
            """n => {
                const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                    .map(e => e.textContent);
                return p.length >= n && p.every(t => /\\[\\d+\\]/.test(t)); }""",
            arg=code,
            timeout=120_000,
        )
        run_all = time.perf_counter() - start
        stderr = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
        assert stderr.count() == 0, stderr.first.inner_text()[:500]
        assert page.locator(".jupyter-widgets").count() > 0

        # the markdown answers: inside their box, hidden until it is opened
        boxes = page.locator(".jp-MarkdownCell .jp-RenderedMarkdown details")
        assert boxes.count() >= 5
        for i in range(boxes.count()):
            box = boxes.nth(i)
            assert not box.evaluate("d => d.open")
            answer = box.locator(":scope > :not(summary)")
            assert answer.count() and answer.first.text_content().strip(), box.inner_html()[:200]
        first = boxes.first
        first.scroll_into_view_if_needed()
        answer = first.locator(":scope > :not(summary)").first
        assert not answer.evaluate("el => el.checkVisibility()")
        first.locator(":scope > summary").click()
        assert answer.evaluate("el => el.checkVisibility()")

        # one explorer: choose a value, the figure changes
        explorers = page.locator(".jp-OutputArea-output:has(.js-plotly-plot):has(select)")
        rounds = []
        if explorers.count():
            box = explorers.first
            box.scroll_into_view_if_needed()
            plot = box.locator(".js-plotly-plot").first
            select = box.locator("select").first
            options = select.locator("option").all_text_contents()
            current = options.index(select.evaluate("el => el.options[el.selectedIndex].text"))
            sequence = [options[(current + 1 + i) % len(options)] for i in range(12)]
            for value in sequence:
                before = plot.evaluate(PLOT_STATE)
                t0 = time.perf_counter()
                select.select_option(label=value)
                page.wait_for_function(
                    f"el => ({PLOT_STATE})(el) !== {json.dumps(before)}",
                    arg=plot.element_handle(),
                    timeout=30_000,
                )
                rounds.append(time.perf_counter() - t0)
            assert rounds
        else:  # the notebooks without a figure explorer operate a choice explorer instead
            box = page.locator(".jp-OutputArea-output:has(select)").first
            box.scroll_into_view_if_needed()
            before = box.inner_text()
            select = box.locator("select").first
            select.select_option(index=1)
            page.wait_for_function(
                "([el, b]) => el.innerText !== b",
                arg=[box.element_handle(), before],
                timeout=30_000,
            )

        # one self-check: a wrong answer, then the right one
        question = _first_self_check(path)
        check = (
            page.locator(".jp-OutputArea-output:has(.widget-toggle-buttons)")
            .filter(has_text=question.prompt[:40])
            .first
        )
        check.scroll_into_view_if_needed()
        wrong = next(k for k, (_, ok, _) in question.choices.items() if not ok)
        check.locator("button.widget-toggle-button", has_text=re.compile(f"^{wrong}$")).click()
        check.get_by_text("Not this one").wait_for(timeout=30_000)
        check.locator(
            "button.widget-toggle-button", has_text=re.compile(f"^{question.correct}$")
        ).click()
        check.locator("text=✓").first.wait_for(timeout=30_000)
        assert "Not this one" not in check.inner_text()

        assert errors == [], errors[:5]
        assert failed == [], failed[:5]
        timings[path.stem] = {
            "run_all_s": round(run_all, 2),
            "widget_round_trips_s": [round(r, 3) for r in rounds],
        }
        TIMINGS.write_text(json.dumps(timings, indent=1))
    finally:
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        context.close()
