"""Turn a Frictionless Table Schema into typed pandas columns (private).

Every dtype comes from ``datapackage.json``; no table has code of its own. The mapping:

==================  ==========================================================
Table Schema        pandas
==================  ==========================================================
integer             ``Int64``
number              ``float64``
boolean             ``boolean`` (``true`` / ``false``)
string              ``string``; ``category`` when the field lists categories
                    (ordered when ``categoriesOrdered`` is true)
date                ``datetime64[ns]`` (``YYYY-MM-DD``)
list                a tuple per cell (``delimiter`` and ``itemType`` from the schema)
==================  ==========================================================

Every cell is checked while it is converted, so a malformed file fails with the file, the
line and the column named.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

MISSING = ""


class DataFileError(ValueError):
    """A data file does not match its schema (the message names file, row and column)."""


def _fail(path: str, line: int | None, column: str, message: str) -> DataFileError:
    where = f"{path}, line {line}" if line is not None else path
    return DataFileError(f"{where}, column {column!r}: {message}")


def _first_bad(mask: pd.Series) -> int:
    """Return the CSV line number (header = line 1) of the first True in ``mask``."""
    return int(mask.to_numpy().nonzero()[0][0]) + 2


def _convert_integer(raw: pd.Series, field: Mapping[str, Any]) -> pd.Series:
    del field
    return pd.to_numeric(raw.where(raw != MISSING), errors="coerce").astype("Int64")


def _convert_number(raw: pd.Series, field: Mapping[str, Any]) -> pd.Series:
    del field
    return pd.to_numeric(raw.where(raw != MISSING), errors="coerce").astype("float64")


def _convert_boolean(raw: pd.Series, field: Mapping[str, Any]) -> pd.Series:
    true = set(field.get("trueValues", ["true"]))
    false = set(field.get("falseValues", ["false"]))
    out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    out[raw.isin(true)] = True
    out[raw.isin(false)] = False
    return out


def _convert_date(raw: pd.Series, field: Mapping[str, Any]) -> pd.Series:
    del field
    return pd.to_datetime(raw.where(raw != MISSING), format="%Y-%m-%d", errors="coerce")


def _convert_string(raw: pd.Series, field: Mapping[str, Any]) -> pd.Series:
    values = raw.where(raw != MISSING)
    categories = field.get("categories")
    if categories:
        dtype = pd.CategoricalDtype(categories, ordered=bool(field.get("categoriesOrdered")))
        return values.astype(dtype)
    return values.astype("string")


def _convert_list(raw: pd.Series, field: Mapping[str, Any]) -> pd.Series:
    delimiter = field.get("delimiter", ",")
    items = raw.map(lambda cell: tuple(cell.split(delimiter)) if cell else ())
    if field.get("itemType") == "integer":
        return items.map(lambda cell: tuple(int(x) if x.isdigit() else None for x in cell))
    return items


_CONVERTERS: dict[str, Callable[[pd.Series, Mapping[str, Any]], pd.Series]] = {
    "integer": _convert_integer,
    "number": _convert_number,
    "boolean": _convert_boolean,
    "date": _convert_date,
    "string": _convert_string,
    "list": _convert_list,
}

_TYPE_HINTS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "date": "a date written YYYY-MM-DD",
}


def convert_column(raw: pd.Series, field: Mapping[str, Any], path: str) -> pd.Series:
    """Convert one raw text column to its schema type, checking every cell.

    Parameters
    ----------
    raw : pandas.Series
        The column as read, every cell a string (``""`` for missing).
    field : Mapping
        The Table Schema field descriptor.
    path : str
        The file name used in error messages.

    Returns
    -------
    pandas.Series
        The typed column.

    Raises
    ------
    DataFileError
        If a cell is missing where required, has the wrong type or is not an allowed value.
    """
    name = field["name"]
    kind = field.get("type", "string")
    if kind not in _CONVERTERS:
        raise _fail(path, None, name, f"unsupported field type {kind!r} in the schema")
    constraints = field.get("constraints", {})
    missing = raw == MISSING
    if constraints.get("required") and missing.any():
        raise _fail(path, _first_bad(missing), name, "a value is required but the cell is empty")
    allowed = constraints.get("enum") or field.get("categories")
    if allowed and kind == "string":
        bad = ~raw.isin(allowed) & ~missing
        if bad.any():
            value = raw[bad].iloc[0]
            raise _fail(
                path,
                _first_bad(bad),
                name,
                f"{value!r} is not an allowed value; valid values: {', '.join(map(str, allowed))}",
            )
    out = _CONVERTERS[kind](raw, field)
    if kind == "list":
        bad = out.map(lambda cell: None in cell)
        if bad.any():
            raise _fail(
                path,
                _first_bad(bad),
                name,
                f"{raw[bad].iloc[0]!r} is not a list of "
                f"{field.get('itemType', 'string')} items separated by "
                f"{field.get('delimiter', ',')!r}",
            )
    if kind in _TYPE_HINTS:
        bad = out.isna() & ~missing
        if bad.any():
            line = _first_bad(bad)
            value = raw[bad].iloc[0]
            raise _fail(path, line, name, f"{value!r} is not {_TYPE_HINTS[kind]}")
    if constraints.get("unique"):
        dup = raw.duplicated() & ~missing
        if dup.any():
            raise _fail(path, _first_bad(dup), name, f"{raw[dup].iloc[0]!r} appears twice")
    return out


def pandas_dtype(field: Mapping[str, Any]) -> str:
    """Return a short name of the pandas dtype a field loads as (for documentation).

    Parameters
    ----------
    field : Mapping
        The Table Schema field descriptor.

    Returns
    -------
    str
        For example ``"Int64"``, ``"category (ordered)"`` or ``"tuple of str"``.
    """
    kind = field.get("type", "string")
    if kind == "string" and field.get("categories"):
        return "category (ordered)" if field.get("categoriesOrdered") else "category"
    return {
        "integer": "Int64",
        "number": "float64",
        "boolean": "boolean",
        "date": "datetime64[ns]",
        "string": "string",
        "list": "tuple of int" if field.get("itemType") == "integer" else "tuple of str",
    }.get(kind, kind)
