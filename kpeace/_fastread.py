"""Read a valid table fast: Python's C ``csv`` reader, then typed arrays built directly (private).

The course's tables are small (a few dozen rows each), so ``pandas.read_csv`` and per-column
``astype`` cost far more in fixed overhead than in parsing. This path reads the text with
:mod:`csv`, checks every cell against the schema in plain Python, and builds each column as
its final pandas array in one step. It gives up (returns None) at the first thing it does not
expect, and the caller then reads the file the careful way (:func:`kpeace._schema.convert_column`),
which defines the result and names the file, line and column of any problem. For every valid
file both paths give equal frames, dtypes included (``tests/test_loader.py`` compares them).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

_INTEGER = re.compile(r"-?[0-9]+\Z")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")

Column = list[str]


class _GiveUp(Exception):
    """The fast path cannot vouch for this file; the careful path reads it."""


@lru_cache(maxsize=256)
def _categorical(categories: tuple[str, ...], ordered: bool) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(categories), ordered=ordered)


@lru_cache(maxsize=1)
def _python_strings() -> bool:
    """Tell whether ``astype("string")`` gives pandas' own object-backed ``StringArray``."""
    dtype = pd.StringDtype()
    return dtype.storage == "python" and dtype.na_value is pd.NA


def _integer(cells: Column, field: Mapping[str, Any]) -> Any:
    del field
    values = np.zeros(len(cells), dtype="int64")
    mask = np.zeros(len(cells), dtype=bool)
    for i, cell in enumerate(cells):
        if not cell:
            mask[i] = True
        elif _INTEGER.match(cell):
            values[i] = int(cell)
        else:
            raise _GiveUp
    return pd.arrays.IntegerArray(values, mask)


def _number(cells: Column, field: Mapping[str, Any]) -> Any:
    del field
    if not all(not cell or _NUMBER.match(cell) for cell in cells):
        raise _GiveUp
    return np.array([float(cell) if cell else np.nan for cell in cells], dtype="float64")


def _boolean(cells: Column, field: Mapping[str, Any]) -> Any:
    true = set(field.get("trueValues", ["true"]))
    false = set(field.get("falseValues", ["false"]))
    values = np.zeros(len(cells), dtype=bool)
    mask = np.zeros(len(cells), dtype=bool)
    for i, cell in enumerate(cells):
        if cell in true:
            values[i] = True
        elif cell in false:
            pass
        elif not cell:
            mask[i] = True
        else:
            raise _GiveUp
    return pd.arrays.BooleanArray(values, mask)


@lru_cache(maxsize=1)
def _date_unit() -> str:
    """Return the resolution ``pandas.to_datetime`` gives dates (``us`` in pandas 3)."""
    return np.datetime_data(pd.to_datetime(["2000-01-01"], format="%Y-%m-%d").dtype)[0]


def _date(cells: Column, field: Mapping[str, Any]) -> Any:
    del field
    if not all(not cell or _DATE.match(cell) for cell in cells):
        raise _GiveUp
    try:  # numpy refuses impossible dates (2007-02-30) as strptime does
        return np.array([cell or "NaT" for cell in cells], dtype=f"datetime64[{_date_unit()}]")
    except ValueError:
        raise _GiveUp from None


def _string(cells: Column, field: Mapping[str, Any]) -> Any:
    categories = field.get("categories")
    if categories:
        dtype = _categorical(tuple(categories), bool(field.get("categoriesOrdered")))
        code = {value: i for i, value in enumerate(categories)}
        try:
            codes = [code[cell] if cell else -1 for cell in cells]
        except KeyError:
            raise _GiveUp from None
        return pd.Categorical.from_codes(codes, dtype=dtype)
    if _python_strings():  # the default storage: build the array without a second pass
        return pd.arrays.StringArray(np.array([cell or pd.NA for cell in cells], dtype=object))
    return pd.array([cell or None for cell in cells], dtype="string")


def _list(cells: Column, field: Mapping[str, Any]) -> Any:
    delimiter = field.get("delimiter", ",")
    as_int = field.get("itemType") == "integer"
    out = np.empty(len(cells), dtype=object)
    for i, cell in enumerate(cells):
        items = tuple(cell.split(delimiter)) if cell else ()
        if as_int:
            if not all(item.isdigit() for item in items):
                raise _GiveUp
            items = tuple(int(item) for item in items)
        out[i] = items
    return out


_BUILDERS: dict[str, Callable[[Column, Mapping[str, Any]], Any]] = {
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "string": _string,
    "list": _list,
}


def _column(cells: Column, field: Mapping[str, Any]) -> Any:
    kind = field.get("type", "string")
    if kind not in _BUILDERS:
        raise _GiveUp
    constraints = field.get("constraints", {})
    if constraints.get("required") and not all(cells):
        raise _GiveUp
    allowed = constraints.get("enum")
    if allowed and kind == "string" and not set(cells) - {""} <= set(allowed):
        raise _GiveUp
    if constraints.get("unique"):
        present = [cell for cell in cells if cell]
        if len(set(present)) != len(present):
            raise _GiveUp
    return _BUILDERS[kind](cells, field)


def _records(text: str, width: int) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if any(len(row) != width for row in rows):
        raise _GiveUp  # a blank line or a ragged row: let pandas' reader judge it
    return rows


def fast_read(text: str, fields: Sequence[Mapping[str, Any]]) -> pd.DataFrame | None:
    """Read a valid table in one pass; None when the careful path must judge the file.

    Parameters
    ----------
    text : str
        The CSV text.
    fields : sequence of Mapping
        The Table Schema fields, in column order.

    Returns
    -------
    pandas.DataFrame or None
        The typed table, equal to what the careful path gives, or None if any cell, the
        header or the file's shape is not what a valid file has.
    """
    names = [field["name"] for field in fields]
    try:
        rows = _records(text, len(names))
        if not rows or rows[0] != names:
            return None
        body = rows[1:]
        columns = [[row[i] for row in body] for i in range(len(names))]
        typed = {
            name: _column(cells, field)
            for name, cells, field in zip(names, columns, fields, strict=True)
        }
    except (_GiveUp, csv.Error, OverflowError):
        return None
    return pd.DataFrame(typed, index=pd.RangeIndex(len(body)), copy=False)
