"""Art. 4–5: the yearly report and its deadlines."""

from __future__ import annotations

import pytest

from bunpai.core.prc.annual import REPORTED_FIGURES, annual_report


def _summary(period: str, receipt: int, balance: int) -> dict[str, object]:
    summary: dict[str, object] = dict.fromkeys(REPORTED_FIGURES, 0)
    summary.update(
        period=period, receipt_yen=receipt, nonmember_balance_out_yen=balance, balanced=True,
        claims_by_status={"paid": 1, "late": 2},
    )
    return summary


def test_report_adds_the_periods_and_states_the_deadlines() -> None:
    report = annual_report(2026, [_summary("2027-03", 700, -5), _summary("2026-09", 300, 40)])
    assert report["fiscal_year_end"] == "2027-03-31"
    assert report["due_to_sarah_by"] == "2027-05-31"
    assert report["literary_report_due_from_nikkyakuren_by"] == "2027-05-15"
    assert [p["period"] for p in report["periods"]] == ["2026-09", "2027-03"]
    assert report["totals"]["receipt_yen"] == 1000
    assert report["nonmember_balance_at_year_end_yen"] == -5
    assert report["claims_by_status"] == {"paid": 2, "late": 4}


def test_periods_outside_the_year_or_twice_are_refused() -> None:
    with pytest.raises(ValueError, match="not distributed in fiscal year 2025"):
        annual_report(2025, [_summary("2026-09", 1, 0)])
    with pytest.raises(ValueError, match="twice"):
        annual_report(2026, [_summary("2026-09", 1, 0), _summary("2026-09", 1, 0)])
