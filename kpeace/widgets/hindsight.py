"""The forecast tracker: every forecast and premise, judged twice (June 2007, then since).

Live, the learner records two judgements with radio buttons; static, each check is a
``<details>`` card under the figure. Both end each card with the course's own reading behind
its own closed ``<details>`` toggle (class ``kp-reading``), after the prompt: one careful
reading, not an answer key, read only once the learner has judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import pandas as pd

from kpeace import figures, prompts
from kpeace.figures.hindsight import check_label
from kpeace.widgets._html import SMALL, details, esc, essay_block, prompt_block, record_block
from kpeace.widgets._mode import display_mode
from kpeace.widgets.cards import event_list
from kpeace.widgets.explorers import _tables
from kpeace.widgets.views import Detail, FigureExplorer, StaticView, static_figure

KNOWN_SOURCE = "course fact sheet §1 and §8 (the events table), events before 6 June 2007"
AFTER_SOURCE = "course fact sheet §1 and §9 (the events table), events after 6 June 2007"
#: The summary of the closed toggle that holds the course's verdict on each card.
READING_SUMMARY = "Course reading (ours): open it only after you have judged"


def check_card(
    checks: pd.DataFrame, claims: pd.DataFrame, events: pd.DataFrame, check_id: str
) -> str:
    """Return one check: the essay's words, the record on each side of June 2007, our reading.

    Parameters
    ----------
    checks : pandas.DataFrame
        The ``checks`` table.
    claims : pandas.DataFrame
        The ``claims`` table.
    events : pandas.DataFrame
        The ``events`` table.
    check_id : str
        A ``checks.check_id``.

    Returns
    -------
    str
        HTML: essay block, two record blocks, the prompt, and last the course's reading,
        inside a closed ``<details class="kp-reading">``.
    """
    check = checks.set_index("check_id").loc[check_id]
    claim = claims.set_index("claim_id").loc[check["claim_id"]]
    paragraph = int(claim["paragraph"])
    by_id = events.set_index("event_id", drop=False)
    known = by_id.loc[list(check["known_by_2007"])]
    after = by_id.loc[list(check["after_2007"])]
    kind = str(check["kind"])
    what = (
        "says what will, would or may happen"
        if kind == "forecast"
        else "is an observation or argument the rest of the essay builds on"
    )
    return (
        essay_block(str(claim["quote"]), paragraph)
        + f"<p><strong>{esc(kind.capitalize())} {esc(check['claim_id'])}</strong>: it {what}. "
        f"Its hedge: “{esc(check['hedge'])}” (¶{paragraph}).</p>"
        + "<p><strong>What could be known in June 2007</strong></p>"
        + record_block(event_list(known), KNOWN_SOURCE)
        + "<p><strong>What came after</strong></p>"
        + record_block(event_list(after), AFTER_SOURCE)
        + prompt_block(esc(prompts.HINDSIGHT_PROMPT))
        + details(
            READING_SUMMARY,
            prompt_block(
                f"<p><strong>{esc(check['verdict'])}.</strong> {esc(check['explanation'])}</p>"
                f'<p style="{SMALL}">One careful reading, not an answer key: if you judged '
                "otherwise, name the event that decided it for you.</p>",
                label="Course reading",
            ),
            cls="kp-reading",
        )
    )


class ForecastTracker(FigureExplorer):
    """Forecast tracker: the learner judges each check twice; there is no answer key.

    Attributes
    ----------
    then : ipywidgets.RadioButtons
        The learner's judgement by what could be known in June 2007.
    judgement : ipywidgets.RadioButtons
        The learner's judgement by what came after.
    response : ipywidgets.HTML
        What the tracker says back.
    """

    def __init__(self, fig: Any, detail: Detail, full: Mapping[str, str]) -> None:
        self._full = dict(full)
        super().__init__(fig, detail=detail)
        style = {"description_width": "initial"}
        self.then = widgets.RadioButtons(
            options=list(prompts.THEN_JUDGEMENTS),
            value=None,
            description="In June 2007",
            style=style,
        )
        self.judgement = widgets.RadioButtons(
            options=list(prompts.JUDGEMENTS), value=None, description="Since then", style=style
        )
        self.response = widgets.HTML()
        self.then.observe(self._judged, names="value")
        self.judgement.observe(self._judged, names="value")
        self.controls["Check"].observe(self._reset, names="value")
        self.children = (
            *self.children[:-1],
            self.then,
            self.judgement,
            self.response,
            self.children[-1],
        )

    def _judged(self, change: Mapping[str, Any]) -> None:
        del change
        claim = self._full.get(self.controls["Check"].value)
        if claim is None or (self.then.value is None and self.judgement.value is None):
            self.response.value = ""
            return
        then = self.then.value or "not yet judged"
        since = self.judgement.value or "not yet judged"
        self.response.value = prompt_block(
            f"You judged “{esc(claim)}”: in June 2007, <strong>{esc(then)}</strong>; since "
            f"then, <strong>{esc(since)}</strong>. Write one sentence for each judgement "
            "naming the event that decided it, then open the course's reading at the end "
            "of the card. There is no answer key: our pairing of events is a prompt, and our "
            "reading is one reading."
        )

    def _reset(self, change: Mapping[str, Any]) -> None:
        del change
        self.then.value = None
        self.judgement.value = None


def forecast_tracker() -> Any:
    """Every forecast and premise beside the record before and after June 2007; learner judges.

    Returns
    -------
    ForecastTracker or StaticView
        The live explorer, or its static twin in ``static`` display mode.
    """
    tables = _tables()
    checks, claims, events = tables["checks"], tables["claims"], tables["events"]
    fig = figures.forecast_figure(checks, claims, events)
    paraphrase = claims.set_index("claim_id")["paraphrase"]
    labels = {
        check_label(row, str(paraphrase[row["claim_id"]])): row["check_id"]
        for _, row in checks.iterrows()
    }

    def detail(choice: Mapping[str, str]) -> str:
        check = labels.get(choice.get("Check", ""))
        if check is None:
            return (
                f'<p style="{SMALL}">Choose a forecast or premise to read it beside what could '
                "be known in June 2007 and what came after.</p>"
            )
        return check_card(checks, claims, events, check)

    if display_mode() == "static":
        view: StaticView = static_figure(
            fig, detail=detail, detail_title="Each forecast and premise, then and since"
        )
        return view
    by_check = checks.set_index("check_id")
    full = {
        label: f"{by_check.loc[c, 'claim_id']}: {paraphrase[by_check.loc[c, 'claim_id']]}"
        for label, c in labels.items()
    }
    return ForecastTracker(fig, detail, full)
