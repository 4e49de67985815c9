"""The report endpoints of the API (``/api/reports``): a licensee's system uploads a monthly
report and reads its validation result, with the licensee's token. Same checks as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from bunpai.intake import models as im
from bunpai.intake import portal

router = Router(tags=["reports"])


class ProblemOut(Schema):
    line: int
    field: str
    reason: str


class ReportOut(Schema):
    id: int
    station: str
    licensee: str
    month: str
    name: str
    sha256: str
    status: str
    received_at: dt.datetime
    lines_good: int
    lines_bad: int
    outcomes: dict[str, int]


class ReportDetailOut(ReportOut):
    problems: list[ProblemOut]


class UploadOut(Schema):
    result: str
    replaced: int | None
    report: ReportDetailOut


def _licensee_user(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not user.has_perm("web.licensee_portal"):
        raise HttpError(403, "not allowed for this role")
    return user


def _out(report: im.ReportFile, detail: bool = False) -> Any:
    fields = {
        "id": report.pk,
        "station": report.station,
        "licensee": report.licensee,
        "month": report.month,
        "name": report.name,
        "sha256": report.sha256,
        "status": report.status,
        "received_at": report.received_at,
        "lines_good": report.lines_good,
        "lines_bad": report.lines_bad,
        "outcomes": portal.outcome_counts(report),
    }
    if not detail:
        return ReportOut(**fields)
    problems = [ProblemOut(line=p.line, field=p.field, reason=p.reason) for p in report.problems.all()]
    return ReportDetailOut(**fields, problems=problems)


@router.get("", response=list[ReportOut], summary="My reports, newest first")
def reports(request: HttpRequest) -> Any:
    user = _licensee_user(request)
    return [_out(r) for r in portal.reports_of(user)[:500]]


@router.get("/{report_id}", response=ReportDetailOut, summary="The status of one report, with its rejected lines")
def report(request: HttpRequest, report_id: int) -> Any:
    user = _licensee_user(request)
    try:
        return _out(portal.visible_report(user, report_id), detail=True)
    except Http404:
        raise HttpError(404, "no such report") from None


@router.post(
    "",
    response={201: UploadOut, 200: UploadOut},
    summary="Upload a monthly report (multipart: station, month YYYY-MM, file)",
    description="201: stored (replacing any earlier report of the station and month); 200: the same "
    "bytes were already received. Bad lines are listed in report.problems; the good lines are kept.",
)
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    station: str = Form(..., min_length=1, max_length=40),
    month: str = Form(..., pattern=portal.MONTH),
) -> Any:
    user = _licensee_user(request)
    found = portal.stations_of(user).filter(code=station).first()
    if found is None:
        raise HttpError(404, "no such station")
    if file.size is not None and file.size > settings.BUNPAI_MAX_UPLOAD_BYTES:
        raise HttpError(413, "the file is too large")
    result = portal.upload(user, found, month, (file.name or "report.csv")[:255], file.read())
    report = im.ReportFile.objects.get(pk=result.report_id)
    body = UploadOut(result=result.status, replaced=result.replaced, report=_out(report, detail=True))
    return Status(201 if result.status == "stored" else 200, body)
