"""Usage lines from detections and their reconciliation with a station's report (利用実績と照合).

Usage lines: one per detected playback, with the station, the broadcast day and time, the duration
and the recording (id and ISRC). Reconciliation pairs each detected playback with a reported line of
the same recording (by ISRC when both have one, else by recording id or title) — the nearest in time
when the report gives times, within ``time_tolerance_s`` — and lists what is left on either side:
music played but not reported (未報告) and reported but not heard (未検出).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

MATCHED = "matched"
NOT_REPORTED = "not_reported"
NOT_HEARD = "not_heard"


@dataclass(frozen=True)
class UsageLine:
    station: str
    date: str
    start_time: str
    end_time: str
    duration_s: float
    recording_id: str
    isrc: str
    ref_offset_s: float
    speed: float
    score: int

    def start_dt(self) -> datetime:
        return datetime.fromisoformat(f"{self.date}T{self.start_time}")


USAGE_FIELDS = [
    "station",
    "date",
    "start_time",
    "end_time",
    "duration_s",
    "recording_id",
    "isrc",
    "ref_offset_s",
    "speed",
    "score",
]


@dataclass(frozen=True)
class ReportedLine:
    line: int
    station: str
    date: str
    time: str
    isrc: str
    recording_id: str
    title: str
    duration_s: str


def usage_lines(
    detections: list[tuple[str, str, float, float, float, float, int]],
    station: str,
    start: datetime,
    min_duration_s: float = 0.0,
) -> list[UsageLine]:
    """``detections``: (recording id, ISRC, start s, end s, reference offset s, speed, score)."""
    out = []
    for rid, isrc, s, e, off, speed, score in detections:
        if e - s < min_duration_s:
            continue
        t0 = start + timedelta(seconds=s)
        t1 = start + timedelta(seconds=e)
        out.append(
            UsageLine(
                station,
                t0.date().isoformat(),
                t0.strftime("%H:%M:%S"),
                t1.strftime("%H:%M:%S"),
                round(e - s, 1),
                rid,
                isrc,
                round(off, 2),
                round(speed, 4),
                score,
            )
        )
    return out


def write_usage(path: Path, lines: list[UsageLine]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(USAGE_FIELDS)
        for u in lines:
            w.writerow([getattr(u, f) for f in USAGE_FIELDS])


class ReportError(Exception):
    """The station report could not be read."""


def read_report(path: Path) -> list[ReportedLine]:
    """A station's reported lines: CSV with ``isrc`` and/or ``recording_id`` or ``title``; optional
    ``station``, ``date`` (YYYY-MM-DD), ``time`` (HH:MM[:SS]) and ``duration_s``."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        cols = set(reader.fieldnames or [])
        if not cols & {"isrc", "recording_id", "title"}:
            raise ReportError(f"{path}:1: header: needs isrc, recording_id or title / 列がありません")
        rows = []
        for n, row in enumerate(reader, start=2):
            rows.append(
                ReportedLine(
                    n,
                    (row.get("station") or "").strip(),
                    (row.get("date") or "").strip(),
                    (row.get("time") or "").strip(),
                    (row.get("isrc") or "").strip().upper(),
                    (row.get("recording_id") or "").strip(),
                    (row.get("title") or "").strip(),
                    (row.get("duration_s") or "").strip(),
                )
            )
    return rows


def _same_recording(u: UsageLine, r: ReportedLine) -> bool:
    if u.isrc and r.isrc:
        return u.isrc.upper() == r.isrc
    if r.recording_id:
        return u.recording_id == r.recording_id
    return bool(r.title) and r.title.casefold() == u.recording_id.rsplit(".", 1)[0].casefold()


def _reported_dt(r: ReportedLine, default_date: str) -> datetime | None:
    if not r.time:
        return None
    t = r.time if r.time.count(":") == 2 else r.time + ":00"
    return datetime.fromisoformat(f"{r.date or default_date}T{t}")


@dataclass(frozen=True)
class ReconRow:
    status: str
    station: str
    date: str
    detected_time: str
    reported_time: str
    recording_id: str
    isrc: str
    title: str
    duration_s: str
    report_line: str


RECON_FIELDS = list(ReconRow.__dataclass_fields__)


def reconcile(
    usage: list[UsageLine],
    reported: list[ReportedLine],
    station: str,
    date: str,
    time_tolerance_s: float = 600.0,
) -> list[ReconRow]:
    """Pair detected with reported lines of ``station`` on ``date`` (lines without them count)."""
    todo = [r for r in reported if (not r.station or r.station == station) and (not r.date or r.date == date)]
    used: set[int] = set()
    rows: list[ReconRow] = []
    for u in usage:
        best: tuple[float, int] | None = None
        for k, r in enumerate(todo):
            if k in used or not _same_recording(u, r):
                continue
            when = _reported_dt(r, u.date)
            gap = abs((when - u.start_dt()).total_seconds()) if when is not None else time_tolerance_s
            if gap <= time_tolerance_s and (best is None or gap < best[0]):
                best = (gap, k)
        if best is None:
            rows.append(
                ReconRow(
                    NOT_REPORTED,
                    u.station,
                    u.date,
                    u.start_time,
                    "",
                    u.recording_id,
                    u.isrc,
                    "",
                    str(u.duration_s),
                    "",
                )
            )
        else:
            r = todo[best[1]]
            used.add(best[1])
            rows.append(
                ReconRow(
                    MATCHED,
                    u.station,
                    u.date,
                    u.start_time,
                    r.time,
                    u.recording_id,
                    u.isrc,
                    r.title,
                    str(u.duration_s),
                    str(r.line),
                )
            )
    for k, r in enumerate(todo):
        if k not in used:
            rows.append(
                ReconRow(
                    NOT_HEARD,
                    r.station or station,
                    r.date or date,
                    "",
                    r.time,
                    r.recording_id,
                    r.isrc,
                    r.title,
                    r.duration_s,
                    str(r.line),
                )
            )
    return rows


def write_reconciliation(path: Path, rows: list[ReconRow]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(RECON_FIELDS)
        for row in rows:
            w.writerow([getattr(row, f) for f in RECON_FIELDS])
