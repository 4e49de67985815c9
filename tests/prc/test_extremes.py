"""Extreme values: exact past 64 bits, and the engine's fall-back to the row-by-row path."""

from __future__ import annotations

from pathlib import Path

import pytest

from bunpai.core.prc.reference import distribute, floored_items
from bunpai.engine.prc import (
    FastPathUnavailable,
    distribute_frames,
    period_input_from_frames,
    result_from_outcome,
)
from bunpai.formats.prc_input import read_input
from bunpai.rules import prc_ruleset_for
from bunpai.services.prc import compute_period
from tests.prc.factory import write_folder

BIG = 10**18  # near the top of a signed 64-bit integer


def _huge_period(root: Path) -> Path:
    return write_folder(
        root,
        period={"receipt_yen": str(9 * 10**17), "literary_ratio": '"1/3"', "admin_fee_rate": '"7/100"'},
        parties=[
            {"party_id": "A", "name": "A", "category": "member"},
            {"party_id": "B", "name": "B", "category": "foreign", "society": "PRS"},
        ],
        works=[{"work_id": "W1"}, {"work_id": "W2"}],
        rights=[
            {"work_id": "W1", "party_id": "A", "role": "composer", "submitted_on": "2020-01-01"},
            {"work_id": "W2", "party_id": "B", "role": "composer", "submitted_on": "2020-01-01"},
        ],
        usage_broadcast=[
            {
                "work_id": "W1",
                "use_count": BIG,
                "differential_points": "3",
                "station_points": "7",
                "sampling_rate": "1/3",
                "use_type": "featured",
                "station_kind": "nhk_radio",
            },
            {
                "work_id": "W2",
                "use_count": BIG - 1,
                "differential_points": "5/7",
                "station_points": "999999999",
                "sampling_rate": "",
                "use_type": "featured",
                "station_kind": "commercial_radio",
            },
        ],
        usage_recording=[
            {
                "work_id": "W1",
                "deemed_songs": "1/999999937",
                "units": BIG,
                "recording_class": 1,
                "purpose": "sale",
            },
        ],
        usage_rental=[{"work_id": "W2", "deemed_songs": "2", "rental_count": BIG, "rental_class": 1}],
    )


def test_values_past_64_bits_stay_exact(tmp_path: Path) -> None:
    folder = _huge_period(tmp_path / "in")
    frames, rules = read_input(folder, rules_for=prc_ruleset_for)
    with pytest.raises(FastPathUnavailable):
        distribute_frames(frames, rules)
    run = compute_period(folder)
    assert run.path == "row-by-row"
    summary = run.result.summary
    assert summary["balanced"] is True
    assert summary["literary_yen"] == 3 * 10**17
    # Nothing was lost: the member fund is entirely in lines, held and carry.
    assert summary["member_fund_yen"] == (
        summary["lines_total_yen"] + summary["held_total_yen"] + summary["carry_out_total_yen"]  # type: ignore[operator]
    )
    lines = dict(
        zip(run.result.statement_lines["party_id"], run.result.statement_lines["gross_yen"], strict=True)
    )
    assert sum(lines.values()) == summary["lines_total_yen"]
    assert lines["A"] > 0 and lines["B"] > 0


def test_large_but_64_bit_safe_values_use_the_columnar_path_and_agree(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "in",
        period={"receipt_yen": str(4 * 10**15)},
        parties=[
            {"party_id": "A", "name": "A", "category": "member"},
            {"party_id": "N", "name": "N", "category": "nonmember"},
        ],
        works=[{"work_id": f"W{i}"} for i in range(3)],
        rights=[
            {"work_id": f"W{i}", "party_id": party, "role": role, "submitted_on": "2020-01-01"}
            for i in range(3)
            for party, role in (("A", "composer"), ("N", "lyricist"))
        ],
        usage_broadcast=[
            {
                "work_id": f"W{i}",
                "use_count": 2**31 + i,
                "differential_points": "1.5",
                "station_points": "3",
                "sampling_rate": "1/4",
                "use_type": "featured",
                "station_kind": "nhk_radio",
            }
            for i in range(3)
        ],
        usage_recording=[
            {"work_id": "W0", "deemed_songs": "1", "units": 2**40, "recording_class": 2, "purpose": "sale"}
        ],
    )
    frames, rules = read_input(folder, rules_for=prc_ruleset_for)
    fast = distribute_frames(frames, rules)
    outcome = distribute(period_input_from_frames(frames), rules)
    slow = result_from_outcome(outcome, floored_items(outcome))
    assert fast.summary == slow.summary
    assert fast.statement_lines.rows() == slow.statement_lines.rows()
    assert fast.work_points.rows() == slow.work_points.rows()
