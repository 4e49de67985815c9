"""Scale benchmark of the quarterly broadcast distribution (`bunpai broadcast run`).

Generates a quarter — at ``--scale 1`` 100 M usage lines (stations, methods, durations, sampling)
over 10 M works and 30 M share rows — with the usage lines in Parquet partitioned by month
(``usage/month=YYYY-MM/part-N.parquet``) and the share rows in ``rights.parquet``; then, each in its
own child process, measures

1. **floor**: a raw columnar scan of the same usage lines (Polars streaming: read every line, sum the
   durations per work). Any implementation that reads the lines pays this.
2. **DuckDB baseline**: one hand-written DuckDB query of the same allocation (points per line in
   integers, Σ per work and fund, basic points from the shares, ``floor(F × raw × share / PT)`` per
   holder, written to Parquet): the engine's own overhead is measured against it.
3. **bunpai broadcast run**: the real command, validation, exact arithmetic and the output folder.

    .venv/bin/python benchmarks/broadcast_quarter.py --scale 0.1          # 10 M lines (a few minutes)
    .venv/bin/python benchmarks/broadcast_quarter.py --scale 0.01         # a quick run
    .venv/bin/python benchmarks/broadcast_quarter.py --keep bench --scale 0.1
    .venv/bin/python benchmarks/broadcast_quarter.py --input bench/input  # reuse a generated quarter

Target (issue 5): ≤ 30 s wall and ≤ 4 GB peak at scale 1 on the 2-core machine.
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
GROUPS = (("nhk", 4_000_000_000), ("commercial_tv", 9_000_000_000), ("commercial_radio", 1_500_000_000))
METHODS = ("featured", "theme", "background", "commercial")
SOCIETIES = ("052", "035", "010", "021", "058")

GENERATE = r"""
import sys, math
import datetime as dt
from pathlib import Path
import numpy as np
import polars as pl
from bunpai.formats.broadcast_parquet import rights_codes, usage_codes, write_rights, write_usage_part

out, scale, seed = Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(seed)
lines_total = int(100_000_000 * scale)
works = max(int(10_000_000 * scale), 10)
parties = max(int(1_000_000 * scale), 10)
out.mkdir(parents=True, exist_ok=True)
groups = __GROUPS__
(out / "period.toml").write_text(
    'quarter = "2026Q2"\nreference_date = 2026-09-30\ndistribution_date = 2026-12-10\n'
    'admin_fee_rate = "85/1000"\n'
    + "".join(f'[[fund_group]]\nid = "{g}"\namount_yen = {a}\nrecording_ratio = "1/3"\n' for g, a in groups),
    encoding="utf-8",
)
n_st = 200
st_group = np.array([g for g, _ in groups])[np.arange(n_st) % len(groups)]
st_points = np.array(["1", "2", "3", "5/2", "4"])[rng.integers(0, 5, n_st)]
pl.DataFrame({"station_id": np.arange(n_st).astype(str), "fund_group": st_group, "station_points": st_points}).write_csv(
    out / "stations.csv")
cat = rng.choice(np.array(["member", "foreign", "assignee", "nonmember"]), parties, p=[0.85, 0.08, 0.02, 0.05])
society = pl.Series(np.where(cat == "foreign", np.array(__SOCIETIES__)[rng.integers(0, 5, parties)], ""))
society = society.replace("", None)
pl.DataFrame({"party_id": np.arange(parties).astype(str), "name": [f"Holder {i}" for i in range(parties)],
              "category": cat, "society": society}).write_csv(out / "parties.csv")
# 3 share rows per work: performing composer 50/100 and lyricist 50/100 (1 % missing: held), mechanical publisher 1.
w = np.arange(works)
keep_lyricist = rng.random(works) >= 0.01
rows_w = np.concatenate([w, w[keep_lyricist], w])
role = np.concatenate([np.full(works, "composer"), np.full(keep_lyricist.sum(), "lyricist"), np.full(works, "publisher")])
right = np.concatenate([np.full(works + keep_lyricist.sum(), "performing"), np.full(works, "mechanical")])
share_num = np.concatenate([np.full(works + keep_lyricist.sum(), 50), np.full(works, 1)])
share_den = np.concatenate([np.full(works + keep_lyricist.sum(), 100), np.full(works, 1)])
party = rng.integers(0, parties, len(rows_w))
since = dt.date(2020, 1, 1)
# The compact layout (bunpai.formats.broadcast_parquet): integer work ids, share_num/share_den, dates,
# role and right as integer codes named in the file. Party ids are numbers (as a society's member
# codes are): integers in rights.parquet.
write_rights(pl.DataFrame({"work_id": rows_w.astype(np.int64), "party_id": party.astype(np.int64), "role": role,
                           "right": right, "share_num": share_num, "share_den": share_den,
                           "submitted_on": since,
                           "valid_from": since, "valid_to": None},
                          schema_overrides={"valid_to": pl.Date}), out, rights_codes())
chunk = 10_000_000
line = 0
for month in ("2026-04", "2026-05", "2026-06"):
    todo = lines_total // 3 + (1 if month == "2026-06" and lines_total % 3 else 0) * (lines_total % 3)
    part = 0
    while todo > 0:
        n = min(chunk, todo)
        u = rng.random(n)
        work = np.minimum((works * u ** 3).astype(np.int64), works - 1)   # a few hits, a long tail
        outcome_code = rng.choice(np.arange(4), n, p=[0.94, 0.02, 0.03, 0.01])
        outcome = np.array(["managed", "unidentified", "other", "public_domain"])[outcome_code]
        station = rng.integers(0, n_st, n)
        sampled = (station % 10 == 0)
        frame = pl.DataFrame({
            "line_id": np.arange(line, line + n, dtype=np.int64),
            "station_id": station.astype(np.int32),
            "work_id": pl.Series(work).set(pl.Series(outcome_code == 1), None),
            "outcome": outcome,
            "duration_s": rng.integers(5, 900, n).astype(np.int32),
            "method": np.array(__METHODS__)[rng.choice(4, n, p=[0.5, 0.2, 0.25, 0.05])],
            "recorded": rng.random(n) < 0.6,
            "sampling_num": np.ones(n, dtype=np.int32),
            "sampling_den": np.where(sampled, 13, 1).astype(np.int32),
        })
        write_usage_part(frame, out, month, part, usage_codes(__METHODS__))
        line += n
        todo -= n
        part += 1
print(line, works, len(rows_w))
"""

# The floor: read every usage line (the columns a distribution needs) and sum per work.
FLOOR = r"""
import sys
import polars as pl
lazy = pl.scan_parquet(sys.argv[1] + "/usage/**/*.parquet", hive_partitioning=True)
totals = (lazy.group_by("work_id").agg(pl.col("duration_s").sum(), pl.col("station_id").max(),
          pl.col("method").max(), pl.col("recorded").sum(), pl.col("sampling_den").max())
          .collect(engine="streaming"))
print(totals.height)
"""

# One hand-written DuckDB query of the same allocation, in integers (points × 20 × 2 × 13).
DUCKDB = r"""
import sys
import duckdb
folder, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("SET threads TO 2")
funds = __FUNDS__
con.execute("CREATE TABLE funds(fund_group VARCHAR, right_ VARCHAR, f HUGEINT)")
con.executemany("INSERT INTO funds VALUES (?, ?, ?)", funds)
con.execute(f'''
COPY (
WITH st AS (
  SELECT station_id::INTEGER AS station_id, fund_group,
         CASE station_points WHEN '5/2' THEN 5 ELSE station_points::INTEGER * 2 END AS s2
  FROM read_csv('{folder}/stations.csv', all_varchar=true)),
lines AS (
  SELECT st.fund_group, u.work_id, u.outcome, u.recorded, u.line_id,
    (CASE WHEN duration_s <= 60 THEN 1 WHEN duration_s <= 180 THEN 2 WHEN duration_s <= 300 THEN 3
          WHEN duration_s <= 600 THEN 5 ELSE 5 + 2 * ((duration_s - 600 + 299) // 300) END)::HUGEINT
    * (CASE method WHEN 'featured' THEN 20 WHEN 'theme' THEN 10 WHEN 'background' THEN 5 ELSE 2 END)
    * st.s2 * (13 // sampling_num * sampling_den) AS p
  FROM (SELECT * REPLACE (__OUTCOME__ AS outcome, __METHOD__ AS method)
        FROM read_parquet('{folder}/usage/**/*.parquet', hive_partitioning=true)) u JOIN st USING (station_id)
  WHERE outcome IN ('managed', 'unidentified')),
raw AS (
  SELECT fund_group, 'performing' AS right_, work_id::VARCHAR AS work_id, sum(p) AS raw
  FROM lines WHERE outcome = 'managed' GROUP BY ALL
  UNION ALL
  SELECT fund_group, 'mechanical', work_id::VARCHAR, sum(p) FROM lines WHERE outcome = 'managed' AND recorded
  GROUP BY ALL),
unid AS (
  SELECT fund_group, 'performing' AS right_, sum(p) AS p FROM lines WHERE outcome = 'unidentified' GROUP BY ALL
  UNION ALL
  SELECT fund_group, 'mechanical', sum(p) FROM lines WHERE outcome = 'unidentified' AND recorded GROUP BY ALL),
r AS (
  SELECT work_id::VARCHAR AS work_id, "right"::VARCHAR AS right_, party_id, category,
    (share_num * 100 // share_den)::INTEGER AS s
  FROM (SELECT * REPLACE (party_id::VARCHAR AS party_id, __RIGHT__ AS "right") FROM read_parquet('{folder}/rights.parquet'))
  JOIN read_csv('{folder}/parties.csv', all_varchar=true) USING (party_id)
  WHERE submitted_on <= '2026-09-20'),
basic AS (
  SELECT work_id, right_, 100 - sum(s) FILTER (WHERE category = 'nonmember') AS basic
  FROM r GROUP BY ALL),
pt AS (
  SELECT fund_group, right_, sum(raw * coalesce(basic, 100)) AS pt FROM raw LEFT JOIN basic USING (work_id, right_)
  GROUP BY ALL),
tot AS (
  SELECT fund_group, right_, pt.pt + 100 * coalesce(unid.p, 0) AS pt FROM pt LEFT JOIN unid USING (fund_group, right_))
SELECT r.party_id, raw.work_id, raw.fund_group, raw.right_, (f * raw.raw * r.s) // tot.pt AS gross_yen
FROM raw JOIN r USING (work_id, right_) JOIN tot USING (fund_group, right_) JOIN funds USING (fund_group, right_)
WHERE r.category <> 'nonmember'
) TO '{out}' (FORMAT parquet)''')
print(con.execute(f"SELECT count(*), sum(gross_yen) FROM read_parquet('{out}')").fetchone())
"""


def _names_in_sql(folder: Path) -> dict[str, str]:
    """The DuckDB expressions that give the usage lines' outcome and method and the share rows'
    right as their names: integer codes looked up in the names of the files' metadata (the
    layout the generator writes), or the column as text (a folder written before codes)."""
    from bunpai.formats.broadcast_parquet import codes_named_in

    usage = sorted((folder / "usage").rglob("*.parquet"), key=lambda path: path.as_posix())[0]
    found = {}
    for path, columns in ((usage, ("outcome", "method")), (folder / "rights.parquet", ("right",))):
        names = codes_named_in(path) or {}
        for column in columns:
            quoted = f'"{column}"'
            if column in names:
                listed = ", ".join("'" + name.replace("'", "''") + "'" for name in names[column])
                found[column] = f"list_extract([{listed}], {quoted} + 1)"
            else:
                found[column] = f"{quoted}::VARCHAR"
    return found


@dataclass
class Step:
    step: str
    wall_s: float
    peak_mb: float
    exit_code: int
    cpu_s: float = 0.0
    """user + system CPU time of the child (both cores count): steadier than wall time on a shared machine."""


def _measure(name: str, argv: list[str], log: Path) -> Step:
    """Run argv as a child process; its wall time and its own peak resident memory (ru_maxrss)."""
    with log.open("wb") as out:
        actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, out.fileno(), 2)]
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, dict(os.environ), file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    peak = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return Step(name, wall, peak, os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime)


def _bunpai() -> list[str]:
    script = Path(sys.executable).with_name("bunpai")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bunpai"]


def _check(step: Step, log: Path) -> Step:
    if step.exit_code != 0:
        print(f"{step.step} failed with exit code {step.exit_code}; its output ({log}):", file=sys.stderr)
        print(log.read_text(encoding="utf-8", errors="replace")[-4000:], file=sys.stderr)
        raise SystemExit(1)
    return step


def _funds() -> list[tuple[str, str, int]]:
    rows = []
    for group, amount in GROUPS:
        mechanical = amount // 3
        rows += [(group, "performing", amount - mechanical), (group, "mechanical", mechanical)]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100 M lines, 10 M works, 30 M share rows")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", type=Path, help="keep input/, output/ and the logs in this folder")
    parser.add_argument("--input", type=Path, help="use an input folder generated before (skip generation)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--skip-duckdb", action="store_true")
    parser.add_argument(
        "--tables",
        choices=("csv", "parquet", "both"),
        default="both",
        help="output tables of the run: the contract's CSV, the compact Parquet layout, or both (default)",
    )
    args = parser.parse_args(argv)

    root = args.keep or Path(tempfile.mkdtemp(prefix="bunpai-broadcast-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    steps: list[Step] = []
    try:
        folder = args.input or root / "input"
        if args.input is None:
            shutil.rmtree(folder, ignore_errors=True)
            script = (
                GENERATE.replace("__GROUPS__", repr(GROUPS))
                .replace("__SOCIETIES__", repr(list(SOCIETIES)))
                .replace("__METHODS__", repr(list(METHODS)))
            )
            steps.append(
                _check(
                    _measure(
                        f"generate (scale {args.scale:g})",
                        [sys.executable, "-c", script, str(folder), str(args.scale), str(args.seed)],
                        root / "generate.log",
                    ),
                    root / "generate.log",
                )
            )
        floor = _check(
            _measure("floor: columnar scan", [sys.executable, "-c", FLOOR, str(folder)], root / "floor.log"),
            root / "floor.log",
        )
        steps.append(floor)
        if not args.skip_duckdb:
            duck_out = root / "duckdb.parquet"
            script = DUCKDB.replace("__FUNDS__", repr(_funds()))
            for column, expression in _names_in_sql(folder).items():
                script = script.replace(f"__{column.upper()}__", expression)
            steps.append(
                _check(
                    _measure(
                        "baseline: one DuckDB query",
                        [sys.executable, "-c", script, str(folder), str(duck_out)],
                        root / "duckdb.log",
                    ),
                    root / "duckdb.log",
                )
            )
        runs: list[Step] = []
        outputs: list[Path] = []
        for tables in ("csv", "parquet") if args.tables == "both" else (args.tables,):
            out = root / ("output" if tables == "csv" else "output-parquet")
            shutil.rmtree(out, ignore_errors=True)
            name = "bunpai broadcast run" + (" --tables parquet" if tables == "parquet" else "")
            log = root / f"run-{tables}.log"
            command = [*_bunpai(), "broadcast", "run", str(folder), "--out", str(out), "--quiet", "--tables", tables]
            runs.append(_check(_measure(name, command, log), log))
            outputs.append(out)
        steps += runs
        run = min(runs, key=lambda step: step.wall_s)
        out = outputs[0]
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        lines = sum(1 for _ in (folder / "usage").rglob("*.parquet"))
        import polars as pl

        usage_rows = pl.scan_parquet(str(folder / "usage" / "**" / "*.parquet")).select(pl.len()).collect().item()
        works = pl.scan_parquet(str(folder / "rights.parquet")).select(pl.col("work_id").n_unique()).collect().item()
        shares = pl.scan_parquet(str(folder / "rights.parquet")).select(pl.len()).collect().item()
        print(
            f"bunpai broadcast quarter benchmark: {usage_rows:,} usage lines ({lines} Parquet files), "
            f"{works:,} works, {shares:,} share rows"
        )
        print(
            f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}, polars {pl.__version__}"
        )
        print()
        print(f"{'step':<32} {'wall s':>8} {'cpu s':>8} {'peak MB':>9}")
        print("-" * 60)
        for step in steps:
            print(f"{step.step:<32} {step.wall_s:>8.1f} {step.cpu_s:>8.1f} {step.peak_mb:>9.0f}")
        print()
        for each in runs:
            print(
                f"{each.step} / floor: {each.wall_s / floor.wall_s:.1f}x the time, "
                f"{each.peak_mb / floor.peak_mb:.1f}x the memory"
            )
            if not args.skip_duckdb:
                duck = next(step for step in steps if step.step.startswith("baseline"))
                print(
                    f"{each.step} / DuckDB baseline: {each.wall_s / duck.wall_s:.1f}x the time, "
                    f"{each.peak_mb / duck.peak_mb:.1f}x the memory"
                )
        factor = 100_000_000 / max(usage_rows, 1)
        if factor > 1.01:
            print(
                f"linear extrapolation to 100 M lines (x{factor:.0f}): about {run.wall_s * factor:.0f} s "
                f"(target {TARGET_SECONDS:.0f} s); memory grows with works and share rows, not with lines"
            )
        met = run.wall_s <= TARGET_SECONDS and run.peak_mb <= TARGET_MB
        print(
            f"target ≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_MB:.0f} MB at 100 M lines ({run.step}): "
            + ("met" if met and factor <= 1.01 else "not met" if factor <= 1.01 else "not measured at this scale")
            + f" (run {run.wall_s:.1f} s, {run.peak_mb:.0f} MB; floor {floor.wall_s:.1f} s)"
        )
        print(
            f"summary: balanced {summary.get('balanced')}, lines {summary['lines_total_yen']:,} yen, "
            f"held {summary['held_total_yen']:,} yen, {summary['count_statement_lines']:,} statement lines"
        )
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "usage_lines": usage_rows,
                        "works": works,
                        "share_rows": shares,
                        "steps": [asdict(s) for s in steps],
                    },
                    indent=2,
                )
                + "\n",
                encoding="utf-8",
            )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
