"""Pages of the back office and the portals. Rules live in the services; views check who may see
what (roles by permission, objects by :mod:`bunpai.web.access`) and present the results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bunpai.services import runs as run_service
from bunpai.services import statements as st
from bunpai.web import access
from bunpai.web.charts import bar_chart, column_chart
from bunpai.web.forms import ClaimForm, ReviewForm, RunForm, TokenForm
from bunpai.web.i18n import identity_rows
from bunpai.web.models import ApiToken, AuditEntry, Claim, ClaimEvidence, PrcRun

RESULT_FILES = (
    "summary.json",
    "statement_lines.csv",
    "payees.csv",
    "holders.csv",
    "held.csv",
    "work_points.csv",
    "claims_result.csv",
    "review.csv",
    "ruleset_applied.json",
)


def needs(permission: str) -> Any:
    """Sign-in first (anonymous → the login page), then the permission (else 403)."""

    def wrap(view: Any) -> Any:
        return login_required(permission_required(permission, raise_exception=True)(view))

    return wrap


def css(request: HttpRequest) -> HttpResponse:
    path = Path(__file__).parent / "static" / "web" / "bunpai.css"
    response = HttpResponse(path.read_text(encoding="utf-8"), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {})


# ---- staff: distribution runs ------------------------------------------------------------------


def _fund_bars(summary: dict[str, Any]) -> list[tuple[str, int]]:
    keys = [
        (_("Receipt"), "receipt_yen"),
        (_("Literary"), "literary_yen"),
        (_("Music fund"), "music_fund_in_yen"),
        (_("Member fund"), "member_fund_yen"),
        (_("Non-member fund"), "nonmember_fund_yen"),
        (_("Statement lines"), "lines_total_yen"),
        (_("Fees"), "fees_total_yen"),
        (_("Net paid"), "net_total_yen"),
        (_("Held"), "held_total_yen"),
        (_("Carried to next period"), "carry_out_total_yen"),
        (_("Claims paid"), "claims_paid_gross_yen"),
    ]
    return [(label, int(summary[key])) for label, key in keys]


@needs("web.view_prcrun")
def runs(request: HttpRequest) -> HttpResponse:
    return render(request, "web/runs.html", {"runs": PrcRun.objects.select_related("ran_by", "approved_by")})


@needs("web.run_distribution")
def run_new(request: HttpRequest) -> HttpResponse:
    form = RunForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = run_service.start_run(
                user=request.user,
                source=Path(data["folder"]) if data["folder"] else None,
                upload=data["archive"],
                corrects=data["corrects"],
                add_claims=data["add_claims"],
            )
        except run_service.RunError as error:
            form.add_error(None, str(error))
        else:
            if run.status == PrcRun.FAILED:
                messages.error(request, _("The run failed: nothing was distributed. See the problems below."))
            else:
                messages.success(request, _("Run computed. Another person must approve it."))
            return redirect("staff-run", run.pk)
    return render(request, "web/run_new.html", {"form": form})


@needs("web.view_prcrun")
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(PrcRun.objects.select_related("ran_by", "approved_by", "corrects"), pk=pk)
    context: dict[str, Any] = {"run": run}
    if run.summary:
        folder = Path(run.folder)
        context["identities"] = identity_rows(st.conservation(run.summary))
        context["chart"] = bar_chart(_fund_bars(run.summary), title=_("Funds of the period (yen)"))
        context["payees"] = st.top_payees(folder)
        context["files"] = [n for n in RESULT_FILES if (folder / "result" / n).is_file()]
        context["claims_by_status"] = run.summary.get("claims_by_status", {})
    context["can_approve"] = (
        run.status == PrcRun.COMPUTED
        and request.user.has_perm("web.approve_distribution")
        and run.ran_by_id != request.user.pk
    )
    context["problems"] = run.problems.splitlines()[:200]
    return render(request, "web/run_detail.html", context)


@require_POST
@needs("web.approve_distribution")
def run_approve(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(PrcRun, pk=pk)
    try:
        run_service.approve_run(run, request.user)
    except run_service.RunError as error:
        messages.error(request, str(error))
        return redirect("staff-run", pk)
    messages.success(request, _("Run approved."))
    return redirect("staff-run", pk)


@needs("web.view_prcrun")
def run_file(request: HttpRequest, pk: int, name: str) -> FileResponse:
    run = get_object_or_404(PrcRun, pk=pk)
    path = Path(run.folder) / "result" / name
    if name not in RESULT_FILES or not path.is_file():
        raise Http404("no such file")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"run{run.pk}-{name}")


@needs("web.view_prcrun")
def staff_statement(request: HttpRequest, pk: int, party_id: str, fmt: str) -> HttpResponse:
    run = get_object_or_404(PrcRun, pk=pk, status__in=[PrcRun.COMPUTED, PrcRun.APPROVED])
    statement = st.read_statement(Path(run.folder), party_id)
    if statement is None:
        raise Http404("no statement")
    return _statement_response(statement, fmt, run)


def _statement_response(statement: st.Statement, fmt: str, run: PrcRun) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(st.statement_csv(statement), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statement-{run.period}-{statement.party_id}.csv"'
        return response
    if fmt == "pdf":
        from bunpai.formats.statement_pdf import statement_pdf

        response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="statement-{run.period}-{statement.party_id}.pdf"'
        return response
    raise Http404("unknown format")


# ---- staff: claims and audit ---------------------------------------------------------------------


@needs("web.view_claim")
def claims(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = Claim.objects.select_related("claimant", "party", "work")
    if status:
        rows = rows.filter(status=status)
    return render(request, "web/claims.html", {"claims": rows, "status": status, "statuses": Claim.STATUSES})


@needs("web.view_claim")
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.select_related("claimant", "party", "work", "run"), pk=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("web.review_claim"):
            return HttpResponse(status=403)
        if claim.status not in (Claim.SUBMITTED, Claim.ACCEPTED, Claim.REJECTED):
            messages.error(request, _("The claim is already in a distribution."))
        elif form.is_valid():
            claim.status = Claim.ACCEPTED if form.cleaned_data["decision"] == "accept" else Claim.REJECTED
            claim.review_note = form.cleaned_data["note"]
            claim.reviewed_by = request.user  # type: ignore[assignment]
            claim.reviewed_at = timezone.now()
            claim.save()
            messages.success(request, _("Decision recorded."))
            return redirect("staff-claim", pk)
    return render(request, "web/claim_review.html", {"claim": claim, "form": form, **_claim_result(claim)})


def _claim_result(claim: Claim) -> dict[str, Any]:
    if claim.run is None or claim.run.status != PrcRun.APPROVED:
        return {}
    return {"result": st.claim_results(Path(claim.run.folder)).get(claim.claim_id)}


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(ClaimEvidence.objects.select_related("claim"), pk=pk)
    if not access.can_see_claim(request.user, evidence.claim):
        raise Http404("no such file")
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@needs("web.view_audit")
def audit(request: HttpRequest) -> HttpResponse:
    rows = AuditEntry.objects.all()
    model = request.GET.get("model", "")
    if model:
        rows = rows.filter(model=model)
    if request.GET.get("object"):
        rows = rows.filter(object_id=request.GET["object"])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "web/audit.html", {"page": page, "model": model})


# ---- member portal -----------------------------------------------------------------------------


@needs("web.member_portal")
def member_works(request: HttpRequest) -> HttpResponse:
    from bunpai.store.models import Share

    party = access.party_of(request.user)
    today = timezone.localdate()
    shares = (
        Share.objects.filter(party=party, superseded_on__isnull=True)
        .select_related("work")
        .order_by("work__society_code", "right", "role")
    )
    rows = [s for s in shares if (s.valid_to is None or s.valid_to >= today)][:500]
    return render(request, "web/member_works.html", {"party": party, "shares": rows})


def _member_history(party_id: str) -> list[tuple[PrcRun, st.Statement]]:
    history = []
    for run in run_service.current_runs():
        statement = st.read_statement(Path(run.folder), party_id)
        if statement is not None:
            history.append((run, statement))
    return history


@needs("web.member_portal")
def member_statements(request: HttpRequest) -> HttpResponse:
    party = access.party_of(request.user)
    history = _member_history(run_service.prc_party_id(party))
    chart = column_chart([(r.period, s.net_yen) for r, s in history], title=_("Net paid per period (yen)"))
    return render(request, "web/member_statements.html", {"party": party, "history": history, "chart": chart})


@needs("web.member_portal")
def member_statement(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponse:
    party = access.party_of(request.user)
    run = get_object_or_404(PrcRun, pk=pk, status=PrcRun.APPROVED)
    statement = st.read_statement(Path(run.folder), run_service.prc_party_id(party))
    if statement is None:  # not this member's: the same answer as a run that does not exist
        raise Http404("no statement")
    if fmt == "html":
        return render(request, "web/member_statement.html", {"run": run, "statement": statement})
    return _statement_response(statement, fmt, run)


# ---- claimant portal ---------------------------------------------------------------------------


@needs("web.claimant_portal")
def claimant_claims(request: HttpRequest) -> HttpResponse:
    rows = Claim.objects.filter(claimant=request.user).select_related("work", "run")
    return render(request, "web/claimant_claims.html", {"claims": rows})


@needs("web.claimant_portal")
def claimant_new(request: HttpRequest) -> HttpResponse:
    party = access.party_of(request.user)
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            claim = Claim.objects.create(
                claimant=request.user,
                party=party,
                work=data["work_code"],
                fund=data["fund"],
                use_date=data["use_date"],
                claimed_on=timezone.localdate(),
                special_circumstances=data["special_circumstances"],
                statement=data["statement"],
            )
            for kind, upload, content_type in form.evidence:
                ClaimEvidence.objects.create(
                    claim=claim,
                    kind=kind,
                    file=upload,
                    original_name=upload.name[:255],
                    content_type=content_type,
                    size=upload.size,
                )
        messages.success(request, _("Your claim %(id)s was filed.") % {"id": claim.claim_id})
        return redirect("claimant-claim", claim.pk)
    return render(request, "web/claimant_new.html", {"form": form, "party": party})


@needs("web.claimant_portal")
def claimant_claim(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.own_claim(request.user, get_object_or_404(Claim.objects.select_related("work", "run"), pk=pk))
    return render(request, "web/claimant_claim.html", {"claim": claim, **_claim_result(claim)})


# ---- licensee portal and API tokens ------------------------------------------------------------


@needs("web.licensee_portal")
def licensee_home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/licensee_home.html", {"licensees": access.licensees_of(request.user)})


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = ApiToken.issue(request.user, form.cleaned_data["name"])
        form = TokenForm()
    rows = ApiToken.objects.filter(user=request.user, revoked=False)
    return render(request, "web/tokens.html", {"form": form, "tokens": rows, "raw": raw})


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoked = True
    token.save(update_fields=["revoked"])
    messages.success(request, _("Token revoked."))
    return redirect("tokens")
