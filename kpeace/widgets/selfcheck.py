"""Self-checks: a question, its choices and feedback for every choice.

:func:`evaluate` is the model (pure); :class:`SelfCheck` the live view; :func:`static_self_check`
the handout's twin, with the answer and all feedback behind ``<details>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import pandas as pd

from kpeace import answers
from kpeace.widgets._html import SMALL, badge, bullet_list, details, esc, essay_block
from kpeace.widgets.views import StaticView


@dataclass(frozen=True)
class Question:
    """One self-check with its choices.

    Attributes
    ----------
    question_id, prompt, basis, explanation, source_detail : str
        From the ``questions`` table.
    paragraph : int
        The essay paragraph that grounds the answer.
    quote : str or None
        The grounding words for essay-based answers.
    choices : dict
        Choice letter → (text, is_correct, feedback).
    """

    question_id: str
    prompt: str
    basis: str
    paragraph: int
    quote: str | None
    explanation: str
    source_detail: str
    choices: dict[str, tuple[str, bool, str]]

    @property
    def correct(self) -> str:
        """The letter of the correct choice."""
        return next(k for k, (_, ok, _) in self.choices.items() if ok)

    @classmethod
    def from_tables(
        cls, questions: pd.DataFrame, choices: pd.DataFrame, question_id: str
    ) -> Question:
        """Build a question from the ``questions`` and ``question_choices`` tables.

        Parameters
        ----------
        questions, choices : pandas.DataFrame
            The two tables.
        question_id : str
            A question id, e.g. ``"q1-2"``.

        Returns
        -------
        Question
            The question.

        Raises
        ------
        ValueError
            If there is no such question (the message lists valid ids).
        """
        table = questions.set_index("question_id")
        if question_id not in table.index:
            valid = ", ".join(map(str, table.index))
            raise ValueError(f"No self-check {question_id!r}; valid ids: {valid}.")
        row = table.loc[question_id]
        mine = choices[choices["question_id"] == question_id].sort_values("choice_id")
        return cls(
            question_id=question_id,
            prompt=str(row["prompt"]),
            basis=str(row["basis"]),
            paragraph=int(row["paragraph"]),
            quote=None if pd.isna(row["quote"]) else str(row["quote"]),
            explanation=str(row["explanation"]),
            source_detail=str(row["source_detail"]),
            choices={
                str(c.choice_id): (str(c.text), bool(c.is_correct), str(c.feedback))
                for c in mine.itertuples()
            },
        )


@dataclass(frozen=True)
class Feedback:
    """The result of answering: whether it was right, and the message (HTML)."""

    correct: bool | None
    html: str


def evaluate(question: Question, choice: object) -> Feedback:
    """Return the feedback for a choice; a message (not an exception) for odd input.

    Parameters
    ----------
    question : Question
        The self-check.
    choice : object
        A choice letter (``"a"``…); anything else gives a message naming the valid letters.

    Returns
    -------
    Feedback
        ``correct`` is None when the input was not a valid choice.
    """
    valid = ", ".join(question.choices)
    if choice is None or choice == "":
        return Feedback(None, f"<p>Choose an answer ({valid}) to see feedback.</p>")
    if not isinstance(choice, str) or choice.strip().lower() not in question.choices:
        return Feedback(None, f"<p>“{esc(choice)}” is not one of the choices; choose {valid}.</p>")
    key = choice.strip().lower()
    text, ok, feedback = question.choices[key]
    del text
    if ok:
        html = (
            f'<p style="color:#00593f"><strong>✓</strong> {esc(feedback)}</p>'
            f"<p>{esc(question.explanation)}</p>{_grounds(question)}"
        )
    else:
        html = (
            f'<p style="color:#8a2b00"><strong>✗ Not this one.</strong> {esc(feedback)}</p>'
            f'<p style="{SMALL}">Try another answer.</p>'
        )
    return Feedback(ok, html)


def _grounds(question: Question) -> str:
    if question.basis == "essay" and question.quote:
        return essay_block(question.quote, question.paragraph)
    return f'<p style="{SMALL}">Source: {esc(question.source_detail)}</p>'


def _basis_badge(question: Question) -> str:
    if question.basis == "essay":
        return badge(f"from the essay, ¶{question.paragraph}", "#00527f")
    return badge("from the record", "#00593f")


def _prompt_html(question: Question) -> str:
    return (
        f'<div class="kp-selfcheck-prompt"><p>{badge("Self-check")}'
        f"{_basis_badge(question)}</p><p><strong>{esc(question.prompt)}</strong></p></div>"
    )


def _choice_list(question: Question) -> str:
    items = "".join(
        f"<li><strong>{k}.</strong> {esc(text)}</li>"
        for k, (text, _, _) in question.choices.items()
    )
    return f'<ul style="list-style:none;margin:.2em 0 .4em .4em;padding:0">{items}</ul>'


class SelfCheck(widgets.VBox):
    """A live self-check: choose an answer, read the feedback for that choice.

    Parameters
    ----------
    question : Question
        The self-check.

    Attributes
    ----------
    choices : ipywidgets.RadioButtons
        The answers (value: a letter, or None before answering).
    feedback : ipywidgets.HTML
        Feedback for the current answer.
    """

    def __init__(self, question: Question) -> None:
        self.question = question
        self.choices = widgets.ToggleButtons(
            options=list(question.choices),
            value=None,
            description="Your answer",
            tooltips=[text for text, _, _ in question.choices.values()],
            style={"description_width": "initial", "button_width": "3em"},
        )
        self.feedback = widgets.HTML(evaluate(question, None).html)
        self.choices.observe(self._changed, names="value")
        super().__init__(
            [
                widgets.HTML(_prompt_html(question) + _choice_list(question)),
                self.choices,
                self.feedback,
            ]
        )

    def answer(self, choice: object) -> Feedback:
        """Answer programmatically; odd input gives a message, never an exception.

        Parameters
        ----------
        choice : object
            A choice letter.

        Returns
        -------
        Feedback
            What the learner sees.
        """
        result = evaluate(self.question, choice)
        if result.correct is not None and isinstance(choice, str):
            self.choices.value = choice.strip().lower()  # triggers _changed
        else:
            self.feedback.value = result.html
        return result

    def _changed(self, change: Mapping[str, Any]) -> None:
        result = evaluate(self.question, change["new"])
        self.feedback.value = result.html
        if result.correct is not None:  # a real answer: kept locally, and sent under a hub
            answers.record(self.question.question_id, change["new"], result.correct)


def static_self_check(question: Question) -> StaticView:
    """Render the static twin of :class:`SelfCheck`: answer and feedback behind details.

    Parameters
    ----------
    question : Question
        The self-check.

    Returns
    -------
    StaticView
        The view.
    """
    correct = question.correct
    feedback = bullet_list(
        f"<strong>{k}.</strong> {'✓ ' if ok else '✗ '}{esc(fb)}"
        for k, (_, ok, fb) in question.choices.items()
    )
    answer = (
        f"<p><strong>Answer: {correct}.</strong> {esc(question.choices[correct][0])}</p>"
        f"<p>{esc(question.explanation)}</p>{_grounds(question)}"
        f"<p><strong>Feedback on every choice</strong></p>{feedback}"
    )
    html = (
        f'<div class="kp-selfcheck">{_prompt_html(question)}'
        f"{_choice_list(question)}"
        + details("Show the answer and feedback", answer, cls="kp-answer")
        + "</div>"
    )
    text = f"Self-check: {question.prompt} " + " ".join(
        f"({k}) {t}" for k, (t, _, _) in question.choices.items()
    )
    return StaticView(html, text)
