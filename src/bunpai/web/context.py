"""Template context: the navigation entries the signed-in user may follow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bunpai.web.plugins import NAV, NavEntry

CORE_NAV = [
    NavEntry("staff", _("Distribution runs"), "staff-runs", "web.view_prcrun", 10),
    NavEntry("staff", _("Broadcast runs"), "staff-broadcast-runs", "broadcast.view_distributionrun", 12),
    NavEntry("staff", _("Claims"), "staff-claims", "web.view_claim", 20),
    NavEntry("staff", _("Licensees and invoices"), "staff-licensees", "broadcast.view_invoice", 40),
    NavEntry("staff", _("Audit trail"), "staff-audit", "web.view_audit", 30),
    NavEntry("admin", _("Registry admin"), "admin:index", "web.back_office", 90),
    NavEntry("member", _("My works"), "member-works", "web.member_portal", 10),
    NavEntry("member", _("My statements"), "member-statements", "web.member_portal", 20),
    NavEntry("member", _("My broadcast statements"), "member-broadcast", "web.member_portal", 30),
    NavEntry("claimant", _("My claims"), "claimant-claims", "web.claimant_portal", 10),
    NavEntry("claimant", _("File a claim"), "claimant-new", "web.claimant_portal", 20),
    NavEntry("licensee", _("Licensee portal"), "licensee-home", "web.licensee_portal", 10),
    NavEntry("licensee", _("My invoices"), "licensee-invoices", "web.licensee_portal", 40),
    NavEntry("account", _("API tokens"), "tokens", "", 10),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    entries = sorted(CORE_NAV + NAV, key=lambda e: (e.section, e.order))
    return {"nav": [e for e in entries if not e.permission or user.has_perm(e.permission)]}
