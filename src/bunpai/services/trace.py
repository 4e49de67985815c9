"""Trace a yen back to its usage lines and rules: ``bunpai trace RESULT_DIR --input INPUT_DIR --payee P --work W``.

For each statement line of the payee and the work it shows the fund (its money, total points and
unit price), every usage line of the work that counted in that fund with its time, method, station
and sampling factors, the work's basic points and the holder's share, and recomputes the exact
amount and its floor: the figure on the statement must come out again, or the trace says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl

from bunpai.core.broadcast.model import Party, RightRow, Station, UsageLine
from bunpai.core.broadcast.reference import line_funds, line_points
from bunpai.core.broadcast.shares import counts_on, resolve
from bunpai.core.money import floor_yen, format_ratio, format_yen_exact
from bunpai.formats.broadcast_input import read_input
from bunpai.formats.broadcast_output import scan_statement_lines
from bunpai.rules import broadcast_ruleset_for, prc_ruleset_for


@dataclass
class TracedLine:
    line_id: str
    station_id: str
    duration_s: int
    time_points: Fraction
    method: str
    method_points: Fraction
    station_points: Fraction
    sampling_rate: Fraction
    points: Fraction


@dataclass
class TracedStatement:
    party_id: str
    fund_group: str
    right: str
    statement_gross_yen: int
    fund_in_yen: int
    total_points: Fraction
    unit_price: Fraction
    lines: list[TracedLine] = field(default_factory=list)
    raw_points: Fraction = Fraction(0)
    basic_points: Fraction = Fraction(1)
    share: Fraction = Fraction(0)
    exact_yen: Fraction = Fraction(0)
    recomputed_yen: int = 0

    @property
    def matches(self) -> bool:
        return self.recomputed_yen == self.statement_gross_yen


@dataclass
class Trace:
    payee_id: str
    work_id: str
    quarter: str
    ruleset: str
    statements: list[TracedStatement]
    rules: dict[str, Any]


def trace(result_dir: Path, input_dir: Path, payee_id: str, work_id: str) -> Trace:
    summary = json.loads((result_dir / "summary.json").read_text(encoding="utf-8"))
    lines = (
        scan_statement_lines(result_dir)
        .filter((pl.col("payee_id") == payee_id) & (pl.col("work_id") == work_id))
        .collect()
    )
    frames, rules = read_input(input_dir, rules_for=broadcast_ruleset_for)
    quarter = frames.quarter
    table = prc_ruleset_for(quarter.reference_date)
    parties = {
        p["party_id"]: Party(p["party_id"], p["name"] or "", p["category"], p["society"])
        for p in frames.parties.iter_rows(named=True)
    }
    stations = {
        s["station_id"]: Station(s["station_id"], s["fund_group"], Fraction(int(s["st_num"]), int(s["st_den"])))
        for s in frames.stations.iter_rows(named=True)
    }
    usage = [
        UsageLine(
            u["line_id"],
            u["station_id"],
            u["work_id"],
            u["outcome"],
            int(u["duration_s"] or 0),
            u["method"],
            bool(u["recorded"]),
            Fraction(int(u["sampling_num"]), int(u["sampling_den"])),
        )
        for u in frames.usage.with_columns(pl.col("line_id", "station_id", "work_id").cast(pl.String))
        .filter((pl.col("work_id") == work_id) & (pl.col("outcome") == "managed"))
        .collect(engine="streaming")
        .iter_rows(named=True)
    ]
    rights = [
        RightRow(
            str(r["work_id"]),
            str(r["party_id"]) if r["party_id"] is not None else None,
            r["role"],
            r["right"],
            Fraction(int(r["share_num"]), int(r["share_den"])) if r["has_share"] else None,
            r["submitted_on"],
            r["valid_from"],
            r["valid_to"],
        )
        for r in frames.rights.filter(pl.col("work_id").cast(pl.String) == work_id).iter_rows(named=True)
    ]
    traced = []
    for row in lines.iter_rows(named=True):
        fund = summary["groups"][row["fund_group"]][row["right"]]
        total = Fraction(fund["points_total"])
        price = Fraction(fund["unit_price"]) if fund["unit_price"] else Fraction(0)
        entry = TracedStatement(
            row["party_id"], row["fund_group"], row["right"], int(row["gross_yen"]), fund["fund_in_yen"], total, price
        )
        for line in sorted(usage, key=lambda u: u.line_id):
            station = stations[line.station_id]
            if station.fund_group != row["fund_group"] or row["right"] not in line_funds(line):
                continue
            assert line.method is not None
            points = line_points(line, quarter, station)
            entry.lines.append(
                TracedLine(
                    line.line_id,
                    line.station_id,
                    line.duration_s,
                    quarter.time_points.points(line.duration_s),
                    line.method,
                    quarter.method_points[line.method],
                    station.station_points,
                    line.sampling_rate,
                    points,
                )
            )
            entry.raw_points += points
        counted = [
            r
            for r in rights
            if r.right == row["right"] and counts_on(r, quarter.reference_date, quarter.documents_days_before)
        ]
        resolved = resolve(counted, parties, table)
        entry.basic_points = resolved.basic
        entry.share = sum(
            (s for r, s in zip(resolved.rows, resolved.shares, strict=True) if r.party_id == row["party_id"]),
            Fraction(0),
        )
        entry.exact_yen = price * entry.raw_points * entry.share
        entry.recomputed_yen = floor_yen(entry.exact_yen)
        traced.append(entry)
    tp = quarter.time_points
    rule_text = {
        "time_points": (
            f"per second up to {tp.per_second_cap} s"
            if tp.per_second_cap is not None
            else ", ".join(f"≤{b} s: {format_ratio(v)}" for b, v in tp.bands)
            + (f"; +{format_ratio(tp.per_extra[1])} per further {tp.per_extra[0]} s" if tp.per_extra else "")
        ),
        "method_points": {k: format_ratio(v) for k, v in sorted(quarter.method_points.items())},
        "admin_fee_rate": format_ratio(quarter.admin_fee_rate),
        "documents_days_before": quarter.documents_days_before,
        "reference_date": quarter.reference_date.isoformat(),
    }
    return Trace(payee_id, work_id, quarter.quarter, rules.label, traced, rule_text)


def trace_document(t: Trace) -> dict[str, Any]:
    return {
        "payee_id": t.payee_id,
        "work_id": t.work_id,
        "quarter": t.quarter,
        "ruleset": t.ruleset,
        "rules": t.rules,
        "statements": [
            {
                "party_id": s.party_id,
                "fund_group": s.fund_group,
                "right": s.right,
                "statement_gross_yen": s.statement_gross_yen,
                "fund_in_yen": s.fund_in_yen,
                "total_points": format_ratio(s.total_points),
                "unit_price": format_ratio(s.unit_price),
                "raw_points": format_ratio(s.raw_points),
                "basic_points": format_ratio(s.basic_points),
                "share": format_ratio(s.share),
                "exact_yen": format_yen_exact(s.exact_yen),
                "recomputed_yen": s.recomputed_yen,
                "matches": s.matches,
                "lines": [
                    {
                        "line_id": line.line_id,
                        "station_id": line.station_id,
                        "duration_s": line.duration_s,
                        "time_points": format_ratio(line.time_points),
                        "method": line.method,
                        "method_points": format_ratio(line.method_points),
                        "station_points": format_ratio(line.station_points),
                        "sampling_rate": format_ratio(line.sampling_rate),
                        "points": format_ratio(line.points),
                    }
                    for line in s.lines
                ],
            }
            for s in t.statements
        ],
    }
