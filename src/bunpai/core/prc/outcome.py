"""What a private recording period decides: statement lines, payees, holds, points, claims."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from bunpai.core.money import Yen, format_ratio
from bunpai.core.prc.claims import PAID, ClaimResult
from bunpai.core.prc.funds import FundSplit
from bunpai.core.rules import FUNDS, PrcRuleSet

HELD_UNDETERMINED = "holder not determined on the reference date (Art. 12 ¶3)"
HELD_UNREGISTERED = "share not registered on the reference date (Art. 12 ¶3)"
HELD_NO_RIGHTS = "no right registered on the reference date (Art. 12 ¶3)"


@dataclass(frozen=True)
class StatementLine:
    party_id: str
    payee_id: str
    work_id: str
    gross_yen: Yen


@dataclass(frozen=True)
class HeldLine:
    work_id: str
    role: str
    gross_yen: Yen
    reason: str
    share: Fraction


@dataclass(frozen=True)
class PayeeLine:
    payee_id: str
    gross_yen: Yen
    fee_yen: Yen
    net_yen: Yen


@dataclass(frozen=True)
class HolderLine:
    """A holder's total for the period and the fee taken from it (Art. 17)."""

    party_id: str
    payee_id: str
    gross_yen: Yen
    fee_yen: Yen
    net_yen: Yen


@dataclass(frozen=True)
class WorkPoints:
    work_id: str
    fund: str
    points: Fraction


@dataclass(frozen=True)
class ReviewNote:
    work_id: str
    note: str


@dataclass
class Outcome:
    summary: dict[str, object]
    statement_lines: list[StatementLine] = field(default_factory=list)
    payees: list[PayeeLine] = field(default_factory=list)
    held: list[HeldLine] = field(default_factory=list)
    work_points: list[WorkPoints] = field(default_factory=list)
    claims: list[ClaimResult] = field(default_factory=list)
    review: list[ReviewNote] = field(default_factory=list)
    holders: list[HolderLine] = field(default_factory=list)


def build_summary(
    *,
    period: str,
    reference_date: str,
    rules: PrcRuleSet,
    split: FundSplit,
    lines_total_yen: Yen,
    held_total_yen: Yen,
    fees_total_yen: Yen,
    undistributed_yen: Yen,
    claims: list[ClaimResult],
    unit_prices: dict[str, Fraction | None],
    total_points: dict[str, Fraction],
    counts: dict[str, int],
) -> dict[str, object]:
    """The summary of a period, with every figure the conservation check needs."""
    paid = [c for c in claims if c.status == PAID]
    claims_gross = sum(c.gross_yen for c in paid)
    carry_fraction = split.member_fund_yen - lines_total_yen - held_total_yen - undistributed_yen
    summary: dict[str, object] = {
        "period": period,
        "reference_date": reference_date,
        "ruleset": f"{rules.name}@{rules.version}",
        "receipt_yen": split.receipt_yen,
        "literary_yen": split.literary_yen,
        "music_yen": split.music_yen,
        "carry_in_fraction_yen": split.carry_in_fraction_yen,
        "carry_in_nonmember_balance_yen": split.carry_in_nonmember_balance_yen,
        "music_fund_in_yen": split.music_fund_in_yen,
        "nonmember_fund_yen": split.nonmember_fund_yen,
        "member_fund_yen": split.member_fund_yen,
        "lines_total_yen": lines_total_yen,
        "held_total_yen": held_total_yen,
        "fees_total_yen": fees_total_yen,
        "net_total_yen": lines_total_yen - fees_total_yen,
        "carry_out_fraction_yen": carry_fraction,
        "carry_out_undistributed_yen": undistributed_yen,
        "carry_out_total_yen": carry_fraction + undistributed_yen,
        "claims_paid_gross_yen": claims_gross,
        "claims_fee_yen": sum(c.fee_yen for c in paid),
        "claims_tax_yen": sum(c.tax_yen for c in paid),
        "claims_net_yen": sum(c.net_yen for c in paid),
        "nonmember_balance_out_yen": split.nonmember_fund_yen - claims_gross,
    }
    for fund in FUNDS:
        summary[f"fund_{fund}_exact"] = format_ratio(split.fund_amounts[fund])
        summary[f"points_{fund}_total"] = format_ratio(total_points[fund])
        price = unit_prices[fund]
        summary[f"unit_price_{fund}"] = format_ratio(price) if price is not None else None
    for name, value in counts.items():
        summary[f"count_{name}"] = value
    summary["claims_by_status"] = {
        status: sum(1 for c in claims if c.status == status)
        for status in ("paid", "late", "too_small", "invalid")
    }
    return summary
