"""Charts drawn on the server as SVG (no script): bars of integer yen. Floats are for drawing only."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe


def bar_chart(bars: Sequence[tuple[str, int]], *, title: str, width: int = 640, color: str = "#3b6ea5") -> SafeString:
    """Horizontal bars, one per (label, yen), each with its amount written in full."""
    row, label_w, pad = 26, 210, 8
    height = pad * 2 + row * len(bars) + 24
    top = max([v for _, v in bars] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<text x="{pad}" y="{pad + 12}" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    bar_w = width - label_w - 120
    for i, (label, value) in enumerate(bars):
        y = pad + 24 + i * row
        w = max(0.0, bar_w * value / top)
        parts.append(f'<text x="{pad}" y="{y + 14}" font-size="12">{escape(str(label))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 8}" fill="{color}"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 14}" font-size="12">¥{value:,}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def column_chart(columns: Sequence[tuple[str, int]], *, title: str, width: int = 640, height: int = 220) -> SafeString:
    """Vertical columns over time (one per period), e.g. a member's net payments."""
    pad, base = 30, height - 30
    top = max([v for _, v in columns] + [1])
    n = max(1, len(columns))
    slot = (width - 2 * pad) / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<text x="{pad}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{pad}" y1="{base}" x2="{width - pad}" y2="{base}" stroke="#888"/>',
    ]
    for i, (label, value) in enumerate(columns):
        h = (base - 40) * value / top
        x = pad + i * slot + slot * 0.2
        parts.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" fill="#3b6ea5"/>')
        parts.append(f'<text x="{x:.1f}" y="{base - h - 4:.1f}" font-size="11">¥{value:,}</text>')
        parts.append(f'<text x="{x:.1f}" y="{base + 16}" font-size="11">{escape(str(label))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
