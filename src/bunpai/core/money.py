"""Exact money: integer yen, exact rationals in between, floor-and-carry.

円未満の端数は切り捨て、その端数は次期へ繰り入れる (私的録音補償金分配規程 第19条).
"""

from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction

Yen = int
"""An amount of money that moves: always a whole number of yen."""

_FRACTION = re.compile(r"^(\d+)/(\d+)$")
_DECIMAL = re.compile(r"^(\d+)(?:\.(\d+))?$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")


class MoneyError(ValueError):
    """A value that cannot be used as money or as an exact ratio."""


def normalise_text(text: str) -> str:
    """NFKC (full-width digits and signs to ASCII) and surrounding whitespace removed."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_ratio(text: str) -> Fraction:
    """Parse a non-negative exact ratio written ``n/d``, as a decimal ``0.14`` or ``14%``.

    Full-width forms (``４／１２``) are accepted. Floats are never involved.
    """
    value = normalise_text(text).replace(",", "")
    if value.startswith("-"):
        raise MoneyError(f"negative value {text}")
    match = _FRACTION.match(value)
    if match:
        numerator, denominator = int(match.group(1)), int(match.group(2))
        if denominator == 0:
            raise MoneyError(f"zero denominator in {text}")
        return Fraction(numerator, denominator)
    match = _DECIMAL.match(value)
    if match:
        return Fraction(value)
    match = _PERCENT.match(value)
    if match:
        return Fraction(match.group(1)) / 100
    raise MoneyError(f"not a fraction n/d or a decimal: '{text}'")


def parse_yen(text: str | int) -> Yen:
    """Parse a whole number of yen (may be negative, e.g. a carried deficit)."""
    if isinstance(text, bool):
        raise MoneyError(f"not a whole number of yen: {text!r}")
    if isinstance(text, int):
        return text
    value = normalise_text(str(text)).replace(",", "").replace("_", "")
    if not re.fullmatch(r"-?\d+", value):
        raise MoneyError(f"not a whole number of yen: {text!r}")
    return int(value)


def floor_yen(amount: Fraction | int) -> Yen:
    """The whole yen of an exact amount, rounded down (toward minus infinity)."""
    return math.floor(amount)


def format_ratio(value: Fraction) -> str:
    """An exact ratio as ``n/d`` (always with a denominator, reduced)."""
    return f"{value.numerator}/{value.denominator}"


def format_yen_exact(value: Fraction) -> str:
    """An exact amount for people: whole yen and, if any, the exact sub-yen part as ``n/d``."""
    whole = math.floor(value)
    rest = value - whole
    return f"{whole}" if rest == 0 else f"{whole} {rest.numerator}/{rest.denominator}"


def split_floor(total: Fraction | int, ratio: Fraction) -> tuple[Yen, Fraction]:
    """``floor(total × ratio)`` and the exact remainder ``total − floor(total × ratio)``."""
    part = floor_yen(Fraction(total) * ratio)
    return part, Fraction(total) - part
