from __future__ import annotations

from django.contrib import admin

from bunpai.broadcast import models


@admin.register(models.Licensee)
class LicenseeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(models.Station)
class StationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "licensee", "kind", "fund_group", "station_points")
    list_filter = ("kind", "fund_group")


@admin.register(models.Licence)
class LicenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("licensee", "fiscal_year", "licence_type", "fee_type", "station_kind")


@admin.register(models.FeeAssessment)
class FeeAssessmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("licence", "revenue_yen", "rate", "usage_share", "fee_yen", "ruleset")


@admin.register(models.Invoice)
class InvoiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("licensee", "fiscal_year", "instalment", "due_date", "amount_yen")
    list_filter = ("fiscal_year",)


@admin.register(models.Payment)
class PaymentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("invoice", "received_on", "amount_yen")


@admin.register(models.DistributionRun)
class DistributionRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "quarter", "status", "ruleset", "corrects", "created_at", "approved_at", "paid_at")
    list_filter = ("status", "quarter")

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is not None and obj.status != "draft":
            return [f.name for f in obj._meta.fields]
        return []
