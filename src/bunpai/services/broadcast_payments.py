"""Statements and payments of a broadcast quarter, from its result folder (and its input folder).

    bunpai broadcast statements RESULT_DIR --input INPUT_DIR --out DIR

writes into DIR (atomically):
- ``payments.csv``: per payee gross, fee, income tax withheld, amount paid, date and method;
- ``statements/<payee>.csv`` and ``statements/<payee>.pdf``: the payee's lines (Japanese and English);
- ``crd/<society>.crd``: a CISAC CRD file per foreign society, dated one month after the domestic date;
- ``zengin/transfers.txt``: the Zengin 総合振込 file of the domestic payees with a bank account.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl

from bunpai.core.broadcast.payments import NO_ACCOUNT, ZENGIN, Payment, payment
from bunpai.core.broadcast.rules import BroadcastRuleSet
from bunpai.formats.broadcast_input import read_input_table
from bunpai.formats.broadcast_output import has_statement_lines, input_digests, scan_statement_lines
from bunpai.formats.crd import CrdExploitation, CrdParty, CrdWork, crd_file
from bunpai.formats.statements import StatementHeader, StatementRow, statement_pdf
from bunpai.formats.tables import InputError, Problem, Problems
from bunpai.formats.zengin import Account, Transfer, account_problems, transfer_file, zengin_data_version
from bunpai.rules import broadcast_ruleset_for


@dataclass
class StatementsResult:
    payments: list[Payment]
    written: Path
    crd_files: list[str]
    zengin_transfers: int
    notes: list[str]


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "_"


def _source_account(rules: BroadcastRuleSet) -> Account:
    p = rules.payments
    return Account(p["bank_code"], p["branch_code"], p["account_type"], p["account_number"], p["requester_name"])


def _read_result(result_dir: Path) -> tuple[dict[str, Any], pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    problems = Problems()
    for name in ("summary.json", "statement_lines.csv", "payees.csv", "inputs.json"):
        present = has_statement_lines(result_dir) if name == "statement_lines.csv" else (result_dir / name).is_file()
        if not present:
            problems.add(name, 0, "*", "file is missing: not a result folder of bunpai broadcast run")
    problems.raise_if_any()
    summary = json.loads((result_dir / "summary.json").read_text(encoding="utf-8"))
    inputs = json.loads((result_dir / "inputs.json").read_text(encoding="utf-8"))
    lines = scan_statement_lines(result_dir).with_columns(pl.col("gross_yen").cast(pl.Int64)).collect()
    payees = pl.read_csv(result_dir / "payees.csv", infer_schema=False).with_columns(
        pl.col("gross_yen", "fee_yen", "net_yen").cast(pl.Int64)
    )
    return summary, lines, payees, inputs


def build_statements(
    result_dir: Path, input_dir: Path, out_dir: Path, *, force: bool = False, pdf: bool = True
) -> StatementsResult:
    summary, lines, payees, inputs = _read_result(result_dir)
    problems = Problems()
    recorded = inputs.get("files", {})
    actual = input_digests(input_dir) if input_dir.is_dir() else {}
    for name in ("parties.csv", "rights.csv", "parties.parquet", "rights.parquet", "period.toml"):
        if name in recorded and recorded[name] != actual.get(name):
            problems.add(name, 0, "*", f"differs from the input of this result ({result_dir.name}/inputs.json)")
    problems.raise_if_any()
    reference = dt.date.fromisoformat(summary["reference_date"])
    rules = broadcast_ruleset_for(reference)
    parties_frame = read_input_table(
        input_dir,
        "parties",
        ["party_id", "name", "category", "society"],
        ["kind", "bank_code", "branch_code", "account_type", "account_number", "account_holder"],
        problems,
    )
    rights_frame = read_input_table(input_dir, "rights", ["work_id", "party_id", "role", "right"], [], problems)
    problems.raise_if_any()
    assert parties_frame is not None and rights_frame is not None
    for column in ("kind", "bank_code", "branch_code", "account_type", "account_number", "account_holder"):
        if column not in parties_frame.columns:
            parties_frame = parties_frame.with_columns(pl.lit(None, pl.String).alias(column))
    parties = {row["party_id"]: row for row in parties_frame.iter_rows(named=True)}

    # Domestic payees' accounts, checked against the published bank and branch codes.
    accounts: dict[str, Account] = {}
    paid_domestic = set(payees.filter(pl.col("foreign_society").is_null())["payee_id"].to_list())
    located: list[Problem] = []
    for payee_id in sorted(paid_domestic):
        row = parties.get(payee_id)
        if row is None or not row["bank_code"]:
            continue
        account = Account(
            str(row["bank_code"]),
            str(row["branch_code"] or ""),
            str(row["account_type"] or "1"),
            str(row["account_number"] or ""),
            str(row["account_holder"] or row["name"] or ""),
        )
        found = account_problems(account)
        for column, message in found:
            located.append(Problem("parties.csv", int(row["__line"]), column, message))
        if not found:
            accounts[payee_id] = account
    source = _source_account(rules)
    for column, message in account_problems(source):
        located.append(Problem("ruleset", 0, f"payments.{column}", message))
    if located:
        raise InputError(located)

    payments: list[Payment] = []
    for row in payees.iter_rows(named=True):
        party = parties.get(row["payee_id"], {})
        foreign = row["foreign_society"] == "yes"
        payments.append(
            payment(
                payee_id=row["payee_id"],
                name=str(party.get("name") or (f"society {row['payee_id']}" if foreign else row["payee_id"])),
                gross_yen=row["gross_yen"],
                fee_yen=row["fee_yen"],
                net_yen=row["net_yen"],
                pay_date=dt.date.fromisoformat(row["pay_date"]),
                foreign_society=foreign,
                kind=party.get("kind"),
                has_account=row["payee_id"] in accounts,
                rule=rules.withholding,
                base=rules.payments.get("withholding_base", "net"),
            )
        )

    roles: dict[tuple[str, str, str], str] = {}
    for work_id, party_id, role, right in rights_frame.select("work_id", "party_id", "role", "right").iter_rows():
        if party_id is not None:
            roles.setdefault((work_id, party_id, str(right).lower()), str(role).lower())

    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.absolute().parent))
    try:
        (staging / "statements").mkdir()
        by_payee = lines.partition_by("payee_id", as_dict=True, maintain_order=True)
        notes = []
        for pay in payments:
            frame = by_payee.get((pay.payee_id,))
            rows = []
            if frame is not None:
                for r in frame.iter_rows(named=True):
                    rows.append(
                        StatementRow(
                            r["party_id"],
                            str(parties.get(r["party_id"], {}).get("name") or ""),
                            r["work_id"],
                            r["fund_group"],
                            r["right"],
                            r["points"],
                            r.get("share") or "",
                            int(r["gross_yen"]),
                        )
                    )
            _write_statement_csv(staging / "statements" / f"{_safe(pay.payee_id)}.csv", summary["quarter"], pay, rows)
            if pdf:
                header = StatementHeader(
                    society=rules.crd.get("sender_name", ""),
                    quarter=summary["quarter"],
                    distribution_date=summary["distribution_date"],
                    pay_date=pay.pay_date.isoformat(),
                    payee_id=pay.payee_id,
                    payee_name=pay.name,
                    foreign_society=pay.foreign_society,
                    gross_yen=pay.gross_yen,
                    fee_yen=pay.fee_yen,
                    withholding_yen=pay.withholding_yen,
                    payable_yen=pay.payable_yen,
                    method=pay.method,
                    ruleset=summary.get("ruleset", ""),
                )
                (staging / "statements" / f"{_safe(pay.payee_id)}.pdf").write_bytes(statement_pdf(header, rows))
        _write_payments(staging / "payments.csv", payments)

        crd_names = []
        foreign = [p for p in payments if p.foreign_society]
        if foreign:
            (staging / "crd").mkdir()
        for pay in foreign:
            works = _crd_works(by_payee.get((pay.payee_id,)), parties, roles)
            receiver = pay.payee_id if pay.payee_id.isdigit() else "0"
            if not pay.payee_id.isdigit():
                notes.append(f"society '{pay.payee_id}' has no 3-digit CISAC code: receiver 000 in its CRD file")
            data = crd_file(
                sender_code=rules.crd.get("sender_society", "0"),
                sender_name=rules.crd.get("sender_name", ""),
                receiver_code=receiver,
                distribution_id=f"BC{summary['quarter']}",
                quarter=summary["quarter"],
                payment_date=pay.pay_date,
                created=pay.pay_date,
                gross_yen=pay.gross_yen,
                fee_yen=pay.fee_yen,
                works=works,
                version=rules.crd.get("version", "02.00"),
                currency=rules.crd.get("currency", "JPY"),
            )
            name = f"{_safe(pay.payee_id)}.crd"
            (staging / "crd" / name).write_bytes(data)
            crd_names.append(name)

        transfers = [
            Transfer(p.payee_id, accounts[p.payee_id], p.payable_yen)
            for p in payments
            if p.method == ZENGIN and p.payable_yen > 0
        ]
        (staging / "zengin").mkdir()
        (staging / "zengin" / "transfers.txt").write_bytes(
            transfer_file(
                requester_code=rules.payments["requester_code"],
                requester_name=rules.payments["requester_name"],
                transfer_date=dt.date.fromisoformat(summary["distribution_date"]),
                source=source,
                transfers=transfers,
            )
        )
        without = [p.payee_id for p in payments if p.method == NO_ACCOUNT]
        if without:
            notes.append(f"{len(without)} domestic payee(s) without a bank account: paid later (payments.csv)")
        notes.append(f"bank and branch codes checked against the zengin data set {zengin_data_version()}")
        (staging / "notes.json").write_text(json.dumps({"notes": notes}, ensure_ascii=False, indent=2) + "\n", "utf-8")
        if out_dir.exists():
            if not force:
                raise FileExistsError(f"{out_dir}: exists (use --force to replace it)")
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return StatementsResult(payments, out_dir, crd_names, len(transfers), notes)


def _crd_works(
    frame: pl.DataFrame | None, parties: dict[str, dict[str, Any]], roles: dict[tuple[str, str, str], str]
) -> list[CrdWork]:
    if frame is None:
        return []
    by_work: dict[str, dict[str, Any]] = defaultdict(lambda: {"parties": {}, "uses": []})
    for r in frame.sort("work_id", "party_id", "fund_group", "right").iter_rows(named=True):
        entry = by_work[r["work_id"]]
        key = (r["party_id"], r["right"])
        if key not in entry["parties"]:
            entry["parties"][key] = CrdParty(
                r["party_id"],
                str(parties.get(r["party_id"], {}).get("name") or ""),
                roles.get((r["work_id"], r["party_id"], r["right"]), ""),
                Fraction(r.get("share") or "0"),
            )
        entry["uses"].append(CrdExploitation(r["right"], r["fund_group"], Fraction(r["points"]), int(r["gross_yen"])))
    return [
        CrdWork(work_id, "", tuple(entry["parties"].values()), tuple(entry["uses"]))
        for work_id, entry in sorted(by_work.items())
    ]


def _write_statement_csv(path: Path, quarter: str, pay: Payment, rows: list[StatementRow]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "quarter",
            "payee_id",
            "party_id",
            "party_name",
            "work_id",
            "fund_group",
            "right",
            "points",
            "share",
            "gross_yen",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                quarter,
                pay.payee_id,
                r.party_id,
                r.party_name,
                r.work_id,
                r.fund_group,
                r.right,
                r.points,
                r.share,
                r.gross_yen,
            ]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _write_payments(path: Path, payments: list[Payment]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "payee_id",
            "name",
            "foreign_society",
            "gross_yen",
            "fee_yen",
            "withholding_yen",
            "payable_yen",
            "pay_date",
            "method",
        ]
    )
    for p in payments:
        writer.writerow(
            [
                p.payee_id,
                p.name,
                "yes" if p.foreign_society else "",
                p.gross_yen,
                p.fee_yen,
                p.withholding_yen,
                p.payable_yen,
                p.pay_date.isoformat(),
                p.method,
            ]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")
