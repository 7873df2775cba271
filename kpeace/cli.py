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
  kpeace hub init ~/class --roster roster.csv --teacher kim
  kpeace hub start ~/class    a class on one server (JupyterHub): see kpeace hub --help
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


def _class_password() -> str:
    """Return the class password from KPEACE_HUB_PASSWORD or a prompt (typed twice)."""
    import getpass

    from kpeace.hub.passwords import password_problem

    password = os.environ.get("KPEACE_HUB_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise UsageError(
                "no class password: type it at the prompt (run in a terminal), or set "
                "KPEACE_HUB_PASSWORD for a script"
            )
        password = getpass.getpass("Class password (learners type it to log in): ")
        problem = password_problem(password)
        if not problem and getpass.getpass("The same again: ") != password:
            raise UsageError("the two passwords differ; run kpeace hub init again")
    problem = password_problem(password)
    if problem:
        raise UsageError(problem)
    return password


def _hub_folder(args: argparse.Namespace) -> Path:
    return _folder(args.dir, "DIR", "~/class").resolve()


def _cmd_hub_init(args: argparse.Namespace) -> int:
    from kpeace.hub import HubError
    from kpeace.hub.config import TEACHER_PASSWORD, ClassSettings
    from kpeace.hub.control import hub_python, init_class
    from kpeace.hub.roster import check_name, read_roster

    folder = _hub_folder(args)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"DIR {folder} is a file, not a folder")
    try:
        learners = read_roster(Path(args.roster).expanduser())
        teacher = check_name(args.teacher, "--teacher")
    except HubError as err:
        raise UsageError(str(err)) from None
    if teacher in learners:
        raise UsageError(f"--teacher {teacher} is also on the roster; the teacher is not a learner")
    if args.idle_timeout < 60:
        raise UsageError(f"--idle-timeout must be 60 seconds or more, not {args.idle_timeout}")
    password = _class_password()
    learner_python = str(Path(args.learner_python).expanduser()) if args.learner_python else None
    settings = ClassSettings(
        folder=folder,
        learners=learners,
        teacher=teacher,
        hub_python=hub_python(),
        learner_python=learner_python or hub_python(),
        ip=args.ip,
        port=args.port,
        shared_account=args.shared_account,
        idle_timeout=args.idle_timeout,
    )
    if args.shared_account:
        print(
            "Warning: --shared-account runs every learner's server as this account: NO "
            "isolation, each learner can read and change every other learner's files."
        )
    try:
        report = init_class(settings, password)
    except HubError as err:
        raise CommandError(str(err)) from None
    print(f"Class set up in {folder} for {len(learners)} learners and teacher {teacher}.")
    if report.created_accounts:
        print(f"  created {len(report.created_accounts)} accounts (home folders mode 700)")
    print("  proxy: " + ("installed from npm" if report.proxy_installed else "already installed"))
    print("  class pulse: " + ("registered" if report.pulse else "not installed with this kpeace"))
    print(f"  the teacher logs in as {teacher} with the password in {folder / TEACHER_PASSWORD}")
    print(f"Start the class with: kpeace hub start {folder}")
    return EXIT_OK


def _cmd_hub_start(args: argparse.Namespace) -> int:
    from kpeace.hub import HubError
    from kpeace.hub.control import running_pid, start_class

    folder = _hub_folder(args)
    if running_pid(folder):
        print(f"The class in {folder} is running already; kpeace hub status {folder} says more.")
        return EXIT_OK
    try:
        settings = start_class(folder)
    except HubError as err:
        raise CommandError(str(err)) from None
    print(f"The class is open: learners go to {settings.url} and log in with the class password.")
    print(f"Log: {folder / 'logs' / 'hub.log'}. Stop it with: kpeace hub stop {folder}")
    return EXIT_OK


def _cmd_hub_status(args: argparse.Namespace) -> int:
    from kpeace.hub import HubError
    from kpeace.hub.control import class_status

    folder = _hub_folder(args)
    try:
        status = class_status(folder)
    except HubError as err:
        raise CommandError(str(err)) from None
    learners = len(status.settings.learners)
    if not status.pid:
        print(f"The class in {folder} is stopped ({learners} learners on the roster).")
        return EXIT_FAILED
    answer = "answers" if status.answers else "does NOT answer"
    print(f"The class runs at {status.settings.url} (hub pid {status.pid}, {answer}).")
    print(f"Learners' servers running: {len(status.servers)} of {learners}")
    for name, pid in sorted(status.servers.items()):
        print(f"  {name}  pid {pid}")
    return EXIT_OK if status.answers else EXIT_FAILED


def _cmd_hub_stop(args: argparse.Namespace) -> int:
    from kpeace.hub import HubError
    from kpeace.hub.config import load_settings
    from kpeace.hub.control import listening, stop_class

    folder = _hub_folder(args)
    try:
        stopped = stop_class(folder)
        left = listening(load_settings(folder))
    except HubError as err:
        raise CommandError(str(err)) from None
    if not stopped:
        print(f"The class in {folder} was not running; nothing to stop.")
    else:
        print(f"Stopped the class: {len(stopped)} processes (hub, proxy, services, servers).")
    if left:
        ports = ", ".join(map(str, left))
        print(f"kpeace hub stop: something still listens on port {ports}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _cmd_hub_singleuser(args: argparse.Namespace) -> int:
    from kpeace.hub.singleuser import main as singleuser

    return singleuser(args.server_args)


def _add_hub_parser(sub: Any) -> None:
    hub = sub.add_parser(
        "hub",
        help="a class on one server: set up, start, check and stop a JupyterHub",
        description="Run a class on this machine with JupyterHub: each learner logs in with the "
        "class password, gets their own server (as their own system account when run as root) "
        "with the series copied into ~/kpeace-course, never overwriting their edits.",
        epilog="example: the two commands a teacher types:\n"
        "  kpeace hub init ~/class --roster roster.csv --teacher kim\n"
        "  kpeace hub start ~/class\n"
        "then: kpeace hub status ~/class, kpeace hub stop ~/class",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    hub_sub = hub.add_subparsers(dest="hub_command", metavar="STEP", required=True)
    init = hub_sub.add_parser(
        "init",
        help="write the class folder: config, secrets, proxy; create the learners' accounts",
        description="Set up a class in DIR (nothing is written outside it, except the "
        "learners' system accounts). The class password comes from a prompt, or from "
        "KPEACE_HUB_PASSWORD for scripts; at least 8 characters. Run it again after changing "
        "the roster.",
        epilog="example:\n  kpeace hub init ~/class --roster roster.csv --teacher kim --port 8000",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    init.add_argument("dir", metavar="DIR", help="the class folder (created if missing)")
    init.add_argument(
        "--roster", required=True, help="CSV file with a header row and a username column"
    )
    init.add_argument("--teacher", required=True, help="the teacher's user name (an admin)")
    init.add_argument(
        "--ip", default="127.0.0.1", help="public address (default: 127.0.0.1, this machine only)"
    )
    init.add_argument(
        "--port",
        type=int,
        default=8000,
        help="public port (default: 8000); on 127.0.0.1 the next three are used too, and "
        "one per learner's server from --port + 10 on",
    )
    init.add_argument(
        "--learner-python",
        help="the Python that runs learners' servers (default: this one); it must be "
        "readable by every learner's account, e.g. a venv under /opt",
    )
    init.add_argument(
        "--idle-timeout",
        type=int,
        default=3600,
        help="stop a learner's server after this many idle seconds (default: 3600)",
    )
    init.add_argument(
        "--shared-account",
        action="store_true",
        help="run every learner's server as this account: NO isolation between learners",
    )
    init.set_defaults(func=_cmd_hub_init)
    for name, func, text in (
        ("start", _cmd_hub_start, "start the class's hub in the background"),
        ("status", _cmd_hub_status, "say whether the class runs, and whose servers run"),
        ("stop", _cmd_hub_stop, "stop the hub and every process it started"),
    ):
        step = hub_sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        step.add_argument("dir", metavar="DIR", help="the class folder")
        step.set_defaults(func=func)
    single = hub_sub.add_parser(
        "singleuser",
        help="(run by the hub) copy the series, then start a learner's server",
        description="Run by JupyterHub as the learner: copy the series into ~/kpeace-course "
        "(keeping the learner's edits), then become jupyterhub-singleuser.",
    )
    single.add_argument("server_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    single.set_defaults(func=_cmd_hub_singleuser)


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
        "kpeace wrote are touched in the output folder, and the only ones ever deleted are "
        "kpeace's own shared figure and style files that no page links any more.",
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
        help="write plotly.js, the styles, the font and each figure's data once beside the "
        "handouts instead of inside each (copy the whole folder, not single pages)",
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
    _add_hub_parser(sub)

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
