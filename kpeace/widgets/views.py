"""The two renderings of every interactive view: live ipywidgets and static twins.

* :class:`FigureExplorer` — ipywidgets controls over a ``FigureWidget``. Its controls are built
  from the figure's own plotly menus and apply the very same ``update`` arguments, so the live
  explorer and the handout offer the same choices.
* :class:`ChoiceExplorer` — a menu that shows one HTML card at a time.
* :class:`StaticView` — what a handout shows instead: the plotly figure with its own menus, the
  text alternative, and every card inside ``<details>``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go
import plotly.io as pio

from kpeace.figures import alt_text
from kpeace.widgets._html import SMALL, details, esc

Detail = Callable[[Mapping[str, str]], str]
_ids = itertools.count(1)
PLOTLY_CONFIG = {"responsive": True, "displaylogo": False, "displayModeBar": False}
LIVE_TOP_MARGIN = 56  # room for the title; the live controls sit above the figure


class StaticView:
    """A kernel-free view: HTML (with plotly divs) for handouts, plain text for terminals.

    Parameters
    ----------
    html : str
        The HTML to show.
    text : str
        A plain-text stand-in (the text alternative).
    """

    def __init__(self, html: str, text: str) -> None:
        self.html = html
        self.text = text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        del include, exclude
        return {"text/html": self.html, "text/plain": self.text}

    def __repr__(self) -> str:
        """Return the plain-text stand-in."""
        return self.text


def _alt_block(fig: go.Figure) -> str:
    return details("Text description of the figure", f"<p>{esc(alt_text(fig))}</p>", cls="kp-alt")


def _menus(fig: go.Figure) -> list[Any]:
    return list(fig.layout.updatemenus or ())


def _selection(fig: go.Figure) -> dict[str, str]:
    return {menu.name: menu.buttons[menu.active or 0].label for menu in _menus(fig)}


def static_figure(
    fig: go.Figure, *, detail: Detail | None = None, intro: str = "", detail_title: str = ""
) -> StaticView:
    """Render a figure as its static twin: the figure with its own menus, then the details.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A kpeace figure (with a text alternative).
    detail : callable, optional
        Selection (menu name → label) → HTML card. The twin shows the card for every choice of
        the first menu, each inside ``<details>``.
    intro : str, optional
        HTML shown above the figure.
    detail_title : str, optional
        A line above the cards.

    Returns
    -------
    StaticView
        The view.
    """
    div = pio.to_html(
        fig,
        include_plotlyjs=False,
        full_html=False,
        config=PLOTLY_CONFIG,
        div_id=f"kp-figure-{next(_ids)}",
        default_width="100%",
        validate=False,
    )
    hint = (
        (
            f'<p class="kp-hint" style="{SMALL}">Use the menus above the figure to change it; '
            "hover over a mark for details.</p>"
        )
        if _menus(fig)
        else ""
    )
    parts = [
        intro,
        f'<figure class="kp-figure" style="margin:0">{div}'
        f"<figcaption>{hint}{_alt_block(fig)}</figcaption></figure>",
    ]
    if detail is not None and _menus(fig):
        first = _menus(fig)[0]
        base = _selection(fig)
        if detail_title:
            parts.append(f"<p><strong>{esc(detail_title)}</strong></p>")
        for button in first.buttons:
            card = detail({**base, first.name: button.label})
            if card and "kp-empty" not in card:
                parts.append(details(button.label, card))
    return StaticView("".join(parts), alt_text(fig))


def _figure_widget_class() -> type[go.FigureWidget]:
    """Return the ``FigureWidget`` class live explorers draw with (imported on first use).

    It is plotly's ``FigureWidget`` with its JavaScript held as ASCII text, ~5 MB less in every
    learner's kernel (see :mod:`kpeace.widgets._figurewidget`). ``plotly.basewidget`` (which
    imports plotly's renderers and with them nbformat and jsonschema) is imported here, as a
    plain module, before that module: in a fresh Jupyter kernel this costs ~0.4 s less CPU
    than leaving it to ``go.FigureWidget``'s lazy attribute lookup, and ~0.9 s less than
    leaving it to the import of ``kpeace.widgets._figurewidget`` (measured per notebook; the
    time goes into building jsonschema's IRI grammar either way, so the cause is not ours).
    """
    import plotly.basewidget  # noqa: F401  (see above)

    from kpeace.widgets._figurewidget import FigureWidget

    return FigureWidget


def live_spec(fig: go.Figure) -> dict[str, Any]:
    """Return a figure as the live explorer draws it, as plain plotly JSON (a fresh copy).

    The explorer's ipywidgets controls replace the figure's own menus, so the top margin only
    needs room for the title; the menus stay in ``layout.updatemenus`` for the caller to take.
    The template keeps its layout defaults and, of its per-trace-type defaults, those of the
    trace types the figure draws: the others change nothing on screen, yet building them
    would cost every learner's kernel time and memory.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A kpeace figure.

    Returns
    -------
    dict
        ``data`` and ``layout``, ready for ``go.FigureWidget``.
    """
    spec = fig.to_dict()
    layout = spec.setdefault("layout", {})
    layout.setdefault("margin", {})["t"] = LIVE_TOP_MARGIN
    template = layout.get("template")
    if isinstance(template, dict) and isinstance(template.get("data"), dict):
        drawn = {trace.get("type", "scatter") for trace in spec.get("data", [])}
        template["data"] = {kind: v for kind, v in template["data"].items() if kind in drawn}
    return spec


class FigureExplorer(widgets.VBox):
    """A live explorer: ipywidgets controls driving a ``FigureWidget`` in place.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A kpeace figure whose plotly menus define the choices.
    detail : callable, optional
        Selection (menu name → label) → HTML card shown under the figure.
    intro : str, optional
        HTML shown above the controls.

    Attributes
    ----------
    controls : dict
        Menu name → ipywidgets control (set ``.value`` to a label to change the figure).
    figure_widget : plotly.graph_objects.FigureWidget
        The figure, updated in place.
    detail : ipywidgets.HTML
        The card for the current selection.
    """

    def __init__(self, fig: go.Figure, *, detail: Detail | None = None, intro: str = "") -> None:
        spec = live_spec(fig)
        self._menus: list[dict[str, Any]] = spec["layout"].pop("updatemenus", [])
        self._detail_fn = detail
        self.figure_widget = _figure_widget_class()(spec)
        self.controls: dict[str, widgets.ValueWidget] = {}
        rows: list[widgets.Widget] = []
        for menu in self._menus:
            labels = [b["label"] for b in menu["buttons"]]
            value = labels[menu.get("active") or 0]
            if menu.get("type") == "buttons" and sum(len(label) for label in labels) < 60:
                control: widgets.ValueWidget = widgets.ToggleButtons(
                    options=labels,
                    value=value,
                    description=menu["name"],
                    style={"description_width": "initial", "button_width": "auto"},
                )
            else:
                control = widgets.Dropdown(
                    options=labels,
                    value=value,
                    description=menu["name"],
                    style={"description_width": "initial"},
                    layout=widgets.Layout(width="max-content", max_width="100%"),
                )
            control.observe(self._changed, names="value")
            self.controls[menu["name"]] = control
            rows.append(control)
        self.detail = widgets.HTML(self._card())
        alt = widgets.HTML(_alt_block(fig))
        intro_widget = [widgets.HTML(intro)] if intro else []
        super().__init__(
            [*intro_widget, *rows, self.figure_widget, self.detail, alt],
            layout=widgets.Layout(width="100%"),
        )

    def selection(self) -> dict[str, str]:
        """Return the current choice of every control.

        Returns
        -------
        dict
            Menu name → chosen label.
        """
        return {name: str(control.value) for name, control in self.controls.items()}

    def _card(self) -> str:
        return self._detail_fn(self.selection()) if self._detail_fn else ""

    def _changed(self, change: Mapping[str, Any]) -> None:
        owner = change["owner"]
        name = next(n for n, c in self.controls.items() if c is owner)
        menu = next(m for m in self._menus if m["name"] == name)
        button = next((b for b in menu["buttons"] if b["label"] == change["new"]), None)
        if button is None:  # not one of the labels; ipywidgets rejects it before we get here
            return
        args = list(button["args"])
        data = args[0] if args else None
        layout = args[1] if len(args) > 1 else None
        traces = args[2] if len(args) > 2 else None
        with self.figure_widget.batch_update():
            self.figure_widget.plotly_update(
                restyle_data=data or None, relayout_data=layout or None, trace_indexes=traces
            )
        self.detail.value = self._card()


class ChoiceExplorer(widgets.VBox):
    """Pick one option from a menu and see its card.

    Parameters
    ----------
    options : mapping
        Menu label → key passed to ``card``.
    card : callable
        Key → HTML.
    description : str
        The menu's label.
    intro : str, optional
        HTML above the menu.
    """

    def __init__(
        self,
        options: Mapping[str, Any],
        card: Callable[[Any], str],
        *,
        description: str,
        intro: str = "",
    ) -> None:
        if not options:
            raise ValueError("a ChoiceExplorer needs at least one option")
        self._options = dict(options)
        self._card = card
        self.control = widgets.Dropdown(
            options=list(self._options),
            description=description,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="max-content", max_width="100%"),
        )
        self.card = widgets.HTML(card(next(iter(self._options.values()))))
        self.control.observe(self._changed, names="value")
        intro_widget = [widgets.HTML(intro)] if intro else []
        super().__init__([*intro_widget, self.control, self.card])

    def _changed(self, change: Mapping[str, Any]) -> None:
        self.card.value = self._card(self._options[change["new"]])


def static_choices(
    options: Mapping[str, Any],
    card: Callable[[Any], str],
    *,
    intro: str = "",
    open_first: bool = True,
) -> StaticView:
    """Render the static twin of :class:`ChoiceExplorer`: every card inside ``<details>``.

    Parameters
    ----------
    options : mapping
        Label → key.
    card : callable
        Key → HTML.
    intro : str, optional
        HTML above the list.
    open_first : bool, optional
        Open the first card.

    Returns
    -------
    StaticView
        The view.
    """
    blocks = [
        details(label, card(key), open_=open_first and i == 0)
        for i, (label, key) in enumerate(options.items())
    ]
    return StaticView(intro + "".join(blocks), f"{len(blocks)} items: " + "; ".join(options))


def letters(count: int) -> Sequence[str]:
    """Return choice letters ``a``, ``b``, … for ``count`` choices.

    Parameters
    ----------
    count : int
        Number of choices.

    Returns
    -------
    sequence of str
        Letters.
    """
    return [chr(ord("a") + i) for i in range(count)]
