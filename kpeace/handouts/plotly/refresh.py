"""Refresh the vendored plotly.js partial bundles (run from a checkout, never at run time).

Fetches the official partial bundles of *the plotly.js version that plotly.py bundles*
(``plotly.offline.get_plotlyjs_version()``) with the ordinary npm client (``npm pack``), and
writes beside this file each bundle's minified script, the MIT licence and ``bundles.json``:
the version, and per bundle its npm package, file, size, SHA-256 and the trace types that the
package's own README says it contains. Usage::

    python -m kpeace.handouts.plotly.refresh
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "bundles.json"
LICENSE = HERE / "LICENSE"
PACKAGES = {  # smallest first; each is an official plotly.js partial bundle on npm
    "basic": ("plotly.js-basic-dist-min", "plotly-basic.min.js"),
    "cartesian": ("plotly.js-cartesian-dist-min", "plotly-cartesian.min.js"),
}
CONTAINS = re.compile(r"Contains trace modules? (.+?)\.\s*$", re.M)


def readme_traces(readme: str) -> list[str]:
    """Return the trace types a partial bundle's README lists ("Contains trace modules ...").

    Parameters
    ----------
    readme : str
        The package's README.md.

    Returns
    -------
    list of str
        The trace types, sorted.

    Raises
    ------
    ValueError
        If the README does not list them.
    """
    found = CONTAINS.search(readme)
    if not found:
        raise ValueError("the README does not say which trace modules the bundle contains")
    return sorted(re.findall(r"`([a-z0-9]+)`", found.group(1)))


def fetch(package: str, version: str, into: Path) -> Path:
    """Download ``package@version`` from npm (``npm pack``) and unpack it.

    Parameters
    ----------
    package : str
        The npm package.
    version : str
        Its exact version.
    into : pathlib.Path
        A scratch folder.

    Returns
    -------
    pathlib.Path
        The unpacked ``package`` folder.
    """
    out = subprocess.run(
        ["npm", "pack", "--silent", f"{package}@{version}"],
        cwd=into,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = into / out.stdout.strip().splitlines()[-1]
    target = into / package
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def main() -> int:
    """Vendor the bundles; return a process exit status."""
    from plotly.offline import get_plotlyjs_version

    version = get_plotlyjs_version()
    bundles = []
    licences = set()
    with tempfile.TemporaryDirectory() as tmp:
        for name, (package, script) in PACKAGES.items():
            folder = fetch(package, version, Path(tmp))
            meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
            if meta["version"] != version:
                print(f"npm gave {package} {meta['version']}, not {version}", file=sys.stderr)
                return 1
            data = (folder / script).read_bytes()
            (HERE / script).write_bytes(data)
            licences.add((folder / "LICENSE").read_text(encoding="utf-8"))
            bundles.append(
                {
                    "name": name,
                    "package": package,
                    "license": meta["license"],
                    "file": script,
                    "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "traces": readme_traces((folder / "README.md").read_text(encoding="utf-8")),
                }
            )
    if len(licences) != 1:
        print("the bundles carry different licences: check them by hand", file=sys.stderr)
        return 1
    LICENSE.write_text(licences.pop(), encoding="utf-8")
    manifest = {"plotly_js_version": version, "bundles": bundles}
    MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"vendored plotly.js {version}: " + ", ".join(b["name"] for b in bundles))
    return 0


if __name__ == "__main__":
    sys.exit(main())
