"""The UN Command questions: dependency steps, the forum builder, resolutions side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from kpeace.figures._grid import Section, text_table
from kpeace.figures._style import (
    NEUTRALS,
    OKABE_ITO,
    base_figure,
    control,
    label_rows,
    legend_key,
    place_menus,
    wrap,
)

HIGHLIGHT = OKABE_ITO["orange"]
BEFORE = OKABE_ITO["sky"]
AFTER = OKABE_ITO["green"]
IDLE = NEUTRALS["idle"]
EDGE = OKABE_ITO["grey"]
FADED = NEUTRALS["faded"]
OUTLINE = NEUTRALS["outline"]
NODE_SIZE = 30
NODE_LINE = 1
#: Pixels between a node's centre and its outline's outer edge: where an arrow starts and ends.
NODE_RADIUS = NODE_SIZE / 2 + NODE_LINE / 2


def _arrow(start: tuple[float, float], end: tuple[float, float]) -> dict[str, object]:
    """Return an annotation that draws one dependency arrow from node ``start`` to ``end``.

    Both ends are in data coordinates (the node centres) and ``standoff``/``startstandoff``
    pull them back by the node radius in pixels, so the arrow touches both circles' edges at
    any figure width (the axes stretch with the width, the circles do not).
    """
    return {
        "x": end[0],
        "y": end[1],
        "ax": start[0],
        "ay": start[1],
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "text": "",
        "showarrow": True,
        "arrowhead": 2,
        "arrowsize": 1.2,
        "arrowwidth": 2,
        "arrowcolor": EDGE,
        "standoff": NODE_RADIUS,
        "startstandoff": NODE_RADIUS,
    }


def step_depths(steps: pd.DataFrame) -> dict[str, int]:
    """Return each step's depth: 0 without prerequisites, else 1 + the deepest prerequisite.

    Parameters
    ----------
    steps : pandas.DataFrame
        The ``unc_steps`` table.

    Returns
    -------
    dict
        Step id → depth.

    Raises
    ------
    ValueError
        If the dependencies contain a cycle or name an unknown step.
    """
    deps = {str(r.step_id): tuple(r.depends_on) for r in steps.itertuples()}
    depth: dict[str, int] = {}

    def visit(step: str, trail: tuple[str, ...]) -> int:
        if step in trail:
            raise ValueError(f"circular dependency: {' → '.join((*trail, step))}")
        if step not in deps:
            raise ValueError(f"unknown step {step!r} in depends_on")
        if step not in depth:
            depth[step] = 1 + max((visit(d, (*trail, step)) for d in deps[step]), default=-1)
        return depth[step]

    for step in deps:
        visit(step, ())
    return depth


def ancestors(steps: pd.DataFrame, step_id: str) -> set[str]:
    """Return every step that must come before ``step_id`` (directly or indirectly).

    Parameters
    ----------
    steps : pandas.DataFrame
        The ``unc_steps`` table.
    step_id : str
        A step id.

    Returns
    -------
    set of str
        Prerequisite step ids.
    """
    return _reach({str(r.step_id): tuple(r.depends_on) for r in steps.itertuples()}, step_id)


def descendants(steps: pd.DataFrame, step_id: str) -> set[str]:
    """Return every step that waits for ``step_id`` (directly or indirectly).

    Parameters
    ----------
    steps : pandas.DataFrame
        The ``unc_steps`` table.
    step_id : str
        A step id.

    Returns
    -------
    set of str
        Dependent step ids.
    """
    waiting: dict[str, list[str]] = {}
    for row in steps.itertuples():
        for dep in row.depends_on:
            waiting.setdefault(str(dep), []).append(str(row.step_id))
    return _reach(waiting, step_id)


def _reach(graph: Mapping[str, Sequence[str]], start: str) -> set[str]:
    """Return every node reachable from ``start`` along ``graph``'s edges (not ``start``)."""
    found: set[str] = set()
    todo = list(graph.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo.extend(graph.get(node, ()))
    return found


def steps_figure(steps: pd.DataFrame, names: Mapping[str, str] | None = None) -> go.Figure:
    """Draw the UN Command steps as a dependency diagram, one row per track.

    A menu focuses on one step: what must come before it (blue), the step (vermillion) and
    what waits for it (green). Hover gives who must act, the essay's words and the record.

    Parameters
    ----------
    steps : pandas.DataFrame
        The ``unc_steps`` table.
    names : mapping, optional
        Actor id → short name.

    Returns
    -------
    plotly.graph_objects.Figure
        The step nodes (trace 0) and the legend's keys; each dependency arrow is one of
        the first layout annotations, in the order of the steps' ``depends_on``.
    """
    if steps.empty:
        raise ValueError("the unc_steps table is empty; nothing to draw")
    names = dict(names or {})
    depth = step_depths(steps)
    tracks = [t for t in steps["track"].cat.categories if (steps["track"] == t).any()]
    ypos = {t: len(tracks) - 1 - i for i, t in enumerate(tracks)}
    pos: dict[str, tuple[float, float]] = {}
    slots: dict[tuple[int, str], list[str]] = {}
    for row in steps.itertuples():
        slots.setdefault((depth[str(row.step_id)], row.track), []).append(str(row.step_id))
    for (level, track), members in slots.items():
        for k, step in enumerate(members):
            pos[step] = (level, ypos[track] - 0.08 + 0.4 * (k - (len(members) - 1) / 2))
    edges = [(str(d), str(r.step_id)) for r in steps.itertuples() for d in r.depends_on]
    described = []
    for row in steps.sort_values(["step_id"]).itertuples():
        actors = ", ".join(names.get(a, a) for a in row.must_act) or "—"
        before = ", ".join(row.depends_on) or "nothing"
        described.append(
            f"{row.step_id} ({row.track}): {row.step}; who acts: {actors}; after: {before}"
        )
    alt = (
        f"Dependency diagram of {len(steps)} steps in {len(tracks)} tracks "
        f"({', '.join(tracks)}), from essay paragraphs 7 to 9. " + ". ".join(described) + "."
    )
    fig = base_figure("Ending the UN Command's role: steps", alt, height=580)
    for start, end in edges:
        fig.add_annotation(_arrow(pos[start], pos[end]))
    order = [str(s) for s in steps["step_id"]]
    hover = []
    for row in steps.itertuples():
        actors = ", ".join(names.get(a, a) for a in row.must_act) or "—"
        text = (
            f"<b>{row.step_id}: {wrap(row.step, 44)}</b><br>Who must act: {actors}<br>"
            f"Essay ¶{row.paragraph}: “{wrap(row.quote, 44)}”"
        )
        if isinstance(row.record_note, str):
            text += f"<br><br><i>Record: {wrap(row.record_note, 52)}</i>"
        hover.append(text)
    fig.add_trace(
        go.Scatter(
            x=[pos[s][0] for s in order],
            y=[pos[s][1] for s in order],
            mode="markers+text",
            text=[f"{s}" for s in order],
            textposition="middle center",
            textfont={"color": OKABE_ITO["black"], "size": 11},
            marker={
                "size": NODE_SIZE,
                "color": [IDLE] * len(order),
                "symbol": "circle",
                "line": {"width": NODE_LINE, "color": OUTLINE},
            },
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    )
    for label, colour, symbol in (
        ("Must come first", BEFORE, "circle"),
        ("Chosen step", HIGHLIGHT, "circle"),
        ("Waits for it", AFTER, "circle"),
    ):
        fig.add_trace(legend_key(label, color=colour, size=12, symbol=symbol))
    labels = ["All steps"] + [f"{r.step_id}: {r.step}" for r in steps.itertuples()]
    args = [_focus_args(steps, edges, order, None)] + [
        _focus_args(steps, edges, order, s) for s in order
    ]
    fig.update_xaxes(visible=False, range=[-0.5, max(depth.values()) + 0.5], fixedrange=True)
    label_rows(fig, {str(track): y for track, y in ypos.items()})
    place_menus(
        fig,
        [
            control(
                [_short(x) for x in labels],
                args,
                name="Focus on a step",
                kind="dropdown",
            )
        ],
    )
    return fig


def _short(text: str, limit: int = 42) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _focus_args(
    steps: pd.DataFrame, edges: Sequence[tuple[str, str]], order: Sequence[str], focus: str | None
) -> list:
    """Return plotly ``update`` arguments that colour the diagram around one step.

    The nodes are trace 0; the arrows are the first ``len(edges)`` layout annotations.
    """
    if focus is None:
        node_colours = [IDLE] * len(order)
        edge_colours = [EDGE] * len(edges)
    else:
        before, after = ancestors(steps, focus), descendants(steps, focus)
        node_colours = [
            HIGHLIGHT if s == focus else BEFORE if s in before else AFTER if s in after else FADED
            for s in order
        ]
        edge_colours = [
            BEFORE
            if start in before and end in before | {focus}
            else AFTER
            if start in after | {focus} and end in after
            else FADED
            for start, end in edges
        ]
    arrows: dict[str, object] = {}
    for i, colour in enumerate(edge_colours):
        # Faded arrows go thin and translucent, so they never hide a coloured arrowhead.
        arrows[f"annotations[{i}].arrowcolor"] = colour
        arrows[f"annotations[{i}].arrowwidth"] = 1 if colour == FADED else 2
        arrows[f"annotations[{i}].opacity"] = 0.6 if colour == FADED else 1
    return [{"marker.color": [node_colours]}, arrows, [0]]


FORUM_ACTORS = ("US", "PRC", "ROK", "DPRK", "JPN", "RUS", "UNC", "KPA", "CPV")


def forum_actors(
    forums: Mapping[str, Sequence[str]], presets: Mapping[str, Sequence[str]]
) -> list[str]:
    """Return the actors the forum grid shows, top row first.

    Parameters
    ----------
    forums, presets : mapping
        Reference groups and presets (label → actor ids).

    Returns
    -------
    list of str
        Actor ids: the usual nine first, then any others named.
    """
    named = [a for group in (*forums.values(), *presets.values()) for a in group]
    return list(dict.fromkeys([*FORUM_ACTORS, *named]))


def forum_figure(
    forums: Mapping[str, Sequence[str]],
    presets: Mapping[str, Sequence[str]],
    names: Mapping[str, str] | None = None,
    chosen: str | None = None,
) -> go.Figure:
    """Compare a peace forum's parties with reference groups (armistice signatories, …).

    Columns are the reference groups and "Your forum"; rows are actors; a mark means the actor
    is in the group. A menu picks the composition of "Your forum" from the presets.

    Parameters
    ----------
    forums : mapping
        Reference group label → actor ids (e.g. the armistice signatories).
    presets : mapping
        Choices for "Your forum": label → actor ids.
    names : mapping, optional
        Actor id → short name.
    chosen : str, optional
        The preset shown first (default: the first).

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per reference group and one for "Your forum" (the last).
    """
    names = dict(names or {})
    if not presets:
        raise ValueError("at least one preset forum is needed")
    chosen = chosen or next(iter(presets))
    if chosen not in presets:
        raise ValueError(f"chosen must be one of {', '.join(presets)}; got {chosen!r}")
    actors = forum_actors(forums, presets)
    row = {a: len(actors) - 1 - i for i, a in enumerate(actors)}
    columns = [*forums, "Your forum"]
    alt = (
        "Grid comparing who takes part in each group: "
        + "; ".join(
            f"{label}: {', '.join(names.get(a, a) for a in members)}"
            for label, members in forums.items()
        )
        + f". The last column, 'Your forum', shows the chosen composition ({chosen}: "
        + ", ".join(names.get(a, a) for a in presets[chosen])
        + "). Menu choices: "
        + "; ".join(presets)
        + "."
    )
    fig = base_figure("Who sits at the peace table?", alt, height=540)
    fig.update_layout(margin={"b": 70})
    symbols = ["square", "diamond", "triangle-up", "circle", "star"]
    colours = [OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["green"], OKABE_ITO["purple"]]
    for i, (label, members) in enumerate(forums.items()):
        fig.add_trace(
            go.Scatter(
                x=[i] * len(members),
                y=[row[a] for a in members],
                mode="markers",
                name=label,
                marker={
                    "symbol": symbols[i % len(symbols)],
                    "size": 15,
                    "color": colours[i % len(colours)],
                },
                hovertemplate=f"{label}: %{{text}}<extra></extra>",
                text=[names.get(a, a) for a in members],
                showlegend=False,
            )
        )
    mine = presets[chosen]
    fig.add_trace(
        go.Scatter(
            x=[len(forums)] * len(mine),
            y=[row[a] for a in mine],
            mode="markers",
            name="Your forum",
            marker={"symbol": "star", "size": 18, "color": OKABE_ITO["vermillion"]},
            text=[names.get(a, a) for a in mine],
            hovertemplate="Your forum: %{text}<extra></extra>",
            showlegend=False,
        )
    )
    last = len(fig.data) - 1
    args = [
        [
            {
                "x": [[len(forums)] * len(m)],
                "y": [[row[a] for a in m]],
                "text": [[names.get(a, a) for a in m]],
            },
            {},
            [last],
        ]
        for m in presets.values()
    ]
    fig.update_xaxes(
        tickvals=list(range(len(columns))),
        ticktext=[wrap(c, 10) for c in columns],
        side="bottom",
        tickangle=0,
        range=[-0.5, len(columns) - 0.5],
        showgrid=True,
        gridcolor=NEUTRALS["grid"],
        fixedrange=True,
    )
    fig.update_yaxes(
        tickvals=list(row.values()),
        ticktext=[names.get(a, a) for a in row],
        fixedrange=True,
        range=[-0.6, len(actors) - 0.4],
        showgrid=True,
        gridcolor=NEUTRALS["grid"],
        automargin=True,
    )
    place_menus(
        fig,
        [
            control(
                list(presets),
                args,
                name="Your forum",
                kind="dropdown",
                active=list(presets).index(chosen),
            )
        ],
    )
    return fig


RESOLUTION_ROWS = {
    "Overview": ("Adopted", "Vote"),
    "Key words": ("Key words",),
    "What it did": ("What it did",),
}


def resolutions_figure(documents: pd.DataFrame, ids: Sequence[str]) -> go.Figure:
    """Security Council resolutions side by side, as a table with a menu of aspects.

    The table is drawn with shapes and text (:mod:`kpeace.figures._grid`), so the basic
    plotly.js bundle draws it.

    Parameters
    ----------
    documents : pandas.DataFrame
        The ``documents`` table.
    ids : sequence of str
        Document ids to compare, in order (e.g. the 1950 resolutions).

    Returns
    -------
    plotly.graph_objects.Figure
        One text trace and the cells as shapes; the menu switches between the overview, the key
        words and what each did.
    """
    docs = documents.set_index("document_id")
    missing = [i for i in ids if i not in docs.index]
    if missing:
        raise ValueError(f"unknown document id(s): {', '.join(missing)}")
    rows = docs.loc[list(ids)]
    values = {
        "Adopted": [d.strftime("%-d %B %Y") for d in rows["date_signed"]],
        "Vote": rows["vote"].fillna("—").tolist(),
        "Key words": rows["key_text"].fillna("—").tolist(),
        "What it did": rows["summary"].tolist(),
    }
    heads = rows["short_title"].tolist()
    alt = (
        "Table comparing "
        + ", ".join(heads)
        + ". "
        + " ".join(
            f"{head}: adopted {values['Adopted'][i]}, vote {values['Vote'][i]}. "
            f"What it did: {values['What it did'][i]}"
            for i, head in enumerate(heads)
        )
    )
    fig = base_figure("Resolutions 82, 83 and 84 (1950)", alt)
    views = {
        aspect: [Section(label, [wrap(text, 15) for text in values[label]]) for label in labels]
        for aspect, labels in RESOLUTION_ROWS.items()
    }
    return text_table(fig, heads, views, menu="Compare", kind="buttons")
