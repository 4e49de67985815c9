"""Web pages of the usage reports: the licensee's upload, report list and validation result, and
the staff's identification queue. The rules are in :mod:`bunpai.services.intake`; these pages
check who may see what (a licensee only the reports of its own stations) and present results."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from bunpai.intake import models as im
from bunpai.services import intake as service
from bunpai.web import access
from bunpai.web.forms import check_size
from bunpai.web.i18n import reason
from bunpai.web.views import needs

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
QUEUE_ACTIONS = (im.OTHER_MANAGER, im.PUBLIC_DOMAIN, im.UNIDENTIFIED)
OUTCOME_LABELS = {
    im.EXPANDED: _lazy("programme expanded through its cue sheet"),
    im.THIS_SOCIETY: _lazy("work of this society"),
    im.OTHER_MANAGER: _lazy("work of another manager"),
    im.PUBLIC_DOMAIN: _lazy("public domain"),
    im.UNIDENTIFIED: _lazy("unidentified"),
    im.QUEUED: _lazy("in the manual queue"),
}


# ---- who may see which report ------------------------------------------------------------------


def licensee_codes(user: Any) -> list[str]:
    return [lic.code for lic in access.licensees_of(user)]


def stations_of(user: Any) -> Any:
    return im.Station.objects.filter(licensee__in=licensee_codes(user))


def reports_of(user: Any) -> Any:
    return im.ReportFile.objects.filter(licensee__in=licensee_codes(user)).order_by("-received_at", "-id")


def visible_report(user: Any, pk: int) -> im.ReportFile:
    """The report if the user's licensee sent it (object-level check), else 404."""
    from bunpai.web.models import Licensee

    report = im.ReportFile.objects.filter(pk=pk).first()
    licensee = Licensee.objects.filter(code=report.licensee).first() if report is not None else None
    if report is None or licensee is None or not access.can_see_licensee(user, licensee.pk):
        raise Http404("no such report")
    return report


def outcome_counts(report: im.ReportFile) -> dict[str, int]:
    rows = im.ReportLine.objects.filter(report=report).order_by().values_list("outcome").annotate(n=Count("id"))
    return dict(sorted(rows))


def upload(user: Any, station: im.Station, month: str, name: str, data: bytes) -> service.LoadResult:
    """Load a file for one of the user's stations through the intake service."""
    if not stations_of(user).filter(pk=station.pk).exists():
        raise Http404("no such station")
    return service.load_report_bytes(name, data, station.code, month, station.licensee, by=user.get_username())


# ---- licensee portal ---------------------------------------------------------------------------


class UploadForm(forms.Form):
    station = forms.ModelChoiceField(label=_lazy("Station"), queryset=im.Station.objects.none())
    month = forms.RegexField(
        label=_lazy("Month of the broadcasts"),
        regex=MONTH,
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "2026-06"}),
        error_messages={"invalid": _lazy("Give the month as YYYY-MM.")},
    )
    file = forms.FileField(label=_lazy("Report file (CSV, TSV or xlsx)"))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations_of(user)  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        return check_size(self.cleaned_data.get("file"))


@needs("web.licensee_portal")
def reports(request: HttpRequest) -> HttpResponse:
    rows = reports_of(request.user)[:500]
    return render(request, "intake/reports.html", {"reports": rows})


@needs("web.licensee_portal")
def report_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = upload(request.user, data["station"], data["month"], data["file"].name, data["file"].read())
        if result.status == "unchanged":
            messages.info(request, _("This file was already received: nothing changed."))
        elif result.replaced:
            messages.success(request, _("Report received. It replaces the earlier report of this month."))
        else:
            messages.success(request, _("Report received."))
        return redirect("intake-report", result.report_id)
    return render(request, "intake/upload.html", {"form": form})


@needs("web.licensee_portal")
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = visible_report(request.user, pk)
    lines = list(im.ReportLine.objects.filter(report=report, expanded_from__isnull=True).order_by("line", "id")[:1000])
    for line in lines:
        line.label = OUTCOME_LABELS.get(line.outcome, line.outcome)  # type: ignore[attr-defined]
    context = {
        "report": report,
        "problems": [(p.line, p.field, reason(p.reason)) for p in report.problems.all()],
        "lines": lines,
        "outcomes": [(OUTCOME_LABELS.get(k, k), n) for k, n in outcome_counts(report).items()],
    }
    return render(request, "intake/report.html", context)


# ---- staff: identification queue ---------------------------------------------------------------


class NewWorkForm(forms.Form):
    """Register a new work for a queue item: its title (the reported one by default) and creators."""

    title = forms.CharField(label=_lazy("Title"), max_length=255)
    creators = forms.CharField(
        label=_lazy("Creators"),
        max_length=500,
        required=False,
        help_text=_lazy("Separated by | / 、 or ;"),
    )


def production_candidates(title: str, year: int | None = None, limit: int = 5) -> list[Any]:
    """AV productions whose title (or another of their titles) contains the reported programme's
    title; those of the same year first."""
    from django.db.models import Q

    from bunpai.store.models import AVProduction

    text = title.strip()
    if not text:
        return []
    found = list(
        AVProduction.objects.filter(Q(title__icontains=text) | Q(titles__title__icontains=text)).distinct()[:50]
    )
    found.sort(key=lambda p: (year is not None and p.year != year, p.title, p.pk))
    return found[:limit]


@needs("intake.view_queueitem")
def queue(request: HttpRequest) -> HttpResponse:
    items = service.queue()
    for item in items:
        item["candidates"] = item["candidates"][:3]
        if item["kind"] == im.ReportLine.PROGRAMME:
            stored = im.QueueItem.objects.filter(pk=item["id"]).values_list("year", flat=True).first()
            item["productions"] = production_candidates(item["title"], stored)
        item["new_work"] = NewWorkForm(
            initial={"title": item["title"], "creators": item["creators"]}, prefix=f"new-{item['id']}"
        )
    return render(request, "intake/queue.html", {"items": items})


def _snapshot(item: im.QueueItem) -> dict[str, Any]:
    waiting = im.ReportLine.objects.filter(line_key=item.line_key, outcome=im.QUEUED).count()
    return {
        "line_key": item.line_key,
        "status": item.status,
        "kind": item.kind,
        "title": item.title,
        "creators": item.creators,
        "work_code": item.work_code,
        "programme": item.programme,
        "candidates": item.candidates,
        "lines_waiting": waiting,
    }


def _set_creators(line_key: str, creators: str) -> str:
    """Store the new work's creators as the registry keeps them for finding the same work."""
    from bunpai.identify.normalise import split_names
    from bunpai.services.registry import normalise_text
    from bunpai.store.models import Work

    decision = im.RememberedDecision.objects.filter(line_key=line_key).select_related("work").first()
    if decision is None or decision.work is None:
        return ""
    key = "|".join(sorted({normalise_text(n) for n in split_names(creators)}))[:500]
    Work.objects.filter(pk=decision.work.pk).update(creators_key=key)
    return decision.work.society_code


@require_POST
@needs("intake.change_queueitem")
def queue_decide(request: HttpRequest, pk: int) -> HttpResponse:
    from django.db import transaction

    from bunpai.store import current_alias
    from bunpai.web.audit import record_decision

    action, _sep, value = request.POST.get("decision", "").partition(":")
    value = value.strip()
    if action not in ("work", "production", "new_work", *QUEUE_ACTIONS):
        messages.error(request, _("Unknown decision."))
        return redirect("intake-queue")
    item = get_object_or_404(im.QueueItem, pk=pk, status=im.QueueItem.OPEN)
    before = _snapshot(item)
    kwargs: dict[str, Any] = {}
    service_action = action
    after: dict[str, Any] = {"action": action}
    if action == "work":
        kwargs["work_code"] = value or None
        after["work"] = value
    elif action == "production":
        value = value or request.POST.get("decision_production", "").strip()
        if not value.isdigit():
            messages.error(request, _("Give the number of an AV production."))
            return redirect("intake-queue")
        service_action, kwargs["production_id"] = "work", int(value)
        after["production"] = int(value)
    elif action == "new_work":
        form = NewWorkForm(request.POST, prefix=f"new-{pk}")
        if not form.is_valid():
            messages.error(request, _("The new work needs a title."))
            return redirect("intake-queue")
        kwargs["new_work_title"] = form.cleaned_data["title"]
        kwargs["note"] = f"creators: {form.cleaned_data['creators']}"[:255]
        after["new_work"] = {"title": form.cleaned_data["title"], "creators": form.cleaned_data["creators"]}
    try:
        with transaction.atomic(using=current_alias()):
            applied = service.decide(item.pk, service_action, by=request.user.get_username(), **kwargs)
            if action == "new_work":
                after["work"] = _set_creators(item.line_key, after["new_work"]["creators"])
            item.refresh_from_db()
            after.update(status=item.status, line_key=item.line_key, lines_applied=applied)
            record_decision(
                request.user,
                "intake.QueueItem",
                item.pk,
                f"{item.line_key[:16]} {item.title or item.programme}",
                before,
                after,
            )
    except (ValueError, ObjectDoesNotExist) as error:
        messages.error(request, _("The decision was not recorded: %(error)s") % {"error": error})
        return redirect("intake-queue")
    messages.success(
        request,
        _("Decided “%(title)s”: applied to %(n)d lines.") % {"title": item.title or item.programme, "n": applied},
    )
    return redirect("intake-queue")
