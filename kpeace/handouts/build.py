"""Build the handouts: execute each notebook once (static mode), export both editions, index.

Only files this module owns are written inside the output folder (handouts, ``index.html``, the
fact sheet and teacher guide pages, the shared plotly.js, and ``.kpeace-handouts.json``, which
remembers what the index lists so that rebuilding one notebook keeps the others listed);
nothing there is ever deleted, and a file of the same name that kpeace did not
write is left alone and reported.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import nbformat

from kpeace._files import write_whole
from kpeace.handouts import assets
from kpeace.handouts import plotly as plotlyjs
from kpeace.handouts.exporter import HandoutExporter
from kpeace.handouts.fonts import font_face

EDITIONS = ("student", "teacher")
GUIDE = "TEACHER_GUIDE.md"
CATALOGUE = ".kpeace-handouts.json"  # what the index lists, kept across partial rebuilds
GENERATOR = '<meta name="generator" content="kpeace handouts">'
GENERATOR_CONTENT = "kpeace handouts"


class BuildInterrupted(Exception):
    """The build was stopped (Ctrl-C): no further kernel, cell or file."""


class Stop:
    """A build's stop switch, shared by its worker threads.

    Once :meth:`stop` is called, no kernel starts, no further cell runs and no file is written;
    the kernels running at that moment are killed (with their process group).
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._kernels: set[int] = set()

    @property
    def stopped(self) -> bool:
        """Whether the build was stopped."""
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`BuildInterrupted` if the build was stopped.

        Raises
        ------
        BuildInterrupted
            If :meth:`stop` was called.
        """
        if self._event.is_set():
            raise BuildInterrupted("interrupted")

    def kernel_started(self, pid: int | None) -> None:
        """Register a running kernel; refuse it if the build was already stopped.

        The refusal aborts the execution before its first cell, and nbclient shuts the kernel
        down.

        Parameters
        ----------
        pid : int or None
            The kernel's process id (None if unknown).

        Raises
        ------
        BuildInterrupted
            If :meth:`stop` was called.
        """
        with self._lock:
            if pid is not None:
                self._kernels.add(pid)
            if self._event.is_set():
                raise BuildInterrupted("interrupted")

    def kernel_finished(self, pid: int | None) -> None:
        """Forget a kernel that has been shut down.

        Parameters
        ----------
        pid : int or None
            The kernel's process id.
        """
        with self._lock:
            self._kernels.discard(pid)  # type: ignore[arg-type]

    def stop(self) -> None:
        """Stop the build: kill every running kernel and refuse any further work."""
        with self._lock:
            self._event.set()
            for pid in self._kernels:
                _kill(pid)


def _kill(pid: int) -> None:
    """Kill a kernel and, where it leads its own process group (POSIX), everything it started."""
    sig = getattr(signal, "SIGKILL", signal.SIGTERM)
    try:
        if hasattr(os, "killpg") and os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass  # already gone


@dataclass
class NotebookInfo:
    """What the index shows about a notebook."""

    stem: str
    title: str
    minutes: int | None
    objectives: list[str]


@dataclass
class BuildResult:
    """The outcome for one notebook."""

    notebook: Path
    info: NotebookInfo | None = None
    files: list[Path] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    skipped: list[Path] = field(default_factory=list)
    bundles: set[plotlyjs.Bundle] = field(default_factory=set)  # plotly.js the handouts need
    shared: dict[str, str] = field(default_factory=dict)  # shared lab CSS and figures they link
    removed: list[Path] = field(default_factory=list)  # kpeace's own files no page links now


def describe_notebook(nb: nbformat.NotebookNode, stem: str) -> NotebookInfo:
    """Read a notebook's title, estimated time and learning objectives.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook.
    stem : str
        Its file name without extension (fallback title).

    Returns
    -------
    NotebookInfo
        What the index shows.
    """
    title, minutes, objectives = stem, None, []
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for source in markdown:
        heading = re.search(r"^#\s+(.+)$", source, re.M)
        if heading:
            title = heading.group(1).strip()
            break
    for source in markdown:
        found = re.search(r"(?i)estimated time:?\**\s*(?:about\s*)?(\d+)", source)
        if found:
            minutes = int(found.group(1))
            break
    text = "\n".join(markdown)
    section = re.search(r"^## Learning objectives\s*$(.*?)(?=^#{1,2} |\Z)", text, re.M | re.S)
    if section:
        objectives = [
            re.sub(r"[*_`]", "", m.strip())
            for m in re.findall(r"^\s*(?:[-*]|\d+\.)\s+(.+)$", section.group(1), re.M)
        ]
    return NotebookInfo(stem=stem, title=title, minutes=minutes, objectives=objectives)


def execute(path: Path, timeout: int = 600, *, stop: Stop | None = None) -> nbformat.NotebookNode:
    """Execute a notebook in a fresh kernel in static display mode.

    Parameters
    ----------
    path : pathlib.Path
        The notebook.
    timeout : int, optional
        Seconds allowed per cell.
    stop : Stop, optional
        The build's stop switch: when it is pulled the kernel is killed and no further cell runs.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.

    Raises
    ------
    RuntimeError
        If a cell fails; the message names the notebook, the cell and the error.
    BuildInterrupted
        If the build was stopped.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # a kernel's own log is noise here
    )
    stop = stop or Stop()
    kernel: list[int | None] = []

    def started(**_: object) -> None:
        provisioner = getattr(client.km, "provisioner", None)
        kernel.append(getattr(provisioner, "pid", None))
        stop.kernel_started(kernel[0])

    client.on_notebook_start = started
    try:
        client.execute(env={**os.environ, "KPEACE_DISPLAY": "static"})
    except Exception:
        stop.check()  # a kernel killed by the stop switch: say so, not "dead kernel"
        raise
    finally:
        if kernel:
            stop.kernel_finished(kernel[0])
    stop.check()
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                raise RuntimeError(
                    f"{path.name}: cell {index} ({first[:60]!r}) failed: "
                    f"{output.get('ename')}: {output.get('evalue')}"
                )
    return nb


class _GeneratorFinder(HTMLParser):
    """Find ``<meta name="generator" content="kpeace handouts">`` however it is serialised."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "meta":
            values = {name.lower(): (value or "").strip() for name, value in attrs}
            if (
                values.get("name", "").lower() == "generator"
                and values.get("content") == GENERATOR_CONTENT
            ):
                self.found = self.done = True
        elif tag == "body":
            self.done = True  # the generator is declared in <head>


def generated_by_kpeace(path: Path, chunk: int = 1 << 16) -> bool:
    """Return whether an HTML file declares kpeace's handout generator in its ``<head>``.

    The page is parsed, not matched byte for byte, so the answer survives any serialisation
    (attribute order and quotes, ``<meta ... />``, letter case).

    Parameters
    ----------
    path : pathlib.Path
        An existing file.
    chunk : int, optional
        Characters parsed at a time (parsing stops at ``<body>``).

    Returns
    -------
    bool
        True if the page says kpeace wrote it.
    """
    finder = _GeneratorFinder()
    with path.open(encoding="utf-8", errors="replace") as stream:
        while not finder.done:
            text = stream.read(chunk)
            if not text:
                break
            finder.feed(text)
    return finder.found


def _owned(path: Path) -> bool:
    if not path.exists():
        return True
    try:
        if assets.is_asset(path.name):
            return assets.owned(path)
        if path.name in {b.file_name for b in plotlyjs.bundles()}:
            head = path.read_text(encoding="utf-8", errors="replace")[:400]
            return "plotly.js" in head
        return path.is_file() and generated_by_kpeace(path)
    except OSError:
        return False


def _write(path: Path, text: str | bytes, result: BuildResult, stop: Stop | None = None) -> None:
    """Write a file kpeace owns (or a new one) whole: a temporary name, then a rename."""
    if stop is not None:
        stop.check()
    if not _owned(path):
        result.skipped.append(path)
        return
    write_whole(path, text.encode("utf-8") if isinstance(text, str) else text)
    result.files.append(path)


def build_one(
    path: Path,
    out: Path,
    editions: Sequence[str],
    shared_assets: bool,
    stop: Stop | None = None,
) -> BuildResult:
    """Execute one notebook and write its handouts.

    Parameters
    ----------
    path : pathlib.Path
        The notebook.
    out : pathlib.Path
        The output folder (must exist).
    editions : sequence of str
        ``"student"`` and/or ``"teacher"``.
    shared_assets : bool
        Reference a shared plotly.js instead of inlining it.
    stop : Stop, optional
        The build's stop switch; once pulled, nothing more is executed or written.

    Returns
    -------
    BuildResult
        Files written, or the error (``"interrupted"`` if the build was stopped).
    """
    result = BuildResult(notebook=path)
    start = time.perf_counter()
    try:
        if stop is not None:
            stop.check()
        nb = execute(path, stop=stop)
        result.info = describe_notebook(nb, path.stem)
        for edition in editions:
            exporter = HandoutExporter(edition=edition, shared_assets=shared_assets)
            body, resources = exporter.from_notebook_node(
                nb, {"metadata": {"name": result.info.title}}
            )
            bundle = resources["kpeace"].get("plotly_bundle")
            if bundle is not None:
                result.bundles.add(bundle)
            result.shared.update(resources["kpeace"].get("shared", {}))
            _write(out / f"{path.stem}.{edition}.html", body, result, stop)
    except BuildInterrupted:
        result.error = f"{path.name}: interrupted"
    except Exception as err:  # reported per notebook; the others are still built
        result.error = (
            str(err)
            if isinstance(err, RuntimeError)
            else (f"{path.name}: {type(err).__name__}: {err}")
        )
    result.seconds = time.perf_counter() - start
    return result


def _unique(notebooks: Sequence[Path]) -> list[Path]:
    """Drop repeats of a notebook (the same file named twice), keeping the first order."""
    seen: dict[Path, Path] = {}
    for nb in notebooks:
        seen.setdefault(Path(nb).resolve(), Path(nb))
    return list(seen.values())


def index_page(
    results: Iterable[BuildResult], editions: Sequence[str], *, with_guide: bool = False
) -> str:
    """Return the index page listing every handout with title, objectives and time.

    Parameters
    ----------
    results : iterable of BuildResult
        Built notebooks.
    editions : sequence of str
        The editions built.
    with_guide : bool, optional
        Link the teacher guide (written with the teacher edition).

    Returns
    -------
    str
        A self-contained HTML page.
    """
    from kpeace import data

    essay = data.essay()
    items = []
    for result in results:
        if result.info is None:
            continue
        info = result.info
        written = {f.name for f in result.files}
        links = " · ".join(
            f'<a href="{html.escape(info.stem)}.{e}.html">{e.capitalize()} edition</a>'
            for e in editions
            if f"{info.stem}.{e}.html" in written
        )
        minutes = f"{info.minutes} minutes" if info.minutes else "time not given"
        objectives = "".join(f"<li>{html.escape(o)}</li>" for o in info.objectives)
        items.append(
            f'<li><h2>{html.escape(info.title)}</h2><p class="meta">Estimated time: {minutes}'
            "</p>"
            + (f"<p>{links}</p>" if links else "")
            + (
                f"<details><summary>Learning objectives</summary><ul>{objectives}</ul></details>"
                if objectives
                else ""
            )
            + "</li>"
        )
    body = (
        f"<header><h1>A course on “{html.escape(essay.title)}”</h1>"
        f"<p>{html.escape(essay.author)}, {html.escape(essay.series)} "
        f"({html.escape(essay.publisher)}), 6 June 2007. {_count(len(items))}, in order. Each "
        "works offline in any browser: the menus above the figures change them, and answers "
        "are behind “Check your answer” and “Show the answer”. Every fact from outside the "
        "essay comes from the "
        '<a href="fact-sheet.html">course fact sheet</a>, with its sources.</p>'
        + (
            '<p>For teachers: the <a href="teacher-guide.html">teacher guide</a> (lesson plans, '
            "misconceptions, model answers, running the course offline).</p>"
            if with_guide
            else ""
        )
        + "</header>"
        f'<main><ol class="kp-index">{"".join(items)}</ol></main>'
    )
    return page(f"kpeace handouts: {essay.title}", body)


def _count(n: int) -> str:
    words = "No One Two Three Four Five Six Seven Eight Nine Ten".split()
    return f"{words[n] if n < len(words) else n} handout{'' if n == 1 else 's'}"


def _catalogue(out: Path, results: Sequence[BuildResult]) -> list[BuildResult]:
    """Return every notebook the index lists: this run's and earlier runs' still in ``out``.

    A partial rebuild (``kpeace handouts 01``) must not drop the other handouts from the index,
    so what each index lists is kept in ``CATALOGUE`` beside it. An entry is kept only while one
    of its handouts, written by kpeace, is still in the folder. A catalogue that is not
    kpeace's (or not readable) is ignored and left alone.
    """
    path = out / CATALOGUE
    earlier: list[dict] = []
    ours = not path.exists()  # kpeace may write a new catalogue, or replace its own
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        ours = isinstance(stored, dict) and "kpeace_handouts" in stored
        if ours and isinstance(stored["kpeace_handouts"], list):
            earlier = [e for e in stored["kpeace_handouts"] if isinstance(e, dict)]
    except (OSError, ValueError):
        pass
    infos = {r.info.stem: r.info for r in results if r.info is not None}
    for entry in earlier:
        try:
            info = NotebookInfo(
                stem=str(entry["stem"]),
                title=str(entry["title"]),
                minutes=int(entry["minutes"]) if entry.get("minutes") else None,
                objectives=[str(o) for o in entry.get("objectives", [])],
            )
        except (KeyError, TypeError, ValueError):
            continue
        infos.setdefault(info.stem, info)
    listed = {}
    for stem, info in infos.items():
        files = [out / f"{stem}.{e}.html" for e in EDITIONS]
        files = [f for f in files if _owned_file(f)]
        if files:
            listed[stem] = BuildResult(notebook=out / stem, info=info, files=files)
    kept = [listed[stem] for stem in sorted(listed)]
    entries = [
        {k: getattr(r.info, k) for k in ("stem", "title", "minutes", "objectives")}
        for r in kept
        if r.info is not None
    ]
    if ours:
        catalogue = json.dumps({"kpeace_handouts": entries}, ensure_ascii=False, indent=1)
        write_whole(path, catalogue.encode("utf-8"))
    return kept


def _owned_file(path: Path) -> bool:
    return path.is_file() and _owned(path)


STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'kpeace Korean',
  sans-serif;
  color: #1a1a1a; max-width: 48rem; margin: 0 auto; padding: 1rem; line-height: 1.55;
  font-size: 17px; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin: .2rem 0; }
ol.kp-index { padding-left: 1.2rem; } ol.kp-index > li { margin: 1rem 0; }
a { color: #00527f; } .meta, footer { color: #3d3d3d; }
footer { border-top: 1px solid #c8c8c8; margin-top: 2rem; font-size: .9rem; }
summary { cursor: pointer; color: #00527f; font-weight: 600; }
a:focus-visible, summary:focus-visible { outline: 3px solid #E69F00; outline-offset: 2px; }
.kp-scroll { overflow-x: auto; } .kp-scroll:focus-visible { outline: 3px solid #E69F00; }
p, li, dd, h1, h2, h3 { overflow-wrap: break-word; }
pre { overflow-x: auto; background: #f6f6f6; padding: .5rem; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid #c8c8c8; padding: .25rem .4rem; text-align: left; vertical-align: top; }
"""


def page(title: str, body: str, font_href: str | None = None) -> str:
    """Return a self-contained page in the handouts' style, with the essay's attribution.

    Parameters
    ----------
    title : str
        The page title (plain text).
    body : str
        HTML inside ``<body>``, before the footer.
    font_href : str, optional
        Link the Korean font file beside the page instead of embedding it.

    Returns
    -------
    str
        The page.
    """
    from kpeace import __version__, data

    essay = data.essay()
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f"{GENERATOR}<title>{html.escape(title)}</title>"
        f"<style>{font_face(body, font_href)}{STYLE}</style>"
        "</head>"
        f"<body>{body}<footer><p>{html.escape(essay.attribution)}</p>"
        f"<p>{html.escape(essay.rights)}</p><p>Made with kpeace {__version__}.</p></footer>"
        "</body></html>\n"
    )


def _scrollable(markup: str) -> str:
    """Wrap tables in keyboard-reachable scroll regions (wide tables on narrow screens)."""
    count = iter(range(1, 1000))
    wrapped = re.sub(
        "<table>",
        lambda _: (
            f'<div class="kp-scroll" tabindex="0" role="region" '
            f'aria-label="Table {next(count)} (scrolls sideways)"><table>'
        ),
        markup,
    )
    wrapped = wrapped.replace("<pre>", '<pre tabindex="0">')  # code blocks scroll too
    return wrapped.replace("</table>", "</table></div>")


def markdown_page(title: str, text: str, font_href: str | None = None) -> str:
    """Return a Markdown document as a page beside the handouts.

    Parameters
    ----------
    title : str
        Page title.
    text : str
        Markdown.
    font_href : str, optional
        Link the Korean font file beside the page instead of embedding it.

    Returns
    -------
    str
        The rendered page, with a link back to the index.
    """
    import mistune

    render = mistune.create_markdown(plugins=["table", "strikethrough"])
    body = (
        '<header><p><a href="index.html">All handouts</a></p></header>'
        f"<main>{_scrollable(str(render(text)))}</main>"
    )
    return page(title, body, font_href)


def build(
    notebooks: Sequence[Path],
    out: Path,
    *,
    editions: Sequence[str] = EDITIONS,
    jobs: int = 1,
    shared_assets: bool = False,
    progress: Callable[[BuildResult], None] | None = None,
) -> tuple[list[BuildResult], BuildResult]:
    """Build handouts for ``notebooks`` into ``out``, plus ``index.html``.

    Parameters
    ----------
    notebooks : sequence of pathlib.Path
        Notebooks to build, in order.
    out : pathlib.Path
        Output folder (created if missing).
    editions : sequence of str, optional
        Editions to write.
    jobs : int, optional
        Notebooks executed at once.
    shared_assets : bool, optional
        Write each plotly.js bundle the handouts need, the stylesheet, the print script and the
        Korean font once beside them (see :mod:`kpeace.handouts.assets`) instead of inlining
        them in each page.
    progress : callable, optional
        Called with each result as it finishes.

    Returns
    -------
    tuple
        Per-notebook results (in input order) and a result holding the index and assets
        (its ``skipped`` lists files of the same name that kpeace did not write).
    """
    out.mkdir(parents=True, exist_ok=True)
    notebooks = _unique(notebooks)
    results: dict[Path, BuildResult] = {}
    stop = Stop()
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = {
            pool.submit(build_one, nb, out, editions, shared_assets, stop): nb for nb in notebooks
        }
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            if progress:
                progress(result)
    except BaseException:  # Ctrl-C: kill the kernels; nothing is written once we return
        stop.stop()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    ordered = [results[nb] for nb in notebooks]
    extra = BuildResult(notebook=out)
    font = None
    if shared_assets:  # each plotly.js bundle the handouts written refer to, and the rest, once
        needed = {b for r in ordered if r.files for b in r.bundles}
        for bundle in sorted(needed, key=lambda b: b.file_name):
            _write(out / bundle.file_name, bundle.source(), extra)
        linked = {n: text for r in ordered if r.files for n, text in r.shared.items()}
        for name, content in {**assets.shared_files(), **linked}.items():
            _write(out / name, content, extra)
        font = assets.FONT
    from kpeace import data
    from kpeace._paths import notebooks_root

    _write(
        out / "fact-sheet.html",
        markdown_page("The course fact sheet", data.fact_sheet(), font),
        extra,
    )
    guide = notebooks_root() / GUIDE
    with_guide = "teacher" in editions and guide.is_file()
    if with_guide:
        text = guide.read_text(encoding="utf-8")
        _write(out / "teacher-guide.html", markdown_page("Teacher guide", text, font), extra)
    with_guide = with_guide or _owned_file(out / "teacher-guide.html")
    listed = _catalogue(out, ordered)
    _write(out / "index.html", index_page(listed, EDITIONS, with_guide=with_guide), extra)
    _remove_unlinked(out, extra)
    return ordered, extra


#: A link to one of the files named by their content (lab styles, figures).
_CONTENT_NAMED = re.compile(
    '(?:href|src)="(' + "|".join(p.pattern for p in assets.CONTENT_NAMED) + ')"'
)


def _remove_unlinked(out: Path, result: BuildResult) -> None:
    """Delete kpeace's content-named files that no page in ``out`` links any more.

    A rebuild after a notebook changed writes its figures and styles under new names; the old
    files would pile up. Only files kpeace wrote (see :func:`assets.owned`) are deleted, and
    only when no ``.html`` file in the folder, kpeace's or not, links them.
    """
    named = [p for p in out.iterdir() if assets.is_content_named(p.name)]
    if not named:
        return
    linked: set[str] = set()
    for page in out.glob("*.html"):
        try:
            linked.update(
                _CONTENT_NAMED.findall(page.read_text(encoding="utf-8", errors="replace"))
            )
        except OSError:
            return  # a page we cannot read may link any of them: keep them all
    for path in named:
        if path.name not in linked and path.is_file() and assets.owned(path):
            path.unlink()
            result.removed.append(path)
