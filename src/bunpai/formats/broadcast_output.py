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

OUTPUT_TABLES = ("statement_lines.csv", "payees.csv", "held.csv", "work_points.csv")


def input_digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file of the input folder (relative path → hex), for the record."""
    digests = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digests[path.relative_to(folder).as_posix()] = digest.hexdigest()
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
) -> None:
    """The output folder. ``payees`` and ``summary`` may be functions, called after the statement
    lines are written (their totals are taken while the lines are written)."""
    tables: dict[str, pl.DataFrame | Iterable[pl.DataFrame]] = {
        "statement_lines.csv": statement_lines,
        "payees.csv": _Later(payees) if callable(payees) else payees,
        "held.csv": held,
        "work_points.csv": work_points,
    }
    documents = {
        "summary.json": summary,
        "ruleset_applied.json": applied,
        "inputs.json": inputs,
    }
    write_output(out_dir, tables, documents, force=force)


class _Later:
    """A table made only when it is written (an iterable of one frame)."""

    def __init__(self, make: Callable[[], pl.DataFrame]) -> None:
        self._make = make

    def __iter__(self) -> Iterator[pl.DataFrame]:
        yield self._make()
