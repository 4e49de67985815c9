"""The scale benchmark itself (``benchmarks/broadcast_quarter.py``) at a small scale: the generator
writes the compact layout with its codes named, the floor, the DuckDB baseline and both runs
finish, the two runs give the same statement lines, and the baseline allocates what the run does
(to within its simplifications)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl

from bunpai.formats.broadcast_output import scan_statement_lines
from bunpai.formats.broadcast_parquet import CODES_KEY, rights_codes

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "broadcast_quarter.py"


def test_the_scale_benchmark_runs_with_its_baseline_at_a_small_scale(tmp_path: Path) -> None:
    bench = tmp_path / "bench"
    figures_file = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--scale", "0.001", "--keep", str(bench), "--json", str(figures_file)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    assert figures["usage_lines"] == 100_000 and figures["works"] == 10_000
    assert [(step["step"], step["exit_code"]) for step in figures["steps"]] == [
        ("generate (scale 0.001)", 0),
        ("floor: columnar scan", 0),
        ("baseline: one DuckDB query", 0),
        ("bunpai broadcast run", 0),
        ("bunpai broadcast run --tables parquet", 0),
    ]
    assert "summary: balanced True" in done.stdout

    # The input as the generator writes it: integer codes named in each file.
    rights = bench / "input" / "rights.parquet"
    assert pl.read_parquet_schema(rights)["role"] == pl.UInt8
    assert json.loads(pl.read_parquet_metadata(rights)[CODES_KEY]) == rights_codes()
    usage = sorted((bench / "input" / "usage").rglob("*.parquet"))
    assert usage and all(pl.read_parquet_schema(path)["outcome"] == pl.UInt8 for path in usage)

    # Both runs: the same statement lines, in the CSV contract and in the compact layout.
    lines = scan_statement_lines(bench / "output").collect()
    assert lines.equals(scan_statement_lines(bench / "output-parquet").collect())
    assert lines.height > 10_000

    # The baseline's allocation: the run's lines and yen, but for its simplifications (its held and
    # unidentified parts), a few lines and at most a yen a line apart.
    baseline = pl.read_parquet(bench / "duckdb.parquet").filter(pl.col("gross_yen") > 0)
    run_yen = int(lines["gross_yen"].cast(pl.Int64).sum())
    baseline_yen = int(baseline["gross_yen"].cast(pl.Int64).sum())
    assert abs(baseline.height - lines.height) <= lines.height // 1000
    assert abs(baseline_yen - run_yen) <= lines.height
    assert run_yen > 10**9
