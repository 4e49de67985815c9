"""The fingerprint commands' work: index files, match queries, monitor a broadcast (コマンドの処理)."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from bunpai.fingerprint import audio, reconcile
from bunpai.fingerprint.analyse import peaks_of
from bunpai.fingerprint.index import FingerprintIndex
from bunpai.fingerprint.matcher import match_peaks
from bunpai.fingerprint.monitor import MonitorParams, detect
from bunpai.fingerprint.spectral import QUERY_PEAKS, REFERENCE_PEAKS, SAMPLE_RATE

PREDICTION_FIELDS = ["qid", "match_track", "offset_s", "score", "match_dur_s", "speed", "isrc"]
DETECTION_FIELDS = [
    "start_s",
    "end_s",
    "duration_s",
    "recording_id",
    "isrc",
    "ref_offset_s",
    "speed",
    "score",
]


@contextmanager
def _progress(quiet: bool, console: Console) -> Iterator[Progress]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=quiet, transient=True) as progress:
        yield progress


def _atomic_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def read_isrc_map(path: Path) -> dict[str, str]:
    """CSV with columns ``file`` (file name or path) and ``isrc``; keys are file names."""
    out: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            name = Path((row.get("file") or "").strip()).name
            if name:
                out[name] = (row.get("isrc") or "").strip().upper()
    return out


@dataclass
class IndexSummary:
    added: int
    failed: list[str]
    recordings: int
    hours: float
    disk_bytes: int


def index_files(
    items: list[Path],
    index_path: Path,
    isrc_map: Path | None = None,
    quiet: bool = False,
    console: Console | None = None,
) -> IndexSummary:
    console = console or Console(stderr=True)
    isrcs = read_isrc_map(isrc_map) if isrc_map else {}
    files = audio.find_audio_files(items)
    index = FingerprintIndex.open(index_path, create=True)
    failed: list[str] = []
    with _progress(quiet, console) as progress:
        task = progress.add_task("indexing / 登録中", total=len(files))
        for f in files:
            try:
                x = audio.load(f)
            except (audio.AudioError, OSError) as exc:
                failed.append(f"{f}: {exc}")
                progress.advance(task)
                continue
            index.add(
                f.name, isrcs.get(f.name, ""), f.name, x.size / SAMPLE_RATE, peaks_of(x, REFERENCE_PEAKS)
            )
            progress.advance(task)
    index.save()
    return IndexSummary(
        len(files) - len(failed),
        failed,
        len(index.recordings),
        index.total_duration_s / 3600,
        index.disk_bytes(),
    )


def match_files(
    index_path: Path, queries: list[Path], out: Path, quiet: bool = False, console: Console | None = None
) -> tuple[int, int, list[str]]:
    """Write one prediction row per query; returns (queries, matched, failures)."""
    console = console or Console(stderr=True)
    index = FingerprintIndex.open(index_path)
    table = index.table()
    files = audio.find_audio_files(queries)
    rows: list[list[object]] = []
    failed: list[str] = []
    matched = 0
    with _progress(quiet, console) as progress:
        task = progress.add_task("matching / 照合中", total=len(files))
        for f in files:
            try:
                x = audio.load(f)
            except (audio.AudioError, OSError) as exc:
                failed.append(f"{f}: {exc}")
                rows.append([f.stem, "", "", 0, 0, "", ""])
                progress.advance(task)
                continue
            res = match_peaks(table, peaks_of(x, QUERY_PEAKS), len(index.recordings))
            if res:
                m = res[0]
                rec = index.recordings[m.track]
                rows.append(
                    [
                        f.stem,
                        rec.id,
                        f"{m.offset_s:.2f}",
                        m.score,
                        f"{m.match_dur_s:.1f}",
                        f"{m.speed:.4f}",
                        rec.isrc,
                    ]
                )
                matched += 1
            else:
                rows.append([f.stem, "", "", 0, 0, "", ""])
            progress.advance(task)
    _atomic_csv(out, PREDICTION_FIELDS, rows)
    return len(files), matched, failed


@dataclass
class MonitorSummary:
    duration_s: float
    detections: int
    usage_lines: int
    not_reported: int
    not_heard: int
    matched: int


def monitor_file(
    recording: Path,
    index_path: Path,
    out: Path,
    station: str = "",
    start: datetime | None = None,
    usage_out: Path | None = None,
    reported: Path | None = None,
    reconciliation_out: Path | None = None,
    min_duration_s: float = 10.0,
    quiet: bool = False,
    console: Console | None = None,
    params: MonitorParams | None = None,
) -> MonitorSummary:
    console = console or Console(stderr=True)
    index = FingerprintIndex.open(index_path)
    table = index.table()
    total = 0.0
    try:
        import soundfile as sf

        total = float(sf.info(str(recording)).duration)
    except Exception:
        total = 0.0
    seen = [0.0]
    with _progress(quiet, console) as progress:
        task = progress.add_task("monitoring / 監視中 (s)", total=total or None)

        def tick(t: float) -> None:
            seen[0] = t
            progress.update(task, completed=t)

        blocks = audio.stream(recording, block_s=30.0)
        found = detect(blocks, table, len(index.recordings), params or MonitorParams(), tick)
    rows: list[list[object]] = []
    plays = []
    for d in found:
        rec = index.recordings[d.track]
        rows.append(
            [
                f"{d.start_s:.1f}",
                f"{d.end_s:.1f}",
                f"{d.end_s - d.start_s:.1f}",
                rec.id,
                rec.isrc,
                f"{d.ref_offset_s:.2f}",
                f"{d.speed:.4f}",
                d.score,
            ]
        )
        plays.append((rec.id, rec.isrc, d.start_s, d.end_s, d.ref_offset_s, d.speed, d.score))
    _atomic_csv(out, DETECTION_FIELDS, rows)
    start = start or datetime(2000, 1, 1)
    usage = reconcile.usage_lines(plays, station, start, min_duration_s)
    if usage_out is not None:
        reconcile.write_usage(usage_out, usage)
    counts = {reconcile.MATCHED: 0, reconcile.NOT_REPORTED: 0, reconcile.NOT_HEARD: 0}
    if reported is not None:
        recon = reconcile.reconcile(usage, reconcile.read_report(reported), station, start.date().isoformat())
        for r in recon:
            counts[r.status] += 1
        if reconciliation_out is not None:
            reconcile.write_reconciliation(reconciliation_out, recon)
    return MonitorSummary(
        seen[0],
        len(found),
        len(usage),
        counts[reconcile.NOT_REPORTED],
        counts[reconcile.NOT_HEARD],
        counts[reconcile.MATCHED],
    )


ProgressFn = Callable[[float], None]
