"""Distribution runs started from the web (分配実行と承認): freeze the input, add the accepted
claims, run the same code path as ``bunpai prc run``, and approve by someone else.

A run's folder holds ``input/`` (a copy of the period's folder, never changed afterwards) and
``result/``. An approved run is never changed; a correction is a new run naming the run it
corrects, and the period's newest approved run is the one the portals show.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

from bunpai.core.prc.conservation import ConservationError
from bunpai.core.prc.funds import FundError
from bunpai.formats.tables import InputError

CLAIM_COLUMNS = ["claim_id", "party_id", "work_id", "fund", "use_date", "claimed_on", "special_circumstances"]
INPUT_SUFFIXES = (".csv", ".toml")
MAX_UNZIPPED_BYTES = 2 * 1024**3


class RunError(Exception):
    """A run that cannot be started or approved, with the reason."""


def runs_dir() -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "runs"


def allowed_source(path: Path) -> Path:
    """``path`` resolved, when it is a folder under one of the configured input roots."""
    from django.conf import settings

    resolved = path.expanduser().resolve()
    for root in settings.BUNPAI_INPUT_ROOTS:
        if resolved.is_relative_to(Path(root).resolve()):
            if not resolved.is_dir():
                raise RunError(f"{path}: no such folder")
            return resolved
    raise RunError(f"{path}: not under an input folder the site may read ({', '.join(settings.BUNPAI_INPUT_ROOTS)})")


def unpack_zip(upload: Any, target: Path) -> None:
    """Unpack the period files of a zip (at its root or in one folder) into ``target``, safely."""
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile:
        raise RunError("the upload is not a zip file") from None
    target.mkdir(parents=True)
    total = 0
    seen: set[str] = set()
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = Path(info.filename).name
            if not name.endswith(INPUT_SUFFIXES) or name.startswith("."):
                continue
            if name in seen:
                raise RunError(f"the zip holds {name} twice")
            seen.add(name)
            total += info.file_size
            if total > MAX_UNZIPPED_BYTES:
                raise RunError("the zip unpacks to more than 2 GB")
            with archive.open(info) as src, (target / name).open("wb") as dst:
                shutil.copyfileobj(src, dst)
    if "period.toml" not in seen:
        raise RunError("the zip holds no period.toml")


def prc_party_id(party: Any) -> str:
    """The party's id in private recording folders (its PRC reference, else P<pk>, as export writes)."""
    from bunpai.services.registry import PRC_SUBMITTER

    ref = party.references.filter(submitter=PRC_SUBMITTER).values_list("number", flat=True).first()
    return str(ref) if ref else f"P{party.pk}"


def _claims_to_add(run: Any) -> list[Any]:
    from django.db.models import Q

    from bunpai.web.models import Claim, PrcRun

    return list(
        Claim.objects.filter(
            Q(status=Claim.ACCEPTED) | Q(status=Claim.INCLUDED, run__status__in=[PrcRun.COMPUTED, PrcRun.FAILED])
        )
        .exclude(run=run)
        .select_related("party", "work")
        .order_by("pk")
    )


def append_claims(input_dir: Path, claims: list[Any]) -> int:
    path = input_dir / "claims.csv"
    rows: list[dict[str, str]] = []
    columns = list(CLAIM_COLUMNS)
    if path.is_file():
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            columns = list(reader.fieldnames or CLAIM_COLUMNS)
            rows = list(reader)
        columns += [c for c in CLAIM_COLUMNS if c not in columns]
    known = {r.get("claim_id") for r in rows}
    added = 0
    for claim in claims:
        if claim.claim_id in known:
            continue
        rows.append(
            {
                "claim_id": claim.claim_id,
                "party_id": prc_party_id(claim.party),
                "work_id": claim.work.society_code,
                "fund": claim.fund,
                "use_date": claim.use_date.isoformat(),
                "claimed_on": claim.claimed_on.isoformat(),
                "special_circumstances": "yes" if claim.special_circumstances else "",
            }
        )
        added += 1
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return added


def start_run(
    *, user: Any, source: Path | None = None, upload: Any = None, corrects: Any = None, add_claims: bool = True
) -> Any:
    """Freeze the input, add the accepted claims, distribute and record the run (failed runs too)."""
    import tempfile

    from django.db import transaction

    from bunpai.services.prc import compute_period, write_period
    from bunpai.web.models import Claim, PrcRun

    if (source is None) == (upload is None):
        raise RunError("give either a folder or a zip file")
    if corrects is not None and corrects.status != PrcRun.APPROVED:
        raise RunError("only an approved run can be corrected")
    base = runs_dir()
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="run-", dir=base))
    input_dir = folder / "input"
    try:
        if source is not None:
            src = allowed_source(source)
            shutil.copytree(src, input_dir, ignore=shutil.ignore_patterns(".*"))
        else:
            unpack_zip(upload, input_dir)
    except (RunError, OSError):
        shutil.rmtree(folder, ignore_errors=True)
        raise
    run = PrcRun.objects.create(
        source=str(source) if source is not None else f"upload:{getattr(upload, 'name', 'zip')}",
        folder=str(folder),
        status=PrcRun.FAILED,
        ran_by=user,
        corrects=corrects,
    )
    claims = _claims_to_add(run) if add_claims else []
    run.claims_added = append_claims(input_dir, claims) if claims else 0
    try:
        period = compute_period(input_dir)
    except InputError as error:
        run.problems = "\n".join(str(p) for p in error.problems)
    except (FundError, ConservationError, OSError, ValueError) as error:
        run.problems = str(error)
    else:
        summary = period.result.summary
        run.period = str(summary["period"])
        run.reference_date = dt.date.fromisoformat(str(summary["reference_date"]))
        approved = PrcRun.objects.filter(period=run.period, status=PrcRun.APPROVED).exclude(pk=run.pk)
        if corrects is None and approved.exists():
            run.problems = f"period {run.period} already has an approved run: start a correction of it"
        elif corrects is not None and corrects.period != run.period:
            run.problems = f"the input is period {run.period}, the corrected run is period {corrects.period}"
        else:
            write_period(period, folder / "result")
            run.summary = _json_ready(summary)
            run.status = PrcRun.COMPUTED
    with transaction.atomic():
        run.save()
        if run.status == PrcRun.COMPUTED and claims:
            Claim.objects.filter(pk__in=[c.pk for c in claims]).update(status=Claim.INCLUDED, run=run)
    return run


def _json_ready(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, default=str))


def approve_run(run: Any, user: Any) -> None:
    """Approve a computed run; the person who ran it cannot (four eyes)."""
    from django.utils import timezone

    from bunpai.web.models import PrcRun

    if run.status != PrcRun.COMPUTED:
        raise RunError(f"run #{run.pk} is {run.status}: only a computed run can be approved")
    if run.ran_by_id == user.pk:
        raise RunError("the person who ran a distribution cannot approve it")
    if run.corrects_id is None and PrcRun.objects.filter(period=run.period, status=PrcRun.APPROVED).exists():
        raise RunError(f"period {run.period} already has an approved run")
    updated = PrcRun.objects.filter(pk=run.pk, status=PrcRun.COMPUTED).update(
        status=PrcRun.APPROVED, approved_by=user, approved_at=timezone.now()
    )
    if not updated:
        raise RunError(f"run #{run.pk} was changed meanwhile")
    run.refresh_from_db()


def current_runs() -> list[Any]:
    """The approved runs the portals show: per period, the newest approved (corrections win)."""
    from bunpai.web.models import PrcRun

    newest: dict[str, Any] = {}
    for run in PrcRun.objects.filter(status=PrcRun.APPROVED).order_by("approved_at", "pk"):
        newest[run.period] = run
    return sorted(newest.values(), key=lambda r: r.period)
