"""Identifier checks: ISWC, IPI name and base numbers, ISRC (作品コード・権利者コードの検査).

python-stdnum validates ISRC (and ISNI, ISAN) and is used for them; it has no ISWC or IPI module,
so those check digits are computed here from their published definitions.
"""

from __future__ import annotations

from functools import lru_cache

from stdnum import isrc as _isrc


def normalise_iswc(value: str) -> str:
    """``T-123.456.789-4`` → ``T1234567894`` (no validation)."""
    return "".join(ch for ch in value.strip().upper() if ch.isalnum())


def iswc_check_digit(nine_digits: str) -> int:
    total = 1 + sum(i * int(d) for i, d in enumerate(nine_digits, start=1))
    return (10 - total % 10) % 10


def is_valid_iswc(value: str) -> bool:
    """ISO 15707: ``T`` + 9 digits + check digit, ``C = (10 − (1 + Σ i·dᵢ) mod 10) mod 10``."""
    v = normalise_iswc(value)
    if len(v) != 11 or v[0] != "T" or not v[1:].isdigit():
        return False
    return iswc_check_digit(v[1:10]) == int(v[10])


def normalise_ipi_name(value: str) -> str:
    """Strip blanks; pad old 9-digit CAE numbers to 11 digits."""
    v = value.strip()
    if v.isdigit() and len(v) < 11:
        v = v.zfill(11)
    return v


def ipi_name_check_digits(nine_digits: str) -> int:
    """The check digits of an IPI name number: ``(101 − Σ dᵢ·(11−i) mod 101) mod 100`` (00 if 0)."""
    r = sum(int(d) * (10 - i) for i, d in enumerate(nine_digits)) % 101
    return 0 if r == 0 else (101 - r) % 100


def ipi_name_number(number: int) -> str:
    """The 11-digit IPI name number of a 9-digit base ``number``, check digits appended."""
    digits = f"{number:09d}"
    return f"{digits}{ipi_name_check_digits(digits):02d}"


@lru_cache(maxsize=1 << 16)  # the same writers and publishers recur across a file
def is_valid_ipi_name(value: str) -> bool:
    """IPI name number: 11 digits, the last two its check digits (:func:`ipi_name_check_digits`)."""
    v = normalise_ipi_name(value)
    if len(v) != 11 or not v.isdigit():
        return False
    return ipi_name_check_digits(v[:9]) == int(v[9:])


def normalise_ipi_base(value: str) -> str:
    """``I0029851509`` or ``I-002985150-9`` → ``I-002985150-9``."""
    v = "".join(ch for ch in value.strip().upper() if ch.isalnum())
    if len(v) == 11 and v[0] == "I" and v[1:].isdigit():
        return f"I-{v[1:10]}-{v[10]}"
    return value.strip().upper()


def is_valid_ipi_base(value: str) -> bool:
    """IPI base number ``I-NNNNNNNNN-C``: the check as ISWC's, starting from 2."""
    v = "".join(ch for ch in value.strip().upper() if ch.isalnum())
    if len(v) != 11 or v[0] != "I" or not v[1:].isdigit():
        return False
    total = 2 + sum(i * int(d) for i, d in enumerate(v[1:10], start=1))
    return (10 - total % 10) % 10 == int(v[10])


def normalise_isrc(value: str) -> str:
    return "".join(ch for ch in value.strip().upper() if ch.isalnum())


def is_valid_isrc(value: str) -> bool:
    return bool(_isrc.is_valid(normalise_isrc(value)))
