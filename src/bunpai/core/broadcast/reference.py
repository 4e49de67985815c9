"""The broadcast quarter computed row by row with exact fractions (the executable specification).

Short, slow and obviously right: the columnar engine (:mod:`bunpai.engine.broadcast`) gives the
same results at scale, and the tests hold the two to identical outputs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from bunpai.core.broadcast.model import (
    HELD_UNDETERMINED,
    HELD_UNIDENTIFIED,
    RIGHTS,
    TAKING_PART,
    Party,
    Quarter,
    RightRow,
    Station,
    UsageLine,
)
from bunpai.core.broadcast.outcome import (
    FundResult,
    HeldLine,
    Outcome,
    PayeeLine,
    StatementLine,
    WorkPoints,
    build_summary,
    payee_fee,
    split_group,
)
from bunpai.core.broadcast.shares import ResolvedShares, counts_on, resolve
from bunpai.core.money import floor_yen
from bunpai.core.rules import PrcRuleSet


@dataclass(frozen=True)
class QuarterInput:
    quarter: Quarter
    parties: Sequence[Party]
    stations: Sequence[Station]
    rights: Sequence[RightRow]
    usage: Sequence[UsageLine]


def line_points(line: UsageLine, quarter: Quarter, station: Station) -> Fraction:
    """Contract step 2: time points × method points × station points ÷ sampling rate."""
    assert line.method is not None
    return (
        quarter.time_points.points(line.duration_s)
        * quarter.method_points[line.method]
        * station.station_points
        / line.sampling_rate
    )


def line_funds(line: UsageLine) -> tuple[str, ...]:
    """A taking-part line counts in the performing fund, and in the mechanical fund when recorded."""
    return ("performing", "mechanical") if line.recorded else ("performing",)


def resolved_shares(data: QuarterInput, table: PrcRuleSet) -> dict[tuple[str, str], ResolvedShares]:
    parties = {p.party_id: p for p in data.parties}
    counted: dict[tuple[str, str], list[RightRow]] = defaultdict(list)
    for row in data.rights:
        if counts_on(row, data.quarter.reference_date, data.quarter.documents_days_before):
            counted[(row.work_id, row.right)].append(row)
    return {key: resolve(rows, parties, table) for key, rows in counted.items()}


def distribute(data: QuarterInput, table: PrcRuleSet, ruleset_label: str = "") -> Outcome:
    quarter = data.quarter
    parties = {p.party_id: p for p in data.parties}
    stations = {s.station_id: s for s in data.stations}
    shares = resolved_shares(data, table)
    empty = ResolvedShares((), (), Fraction(1), Fraction(1))

    # Points of each work (raw, before basic points) and of each unidentified line, per fund.
    raw: dict[tuple[str, str], dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    unidentified: dict[tuple[str, str], list[tuple[UsageLine, Fraction]]] = defaultdict(list)
    for line in data.usage:
        if line.outcome not in TAKING_PART:
            continue
        station = stations[line.station_id]
        points = line_points(line, quarter, station)
        for right in line_funds(line):
            fund = (station.fund_group, right)
            if line.outcome == "managed":
                assert line.work_id is not None
                raw[fund][line.work_id] += points
            else:
                unidentified[fund].append((line, points))

    statement: list[StatementLine] = []
    held: list[HeldLine] = []
    work_points: list[WorkPoints] = []
    funds: list[FundResult] = []
    for group in quarter.groups:
        split = split_group(group)
        for right in RIGHTS:
            part, carry_in = split[right]
            fund_key = (group.group_id, right)
            works = raw.get(fund_key, {})
            lines = unidentified.get(fund_key, [])
            basic = {w: shares.get((w, right), empty).basic for w in works}
            total = sum((p * basic[w] for w, p in works.items()), Fraction(0)) + sum((p for _, p in lines), Fraction(0))
            fund_in = part + carry_in
            result = FundResult(group.group_id, right, part, carry_in, fund_in, total)
            for work_id in sorted(works):
                work_points.append(WorkPoints(work_id, group.group_id, right, works[work_id] * basic[work_id]))
            if not total:
                funds.append(result)
                continue
            price = Fraction(fund_in) / total
            lines_total = held_total = items = 0
            for work_id in sorted(works):
                resolved = shares.get((work_id, right), empty)
                points = works[work_id]
                by_party: dict[str, Fraction] = defaultdict(Fraction)
                for row, share in zip(resolved.rows, resolved.shares, strict=True):
                    if row.party_id is not None and parties[row.party_id].paid and share:
                        by_party[row.party_id] += share
                for party_id in sorted(by_party):
                    exact = price * points * by_party[party_id]
                    if exact <= 0:
                        continue
                    gross = floor_yen(exact)
                    statement.append(
                        StatementLine(
                            party_id,
                            parties[party_id].payee_id,
                            work_id,
                            group.group_id,
                            right,
                            points * by_party[party_id],
                            gross,
                            by_party[party_id],
                        )
                    )
                    lines_total += gross
                    items += 1
                exact = price * points * resolved.undetermined
                if exact > 0:
                    gross = floor_yen(exact)
                    held.append(
                        HeldLine(
                            HELD_UNDETERMINED,
                            work_id,
                            group.group_id,
                            right,
                            gross,
                            points * resolved.undetermined,
                            resolved.undetermined,
                        )
                    )
                    held_total += gross
                    items += 1
            for line, points in lines:
                exact = price * points
                if exact <= 0:
                    continue
                gross = floor_yen(exact)
                held.append(
                    HeldLine(
                        HELD_UNIDENTIFIED,
                        line.line_id,
                        group.group_id,
                        right,
                        gross,
                        points,
                        Fraction(1),
                        line.station_id,
                    )
                )
                held_total += gross
                items += 1
            funds.append(replace(result, lines_total_yen=lines_total, held_total_yen=held_total, floored_items=items))

    statement.sort(key=lambda s: (s.party_id, s.work_id, s.fund_group, s.right))
    held.sort(key=lambda h: (h.kind, h.key, h.fund_group, h.right))
    work_points.sort(key=lambda w: (w.work_id, w.fund_group, w.right))

    by_payee: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    foreign: set[str] = set()
    for entry in statement:
        by_payee[entry.payee_id][entry.fund_group] += entry.gross_yen
        party = parties[entry.party_id]
        if party.category == "foreign" and party.society:
            foreign.add(entry.payee_id)
    payees = []
    for payee_id in sorted(by_payee):
        gross = sum(by_payee[payee_id].values())
        fee = payee_fee(by_payee[payee_id], quarter)
        is_foreign = payee_id in foreign
        date = quarter.foreign_payment_date if is_foreign else quarter.distribution_date
        payees.append(PayeeLine(payee_id, gross, fee, gross - fee, date, is_foreign))

    summary = build_summary(
        quarter,
        ruleset_label,
        funds,
        sum(p.fee_yen for p in payees),
        {
            "statement_lines": len(statement),
            "payees": len(payees),
            "held_lines": len(held),
            "works_with_points": len({w.work_id for w in work_points}),
        },
    )
    return Outcome(summary, statement, payees, held, work_points)
