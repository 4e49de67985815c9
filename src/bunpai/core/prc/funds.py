"""Art. 2, 8, 9, 24 and BL 2, 4: from the receipt to the three member funds."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from bunpai.core.money import Yen, floor_yen
from bunpai.core.prc.model import Period
from bunpai.core.rules import FUNDS, PrcRuleSet


class FundError(ValueError):
    """A period whose funds cannot be formed (e.g. a negative music fund)."""


@dataclass(frozen=True)
class FundSplit:
    receipt_yen: Yen
    literary_yen: Yen
    music_yen: Yen
    carry_in_fraction_yen: Yen
    carry_in_nonmember_balance_yen: Yen
    music_fund_in_yen: Yen
    nonmember_fund_yen: Yen
    member_fund_yen: Yen
    fund_amounts: dict[str, Fraction]


def split_period(period: Period, rules: PrcRuleSet) -> FundSplit:
    """Split a period's receipt into the literary amount, the non-member fund and the three funds.

    - Art. 2 / BL 2: ``literary = floor(receipt × literary_ratio)`` (paid to 日脚連, Art. 3);
    - Art. 19 and Art. 24: last period's sub-yen carry and non-member balance (which may be
      negative) join the music money before the split;
    - Art. 8: the non-member fund is ``floor(M × (1 − member_ratio))``; the rest is the member fund;
    - Art. 9 / BL 4: the member fund is divided into the broadcast, recording and rental funds,
      kept exact.
    """
    if period.receipt_yen < 0:
        raise FundError("the receipt must not be negative")
    if not 0 <= period.literary_ratio <= 1:
        raise FundError("the literary ratio must be between 0 and 1")
    literary = floor_yen(period.receipt_yen * period.literary_ratio)
    music = period.receipt_yen - literary
    music_fund_in = music + period.carry_in_fraction_yen + period.carry_in_nonmember_balance_yen
    if music_fund_in < 0:
        raise FundError(
            f"the music fund would be negative ({music_fund_in} yen): the carried non-member deficit "
            "exceeds this period's music money"
        )
    nonmember = floor_yen(music_fund_in * (1 - rules.member_ratio))
    member = music_fund_in - nonmember
    funds = {fund: member * rules.fund_ratios[fund] for fund in FUNDS}
    return FundSplit(
        receipt_yen=period.receipt_yen,
        literary_yen=literary,
        music_yen=music,
        carry_in_fraction_yen=period.carry_in_fraction_yen,
        carry_in_nonmember_balance_yen=period.carry_in_nonmember_balance_yen,
        music_fund_in_yen=music_fund_in,
        nonmember_fund_yen=nonmember,
        member_fund_yen=member,
        fund_amounts=funds,
    )
