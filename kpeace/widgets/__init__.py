"""Interactive views for the notebooks: live ipywidgets explorers and their static twins.

Every function returns a live ipywidgets explorer in JupyterLab and a kernel-free
:class:`~kpeace.widgets.views.StaticView` when the display mode is ``static`` (set by the handout
builder through ``KPEACE_DISPLAY=static``, or with :func:`set_display_mode`).

Examples
--------
>>> import kpeace.widgets as kw
>>> kw.set_display_mode("static")
>>> "<details" in kw.self_check("q1-1")._repr_mimebundle_()["text/html"]
True
>>> kw.set_display_mode(None)
"""

from __future__ import annotations

from kpeace.widgets._mode import display_mode, set_display_mode
from kpeace.widgets.explorers import (
    ClaimSorter,
    ForumBuilder,
    GlossaryExplorer,
    agreements_explorer,
    articles_explorer,
    claim_sorter,
    discrepancy,
    essay_at_a_glance,
    essay_explorer,
    forum_builder,
    glossary_explorer,
    network_explorer,
    positions_explorer,
    reading,
    resolutions_explorer,
    self_check,
    sources,
    steps_explorer,
    timeline_explorer,
)
from kpeace.widgets.hindsight import ForecastTracker, forecast_tracker
from kpeace.widgets.peninsula_map import peninsula_map
from kpeace.widgets.perspectives import perspectives_explorer
from kpeace.widgets.progress import progress
from kpeace.widgets.selfcheck import Feedback, Question, SelfCheck, evaluate
from kpeace.widgets.views import ChoiceExplorer, FigureExplorer, StaticView

#: The interactive views a notebook can show (each live in JupyterLab, static in handouts).
INTERACTIVE_VIEWS: tuple[str, ...] = (
    "essay_explorer",
    "glossary_explorer",
    "timeline_explorer",
    "articles_explorer",
    "positions_explorer",
    "network_explorer",
    "claim_sorter",
    "steps_explorer",
    "forum_builder",
    "resolutions_explorer",
    "agreements_explorer",
    "forecast_tracker",
    "perspectives_explorer",
    "peninsula_map",
)

__all__ = [
    "INTERACTIVE_VIEWS",
    "ChoiceExplorer",
    "ClaimSorter",
    "Feedback",
    "FigureExplorer",
    "ForecastTracker",
    "ForumBuilder",
    "GlossaryExplorer",
    "Question",
    "SelfCheck",
    "StaticView",
    "agreements_explorer",
    "articles_explorer",
    "claim_sorter",
    "discrepancy",
    "display_mode",
    "essay_at_a_glance",
    "essay_explorer",
    "evaluate",
    "forecast_tracker",
    "forum_builder",
    "glossary_explorer",
    "network_explorer",
    "peninsula_map",
    "perspectives_explorer",
    "positions_explorer",
    "progress",
    "reading",
    "resolutions_explorer",
    "self_check",
    "set_display_mode",
    "sources",
    "steps_explorer",
    "timeline_explorer",
]
