"""The other benchmarks under ``benchmarks/`` still run, at a small size, and report what they
measure (the broadcast and identification benchmarks have tests of their own). The audio
fingerprint benchmarks need Debian packages and external audio, and are not run here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize(
    ("script", "arguments", "expected"),
    [
        (
            "prc_scale.py",
            ["--works", "2000", "--usage-rows", "5000"],
            ["summary.json balanced: True", "run / floor:"],
        ),
        (
            "cwr_import.py",
            ["--works", "300", "--no-postgres"],
            ["300 stored, {'AS': 300}"],
        ),
        (
            "web_broadcast_run.py",
            ["--works", "200", "--lines", "2000"],
            ["broadcast quarter: 200 works, 2,000 usage lines", "site: run page (approver)"],
        ),
    ],
    ids=["private recording", "CWR import", "site's broadcast run"],
)
def test_a_benchmark_runs_at_a_small_size(script: str, arguments: list[str], expected: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for text in expected:
        assert text in done.stdout, done.stdout
