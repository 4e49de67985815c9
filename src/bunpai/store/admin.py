"""Admin pages of the registry (the society's staff browse and correct the data here)."""

from __future__ import annotations

from django.contrib import admin

from bunpai.store import models as m


class AlternativeTitleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = m.AlternativeTitle
    extra = 0


class ShareInline(admin.TabularInline):  # type: ignore[type-arg]
    model = m.Share
    extra = 0
    raw_id_fields = ["party", "document"]
    fields = [
        "party",
        "capacity",
        "role",
        "right",
        "share",
        "collection_share",
        "territory",
        "include",
        "valid_from",
        "valid_to",
        "received_on",
        "superseded_on",
    ]


class RecordingInline(admin.TabularInline):  # type: ignore[type-arg]
    model = m.Recording
    extra = 0
    fields = ["isrc", "title", "release_date", "duration", "label"]


@admin.register(m.Work)
class WorkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["society_code", "title", "iswc", "submitter", "submitter_work_number", "version_type"]
    search_fields = ["society_code", "title", "iswc", "submitter_work_number", "alternative_titles__title"]
    list_filter = ["version_type", "category", "music_expired", "lyrics_expired"]
    raw_id_fields = ["original", "document"]
    inlines = [AlternativeTitleInline, ShareInline, RecordingInline]


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = m.Membership
    extra = 0


class PartyReferenceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = m.PartyReference
    extra = 0


@admin.register(m.Party)
class PartyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "first_name", "kind", "ipi_name", "ipi_base"]
    search_fields = ["name", "first_name", "ipi_name", "ipi_base", "references__number"]
    list_filter = ["kind"]
    inlines = [MembershipInline, PartyReferenceInline]


@admin.register(m.Share)
class ShareAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "work",
        "party",
        "role",
        "right",
        "share",
        "territory",
        "include",
        "valid_from",
        "valid_to",
        "received_on",
        "superseded_on",
    ]
    list_filter = ["right", "capacity", "include"]
    raw_id_fields = ["work", "party", "document"]
    search_fields = ["work__title", "work__society_code", "party__name"]


@admin.register(m.Society)
class SocietyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "country"]
    search_fields = ["code", "name", "country"]


@admin.register(m.Document)
class DocumentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "submitter", "version", "received_on", "imported_at"]
    list_filter = ["kind"]


class CueInline(admin.TabularInline):  # type: ignore[type-arg]
    model = m.Cue
    extra = 0
    raw_id_fields = ["work"]


class AVTitleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = m.AVTitle
    extra = 0


@admin.register(m.AVProduction)
class AVProductionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "country", "year", "isan"]
    search_fields = ["title", "titles__title", "isan"]
    inlines = [AVTitleInline, CueInline]


@admin.register(m.Recording)
class RecordingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["isrc", "title", "work", "release_date"]
    search_fields = ["isrc", "title", "work__title"]
    raw_id_fields = ["work"]


@admin.register(m.Conflict)
class ConflictAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["status", "title", "work", "submitter", "submitter_work_number", "reason", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["work", "document"]


admin.site.register(m.Membership)
admin.site.register(m.Performer)
