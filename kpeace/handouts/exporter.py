"""nbconvert exporter for offline, self-contained HTML handouts.

Use it from Python (:class:`HandoutExporter`), through ``kpeace handouts``, or as
``jupyter nbconvert --to kpeace_handout`` (``--to kpeace_handout_teacher`` for the teacher
edition). It extends nbconvert's ``lab`` template and

* drops every CDN script (require.js, MathJax, mermaid, the widget manager);
* turns plotly outputs into static divs and inlines plotly.js once: the smallest official
  bundle that draws every trace type on the page (see :mod:`kpeace.handouts.plotly`), or a
  reference to that bundle's shared file with ``shared_assets``; each figure's template keeps
  only the defaults of the trace types it has;
* keeps only the lab template's styles the page can use (see :mod:`.unused_css`), and turns
  the cards' recurring inline styles into classes (see :mod:`.style_classes`);
* replaces any widget output with a note instead of an empty box;
* renders each markdown cell whole (a ``<details>`` keeps the markdown inside it), sanitised
  as JupyterLab does, and refuses a markdown cell that loads anything from the internet;
* student edition: no code input, no cells tagged ``teacher``, every answer closed; teacher
  edition: code and teacher notes shown, every answer (``details.kp-answer`` and every markdown
  ``<details>``) open.

Executing through ``jupyter nbconvert --execute`` sets ``KPEACE_DISPLAY=static`` for the kernel,
so the notebook's views render their static twins.
"""

from __future__ import annotations

import os
import re
from importlib.resources import files
from typing import Any

import nbformat
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import ExecutePreprocessor, Preprocessor, TagRemovePreprocessor
from traitlets import Bool, Unicode, default

from kpeace.handouts import assets, markdown, shared_figures, style_classes, unused_css
from kpeace.handouts import plotly as bundles
from kpeace.handouts.fonts import font_face
from kpeace.handouts.validity import escape_controls, valid_css

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
UNKNOWN = "(a figure whose traces could not be read)"  # only the full bundle draws it
REMOTE_SCRIPT = re.compile(r"<script[^>]*\bsrc=[\"']?https?://[^>]*>\s*</script>", re.I)
WIDGET_NOTE = (
    '<p class="kp-note">This view is interactive in JupyterLab; open the notebook there to use '
    "it.</p>"
)
TEMPLATES = str(files("kpeace.handouts") / "templates")


def plotly_js() -> str:
    """Return the full plotly.js bundle that plotly.py ships (used offline, never fetched).

    Returns
    -------
    str
        The minified library.
    """
    return bundles.full().source()


def plotly_js_name() -> str:
    """Return the file name used for a shared full plotly.js (``plotly-<version>.min.js``).

    Returns
    -------
    str
        The file name.
    """
    return bundles.full().file_name


class StaticExecutePreprocessor(ExecutePreprocessor):
    """``--execute`` for handouts: the kernel renders every view as its static twin."""

    def preprocess(self, nb: nbformat.NotebookNode, resources: Any = None, km: Any = None) -> Any:
        """Execute with ``KPEACE_DISPLAY=static`` for the kernel (restored afterwards).

        Parameters
        ----------
        nb : nbformat.NotebookNode
            The notebook.
        resources : dict, optional
            nbconvert resources.
        km : KernelManager, optional
            A kernel manager to use.

        Returns
        -------
        tuple
            The executed notebook and resources.
        """
        before = os.environ.get("KPEACE_DISPLAY")
        os.environ["KPEACE_DISPLAY"] = "static"
        try:
            return super().preprocess(nb, resources, km)
        finally:
            if before is None:
                os.environ.pop("KPEACE_DISPLAY", None)
            else:
                os.environ["KPEACE_DISPLAY"] = before


class HandoutPreprocessor(Preprocessor):
    """Make outputs kernel-free: plotly → static div, widgets → note, no remote scripts."""

    teacher = Bool(False, help="Open every answer (teacher edition).").tag(config=True)
    shared_assets = Bool(False, help="Reference a shared plotly.js instead of inlining it.").tag(
        config=True
    )

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict[str, Any]) -> tuple:
        """Convert every output, and record whether plotly.js is needed.

        Parameters
        ----------
        nb : nbformat.NotebookNode
            The (executed) notebook.
        resources : dict
            nbconvert resources; ``resources["kpeace"]`` gets ``needs_plotly`` and the
            plotly.js to inline (``plotly_inline``) or reference (``plotly_src``): the smallest
            bundle that draws every trace type of the page (``plotly_bundle``, a
            :class:`kpeace.handouts.plotly.Bundle`); with ``shared_assets``, ``figures``: the
            figure files the page loads (name → text, see :mod:`.shared_figures`).

        Returns
        -------
        tuple
            The notebook and resources.
        """
        needs = False
        self._types: set[str] = set()
        self._figures: dict[str, str] = {}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            kept = []
            for output in cell.get("outputs", []):
                output = self._convert(output)
                if output is None:
                    continue
                html = output.get("data", {}).get("text/html", "")
                needs = needs or "plotly-graph-div" in html
                kept.append(output)
            cell.outputs = kept
        nb.metadata.pop("widgets", None)
        bundle = bundles.choose(self._types) if needs else None
        resources.setdefault("kpeace", {}).update(
            needs_plotly=needs,
            plotly_bundle=bundle,
            plotly_inline=escape_controls(bundle.source())
            if bundle and not self.shared_assets
            else "",
            plotly_src=bundle.file_name if bundle and self.shared_assets else "",
            figures=self._figures,
        )
        return nb, resources

    def _convert(self, output: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            return None
        data = output.get("data")
        if data is None:
            return output
        if PLOTLY_MIME in data:
            import plotly.io as pio

            fig = pio.from_json(_json(data[PLOTLY_MIME]), skip_invalid=True)
            data["text/html"] = pio.to_html(
                fig,
                include_plotlyjs=False,
                full_html=False,
                validate=False,
                config={"responsive": True, "displaylogo": False, "displayModeBar": False},
            )
            del data[PLOTLY_MIME]
        if WIDGET_MIME in data:
            del data[WIDGET_MIME]
            if "text/html" not in data:
                data["text/html"] = WIDGET_NOTE
                data.pop("text/plain", None)
        html = data.get("text/html")
        if html is not None:
            html = "".join(html) if isinstance(html, list) else html
            if "* plotly.js v" in html:  # the notebook renderer's global plotly.js: not needed
                return None
            html = REMOTE_SCRIPT.sub("", html)
            html, used = bundles.figures_in(html)
            self._types |= used if used is not None else {UNKNOWN}
            if self.shared_assets:
                html, written = shared_figures.share(html, assets.MARK)
                self._figures.update(written)
            if self.teacher:
                html = html.replace('<details class="kp-answer"', '<details class="kp-answer" open')
            data["text/html"] = html
        return output


def _json(value: Any) -> str:
    import json

    return value if isinstance(value, str) else json.dumps(value)


class HandoutExporter(HTMLExporter):
    """HTML handout, student edition: offline, self-contained, no code, no teacher notes."""

    export_from_notebook = "kpeace handout (student)"
    edition = Unicode("student", help="student or teacher").tag(config=True)
    shared_assets = Bool(
        False,
        help="Link plotly.js, the stylesheet, the print script and the Korean font as files "
        "beside the handout (kpeace.handouts.assets) instead of inlining them.",
    ).tag(config=True)

    @default("template_name")
    def _template_name_default(self) -> str:
        return "kpeace_handout"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [TEMPLATES]

    @default("default_preprocessors")
    def _default_preprocessors_default(self) -> list[Any]:
        stock = "nbconvert.preprocessors.ExecutePreprocessor"
        return [
            StaticExecutePreprocessor if p == stock else p
            for p in HTMLExporter().default_preprocessors
        ]

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    @default("embed_images")
    def _embed_images_default(self) -> bool:
        return True

    def default_filters(self) -> Any:
        """Yield nbconvert's filters and ``kp_valid_css`` (see :mod:`.validity`)."""
        yield from super().default_filters()
        yield ("kp_valid_css", valid_css)

    @pass_context
    def markdown2html(self, context: Any, source: str) -> str:
        """Render a markdown cell whole, offline and sanitised (see :mod:`.markdown`).

        Parameters
        ----------
        context : jinja2 context
            The template context (the cell, the resources).
        source : str
            The cell's markdown.

        Returns
        -------
        str
            HTML.
        """
        cell = context.get("cell", {})
        return markdown.render(
            source,
            teacher=self.teacher,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            attachments=cell.get("attachments", {}),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options,
        )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # registered last: runs after ``--execute`` (nbconvert's chain), on the outputs it made
        self._handout = HandoutPreprocessor(parent=self)
        self.register_preprocessor(self._handout, enabled=True)
        self._teacher_cells = TagRemovePreprocessor(parent=self, remove_cell_tags={"teacher"})

    @property
    def teacher(self) -> bool:
        """Whether this is the teacher edition."""
        return self.edition == "teacher"

    def from_notebook_node(
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        """Export a notebook (executed in static mode) as a handout.

        Parameters
        ----------
        nb : nbformat.NotebookNode
            The notebook.
        resources : dict, optional
            nbconvert resources.
        **kw
            Passed to nbconvert.

        Returns
        -------
        tuple
            The HTML and the resources.
        """
        import copy

        from kpeace import __version__, data

        if self.edition not in ("student", "teacher"):
            raise ValueError(f"edition must be 'student' or 'teacher', not {self.edition!r}")
        nb = copy.deepcopy(nb)
        resources = dict(resources or {})
        markdown.check_offline(nb.cells)
        self.exclude_input = not self.teacher
        self._handout.teacher = self.teacher
        self._handout.shared_assets = self.shared_assets
        if not self.teacher:
            self._teacher_cells.enabled = True
            nb, resources = self._teacher_cells.preprocess(nb, resources)
        essay = data.essay()
        info = resources.setdefault("kpeace", {})
        info.update(
            edition=self.edition,
            edition_label="Teacher edition" if self.teacher else "Student edition",
            css="" if self.shared_assets else assets.stylesheet(),
            print_js="" if self.shared_assets else assets.print_script(),
            css_href=assets.STYLESHEET if self.shared_assets else "",
            print_src=assets.PRINT_SCRIPT if self.shared_assets else "",
            attribution=essay.attribution,
            rights=essay.rights,
            version=__version__,
        )
        body, resources = super().from_notebook_node(nb, resources, **kw)
        body = _gather_highlight_css(body, resources.get("inlining", {}).get("css", []))
        body, sheets = _place_lab_css(_prune_lab_css(body), self.shared_assets)
        resources["kpeace"]["shared"] = {**sheets, **resources["kpeace"].get("figures", {})}
        body = style_classes.apply(body)
        # pages with Korean carry the font, or link the shared one (no system font needed)
        face = font_face(body, href=assets.FONT if self.shared_assets else None)
        if face:
            body = body.replace("</head>", f"<style>{face}</style>\n</head>", 1)
        return body, resources


LAB_CSS = re.compile(r"<!--kp-lab-css-->(.*?)<!--/kp-lab-css-->", re.S)
STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S | re.I)


def _gather_highlight_css(page: str, sheets: list[str]) -> str:
    """Move the code-highlighting styles (nbconvert's pygments CSS) in with the lab styles.

    They come just before the lab styles, so the cascade keeps its order; there they are
    pruned like the rest (a student page shows no code) and, with ``--shared-assets``, linked
    with them.
    """
    found = LAB_CSS.search(page)
    if not found:
        return page
    moved = []
    for css in sheets:
        block = re.compile(r'<style type="text/css">\s*' + re.escape(css) + r"\s*</style>\s*")
        hit = block.search(page, 0, found.start())
        if hit is None:
            continue
        moved.append(f'<style type="text/css">{css}</style>')
        page = page[: hit.start()] + page[hit.end() :]
        found = LAB_CSS.search(page)
    start = found.start() + len("<!--kp-lab-css-->")
    return page[:start] + "".join(moved) + page[start:]


def _prune_lab_css(page: str) -> str:
    """Drop from the lab template's styles what the page cannot use (see :mod:`.unused_css`)."""
    found = LAB_CSS.search(page)
    if not found:
        return page
    rest = page[: found.start()] + page[found.end() :]
    styles = STYLE.findall(found.group(1))
    pruned = unused_css.prune([css for _, css, _ in styles], rest)
    kept = "".join(
        f"{start}{css}{end}" for (start, _, end), css in zip(styles, pruned, strict=True) if css
    )
    return (
        page[: found.start()] + f"<!--kp-lab-css-->{kept}<!--/kp-lab-css-->" + page[found.end() :]
    )


def _place_lab_css(page: str, shared: bool) -> tuple[str, dict[str, str]]:
    """Leave the lab styles inline, or (shared) link them as a file named by its content.

    Pages whose pruned lab styles are the same (every student page of a series, every teacher
    page) link the same file, so a folder of handouts carries each variant once.

    Returns
    -------
    tuple
        The page, and the stylesheet to write beside it (file name → CSS; empty if inline).
    """
    found = LAB_CSS.search(page)
    if not found:
        return page, {}
    styles = STYLE.findall(found.group(1))
    plain = all("media" not in start.lower() for start, _, _ in styles)
    if not (shared and styles and plain):
        return page[: found.start()] + found.group(1) + page[found.end() :], {}
    css = "\n".join(css for _, css, _ in styles)
    name = assets.lab_stylesheet_name(css)
    link = f'<link rel="stylesheet" href="{name}">'
    return page[: found.start()] + link + page[found.end() :], {name: assets.MARK + css}


class TeacherHandoutExporter(HandoutExporter):
    """HTML handout, teacher edition: code and teacher notes shown, answers open."""

    export_from_notebook = "kpeace handout (teacher)"

    @default("edition")
    def _edition_default(self) -> str:
        return "teacher"
