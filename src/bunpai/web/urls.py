"""URLs of the site. Other apps add theirs with :func:`bunpai.web.plugins.register_urls`."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from bunpai.web import broadcast_views as bv
from bunpai.web import views
from bunpai.web.api import api
from bunpai.web.plugins import URLS

admin.site.site_header = "bunpai"
admin.site.site_title = "bunpai"

urlpatterns = [
    path("", views.home, name="home"),
    path("static/bunpai.css", views.css, name="css"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # staff back office
    path("staff/runs/", views.runs, name="staff-runs"),
    path("staff/runs/new/", views.run_new, name="staff-run-new"),
    path("staff/runs/<int:pk>/", views.run_detail, name="staff-run"),
    path("staff/runs/<int:pk>/approve/", views.run_approve, name="staff-run-approve"),
    path("staff/runs/<int:pk>/files/<str:name>", views.run_file, name="staff-run-file"),
    path("staff/runs/<int:pk>/statements/<str:party_id>.<str:fmt>", views.staff_statement, name="staff-statement"),
    path("staff/claims/", views.claims, name="staff-claims"),
    path("staff/claims/<int:pk>/", views.claim_review, name="staff-claim"),
    path("staff/audit/", views.audit, name="staff-audit"),
    # staff: licensees, licences, invoices and payments; broadcast distribution runs
    path("staff/licensees/", bv.licensees, name="staff-licensees"),
    path("staff/licensees/<int:pk>/", bv.licensee_detail, name="staff-licensee"),
    path("staff/broadcast/runs/", bv.broadcast_runs, name="staff-broadcast-runs"),
    path("staff/broadcast/runs/new/", bv.broadcast_run_new, name="staff-broadcast-run-new"),
    path("staff/broadcast/runs/<int:pk>/", bv.broadcast_run, name="staff-broadcast-run"),
    path("staff/broadcast/runs/<int:pk>/approve/", bv.broadcast_run_approve, name="staff-broadcast-run-approve"),
    path("staff/broadcast/runs/<int:pk>/paid/", bv.broadcast_run_paid, name="staff-broadcast-run-paid"),
    path("staff/broadcast/runs/<int:pk>/files/<path:name>", bv.broadcast_run_file, name="staff-broadcast-run-file"),
    path(
        "staff/broadcast/runs/<int:pk>/statements/<str:payee_id>.<str:fmt>",
        bv.broadcast_statement,
        name="staff-broadcast-statement",
    ),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    # member portal
    path("member/works/", views.member_works, name="member-works"),
    path("member/statements/", views.member_statements, name="member-statements"),
    path("member/statements/<int:pk>/", views.member_statement, name="member-statement"),
    path("member/statements/<int:pk>.<str:fmt>", views.member_statement, name="member-statement-file"),
    path("member/broadcast/", bv.member_broadcast, name="member-broadcast"),
    path("member/broadcast/<int:pk>.<str:fmt>", bv.member_broadcast_file, name="member-broadcast-file"),
    # claimant portal
    path("claimant/claims/", views.claimant_claims, name="claimant-claims"),
    path("claimant/claims/new/", views.claimant_new, name="claimant-new"),
    path("claimant/claims/<int:pk>/", views.claimant_claim, name="claimant-claim"),
    # licensee portal (report upload and validation pages come with the intake app)
    path("licensee/", views.licensee_home, name="licensee-home"),
    path("licensee/invoices/", bv.licensee_invoices, name="licensee-invoices"),
    path("licensee/invoices/<int:pk>.<str:fmt>", bv.licensee_invoice_file, name="licensee-invoice-file"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
urlpatterns += [path(prefix, include(module)) for prefix, module in URLS]
