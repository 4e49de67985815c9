"""CISAC CRD (Common Royalty Distribution) files: a distribution sent to a foreign society.

Same conventions as CWR (docs/standards: HDR/GRH/GRT/TRL, fixed width, ASCII upper case, CRLF,
every detail record starting with record type 1/3, transaction sequence 4/8, record sequence
12/8). Records written: ``SDN`` (the distribution), per work ``MWN`` (the work), ``MIP`` (each
interested party paid through the receiving society, with its share) and ``WER`` (the
exploitation by right and source, with the amounts).

The record names and their order are those of CRD v2.0 Rev 4 (CRD09-1005R4); the field positions
below are bunpai's, documented in docs/broadcast-files.md, because no public copy of the
specification's layout was at hand: check them against CRD09-1005R4 before exchanging files.
Amounts are in yen with 2 implied decimals (``000000000123400`` = ¥1,234), shares with 2 implied
decimals (``05000`` = 50.00 %).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

RIGHT_CODES = {"performing": "PER", "mechanical": "MEC"}
ROLE_CODES = {"composer": "C", "lyricist": "A", "arranger": "AR", "translator": "TR", "publisher": "E"}


@dataclass(frozen=True)
class CrdParty:
    party_id: str
    name: str
    role: str
    share: Fraction


@dataclass(frozen=True)
class CrdExploitation:
    right: str
    source: str
    points: Fraction
    gross_yen: int


@dataclass(frozen=True)
class CrdWork:
    work_id: str
    title: str
    parties: tuple[CrdParty, ...]
    exploitations: tuple[CrdExploitation, ...]


def _a(value: object, width: int) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).upper()
    text = text.encode("ascii", errors="replace").decode("ascii")
    return text[:width].ljust(width)


def _n(value: int, width: int) -> str:
    if value < 0:
        raise ValueError("CRD numbers are not negative")
    text = str(value)
    if len(text) > width:
        raise ValueError(f"{value} does not fit {width} digits")
    return text.rjust(width, "0")


def _amount(yen: int, width: int = 15) -> str:
    return _n(yen * 100, width)


def _share(share: Fraction) -> str:
    return _n(int(share * 10000), 5)


def crd_file(
    *,
    sender_code: str,
    sender_name: str,
    receiver_code: str,
    distribution_id: str,
    quarter: str,
    payment_date: dt.date,
    created: dt.date,
    gross_yen: int,
    fee_yen: int,
    works: list[CrdWork],
    version: str = "02.00",
    currency: str = "JPY",
) -> bytes:
    """One CRD file for ``receiver_code``; ``created`` is the file date (the foreign payment date)."""
    records: list[str] = []
    stamp = created.strftime("%Y%m%d")
    records.append(
        "HDR" + "SO" + _n(int(sender_code), 9) + _a(sender_name, 45) + _a(version, 5) + stamp + "000000" + stamp
    )
    records.append("GRH" + "SDN" + _n(1, 5) + _a(version, 5) + _n(0, 10))
    transaction = 0
    record_count = 0

    def detail(kind: str, sequence: int, body: str) -> None:
        nonlocal record_count
        records.append(kind + _n(transaction, 8) + _n(sequence, 8) + body)
        record_count += 1

    detail(
        "SDN",
        0,
        _n(int(sender_code), 3)
        + _n(int(receiver_code), 3)
        + _a(distribution_id, 20)
        + _a(quarter, 6)
        + payment_date.strftime("%Y%m%d")
        + _a(currency, 3)
        + _amount(gross_yen, 18)
        + _amount(fee_yen, 18)
        + _amount(gross_yen - fee_yen, 18)
        + _n(len(works), 8),
    )
    for work in works:
        transaction += 1
        sequence = 0
        detail("MWN", sequence, _a(work.work_id, 14) + _a(work.title, 60) + _a("", 11))
        for party in work.parties:
            sequence += 1
            detail(
                "MIP",
                sequence,
                _a(party.party_id, 13)
                + _a(party.name, 45)
                + _a(ROLE_CODES.get(party.role, party.role), 2)
                + _share(party.share),
            )
        for use in work.exploitations:
            sequence += 1
            points = use.points
            detail(
                "WER",
                sequence,
                _a(RIGHT_CODES[use.right], 3)
                + _a(use.source, 20)
                + "0392"
                + _a(f"{points.numerator}/{points.denominator}", 30)
                + _amount(use.gross_yen),
            )
    records.append("GRT" + _n(1, 5) + _n(transaction, 8) + _n(record_count + 2, 8))
    records.append("TRL" + _n(1, 5) + _n(transaction, 8) + _n(len(records) + 1, 8))
    return ("\r\n".join(records) + "\r\n").encode("ascii")
