"""The compact Parquet layout of a quarter's usage lines and share rows (docs/broadcast-files.md).

At the size of a real quarter (10⁸ usage lines, 3 × 10⁷ share rows) the input folder keeps these
two tables as Parquet in their own types rather than as text: usage lines partitioned by month of
use (``usage/month=YYYY-MM/part-N.parquet``) with ``outcome`` and ``method`` as small integer codes
named in the file (or dictionary-encoded), 32-bit durations and integer sampling parts; share rows
(``rights.parquet``) with integer work ids, ``share_num`` / ``share_den``, dates, and ``role`` and
``right`` as codes named in the file (or dictionary-encoded).
:mod:`bunpai.formats.broadcast_input` reads either layout and gives the same figures as from the
CSV files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from bunpai.core.broadcast.model import OUTCOMES, RIGHTS
from bunpai.core.rules import ROLES

USAGE_TYPES: dict[str, pl.DataType | type[pl.DataType]] = {
    "outcome": pl.Categorical,
    "duration_s": pl.Int32,
    "method": pl.Categorical,
    "recorded": pl.Boolean,
    "sampling_num": pl.Int32,
    "sampling_den": pl.Int32,
}
"""Compact types of the usage columns; ``line_id``, ``station_id`` and ``work_id`` keep theirs
(integers when the identifiers are numbers, else text). With named codes (below) ``outcome`` and
``method`` are integers instead."""

CODES_KEY = "bunpai:codes"
"""Key of a Parquet file's key-value metadata that names the integer codes of its columns: JSON
such as ``{"method": [...], "outcome": [...]}``, code *i* of a column being the *i*-th name of its
list. Every file of a quarter's usage lines names its codes alike. Polars reads a small integer
column about ten times as fast as a dictionary-encoded text column, whose every row it looks up
among the category names: at 10⁸ lines, seconds of the run."""
CODED_COLUMNS = ("outcome", "method")
"""The usage columns that may be integer codes."""
RIGHTS_CODED_COLUMNS = ("right", "role")
"""The share-row columns that may be integer codes."""

RIGHTS_TYPES: dict[str, pl.DataType | type[pl.DataType]] = {
    "role": pl.Categorical,
    "right": pl.Categorical,
    "share_num": pl.Int64,
    "share_den": pl.Int64,
    "submitted_on": pl.Date,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
}

ROW_GROUP_ROWS = 1_000_000


def compact_usage(frame: pl.DataFrame) -> pl.DataFrame:
    """Usage lines (``line_id, station_id, work_id, outcome, duration_s, method, recorded,
    sampling_num, sampling_den``) in the compact types."""
    return frame.with_columns([pl.col(name).cast(dtype) for name, dtype in USAGE_TYPES.items()])


def usage_codes(methods: Sequence[str]) -> dict[str, list[str]]:
    """The names of the codes of a quarter's usage lines: every outcome, and the quarter's usage
    methods (``[method_points]``) in the order given."""
    return {"outcome": list(OUTCOMES), "method": list(methods)}


def rights_codes() -> dict[str, list[str]]:
    """The names of the codes of share rows: every right and every role, in text order."""
    return {"right": sorted(RIGHTS), "role": sorted(ROLES)}


def _as_codes(frame: pl.DataFrame, columns: Sequence[str], codes: Mapping[str, Sequence[str]]) -> list[pl.Expr]:
    """``columns`` of ``frame`` as the positions of their values among ``codes[column]``, in the
    narrowest unsigned type (empty cells stay empty). Raises ``ValueError`` for a value that is not
    named there, or for names given twice."""
    expressions = []
    for column in columns:
        names = list(codes[column])
        if len(set(names)) != len(names):
            raise ValueError(f"{column}: a name is given twice among the codes {names}")
        values = frame[column].cast(pl.String)
        present = values.drop_nulls().unique()
        unnamed = present.filter(~present.is_in(names))
        if unnamed.len():
            raise ValueError(f"{column}: {sorted(unnamed.to_list())} not among the codes {names}")
        dtype = pl.UInt8 if len(names) <= 1 << 8 else pl.UInt16 if len(names) <= 1 << 16 else pl.UInt32
        expressions.append(values.replace_strict(names, list(range(len(names))), return_dtype=dtype).alias(column))
    return expressions


def codes_named_in(path: Path) -> dict[str, Any] | None:
    """What a Parquet file's key-value metadata gives under ``CODES_KEY``: its JSON object (the
    names of the codes of some columns, not checked here), ``{}`` when the file gives none, and
    ``None`` when the text is not a JSON object."""
    text = pl.read_parquet_metadata(path).get(CODES_KEY)
    if not text:
        return {}
    try:
        given = json.loads(text)
    except ValueError:
        return None
    return given if isinstance(given, dict) else None


def _codes_metadata(codes: Mapping[str, Sequence[str]], columns: Sequence[str]) -> dict[str, str]:
    """The key-value metadata that names the codes of ``columns``."""
    return {CODES_KEY: json.dumps({column: list(codes[column]) for column in sorted(columns)}, ensure_ascii=False)}


def _coded(
    frame: pl.DataFrame,
    types: Mapping[str, pl.DataType | type[pl.DataType]],
    columns: Sequence[str],
    codes: Mapping[str, Sequence[str]],
) -> pl.DataFrame:
    """``frame`` in the compact ``types`` with ``columns`` as integer codes (:func:`_as_codes`)."""
    others = [pl.col(name).cast(dtype) for name, dtype in types.items() if name not in columns]
    return frame.with_columns(*_as_codes(frame, columns, codes), *others)


def coded_usage(frame: pl.DataFrame, codes: Mapping[str, Sequence[str]]) -> pl.DataFrame:
    """Usage lines in the compact types with ``outcome`` and ``method`` as the positions of their
    values among ``codes[column]`` (empty cells stay empty). Raises ``ValueError`` for a value that
    is not named there, or for names given twice."""
    return _coded(frame, USAGE_TYPES, CODED_COLUMNS, codes)


def write_usage_part(
    frame: pl.DataFrame, folder: Path, month: str, part: int, codes: Mapping[str, Sequence[str]] | None = None
) -> Path:
    """Write one part of a month's usage lines (``usage/month=YYYY-MM/part-N.parquet``); returns its
    path. With ``codes`` (:func:`usage_codes`: the same for every part of a quarter) ``outcome``
    and ``method`` are written as integer codes named in the file's metadata (``CODES_KEY``), else
    dictionary-encoded."""
    directory = folder / "usage" / f"month={month}"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"part-{part}.parquet"
    if codes is None:
        compact_usage(frame).write_parquet(path, row_group_size=ROW_GROUP_ROWS)
        return path
    coded_usage(frame, codes).write_parquet(
        path, row_group_size=ROW_GROUP_ROWS, metadata=_codes_metadata(codes, CODED_COLUMNS)
    )
    return path


def compact_rights(frame: pl.DataFrame) -> pl.DataFrame:
    """Share rows (``work_id, party_id, role, right, share_num, share_den, submitted_on, valid_from,
    valid_to``) in the compact types."""
    return frame.with_columns([pl.col(name).cast(dtype) for name, dtype in RIGHTS_TYPES.items()])


def coded_rights(frame: pl.DataFrame, codes: Mapping[str, Sequence[str]]) -> pl.DataFrame:
    """Share rows in the compact types with ``role`` and ``right`` as the positions of their values
    among ``codes[column]`` (:func:`rights_codes`); raises ``ValueError`` as :func:`coded_usage`."""
    return _coded(frame, RIGHTS_TYPES, RIGHTS_CODED_COLUMNS, codes)


def write_rights(frame: pl.DataFrame, folder: Path, codes: Mapping[str, Sequence[str]] | None = None) -> Path:
    """Write the share rows as ``rights.parquet``; returns its path. With ``codes``
    (:func:`rights_codes`) ``role`` and ``right`` are integer codes named in the file's metadata
    (``CODES_KEY``), else dictionary-encoded."""
    path = folder / "rights.parquet"
    if codes is None:
        compact_rights(frame).write_parquet(path, row_group_size=ROW_GROUP_ROWS)
        return path
    coded_rights(frame, codes).write_parquet(
        path, row_group_size=ROW_GROUP_ROWS, metadata=_codes_metadata(codes, RIGHTS_CODED_COLUMNS)
    )
    return path
