"""Copy the notebook series into a learner's folder without ever losing their work.

A small manifest (``.kpeace/manifest.json`` inside the folder) remembers what kpeace copied. On
the next copy, for each notebook of the series:

* not in the folder yet → copied (``added``);
* unchanged by the learner → replaced by the new version (``refreshed``), or left as it is if the
  series has not changed (``unchanged``);
* changed by the learner → kept; the new version is written beside it as
  ``NN_name.kpeace-VERSION.ipynb`` (``kept``), and that file is refreshed the same way.

"Changed by the learner" means a cell's text or type changed, or cells were added or removed.
Running the notebook (outputs, execution counts) is not a change, so a notebook that was only
run is refreshed. A notebook whose cells equal the shipped notebook's cells is unchanged whatever
the manifest says, so a lost or unreadable manifest never freezes updates. Any other file of the
same name that kpeace never copied counts as the learner's.

Every file is copied under a temporary name and renamed, and the manifest is saved even when a
copy fails half-way, so an interrupted update never marks an untouched notebook as the learner's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from kpeace._files import write_whole

MANIFEST = Path(".kpeace") / "manifest.json"


class WorkspaceError(Exception):
    """The learner's folder is in a state kpeace cannot update safely; nothing was changed."""


@dataclass
class CopyReport:
    """What :func:`copy_series` did, file by file."""

    dest: Path
    added: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Return one human-readable line per file.

        Returns
        -------
        list of str
            Lines such as ``"added      00_start_here.ipynb"``.
        """
        out = [f"added      {name}" for name in self.added]
        out += [f"refreshed  {name}" for name in self.refreshed]
        out += [f"unchanged  {name}" for name in self.unchanged]
        out += [
            f"kept       {name} (you changed it; the new version is {beside})"
            for name, beside in self.kept
        ]
        out += [
            f"FAILED     {name} ({reason}); it was left as it was" for name, reason in self.failed
        ]
        return out


def content_key(path: Path) -> str:
    """Return a fingerprint of what a learner can change in a notebook: cell types and text.

    Parameters
    ----------
    path : pathlib.Path
        A notebook file.

    Returns
    -------
    str
        A SHA-256 hex digest; a file that is not a readable notebook is fingerprinted by bytes.
    """
    try:
        nb = nbformat.read(path, as_version=4)
        cells = [(c.cell_type, c.source) for c in nb.cells]
        payload = json.dumps(cells, ensure_ascii=False).encode("utf-8")
    except Exception:  # not a notebook any more: compare raw bytes
        payload = path.read_bytes()
    return hashlib.sha256(payload).hexdigest()


def _read_manifest(dest: Path, report: CopyReport) -> dict[str, str]:
    """Read the manifest; a missing or unreadable one is empty (notebooks are compared instead).

    Raises
    ------
    WorkspaceError
        If the manifest is a folder or valid JSON of the wrong shape (someone else's file).
    """
    path = dest / MANIFEST
    if not path.exists():
        return {}
    if not path.is_file():
        raise WorkspaceError(
            f"{path} is a folder, not kpeace's manifest file; move it away and run again"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:  # a torn or garbled file: say so, compare with the shipped notebooks
        report.notes.append(
            f"{path} was unreadable: notebooks equal to the shipped ones count as unchanged, "
            "the others as yours; it has been rewritten"
        )
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise WorkspaceError(
            f'{path} is not a kpeace manifest (a JSON object with "files"); delete it and run '
            "again: kpeace will then compare each notebook with the shipped one"
        )
    return {str(k): v for k, v in files.items()}


def _copy_file(src: Path, target: Path) -> None:
    write_whole(target, src.read_bytes())


def _write_manifest(dest: Path, files: dict[str, str], version: str) -> None:
    path = dest / MANIFEST
    path.parent.mkdir(exist_ok=True)
    text = json.dumps({"kpeace": version, "files": files}, indent=1, sort_keys=True) + "\n"
    write_whole(path, text.encode("utf-8"))


def _check_layout(dest: Path, names: list[str]) -> None:
    """Refuse, before anything is changed, a folder whose paths kpeace needs are taken."""
    notes = dest / MANIFEST.parent
    if notes.exists() and not notes.is_dir():
        raise WorkspaceError(
            f"{notes} is a file, but kpeace keeps its notes in a folder of that name; rename "
            "the file and run again"
        )
    for name in names:
        target = dest / name
        if target.exists() and not target.is_file():
            raise WorkspaceError(f"{target} is a folder, not a notebook; rename it and run again")


def check_destination(dest: Path) -> None:
    """Raise a clear error if ``dest`` cannot hold the series.

    Parameters
    ----------
    dest : pathlib.Path
        The learner's folder (created if missing, with its parents).

    Raises
    ------
    NotADirectoryError
        If ``dest`` is a file.
    PermissionError
        If the folder cannot be created or written.
    """
    if str(dest) == "":
        raise ValueError("the destination is empty; name a folder, e.g. ~/kpeace-course")
    if dest.exists() and not dest.is_dir():
        raise NotADirectoryError(f"{dest} is a file, not a folder; choose another destination")
    try:
        dest.mkdir(parents=True, exist_ok=True)
        probe = dest / ".kpeace-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as err:
        raise PermissionError(
            f"cannot write to {dest} ({err.strerror or err}); choose a folder you can write to, "
            "e.g. one in your home folder"
        ) from None


def copy_series(source: Path, dest: Path, version: str) -> CopyReport:
    """Copy the series from ``source`` into ``dest`` safely (see the module docstring).

    Parameters
    ----------
    source : pathlib.Path
        Folder holding the series (``NN_name.ipynb``).
    dest : pathlib.Path
        The learner's folder.
    version : str
        kpeace's version (names the "new version" files).

    Returns
    -------
    CopyReport
        What happened to each notebook (``failed`` lists notebooks that could not be written;
        the others were still updated).

    Raises
    ------
    WorkspaceError
        If the folder holds something kpeace cannot update safely (nothing is changed then).
    """
    notebooks = sorted(source.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no notebooks found in {source}")
    check_destination(dest)
    beside_names = {src.name: f"{src.stem}.kpeace-{version}.ipynb" for src in notebooks}
    _check_layout(dest, [*beside_names, *beside_names.values()])
    report = CopyReport(dest=dest)
    manifest = _read_manifest(dest, report)
    try:
        for src in notebooks:
            try:
                _update(src, dest, beside_names[src.name], manifest, report)
            except OSError as err:
                report.failed.append((src.name, err.strerror or str(err)))
    finally:  # even when interrupted: what was copied is recorded as kpeace's
        _write_manifest(dest, manifest, version)
    return report


def _update(
    src: Path, dest: Path, beside: str, manifest: dict[str, str], report: CopyReport
) -> None:
    """Bring one notebook of the series up to date in ``dest`` (see the module docstring)."""
    name = src.name
    target = dest / name
    new_key = content_key(src)
    if not target.exists():
        _copy_file(src, target)
        manifest[name] = new_key
        report.added.append(name)
        return
    current = content_key(target)
    if current == new_key:  # the shipped cells: unchanged, whatever the manifest says
        manifest[name] = new_key
        report.unchanged.append(name)
        return
    if manifest.get(name) == current:  # the learner did not change it
        _copy_file(src, target)
        manifest[name] = new_key
        report.refreshed.append(name)
        return
    beside_path = dest / beside
    if not beside_path.exists() or content_key(beside_path) in (new_key, manifest.get(beside)):
        _copy_file(src, beside_path)
        manifest[beside] = new_key
    report.kept.append((name, beside))
