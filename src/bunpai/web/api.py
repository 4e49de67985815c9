"""The API (``/api/``) with its OpenAPI document at ``/api/openapi.json``.

Systems authenticate with a bearer token (``Authorization: Bearer bp_…``, issued on the API tokens
page to the user they act for); a signed-in browser session works too. Each endpoint applies the
same role and object checks as the pages: a member's token reads only that member's statements.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from bunpai.services import runs as run_service
from bunpai.services import statements as st
from bunpai.web.models import ApiToken, Claim, PrcRun
from bunpai.web.plugins import API_ROUTERS


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith("bp_") or len(token) > 100:
            return None
        found = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(token), revoked=False).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="bunpai API",
    version="1",
    description="Works search, statements, claim status and distribution runs of a music copyright society.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _require(request: HttpRequest, permission: str) -> Any:
    user = _user(request)
    if not user.has_perm(permission):
        raise HttpError(403, "not allowed for this role")
    return user


class WorkOut(Schema):
    code: str
    title: str
    iswc: str


class ShareOut(Schema):
    party: str
    role: str
    right: str
    share_hundredths: int
    share_fraction: str
    territory: int
    valid_from: dt.date | None
    valid_to: dt.date | None


class WorkDetailOut(WorkOut):
    shares: list[ShareOut]


class StatementOut(Schema):
    run_id: int
    period: str
    party_id: str
    gross_yen: int
    fee_yen: int
    net_yen: int


class StatementLineOut(Schema):
    work_id: str
    title: str
    gross_yen: int


class StatementDetailOut(StatementOut):
    lines: list[StatementLineOut]


class ClaimOut(Schema):
    claim_id: str
    id: int
    work_code: str
    fund: str
    use_date: dt.date
    claimed_on: dt.date
    status: str
    result: str
    net_yen: int | None


class RunOut(Schema):
    id: int
    period: str
    status: str
    ran_by: str
    approved_by: str | None
    receipt_yen: int | None
    net_total_yen: int | None


@api.get("/works", response=list[WorkOut], summary="Search works by code, ISWC or title")
def works(request: HttpRequest, q: str = Query("", max_length=100), limit: int = Query(20, ge=1, le=100)) -> Any:
    from django.db.models import Q

    from bunpai.store.models import Work

    rows = Work.objects.all()
    if q.strip():
        text = q.strip()
        rows = rows.filter(Q(society_code=text) | Q(iswc=text) | Q(title__icontains=text))
    return [WorkOut(code=w.society_code, title=w.title, iswc=w.iswc) for w in rows.order_by("society_code")[:limit]]


@api.get("/works/{code}", response=WorkDetailOut, summary="A work with its current shares")
def work(request: HttpRequest, code: str) -> Any:
    from bunpai.store.models import Share, Work

    found = Work.objects.filter(society_code=code).first()
    if found is None:
        raise HttpError(404, "no such work")
    shares = Share.objects.filter(work=found, superseded_on__isnull=True).select_related("party").order_by("pk")
    return WorkDetailOut(
        code=found.society_code,
        title=found.title,
        iswc=found.iswc,
        shares=[
            ShareOut(
                party=str(s.party) if s.party else "",
                role=s.role,
                right=s.right,
                share_hundredths=s.share,
                share_fraction=s.share_fraction,
                territory=s.territory,
                valid_from=s.valid_from,
                valid_to=s.valid_to,
            )
            for s in shares
        ],
    )


def _member_party_id(request: HttpRequest) -> str:
    user = _require(request, "web.member_portal")
    account = getattr(user, "party_account", None)
    if account is None:
        raise HttpError(404, "this login is not linked to a party")
    return run_service.prc_party_id(account.party)


@api.get("/statements", response=list[StatementOut], summary="My statements, one per approved period")
def statements(request: HttpRequest) -> Any:
    party_id = _member_party_id(request)
    out = []
    for run in run_service.current_runs():
        s = st.read_statement(Path(run.folder), party_id)
        if s is not None:
            out.append(
                StatementOut(
                    run_id=run.pk,
                    period=s.period,
                    party_id=party_id,
                    gross_yen=s.gross_yen,
                    fee_yen=s.fee_yen,
                    net_yen=s.net_yen,
                )
            )
    return out


@api.get("/statements/{run_id}", response=StatementDetailOut, summary="My statement of one run, line by line")
def statement(request: HttpRequest, run_id: int) -> Any:
    party_id = _member_party_id(request)
    run = PrcRun.objects.filter(pk=run_id, status=PrcRun.APPROVED).first()
    s = st.read_statement(Path(run.folder), party_id) if run is not None else None
    if run is None or s is None:
        raise HttpError(404, "no statement")
    return StatementDetailOut(
        run_id=run.pk,
        period=s.period,
        party_id=party_id,
        gross_yen=s.gross_yen,
        fee_yen=s.fee_yen,
        net_yen=s.net_yen,
        lines=[StatementLineOut(work_id=x.work_id, title=x.title, gross_yen=x.gross_yen) for x in s.lines],
    )


def _claim_out(claim: Claim) -> ClaimOut:
    result, net = "", None
    if claim.run is not None and claim.run.status == PrcRun.APPROVED:
        row = st.claim_results(Path(claim.run.folder)).get(claim.claim_id)
        if row is not None:
            result, net = row["status"], int(row["net_yen"])
    return ClaimOut(
        claim_id=claim.claim_id,
        id=claim.pk,
        work_code=claim.work.society_code,
        fund=claim.fund,
        use_date=claim.use_date,
        claimed_on=claim.claimed_on,
        status=claim.status,
        result=result,
        net_yen=net,
    )


def _claims_for(request: HttpRequest) -> Any:
    user = _user(request)
    rows = Claim.objects.select_related("work", "run")
    if user.has_perm("web.view_claim"):
        return rows
    if user.has_perm("web.claimant_portal"):
        return rows.filter(claimant=user)
    raise HttpError(403, "not allowed for this role")


@api.get("/claims", response=list[ClaimOut], summary="Claims: my own, or all for staff")
def claims(request: HttpRequest) -> Any:
    return [_claim_out(c) for c in _claims_for(request)[:500]]


@api.get("/claims/{claim_id}", response=ClaimOut, summary="The status of one claim")
def claim(request: HttpRequest, claim_id: int) -> Any:
    found = _claims_for(request).filter(pk=claim_id).first()
    if found is None:
        raise HttpError(404, "no such claim")
    return _claim_out(found)


@api.get("/runs", response=list[RunOut], summary="Private recording distribution runs (staff)")
def runs(request: HttpRequest) -> Any:
    _require(request, "web.view_prcrun")
    out = []
    for run in PrcRun.objects.select_related("ran_by", "approved_by")[:200]:
        summary = run.summary or {}
        out.append(
            RunOut(
                id=run.pk,
                period=run.period,
                status=run.status,
                ran_by=run.ran_by.username,
                approved_by=run.approved_by.username if run.approved_by else None,
                receipt_yen=summary.get("receipt_yen"),
                net_total_yen=summary.get("net_total_yen"),
            )
        )
    return out


api.add_router("/invoices", "bunpai.web.invoices_api.router")
for _prefix, _router in API_ROUTERS:  # routers of other apps (report upload and status, …)
    api.add_router(_prefix, _router)
