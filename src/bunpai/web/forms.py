"""Forms of the web pages, with upload checks (size, kind of file)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bunpai.web.models import Claim, ClaimEvidence, PrcRun

EVIDENCE_SIGNATURES = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def check_size(upload: Any) -> Any:
    limit: int = settings.BUNPAI_MAX_UPLOAD_BYTES
    if upload is not None and upload.size > limit:
        raise forms.ValidationError(_("The file is larger than %(mb)d MB."), params={"mb": limit // (1024 * 1024)})
    return upload


def evidence_type(upload: Any) -> str:
    """The file's type read from its first bytes (PDF, PNG or JPEG), whatever its name says."""
    head = upload.read(8)
    upload.seek(0)
    for magic, kind in EVIDENCE_SIGNATURES.items():
        if head.startswith(magic):
            return kind
    raise forms.ValidationError(_("Evidence must be a PDF, PNG or JPEG file."))


class RunForm(forms.Form):
    folder = forms.CharField(
        label=_("Input folder on the server"),
        required=False,
        max_length=500,
        help_text=_("A folder in the form of docs/prc-files.md, under the site's data folder."),
    )
    archive = forms.FileField(label=_("or a zip of the input folder"), required=False)
    corrects = forms.ModelChoiceField(
        label=_("Corrects the approved run"),
        required=False,
        queryset=PrcRun.objects.none(),
    )
    add_claims = forms.BooleanField(label=_("Add the accepted claims to claims.csv"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["corrects"].queryset = PrcRun.objects.filter(status=PrcRun.APPROVED)  # type: ignore[attr-defined]

    def clean_archive(self) -> Any:
        return check_size(self.cleaned_data.get("archive"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("folder")) == bool(data.get("archive")):
            raise forms.ValidationError(_("Give either a folder or a zip file."))
        return data


class ClaimForm(forms.Form):
    work_code = forms.CharField(label=_("Work code"), max_length=20)
    fund = forms.ChoiceField(label=_("Use"), choices=Claim.FUNDS)
    use_date = forms.DateField(label=_("Date of the public use"), widget=forms.DateInput(attrs={"type": "date"}))
    special_circumstances = forms.BooleanField(
        label=_("Special circumstances (lifts the two-year limit)"), required=False
    )
    statement = forms.CharField(label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    use = forms.FileField(label=_("Proof of public use (NM 4)"))
    author = forms.FileField(label=_("Proof of authorship (NM 5)"))
    transfer = forms.FileField(label=_("Proof of transfer, if the right was transferred (NM 5 ¶2)"), required=False)
    identity = forms.FileField(label=_("Proof of identity (NM 6)"))
    pen_name = forms.FileField(label=_("Contract showing the pen name, if any (NM 6 ¶2)"), required=False)

    def clean_work_code(self) -> Any:
        from bunpai.store.models import Work

        code = self.cleaned_data["work_code"].strip()
        work = Work.objects.filter(society_code=code).first()
        if work is None:
            raise forms.ValidationError(_("No work has the code %(code)s."), params={"code": code})
        return work

    def clean_use_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["use_date"]
        if value > dt.date.today():
            raise forms.ValidationError(_("The date of use is in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.evidence: list[tuple[str, Any, str]] = []
        for kind, _label in ClaimEvidence.KINDS:
            upload = data.get(kind)
            if upload is None:
                continue
            try:
                check_size(upload)
                self.evidence.append((kind, upload, evidence_type(upload)))
            except forms.ValidationError as error:
                self.add_error(kind, error)
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the system using the token"), max_length=80)
