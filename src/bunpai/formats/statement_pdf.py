"""A holder's statement as PDF (分配明細書), with ReportLab's built-in Japanese CID font (no font file)."""

from __future__ import annotations

import io
from typing import Any

FONT = "HeiseiKakuGo-W5"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def statement_pdf(statement: Any, *, society: str = "bunpai") -> bytes:
    """``statement`` is a :class:`bunpai.services.statements.Statement`; amounts are integer yen."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"私的録音補償金 分配明細書 {statement.period}",
        author=society,
    )
    title = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=20)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)

    def yen(value: int) -> str:
        return f"{value:,} 円"

    story: list[Any] = [
        Paragraph("私的録音補償金 分配明細書 / Private recording compensation statement", title),
        Spacer(1, 4 * mm),
        Paragraph(f"分配期 Period: {statement.period}　確定基準日 Reference date: {statement.reference_date}", body),
        Paragraph(f"権利者 Holder: {statement.name} ({statement.party_id})　支払先 Payee: {statement.payee_id}", body),
        Spacer(1, 4 * mm),
    ]
    totals = Table(
        [
            ["分配額 Gross", yen(statement.gross_yen)],
            ["管理手数料 Fee", yen(statement.fee_yen)],
            ["支払額 Net", yen(statement.net_yen)],
        ],
        colWidths=[60 * mm, 40 * mm],
        hAlign="LEFT",
    )
    totals.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 10),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEBELOW", (0, 1), (-1, 1), 0.5, colors.grey),
            ]
        )
    )
    story += [totals, Spacer(1, 6 * mm)]
    rows: list[list[str]] = [["作品コード Work", "題名 Title", "分配額 Gross"]]
    rows += [[line.work_id, line.title[:48], yen(line.gross_yen)] for line in statement.lines]
    lines = Table(rows, colWidths=[32 * mm, 100 * mm, 38 * mm], repeatRows=1, hAlign="LEFT")
    lines.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 8.5),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf2")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
            ]
        )
    )
    story.append(lines)
    doc.build(story)
    return buffer.getvalue()
