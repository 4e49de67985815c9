"""The broadcast side of the site on SQLite and PostgreSQL: licensees' invoices and payments (staff
and portal, object-level), broadcast runs (four eyes, immutability, conservation shown with the
run's own integers, statements and payment files as the statements command writes them), and a
member's broadcast statements."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.web.world import World, build_world, client_for, generated_quarters


@pytest.fixture
def world(registry_db: str, tmp_path: Path) -> World:
    return build_world(tmp_path, broadcast=True)


def _body(response: object) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content  # type: ignore[attr-defined,no-any-return]


# ---- invoices and payments ----------------------------------------------------------------------


def test_a_licensee_sees_and_downloads_only_its_own_invoices(world: World) -> None:
    from bunpai.broadcast.models import Invoice

    licensee = client_for(world.users["licensee"])
    page = licensee.get("/licensee/invoices/")
    numbers = [r.number for r in page.context["rows"]]
    own = list(Invoice.objects.filter(licensee__code="L1").order_by("fiscal_year", "instalment"))
    assert numbers == [f"INV-L1-2026-{i.instalment}" for i in own] and len(own) == 4
    assert "INV-L2" not in page.content.decode()

    pdf = licensee.get(f"/licensee/invoices/{world.invoice.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert licensee.get(f"/licensee/invoices/{world.invoice.pk}.pdf").content == pdf.content  # same bytes
    assert licensee.get(f"/licensee/invoices/{world.other_invoice.pk}.pdf").status_code == 404
    assert licensee.get(f"/licensee/invoices/{world.invoice.pk}.txt").status_code == 404

    rows = list(csv.reader(io.StringIO(licensee.get(f"/licensee/invoices/{world.invoice.pk}.csv").content.decode())))
    amount = world.invoice.amount_yen
    assert rows[1][:4] == ["INV-L1-2026-1", "L1", "2026", "1"] and rows[1][6] == str(amount)
    assert rows[-1] == [str(amount), str(amount), "0"]  # the first instalment is paid in full

    api = licensee.get("/api/invoices").json()
    assert [i["number"] for i in api] == numbers
    second = api[1]  # half paid
    assert second["paid_yen"] == own[1].amount_yen // 2
    assert second["balance_yen"] == own[1].amount_yen - own[1].amount_yen // 2
    assert licensee.get(f"/api/invoices/{world.other_invoice.pk}").status_code == 404
    detail = licensee.get(f"/api/invoices/{world.invoice.pk}").json()
    assert detail["payments"] == [{"received_on": str(world.invoice.payments.get().received_on), "amount_yen": amount}]
    assert "rate 3/200" in detail["fee_basis"]
    assert licensee.get(f"/api/invoices/{world.invoice.pk}/pdf").content == pdf.content
    assert licensee.get(f"/api/invoices/{world.invoice.pk}/xml").status_code == 422
    assert client_for(world.users["member"]).get("/api/invoices").status_code == 403


def test_the_invoices_add_up_to_the_assessed_fee(world: World) -> None:
    from bunpai.broadcast.models import FeeAssessment
    from bunpai.services.intake import usage_share

    assessment = FeeAssessment.objects.get(licence__licensee__code="L1")
    # revenue × 15/1000 × usage share (the licensee's own report: 215 s of its works over 215 s managed)
    measured = usage_share("L1", 2026)
    assert (measured.own_seconds, measured.managed_seconds) == (215, 215)
    assert (assessment.revenue_yen, assessment.rate, assessment.usage_share) == (1_000_000_000, "3/200", "1/1")
    assert assessment.fee_yen == 15_000_000
    assert sum(i.amount_yen for i in assessment.invoices.all()) == assessment.fee_yen


def test_staff_record_a_payment_and_the_unpaid_amount_falls(world: World) -> None:
    from bunpai.broadcast import services

    licensee = world.invoice.licensee
    before = services.unpaid(licensee)
    runner = client_for(world.users["distribution_runner"])
    url = f"/staff/licensees/{licensee.pk}/"
    page = runner.get(url)
    assert page.context["totals"] == before and "record-payment" in page.content.decode()
    second = licensee.invoices.order_by("instalment")[1]
    response = runner.post(url, {"invoice": second.pk, "amount_yen": 123_456, "received_on": "2026-07-15"})
    assert response.status_code == 302
    after = services.unpaid(licensee)
    assert after["paid_yen"] == before["paid_yen"] + 123_456
    assert after["unpaid_yen"] == before["unpaid_yen"] - 123_456
    # not positive, in the future, or another licensee's invoice: refused, nothing recorded
    for bad in (
        {"invoice": second.pk, "amount_yen": 0, "received_on": "2026-07-15"},
        {"invoice": second.pk, "amount_yen": 5, "received_on": "2999-01-01"},
        {"invoice": world.other_invoice.pk, "amount_yen": 5, "received_on": "2026-07-15"},
    ):
        assert runner.post(url, bad).status_code == 200
    assert services.unpaid(licensee) == after
    listing = runner.get("/staff/licensees/")
    row = next(r for r in listing.context["rows"] if r["licensee"].code == "L1")
    assert row["totals"] == after and [lic.fiscal_year for lic in row["licences"]] == [2026]
    # the approver reads the page but has no form
    assert client_for(world.users["distribution_approver"]).get(url).context["form"] is None


# ---- broadcast runs -----------------------------------------------------------------------------


def test_a_broadcast_run_needs_a_second_person_and_is_immutable_once_approved(world: World) -> None:
    from bunpai.broadcast.models import DistributionRun, ImmutableError

    runner = client_for(world.users["distribution_runner"])
    folder = generated_quarters()["2026Q2"]
    response = runner.post("/staff/broadcast/runs/new/", {"folder": str(folder)})
    assert response.status_code == 302
    run = DistributionRun.objects.get(quarter="2026Q2")
    assert run.status == "draft" and run.web_record.ran_by == world.users["distribution_runner"]
    page = runner.get(f"/staff/broadcast/runs/{run.pk}/")
    assert page.context["can_approve"] is False and "four-eyes" in page.content.decode()

    # the runner cannot approve, even as an administrator would try through the page
    runner.post(f"/staff/broadcast/runs/{run.pk}/approve/")
    run.refresh_from_db()
    assert run.status == "draft"
    admin_runner = world.users["administrator"]
    own = client_for(admin_runner).post("/staff/broadcast/runs/new/", {"folder": str(folder)})
    own_run = DistributionRun.objects.get(pk=int(own["Location"].rstrip("/").rsplit("/", 1)[1]))
    client_for(admin_runner).post(f"/staff/broadcast/runs/{own_run.pk}/approve/")
    own_run.refresh_from_db()
    assert own_run.status == "draft"

    approver = client_for(world.users["distribution_approver"])
    assert approver.get(f"/staff/broadcast/runs/{run.pk}/").context["can_approve"] is True
    approver.post(f"/staff/broadcast/runs/{run.pk}/approve/")
    run.refresh_from_db()
    assert run.status == "approved" and run.approved_at is not None
    assert run.web_record.approved_by == world.users["distribution_approver"]
    run.summary = {**run.summary, "net_total_yen": 1}
    with pytest.raises(ImmutableError):
        run.save()
    run.refresh_from_db()
    approver.post(f"/staff/broadcast/runs/{run.pk}/approve/")  # twice: refused, unchanged
    approver.post(f"/staff/broadcast/runs/{run.pk}/paid/")
    run.refresh_from_db()
    assert run.status == "paid" and run.web_record.paid_by == world.users["distribution_approver"]
    with pytest.raises(ImmutableError):
        run.delete()


def test_a_run_page_shows_the_quarter_with_its_own_integers(world: World) -> None:
    run = world.broadcast_run
    folder = Path(run.web_record.folder)
    summary = json.loads((folder / "result" / "summary.json").read_text(encoding="utf-8"))
    page = client_for(world.users["distribution_approver"]).get(f"/staff/broadcast/runs/{run.pk}/")
    context = page.context
    assert context["failures"] == [] and all(i["holds"] for i in context["identities"])
    assert len(context["identities"]) == 2 * len(context["rows"]) + 2
    rows = [r["row"] for r in context["rows"]]
    assert sum(r.lines_total_yen for r in rows) == summary["lines_total_yen"]
    assert sum(r.fund_in_yen for r in rows) == summary["fund_in_total_yen"]
    overall = context["identities"][-2]
    assert overall["left"] == summary["amount_total_yen"] + summary["carry_in_total_yen"]
    assert [v for _, v in overall["right"]] == [
        summary["lines_total_yen"],
        summary["held_total_yen"],
        summary["carry_out_total_yen"],
    ]
    html = page.content.decode()
    assert html.count('class="chart"') == 2 and "¥{:,}".format(summary["net_total_yen"]) in html
    assert "資金 = 分配明細 + 保留 + 次期への繰越" in html  # the identities in Japanese
    # the payees are those of payments.csv, and their statements are the files the command wrote
    with (folder / "statements" / "payments.csv").open(encoding="utf-8") as f:
        paid = list(csv.DictReader(f))
    assert context["payments_total"] == len(paid)
    assert sum(p.gross_yen for p in context["payments"]) <= summary["lines_total_yen"]
    staff = client_for(world.users["distribution_runner"])
    for fmt in ("csv", "pdf"):
        got = _body(staff.get(f"/staff/broadcast/runs/{run.pk}/statements/{world.broadcast_payee}.{fmt}"))
        assert got == (folder / "statements" / "statements" / f"{world.broadcast_payee}.{fmt}").read_bytes()
    zengin = _body(staff.get(f"/staff/broadcast/runs/{run.pk}/files/zengin/transfers.txt"))
    assert zengin == (folder / "statements" / "zengin" / "transfers.txt").read_bytes() and zengin[:1] == b"1"


def test_a_run_from_a_bad_folder_keeps_nothing(world: World, tmp_path: Path) -> None:
    import shutil

    from bunpai.broadcast.models import DistributionRun
    from bunpai.services.runs import runs_dir

    runner = client_for(world.users["distribution_runner"])
    before = DistributionRun.objects.count()
    existing = set(runs_dir().iterdir())
    outside = runner.post("/staff/broadcast/runs/new/", {"folder": str(tmp_path)})
    assert outside.status_code == 200 and "not under an input folder" in outside.content.decode()

    bad = generated_quarters()["2026Q1"].parent / f"bad-{tmp_path.name}"
    shutil.rmtree(bad, ignore_errors=True)
    shutil.copytree(generated_quarters()["2026Q1"], bad)
    stations = (bad / "stations.csv").read_text(encoding="utf-8").replace(",nhk,3", ",nhk,three", 1)
    (bad / "stations.csv").write_text(stations, encoding="utf-8")
    response = runner.post("/staff/broadcast/runs/new/", {"folder": str(bad)})
    assert response.status_code == 200
    assert any(p.startswith("stations.csv:2: station_points") for p in response.context["problems"])
    assert DistributionRun.objects.count() == before and set(runs_dir().iterdir()) == existing
    shutil.rmtree(bad)


def test_members_see_their_own_broadcast_statements(world: World) -> None:
    from bunpai.services import broadcast_runs

    folder = Path(world.broadcast_run.web_record.folder)
    payments = {p.payee_id: p for p in broadcast_runs.payments(folder)}
    member = client_for(world.users["member"])
    page = member.get("/member/broadcast/")
    [(run, mine)] = page.context["history"]
    assert run == world.broadcast_run and mine == payments[world.broadcast_payee]
    assert page.content.decode().count('class="chart"') == 1
    other = client_for(world.other_member).get("/member/broadcast/").context["history"]
    assert [p.payee_id for _, p in other] != [world.broadcast_payee]
    got = _body(member.get(f"/member/broadcast/{run.pk}.csv")).decode()
    assert got == (folder / "statements" / "statements" / f"{world.broadcast_payee}.csv").read_text(encoding="utf-8")
    # a draft is not shown to members
    draft = broadcast_runs.start(user=world.users["distribution_runner"], source=generated_quarters()["2026Q2"])
    assert member.get(f"/member/broadcast/{draft.pk}.csv").status_code == 404
    assert len(member.get("/member/broadcast/").context["history"]) == 1


def test_a_per_use_invoice_downloads_too(world: World) -> None:
    import datetime as dt

    from bunpai.broadcast.models import Invoice
    from bunpai.formats.invoice_pdf import invoice_pdf
    from bunpai.web import billing

    per_use = Invoice.objects.create(
        licensee=world.invoice.licensee,
        fiscal_year=2027,
        instalment=2,
        due_date=dt.date(2027, 6, 30),
        amount_yen=12_345,
        description="per-use fees 2027-05: 3 use(s)",
    )
    doc = billing.document(per_use)
    assert (doc.instalments, doc.fee_basis, doc.balance_yen) == (0, "", 12_345)
    licensee = client_for(world.users["licensee"])
    pdf = licensee.get(f"/licensee/invoices/{per_use.pk}.pdf")
    assert pdf.content == invoice_pdf(doc) and pdf.content.startswith(b"%PDF")
    rows = licensee.get(f"/licensee/invoices/{per_use.pk}.csv").content.decode().splitlines()
    assert rows[1] == "INV-L1-2027-2,L1,2027,2,2027-06-30,per-use fees 2027-05: 3 use(s),12345"
    # the broadcast run keeps where its frozen input is, for a later release of what it held
    assert world.broadcast_run.inputs["input_path"] == str(Path(world.broadcast_run.web_record.folder) / "input")


def test_staff_invoice_a_month_of_per_use_fees(world: World) -> None:
    import datetime as dt

    from bunpai.broadcast.models import Invoice
    from bunpai.core.broadcast.licence import per_use_fee
    from bunpai.intake import models as im
    from bunpai.rules import broadcast_ruleset_for

    licensee = world.invoice.licensee
    licence = licensee.licences.get(fiscal_year=2026)
    url = f"/staff/licensees/{licensee.pk}/"
    runner = client_for(world.users["distribution_runner"])
    assert runner.get(url).context["per_use_form"] is None  # a blanket licence only
    licence.fee_type, licence.licence_type = "per_work", "per_use"
    licence.save()
    assert runner.get(url).context["per_use_form"] is not None
    form = {"action": "per_use", "licence": licence.pk, "month": "2026-05"}
    # an approver or a licensee may read invoices but not issue them
    for role in ("distribution_approver", "licensee", "member"):
        assert client_for(world.users[role]).post(url, form).status_code == 403, role
    durations = im.ReportLine.objects.filter(
        report__licensee="L1", report__month="2026-05", report__status=im.ReportFile.CURRENT,
        kind=im.ReportLine.WORK, outcome=im.THIS_SOCIETY,
    ).values_list("duration", flat=True)  # fmt: skip
    expected = per_use_fee(licence.station_kind, list(durations), broadcast_ruleset_for(dt.date(2026, 5, 1)))
    assert expected > 0
    assert runner.post(url, form).status_code == 302
    invoice = Invoice.objects.get(licensee=licensee, assessment__isnull=True)
    assert (invoice.amount_yen, invoice.instalment, invoice.due_date) == (expected, 2, dt.date(2026, 6, 30))
    again = runner.post(url, form, follow=True)
    assert "already invoiced" in again.content.decode()
    bad = runner.post(url, {**form, "month": "2026-13"}, follow=True)
    assert bad.status_code == 200 and Invoice.objects.filter(assessment__isnull=True).count() == 1
