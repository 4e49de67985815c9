"""Staff pages of the received report files (受領ファイル): every file with its station, month,
status (current or replaced), good and rejected line counts and hash; one file with its rejected
lines (line, field, reason) and its history (what it replaced, what replaced it)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from bunpai.intake import models as im
from bunpai.intake.portal import OUTCOME_LABELS, outcome_counts
from bunpai.web.i18n import reason
from bunpai.web.views import needs


@needs("intake.view_reportfile")
def report_files(request: HttpRequest) -> HttpResponse:
    rows = im.ReportFile.objects.defer("content").order_by("-received_at", "-id")
    text = request.GET.get("q", "").strip()[:80]
    if text:
        rows = rows.filter(
            Q(station__icontains=text) | Q(licensee__icontains=text) | Q(month=text) | Q(name__icontains=text)
        )
    status = request.GET.get("status", "")
    if status in (im.ReportFile.CURRENT, im.ReportFile.REPLACED):
        rows = rows.filter(status=status)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "intake/staff_reports.html", {"page": page, "q": text, "status": status})


def _history(report: im.ReportFile) -> list[im.ReportFile]:
    """Every file of the same station and month, oldest first (the chain of replacements)."""
    return list(
        im.ReportFile.objects.defer("content")
        .filter(station=report.station, month=report.month)
        .order_by("received_at", "id")
    )


@needs("intake.view_reportfile")
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(im.ReportFile.objects.defer("content").select_related("replaced_by"), pk=pk)
    context = {
        "report": report,
        "problems": [(p.line, p.field, reason(p.reason)) for p in report.problems.all()],
        "replaces": list(report.replaces.defer("content").order_by("received_at", "id")),
        "history": _history(report),
        "outcomes": [(OUTCOME_LABELS.get(k, k), n) for k, n in outcome_counts(report).items()],
    }
    return render(request, "intake/staff_report.html", context)
