"""Licensees' invoices as the pages and the API see them (請求と入金): whose invoices a user may
see (a licensee's users only their own licensee's), what is paid and what is due. The fees and
instalments are assessed by :mod:`bunpai.broadcast.services`; nothing here computes a fee."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from bunpai.web import access

SOCIETY = "bunpai"


def invoices_of(user: Any) -> Any:
    """The invoices a user may see: all for staff with the permission, else those of the user's
    licensees (the licensee portal's ``web.Licensee`` codes are the broadcast licensees' codes)."""
    from bunpai.broadcast.models import Invoice

    rows = Invoice.objects.select_related("licensee", "assessment").prefetch_related("payments")
    if user.has_perm("broadcast.view_invoice"):
        return rows
    if not user.has_perm("web.licensee_portal"):
        return rows.none()
    codes = [lic.code for lic in access.licensees_of(user)]
    return rows.filter(licensee__code__in=codes)


def visible_invoice(user: Any, pk: int) -> Any:
    """The invoice if the user may see it (object-level check), else 404 — the same answer as an
    invoice that does not exist, so another licensee's numbers cannot be probed."""
    found = invoices_of(user).filter(pk=pk).first()
    if found is None:
        raise Http404("no such invoice")
    return found


@dataclass(frozen=True)
class InvoiceRow:
    invoice: Any
    paid_yen: int
    balance_yen: int
    overdue: bool

    @property
    def number(self) -> str:
        return invoice_number(self.invoice)


def invoice_number(invoice: Any) -> str:
    return f"INV-{invoice.licensee.code}-{invoice.fiscal_year}-{invoice.instalment}"


def rows(invoices: Any, today: dt.date | None = None) -> list[InvoiceRow]:
    today = today or dt.date.today()
    out = []
    for invoice in invoices:
        paid = sum(int(p.amount_yen) for p in invoice.payments.all())
        balance = int(invoice.amount_yen) - paid
        out.append(InvoiceRow(invoice, paid, balance, balance > 0 and invoice.due_date < today))
    return out


def fee_basis(invoice: Any) -> str:
    a = invoice.assessment
    if a is None:
        return ""
    return (
        f"revenue ¥{a.revenue_yen:,} × rate {a.rate} × usage share {a.usage_share}"
        f" (minimum ¥{a.minimum_yen:,}) = ¥{a.fee_yen:,} · {a.ruleset}"
    )


def document(invoice: Any) -> Any:
    from bunpai.formats.invoice_pdf import InvoiceDocument

    # a blanket fee's instalments are its assessment's invoices; a per-use invoice is one month's
    count = invoice.assessment.invoices.count() if invoice.assessment_id else 0
    return InvoiceDocument(
        society=SOCIETY,
        number=invoice_number(invoice),
        licensee_code=invoice.licensee.code,
        licensee_name=invoice.licensee.name,
        fiscal_year=invoice.fiscal_year,
        instalment=invoice.instalment,
        instalments=count,
        due_date=invoice.due_date,
        description=invoice.description,
        amount_yen=int(invoice.amount_yen),
        payments=[(p.received_on, int(p.amount_yen)) for p in invoice.payments.order_by("received_on", "pk")],
        fee_basis=fee_basis(invoice),
    )
