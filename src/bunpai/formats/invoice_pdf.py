"""A licensee's invoice as PDF and CSV (請求書), Japanese and English, with ReportLab's built-in
Japanese CID font (no font file). Amounts are integer yen; the same invoice gives the same bytes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from bunpai.formats.statement_pdf import FONT, _register_font


@dataclass(frozen=True)
class InvoiceDocument:
    society: str
    number: str  # e.g. INV-JOQR-DEMO-2026-1
    licensee_code: str
    licensee_name: str
    fiscal_year: int
    instalment: int
    instalments: int  # of a blanket fee's assessment; 0 for a per-use invoice (one month's uses)
    due_date: dt.date
    description: str
    amount_yen: int
    payments: Sequence[tuple[dt.date, int]]  # (received on, yen)
    fee_basis: str = ""  # how the fee was assessed, one line

    @property
    def paid_yen(self) -> int:
        return sum(amount for _, amount in self.payments)

    @property
    def balance_yen(self) -> int:
        return self.amount_yen - self.paid_yen


def _yen(value: int) -> str:
    return f"¥{value:,}"


def invoice_pdf(doc: InvoiceDocument) -> bytes:
    """The invoice as PDF bytes (deterministic: fixed creation date and document id)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"請求書 {doc.number}",
        author=doc.society,
        invariant=1,
    )
    title = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=20)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)
    story: list[Any] = [
        Paragraph("請求書 / Invoice", title),
        Spacer(1, 3 * mm),
        Paragraph(f"請求番号 Invoice number: {escape(doc.number)}", body),
        Paragraph(f"請求先 Licensee: {escape(doc.licensee_name)} ({escape(doc.licensee_code)})", body),
        Paragraph(
            f"{doc.fiscal_year}年度 包括使用料 第{doc.instalment}回 / {doc.instalments} · "
            f"Blanket fee FY{doc.fiscal_year}, instalment {doc.instalment} of {doc.instalments}"
            if doc.instalments
            else f"{doc.fiscal_year}年度 個別使用料 第{doc.instalment}回 · "
            f"Per-use fees FY{doc.fiscal_year}, invoice {doc.instalment}",
            body,
        ),
        Paragraph(f"支払期限 Due date: {doc.due_date.isoformat()}", body),
    ]
    if doc.fee_basis:
        story.append(Paragraph(f"算定 Assessment: {escape(doc.fee_basis)}", body))
    story.append(Spacer(1, 5 * mm))
    rows: list[list[str]] = [
        ["内容 Item", "金額 Amount"],
        [doc.description or f"FY{doc.fiscal_year} {doc.instalment}", _yen(doc.amount_yen)],
    ]
    rows += [[f"入金 Payment received {on.isoformat()}", "−" + _yen(amount)] for on, amount in doc.payments]
    rows.append(["未払残高 Balance due", _yen(doc.balance_yen)])
    table = Table(rows, colWidths=[120 * mm, 45 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 10),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf2")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm), Paragraph(f"{escape(doc.society)}", body)]
    pdf.build(story)
    return buffer.getvalue()


def invoice_csv(doc: InvoiceDocument) -> str:
    """The invoice as CSV: one row of the invoice, one per payment received, then the balance."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["invoice", "licensee", "fiscal_year", "instalment", "due_date", "description", "amount_yen"])
    w.writerow(
        [
            doc.number,
            doc.licensee_code,
            doc.fiscal_year,
            doc.instalment,
            doc.due_date.isoformat(),
            doc.description,
            doc.amount_yen,
        ]
    )
    w.writerow([])
    w.writerow(["received_on", "paid_yen"])
    for on, amount in doc.payments:
        w.writerow([on.isoformat(), amount])
    w.writerow([])
    w.writerow(["amount_yen", "paid_yen", "balance_yen"])
    w.writerow([doc.amount_yen, doc.paid_yen, doc.balance_yen])
    return out.getvalue()
