"""Art. 4 and 5: the yearly reports.

Art. 5: the society reports the results of each fiscal year's distributions (Art. 2–24) to SARAH
within two months of the year's end. Art. 4: 日脚連 reports its literary distribution within 45
days of the year's end. This module builds the society's report from the periods' summaries and
states both deadlines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

REPORTED_FIGURES = (
    "receipt_yen",
    "literary_yen",
    "music_yen",
    "music_fund_in_yen",
    "member_fund_yen",
    "nonmember_fund_yen",
    "lines_total_yen",
    "held_total_yen",
    "fees_total_yen",
    "net_total_yen",
    "carry_out_total_yen",
    "claims_paid_gross_yen",
    "nonmember_balance_out_yen",
)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError("unreachable")


def fiscal_year_end(fiscal_year: int, first_month: int = 4) -> dt.date:
    """The last day of a fiscal year that starts in ``first_month`` of ``fiscal_year``."""
    start = dt.date(fiscal_year, first_month, 1)
    return _add_months(start, 12) - dt.timedelta(days=1)


def annual_report(
    fiscal_year: int, summaries: Sequence[Mapping[str, Any]], *, first_month: int = 4
) -> dict[str, Any]:
    """The Art. 5 report of a fiscal year from the summaries of its distribution periods."""
    end = fiscal_year_end(fiscal_year, first_month)
    start = dt.date(fiscal_year, first_month, 1)
    periods = sorted(summaries, key=lambda s: str(s["period"]))
    names = [str(s["period"]) for s in periods]
    for name in names:
        month = dt.date(int(name[:4]), int(name[5:7]), 1)
        if not start <= month <= end:
            raise ValueError(f"period {name} is not distributed in fiscal year {fiscal_year}")
    if len(set(names)) != len(names):
        raise ValueError("the same period is given twice")
    totals = {key: sum(int(s[key]) for s in periods) for key in REPORTED_FIGURES if key != "nonmember_balance_out_yen"}
    claims: dict[str, int] = {}
    for summary in periods:
        for status, count in dict(summary.get("claims_by_status", {})).items():
            claims[status] = claims.get(status, 0) + int(count)
    unbalanced = [str(s["period"]) for s in periods if s.get("balanced") is not True]
    if unbalanced:
        raise ValueError(f"periods not balanced: {', '.join(unbalanced)}")
    return {
        "report": "私的録音補償金分配結果報告書 / Private recording compensation distribution results (Art. 5)",
        "fiscal_year": fiscal_year,
        "fiscal_year_end": end.isoformat(),
        "due_to_sarah_by": _add_months(end, 2).isoformat(),
        "literary_report_due_from_nikkyakuren_by": (end + dt.timedelta(days=45)).isoformat(),
        "periods": [
            {"period": s["period"], "ruleset": s.get("ruleset"), **{k: s[k] for k in REPORTED_FIGURES}} for s in periods
        ],
        "totals": totals,
        "nonmember_balance_at_year_end_yen": int(periods[-1]["nonmember_balance_out_yen"]) if periods else 0,
        "claims_by_status": claims,
    }
