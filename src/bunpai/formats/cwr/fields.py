"""Formatting of fixed-width CWR fields for writing (A: left-justified, N: zero-filled)."""

from __future__ import annotations


def alnum(value: str, width: int) -> str:
    """Alphanumeric field: upper case ASCII, left-justified, blank-filled, cut to width."""
    text = value.upper().encode("ascii", "replace").decode("ascii").replace("\r", " ").replace("\n", " ")
    return text[:width].ljust(width)


def num(value: int | None, width: int) -> str:
    """Numeric field: right-justified, zero-filled."""
    return str(value or 0).zfill(width)[-width:]


def prefix(record_type: str, transaction: int, record: int) -> str:
    """Record prefix: type, transaction sequence, record sequence."""
    return f"{record_type}{num(transaction, 8)}{num(record, 8)}"
