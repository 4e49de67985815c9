"""Non-member claims (非委託者分配): Art. 21–24, the non-member By-laws (NM) and XB.

A non-member (Art. 6(4)) — or a member who excluded the right or use from the trust (XB 2–3) —
claims for a work used in public. The claim is priced with the unit price per point of the fund
of the period of the use (NM 8), less a fee per claim and income tax where it applies (NM 9);
a claim that would not exceed those deductions is not paid (NM 10). Claims are paid from the
non-member fund (Art. 23), whose balance returns to the next period's music fund (Art. 24).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from bunpai.core.money import Yen, floor_yen
from bunpai.core.prc.model import Claim, Party
from bunpai.core.rules import FUNDS, PrcRuleSet

PAID = "paid"
LATE = "late"
TOO_SMALL = "too_small"
INVALID = "invalid"


@dataclass(frozen=True)
class ClaimResult:
    claim_id: str
    status: str
    gross_yen: Yen
    fee_yen: Yen
    tax_yen: Yen
    net_yen: Yen
    payee_id: str
    points: Fraction
    priced_yen: Yen
    reason: str


def claim_deadline(use_date: dt.date, years: int) -> dt.date:
    """The last day to claim for a use (Art. 22): the same day ``years`` later (28 Feb for 29 Feb)."""
    try:
        return use_date.replace(year=use_date.year + years)
    except ValueError:
        return use_date.replace(year=use_date.year + years, day=28)


def price_claims(
    claims: Iterable[Claim],
    *,
    parties: Mapping[str, Party],
    known_works: Mapping[str, object],
    holder_weights: Mapping[tuple[str, str], Fraction],
    raw_points: Mapping[tuple[str, str], Fraction],
    unit_prices: Mapping[str, Fraction | None],
    claim_fee_yen: Yen,
    claim_tax_rate: Fraction,
    rules: PrcRuleSet,
) -> list[ClaimResult]:
    """Price every claim of the period (in the order they were made).

    ``holder_weights[(party_id, work_id)]`` is the part of the work's money that the party's
    counted rows carry (Art. 13); ``raw_points[(work_id, fund)]`` the work's points in the fund
    before the basic points (Art. 15 (2)–(6)). The claimant's points are their product: the
    claimant's own share of the work's use, so a work is never paid twice for the same share.
    """
    results: list[ClaimResult] = []
    seen: dict[tuple[str, str, str], str] = {}
    # First come, first served: a second claim for the same share is refused whatever the file order.
    for claim in sorted(claims, key=lambda c: (c.claimed_on, c.claim_id)):
        party = parties.get(claim.party_id)
        payee = party.payee_id if party else claim.party_id

        def refuse(status: str, reason: str, points: Fraction = Fraction(0), priced: Yen = 0) -> None:
            results.append(ClaimResult(claim.claim_id, status, 0, 0, 0, 0, payee, points, priced, reason))  # noqa: B023

        if party is None:
            refuse(INVALID, "unknown party")
            continue
        if claim.fund not in FUNDS:
            refuse(INVALID, f"unknown fund {claim.fund!r}")
            continue
        if claim.fund in party.paid_funds:
            refuse(INVALID, "the claimant is paid by the distribution for this fund (Art. 6, Art. 21)")
            continue
        if claim.work_id not in known_works:
            refuse(INVALID, "unknown work")
            continue
        if claim.claimed_on < claim.use_date:
            refuse(INVALID, "claimed before the date of use")
            continue
        if not claim.special_circumstances and claim.claimed_on > claim_deadline(
            claim.use_date, rules.claim_years
        ):
            refuse(LATE, f"claimed more than {rules.claim_years} years after the use (Art. 22)")
            continue
        key = (claim.party_id, claim.work_id, claim.fund)
        if key in seen:
            refuse(INVALID, f"the same work and fund is already claimed this period (claim {seen[key]})")
            continue
        weight = holder_weights.get((claim.party_id, claim.work_id))
        if not weight:
            refuse(INVALID, "the claimant holds no counted share of the work on the reference date")
            continue
        raw = raw_points.get((claim.work_id, claim.fund), Fraction(0))
        unit_price = unit_prices.get(claim.fund)
        if raw == 0 or unit_price is None:
            refuse(INVALID, "no counted use of the work in this fund in the period (NM 7)")
            continue
        seen[key] = claim.claim_id
        points = raw * weight
        gross = floor_yen(unit_price * points)
        tax = floor_yen(gross * claim_tax_rate) if party.withholding else 0
        if gross <= claim_fee_yen + tax:
            refuse(TOO_SMALL, "the amount does not exceed the fee and the tax (NM 10)", points, gross)
            continue
        results.append(
            ClaimResult(
                claim.claim_id,
                PAID,
                gross,
                claim_fee_yen,
                tax,
                gross - claim_fee_yen - tax,
                payee,
                points,
                gross,
                "",
            )
        )
    return results
