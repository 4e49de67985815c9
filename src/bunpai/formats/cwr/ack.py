"""Write the society's acknowledgement file (ACK, 受理通知) for a CWR file that was read.

One ``ACK`` transaction answers each transaction of the input (except ACKs themselves), with the
status (``RA``/``AS``/``AC``/``CO``/``DU``/``RJ``…), the society's work number when one was given,
one ``MSG`` record per message at its level, and ``EXC`` records naming the conflicting works of a
``CO`` answer. The file is CWR 2.1 fixed-width with CRLF line ends, as societies send it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bunpai.formats.cwr.fields import alnum as _a
from bunpai.formats.cwr.fields import num as _n
from bunpai.formats.cwr.fields import prefix as _prefix
from bunpai.formats.cwr.model import Consequence, CwrFile, Level, Message, Transaction

ACCEPTED = "RA"  # transaction accepted (read, not yet registered)
REGISTERED = "AS"  # registration accepted
REGISTERED_WITH_CHANGES = "AC"
CONFLICT = "CO"
DUPLICATE = "DU"
REJECTED = "RJ"


@dataclass(frozen=True, slots=True)
class ConflictingWork:
    """An existing work that a registration conflicts with (written as an EXC record)."""

    title: str
    society_work_number: str
    iswc: str = ""


@dataclass(slots=True)
class Outcome:
    """How the society answers one transaction."""

    status: str
    society_work_number: str = ""
    conflicts: list[ConflictingWork] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)


def default_outcome(cwr: CwrFile, txn: Transaction) -> Outcome:
    """Answer without registering: RJ for rejected transactions, RA for the others."""
    rejected = txn.rejected or cwr.rejected
    return Outcome(REJECTED if rejected else ACCEPTED)


def ack_file_name(cwr: CwrFile, society_code: str, year: int, sequence: int = 1) -> str:
    """``CWyynnnnsss_rrr.V21``: year, sequence, sender (the society), receiver (the submitter)."""
    receiver = (cwr.sender_id or "XXX").strip()[-3:]
    return f"CW{year % 100:02d}{sequence:04d}{society_code[-3:]}_{receiver}.V21"


def write_ack(
    cwr: CwrFile,
    *,
    society_code: str = "038",
    society_name: str = "JASRAC",
    outcomes: Mapping[int, Outcome] | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The ACK file as text. ``outcomes`` maps a transaction's index in ``cwr.transactions()``."""
    now = now or dt.datetime.now()
    today = now.strftime("%Y%m%d")
    lines: list[str] = []
    sender_id = society_code.strip().zfill(9)
    lines.append(
        f"HDRSO{sender_id}{_a(society_name, 45)}01.10{today}{now.strftime('%H%M%S')}{today}{' ' * 15}"
    )
    lines.append("GRHACK0000102.100000000000  ")
    group_records = 1
    file_messages = [m for m in cwr.messages if m.consequence in (Consequence.FILE, Consequence.GROUP)]
    created = cwr.creation_date.strftime("%Y%m%d") if cwr.creation_date else "00000000"
    count = 0
    for index, txn in enumerate(cwr.transactions()):
        if txn.transaction_type == "ACK":
            continue
        outcome = (outcomes or {}).get(index) or default_outcome(cwr, txn)
        group = next((g for g in cwr.groups if g.index == txn.group), None)
        group_id = group.group_id if group and group.group_id is not None else txn.group
        record_seq = 0
        lines.append(
            _prefix("ACK", count, record_seq)
            + created
            + "000000"
            + _n(group_id, 5)
            + _n(txn.sequence, 8)
            + _a(txn.transaction_type, 3)
            + _a(txn.title, 60)
            + _a(txn.submitter_work_number, 20)
            + _a(outcome.society_work_number, 20)
            + today
            + _a(outcome.status, 2)
        )
        messages: list[Message] = []
        if cwr.rejected or (group is not None and group.rejected):
            messages.extend(m for m in file_messages if m.group in (None, txn.group))
        messages.extend(sorted(txn.messages, key=lambda m: m.line or 0))
        messages.extend(outcome.messages)
        for message in messages:
            record_seq += 1
            lines.append(_msg(count, record_seq, message))
        for conflict in outcome.conflicts:
            record_seq += 1
            lines.append(
                _prefix("EXC", count, record_seq)
                + _a(conflict.title, 60)
                + "  "
                + _a(conflict.society_work_number, 14)
                + _a(conflict.iswc, 11)
            )
        group_records += record_seq + 1
        count += 1
    group_records += 1
    lines.append(f"GRT00001{_n(count, 8)}{_n(group_records, 8)}   0000000000")
    lines.append(f"TRL00001{_n(count, 8)}{_n(group_records + 2, 8)}")
    return "\r\n".join(lines) + "\r\n"


def _msg(transaction: int, record: int, message: Message) -> str:
    level = message.level.value
    return (
        _prefix("MSG", transaction, record)
        + message.consequence.value
        + _n(message.record_sequence, 8)
        + _a(message.record_type, 3)
        + level
        + _a(message.validation_number, 3)
        + _a(message.text, 150)
    )


def status_counts(outcomes: Sequence[Outcome]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    return counts


__all__ = [
    "ACCEPTED",
    "CONFLICT",
    "DUPLICATE",
    "REGISTERED",
    "REGISTERED_WITH_CHANGES",
    "REJECTED",
    "ConflictingWork",
    "Level",
    "Outcome",
    "ack_file_name",
    "default_outcome",
    "status_counts",
    "write_ack",
]
