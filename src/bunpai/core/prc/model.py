"""The facts of one private recording period, as plain immutable values (no I/O)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from bunpai.core.money import Yen
from bunpai.core.rules import FUNDS

CATEGORIES: tuple[str, ...] = ("member", "foreign", "assignee", "nonmember")
"""Art. 6: (1) 委託者, (2) 外国団体所属の著作権者, (3) those who assigned to such a publisher, (4) 非委託者."""


@dataclass(frozen=True)
class Period:
    """One distribution period (分配期) and the values set for it by agreement."""

    period: str
    reference_date: dt.date
    receipt_yen: Yen
    literary_ratio: Fraction
    admin_fee_rate: Fraction
    claim_fee_yen: Yen
    claim_tax_rate: Fraction
    carry_in_fraction_yen: Yen = 0
    carry_in_nonmember_balance_yen: Yen = 0


@dataclass(frozen=True)
class Party:
    """A rights holder (著作権者) and how it is paid."""

    party_id: str
    name: str
    category: str
    society: str | None = None
    withholding: bool = False
    excluded_funds: frozenset[str] = field(default_factory=frozenset)
    paid_through: str | None = None

    @property
    def payee_id(self) -> str:
        """Who receives the money: the foreign society (Art. 14), or the publisher of Art. 20 ¶2, or the party."""
        if self.category == "foreign" and self.society:
            return self.society
        return self.paid_through or self.party_id

    @property
    def paid_funds(self) -> frozenset[str]:
        """Funds from which this party is paid by the distribution (委託者等, Art. 6 (1)–(3)).

        A non-member is paid from none (Art. 8); a member who excluded a right or use from the
        trust is paid from none of the funds concerned and may claim instead (XB 2–3).
        """
        if self.category == "nonmember":
            return frozenset()
        return frozenset(FUNDS) - self.excluded_funds


@dataclass(frozen=True)
class Work:
    work_id: str
    title: str = ""
    music_expired: bool = False
    lyrics_expired: bool = False


@dataclass(frozen=True)
class Right:
    """A row of the works documents: who holds which role of a work, from when to when."""

    work_id: str
    party_id: str | None
    role: str
    share: Fraction | None
    submitted_on: dt.date
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass(frozen=True)
class BroadcastUse:
    work_id: str
    use_count: int
    differential_points: Fraction
    station_points: Fraction
    sampling_rate: Fraction | None
    use_type: str
    station_kind: str


@dataclass(frozen=True)
class RecordingUse:
    work_id: str
    deemed_songs: Fraction
    units: int
    recording_class: int
    purpose: str


@dataclass(frozen=True)
class RentalUse:
    work_id: str
    deemed_songs: Fraction
    rental_count: int
    rental_class: int


@dataclass(frozen=True)
class Claim:
    """A non-member's claim (分配請求, Art. 21–22, NM 3)."""

    claim_id: str
    party_id: str
    work_id: str
    fund: str
    use_date: dt.date
    claimed_on: dt.date
    special_circumstances: bool = False
