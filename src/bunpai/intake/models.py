"""Report files as received, their lines and problems, and the manual queue (利用曲目報告と手作業特定).

A file is kept byte for byte with its SHA-256. The same bytes again are not stored twice. A later
file for the same station and month *replaces* the earlier one: the earlier one stays (status
``replaced``) with its lines, but only the lines of ``current`` files count.

Identification results live on the lines (``outcome``, ``work``, ``score``, ``decision``). Lines
that need a person go to the queue, one item per distinct reported line (``line_key``); a staff
decision is stored as a :class:`RememberedDecision` and applied to every line with that key, now
and in later reports.
"""

from __future__ import annotations

from django.db import models

from bunpai.store.models import AVProduction, Work

THIS_SOCIETY = "this_society"
OTHER_MANAGER = "other_manager"
PUBLIC_DOMAIN = "public_domain"
UNIDENTIFIED = "unidentified"
QUEUED = "queued"
EXPANDED = "expanded"
OUTCOMES = [
    (EXPANDED, "programme expanded through its cue sheet"),
    (THIS_SOCIETY, "work of this society"),
    (OTHER_MANAGER, "work of another manager"),
    (PUBLIC_DOMAIN, "public domain"),
    (UNIDENTIFIED, "unidentified"),
    (QUEUED, "in the manual queue"),
]


class ReportFile(models.Model):
    """One file a station sent for one month, kept as received (受領ファイル)."""

    CURRENT = "current"
    REPLACED = "replaced"
    station = models.CharField(max_length=40)
    licensee = models.CharField(max_length=80, help_text="the broadcaster that holds the licence")
    month = models.CharField(max_length=7, help_text="YYYY-MM of the broadcasts")
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    content = models.BinaryField()
    encoding = models.CharField(max_length=10)
    received_at = models.DateTimeField()
    received_by = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=8, choices=[(CURRENT, "current"), (REPLACED, "replaced")], default=CURRENT)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces")
    lines_good = models.PositiveIntegerField(default=0)
    lines_bad = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["station", "month", "received_at", "id"]
        indexes = [models.Index(fields=["station", "month", "status"])]

    def __str__(self) -> str:
        return f"{self.station} {self.month} {self.name} ({self.status})"


class ReportProblem(models.Model):
    """A rejected line (or the file as a whole, line 0) with the field and the reason."""

    report = models.ForeignKey(ReportFile, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField()
    field = models.CharField(max_length=40)
    reason = models.CharField(max_length=255)

    class Meta:
        ordering = ["report", "line", "field"]

    def __str__(self) -> str:
        return f"{self.report.name}:{self.line}: {self.field}: {self.reason}"


class ReportLine(models.Model):
    """A work line as reported, or expanded from a programme's cue sheet, with its identification."""

    WORK = "work"
    PROGRAMME = "programme"
    report = models.ForeignKey(ReportFile, on_delete=models.CASCADE, related_name="lines")
    line = models.PositiveIntegerField(help_text="line number in the file")
    kind = models.CharField(max_length=9, choices=[(WORK, "work line"), (PROGRAMME, "programme line")])
    broadcast_at = models.DateTimeField(null=True, blank=True)
    programme = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    work_code = models.CharField(max_length=20, blank=True)
    iswc = models.CharField(max_length=11, blank=True)
    isrc = models.CharField(max_length=12, blank=True)
    creators = models.CharField(max_length=500, blank=True)
    performer = models.CharField(max_length=255, blank=True)
    duration = models.PositiveIntegerField(default=0, help_text="seconds")
    usage = models.CharField(max_length=20, blank=True, help_text="featured, theme, background…")
    recorded = models.BooleanField(default=True, help_text="pre-recorded programme (放送用録音)")
    sampling_rate = models.CharField(max_length=20, blank=True, help_text="empty: all-works report")
    country = models.CharField(max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    expanded_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="expansion")
    production = models.ForeignKey(AVProduction, null=True, blank=True, on_delete=models.SET_NULL)
    line_key = models.CharField(max_length=64, db_index=True, help_text="digest of what identifies the line")
    outcome = models.CharField(max_length=13, choices=OUTCOMES, default=QUEUED)
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.SET_NULL, related_name="usage_lines")
    score = models.FloatField(null=True, blank=True)
    decision = models.CharField(max_length=8, blank=True, help_text="auto, review, none, manual, cue")

    class Meta:
        ordering = ["report", "line", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.line} {self.title or self.programme}"


class QueueItem(models.Model):
    """One distinct reported line that a person must identify (手作業特定の待ち行列)."""

    OPEN = "open"
    DECIDED = "decided"
    line_key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=9)
    title = models.CharField(max_length=255, blank=True)
    creators = models.CharField(max_length=500, blank=True)
    work_code = models.CharField(max_length=20, blank=True)
    programme = models.CharField(max_length=255, blank=True)
    country = models.CharField(max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    candidates = models.JSONField(default=list, help_text="best candidates: [{work, score}] best first")
    status = models.CharField(max_length=7, choices=[(OPEN, "open"), (DECIDED, "decided")], default=OPEN)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["status", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.title or self.programme} ({self.status})"


class RememberedDecision(models.Model):
    """A staff decision for a distinct reported line; applies to that line in every report."""

    WORK = "work"
    NEW_WORK = "new_work"
    OTHER_MANAGER = OTHER_MANAGER
    PUBLIC_DOMAIN = PUBLIC_DOMAIN
    UNIDENTIFIED = UNIDENTIFIED
    ACTIONS = [
        (WORK, "this registered work"),
        (NEW_WORK, "a new work registered for it"),
        (OTHER_MANAGER, "a work of another manager"),
        (PUBLIC_DOMAIN, "public domain"),
        (UNIDENTIFIED, "cannot be identified (its money is held)"),
    ]
    line_key = models.CharField(max_length=64, unique=True)
    action = models.CharField(max_length=13, choices=ACTIONS)
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.PROTECT)
    production = models.ForeignKey(AVProduction, null=True, blank=True, on_delete=models.PROTECT)
    decided_by = models.CharField(max_length=80)
    decided_at = models.DateTimeField()
    note = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"{self.line_key[:8]} → {self.action} {self.work or ''}"


class Station(models.Model):
    """A broadcasting station whose reports a licensee sends (放送局); ``licensee`` is the code of
    the licensee that holds its licence, the same code the station's report files carry."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=160, blank=True)
    licensee = models.CharField(max_length=80, db_index=True)

    class Meta:
        ordering = ["licensee", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()
