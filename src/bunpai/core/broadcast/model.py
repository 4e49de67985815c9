"""The facts of one broadcast quarter, as plain immutable values (no I/O)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from bunpai.core.broadcast.rules import TimePoints
from bunpai.core.money import Yen

RIGHTS: tuple[str, ...] = ("performing", "mechanical")
"""The broadcast fund (演奏権, performing) and the broadcast-recording fund (録音権, mechanical)."""

OUTCOMES: tuple[str, ...] = ("managed", "unidentified", "other", "public_domain")
TAKING_PART: frozenset[str] = frozenset({"managed", "unidentified"})
"""Lines of another manager's works and of public-domain works take no part (§3)."""

CATEGORIES: tuple[str, ...] = ("member", "foreign", "assignee", "nonmember")
PAID_CATEGORIES: frozenset[str] = frozenset({"member", "foreign", "assignee"})

HELD_UNIDENTIFIED = "unidentified"
HELD_UNDETERMINED = "undetermined"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class FundGroup:
    """A fund group (e.g. NHK, commercial TV) and the blanket fees collected for the quarter."""

    group_id: str
    amount_yen: Yen
    recording_ratio: Fraction
    carry_in_performing_yen: Yen = 0
    carry_in_mechanical_yen: Yen = 0
    admin_fee_rate: Fraction | None = None


@dataclass(frozen=True)
class Quarter:
    quarter: str
    reference_date: dt.date
    distribution_date: dt.date
    admin_fee_rate: Fraction
    documents_days_before: int
    time_points: TimePoints
    method_points: Mapping[str, Fraction]
    groups: tuple[FundGroup, ...]
    foreign_delay_months: int = 1

    @property
    def foreign_payment_date(self) -> dt.date:
        return add_months(self.distribution_date, self.foreign_delay_months)

    def fee_rate_of(self, group_id: str) -> Fraction:
        for group in self.groups:
            if group.group_id == group_id and group.admin_fee_rate is not None:
                return group.admin_fee_rate
        return self.admin_fee_rate


@dataclass(frozen=True)
class Party:
    party_id: str
    name: str
    category: str
    society: str | None = None

    @property
    def payee_id(self) -> str:
        """A member of a foreign society is paid through its society (§4.6)."""
        if self.category == "foreign" and self.society:
            return self.society
        return self.party_id

    @property
    def paid(self) -> bool:
        return self.category in PAID_CATEGORIES


@dataclass(frozen=True)
class Station:
    station_id: str
    fund_group: str
    station_points: Fraction


@dataclass(frozen=True)
class RightRow:
    work_id: str
    party_id: str | None
    role: str
    right: str
    share: Fraction | None
    submitted_on: dt.date
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass(frozen=True)
class UsageLine:
    line_id: str
    station_id: str
    work_id: str | None
    outcome: str
    duration_s: int
    method: str | None
    recorded: bool
    sampling_rate: Fraction = Fraction(1)
