"""The deliberate breaks that ``tests/mutation/run.py`` applies, one at a time.

Each break is data: the file to change (relative to the repository), a string that must occur
in it exactly once, what to put instead, the pytest arguments that must then fail, and one line
saying what behaviour the break removes. Append new breaks at the end of ``BREAKS``; keep ``id``
unique and ``tests`` as narrow as possible (a file and ``-k``), so a run stays quick.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Break:
    """One small deliberate break of the code or data.

    Parameters
    ----------
    id : str
        Short unique name (used with ``--only``).
    file : str
        Path relative to the repository root.
    old : str
        Text that must occur exactly once in ``file``.
    new : str
        Replacement text.
    tests : tuple of str
        pytest arguments (paths, node ids, ``-k`` expressions) that must fail once broken.
    description : str
        The behaviour the break removes, in one line.
    """

    id: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    description: str


BREAKS: tuple[Break, ...] = (
    # --- figures and widgets ----------------------------------------------------------------
    Break(
        id="timeline-red",
        file="kpeace/figures/timeline.py",
        old='"Mentioned in the essay": ("diamond", OKABE_ITO["blue"]),',
        new='"Mentioned in the essay": ("diamond", "#FF0000"),',
        tests=("tests/test_figures.py", "-k", "colour_blind_safe"),
        description="timeline marks in #FF0000, outside the colour-blind-safe palette",
    ),
    Break(
        id="timeline-green",
        file="kpeace/figures/timeline.py",
        old='"After the essay": ("square", OKABE_ITO["vermillion"]),',
        new='"After the essay": ("square", "#00FF00"),',
        tests=("tests/test_figures.py", "-k", "colour_blind_safe"),
        description="timeline marks in #00FF00, outside the colour-blind-safe palette",
    ),
    Break(
        id="unc-arrow-short",
        file="kpeace/figures/unc.py",
        old="NODE_RADIUS = NODE_SIZE / 2 + NODE_LINE / 2\n",
        new="NODE_RADIUS = NODE_SIZE / 2 + NODE_LINE / 2 + 6\n",
        tests=("tests/test_figures.py", "-k", "steps_arrows_end"),
        description="UNC steps arrows stop 6 px short of their target node",
    ),
    Break(
        id="unc-arrow-chromium",
        file="kpeace/figures/unc.py",
        old='"standoff": NODE_RADIUS,',
        new='"standoff": NODE_RADIUS - 8,',
        tests=("tests/test_figures.py", "-k", "arrowheads_touch"),
        description="UNC steps arrowheads drawn into their target node (seen in Chromium)",
    ),
    Break(
        id="card-outside-details",
        file="kpeace/widgets/views.py",
        old="parts.append(details(button.label, card))",
        new="parts.append(card)",
        tests=("tests/test_widgets.py", "-k", "inside_their_own_details"),
        description="static explorer cards written outside <details>",
    ),
    Break(
        id="choice-card-outside-details",
        file="kpeace/widgets/views.py",
        old="details(label, card(key), open_=open_first and i == 0)",
        new="card(key)",
        tests=("tests/test_widgets.py", "-k", "inside_their_own_details"),
        description="static choice cards (essay, articles) written outside <details>",
    ),
    Break(
        id="timeline-status-flipped",
        file="kpeace/figures/timeline.py",
        old='    if bool(row["after_essay"]):',
        new='    if not bool(row["after_essay"]):',
        tests=("tests/test_figures.py", "-k", "timeline"),
        description="timeline builder: 'after the essay' condition flipped",
    ),
    Break(
        id="live-view-without-figure",
        file="kpeace/widgets/views.py",
        old="[*intro_widget, *rows, self.figure_widget, self.detail, alt],",
        new="[*intro_widget, *rows, self.detail, alt],",
        tests=("tests/test_widgets.py", "-k", "serialise"),
        description="live figure explorers lose their figure",
    ),
    # --- data and content ---------------------------------------------------------------------
    Break(
        id="quote-ignores-case",
        file="kpeace/data.py",
        old="    if not text or text not in body:",
        new="    if not text or text.lower() not in body.lower():",
        tests=("tests/test_loader.py", "tests/test_content.py"),
        description="quote() accepts words whose case differs from the essay",
    ),
    Break(
        id="essay-event-not-flagged",
        file="data/events.csv",
        old="Division and war (1945–1953),true,7;8,false",
        new="Division and war (1945–1953),false,7;8,false",
        tests=("tests/test_content.py", "tests/test_datapackage.py"),
        description="an event the essay cites (¶7–8) flagged in_essay=false",
    ),
)
