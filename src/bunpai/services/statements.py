"""Statements of one holder from a private recording result folder (分配明細書), and what a run proves.

A run folder holds ``input/`` (the period as distributed) and ``result/`` (what ``bunpai prc run``
wrote). Nothing here computes money: it reads the integers the engine wrote.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class StatementLine:
    work_id: str
    title: str
    gross_yen: int


@dataclass
class Statement:
    period: str
    reference_date: str
    party_id: str
    name: str
    payee_id: str
    gross_yen: int
    fee_yen: int
    net_yen: int
    lines: list[StatementLine] = field(default_factory=list)


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def read_summary(run_dir: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((run_dir / "result" / "summary.json").read_text(encoding="utf-8"))
    return data


def party_names(run_dir: Path) -> dict[str, str]:
    return {r["party_id"]: r["name"] for r in _rows(run_dir / "input" / "parties.csv")}


def read_statement(run_dir: Path, party_id: str) -> Statement | None:
    """The statement of holder ``party_id`` (its lines per work), or None when it has none."""
    holder = next((r for r in _rows(run_dir / "result" / "holders.csv") if r["party_id"] == party_id), None)
    if holder is None:
        return None
    summary = read_summary(run_dir)
    titles = {r["work_id"]: r["title"] for r in _rows(run_dir / "input" / "works.csv")}
    lines = [
        StatementLine(r["work_id"], titles.get(r["work_id"], ""), int(r["gross_yen"]))
        for r in _rows(run_dir / "result" / "statement_lines.csv")
        if r["party_id"] == party_id
    ]
    lines.sort(key=lambda line: (-line.gross_yen, line.work_id))
    return Statement(
        period=str(summary.get("period", "")),
        reference_date=str(summary.get("reference_date", "")),
        party_id=party_id,
        name=party_names(run_dir).get(party_id, ""),
        payee_id=holder["payee_id"],
        gross_yen=int(holder["gross_yen"]),
        fee_yen=int(holder["fee_yen"]),
        net_yen=int(holder["net_yen"]),
        lines=lines,
    )


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["period", "party_id", "payee_id", "work_id", "title", "gross_yen"])
    for line in statement.lines:
        w.writerow([statement.period, statement.party_id, statement.payee_id, line.work_id, line.title, line.gross_yen])
    w.writerow([])
    w.writerow(["total_gross_yen", "fee_yen", "net_yen"])
    w.writerow([statement.gross_yen, statement.fee_yen, statement.net_yen])
    return out.getvalue()


def claim_results(run_dir: Path) -> dict[str, dict[str, str]]:
    return {r["claim_id"]: r for r in _rows(run_dir / "result" / "claims_result.csv")}


def top_payees(run_dir: Path, count: int = 10) -> list[tuple[str, str, int, int, int]]:
    names = party_names(run_dir)
    rows = _rows(run_dir / "result" / "payees.csv")
    rows.sort(key=lambda r: (-int(r["gross_yen"]), r["payee_id"]))
    return [
        (r["payee_id"], names.get(r["payee_id"], ""), int(r["gross_yen"]), int(r["fee_yen"]), int(r["net_yen"]))
        for r in rows[:count]
    ]


@dataclass(frozen=True)
class Identity:
    label: str
    left: int
    right: tuple[tuple[str, int], ...]

    @property
    def holds(self) -> bool:
        return self.left == sum(v for _, v in self.right)


def conservation(summary: dict[str, object]) -> list[Identity]:
    """The identities every run proves (see README, 'Exact money'), with the run's own integers."""

    def y(key: str) -> int:
        return int(summary[key])  # type: ignore[call-overload]

    return [
        Identity(
            "receipt = literary + music", y("receipt_yen"), (("literary", y("literary_yen")), ("music", y("music_yen")))
        ),
        Identity(
            "music fund = member fund + non-member fund",
            y("music_fund_in_yen"),
            (("member fund", y("member_fund_yen")), ("non-member fund", y("nonmember_fund_yen"))),
        ),
        Identity(
            "member fund = lines + held + carried",
            y("member_fund_yen"),
            (("lines", y("lines_total_yen")), ("held", y("held_total_yen")), ("carried", y("carry_out_total_yen"))),
        ),
        Identity(
            "lines = fees + net", y("lines_total_yen"), (("fees", y("fees_total_yen")), ("net", y("net_total_yen")))
        ),
        Identity(
            "claims paid = fees + tax + net",
            y("claims_paid_gross_yen"),
            (("fees", y("claims_fee_yen")), ("tax", y("claims_tax_yen")), ("net", y("claims_net_yen"))),
        ),
    ]
