"""The essay and its tables: list, load, describe, quote and cite.

Everything here reads ``datapackage.json`` (a Frictionless Data Package) and the CSV files
beside it. Dtypes come from the schema: dates load as datetimes, fields with categories as
(ordered) categoricals, ``list`` fields as tuples of ids.

Examples
--------
>>> import kpeace
>>> "claims" in kpeace.datasets()
True
>>> kpeace.load("claims").loc[0, "paragraph"]
1
>>> kpeace.cite(7)
'Snyder 2007, ¶7'
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from kpeace._paths import DESCRIPTOR, data_root
from kpeace._schema import DataFileError, convert_column, fast_read

__all__ = [
    "DataFileError",
    "Essay",
    "cite",
    "datasets",
    "describe",
    "essay",
    "fact_sheet",
    "load",
    "paragraph",
    "quote",
]


@dataclass(frozen=True)
class Essay:
    """The source essay: bibliographic metadata and its numbered body paragraphs.

    Attributes
    ----------
    title, author, author_affiliation, date, publisher, series : str
        Bibliographic data as printed in the source (``date`` is ISO ``YYYY-MM-DD``).
    summary : str
        The source's own summary line (which names the conference).
    conference : dict
        ``title``, ``sponsor`` and ``date`` of the conference the essay summarises.
    attribution, rights, normalization : str
        How to credit the essay, its copyright status, and the one change made to its text.
    paragraphs : tuple of str
        The body paragraphs; ``paragraphs[0]`` is ¶1.
    """

    title: str
    author: str
    author_affiliation: str
    date: str
    publisher: str
    series: str
    summary: str
    conference: dict[str, str]
    attribution: str
    rights: str
    normalization: str
    paragraphs: tuple[str, ...]

    @property
    def short(self) -> str:
        """Short author–year label, e.g. ``"Snyder 2007"``."""
        return f"{self.author.split()[-1]} {self.date[:4]}"

    def citation(self) -> str:
        """Return the full reference to the essay.

        Returns
        -------
        str
            Author, title, series, publisher and date.
        """
        return (
            f'{self.author}, "{self.title}", {self.series} ({self.publisher}), '
            f"{_long_date(self.date)}."
        )


def _long_date(iso: str) -> str:
    stamp = pd.Timestamp(iso)
    return f"{stamp.day} {stamp.strftime('%B %Y')}"


@lru_cache(maxsize=4)
def _package(root_key: str) -> dict[str, Any]:
    del root_key  # the cache key; data_root() is read again below
    root = data_root()
    return json.loads(root.joinpath(DESCRIPTOR).read_text(encoding="utf-8"))


def _descriptor() -> dict[str, Any]:
    return _package(str(data_root()))


def _resources() -> dict[str, dict[str, Any]]:
    return {res["name"]: res for res in _descriptor()["resources"] if "schema" in res}


def fact_sheet() -> str:
    """Return the course fact sheet (Markdown), the source of every fact outside the essay.

    Returns
    -------
    str
        The fact sheet's text; rows cite it by section as ``source_id`` ``facts-1`` … ``facts-7``.
    """
    resource = next(r for r in _descriptor()["resources"] if r["name"] == "fact_sheet")
    return data_root().joinpath(resource["path"]).read_text(encoding="utf-8")


def datasets() -> list[str]:
    """List the names of the tables in the data package.

    Returns
    -------
    list of str
        Table names in the order ``datapackage.json`` gives them.

    Examples
    --------
    >>> from kpeace import datasets
    >>> datasets()[:3]
    ['paragraphs', 'sources', 'actors']
    """
    return list(_resources())


def _check_name(name: object) -> str:
    if isinstance(name, pd.DataFrame):
        raise TypeError(
            "Pass the name of a table as a string, e.g. load('claims'), not a DataFrame."
        )
    if not isinstance(name, str):
        raise TypeError(
            f"A table name must be a string, not {type(name).__name__}; "
            f"valid names: {', '.join(datasets())}."
        )
    names = datasets()
    if name not in names:
        import difflib

        close = difflib.get_close_matches(name, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"Unknown table {name!r}.{hint} Valid names: {', '.join(names)}.")
    return name


def describe(name: str) -> dict[str, Any]:
    """Return the descriptor of one table: title, description, sources and fields.

    Parameters
    ----------
    name : str
        A name from :func:`datasets`.

    Returns
    -------
    dict
        A copy of the Frictionless resource descriptor (safe to modify).

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not a table; the message lists the valid names.
    """
    import copy

    return copy.deepcopy(_resources()[_check_name(name)])


@lru_cache(maxsize=64)
def _load_cached(root_key: str, name: str) -> pd.DataFrame:
    del root_key
    resource = _resources()[name]
    path = resource["path"]
    text = data_root().joinpath(path).read_text(encoding="utf-8")
    fast = fast_read(text, resource["schema"]["fields"])
    if fast is not None:
        return fast
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataFileError(f"{path}: not a readable CSV file ({err})") from None
    fields = resource["schema"]["fields"]
    expected = [field["name"] for field in fields]
    if list(raw.columns) != expected:
        missing = [col for col in expected if col not in raw.columns]
        extra = [col for col in raw.columns if col not in expected]
        detail = (
            "; ".join(
                part
                for part in (
                    f"missing column(s): {', '.join(missing)}" if missing else "",
                    f"unexpected column(s): {', '.join(extra)}" if extra else "",
                )
                if part
            )
            or f"columns out of order; expected {', '.join(expected)}"
        )
        raise DataFileError(f"{path}, line 1 (header): {detail}")
    columns = {field["name"]: convert_column(raw[field["name"]], field, path) for field in fields}
    return pd.DataFrame(columns, index=pd.RangeIndex(len(raw)))


def load(name: str) -> pd.DataFrame:
    """Load one table as a typed DataFrame.

    Parameters
    ----------
    name : str
        A name from :func:`datasets`, e.g. ``"claims"`` or ``"events"``.

    Returns
    -------
    pandas.DataFrame
        A fresh copy (changing it does not change later loads). Column dtypes follow the
        schema; see :func:`describe` for what each column means.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not a table (the message lists valid names and a close match).
    DataFileError
        If the file does not match its schema (the message names file, line and column).

    Examples
    --------
    >>> from kpeace import load
    >>> claims = load("claims")
    >>> sorted(claims["paragraph"].unique())[:3]
    [1, 2, 3]
    """
    return _load_cached(str(data_root()), _check_name(name)).copy()


def essay() -> Essay:
    """Return the essay: metadata and numbered paragraphs.

    Returns
    -------
    Essay
        Title, author, date, publisher, the conference it summarises, attribution, rights,
        the documented text normalisation, and the body paragraphs.
    """
    meta = _descriptor()["essay"]
    texts = tuple(load("paragraphs").sort_values("paragraph")["text"].astype(str))
    return Essay(
        title=meta["title"],
        author=meta["author"],
        author_affiliation=meta["author_affiliation"],
        date=meta["date"],
        publisher=meta["publisher"],
        series=meta["series"],
        summary=meta["summary"],
        conference=dict(meta["conference"]),
        attribution=meta["attribution"],
        rights=meta["rights"],
        normalization=meta["normalization"],
        paragraphs=texts,
    )


def _check_paragraph(number: object) -> int:
    count = len(essay().paragraphs)
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(
            f"A paragraph number must be a whole number from 1 to {count}, "
            f"not {type(number).__name__}."
        )
    if not 1 <= number <= count:
        raise ValueError(f"There is no paragraph {number}; the essay has paragraphs 1 to {count}.")
    return number


def paragraph(number: int) -> str:
    """Return the text of one body paragraph.

    Parameters
    ----------
    number : int
        The paragraph number, from 1.

    Returns
    -------
    str
        The paragraph as normalised (see ``essay().normalization``).

    Raises
    ------
    TypeError
        If ``number`` is not an integer.
    ValueError
        If there is no such paragraph (the message gives the valid range).
    """
    return essay().paragraphs[_check_paragraph(number) - 1]


def quote(number: int, text: str) -> str:
    """Return ``text`` as a cited quotation, after checking it is verbatim in ¶``number``.

    Parameters
    ----------
    number : int
        The paragraph the words come from.
    text : str
        The exact words.

    Returns
    -------
    str
        ``“text” (Snyder 2007, ¶N)``.

    Raises
    ------
    TypeError
        If ``text`` is not a string or ``number`` not an integer.
    ValueError
        If ``text`` is not found word for word in that paragraph.
    """
    if not isinstance(text, str):
        raise TypeError(f"The quoted words must be a string, not {type(text).__name__}.")
    body = paragraph(number)
    if not text or text not in body:
        raise ValueError(
            f"Not a verbatim quote from ¶{number}: {text!r}. Copy the words exactly "
            "(the essay uses curly apostrophes ’)."
        )
    return f"“{text}” ({cite(number)})"


def _source_ids() -> list[str]:
    return [str(s) for s in load("sources")["source_id"]]


def cite(ref: int | str | None = None) -> str:
    """Return a citation for the essay, a paragraph, a claim or an outside source.

    Parameters
    ----------
    ref : int, str or None
        ``None`` for the full reference to the essay; a paragraph number (``7``); a claim id
        (``"C21"``) for its quote with paragraph; or a source id (``"facts-3"``).

    Returns
    -------
    str
        The citation text.

    Raises
    ------
    TypeError
        If ``ref`` is of another type.
    ValueError
        If ``ref`` is not a known paragraph, claim or source (the message lists what is valid).

    Examples
    --------
    >>> from kpeace import cite
    >>> cite("C21")[:40]
    '“This forum will involve the United Stat'
    """
    source = essay()
    if ref is None:
        return source.citation()
    if isinstance(ref, bool) or not isinstance(ref, (int, str)):
        raise TypeError(
            "cite() takes nothing, a paragraph number, a claim id such as 'C07', or a source id "
            f"such as 'facts-3'; not {type(ref).__name__}."
        )
    if isinstance(ref, int):
        return f"{source.short}, ¶{_check_paragraph(ref)}"
    claims = load("claims").set_index("claim_id")
    if ref in claims.index:
        row = claims.loc[ref]
        return f"“{row['quote']}” ({source.short}, ¶{row['paragraph']})"
    sources = load("sources").set_index("source_id")
    if ref in sources.index:
        return str(sources.loc[ref, "citation"])
    valid = list(claims.index.astype(str)) + _source_ids()
    import difflib

    close = difflib.get_close_matches(ref, valid, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ValueError(
        f"Nothing to cite for {ref!r}.{hint} Use a paragraph number (1–{len(source.paragraphs)}), "
        f"a claim id ({claims.index[0]}–{claims.index[-1]}) or a source id "
        f"({', '.join(_source_ids())})."
    )
