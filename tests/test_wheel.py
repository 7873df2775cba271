"""The wheel carries the data: build it, install it in a temporary venv, load every table.

The venv gets only the wheel (``--no-deps``); pandas and friends are borrowed from the test
environment through a ``.pth`` line, which does not run that environment's own ``.pth`` files, so
an editable kpeace there stays invisible. The check runs from a folder outside the checkout with
``KPEACE_REQUIRE_PACKAGED_DATA=1``: a wheel without its data fails instead of falling back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import json, sys, kpeace
from kpeace._paths import data_root
tables = {name: len(kpeace.load(name)) for name in kpeace.datasets()}
print(json.dumps({"file": kpeace.__file__, "root": str(data_root()), "tables": tables,
                  "version": kpeace.__version__, "essay": kpeace.essay().title}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)]
    built = subprocess.run([*command, str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheels = list(out.glob("kpeace-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_contains_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"kpeace/package_data/{p.name}" for p in (ROOT / "data").iterdir() if p.is_file()}
    assert expected, "data/ is empty"
    assert expected <= names, expected - names
    assert not any(n.startswith(("data/", "tests/", "notebooks/")) for n in names)


def test_installed_wheel_loads_every_table_outside_the_checkout(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site, "borrowed_deps.pth").write_text("\n".join(sorted(borrowed)) + "\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPEACE_", "PYTHON"))}
    env["KPEACE_REQUIRE_PACKAGED_DATA"] = "1"
    result = subprocess.run(
        [str(python), "-c", CHECK],
        cwd=elsewhere,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout)
    assert report["file"].startswith(str(env_dir)), report["file"]
    assert report["root"].startswith(str(env_dir)), report["root"]
    assert not report["root"].startswith(str(ROOT))
    assert report["version"] == "0.1.0"
    assert report["tables"] and all(rows > 0 for rows in report["tables"].values())
    import kpeace

    assert set(report["tables"]) == set(kpeace.datasets())
