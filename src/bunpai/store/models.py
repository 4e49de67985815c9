"""Registry models: societies, interested parties, works, shares with their history, recordings,
audiovisual productions and cue sheets (作品・権利者・権利の台帳).

Shares are bitemporal. *Valid time* (``valid_from``/``valid_to``, both inclusive, empty = open)
says when a share applies; *knowledge time* (``received_on``/``superseded_on``) says from when the
society knew it (the date it received the document) and until when it was the current record (the
date a later document replaced it). "Who held what on date D, as known on date K" is one query:
``valid_from ≤ D ≤ valid_to`` and ``received_on ≤ K < superseded_on``. Rows are never updated in
place except to close their knowledge time, so every past answer can be reproduced.

Shares are integers in hundredths of a percent (CWR units: 10000 = 100 %).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

RIGHTS = [("PR", "performing"), ("MR", "mechanical"), ("SR", "synchronisation")]
WRITER_ROLES = [
    ("C", "composer"),
    ("A", "author (lyricist)"),
    ("CA", "composer and author"),
    ("AR", "arranger"),
    ("AD", "adaptor"),
    ("SA", "sub-author"),
    ("SR", "sub-arranger"),
    ("TR", "translator"),
    ("PA", "income participant"),
]
PUBLISHER_ROLES = [
    ("E", "original publisher"),
    ("AM", "administrator"),
    ("SE", "sub-publisher"),
    ("ES", "substituted publisher"),
    ("AQ", "acquirer"),
    ("PA", "income participant"),
]
WORLD = 2136  # TIS code of the world
JAPAN = 392  # TIS code of Japan (ISO 3166 numeric)


class Society(models.Model):
    """A collective management organisation with its CISAC code (著作権管理団体)."""

    code = models.CharField(max_length=3, unique=True, help_text="CISAC society code, 3 digits")
    name = models.CharField(max_length=100)
    country = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "societies"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Party(models.Model):
    """An interested party: a writer (person) or a publisher (company) (権利者)."""

    PERSON = "person"
    COMPANY = "company"
    kind = models.CharField(max_length=7, choices=[(PERSON, "person"), (COMPANY, "company")])
    name = models.CharField(max_length=160, help_text="last name, or the company's name")
    first_name = models.CharField(max_length=160, blank=True)
    ipi_name = models.CharField(
        max_length=11, null=True, blank=True, unique=True, help_text="IPI name number (11 digits)"
    )
    ipi_base = models.CharField(max_length=13, blank=True, help_text="IPI base number I-NNNNNNNNN-C")
    withholding = models.BooleanField(default=False, help_text="income tax is withheld (源泉徴収)")
    lookup_key = models.CharField(
        max_length=200,
        db_index=True,
        blank=True,
        help_text="normalised name, to find parties without identifiers",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "first_name"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return f"{self.name}, {self.first_name}" if self.first_name else self.name


class BankAccount(models.Model):
    """A domestic payee's bank account for transfers (振込口座), used by the Zengin transfer file.

    Bank and branch codes are checked against the published zengin data set when stored
    (:func:`bunpai.services.accounts.import_accounts`).
    """

    ACCOUNT_TYPES = [("1", "普通 ordinary"), ("2", "当座 current"), ("4", "貯蓄 savings")]
    party = models.OneToOneField(Party, on_delete=models.CASCADE, related_name="bank_account")
    bank_code = models.CharField(max_length=4)
    branch_code = models.CharField(max_length=3)
    account_type = models.CharField(max_length=1, choices=ACCOUNT_TYPES, default="1")
    account_number = models.CharField(max_length=7)
    holder_kana = models.CharField(max_length=30, help_text="the holder's name in half-width kana (口座名義)")
    updated_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.bank_code}-{self.branch_code} {self.account_type} {self.account_number}"


class PartyReference(models.Model):
    """A submitter's own number for a party (the CWR interested-party number)."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="references")
    submitter = models.CharField(max_length=20)
    number = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submitter", "number"], name="party_reference_unique")]

    def __str__(self) -> str:
        return f"{self.submitter}:{self.number}"


class Membership(models.Model):
    """A party's affiliation for one right: member, member of a foreign society, or non-member."""

    MEMBER = "member"
    FOREIGN = "foreign"
    ASSIGNEE = "assignee"
    NONMEMBER = "nonmember"
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="memberships")
    society = models.ForeignKey(Society, on_delete=models.PROTECT, null=True, blank=True)
    right = models.CharField(max_length=2, choices=RIGHTS)
    kind = models.CharField(
        max_length=9,
        choices=[(MEMBER, "member"), (FOREIGN, "foreign-society member"),
            (ASSIGNEE, "assigned to a member publisher"),
            (NONMEMBER, "non-member"),
        ],
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["party", "right"])]

    def __str__(self) -> str:
        return f"{self.party} {self.right} {self.kind} {self.society or ''}".strip()


class Document(models.Model):
    """A document the society received: a CWR file, a spreadsheet, a notification (届出書類)."""

    kind = models.CharField(max_length=10, default="cwr")
    name = models.CharField(max_length=255)
    submitter = models.CharField(max_length=20, blank=True)
    version = models.CharField(max_length=10, blank=True)
    received_on = models.DateField(help_text="the date the society received the document")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.received_on})"


class Work(models.Model):
    """A musical work (作品) with its society work code."""

    society_code = models.CharField(max_length=20, unique=True, help_text="the society's work code")
    iswc = models.CharField(max_length=11, blank=True, db_index=True)
    title = models.CharField(max_length=255)
    normalised_title = models.CharField(max_length=255)  # indexed with creators_key below
    creators_key = models.CharField(
        max_length=500, blank=True, help_text="normalised composers and authors, to find the same work"
    )
    language = models.CharField(max_length=2, blank=True)
    duration = models.PositiveIntegerField(null=True, blank=True, help_text="seconds")
    category = models.CharField(max_length=3, blank=True, help_text="CWR distribution category")
    version_type = models.CharField(max_length=3, default="ORI", help_text="ORI original, MOD modified")
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="versions"
    )
    original_title = models.CharField(max_length=255, blank=True)
    submitter = models.CharField(max_length=20, blank=True)
    submitter_work_number = models.CharField(max_length=20, blank=True)
    signature = models.CharField(
        max_length=64,
        blank=True,
        help_text="digest of the current parties, roles and shares (finds duplicates)",
    )
    music_expired = models.BooleanField(default=False)
    lyrics_expired = models.BooleanField(default=False)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["society_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitter", "submitter_work_number"],
                condition=~Q(submitter_work_number=""),
                name="work_submitter_number_unique",
            )
        ]
        indexes = [models.Index(fields=["normalised_title", "creators_key"])]

    def __str__(self) -> str:
        return f"{self.society_code} {self.title}"


class AlternativeTitle(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="alternative_titles")
    title = models.CharField(max_length=255)
    title_type = models.CharField(max_length=2, default="AT", help_text="CWR title type (AT, TE, FT, OT…)")
    language = models.CharField(max_length=2, blank=True)

    def __str__(self) -> str:
        return self.title


class Share(models.Model):
    """One party's share of one right of a work in one territory, with its valid and known times."""

    WRITER = "writer"
    PUBLISHER = "publisher"
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="shares", db_index=False)
    party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="empty: a share whose holder is not determined",
    )
    capacity = models.CharField(max_length=9, choices=[(WRITER, "writer"), (PUBLISHER, "publisher")])
    role = models.CharField(max_length=2, help_text="CISAC designation: C A CA AR AD SA SR TR PA / E AM SE…")
    right = models.CharField(max_length=2, choices=RIGHTS)
    share = models.PositiveIntegerField(help_text="ownership share, hundredths of a percent")
    share_fraction = models.CharField(
        max_length=20, blank=True, help_text="the exact share when hundredths cannot hold it (1/12)"
    )
    collection_share = models.PositiveIntegerField(help_text="collected in this territory, 1/100 %")
    territory = models.PositiveIntegerField(default=WORLD, help_text="TIS code (2136 world, 392 Japan)")
    include = models.BooleanField(default=True, help_text="TIS include (true) or exclude (false)")
    society = models.ForeignKey(Society, null=True, blank=True, on_delete=models.PROTECT, db_index=False)
    controlled = models.BooleanField(default=True)
    publisher_chain = models.PositiveSmallIntegerField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    received_on = models.DateField(help_text="the society knew this from this date")
    superseded_on = models.DateField(
        null=True, blank=True, help_text="a later document replaced this row on this date"
    )
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, db_index=False)

    class Meta:
        # (work, right) serves the work's foreign key too; the document and society keys are not
        # searched by, so they carry no index (each index slows the bulk import).
        indexes = [models.Index(fields=["work", "right"])]

    def __str__(self) -> str:
        return f"{self.work_id} {self.right} {self.role} {self.share / 100:.2f} %"


class Performer(models.Model):
    name = models.CharField(max_length=160)
    first_name = models.CharField(max_length=160, blank=True)
    ipi_name = models.CharField(max_length=11, blank=True)

    def __str__(self) -> str:
        return f"{self.first_name} {self.name}".strip()


class Recording(models.Model):
    """A sound recording of a work (原盤), identified by its ISRC."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="recordings")
    isrc = models.CharField(max_length=12, blank=True, db_index=True)
    title = models.CharField(max_length=255, blank=True)
    release_date = models.DateField(null=True, blank=True)
    duration = models.PositiveIntegerField(null=True, blank=True, help_text="seconds")
    label = models.CharField(max_length=160, blank=True)
    performers = models.ManyToManyField(Performer, blank=True, related_name="recordings")

    def __str__(self) -> str:
        return self.isrc or self.title


class WorkPerformer(models.Model):
    """A performer named in a work registration (CWR PER)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="work_performers")
    performer = models.ForeignKey(Performer, on_delete=models.CASCADE)


class AVProduction(models.Model):
    """An audiovisual production (film, programme, advertisement) with its cue sheet (映像作品)."""

    title = models.CharField(max_length=255)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 country code")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    isan = models.CharField(max_length=26, blank=True)
    intended_purpose = models.CharField(max_length=3, blank=True, help_text="CWR ORN purpose: FIL, TEL, COM…")

    class Meta:
        verbose_name = "AV production"

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


class AVTitle(models.Model):
    production = models.ForeignKey(AVProduction, on_delete=models.CASCADE, related_name="titles")
    title = models.CharField(max_length=255)
    title_type = models.CharField(max_length=2, default="AT")


class Cue(models.Model):
    """One cue of a production's cue sheet (キューシート): a work used, for how long, how."""

    USAGES = [
        ("BI", "background instrumental"),
        ("BV", "background vocal"),
        ("VI", "visual instrumental"),
        ("VV", "visual vocal"),
        ("MT", "main title"),
        ("ET", "end title"),
        ("LO", "logo"),
    ]
    production = models.ForeignKey(AVProduction, on_delete=models.CASCADE, related_name="cues")
    sequence = models.PositiveIntegerField()
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.SET_NULL, related_name="cues")
    title = models.CharField(max_length=255, blank=True)
    duration = models.PositiveIntegerField(null=True, blank=True, help_text="seconds")
    usage = models.CharField(max_length=2, choices=USAGES, blank=True)

    class Meta:
        ordering = ["production", "sequence"]


class Conflict(models.Model):
    """A registration answered CO (conflict) or DU (duplicate) instead of being stored."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="conflicts")
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=2, choices=[("CO", "conflict"), ("DU", "duplicate")])
    title = models.CharField(max_length=255)
    submitter = models.CharField(max_length=20, blank=True)
    submitter_work_number = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.status} {self.title} vs {self.work}"
