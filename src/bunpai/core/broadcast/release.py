"""Release of money held by an earlier quarter (保留分の解除), row by row with exact fractions.

A quarter holds money it cannot pay (``held.csv``): under a line id for an unidentified line, under a
work id for the part of a work whose holder is not determined. When the line is identified later, or
the holder notified, a later run pays it — linked to the first — by these rules:

* **an unidentified line identified as work W**: the held amount ``A`` of the line's fund goes to W's
  holders of that right as of the release's reference date, ``floor(A × share)`` each; the part of W
  that is still undetermined stays held (under W); the part of non-members (whose rights the society
  does not manage) and what the floors leave return to the fund: the carry into the fund's next
  quarter.
* **an undetermined part of work W**: the part was ``U`` of the work when it was held; each paid party
  whose share of W has grown since (by ``d``) takes ``floor(A × d / U)`` (``floor(A × d / Σd)`` when the
  shares grew by ``U`` or more: holders changed too); what is still not determined stays held, and what
  the floors and non-members' growth leave is carried.

Payees and fees as in a quarter: a foreign party is paid through its society (a month later), the
administration fee is ``floor(gross × rate)`` per payee. Conservation: per fund,
``released = lines + held + carried``; ``lines = fees + net``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from bunpai.core.broadcast.model import HELD_UNDETERMINED, HELD_UNIDENTIFIED, Party, RightRow
from bunpai.core.broadcast.outcome import HeldLine, PayeeLine, StatementLine
from bunpai.core.broadcast.shares import ResolvedShares, counts_on, resolve
from bunpai.core.money import Yen, floor_yen
from bunpai.core.rules import PrcRuleSet


@dataclass(frozen=True)
class HeldItem:
    """One row of an earlier quarter's ``held.csv``."""

    kind: str
    key: str
    fund_group: str
    right: str
    gross_yen: Yen
    points: Fraction


@dataclass(frozen=True)
class ReleaseTerms:
    quarter: str  # the quarter of this run (its payment)
    released_from: str  # the quarter that held the money
    reference_date: dt.date
    distribution_date: dt.date
    foreign_payment_date: dt.date
    admin_fee_rate: Fraction
    documents_days_before: int


@dataclass(frozen=True)
class ReleasedLine:
    line: StatementLine
    kind: str
    key: str


@dataclass
class ReleaseOutcome:
    lines: list[ReleasedLine] = field(default_factory=list)
    held: list[HeldLine] = field(default_factory=list)
    payees: list[PayeeLine] = field(default_factory=list)
    funds: dict[tuple[str, str], dict[str, Yen]] = field(default_factory=dict)
    not_released: list[HeldItem] = field(default_factory=list)  # nothing known yet: stays held as it was

    def summary(self, terms: ReleaseTerms, ruleset_label: str) -> dict[str, object]:
        groups: dict[str, dict[str, object]] = {}
        for (group, right), f in sorted(self.funds.items()):
            groups.setdefault(group, {})[right] = dict(f)
        lines = sum(f["lines_total_yen"] for f in self.funds.values())
        fees = sum(p.fee_yen for p in self.payees)
        return {
            "kind": "release",
            "quarter": terms.quarter,
            "released_from": terms.released_from,
            "reference_date": terms.reference_date.isoformat(),
            "distribution_date": terms.distribution_date.isoformat(),
            "foreign_payment_date": terms.foreign_payment_date.isoformat(),
            "ruleset": ruleset_label,
            "groups": groups,
            "released_in_total_yen": sum(f["released_in_yen"] for f in self.funds.values()),
            "lines_total_yen": lines,
            "held_total_yen": sum(f["held_total_yen"] for f in self.funds.values()),
            "carry_out_total_yen": sum(f["carry_out_yen"] for f in self.funds.values()),
            "fees_total_yen": fees,
            "net_total_yen": lines - fees,
            "count_statement_lines": len(self.lines),
            "count_payees": len(self.payees),
            "count_held_lines": len(self.held),
            "count_not_released": len(self.not_released),
        }


def _counted(rows: Sequence[RightRow], work: str, right: str, terms: ReleaseTerms) -> list[RightRow]:
    return [
        r
        for r in rows
        if r.work_id == work and r.right == right and counts_on(r, terms.reference_date, terms.documents_days_before)
    ]


def _by_party(resolved: ResolvedShares, parties: Mapping[str, Party]) -> dict[str, Fraction]:
    shares: dict[str, Fraction] = defaultdict(Fraction)
    for row, share in zip(resolved.rows, resolved.shares, strict=True):
        if row.party_id is not None and parties[row.party_id].paid and share:
            shares[row.party_id] += share
    return dict(shares)


def release(
    held: Sequence[HeldItem],
    identified: Mapping[str, str],
    rights: Sequence[RightRow],
    rights_before: Sequence[RightRow],
    parties: Mapping[str, Party],
    parties_before: Mapping[str, Party],
    terms: ReleaseTerms,
    table: PrcRuleSet,
) -> ReleaseOutcome:
    """Release what can be released of ``held`` (see the module's description).

    ``identified`` maps an unidentified line's id to its work; ``rights`` and ``parties`` are as of the
    release, ``rights_before`` (the rows the earlier quarter counted on its reference date) and
    ``parties_before`` those of the earlier quarter.
    """
    out = ReleaseOutcome()
    for item in sorted(held, key=lambda h: (h.kind, h.key, h.fund_group, h.right)):
        fund = out.funds.setdefault(
            (item.fund_group, item.right),
            {"released_in_yen": 0, "lines_total_yen": 0, "held_total_yen": 0, "carry_out_yen": 0},
        )
        if item.kind == HELD_UNIDENTIFIED:
            work = identified.get(item.key)
            if work is None:
                out.not_released.append(item)
                continue
            resolved = resolve(_counted(rights, work, item.right, terms), parties, table)
            parts = _by_party(resolved, parties)
            still_held = resolved.undetermined
        elif item.kind == HELD_UNDETERMINED:
            work = item.key
            now = resolve(_counted(rights, work, item.right, terms), parties, table)
            before_rows = [r for r in rights_before if r.work_id == work and r.right == item.right]
            before = resolve(before_rows, parties_before, table) if before_rows else resolve([], {}, table)
            if not before.undetermined:
                out.not_released.append(item)
                continue
            old = _by_party(before, parties_before)
            grown = {p: s - old.get(p, Fraction(0)) for p, s in _by_party(now, parties).items()}
            grown = {p: d for p, d in grown.items() if d > 0}
            if not grown:
                out.not_released.append(item)
                continue
            total = sum(grown.values(), Fraction(0))
            if total >= before.undetermined:  # shares moved among holders too: the held part goes whole
                parts = {p: d / total for p, d in grown.items()}
                still_held = Fraction(0)
            else:
                parts = {p: d / before.undetermined for p, d in grown.items()}
                still_held = min(now.undetermined, before.undetermined - total) / before.undetermined
        else:
            raise ValueError(f"held item of unknown kind {item.kind!r}")
        fund["released_in_yen"] += item.gross_yen
        for party_id in sorted(parts):
            gross = floor_yen(item.gross_yen * parts[party_id])
            if gross <= 0:
                continue
            party = parties[party_id]
            out.lines.append(
                ReleasedLine(
                    StatementLine(
                        party_id, party.payee_id, work, item.fund_group, item.right, item.points * parts[party_id],
                        gross, parts[party_id],
                    ),
                    item.kind,
                    item.key,
                )
            )  # fmt: skip
            fund["lines_total_yen"] += gross
        kept = floor_yen(item.gross_yen * still_held)
        if kept > 0:
            out.held.append(
                HeldLine(
                    HELD_UNDETERMINED, work, item.fund_group, item.right, kept, item.points * still_held, still_held
                )
            )
            fund["held_total_yen"] += kept
        fund["carry_out_yen"] = fund["released_in_yen"] - fund["lines_total_yen"] - fund["held_total_yen"]
    out.funds = {k: v for k, v in out.funds.items() if v["released_in_yen"]}
    out.held.sort(key=lambda h: (h.kind, h.key, h.fund_group, h.right))
    out.lines.sort(key=lambda r: (r.line.party_id, r.line.work_id, r.line.fund_group, r.line.right, r.kind, r.key))
    by_payee: dict[str, int] = defaultdict(int)
    foreign: set[str] = set()
    for r in out.lines:
        by_payee[r.line.payee_id] += r.line.gross_yen
        party = parties[r.line.party_id]
        if party.category == "foreign" and party.society:
            foreign.add(r.line.payee_id)
    for payee_id in sorted(by_payee):
        gross = by_payee[payee_id]
        fee = floor_yen(gross * terms.admin_fee_rate)
        is_foreign = payee_id in foreign
        date = terms.foreign_payment_date if is_foreign else terms.distribution_date
        out.payees.append(PayeeLine(payee_id, gross, fee, gross - fee, date, is_foreign))
    return out


def release_failures(summary: Mapping[str, object], payees_gross_yen: int) -> list[str]:
    """The identities of a release run that do not hold (empty when it balances)."""
    failures: list[str] = []
    groups = summary["groups"]
    assert isinstance(groups, dict)
    totals = {"released_in_yen": 0, "lines_total_yen": 0, "held_total_yen": 0, "carry_out_yen": 0}
    for group, rights in groups.items():
        for right, f in rights.items():
            if f["released_in_yen"] != f["lines_total_yen"] + f["held_total_yen"] + f["carry_out_yen"]:
                failures.append(f"{group}/{right}: released ≠ lines + held + carried")
            for key, value in f.items():
                if value < 0:
                    failures.append(f"{group}/{right}: {key} is negative: {value}")
                totals[key] += value
    pairs = (
        ("released_in_total_yen", "released_in_yen"),
        ("lines_total_yen", "lines_total_yen"),
        ("held_total_yen", "held_total_yen"),
        ("carry_out_total_yen", "carry_out_yen"),
    )
    for name, key in pairs:
        if summary[name] != totals[key]:
            failures.append(f"{name} ≠ Σ funds")
    if summary["lines_total_yen"] != payees_gross_yen:
        failures.append("payees' gross ≠ lines")
    lines, fees, net = summary["lines_total_yen"], summary["fees_total_yen"], summary["net_total_yen"]
    assert isinstance(lines, int) and isinstance(fees, int) and isinstance(net, int)
    if lines != fees + net:
        failures.append("lines ≠ fees + net")
    return failures
