"""Scale benchmark of the private recording distribution (`bunpai prc run`).

Generates a period with the demo generator (by default 1 M works, about 2 M rights rows and 10 M
usage rows), runs `bunpai prc run` on it from its CSV files, and beside it the floor: a plain
columnar scan of the same three usage files (Polars `read_csv` and a group-by sum of the counts
per work), which no implementation that reads the CSV files can beat by much. Every step runs in
its own child process; its wall time is measured around the process and its peak memory is the
child's own maximum resident set size (`os.wait4`).

    .venv/bin/python benchmarks/prc_scale.py                 # full size (a minute or two)
    .venv/bin/python benchmarks/prc_scale.py --works 20000   # a quick run
    .venv/bin/python benchmarks/prc_scale.py --keep bench    # keep input/ and output/ in ./bench
    .venv/bin/python benchmarks/prc_scale.py --input bench/input   # reuse a generated period

Target (issue 2): `bunpai prc run` within 30 s and 4 GB at full size on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

TARGET_SECONDS = 30.0
TARGET_MB = 4096.0
USAGE_FILES = ("usage_broadcast.csv", "usage_recording.csv", "usage_rental.csv")

GENERATE = """
import sys
from pathlib import Path
from bunpai.demo.prc import generate_period
out, works, seed, rights, usage = sys.argv[1:6]
print(generate_period(Path(out), works=int(works), seed=int(seed), rights_per_work=float(rights),
                      usage_rows=int(usage)))
"""

# The floor: read the three usage files completely and sum the counts per work.
FLOOR = """
import sys
import polars as pl
folder = sys.argv[1]
parts = []
for name, count in (("usage_broadcast.csv", "use_count"), ("usage_recording.csv", "units"),
                    ("usage_rental.csv", "rental_count")):
    frame = pl.read_csv(f"{folder}/{name}", schema_overrides={count: pl.Int64})
    parts.append(frame.group_by("work_id").agg(pl.col(count).sum().alias("count")))
totals = pl.concat(parts).group_by("work_id").agg(pl.col("count").sum())
print(totals.height, int(totals["count"].sum()))
"""


@dataclass
class Step:
    step: str
    wall_s: float
    peak_mb: float
    rows: int
    exit_code: int


def _peak_mb(maxrss: int) -> float:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def _measure(name: str, argv: list[str], rows: int, log: Path) -> Step:
    """Run argv as a child process; its wall time and its own peak resident memory."""
    with log.open("wb") as out:
        actions = [
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, out.fileno(), 2),
        ]
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, dict(os.environ), file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return Step(name, wall, _peak_mb(usage.ru_maxrss), rows, code)


def _bunpai() -> list[str]:
    script = Path(sys.executable).with_name("bunpai")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bunpai"]


def _count_rows(path: Path) -> int:
    with path.open("rb") as f:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b"")) - 1)


def _fail(step: Step, log: Path) -> None:
    print(f"{step.step} failed with exit code {step.exit_code}; its output ({log}):", file=sys.stderr)
    print(log.read_text(encoding="utf-8", errors="replace")[-4000:], file=sys.stderr)
    raise SystemExit(1)


def _table(steps: list[Step]) -> str:
    lines = [f"{'step':<34} {'wall s':>8} {'peak MB':>9} {'rows':>12}", "-" * 66]
    lines += [f"{s.step:<34} {s.wall_s:>8.1f} {s.peak_mb:>9.0f} {s.rows:>12,}" for s in steps]
    return "\n".join(lines)


def _report(works: int, rights_rows: int, usage: int, steps: list[Step], summary: dict[str, object]) -> str:
    import polars

    run, floor = steps[-1], steps[-2]
    ok_time, ok_memory = run.wall_s <= TARGET_SECONDS, run.peak_mb <= TARGET_MB
    lines = [
        f"bunpai prc scale benchmark: {works:,} works, {rights_rows:,} rights rows, {usage:,} usage rows",
        f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, polars {polars.__version__}",
        "",
        _table(steps),
        "",
        f"run / floor: {run.wall_s / floor.wall_s:.1f}x the time, {run.peak_mb / floor.peak_mb:.1f}x the memory",
        f"target for the run: <= {TARGET_SECONDS:.0f} s and <= {TARGET_MB / 1024:.0f} GB: "
        f"time {'met' if ok_time else 'MISSED'}, memory {'met' if ok_memory else 'MISSED'}"
        + ("" if works >= 1_000_000 else " (the target is for 1,000,000 works)"),
        f"summary.json balanced: {summary.get('balanced')}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--works", type=int, default=1_000_000, help="works in the period (default 1,000,000)")
    parser.add_argument("--rights-per-work", type=float, default=2.0, help="rights rows per work (default 2.0)")
    parser.add_argument("--usage-rows", type=int, help="usage rows over the three files (default 10 per work)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="write input/ and output/ into DIR and keep them")
    parser.add_argument("--input", type=Path, metavar="DIR", help="use this generated input folder")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    usage_rows = args.usage_rows if args.usage_rows is not None else 10 * args.works

    if args.keep:
        if args.keep.exists() and any(args.keep.iterdir()):
            parser.error(f"--keep {args.keep}: the folder exists and is not empty")
        args.keep.mkdir(parents=True, exist_ok=True)
        work = args.keep
    else:
        work = Path(tempfile.mkdtemp(prefix="bunpai-bench-"))
    steps: list[Step] = []
    try:
        input_dir = args.input or work / "input"
        if args.input is None:
            log = work / "generate.log"
            step = _measure(
                f"generate ({args.works:,} works)",
                [
                    sys.executable,
                    "-c",
                    GENERATE,
                    str(input_dir),
                    str(args.works),
                    str(args.seed),
                    str(args.rights_per_work),
                    str(usage_rows),
                ],
                0,
                log,
            )
            if step.exit_code:
                _fail(step, log)
            steps.append(step)
        rights_rows = _count_rows(input_dir / "rights.csv")
        usage = sum(_count_rows(input_dir / name) for name in USAGE_FILES)
        works = _count_rows(input_dir / "works.csv")
        if steps:
            steps[0].rows = works + rights_rows + usage

        log = work / "floor.log"
        step = _measure("floor: polars scan of usage CSVs", [sys.executable, "-c", FLOOR, str(input_dir)], usage, log)
        if step.exit_code:
            _fail(step, log)
        steps.append(step)

        log = work / "run.log"
        output_dir = work / "output"
        step = _measure(
            "bunpai prc run",
            [*_bunpai(), "prc", "run", str(input_dir), "--out", str(output_dir), "--quiet"],
            usage + rights_rows,
            log,
        )
        if step.exit_code:
            _fail(step, log)
        steps.append(step)
        summary = json.loads((output_dir / "summary.json").read_text(encoding="utf-8"))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(_report(works, rights_rows, usage, steps, summary))
    if args.keep:
        print(f"kept: {work}/input, {work}/output")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "works": works,
                    "rights_rows": rights_rows,
                    "usage_rows": usage,
                    "steps": [asdict(s) for s in steps],
                    "target": {"seconds": TARGET_SECONDS, "megabytes": TARGET_MB},
                    "balanced": summary.get("balanced"),
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
