"""Broadcast quarters run from the site (放送等使用料の分配実行と承認): freeze the input, run the
same code path as ``bunpai broadcast run`` and ``bunpai broadcast statements``, record the run,
approve it by someone else, mark it paid; and what the members and the staff read from it.

A run's folder holds ``input/`` (a copy of the quarter's folder, never changed afterwards),
``result/`` and ``statements/`` (payments.csv, statements/<payee>.csv|pdf, crd/, zengin/). The run
is a :class:`bunpai.broadcast.models.DistributionRun` (immutable once approved) with a
:class:`bunpai.web.models.BroadcastRunRecord` saying who ran, approved and paid it. Nothing here
computes money: it calls the services and reads the integers they wrote.
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bunpai.services.runs import RunError, allowed_source, runs_dir
from bunpai.services.statements import Identity
from bunpai.store import current_alias

BROADCAST_SUBMITTER = "BROADCAST"
PAYMENT_FILES = ("payments.csv", "zengin/transfers.txt")
RESULT_FILES = ("summary.json", "statement_lines.csv", "payees.csv", "held.csv", "work_points.csv", "inputs.json")
SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


class BroadcastRunError(RunError):
    """A run that cannot be started, with its problems (``file:line: column: problem``)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def start(*, user: Any, source: Path, corrects: Any = None) -> Any:
    """Copy ``source`` (a folder under an allowed input root), distribute, write the statements and
    record a draft run with who ran it. Bad input raises :class:`BroadcastRunError` and keeps nothing."""
    from django.db import transaction

    from bunpai.broadcast import services as records
    from bunpai.core.broadcast.conservation import ConservationError
    from bunpai.formats.tables import InputError
    from bunpai.services.broadcast import compute_quarter, write_run
    from bunpai.services.broadcast_payments import build_statements
    from bunpai.web.models import BroadcastRunRecord

    if corrects is not None and corrects.status == "draft":
        raise BroadcastRunError("a draft is re-run, not corrected: only an approved or paid run is corrected")
    src = allowed_source(source)
    base = runs_dir()
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="broadcast-", dir=base))
    try:
        shutil.copytree(src, folder / "input", ignore=shutil.ignore_patterns(".*"))
        try:
            quarter = compute_quarter(folder / "input")
        except InputError as error:
            raise BroadcastRunError(
                f"{len(error.problems)} problem(s) in the input: nothing was distributed",
                [str(p) for p in error.problems],
            ) from None
        except ConservationError as error:
            raise BroadcastRunError(str(error)) from None
        if corrects is not None and corrects.quarter != quarter.result.summary["quarter"]:
            raise BroadcastRunError(
                f"the input is quarter {quarter.result.summary['quarter']}, the corrected run is {corrects.quarter}"
            )
        write_run(quarter, folder / "result")
        problems = ""
        try:
            build_statements(folder / "result", folder / "input", folder / "statements")
        except InputError as error:
            problems = "\n".join(str(p) for p in error.problems)
        with transaction.atomic(using=current_alias()):
            run = records.record_run(folder / "result", corrects=corrects, input_dir=folder / "input")
            BroadcastRunRecord.objects.create(
                run=run, source=str(source), folder=str(folder), statement_problems=problems, ran_by=user
            )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return run


def record_of(run: Any) -> Any:
    from bunpai.web.models import BroadcastRunRecord

    return BroadcastRunRecord.objects.filter(run=run).select_related("ran_by", "approved_by", "paid_by").first()


def can_approve(run: Any, user: Any) -> bool:
    record = record_of(run)
    return bool(run.status == "draft" and record is not None and record.ran_by_id != user.pk)


def approve(run: Any, user: Any) -> Any:
    """Approve a draft; the person who ran it cannot (four eyes), nor can anyone approve a run whose
    runner the site does not know (recorded outside it)."""
    from django.db import transaction

    from bunpai.broadcast import services as records
    from bunpai.broadcast.models import ImmutableError

    record = record_of(run)
    if record is None:
        raise BroadcastRunError(f"run #{run.pk} was not started from the site: its runner is unknown")
    if record.ran_by_id == user.pk:
        raise BroadcastRunError("the person who ran a distribution cannot approve it")
    try:
        with transaction.atomic(using=current_alias()):
            approved = records.approve(run)
            record.approved_by = user
            record.save(update_fields=["approved_by"])
    except ImmutableError as error:
        raise BroadcastRunError(str(error)) from None
    return approved


def mark_paid(run: Any, user: Any) -> Any:
    from django.db import transaction

    from bunpai.broadcast import services as records
    from bunpai.broadcast.models import ImmutableError

    record = record_of(run)
    try:
        with transaction.atomic(using=current_alias()):
            paid = records.mark_paid(run)
            if record is not None:
                record.paid_by = user
                record.save(update_fields=["paid_by"])
    except ImmutableError as error:
        raise BroadcastRunError(str(error)) from None
    return paid


# ---- what a run shows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FundRow:
    group: str
    right: str
    fund_in_yen: int
    amount_part_yen: int
    carry_in_yen: int
    lines_total_yen: int
    held_total_yen: int
    carry_out_yen: int
    points_total: str


def fund_rows(summary: dict[str, Any]) -> list[FundRow]:
    """One row per fund group and right, in the summary's order."""
    return [
        FundRow(
            group,
            right,
            int(f["fund_in_yen"]),
            int(f["amount_part_yen"]),
            int(f["carry_in_yen"]),
            int(f["lines_total_yen"]),
            int(f["held_total_yen"]),
            int(f["carry_out_yen"]),
            str(f["points_total"]),
        )
        for group, rights in summary["groups"].items()
        for right, f in rights.items()
    ]


def identities(summary: dict[str, Any]) -> list[Identity]:
    """The identities the quarter proves, with its own integers: per fund, then overall. The labels
    are keys translated by the pages (see :data:`IDENTITY_LABELS`)."""
    out: list[Identity] = []
    for row in fund_rows(summary):
        where = f"{row.group}/{row.right}"
        out.append(
            Identity(
                f"{where}: fund in = fees part + carried in",
                row.fund_in_yen,
                (("fees part", row.amount_part_yen), ("carried in", row.carry_in_yen)),
            )
        )
        out.append(
            Identity(
                f"{where}: fund in = lines + held + carried out",
                row.fund_in_yen,
                (("lines", row.lines_total_yen), ("held", row.held_total_yen), ("carried out", row.carry_out_yen)),
            )
        )

    def y(key: str) -> int:
        return int(summary[key])

    out.append(
        Identity(
            "fees collected + carried in = lines + held + carried out",
            y("amount_total_yen") + y("carry_in_total_yen"),
            (("lines", y("lines_total_yen")), ("held", y("held_total_yen")), ("carried out", y("carry_out_total_yen"))),
        )
    )
    out.append(
        Identity(
            "lines = fees + net", y("lines_total_yen"), (("fees", y("fees_total_yen")), ("net", y("net_total_yen")))
        )
    )
    return out


def failures(summary: dict[str, Any]) -> list[str]:
    """What the engine's own check finds wrong with the stored summary (empty when it balances)."""
    from bunpai.core.broadcast.conservation import conservation_failures

    return conservation_failures(summary)


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class PaymentRow:
    payee_id: str
    name: str
    foreign_society: bool
    gross_yen: int
    fee_yen: int
    withholding_yen: int
    payable_yen: int
    pay_date: str
    method: str


def payments(folder: Path) -> list[PaymentRow]:
    """The payees of a run (statements/payments.csv), largest gross first."""
    rows = [
        PaymentRow(
            r["payee_id"],
            r["name"],
            r["foreign_society"] == "yes",
            int(r["gross_yen"]),
            int(r["fee_yen"]),
            int(r["withholding_yen"]),
            int(r["payable_yen"]),
            r["pay_date"],
            r["method"],
        )
        for r in _rows(folder / "statements" / "payments.csv")
    ]
    return sorted(rows, key=lambda p: (-p.gross_yen, p.payee_id))


def crd_files(folder: Path) -> list[str]:
    crd = folder / "statements" / "crd"
    return sorted(p.name for p in crd.glob("*.crd")) if crd.is_dir() else []


def statement_file(folder: Path, payee_id: str, fmt: str) -> Path | None:
    """The payee's statement (CSV or PDF) as ``bunpai broadcast statements`` wrote it, or None."""
    if fmt not in ("csv", "pdf") or not SAFE_NAME.match(payee_id):
        return None
    path = folder / "statements" / "statements" / f"{payee_id}.{fmt}"
    return path if path.is_file() else None


def run_file(folder: Path, name: str) -> Path | None:
    """A file of the run a person may download: result files, payments, the Zengin file, CRD files."""
    if name in RESULT_FILES:
        path = folder / "result" / name
    elif name in PAYMENT_FILES or (name.startswith("crd/") and SAFE_NAME.match(name[4:]) and name.endswith(".crd")):
        path = folder / "statements" / name
    else:
        return None
    return path if path.is_file() else None


# ---- members ------------------------------------------------------------------------------------


def broadcast_party_id(party: Any) -> str:
    """The party's id in broadcast input folders: its ``BROADCAST`` reference, else its private
    recording id (the PRC reference, else ``P<pk>``)."""
    from bunpai.services.runs import prc_party_id

    ref = party.references.filter(submitter=BROADCAST_SUBMITTER).values_list("number", flat=True).first()
    return str(ref) if ref else prc_party_id(party)


def current_runs() -> list[Any]:
    """The runs members see: per quarter the newest approved or paid run (corrections win)."""
    from bunpai.broadcast.models import DistributionRun

    newest: dict[str, Any] = {}
    rows = DistributionRun.objects.filter(status__in=["approved", "paid"]).order_by("approved_at", "pk")
    for run in rows:
        newest[run.quarter] = run
    return sorted(newest.values(), key=lambda r: r.quarter)


def run_folder(run: Any) -> Path | None:
    """The folder with the run's statements (site runs), else None."""
    record = record_of(run)
    return Path(record.folder) if record is not None else None


def member_history(party: Any) -> list[tuple[Any, PaymentRow]]:
    """(run, the member's payment) for every quarter the member was paid in."""
    payee = broadcast_party_id(party)
    out = []
    for run in current_runs():
        folder = run_folder(run)
        if folder is None:
            continue
        found = next((p for p in payments(folder) if p.payee_id == payee), None)
        if found is not None:
            out.append((run, found))
    return out
