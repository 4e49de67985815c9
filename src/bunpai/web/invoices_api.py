"""The invoice endpoints of the API (``/api/invoices``): a licensee's system reads its own
invoices, with what was paid and what is due, and downloads one as PDF or CSV. Same checks as the
pages (:mod:`bunpai.web.billing`): another licensee's invoice answers 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Path, Router, Schema
from ninja.errors import HttpError

from bunpai.web import billing

router = Router(tags=["invoices"])


class PaymentOut(Schema):
    received_on: dt.date
    amount_yen: int


class InvoiceOut(Schema):
    id: int
    number: str
    licensee: str
    fiscal_year: int
    instalment: int
    due_date: dt.date
    description: str
    amount_yen: int
    paid_yen: int
    balance_yen: int
    overdue: bool


class InvoiceDetailOut(InvoiceOut):
    payments: list[PaymentOut]
    fee_basis: str


def _user(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not (user.has_perm("web.licensee_portal") or user.has_perm("broadcast.view_invoice")):
        raise HttpError(403, "not allowed for this role")
    return user


def _out(row: billing.InvoiceRow) -> dict[str, Any]:
    i = row.invoice
    return {
        "id": i.pk,
        "number": row.number,
        "licensee": i.licensee.code,
        "fiscal_year": i.fiscal_year,
        "instalment": i.instalment,
        "due_date": i.due_date,
        "description": i.description,
        "amount_yen": int(i.amount_yen),
        "paid_yen": row.paid_yen,
        "balance_yen": row.balance_yen,
        "overdue": row.overdue,
    }


def _visible(request: HttpRequest, invoice_id: int) -> Any:
    try:
        return billing.visible_invoice(_user(request), invoice_id)
    except Http404:
        raise HttpError(404, "no such invoice") from None


@router.get("", response=list[InvoiceOut], summary="My invoices (a licensee's own; all for staff)")
def invoices(request: HttpRequest) -> Any:
    rows = billing.invoices_of(_user(request)).order_by("licensee__code", "fiscal_year", "instalment")[:1000]
    return [InvoiceOut(**_out(r)) for r in billing.rows(rows)]


@router.get("/{invoice_id}", response=InvoiceDetailOut, summary="One invoice with the payments received")
def invoice(request: HttpRequest, invoice_id: int) -> Any:
    found = _visible(request, invoice_id)
    row = billing.rows([found])[0]
    payments = [PaymentOut(received_on=p.received_on, amount_yen=int(p.amount_yen)) for p in found.payments.all()]
    return InvoiceDetailOut(**_out(row), payments=payments, fee_basis=billing.fee_basis(found))


@router.get(
    "/{invoice_id}/{fmt}",
    summary="One invoice as a document: fmt is pdf or csv",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "the invoice",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
                            "text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)  # fmt: skip
def invoice_file(request: HttpRequest, invoice_id: int, fmt: str = Path(..., pattern="^(pdf|csv)$")) -> Any:
    from bunpai.formats.invoice_pdf import invoice_csv, invoice_pdf

    doc = billing.document(_visible(request, invoice_id))
    if fmt == "pdf":
        response = HttpResponse(invoice_pdf(doc), content_type="application/pdf")
    else:
        response = HttpResponse(invoice_csv(doc), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{doc.number}.{fmt}"'
    return response
