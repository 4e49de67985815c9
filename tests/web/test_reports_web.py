"""The licensee's report pages and API, and the staff's identification queue, on SQLite and
PostgreSQL: uploads go through the intake service, a licensee sees only its own reports."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.web.world import World, build_world, client_for


@pytest.fixture
def world(registry_db: str, tmp_path: Path) -> World:
    return build_world(tmp_path)


def _report(title: str, duration: str = "200", month: str = "2026-06") -> bytes:
    from bunpai.web.demo import report_csv

    return report_csv(
        [(title, "", "", "120", "P"), ("Second song", "", "", duration, "P"), ("Third song", "", "", "60", "P")], month
    )


def test_a_licensee_uploads_a_report_and_sees_its_bad_line(world: World) -> None:
    from bunpai.intake.models import ReportFile, ReportLine, Station

    client = client_for(world.users["licensee"])
    station = Station.objects.get(code="L1-FM")
    upload = SimpleUploadedFile("l1-2026-06.csv", _report("First song", duration="1:2x"), "text/csv")
    response = client.post(
        "/licensee/reports/upload/", {"station": station.pk, "month": "2026-06", "file": upload}, follow=True
    )
    report = ReportFile.objects.get(station="L1-FM", month="2026-06")
    assert response.redirect_chain == [(f"/licensee/reports/{report.pk}/", 302)]
    assert (report.licensee, report.lines_good, report.lines_bad, report.received_by) == ("L1", 2, 1, "licensee")
    assert [(line, field) for line, field, _ in response.context["problems"]] == [(3, "duration")]
    page = response.content.decode()
    # the reason in the licensee's language (Japanese by default), the value quoted as sent
    assert "秒数（整数）ではありません: '1:2x'" in html.unescape(page)
    assert "l1-2026-06.csv" in page and "duration" in page and "First song" in page and "Third song" in page
    assert sorted(ReportLine.objects.filter(report=report).values_list("line", flat=True)) == [2, 4]

    listing = client.get("/licensee/reports/").content.decode()
    assert "l1-2026-06.csv" in listing and "l2-fm-2026-05.csv" not in listing


def test_a_licensee_cannot_upload_for_another_licensees_station(world: World) -> None:
    from bunpai.intake.models import ReportFile, Station

    client = client_for(world.users["licensee"])
    other = Station.objects.get(code="L2-FM")
    before = ReportFile.objects.count()
    upload = SimpleUploadedFile("x.csv", _report("Stolen"), "text/csv")
    response = client.post("/licensee/reports/upload/", {"station": other.pk, "month": "2026-06", "file": upload})
    assert response.status_code == 200 and "station" in response.context["form"].errors
    assert ReportFile.objects.count() == before
    assert [s.code for s in response.context["form"].fields["station"].queryset] == ["L1-FM"]


def test_the_report_api_with_a_licensees_token(world: World) -> None:
    from django.test import Client

    from bunpai.intake.models import ReportFile
    from bunpai.web.models import ApiToken

    _token, raw = ApiToken.issue(world.users["licensee"], "station system")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    data = _report("API song", duration="x", month="2026-07")

    def post(station: str, month: str = "2026-07") -> object:
        return api.post(
            "/api/reports", {"station": station, "month": month, "file": SimpleUploadedFile("api.csv", data)}
        )

    first = post("L1-FM")
    assert first.status_code == 201, first.content  # type: ignore[attr-defined]
    body = first.json()  # type: ignore[attr-defined]
    assert body["result"] == "stored" and body["report"]["lines_bad"] == 1
    assert body["report"]["problems"] == [
        {"line": 3, "field": "duration", "reason": "not a whole number of seconds: 'x'"}
    ]
    again = post("L1-FM")
    assert again.status_code == 200 and again.json()["result"] == "unchanged"  # type: ignore[attr-defined]
    assert post("L2-FM").status_code == 404  # type: ignore[attr-defined]
    assert post("L1-FM", month="2026-13").status_code == 422  # type: ignore[attr-defined]

    listed = api.get("/api/reports").json()
    assert {r["station"] for r in listed} == {"L1-FM"}
    assert api.get(f"/api/reports/{body['report']['id']}").json()["lines_good"] == 2
    assert api.get(f"/api/reports/{world.other_report.pk}").status_code == 404
    assert ReportFile.objects.filter(station="L1-FM", month="2026-07").count() == 1

    _t, member_raw = ApiToken.issue(world.users["member"], "not a licensee")
    member = Client(HTTP_AUTHORIZATION=f"Bearer {member_raw}")
    assert member.get("/api/reports").status_code == 403
    document = Client().get("/api/openapi.json").json()
    assert {"/api/reports", "/api/reports/{report_id}"} <= set(document["paths"])
    assert "post" in document["paths"]["/api/reports"]


def test_staff_resolve_queue_items(world: World) -> None:
    from bunpai.intake.models import QueueItem, RememberedDecision, ReportLine
    from bunpai.services import intake

    editor = client_for(world.users["registry_editor"])
    items = intake.queue()
    assert len(items) == 3
    page = editor.get("/staff/queue/")
    assert [i["id"] for i in page.context["items"]] == [i["id"] for i in items]
    with_candidate = next(i for i in items if i["candidates"])
    code = with_candidate["candidates"][0]["work"]
    assert f'value="work:{code}"' in page.content.decode()

    response = editor.post(f"/staff/queue/{with_candidate['id']}/decide/", {"decision": f"work:{code}"}, follow=True)
    assert response.redirect_chain == [("/staff/queue/", 302)]
    line = ReportLine.objects.get(report=world.report, title=with_candidate["title"])
    assert line.work is not None and line.work.society_code == code and line.decision == "manual"
    assert QueueItem.objects.get(pk=with_candidate["id"]).status == "decided"
    assert RememberedDecision.objects.get(line_key=line.line_key).decided_by == "registry_editor"

    other = next(i for i in items if i["id"] != with_candidate["id"])
    editor.post(f"/staff/queue/{other['id']}/decide/", {"decision": "public_domain"})
    assert ReportLine.objects.get(report=world.report, title=other["title"]).outcome == "public_domain"
    assert len(intake.queue()) == 1
    # a decided item cannot be decided again; an unknown decision changes nothing
    assert editor.post(f"/staff/queue/{other['id']}/decide/", {"decision": "other_manager"}).status_code == 404
    last = intake.queue()[0]["id"]
    editor.post(f"/staff/queue/{last}/decide/", {"decision": "new_work"})
    assert QueueItem.objects.get(pk=last).status == "open"
    for role in ("licensee", "member", "distribution_runner", "distribution_approver"):
        assert (
            client_for(world.users[role])
            .post(f"/staff/queue/{last}/decide/", {"decision": "public_domain"})
            .status_code
            == 403
        )
    assert editor.get(f"/staff/queue/{last}/decide/").status_code == 405
    assert QueueItem.objects.get(pk=last).status == "open"


def test_staff_see_every_report_file_with_its_rejected_lines_and_history(world: World) -> None:
    from bunpai.intake.models import ReportFile
    from bunpai.services import intake

    first = intake.load_report_bytes("l1-06.csv", _report("First song", duration="1:2x"), "L1-FM", "2026-06", "L1")
    second = intake.load_report_bytes("l1-06-fixed.csv", _report("First song"), "L1-FM", "2026-06", "L1")
    assert second.replaced == first.report_id
    editor = client_for(world.users["registry_editor"])
    listing = editor.get("/staff/reports/")
    names = [r.name for r in listing.context["page"]]
    assert {"l1-06.csv", "l1-06-fixed.csv", world.report.name, world.other_report.name} <= set(names)
    assert [r.name for r in editor.get("/staff/reports/?status=replaced").context["page"]] == ["l1-06.csv"]
    assert [r.name for r in editor.get("/staff/reports/?q=L2").context["page"]] == [world.other_report.name]

    old = editor.get(f"/staff/reports/{first.report_id}/")
    assert old.context["report"].status == "replaced" and old.context["report"].replaced_by_id == second.report_id
    assert [(line, field) for line, field, _ in old.context["problems"]] == [(3, "duration")]
    assert [r.pk for r in old.context["history"]] == [first.report_id, second.report_id]
    text = old.content.decode()
    assert ReportFile.objects.get(pk=first.report_id).sha256 in text and 'id="replaced-by"' in text
    new = editor.get(f"/staff/reports/{second.report_id}/")
    assert [r.pk for r in new.context["replaces"]] == [first.report_id] and new.context["problems"] == []
    english = client_for(world.users["registry_editor"])
    english.cookies["bunpai_language"] = "en"
    shown = html.unescape(english.get(f"/staff/reports/{first.report_id}/").content.decode())
    assert "not a whole number of seconds: '1:2x'" in shown


def test_the_queue_registers_a_new_work_and_audits_every_decision(world: World) -> None:
    from bunpai.intake.models import QueueItem, ReportLine
    from bunpai.services import intake
    from bunpai.store.models import Work
    from bunpai.web.models import AuditEntry

    editor = client_for(world.users["registry_editor"])
    item = next(i for i in intake.queue() if i["title"] == "知らない歌 / A song nobody knows")
    page = editor.get("/staff/queue/").content.decode()
    assert f'name="new-{item["id"]}-title"' in page and 'value="new_work"' in page
    response = editor.post(
        f"/staff/queue/{item['id']}/decide/",
        {
            "decision": "new_work",
            f"new-{item['id']}-title": "知らない歌",
            f"new-{item['id']}-creators": "山田 花子 | Suzuki Ichiro",
        },
    )
    assert response.status_code == 302
    line = ReportLine.objects.get(report=world.report, title=item["title"])
    work = Work.objects.get(pk=line.work_id)
    assert work.title == "知らない歌" and work.society_code.startswith("NEW-")
    assert work.creators_key == "SUZUKI ICHIRO|山田 花子" and line.outcome == "this_society"
    entry = AuditEntry.objects.get(model="intake.QueueItem", object_id=str(item["id"]))
    assert entry.username == "registry_editor" and entry.user_id == world.users["registry_editor"].pk
    assert entry.before["status"] == "open" and entry.before["lines_waiting"] == 1
    assert entry.before["line_key"] == line.line_key == entry.after["line_key"]
    assert entry.after == {
        "action": "new_work",
        "new_work": {"title": "知らない歌", "creators": "山田 花子 | Suzuki Ichiro"},
        "work": work.society_code,
        "status": "decided",
        "line_key": line.line_key,
        "lines_applied": 1,
    }
    # the audit page shows it; a refused decision writes nothing
    assert f"{line.line_key[:16]}" in editor.get("/staff/audit/?model=intake.QueueItem").content.decode()
    other = intake.queue()[0]
    editor.post(f"/staff/queue/{other['id']}/decide/", {"decision": "new_work", f"new-{other['id']}-title": ""})
    editor.post(f"/staff/queue/{other['id']}/decide/", {"decision": "work:NO-SUCH-WORK"})
    assert QueueItem.objects.get(pk=other["id"]).status == "open"
    assert AuditEntry.objects.filter(model="intake.QueueItem").count() == 1
    editor.post(f"/staff/queue/{other['id']}/decide/", {"decision": "other_manager"})
    last = AuditEntry.objects.filter(model="intake.QueueItem").first()
    assert last is not None and last.after["action"] == "other_manager" and last.after["status"] == "decided"
    assert ReportLine.objects.get(report=world.report, title=other["title"]).outcome == "other_manager"


def test_a_programme_line_is_decided_by_picking_its_av_production(world: World) -> None:
    from bunpai.intake.models import ReportLine
    from bunpai.services import intake
    from bunpai.store.models import AVProduction
    from bunpai.web.demo import PROGRAMME, demo_programme
    from bunpai.web.models import AuditEntry

    result = demo_programme("L1-FM", "L1", by="licensee")
    item = next(i for i in intake.queue() if i["kind"] == "programme")
    production = AVProduction.objects.get(title__startswith=PROGRAMME)
    editor = client_for(world.users["registry_editor"])
    page = editor.get("/staff/queue/")
    shown = next(i for i in page.context["items"] if i["id"] == item["id"])
    assert shown["productions"] == [production]
    assert f'value="production:{production.pk}"' in page.content.decode()
    # a production number that does not exist: nothing changes
    editor.post(f"/staff/queue/{item['id']}/decide/", {"decision": "production", "decision_production": "999999"})
    assert any(i["id"] == item["id"] for i in intake.queue())
    editor.post(f"/staff/queue/{item['id']}/decide/", {"decision": f"production:{production.pk}"})
    programme = ReportLine.objects.get(report_id=result.report_id, kind="programme")
    assert programme.outcome == "expanded" and programme.production_id == production.pk
    cues = ReportLine.objects.filter(expanded_from=programme).order_by("id")
    assert [c.work.society_code for c in cues] == [c.work.society_code for c in production.cues.order_by("sequence")]
    assert [c.duration for c in cues] == [90, 90]
    entry = AuditEntry.objects.get(model="intake.QueueItem", object_id=str(item["id"]))
    assert entry.after["production"] == production.pk and entry.after["lines_applied"] == 1
    assert entry.before["kind"] == "programme" and entry.before["title"] == PROGRAMME
