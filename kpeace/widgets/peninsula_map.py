"""The peninsula map as an interactive view: live ipywidgets explorer or its static twin.

The two GeoJSON files come from the data package (``peninsula_map`` and ``map_overlays``,
under ``data/map/``); nothing is fetched from the network in either rendering.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from kpeace import data, figures
from kpeace.figures.peninsula_map import JAPAN_NOTE, STATUS_LABEL, map_features
from kpeace.widgets._html import SMALL, bullet_list, esc
from kpeace.widgets._mode import display_mode
from kpeace.widgets.views import FigureExplorer, StaticView, static_figure

OUTLINE = "peninsula_map"
OVERLAYS = "map_overlays"


def _geojson(name: str) -> dict[str, Any]:
    """Read one GeoJSON resource of the data package; a bad file raises ``DataFileError``."""
    resource = next((r for r in data._descriptor()["resources"] if r["name"] == name), None)
    if resource is None:
        raise data.DataFileError(f"datapackage.json: no resource named {name!r}")
    text = data._read_text(resource["path"])
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise data.DataFileError(
            f"{resource['path']}, line {err.lineno}, column {err.colno}: not valid JSON ({err.msg})"
        ) from None


@lru_cache(maxsize=1)
def map_layers() -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the map's outline and overlays, as GeoJSON FeatureCollections.

    Returns
    -------
    tuple of dict
        ``(outline, overlays)``: Natural Earth's land and boundary, then the places, islands and
        sea lines with their sources.
    """
    return _geojson(OUTLINE), _geojson(OVERLAYS)


def _entry(feature: Mapping[str, Any]) -> str:
    props = feature["properties"]
    status = STATUS_LABEL.get(str(props.get("status")), str(props.get("status")))
    where = ""
    if feature["geometry"]["type"] == "Point":
        lon, lat = feature["geometry"]["coordinates"]
        where = f" ({lat:.2f}° N, {lon:.2f}° E)"
    note = f" {esc(props['note'])}" if props.get("note") else ""
    return (
        f"<strong>{esc(props['name'])}</strong>{where}: <em>{esc(status)}</em>.{note} "
        f'<span style="{SMALL}">Source: {esc(props["source"])}; confidence: '
        f"{esc(props['confidence'])}.</span>"
    )


def layer_card(overlays: Mapping[str, Any], layer: str) -> str:
    """Return the HTML card for one *Highlight* choice: what the layer shows and its sources.

    Parameters
    ----------
    overlays : mapping
        The ``map_overlays`` GeoJSON.
    layer : str
        ``Everything``, ``Land lines``, ``Sea lines`` or ``Places``.

    Returns
    -------
    str
        HTML.

    Raises
    ------
    ValueError
        If ``layer`` is not one of the menu's choices.
    """
    groups = map_features(overlays)
    if layer == "Everything":
        return (
            "<p>The armistice of 27 July 1953 drew a line on land, the Military Demarcation "
            "Line, with a Demilitarized Zone 2 km on each side; it drew none at sea. Choose a "
            "layer to see where each mark comes from.</p>"
            f"<p>{esc(JAPAN_NOTE)}</p>"
        )
    if layer == "Land lines":
        return bullet_list(
            [
                "<strong>Military Demarcation Line (MDL)</strong>: drawn as Natural Earth's "
                "1:10m boundary between the two Koreas (public domain), simplified; it runs "
                "from the Han River estuary, just west of Panmunjom, to the east coast.",
                "<strong>Demilitarized Zone (DMZ)</strong>: drawn 2 km on each side of that "
                "line, because each side withdrew 2 km (armistice Article I paragraph 1; course "
                "fact sheet §2.2).",
                "<strong>Han River estuary</strong>: between the MDL's western end and the sea "
                "it was left open to civil shipping of both sides (paragraph 5; fact sheet §2.2).",
            ]
        )
    if layer == "Sea lines":
        return bullet_list([_entry(f) for f in groups["sea_line"]])
    if layer == "Places":
        return bullet_list([_entry(f) for f in groups["city"] + groups["jsa"] + groups["island"]])
    raise ValueError(f"layer must be Everything, Land lines, Sea lines or Places; got {layer!r}")


def peninsula_map() -> FigureExplorer | StaticView:
    """Show the peninsula map: the MDL and DMZ, the sea lines, the cities and the five islands.

    Returns
    -------
    FigureExplorer or StaticView
        The live explorer (a *Highlight* dropdown and a *View* toggle over a ``FigureWidget``)
        or, in static mode, the figure with plotly's own menus and one ``<details>`` card per
        layer naming its sources.
    """
    outline, overlays = map_layers()
    fig = figures.peninsula_figure(outline, overlays)

    def detail(choice: Mapping[str, str]) -> str:
        return layer_card(overlays, choice.get("Highlight", "Everything"))

    if display_mode() == "static":
        return static_figure(fig, detail=detail, detail_title="Each layer and its sources")
    return FigureExplorer(fig, detail=detail)
