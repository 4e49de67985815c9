"""Pages of the broadcast side (放送等使用料): licensees with their licences, fee assessments,
invoices and payments (staff); a licensee's own invoices (portal); the quarterly distribution runs
(run, review, approve by someone else, mark paid, statements, CRD and Zengin files); a member's
broadcast statements. Rules live in the services; views check who may see what."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from bunpai.services import broadcast_runs as br
from bunpai.web import access, billing
from bunpai.web.charts import bar_chart, column_chart
from bunpai.web.i18n import identity_rows, right_label
from bunpai.web.views import needs

# ---- staff: licensees, licences, invoices, payments --------------------------------------------


class PaymentForm(forms.Form):
    invoice = forms.ModelChoiceField(label=_lazy("Invoice"), queryset=None)  # type: ignore[arg-type]
    amount_yen = forms.IntegerField(label=_lazy("Amount received (yen)"), min_value=1, max_value=10**15)
    received_on = forms.DateField(label=_lazy("Received on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, licensee: Any, *args: Any, **kwargs: Any) -> None:
        from bunpai.broadcast.models import Invoice

        super().__init__(*args, **kwargs)
        field = self.fields["invoice"]
        field.queryset = Invoice.objects.filter(licensee=licensee)  # type: ignore[attr-defined]
        field.label_from_instance = lambda i: (  # type: ignore[attr-defined]
            f"{billing.invoice_number(i)} · {i.due_date} · ¥{i.amount_yen:,}"
        )

    def clean_received_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return value


class PerUseForm(forms.Form):
    """個別使用料: invoice a per-use licence's month from the licensee's current reports."""

    licence = forms.ModelChoiceField(label=_lazy("Per-use licence"), queryset=None)  # type: ignore[arg-type]
    month = forms.RegexField(
        label=_lazy("Month of use (YYYY-MM)"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7, strip=True
    )

    def __init__(self, licensee: Any, *args: Any, **kwargs: Any) -> None:
        from bunpai.broadcast.models import Licence

        super().__init__(*args, **kwargs)
        field = self.fields["licence"]
        field.queryset = Licence.objects.filter(licensee=licensee, fee_type="per_work")  # type: ignore[attr-defined]
        field.label_from_instance = lambda lic: f"FY{lic.fiscal_year} · {lic.get_station_kind_display()}"  # type: ignore[attr-defined]


def _issue_per_use(request: HttpRequest, licensee: Any) -> HttpResponse | None:
    """The per-use form's POST: an invoice, or the form's errors (None: show the page again)."""
    from bunpai.broadcast import services
    from bunpai.rules import broadcast_ruleset_for

    if not request.user.has_perm("broadcast.add_invoice"):
        return HttpResponse(status=403)
    form = PerUseForm(licensee, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return None
    licence, month = form.cleaned_data["licence"], form.cleaned_data["month"]
    rules = broadcast_ruleset_for(dt.date(int(month[:4]), int(month[5:]), 1))
    try:
        invoice = services.invoice_per_use(licence, month, rules)
    except ValueError as error:
        messages.error(request, str(error))
        return None
    messages.success(
        request,
        _("Per-use fees of %(month)s invoiced: ¥%(yen)s (%(invoice)s).")
        % {"month": month, "yen": f"{invoice.amount_yen:,}", "invoice": billing.invoice_number(invoice)},
    )
    return redirect("staff-licensee", licensee.pk)


@needs("broadcast.view_invoice")
def licensees(request: HttpRequest) -> HttpResponse:
    from bunpai.broadcast import services
    from bunpai.broadcast.models import Licence, Licensee

    today = timezone.localdate()
    rows = []
    licences = Licence.objects.select_related("assessment").order_by("-fiscal_year")
    for licensee in (
        Licensee.objects.annotate(n_stations=Count("stations"))
        .prefetch_related(Prefetch("licences", queryset=licences))
        .order_by("code")
    ):
        rows.append(
            {
                "licensee": licensee,
                "licences": list(licensee.licences.all()),
                "totals": services.unpaid(licensee),
                "due": services.unpaid(licensee, on=today),
            }
        )
    return render(request, "web/licensees.html", {"rows": rows, "today": today})


@needs("broadcast.view_invoice")
def licensee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from bunpai.broadcast import services
    from bunpai.broadcast.models import Licensee

    licensee = get_object_or_404(Licensee, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "per_use":
        response = _issue_per_use(request, licensee)
        if response is not None:
            return response
    form = PaymentForm(licensee, request.POST if request.POST.get("action") != "per_use" else None)
    if request.method == "POST" and request.POST.get("action") != "per_use":
        if not request.user.has_perm("broadcast.add_payment"):
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            services.record_payment(data["invoice"], data["amount_yen"], data["received_on"])
            messages.success(
                request,
                _("Payment of ¥%(yen)s recorded on %(invoice)s.")
                % {"yen": f"{data['amount_yen']:,}", "invoice": billing.invoice_number(data["invoice"])},
            )
            return redirect("staff-licensee", pk)
    invoices = billing.rows(billing.invoices_of(request.user).filter(licensee=licensee))
    years: dict[int, list[billing.InvoiceRow]] = {}
    for row in invoices:
        years.setdefault(row.invoice.fiscal_year, []).append(row)
    context = {
        "licensee": licensee,
        "stations": licensee.stations.order_by("code"),
        "licences": licensee.licences.select_related("assessment").order_by("-fiscal_year"),
        "years": sorted(years.items(), reverse=True),
        "totals": services.unpaid(licensee),
        "due": services.unpaid(licensee, on=timezone.localdate()),
        "form": form if request.user.has_perm("broadcast.add_payment") else None,
        "per_use_form": (
            PerUseForm(licensee)
            if request.user.has_perm("broadcast.add_invoice") and licensee.licences.filter(fee_type="per_work").exists()
            else None
        ),
    }
    return render(request, "web/licensee_detail.html", context)


# ---- licensee portal: own invoices --------------------------------------------------------------


@needs("web.licensee_portal")
def licensee_invoices(request: HttpRequest) -> HttpResponse:
    rows = billing.rows(billing.invoices_of(request.user).order_by("-fiscal_year", "licensee__code", "instalment"))
    return render(request, "web/licensee_invoices.html", {"rows": rows})


@needs("web.licensee_portal")
def licensee_invoice_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from bunpai.formats.invoice_pdf import invoice_csv, invoice_pdf

    invoice = billing.visible_invoice(request.user, pk)
    doc = billing.document(invoice)
    if fmt == "pdf":
        response = HttpResponse(invoice_pdf(doc), content_type="application/pdf")
    elif fmt == "csv":
        response = HttpResponse(invoice_csv(doc), content_type="text/csv; charset=utf-8")
    else:
        raise Http404("unknown format")
    response["Content-Disposition"] = f'attachment; filename="{doc.number}.{fmt}"'
    return response


# ---- staff: broadcast distribution runs ---------------------------------------------------------


class BroadcastRunForm(forms.Form):
    folder = forms.CharField(
        label=_lazy("Input folder on the server"),
        max_length=500,
        help_text=_lazy("A quarter's folder in the form of docs/broadcast-files.md, under the site's data folder."),
    )
    corrects = forms.ModelChoiceField(label=_lazy("Corrects the approved run"), required=False, queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from bunpai.broadcast.models import DistributionRun

        super().__init__(*args, **kwargs)
        field = self.fields["corrects"]
        field.queryset = DistributionRun.objects.filter(status__in=["approved", "paid"])  # type: ignore[attr-defined]
        field.label_from_instance = lambda r: f"#{r.pk} {r.quarter} ({r.status})"  # type: ignore[attr-defined]


def _status_label(status: str) -> str:
    return {"draft": _("draft, awaiting approval"), "approved": _("approved"), "paid": _("paid")}.get(status, status)


@needs("broadcast.view_distributionrun")
def broadcast_runs(request: HttpRequest) -> HttpResponse:
    from bunpai.broadcast.models import DistributionRun

    runs = list(DistributionRun.objects.order_by("-created_at", "-pk")[:200])
    records = {r.run_id: r for r in _records([r.pk for r in runs])}
    rows = [
        {
            "run": r,
            "record": records.get(r.pk),
            "status": _status_label(r.status),
            "net": r.summary.get("net_total_yen"),
        }
        for r in runs
    ]
    return render(request, "web/broadcast_runs.html", {"rows": rows})


def _records(pks: list[int]) -> Any:
    from bunpai.web.models import BroadcastRunRecord

    return BroadcastRunRecord.objects.filter(run_id__in=pks).select_related("ran_by", "approved_by", "paid_by")


@needs("web.run_distribution")
def broadcast_run_new(request: HttpRequest) -> HttpResponse:
    form = BroadcastRunForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            run = br.start(
                user=request.user, source=Path(form.cleaned_data["folder"]), corrects=form.cleaned_data["corrects"]
            )
        except br.BroadcastRunError as error:
            form.add_error(None, str(error))
            problems = error.problems[:200]
        except br.RunError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Run computed. Another person must approve it."))
            return redirect("staff-broadcast-run", run.pk)
    return render(request, "web/broadcast_run_new.html", {"form": form, "problems": problems})


def _totals_chart(summary: dict[str, Any]) -> Any:
    bars = [
        (_("Fees collected"), int(summary["amount_total_yen"])),
        (_("Carried in"), int(summary["carry_in_total_yen"])),
        (_("Statement lines"), int(summary["lines_total_yen"])),
        (_("Administration fees"), int(summary["fees_total_yen"])),
        (_("Net paid"), int(summary["net_total_yen"])),
        (_("Held"), int(summary["held_total_yen"])),
        (_("Carried to next quarter"), int(summary["carry_out_total_yen"])),
    ]
    return bar_chart(bars, title=_("Totals of the quarter (yen)"))


def _groups_chart(rows: list[br.FundRow]) -> Any:
    bars = [(f"{r.group} · {right_label(r.right)}", r.lines_total_yen) for r in rows]
    return bar_chart(bars, title=_("Statement lines per fund group and right (yen)"), color="#5a8f4e")


@needs("broadcast.view_distributionrun")
def broadcast_run(request: HttpRequest, pk: int) -> HttpResponse:
    from bunpai.broadcast.models import DistributionRun

    run = get_object_or_404(DistributionRun.objects.select_related("corrects"), pk=pk)
    record = br.record_of(run)
    folder = Path(record.folder) if record is not None else None
    rows = br.fund_rows(run.summary)
    identities = identity_rows(br.identities(run.summary))
    payments = br.payments(folder) if folder is not None else []
    context = {
        "run": run,
        "record": record,
        "status": _status_label(run.status),
        "rows": [{"row": r, "right": right_label(r.right)} for r in rows],
        "identities": identities,
        "failures": br.failures(run.summary),
        "chart": _totals_chart(run.summary),
        "groups_chart": _groups_chart(rows),
        "payments": payments[:50],
        "payments_total": len(payments),
        "crd": br.crd_files(folder) if folder is not None else [],
        "files": [n for n in (*br.RESULT_FILES, *br.PAYMENT_FILES) if folder and br.run_file(folder, n)],
        "statement_problems": record.statement_problems.splitlines()[:100] if record else [],
        "can_approve": request.user.has_perm("web.approve_distribution") and br.can_approve(run, request.user),
        "can_pay": request.user.has_perm("web.approve_distribution") and run.status == "approved",
        "own_run": record is not None and record.ran_by_id == request.user.pk,
    }
    return render(request, "web/broadcast_run.html", context)


@require_POST
@needs("web.approve_distribution")
def broadcast_run_approve(request: HttpRequest, pk: int) -> HttpResponse:
    from bunpai.broadcast.models import DistributionRun

    run = get_object_or_404(DistributionRun, pk=pk)
    try:
        br.approve(run, request.user)
    except br.RunError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Run approved."))
    return redirect("staff-broadcast-run", pk)


@require_POST
@needs("web.approve_distribution")
def broadcast_run_paid(request: HttpRequest, pk: int) -> HttpResponse:
    from bunpai.broadcast.models import DistributionRun

    run = get_object_or_404(DistributionRun, pk=pk)
    try:
        br.mark_paid(run, request.user)
    except br.RunError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Run marked paid."))
    return redirect("staff-broadcast-run", pk)


def _folder(pk: int) -> tuple[Any, Path]:
    from bunpai.broadcast.models import DistributionRun

    run = get_object_or_404(DistributionRun, pk=pk)
    folder = br.run_folder(run)
    if folder is None:
        raise Http404("this run has no files on the site")
    return run, folder


@needs("broadcast.view_distributionrun")
def broadcast_run_file(request: HttpRequest, pk: int, name: str) -> FileResponse:
    run, folder = _folder(pk)
    path = br.run_file(folder, name)
    if path is None:
        raise Http404("no such file")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"broadcast{run.pk}-{name.replace('/', '-')}")


@needs("broadcast.view_distributionrun")
def broadcast_statement(request: HttpRequest, pk: int, payee_id: str, fmt: str) -> FileResponse:
    run, folder = _folder(pk)
    path = br.statement_file(folder, payee_id, fmt)
    if path is None:
        raise Http404("no statement")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"broadcast-{run.quarter}-{payee_id}.{fmt}")


# ---- member portal: broadcast statements --------------------------------------------------------


@needs("web.member_portal")
def member_broadcast(request: HttpRequest) -> HttpResponse:
    party = access.party_of(request.user)
    history = br.member_history(party)
    chart = column_chart([(r.quarter, p.payable_yen) for r, p in history], title=_("Paid per quarter (yen)"))
    return render(request, "web/member_broadcast.html", {"party": party, "history": history, "chart": chart})


@needs("web.member_portal")
def member_broadcast_file(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    from bunpai.broadcast.models import DistributionRun

    party = access.party_of(request.user)
    run = DistributionRun.objects.filter(pk=pk, status__in=["approved", "paid"]).first()
    folder = br.run_folder(run) if run is not None else None
    payee = br.broadcast_party_id(party)
    path = br.statement_file(folder, payee, fmt) if folder is not None else None
    if run is None or path is None:  # not this member's: the same answer as a run that does not exist
        raise Http404("no statement")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"broadcast-{run.quarter}-{payee}.{fmt}")
