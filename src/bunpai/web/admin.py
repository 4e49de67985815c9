"""Admin pages of the web application's own models; the audit trail is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bunpai.web import models as m


@admin.register(m.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "username", "action", "model", "object_id", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["username", "object_id", "object_repr"]
    readonly_fields = [f.name for f in m.AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.Licensee)
class LicenseeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name"]
    filter_horizontal = ["users"]


@admin.register(m.PartyAccount)
class PartyAccountAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "party"]
    raw_id_fields = ["party"]


@admin.register(m.Claim)
class ClaimAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "claimant", "work", "fund", "use_date", "status"]
    list_filter = ["status", "fund"]
    raw_id_fields = ["party", "work", "run"]


@admin.register(m.PrcRun)
class PrcRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "period", "status", "ran_by", "approved_by", "ran_at"]
    readonly_fields = [f.name for f in m.PrcRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
