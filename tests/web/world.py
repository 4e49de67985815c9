"""A small world for web tests: a generated period loaded through the registry, one user per role,
a run computed by the runner and approved by the approver, and a claim with its evidence."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PASSWORD = "web-test-password-1"
PDF = b"%PDF-1.4\n% evidence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ROLES = [
    "registry_editor",
    "distribution_runner",
    "distribution_approver",
    "administrator",
    "licensee",
    "member",
    "claimant",
]


@dataclass
class World:
    users: dict[str, Any]
    run: Any
    input_dir: Path
    claim: Any
    evidence: Any
    member_party_id: str
    other_member: Any
    other_licensee: Any
    own_licensee: Any
    report: Any
    other_report: Any
    invoice: Any = None  # of L1 (the licensee user's)
    other_invoice: Any = None  # of L2
    broadcast_run: Any = None  # approved: runner ran it, approver approved it
    broadcast_payee: str = ""  # the member's payee id in it


_GENERATED: dict[str, Path] = {}
_QUARTERS: dict[str, dict[str, Path]] = {}


def generated_quarters() -> dict[str, Path]:
    """Two small broadcast quarters per test session, under the data folder the site may read."""
    if "q" not in _QUARTERS:
        from bunpai.web.demo import demo_quarters

        path = Path(os.environ["BUNPAI_DATA_DIR"]) / "test-quarters"
        shutil.rmtree(path, ignore_errors=True)
        _QUARTERS["q"] = demo_quarters(path, works=150, lines=1500, seed=11)
    return _QUARTERS["q"]


def generated_period() -> Path:
    """One generated period per test session (200 works), under the data folder the site may read."""
    if "path" not in _GENERATED:
        from bunpai.demo.prc import generate_period

        path = Path(os.environ["BUNPAI_DATA_DIR"]) / "test-periods" / "generated"
        shutil.rmtree(path, ignore_errors=True)
        generate_period(path, works=200, seed=7)
        _GENERATED["path"] = path
    return _GENERATED["path"]


def build_world(tmp: Path, *, broadcast: bool = False) -> World:
    import csv

    from django.core.files.uploadedfile import SimpleUploadedFile

    from bunpai.services import registry
    from bunpai.services import runs as run_service
    from bunpai.store import current_alias
    from bunpai.store import models as m
    from bunpai.web.models import Claim, ClaimEvidence, Licensee, PartyAccount
    from bunpai.web.roles import create_user

    generated = generated_period()
    registry.load_prc_folder(generated)
    input_dir = generated.parent / f"input-{current_alias()}-{tmp.name}"
    shutil.rmtree(input_dir, ignore_errors=True)
    shutil.copytree(generated, input_dir)
    registry.export_prc_rights(input_dir, reference_date=dt.date(2026, 6, 30))
    users = {role: create_user(role, PASSWORD, role, using=current_alias()) for role in ROLES}
    users["member2"] = create_user("member2", PASSWORD, "member", using=current_alias())
    users["claimant2"] = create_user("claimant2", PASSWORD, "claimant", using=current_alias())
    run = run_service.start_run(user=users["distribution_runner"], source=input_dir)
    assert run.status == "computed", run.problems
    run_service.approve_run(run, users["distribution_approver"])

    with (input_dir / "parties.csv").open(encoding="utf-8") as f:
        categories = {r["party_id"]: r["category"] for r in csv.DictReader(f)}
    with (Path(run.folder) / "result" / "holders.csv").open(encoding="utf-8") as f:
        holders = sorted(csv.DictReader(f), key=lambda r: -int(r["net_yen"]))
    members = [h["party_id"] for h in holders if categories[h["party_id"]] == "member"]
    nonmembers = [p for p, c in categories.items() if c == "nonmember"]

    def party(number: str) -> Any:
        return m.Party.objects.get(references__submitter="PRC", references__number=number)

    PartyAccount.objects.create(user=users["member"], party=party(members[0]))
    PartyAccount.objects.create(user=users["member2"], party=party(members[1]))
    PartyAccount.objects.create(user=users["claimant"], party=party(nonmembers[0]))
    PartyAccount.objects.create(user=users["claimant2"], party=party(nonmembers[1]))
    own = Licensee.objects.create(code="L1", name="Station one")
    own.users.add(users["licensee"])
    other = Licensee.objects.create(code="L2", name="Station two")
    from bunpai.intake.models import ReportFile
    from bunpai.web.demo import demo_reports

    report = ReportFile.objects.get(pk=demo_reports("L1", "L1-FM", "L2", "L2-FM", by="licensee").report_id)
    other_report = ReportFile.objects.get(station="L2-FM")
    work = m.Work.objects.order_by("pk").first()
    claim = Claim.objects.create(
        claimant=users["claimant"],
        party=party(nonmembers[0]),
        work=work,
        fund="broadcast",
        use_date=dt.date(2025, 12, 1),
        claimed_on=dt.date(2026, 7, 1),
    )
    evidence = ClaimEvidence.objects.create(
        claim=claim,
        kind="use",
        file=SimpleUploadedFile("programme.pdf", PDF),
        original_name="programme.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    world = World(
        users, run, input_dir, claim, evidence, members[0], users["member2"], other, own, report, other_report
    )
    if broadcast:
        add_broadcast(world)
    return world


def add_broadcast(world: World) -> None:
    """Licensees L1 and L2 with invoices and payments, and an approved broadcast quarter in which
    the member's party is a payee (its BROADCAST reference)."""
    from bunpai.broadcast.models import Invoice
    from bunpai.services import broadcast_runs
    from bunpai.store import models as m
    from bunpai.web.demo import demo_billing

    demo_billing("L1", "Station one", revenue_yen=1_000_000_000, paid=1)
    demo_billing("L2", "Station two", revenue_yen=2_000_000_000, paid=2)
    world.invoice = Invoice.objects.filter(licensee__code="L1").order_by("instalment").first()
    world.other_invoice = Invoice.objects.filter(licensee__code="L2").order_by("instalment").first()
    users = world.users
    run = broadcast_runs.start(user=users["distribution_runner"], source=generated_quarters()["2026Q1"])
    broadcast_runs.approve(run, users["distribution_approver"])
    world.broadcast_run = run
    payees = [
        p.payee_id
        for p in broadcast_runs.payments(broadcast_runs.run_folder(run))  # type: ignore[arg-type]
        if p.method == "zengin" and p.payee_id.startswith("M")
    ]
    world.broadcast_payee = payees[0]
    m.PartyReference.objects.create(party=users["member"].party_account.party, submitter="BROADCAST", number=payees[0])
    m.PartyReference.objects.create(party=users["member2"].party_account.party, submitter="BROADCAST", number=payees[1])


def client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client
