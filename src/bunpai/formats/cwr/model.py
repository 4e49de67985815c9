"""Plain data read from a CWR file (作品届ファイルの内容): no database, no I/O.

Shares are integers in hundredths of a percent, exactly as CWR writes them (``05000`` = 50.00 %);
``10000`` is the whole right.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

WHOLE = 10_000  # 100.00 % in CWR share units
TOLERANCE = 6  # ±0.06 % allowed on totals (CWR 2.x share validation)
RIGHTS = ("PR", "MR", "SR")  # performing, mechanical, synchronisation


class Level(StrEnum):
    """Where a problem was found (CWR MSG "message level")."""

    FILE = "E"
    GROUP = "G"
    TRANSACTION = "T"
    RECORD = "R"
    FIELD = "F"


class Consequence(StrEnum):
    """What was rejected because of it (CWR MSG "message type")."""

    FILE = "E"
    GROUP = "G"
    TRANSACTION = "T"
    RECORD = "R"
    FIELD = "F"


@dataclass(frozen=True, slots=True)
class Message:
    """One validation message, tied to a physical line of the file when there is one."""

    level: Level
    consequence: Consequence
    text: str
    line: int | None = None  # 1-based line number in the file
    record_type: str = ""
    record_sequence: int | None = None  # record sequence number within the transaction
    validation_number: str = "000"
    group: int | None = None  # 1-based group index
    transaction: int | None = None  # index of the transaction in the file

    def as_dict(self) -> dict[str, object]:
        return {
            "level": self.level.value,
            "consequence": self.consequence.value,
            "record": self.line,
            "record_type": self.record_type,
            "record_sequence": self.record_sequence,
            "validation": self.validation_number,
            "text": self.text,
        }


@dataclass(slots=True)
class Record:
    """A physical record: its line number, type and raw text."""

    line: int
    record_type: str
    text: str
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass(slots=True)
class Territory:
    """A collection-share territory statement (SPT/OPT/SWT/OWT)."""

    tis: int
    include: bool
    shares: dict[str, int]  # right -> collection share


@dataclass(slots=True)
class Party:
    """A publisher (SPU/OPU) or writer (SWR/OWR/WRI) in a work registration."""

    kind: str  # "publisher" or "writer"
    controlled: bool  # SPU/SWR (controlled by the submitter) vs OPU/OWR
    ip_number: str  # the submitter's own interested-party number
    last_name: str
    first_name: str
    role: str  # CWR designation: E, AM, SE, PA, ES (publishers); C, A, CA, AR, AD, SA, SR, TR, PA
    ipi_name: str
    ipi_base: str
    societies: dict[str, str]  # right -> 3-digit CISAC society code ("" when none)
    shares: dict[str, int]  # right -> ownership share
    territories: list[Territory] = field(default_factory=list)
    unknown: bool = False
    publisher_sequence: int | None = None
    line: int = 0
    for_publishers: list[str] = field(default_factory=list)  # PWR: publisher ip numbers of a writer

    @property
    def name(self) -> str:
        return f"{self.last_name}, {self.first_name}" if self.first_name else self.last_name


@dataclass(slots=True)
class AlternativeTitle:
    title: str
    title_type: str
    language: str = ""


@dataclass(slots=True)
class Performer:
    last_name: str
    first_name: str = ""
    ipi_name: str = ""


@dataclass(slots=True)
class Recording:
    isrc: str
    title: str = ""
    release_date: dt.date | None = None
    duration: int | None = None  # seconds
    label: str = ""
    album: str = ""
    display_artist: str = ""


@dataclass(slots=True)
class Origin:
    """ORN: the production (film, programme, library) a work was written for."""

    intended_purpose: str
    production_title: str = ""
    library: str = ""
    cd_identifier: str = ""
    production_year: int | None = None
    episode_title: str = ""


@dataclass(slots=True)
class OriginalWork:
    """VER/OWK: the work this one is a version of."""

    title: str
    iswc: str = ""
    writers: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CrossReference:
    organisation: str
    identifier: str
    identifier_type: str
    valid: bool


@dataclass(slots=True)
class Acknowledgement:
    """An ACK transaction header, when the file read is itself an acknowledgement file."""

    original_group_id: int | None
    original_transaction_sequence: int | None
    original_transaction_type: str
    submitter_work_number: str
    society_work_number: str
    status: str
    processing_date: dt.date | None


@dataclass(slots=True)
class Transaction:
    """A transaction: a work registration (NWR/REV/ISW/WRK/ISR…), an agreement (AGR) or an ACK."""

    transaction_type: str
    sequence: int | None
    line: int
    group: int
    records: list[Record] = field(default_factory=list)
    title: str = ""
    submitter_work_number: str = ""
    iswc: str = ""
    language: str = ""
    duration: int | None = None  # seconds
    distribution_category: str = ""
    version_type: str = ""
    recorded: str = ""
    publishers: list[Party] = field(default_factory=list)
    writers: list[Party] = field(default_factory=list)
    alternative_titles: list[AlternativeTitle] = field(default_factory=list)
    performers: list[Performer] = field(default_factory=list)
    recordings: list[Recording] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)
    original_works: list[OriginalWork] = field(default_factory=list)
    cross_references: list[CrossReference] = field(default_factory=list)
    acknowledgement: Acknowledgement | None = None
    messages: list[Message] = field(default_factory=list)
    rejected: bool = False

    @property
    def is_work(self) -> bool:
        return self.transaction_type in {"NWR", "REV", "ISW", "EXC", "WRK", "ISR", "ISA"}

    @property
    def changed(self) -> bool:
        """Accepted with changes: some field or record was dropped."""
        return any(m.consequence in (Consequence.FIELD, Consequence.RECORD) for m in self.messages)

    def parties(self) -> list[Party]:
        return [*self.publishers, *self.writers]


@dataclass(slots=True)
class Group:
    index: int
    transaction_type: str
    group_id: int | None
    version: str
    line: int
    rejected: bool = False
    transactions: list[Transaction] = field(default_factory=list)


@dataclass(slots=True)
class CwrFile:
    """A whole CWR file as read and validated."""

    version: str  # "2.1", "2.2", "3.0", "3.1"
    sender_type: str
    sender_id: str
    sender_name: str
    creation_date: dt.date | None
    file_name: str = ""
    groups: list[Group] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)  # file- and group-level messages
    rejected: bool = False
    line_count: int = 0

    @property
    def major(self) -> int:
        return 3 if self.version.startswith("3") else 2

    @property
    def sender(self) -> str:
        if self.sender_type.isdigit():  # CWR 2.2: an 11-digit IPI name number spills into the type
            ident = f"IPI {self.sender_type}{self.sender_id}"
        else:
            ident = f"{self.sender_type} {self.sender_id}".strip()
        return f"{self.sender_name} ({ident})" if self.sender_name else ident

    def transactions(self) -> list[Transaction]:
        return [t for g in self.groups for t in g.transactions]

    def work_transactions(self) -> list[Transaction]:
        return [t for t in self.transactions() if t.is_work or t.transaction_type == "ACK"]

    def accepted(self) -> list[Transaction]:
        return [t for t in self.work_transactions() if not t.rejected]

    def rejected_transactions(self) -> list[Transaction]:
        return [t for t in self.work_transactions() if t.rejected]

    def all_messages(self) -> list[Message]:
        out = list(self.messages)
        for t in self.transactions():
            out.extend(t.messages)
        out.sort(key=lambda m: m.line if m.line is not None else 1 << 40)
        return out


class CwrUnreadable(Exception):
    """The input cannot be read as CWR at all (not found, binary, no header record…)."""
