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
run is refreshed. A file of the same name that kpeace never copied counts as the learner's.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MANIFEST = Path(".kpeace") / "manifest.json"


@dataclass
class CopyReport:
    """What :func:`copy_series` did, file by file."""

    dest: Path
    added: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)

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


def _read_manifest(dest: Path) -> dict[str, str]:
    path = dest / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.get("files", {}).items()}


def _write_manifest(dest: Path, files: dict[str, str], version: str) -> None:
    path = dest / MANIFEST
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        json.dumps({"kpeace": version, "files": files}, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )


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
        What happened to each notebook.
    """
    check_destination(dest)
    manifest = _read_manifest(dest)
    report = CopyReport(dest=dest)
    notebooks = sorted(source.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no notebooks found in {source}")
    for src in notebooks:
        name = src.name
        target = dest / name
        new_key = content_key(src)
        if not target.exists():
            shutil.copyfile(src, target)
            manifest[name] = new_key
            report.added.append(name)
            continue
        current = content_key(target)
        if manifest.get(name) == current:  # the learner did not change it
            if current == new_key:
                report.unchanged.append(name)
            else:
                shutil.copyfile(src, target)
                manifest[name] = new_key
                report.refreshed.append(name)
            continue
        beside = f"{src.stem}.kpeace-{version}.ipynb"
        beside_path = dest / beside
        if not beside_path.exists() or manifest.get(beside) == content_key(beside_path):
            shutil.copyfile(src, beside_path)
            manifest[beside] = new_key
        report.kept.append((name, beside))
    _write_manifest(dest, manifest, version)
    return report
