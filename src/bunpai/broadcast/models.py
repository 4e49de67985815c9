"""Licensees, stations, licences, blanket-fee assessments, invoices, payments and distribution runs."""

from __future__ import annotations

from typing import Any

from django.db import models

STATION_KINDS = [
    ("terrestrial", "terrestrial (NHK, commercial) 地上波"),
    ("satellite", "satellite 衛星"),
    ("cable_high", "cable, music-heavy channel"),
    ("cable_medium", "cable, medium music use"),
    ("cable_low", "cable, low music use"),
    ("cable_minimal", "cable, minimal music use"),
    ("community_fm", "community FM コミュニティFM"),
]
LICENCE_TYPES = [("blanket", "blanket licence 包括契約"), ("per_use", "per-use licences 個別契約")]
FEE_TYPES = [("blanket", "blanket fee 包括使用料"), ("per_work", "per-work fee 曲別使用料")]
RUN_STATUS = [("draft", "draft"), ("approved", "approved"), ("paid", "paid")]


class ImmutableError(RuntimeError):
    """A record that may no longer change (an approved or paid run)."""


class Licensee(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Station(models.Model):
    licensee = models.ForeignKey(Licensee, on_delete=models.PROTECT, related_name="stations")
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=STATION_KINDS)
    fund_group = models.CharField(max_length=40)
    station_points = models.CharField(max_length=40, default="1", help_text="exact ratio n/d")

    def __str__(self) -> str:
        return self.code


class Licence(models.Model):
    """A licensee's licence for a fiscal year: the kind of licence and of fee it chose."""

    licensee = models.ForeignKey(Licensee, on_delete=models.PROTECT, related_name="licences")
    fiscal_year = models.IntegerField()
    licence_type = models.CharField(max_length=10, choices=LICENCE_TYPES, default="blanket")
    fee_type = models.CharField(max_length=10, choices=FEE_TYPES, default="blanket")
    station_kind = models.CharField(max_length=20, choices=STATION_KINDS, default="terrestrial")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["licensee", "fiscal_year"], name="one_licence_per_year")]


class FeeAssessment(models.Model):
    """The yearly blanket fee: previous year's revenue × rate × usage share (with the kind's minimum)."""

    licence = models.OneToOneField(Licence, on_delete=models.PROTECT, related_name="assessment")
    revenue_yen = models.BigIntegerField()
    rate = models.CharField(max_length=40)
    usage_share = models.CharField(max_length=40)
    minimum_yen = models.BigIntegerField(default=0)
    fee_yen = models.BigIntegerField()
    ruleset = models.CharField(max_length=80)


class Invoice(models.Model):
    licensee = models.ForeignKey(Licensee, on_delete=models.PROTECT, related_name="invoices")
    assessment = models.ForeignKey(FeeAssessment, on_delete=models.PROTECT, related_name="invoices", null=True)
    fiscal_year = models.IntegerField()
    instalment = models.IntegerField()
    due_date = models.DateField()
    amount_yen = models.BigIntegerField()
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["licensee_id", "fiscal_year", "instalment"]


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    received_on = models.DateField()
    amount_yen = models.BigIntegerField()


class DistributionRun(models.Model):
    """One quarter's distribution as a record: its inputs, status and result; immutable once approved."""

    quarter = models.CharField(max_length=6)
    status = models.CharField(max_length=10, choices=RUN_STATUS, default="draft")
    ruleset = models.CharField(max_length=80)
    inputs = models.JSONField(help_text="SHA-256 of every input file (inputs.json of the result)")
    summary = models.JSONField()
    result_path = models.CharField(max_length=500, blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    releases = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="released_by",
        help_text="an earlier run whose held money this run pays",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = DistributionRun.objects.filter(pk=self.pk).first()
            if stored is not None and stored.status != "draft":
                allowed = stored.status == "approved" and self.status == "paid"
                unchanged = all(
                    getattr(stored, f) == getattr(self, f)
                    for f in ("quarter", "ruleset", "inputs", "summary", "result_path", "corrects_id", "releases_id")
                )
                if not (allowed and unchanged):
                    raise ImmutableError(f"run {self.pk} is {stored.status}: it cannot change (make a correction)")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status != "draft":
            raise ImmutableError(f"run {self.pk} is {self.status}: it cannot be deleted")
        return super().delete(*args, **kwargs)
