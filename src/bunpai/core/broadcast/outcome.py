"""What a broadcast quarter decides: statement lines, payees, holds, points and the summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from bunpai.core.broadcast.model import RIGHTS, FundGroup, Quarter
from bunpai.core.money import Yen, floor_yen, format_ratio


@dataclass(frozen=True)
class StatementLine:
    party_id: str
    payee_id: str
    work_id: str
    fund_group: str
    right: str
    points: Fraction
    gross_yen: Yen
    share: Fraction


@dataclass(frozen=True)
class PayeeLine:
    payee_id: str
    gross_yen: Yen
    fee_yen: Yen
    net_yen: Yen
    pay_date: dt.date
    foreign_society: bool


@dataclass(frozen=True)
class HeldLine:
    kind: str
    key: str
    fund_group: str
    right: str
    gross_yen: Yen
    points: Fraction
    share: Fraction
    station_id: str | None = None


@dataclass(frozen=True)
class WorkPoints:
    work_id: str
    fund_group: str
    right: str
    points: Fraction


@dataclass(frozen=True)
class FundResult:
    """One fund (a group's performing or mechanical fund) of the quarter."""

    fund_group: str
    right: str
    amount_part_yen: Yen
    carry_in_yen: Yen
    fund_in_yen: Yen
    total_points: Fraction
    lines_total_yen: Yen = 0
    held_total_yen: Yen = 0
    floored_items: int = 0

    @property
    def carry_out_yen(self) -> Yen:
        return self.fund_in_yen - self.lines_total_yen - self.held_total_yen

    @property
    def unit_price(self) -> Fraction | None:
        return Fraction(self.fund_in_yen) / self.total_points if self.total_points else None


@dataclass
class Outcome:
    summary: dict[str, object]
    statement_lines: list[StatementLine] = field(default_factory=list)
    payees: list[PayeeLine] = field(default_factory=list)
    held: list[HeldLine] = field(default_factory=list)
    work_points: list[WorkPoints] = field(default_factory=list)


def split_group(group: FundGroup) -> dict[str, tuple[Yen, Yen]]:
    """Contract step 1: the group's amount into the mechanical and performing funds (part, carry in)."""
    mechanical = floor_yen(group.amount_yen * group.recording_ratio)
    return {
        "performing": (group.amount_yen - mechanical, group.carry_in_performing_yen),
        "mechanical": (mechanical, group.carry_in_mechanical_yen),
    }


def payee_fee(gross_by_group: Mapping[str, Yen], quarter: Quarter) -> Yen:
    """Contract step 6: ``floor(gross × admin_fee_rate)`` per payee (a group's own rate where it has one)."""
    return floor_yen(sum((g * quarter.fee_rate_of(group) for group, g in gross_by_group.items()), Fraction(0)))


def build_summary(
    quarter: Quarter,
    ruleset_label: str,
    funds: Sequence[FundResult],
    fees_total_yen: Yen,
    counts: Mapping[str, int],
) -> dict[str, object]:
    groups: dict[str, dict[str, object]] = {}
    for fund in sorted(funds, key=lambda f: (f.fund_group, RIGHTS.index(f.right))):
        price = fund.unit_price
        groups.setdefault(fund.fund_group, {})[fund.right] = {
            "fund_in_yen": fund.fund_in_yen,
            "lines_total_yen": fund.lines_total_yen,
            "held_total_yen": fund.held_total_yen,
            "carry_out_yen": fund.carry_out_yen,
            "amount_part_yen": fund.amount_part_yen,
            "carry_in_yen": fund.carry_in_yen,
            "points_total": format_ratio(fund.total_points),
            "unit_price": format_ratio(price) if price is not None else None,
            "floored_items": fund.floored_items,
        }
    lines = sum(f.lines_total_yen for f in funds)
    held = sum(f.held_total_yen for f in funds)
    summary: dict[str, object] = {
        "quarter": quarter.quarter,
        "reference_date": quarter.reference_date.isoformat(),
        "distribution_date": quarter.distribution_date.isoformat(),
        "foreign_payment_date": quarter.foreign_payment_date.isoformat(),
        "ruleset": ruleset_label,
        "groups": groups,
        "amount_total_yen": sum(g.amount_yen for g in quarter.groups),
        "carry_in_total_yen": sum(f.carry_in_yen for f in funds),
        "fund_in_total_yen": sum(f.fund_in_yen for f in funds),
        "lines_total_yen": lines,
        "held_total_yen": held,
        "fees_total_yen": fees_total_yen,
        "net_total_yen": lines - fees_total_yen,
        "carry_out_total_yen": sum(f.carry_out_yen for f in funds),
    }
    for name, value in counts.items():
        summary[f"count_{name}"] = value
    return summary
