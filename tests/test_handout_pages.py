"""A teacher's own notebook: markdown HTML is sanitised and nothing remote gets into a handout."""

from __future__ import annotations

from pathlib import Path

import bs4
import nbformat
import pytest

from kpeace.cli import main
from kpeace.handouts.markdown import remote_resources, render

HOSTILE = """# My own lesson

<script>window.kpPwned = 'script';</script>

<img src="missing.png" onerror="window.kpPwned = 'onerror'" alt="a picture">

[a link](javascript:window.kpPwned='link') and <a href="javascript:void(0)">another</a>,
<a href="data:text/html,<script>alert(1)</script>">a data page</a>.

<div onclick="window.kpPwned = 'click'" style="color: #333">Click me</div>

<details><summary>Check your answer</summary>

The **answer** is here.

</details>
"""

REMOTE = {
    "script": '<script src="https://example.org/x.js"></script>',
    "image": '<img src="https://example.org/x.png" alt="x">',
    "markdown image": "![x](https://example.org/x.png)",
    "stylesheet": '<link rel="stylesheet" href="https://example.org/x.css">',
    "import": "<style>@import url(https://fonts.example.org/x.css);</style>",
    "css url": '<p style="background: url(//example.org/x.png)">x</p>',
}


def _notebook(path: Path, markdown: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Own notebook\n\nIntro."),
        nbformat.v4.new_markdown_cell(markdown),
        nbformat.v4.new_code_cell("1 + 1"),
    ]
    nbformat.write(nb, path)
    return path


def test_own_notebook_markdown_is_sanitised(tmp_path, capsys, browser):
    path = _notebook(tmp_path / "own.ipynb", HOSTILE)
    out = tmp_path / "out"
    assert main(["handouts", str(path), "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    for edition in ("student", "teacher"):
        page = out / f"own.{edition}.html"
        soup = bs4.BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        main_part = soup.find("main")
        assert main_part is not None and "Click me" in main_part.get_text()
        assert main_part.find("script") is None
        attrs = [(t.name, k, str(v)) for t in main_part.find_all(True) for k, v in t.attrs.items()]
        assert attrs
        assert not [a for a in attrs if a[1].lower().startswith("on")], attrs
        assert not [a for a in attrs if "javascript:" in a[2].lower()], attrs
        assert not [a for a in attrs if a[1] == "href" and a[2].startswith("data:")], attrs
        box = main_part.find("details")
        assert box is not None and "answer" in box.get_text()
        assert ("open" in box.attrs) == (edition == "teacher")
        assert remote_resources(str(soup)) == []
    page = browser.new_page()
    page.goto((out / "own.student.html").as_uri())
    links = page.locator("main a:not(.anchor-link):visible").all()
    assert links, "the sanitised page lost its links"
    for link in links:
        link.click(no_wait_after=True)
    page.locator("text=Click me").click()
    assert page.evaluate("() => window.kpPwned === undefined")
    page.close()


@pytest.mark.parametrize("kind", sorted(REMOTE))
def test_own_notebook_with_a_remote_resource_is_refused(tmp_path, capsys, kind):
    path = _notebook(tmp_path / "remote.ipynb", f"Some text.\n\n{REMOTE[kind]}\n")
    out = tmp_path / "out"
    assert main(["handouts", str(path), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "markdown cell 1 ('Some text.')" in err and "example.org" in err, err
    assert "offline" in err and "Traceback" not in err
    assert not list(out.glob("remote.*.html"))


@pytest.mark.parametrize(
    "css",
    [
        "@import url(https://fonts.googleapis.com/css?family=Inter);",
        "@import 'https://example.org/x.css';",
        "body { background: url('https://example.org/x.png'); }",
        "@font-face { src: url(//example.org/x.woff2); }",
    ],
)
def test_remote_css_is_found(css):
    assert remote_resources(f"<html><head><style>{css}</style></head></html>"), css
    assert not remote_resources("<style>@font-face { src: url(data:font/woff2;base64,AA) }</style>")


def test_markdown_details_keep_their_content_and_state():
    source = "Q?\n\n<details open><summary>Check</summary>\n\nThe **answer**.\n\n</details>"
    for teacher in (False, True):
        soup = bs4.BeautifulSoup(render(source, teacher=teacher), "html.parser")
        box = soup.find("details")
        assert box.find("strong").get_text() == "answer"
        assert ("open" in box.attrs) is teacher


def test_doctor_offline_check_sees_a_remote_css_import(monkeypatch):
    from kpeace import doctor
    from kpeace.handouts import build as build_module

    def fake_build(notebooks, out, **_):
        page = out / f"{notebooks[0].stem}.student.html"
        page.write_text(
            "<html><head><style>@import url(https://fonts.googleapis.com/css?family=X);"
            "</style></head><body>x</body></html>",
            encoding="utf-8",
        )
        return [build_module.BuildResult(notebook=notebooks[0])], None

    monkeypatch.setattr(build_module, "build", fake_build)
    check = doctor._handout()
    assert not check.ok, check
    assert "1 remote references" in check.detail and "fonts.googleapis.com" in check.detail


def test_local_images_are_embedded_inside_details(tmp_path):
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
    (tmp_path / "pic.png").write_bytes(png)
    (tmp_path.parent / "outside.png").write_bytes(png)
    source = (
        '<details><summary>See</summary>\n\n<img src="pic.png" alt="a dot">\n\n'
        "![out](../outside.png)\n\n</details>"
    )
    soup = bs4.BeautifulSoup(render(source, teacher=False, path=str(tmp_path)), "html.parser")
    inside, outside = soup.find("details").find_all("img")
    assert inside["src"].startswith("data:image/png;base64,")
    assert outside["src"] == "../outside.png"  # never read from outside the notebook's folder
