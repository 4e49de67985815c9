"""Tracing one statement line of a private recording period back to its usage lines and rules."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import polars as pl

from bunpai.core.money import floor_yen, format_yen_exact
from bunpai.core.prc.shares import Holding, resolve_work_shares
from bunpai.core.rules import FUNDS, PrcRuleSet
from bunpai.engine.prc import parties_from_frame
from bunpai.formats.prc_input import PrcFrames, read_input
from bunpai.formats.tables import LINE
from bunpai.rules import prc_ruleset_for


class TraceError(ValueError):
    """The line cannot be traced (unknown party or work, or a result folder of another input)."""


@dataclass
class UsageTrace:
    file: str
    line: int
    counted: bool
    points: Fraction
    reason: str


@dataclass
class Trace:
    party_id: str
    payee_id: str
    work_id: str
    title: str
    usage: dict[str, list[UsageTrace]] = field(default_factory=dict)
    raw_points: dict[str, Fraction] = field(default_factory=dict)
    basic_points: dict[str, Fraction] = field(default_factory=dict)
    unit_prices: dict[str, Fraction | None] = field(default_factory=dict)
    rights: list[tuple[int, str, str, str, Fraction | None, str]] = field(default_factory=list)
    share: Fraction = Fraction(0)
    share_row: int | None = None
    paid_funds: frozenset[str] = frozenset()
    exact_yen: Fraction = Fraction(0)
    gross_yen: int = 0
    recorded_gross_yen: int | None = None
    notes: tuple[str, ...] = ()


def _twelfths(value: Fraction) -> str:
    """A share as people write it: in twelfths where it is a whole number of twelfths."""
    twelfths = value * 12
    return f"{twelfths.numerator}/12" if twelfths.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _fraction(text: str | None) -> Fraction | None:
    return Fraction(text) if text else None


def trace_line(input_dir: Path, result_dir: Path, party_id: str, work_id: str) -> Trace:
    frames, rules = read_input(input_dir, rules_for=prc_ruleset_for)
    summary = json.loads((result_dir / "summary.json").read_text(encoding="utf-8"))
    if summary.get("period") != frames.period.period:
        raise TraceError(
            f"{result_dir.name} is the result of period {summary.get('period')}, not {frames.period.period}"
        )
    parties = {p.party_id: p for p in parties_from_frame(frames.parties)}
    if party_id not in parties:
        raise TraceError(f"unknown party {party_id!r}")
    works = frames.works.filter(pl.col("work_id") == work_id)
    if works.height == 0:
        raise TraceError(f"unknown work {work_id!r}")
    work = works.row(0, named=True)
    party = parties[party_id]
    trace = Trace(party_id, party.payee_id, work_id, work["title"] or "")
    trace.unit_prices = {f: _fraction(summary.get(f"unit_price_{f}")) for f in FUNDS}
    trace.paid_funds = party.paid_funds
    _usage(trace, frames, rules)

    # Art. 12–13: the work's rights rows, which count on the reference date, and the share rates.
    rows = frames.rights.filter(pl.col("work_id") == work_id).sort(LINE)
    counted = rows.filter(pl.col("counted"))
    holdings = [
        Holding(r["role"], Fraction(r["share_num"], r["share_den"]) if r["has_share"] else None)
        for r in counted.iter_rows(named=True)
    ]
    resolved = resolve_work_shares(
        holdings, music_expired=work["music_expired"], lyrics_expired=work["lyrics_expired"], rules=rules
    )
    weights = dict(zip(counted[LINE].to_list(), resolved.weights, strict=True))
    for r in rows.iter_rows(named=True):
        share = _twelfths(Fraction(r["share_num"], r["share_den"])) if r["has_share"] else ""
        state = "counted" if r["counted"] else "not counted on the reference date (Art. 12)"
        trace.rights.append((r[LINE], r["party_id"] or "(undetermined)", r["role"], share, weights.get(r[LINE]), state))
    trace.share = sum((r[4] for r in trace.rights if r[1] == party_id and r[4] is not None), Fraction(0))
    trace.share_row = resolved.row
    trace.notes = resolved.notes
    for fund in FUNDS:
        basic = resolved.unregistered
        for r, weight in zip(counted.iter_rows(named=True), resolved.weights, strict=True):
            if weight is None:
                continue
            holder = parties.get(r["party_id"]) if r["party_id"] else None
            if holder is None or fund in holder.paid_funds:
                basic += weight
        trace.basic_points[fund] = basic
    trace.exact_yen = sum(
        (
            trace.raw_points.get(f, Fraction(0)) * (trace.unit_prices[f] or 0) * trace.share
            for f in FUNDS
            if f in party.paid_funds
        ),
        Fraction(0),
    )
    trace.gross_yen = floor_yen(trace.exact_yen)
    trace.recorded_gross_yen = _recorded(result_dir, party_id, work_id)
    return trace


def _usage(trace: Trace, frames: PrcFrames, rules: PrcRuleSet) -> None:
    def rows(frame: pl.DataFrame) -> list[dict[str, object]]:
        return list(frame.filter(pl.col("work_id") == trace.work_id).sort(LINE).iter_rows(named=True))

    broadcast = []
    for u in rows(frames.broadcast):
        points = (
            Fraction(int(u["use_count"]))  # type: ignore[call-overload]
            * Fraction(u["differential_num"], u["differential_den"])  # type: ignore[arg-type]
            * Fraction(u["station_num"], u["station_den"])  # type: ignore[arg-type]
            * Fraction(u["sampling_den"], u["sampling_num"])  # type: ignore[arg-type]
        )
        reasons = []
        if u["use_type"] not in rules.broadcast_use_types:
            reasons.append(f"use type {u['use_type']} excluded (BL 5 ¶2(1))")
        if u["station_kind"] not in rules.broadcast_station_kinds:
            reasons.append(f"station kind {u['station_kind']} not in the fund (BL 5 ¶1(1))")
        broadcast.append(UsageTrace("usage_broadcast.csv", int(u[LINE]), not reasons, points, "; ".join(reasons)))  # type: ignore[call-overload]
    recording = []
    for u in rows(frames.recording):
        points = Fraction(u["deemed_num"], u["deemed_den"]) * int(u["units"])  # type: ignore[arg-type, call-overload]
        reasons = []
        if u["recording_class"] not in rules.recording_classes:
            reasons.append(f"class {u['recording_class']} not in the fund (BL 5 ¶1(2))")
        if u["purpose"] not in rules.recording_purposes:
            reasons.append(f"purpose {u['purpose']} excluded (BL 5 ¶2(2))")
        recording.append(UsageTrace("usage_recording.csv", int(u[LINE]), not reasons, points, "; ".join(reasons)))  # type: ignore[call-overload]
    rental = []
    for u in rows(frames.rental):
        points = Fraction(u["deemed_num"], u["deemed_den"]) * int(u["rental_count"])  # type: ignore[arg-type, call-overload]
        reason = "" if u["rental_class"] in rules.rental_classes else f"class {u['rental_class']} not in the fund"
        rental.append(UsageTrace("usage_rental.csv", int(u[LINE]), not reason, points, reason))  # type: ignore[call-overload]
    trace.usage = {"broadcast": broadcast, "recording": recording, "rental": rental}
    trace.raw_points = {
        fund: sum((u.points for u in uses if u.counted), Fraction(0)) for fund, uses in trace.usage.items()
    }


def _recorded(result_dir: Path, party_id: str, work_id: str) -> int | None:
    with (result_dir / "statement_lines.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["party_id"] == party_id and row["work_id"] == work_id:
                return int(row["gross_yen"])
    return None


def describe(trace: Trace) -> list[str]:
    """The trace as lines of text for people (English and Japanese)."""
    out = [
        f"Holder / 権利者 {trace.party_id} (paid to / 支払先 {trace.payee_id}) · "
        f"work / 作品 {trace.work_id} {trace.title}",
        "",
        "Usage / 利用実績 (Art. 11, 15; BL 5):",
    ]
    for fund in FUNDS:
        for u in trace.usage.get(fund, []):
            mark = "counted" if u.counted else f"not counted: {u.reason}"
            out.append(f"  {u.file}:{u.line}  {fund:<9} points {format_yen_exact(u.points):>12}  {mark}")
    out.append("")
    out.append("Rights on the reference date / 確定基準日の権利 (Art. 12–13):")
    for line, holder, role, share, weight, state in trace.rights:
        rate = _twelfths(weight) if weight is not None else "—"
        out.append(f"  rights.csv:{line}  {holder:<14} {role:<10} registered {share or '—':<6} rate {rate:<8} {state}")
    row = f"row {trace.share_row}" if trace.share_row else "registered shares / outside the table"
    out.append(f"  {trace.party_id}'s share of the work: {_twelfths(trace.share)} ({row})")
    for note in trace.notes:
        out.append(f"  note: {note}")
    out.append("")
    out.append("Per fund / 基金ごと (Art. 16):")
    for fund in FUNDS:
        raw = trace.raw_points.get(fund, Fraction(0))
        price = trace.unit_prices.get(fund)
        if not raw:
            continue
        paid = fund in trace.paid_funds
        amount = raw * (price or 0) * trace.share if paid else Fraction(0)
        out.append(
            f"  {fund:<9} points {format_yen_exact(raw * trace.basic_points[fund])} "
            f"(= {format_yen_exact(raw)} × basic {_twelfths(trace.basic_points[fund])}) · unit price "
            f"{format_yen_exact(price) if price is not None else '—'} · holder's part "
            f"{format_yen_exact(amount) if paid else '0 (not paid from this fund)'}"
        )
    out.append("")
    out.append(
        f"Exact amount / 正確な額 {format_yen_exact(trace.exact_yen)} yen → statement line / 分配明細 "
        f"{trace.gross_yen:,} yen (the sub-yen part goes to the carry, Art. 19)"
    )
    if trace.recorded_gross_yen is None:
        out.append("The result folder has no statement line for this holder and work.")
    elif trace.recorded_gross_yen == trace.gross_yen:
        out.append(f"Matches statement_lines.csv ({trace.recorded_gross_yen:,} yen) ✓")
    else:
        out.append(f"DIFFERS from statement_lines.csv ({trace.recorded_gross_yen:,} yen) ✗")
    return out
