"""Every real CWR file of the external cases, with the expectation its README gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from bunpai.formats.cwr import Consequence, CwrFile, read_bytes, read_path
from bunpai.formats.cwr.ack import write_ack

DATA = Path(__file__).resolve().parents[1] / "data" / "cwr"


def read(name: str) -> CwrFile:
    return read_path(DATA / name)


def texts(cwr: CwrFile) -> str:
    return "\n".join(m.text for m in cwr.all_messages())


def rejecting(cwr: CwrFile) -> list[str]:
    lenient = (Consequence.FIELD, Consequence.RECORD)
    return [m.text for m in cwr.all_messages() if m.consequence not in lenient]


def test_dmp_registration_is_valid_whole() -> None:
    cwr = read("django-music-publisher__CW220001DMP_000.V21")
    assert (cwr.version, len(cwr.accepted()), len(cwr.rejected_transactions())) == ("2.1", 1, 0)
    assert cwr.all_messages() == []
    work = cwr.accepted()[0]
    assert work.title == "MUSIC PUB CARTOONS"
    assert work.iswc == "T1234567894"
    assert work.version_type == "MOD"
    assert [w.role for w in work.writers] == ["AR", "AD", "CA"]
    assert [p.role for p in work.publishers] == ["E", "E"]
    assert {a.title for a in work.alternative_titles} >= {"MPC ACADEMY", "MUSIC PUB CARTOONS SUFFIX"}
    for right in ("PR", "MR", "SR"):
        assert sum(p.shares[right] for p in work.parties()) == 10_000


def test_dmp_broken_copy_is_rejected_with_precise_messages() -> None:
    cwr = read("django-music-publisher__CW220004DMP_000.V21")
    assert (len(cwr.accepted()), len(cwr.rejected_transactions())) == (0, 1)
    by_line = {m.line: m for m in cwr.all_messages()}
    assert "'XXX00' is not a number" in by_line[8].text and by_line[8].record_type == "SWT"
    assert "excluded (E)" in by_line[5].text and by_line[5].record_type == "SPT"


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("django-music-publisher__CW220002DMP_0000_V3-0-0.SUB", 1),
        ("django-music-publisher__CW220003DMP_0000_V3-0-0.ISR", 1),
        ("musicmetadata-edi__CW190008MPC_0000_V3-0-0.ISR", 19),
    ],
)
def test_cwr_3_files_are_valid(name: str, count: int) -> None:
    cwr = read(name)
    assert cwr.version == "3.0"
    assert (len(cwr.accepted()), len(cwr.rejected_transactions())) == (count, 0)
    assert not cwr.rejected
    assert rejecting(cwr) == []


def test_cwr_3_submission_shares_come_from_territories() -> None:
    work = read("django-music-publisher__CW220002DMP_0000_V3-0-0.SUB").accepted()[0]
    assert work.transaction_type == "WRK"
    assert sum(p.shares["PR"] for p in work.parties()) == 10_000
    assert sum(p.shares["MR"] for p in work.parties()) == 10_000
    assert work.publishers[0].societies["PR"] == "052"
    assert [x.identifier for x in work.cross_references] == ["REMOTE1"]


@pytest.mark.parametrize(
    ("name", "acks"),
    [
        ("django-music-publisher__CW220001000_DMP.V21", 2),
        ("CWR-DataApi__ackexample.V21", 20),
        ("php-cwr-exporter__ascap_ack_sample.txt", 54),
        ("php-cwr-exporter__sacm_ack_sample.txt", 2),
    ],
)
def test_acknowledgement_files_are_valid(name: str, acks: int) -> None:
    cwr = read(name)
    assert not cwr.rejected
    assert len(cwr.accepted()) == acks
    assert cwr.rejected_transactions() == []
    assert all(t.acknowledgement is not None for t in cwr.accepted())


def test_ack_statuses_are_read() -> None:
    cwr = read("django-music-publisher__CW220001052_DMP.V21")
    acks = [t.acknowledgement for t in cwr.transactions() if t.acknowledgement]
    assert [a.status for a in acks] == ["AS", "RA", "RA", "NP", "NP"]
    assert acks[0].society_work_number == "123"


def test_bmi_ack_reports_the_bad_iswc() -> None:
    cwr = read("django-music-publisher__CW220001052_DMP.V21")
    assert len(cwr.accepted()) == 8 and not cwr.rejected
    bad = [m for m in cwr.all_messages() if "T3221234234" in m.text]
    assert bad and all(m.record_type == "ISW" and m.consequence == Consequence.FIELD for m in bad)


def test_minimal_new_work_is_valid() -> None:
    cwr = read("CWR-DataApi__nwrexample2.V21")
    assert (len(cwr.accepted()), len(cwr.rejected_transactions())) == (1, 0)
    assert cwr.all_messages() == []


def test_revision_example_is_valid() -> None:
    cwr = read("CWR-DataApi__revexample.V21")
    assert (len(cwr.accepted()), len(cwr.rejected_transactions())) == (2, 0)
    assert rejecting(cwr) == []
    first = cwr.accepted()[0]
    assert first.performers and first.recordings and first.origins and first.alternative_titles


def test_mixed_2_2_file_keeps_what_is_right() -> None:
    cwr = read("CWR-DataApi__demo_cwr_cleaned.v22")
    assert cwr.version == "2.2"
    assert not cwr.rejected
    assert len(cwr.accepted()) == 8 and len(cwr.rejected_transactions()) == 2
    text = texts(cwr)
    assert "ACK transaction in a group of REV" in text
    assert "MR ownership shares total 125.00 %" in text
    assert "NWR transaction in a group of REV; processed as NWR" in text


def test_generated_file_with_injected_errors() -> None:
    cwr = read("musicmetadata-edi__CW190001MPC_000.V21")
    assert len(cwr.accepted()) >= 90
    assert 1 <= len(cwr.rejected_transactions()) <= 10
    text = texts(cwr)
    assert "transaction sequence number '        ' is not a number" in text
    assert "record type is blank" in text
    assert "'ALX' is not a CWR record type" in text
    assert "record sequence number '000000X2' is not a number" in text
    lines = {m.line for m in cwr.all_messages()}
    assert {3, 19, 20, 1612} <= lines


def test_eleven_digit_ipi_sender_with_wrong_trailers() -> None:
    cwr = read("CWR-Validator-max1millions__hdr_ipnn_v21.V21")
    assert cwr.sender_type == "01" and "IPI 01234567890" in cwr.sender
    works = [t for t in cwr.accepted() if t.transaction_type == "NWR"]
    assert len(works) == 2 and cwr.rejected_transactions() == []
    trailer = [m for m in cwr.all_messages() if m.record_type in ("GRT", "TRL")]
    assert any("TRL transaction count '00000532'" in m.text for m in trailer)
    assert any("GRT transaction count '00000179'" in m.text for m in trailer)


def test_truncated_file_is_rejected_with_a_clear_reason() -> None:
    cwr = read("CWR-Validator-max1millions__broken.V21")
    assert cwr.rejected
    assert cwr.accepted() == []
    text = texts(cwr)
    assert "the header is truncated" in text
    assert "no file trailer (TRL): it is truncated" in text
    assert "no group trailer (GRT)" in text


def test_hand_written_file_with_wrong_widths_is_rejected() -> None:
    cwr = read("CWR-Test__sample_cwr_2.2.txt")
    assert cwr.rejected
    assert cwr.accepted() == []
    assert "EDI standard version at position 60" in texts(cwr)


ALL = sorted(p.name for p in DATA.iterdir() if p.suffix.lower() in (".v21", ".v22", ".sub", ".isr", ".txt"))


@pytest.mark.parametrize("name", ALL)
def test_every_file_answers_with_a_readable_ack(name: str) -> None:
    cwr = read(name)
    ack = read_bytes(write_ack(cwr).encode("ascii"))
    assert not ack.rejected
    answered = [t for t in cwr.transactions() if t.transaction_type != "ACK"]
    assert len(ack.accepted()) == len(answered)
    statuses = [t.acknowledgement.status for t in ack.accepted() if t.acknowledgement]
    assert statuses == ["RJ" if (t.rejected or cwr.rejected) else "RA" for t in answered]


def test_cwr_3_1_header_is_read_like_3_0() -> None:
    raw = (DATA / "django-music-publisher__CW220002DMP_0000_V3-0-0.SUB").read_bytes()
    raw = raw.replace(b"3.0000", b"3.1000", 1).replace(b"GRHWRK0000103.00", b"GRHWRK0000103.10", 1)
    cwr = read_bytes(raw)
    assert cwr.version == "3.1"
    assert (len(cwr.accepted()), len(cwr.rejected_transactions())) == (1, 0)
    assert rejecting(cwr) == []
