"""Pure figure builders: DataFrames in, plotly Figures out.

Each builder returns a :class:`plotly.graph_objects.Figure` whose own controls (updatemenus)
work without a kernel, so a static HTML handout stays interactive, and whose text alternative
is available from :func:`alt_text`. No builder reads files.
"""

from __future__ import annotations

from kpeace.figures._style import OKABE_ITO, alt_text
from kpeace.figures.hindsight import forecast_figure
from kpeace.figures.peninsula_map import peninsula_figure
from kpeace.figures.perspectives import perspectives_figure
from kpeace.figures.positions import matrix_figure, network_figure
from kpeace.figures.timeline import timeline_figure
from kpeace.figures.trends import agreements_figure
from kpeace.figures.unc import forum_figure, resolutions_figure, steps_figure

__all__ = [
    "OKABE_ITO",
    "agreements_figure",
    "alt_text",
    "forecast_figure",
    "forum_figure",
    "matrix_figure",
    "network_figure",
    "peninsula_figure",
    "perspectives_figure",
    "resolutions_figure",
    "steps_figure",
    "timeline_figure",
]
