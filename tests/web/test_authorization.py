"""The authorization matrix: every URL × every role → the expected status, on SQLite and PostgreSQL,
and the object-level checks (a member sees only their own statement, a claimant their own claim,
a licensee their own licensee)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.world import ROLES, World, build_world, client_for, generated_quarters

ANON = "anonymous"
STAFF = {"registry_editor", "distribution_runner", "distribution_approver", "administrator"}
EVERYONE = set(ROLES)


def _matrix(w: World) -> list[tuple[str, dict[str, int], int]]:
    """(url, {role: status for roles that get something else than the default}, default status)."""
    run, claim = w.run.pk, w.claim.pk
    runs_ok = {"distribution_runner": 200, "distribution_approver": 200, "administrator": 200}
    member = {"member": 200, "administrator": 404}  # the administrator's login is not a party
    bc = w.broadcast_run.pk
    crd = sorted((Path(w.broadcast_run.web_record.folder) / "statements" / "crd").iterdir())[0].name
    invoices_ok = {"licensee": 200, **runs_ok}
    return [
        ("/", dict.fromkeys(EVERYONE, 200), 403),
        ("/staff/runs/", runs_ok, 403),
        (f"/staff/runs/{run}/", runs_ok, 403),
        ("/staff/runs/new/", {"distribution_runner": 200, "administrator": 200}, 403),
        (f"/staff/runs/{run}/files/summary.json", runs_ok, 403),
        (
            f"/staff/runs/{run}/files/secret.txt",
            {"distribution_runner": 404, "distribution_approver": 404, "administrator": 404},
            403,
        ),
        (f"/staff/runs/{run}/statements/{w.member_party_id}.csv", runs_ok, 403),
        (f"/staff/runs/{run}/statements/{w.member_party_id}.pdf", runs_ok, 403),
        ("/staff/claims/", {"distribution_runner": 200, "administrator": 200}, 403),
        (f"/staff/claims/{claim}/", {"distribution_runner": 200, "administrator": 200}, 403),
        ("/staff/audit/", {"registry_editor": 200, "administrator": 200}, 403),
        (f"/evidence/{w.evidence.pk}/", {"claimant": 200, "distribution_runner": 200, "administrator": 200}, 404),
        ("/member/works/", member, 403),
        ("/member/statements/", member, 403),
        (f"/member/statements/{run}/", member, 403),
        (f"/member/statements/{run}.csv", member, 403),
        (f"/member/statements/{run}.pdf", member, 403),
        ("/claimant/claims/", {"claimant": 200, "administrator": 200}, 403),
        ("/claimant/claims/new/", {"claimant": 200, "administrator": 404}, 403),
        (f"/claimant/claims/{claim}/", {"claimant": 200, "administrator": 404}, 403),
        ("/licensee/", {"licensee": 200, "administrator": 200}, 403),
        ("/licensee/reports/", {"licensee": 200, "administrator": 200}, 403),
        ("/licensee/reports/upload/", {"licensee": 200, "administrator": 200}, 403),
        (f"/licensee/reports/{w.report.pk}/", {"licensee": 200, "administrator": 200}, 403),
        (f"/licensee/reports/{w.other_report.pk}/", {"licensee": 404, "administrator": 200}, 403),
        ("/licensee/reports/999999/", {"licensee": 404, "administrator": 404}, 403),
        ("/staff/queue/", {"registry_editor": 200, "administrator": 200}, 403),
        ("/tokens/", dict.fromkeys(EVERYONE, 200), 403),
        ("/admin/", dict.fromkeys(STAFF, 200), 302),
        (
            "/admin/registry/share/",
            {"registry_editor": 200, "distribution_runner": 200, "distribution_approver": 200, "administrator": 200},
            302,
        ),
        ("/admin/registry/party/add/", {"registry_editor": 200, "administrator": 200}, 302),
        ("/admin/web/auditentry/", {"registry_editor": 200, "administrator": 200}, 302),
        ("/admin/auth/user/", {"administrator": 200}, 302),
        ("/api/works?q=a", dict.fromkeys(EVERYONE, 200), 403),
        ("/api/statements", {"member": 200, "administrator": 404}, 403),
        (f"/api/statements/{run}", {"member": 200, "administrator": 404}, 403),
        ("/api/claims", {"claimant": 200, "distribution_runner": 200, "administrator": 200}, 403),
        (f"/api/claims/{claim}", {"claimant": 200, "distribution_runner": 200, "administrator": 200}, 403),
        ("/api/runs", runs_ok, 403),
        ("/api/reports", {"licensee": 200, "administrator": 200}, 403),
        (f"/api/reports/{w.report.pk}", {"licensee": 200, "administrator": 200}, 403),
        (f"/api/reports/{w.other_report.pk}", {"licensee": 404, "administrator": 200}, 403),
        # licensees, invoices and payments; broadcast runs; report files
        ("/staff/licensees/", runs_ok, 403),
        (f"/staff/licensees/{w.invoice.licensee_id}/", runs_ok, 403),
        ("/staff/broadcast/runs/", runs_ok, 403),
        ("/staff/broadcast/runs/new/", {"distribution_runner": 200, "administrator": 200}, 403),
        (f"/staff/broadcast/runs/{bc}/", runs_ok, 403),
        (f"/staff/broadcast/runs/{bc}/files/payments.csv", runs_ok, 403),
        (f"/staff/broadcast/runs/{bc}/files/zengin/transfers.txt", runs_ok, 403),
        (f"/staff/broadcast/runs/{bc}/files/summary.json", runs_ok, 403),
        (f"/staff/broadcast/runs/{bc}/files/crd/{crd}", runs_ok, 403),
        (f"/staff/broadcast/runs/{bc}/files/../input/parties.csv", dict.fromkeys(runs_ok, 404), 403),
        (f"/staff/broadcast/runs/{bc}/statements/{w.broadcast_payee}.csv", runs_ok, 403),
        (f"/staff/broadcast/runs/{bc}/statements/{w.broadcast_payee}.pdf", runs_ok, 403),
        (f"/staff/broadcast/runs/{bc}/statements/NOBODY.pdf", dict.fromkeys(runs_ok, 404), 403),
        ("/staff/reports/", {"registry_editor": 200, "administrator": 200}, 403),
        (f"/staff/reports/{w.other_report.pk}/", {"registry_editor": 200, "administrator": 200}, 403),
        ("/licensee/invoices/", {"licensee": 200, "administrator": 200}, 403),
        (f"/licensee/invoices/{w.invoice.pk}.pdf", {"licensee": 200, "administrator": 200}, 403),
        (f"/licensee/invoices/{w.invoice.pk}.csv", {"licensee": 200, "administrator": 200}, 403),
        (f"/licensee/invoices/{w.other_invoice.pk}.pdf", {"licensee": 404, "administrator": 200}, 403),
        ("/member/broadcast/", member, 403),
        (f"/member/broadcast/{bc}.pdf", member, 403),
        (f"/member/broadcast/{bc}.csv", member, 403),
        ("/api/invoices", invoices_ok, 403),
        (f"/api/invoices/{w.invoice.pk}", invoices_ok, 403),
        (f"/api/invoices/{w.invoice.pk}/pdf", invoices_ok, 403),
        (f"/api/invoices/{w.other_invoice.pk}", {**invoices_ok, "licensee": 404}, 403),
        (f"/api/invoices/{w.other_invoice.pk}/csv", {**invoices_ok, "licensee": 404}, 403),
        ("/admin/broadcast/invoice/", runs_ok, 302),
        ("/admin/broadcast/payment/add/", {"distribution_runner": 200, "administrator": 200}, 302),
    ]


def _anonymous(url: str) -> int:
    if url.startswith("/api/"):
        return 401
    return 302  # to the sign-in page (the admin's own for /admin/)


@pytest.fixture
def world(registry_db: str, tmp_path: Path) -> World:
    return build_world(tmp_path, broadcast=True)


def test_authorization_matrix(world: World) -> None:
    clients: dict[str, Any] = {role: client_for(world.users[role]) for role in ROLES}
    clients[ANON] = client_for(None)
    failures = []
    checked = 0
    for url, allowed, default in _matrix(world):
        for role, client in clients.items():
            if role == ANON:
                expected = _anonymous(url)
            elif url.startswith("/admin/") and role in STAFF:
                expected = allowed.get(role, 403)  # signed in to the admin, without this permission
            else:
                expected = allowed.get(role, default)
            status = client.get(url).status_code
            checked += 1
            if status != expected:
                failures.append(f"{role:<22} GET {url} → {status}, expected {expected}")
    assert not failures, "\n".join(failures)
    assert checked == len(_matrix(world)) * (len(ROLES) + 1)


def test_post_only_actions_refuse_other_roles(world: World) -> None:
    from bunpai.services import runs as run_service

    correction = run_service.start_run(
        user=world.users["distribution_runner"], source=world.input_dir, corrects=world.run
    )
    assert correction.status == "computed", correction.problems
    url = f"/staff/runs/{correction.pk}/approve/"
    for role in ROLES:
        if role in ("distribution_approver", "administrator", "distribution_runner"):
            continue
        assert client_for(world.users[role]).post(url).status_code == 403, role
    assert client_for(None).post(url).status_code == 302
    assert client_for(world.users["distribution_approver"]).get(url).status_code == 405
    correction.refresh_from_db()
    assert correction.status == "computed"

    from bunpai.services import broadcast_runs

    draft = broadcast_runs.start(
        user=world.users["distribution_runner"],
        source=generated_quarters()["2026Q1"],
        corrects=world.broadcast_run,
    )
    for action in ("approve", "paid"):
        url = f"/staff/broadcast/runs/{draft.pk}/{action}/"
        for role in ("registry_editor", "licensee", "member", "claimant"):
            assert client_for(world.users[role]).post(url).status_code == 403, (role, action)
        assert client_for(None).post(url).status_code == 302
        assert client_for(world.users["distribution_approver"]).get(url).status_code == 405
    draft.refresh_from_db()
    assert draft.status == "draft"
    licensee_page = f"/staff/licensees/{world.invoice.licensee_id}/"
    payment = {"invoice": world.invoice.pk, "amount_yen": 1000, "received_on": "2026-05-01"}
    for role in ("distribution_approver", "registry_editor", "licensee", "member"):
        assert client_for(world.users[role]).post(licensee_page, payment).status_code == 403, role
    assert world.invoice.payments.count() == 1


def test_a_member_sees_only_their_own_statement(world: World) -> None:
    from bunpai.services.runs import prc_party_id
    from bunpai.services.statements import read_statement

    own = read_statement(Path(world.run.folder), world.member_party_id)
    other_id = prc_party_id(world.other_member.party_account.party)
    other = read_statement(Path(world.run.folder), other_id)
    assert own is not None and other is not None and own.net_yen != other.net_yen

    page = client_for(world.users["member"]).get(f"/member/statements/{world.run.pk}.csv").content.decode()
    assert f",{world.member_party_id}," in page and other_id not in page
    assert page.rstrip().endswith(f"{own.gross_yen},{own.fee_yen},{own.net_yen}")
    page2 = client_for(world.other_member).get(f"/member/statements/{world.run.pk}.csv").content.decode()
    assert f",{other_id}," in page2 and world.member_party_id not in page2
    # the staff URL that names a party is closed to members
    staff_url = f"/staff/runs/{world.run.pk}/statements/{world.member_party_id}.csv"
    assert client_for(world.other_member).get(staff_url).status_code == 403
    api = client_for(world.other_member).get("/api/statements").json()
    assert [s["party_id"] for s in api] == [other_id]
    pdf = client_for(world.users["member"]).get(f"/member/statements/{world.run.pk}.pdf")
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"


def test_a_claimant_sees_only_their_own_claims(world: World) -> None:
    other = client_for(world.users["claimant2"])
    assert other.get(f"/claimant/claims/{world.claim.pk}/").status_code == 404
    assert other.get(f"/evidence/{world.evidence.pk}/").status_code == 404
    assert other.get(f"/api/claims/{world.claim.pk}").status_code == 404
    assert other.get("/api/claims").json() == []
    own = client_for(world.users["claimant"]).get(f"/evidence/{world.evidence.pk}/")
    assert b"".join(own.streaming_content).startswith(b"%PDF")


def test_a_licensee_sees_only_their_own_licensee(world: World) -> None:
    from bunpai.web.access import can_see_licensee

    user = world.users["licensee"]
    assert can_see_licensee(user, world.own_licensee.pk)
    assert not can_see_licensee(user, world.other_licensee.pk)
    page = client_for(user).get("/licensee/").content.decode()
    assert "Station one" in page and "Station two" not in page
    assert can_see_licensee(world.users["administrator"], world.other_licensee.pk)
