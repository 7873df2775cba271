"""Check a table's primary key and foreign keys as ``datapackage.json`` declares them (private).

A Table Schema's ``primaryKey`` must be present and unique in every row; each entry of its
``foreignKeys`` must resolve in the referenced table (an empty ``resource`` is the table
itself). ``list`` fields declare their references as ``x-references`` (``resource`` and
``field``): every item of every cell must resolve. The checks are vectorised (``isin`` and
``duplicated``); only the error path looks at single rows, to name the CSV line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from kpeace._schema import DataFileError

SHOWN = 12  # valid values listed in a message before "… (N in all)"


def _names(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _text(series: pd.Series) -> pd.Series:
    """Compare keys as text, so that ``Int64`` ids and integer list items match."""
    return series.astype("string")


def _show(value: Any) -> str:
    """Return ``repr`` of a cell value, numpy scalars shown as plain Python values."""
    return repr(value.item() if hasattr(value, "item") else value)


def _listing(values: Sequence[str]) -> str:
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
    keys = frame[key]
    empty = keys.isna()
    if empty.to_numpy().any():
        row = int(empty.any(axis=1).to_numpy().nonzero()[0][0])
        column = next(c for c in key if empty[c].iloc[row])
        raise place.fail(row, [column], "the primary key is empty; every row needs one")
    repeated = keys.duplicated()
    if repeated.any():
        row = int(repeated.to_numpy().nonzero()[0][0])
        value = tuple(keys.iloc[row])
        first = int((keys == keys.iloc[row]).all(axis=1).to_numpy().nonzero()[0][0])
        shown = repr(value[0]) if len(value) == 1 else repr(value)
        raise place.fail(
            row,
            key,
            f"the primary key {shown} appears twice (first on line {place.line_of(first)}); "
            "each row needs its own key",
        )


def _check_reference(
    frame: pd.DataFrame,
    fields: list[str],
    target: pd.DataFrame,
    target_name: str,
    target_fields: list[str],
    place: _Place,
) -> None:
    what = f"{', '.join(target_fields)} of table {target_name!r}"
    if len(fields) == 1:
        values = _text(frame[fields[0]])
        valid_values = _text(target[target_fields[0]]).dropna().drop_duplicates()
        bad = values.notna() & ~values.isin(valid_values)
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise place.fail(
                row,
                fields,
                f"{_show(frame[fields[0]].iloc[row])} matches no {what}; valid values: "
                f"{_listing(list(valid_values))}",
            )
        return
    here = frame[fields].apply(_text)
    complete = here.notna().all(axis=1)
    there = pd.MultiIndex.from_frame(target[target_fields].apply(_text).dropna())
    bad = complete & ~pd.MultiIndex.from_frame(here.fillna("")).isin(there)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise place.fail(row, fields, f"{tuple(here.iloc[row])!r} matches no {what}")


def _check_list_reference(
    frame: pd.DataFrame,
    field: Mapping[str, Any],
    target: pd.DataFrame,
    target_name: str,
    target_field: str,
    place: _Place,
) -> None:
    column = field["name"]
    items = _text(frame[column].explode()).dropna()
    valid_values = _text(target[target_field]).dropna().drop_duplicates()
    bad = ~items.isin(valid_values)
    if bad.any():
        row = int(items.index[bad.to_numpy()][0])
        item = items[bad].iloc[0]
        cell = field.get("delimiter", ",").join(str(x) for x in frame[column].iloc[row])
        raise place.fail(
            row,
            [column],
            f"{item!r} in {cell!r} matches no {target_field} of table {target_name!r}; "
            f"valid values: {_listing(list(valid_values))}",
        )


def _target(
    name: str, target_name: str, columns: list[str], frame: pd.DataFrame, table: Any
) -> pd.DataFrame:
    target = frame if target_name == name else table(target_name)
    unknown = [c for c in columns if c not in target.columns]
    if unknown:
        raise DataFileError(
            f"datapackage.json: table {name!r} refers to {target_name}.{unknown[0]}, "
            f"which is not a column of {target_name!r}"
        )
    return target


def check_keys(
    name: str,
    resource: Mapping[str, Any],
    frame: pd.DataFrame,
    table: Callable[[str], pd.DataFrame],
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
    table : callable
        Returns another typed table by name (raises :class:`DataFileError` for an unknown one).
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
        target_name = reference.get("resource") or name
        target_fields = _names(reference["fields"])
        target = _target(name, target_name, target_fields, frame, table)
        _check_reference(
            frame, _names(foreign["fields"]), target, target_name, target_fields, place
        )
    for field in schema["fields"]:
        reference = field.get("x-references")
        if reference:
            target_name = reference.get("resource") or name
            target = _target(name, target_name, [reference["field"]], frame, table)
            _check_list_reference(frame, field, target, target_name, reference["field"], place)
