"""Broadcast monitor benchmark: an hour of synthetic radio made from real music (放送モニタリングの評価).

Needs Debian packages (not needed by the tests):
    apt-get install wesnoth-1.16-music singularity-music espeak-ng ffmpeg
    python benchmarks/fingerprint_monitor_bench.py --minutes 60

The broadcast is a sequence of programme items, each with its ground truth:
  music      an indexed Wesnoth track (90–180 s from a random point), faded in and out
  speed      the same, played ×0.97–×1.05 (pitch and tempo together)
  bed6/12    indexed music under a presenter (espeak-ng), 6 or 12 dB below the speech (30–60 s)
  talk       speech alone (15–60 s)
  jingle     a few seconds of non-indexed music (Singularity)
  unindexed  a non-indexed piece (60–120 s)
Items follow each other with half-second crossfades; the levels are evened out as a station's
processing would. ``bunpai monitor`` runs on the file as a separate process (its wall time and peak
memory are measured) with a station report in which a fifth of the plays are missing and two plays
that never happened are added.

A detection is right when it names a recording played at that time with the reference time agreeing
within 3 s. Printed: precision, recall and covered seconds per kind, boundary errors, detections in
talk/jingles/non-indexed music, the reconciliation against the report, time per hour and peak memory.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import soundfile as sf
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fingerprint_bench import (
    SINGULARITY,
    SR,
    WESNOTH,
    decode,
    rms,
    run_measured,
    speech_track,
    speed_change,
)

INDEXED = ("music", "speed", "bed6", "bed12")
KINDS = {"music": 0.28, "speed": 0.1, "bed6": 0.1, "bed12": 0.1, "talk": 0.17, "jingle": 0.15, "unindexed": 0.1}
FADE_S = 0.5
START = datetime(2026, 6, 1, 6, 0, 0)
STATION = "JOXX"
console = Console()


@dataclass
class Item:
    kind: str
    start: float  # in the broadcast, seconds
    end: float
    track: str = ""  # indexed recording (empty for talk, jingles, non-indexed music)
    ref_offset: float = 0.0  # reference time at ``start``
    speed: float = 1.0


@dataclass
class Detected:
    start: float
    end: float
    track: str
    ref_offset: float
    speed: float

    def ref_at(self, t: float) -> float:
        return self.ref_offset + (t - self.start) * self.speed


def _level(x: np.ndarray, dbfs: float = -20.0) -> np.ndarray:
    return (x * (10 ** (dbfs / 20) / rms(x))).astype(np.float32)


def _excerpt(x: np.ndarray, rng: np.random.Generator, seconds: float) -> tuple[np.ndarray, float]:
    n = min(x.size, int(seconds * SR))
    start = int(rng.integers(0, max(1, x.size - n)))
    return x[start : start + n], start / SR


def make_broadcast(
    path: Path, minutes: float, refs: dict[str, np.ndarray], negs: list[np.ndarray], speech: np.ndarray, seed: int
) -> list[Item]:
    """Write the broadcast to ``path`` piece by piece (bounded memory); return its ground truth."""
    rng = np.random.default_rng(seed)
    kinds, weights = list(KINDS), np.array(list(KINDS.values()))
    names = list(refs)
    items: list[Item] = []
    fade = int(FADE_S * SR)
    ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
    tail = np.zeros(0, np.float32)  # the last fade of the previous item, mixed into the next one
    written = 0
    previous = ""
    with sf.SoundFile(str(path), "w", samplerate=SR, channels=1, subtype="PCM_16") as out:
        while written < minutes * 60 * SR:
            kind = str(rng.choice(kinds, p=weights / weights.sum()))
            if kind == previous and kind in ("talk", "jingle"):
                continue
            previous = kind
            item = Item(kind, 0.0, 0.0)
            if kind in INDEXED:
                name = names[int(rng.integers(len(names)))]
                length = rng.uniform(90, 180) if kind in ("music", "speed") else rng.uniform(30, 60)
                factor = float(rng.choice([0.97, 0.98, 1.02, 1.03, 1.04, 1.05])) if kind == "speed" else 1.0
                seg, ref_start = _excerpt(refs[name], rng, length * factor)
                if factor != 1.0:
                    seg = speed_change(seg, factor)
                seg = _level(seg)
                if kind.startswith("bed"):
                    below = float(kind[3:])
                    s, _ = _excerpt(speech, rng, seg.size / SR)
                    s = s[: seg.size]
                    seg = _level(seg[: s.size] * (rms(s) / rms(seg[: s.size]) * 10 ** (-below / 20)) + s)
                item.track, item.ref_offset, item.speed = name, ref_start, factor
            elif kind == "talk":
                seg, _ = _excerpt(speech, rng, rng.uniform(15, 60))
                seg = _level(seg)
            else:
                src = negs[int(rng.integers(len(negs)))]
                seg, _ = _excerpt(src, rng, rng.uniform(4, 12) if kind == "jingle" else rng.uniform(60, 120))
                seg = _level(seg)
            seg = seg.copy()
            seg[:fade] *= ramp[: seg[:fade].size]
            seg[-fade:] *= ramp[::-1][-seg[-fade:].size :]
            seg[: tail.size] += tail[: seg.size]
            item.start = written / SR
            item.end = item.start + seg.size / SR
            items.append(item)
            body = seg[:-fade]
            out.write(np.clip(body, -1.0, 1.0))
            written += body.size
            tail = seg[-fade:]
        out.write(np.clip(tail, -1.0, 1.0))
    return items


def read_detections(path: Path) -> list[Detected]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            Detected(
                float(r["start_s"]), float(r["end_s"]), r["recording_id"], float(r["ref_offset_s"]), float(r["speed"])
            )
            for r in csv.DictReader(fh)
        ]


def _agrees(d: Detected, it: Item, tolerance_s: float = 3.0) -> bool:
    if d.track != it.track or d.end <= it.start or d.start >= it.end:
        return False
    t = max(d.start, it.start)
    return abs(d.ref_at(t) - (it.ref_offset + (t - it.start) * it.speed)) <= tolerance_s


def write_report(path: Path, items: list[Item], rng: np.random.Generator, refs: list[str]) -> tuple[int, int]:
    """A station report missing a fifth of the plays, with two plays that never happened.

    Returns (plays left out, plays made up)."""
    plays = [it for it in items if it.track]
    dropped = set(rng.choice(len(plays), size=len(plays) // 5, replace=False).tolist())
    played = {it.track for it in plays}
    never = [r for r in refs if r not in played][:2]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["station", "date", "time", "recording_id", "duration_s"])
        for k, it in enumerate(plays):
            if k not in dropped:
                t = START + timedelta(seconds=it.start)
                w.writerow([STATION, t.date().isoformat(), t.strftime("%H:%M:%S"), it.track, round(it.end - it.start)])
        for n, r in enumerate(never):
            t = START + timedelta(minutes=20 * n + 7)
            w.writerow([STATION, t.date().isoformat(), t.strftime("%H:%M:%S"), r, 120])
    return len(dropped), len(never)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60.0, help="length of the broadcast (default 60)")
    ap.add_argument("--work", type=Path, default=None, help="folder for generated files (default: temporary)")
    ap.add_argument("--index", type=Path, default=None, help="an existing index of the Wesnoth tracks (else built)")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    for tool in ("ffmpeg", "espeak-ng"):
        if shutil.which(tool) is None:
            console.print(
                f"[red]{tool} is missing: apt-get install ffmpeg espeak-ng wesnoth-1.16-music singularity-music[/red]"
            )
            return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="fpmonitor-"))
    work.mkdir(parents=True, exist_ok=True)
    exe = Path(sys.executable).parent / "bunpai"
    refs_paths = [p for p in sorted(WESNOTH.glob("*.ogg")) if sf.info(str(p)).duration >= 40.0]
    index = args.index
    if index is None:
        index = work / "index"
        shutil.rmtree(index, ignore_errors=True)
        console.print(f"indexing {len(refs_paths)} tracks / 登録中 …")
        run_measured([str(exe), "fingerprint", "index", *map(str, refs_paths), "--index", str(index), "--quiet"])
    console.print("making the broadcast / 放送音源を作成中 …")
    refs = {p.name: decode(p) for p in refs_paths}
    negs = [decode(p) for p in sorted(SINGULARITY.glob("*.ogg"))]
    speech = speech_track(work)
    broadcast = work / "broadcast.wav"
    items = make_broadcast(broadcast, args.minutes, refs, negs, speech, args.seed)
    del refs, negs
    hours = sf.info(str(broadcast)).duration / 3600
    report = work / "reported.csv"
    n_dropped, n_never = write_report(report, items, np.random.default_rng(args.seed + 1), [p.name for p in refs_paths])
    with (work / "truth.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["kind", "start_s", "end_s", "recording_id", "ref_offset_s", "speed"])
        for it in items:
            w.writerow([it.kind, f"{it.start:.2f}", f"{it.end:.2f}", it.track, f"{it.ref_offset:.2f}", it.speed])
    console.print(f"{hours * 60:.1f} min, {len(items)} items; monitoring / 監視中 …")
    det_csv, usage_csv, recon_csv = work / "detections.csv", work / "usage.csv", work / "reconciliation.csv"
    wall, rss, _ = run_measured(
        [
            str(exe),
            "monitor",
            str(broadcast),
            "--index",
            str(index),
            "--out",
            str(det_csv),
            "--station",
            STATION,
            "--start",
            START.isoformat(),
            "--usage",
            str(usage_csv),
            "--reported",
            str(report),
            "--reconciliation",
            str(recon_csv),
            "--quiet",
        ]
    )
    dets = read_detections(det_csv)

    # Per kind: plays found, seconds covered, boundary errors.
    table = Table(title=f"Monitor: {hours * 60:.0f} min of broadcast / 放送モニタリング")
    for col in (
        "kind / 種類",
        "items",
        "found %",
        "covered %",
        "start err s (median / p90)",
        "end err s (median / p90)",
    ):
        table.add_column(col, justify="right" if col != "kind / 種類" else "left")
    all_found = all_plays = 0
    for kind in INDEXED:
        plays = [it for it in items if it.kind == kind]
        if not plays:
            continue
        found = 0
        covered = total = 0.0
        starts: list[float] = []
        ends: list[float] = []
        for it in plays:
            mine = [d for d in dets if _agrees(d, it)]
            total += it.end - it.start
            if not mine:
                continue
            found += 1
            lo, hi = min(d.start for d in mine), max(d.end for d in mine)
            covered += min(hi, it.end) - max(lo, it.start)
            starts.append(abs(lo - it.start))
            ends.append(abs(hi - it.end))
        all_found += found
        all_plays += len(plays)

        def stat(v: list[float]) -> str:
            return f"{np.median(v):.1f} / {np.percentile(v, 90):.1f}" if v else "–"

        table.add_row(
            kind,
            str(len(plays)),
            f"{100 * found / len(plays):.0f}",
            f"{100 * covered / total:.0f}",
            stat(starts),
            stat(ends),
        )
    console.print(table)
    right = [d for d in dets if any(_agrees(d, it) for it in items)]
    wrong = [d for d in dets if d not in right]
    in_other = sum(
        1
        for d in wrong
        if any(it.kind in ("talk", "jingle", "unindexed") and d.start < it.end and d.end > it.start for it in items)
    )
    with recon_csv.open(newline="", encoding="utf-8") as fh:
        status = [r["status"] for r in csv.DictReader(fh)]
    summary = Table(title="Summary / まとめ")
    summary.add_column("")
    summary.add_column("", justify="right")
    for label, value in [
        ("detections / 検出数", str(len(dets))),
        ("precision / 適合率 (%)", f"{100 * len(right) / max(1, len(dets)):.1f}"),
        ("recall, indexed plays / 再現率 (%)", f"{100 * all_found / max(1, all_plays):.1f}"),
        ("wrong detections (of which over talk, jingles, non-indexed)", f"{len(wrong)} ({in_other})"),
        (
            "plays split into several detections",
            str(sum(1 for it in items if it.track and sum(_agrees(d, it) for d in dets) > 1)),
        ),
        ("reconciliation: matched / 一致", str(status.count("matched"))),
        (f"  not reported / 未報告 (left out of the report: {n_dropped})", str(status.count("not_reported"))),
        (f"  not heard / 未検出 (made up in the report: {n_never})", str(status.count("not_heard"))),
        ("monitor time per hour of broadcast / 1時間あたり (s)", f"{wall / hours:.0f}"),
        ("× real time / 倍速", f"{hours * 3600 / wall:.0f}"),
        ("peak memory / 最大メモリ (MB)", f"{rss:.0f}"),
    ]:
        summary.add_row(label, value)
    console.print(summary)
    console.print(f"files in {work}: broadcast.wav, truth.csv, detections.csv, usage.csv, reconciliation.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
