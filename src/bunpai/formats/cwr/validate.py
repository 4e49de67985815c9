"""Content validation of CWR transactions (作品届の内容検査), as the CWR specification does.

Each transaction is turned into plain data (:class:`Transaction` with its parties, titles,
recordings…) and checked: required fields, lookup codes, ISWC / IPI check digits, share formats,
share totals per right with the ±0.06 % tolerance, publishers ≤ 50 % of the performing right,
territories, the writer/publisher links (PWR). A problem rejects the field (value dropped), the
record, or the whole transaction, as the specification's levels say; nothing here raises.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from bunpai.formats.cwr import layouts as L
from bunpai.formats.cwr.identifiers import (
    is_valid_ipi_base,
    is_valid_ipi_name,
    is_valid_isrc,
    is_valid_iswc,
    normalise_ipi_base,
    normalise_ipi_name,
    normalise_isrc,
    normalise_iswc,
)
from bunpai.formats.cwr.model import (
    RIGHTS,
    TOLERANCE,
    WHOLE,
    Acknowledgement,
    AlternativeTitle,
    Consequence,
    CrossReference,
    CwrFile,
    Level,
    Message,
    Origin,
    OriginalWork,
    Party,
    Performer,
    Record,
    Recording,
    Territory,
    Transaction,
)
from bunpai.formats.cwr.reader import parse_date, slice_fields

WRITER_DESIGNATIONS = {"C", "A", "CA", "AR", "AD", "SA", "SR", "TR", "PA"}
CREATOR_DESIGNATIONS = {"C", "A", "CA"}
MODIFIER_DESIGNATIONS = {"AR", "AD", "SA", "SR", "TR"}
PUBLISHER_TYPES = {"AQ", "AM", "PA", "E", "ES", "SE"}
DISTRIBUTION_CATEGORIES = {"JAZ", "POP", "SER", "UNC"}
VERSION_TYPES = {"ORI", "MOD"}
TITLE_TYPES = {"AT", "TE", "FT", "IT", "OT", "TT", "PT", "RT", "ET", "OL", "AL"}
ACK_STATUSES = {"CO", "DU", "RA", "AS", "AC", "SR", "CR", "RJ", "NP", "NA", "WA"}
MESSAGE_TYPES = {"F", "R", "T", "G", "E"}
RECORDED = {"Y", "N", "U", ""}


@cache
def society_codes() -> dict[int, str]:
    """CISAC society codes → names (shipped list, the one django-music-publisher publishes)."""
    text = resources.files("bunpai.formats.cwr").joinpath("societies.csv").read_text(encoding="utf-8")
    out: dict[int, str] = {}
    for row in csv.reader(text.splitlines()):
        if len(row) >= 2 and row[0].strip().isdigit():
            out[int(row[0])] = row[1].strip()
    return out


@cache
def _society_code(raw: str) -> str | None:
    """``"52"``, ``"052"`` → ``"052"``; ``None`` when not a CISAC society code."""
    if not raw.isdigit() or int(raw) not in society_codes():
        return None
    return f"{int(raw):03d}"


def parse_duration(value: str) -> int | None:
    """``HHMMSS`` → seconds; ``None`` when blank, zero or malformed."""
    v = value.strip()
    if len(v) != 6 or not v.isdigit():
        return None
    h, m, s = int(v[:2]), int(v[2:4]), int(v[4:])
    if m > 59 or s > 59:
        return None
    return h * 3600 + m * 60 + s or None


class _Check:
    """Validation of one transaction; collects messages on it."""

    def __init__(self, cwr: CwrFile, txn: Transaction) -> None:
        self.cwr = cwr
        self.txn = txn
        self.major = cwr.major

    # ---------------------------------------------------------------- messages
    def reject(self, record: Record, text: str, validation: str = "000") -> None:
        self.txn.messages.append(
            Message(
                Level.TRANSACTION if record.line == self.txn.line else Level.RECORD,
                Consequence.TRANSACTION,
                text,
                line=record.line,
                record_type=record.record_type,
                record_sequence=_seq(record),
                validation_number=validation,
                group=self.txn.group,
            )
        )
        self.txn.rejected = True

    def drop_record(self, record: Record, text: str) -> None:
        self.txn.messages.append(
            Message(
                Level.RECORD,
                Consequence.RECORD,
                f"{text}; record ignored",
                line=record.line,
                record_type=record.record_type,
                record_sequence=_seq(record),
                group=self.txn.group,
            )
        )

    def drop_field(self, record: Record, text: str) -> None:
        self.txn.messages.append(
            Message(
                Level.FIELD,
                Consequence.FIELD,
                f"{text}; field ignored",
                line=record.line,
                record_type=record.record_type,
                record_sequence=_seq(record),
                group=self.txn.group,
            )
        )

    # ---------------------------------------------------------------- helpers
    def share(self, record: Record, name: str, right: str) -> int:
        raw = record.get(name)
        v = raw.strip()
        if v == "":
            return 0
        if not v.isdigit():
            self.reject(
                record,
                f"{record.record_type} {right} share {raw!r} is not a number "
                "(5 digits, hundredths of a percent)",
            )
            return 0
        value = int(v)
        if value > WHOLE:
            self.reject(record, f"{record.record_type} {right} share {value / 100:.2f} % is above 100 %")
        return value

    def society(self, record: Record, name: str) -> str:
        raw = record.get(name).strip()
        if raw == "":
            return ""
        code = _society_code(raw)
        if code is None:
            self.drop_field(record, f"{record.record_type} society code {raw!r} is not a CISAC society code")
            return ""
        return code

    def ipi_name(self, record: Record, name: str = "ipi_name") -> str:
        raw = record.get(name).strip()
        if raw == "" or raw.strip("0") == "":
            return ""
        v = normalise_ipi_name(raw)
        if not is_valid_ipi_name(v):
            self.drop_field(
                record, f"{record.record_type} IPI name number {raw!r} has a wrong check digit or format"
            )
            return ""
        return v

    def ipi_base(self, record: Record, name: str = "ipi_base") -> str:
        raw = record.get(name).strip()
        if raw == "" or raw.strip("0") == "":
            return ""
        if not is_valid_ipi_base(raw):
            self.drop_field(
                record, f"{record.record_type} IPI base number {raw!r} has a wrong check digit or format"
            )
            return ""
        return normalise_ipi_base(raw)

    def iswc(self, record: Record, name: str = "iswc") -> str:
        raw = record.get(name).strip()
        if raw == "":
            return ""
        if not is_valid_iswc(raw):
            self.drop_field(
                record,
                f"{record.record_type} ISWC {raw!r} is not valid (format T + 9 digits + "
                "check digit, or wrong check digit)",
            )
            return ""
        return normalise_iswc(raw)

    # ---------------------------------------------------------------- transactions
    def run(self) -> None:
        txn = self.txn
        for record in txn.records:
            layout = L.layout_for(record.record_type, self.major)
            if layout is not None:
                record.fields = slice_fields(record.text, layout)
        t = txn.transaction_type
        if t == "ACK":
            self.acknowledgement()
        elif t == "AGR":
            self.agreement()
        elif t in ("ISR", "ISA"):
            self.iswc_request()
        else:
            self.work()

    def work(self) -> None:
        txn = self.txn
        head = txn.records[0]
        txn.title = head.get("title").strip()
        txn.submitter_work_number = head.get("submitter_work_number").strip()
        txn.language = head.get("language").strip()
        txn.distribution_category = head.get("distribution_category").strip()
        txn.version_type = head.get("version_type").strip()
        txn.recorded = head.get("recorded").strip()
        txn.iswc = self.iswc(head)
        is_registration = txn.transaction_type in ("NWR", "REV", "WRK")
        if not txn.title:
            self.reject(head, f"{txn.transaction_type} work title is missing")
        if not txn.submitter_work_number:
            self.reject(head, f"{txn.transaction_type} submitter work number is missing")
        if txn.language and not (len(txn.language) == 2 and txn.language.isalpha()):
            self.drop_field(head, f"language code {txn.language!r} is not an ISO 639-1 code")
            txn.language = ""
        raw_duration = head.get("duration").strip()
        txn.duration = parse_duration(raw_duration)
        if raw_duration and txn.duration is None and raw_duration.strip("0"):
            self.drop_field(head, f"duration {raw_duration!r} is not HHMMSS")
        if is_registration or txn.transaction_type == "EXC":
            if txn.distribution_category not in DISTRIBUTION_CATEGORIES:
                self.reject(
                    head,
                    f"musical work distribution category {txn.distribution_category!r} is not "
                    "one of JAZ, POP, SER, UNC",
                )
            elif txn.distribution_category == "SER" and not txn.duration:
                self.reject(head, "a serious (SER) work needs a duration")
            if txn.version_type not in VERSION_TYPES:
                self.reject(head, f"version type {txn.version_type!r} is not ORI or MOD")
            if txn.recorded not in RECORDED:
                self.drop_field(head, f"recorded indicator {txn.recorded!r} is not Y, N or U")
        self.details()
        if is_registration:
            self.check_parties()

    def details(self) -> None:
        txn = self.txn
        current_pub: Party | None = None
        current_writer: Party | None = None
        for record in txn.records[1:]:
            rt = record.record_type
            if rt in ("SPU", "OPU"):
                current_pub = self.publisher(record)
                txn.publishers.append(current_pub)
            elif rt in ("SPT", "OPT"):
                self.territory(record, current_pub, ("SPU", "OPU"), rt)
            elif rt in ("SWR", "OWR"):
                current_writer = self.writer(record)
                txn.writers.append(current_writer)
            elif rt in ("SWT", "OWT"):
                self.territory(record, current_writer, ("SWR", "OWR"), rt)
            elif rt == "PWR":
                self.publisher_for_writer(record, current_writer)
            elif rt in ("ALT", "NAT"):
                title = record.get("title").strip()
                tt = record.get("title_type").strip()
                if not title:
                    self.drop_record(record, f"{rt} alternative title is blank")
                elif tt not in TITLE_TYPES:
                    self.drop_record(record, f"{rt} title type {tt!r} is not a CWR title type")
                else:
                    txn.alternative_titles.append(AlternativeTitle(title, tt, record.get("language").strip()))
            elif rt == "PER":
                last = record.get("last_name").strip()
                if not last:
                    self.drop_record(record, "PER performing artist name is blank")
                else:
                    txn.performers.append(
                        Performer(last, record.get("first_name").strip(), self.ipi_name(record))
                    )
            elif rt == "REC":
                self.recording(record)
            elif rt == "ORN":
                year = record.get("production_year").strip()
                txn.origins.append(
                    Origin(
                        intended_purpose=record.get("intended_purpose").strip(),
                        production_title=record.get("production_title").strip(),
                        library=record.get("library").strip(),
                        cd_identifier=record.get("cd_identifier").strip(),
                        production_year=int(year) if year.isdigit() and int(year) > 0 else None,
                        episode_title=record.get("episode_title").strip(),
                    )
                )
            elif rt in ("VER", "OWK", "EWT"):
                title = record.get("title").strip()
                if not title:
                    self.reject(record, f"{rt} original work title is missing")
                    continue
                writers = [
                    " ".join(
                        p
                        for p in (
                            record.get(f"writer{i}_last_name").strip(),
                            record.get(f"writer{i}_first_name").strip(),
                        )
                        if p
                    )
                    for i in (1, 2)
                ]
                txn.original_works.append(OriginalWork(title, self.iswc(record), [w for w in writers if w]))
            elif rt == "XRF":
                ident = record.get("identifier").strip()
                if not ident:
                    self.drop_record(record, "XRF identifier is blank")
                    continue
                txn.cross_references.append(
                    CrossReference(
                        record.get("organisation").strip(),
                        ident,
                        record.get("identifier_type").strip(),
                        record.get("validity").strip() != "N",
                    )
                )
            elif rt == "WRI":
                self.request_writer(record)

    def publisher(self, record: Record) -> Party:
        rt = record.record_type
        controlled = rt == "SPU"
        unknown = record.get("unknown").strip() == "Y"
        seq_raw = record.get("publisher_sequence").strip()
        party = Party(
            kind="publisher",
            controlled=controlled,
            ip_number=record.get("ip_number").strip(),
            last_name=record.get("name").strip(),
            first_name="",
            role=record.get("publisher_type").strip(),
            ipi_name=self.ipi_name(record),
            ipi_base=self.ipi_base(record),
            societies={},
            shares={},
            unknown=unknown,
            publisher_sequence=int(seq_raw) if seq_raw.isdigit() else None,
            line=record.line,
        )
        if party.publisher_sequence is None:
            self.reject(record, f"{rt} publisher sequence number {seq_raw!r} is not a number")
        if controlled and not party.ip_number:
            self.reject(
                record, "SPU interested party number is missing (required for a controlled publisher)"
            )
        if controlled and unknown:
            self.reject(record, "SPU publisher unknown indicator must be blank for a controlled publisher")
        if not party.last_name and not unknown and controlled:
            self.reject(record, f"{rt} publisher name is missing")
        if (party.role and party.role not in PUBLISHER_TYPES) or (controlled and not party.role):
            self.reject(
                record,
                f"{rt} publisher type {party.role!r} is not one of " + ", ".join(sorted(PUBLISHER_TYPES)),
            )
        if self.major == 2:
            for right in RIGHTS:
                party.shares[right] = self.share(record, f"{right.lower()}_share", right)
                party.societies[right] = self.society(record, f"{right.lower()}_society")
            if party.shares["PR"] > WHOLE // 2:
                self.reject(
                    record,
                    f"{rt} PR ownership share {party.shares['PR'] / 100:.2f} % is above "
                    "the 50 % a publisher may own of the performing right",
                )
        return party

    def writer(self, record: Record) -> Party:
        rt = record.record_type
        controlled = rt == "SWR"
        unknown = record.get("unknown").strip() == "Y"
        party = Party(
            kind="writer",
            controlled=controlled,
            ip_number=record.get("ip_number").strip(),
            last_name=record.get("last_name").strip(),
            first_name=record.get("first_name").strip(),
            role=record.get("designation").strip(),
            ipi_name=self.ipi_name(record),
            ipi_base=self.ipi_base(record),
            societies={},
            shares={},
            unknown=unknown,
            line=record.line,
        )
        if controlled and not party.ip_number:
            self.reject(record, "SWR interested party number is missing (required for a controlled writer)")
        if controlled and not party.last_name:
            self.reject(record, "SWR writer last name is missing")
        if controlled and unknown:
            self.reject(record, "SWR writer unknown indicator must be blank for a controlled writer")
        if party.role not in WRITER_DESIGNATIONS and (controlled or party.role):
            self.reject(
                record,
                f"{rt} writer designation {party.role!r} is not one of "
                + ", ".join(sorted(WRITER_DESIGNATIONS)),
            )
        if self.major == 2:
            for right in RIGHTS:
                party.shares[right] = self.share(record, f"{right.lower()}_share", right)
                party.societies[right] = self.society(record, f"{right.lower()}_society")
        return party

    def territory(self, record: Record, owner: Party | None, owners: tuple[str, str], rt: str) -> None:
        if owner is None:
            self.reject(record, f"{rt} territory record without a preceding {' or '.join(owners)} record")
            return
        ip = record.get("ip_number").strip()
        if ip != owner.ip_number:
            self.reject(
                record,
                f"{rt} interested party number {ip!r} does not match the preceding "
                f"{'publisher' if owner.kind == 'publisher' else 'writer'} ({owner.ip_number!r})",
            )
        flag = record.get("inclusion").strip()
        if flag not in ("I", "E"):
            self.reject(record, f"{rt} inclusion/exclusion indicator {flag!r} is not I or E")
            return
        tis_raw = record.get("tis").strip()
        if not tis_raw.isdigit():
            self.reject(record, f"{rt} TIS territory code {tis_raw!r} is not a number")
            return
        shares = {right: self.share(record, f"{right.lower()}_share", right) for right in RIGHTS}
        if flag == "E" and any(shares.values()):
            given = ", ".join(f"{r} {v / 100:.2f} %" for r, v in shares.items() if v)
            self.reject(
                record,
                f"{rt} territory {int(tis_raw)} is excluded (E) but collection shares are "
                f"given ({given}); an excluded territory collects nothing",
            )
        if self.major >= 3:
            for right in RIGHTS:
                soc = self.society(record, f"{right.lower()}_society")
                if soc and not owner.societies.get(right):
                    owner.societies[right] = soc
        owner.territories.append(Territory(int(tis_raw), flag == "I", shares))

    def publisher_for_writer(self, record: Record, writer: Party | None) -> None:
        txn = self.txn
        pub_ip = record.get("publisher_ip_number").strip()
        writer_ip = record.get("writer_ip_number").strip()
        publishers = {p.ip_number for p in txn.publishers if p.ip_number}
        if pub_ip and pub_ip not in publishers:
            self.reject(
                record,
                f"PWR publisher {pub_ip!r} is not a publisher of this work (no SPU/OPU with "
                "that interested party number)",
            )
        target = writer
        if writer_ip:
            target = next((w for w in txn.writers if w.ip_number == writer_ip), None)
            if target is None:
                self.reject(record, f"PWR writer {writer_ip!r} is not a writer of this work")
                return
        if target is None:
            self.reject(record, "PWR record without a writer to link")
            return
        if pub_ip:
            target.for_publishers.append(pub_ip)

    def recording(self, record: Record) -> None:
        raw_isrc = record.get("isrc").strip()
        isrc = ""
        if raw_isrc:
            if is_valid_isrc(raw_isrc):
                isrc = normalise_isrc(raw_isrc)
            else:
                self.drop_field(record, f"REC ISRC {raw_isrc!r} is not a valid ISRC")
        title = record.get("recording_title").strip() or record.get("album_title").strip()
        self.txn.recordings.append(
            Recording(
                isrc=isrc,
                title=title,
                release_date=parse_date(record.get("release_date")),
                duration=parse_duration(record.get("release_duration")),
                label=(record.get("record_label").strip() or record.get("album_label").strip()),
                album=record.get("album_title").strip(),
                display_artist=record.get("display_artist").strip(),
            )
        )

    def request_writer(self, record: Record) -> None:
        role = record.get("designation").strip()
        if role and role not in WRITER_DESIGNATIONS:
            self.reject(
                record,
                f"WRI writer designation {role!r} is not one of " + ", ".join(sorted(WRITER_DESIGNATIONS)),
            )
        self.txn.writers.append(
            Party(
                kind="writer",
                controlled=False,
                ip_number=record.get("ip_number").strip(),
                last_name=record.get("last_name").strip(),
                first_name=record.get("first_name").strip(),
                role=role,
                ipi_name=self.ipi_name(record),
                ipi_base="",
                societies={},
                shares={},
                line=record.line,
            )
        )

    def iswc_request(self) -> None:
        txn = self.txn
        head = txn.records[0]
        txn.title = head.get("title").strip()
        txn.submitter_work_number = head.get("submitter_work_number").strip()
        txn.iswc = self.iswc(head)
        if not txn.title:
            self.reject(head, f"{txn.transaction_type} work title is missing")
        if not txn.submitter_work_number and not txn.iswc:
            self.reject(head, f"{txn.transaction_type} needs a submitter work number or an ISWC")
        self.details()
        if not txn.writers:
            self.reject(head, f"{txn.transaction_type} ISWC request without any writer (WRI)")

    # ---------------------------------------------------------------- shares
    def check_parties(self) -> None:
        txn = self.txn
        head = txn.records[0]
        if self.major >= 3:
            for party in txn.parties():
                party.shares = _shares_from_territories(party)
        creators = [w for w in txn.writers if w.role in CREATOR_DESIGNATIONS]
        if not creators:
            self.reject(head, "the work has no composer or author (writer designation C, A or CA)")
        if txn.version_type == "MOD" and not any(w.role in MODIFIER_DESIGNATIONS for w in txn.writers):
            self.reject(
                head,
                "a modified version (MOD) needs an arranger, adaptor or translator "
                "(designation AR, AD, SA, SR or TR)",
            )
        for party in txn.publishers:
            if (
                party.controlled
                and not any(t.include for t in party.territories)
                and self.major == 2
                and party.territories
            ):
                self.reject(
                    _record_at(txn, party.line),
                    f"SPU publisher {party.ip_number!r} has no included territory (every SPT excludes)",
                )
        for right in RIGHTS:
            pubs = sum(p.shares.get(right, 0) for p in txn.publishers)
            writers = sum(w.shares.get(right, 0) for w in txn.writers)
            total = pubs + writers
            if total and abs(total - WHOLE) > TOLERANCE:
                self.reject(
                    head,
                    f"{right} ownership shares total {total / 100:.2f} % "
                    f"(writers {writers / 100:.2f} %, publishers {pubs / 100:.2f} %); "
                    "they must total 100 % (+/- 0.06 %) or 0 %",
                )
            if right == "PR" and pubs > WHOLE // 2 + TOLERANCE:
                self.reject(head, f"publishers own {pubs / 100:.2f} % of the performing right; at most 50 %")
            if right == "PR" and writers and writers < WHOLE // 2 - TOLERANCE and total:
                self.reject(
                    head,
                    f"writers own {writers / 100:.2f} % of the performing right; "
                    "the writers' share is 0 or at least 50 %",
                )
        # collection shares per territory and right, over all parties
        per_territory: dict[tuple[int, str], int] = {}
        for party in txn.parties():
            for terr in party.territories:
                if terr.include:
                    for right, value in terr.shares.items():
                        per_territory[terr.tis, right] = per_territory.get((terr.tis, right), 0) + value
        for (tis, right), value in sorted(per_territory.items()):
            if value > WHOLE + TOLERANCE:
                self.reject(
                    head,
                    f"{right} collection shares in territory {tis} total {value / 100:.2f} %; at most 100 %",
                )

    # ---------------------------------------------------------------- ACK and AGR
    def acknowledgement(self) -> None:
        txn = self.txn
        head = txn.records[0]
        status = head.get("status").strip()
        if status not in ACK_STATUSES:
            self.reject(head, f"ACK transaction status {status!r} is not a CWR status")
        otype = head.get("original_transaction_type").strip()
        if otype not in L.TRANSACTIONS and otype not in ("HDR", "GRH"):
            self.reject(head, f"ACK original transaction type {otype!r} is not a CWR transaction type")
        processing = parse_date(head.get("processing_date"))
        if processing is None:
            self.reject(head, f"ACK processing date {head.get('processing_date')!r} is not a valid date")
        txn.title = head.get("title").strip()
        txn.submitter_work_number = head.get("submitter_work_number").strip()
        ogid = head.get("original_group_id").strip()
        oseq = head.get("original_transaction_sequence").strip()
        txn.acknowledgement = Acknowledgement(
            original_group_id=int(ogid) if ogid.isdigit() else None,
            original_transaction_sequence=int(oseq) if oseq.isdigit() else None,
            original_transaction_type=otype,
            submitter_work_number=txn.submitter_work_number,
            society_work_number=head.get("society_work_number").strip(),
            status=status,
            processing_date=processing,
        )
        for record in txn.records[1:]:
            if record.record_type == "MSG":
                mt = record.get("message_type").strip()
                lvl = record.get("message_level").strip()
                if mt not in MESSAGE_TYPES or lvl not in MESSAGE_TYPES:
                    self.drop_record(
                        record, f"MSG message type {mt!r} / level {lvl!r} is not E, G, T, R or F"
                    )

    def agreement(self) -> None:
        txn = self.txn
        head = txn.records[0]
        if not head.get("submitter_agreement_number").strip():
            self.reject(head, "AGR submitter agreement number is missing")
        if parse_date(head.get("start_date")) is None:
            self.reject(head, f"AGR agreement start date {head.get('start_date')!r} is not a valid date")
        if not head.get("agreement_type").strip():
            self.reject(head, "AGR agreement type is missing")
        territories = 0
        assignors = 0
        for record in txn.records[1:]:
            if record.record_type == "TER":
                territories += 1
                flag, tis = record.get("inclusion").strip(), record.get("tis").strip()
                if flag not in ("I", "E") or not tis.isdigit():
                    self.reject(
                        record,
                        f"TER territory {record.get('inclusion')!r}{record.get('tis')!r} is "
                        "not I/E with a TIS code",
                    )
            elif record.record_type == "IPA":
                role = record.get("agreement_role").strip()
                if role == "AS":
                    assignors += 1
                elif role != "AC":
                    self.reject(record, f"IPA agreement role {role!r} is not AS (assignor) or AC (acquirer)")
                if not record.get("last_name").strip():
                    self.reject(record, "IPA interested party last name is missing")
                self.ipi_name(record)
                for right in RIGHTS:
                    self.share(record, f"{right.lower()}_share", right)
        if territories == 0:
            self.reject(head, "AGR agreement without a territory (TER)")
        if assignors == 0:
            self.reject(head, "AGR agreement without an assignor (IPA with role AS)")


def _shares_from_territories(party: Party) -> dict[str, int]:
    """CWR 3.x carries shares per territory only: take the world (2136), else the first included."""
    included = [t for t in party.territories if t.include]
    if not included:
        return dict.fromkeys(RIGHTS, 0)
    world = next((t for t in included if t.tis == 2136), included[0])
    return dict(world.shares)


def _record_at(txn: Transaction, line: int) -> Record:
    return next(r for r in txn.records if r.line == line)


def _seq(record: Record) -> int | None:
    v = record.text[11:19].strip()
    return int(v) if v.isdigit() else None


def validate_file(cwr: CwrFile) -> None:
    """Validate the content of every transaction, then apply group and file rejections."""
    for group in cwr.groups:
        for txn in group.transactions:
            _Check(cwr, txn).run()
            for record in txn.records:  # the sliced fields are only needed while checking
                record.fields = {}
            if txn.rejected and not any(m.consequence == Consequence.TRANSACTION for m in txn.messages):
                txn.rejected = True
            if group.rejected or cwr.rejected:
                txn.rejected = True
