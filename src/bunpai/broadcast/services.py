"""Use cases of the broadcast records: assess a licence, invoice it in instalments, record payments,
see what is unpaid; record a quarter's run, approve it, mark it paid, correct it with a new run."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from bunpai.broadcast.models import (
    DistributionRun,
    FeeAssessment,
    ImmutableError,
    Invoice,
    Licence,
    Licensee,
    Payment,
)
from bunpai.core.broadcast.licence import fee_for, instalments, per_use_fee
from bunpai.core.broadcast.model import add_months
from bunpai.core.broadcast.rules import BroadcastRuleSet
from bunpai.core.money import format_ratio
from bunpai.formats.broadcast_output import input_digests
from bunpai.store import current_alias


def assess_blanket_fee(
    licence: Licence, *, revenue_yen: int, usage_share: Fraction, rules: BroadcastRuleSet
) -> FeeAssessment:
    """The yearly blanket fee of a licence and its invoices in the rule set's instalments."""
    if licence.fee_type != "blanket":
        raise ValueError("a per-work fee is invoiced from the tariff per use, not assessed yearly")
    fee, rate, minimum = fee_for(licence.station_kind, revenue_yen, usage_share, rules)
    with transaction.atomic(using=current_alias()):
        assessment = FeeAssessment.objects.create(
            licence=licence,
            revenue_yen=revenue_yen,
            rate=format_ratio(rate),
            usage_share=format_ratio(usage_share),
            minimum_yen=minimum,
            fee_yen=fee,
            ruleset=rules.label,
        )
        for number, due, amount in instalments(fee, licence.fiscal_year, rules.licence_instalments):
            Invoice.objects.create(
                licensee=licence.licensee,
                assessment=assessment,
                fiscal_year=licence.fiscal_year,
                instalment=number,
                due_date=due,
                amount_yen=amount,
                description=f"blanket fee FY{licence.fiscal_year} {number}/{rules.licence_instalments}",
            )
    return assessment


def invoice_per_use(licence: Licence, month: str, rules: BroadcastRuleSet) -> Invoice:
    """The month's per-use fees of a licence (個別使用料): each use of this society's works in the
    licensee's current reports of ``month`` (YYYY-MM) at the rule set's tariff for its station kind.

    One invoice per licence and month (instalment = the month's place in the fiscal year, April = 1),
    due at the end of the following month; asking again for the same month is refused.
    """
    from bunpai.intake import models as im

    if licence.fee_type != "per_work":
        raise ValueError("a blanket fee is assessed yearly (assess_blanket_fee), not per use")
    year, number = int(month[:4]), int(month[5:7])
    fiscal_year = year if number >= 4 else year - 1
    if fiscal_year != licence.fiscal_year:
        raise ValueError(f"{month} is not in the licence's fiscal year {licence.fiscal_year}")
    instalment = (number - 4) % 12 + 1
    invoiced = Invoice.objects.filter(
        licensee=licence.licensee, fiscal_year=fiscal_year, instalment=instalment, assessment__isnull=True
    )
    if invoiced.exists():
        raise ValueError(f"{licence.licensee.code} {month}: per-use fees already invoiced")
    durations = list(
        im.ReportLine.objects.filter(
            report__licensee=licence.licensee.code,
            report__month=month,
            report__status=im.ReportFile.CURRENT,
            kind=im.ReportLine.WORK,
            outcome=im.THIS_SOCIETY,
        ).values_list("duration", flat=True)
    )
    amount = per_use_fee(licence.station_kind, durations, rules)
    due = add_months(dt.date(year, number, 1), 2) - dt.timedelta(days=1)  # end of the following month
    return Invoice.objects.create(
        licensee=licence.licensee,
        fiscal_year=fiscal_year,
        instalment=instalment,
        due_date=due,
        amount_yen=amount,
        description=f"per-use fees {month}: {len(durations)} use(s) ({rules.label})",
    )


def record_payment(invoice: Invoice, amount_yen: int, received_on: dt.date) -> Payment:
    if amount_yen <= 0:
        raise ValueError("a payment is a positive amount")
    return Payment.objects.create(invoice=invoice, amount_yen=amount_yen, received_on=received_on)


def unpaid(licensee: Licensee, on: dt.date | None = None) -> dict[str, int]:
    """Invoiced, paid and unpaid yen of a licensee (``on``: only invoices due by that date)."""
    invoices = Invoice.objects.filter(licensee=licensee)
    if on is not None:
        invoices = invoices.filter(due_date__lte=on)
    invoiced = invoices.aggregate(total=Sum("amount_yen"))["total"] or 0
    paid = Payment.objects.filter(invoice__in=invoices).aggregate(total=Sum("amount_yen"))["total"] or 0
    return {"invoiced_yen": int(invoiced), "paid_yen": int(paid), "unpaid_yen": int(invoiced) - int(paid)}


def record_run(
    result_dir: Path,
    *,
    corrects: DistributionRun | None = None,
    releases: DistributionRun | None = None,
    input_dir: Path | None = None,
) -> DistributionRun:
    """A draft run from a result folder of ``bunpai broadcast run`` or ``release`` (its summary and
    input digests); ``input_dir`` is kept with them, for a later release of what the run held."""
    summary = json.loads((result_dir / "summary.json").read_text(encoding="utf-8"))
    inputs = json.loads((result_dir / "inputs.json").read_text(encoding="utf-8"))
    if input_dir is not None:
        inputs["input_path"] = str(input_dir.absolute())
    if summary.get("balanced") is not True:
        raise ValueError("the result does not say it balances")
    if corrects is not None and corrects.status == "draft":
        raise ValueError("a draft is re-run, not corrected")
    return DistributionRun.objects.create(
        quarter=summary["quarter"],
        ruleset=summary.get("ruleset", ""),
        inputs=inputs,
        summary=summary,
        result_path=str(result_dir),
        corrects=corrects,
        releases=releases,
    )


def rerun_draft(run: DistributionRun, result_dir: Path) -> DistributionRun:
    """Replace a draft's result by a new run of the same inputs; the bytes must be identical."""
    if run.status != "draft":
        raise ImmutableError(f"run {run.pk} is {run.status}: make a correction instead")
    old = Path(run.result_path)
    if input_digests(old) != input_digests(result_dir):
        raise ValueError("re-running a draft gave different bytes")
    return run


def approve(run: DistributionRun) -> DistributionRun:
    if run.status != "draft":
        raise ImmutableError(f"run {run.pk} is already {run.status}")
    DistributionRun.objects.filter(pk=run.pk).update(status="approved", approved_at=timezone.now())
    run.refresh_from_db()
    return run


def mark_paid(run: DistributionRun) -> DistributionRun:
    if run.status != "approved":
        raise ImmutableError(f"run {run.pk} is {run.status}: only an approved run is paid")
    run.status = "paid"
    run.paid_at = timezone.now()
    run.save()
    return run
