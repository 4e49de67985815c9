"""Read a CWR file into plain data, reporting every problem at its level (CWR ファイルの読込み).

The reader never raises on a malformed file: it records a :class:`Message` at file, group,
transaction, record or field level and carries on wherever the level allows. Only input that is
not CWR at all (missing, empty, binary, no ``HDR`` record) raises :class:`CwrUnreadable`.

Structure checked here: header, group headers and trailers, transaction and record sequence
numbers, record types allowed in each transaction, trailer counts. The content of each transaction
(identifiers, codes, shares) is checked by :mod:`bunpai.formats.cwr.validate`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from bunpai.formats.cwr import layouts as L
from bunpai.formats.cwr.model import (
    Consequence,
    CwrFile,
    CwrUnreadable,
    Group,
    Level,
    Message,
    Record,
    Transaction,
)

SENDER_TYPES = {"PB", "SO", "AA", "WR"}
MIN_HEADER_2 = 86  # up to and including the transmission date
MIN_HEADER_3 = 87


def read_path(path: str | Path) -> CwrFile:
    """Read and validate the CWR file at ``path``."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise CwrUnreadable(f"{p}: no such file") from None
    except IsADirectoryError:
        raise CwrUnreadable(f"{p}: is a directory, not a CWR file") from None
    except OSError as exc:
        raise CwrUnreadable(f"{p}: cannot be read ({exc.strerror or exc})") from None
    return read_bytes(data, file_name=p.name)


def decode(data: bytes) -> str:
    """CWR 2.x is ASCII; 3.x allows UTF-8. Anything else readable is taken as Latin-1."""
    if not data.strip():
        raise CwrUnreadable("the file is empty")
    if b"\x00" in data[:4096]:
        raise CwrUnreadable("the file is binary (contains NUL bytes), not a CWR text file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_bytes(data: bytes, file_name: str = "") -> CwrFile:
    text = decode(data)
    lines = text.splitlines()
    return read_lines(lines, file_name=file_name)


def _digits(value: str) -> int | None:
    v = value.strip()
    return int(v) if v.isdigit() else None


def parse_date(value: str) -> dt.date | None:
    v = value.strip()
    if len(v) != 8 or not v.isdigit() or v == "00000000":
        return None
    try:
        return dt.date(int(v[:4]), int(v[4:6]), int(v[6:]))
    except ValueError:
        return None


@cache
def _offsets(layout: L.Layout) -> tuple[tuple[str, int, int], ...]:
    return tuple((name, start - 1, start - 1 + length) for name, start, length in layout)


def slice_fields(text: str, layout: L.Layout) -> dict[str, str]:
    """Every field of ``layout`` cut from ``text`` (blank when the line is shorter)."""
    return {name: text[a:b] for name, a, b in _offsets(layout)}


class _Reader:
    def __init__(self, lines: list[str], file_name: str) -> None:
        self.lines = lines
        self.file_name = file_name
        self.file: CwrFile
        self.group: Group | None = None
        self.txn: Transaction | None = None
        self.last_record_sequence = -1
        self.group_records = 0
        self.total_records = 0
        self.trailer_seen = False
        self.major = 2

    # -------------------------------------------------------------- messages
    def file_msg(self, text: str, line: int | None, record_type: str = "", rejects: bool = True) -> None:
        consequence = Consequence.FILE if rejects else Consequence.FIELD
        self.file.messages.append(Message(Level.FILE, consequence, text, line=line, record_type=record_type))
        if rejects:
            self.file.rejected = True

    def group_msg(self, text: str, line: int | None, record_type: str = "", rejects: bool = True) -> None:
        g = self.group
        consequence = Consequence.GROUP if rejects else Consequence.FIELD
        self.file.messages.append(
            Message(
                Level.GROUP,
                consequence,
                text,
                line=line,
                record_type=record_type,
                group=g.index if g else None,
            )
        )
        if rejects and g is not None:
            g.rejected = True

    def txn_msg(self, txn: Transaction, text: str, record: Record | None, seq: int | None = None) -> None:
        txn.messages.append(
            Message(
                Level.TRANSACTION if record is None or record.line == txn.line else Level.RECORD,
                Consequence.TRANSACTION,
                text,
                line=record.line if record else txn.line,
                record_type=record.record_type if record else txn.transaction_type,
                record_sequence=seq,
                group=txn.group,
            )
        )
        txn.rejected = True

    def sequence_msg(self, txn: Transaction, text: str, record: Record, seq: int | None) -> None:
        """A numeric sequence number out of order: reported; the transaction is read in file order.

        The specification rejects the file for this; real files (excerpts of larger ones, hand
        edits) often carry such numbers with otherwise sound data, so the number is disregarded.
        """
        txn.messages.append(
            Message(
                Level.TRANSACTION if record.line == txn.line else Level.RECORD,
                Consequence.FIELD,
                f"{text}; the record is taken in file order",
                line=record.line,
                record_type=record.record_type,
                record_sequence=seq,
                group=txn.group,
            )
        )

    # -------------------------------------------------------------- header
    def read_header(self) -> None:
        first = 0
        while first < len(self.lines) and not self.lines[first].strip():
            first += 1
        if first == len(self.lines):
            raise CwrUnreadable("the file is empty")
        head = self.lines[first]
        if not head.startswith("HDR"):
            shown = head[:20].encode("ascii", "backslashreplace").decode()
            raise CwrUnreadable(
                f"line {first + 1} is {shown!r}: a CWR file starts with a transmission header (HDR)"
            )
        line_no = first + 1
        if head[102:105] in ("3.0", "3.1"):
            f = slice_fields(head, L.HDR_3)
            # Sender ID and name share positions 6-59; real 3.x files write short sender codes.
            ident, _, name = head[5:59].strip().partition(" ")
            f["sender_id"], f["sender_name"] = ident, name
            version = head[102:105]
            self.major = 3
            minimum = MIN_HEADER_3
        else:
            f = slice_fields(head, L.HDR_2)
            cwr_version = f["cwr_version"].strip()
            version = "2.2" if cwr_version.startswith("2.2") else "2.1"
            if f["edi_version"] != "01.10":
                version = "unknown"
            minimum = MIN_HEADER_2
        self.file = CwrFile(
            version=version,
            sender_type=f["sender_type"].strip(),
            sender_id=f["sender_id"].strip(),
            sender_name=f["sender_name"].strip(),
            creation_date=parse_date(f["creation_date"]),
            file_name=f.get("file_name", "").strip() or self.file_name,
        )
        if len(head.rstrip("\r\n")) < minimum:
            self.file_msg(
                f"header record (HDR) is {len(head)} characters long; at least {minimum} are needed "
                "for sender, EDI version and dates: the header is truncated",
                line_no,
                "HDR",
            )
        st = f["sender_type"]
        if st not in SENDER_TYPES and not st.isdigit():
            self.file_msg(
                f"HDR sender type {st!r} is not PB, SO, AA, WR or the first digits of an IPI number",
                line_no,
                "HDR",
            )
        if self.major == 2 and f["edi_version"] != "01.10":
            self.file_msg(
                f"HDR EDI standard version at position 60 is {f['edi_version']!r}, expected '01.10'",
                line_no,
                "HDR",
            )
        if self.file.creation_date is None:
            self.file_msg(
                f"HDR creation date {f['creation_date']!r} is not a valid date (YYYYMMDD)", line_no, "HDR"
            )
        self.total_records = 1
        self.start = first + 1

    # -------------------------------------------------------------- body
    def run(self) -> CwrFile:
        self.read_header()
        n = len(self.lines)
        i = self.start
        while i < n:
            text = self.lines[i]
            line_no = i + 1
            i += 1
            if not text.strip():
                if i < n and any(s.strip() for s in self.lines[i:]):
                    self.file_msg(f"line {line_no} is empty; ignored", line_no, rejects=False)
                continue
            if self.trailer_seen:
                self.file_msg(
                    f"line {line_no} ({text[:3]!r}) comes after the file trailer (TRL); ignored",
                    line_no,
                    text[:3],
                    rejects=False,
                )
                continue
            self.total_records += 1
            rtype = text[:3]
            if rtype == "GRH":
                self.open_group(text, line_no)
            elif rtype == "GRT":
                self.close_group(text, line_no)
            elif rtype == "TRL":
                self.trailer(text, line_no)
            elif rtype == "HDR":
                self.file_msg(f"a second transmission header (HDR) at line {line_no}", line_no, "HDR")
            else:
                self.detail_or_transaction(text, line_no, rtype)
        self.finish()
        self.file.line_count = n
        return self.file

    def open_group(self, text: str, line_no: int) -> None:
        if self.group is not None:
            self.group_msg(
                f"group {self.group.index} ({self.group.transaction_type}) has no group trailer (GRT) "
                f"before the next group header at line {line_no}",
                line_no,
                "GRH",
            )
        f = slice_fields(text, L.GRH)
        index = len(self.file.groups) + 1
        group = Group(
            index=index,
            transaction_type=f["transaction_type"].strip(),
            group_id=_digits(f["group_id"]),
            version=f["version"].strip(),
            line=line_no,
        )
        self.file.groups.append(group)
        self.group = group
        self.txn = None
        self.group_records = 1
        if group.transaction_type not in L.TRANSACTIONS:
            self.group_msg(
                f"GRH transaction type {group.transaction_type!r} is not a CWR transaction type",
                line_no,
                "GRH",
            )
        if group.group_id != index:
            self.group_msg(
                f"GRH group ID {f['group_id']!r}: groups are numbered from 1 in order, expected {index:05d}",
                line_no,
                "GRH",
                rejects=False,
            )
        expected_version = "03.00" if self.major == 3 else "02.10"
        if group.version not in ("02.10", "02.20", "03.00", "03.10"):
            self.group_msg(
                f"GRH version number {group.version!r} is not valid; expected {expected_version!r}",
                line_no,
                "GRH",
                rejects=False,
            )

    def close_group(self, text: str, line_no: int) -> None:
        self.group_records += 1
        g = self.group
        if g is None:
            self.file_msg(f"group trailer (GRT) at line {line_no} without a group header", line_no, "GRT")
            return
        f = slice_fields(text, L.GRT)
        if _digits(f["group_id"]) != g.group_id:
            self.group_msg(
                f"GRT group ID {f['group_id']!r} does not match its group header ({g.group_id})",
                line_no,
                "GRT",
                rejects=False,
            )
        count = _digits(f["transaction_count"])
        if count != len(g.transactions):
            self.group_msg(
                f"GRT transaction count {f['transaction_count']!r} but the group has "
                f"{len(g.transactions)} transactions",
                line_no,
                "GRT",
                rejects=False,
            )
        records = _digits(f["record_count"])
        if records != self.group_records:
            self.group_msg(
                f"GRT record count {f['record_count']!r} but the group has {self.group_records} records "
                "(GRH and GRT included)",
                line_no,
                "GRT",
                rejects=False,
            )
        self.group = None
        self.txn = None

    def trailer(self, text: str, line_no: int) -> None:
        self.trailer_seen = True
        if self.group is not None:
            self.group_msg(
                f"group {self.group.index} has no group trailer (GRT) before the file trailer",
                line_no,
                "TRL",
            )
            self.group = None
        f = slice_fields(text, L.TRL)
        groups = len(self.file.groups)
        txns = sum(len(g.transactions) for g in self.file.groups)
        for name, actual, what in (
            ("group_count", groups, "groups"),
            ("transaction_count", txns, "transactions"),
            ("record_count", self.total_records, "records (HDR and TRL included)"),
        ):
            if _digits(f[name]) != actual:
                self.file_msg(
                    f"TRL {name.replace('_', ' ')} {f[name]!r} but the file has {actual} {what}",
                    line_no,
                    "TRL",
                    rejects=False,
                )

    def detail_or_transaction(self, text: str, line_no: int, rtype: str) -> None:
        self.group_records += 1
        g = self.group
        if g is None:
            g = Group(
                index=len(self.file.groups) + 1, transaction_type="", group_id=None, version="", line=line_no
            )
            self.file.groups.append(g)
            self.group = g
            self.group_msg(
                f"{rtype!r} record at line {line_no} is outside any group (no GRH)", line_no, rtype
            )
        txn_seq = _digits(text[3:11])
        rec_seq = _digits(text[11:19])
        starts_transaction = rtype in L.TRANSACTIONS and not (
            g.transaction_type == "ACK" and rtype != "ACK" and self.txn is not None
        )
        if starts_transaction:
            txn = Transaction(transaction_type=rtype, sequence=txn_seq, line=line_no, group=g.index)
            g.transactions.append(txn)
            self.txn = txn
            self.last_record_sequence = 0
            record = Record(line_no, rtype, text)
            txn.records.append(record)
            expected = len(g.transactions) - 1
            if txn_seq is None:
                self.txn_msg(
                    txn,
                    f"{rtype} transaction sequence number {text[3:11]!r} is not a number "
                    f"(expected {expected:08d})",
                    record,
                    rec_seq,
                )
            elif txn_seq != expected:
                self.sequence_msg(
                    txn,
                    f"{rtype} transaction sequence number {txn_seq} out of order; expected {expected}",
                    record,
                    rec_seq,
                )
            if rec_seq is None:
                self.txn_msg(
                    txn,
                    f"{rtype} record sequence number {text[11:19]!r} is not a number "
                    "(a transaction header has 00000000)",
                    record,
                    rec_seq,
                )
            elif rec_seq != 0:
                self.sequence_msg(
                    txn,
                    f"{rtype} record sequence number {rec_seq}: a transaction header "
                    "has record sequence 00000000",
                    record,
                    rec_seq,
                )
            if g.transaction_type and rtype != g.transaction_type:
                if {rtype, g.transaction_type} <= L.WORK_TRANSACTIONS_2 | {"WRK"}:
                    txn.messages.append(
                        Message(
                            Level.TRANSACTION,
                            Consequence.FIELD,
                            f"{rtype} transaction in a group of {g.transaction_type}; processed as {rtype}",
                            line=line_no,
                            record_type=rtype,
                            record_sequence=rec_seq,
                            group=g.index,
                        )
                    )
                else:
                    self.txn_msg(
                        txn,
                        f"{rtype} transaction in a group of {g.transaction_type} "
                        "transactions: a group holds one transaction type",
                        record,
                        rec_seq,
                    )
            return
        current = self.txn
        if current is None:
            self.group_msg(
                f"{rtype!r} record at line {line_no} before any transaction header; ignored",
                line_no,
                rtype,
                rejects=False,
            )
            return
        txn = current
        record = Record(line_no, rtype, text)
        txn.records.append(record)
        allowed = self.allowed(txn.transaction_type)
        if rtype not in allowed:
            if rtype.strip() == "":
                what = "is blank"
            elif (
                rtype in L.TRANSACTIONS
                or rtype in L.DETAIL_2
                or rtype in L.DETAIL_3
                or rtype in L.AGREEMENT_DETAIL
            ):
                what = f"{rtype!r} is not allowed in a {txn.transaction_type} transaction"
            else:
                what = f"{rtype!r} is not a CWR record type"
            self.txn_msg(txn, f"record type {what}", record, rec_seq)
            return
        if txn_seq is None:
            self.txn_msg(
                txn, f"{rtype} transaction sequence number {text[3:11]!r} is not a number", record, rec_seq
            )
        elif txn_seq != txn.sequence and txn.sequence is not None:
            self.sequence_msg(
                txn,
                f"{rtype} transaction sequence number {text[3:11]!r} differs from its "
                f"transaction header's ({txn.sequence:08d})",
                record,
                rec_seq,
            )
        expected_rec = self.last_record_sequence + 1
        if rec_seq is None:
            self.txn_msg(
                txn,
                f"{rtype} record sequence number {text[11:19]!r} is not a number "
                f"(expected {expected_rec:08d})",
                record,
                rec_seq,
            )
        elif rec_seq != expected_rec:
            self.sequence_msg(
                txn,
                f"{rtype} record sequence number {rec_seq} out of order; expected {expected_rec}",
                record,
                rec_seq,
            )
        if rec_seq is not None:
            self.last_record_sequence = rec_seq
        else:
            self.last_record_sequence = expected_rec

    def allowed(self, transaction_type: str) -> set[str]:
        if transaction_type == "AGR":
            return L.AGREEMENT_DETAIL
        if transaction_type == "ACK":
            return (
                L.DETAIL_2
                | L.DETAIL_3
                | L.WORK_TRANSACTIONS_2
                | L.WORK_TRANSACTIONS_3
                | {"AGR"}
                | L.AGREEMENT_DETAIL
            )
        if transaction_type in ("ISR", "ISA"):
            return {"WRI", "MSG", "ALT", "PER", "REC", "XRF", "OWK"}
        return L.DETAIL_3 if self.major == 3 else L.DETAIL_2

    def finish(self) -> None:
        last = len(self.lines)
        if self.group is not None:
            self.group_msg(
                f"group {self.group.index} ({self.group.transaction_type}) has no group trailer (GRT): "
                "the file ends inside the group",
                last,
                "GRT",
            )
        if not self.trailer_seen:
            if self.group is None and self.file.groups and not self.file.rejected:
                # The last group closed with its trailer: nothing was cut off but the TRL itself.
                self.file_msg(
                    "the file has no file trailer (TRL); every group is closed by its GRT, so the file "
                    "is read as complete",
                    last,
                    "TRL",
                    rejects=False,
                )
            else:
                self.file_msg(
                    "the file has no file trailer (TRL): it is truncated or incomplete", last, "TRL"
                )


def read_lines(lines: Iterable[str], file_name: str = "") -> CwrFile:
    """Read a CWR file given as lines (without line ends) and validate it completely."""
    from bunpai.formats.cwr.validate import validate_file

    reader = _Reader([ln.rstrip("\r\n") for ln in lines], file_name)
    cwr = reader.run()
    validate_file(cwr)
    return cwr
