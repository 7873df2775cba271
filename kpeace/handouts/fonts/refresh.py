"""Regenerate the Korean font subset that handouts embed (run from a checkout, not at run time).

Needs Debian's ``fonts-noto-cjk`` (``apt-get install fonts-noto-cjk``) and fontTools with brotli
(the test extra). Collects every Hangul character in the course (data, notebooks, fact sheet,
teacher guide), cuts Noto Sans CJK KR (SIL Open Font License 1.1) down to them and writes
``NotoSansKR-kpeace.woff2`` beside this file. Usage::

    python -m kpeace.handouts.fonts.refresh
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
KOREAN_INDEX = 1  # "Noto Sans CJK KR" in the collection
OUTPUT = HERE / "NotoSansKR-kpeace.woff2"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def course_hangul(root: Path = ROOT) -> set[str]:
    """Return every Hangul character in the course's text files.

    Parameters
    ----------
    root : pathlib.Path, optional
        The repository.

    Returns
    -------
    set of str
        The characters.
    """
    data = root / "data"
    files = [p for p in data.rglob("*") if p.suffix in {".csv", ".md", ".json", ".geojson"}]
    files += [*(root / "notebooks").glob("*.ipynb"), *(root / "notebooks").glob("*.md")]
    found: set[str] = set()
    for path in files:
        found |= set(HANGUL.findall(path.read_text(encoding="utf-8")))
    return found


def main() -> int:
    """Write the subset; return a process exit status."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    if not SOURCE.is_file():
        print(f"{SOURCE} is missing: apt-get install fonts-noto-cjk", file=sys.stderr)
        return 1
    chars = course_hangul()
    font = TTCollection(str(SOURCE)).fonts[KOREAN_INDEX]
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # keep the copyright and licence records
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(str(OUTPUT))
    print(f"{len(chars)} Hangul characters → {OUTPUT.name} ({OUTPUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
