"""Mutation check: prove that the tests catch small deliberate breaks.

Usage (from the repository root, with the venv that ``tests/setup.sh`` makes)::

    .venv/bin/python tests/mutation/run.py                 # every break in breaks.py
    .venv/bin/python tests/mutation/run.py --only ID ...   # some of them
    .venv/bin/python tests/mutation/run.py --list          # what the breaks are

The script copies the repository (the files git tracks or would track, as they are in the
working tree) to a temporary folder, checks that the copy's ``kpeace`` and ``data/`` are the
ones imported there, runs each break's tests once unbroken (the baseline), then for each break:
replaces its ``old`` string (which must occur exactly once) by ``new`` in the copy, runs its
tests with this Python's pytest, and restores the file. The repository itself is never changed.

It prints one line per break, ``caught`` (the tests failed), ``MISSED`` (they passed) or
``error`` (the old string is missing or ambiguous, the baseline fails, or pytest could not run
the tests), and exits 1 if any break was missed or in error, 0 if all were caught (130 if
interrupted).

Not part of the default pytest run; ``tests/test_mutation.py`` runs a few quick breaks. The
breaks are data in ``tests/mutation/breaks.py``: append new ones there.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def _load_breaks() -> ModuleType:
    """Import ``breaks.py`` beside this script (the folder is not a package)."""
    name = "kpeace_mutation_breaks"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "breaks.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


BREAKS = _load_breaks().BREAKS
Break = _load_breaks().Break

#: pytest exit codes: 0 all passed, 1 some failed, 2 interrupted (e.g. a collection error).
CAUGHT_CODES = {1, 2}


@dataclass(frozen=True)
class Outcome:
    """What became of one break: ``caught``, ``MISSED`` or ``error``, and why."""

    brk: Break
    verdict: str
    detail: str = ""


def repository_files(root: Path) -> list[Path]:
    """Return the repository's files (tracked, or untracked but not ignored), relative to it.

    Parameters
    ----------
    root : pathlib.Path
        The repository root.

    Returns
    -------
    list of pathlib.Path
        Relative paths of files that exist in the working tree.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return [Path(p) for p in dict.fromkeys(listed.split("\0")) if p and (root / p).is_file()]


def copy_repository(root: Path, dest: Path) -> Path:
    """Copy the repository's files to ``dest`` and link its ``.venv`` (for npm tools).

    Parameters
    ----------
    root : pathlib.Path
        The repository root.
    dest : pathlib.Path
        An empty or missing folder.

    Returns
    -------
    pathlib.Path
        ``dest``.
    """
    for rel in repository_files(root):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, dest / rel)
    if (root / ".venv").is_dir():
        (dest / ".venv").symlink_to(root / ".venv", target_is_directory=True)
    return dest


def environment(copy: Path) -> dict[str, str]:
    """Return the environment that makes Python import ``kpeace`` and its data from ``copy``."""
    env = {k: v for k, v in os.environ.items() if k not in {"KPEACE_DATA_DIR", "PYTHONPATH"}}
    env["PYTHONPATH"] = str(copy)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def check_copy_is_used(copy: Path, python: str) -> None:
    """Raise RuntimeError unless ``kpeace`` and its data are imported from ``copy``."""
    probe = (
        "import kpeace, kpeace._paths as p; "
        "print(kpeace.__file__); print(p.data_root().joinpath('datapackage.json'))"
    )
    done = subprocess.run(
        [python, "-c", probe], cwd=copy, env=environment(copy), capture_output=True, text=True
    )
    lines = done.stdout.split()
    inside = [Path(line).resolve().is_relative_to(copy.resolve()) for line in lines]
    if done.returncode != 0 or len(lines) != 2 or not all(inside):
        raise RuntimeError(
            "the copy's kpeace is not the one imported (breaks would test nothing): "
            + (done.stdout + done.stderr).strip()
        )


def run_tests(copy: Path, python: str, tests: Sequence[str]) -> tuple[int, str]:
    """Run pytest on ``tests`` in ``copy``; return its exit code and the last lines it printed."""
    done = subprocess.run(
        [python, "-m", "pytest", "-x", "-q", "--no-header", "-p", "no:cacheprovider", *tests],
        cwd=copy,
        env=environment(copy),
        capture_output=True,
        text=True,
    )
    tail = " | ".join((done.stdout + done.stderr).strip().splitlines()[-2:])
    return done.returncode, tail


def try_break(copy: Path, python: str, brk: Break) -> Outcome:
    """Apply one break in ``copy``, run its tests, restore the file, and say what happened.

    Parameters
    ----------
    copy : pathlib.Path
        The repository copy.
    python : str
        The Python whose pytest runs the tests.
    brk : Break
        The break.

    Returns
    -------
    Outcome
        ``caught`` if the tests failed, ``MISSED`` if they passed, ``error`` otherwise.
    """
    target = copy / brk.file
    if not target.is_file():
        return Outcome(brk, "error", f"{brk.file} does not exist")
    original = target.read_bytes()
    text = original.decode("utf-8")
    found = text.count(brk.old)
    if found != 1:
        where = "not found" if found == 0 else f"found {found} times (must be once)"
        return Outcome(brk, "error", f"old string {where} in {brk.file}")
    try:
        target.write_bytes(text.replace(brk.old, brk.new).encode("utf-8"))
        code, tail = run_tests(copy, python, brk.tests)
    finally:
        target.write_bytes(original)
    if target.read_bytes() != original:
        raise RuntimeError(f"could not restore {target}")
    if code == 0:
        return Outcome(brk, "MISSED", tail)
    if code in CAUGHT_CODES:
        return Outcome(brk, "caught", tail)
    return Outcome(brk, "error", f"pytest exit {code}: {tail}")


def mutation_check(breaks: Sequence[Break], python: str, root: Path = ROOT) -> list[Outcome]:
    """Copy the repository, check the baselines, and try every break.

    Parameters
    ----------
    breaks : sequence of Break
        The breaks to try.
    python : str
        The Python whose pytest runs the tests.
    root : pathlib.Path, optional
        The repository to copy.

    Returns
    -------
    list of Outcome
        One per break, in order.
    """
    with tempfile.TemporaryDirectory(prefix="kpeace-mutation-") as tmp:
        copy = copy_repository(root, Path(tmp) / "repo")
        check_copy_is_used(copy, python)
        baseline: dict[tuple[str, ...], tuple[int, str]] = {}
        outcomes = []
        for brk in breaks:
            if brk.tests not in baseline:
                baseline[brk.tests] = run_tests(copy, python, brk.tests)
            code, tail = baseline[brk.tests]
            if code != 0:
                outcomes.append(Outcome(brk, "error", f"fails unbroken (exit {code}): {tail}"))
                continue
            outcomes.append(try_break(copy, python, brk))
        return outcomes


def main(argv: Sequence[str] | None = None) -> int:
    """Run the mutation check from the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="ID", help="try only these breaks")
    parser.add_argument("--list", action="store_true", help="list the breaks and stop")
    parser.add_argument("--python", default=sys.executable, help="Python that runs pytest")
    args = parser.parse_args(argv)
    known = {b.id: b for b in BREAKS}
    if len(known) != len(BREAKS):
        parser.error("two breaks in breaks.py share an id")
    unknown = [i for i in args.only or () if i not in known]
    if unknown:
        parser.error(f"unknown break id(s): {', '.join(unknown)}; valid: {', '.join(known)}")
    chosen = [known[i] for i in args.only] if args.only else list(BREAKS)
    if args.list:
        for brk in chosen:
            print(f"{brk.id:28} {brk.file:28} {brk.description}")
        return 0
    try:
        outcomes = mutation_check(chosen, args.python)
    except KeyboardInterrupt:
        print("interrupted: the temporary copy is removed; the repository was never changed")
        return 130
    for out in outcomes:
        print(f"{out.verdict:7} {out.brk.id:28} {out.brk.description}")
        if out.verdict != "caught":
            print(f"        {' '.join(out.brk.tests)}: {out.detail}")
    caught = sum(o.verdict == "caught" for o in outcomes)
    print(f"{caught} of {len(outcomes)} breaks caught")
    return 0 if caught == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
