"""Check a table's primary key and foreign keys as ``datapackage.json`` declares them (private).

A Table Schema's ``primaryKey`` must be present and unique in every row; each entry of its
``foreignKeys`` must resolve in the referenced table (an empty ``resource`` is the table
itself). ``list`` fields declare their references as ``x-references`` (``resource`` and
``field``): every item of every cell must resolve. The checks are vectorised (set
differences of each column's distinct values, no loop over rows); only the error path looks
for the row, to name its CSV line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import chain
from typing import Any

import pandas as pd

from kpeace._schema import DataFileError

# (table, columns) -> the key's distinct values
KeyValues = Callable[[str, "tuple[str, ...]"], "dict[Any, str]"]
SHOWN = 12  # valid values listed in a message before "… (N in all)"


def _names(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _show(value: Any) -> str:
    """Return ``repr`` of a cell value, numpy scalars shown as plain Python values."""
    return repr(value.item() if hasattr(value, "item") else value)


def _present(values: pd.Series) -> list[Any]:
    """Return a column's values as plain Python objects, missing cells (NA, NaN) left out.

    Tables are small, so a list beats pandas' ``dropna().unique()`` (fixed costs per call).
    """
    return [value for value in values.tolist() if value is not pd.NA and value == value]


def _listing(valid: Mapping[Any, str]) -> str:
    values = list(valid.values())
    shown = ", ".join(values[:SHOWN])
    return shown if len(values) <= SHOWN else f"{shown}, … ({len(values)} in all)"


class _Place:
    """Where a table lives, for messages: its name, file and a row → CSV line mapping."""

    def __init__(self, name: str, path: str, line_of: Callable[[int], int]) -> None:
        self.name, self.path, self.line_of = name, path, line_of

    def fail(self, row: int, columns: Sequence[str], message: str) -> DataFileError:
        label = "column" if len(columns) == 1 else "columns"
        cols = ", ".join(repr(c) for c in columns)
        return DataFileError(
            f"table {self.name!r} ({self.path}), line {self.line_of(row)}, {label} {cols}: "
            f"{message}"
        )


def _check_primary_key(frame: pd.DataFrame, key: list[str], place: _Place) -> None:
    for column in key:
        if frame[column].hasnans:
            row = int(frame[column].isna().to_numpy().nonzero()[0][0])
            raise place.fail(row, [column], "the primary key is empty; every row needs one")
    if len(key) == 1:
        unique = frame[key[0]].is_unique
    else:
        unique = len(set(zip(*(frame[column] for column in key), strict=True))) == len(frame)
    if unique:
        return
    keys = frame[key]
    repeated = keys.duplicated()
    row = int(repeated.to_numpy().nonzero()[0][0])
    value = tuple(_show(v) for v in keys.iloc[row])
    first = int((keys == keys.iloc[row]).all(axis=1).to_numpy().nonzero()[0][0])
    shown = value[0] if len(value) == 1 else f"({', '.join(value)})"
    raise place.fail(
        row,
        key,
        f"the primary key {shown} appears twice (first on line {place.line_of(first)}); "
        "each row needs its own key",
    )


def _check_reference(
    frame: pd.DataFrame,
    fields: list[str],
    key_values: KeyValues,
    target_name: str,
    target_fields: list[str],
    place: _Place,
) -> None:
    what = f"{', '.join(target_fields)} of table {target_name!r}"
    if len(fields) == 1:
        values = frame[fields[0]]
        valid_values = key_values(target_name, (target_fields[0],))
        unknown = set(_present(values)) - valid_values.keys()
        if unknown:
            row = int(values.isin(list(unknown)).to_numpy().nonzero()[0][0])
            raise place.fail(
                row,
                fields,
                f"{_show(values.iloc[row])} matches no {what}; valid values: "
                f"{_listing(valid_values)}",
            )
        return
    valid_keys = key_values(target_name, tuple(target_fields))
    here = frame[fields].dropna()
    rows = list(zip(*(here[field] for field in fields), strict=True))
    unknown = set(rows) - valid_keys.keys()
    if unknown:
        position = next(i for i, row in enumerate(rows) if row in unknown)
        raise place.fail(
            int(here.index[position]),
            fields,
            f"({', '.join(_show(v) for v in rows[position])}) matches no {what}",
        )


def _check_list_reference(
    frame: pd.DataFrame,
    field: Mapping[str, Any],
    key_values: KeyValues,
    target_name: str,
    target_field: str,
    place: _Place,
) -> None:
    column = field["name"]
    valid_values = key_values(target_name, (target_field,))
    unknown = set(chain.from_iterable(_present(frame[column]))) - valid_values.keys()
    if unknown:
        row = int(frame[column].map(unknown.intersection).map(bool).to_numpy().nonzero()[0][0])
        cell = frame[column].iloc[row]
        item = next(x for x in cell if x in unknown)
        text = field.get("delimiter", ",").join(str(x) for x in cell)
        raise place.fail(
            row,
            [column],
            f"{_show(item)} in {text!r} matches no {target_field} of table {target_name!r}; "
            f"valid values: {_listing(valid_values)}",
        )


def key_values(table: pd.DataFrame, name: str, columns: tuple[str, ...]) -> dict[Any, str]:
    """Return the distinct values of a key (one column, or several together).

    Parameters
    ----------
    table : pandas.DataFrame
        The typed table referred to.
    name : str
        Its name (for the message when a column is not one of its columns).
    columns : tuple of str
        The column(s) referred to.

    Returns
    -------
    dict
        Each distinct value (as pandas gives it: ``str`` or an integer; a tuple of them for
        several columns; rows with a missing value left out) mapped to its text, in table
        order: a set for lookups that keeps the order for messages.

    Raises
    ------
    DataFileError
        If a column is not a column of the table (the descriptor is wrong).
    """
    unknown = [column for column in columns if column not in table.columns]
    if unknown:
        raise DataFileError(
            f"datapackage.json: a key refers to {name}.{unknown[0]}, which is not a column of "
            f"table {name!r}"
        )
    if len(columns) == 1:
        return {value: str(value) for value in _present(table[columns[0]])}
    rows = table[list(columns)].dropna()
    keys = zip(*(rows[column] for column in columns), strict=True)
    return {key: str(key) for key in keys}


def check_keys(
    name: str,
    resource: Mapping[str, Any],
    frame: pd.DataFrame,
    key_values: KeyValues,
    line_of: Callable[[int], int],
) -> None:
    """Check one table's primary key, foreign keys and list references.

    Parameters
    ----------
    name : str
        The table's name.
    resource : Mapping
        Its resource descriptor (``path`` and ``schema``).
    frame : pandas.DataFrame
        The typed table, one row per CSV record, in file order.
    key_values : callable
        ``key_values(table, columns)`` returns the distinct values of a key of a table
        (:func:`key_values`; cached by the caller, since many tables refer to one).
    line_of : callable
        Returns the CSV line (the header is line 1) of a row, for messages.

    Raises
    ------
    DataFileError
        At the first row that breaks a key; the message names the table, its file, the CSV
        line, the column(s) and the value, with the valid values where they are few.
    """
    schema = resource["schema"]
    place = _Place(name, resource["path"], line_of)
    key = _names(schema.get("primaryKey", []))
    if key:
        _check_primary_key(frame, key, place)
    for foreign in schema.get("foreignKeys", []):
        reference = foreign["reference"]
        _check_reference(
            frame,
            _names(foreign["fields"]),
            key_values,
            reference.get("resource") or name,
            _names(reference["fields"]),
            place,
        )
    for field in schema["fields"]:
        reference = field.get("x-references")
        if reference:
            _check_list_reference(
                frame,
                field,
                key_values,
                reference.get("resource") or name,
                reference["field"],
                place,
            )
