"""The course's interactive views, each in two renderings chosen by the display mode.

Call one of these as the last line of a notebook cell. In ``live`` mode (JupyterLab) it returns
an ipywidgets explorer; in ``static`` mode (handouts) a :class:`~kpeace.widgets.views.StaticView`
with the same choices made by plotly's own menus and ``<details>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import ipywidgets as widgets
import pandas as pd

from kpeace import data, figures, prompts
from kpeace.widgets import cards
from kpeace.widgets._html import SMALL, bullet_list, details, esc, essay_block, prompt_block
from kpeace.widgets._mode import display_mode
from kpeace.widgets.selfcheck import Question, SelfCheck, static_self_check
from kpeace.widgets.views import (
    ChoiceExplorer,
    Detail,
    FigureExplorer,
    StaticView,
    static_choices,
    static_figure,
)

View = Any  # an ipywidgets.Widget (live) or a StaticView (static)


@lru_cache(maxsize=1)
def _tables() -> dict[str, pd.DataFrame]:
    return {name: data.load(name) for name in data.datasets()}


def _names() -> dict[str, str]:
    return cards.names_of(_tables()["actors"])


def _figure_view(
    fig: Any, *, detail: Detail | None = None, intro: str = "", detail_title: str = ""
) -> View:
    if display_mode() == "static":
        return static_figure(fig, detail=detail, intro=intro, detail_title=detail_title)
    return FigureExplorer(fig, detail=detail, intro=intro)


def _choice_view(
    options: Mapping[str, Any],
    card: Any,
    *,
    description: str,
    intro: str = "",
    open_first: bool = True,
) -> View:
    if display_mode() == "static":
        return static_choices(options, card, intro=intro, open_first=open_first)
    return ChoiceExplorer(options, card, description=description, intro=intro)


# --- the essay ------------------------------------------------------------------------------


def reading(*paragraphs: int) -> StaticView:
    """Show essay paragraphs as quotation blocks, each labelled with its number.

    Parameters
    ----------
    *paragraphs : int
        Paragraph numbers (1–10).

    Returns
    -------
    StaticView
        The quoted paragraphs (the same in both modes).
    """
    if not paragraphs:
        raise ValueError("name at least one paragraph, e.g. reading(7, 8)")
    blocks = [essay_block(data.paragraph(n), n) for n in paragraphs]
    return StaticView("".join(blocks), " ".join(f"¶{n}: {data.paragraph(n)}" for n in paragraphs))


def essay_at_a_glance() -> StaticView:
    """Show the essay's bibliographic card: author, date, publisher, conference, rights.

    Returns
    -------
    StaticView
        The card (the same in both modes).
    """
    essay = data.essay()
    conf = essay.conference
    rows = [
        ("Title", essay.title),
        ("Author", f"{essay.author}, {essay.author_affiliation}"),
        ("Published", f"{essay.series}, {essay.publisher}, {pd.Timestamp(essay.date):%-d %B %Y}"),
        (
            "It summarises",
            f"a presentation at the conference “{conf['title']}”, sponsored by "
            f"the {conf['sponsor']} and held, the post says, on "
            f"{pd.Timestamp(conf['date']):%-d %B %Y}",
        ),
        (
            "Length",
            f"{len(essay.paragraphs)} paragraphs, "
            f"{sum(len(p.split()) for p in essay.paragraphs)} words",
        ),
        (
            "Note",
            "The post is dated 6 June 2007 but says the conference was held on 7 June 2007; "
            "it may have been posted ahead of the event (fact sheet §6 item 10).",
        ),
        ("Rights", essay.rights),
    ]
    body = "".join(
        f'<tr><th scope="row" style="text-align:left;vertical-align:top;padding:.25em .6em '
        f'.25em 0">{esc(k)}</th><td style="text-align:left;padding:.25em 0">{esc(v)}</td></tr>'
        for k, v in rows
    )
    html = (
        f'<table class="kp-card" style="border-collapse:collapse">{body}</table>'
        f'<p style="{SMALL}">Cite as: {esc(essay.citation())}</p>'
    )
    return StaticView(html, essay.citation())


def essay_explorer() -> View:
    """Pick a paragraph: its text, its claims, and the actors and documents it names.

    Returns
    -------
    ChoiceExplorer or StaticView
        Live menu, or every paragraph behind ``<details>``.
    """
    tables = _tables()
    options = {
        f"¶{n} — {' '.join(text.split()[:6])}…": int(n)
        for n, text in zip(
            tables["paragraphs"]["paragraph"], tables["paragraphs"]["text"], strict=True
        )
    }
    return _choice_view(
        options,
        lambda n: cards.paragraph_card(n, tables),
        description="Paragraph",
        open_first=False,
    )


class GlossaryExplorer(widgets.VBox):
    """Search the glossary (English, abbreviation, Korean or definition).

    Attributes
    ----------
    search : ipywidgets.Text
        The search box.
    table : ipywidgets.HTML
        The matching terms.
    """

    def __init__(self, glossary: pd.DataFrame) -> None:
        self._glossary = glossary
        self.search = widgets.Text(
            placeholder="e.g. armistice, DMZ, 정전",
            description="Search",
            style={"description_width": "initial"},
            continuous_update=True,
        )
        self.table = widgets.HTML(cards.glossary_table(glossary))
        self.search.observe(self._changed, names="value")
        super().__init__([self.search, self.table])

    def _changed(self, change: Mapping[str, Any]) -> None:
        self.table.value = cards.glossary_table(self._glossary, change["new"] or "")


def glossary_explorer() -> View:
    """Search the glossary; the handout shows the whole table.

    Returns
    -------
    GlossaryExplorer or StaticView
        The view.
    """
    glossary = _tables()["glossary"]
    if display_mode() == "static":
        return StaticView(cards.glossary_table(glossary), f"Glossary of {len(glossary)} terms")
    return GlossaryExplorer(glossary)


# --- the record -----------------------------------------------------------------------------


def timeline_explorer(show: str = "All events") -> View:
    """Timeline 1945–2024 with eras and lanes; menus pick an era and which events to show.

    Parameters
    ----------
    show : str, optional
        Which events to show first: ``"All events"``, ``"Mentioned in the essay"``,
        ``"After the essay"`` or ``"Before the essay"``.

    Returns
    -------
    FigureExplorer or StaticView
        The view; the card under the figure lists the events of the chosen era.
    """
    events = _tables()["events"]
    fig = figures.timeline_figure(events, show=show)
    groups = {
        "All events": None,
        "Mentioned in the essay": "in",
        "After the essay": "after",
        "Before the essay": "before",
    }

    def detail(choice: Mapping[str, str]) -> str:
        era = choice.get("Era", "All years")
        if era == "All years":
            return f'<p style="{SMALL}">Choose an era to list its events with their sources.</p>'
        part = events[events["era"] == era]
        which = groups.get(choice.get("Show", "All events"))
        if which == "in":
            part = part[part["in_essay"]]
        elif which == "after":
            part = part[part["after_essay"]]
        elif which == "before":
            part = part[~part["after_essay"]]
        if part.empty:
            return f'<p class="kp-empty"><strong>{esc(era)}</strong>: no events in this view.</p>'
        return f"<p><strong>{esc(era)}</strong>: {len(part)} events</p>" + cards.event_list(part)

    return _figure_view(fig, detail=detail, detail_title="Events by era, with sources")


def articles_explorer() -> View:
    """Explore the 1953 armistice part by part: what each article covers.

    Returns
    -------
    ChoiceExplorer or StaticView
        The view.
    """
    articles = _tables()["armistice_articles"].sort_values("order")
    options = {
        ("Preamble" if r.part_id == "preamble" else f"Article {r.part_id}: {r.heading}"): r.part_id
        for r in articles.itertuples()
    }
    by_id = articles.set_index("part_id", drop=False)
    return _choice_view(options, lambda key: cards.article_card(by_id.loc[key]), description="Part")


def discrepancy(discrepancy_id: str) -> StaticView:
    """Show where the essay's wording and the record differ (a teaching moment).

    Parameters
    ----------
    discrepancy_id : str
        A ``discrepancies`` id, e.g. ``"D06"``.

    Returns
    -------
    StaticView
        The essay's words beside the record (the same in both modes).
    """
    table = _tables()["discrepancies"].set_index("discrepancy_id", drop=False)
    if discrepancy_id not in table.index:
        raise ValueError(f"No discrepancy {discrepancy_id!r}; valid ids: {', '.join(table.index)}")
    row = table.loc[discrepancy_id]
    return StaticView(cards.discrepancy_card(row), f"{row['topic']}: {row['record']}")


# --- the argument ---------------------------------------------------------------------------


def positions_explorer() -> View:
    """Actor × issue matrix: who leads, who supports, who prefers whom (per the essay).

    Returns
    -------
    FigureExplorer or StaticView
        The view.
    """
    fig = figures.matrix_figure(_tables()["positions"], _names())
    intro = prompt_block(
        "Find the shaded cell. Whom does the essay name as North Korea's partner there, and "
        "whom does North Korea prefer? Then compare the nuclear issue."
    )
    return _figure_view(fig, intro=intro)


def network_explorer(issue: str = "conventional forces") -> View:
    """Network of preferred counterparts, one issue at a time.

    Parameters
    ----------
    issue : str, optional
        The issue shown first.

    Returns
    -------
    FigureExplorer or StaticView
        The view; the card lists each arrow with the essay's words.
    """
    positions = _tables()["positions"]
    names = figures.positions.NODE_LABEL
    fig = figures.network_figure(positions, issue=issue, names=names)

    def detail(choice: Mapping[str, str]) -> str:
        part = positions[positions["issue"] == choice.get("Issue", issue)].drop_duplicates(
            ["actor", "counterpart", "stance", "whose_view"]
        )
        items = [
            f"<strong>{esc(names.get(r.actor, r.actor))} → "
            f"{esc(names.get(r.counterpart, r.counterpart))}</strong>: {esc(r.stance)} "
            f'<span style="{SMALL}">({esc(r.whose_view)})</span>'
            + essay_block(str(r.quote), int(r.paragraph))
            for r in part.itertuples()
        ]
        return bullet_list(items)

    return _figure_view(fig, detail=detail, detail_title="The arrows, issue by issue")


class ClaimSorter(widgets.VBox):
    """Exercise: sort the essay's claims into observation, argument, recommendation, forecast.

    Attributes
    ----------
    claim : ipywidgets.Dropdown
        The claim to sort.
    kind : ipywidgets.ToggleButtons
        The learner's answer (None until chosen).
    feedback : ipywidgets.HTML
        Feedback on the answer.
    """

    def __init__(self, claims: pd.DataFrame) -> None:
        self._claims = claims.set_index("claim_id", drop=False)
        self.claim = widgets.Dropdown(
            options=[(f"{c.claim_id} (¶{c.paragraph})", c.claim_id) for c in claims.itertuples()],
            description="Claim",
            style={"description_width": "initial"},
        )
        self.quote = widgets.HTML()
        self.kind = widgets.ToggleButtons(
            options=list(prompts.KIND_HINTS),
            value=None,
            description="Kind",
            style={"description_width": "initial", "button_width": "auto"},
        )
        self.feedback = widgets.HTML()
        self.claim.observe(self._new_claim, names="value")
        self.kind.observe(self._answered, names="value")
        self._show_claim()
        super().__init__([self.claim, self.quote, self.kind, self.feedback])

    def answer(self, choice: object) -> str:
        """Answer programmatically; odd input gives a message, never an exception.

        Parameters
        ----------
        choice : object
            A kind.

        Returns
        -------
        str
            The feedback HTML.
        """
        if isinstance(choice, str) and choice in prompts.KIND_HINTS:
            self.kind.value = choice
            return self.feedback.value
        text = cards.claim_kind_feedback(
            self._claims.loc[self.claim.value], None if choice is None else str(choice)
        )
        self.feedback.value = text
        return text

    def _show_claim(self) -> None:
        row = self._claims.loc[self.claim.value]
        self.quote.value = essay_block(str(row["quote"]), int(row["paragraph"]))
        self.feedback.value = cards.claim_kind_feedback(row, None)

    def _new_claim(self, change: Mapping[str, Any]) -> None:
        del change
        self.kind.value = None
        self._show_claim()

    def _answered(self, change: Mapping[str, Any]) -> None:
        self.feedback.value = cards.claim_kind_feedback(
            self._claims.loc[self.claim.value], change["new"]
        )


def claim_sorter(*paragraphs: int) -> View:
    """Exercise: what kind of statement is each claim? Feedback for every choice.

    Parameters
    ----------
    *paragraphs : int
        Limit to claims from these paragraphs (default: all).

    Returns
    -------
    ClaimSorter or StaticView
        The view.
    """
    claims = _tables()["claims"]
    if paragraphs:
        claims = claims[claims["paragraph"].isin(paragraphs)]
    if claims.empty:
        raise ValueError(f"no claims in paragraphs {paragraphs}")
    if display_mode() == "live":
        return ClaimSorter(claims.reset_index(drop=True))
    kinds = ", ".join(prompts.KIND_HINTS)
    blocks = [
        essay_block(str(c.quote), int(c.paragraph))
        + details(
            f"{c.claim_id}: which kind? ({kinds})",
            cards.claim_kind_answer(pd.Series(c._asdict())),
            cls="kp-answer",
        )
        for c in claims.itertuples()
    ]
    return StaticView("".join(blocks), f"Claim-sorting exercise, {len(blocks)} claims")


# --- the UN Command -------------------------------------------------------------------------


def steps_explorer() -> View:
    """Explore the UN Command steps: what must happen before what, and who must act.

    Returns
    -------
    FigureExplorer or StaticView
        The view; the card shows the chosen step with the essay's words and the record.
    """
    steps = _tables()["unc_steps"]
    names = _names()
    fig = figures.steps_figure(steps, names)

    def detail(choice: Mapping[str, str]) -> str:
        label = choice.get("Focus on a step", "All steps")
        step = label.split(":", 1)[0]
        if step not in set(steps["step_id"]):
            return (
                f'<p style="{SMALL}">Choose a step to see who must act, what must come '
                "first, the essay's words and the record.</p>"
            )
        return cards.step_card(steps, step, names)

    return _figure_view(fig, detail=detail, detail_title="Each step in detail")


def _forum_groups() -> dict[str, tuple[str, ...]]:
    tables = _tables()
    docs = tables["documents"].set_index("document_id")
    claims = tables["claims"].set_index("claim_id")
    return {
        "Signed the armistice (1953)": tuple(docs.loc["KAA_1953", "parties_as_signed"]),
        "The essay's four (¶7)": tuple(claims.loc["C21", "actors"]),
        "Six-Party Talks": tuple(docs.loc["SEP19_2005", "parties_as_signed"]),
    }


class ForumBuilder(FigureExplorer):
    """The forum builder: choose the parties of a peace forum and compare.

    Adds a "Build your own" multi-select to the preset menu; both redraw the figure's
    "Your forum" column and the comparison.

    Attributes
    ----------
    parties : ipywidgets.SelectMultiple
        Actor ids chosen by the learner.
    """

    def __init__(
        self, fig: Any, groups: Mapping[str, tuple[str, ...]], names: Mapping[str, str]
    ) -> None:
        self._groups = dict(groups)
        self._names = dict(names)
        super().__init__(fig, detail=self._forum_card)
        actors = figures.unc.forum_actors(groups, prompts.FORUM_PRESETS)
        rows = {a: len(actors) - 1 - i for i, a in enumerate(actors)}
        self._rows = rows
        self.parties = widgets.SelectMultiple(
            options=[(self._names.get(a, a), a) for a in rows],
            rows=min(len(rows), 9),
            description="Build your own",
            style={"description_width": "initial"},
        )
        first = prompts.FORUM_PRESETS.get(self.controls["Your forum"].value, ())
        self.parties.value = tuple(a for a in first if a in rows)
        self.parties.observe(self._custom, names="value")
        self.controls["Your forum"].observe(self._preset, names="value")
        self.children = (*self.children[:-3], self.parties, *self.children[-3:])

    def _preset(self, change: Mapping[str, Any]) -> None:
        self.parties.value = tuple(prompts.FORUM_PRESETS.get(change["new"], ()))

    def _forum_card(self, choice: Mapping[str, str]) -> str:
        chosen = prompts.FORUM_PRESETS.get(choice.get("Your forum", ""), ())
        return cards.forum_comparison(chosen, self._groups, self._names)

    def _custom(self, change: Mapping[str, Any]) -> None:
        chosen = tuple(change["new"])
        trace = self.figure_widget.data[-1]
        with self.figure_widget.batch_update():
            trace.x = [len(self._groups)] * len(chosen)
            trace.y = [self._rows[a] for a in chosen]
            trace.text = [self._names.get(a, a) for a in chosen]
        self.detail.value = cards.forum_comparison(chosen, self._groups, self._names)


def forum_builder() -> View:
    """Choose the parties of a peace forum; compare with the armistice's signatories and more.

    Returns
    -------
    ForumBuilder or StaticView
        The view.
    """
    groups = _forum_groups()
    names = _names()
    fig = figures.forum_figure(groups, prompts.FORUM_PRESETS, names)
    if display_mode() == "static":

        def detail(choice: Mapping[str, str]) -> str:
            chosen = prompts.FORUM_PRESETS.get(choice.get("Your forum", ""), ())
            return cards.forum_comparison(chosen, groups, names)

        return static_figure(fig, detail=detail, detail_title="Each forum compared")
    return ForumBuilder(fig, groups, names)


def resolutions_explorer() -> View:
    """Security Council resolutions 82, 83 and 84 side by side, with the essay's wording.

    Returns
    -------
    FigureExplorer or StaticView
        The view.
    """
    fig = figures.resolutions_figure(_tables()["documents"], ["UNSCR_82", "UNSCR_83", "UNSCR_84"])
    row = _tables()["discrepancies"].set_index("discrepancy_id").loc["D06"]
    card = cards.discrepancy_card(pd.Series({**row.to_dict(), "discrepancy_id": "D06"}))
    view = _figure_view(fig)
    if isinstance(view, StaticView):
        return StaticView(view.html + card, view.text)
    view.children = (*view.children, widgets.HTML(card))
    return view


def agreements_explorer() -> View:
    """Inter-Korean vs US–DPRK agreements over time (counts and dates only).

    Returns
    -------
    FigureExplorer or StaticView
        The view; the card sets the essay's words beside the record for the chosen period.
    """
    tables = _tables()
    fig = figures.agreements_figure(tables["documents"], tables["events"])
    claims = tables["claims"].set_index("claim_id")

    docs = tables["documents"]
    pairs = docs[docs["kind"].isin(["inter-Korean agreement", "US–DPRK agreement"])]

    def detail(choice: Mapping[str, str]) -> str:
        essay = "".join(
            essay_block(str(claims.loc[c, "quote"]), int(claims.loc[c, "paragraph"]))
            for c in ("C32", "C33")
        )
        if choice.get("Period", "").startswith("To the essay"):
            pairs_now = pairs[pairs["date_signed"] <= pd.Timestamp("2007-06-06")]
        else:
            pairs_now = pairs
        items = [
            f"{esc(r.short_title)} ({r.date_signed:%-d %b %Y}; {esc(r.kind)}; "
            + ("named in the essay" if r.essay_mentions else "not named in the essay")
            + ")"
            for r in pairs_now.sort_values("date_signed").itertuples()
        ]
        rule = f'<p style="{SMALL}"><b>How the course counts</b> (ours). '
        rule += f"{esc(figures.trends.COUNT_RULE)}</p>"
        listed = cards.record_block(
            bullet_list(items),
            "the course's documents table (course fact sheet §1 and §6 item 9; the 2004 "
            "military agreement from an ROK Ministry of Unification release, 9 June 2004)",
        )
        return essay + rule + listed

    return _figure_view(fig, detail=detail, detail_title="The essay and the record")


# --- self-checks and sources ----------------------------------------------------------------


def self_check(question_id: str) -> View:
    """Show a self-check from the ``questions`` table, with feedback for every choice.

    Parameters
    ----------
    question_id : str
        E.g. ``"q1-2"``.

    Returns
    -------
    SelfCheck or StaticView
        Live: choose an answer, read its feedback. Static: the answer behind ``<details>``.
    """
    tables = _tables()
    question = Question.from_tables(tables["questions"], tables["question_choices"], question_id)
    if display_mode() == "static":
        return static_self_check(question)
    return SelfCheck(question)


def sources(*source_ids: str) -> StaticView:
    """List the sources a notebook draws on: the essay, then the fact-sheet sections.

    Parameters
    ----------
    *source_ids : str
        Ids from the ``sources`` table (default: all).

    Returns
    -------
    StaticView
        The list, with the essay's attribution and rights.
    """
    table = _tables()["sources"].set_index("source_id")
    ids = list(source_ids) or list(table.index)
    unknown = [s for s in ids if s not in table.index]
    if unknown:
        raise ValueError(
            f"unknown source id(s): {', '.join(unknown)}; valid: {', '.join(table.index)}"
        )
    essay = data.essay()
    items = [f"{esc(table.loc[s, 'citation'])}" for s in ids]
    html = bullet_list(items) + f'<p style="{SMALL}">{esc(essay.rights)}</p>'
    return StaticView(html, "Sources: " + "; ".join(table.loc[s, "citation"] for s in ids))
