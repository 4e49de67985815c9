"""The private recording distribution, computed row by row with exact fractions.

This is the executable statement of the rules (Art. 12–19, 21–24): short, slow and obviously
right. The columnar engine (``bunpai.engine.prc``) computes the same results at scale; the tests
hold the two to identical outputs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from bunpai.core.money import floor_yen
from bunpai.core.prc.claims import price_claims
from bunpai.core.prc.fees import admin_fee
from bunpai.core.prc.funds import split_period
from bunpai.core.prc.model import BroadcastUse, Claim, Party, Period, RecordingUse, RentalUse, Right, Work
from bunpai.core.prc.outcome import (
    HELD_NO_RIGHTS,
    HELD_UNDETERMINED,
    HELD_UNREGISTERED,
    HeldLine,
    HolderLine,
    Outcome,
    PayeeLine,
    ReviewNote,
    StatementLine,
    WorkPoints,
    build_summary,
)
from bunpai.core.prc.points import (
    broadcast_use_counts,
    broadcast_use_points,
    recording_use_counts,
    recording_use_points,
    rental_use_counts,
    rental_use_points,
)
from bunpai.core.prc.rights import counts_on
from bunpai.core.prc.shares import Holding, WorkShares, resolve_work_shares
from bunpai.core.rules import FUNDS, PrcRuleSet


@dataclass(frozen=True)
class PeriodInput:
    """Everything one period's distribution reads."""

    period: Period
    parties: Sequence[Party]
    works: Sequence[Work]
    rights: Sequence[Right]
    broadcast: Sequence[BroadcastUse]
    recording: Sequence[RecordingUse]
    rental: Sequence[RentalUse]
    claims: Sequence[Claim] = ()


def raw_points_by_work(data: PeriodInput, rules: PrcRuleSet) -> dict[tuple[str, str], Fraction]:
    """Art. 15 (2)–(6) summed over the counted uses of each work in each fund (before basic points)."""
    raw: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    for b in data.broadcast:
        if broadcast_use_counts(b, rules):
            raw[(b.work_id, "broadcast")] += broadcast_use_points(b)
    for r in data.recording:
        if recording_use_counts(r, rules):
            raw[(r.work_id, "recording")] += recording_use_points(r)
    for t in data.rental:
        if rental_use_counts(t, rules):
            raw[(t.work_id, "rental")] += rental_use_points(t)
    return dict(raw)


def work_shares(data: PeriodInput, rules: PrcRuleSet) -> dict[str, tuple[list[Right], WorkShares]]:
    """The counted rows (Art. 12) and their share rates (Art. 13) of every work."""
    works = {w.work_id: w for w in data.works}
    counted: dict[str, list[Right]] = defaultdict(list)
    for right in data.rights:
        if counts_on(right, data.period.reference_date, rules.documents_days_before):
            counted[right.work_id].append(right)
    resolved = {}
    for work_id, work in works.items():
        rows = counted.get(work_id, [])
        holdings = [Holding(r.role, r.share) for r in rows]
        shares = resolve_work_shares(
            holdings, music_expired=work.music_expired, lyrics_expired=work.lyrics_expired, rules=rules
        )
        resolved[work_id] = (rows, shares)
    return resolved


def distribute(data: PeriodInput, rules: PrcRuleSet) -> Outcome:
    period = data.period
    parties = {p.party_id: p for p in data.parties}
    split = split_period(period, rules)
    raw = raw_points_by_work(data, rules)
    shares = work_shares(data, rules)

    # Art. 15 (1): basic points per work and fund = eligible share / all shares, where the share of
    # a holder not yet determined counts as eligible (its money is held).
    def basic(work_id: str, fund: str) -> Fraction:
        rows, resolved = shares[work_id]
        total = resolved.unregistered
        for right, weight in zip(rows, resolved.weights, strict=True):
            if weight is None:
                continue
            if right.party_id is None or fund in parties[right.party_id].paid_funds:
                total += weight
        return total

    points = {key: value * basic(key[0], key[1]) for key, value in raw.items()}
    total_points = {
        fund: sum((p for (w, f), p in points.items() if f == fund), Fraction(0)) for fund in FUNDS
    }
    unit_prices: dict[str, Fraction | None] = {
        fund: (split.fund_amounts[fund] / total_points[fund]) if total_points[fund] else None
        for fund in FUNDS
    }

    # Art. 16: amounts per work and fund, added over the funds, then split by Art. 13 rates.
    line_amounts: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    held_amounts: dict[tuple[str, str, str], Fraction] = defaultdict(Fraction)
    held_shares: dict[tuple[str, str, str], Fraction] = defaultdict(Fraction)
    used_works = sorted({w for (w, _f) in raw})
    review: list[ReviewNote] = []
    for work_id in used_works:
        rows, resolved = shares[work_id]
        per_fund = {f: raw.get((work_id, f), Fraction(0)) * (unit_prices[f] or 0) for f in FUNDS}
        whole = sum(per_fund.values(), Fraction(0))
        for note in resolved.notes:
            review.append(ReviewNote(work_id, note))
        if resolved.unregistered:
            reason = HELD_NO_RIGHTS if not rows else HELD_UNREGISTERED
            held_amounts[(work_id, "", reason)] += whole * resolved.unregistered
            held_shares[(work_id, "", reason)] += resolved.unregistered
        for right, weight in zip(rows, resolved.weights, strict=True):
            if weight is None:
                continue
            if right.party_id is None:
                held_amounts[(work_id, right.role, HELD_UNDETERMINED)] += whole * weight
                held_shares[(work_id, right.role, HELD_UNDETERMINED)] += weight
                continue
            party = parties[right.party_id]
            paid = sum((per_fund[f] for f in FUNDS if f in party.paid_funds), Fraction(0))
            if party.paid_funds:
                line_amounts[(right.party_id, work_id)] += paid * weight

    statement_lines = [
        StatementLine(party_id, parties[party_id].payee_id, work_id, floor_yen(amount))
        for (party_id, work_id), amount in line_amounts.items()
        if amount > 0
    ]
    statement_lines.sort(key=lambda line: (line.work_id, line.party_id))
    held = [
        HeldLine(work_id, role, floor_yen(amount), reason, held_shares[(work_id, role, reason)])
        for (work_id, role, reason), amount in held_amounts.items()
        if amount > 0
    ]
    held.sort(key=lambda h: (h.work_id, h.role, h.reason))

    # Art. 17: the fee is taken from each holder's total (各著作権者ごとに集計した分配額); a payee
    # (a foreign society, or a publisher paying through) receives the sum of its holders' nets.
    by_holder: dict[str, int] = defaultdict(int)
    for line in statement_lines:
        by_holder[line.party_id] += line.gross_yen
    by_payee: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    holders = []
    for party_id in sorted(by_holder):
        gross = by_holder[party_id]
        fee = admin_fee(gross, period.admin_fee_rate)
        payee_id = parties[party_id].payee_id
        holders.append(HolderLine(party_id, payee_id, gross, fee, gross - fee))
        by_payee[payee_id][0] += gross
        by_payee[payee_id][1] += fee
    payees = [PayeeLine(p, g, f, g - f) for p, (g, f) in sorted(by_payee.items())]

    undistributed = floor_yen(sum((split.fund_amounts[f] for f in FUNDS if not total_points[f]), Fraction(0)))

    holder_weights: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    for work_id, (rows, resolved) in shares.items():
        for right, weight in zip(rows, resolved.weights, strict=True):
            if right.party_id is not None and weight is not None:
                holder_weights[(right.party_id, work_id)] += weight
    claims = price_claims(
        data.claims,
        parties=parties,
        known_works={w.work_id: w for w in data.works},
        holder_weights=holder_weights,
        raw_points=raw,
        unit_prices=unit_prices,
        claim_fee_yen=period.claim_fee_yen,
        claim_tax_rate=period.claim_tax_rate,
        rules=rules,
    )
    claims.sort(key=lambda c: c.claim_id)

    lines_total = sum(line.gross_yen for line in statement_lines)
    summary = build_summary(
        period=period.period,
        reference_date=period.reference_date.isoformat(),
        rules=rules,
        split=split,
        lines_total_yen=lines_total,
        held_total_yen=sum(h.gross_yen for h in held),
        fees_total_yen=sum(p.fee_yen for p in payees),
        undistributed_yen=undistributed,
        claims=claims,
        unit_prices=unit_prices,
        total_points=total_points,
        counts={
            "statement_lines": len(statement_lines),
            "payees": len(payees),
            "held_lines": len(held),
            "works_with_points": len(used_works),
        },
    )
    work_points = [
        WorkPoints(work_id, fund, points[(work_id, fund)])
        for work_id in used_works
        for fund in FUNDS
        if (work_id, fund) in points
    ]
    review.sort(key=lambda r: (r.work_id, r.note))
    return Outcome(summary, statement_lines, payees, held, work_points, claims, review, holders)


def floored_items(outcome: Outcome) -> int:
    """How many amounts were floored (each leaves less than one yen to the carry)."""
    return len(outcome.statement_lines) + len(outcome.held) + 1


def lcm_of(values: Sequence[int]) -> int:
    result = 1
    for value in values:
        result = math.lcm(result, value)
    return result
