"""The compact Parquet layout of a quarter's usage lines and share rows (docs/broadcast-files.md).

At the size of a real quarter (10⁸ usage lines, 3 × 10⁷ share rows) the input folder keeps these
two tables as Parquet in their own types rather than as text: usage lines partitioned by month of
use (``usage/month=YYYY-MM/part-N.parquet``) with dictionary-encoded ``outcome`` and ``method``,
32-bit durations and integer sampling parts; share rows (``rights.parquet``) with integer work ids,
``share_num`` / ``share_den`` and dates. :mod:`bunpai.formats.broadcast_input` reads either layout
and gives the same figures as from the CSV files.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

USAGE_TYPES: dict[str, pl.DataType | type[pl.DataType]] = {
    "outcome": pl.Categorical,
    "duration_s": pl.Int32,
    "method": pl.Categorical,
    "recorded": pl.Boolean,
    "sampling_num": pl.Int32,
    "sampling_den": pl.Int32,
}
"""Compact types of the usage columns; ``line_id``, ``station_id`` and ``work_id`` keep theirs
(integers when the identifiers are numbers, else text)."""

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


def write_usage_part(frame: pl.DataFrame, folder: Path, month: str, part: int) -> Path:
    """Write one part of a month's usage lines (``usage/month=YYYY-MM/part-N.parquet``); returns its path."""
    directory = folder / "usage" / f"month={month}"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"part-{part}.parquet"
    compact_usage(frame).write_parquet(path, row_group_size=ROW_GROUP_ROWS)
    return path


def compact_rights(frame: pl.DataFrame) -> pl.DataFrame:
    """Share rows (``work_id, party_id, role, right, share_num, share_den, submitted_on, valid_from,
    valid_to``) in the compact types."""
    return frame.with_columns([pl.col(name).cast(dtype) for name, dtype in RIGHTS_TYPES.items()])


def write_rights(frame: pl.DataFrame, folder: Path) -> Path:
    path = folder / "rights.parquet"
    compact_rights(frame).write_parquet(path, row_group_size=ROW_GROUP_ROWS)
    return path
