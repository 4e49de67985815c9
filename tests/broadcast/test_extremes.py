"""Extreme values: huge funds, long uses, tiny sampling rates and odd shares stay exact and balanced,
through the 128-bit path or the row-by-row fallback, and equal the row-by-row rules."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bunpai.core.broadcast.conservation import conservation_failures
from bunpai.core.broadcast.reference import distribute
from bunpai.engine import broadcast as broadcast_engine
from bunpai.engine.broadcast import (
    FastPathUnavailable,
    distribute_frames,
    quarter_input_from_frames,
    result_from_outcome,
)
from bunpai.formats.broadcast_input import read_input
from bunpai.rules import broadcast_ruleset_for, prc_ruleset_for
from bunpai.services.broadcast import compute_quarter
from tests.broadcast.factory import write_folder

PARTIES = [
    {"party_id": "A", "name": "A", "category": "member"},
    {"party_id": "B", "name": "B", "category": "foreign", "society": "052"},
]


def _quarter(tmp_path: Path, amount: int, duration: int, sampling: str, share: str) -> Path:
    return write_folder(
        tmp_path / "in",
        groups=[{"id": "g", "amount_yen": amount, "recording_ratio": "1/7"}],
        fee="1/3",
        parties=PARTIES,
        stations=[{"station_id": "S", "fund_group": "g", "station_points": "7/3"}],
        rights=[
            {
                "work_id": "W",
                "party_id": "A",
                "role": "composer",
                "right": r,
                "share": share,
                "submitted_on": "2020-01-01",
            }
            for r in ("performing", "mechanical")
        ]
        + [
            {
                "work_id": "W",
                "party_id": "B",
                "role": "lyricist",
                "right": "performing",
                "share": "1/3",
                "submitted_on": "2020-01-01",
            }
        ],
        usage=[
            {
                "line_id": f"L{i}",
                "station_id": "S",
                "work_id": "W",
                "outcome": "managed",
                "duration_s": duration + i,
                "method": "theme",
                "recorded": "yes",
                "sampling_rate": sampling,
            }
            for i in range(3)
        ]
        + [
            {
                "line_id": "U",
                "station_id": "S",
                "outcome": "unidentified",
                "duration_s": 7,
                "method": "commercial",
                "sampling_rate": sampling,
            }
        ],
    )


@pytest.mark.parametrize(
    ("amount", "duration", "sampling", "share"),
    [
        (10**15, 10**9, "1/997", "1/7"),  # a quadrillion yen, 30-year uses, a prime sampling rate
        (1, 0, "", "0.3333"),  # one yen
        (999_999_999_999, 86_400, "0.000001", "2/3"),
        (10**18, 10**12, "1/999983", "1/7"),  # beyond the 128-bit guard: the row-by-row path
    ],
)
def test_extremes_balance_and_equal_the_rules(
    tmp_path: Path, amount: int, duration: int, sampling: str, share: str
) -> None:
    folder = _quarter(tmp_path, amount, duration, sampling, share)
    run = compute_quarter(folder)
    assert conservation_failures(run.result.summary, int(run.result.payees["gross_yen"].sum())) == []
    frames, rules = read_input(folder, rules_for=broadcast_ruleset_for)
    table = prc_ruleset_for(frames.quarter.reference_date)
    slow = result_from_outcome(distribute(quarter_input_from_frames(frames), table, rules.label))
    try:
        fast = distribute_frames(frames, table, rules.label)
    except FastPathUnavailable:
        assert run.path == "row-by-row"
        return
    assert fast.statement_lines.collect().rows() == slow.statement_lines.collect().rows()
    for name in ("payees", "held", "work_points"):
        assert getattr(fast, name).rows() == getattr(slow, name).rows(), name
    assert fast.summary == slow.summary


def test_lines_past_64_bits_beside_small_ones(tmp_path: Path) -> None:
    """In one chunk of statement lines, amounts whose F × points × share passes 2⁶³ (taken in 128
    bits) beside small ones (taken in 64 bits) give the rules' figures."""
    folder = _quarter(tmp_path, 10**12, 10**9, "1/997", "1/7")
    with (folder / "rights.csv").open("a", encoding="utf-8") as rights:
        for right in ("performing", "mechanical"):
            rights.write(f"V,A,composer,{right},1/2,2020-01-01,,\n")
    with (folder / "usage.csv").open("a", encoding="utf-8") as usage:
        usage.write("LV,S,V,managed,5,commercial,yes,1/997\n")
    frames, rules = read_input(folder, rules_for=broadcast_ruleset_for)
    table = prc_ruleset_for(frames.quarter.reference_date)
    fast = distribute_frames(frames, table, rules.label)
    slow = result_from_outcome(distribute(quarter_input_from_frames(frames), table, rules.label))
    lines = fast.statement_lines.collect()
    assert set(lines["work_id"]) == {"V", "W"}
    assert lines.filter(pl.col("work_id") == "V")["gross_yen"].min() > 0  # type: ignore[operator]
    assert lines.rows() == slow.statement_lines.collect().rows()
    assert fast.summary == slow.summary


def test_the_fallback_reads_the_released_share_rows_again(tmp_path: Path) -> None:
    """The columnar path runs on a slim copy of the share rows, the full frame never kept; when
    the values are too large for it, the row-by-row path reads the share rows again and gives
    what a run that kept them gives."""
    folder = _quarter(tmp_path, 10**18, 10**12, "1/999983", "1/7")
    frames, _ = read_input(folder, rules_for=broadcast_ruleset_for)
    kept = frames.rights
    frames, _ = read_input(folder, rules_for=broadcast_ruleset_for, engine_rows_only=True)
    assert frames.rights.equals(kept)  # read and validated again from the folder

    released = compute_quarter(folder)
    assert released.path == "row-by-row"
    direct = compute_quarter(folder, row_by_row=True)
    assert released.result.summary == direct.result.summary
    assert released.result.statement_lines.collect().equals(direct.result.statement_lines.collect())
    assert released.result.payees.equals(direct.result.payees)
    assert released.result.statement_lines.collect()["gross_yen"].sum() > 0


@pytest.mark.parametrize(
    ("amount", "duration", "sampling", "share"),
    [(10**15, 10**9, "1/997", "1/7"), (999_999_999_999, 86_400, "0.000001", "2/3")],
)
def test_fund_totals_in_128_bits_equal_the_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, amount: int, duration: int, sampling: str, share: str
) -> None:
    """The entries' fund totals taken by ranges in 128 bits (as when their sums could pass 2⁶³)
    give the figures of the one int64 pass and of the rules."""
    folder = _quarter(tmp_path, amount, duration, sampling, share)
    frames, rules = read_input(folder, rules_for=broadcast_ruleset_for)
    table = prc_ruleset_for(frames.quarter.reference_date)
    in_64 = distribute_frames(frames, table, rules.label)
    monkeypatch.setattr(broadcast_engine, "_ENTRY_SUMS_LIMIT", 0)
    in_128 = distribute_frames(frames, table, rules.label, batch_rows=1)
    slow = result_from_outcome(distribute(quarter_input_from_frames(frames), table, rules.label))
    for fast in (in_64, in_128):
        assert fast.statement_lines.collect().rows() == slow.statement_lines.collect().rows()
        for name in ("payees", "held", "work_points"):
            assert getattr(fast, name).rows() == getattr(slow, name).rows(), name
        assert fast.summary == slow.summary
