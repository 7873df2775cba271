"""A map of the Korean peninsula: the armistice's land line and the sea lines it left undrawn.

Plain ``go.Scatter`` traces on longitude/latitude axes (no geo trace, so plotly.js never fetches
map data from the network). The outline is Natural Earth's, shipped in ``data/map/``; every other
mark carries its source, and marks drawn by hand are labelled "schematic" or "approximate" on the
figure and in the text alternative.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from kpeace.figures._style import (
    DIM,
    NEUTRALS,
    OKABE_ITO,
    base_figure,
    control,
    place_menus,
    wrap,
)

#: Degrees of latitude per kilometre, and the parallel whose scale the map keeps true.
KM_PER_DEGREE = 111.32
MID_LATITUDE = 38.0
#: Half the DMZ's width: each side withdrew 2 km from the MDL (armistice, Article I para 1).
DMZ_HALF_WIDTH_KM = 2.0

VIEWS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "Whole peninsula": ((123.9, 131.7), (33.0, 43.1)),
    "West Sea islands": ((123.9, 126.4), (36.75, 38.25)),
}
LAYERS = ("Land lines", "Sea lines", "Places")
STATUS_LABEL = {
    "published": "published coordinates",
    "approximate": "approximate position",
    "schematic": "schematic",
}
LAND = NEUTRALS["band"]
COAST = OKABE_ITO["grey"]
MDL = OKABE_ITO["black"]
DMZ = OKABE_ITO["orange"]
NLL = OKABE_ITO["blue"]
DPRK_LINE = OKABE_ITO["vermillion"]
CITY = OKABE_ITO["black"]
JSA = OKABE_ITO["purple"]
ISLAND = OKABE_ITO["green"]
JAPAN_NOTE = (
    "Japan: UNC-Rear at Yokota and seven U.S. bases designated UNC bases (1954 SOFA), off the "
    "map to the east (course fact sheet §10.4)."
)


def _rings(feature: Mapping[str, Any]) -> list[list[list[float]]]:
    """Return a feature's outer rings (Polygon or MultiPolygon) or lines (LineString, Multi…)."""
    geometry = feature["geometry"]
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Polygon":
        return [coords[0]]
    if kind == "MultiPolygon":
        return [polygon[0] for polygon in coords]
    if kind == "LineString":
        return [coords]
    if kind == "MultiLineString":
        return list(coords)
    raise ValueError(f"unsupported geometry {kind!r}; expected a polygon or a line")


def _joined(parts: Sequence[Sequence[Sequence[float]]]) -> tuple[list[Any], list[Any]]:
    """Flatten rings or lines into one x and one y list, with ``None`` between the parts."""
    xs: list[Any] = []
    ys: list[Any] = []
    for part in parts:
        if xs:
            xs.append(None)
            ys.append(None)
        xs.extend(p[0] for p in part)
        ys.extend(p[1] for p in part)
    return xs, ys


def band(line: Sequence[Sequence[float]], half_width_km: float) -> list[list[float]]:
    """Return a closed ring ``half_width_km`` either side of a lon/lat line (for the DMZ).

    Each vertex is moved along the normal of its neighbours' direction, measured in kilometres
    on a local equirectangular projection: good to a few per cent over the peninsula.

    Parameters
    ----------
    line : sequence of (lon, lat)
        The centre line (at least two points).
    half_width_km : float
        Distance on each side, in kilometres.

    Returns
    -------
    list of [lon, lat]
        The ring: one side forward, the other back, closed.

    Raises
    ------
    ValueError
        If the line has fewer than two points or the width is not positive.
    """
    if len(line) < 2:
        raise ValueError("a band needs a line of at least two points")
    if half_width_km <= 0:
        raise ValueError(f"half_width_km must be positive; got {half_width_km}")
    left: list[list[float]] = []
    right: list[list[float]] = []
    for i, (lon, lat) in enumerate(line):
        before = line[max(i - 1, 0)]
        after = line[min(i + 1, len(line) - 1)]
        kx = KM_PER_DEGREE * math.cos(math.radians(lat))
        dx = (after[0] - before[0]) * kx
        dy = (after[1] - before[1]) * KM_PER_DEGREE
        length = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / length * half_width_km, dx / length * half_width_km
        left.append([lon + nx / kx, lat + ny / KM_PER_DEGREE])
        right.append([lon - nx / kx, lat - ny / KM_PER_DEGREE])
    ring = left + right[::-1]
    return [*ring, ring[0]]


def _source_line(props: Mapping[str, Any]) -> str:
    status = STATUS_LABEL.get(str(props.get("status")), str(props.get("status")))
    return f"{status}; source: {props.get('source')} (confidence: {props.get('confidence')})"


def _hover(props: Mapping[str, Any]) -> str:
    text = f"<b>{props['name']}</b>"
    if props.get("note"):
        text += f"<br>{wrap(props['note'], 46)}"
    return text + f"<br><i>{wrap(_source_line(props), 46)}</i>"


def map_features(
    overlays: Mapping[str, Any],
) -> dict[str, list[Mapping[str, Any]]]:
    """Group the overlay features by kind: cities, the JSA, islands and sea lines.

    Parameters
    ----------
    overlays : mapping
        The ``map_overlays`` GeoJSON FeatureCollection.

    Returns
    -------
    dict
        ``city``, ``jsa``, ``island``, ``sea_line`` → features, in file order.

    Raises
    ------
    ValueError
        If a feature has no source and is not marked schematic, or its kind is unknown.
    """
    groups: dict[str, list[Mapping[str, Any]]] = {
        "city": [],
        "jsa": [],
        "island": [],
        "sea_line": [],
    }
    for feature in overlays.get("features", ()):
        props = feature.get("properties", {})
        kind = props.get("kind")
        if kind not in groups:
            raise ValueError(f"unknown map feature kind {kind!r}; expected one of {list(groups)}")
        if not props.get("source") and props.get("status") != "schematic":
            name = props.get("name")
            raise ValueError(f"map feature {name!r} has no source and is not schematic")
        groups[kind].append(feature)
    return groups


def _legend_name(props: Mapping[str, Any]) -> str:
    status = props.get("status")
    suffix = {"schematic": " (schematic)", "approximate": " (approximate)"}.get(str(status), "")
    if props.get("schematic_part"):
        suffix += f" ({props['schematic_part']} schematic)"
    return f"{props['name']}{suffix}"


def peninsula_figure(
    outline: Mapping[str, Any],
    overlays: Mapping[str, Any],
    *,
    view: str = "Whole peninsula",
) -> go.Figure:
    """Draw the peninsula with the MDL and DMZ, the sea lines, the cities and the five islands.

    Two menus: *Highlight* dims every layer but one (land lines, sea lines or places), and
    *View* frames the whole peninsula or zooms on the West Sea islands, where the NLL and the
    DPRK's 1999 line cross.

    Parameters
    ----------
    outline : mapping
        The ``peninsula_map`` GeoJSON (land polygons and the boundary between the two Koreas).
    overlays : mapping
        The ``map_overlays`` GeoJSON (places, islands and sea lines with their sources).
    view : str, optional
        The view shown first, one of :data:`VIEWS`.

    Returns
    -------
    plotly.graph_objects.Figure
        Land traces first, then the DMZ, the MDL, the sea lines, the cities, the JSA and the
        islands; each trace's ``meta`` names its layer.

    Raises
    ------
    ValueError
        If ``view`` is unknown or the outline lacks the boundary between the two Koreas.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}; got {view!r}")
    lands = [f for f in outline.get("features", ()) if f["properties"].get("kind") == "land"]
    borders = [f for f in outline.get("features", ()) if f["properties"].get("kind") == "boundary"]
    if not lands or not borders:
        raise ValueError("the outline needs land polygons and the boundary between the two Koreas")
    groups = map_features(overlays)
    mdl = max(_rings(borders[0]), key=len)
    dmz = band(mdl, DMZ_HALF_WIDTH_KM)

    described = [
        "Map of the Korean peninsula on longitude and latitude axes (outline: Natural Earth, "
        "public domain, simplified).",
        "Land line: the Military Demarcation Line (MDL) of 27 July 1953, drawn as Natural "
        "Earth's boundary between the two Koreas, from the Han River estuary west of Panmunjom "
        "to the east coast; around it the Demilitarized Zone, drawn 2 km on each side "
        "(armistice Article I paragraph 1). The armistice drew no line at sea; the Han River "
        "estuary, between the MDL's western end and the sea lines, stayed open to civil "
        "shipping of both sides (paragraph 5).",
    ]
    for feature in groups["sea_line"]:
        props = feature["properties"]
        described.append(f"Sea line: {props['name']}, {_source_line(props)}.")
    for feature in groups["city"] + groups["jsa"] + groups["island"]:
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        described.append(
            f"{'Island' if props['kind'] == 'island' else 'Place'}: {props['name']} "
            f"({lat:.2f}° N, {lon:.2f}° E), {_source_line(props)}."
        )
    described.append(JAPAN_NOTE)
    described.append(
        "Menus: Highlight (everything, land lines, sea lines, places) and View (whole "
        "peninsula, West Sea islands)."
    )
    fig = base_figure("The peninsula and its lines", " ".join(described), height=720)
    fig.update_layout(
        margin={"l": 6, "r": 6, "b": 10},
        legend={"y": -0.02, "font": {"size": 11}, "itemclick": False, "itemdoubleclick": False},
        plot_bgcolor=NEUTRALS["white"],
    )
    layers: list[str] = []

    def add(trace: go.Scatter, layer: str) -> None:
        trace.meta = layer
        fig.add_trace(trace)
        layers.append(layer)

    for feature in lands:
        xs, ys = _joined(_rings(feature))
        add(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=LAND,
                line={"color": COAST, "width": 0.8},
                name=feature["properties"]["name"],
                hoverinfo="skip",
                showlegend=False,
            ),
            "Outline",
        )
    xs, ys = _joined([dmz])
    add(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor=DMZ,
            line={"color": DMZ, "width": 3},
            name="DMZ, 2 km each side of the MDL",
            hovertemplate="DMZ: 2 km each side of the MDL (armistice Art. I para 1)<extra></extra>",
        ),
        "Land lines",
    )
    xs, ys = _joined([mdl])
    add(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": MDL, "width": 2},
            name="MDL, 1953 (Natural Earth boundary)",
            hovertemplate=(
                "Military Demarcation Line, 27 July 1953<br><i>drawn as Natural Earth's "
                "1:10m boundary, simplified</i><extra></extra>"
            ),
        ),
        "Land lines",
    )
    styles = {"nll": (NLL, "dash"), "dprk1999": (DPRK_LINE, "dot")}
    for feature in groups["sea_line"]:
        props = feature["properties"]
        colour, dash = styles.get(str(feature.get("id")), (NLL, "dashdot"))
        xs, ys = _joined(_rings(feature))
        add(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": colour, "width": 2.5, "dash": dash},
                name=_legend_name(props),
                hovertext=[_hover(props)] * len(xs),
                hovertemplate="%{hovertext}<extra></extra>",
            ),
            "Sea lines",
        )
    point_styles = {
        "city": (CITY, "circle", 8, "Cities"),
        "jsa": (JSA, "star", 14, "Panmunjom (JSA)"),
        "island": (ISLAND, "triangle-up", 10, "The five northwest islands"),
    }
    for kind in ("city", "jsa", "island"):
        features = groups[kind]
        if not features:
            continue
        colour, symbol, size, label = point_styles[kind]
        names = [
            f["properties"]["name"] + ("*" if f["properties"]["status"] != "published" else "")
            for f in features
        ]
        add(
            go.Scatter(
                x=[f["geometry"]["coordinates"][0] for f in features],
                y=[f["geometry"]["coordinates"][1] for f in features],
                mode=_island_mode(view) if kind == "island" else "markers+text",
                text=names,
                textposition=_text_positions(features),
                textfont={"size": 11, "color": NEUTRALS["text"]},
                marker={
                    "color": colour,
                    "symbol": symbol,
                    "size": size,
                    "line": {"color": NEUTRALS["white"], "width": 1},
                },
                name=label + (" (* approximate)" if any("*" in n for n in names) else ""),
                hovertext=[_hover(f["properties"]) for f in features],
                hovertemplate="%{hovertext}<extra></extra>",
            ),
            "Places",
        )
    fig.add_annotation(
        x=131.6,
        y=34.6,
        xref="x",
        yref="y",
        text="Japan: UNC-Rear,<br>Yokota (east) →",
        showarrow=False,
        xanchor="right",
        align="right",
        font={"size": 11, "color": NEUTRALS["label"]},
        bgcolor=NEUTRALS["white"],
        bordercolor=COAST,
        borderwidth=1,
    )
    (x0, x1), (y0, y1) = VIEWS[view]
    fig.update_xaxes(
        range=[x0, x1],
        visible=False,
        fixedrange=True,
        constrain="domain",
    )
    fig.update_yaxes(
        range=[y0, y1],
        visible=False,
        fixedrange=True,
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(MID_LATITUDE)),
        constrain="domain",
        constraintoward="top",  # a wide view sits under the menus, not in mid-air
    )
    islands = layers.index("Places") + len([k for k in ("city", "jsa") if groups[k]])
    highlight = [["Everything", None], *[[layer, layer] for layer in LAYERS]]
    place_menus(
        fig,
        [
            control(
                [label for label, _ in highlight],
                [[{"opacity": _opacity(layers, chosen)}, {}] for _, chosen in highlight],
                name="Highlight",
                kind="dropdown",
            ),
            control(
                list(VIEWS),
                [
                    [
                        {"mode": [_island_mode(v)]},
                        {"xaxis.range": list(VIEWS[v][0]), "yaxis.range": list(VIEWS[v][1])},
                        [islands],
                    ]
                    for v in VIEWS
                ],
                name="View",
                kind="buttons",
                active=list(VIEWS).index(view),
            ),
        ],
    )
    return fig


def _island_mode(view: str) -> str:
    """Island names only when zoomed in: on the whole peninsula they would overlap."""
    return "markers" if view == "Whole peninsula" else "markers+text"


def _opacity(layers: Sequence[str], chosen: str | None) -> list[float]:
    """One opacity per trace: 1 for the outline and the chosen layer, dimmed for the rest."""
    return [1.0 if chosen is None or layer in (chosen, "Outline") else DIM for layer in layers]


def _text_positions(features: Sequence[Mapping[str, Any]]) -> list[str]:
    """Put labels where they do not collide: islands in the west to the left, others right."""
    positions = {
        "seoul": "bottom right",
        "pyongyang": "middle right",
        "kaesong": "middle left",
        "jsa": "top right",
        "baengnyeong": "middle left",
        "daecheong": "middle left",
        "socheong": "bottom right",
        "yeonpyeong": "bottom center",
        "udo": "bottom right",
    }
    return [positions.get(str(f.get("id")), "top center") for f in features]
