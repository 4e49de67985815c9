"""Licence fees (§1): the yearly blanket fee and its instalments, as pure rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction

from bunpai.core.broadcast.rules import BroadcastRuleSet
from bunpai.core.money import Yen, floor_yen


def blanket_fee(revenue_yen: Yen, rate: Fraction, usage_share: Fraction, minimum_yen: Yen = 0) -> Yen:
    """``floor(previous year's broadcasting revenue × rate × usage share)``, at least the yearly minimum.

    Deductions and consumption tax are left out, as in the published formula.
    """
    if revenue_yen < 0 or rate < 0 or not 0 <= usage_share <= 1:
        raise ValueError("revenue and rate must not be negative; the usage share is between 0 and 1")
    return max(floor_yen(revenue_yen * rate * usage_share), minimum_yen)


def fee_for(kind: str, revenue_yen: Yen, usage_share: Fraction, rules: BroadcastRuleSet) -> tuple[Yen, Fraction, Yen]:
    """The blanket fee of a station kind with the rule set's rate and minimum: (fee, rate, minimum)."""
    if kind not in rules.licence_rates:
        raise ValueError(f"no licence rate for station kind {kind!r} in {rules.label}")
    rate = rules.licence_rates[kind]
    minimum = rules.licence_minimum_yen.get(kind, 0)
    return blanket_fee(revenue_yen, rate, usage_share, minimum), rate, minimum


def usage_share(society_seconds: int, managed_seconds: int) -> Fraction:
    """利用割合: seconds of this society's works ÷ seconds of all works of any collective manager."""
    if managed_seconds <= 0 or not 0 <= society_seconds <= managed_seconds:
        raise ValueError("the society's seconds must be between 0 and all managed seconds (above 0)")
    return Fraction(society_seconds, managed_seconds)


def instalments(fee_yen: Yen, fiscal_year: int, count: int) -> list[tuple[int, dt.date, Yen]]:
    """The yearly fee in ``count`` equal instalments over the fiscal year (April–March), the remainder
    in the last; due at the end of each period's first month."""
    if count <= 0:
        raise ValueError("at least one instalment")
    part = fee_yen // count
    rows = []
    for n in range(count):
        month_index = 3 + n * (12 // count)  # April = index 3
        year, month = fiscal_year + month_index // 12, month_index % 12 + 1
        next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
        due = next_month - dt.timedelta(days=1)
        amount = part if n < count - 1 else fee_yen - part * (count - 1)
        rows.append((n + 1, due, amount))
    return rows


def per_use_fee(kind: str, durations_s: Iterable[int], rules: BroadcastRuleSet) -> Yen:
    """個別使用料: the sum of the rule set's per-use fee of each use (a work's duration in seconds)."""
    if kind not in rules.licence_per_use:
        raise ValueError(f"no per-use tariff for station kind {kind!r} in {rules.label}")
    tariff = rules.licence_per_use[kind]
    return floor_yen(sum((tariff.points(d) for d in durations_s), Fraction(0)))
