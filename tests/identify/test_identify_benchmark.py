"""The identification benchmark itself (``benchmarks/identify_bench.py``) on a small generated set:
it runs, and its quality figures stay where the engine puts them (the generator is seeded)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "identify_bench.py"


def test_the_identification_benchmark_runs_and_keeps_its_quality_on_a_small_set() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--works", "3000", "--lines", "1000"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3,000 works, 1,000 lines" in done.stdout and "720 distinct lines" in done.stdout
    row = re.search(r"^bunpai identify\s+([\d.]+) %\s+([\d.]+) %\s+([\d.]+) %\s+([\d.]+) %", done.stdout, re.MULTILINE)
    assert row is not None, done.stdout
    automatic, precision, review, first_right = (float(value) for value in row.groups())
    baseline = re.search(r"^baseline exact title\s+([\d.]+) %", done.stdout, re.MULTILINE)
    assert baseline is not None
    # The engine decides far more lines than an exact title look-up, and none wrongly here.
    assert automatic >= 96.0 and float(baseline.group(1)) < 75.0
    assert precision == 100.0 and "wrong automatic decisions: none" in done.stdout
    assert automatic + review <= 100.0 and review <= 2.5 and first_right >= 90.0
