"""Broadcast-monitoring fingerprint benchmark on real music, beside audfprint (放送モニタリング指紋の評価).

Needs Debian packages (not needed by the tests):
    apt-get install wesnoth-1.16-music singularity-music espeak-ng ffmpeg
and a copy of audfprint (https://github.com/dpwe/audfprint) OUTSIDE this repository, with a Python
that has its requirements (numpy scipy docopt joblib psutil):
    python benchmarks/fingerprint_bench.py --audfprint /tmp/audfprint --audfprint-python /tmp/afp/bin/python

References: Wesnoth tracks of 40 s or more. Not indexed: Singularity's music. Queries of 10 s and 30 s
under each condition; a hit is the right recording with the offset within 1 s (plus the drift of a
speed change over the query). Everything generated goes to --work (a temporary folder by default).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile as sf
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from scipy.signal import resample_poly

SR = 11025
WESNOTH = Path("/usr/share/games/wesnoth/1.16/data/core/music")
SINGULARITY = Path("/usr/share/games/singularity/music")
POSITIVE = [
    "clean",
    "white10",
    "white5",
    "white0",
    "pink10",
    "pink5",
    "pink0",
    "speech6",
    "speech12",
    "mp3_64",
    "mp3_32",
    "speed0.95",
    "speed0.98",
    "speed1.02",
    "speed1.05",
    "speech6+mp3_64",
]
NEGATIVE = ["clean", "white0", "pink0", "speech6", "speech12", "mp3_32", "speed0.95", "speed1.05"]
TEXT = (
    "Good evening and welcome back to the late show. Tonight we have music from the mountains and the "
    "sea, stories from our listeners, and the weather for tomorrow morning. It has been a long week "
    "for everyone in the city, so sit back and enjoy the programme. Our next piece was recorded last "
    "spring in a small hall near the river, and the orchestra played it without a single rehearsal. "
    "Before that, a word about the traffic: the northern bridge is closed until midnight, and trains "
    "are running every ten minutes. Now, a listener writes to ask why the old songs sound warmer than "
    "the new ones. The answer, as always, is a little complicated, and it has to do with tape, with "
    "rooms, and with the patience of the people who made them. Thank you for all your letters. "
)
console = Console()


def decode(path: Path) -> np.ndarray:
    cmd = [
        "ffmpeg",
        "-v",
        "error",
        "-nostdin",
        "-i",
        str(path),
        "-ac",
        "1",
        "-ar",
        str(SR),
        "-f",
        "f32le",
        "-",
    ]
    return np.frombuffer(subprocess.run(cmd, capture_output=True, check=True).stdout, np.float32).copy()


def speech_track(work: Path) -> np.ndarray:
    parts = []
    for k, voice in enumerate(["en+m3", "en-us+f2", "en+m1", "en-us+f4", "en+m7"]):
        wav = work / f"speech{k}.wav"
        if not wav.exists():
            subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", str(wav), TEXT * 3], check=True)
        parts.append(decode(wav))
    return np.concatenate(parts)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)) + 1e-12))


def pink(rng: np.random.Generator, n: int) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(spec.size, dtype=np.float64)
    f[0] = 1.0
    return np.fft.irfft(spec / np.sqrt(f), n).astype(np.float32)


def speed_change(x: np.ndarray, factor: float) -> np.ndarray:
    fr = Fraction(factor).limit_denominator(200)
    return resample_poly(x, fr.denominator, fr.numerator).astype(np.float32)


def make_query(
    x: np.ndarray,
    start: float,
    length: float,
    cond: str,
    rng: np.random.Generator,
    speech: np.ndarray,
    path_stem: Path,
) -> Path:
    """Write the query for ``cond`` (a WAV, or an MP3 for the MP3 conditions); return its path."""
    factor = float(cond[5:]) if cond.startswith("speed") else 1.0
    seg = x[int(start * SR) : int(start * SR) + int(length * factor * SR)]
    if factor != 1.0:
        seg = speed_change(seg, factor)
    seg = seg[: int(length * SR)]
    base = cond.split("+")[0]
    if base.startswith(("white", "pink")):
        snr = float(base.lstrip("whitepnk"))
        noise = rng.standard_normal(seg.size).astype(np.float32) if base.startswith("white") else pink(rng, seg.size)
        seg = seg + noise * (rms(seg) / rms(noise) * 10 ** (-snr / 20))
    elif base.startswith("speech"):
        below = float(base[6:])
        i = int(rng.integers(0, speech.size - seg.size))
        s = speech[i : i + seg.size]
        seg = seg * (rms(s) / rms(seg) * 10 ** (-below / 20)) + s
    peak = float(np.abs(seg).max()) or 1.0
    seg = (seg / peak * 0.9).astype(np.float32)
    wav = path_stem.parent / f"{path_stem.name}.wav"
    sf.write(str(wav), seg, SR)
    mp3 = re.search(r"mp3_(\d+)", cond)
    if mp3:
        out = path_stem.parent / f"{path_stem.name}.mp3"
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-i",
                str(wav),
                "-ar",
                "22050",
                "-b:a",
                f"{mp3.group(1)}k",
                str(out),
            ],
            check=True,
        )
        wav.unlink()
        return out
    return wav


@dataclass
class Query:
    qid: str
    path: Path
    cond: str
    length: float
    track: str  # empty for negatives
    offset: float
    factor: float


def build_queries(
    work: Path, refs: list[Path], negs: list[Path], per_cell: int, lengths: list[float], seed: int
) -> list[Query]:
    rng = np.random.default_rng(seed)
    qdir = work / "queries"
    qdir.mkdir(parents=True, exist_ok=True)
    speech = speech_track(work)
    ref_audio = {p.name: decode(p) for p in refs}
    neg_audio = {p.name: decode(p) for p in negs}
    queries: list[Query] = []
    jobs = [(c, L, k, True) for c in POSITIVE for L in lengths for k in range(per_cell)]
    jobs += [(c, L, k, False) for c in NEGATIVE for L in lengths for k in range(per_cell)]
    jobs += [("speech_alone", L, k, False) for L in lengths for k in range(per_cell)]
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("making queries / クエリ作成", total=len(jobs))
        for cond, L, k, positive in jobs:
            tag = cond.replace("+", "_").replace(".", "")
            qid = f"{'pos' if positive else 'neg'}_{tag}_{int(L)}_{k:02d}"
            factor = float(cond[5:]) if cond.startswith("speed") else 1.0
            if cond == "speech_alone":
                i = int(rng.integers(0, speech.size - int(L * SR)))
                path = qdir / f"{qid}.wav"
                sf.write(str(path), speech[i : i + int(L * SR)], SR)
                queries.append(Query(qid, path, cond, L, "", 0.0, 1.0))
            else:
                pool = ref_audio if positive else neg_audio
                name = list(pool)[int(rng.integers(len(pool)))]
                x = pool[name]
                start = float(rng.uniform(0, max(0.0, x.size / SR - L * factor - 0.5)))
                path = make_query(x, start, L, cond, rng, speech, qdir / qid)
                queries.append(Query(qid, path, cond, L, name if positive else "", start, factor))
            progress.advance(task)
    return queries


# Runs a command and prints its peak resident memory (kB) on its last stderr line. The command is
# started from this small process, not from the benchmark: a child started from a large process
# inherits that process's peak in its own figure (Linux carries it over the exec).
_MEASURE = (
    "import os,subprocess,sys\n"
    "p=subprocess.Popen(sys.argv[1:])\n"
    "_,st,ru=os.wait4(p.pid,0)\n"
    "sys.stderr.write('\\nmaxrss %d\\n'%ru.ru_maxrss)\n"
    "sys.exit(os.waitstatus_to_exitcode(st))\n"
)


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``cmd``; return (wall seconds, its peak RSS in MB, stdout)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errf:
        proc = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], stdout=out, stderr=errf, env=env)
        wall = time.perf_counter() - t0
        errf.seek(0)
        err = errf.read().decode(errors="replace")
        out.seek(0)
        text = out.read().decode(errors="replace")
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[0]} failed: {err[-2000:]}")
    found = re.findall(r"maxrss (\d+)", err)
    return wall, (int(found[-1]) / 1024 if found else float("nan")), text


@dataclass
class SystemResult:
    name: str
    index_s: float
    index_mb: float
    index_rss_mb: float
    match_s: float
    match_rss_mb: float
    predictions: dict[str, tuple[str, float]]


def run_bunpai(work: Path, refs: list[Path], queries: list[Query]) -> SystemResult:
    exe = Path(sys.executable).parent / "bunpai"
    idx = work / "bunpai-index"
    shutil.rmtree(idx, ignore_errors=True)
    console.print("bunpai: indexing / 登録中 …")
    t_index, rss_i, _ = run_measured(
        [str(exe), "fingerprint", "index", *map(str, refs), "--index", str(idx), "--quiet"]
    )
    # The table cache written beside the index on first use is derived and not counted.
    size = sum(f.stat().st_size for f in idx.iterdir() if f.name != "table-cache.npz") / 1e6
    pred = work / "bunpai-pred.csv"
    console.print("bunpai: matching / 照合中 …")
    t_match, rss_m, _ = run_measured(
        [
            str(exe),
            "fingerprint",
            "match",
            "--index",
            str(idx),
            *[str(q.path) for q in queries],
            "--out",
            str(pred),
            "--quiet",
        ]
    )
    cache = idx / "table-cache.npz"
    if cache.exists():
        console.print(f"bunpai: table cache {cache.stat().st_size / 1e6:.1f} MB (derived, not counted as the index)")
    preds = {}
    with pred.open(newline="") as fh:
        for row in csv.DictReader(fh):
            preds[row["qid"]] = (row["match_track"], float(row["offset_s"] or 0))
    return SystemResult("bunpai", t_index, size, rss_i, t_match, rss_m, preds)


def run_audfprint(work: Path, refs: list[Path], queries: list[Query], afp: Path, python: str) -> SystemResult:
    db = work / "audfprint.pklz"
    db.unlink(missing_ok=True)
    ref_list = work / "afp-refs.txt"
    ref_list.write_text("".join(f"{p}\n" for p in refs))
    q_list = work / "afp-queries.txt"
    q_list.write_text("".join(f"{q.path}\n" for q in queries))
    script = str(afp / "audfprint.py")
    console.print("audfprint: indexing …")
    t_index, rss_i, _ = run_measured([python, script, "new", "-d", str(db), "--list", str(ref_list), "-v", "0"])
    console.print("audfprint: matching …")
    out = work / "afp-matches.txt"
    t_match, rss_m, _ = run_measured(
        [python, script, "match", "-d", str(db), "--list", str(q_list), "-o", str(out), "-v", "1"]
    )
    preds: dict[str, tuple[str, float]] = {}
    pat = re.compile(r"^Matched (.+?) [\d.]+ sec \d+ raw hashes as (.+?) at\s+(-?[\d.]+) s with")
    for line in out.read_text(errors="replace").splitlines():
        m = pat.match(line)
        if m:
            qid = Path(m.group(1)).stem
            preds.setdefault(qid, (Path(m.group(2)).name, float(m.group(3))))
    return SystemResult("audfprint", t_index, db.stat().st_size / 1e6, rss_i, t_match, rss_m, preds)


def evaluate(queries: list[Query], res: SystemResult) -> dict[str, dict[str, float]]:
    cells: dict[str, dict[str, float]] = {}
    for q in queries:
        kind = "pos" if q.track else ("speech_alone" if q.cond == "speech_alone" else "neg")
        key = f"{kind}:{q.cond}:{int(q.length)}"
        c = cells.setdefault(key, {"n": 0, "hit": 0, "fp": 0})
        c["n"] += 1
        track, offset = res.predictions.get(q.qid, ("", 0.0))
        if q.track:
            tol = 1.0 + abs(q.factor - 1.0) * q.length
            if track == q.track and abs(offset - q.offset) <= tol:
                c["hit"] += 1
            elif track and track != q.track:
                c["fp"] += 1  # a wrong recording
        elif track:
            c["fp"] += 1
    return cells


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--audfprint",
        type=Path,
        default=os.environ.get("AUDFPRINT_DIR"),
        help="folder holding audfprint.py (outside this repository); env AUDFPRINT_DIR",
    )
    ap.add_argument("--audfprint-python", default=os.environ.get("AUDFPRINT_PYTHON", sys.executable))
    ap.add_argument("--work", type=Path, default=None, help="folder for generated files (default: temporary)")
    ap.add_argument("--per-cell", type=int, default=10, help="queries per condition and length (default 10)")
    ap.add_argument("--lengths", type=float, nargs="+", default=[10.0, 30.0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path, default=None, help="also write the results as JSON")
    args = ap.parse_args()
    for tool in ("ffmpeg", "espeak-ng"):
        if shutil.which(tool) is None:
            console.print(
                f"[red]{tool} is missing: apt-get install ffmpeg espeak-ng wesnoth-1.16-music singularity-music[/red]"
            )
            return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="fpbench-"))
    work.mkdir(parents=True, exist_ok=True)
    durations = {p: sf.info(str(p)).duration for p in sorted(WESNOTH.glob("*.ogg"))}
    refs = [p for p, d in durations.items() if d >= 40.0]
    negs = sorted(SINGULARITY.glob("*.ogg"))
    hours = sum(durations[p] for p in refs) / 3600
    console.print(f"{len(refs)} reference tracks ({hours:.2f} h), {len(negs)} non-indexed tracks; work in {work}")
    queries = build_queries(work, refs, negs, args.per_cell, args.lengths, args.seed)
    audio_s = sum(q.length for q in queries)
    systems = [run_bunpai(work, refs, queries)]
    if args.audfprint is not None:
        systems.append(run_audfprint(work, refs, queries, args.audfprint, args.audfprint_python))
    else:
        console.print("[yellow]audfprint not given (--audfprint): its column stays empty[/yellow]")
    evals = {s.name: evaluate(queries, s) for s in systems}

    table = Table(title=f"Accuracy per condition ({args.per_cell} queries each) / 条件別の正解率")
    table.add_column("condition / 条件")
    table.add_column("len")
    for s in systems:
        table.add_column(f"{s.name} hit %", justify="right")
        table.add_column(f"{s.name} FP", justify="right")
    keys = list(evals["bunpai"])
    for key in keys:
        kind, cond, length = key.split(":")
        label = cond if kind == "pos" else ("neg: speech alone" if kind == "speech_alone" else f"neg: {cond}")
        cells: list[str] = []
        for s in systems:
            c = evals[s.name][key]
            cells += ([f"{100 * c['hit'] / c['n']:.0f}"] if kind == "pos" else ["–"]) + [f"{c['fp']:.0f}"]
        table.add_row(label, f"{length} s", *cells)
    console.print(table)

    perf = Table(title="Cost / 性能")
    perf.add_column("")
    for s in systems:
        perf.add_column(s.name, justify="right")
    total_fp = {s.name: sum(c["fp"] for c in evals[s.name].values()) for s in systems}
    rows = [
        ("false positives (all) / 誤検出", [f"{total_fp[s.name]:.0f}" for s in systems]),
        ("index time / 登録時間 (s)", [f"{s.index_s:.1f}" for s in systems]),
        ("index size / 容量 (MB per hour)", [f"{s.index_mb / hours:.2f}" for s in systems]),
        ("match: × real time / 照合速度 (倍速)", [f"{audio_s / s.match_s:.0f}" for s in systems]),
        ("match: ms per s of audio", [f"{1000 * s.match_s / audio_s:.2f}" for s in systems]),
        ("peak memory index / match (MB)", [f"{s.index_rss_mb:.0f} / {s.match_rss_mb:.0f}" for s in systems]),
    ]
    for label, vals in rows:
        perf.add_row(label, *vals)
    console.print(perf)
    console.print(
        f"{len(queries)} queries, {audio_s / 60:.1f} min of query audio; match times include start-up "
        "and decoding (照合時間は起動・デコードを含む)"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "hours": hours,
                    "queries": len(queries),
                    "audio_s": audio_s,
                    "systems": {
                        s.name: {
                            "index_s": s.index_s,
                            "index_mb": s.index_mb,
                            "match_s": s.match_s,
                            "index_rss_mb": s.index_rss_mb,
                            "match_rss_mb": s.match_rss_mb,
                            "cells": evals[s.name],
                        }
                        for s in systems
                    },
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
