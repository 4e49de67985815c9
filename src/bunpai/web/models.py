"""Models of the web application: audit entries, who a user is in the registry, distribution runs
as the staff see them, non-members' claims with their evidence, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class AuditEntry(models.Model):
    """One change to a party, membership, share or document: who, when, before and after."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, help_text="kept when the user is deleted")
    action = models.CharField(max_length=6, choices=[("create", "create"), ("update", "update"), ("delete", "delete")])
    model = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        permissions = [("view_audit", "Can see the audit trail")]

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class PartyAccount(models.Model):
    """The registry party a member's or claimant's login belongs to (one party per user)."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="party_account")
    party = models.ForeignKey("registry.Party", on_delete=models.PROTECT, related_name="accounts")

    def __str__(self) -> str:
        return f"{self.user} → {self.party}"


class Licensee(models.Model):
    """A licensee (broadcaster, …) whose staff use the licensee portal and the API (利用者)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=160)
    users = models.ManyToManyField(USER, blank=True, related_name="licensees")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ApiToken(models.Model):
    """A bearer token for a system acting as ``user``; only its SHA-256 digest is stored."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=8, help_text="the first characters, to recognise the token")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, user: object, name: str) -> tuple[ApiToken, str]:
        raw = "bp_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[:8], digest=cls.digest_of(raw))
        return token, raw

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class PrcRun(models.Model):
    """One private recording distribution run started from the web: its frozen input, its result,
    who ran it and who approved it. An approved run is never changed; a correction is a new run
    that names the run it corrects."""

    COMPUTED = "computed"
    FAILED = "failed"
    APPROVED = "approved"
    STATUSES = [(COMPUTED, _("computed, awaiting approval")), (FAILED, _("failed")), (APPROVED, _("approved"))]

    period = models.CharField(max_length=20, blank=True)
    reference_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=500, help_text="the folder or file it was started from")
    folder = models.CharField(max_length=500, help_text="holds input/ (frozen copy) and result/")
    status = models.CharField(max_length=10, choices=STATUSES)
    problems = models.TextField(blank=True, help_text="why the run failed, one problem a line")
    summary = models.JSONField(null=True, blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    claims_added = models.PositiveIntegerField(default=0)
    ran_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    ran_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-ran_at", "-id"]
        permissions = [
            ("run_distribution", "Can run a distribution"),
            ("approve_distribution", "Can approve a distribution run by someone else"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.period} ({self.status})"


class Claim(models.Model):
    """A non-member's claim for private recording compensation (分配請求, NM 3–6) and its review."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    INCLUDED = "included"
    STATUSES = [
        (SUBMITTED, _("submitted, under review")),
        (ACCEPTED, _("accepted, waiting for the next period")),
        (REJECTED, _("rejected")),
        (INCLUDED, _("included in a distribution")),
    ]
    FUNDS = [("broadcast", _("radio broadcast")), ("recording", _("sound recordings")), ("rental", _("rental"))]

    claimant = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="claims")
    party = models.ForeignKey("registry.Party", on_delete=models.PROTECT, related_name="+")
    work = models.ForeignKey("registry.Work", on_delete=models.PROTECT, related_name="+")
    fund = models.CharField(max_length=10, choices=FUNDS)
    use_date = models.DateField()
    claimed_on = models.DateField()
    special_circumstances = models.BooleanField(default=False)
    statement = models.TextField(blank=True, help_text="the claimant's explanation")
    status = models.CharField(max_length=10, choices=STATUSES, default=SUBMITTED)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    run = models.ForeignKey(PrcRun, null=True, blank=True, on_delete=models.PROTECT, related_name="claims")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("review_claim", "Can accept or reject claims")]

    @property
    def claim_id(self) -> str:
        return f"WEB{self.pk:06d}"

    def __str__(self) -> str:
        return self.claim_id


def evidence_path(instance: ClaimEvidence, filename: str) -> str:
    return f"claims/{instance.claim_id}/{secrets.token_hex(8)}"


class ClaimEvidence(models.Model):
    """A document proving use (NM 4), authorship or transfer (NM 5) or identity (NM 6)."""

    KINDS = [
        ("use", _("proof of public use (NM 4): record, liner notes, programme listing")),
        ("author", _("proof of authorship (NM 5): score, publication, contract")),
        ("transfer", _("proof of transfer of the right (NM 5 ¶2)")),
        ("identity", _("proof of identity (NM 6): licence, passport, insurance card")),
        ("pen_name", _("pen name shown in a contract (NM 6 ¶2)")),
    ]
    REQUIRED = ("use", "author", "identity")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=KINDS)
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"


class Portal(models.Model):
    """Holds the permissions of the portals (no rows)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("member_portal", "Can use the member portal"),
            ("claimant_portal", "Can use the claimant portal"),
            ("licensee_portal", "Can use the licensee portal"),
            ("back_office", "Can use the staff back office"),
        ]


class BroadcastRunRecord(models.Model):
    """Who ran, approved and paid a broadcast quarter's run started from the site, and where its
    frozen input, result and statements are (放送等使用料の分配実行). The run itself is a
    :class:`bunpai.broadcast.models.DistributionRun`, immutable once approved."""

    run = models.OneToOneField("broadcast.DistributionRun", on_delete=models.PROTECT, related_name="web_record")
    source = models.CharField(max_length=500, help_text="the folder it was started from")
    folder = models.CharField(max_length=500, help_text="holds input/ (frozen copy), result/ and statements/")
    statement_problems = models.TextField(blank=True, help_text="why statements could not be written, one a line")
    ran_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    ran_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    paid_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"broadcast run #{self.run_id}"
