"""The wheel carries the data: build it, install it in a temporary venv, load every table.

The venv gets only the wheel (``--no-deps``); pandas and friends are borrowed from the test
environment through a ``.pth`` line, which does not run that environment's own ``.pth`` files, so
an editable kpeace there stays invisible. The check runs from a folder outside the checkout with
``KPEACE_REQUIRE_PACKAGED_DATA=1``: a wheel without its data fails instead of falling back.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import json, sys, kpeace
from kpeace._paths import data_root
tables = {name: len(kpeace.load(name)) for name in kpeace.datasets()}
print(json.dumps({"file": kpeace.__file__, "root": str(data_root()), "tables": tables,
                  "version": kpeace.__version__, "essay": kpeace.essay().title}))
"""


def test_wheel_contains_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = ROOT / "data"
    expected = {
        f"kpeace/package_data/{p.relative_to(data).as_posix()}"
        for p in data.rglob("*")
        if p.is_file()
    }
    assert expected, "data/ is empty"
    assert expected <= names, expected - names
    assert not any(n.startswith(("data/", "tests/", "notebooks/")) for n in names)


def test_installed_wheel_loads_every_table_outside_the_checkout(installed_wheel, tmp_path):
    result = installed_wheel.run(["-c", CHECK], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    env_dir = installed_wheel.env_dir
    report = json.loads(result.stdout)
    assert report["file"].startswith(str(env_dir)), report["file"]
    assert report["root"].startswith(str(env_dir)), report["root"]
    assert not report["root"].startswith(str(ROOT))
    assert report["version"] == "0.1.0"
    assert report["tables"] and all(rows > 0 for rows in report["tables"].values())
    import kpeace

    assert set(report["tables"]) == set(kpeace.datasets())
