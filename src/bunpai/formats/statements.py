"""Distribution statements (分配明細) for one payee: a PDF in Japanese and English.

Uses reportlab's CID font HeiseiKakuGo-W5 (a standard Japanese font of PDF readers: no font file
is embedded or needed).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

FONT = "HeiseiKakuGo-W5"
_registered = False


@dataclass(frozen=True)
class StatementRow:
    party_id: str
    party_name: str
    work_id: str
    fund_group: str
    right: str
    points: str
    share: str
    gross_yen: int


@dataclass(frozen=True)
class StatementHeader:
    society: str
    quarter: str
    distribution_date: str
    pay_date: str
    payee_id: str
    payee_name: str
    foreign_society: bool
    gross_yen: int
    fee_yen: int
    withholding_yen: int
    payable_yen: int
    method: str
    ruleset: str


RIGHT_LABELS = {"performing": "演奏 / performing", "mechanical": "録音 / mechanical"}
METHOD_LABELS = {
    "zengin": "銀行振込 / bank transfer",
    "crd": "外国団体へ送金 (CRD) / remitted to the society",
    "none": "口座未登録のため保留 / held: no bank account",
}


def _register() -> None:
    global _registered
    if not _registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True


def _yen(value: int) -> str:
    return f"¥{value:,}"


def statement_pdf(header: StatementHeader, rows: Sequence[StatementRow]) -> bytes:
    """The statement of one payee as PDF bytes (deterministic: fixed creation date and id)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"分配明細 {header.quarter} {header.payee_id}",
        author=header.society,
        invariant=1,
    )
    title = ParagraphStyle("title", fontName=FONT, fontSize=14, leading=18)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
    small = ParagraphStyle("small", fontName=FONT, fontSize=7, leading=9)
    story = [
        Paragraph(f"放送等使用料 分配明細書 / Broadcast distribution statement — {header.quarter}", title),
        Spacer(1, 4 * mm),
        Paragraph(f"支払先 / Payee: {header.payee_name} ({header.payee_id})", body),
        Paragraph(
            f"分配日 / Distribution date: {header.distribution_date} · 支払日 / Payment date: {header.pay_date}"
            + (" (外国団体: 国内分配の1か月後 / foreign society: one month after)" if header.foreign_society else ""),
            body,
        ),
        Paragraph(f"支払方法 / Paid by: {METHOD_LABELS.get(header.method, header.method)}", body),
        Spacer(1, 4 * mm),
    ]
    totals = Table(
        [
            ["分配額 / Gross", _yen(header.gross_yen)],
            ["管理手数料 / Administration fee", "−" + _yen(header.fee_yen)],
            ["源泉所得税 / Income tax withheld", "−" + _yen(header.withholding_yen)],
            ["支払額 / Amount paid", _yen(header.payable_yen)],
        ],
        colWidths=[80 * mm, 40 * mm],
    )
    totals.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
            ]
        )
    )
    story += [totals, Spacer(1, 5 * mm)]
    data: list[list[str]] = [
        [
            "権利者 / Holder",
            "作品 / Work",
            "区分 / Group",
            "権利 / Right",
            "点数 / Points",
            "取分 / Share",
            "金額 / Yen",
        ]
    ]
    for row in rows:
        data.append(
            [
                f"{row.party_name} ({row.party_id})" if row.party_name else row.party_id,
                row.work_id,
                row.fund_group,
                RIGHT_LABELS.get(row.right, row.right),
                row.points,
                row.share,
                f"{row.gross_yen:,}",
            ]
        )
    lines = Table(data, repeatRows=1, colWidths=[42 * mm, 25 * mm, 25 * mm, 28 * mm, 22 * mm, 16 * mm, 22 * mm])
    lines.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 7.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("ALIGN", (4, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
            ]
        )
    )
    story += [lines, Spacer(1, 4 * mm)]
    story.append(
        Paragraph(
            "金額は作品・区分・権利ごとに円未満を切り捨てています(端数は同じ資金の次回分配へ繰り越し)。 "
            "Amounts are floored to the yen per work, group and right; the fractions go to the next "
            f"distribution of the same fund. Rule set / 規程: {header.ruleset}.",
            small,
        )
    )
    doc.build(story)
    return buffer.getvalue()
