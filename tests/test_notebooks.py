"""The notebook series: structure, stripped, and runs top to bottom (twice) in a fresh kernel."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import kpeace
import kpeace.widgets as kw

NOTEBOOKS = sorted(
    (Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")
)
HEADINGS = [
    "## Learning objectives",
    "## Reading",
    "## Check your understanding",
    "## Discuss",
    "## Key takeaways",
    "## Sources",
]
VIEWS = list(kw.INTERACTIVE_VIEWS)
IDS = [p.stem for p in NOTEBOOKS]


def test_the_series_is_there():
    assert [p.name[:2] for p in NOTEBOOKS] == ["00", "01", "02", "03", "04", "05"]


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_stripped_with_python3_kernel(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb.metadata
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_structure(path):
    nb = nbformat.read(path, as_version=4)
    markdown, code = _markdown(nb), _code(nb)
    assert nb.cells[0].source.startswith("# "), "the first cell is the title"
    assert re.search(r"(?i)estimated time:?\**\s*\d+", nb.cells[0].source)
    positions = [re.search("^" + re.escape(h) + r"\s*$", markdown, re.M) for h in HEADINGS]
    assert all(positions), [h for h, m in zip(HEADINGS, positions, strict=True) if not m]
    assert [m.start() for m in positions] == sorted(m.start() for m in positions)
    number = int(path.name[:2])
    checks = re.findall(r'kw\.self_check\("(q\d-\d)"\)', code)
    assert len(checks) >= 3 and all(c.startswith(f"q{number}-") for c in checks)
    assert sum(code.count(f"kw.{view}(") for view in VIEWS) >= 2
    assert any("teacher" in c.metadata.get("tags", []) for c in nb.cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_cells_stay_short_and_use_the_package(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert len(cell.source.strip().splitlines()) <= 4, cell.source
        for banned in ("../data", "read_csv", "plotly", "go.Figure", "open("):
            assert banned not in cell.source, (banned, cell.source)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_quotes_in_prose_are_verbatim(path):
    markdown = _markdown(nbformat.read(path, as_version=4))
    for quote, number in re.findall(r"“([^”]+)”\s*\(¶(\d+)\)", markdown):
        assert quote in kpeace.paragraph(int(number)), (number, quote)


def _run(nb, env: dict[str, str] | None = None, runs: int = 2) -> list[str]:
    problems: list[str] = []
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True)
    with client.setup_kernel(env={**os.environ, **(env or {})}):
        for run in range(1, runs + 1):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                client.execute_cell(cell, index)
                for out in cell.outputs:
                    if out.output_type == "error":
                        problems.append(f"run {run}, cell {index}: {out.ename}: {out.evalue}")
                    if out.output_type == "stream" and out.name == "stderr":
                        problems.append(f"run {run}, cell {index}: stderr: {out.text[:300]}")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_runs_twice_in_a_fresh_kernel(path):
    nb = nbformat.read(path, as_version=4)
    assert _run(nb, {"KPEACE_DISPLAY": "live"}) == []
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    widgets = [
        o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert len(widgets) >= 5, "explorers and self-checks should display as live widgets"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_runs_in_static_mode_without_widgets(path):
    nb = nbformat.read(path, as_version=4)
    assert _run(nb, {"KPEACE_DISPLAY": "static"}, runs=1) == []
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs
    assert not [
        o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert html.count("<details") >= 3
