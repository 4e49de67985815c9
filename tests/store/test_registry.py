"""The registry on SQLite and on PostgreSQL: CWR import, conflicts, the bitemporal as-of query."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bunpai.formats.cwr import read_bytes, read_path
from bunpai.formats.cwr.model import Party, Territory, Transaction
from bunpai.formats.cwr.writer import write_registrations
from bunpai.services.registry import export_prc_rights, import_cwr, import_work_csv, shares_as_of

DATA = Path(__file__).resolve().parents[1] / "data" / "cwr"
MAY = dt.date(2026, 5, 1)
FILES = sorted(p for p in DATA.iterdir() if p.suffix.lower() in (".v21", ".v22", ".sub", ".isr", ".txt"))


def work(
    number: str,
    title: str,
    writer_pr: int,
    publisher: str = "ALPHA MUSIC",
    iswc: str = "",
    txn_type: str = "NWR",
) -> Transaction:
    pub_pr = 10_000 - writer_pr
    writer = Party(
        "writer",
        True,
        "W1",
        "YAMADA",
        "TARO",
        "CA",
        "00755792595",
        "",
        {"PR": "038", "MR": "038", "SR": "038"},
        {"PR": writer_pr, "MR": 0, "SR": 0},
        for_publishers=["P1"],
    )
    pub = Party(
        "publisher",
        True,
        "P1",
        publisher,
        "",
        "E",
        "",
        "",
        {"PR": "038", "MR": "038", "SR": "038"},
        {"PR": pub_pr, "MR": 10_000, "SR": 10_000},
        [Territory(2136, True, {"PR": pub_pr, "MR": 10_000, "SR": 10_000})],
    )
    return Transaction(
        txn_type,
        None,
        0,
        0,
        title=title,
        submitter_work_number=number,
        iswc=iswc,
        distribution_category="POP",
        version_type="ORI",
        publishers=[pub],
        writers=[writer],
    )


def cwr_of(*txns: Transaction, txn_type: str = "NWR") -> bytes:
    for t in txns:
        t.transaction_type = txn_type
    return "".join(write_registrations(list(txns), transaction_type=txn_type)).encode("ascii")


def pr_shares(on: dt.date, known: dt.date | None) -> dict[str, int]:
    return {f"{r.party}:{r.role}": r.share for r in shares_as_of(on=on, known=known, right="PR")}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_real_file_imports(path: Path, registry_db: str) -> None:
    from bunpai.store import models as m

    cwr = read_path(path)
    result = import_cwr(cwr, received_on=MAY)
    answered = [t for t in cwr.transactions() if t.transaction_type != "ACK"]
    assert len(result.outcomes) == len(answered)
    statuses = result.statuses
    assert statuses.get("RJ", 0) == sum(1 for t in answered if t.rejected or cwr.rejected)
    stored = statuses.get("AS", 0) + statuses.get("AC", 0)
    assert m.Work.objects.count() == result.stored == stored
    ack = read_bytes(result.ack_text.encode("ascii"))
    assert not ack.rejected and len(ack.accepted()) == len(answered)


def test_registration_is_stored_with_its_shares(registry_db: str) -> None:
    from bunpai.store import models as m

    result = import_cwr(read_path(DATA / "django-music-publisher__CW220001DMP_000.V21"), received_on=MAY)
    assert result.statuses == {"AS": 1}
    w = m.Work.objects.get()
    assert (w.title, w.iswc, w.version_type, w.submitter_work_number) == (
        "MUSIC PUB CARTOONS",
        "T1234567894",
        "MOD",
        "DMP000001",
    )
    assert w.alternative_titles.count() == 5
    assert w.original_title == "MUSIC PUB CARTOONS"
    assert [c.production.title for c in w.cues.all()] == ["MUSIC LIBRARY"]  # ORN: the library
    rows = shares_as_of(on=dt.date(2026, 6, 30), known=None, works=[w.pk], right="PR")
    assert sum(r.share for r in rows) == 10_000
    undetermined = [r for r in rows if r.party_id is None]
    assert [r.share for r in undetermined] == [1250]  # the unknown other publisher
    pub = m.Party.objects.get(name="TEST PUBLISHER")
    assert pub.ipi_name == "09000000020" and pub.kind == "company"
    assert m.Membership.objects.get(party=pub, right="PR").kind == "foreign"  # PRS (052), not JASRAC


def test_same_file_twice_is_a_duplicate(registry_db: str) -> None:
    from bunpai.store import models as m

    path = DATA / "django-music-publisher__CW220001DMP_000.V21"
    import_cwr(read_path(path), received_on=MAY)
    again = import_cwr(read_path(path), received_on=MAY + dt.timedelta(days=3))
    assert again.statuses == {"DU": 1}
    assert m.Work.objects.count() == 1
    assert m.Conflict.objects.get().status == "DU"
    assert "DU" in again.ack_text.splitlines()[2][-2:]


def test_same_iswc_with_other_shares_is_a_conflict(registry_db: str) -> None:
    from bunpai.store import models as m

    first = import_cwr(read_bytes(cwr_of(work("A1", "SAKURA", 5000, iswc="T0345246801"))), received_on=MAY)
    assert first.statuses == {"AS": 1}
    other = read_bytes(cwr_of(work("Z9", "SAKURA SAKURA", 6000, publisher="BETA", iswc="T0345246801")))
    result = import_cwr(other, received_on=MAY)
    assert result.statuses == {"CO": 1}
    assert m.Work.objects.count() == 1
    assert "EXC" in result.ack_text and "ISWC T0345246801" in result.ack_text


def test_same_title_and_creators_is_matched(registry_db: str) -> None:
    import_cwr(read_bytes(cwr_of(work("A1", "Yoake no Uta", 5000))), received_on=MAY)
    same = import_cwr(read_bytes(cwr_of(work("Q7", "YOAKE NO UTA!", 5000))), received_on=MAY)
    assert same.statuses == {"DU": 1}
    changed = import_cwr(read_bytes(cwr_of(work("Q8", "yoake no uta", 7000))), received_on=MAY)
    assert changed.statuses == {"CO": 1}


def test_conflict_inside_one_file(registry_db: str) -> None:
    result = import_cwr(read_path(DATA / "CWR-DataApi__demo_cwr_cleaned.v22"), received_on=MAY)
    assert result.statuses.get("CO") == 1  # KEY002 repeats KEY001's ISWC with other writers


def test_revision_is_bitemporal(registry_db: str) -> None:
    """The distribution asks: who held PR on June 30, from documents received by June 20?"""
    import_cwr(read_bytes(cwr_of(work("A1", "HANABI", 5000))), received_on=dt.date(2026, 5, 1))
    rev = import_cwr(
        read_bytes(cwr_of(work("A1", "HANABI", 6000), txn_type="REV")), received_on=dt.date(2026, 6, 25)
    )
    assert rev.statuses == {"AS": 1}
    june30 = dt.date(2026, 6, 30)
    assert pr_shares(june30, dt.date(2026, 6, 20)) == {"YAMADA, TARO:CA": 5000, "ALPHA MUSIC:E": 5000}
    assert pr_shares(june30, dt.date(2026, 6, 25)) == {"YAMADA, TARO:CA": 6000, "ALPHA MUSIC:E": 4000}
    assert pr_shares(june30, None) == pr_shares(june30, dt.date(2026, 12, 31))
    assert pr_shares(june30, dt.date(2026, 4, 30)) == {}


def test_valid_time_bounds(registry_db: str) -> None:
    import_cwr(read_bytes(cwr_of(work("A1", "NATSU", 5000))), received_on=MAY, valid_from=dt.date(2026, 7, 1))
    assert pr_shares(dt.date(2026, 6, 30), None) == {}
    assert sum(pr_shares(dt.date(2026, 7, 1), None).values()) == 10_000


def test_territory_exclusion(registry_db: str) -> None:
    txn = work("A1", "FUYU", 5000)
    pub = txn.publishers[0]
    pub.territories.append(Territory(392, False, {"PR": 0, "MR": 0, "SR": 0}))
    import_cwr(read_bytes(cwr_of(txn)), received_on=MAY)
    on = dt.date(2026, 6, 30)
    japan = {r.party for r in shares_as_of(on=on, right="PR", territory=392)}
    world = {r.party for r in shares_as_of(on=on, right="PR", territory=2136)}
    assert japan == {"YAMADA, TARO"}
    assert world == {"YAMADA, TARO", "ALPHA MUSIC"}


def test_csv_import_of_the_spreadsheet(registry_db: str) -> None:
    from bunpai.store import models as m

    result = import_work_csv(DATA / "django-music-publisher__dataimport.csv", received_on=MAY)
    assert result.statuses == {"AS": 20}
    assert m.Work.objects.count() == 20
    w = m.Work.objects.get(submitter_work_number="X125")
    rows = shares_as_of(on=MAY, works=[w.pk], right="PR")
    assert sorted(r.share for r in rows) == [3333, 6667]
    again = import_work_csv(DATA / "django-music-publisher__dataimport.csv", received_on=MAY)
    assert again.statuses == {"DU": 20}


def test_export_for_the_private_recording_distribution(registry_db: str, tmp_path: Path) -> None:
    import csv

    import_cwr(read_bytes(cwr_of(work("A1", "HANABI", 5000))), received_on=dt.date(2026, 5, 1))
    import_cwr(read_bytes(cwr_of(work("A2", "LATE", 5000))), received_on=dt.date(2026, 6, 25))
    counts = export_prc_rights(tmp_path, reference_date=dt.date(2026, 6, 30))
    assert counts == {"parties.csv": 2, "works.csv": 2, "rights.csv": 2}  # every work; counted rights
    rights = list(csv.DictReader((tmp_path / "rights.csv").open(encoding="utf-8")))
    assert {r["role"] for r in rights} == {"composer", "publisher"}
    assert {r["share"] for r in rights} == {"5000/10000"}
    assert all(r["submitted_on"] == "2026-05-01" for r in rights)
    parties = list(csv.DictReader((tmp_path / "parties.csv").open(encoding="utf-8")))
    assert {p["category"] for p in parties} == {"member"}


def test_cli_import_writes_the_ack(
    registry_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bunpai.cli.main import main

    ack = tmp_path / "answer.V21"
    code = main(
        [
            "cwr",
            "import",
            str(DATA / "CWR-DataApi__revexample.V21"),
            "--out",
            str(ack),
            "--received-on",
            "2026-05-01",
            "--json",
        ]
    )
    assert code == 0
    assert '"AS": 2' in capsys.readouterr().out
    statuses = [t.acknowledgement.status for t in read_path(ack).accepted() if t.acknowledgement]
    assert statuses == ["AS", "AS"]
    assert main(["registry", "as-of", "DMP000001", "--on", "2026-06-30", "--json"]) == 0
    assert '"share_percent": "50.00"' in capsys.readouterr().out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.integers(0, 50)), min_size=1, max_size=4, unique_by=lambda x: x[0]
    ),
    st.integers(0, 70),
)
def test_as_of_answers_the_last_document_received(
    registry_db: str, history: list[tuple[int, int]], day: int
) -> None:
    """Whatever the order of the documents, "as known on K" is the last one received by K."""
    from django.db import transaction

    start = dt.date(2026, 1, 1)
    with transaction.atomic(using=registry_db):
        for offset, pub_pr in sorted(history):
            txn_type = "NWR" if offset == min(h[0] for h in history) else "REV"
            import_cwr(
                read_bytes(cwr_of(work("H1", "HISTORY", 10_000 - pub_pr), txn_type=txn_type)),
                received_on=start + dt.timedelta(days=offset),
            )
        known = start + dt.timedelta(days=day)
        got = pr_shares(dt.date(2026, 12, 31), known)
        received = [(o, p) for o, p in sorted(history) if o <= day]
        if not received:
            assert got == {}
        else:
            pub_pr = received[-1][1]
            expected = {"YAMADA, TARO:CA": 10_000 - pub_pr}
            if pub_pr:
                expected["ALPHA MUSIC:E"] = pub_pr
            assert got == expected
        transaction.set_rollback(True, using=registry_db)


def test_the_demo_period_runs_the_same_through_the_registry(
    registry_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The main job's demo data, loaded into the registry and exported for its reference date,
    gives the same distribution as the folder it came from."""
    import json
    import shutil

    from bunpai.cli.main import main
    from bunpai.demo.prc import generate_period

    source = tmp_path / "source"
    generate_period(source, works=150, seed=7)
    assert main(["registry", "load-prc", str(source)]) == 0
    exported = tmp_path / "exported"
    assert main(["registry", "export-prc", str(exported), "--reference-date", "2026-06-30"]) == 0
    for extra in source.iterdir():
        if extra.name not in ("parties.csv", "works.csv", "rights.csv"):
            shutil.copy(extra, exported / extra.name)
    assert main(["prc", "run", str(source), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert main(["prc", "run", str(exported), "--out", str(tmp_path / "b"), "--quiet"]) == 0
    capsys.readouterr()
    a = json.loads((tmp_path / "a" / "summary.json").read_text())
    b = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert a == b and a["balanced"] is True
    for name in ("statement_lines.csv", "payees.csv", "held.csv", "work_points.csv"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text(), name
