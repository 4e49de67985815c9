"""The output folder of ``bunpai broadcast run`` (docs/broadcast-files.md), written atomically.

The tables and documents are written by :func:`bunpai.formats.prc_output.write_output` (staged in a
temporary folder, moved into place whole).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

from bunpai.formats.prc_output import write_output
from bunpai.formats.tables import ratio_texts

OUTPUT_TABLES = ("statement_lines.csv", "payees.csv", "held.csv", "work_points.csv")


def input_digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file of the input folder (relative path → hex), for the record."""
    digests = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        # Read into one reused buffer (not a new bytes object per block).
        with path.open("rb") as handle:
            digests[path.relative_to(folder).as_posix()] = hashlib.file_digest(handle, "sha256").hexdigest()
    return digests


def write_quarter(
    out_dir: Path,
    *,
    statement_lines: pl.DataFrame | Iterable[pl.DataFrame],
    payees: pl.DataFrame | Callable[[], pl.DataFrame],
    held: pl.DataFrame,
    work_points: pl.DataFrame | Iterable[pl.DataFrame],
    summary: dict[str, Any] | Callable[[], dict[str, Any]],
    applied: dict[str, Any],
    inputs: dict[str, Any],
    force: bool = False,
    columnar: tuple[Iterable[pl.DataFrame], Iterable[pl.DataFrame]] | None = None,
) -> None:
    """The output folder. ``payees`` and ``summary`` may be functions, called after the statement
    lines are written (their totals are taken while the lines are written). With ``columnar``
    (statement lines and work points in the compact layout) those two tables are written as
    folders of Parquet files, ``statement_lines/`` and ``work_points/``, instead of CSV."""
    tables: dict[str, pl.DataFrame | Iterable[pl.DataFrame]] = {
        "statement_lines/" if columnar else "statement_lines.csv": columnar[0] if columnar else statement_lines,
        "payees.csv": _Later(payees) if callable(payees) else payees,
        "held.csv": held,
        "work_points/" if columnar else "work_points.csv": columnar[1] if columnar else work_points,
    }
    documents = {
        "summary.json": summary,
        "ruleset_applied.json": applied,
        "inputs.json": inputs,
    }
    # The held lines and the work points do not depend on the statement lines: they are written
    # on a thread of their own while the statement lines are (whose compiled pass leaves the
    # second core partly idle).
    alongside = ("held.csv", "work_points/" if columnar else "work_points.csv")
    write_output(out_dir, tables, documents, force=force, alongside=alongside)


class _Later:
    """A table made only when it is written (an iterable of one frame)."""

    def __init__(self, make: Callable[[], pl.DataFrame]) -> None:
        self._make = make

    def __iter__(self) -> Iterator[pl.DataFrame]:
        yield self._make()


STATEMENT_TEXT_COLUMNS = ("party_id", "payee_id", "work_id", "fund_group", "right", "points", "gross_yen", "share")


def _reduced_texts(numerator: str, denominator: str) -> pl.Expr:
    """``n/d`` in lowest terms of two integer columns (as ``format_ratio`` writes them)."""
    num, den = pl.col(numerator), pl.col(denominator)
    return pl.struct(num, den).map_batches(
        lambda parts: ratio_texts(parts.struct.field(numerator), parts.struct.field(denominator)),
        return_dtype=pl.String,
    )


def scan_statement_lines(result_dir: Path) -> pl.LazyFrame:
    """The statement lines of a result folder as the text columns of ``statement_lines.csv``, from
    the CSV file or from the compact layout (``statement_lines/*.parquet``); nothing is read yet."""
    text = result_dir / "statement_lines.csv"
    if text.is_file() or not (result_dir / "statement_lines").is_dir():
        return pl.scan_csv(text, infer_schema=False)
    lazy = pl.scan_parquet(result_dir / "statement_lines" / "*.parquet")
    return lazy.select(
        pl.col("party_id", "payee_id", "work_id", "fund_group", "right").cast(pl.String),
        _reduced_texts("points_num", "points_den").alias("points"),
        pl.col("gross_yen").cast(pl.String),
        _reduced_texts("share_num", "share_den").alias("share"),
    )


def has_statement_lines(result_dir: Path) -> bool:
    return (result_dir / "statement_lines.csv").is_file() or (result_dir / "statement_lines").is_dir()
