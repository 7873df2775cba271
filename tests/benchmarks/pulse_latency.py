"""Measure how soon the teacher's pulse page shows an answer (issue 11 goal: at most 1 s).

Runs the pulse web app on loopback (hub sign-in replaced by the tests' double), opens the
teacher's page in headless Chromium, then posts answers one at a time as different learners and
times each from the POST until the page shows the new count. Prints JSON; no assertion.

Usage: ``.venv/bin/python tests/benchmarks/pulse_latency.py [--answers N]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulse_server
from conftest import CHROMIUM, CHROMIUM_ARGS


class _Patch:
    def setattr(self, target: object, name: str, value: object) -> None:
        setattr(target, name, value)


def measure(answers: int) -> dict:
    """Return the seconds from each POST until the teacher's page shows it."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        thread, served = pulse_server.start(Path(folder) / "pulse.sqlite", _Patch())
        try:
            served.post("api/answers", user="learner0", json={"question": "q1-1", "choice": "a"})
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context()
                host = served.base
                context.add_cookies([{"name": "test-user", "value": "t:admin", "url": host}])
                page = context.new_page()
                page.goto(served.url)
                page.wait_for_function("document.querySelector('#card-q1-1 .main-svg')")
                seconds = []
                for n in range(1, answers + 1):
                    start = time.perf_counter()
                    served.post(
                        "api/answers",
                        user=f"learner{n}",
                        json={"question": "q1-1", "choice": "abcd"[n % 4]},
                    )
                    page.wait_for_function(
                        "n => document.querySelector('#card-q1-1').innerText"
                        ".includes(n + ' learner(s) answered') &&"
                        " document.querySelector('#card-q1-1 .main-svg')",
                        arg=n + 1,
                        timeout=30_000,
                    )
                    seconds.append(time.perf_counter() - start)
                browser.close()
        finally:
            thread.stop()
    return {
        "answers": answers,
        "visible_after_s": {
            "median": round(statistics.median(seconds), 3),
            "max": round(max(seconds), 3),
        },
        "goal_s": 1.0,
    }


def main() -> int:
    """Run the measure and print it as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=20, help="answers to time (default 20)")
    args = parser.parse_args()
    print(json.dumps(measure(args.answers), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
