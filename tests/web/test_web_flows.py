"""Audit trail, four-eyes approval, claims feeding the next period, uploads and security headers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.web.world import PDF, World, build_world, client_for


@pytest.fixture
def world(registry_db: str, tmp_path: Path) -> World:
    return build_world(tmp_path)


def test_audit_records_who_when_before_and_after(world: World) -> None:
    from bunpai.store import models as m
    from bunpai.web.audit import acting_user
    from bunpai.web.models import AuditEntry

    share = m.Share.objects.order_by("pk").first()
    assert share is not None
    editor = world.users["registry_editor"]
    with acting_user(editor):
        share.valid_to = share.valid_from or share.received_on
        share.save()
    entry = AuditEntry.objects.filter(model="registry.Share", object_id=str(share.pk)).first()
    assert entry is not None and entry.action == "update" and entry.username == "registry_editor"
    assert entry.changed_fields() == [("valid_to", None, share.valid_to.isoformat())]

    # through the admin, with the signed-in user taken from the request
    party = m.Party.objects.filter(kind="person").order_by("pk").first()
    assert party is not None
    client = client_for(editor)
    fields = {"party": party.pk, "right": "MR", "kind": "member", "society": "", "valid_from": "", "valid_to": ""}
    assert client.post("/admin/registry/membership/add/", fields).status_code == 302
    added = m.Membership.objects.get(party=party, right="MR")
    fields["kind"] = "nonmember"
    assert client.post(f"/admin/registry/membership/{added.pk}/change/", fields).status_code == 302
    entries = list(AuditEntry.objects.filter(model="registry.Membership", object_id=str(added.pk)).order_by("pk"))
    assert [e.action for e in entries] == ["create", "update"]
    assert all(e.user_id == editor.pk for e in entries)
    assert entries[1].changed_fields() == [("kind", "member", "nonmember")]
    page = client.get("/staff/audit/?model=registry.Membership").content.decode()
    assert "nonmember" in page and "registry_editor" in page

    membership = m.Membership.objects.order_by("pk").first()
    assert membership is not None
    pk = membership.pk
    membership.delete()
    gone = AuditEntry.objects.get(model="registry.Membership", object_id=str(pk))
    assert gone.action == "delete" and gone.after is None and gone.before["kind"] == membership.kind
    assert gone.username == "(system)"


def test_the_runner_cannot_approve_and_approved_runs_stay(world: World) -> None:
    from bunpai.services import runs as run_service
    from bunpai.web.models import PrcRun

    again = run_service.start_run(user=world.users["distribution_runner"], source=world.input_dir)
    assert again.status == PrcRun.FAILED and "already has an approved run" in again.problems
    correction = run_service.start_run(
        user=world.users["distribution_runner"], source=world.input_dir, corrects=world.run
    )
    assert correction.status == PrcRun.COMPUTED
    runner = client_for(world.users["distribution_runner"])
    page = runner.get(f"/staff/runs/{correction.pk}/").content.decode()
    assert 'id="approve"' not in page
    runner.post(f"/staff/runs/{correction.pk}/approve/")  # the runner holds no approval permission
    admin = world.users["administrator"]
    with pytest.raises(run_service.RunError, match="cannot approve"):
        run_service.approve_run(correction, world.users["distribution_runner"])
    # an administrator who ran a distribution cannot approve it either
    own = run_service.start_run(user=admin, source=world.input_dir, corrects=world.run)
    response = client_for(admin).post(f"/staff/runs/{own.pk}/approve/", follow=True)
    assert "cannot approve" in response.content.decode()
    own.refresh_from_db()
    assert own.status == PrcRun.COMPUTED
    approver = client_for(world.users["distribution_approver"])
    page = approver.get(f"/staff/runs/{correction.pk}/").content.decode()
    assert 'id="approve"' in page and "✗" not in page and page.count("✓") == 5
    approver.post(f"/staff/runs/{correction.pk}/approve/")
    correction.refresh_from_db()
    assert correction.status == PrcRun.APPROVED and correction.approved_by == world.users["distribution_approver"]
    with pytest.raises(run_service.RunError):
        run_service.approve_run(correction, admin)
    assert run_service.current_runs() == [correction]


def test_a_filed_claim_is_accepted_and_distributed_in_the_next_run(world: World) -> None:
    from bunpai.services import runs as run_service
    from bunpai.store import models as m
    from bunpai.web.models import Claim

    claimant = client_for(world.users["claimant2"])
    work = m.Work.objects.order_by("-pk").first()
    assert work is not None

    def files(**extra: bytes) -> dict[str, object]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        data: dict[str, object] = {
            "work_code": work.society_code,
            "fund": "recording",
            "use_date": "2025-11-03",
            "statement": "CD の歌詞カードに名前があります",
        }
        for kind in ("use", "author", "identity"):
            data[kind] = SimpleUploadedFile(f"{kind}.pdf", extra.get(kind, PDF))
        return data

    refused = claimant.post("/claimant/claims/new/", files(identity=b"MZ not a document"))
    assert refused.status_code == 200 and "PDF・PNG・JPEG のいずれか" in refused.content.decode()
    missing = claimant.post(
        "/claimant/claims/new/", {"work_code": "NOPE", "fund": "recording", "use_date": "2025-01-01"}
    )
    assert missing.status_code == 200 and Claim.objects.filter(claimant=world.users["claimant2"]).count() == 0
    response = claimant.post("/claimant/claims/new/", files())
    assert response.status_code == 302
    claim = Claim.objects.get(claimant=world.users["claimant2"])
    assert claim.evidence.count() == 3 and claim.status == Claim.SUBMITTED

    staff = client_for(world.users["distribution_runner"])
    assert staff.post(f"/staff/claims/{claim.pk}/", {"decision": "accept", "note": "NM 7 checked"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.ACCEPTED and claim.reviewed_by == world.users["distribution_runner"]

    run = run_service.start_run(user=world.users["distribution_runner"], source=world.input_dir, corrects=world.run)
    assert run.status == "computed" and run.claims_added == 1  # accepted claims only, not the submitted one
    with (Path(run.folder) / "input" / "claims.csv").open(encoding="utf-8") as f:
        rows = {r["claim_id"]: r for r in csv.DictReader(f)}
    assert rows[claim.claim_id]["work_id"] == work.society_code and rows[claim.claim_id]["fund"] == "recording"
    with (Path(run.folder) / "result" / "claims_result.csv").open(encoding="utf-8") as f:
        results = {r["claim_id"]: r for r in csv.DictReader(f)}
    assert claim.claim_id in results
    claim.refresh_from_db()
    assert claim.status == Claim.INCLUDED and claim.run == run
    run_service.approve_run(run, world.users["distribution_approver"])
    status = claimant.get(f"/api/claims/{claim.pk}").json()
    assert status["status"] == "included" and status["result"] == results[claim.claim_id]["status"]


def test_uploads_are_limited_and_headers_are_set(world: World) -> None:
    from django.test import override_settings

    client = client_for(world.users["claimant"])
    with override_settings(BUNPAI_MAX_UPLOAD_BYTES=1000):
        big = client.post("/claimant/claims/new/", {"x": "y" * 2000})
    assert big.status_code == 413
    page = client_for(None).get("/accounts/login/")
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page.cookies["csrftoken"]["secure"] and page.cookies["csrftoken"]["samesite"] == "Lax"
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/accounts/login/", {"username": "member", "password": "x"}).status_code == 403


def test_pages_speak_japanese_and_english(world: World) -> None:
    client = client_for(world.users["member"])
    client.cookies["bunpai_language"] = "ja"
    assert "分配明細" in client.get("/member/statements/").content.decode()
    client.cookies["bunpai_language"] = "en"
    assert "My statements" in client.get("/member/statements/").content.decode()
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert "分配明細" in client.get("/member/statements/").content.decode()
