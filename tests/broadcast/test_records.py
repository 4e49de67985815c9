"""Licences, fees, invoices, payments and runs as records, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
from fractions import Fraction
from pathlib import Path

import pytest

from bunpai.cli.main import main
from bunpai.core.broadcast.licence import blanket_fee, instalments, usage_share
from bunpai.formats.broadcast_output import input_digests
from bunpai.rules import broadcast_ruleset_for

EXAMPLE = Path(__file__).parent.parent / "data" / "broadcast" / "example"
RULES = broadcast_ruleset_for(dt.date(2026, 9, 30))


def test_blanket_fee_formula_and_minimum() -> None:
    share = usage_share(8_000, 10_000)
    assert blanket_fee(10_000_000_000, Fraction(15, 1000), share) == 120_000_000  # 1.5 % × 80 %
    assert blanket_fee(1_000_000, Fraction(12, 1000), share, 120_000) == 120_000  # community FM minimum
    rows = instalments(1_000_001, 2026, 4)
    assert [r[2] for r in rows] == [250_000, 250_000, 250_000, 250_001]
    due = [dt.date(2026, 4, 30), dt.date(2026, 7, 31), dt.date(2026, 10, 31), dt.date(2027, 1, 31)]
    assert [r[1] for r in rows] == due
    with pytest.raises(ValueError):
        usage_share(11, 10)


def test_licence_invoices_payments_and_unpaid(registry_db: str) -> None:
    from bunpai.broadcast.models import Licence, Licensee
    from bunpai.broadcast.services import assess_blanket_fee, record_payment, unpaid

    tv = Licensee.objects.create(code="TV01", name="東都テレビ")
    fm = Licensee.objects.create(code="CFM9", name="みなとコミュニティFM")
    licence = Licence.objects.create(licensee=tv, fiscal_year=2026, station_kind="terrestrial")
    assessment = assess_blanket_fee(licence, revenue_yen=20_000_000_000, usage_share=Fraction(3, 4), rules=RULES)
    assert assessment.fee_yen == 225_000_000 and assessment.rate == "3/200"
    invoices = list(tv.invoices.order_by("instalment"))
    assert [i.amount_yen for i in invoices] == [56_250_000] * 4
    record_payment(invoices[0], 56_250_000, dt.date(2026, 4, 28))
    record_payment(invoices[1], 50_000_000, dt.date(2026, 7, 30))
    assert unpaid(tv) == {"invoiced_yen": 225_000_000, "paid_yen": 106_250_000, "unpaid_yen": 118_750_000}
    assert unpaid(tv, on=dt.date(2026, 8, 1))["unpaid_yen"] == 6_250_000
    small = Licence.objects.create(licensee=fm, fiscal_year=2026, station_kind="community_fm")
    assert assess_blanket_fee(small, revenue_yen=5_000_000, usage_share=Fraction(1, 2), rules=RULES).fee_yen == 120_000


def test_runs_are_records_immutable_after_approval(registry_db: str, tmp_path: Path) -> None:
    from bunpai.broadcast.models import DistributionRun, ImmutableError
    from bunpai.broadcast.services import approve, mark_paid, record_run, rerun_draft

    first, again = tmp_path / "a", tmp_path / "b"
    assert main(["broadcast", "run", str(EXAMPLE), "--out", str(first), "--quiet"]) == 0
    assert main(["broadcast", "run", str(EXAMPLE), "--out", str(again), "--quiet"]) == 0
    run = record_run(first)
    assert run.status == "draft" and run.summary["lines_total_yen"] == 850
    rerun_draft(run, again)  # the same bytes
    approve(run)
    run.summary = {"tampered": True}
    with pytest.raises(ImmutableError):
        run.save()
    run.refresh_from_db()
    with pytest.raises(ImmutableError):
        run.delete()
    mark_paid(run)
    assert DistributionRun.objects.get(pk=run.pk).status == "paid"
    correction = record_run(again, corrects=run)
    assert correction.corrects_id == run.pk and correction.status == "draft"
    assert list(run.corrections.all()) == [correction]


def test_input_digests_are_the_sha256_of_each_file_by_its_path_in_the_folder(tmp_path: Path) -> None:
    (tmp_path / "usage" / "month=2026-04").mkdir(parents=True)
    files = {
        "period.toml": b"quarter = '2026Q2'\n",
        "empty.csv": b"",
        "usage/month=2026-04/part-0.parquet": bytes(range(256)) * 5000,  # more than a block of reading
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    assert input_digests(tmp_path) == {
        name: hashlib.sha256(content).hexdigest() for name, content in sorted(files.items())
    }
