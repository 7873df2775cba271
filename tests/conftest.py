"""Shared fixtures: the repository, the data folder and the course's reference files."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import kpeace

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SOURCE = DATA / "source" / "snyder-2007-us-strategy-peace-framework.txt"
FACT_SHEET = DATA / "fact_sheet.md"


NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}


@contextlib.contextmanager
def jupyterlab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """Copy the series into a fresh folder and serve it with ``kpeace lab``'s own command.

    Yields the server's URL, its token and the course folder; the server (a process group of
    its own) is stopped on exit, also when the test fails. No hub around: the kernels find the
    course folder themselves and send no answers anywhere.
    """
    from kpeace import lab
    from kpeace.cli import main

    dest = tmp_path_factory.mktemp("course")
    assert main(["notebooks", str(dest)]) == 0
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = secrets.token_hex(16)
    home = tmp_path_factory.mktemp("jupyter-home")
    env = {
        **lab.environment(dest),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    for name in ("KPEACE_COURSE_DIR", "KPEACE_PULSE_URL", "JUPYTERHUB_API_TOKEN"):
        env.pop(name, None)
    cmd = lab.command(
        dest,
        port=port,
        no_browser=True,
        extra=[f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True"],
    )
    log = open(home / "server.log", "w")
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/status?token={token}", timeout=1
                )
                break
            except OSError:
                assert proc.poll() is None, (home / "server.log").read_text()
                assert time.monotonic() < deadline, "JupyterLab did not start in 60 s"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", token, dest
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def lab_server_at() -> Any:
    """The :func:`jupyterlab_server` context manager, for module-scoped server fixtures."""
    return jupyterlab_server


@pytest.fixture(scope="session")
def promised_tables() -> int:
    """How many tables the README's data dictionary promises ("Eighteen tables, plus ...")."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^(\w+) tables, plus", text, re.M)
    assert found, "the README's data dictionary does not say how many tables there are"
    return NUMBER_WORDS[found.group(1).lower()]


CHROMIUM = "/usr/bin/chromium"  # Debian's chromium (tests/setup.sh installs it); never a download
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium driven by playwright (one per test module)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing: run tests/setup.sh"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class OfflinePage:
    """A page opened with every http(s) request refused and recorded, and errors collected."""

    context: Any
    page: Any
    requests: list[str]
    errors: list[str]


def open_offline(
    browser: Any, url: str, width: int = 1000, height: int = 1200, timeout: float = 30_000
) -> OfflinePage:
    """Open ``url`` in a new context of ``browser``: no request leaves the machine.

    ``timeout`` (ms) is how long loading may take; a handout with many figures needs longer on
    a busy machine.
    """
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    opened = OfflinePage(context, page, [], [])

    def refuse(route: Any) -> None:
        opened.requests.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^https?://"), refuse)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.goto(url, timeout=timeout)
    return opened


COMPUTED_STYLES = """() => [...document.querySelectorAll('body *:not(script)')].map(el => {
  const s = getComputedStyle(el), o = [el.tagName];
  for (let i = 0; i < s.length; i++)
    if (!s[i].startsWith('--') && s[i] !== 'clip-path')  // plotly's clip ids are random
      o.push(s[i] + ':' + s.getPropertyValue(s[i]));
  return o.join(';'); })"""


@dataclass
class StyleCheck:
    """Compare every element's computed style between versions of one page (in Chromium)."""

    browser: Any
    script: str = COMPUTED_STYLES

    def of(
        self, pages: dict[str, str], folder: Path, open_details: bool = False
    ) -> list[list[str]]:
        """Write each page into ``folder``, open it, wait for its figures, read every style."""
        styles = []
        for name, html in pages.items():
            path = folder / f"{name}.html"
            path.write_text(html, encoding="utf-8")
            context = self.browser.new_context(viewport={"width": 1000, "height": 900})
            try:
                page = context.new_page()
                page.goto(path.as_uri())
                figures = html.count('class="plotly-graph-div')
                page.wait_for_function(
                    f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {figures}",
                    timeout=60_000,
                )
                if open_details:
                    page.evaluate(
                        "() => document.querySelectorAll('details').forEach(d => d.open = true)"
                    )
                styles.append(page.evaluate(self.script))
            finally:
                context.close()
        return styles

    @staticmethod
    def assert_same(styles: list[list[str]]) -> None:
        """Both pages have the same elements, each styled alike."""
        assert len(styles[0]) > 500 and len(styles[0]) == len(styles[1])
        differ = [a.split(";")[0] for a, b in zip(*styles, strict=True) if a != b]
        assert not differ, differ[:10]


@pytest.fixture(scope="module")
def style_check(browser: Any) -> StyleCheck:
    """A :class:`StyleCheck` in this module's browser."""
    return StyleCheck(browser)


@pytest.fixture(scope="module")
def offline(browser: Any) -> Any:
    """``offline(url, width=..., height=...)`` opens a page with the network refused."""
    return lambda url, **size: open_offline(browser, url, **size)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kpeace built as a wheel (once per test session)."""
    out = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)]
    built = subprocess.run([*command, str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheels = list(out.glob("kpeace-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


@dataclass(frozen=True)
class InstalledWheel:
    """A venv holding only the wheel (non-editable), and the environment to run it in."""

    env_dir: Path
    python: Path
    env: dict[str, str]

    def run(self, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
        """Run the venv's python with ``args`` in ``cwd`` (outside the checkout)."""
        return subprocess.run(
            [str(self.python), *args], cwd=cwd, env=self.env, capture_output=True, text=True
        )


@pytest.fixture(scope="session")
def installed_wheel(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> InstalledWheel:
    """The wheel installed ``--no-deps`` in a fresh venv that borrows pandas and friends.

    The borrowed site folders come through a ``.pth`` line, which does not run the test
    environment's own ``.pth`` files, so its editable kpeace stays invisible.
    ``KPEACE_REQUIRE_PACKAGED_DATA=1``: a wheel without its data fails instead of falling back.
    """
    env_dir = tmp_path_factory.mktemp("wheel") / "venv"
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
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPEACE_", "PYTHON"))}
    env["KPEACE_REQUIRE_PACKAGED_DATA"] = "1"
    return InstalledWheel(env_dir=env_dir, python=python, env=env)


#: "§1 row 11", "§8 rows B3–B7, B10 and B19": references to the fact sheet's numbered rows.
ROW_REFERENCE = re.compile(r"§(\d+) rows? ((?:[ABNP]?\d+(?:–[ABNP]?\d+)?(?:, | and )?)+)")


def _expand(ids: str) -> list[str]:
    """``"B3–B5, B10 and 12"`` → ``["B3", "B4", "B5", "B10", "12"]``."""
    found = []
    for part in re.split(r", | and ", re.sub(r"(?:,| and)\s*$", "", ids.strip())):
        if not part:
            continue
        start, _, end = part.partition("–")
        if not end:
            found.append(start)
            continue
        prefix = re.match(r"[ABNP]?", start).group(0)
        first, last = int(start[len(prefix) :]), int(end.lstrip("ABNP"))
        found += [f"{prefix}{n}" for n in range(first, last + 1)]
    return found


def cited_rows(text: str) -> list[tuple[int, str]]:
    """Every (section, row id) that ``text`` cites as "§N row X" or "§N rows X–Y and Z"."""
    return [(int(s), row) for s, ids in ROW_REFERENCE.findall(text) for row in _expand(ids)]


@pytest.fixture(scope="session")
def fact_sheet_rows(facts_text: str) -> dict[int, set[str]]:
    """Row ids of each numbered section of the fact sheet (``| 14 |``, ``| B3 |``)."""
    rows: dict[int, set[str]] = {}
    section = 0
    for line in facts_text.splitlines():
        heading = re.match(r"^## (\d+)\.", line)
        section = int(heading.group(1)) if heading else section
        row = re.match(r"^\| ([ABNP]?\d+) \|", line)
        if row:
            rows.setdefault(section, set()).add(row.group(1))
    assert len(rows[1]) == 45 and "B3" in rows[8] and "A13" in rows[9]
    return rows


@pytest.fixture(scope="session")
def row_references() -> object:
    """The parser of "§N row X" references (see ``cited_rows``)."""
    return cited_rows


@pytest.fixture(scope="session")
def descriptor() -> dict:
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def tables() -> dict[str, pd.DataFrame]:
    names = kpeace.datasets()
    assert names, "the data package lists no tables"
    return {name: kpeace.load(name) for name in names}


@pytest.fixture(scope="session")
def facts_text() -> str:
    assert FACT_SHEET.is_file(), f"the fact sheet is missing at {FACT_SHEET}"
    return FACT_SHEET.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def source_text() -> str:
    assert SOURCE.is_file(), f"the essay source is missing at {SOURCE}"
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture()
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary copy of data/ that the loader reads instead (never touch data/ itself)."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setenv("KPEACE_DATA_DIR", str(copy))
    return copy


@pytest.fixture(scope="session", autouse=True)
def _answers_kept_aside(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Self-check answers given by tests go to a temporary course folder, never the checkout."""
    folder = tmp_path_factory.mktemp("course")
    old = os.environ.get("KPEACE_COURSE_DIR")
    os.environ["KPEACE_COURSE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("KPEACE_COURSE_DIR", None)
    else:
        os.environ["KPEACE_COURSE_DIR"] = old
