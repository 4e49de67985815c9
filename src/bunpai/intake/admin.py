"""Admin pages of the usage reports (staff browse files, lines, problems and the queue)."""

from __future__ import annotations

from django.contrib import admin

from bunpai.intake import models as m


@admin.register(m.ReportFile)
class ReportFileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["station", "month", "name", "status", "lines_good", "lines_bad", "received_at"]
    list_filter = ["status", "month"]
    exclude = ["content"]


@admin.register(m.ReportLine)
class ReportLineAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["report", "line", "kind", "title", "duration", "outcome", "work", "decision"]
    list_filter = ["outcome", "kind", "decision"]
    raw_id_fields = ["report", "work", "expanded_from", "production"]


@admin.register(m.ReportProblem)
class ReportProblemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["report", "line", "field", "reason"]


@admin.register(m.QueueItem)
class QueueItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "creators", "programme", "status", "created_at"]
    list_filter = ["status", "kind"]


@admin.register(m.RememberedDecision)
class RememberedDecisionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["line_key", "action", "work", "decided_by", "decided_at"]
    raw_id_fields = ["work", "production"]


@admin.register(m.Station)
class StationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "licensee"]
