"""Files of ``bunpai identify``: a works list, a usage list and the matches written back (照合ファイル).

* ``works.csv``: ``work_id,title,alt_titles,creators,iswc`` and optionally ``performers`` (the
  performers of the work's registered recordings; lists separated by ``|``);
* ``usage.csv``: ``line_id,title,creators,work_code,iswc`` (``work_code`` is a ``work_id``);
* ``matches.csv``: ``line_id,work_id,score,decision`` with decision ``auto``, ``review`` or ``none``.

Inputs are read as in :mod:`bunpai.formats.tables` (UTF-8 with or without BOM, Shift_JIS/CP932,
CRLF, full-width digits and letters); every problem names file, line and column. The output is
written to a temporary file beside the target and moved into place whole.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bunpai.formats.cwr.identifiers import is_valid_iswc, normalise_iswc
from bunpai.formats.tables import LINE, Problems, read_table
from bunpai.identify.engine import Query, Result, WorkEntry

WORKS_COLUMNS = ("work_id", "title", "alt_titles", "creators", "iswc")
USAGE_COLUMNS = ("line_id", "title", "creators", "work_code", "iswc")
MATCHES_COLUMNS = ("line_id", "work_id", "score", "decision")


@dataclass(frozen=True)
class UsageLine:
    line_id: str
    query: Query


def _split(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _iswc(problems: Problems, file: str, line: int, value: str | None) -> str:
    if not value:
        return ""
    code = normalise_iswc(value)
    if not is_valid_iswc(code):
        problems.add(file, line, "iswc", f"not a valid ISWC: '{value}' (ignored)")
        return ""
    return code


def read_works(path: Path, problems: Problems) -> list[WorkEntry]:
    optional = ["alt_titles", "creators", "iswc", "performers"]
    frame = read_table(path.parent, path.name, ["work_id", "title"], optional, problems)
    if frame is None:
        return []
    for column in optional:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(column))
    works: list[WorkEntry] = []
    seen: set[str] = set()
    for line, work_id, title, alt, creators, iswc, performers in frame.select(
        LINE, *WORKS_COLUMNS, "performers"
    ).iter_rows():
        if not work_id:
            problems.add(path.name, line, "work_id", "missing value")
            continue
        if work_id in seen:
            problems.add(path.name, line, "work_id", f"duplicate work_id '{work_id}'")
            continue
        if not title:
            problems.add(path.name, line, "title", "missing value")
            continue
        seen.add(work_id)
        iswc = _iswc(problems, path.name, line, iswc)
        works.append(WorkEntry(work_id, title, _split(alt), _split(creators), iswc, performers=_split(performers)))
    return works


def read_usage(path: Path, problems: Problems) -> list[UsageLine]:
    frame = read_table(path.parent, path.name, ["line_id"], ["title", "creators", "work_code", "iswc"], problems)
    if frame is None:
        return []
    for column in USAGE_COLUMNS:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(column))
    lines: list[UsageLine] = []
    seen: set[str] = set()
    for line, line_id, title, creators, code, iswc in frame.select(LINE, *USAGE_COLUMNS).iter_rows():
        if not line_id:
            problems.add(path.name, line, "line_id", "missing value")
            continue
        if line_id in seen:
            problems.add(path.name, line, "line_id", f"duplicate line_id '{line_id}'")
            continue
        if not (title or code or iswc):
            problems.add(path.name, line, "title", "no title, work_code or iswc: nothing to identify by")
            continue
        seen.add(line_id)
        query = Query(title or "", _split(creators), code or "", _iswc(problems, path.name, line, iswc))
        lines.append(UsageLine(line_id, query))
    return lines


def matches_text(rows: Iterable[tuple[str, Result]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MATCHES_COLUMNS)
    for line_id, result in rows:
        writer.writerow((line_id, result.work_id or "", f"{result.score:.3f}", result.decision))
    return out.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder (never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
