"""Japanese titles in CWR (NAT records) and payees' bank accounts in the registry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bunpai.formats.cwr import read_bytes
from bunpai.formats.cwr.model import AlternativeTitle
from bunpai.formats.cwr.writer import write_registrations
from bunpai.formats.tables import InputError

from .test_registry import work


def _nat_file() -> bytes:
    txn = work("DW000001", "YOZORA NO HANABI", 5000)
    txn.alternative_titles = [AlternativeTitle("夜空の花火", "OT", "JA"), AlternativeTitle("YOZORA (TV SIZE)", "AT")]
    return "".join(write_registrations([txn], character_set="UTF-8")).encode("utf-8")


def test_nat_title_is_read_with_its_script() -> None:
    data = _nat_file()
    assert b"NAT" in data and "夜空の花火".encode() in data
    cwr = read_bytes(data, "CW260001NAT_038.V21")
    assert data.split(b"\r\n")[0][86:101] == b"UTF-8          "  # HDR character set
    txn = cwr.transactions()[0]
    assert not txn.rejected
    assert [(a.title, a.title_type, a.language) for a in txn.alternative_titles] == [
        ("夜空の花火", "OT", "JA"),
        ("YOZORA (TV SIZE)", "AT", ""),
    ]


def test_nat_title_with_a_bad_title_type_is_dropped_with_a_message() -> None:
    data = _nat_file().replace("夜空の花火".encode(), "夜空の花火".encode(), 1)
    text = data.decode("utf-8").replace("OTJA", "XXJA", 1)
    txn = read_bytes(text.encode("utf-8"), "x.V21").transactions()[0]
    assert [a.title for a in txn.alternative_titles] == ["YOZORA (TV SIZE)"]
    assert any("NAT title type 'XX'" in m.text for m in txn.messages)


def test_nat_title_is_stored_and_identifies_a_kanji_report_line(registry_db: str) -> None:
    from bunpai.services.intake import registry_index
    from bunpai.services.registry import import_cwr
    from bunpai.store import models as m

    import_cwr(read_bytes(_nat_file(), "CW260001NAT_038.V21"), received_on=dt.date(2026, 3, 2))
    stored = m.Work.objects.get(submitter_work_number="DW000001")
    assert "夜空の花火" in set(stored.alternative_titles.values_list("title", flat=True))
    index, _codes = registry_index()
    from bunpai.identify.engine import Query

    match = index.identify(Query(title="夜空の花火"))
    assert match.work_id == stored.society_code


ACCOUNTS = (
    "party,bank_code,branch_code,account_type,account_number,account_holder\r\n{ipi},0001,001,1,1234567,ﾔﾏﾀﾞ ﾀﾛｳ\r\n"
)


def test_accounts_are_checked_and_stored(registry_db: str, tmp_path: Path) -> None:
    from bunpai.services.accounts import import_accounts
    from bunpai.services.registry import import_cwr
    from bunpai.store import models as m

    import_cwr(read_bytes(_nat_file(), "CW260001NAT_038.V21"), received_on=dt.date(2026, 3, 2))
    writer = m.Party.objects.exclude(ipi_name=None).filter(kind=m.Party.PERSON).first()
    assert writer is not None
    good = tmp_path / "accounts.csv"
    good.write_bytes(ACCOUNTS.format(ipi=writer.ipi_name).encode("cp932"))
    result = import_accounts(good, on=dt.date(2026, 3, 10))
    assert (result.stored, result.replaced) == (1, 0)
    account = m.BankAccount.objects.get(party=writer)
    assert (account.bank_code, account.branch_code, account.account_number, account.holder_kana) == (
        "0001", "001", "1234567", "ﾔﾏﾀﾞ ﾀﾛｳ",
    )  # fmt: skip
    again = import_accounts(good, on=dt.date(2026, 4, 1))
    assert (again.stored, again.replaced) == (0, 1)

    bad = tmp_path / "bad.csv"
    bad.write_text(
        ACCOUNTS.format(ipi=writer.ipi_name).replace(",001,", ",999,") + "00000000000,0001,001,1,7654321,ｱ\r\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        import_accounts(bad)
    found = sorted(str(p) for p in error.value.problems)
    assert found == [
        "bad.csv:2: branch_code: unknown branch '999' of bank '0001'",
        "bad.csv:3: party: no party with IPI name number or reference '00000000000'",
    ]
    assert m.BankAccount.objects.get(party=writer).updated_on == dt.date(2026, 4, 1)  # nothing stored from bad.csv


def test_performers_of_recorded_works_identify_a_line_that_names_only_the_performer(registry_db: str) -> None:
    from bunpai.identify.engine import AUTO, REVIEW, Query
    from bunpai.services.intake import registry_index
    from bunpai.services.registry import import_cwr
    from bunpai.store import models as m

    import_cwr(read_bytes(_nat_file(), "CW260001NAT_038.V21"), received_on=dt.date(2026, 3, 2))
    stored = m.Work.objects.get(submitter_work_number="DW000001")
    index, _codes = registry_index()
    # the performer is nobody the registry knows for this work: the title alone is not enough
    assert index.identify(Query("夜空の花火", ("ハナビ シスターズ",))).decision == REVIEW
    recording = m.Recording.objects.create(work=stored, isrc="JPA012600001")
    recording.performers.add(m.Performer.objects.create(name="ハナビ", first_name="シスターズ"))
    index, _codes = registry_index()
    match = index.identify(Query("夜空の花火", ("ハナビ シスターズ",)))
    assert (match.decision, match.work_id, match.method) == (AUTO, stored.society_code, "performer")
