"""The ``kpeace`` command line: a thin shell over the kpeace modules.

Every command prints a message, never a traceback, for bad input, and exits 0 (done),
1 (something failed) or 2 (bad usage).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_EPILOG = """\
examples:
  kpeace data                 summarise every table of the data package
  kpeace data claims          describe one table: its columns, types and sources
  kpeace lab                  copy the series into ~/kpeace-course and open it in JupyterLab
  kpeace notebooks ~/course   copy (or update) the series into ~/course, keeping your edits
  kpeace handouts             build offline HTML handouts of the whole series into ./handouts
  kpeace handouts 01 03 --edition student --out /tmp/class
  kpeace doctor               check this machine, with a fix for every problem
  kpeace pulse --db DIR/state/pulse.sqlite   the class pulse (started by the hub as a service)
"""
DEFAULT_HANDOUTS = "handouts"
FORCE_HELP = "allow DEST to be the root of the filesystem (/), which is refused otherwise"


def _cmd_data(args: argparse.Namespace) -> int:
    from kpeace import data
    from kpeace._docs import package_summary, table_summary

    try:
        text = package_summary() if args.name is None else table_summary(args.name)
    except data.DataFileError as err:
        print(f"kpeace data: {err}\n(kpeace doctor checks the whole data folder)", file=sys.stderr)
        return EXIT_FAILED
    except (TypeError, ValueError) as err:
        print(f"kpeace data: {err}", file=sys.stderr)
        return EXIT_USAGE
    print(text, end="")
    return EXIT_OK


def _series() -> dict[str, Path]:
    from kpeace._paths import notebooks_root

    return {p.stem: p for p in sorted(notebooks_root().glob("[0-9][0-9]_*.ipynb"))}


def _pick_notebooks(names: Sequence[str]) -> list[Path]:
    series = _series()
    if not names:
        return list(series.values())
    chosen: list[Path] = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            chosen.append(path.resolve())
            continue
        key = path.name.removesuffix(".ipynb")
        matches = [stem for stem in series if stem == key or stem.split("_", 1)[0] == key]
        if len(matches) != 1:
            valid = ", ".join(series)
            raise UsageError(
                f"unknown notebook {name!r}; valid names: {valid} "
                "(or a number such as 01, or a path to an .ipynb file)"
            )
        chosen.append(series[matches[0]])
    return list({path.resolve(): path for path in chosen}.values())  # each notebook once


class UsageError(ValueError):
    """A bad argument: the command exits with status 2 and this message."""


class CommandError(Exception):
    """The command cannot go on: it exits with status 1 and this message (nothing changed)."""


def _folder(text: str, what: str, example: str) -> Path:
    """Return a folder argument as a path, ``~`` expanded; refuse an empty one.

    Raises
    ------
    UsageError
        If ``text`` is empty (it would silently mean the current folder).
    CommandError
        If ``~user`` names no user of this machine.
    """
    if not text.strip():
        raise UsageError(f"{what} is empty; name a folder, e.g. {example}")
    try:
        return Path(text).expanduser()
    except RuntimeError:  # ~nouser/...: no such user, no home folder
        home = text.split("/", 1)[0]
        raise CommandError(
            f"{what} {text!r}: {home} names no user of this machine; write the folder's full "
            "path, or ~/... for your own home folder"
        ) from None


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} kB"


def _cmd_handouts(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from kpeace.handouts.build import EDITIONS, build

    notebooks = _pick_notebooks(args.notebooks)
    if args.jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {args.jobs}")
    out = _folder(args.out, "--out", f"./{DEFAULT_HANDOUTS}")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder")
    from kpeace.workspace import check_destination

    try:
        check_destination(out)
    except PermissionError as err:
        print(f"kpeace handouts: {err}", file=sys.stderr)
        return EXIT_FAILED
    editions = EDITIONS if args.edition == "both" else (args.edition,)
    start = time.perf_counter()
    bar = tqdm(
        total=len(notebooks),
        desc="Building handouts",
        unit="notebook",
        disable=args.quiet,
        file=sys.stderr,
    )

    def tick(result: Any) -> None:
        bar.set_postfix_str(result.notebook.stem)
        bar.update(1)

    results, extra = build(
        notebooks,
        out,
        editions=editions,
        jobs=args.jobs,
        shared_assets=args.shared_assets,
        progress=tick,
    )
    bar.close()
    failed = [r for r in results if r.error]
    written = [f for r in results for f in r.files] + extra.files
    skipped = [f for r in [*results, extra] for f in r.skipped]
    for f in written:
        print(f"  {f}  ({_size(f.stat().st_size)})")
    total = sum(f.stat().st_size for f in written)
    print(
        f"{len(written)} files, {_size(total)}, in {time.perf_counter() - start:.1f} s "
        f"→ open {out / 'index.html'}"
    )
    for f in skipped:
        print(f"kpeace handouts: left {f} alone: it was not written by kpeace", file=sys.stderr)
    for r in failed:
        print(f"kpeace handouts: FAILED {r.error}", file=sys.stderr)
    return EXIT_FAILED if failed or skipped else EXIT_OK


def _destination(args: argparse.Namespace) -> Path:
    """Return the learner's folder, expanded; refuse the filesystem root unless ``--force``."""
    dest = _folder(args.dest, "DEST", "~/kpeace-course")
    resolved = dest.resolve()
    if resolved == Path(resolved.anchor) and not args.force:
        raise UsageError(
            f"{dest} is the root of the filesystem; choose a folder such as ~/kpeace-course "
            "(or add --force if you really mean it)"
        )
    return dest


def _copy(dest: Path, command: str) -> int:
    from kpeace import __version__
    from kpeace._paths import notebooks_root
    from kpeace.workspace import WorkspaceError, copy_series

    try:
        report = copy_series(notebooks_root(), dest, __version__)
    except (OSError, WorkspaceError) as err:
        print(f"kpeace {command}: {err}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Notebooks in {dest}:")
    for line in report.lines():
        print(f"  {line}")
    for note in report.notes:
        print(f"Note: {note}")
    if report.kept:
        print("Your changed notebooks were kept; open the .kpeace-VERSION files for the new text.")
    for name, why in report.failed:
        print(f"kpeace {command}: could not update {dest / name}: {why}", file=sys.stderr)
    return EXIT_FAILED if report.failed else EXIT_OK


def _cmd_notebooks(args: argparse.Namespace) -> int:
    return _copy(_destination(args), "notebooks")


def _cmd_lab(args: argparse.Namespace) -> int:
    from kpeace import lab

    dest = _destination(args)
    problem = lab.address_problem(args.ip, args.port)  # before anything is copied
    if problem:
        raise CommandError(problem)
    status = _copy(dest, "lab")
    if status != EXIT_OK:
        return status
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        print(
            "Note: running as root, so JupyterLab is started with --allow-root. On a shared "
            "lab machine, run kpeace lab as an ordinary user instead."
        )
    cmd = lab.command(dest, port=args.port, no_browser=args.no_browser, ip=args.ip)
    print(f"Starting JupyterLab in {dest} (stop it with Ctrl-C)...")
    return lab.launch(cmd, lab.environment(dest))


def _cmd_doctor(args: argparse.Namespace) -> int:
    from kpeace.doctor import run_checks

    if args.data is not None:
        os.environ["KPEACE_DATA_DIR"] = str(_folder(args.data, "--data", "~/kpeace-data").resolve())
    healthy = True
    for check in run_checks():
        mark = "ok " if check.ok else "FAIL"
        print(f"[{mark}] {check.name}: {check.detail}", flush=True)
        if not check.ok:
            healthy = False
            print(f"       fix: {check.fix}", flush=True)
    print("Healthy: kpeace is ready." if healthy else "Problems found: apply the fixes above.")
    return EXIT_OK if healthy else EXIT_FAILED


def _cmd_pulse(args: argparse.Namespace) -> int:
    from kpeace.pulse.service import PulseConfigError, serve, settings

    try:
        config = settings(Path(args.db), args.url)
    except PulseConfigError as err:
        raise UsageError(str(err)) from None
    import sqlite3

    try:
        import jupyterhub.services.auth  # noqa: F401 — the service signs users in through it
    except ImportError:
        raise CommandError(
            "the class pulse needs JupyterHub; install it with: pip install 'kpeace[hub]'"
        ) from None
    try:
        serve(config)
    except sqlite3.Error as err:
        raise CommandError(
            f"the database {config.db} cannot be used ({err}); move it away to start afresh"
        ) from None
    except OSError as err:
        raise CommandError(
            f"cannot listen on {config.host}:{config.port} ({err.strerror or err}); is another "
            "pulse running, or the port taken? Choose another port in the hub's settings"
        ) from None
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for ``kpeace``.

    Returns
    -------
    argparse.ArgumentParser
        The parser with one sub-command per job.
    """
    parser = argparse.ArgumentParser(
        prog="kpeace",
        description=(
            "A Jupyter course on Scott Snyder's 2007 essay \"U.S. Strategy for Implementing a "
            'Peace Framework on the Korean Peninsula".'
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from kpeace import __version__

    parser.add_argument("--version", action="version", version=f"kpeace {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    data_parser = sub.add_parser(
        "data",
        help="summarise the data package, or describe one table",
        description="Summarise the data package (every table, its size and title), or describe "
        "one table's columns.",
        epilog="example:\n  kpeace data events",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data_parser.add_argument("name", nargs="?", help="a table name, e.g. claims")
    data_parser.set_defaults(func=_cmd_data)

    hand = sub.add_parser(
        "handouts",
        help="build offline HTML handouts (student and teacher editions) and an index",
        description="Execute the notebooks (default: the whole series) and write one "
        "self-contained HTML file per notebook and edition, plus index.html. The handouts work "
        "offline: figures keep their menus, answers are behind 'Show the answer'. Only files "
        "kpeace writes are touched in the output folder; nothing is deleted.",
        epilog="examples:\n  kpeace handouts\n  kpeace handouts 01 03 --edition student\n"
        "  kpeace handouts --out /tmp/class --jobs 2 --shared-assets",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    hand.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebook names (01_armistice), numbers (01) or .ipynb paths",
    )
    hand.add_argument(
        "--out", default=DEFAULT_HANDOUTS, help=f"output folder (default: ./{DEFAULT_HANDOUTS})"
    )
    hand.add_argument(
        "--edition",
        choices=["student", "teacher", "both"],
        default="both",
        help="which edition(s) to write (default: both)",
    )
    hand.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="notebooks executed at once (default: 2 or the number of cores)",
    )
    hand.add_argument(
        "--shared-assets",
        action="store_true",
        help="write plotly.js once beside the handouts instead of inside each",
    )
    hand.add_argument("--quiet", action="store_true", help="no progress bar")
    hand.set_defaults(func=_cmd_handouts)

    from kpeace.lab import DEFAULT_FOLDER

    nbs = sub.add_parser(
        "notebooks",
        help="copy the series into a folder, keeping any notebook you changed",
        description="Copy the notebook series into DEST. Run it again after an update: new "
        "notebooks are added and unchanged ones refreshed, but a notebook you changed is never "
        "overwritten: the new version is written beside it as NN_name.kpeace-VERSION.ipynb.",
        epilog="example:\n  kpeace notebooks ~/kpeace-course",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    nbs.add_argument("dest", metavar="DEST", help="the folder to copy the series into")
    nbs.add_argument("--force", action="store_true", help=FORCE_HELP)
    nbs.set_defaults(func=_cmd_notebooks)

    labp = sub.add_parser(
        "lab",
        help="copy the series into a folder and open it in JupyterLab",
        description="Copy the series into DEST (as 'kpeace notebooks' does: your changes are "
        "kept), then start JupyterLab there with classroom settings: this machine only, no "
        f"news pop-up, no update check. DEST defaults to {DEFAULT_FOLDER}.",
        epilog="examples:\n  kpeace lab\n  kpeace lab ~/class --port 8890 --no-browser",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    labp.add_argument(
        "dest",
        nargs="?",
        default=str(DEFAULT_FOLDER),
        metavar="DEST",
        help=f"the learner's folder (default: {DEFAULT_FOLDER})",
    )
    labp.add_argument("--port", type=int, help="port for JupyterLab (default: a free one)")
    labp.add_argument("--no-browser", action="store_true", help="do not open a browser")
    labp.add_argument(
        "--ip",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    labp.add_argument("--force", action="store_true", help=FORCE_HELP)
    labp.set_defaults(func=_cmd_lab)

    doc = sub.add_parser(
        "doctor",
        help="check this machine for the course, with a fix for every problem",
        description="Report Python, kpeace and package versions, the JupyterLab extensions "
        "for widgets and plotly, the plotly renderer, whether the data package is valid, "
        "whether the notebooks are found, and whether a handout builds offline. Exit status "
        "0 when healthy, 1 otherwise.",
        epilog="examples:\n  kpeace doctor\n  kpeace doctor --data /path/to/a/copy/of/data",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    doc.add_argument("--data", help="check this copy of the data folder instead")
    doc.set_defaults(func=_cmd_doctor)

    pulse = sub.add_parser(
        "pulse",
        help="run the class pulse (a JupyterHub service; 'kpeace hub' starts it)",
        description="Serve the class pulse: learners' self-check answers, live, for the "
        "teacher (a hub admin); learners see the class result once the teacher reveals it. "
        "It runs as a JupyterHub service and reads the JUPYTERHUB_* variables the hub gives "
        "it (API token, OAuth client, service URL and prefix). Anonymous: no names stored.",
        epilog="example (as written by kpeace hub init):\n"
        "  kpeace pulse --db CLASS/state/pulse.sqlite",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    pulse.add_argument(
        "--db", required=True, metavar="FILE", help="the SQLite database file (created if missing)"
    )
    pulse.add_argument(
        "--url", help="http://HOST:PORT to listen on (default: $JUPYTERHUB_SERVICE_URL)"
    )
    pulse.set_defaults(func=_cmd_pulse)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kpeace`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status: 0 done, 1 failed, 2 bad usage.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_OK
    try:
        status = int(args.func(args))
        sys.stdout.flush()  # a closed pipe (kpeace data | head) is reported here, not at exit
        return status
    except BrokenPipeError:  # the reader went away: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    except UsageError as err:
        print(f"kpeace {args.command}: {err}", file=sys.stderr)
        return EXIT_USAGE
    except CommandError as err:
        print(f"kpeace {args.command}: {err}", file=sys.stderr)
        return EXIT_FAILED
    except (FileNotFoundError, ValueError) as err:
        print(f"kpeace {args.command}: {err}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("kpeace: interrupted", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
