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

import csv
import io
import json
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from kpeace._fastread import fast_read
from kpeace._keys import check_keys, key_values
from kpeace._paths import DESCRIPTOR, data_root
from kpeace._schema import DataFileError, convert_column

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


def _read_text(path: str) -> str:
    """Read a file of the data package as UTF-8; a bad file raises :class:`DataFileError`."""
    target = data_root().joinpath(path)
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        raise DataFileError(
            f"{path}: the file is missing from the data folder ({data_root()})"
        ) from None
    except OSError as err:
        raise DataFileError(f"{path}: cannot be read ({err.strerror or err})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataFileError(
            f"{path}, {_where_in_bytes(raw, err.start, path.endswith('.csv'))}: not valid UTF-8 "
            f"(byte 0x{raw[err.start]:02x}); save the file with UTF-8 encoding"
        ) from None


def _where_in_bytes(raw: bytes, offset: int, csv_file: bool) -> str:
    """Name the line, the CSV column (for a CSV file) and the character where ``offset`` is."""
    start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    before = raw[start:offset].decode("utf-8", errors="replace")
    where = f"line {line}, character {len(before) + 1}"
    if csv_file and line > 1:
        header = next(csv.reader([raw.split(b"\n", 1)[0].decode("utf-8", errors="replace")]))
        index = len(next(csv.reader([before]), [""])) - 1
        if 0 <= index < len(header):
            where += f" (column {header[index].strip()!r})"
    return where


def _check_descriptor(package: object) -> dict[str, Any]:
    def bad(detail: str) -> DataFileError:
        return DataFileError(f"{DESCRIPTOR}: {detail}")

    if not isinstance(package, dict):
        raise bad(f"expected a JSON object, found {type(package).__name__}")
    resources = package.get("resources")
    if not isinstance(resources, list) or not resources:
        raise bad("'resources' must be a non-empty list of tables")
    for index, res in enumerate(resources):
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            raise bad(f"resource {index + 1} has no 'name'")
        if not isinstance(res.get("path"), str):
            raise bad(f"resource {res['name']!r} has no 'path'")
        schema = res.get("schema")
        if schema is not None and not (
            isinstance(schema, dict)
            and isinstance(schema.get("fields"), list)
            and all(isinstance(f, dict) and "name" in f for f in schema["fields"])
        ):
            raise bad(f"resource {res['name']!r}: 'schema' needs a list of named 'fields'")
    return package


@lru_cache(maxsize=4)
def _package(root_key: str) -> dict[str, Any]:
    del root_key  # the cache key; data_root() is read again below
    text = _read_text(DESCRIPTOR)
    try:
        package = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataFileError(
            f"{DESCRIPTOR}, line {err.lineno}, column {err.colno}: not valid JSON ({err.msg})"
        ) from None
    return _check_descriptor(package)


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
    return _read_text(resource["path"])


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
        raise ValueError(
            f"Unknown table {name!r}.{_did_you_mean(name, names)} Valid names: {', '.join(names)}."
        )
    return name


def _did_you_mean(value: str, valid: list[str]) -> str:
    """Return `` Did you mean 'x'?`` for the closest valid name (ignoring case), or ``""``."""
    import difflib

    by_lower = {name.lower(): name for name in valid}
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=1)
    return f" Did you mean {by_lower[close[0]]!r}?" if close else ""


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


def careful_read(text: str, resource: Mapping[str, Any]) -> pd.DataFrame:
    """Read a table cell by cell, naming the file, line and column of the first problem.

    This path defines what a table loads as; :func:`kpeace._fastread.fast_read` gives the same
    frame for a valid file, faster, and hands every other file to this one.

    Parameters
    ----------
    text : str
        The CSV text.
    resource : Mapping
        The table's resource descriptor (``path`` and ``schema``).

    Returns
    -------
    pandas.DataFrame
        The typed table.

    Raises
    ------
    DataFileError
        If the file is not a readable CSV, its header differs from the schema, or a cell
        does not match its field.
    """
    path = resource["path"]
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


@lru_cache(maxsize=64)
def _load_cached(root_key: str, name: str) -> pd.DataFrame:
    del root_key
    resource = _resources()[name]
    text = _read_text(resource["path"])
    fast = fast_read(text, resource["schema"]["fields"])
    return fast if fast is not None else careful_read(text, resource)


def _line_of(path: str) -> Callable[[int], int]:
    """Map a row number to its CSV line (the header is line 1); reads the file when called."""

    def line_of(row: int) -> int:
        reader = csv.reader(io.StringIO(_read_text(path), newline=""))
        next(reader, None)
        start = reader.line_num + 1
        for index, _ in enumerate(reader):
            if index == row:
                return start
            start = reader.line_num + 1
        return row + 2

    return line_of


@lru_cache(maxsize=256)
def _key_values(root_key: str, name: str, columns: tuple[str, ...]) -> dict[Any, str]:
    if name not in _resources():
        raise DataFileError(f"{DESCRIPTOR}: a key refers to table {name!r}, which it does not list")
    return key_values(_load_cached(root_key, name), name, columns)


@lru_cache(maxsize=64)
def _checked(root_key: str, name: str) -> pd.DataFrame:
    """Load a table once and check its primary key and references (cached when they hold)."""
    frame = _load_cached(root_key, name)
    resource = _resources()[name]
    check_keys(
        name,
        resource,
        frame,
        lambda table, columns: _key_values(root_key, table, columns),
        _line_of(resource["path"]),
    )
    return frame


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
        If the file does not match its schema, is not UTF-8, or a primary key repeats or a
        foreign key (list columns too) does not resolve; the message names the table or file,
        the line, the column and the value. Keys are checked once per table and data folder.

    Examples
    --------
    >>> from kpeace import load
    >>> claims = load("claims")
    >>> sorted(claims["paragraph"].unique())[:3]
    [1, 2, 3]
    """
    return _checked(str(data_root()), _check_name(name)).copy()


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


def _is_whole_number(value: object) -> bool:
    """Tell whether ``value`` is an ``int`` or a numpy integer (never a boolean)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_paragraph(number: object) -> int:
    count = len(essay().paragraphs)
    if not _is_whole_number(number):
        raise TypeError(
            f"A paragraph number must be a whole number from 1 to {count}, "
            f"not {type(number).__name__}."
        )
    number = int(number)  # type: ignore[call-overload]
    if not 1 <= number <= count:
        raise ValueError(f"There is no paragraph {number}; the essay has paragraphs 1 to {count}.")
    return number


def paragraph(number: int) -> str:
    """Return the text of one body paragraph.

    Parameters
    ----------
    number : int
        The paragraph number, from 1 (a numpy integer from a table will do).

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
        The paragraph the words come from (a numpy integer from a table will do).
    text : str
        The exact words: case, punctuation and the curly apostrophe ’ must match.

    Returns
    -------
    str
        ``“text” (Snyder 2007, ¶N)``.

    Raises
    ------
    TypeError
        If ``text`` is not a string or ``number`` not an integer.
    ValueError
        If ``text`` is blank or not found character for character in that paragraph.
    """
    if not isinstance(text, str):
        raise TypeError(f"The quoted words must be a string, not {type(text).__name__}.")
    number = _check_paragraph(number)
    if not text.strip():
        raise ValueError(
            f"Nothing to quote from ¶{number}: {text!r} is blank. Pass the essay's exact words."
        )
    if text not in paragraph(number):
        raise ValueError(
            f"Not a verbatim quote from ¶{number}: {text!r}. Copy the words exactly, with the "
            "same capitals and punctuation (the essay uses curly apostrophes ’)."
        )
    return f"“{text}” ({cite(number)})"


def _source_ids() -> list[str]:
    return [str(s) for s in load("sources")["source_id"]]


def cite(ref: int | str | None = None) -> str:
    """Return a citation for the essay, a paragraph, a claim or an outside source.

    Parameters
    ----------
    ref : int, str or None
        ``None`` for the full reference to the essay; a paragraph number (``7``, or a numpy
        integer); a claim id
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
    if not (_is_whole_number(ref) or isinstance(ref, str)):
        raise TypeError(
            "cite() takes nothing, a paragraph number, a claim id such as 'C07', or a source id "
            f"such as 'facts-3'; not {type(ref).__name__}."
        )
    if not isinstance(ref, str):
        return f"{source.short}, ¶{_check_paragraph(ref)}"
    claims = load("claims").set_index("claim_id")
    if ref in claims.index:
        row = claims.loc[ref]
        return f"“{row['quote']}” ({source.short}, ¶{row['paragraph']})"
    sources = load("sources").set_index("source_id")
    if ref in sources.index:
        return str(sources.loc[ref, "citation"])
    hint = _did_you_mean(ref, list(claims.index.astype(str)) + _source_ids())
    raise ValueError(
        f"Nothing to cite for {ref!r}.{hint} Use a paragraph number (1–{len(source.paragraphs)}), "
        f"a claim id ({claims.index[0]}–{claims.index[-1]}) or a source id "
        f"({', '.join(_source_ids())})."
    )
