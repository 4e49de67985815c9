"""Registry services: register works from CWR or spreadsheets, answer as-of queries, export the
rights of a reference date (作品登録・基準日の権利者照会).

The rules live here; the database is reached through the Django models of :mod:`bunpai.store`
(``setup()`` must have been called). Registrations are processed in batches with bulk queries, so
a file of 100,000 works imports in seconds rather than hours.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

from bunpai.formats.cwr.ack import (
    ACCEPTED,
    CONFLICT,
    DUPLICATE,
    REGISTERED,
    REGISTERED_WITH_CHANGES,
    REJECTED,
    ConflictingWork,
    Outcome,
    write_ack,
)
from bunpai.formats.cwr.identifiers import (
    is_valid_ipi_name,
    is_valid_isrc,
    is_valid_iswc,
    normalise_ipi_name,
    normalise_isrc,
    normalise_iswc,
)
from bunpai.formats.cwr.model import (
    RIGHTS,
    TOLERANCE,
    WHOLE,
    AlternativeTitle,
    Consequence,
    CwrFile,
    Level,
    Message,
    Origin,
    Party,
    Performer,
    Recording,
    Transaction,
)

BATCH = 2000
CREATOR_ROLES = {"C", "A", "CA"}
REGISTRATIONS = {"NWR", "REV", "WRK"}
WORK_CODE_PREFIX = "B"


# ------------------------------------------------------------------------------ normalisation
def normalise_text(value: str) -> str:
    """NFKC, upper case, letters and digits only, single spaces (for matching, not display)."""
    text = unicodedata.normalize("NFKC", value).upper()
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.replace("_", " ").split())


def creators_key(writers: Iterable[Party]) -> str:
    names = sorted(
        {
            normalise_text(f"{w.last_name} {w.first_name}")
            for w in writers
            if w.role in CREATOR_ROLES and w.last_name
        }
    )
    return "|".join(names)[:500]


def _party_identity(p: Party) -> str:
    if p.ipi_name:
        return f"IPI:{p.ipi_name}"
    if p.last_name:
        return f"N:{normalise_text(p.name)}"
    return "UNKNOWN"


def _signature_of(txn: Transaction) -> str:
    """A digest of who holds which share in which role: equal digests mean a duplicate registration."""
    rows = []
    for p in txn.parties():
        for right in RIGHTS:
            value = p.shares.get(right, 0)
            if value:
                rows.append(f"{_party_identity(p)}/{p.role}/{right}/{value}")
    return hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()


# ------------------------------------------------------------------------------ results
@dataclass
class ImportResult:
    """What an import did: the outcome of each transaction and the ACK text."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    stored: int = 0
    revised: int = 0
    ack_text: str = ""
    messages: list[str] = field(default_factory=list)

    @property
    def statuses(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for o in self.outcomes.values():
            counts[o.status] = counts.get(o.status, 0) + 1
        return counts

    def summary(self) -> dict[str, Any]:
        return {
            "stored": self.stored,
            "revised": self.revised,
            "statuses": self.statuses,
            "messages": self.messages,
        }


@dataclass(frozen=True)
class ShareRow:
    """One row of an as-of answer."""

    work_id: int
    work: str  # society work code
    party_id: int | None
    party: str
    ipi_name: str
    capacity: str
    role: str
    right: str
    share: int  # ownership, hundredths of a percent
    collection_share: int
    territory: int
    include: bool
    society: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    received_on: dt.date
    superseded_on: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "work": self.work,
            "party_id": self.party_id,
            "party": self.party,
            "ipi_name": self.ipi_name,
            "capacity": self.capacity,
            "role": self.role,
            "right": self.right,
            "share": self.share,
            "share_percent": f"{self.share // 100}.{self.share % 100:02d}",
            "collection_share": self.collection_share,
            "territory": self.territory,
            "include": self.include,
            "society": self.society,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "received_on": self.received_on.isoformat(),
            "superseded_on": self.superseded_on.isoformat() if self.superseded_on else None,
        }


# ------------------------------------------------------------------------------ bulk inserts
def _insert(
    model: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, returning: bool = False
) -> list[int]:
    """Insert plain rows into ``model``'s table without building model instances.

    Django's ``bulk_create`` spends most of its time creating and preparing one Python object per
    row; a registry import writes millions of rows, so they go straight to the database: ``COPY``
    on PostgreSQL, ``executemany`` on SQLite. With ``returning`` the ids are reserved first and
    returned in the order of the rows.
    """
    from django.db import connections

    from bunpai.store import current_alias

    if not rows:
        return []
    conn = connections[current_alias()]
    if returning:  # allocate the ids first, then load the rows with them like any others
        ids = _allocate_ids(conn, model, len(rows))
        _insert(model, ("id", *columns), [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
        return ids
    qn = conn.ops.quote_name
    table = qn(model._meta.db_table)
    cols = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES {one}", rows)
    return []


def _allocate_ids(conn: Any, model: Any, count: int) -> list[int]:
    """Reserve ``count`` new primary keys of ``model`` (its sequence on PostgreSQL; after the
    largest on SQLite, whose writers are serialised by the open transaction)."""
    table = model._meta.db_table
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [r[0] for r in cur.fetchall()]
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {conn.ops.quote_name(table)}")
        start = int(cur.fetchone()[0]) + 1
    return list(range(start, start + count))


def _select(
    model: Any,
    columns: Sequence[str],
    column: str,
    values: Sequence[Any],
    equal: dict[str, Any] | None = None,
) -> list[tuple[Any, ...]]:
    """``SELECT columns FROM model WHERE column IN values [AND k = v…]`` for long value lists.

    PostgreSQL gets one array parameter (``= ANY(%s)``), which keeps the statement short; SQLite
    gets ``IN (…)`` in chunks below its parameter limit.
    """
    from django.db import connections

    from bunpai.store import current_alias

    if not values:
        return []
    conn = connections[current_alias()]
    qn = conn.ops.quote_name
    meta = model._meta
    cols = ", ".join(qn(meta.get_field(c).column) for c in columns)
    where = qn(meta.get_field(column).column)
    extra = "".join(f" AND {qn(meta.get_field(k).column)} = %s" for k in (equal or {}))
    extra_params = list((equal or {}).values())
    out: list[tuple[Any, ...]] = []
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            cur.execute(
                f"SELECT {cols} FROM {qn(meta.db_table)} WHERE {where} = ANY(%s){extra}",
                [list(values), *extra_params],
            )
            out += cur.fetchall()
        else:
            for start in range(0, len(values), 900):
                chunk = list(values[start : start + 900])
                marks = ", ".join(["%s"] * len(chunk))
                cur.execute(
                    f"SELECT {cols} FROM {qn(meta.db_table)} WHERE {where} IN ({marks}){extra}",
                    [*chunk, *extra_params],
                )
                out += cur.fetchall()
    return out


WORK_ROW = (
    "id",
    "society_code",
    "title",
    "signature",
    "submitter_work_number",
    "iswc",
    "normalised_title",
    "creators_key",
)


class _Row(NamedTuple):
    """A stored work as the matching needs it."""

    pk: int
    society_code: str
    title: str
    signature: str
    submitter_work_number: str
    iswc: str
    normalised_title: str
    creators_key: str


def _db_date(value: dt.date | None) -> Any:
    from django.db import connections

    from bunpai.store import current_alias

    return connections[current_alias()].ops.adapt_datefield_value(value)


def _db_now() -> Any:
    from django.db import connections
    from django.utils import timezone

    from bunpai.store import current_alias

    return connections[current_alias()].ops.adapt_datetimefield_value(timezone.now())


@dataclass
class _NewWork:
    """A work decided in this import, before (and after) its row is inserted."""

    society_code: str
    title: str
    row: tuple[Any, ...]
    pk: int | None = None


WORK_COLUMNS = (
    "society_code",
    "iswc",
    "title",
    "normalised_title",
    "creators_key",
    "language",
    "duration",
    "category",
    "version_type",
    "original_title",
    "submitter",
    "submitter_work_number",
    "signature",
    "music_expired",
    "lyrics_expired",
    "document",
    "created_at",
)
SHARE_COLUMNS = (
    "work",
    "party",
    "capacity",
    "role",
    "right",
    "share",
    "share_fraction",
    "collection_share",
    "territory",
    "include",
    "society",
    "controlled",
    "publisher_chain",
    "valid_from",
    "valid_to",
    "received_on",
    "superseded_on",
    "document",
)


# ------------------------------------------------------------------------------ registration
@dataclass
class _Known:
    """A registered work a new registration may match (stored, or created in this import)."""

    code: str
    title: str
    work: Any  # the model instance (its pk is set once stored)
    signature: str


class _Registrar:
    """Stores registrations in batches; answers each with AS/AC/CO/DU/RJ."""

    def __init__(
        self,
        *,
        submitter: str,
        received_on: dt.date,
        valid_from: dt.date | None,
        document: Any,
        own_society: str,
    ) -> None:
        from bunpai.store import models as m

        self.m = m
        self.submitter = submitter
        self.received_on = received_on
        self.valid_from = valid_from
        self.document = document
        self.own_society = own_society
        self.now = _db_now()
        self.db_received_on = _db_date(received_on)
        self.db_valid_from = _db_date(valid_from)
        self.societies = dict(m.Society.objects.values_list("code", "id"))
        self.party_by_ipi: dict[str, int] = {}
        self.party_by_ref: dict[tuple[str, str], int] = {}
        self.party_by_name: dict[tuple[str, str], int] = {}
        self.memberships: set[tuple[int, str]] = set()
        self.known_refs: set[str] = set()  # the submitter's party numbers already recorded
        # works created in this import, to answer duplicates inside one file
        self.new_by_iswc: dict[str, _Known] = {}
        self.new_by_key: dict[tuple[str, str], _Known] = {}
        self.new_by_number: dict[str, _Known] = {}
        last = (
            m.Work.objects.filter(society_code__startswith=WORK_CODE_PREFIX)
            .order_by("-society_code")
            .values_list("society_code", flat=True)
            .first()
        )
        self.next_code = int(last[len(WORK_CODE_PREFIX) :]) + 1 if last and last[1:].isdigit() else 1

    # ---------------------------------------------------------------- matching
    def _existing(
        self, txns: Sequence[Transaction]
    ) -> tuple[dict[str, _Row], dict[str, list[_Row]], dict[tuple[str, str], list[_Row]]]:
        m = self.m
        numbers = [t.submitter_work_number for t in txns if t.submitter_work_number]
        iswcs = [t.iswc for t in txns if t.iswc]
        titles = [normalise_text(t.title)[:255] for t in txns]
        by_number = {
            w.submitter_work_number: w
            for w in map(
                _Row._make,
                _select(m.Work, WORK_ROW, "submitter_work_number", numbers, {"submitter": self.submitter}),
            )
        }
        by_iswc: dict[str, list[_Row]] = {}
        for w in map(_Row._make, _select(m.Work, WORK_ROW, "iswc", iswcs)):
            by_iswc.setdefault(w.iswc, []).append(w)
        by_key: dict[tuple[str, str], list[_Row]] = {}
        for w in map(_Row._make, _select(m.Work, WORK_ROW, "normalised_title", titles)):
            by_key.setdefault((w.normalised_title, w.creators_key), []).append(w)
        return by_number, by_iswc, by_key

    # ---------------------------------------------------------------- parties
    def _resolve_parties(self, txns: Sequence[Transaction]) -> None:
        m = self.m
        ipis = {p.ipi_name for t in txns for p in t.parties() if p.ipi_name} - self.party_by_ipi.keys()
        refs = {p.ip_number[:20] for t in txns for p in t.parties() if p.ip_number} - self.known_refs
        for ipi, pk in _select(m.Party, ("ipi_name", "id"), "ipi_name", list(ipis)):
            self.party_by_ipi[ipi] = pk
        for number, pk in _select(
            m.PartyReference, ("number", "party"), "number", list(refs), {"submitter": self.submitter}
        ):
            self.party_by_ref[self.submitter, number] = pk
            self.known_refs.add(number)
        names = {
            (self._kind(p), normalise_text(p.name))
            for t in txns
            for p in t.parties()
            if not p.ipi_name and not p.ip_number and p.last_name
        }
        names -= self.party_by_name.keys()
        if names:
            for kind, key, pk in m.Party.objects.filter(
                ipi_name__isnull=True, lookup_key__in=[n for _, n in names]
            ).values_list("kind", "lookup_key", "id"):
                self.party_by_name.setdefault((kind, key), pk)
        # create the missing ones
        new: dict[str, tuple[Any, ...]] = {}
        for t in txns:
            for p in t.parties():
                if self._party_id(p) is not None or (not p.last_name and not p.ipi_name):
                    continue
                key = self._new_key(p)
                if key not in new:
                    new[key] = (
                        self._kind(p),
                        p.last_name[:160],
                        p.first_name[:160],
                        p.ipi_name or None,
                        p.ipi_base,
                        False,
                        normalise_text(p.name)[:200],
                        self.now,
                    )
        if new:
            ids = _insert(
                m.Party,
                (
                    "kind",
                    "name",
                    "first_name",
                    "ipi_name",
                    "ipi_base",
                    "withholding",
                    "lookup_key",
                    "created_at",
                ),
                list(new.values()),
                returning=True,
            )
            for key, pk in zip(new.keys(), ids, strict=True):
                kind, ident = key.split("|", 1)
                if kind == "IPI":
                    self.party_by_ipi[ident] = pk
                elif kind == "REF":
                    self.party_by_ref[self.submitter, ident] = pk
                else:
                    self.party_by_name[kind.removeprefix("NAME-"), ident] = pk
        # remember the submitter's numbers for every party seen with one
        refs_to_create: dict[str, int] = {}
        for t in txns:
            for p in t.parties():
                number = p.ip_number[:20]
                if number and number not in self.known_refs:
                    pk = self._party_id(p)
                    if pk is not None:
                        refs_to_create[number] = pk
                        self.known_refs.add(number)
                        self.party_by_ref.setdefault((self.submitter, p.ip_number), pk)
        _insert(
            m.PartyReference,
            ("party", "submitter", "number"),
            [(pk, self.submitter, n) for n, pk in refs_to_create.items()],
        )

    @staticmethod
    def _kind(p: Party) -> str:
        return "company" if p.kind == "publisher" else "person"

    def _new_key(self, p: Party) -> str:
        if p.ipi_name:
            return f"IPI|{p.ipi_name}"
        if p.ip_number:
            return f"REF|{p.ip_number}"
        return f"NAME-{self._kind(p)}|{normalise_text(p.name)}"

    def _party_id(self, p: Party) -> int | None:
        if p.ipi_name:
            return self.party_by_ipi.get(p.ipi_name)
        if p.ip_number:
            return self.party_by_ref.get((self.submitter, p.ip_number))
        if p.last_name:
            return self.party_by_name.get((self._kind(p), normalise_text(p.name)))
        return None

    # ---------------------------------------------------------------- decisions
    def decide(self, txns: Sequence[tuple[int, Transaction]]) -> dict[int, Outcome]:
        """Store a batch of accepted registrations; return their outcomes by index."""
        m = self.m
        from django.db import transaction as db_transaction

        from bunpai.store import current_alias

        outcomes: dict[int, Outcome] = {}
        if not txns:
            return outcomes
        by_number, by_iswc, by_key = self._existing([t for _, t in txns])
        to_create: list[tuple[int, Transaction, Any]] = []
        to_revise: list[tuple[int, Transaction, Any]] = []
        conflicts: list[Any] = []

        def known(work: Any) -> _Known:
            return _Known(work.society_code, work.title, work, work.signature)

        for index, txn in txns:
            norm = normalise_text(txn.title)
            ckey = creators_key(txn.writers)
            sig = _signature_of(txn)
            number = txn.submitter_work_number
            # the same submitter's work number: a revision, a duplicate or a conflict
            same = by_number.get(number) if number else None
            if same is not None and txn.transaction_type in ("REV", "WRK"):
                to_revise.append((index, txn, same))
                continue
            entry = known(same) if same is not None else (self.new_by_number.get(number) if number else None)
            if entry is not None:
                equal = entry.signature == sig
                reason = f"work number {number} of this submitter is registered work {entry.code}"
                if not equal:
                    reason += " with other interested parties or shares (send a REV to change it)"
                outcomes[index] = self._answer(
                    DUPLICATE if equal else CONFLICT, entry, txn, conflicts, reason
                )
                continue
            # another registration of the same work: the same ISWC, or the same title and creators
            found: _Known | None = None
            reason = ""
            if txn.iswc:
                in_db = by_iswc.get(txn.iswc)
                found = known(in_db[0]) if in_db else self.new_by_iswc.get(txn.iswc)
                reason = f"ISWC {txn.iswc}"
            if found is None:
                in_db = by_key.get((norm, ckey))
                found = known(in_db[0]) if in_db else self.new_by_key.get((norm, ckey))
                reason = "title and composers/authors"
            if found is not None:
                equal = found.signature == sig
                reason = f"the same {reason} as registered work {found.code}"
                if not equal:
                    reason += " with other interested parties or shares"
                outcomes[index] = self._answer(
                    DUPLICATE if equal else CONFLICT, found, txn, conflicts, reason
                )
                continue
            code = f"{WORK_CODE_PREFIX}{self.next_code:09d}"
            work = _NewWork(
                code,
                txn.title[:255],
                (
                    code,
                    txn.iswc,
                    txn.title[:255],
                    norm[:255],
                    ckey,
                    txn.language,
                    txn.duration,
                    txn.distribution_category[:3],
                    txn.version_type or "ORI",
                    txn.original_works[0].title[:255] if txn.original_works else "",
                    self.submitter,
                    number[:20],
                    sig,
                    False,
                    False,
                    self.document.pk,
                    self.now,
                ),
            )
            self.next_code += 1
            entry = _Known(work.society_code, work.title, work, sig)
            if txn.iswc:
                self.new_by_iswc[txn.iswc] = entry
            self.new_by_key[norm, ckey] = entry
            if number:
                self.new_by_number[number] = entry
            to_create.append((index, txn, work))
            outcomes[index] = Outcome(
                REGISTERED_WITH_CHANGES if txn.changed else REGISTERED, work.society_code
            )
        with db_transaction.atomic(using=current_alias()):
            self._resolve_parties([t for _, t, _ in to_create] + [t for _, t, _ in to_revise])
            ids = _insert(m.Work, WORK_COLUMNS, [w.row for _, _, w in to_create], returning=True)
            for (_, _, work), pk in zip(to_create, ids, strict=True):
                work.pk = pk
            if to_revise:
                instances = m.Work.objects.in_bulk([w.pk for _, _, w in to_revise])
                to_revise = [(i, t, instances[w.pk]) for i, t, w in to_revise]
                revised_ids = [w.pk for _, _, w in to_revise]
                m.Share.objects.filter(work_id__in=revised_ids, superseded_on__isnull=True).update(
                    superseded_on=self.received_on
                )
                for index, txn, work in to_revise:
                    work.title = txn.title[:255]
                    work.normalised_title = normalise_text(txn.title)[:255]
                    work.creators_key = creators_key(txn.writers)
                    if txn.iswc:
                        work.iswc = txn.iswc
                    work.duration = txn.duration or work.duration
                    work.document = self.document
                    work.signature = _signature_of(txn)
                    self.new_by_number[work.submitter_work_number] = _Known(
                        work.society_code, work.title, work, work.signature
                    )
                    outcomes[index] = Outcome(
                        REGISTERED_WITH_CHANGES if txn.changed else REGISTERED, work.society_code
                    )
                m.Work.objects.bulk_update(
                    [w for _, _, w in to_revise],
                    [
                        "title",
                        "normalised_title",
                        "creators_key",
                        "iswc",
                        "duration",
                        "document",
                        "signature",
                    ],
                )
                m.AlternativeTitle.objects.filter(work_id__in=revised_ids).delete()
            pairs = [(txn, work.pk) for _, txn, work in to_create]
            pairs += [(txn, work.pk) for _, txn, work in to_revise]
            self._store_details(pairs)
            if conflicts:
                for conflict, entry in conflicts:
                    conflict.work_id = entry.work.pk
                m.Conflict.objects.bulk_create([c for c, _ in conflicts])
        return outcomes

    def _answer(
        self, status: str, entry: _Known, txn: Transaction, conflicts: list[Any], reason: str
    ) -> Outcome:
        code, title = entry.code, entry.title
        conflicts.append(
            (
                self.m.Conflict(
                    document=self.document,
                    status=status,
                    title=txn.title[:255],
                    submitter=self.submitter,
                    submitter_work_number=txn.submitter_work_number[:20],
                    reason=reason[:255],
                ),
                entry,
            )
        )
        text = f"{'duplicate' if status == DUPLICATE else 'conflict'}: {reason}"
        return Outcome(
            status,
            code if status == DUPLICATE else "",
            conflicts=[ConflictingWork(title, code)] if status == CONFLICT else [],
            messages=[
                Message(
                    Level.TRANSACTION,
                    Consequence.TRANSACTION,
                    text,
                    line=txn.line,
                    record_type=txn.transaction_type,
                    record_sequence=0,
                )
            ],
        )

    def _store_details(self, pairs: Sequence[tuple[Transaction, int]]) -> None:
        m = self.m
        shares: list[Any] = []
        titles: list[Any] = []
        recordings: list[tuple[Any, list[Performer]]] = []
        work_performers: list[tuple[int, Performer]] = []
        origins: list[tuple[int, Origin]] = []
        memberships: list[Any] = []
        for txn, work_id in pairs:
            for p in txn.parties():
                pid = self._party_id(p)
                capacity = "publisher" if p.kind == "publisher" else "writer"
                territories = [t for t in p.territories] or None
                for right in RIGHTS:
                    owned = p.shares.get(right, 0)
                    soc = p.societies.get(right, "")
                    soc_id = self.societies.get(soc) if soc else None
                    if pid is not None and (pid, right) not in self.memberships:
                        self.memberships.add((pid, right))
                        kind = (
                            "nonmember" if not soc else ("member" if soc == self.own_society else "foreign")
                        )
                        memberships.append((pid, soc_id, right, kind))
                    if territories is None:
                        if owned:
                            shares.append(
                                self._share(
                                    work_id, pid, capacity, p, right, owned, owned, 2136, True, soc_id
                                )
                            )
                        continue
                    for terr in territories:
                        collected = terr.shares.get(right, 0)
                        if terr.include and not (owned or collected):
                            continue
                        shares.append(
                            self._share(
                                work_id,
                                pid,
                                capacity,
                                p,
                                right,
                                owned,
                                collected,
                                terr.tis,
                                terr.include,
                                soc_id,
                            )
                        )
            titles += [(work_id, a.title[:255], a.title_type, a.language) for a in txn.alternative_titles]
            for rec in txn.recordings:
                recordings.append(
                    (
                        m.Recording(
                            work_id=work_id,
                            isrc=rec.isrc,
                            title=rec.title[:255],
                            release_date=rec.release_date,
                            duration=rec.duration,
                            label=rec.label[:160],
                        ),
                        txn.performers,
                    )
                )
            work_performers += [(work_id, per) for per in txn.performers]
            origins += [(work_id, o) for o in txn.origins if o.production_title or o.library]
        _insert(m.Share, SHARE_COLUMNS, shares)
        _insert(m.AlternativeTitle, ("work", "title", "title_type", "language"), titles)
        self._store_memberships(memberships)
        if recordings:
            m.Recording.objects.bulk_create([r for r, _ in recordings], batch_size=5000)
        if work_performers:
            self._store_performers(work_performers, recordings)
        if origins:
            self._store_origins(origins)

    def _share(
        self,
        work_id: int,
        pid: int | None,
        capacity: str,
        p: Party,
        right: str,
        owned: int,
        collected: int,
        tis: int,
        include: bool,
        soc_id: int | None,
    ) -> Any:
        return (
            work_id,
            pid,
            capacity,
            p.role[:2],
            right,
            owned,
            "",
            collected,
            tis,
            include,
            soc_id,
            p.controlled,
            p.publisher_sequence,
            self.db_valid_from,
            None,
            self.db_received_on,
            None,
            self.document.pk,
        )

    def _store_memberships(self, memberships: list[Any]) -> None:
        if not memberships:
            return
        m = self.m
        parties = list({x[0] for x in memberships})
        existing: set[tuple[int, str]] = set()
        for start in range(0, len(parties), 900):
            existing.update(
                m.Membership.objects.filter(party_id__in=parties[start : start + 900]).values_list(
                    "party_id", "right"
                )
            )
        fresh = [(*x, None, None) for x in memberships if (x[0], x[2]) not in existing]
        _insert(m.Membership, ("party", "society", "right", "kind", "valid_from", "valid_to"), fresh)

    def _store_performers(
        self, work_performers: list[tuple[int, Performer]], recordings: list[tuple[Any, list[Performer]]]
    ) -> None:
        m = self.m
        objs: dict[tuple[str, str, str], Any] = {}
        for _, per in work_performers:
            objs.setdefault(
                (per.last_name, per.first_name, per.ipi_name),
                m.Performer(name=per.last_name[:160], first_name=per.first_name[:160], ipi_name=per.ipi_name),
            )
        m.Performer.objects.bulk_create(list(objs.values()))
        m.WorkPerformer.objects.bulk_create(
            [
                m.WorkPerformer(work_id=w, performer_id=objs[per.last_name, per.first_name, per.ipi_name].pk)
                for w, per in work_performers
            ]
        )
        through = m.Recording.performers.through
        links = []
        for rec, performers in recordings:
            for per in performers:
                links.append(
                    through(
                        recording_id=rec.pk, performer_id=objs[per.last_name, per.first_name, per.ipi_name].pk
                    )
                )
        through.objects.bulk_create(links, ignore_conflicts=True)

    def _store_origins(self, origins: list[tuple[int, Origin]]) -> None:
        m = self.m
        for work_id, o in origins:
            title = o.production_title or o.library
            production, _ = m.AVProduction.objects.get_or_create(
                title=title[:255],
                year=o.production_year,
                defaults={"intended_purpose": o.intended_purpose[:3]},
            )
            sequence = m.Cue.objects.filter(production=production).count() + 1
            m.Cue.objects.create(
                production=production, sequence=sequence, work_id=work_id, title=o.episode_title[:255]
            )


def _document(kind: str, name: str, submitter: str, version: str, received_on: dt.date) -> Any:
    from bunpai.store import models as m

    return m.Document.objects.create(
        kind=kind, name=name[:255], submitter=submitter[:20], version=version, received_on=received_on
    )


def import_cwr(
    cwr: CwrFile,
    *,
    received_on: dt.date,
    valid_from: dt.date | None = None,
    society_code: str = "038",
    society_name: str = "JASRAC",
    document_name: str = "",
    now: dt.datetime | None = None,
) -> ImportResult:
    """Store the accepted registrations of ``cwr`` and answer every transaction (the ACK).

    The whole file is one database transaction: it is stored completely or not at all.
    """
    from django.db import transaction as db_transaction

    from bunpai.store import current_alias

    with db_transaction.atomic(using=current_alias()):
        return _import_cwr(
            cwr,
            received_on=received_on,
            valid_from=valid_from,
            society_code=society_code,
            society_name=society_name,
            document_name=document_name,
            now=now,
        )


def _import_cwr(
    cwr: CwrFile,
    *,
    received_on: dt.date,
    valid_from: dt.date | None,
    society_code: str,
    society_name: str,
    document_name: str,
    now: dt.datetime | None,
) -> ImportResult:
    submitter = (cwr.sender_type + cwr.sender_id if cwr.sender_type.isdigit() else cwr.sender_id) or "UNKNOWN"
    document = _document("cwr", document_name or cwr.file_name, submitter, cwr.version, received_on)
    registrar = _Registrar(
        submitter=submitter,
        received_on=received_on,
        valid_from=valid_from,
        document=document,
        own_society=society_code.zfill(3),
    )
    result = ImportResult()
    batch: list[tuple[int, Transaction]] = []
    for index, txn in enumerate(cwr.transactions()):
        if txn.transaction_type == "ACK":
            continue
        if txn.rejected or cwr.rejected:
            result.outcomes[index] = Outcome(REJECTED)
        elif txn.transaction_type in REGISTRATIONS:
            batch.append((index, txn))
            if len(batch) >= BATCH:
                result.outcomes.update(registrar.decide(batch))
                batch = []
        else:
            result.outcomes[index] = Outcome(ACCEPTED)
    result.outcomes.update(registrar.decide(batch))
    result.stored = sum(
        1 for o in result.outcomes.values() if o.status in (REGISTERED, REGISTERED_WITH_CHANGES)
    )
    result.ack_text = write_ack(
        cwr, society_code=society_code, society_name=society_name, outcomes=result.outcomes, now=now
    )
    return result


# ------------------------------------------------------------------------------ as-of queries
def shares_as_of(
    *,
    on: dt.date,
    known: dt.date | None = None,
    works: Sequence[int] | None = None,
    right: str | None = None,
    territory: int | None = None,
) -> list[ShareRow]:
    """Who held what share of which right on date ``on``, as known on date ``known``.

    A row counts when ``valid_from ≤ on ≤ valid_to`` (open bounds count) and the society had
    received it by ``known`` and not replaced it by then (``received_on ≤ known < superseded_on``).
    ``known=None`` means "as known now". With ``territory`` (a TIS code), rows of that territory or
    of the world count, unless the same party excludes that territory for that right.
    """
    from django.db.models import Q

    from bunpai.store import models as m

    qs = m.Share.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    if known is not None:
        qs = qs.filter(Q(superseded_on__isnull=True) | Q(superseded_on__gt=known), received_on__lte=known)
    else:
        qs = qs.filter(superseded_on__isnull=True)
    if works is not None:
        qs = qs.filter(work_id__in=list(works))
    if right is not None:
        qs = qs.filter(right=right)
    if territory is not None:
        qs = qs.filter(territory__in=[territory, m.WORLD])
    rows = qs.select_related("work", "party", "society").order_by("work_id", "right", "capacity", "id")
    out = [
        ShareRow(
            work_id=s.work_id,
            work=s.work.society_code,
            party_id=s.party_id,
            party=str(s.party) if s.party else "",
            ipi_name=(s.party.ipi_name or "") if s.party else "",
            capacity=s.capacity,
            role=s.role,
            right=s.right,
            share=s.share,
            collection_share=s.collection_share,
            territory=s.territory,
            include=s.include,
            society=s.society.code if s.society else "",
            valid_from=s.valid_from,
            valid_to=s.valid_to,
            received_on=s.received_on,
            superseded_on=s.superseded_on,
        )
        for s in rows
    ]
    if territory is not None:
        excluded = {
            (r.work_id, r.party_id, r.right) for r in out if not r.include and r.territory == territory
        }
        specific = {(r.work_id, r.party_id, r.right) for r in out if r.include and r.territory == territory}
        out = [
            r
            for r in out
            if r.include
            and (r.work_id, r.party_id, r.right) not in excluded
            and (r.territory == territory or (r.work_id, r.party_id, r.right) not in specific)
        ]
    return out


def find_work(key: str) -> Any:
    """A work by society work code, ISWC or submitter work number (first match)."""
    from bunpai.store import models as m

    k = key.strip()
    for query in ({"society_code": k}, {"iswc": normalise_iswc(k)}, {"submitter_work_number": k}):
        work = m.Work.objects.filter(**query).order_by("id").first()
        if work is not None:
            return work
    return None


# ------------------------------------------------------------------------------ spreadsheet import
class CsvImportError(Exception):
    """The spreadsheet cannot be read at all (missing, not CSV, no title column)."""


_PERCENT = Decimal(100)


def parse_share(raw: str) -> int | None:
    """``100%``, ``33.33%``, ``0.6667`` (a fraction), ``50`` (percent) → hundredths of a percent."""
    v = raw.strip().replace(",", ".")
    if v == "":
        return 0
    percent = v.endswith("%")
    try:
        number = Decimal(v.rstrip("%").strip())
    except InvalidOperation:
        return None
    if number < 0:
        return None
    if not percent and number <= 1:
        number *= _PERCENT
    value = int((number * _PERCENT).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    return value if value <= WHOLE else None


def _code(raw: str) -> str:
    """``C – Composer`` → ``C``; ``10 – ASCAP`` → ``10``."""
    return re.split(r"\s*[–-]\s*", raw.strip(), maxsplit=1)[0].strip().upper()


def _society(raw: str) -> str:
    from bunpai.formats.cwr.validate import society_codes

    code = _code(raw)
    if code.isdigit() and int(code) in society_codes():
        return f"{int(code):03d}"
    return ""


def csv_transactions(path: Path) -> tuple[list[Transaction], list[str]]:
    """Rows of a django-music-publisher work spreadsheet → registrations (and row messages)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CsvImportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CsvImportError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    if "Work Title" not in header:
        raise CsvImportError(f"{path}: no 'Work Title' column; not a work import spreadsheet")
    writers_n = max((int(c.split()[1]) for c in header if re.fullmatch(r"Writer \d+ Last", c)), default=0)
    out: list[Transaction] = []
    messages: list[str] = []
    for row_no, row in enumerate(reader, start=2):

        def get(name: str, row: dict[str, str | None] = row) -> str:
            return (row.get(name) or "").strip()

        txn = Transaction(
            "NWR",
            row_no - 2,
            row_no,
            1,
            title=get("Work Title").upper(),
            submitter_work_number=get("Work ID"),
            distribution_category="UNC",
            version_type="MOD" if get("Original Title") else "ORI",
        )
        problems: list[str] = []
        raw_iswc = get("ISWC")
        if raw_iswc:
            if is_valid_iswc(raw_iswc):
                txn.iswc = normalise_iswc(raw_iswc)
            else:
                problems.append(f"ISWC {raw_iswc!r} is not valid; ignored")
        for i in range(1, 7):
            alt = get(f"Alt Title {i}")
            if alt:
                txn.alternative_titles.append(AlternativeTitle(alt.upper(), "AT"))
        if get("Original Title"):
            from bunpai.formats.cwr.model import OriginalWork

            txn.original_works.append(OriginalWork(get("Original Title").upper()))
        if get("Library"):
            txn.origins.append(Origin("LIB", library=get("Library"), cd_identifier=get("CD Identifier")))
        fatal = False
        for i in range(1, writers_n + 1):
            pre = f"Writer {i} "
            last, role_raw = get(pre + "Last"), get(pre + "Role")
            if not (last or role_raw or get(pre + "Share") or get(pre + "PR Share")):
                continue
            role = _code(role_raw)
            controlled = get(pre + "Controlled").lower() in ("yes", "general", "true", "1", "y")
            ipi_raw = get(pre + "IPI")
            ipi = ""
            if ipi_raw and ipi_raw.strip("0"):
                if is_valid_ipi_name(ipi_raw):
                    ipi = normalise_ipi_name(ipi_raw)
                else:
                    problems.append(f"writer {i} IPI {ipi_raw!r} has a wrong check digit; ignored")
            shares: dict[str, int] = {}
            if get(pre + "PR Share") or get(pre + "MR Share") or get(pre + "SR Share"):
                columns = {r: get(f"{pre}{r} Share") for r in RIGHTS}
            else:
                columns = dict.fromkeys(RIGHTS, get(pre + "Share") or get(pre + "Manuscript Share"))
            for right, raw in columns.items():
                value = parse_share(raw)
                if value is None:
                    problems.append(f"writer {i} {right} share {raw!r} is not a share")
                    fatal = True
                    value = 0
                shares[right] = value
            soc = _society(get(pre + "PRO"))
            writer = Party(
                "writer",
                controlled,
                "",
                last.upper(),
                get(pre + "First").upper(),
                role,
                ipi,
                "",
                {"PR": soc, "MR": _society(get(pre + "MRO")) or soc, "SR": _society(get(pre + "SRO")) or soc},
                shares,
                unknown=not last,
            )
            if role not in {"C", "A", "CA", "AR", "AD", "SA", "SR", "TR", "PA"}:
                problems.append(f"writer {i} role {role_raw!r} is not a writer designation")
                fatal = True
            txn.writers.append(writer)
            pub_name = get(pre + "Publisher Name")
            if pub_name:
                pub_ipi_raw = get(pre + "Publisher IPI")
                pub_ipi = normalise_ipi_name(pub_ipi_raw) if is_valid_ipi_name(pub_ipi_raw) else ""
                pshares = {}
                for right in RIGHTS:
                    value = parse_share(get(f"{pre}Publisher {right} Share"))
                    if value is None:
                        problems.append(f"writer {i} publisher {right} share is not a share")
                        fatal = True
                        value = 0
                    pshares[right] = value
                psoc = _society(get(pre + "Publisher PRO"))
                txn.publishers.append(
                    Party(
                        "publisher",
                        controlled,
                        "",
                        pub_name.upper(),
                        "",
                        "E",
                        pub_ipi,
                        "",
                        {
                            "PR": psoc,
                            "MR": _society(get(pre + "Publisher MRO")) or psoc,
                            "SR": _society(get(pre + "Publisher SRO")) or psoc,
                        },
                        pshares,
                    )
                )
        for i in range(1, 7):
            isrc = get(f"Recording {i} ISRC")
            if isrc:
                if is_valid_isrc(isrc):
                    txn.recordings.append(
                        Recording(normalise_isrc(isrc), title=get(f"Recording {i} Recording Title").upper())
                    )
                else:
                    problems.append(f"recording {i} ISRC {isrc!r} is not valid; ignored")
            artist = get(f"Artist {i} Last")
            if artist:
                txn.performers.append(Performer(artist.upper(), get(f"Artist {i} First").upper()))
        if not txn.title:
            problems.append("the work title is empty")
            fatal = True
        if not any(w.role in CREATOR_ROLES for w in txn.writers):
            problems.append("no composer or author (role C, A or CA)")
            fatal = True
        for right in RIGHTS:
            total = sum(p.shares.get(right, 0) for p in txn.parties())
            if total and abs(total - WHOLE) > TOLERANCE:
                problems.append(f"{right} shares total {total / 100:.2f} %, not 100 %")
                fatal = True
        for text in problems:
            txn.messages.append(
                Message(
                    Level.RECORD, Consequence.TRANSACTION if fatal else Consequence.FIELD, text, line=row_no
                )
            )
            messages.append(f"row {row_no}: {text}")
        txn.rejected = fatal
        out.append(txn)
    return out, messages


def import_work_csv(
    path: Path,
    *,
    received_on: dt.date,
    valid_from: dt.date | None = None,
    submitter: str = "CSV",
    own_society: str = "038",
) -> ImportResult:
    """Import a work spreadsheet in the django-music-publisher layout (both of its versions)."""
    txns, messages = csv_transactions(Path(path))
    from django.db import transaction as db_transaction

    from bunpai.store import current_alias

    with db_transaction.atomic(using=current_alias()):
        document = _document("csv", Path(path).name, submitter, "", received_on)
        registrar = _Registrar(
            submitter=submitter,
            received_on=received_on,
            valid_from=valid_from,
            document=document,
            own_society=own_society,
        )
        result = ImportResult(messages=messages)
        accepted = []
        for index, txn in enumerate(txns):
            if txn.rejected:
                result.outcomes[index] = Outcome(REJECTED)
            else:
                accepted.append((index, txn))
        for start in range(0, len(accepted), BATCH):
            result.outcomes.update(registrar.decide(accepted[start : start + BATCH]))
        for index, outcome in result.outcomes.items():
            if outcome.status in (CONFLICT, DUPLICATE):
                result.messages.append(f"row {txns[index].line}: {outcome.messages[0].text}")
        result.stored = sum(
            1 for o in result.outcomes.values() if o.status in (REGISTERED, REGISTERED_WITH_CHANGES)
        )
        return result


# ------------------------------------------------------------------------------ export for distributions
PRC_ROLES = {
    "C": "composer",
    "A": "lyricist",
    "CA": "composer",
    "AR": "arranger",
    "SR": "arranger",
    "AD": "lyricist",
    "SA": "lyricist",
    "TR": "translator",
    "E": "publisher",
    "AM": "publisher",
    "SE": "publisher",
    "ES": "publisher",
    "AQ": "publisher",
    "PA": "publisher",
}


PRC_SUBMITTER = "PRC"
PRC_TO_CISAC = {"composer": "C", "lyricist": "A", "arranger": "AR", "translator": "TR", "publisher": "E"}
WORLD_TIS = 2136


class PrcFolderError(Exception):
    """A private recording input folder whose parties, works or rights cannot be loaded."""


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(f)]
    except FileNotFoundError:
        raise PrcFolderError(f"{path}: no such file") from None


def _fraction_to_hundredths(text: str) -> tuple[int, str]:
    """``6/12`` → (5000, "6/12"); ``0.25`` → (2500, ""): the text is kept when hundredths lose it."""
    if not text:
        return 0, ""
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise PrcFolderError(f"share {text!r} is not a fraction") from None
    scaled = value * WHOLE
    whole = int(scaled)
    return whole, ("" if scaled == whole else text)


def load_prc_folder(input_dir: Path, *, submitter: str = PRC_SUBMITTER) -> dict[str, int]:
    """Load ``parties.csv``, ``works.csv`` and ``rights.csv`` of a private recording input folder.

    The parties' ids become the submitter's party numbers and the works' ids their society work
    codes, so that :func:`export_prc_rights` writes them back for any reference date; each right
    row keeps its submission date and validity as known and valid time, and its exact share.
    """
    from django.db import transaction as db_transaction

    from bunpai.store import current_alias
    from bunpai.store import models as m

    parties = _read_csv(input_dir / "parties.csv")
    works = _read_csv(input_dir / "works.csv")
    rights = _read_csv(input_dir / "rights.csv")
    publishers = {r["party_id"] for r in rights if r.get("role") == "publisher"}
    with db_transaction.atomic(using=current_alias()):
        societies = {name.upper(): pk for pk, name in m.Society.objects.values_list("id", "name")}
        own = m.Society.objects.filter(code="038").values_list("id", flat=True).first()
        now = _db_now()
        party_rows = [
            (
                "company" if row["party_id"] in publishers else "person",
                row["name"][:160],
                "",
                None,
                "",
                row.get("withholding") == "yes",
                normalise_text(row["name"])[:200],
                now,
            )
            for row in parties
        ]
        ids = _insert(
            m.Party,
            ("kind", "name", "first_name", "ipi_name", "ipi_base", "withholding", "lookup_key", "created_at"),
            party_rows,
            returning=True,
        )
        party_pk = {row["party_id"]: pk for row, pk in zip(parties, ids, strict=True)}
        _insert(
            m.PartyReference,
            ("party", "submitter", "number"),
            [(pk, submitter, number[:20]) for number, pk in party_pk.items()],
        )
        memberships = []
        for row in parties:
            category = row.get("category") or "nonmember"
            society = None
            if category == "foreign" and row.get("society"):
                name = row["society"].upper()
                if name not in societies:
                    code = f"Z{len(societies) % 100:02d}"
                    societies[name] = m.Society.objects.create(code=code, name=row["society"]).pk
                society = societies[name]
            elif category in ("member", "assignee"):
                society = own
            memberships.append((party_pk[row["party_id"]], society, "PR", category, None, None))
        _insert(m.Membership, ("party", "society", "right", "kind", "valid_from", "valid_to"), memberships)
        document = _document("prc", input_dir.name or "prc", submitter, "", dt.date.today())
        work_rows = [
            (
                row["work_id"][:20],
                "",
                row["title"][:255],
                normalise_text(row["title"])[:255],
                "",
                "",
                None,
                "",
                "ORI",
                "",
                submitter,
                row["work_id"][:20],
                "",
                row.get("music_expired") == "yes",
                row.get("lyrics_expired") == "yes",
                document.pk,
                now,
            )
            for row in works
        ]
        work_ids = _insert(m.Work, WORK_COLUMNS, work_rows, returning=True)
        work_pk = {row["work_id"]: pk for row, pk in zip(works, work_ids, strict=True)}
        share_rows = []
        for line, row in enumerate(rights, start=2):
            if row["work_id"] not in work_pk:
                raise PrcFolderError(f"rights.csv line {line}: unknown work {row['work_id']!r}")
            party = party_pk.get(row["party_id"]) if row.get("party_id") else None
            if row.get("party_id") and party is None:
                raise PrcFolderError(f"rights.csv line {line}: unknown party {row['party_id']!r}")
            value, exact = _fraction_to_hundredths(row.get("share", ""))
            role = PRC_TO_CISAC.get(row.get("role", ""), "")
            if not role:
                raise PrcFolderError(f"rights.csv line {line}: unknown role {row.get('role')!r}")
            valid_from = dt.date.fromisoformat(row["valid_from"]) if row.get("valid_from") else None
            valid_to = dt.date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None
            share_rows.append(
                (
                    work_pk[row["work_id"]],
                    party,
                    "publisher" if role == "E" else "writer",
                    role,
                    "PR",
                    value,
                    exact,
                    value,
                    WORLD_TIS,
                    True,
                    None,
                    True,
                    None,
                    _db_date(valid_from),
                    _db_date(valid_to),
                    _db_date(dt.date.fromisoformat(row["submitted_on"])),
                    None,
                    document.pk,
                )
            )
        _insert(m.Share, SHARE_COLUMNS, share_rows)
    return {"parties": len(parties), "works": len(works), "rights": len(rights)}


def export_prc_rights(
    out_dir: Path, *, reference_date: dt.date, days_before: int = 10, territory: int = 392
) -> dict[str, int]:
    """Write ``parties.csv``, ``works.csv`` and ``rights.csv`` of a private recording input folder.

    Every party and work is written; the rights are the performing-right shares valid on the
    reference date as known on the documents cut-off (``reference_date − days_before``), in Japan
    (or the world): the rows Art. 12 ¶2 counts (確定基準日の10日前までに届け出られた権利).
    """
    from bunpai.store import models as m

    known = reference_date - dt.timedelta(days=days_before)
    rows = shares_as_of(on=reference_date, known=known, right="PR", territory=territory)
    out_dir.mkdir(parents=True, exist_ok=True)
    numbers = dict(m.PartyReference.objects.filter(submitter=PRC_SUBMITTER).values_list("party_id", "number"))

    def party_id(pk: int) -> str:
        return numbers.get(pk) or f"P{pk}"

    memberships: dict[int, tuple[str, str]] = {}
    for pk, kind, society in m.Membership.objects.filter(right="PR").values_list(
        "party_id", "kind", "society__name"
    ):
        memberships[pk] = (kind, society or "")
    exact = {
        (work, party, role, received): fraction
        for work, party, role, received, fraction in m.Share.objects.exclude(share_fraction="").values_list(
            "work_id", "party_id", "role", "received_on", "share_fraction"
        )
    }
    count = {"parties.csv": 0, "works.csv": 0, "rights.csv": len(rows)}
    with (out_dir / "parties.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["party_id", "name", "category", "society", "withholding"])
        for p in m.Party.objects.order_by("pk"):
            kind, society = memberships.get(p.pk, ("nonmember", ""))
            w.writerow(
                [
                    party_id(p.pk),
                    str(p),
                    kind,
                    society if kind == "foreign" else "",
                    "yes" if p.withholding else "",
                ]
            )
            count["parties.csv"] += 1
    with (out_dir / "works.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["work_id", "title", "music_expired", "lyrics_expired"])
        for work in m.Work.objects.order_by("pk"):
            w.writerow(
                [
                    work.society_code,
                    work.title,
                    "yes" if work.music_expired else "",
                    "yes" if work.lyrics_expired else "",
                ]
            )
            count["works.csv"] += 1
    with (out_dir / "rights.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["work_id", "party_id", "role", "share", "submitted_on", "valid_from", "valid_to"])
        for r in rows:
            share = exact.get((r.work_id, r.party_id, r.role, r.received_on)) or (
                f"{r.collection_share}/{WHOLE}" if r.collection_share else ""
            )
            w.writerow(
                [
                    r.work,
                    party_id(r.party_id) if r.party_id is not None else "",
                    PRC_ROLES.get(r.role, "composer"),
                    share,
                    r.received_on.isoformat(),
                    r.valid_from.isoformat() if r.valid_from else "",
                    r.valid_to.isoformat() if r.valid_to else "",
                ]
            )
    return count
