"""The ``kpeace`` command line: a thin shell over the kpeace modules.

Every command prints a message, never a traceback, for bad input, and exits 0 (done),
1 (something failed) or 2 (bad usage).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_EPILOG = """\
examples:
  kpeace data                 summarise every table of the data package
  kpeace data claims          describe one table: its columns, types and sources
"""


def _cmd_data(args: argparse.Namespace) -> int:
    from kpeace import data

    if args.name is None:
        essay = data.essay()
        print(essay.citation())
        print(
            f"{len(essay.paragraphs)} body paragraphs; "
            f"data package: {len(data.datasets())} tables\n"
        )
        width = max(len(name) for name in data.datasets())
        for name in data.datasets():
            frame = data.load(name)
            title = data.describe(name).get("title", "")
            print(
                f"  {name:<{width}}  {len(frame):>4} rows  {len(frame.columns):>2} columns  {title}"
            )
        print("\nMore on one table: kpeace data NAME")
        return EXIT_OK
    try:
        info = data.describe(args.name)
        frame = data.load(args.name)
    except (TypeError, ValueError) as err:
        print(f"kpeace data: {err}", file=sys.stderr)
        return EXIT_USAGE
    from kpeace._schema import pandas_dtype

    print(f"{info['title']} ({args.name}: {len(frame)} rows)\n")
    print(info.get("description", ""), "\n")
    for field in info["schema"]["fields"]:
        flag = "*" if field.get("constraints", {}).get("required") else " "
        print(
            f" {flag} {field['name']:<22} {pandas_dtype(field):<20} {field.get('description', '')}"
        )
    print("\n(* required)")
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
        return int(args.func(args))
    except (FileNotFoundError, ValueError) as err:
        print(f"kpeace {args.command}: {err}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("kpeace: interrupted", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
