"""``kpeace doctor``: check that this machine can run the course, and say how to fix what fails."""

from __future__ import annotations

import platform
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGES = (
    "pandas",
    "plotly",
    "ipywidgets",
    "anywidget",
    "jupyterlab",
    "nbconvert",
    "nbclient",
    "ipykernel",
)
EXTENSIONS = {
    "@jupyter-widgets/jupyterlab-manager": (
        "ipywidgets",
        "pip install --force-reinstall ipywidgets",
    ),
    "jupyterlab-plotly": ("plotly", "pip install --force-reinstall plotly"),
    "anywidget": ("anywidget", "pip install --force-reinstall anywidget"),
}


@dataclass
class Check:
    """One line of the report: what was checked, whether it passed, and the fix if not."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def _versions() -> Check:
    found, missing = [], []
    for name in PACKAGES:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            missing.append(name)
    detail = f"Python {platform.python_version()}; kpeace {_kpeace_version()}; " + ", ".join(found)
    if missing:
        return Check(
            "packages",
            False,
            detail + f"; missing: {', '.join(missing)}",
            f"pip install {' '.join(missing)}",
        )
    return Check(
        "packages",
        sys.version_info >= (3, 10),
        detail,
        "" if sys.version_info >= (3, 10) else "use Python 3.10 or newer",
    )


def _kpeace_version() -> str:
    from kpeace import __version__

    return __version__


def _extensions() -> Check:
    from jupyter_core.paths import jupyter_path

    roots = [Path(p) for p in jupyter_path("labextensions")]
    present, problems, fixes = [], [], []
    for name, (package, fix) in EXTENSIONS.items():
        if any((root / name / "package.json").is_file() for root in roots):
            present.append(name)
        else:
            problems.append(f"{name} (from {package})")
            fixes.append(fix)
    if problems:
        return Check(
            "JupyterLab extensions",
            False,
            "missing: " + ", ".join(problems),
            "; ".join(fixes) + "; then restart JupyterLab",
        )
    return Check("JupyterLab extensions", True, "installed: " + ", ".join(present))


def _renderer() -> Check:
    import os

    import plotly.io as pio

    chosen = os.environ.get("PLOTLY_RENDERER")
    if chosen:
        return Check(
            "plotly renderer",
            True,
            f"PLOTLY_RENDERER={chosen!r} is set, so plotly draws figures with {chosen!r} here "
            "and in JupyterLab (unset it to let JupyterLab use its own plotly renderer); "
            "handouts draw figures themselves",
        )
    default = pio.renderers.default
    here = (
        f"outside a notebook, fig.show() uses plotly's {default!r} renderer"
        if default
        else "outside a notebook, plotly has no renderer here (no web browser found), so "
        "fig.show() in a terminal shows nothing; the course does not need it"
    )
    return Check(
        "plotly renderer",
        True,
        f"{here}. In a JupyterLab kernel plotly picks its 'plotly_mimetype' renderer, which the "
        "jupyterlab-plotly extension draws; handouts draw figures themselves",
    )


def _data() -> Check:
    from kpeace import data
    from kpeace._paths import data_root

    try:
        root = data_root()
        names = data.datasets()
        rows = sum(len(data.load(name)) for name in names)
        data.essay()
        data.fact_sheet()
    except data.DataFileError as err:
        return Check(
            "data package",
            False,
            f"{err} (in {root})",
            "correct that file (kpeace data NAME lists each table's columns, categories and "
            "references), or reinstall kpeace (pip install --force-reinstall kpeace), or point "
            "KPEACE_DATA_DIR at an intact copy of the data folder",
        )
    except Exception as err:  # report any failure as a finding
        return Check(
            "data package",
            False,
            f"{type(err).__name__}: {err}",
            "reinstall kpeace (pip install --force-reinstall kpeace), or point "
            "KPEACE_DATA_DIR at an intact copy of the data folder",
        )
    return Check(
        "data package",
        True,
        f"{len(names)} tables, {rows} rows; types, primary keys and references all valid ({root})",
    )


def _notebooks() -> Check:
    from kpeace._paths import notebooks_root

    try:
        root = notebooks_root()
    except FileNotFoundError as err:
        return Check("notebooks", False, str(err), "reinstall kpeace")
    found = sorted(p.name for p in root.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        return Check("notebooks", False, f"none in {root}", "reinstall kpeace")
    return Check("notebooks", True, f"{len(found)} in {root}")


def _handout() -> Check:
    from kpeace._paths import notebooks_root
    from kpeace.handouts.build import build
    from kpeace.handouts.markdown import remote_resources

    try:
        first = sorted(notebooks_root().glob("[0-9][0-9]_*.ipynb"))[0]
    except (FileNotFoundError, IndexError):
        return Check("offline handout", False, "no notebook to build", "reinstall kpeace")
    with tempfile.TemporaryDirectory() as tmp:
        results, _ = build([first], Path(tmp), editions=("student",))
        if results[0].error:
            return Check(
                "offline handout",
                False,
                results[0].error,
                "run the notebook in JupyterLab to see the error; reinstall kpeace",
            )
        html = (Path(tmp) / f"{first.stem}.student.html").read_text(encoding="utf-8")
    remote = remote_resources(html)  # tags and CSS (url(), @import) alike
    if remote:
        return Check(
            "offline handout",
            False,
            f"{len(remote)} remote references, e.g. {remote[0][:80]}",
            "reinstall kpeace",
        )
    return Check(
        "offline handout", True, f"built {first.stem} without the network ({len(html) // 1000} kB)"
    )


CHECKS: tuple[Callable[[], Check], ...] = (
    _versions,
    _extensions,
    _renderer,
    _data,
    _notebooks,
    _handout,
)


def run_checks() -> Iterator[Check]:
    """Run every check in turn (a check that crashes is reported as failed).

    Yields
    ------
    Check
        One result per check.
    """
    for check in CHECKS:
        try:
            yield check()
        except Exception as err:  # a broken environment must still give a report
            yield Check(
                check.__name__.strip("_"),
                False,
                f"{type(err).__name__}: {err}",
                "reinstall kpeace and its dependencies",
            )
