"""The benchmark script runs in --quick mode and reports every measure (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEASURES = {
    "1_import",
    "2_load",
    "3_notebooks",
    "4_handouts",
    "5_sizes",
    "5b_shared_assets",
    "6_browser",
    "7_round_trip",
    "8_memory",
}


def test_quick_benchmark_reports_every_measure(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "benchmarks" / "run.py"),
            "--quick",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report) == MEASURES
    for name, row in report.items():
        assert isinstance(row["ratio"], (int, float)) and row["ratio"] > 0, name
        assert isinstance(row["goal"], (int, float)) and isinstance(row["met"], bool), name
    assert "measure" in result.stdout and "7_round_trip" in result.stdout
    memory = report["8_memory"]["per_notebook"]
    assert memory and all(row["ours_mb"] > row["floor_mb"] > 10 for row in memory.values())
    assert all(row["cpu_ratio"] > 0 for row in report["3_notebooks"]["per_notebook"].values())
