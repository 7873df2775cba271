"""``kw.progress()``: which self-checks a learner has done, and which were right at the first try.

It reads the answers kept in the course folder (:mod:`kpeace.answers`), so it survives kernel
restarts. It is plain HTML, not a widget: a saved or exported notebook never shows an empty box
or "Loading widget…". In a static handout it says in one line where progress is kept.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kpeace import answers as answer_log
from kpeace.widgets._html import SMALL, esc
from kpeace.widgets._mode import display_mode
from kpeace.widgets.views import StaticView

STATIC_LINE = (
    "Your progress with the self-checks is kept when you run this notebook in JupyterLab; "
    "run this cell there to see it."
)

PULSE_LINE = (
    "In this class, each answer you choose also goes to your teacher's class pulse, without "
    "your name: the teacher sees how the class answered, not who answered what."
)


@dataclass(frozen=True)
class Status:
    """One self-check's state for this learner.

    Attributes
    ----------
    question : str
        The self-check's id.
    notebook : int
        The notebook it belongs to.
    tries : int
        Answers given (0: not done yet).
    first_right : bool
        Whether the first answer was right.
    right : bool
        Whether any answer was right.
    """

    question: str
    notebook: int
    tries: int
    first_right: bool
    right: bool

    @property
    def label(self) -> str:
        """A short status, e.g. ``"✓ right at the first try"``."""
        if not self.tries:
            return "not answered yet"
        if self.first_right:
            return "✓ right at the first try"
        if self.right:
            return "✓ right on a later try"
        return "answered, not right yet"


def statuses(log: answer_log.AnswerLog) -> list[Status]:
    """Return every self-check of the course with this learner's state, in course order.

    Parameters
    ----------
    log : kpeace.answers.AnswerLog
        The learner's answers.

    Returns
    -------
    list of Status
        One per self-check in the ``questions`` table.
    """
    from kpeace import data

    table = data.load("questions").sort_values(["notebook", "position"])
    given: dict[str, list[answer_log.Answer]] = {}
    for answer in log.answers:
        given.setdefault(answer.question, []).append(answer)
    out = []
    for row in table.itertuples():
        mine = given.get(str(row.question_id), [])
        out.append(
            Status(
                question=str(row.question_id),
                notebook=int(row.notebook),
                tries=len(mine),
                first_right=bool(mine and mine[0].correct),
                right=any(a.correct for a in mine),
            )
        )
    return out


def progress(notebook: int | None = None) -> StaticView:
    """Show which self-checks are done and which were right at the first try.

    Parameters
    ----------
    notebook : int, optional
        Also list this notebook's self-checks one by one (e.g. ``2`` at the end of 02).

    Returns
    -------
    StaticView
        Live: a summary per notebook from the answers kept in the course folder. Static
        (handouts): one line saying that progress is kept when run in JupyterLab.
    """
    if display_mode() == "static":
        return StaticView(f'<p style="{SMALL}">{esc(STATIC_LINE)}</p>', STATIC_LINE)
    folder = answer_log.course_folder()
    log = answer_log.read_answers(folder)
    states = statuses(log)
    done = [s for s in states if s.tries]
    first = [s for s in states if s.first_right]
    headline = (
        f"Self-checks answered: {len(done)} of {len(states)}; right at the first try: {len(first)}."
    )
    rows, lines = [], [headline]
    for number in sorted({s.notebook for s in states}):
        mine = [s for s in states if s.notebook == number]
        todo = [s.question for s in mine if not s.tries]
        answered = sum(1 for s in mine if s.tries)
        right_first = sum(1 for s in mine if s.first_right)
        rows.append(
            f"<tr><th scope='row'>{number:02d}</th><td>{answered} of {len(mine)}</td>"
            f"<td>{right_first}</td><td>{esc(', '.join(todo)) or '—'}</td></tr>"
        )
        lines.append(
            f"Notebook {number:02d}: {answered} of {len(mine)} answered, {right_first} right at "
            f"the first try" + (f"; to do: {', '.join(todo)}" if todo else "")
        )
    table = (
        "<table><caption>Your self-checks, notebook by notebook</caption><thead><tr>"
        "<th scope='col'>Notebook</th><th scope='col'>Answered</th>"
        "<th scope='col'>Right at the first try</th><th scope='col'>Still to do</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    detail = ""
    if notebook is not None:
        mine = [s for s in states if s.notebook == notebook]
        items = "".join(
            f"<li><strong>{esc(s.question)}</strong>: {esc(s.label)}</li>" for s in mine
        )
        detail = f"<p>Notebook {notebook:02d}, one by one:</p><ul>{items}</ul>"
        lines += [f"{s.question}: {s.label}" for s in mine]
    notes = "".join(f'<p style="{SMALL}">Note: {esc(n)}</p>' for n in log.notes)
    lines += [f"Note: {n}" for n in log.notes]
    where = esc(str(folder / answer_log.ANSWERS))
    shared = ""
    if answer_log.pulse_target() is not None:
        base = os.environ.get("JUPYTERHUB_BASE_URL", "/").rstrip("/") + "/"
        link = f"{base}services/pulse/class"
        shared = (
            f'<p style="{SMALL}">{esc(PULSE_LINE)} Once your teacher reveals it, the class '
            f'result is at <a href="{esc(link)}" target="_blank">{esc(link)}</a>.</p>'
        )
        lines.append(f"{PULSE_LINE} Once your teacher reveals it, the class result is at {link}.")
    html = (
        f'<div class="kp-progress"><p><strong>{esc(headline)}</strong></p>{detail}{table}'
        f'{notes}<p style="{SMALL}">Kept in {where}; run this cell again to refresh.</p>'
        f"{shared}</div>"
    )
    return StaticView(html, "\n".join(lines))
