"""Write CWR 2.1 registration files (NWR/REV) from plain data (作品届ファイルの作成).

Used to generate test and benchmark files and to round-trip what the reader reads; a publisher's
system would write the same records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from bunpai.formats.cwr.fields import alnum as _a
from bunpai.formats.cwr.fields import num as _n
from bunpai.formats.cwr.fields import prefix as _prefix
from bunpai.formats.cwr.model import Party, Transaction


def _share(value: int) -> str:
    return _n(value, 5)


def _duration(seconds: int | None) -> str:
    if not seconds:
        return "000000"
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}{m:02d}{s:02d}"


def _society(code: str) -> str:
    return code.zfill(3) if code else "   "


def work_records(txn: Transaction, index: int) -> Iterator[str]:
    """The records of one work transaction (header first), without line ends."""
    seq = 0
    yield (
        _prefix(txn.transaction_type, index, seq)
        + _a(txn.title, 60)
        + _a(txn.language, 2)
        + _a(txn.submitter_work_number, 14)
        + _a(txn.iswc, 11)
        + "00000000"
        + " " * 12
        + _a(txn.distribution_category or "POP", 3)
        + _duration(txn.duration)
        + _a(txn.recorded or "U", 1)
        + " " * 6
        + _a(txn.version_type or "ORI", 3)
        + " " * 3
        + " " * 6
        + " " * 40
        + "  "
        + "N"
        + "000"
        + "00000000"
        + "N"
        + " " * 50
        + "N"
    )
    for number, pub in enumerate(txn.publishers, start=1):
        seq += 1
        yield _publisher(pub, index, seq, pub.publisher_sequence or number)
        for terr in pub.territories:
            seq += 1
            yield (
                _prefix("SPT" if pub.controlled else "OPT", index, seq)
                + _a(pub.ip_number, 9)
                + " " * 6
                + _share(terr.shares.get("PR", 0))
                + _share(terr.shares.get("MR", 0))
                + _share(terr.shares.get("SR", 0))
                + ("I" if terr.include else "E")
                + _n(terr.tis, 4)
                + "N"
                + "001"
            )
    for writer in txn.writers:
        seq += 1
        yield _writer(writer, index, seq)
        for terr in writer.territories:
            seq += 1
            yield (
                _prefix("SWT" if writer.controlled else "OWT", index, seq)
                + _a(writer.ip_number, 9)
                + _share(terr.shares.get("PR", 0))
                + _share(terr.shares.get("MR", 0))
                + _share(terr.shares.get("SR", 0))
                + ("I" if terr.include else "E")
                + _n(terr.tis, 4)
                + "N"
                + "001"
            )
        for pub_ip in writer.for_publishers:
            names = [p.last_name for p in txn.publishers if p.ip_number == pub_ip]
            seq += 1
            yield (
                _prefix("PWR", index, seq)
                + _a(pub_ip, 9)
                + _a(names[0] if names else "", 45)
                + " " * 14
                + " " * 14
                + _a(writer.ip_number, 9)
            )
    for alt in txn.alternative_titles:
        seq += 1
        if alt.title.isascii():
            yield _prefix("ALT", index, seq) + _a(alt.title, 60) + _a(alt.title_type, 2) + _a(alt.language, 2)
        else:  # a title in another script (漢字・かな): NAT, in the file's UTF-8
            yield _prefix("NAT", index, seq) + alt.title[:640].ljust(640) + _a(alt.title_type, 2) + _a(alt.language, 2)
    for per in txn.performers:
        seq += 1
        yield (
            _prefix("PER", index, seq)
            + _a(per.last_name, 45)
            + _a(per.first_name, 30)
            + _a(per.ipi_name, 11)
            + " " * 13
        )
    for rec in txn.recordings:
        seq += 1
        release = rec.release_date.strftime("%Y%m%d") if rec.release_date else "00000000"
        yield (
            _prefix("REC", index, seq)
            + release
            + " " * 60
            + _duration(rec.duration)
            + " " * 5
            + _a(rec.album, 60)
            + _a(rec.label, 60)
            + " " * 18
            + " " * 13
            + _a(rec.isrc, 12)
            + " " * 5
        )


def _publisher(p: Party, index: int, seq: int, number: int) -> str:
    return (
        _prefix("SPU" if p.controlled else "OPU", index, seq)
        + _n(number, 2)
        + _a(p.ip_number, 9)
        + _a(p.last_name, 45)
        + ("Y" if p.unknown else " ")
        + _a(p.role, 2)
        + " " * 9
        + _a(p.ipi_name, 11)
        + " " * 14
        + _society(p.societies.get("PR", ""))
        + _share(p.shares.get("PR", 0))
        + _society(p.societies.get("MR", ""))
        + _share(p.shares.get("MR", 0))
        + _society(p.societies.get("SR", ""))
        + _share(p.shares.get("SR", 0))
        + " N "
        + _a(p.ipi_base, 13)
    )


def _writer(w: Party, index: int, seq: int) -> str:
    return (
        _prefix("SWR" if w.controlled else "OWR", index, seq)
        + _a(w.ip_number, 9)
        + _a(w.last_name, 45)
        + _a(w.first_name, 30)
        + ("Y" if w.unknown else " ")
        + _a(w.role, 2)
        + " " * 9
        + _a(w.ipi_name, 11)
        + _society(w.societies.get("PR", ""))
        + _share(w.shares.get("PR", 0))
        + _society(w.societies.get("MR", ""))
        + _share(w.shares.get("MR", 0))
        + _society(w.societies.get("SR", ""))
        + _share(w.shares.get("SR", 0))
        + " N  "
        + _a(w.ipi_base, 13)
    )


def write_registrations(
    transactions: Iterable[Transaction],
    *,
    sender_id: str = "000000199",
    sender_name: str = "BUNPAI TEST PUBLISHER",
    sender_type: str = "PB",
    transaction_type: str = "NWR",
    created: dt.datetime | None = None,
    character_set: str = "",
) -> Iterator[str]:
    """Yield the lines (with CRLF) of a CWR 2.1 file holding one group of work transactions.

    With ``character_set="UTF-8"`` the header says so, and alternative titles in another script are
    written as NAT records (encode the lines as UTF-8); otherwise the file is ASCII.
    """
    created = created or dt.datetime(2026, 1, 1, 12, 0, 0)
    day = created.strftime("%Y%m%d")
    clock = created.strftime("%H%M%S")
    charset = _a(character_set, 15) if character_set else ""
    yield f"HDR{sender_type}{_a(sender_id, 9)}{_a(sender_name, 45)}01.10{day}{clock}{day}{charset}\r\n"
    yield f"GRH{transaction_type}0000102.100000000000  \r\n"
    count = 0
    records = 1
    for index, txn in enumerate(transactions):
        for line in work_records(txn, index):
            records += 1
            yield line + "\r\n"
        count += 1
    records += 1
    yield f"GRT00001{_n(count, 8)}{_n(records, 8)}   0000000000\r\n"
    yield f"TRL00001{_n(count, 8)}{_n(records + 2, 8)}\r\n"
