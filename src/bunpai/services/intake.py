"""Use cases of the usage reports (利用曲目報告): load a file, identify its lines, work the queue,
compute a licensee's usage share.

* :func:`load_report` stores a file as received (SHA-256), keeps its good lines and reports its
  bad ones; the same bytes again change nothing; a new file for the same station and month
  replaces the earlier one (kept, never counted twice).
* Programme lines are expanded through the cue sheets of the AV productions in the registry;
  unknown programmes go to the queue.
* Work lines are identified once per distinct line: a remembered staff decision first, else the
  engine (:mod:`bunpai.identify.engine`) against the registry's works.
* :func:`queue` lists the open items with their best candidates; :func:`decide` records a
  decision (a work, a new work, another manager's work, public domain) and applies it to every
  line with the same key, in this and in later reports.
* :func:`usage_share`: seconds of this society's works ÷ seconds of all managed works, for a
  licensee and fiscal year (April–March).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from bunpai.formats.reports import Line, parse_report, sampling_weight
from bunpai.identify.engine import AUTO, REVIEW, Query, WorkEntry, WorkIndex
from bunpai.identify.normalise import country_code, phonetic_key, split_names, text_key
from bunpai.intake import models as im
from bunpai.store import current_alias
from bunpai.store import models as sm

OWN_SOCIETY = "038"


@dataclass(frozen=True)
class LoadResult:
    report_id: int
    status: str  # "stored" or "unchanged"
    replaced: int | None
    good: int
    bad: int
    outcomes: dict[str, int]


def line_key(kind: str, values: dict[str, str], year: int | None = None) -> str:
    """Digest of what identifies a reported line: identical lines share it, in every report."""
    if kind == im.ReportLine.PROGRAMME:
        parts = ["programme", values.get("title", ""), values.get("country", ""), str(year or "")]
    else:
        parts = ["work", *(values.get(k, "") for k in ("title", "creators", "work_code", "iswc", "isrc"))]
    return hashlib.sha256("\x1f".join(p.strip() for p in parts).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------ registry
def registry_index() -> tuple[WorkIndex, dict[str, int]]:
    """The identification index of the registry's works, and work code → primary key.

    Built from the database each time it is asked for; a caller loading several files passes the
    same index to each :func:`load_report`.
    """
    return _build_registry_index(current_alias())


def _build_registry_index(db: str) -> tuple[WorkIndex, dict[str, int]]:
    works = list(sm.Work.objects.using(db).values_list("id", "society_code", "title", "iswc").order_by("id"))
    alt: dict[int, list[str]] = {}
    for work_id, title in sm.AlternativeTitle.objects.using(db).values_list("work_id", "title").order_by("id"):
        alt.setdefault(work_id, []).append(title)
    names: dict[int, list[str]] = {}
    rows = (
        sm.Share.objects.using(db)
        .filter(capacity=sm.Share.WRITER, superseded_on__isnull=True, party__isnull=False)
        .values_list("work_id", "party__name", "party__first_name")
        .order_by("work_id", "id")
    )
    _add_full_names(names, rows)
    isrcs: dict[int, list[str]] = {}
    for work_id, isrc in sm.Recording.objects.using(db).exclude(isrc="").values_list("work_id", "isrc"):
        isrcs.setdefault(work_id, []).append(isrc)
    performers: dict[int, list[str]] = {}
    played = (
        sm.Recording.performers.through.objects.using(db)
        .values_list("recording__work_id", "performer__name", "performer__first_name")
        .order_by("recording__work_id", "id")
    )
    _add_full_names(performers, played)
    entries = [
        WorkEntry(
            code,
            title,
            tuple(alt.get(pk, ())),
            tuple(names.get(pk, ())),
            iswc,
            tuple(isrcs.get(pk, ())),
            tuple(performers.get(pk, ())),
        )
        for pk, code, title, iswc in works
    ]
    return WorkIndex(entries), {code: pk for pk, code, _, _ in works}


def _add_full_names(names: dict[int, list[str]], rows: Iterable[tuple[int, str, str]]) -> None:
    """Each work's people as "family given", each once, in the order of the rows."""
    for work_id, last, first in rows:
        full = f"{last} {first}".strip()
        if full not in names.setdefault(work_id, []):
            names[work_id].append(full)


def work_outcome(work_id: int) -> str:
    """This society's work, another manager's, or public domain (from the registry's shares)."""
    db = current_alias()
    work = sm.Work.objects.using(db).get(pk=work_id)
    if work.music_expired and work.lyrics_expired:
        return im.PUBLIC_DOMAIN
    codes = set(
        sm.Share.objects.using(db)
        .filter(work_id=work_id, superseded_on__isnull=True, society__isnull=False)
        .values_list("society__code", flat=True)
    )
    if codes and OWN_SOCIETY not in codes:
        return im.OTHER_MANAGER
    return im.THIS_SOCIETY


# ---------------------------------------------------------------------------------------- load
def load_report(
    path: Path,
    station: str,
    month: str,
    licensee: str | None = None,
    by: str = "",
    index: tuple[WorkIndex, dict[str, int]] | None = None,
) -> LoadResult:
    """Store, validate, expand and identify one report file (see the module's description)."""
    data = path.read_bytes()
    return load_report_bytes(path.name, data, station, month, licensee, by, index)


def load_report_bytes(
    name: str,
    data: bytes,
    station: str,
    month: str,
    licensee: str | None = None,
    by: str = "",
    index: tuple[WorkIndex, dict[str, int]] | None = None,
) -> LoadResult:
    db = current_alias()
    digest = hashlib.sha256(data).hexdigest()
    existing = im.ReportFile.objects.using(db).filter(sha256=digest).first()
    if existing is not None and _refused(existing) and (existing.station, existing.month) != (station, month):
        # A file refused as a whole for naming another station, now loaded for another station or
        # month: the refusal (which took no line) is dropped and the file received anew.
        existing.delete()
        existing = None
    if existing is not None:
        return LoadResult(
            existing.pk, "unchanged", None, existing.lines_good, existing.lines_bad, _outcomes(existing.pk)
        )
    names = tuple(n for n in im.Station.objects.using(db).filter(code=station).values_list("name", flat=True) if n)
    parsed = parse_report(name, data, month, station, names)
    now = timezone.now()
    with transaction.atomic(using=db):
        # A file refused as a whole (it names another station on every line) replaces nothing.
        earlier = (
            []
            if parsed.refused_lines
            else list(
                im.ReportFile.objects.using(db).filter(station=station, month=month, status=im.ReportFile.CURRENT)
            )
        )
        report = im.ReportFile.objects.using(db).create(
            station=station,
            licensee=licensee or station,
            month=month,
            name=name,
            sha256=digest,
            content=data,
            encoding=parsed.encoding,
            received_at=now,
            received_by=by,
            lines_good=len(parsed.lines),
            lines_bad=parsed.refused_lines or len({p.line for p in parsed.problems}),
        )
        for old in earlier:
            old.status = im.ReportFile.REPLACED
            old.replaced_by = report
            old.save(using=db, update_fields=["status", "replaced_by"])
        im.ReportProblem.objects.using(db).bulk_create(
            [
                im.ReportProblem(report=report, line=p.line, field=p.field, reason=p.reason[:255])
                for p in parsed.problems
            ]
        )
        rows = [_line_row(report, line) for line in parsed.lines]
        im.ReportLine.objects.using(db).bulk_create(rows)
        saved = list(im.ReportLine.objects.using(db).filter(report=report).order_by("line", "id"))
        _expand_programmes(report, [r for r in saved if r.kind == im.ReportLine.PROGRAMME])
        _identify(report, index)
    return LoadResult(
        report.pk,
        "stored",
        earlier[0].pk if earlier else None,
        report.lines_good,
        report.lines_bad,
        _outcomes(report.pk),
    )


def _refused(report: im.ReportFile) -> bool:
    """A file refused as a whole because its lines name another station (see :func:`parse_report`)."""
    return report.lines_good == 0 and report.problems.filter(line=0, field="station").exists()


def _line_row(report: im.ReportFile, line: Line) -> im.ReportLine:
    v = line.values
    return im.ReportLine(
        report=report,
        line=line.line,
        kind=line.kind,
        broadcast_at=line.broadcast_at,
        programme=v.get("programme", "")[:255],
        title=v.get("title", "")[:255],
        work_code=v.get("work_code", "")[:20],
        iswc=v.get("iswc", "")[:11],
        isrc=v.get("isrc", "")[:12],
        creators=v.get("creators", "")[:500],
        performer=v.get("performer", "")[:255],
        duration=line.duration,
        usage=(v.get("usage") or "")[:20].lower(),
        recorded=line.recorded,
        sampling_rate=v.get("sampling_rate", "")[:20],
        country=v.get("country", "")[:40],
        year=line.year,
        line_key=line_key(line.kind, v, line.year),
    )


def _outcomes(report_id: int) -> dict[str, int]:
    out: dict[str, int] = {}
    rows = im.ReportLine.objects.using(current_alias()).filter(report_id=report_id).values_list("outcome", flat=True)
    for outcome in rows:
        out[outcome] = out.get(outcome, 0) + 1
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------------------- programmes
def _productions_by_title() -> dict[str, list[sm.AVProduction]]:
    """AV productions by the text key and by the reading key of each of their titles (one pass
    over the productions; the keys are those of the identification, :mod:`bunpai.identify.normalise`).
    Reading keys are stored with a ``~`` prefix, so that the two kinds never meet."""
    db = current_alias()
    found: dict[str, list[sm.AVProduction]] = {}
    for production in sm.AVProduction.objects.using(db).prefetch_related("titles").order_by("id"):
        titles = [production.title, *(t.title for t in production.titles.all())]
        keys = {text_key(t) for t in titles} | {"~" + phonetic_key(t) for t in titles}
        for key in sorted(keys - {"", "~"}):
            found.setdefault(key, []).append(production)
    return found


def _find_production(
    by_title: dict[str, list[sm.AVProduction]], title: str, year: int | None, country: str = ""
) -> sm.AVProduction | None:
    """The one AV production with the reported title (its text key, else its reading key), the
    year and the country when the line gives them (a production that records none does not
    contradict them); ``None`` when there is none or more than one."""
    code = country_code(country) if country else ""

    def fits(p: sm.AVProduction) -> bool:
        return (year is None or p.year in (None, year)) and (not code or not p.country or p.country.upper() == code)

    for key in (text_key(title), "~" + phonetic_key(title)):
        found = list({p.pk: p for p in by_title.get(key, []) if fits(p)}.values())
        if found:
            return found[0] if len(found) == 1 else None
    return None


def _expand_programmes(report: im.ReportFile, lines: Sequence[im.ReportLine]) -> None:
    db = current_alias()
    if not lines:
        return
    remembered = _remembered([line.line_key for line in lines])
    by_title = _productions_by_title()
    for line in lines:
        decision = remembered.get(line.line_key)
        production = decision.production if decision is not None and decision.production_id else None
        production = production or _find_production(by_title, line.title, line.year, line.country)
        if production is None and decision is not None:
            line.outcome, line.decision = decision.action, "manual"
            line.save(using=db, update_fields=["outcome", "decision"])
            continue
        if production is None:
            line.outcome = im.QUEUED
            line.decision = "none"
            line.save(using=db, update_fields=["outcome", "decision"])
            _enqueue(line, [])
            continue
        _expand(line, production)


def _expand(line: im.ReportLine, production: sm.AVProduction) -> None:
    db = current_alias()
    children = []
    for cue in sm.Cue.objects.using(db).filter(production=production).select_related("work").order_by("sequence"):
        outcome = work_outcome(cue.work_id) if cue.work_id else im.QUEUED
        children.append(
            im.ReportLine(
                report=line.report,
                line=line.line,
                kind=im.ReportLine.WORK,
                broadcast_at=line.broadcast_at,
                programme=line.title,
                title=(cue.title or (cue.work.title if cue.work else ""))[:255],
                work_code=cue.work.society_code if cue.work else "",
                duration=cue.duration or 0,
                usage={"BI": "background", "BV": "background", "MT": "theme", "ET": "theme"}.get(cue.usage, "featured"),
                recorded=line.recorded,
                sampling_rate=line.sampling_rate,
                expanded_from=line,
                production=production,
                line_key=line_key(
                    "work", {"title": cue.title or "", "work_code": cue.work.society_code if cue.work else ""}
                ),
                outcome=outcome,
                work_id=cue.work_id,
                decision="cue" if cue.work_id else "",
            )
        )
    im.ReportLine.objects.using(db).bulk_create(children)
    line.outcome = im.EXPANDED
    line.production = production
    line.decision = "cue"
    line.save(using=db, update_fields=["outcome", "production", "decision"])


# ------------------------------------------------------------------------------ identification
def _remembered(keys: Iterable[str]) -> dict[str, im.RememberedDecision]:
    db = current_alias()
    keys = list(set(keys))
    found: dict[str, im.RememberedDecision] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for decision in im.RememberedDecision.objects.using(db).filter(line_key__in=chunk).select_related("production"):
            found[decision.line_key] = decision
    return found


def _identify(report: im.ReportFile, index: tuple[WorkIndex, dict[str, int]] | None) -> None:
    db = current_alias()
    lines = list(
        im.ReportLine.objects.using(db)
        .filter(report=report, kind=im.ReportLine.WORK, decision="")
        .order_by("line", "id")
    )
    if not lines:
        return
    remembered = _remembered(line.line_key for line in lines)
    engine, pk_of = index or registry_index()
    results: dict[str, tuple[str, int | None, float | None, str, list[dict[str, Any]]]] = {}
    outcome_of: dict[int, str] = {}
    for line in lines:
        if line.line_key not in results:
            decision = remembered.get(line.line_key)
            if decision is not None:
                results[line.line_key] = (_decided_outcome(decision, outcome_of), decision.work_id, None, "manual", [])
            else:
                query = Query(line.title, split_names(line.creators), line.work_code, line.iswc, line.isrc)
                result = engine.identify(query)
                candidates = [{"work": c.work_id, "score": c.score} for c in result.candidates[:5]]
                if result.decision == AUTO and result.work_id is not None:
                    pk = pk_of[result.work_id]
                    outcome = outcome_of.setdefault(pk, work_outcome(pk))
                    results[line.line_key] = (outcome, pk, result.score, AUTO, candidates)
                else:
                    kind = REVIEW if result.decision == REVIEW else "none"
                    results[line.line_key] = (im.QUEUED, None, result.score, kind, candidates)
        outcome, pk, score, decided, candidates = results[line.line_key]
        line.outcome, line.work_id, line.score, line.decision = outcome, pk, score, decided
        if outcome == im.QUEUED:
            _enqueue(line, candidates)
    im.ReportLine.objects.using(db).bulk_update(lines, ["outcome", "work", "score", "decision"], batch_size=1000)


def _decided_outcome(decision: im.RememberedDecision, cache: dict[int, str]) -> str:
    if decision.action in (im.RememberedDecision.WORK, im.RememberedDecision.NEW_WORK) and decision.work_id:
        return cache.setdefault(decision.work_id, work_outcome(decision.work_id))
    return decision.action


def _enqueue(line: im.ReportLine, candidates: list[dict[str, Any]]) -> None:
    db = current_alias()
    im.QueueItem.objects.using(db).get_or_create(
        line_key=line.line_key,
        defaults={
            "kind": line.kind,
            "title": line.title,
            "creators": line.creators,
            "work_code": line.work_code,
            "programme": line.programme,
            "country": line.country,
            "year": line.year,
            "candidates": candidates,
            "created_at": timezone.now(),
        },
    )


# ---------------------------------------------------------------------------------------- queue
def queue(status: str = im.QueueItem.OPEN, include_idle: bool = False) -> list[dict[str, Any]]:
    """Queue items (open by default), each with its best candidates and how many lines of current
    reports wait on it; open items no current line waits on (their report was replaced by a
    corrected one) are left out unless ``include_idle``."""
    db = current_alias()
    items = list(im.QueueItem.objects.using(db).filter(status=status).order_by("created_at", "id"))
    counts: dict[str, int] = {}
    for key in (
        im.ReportLine.objects.using(db)
        .filter(report__status=im.ReportFile.CURRENT, line_key__in=[i.line_key for i in items], outcome=im.QUEUED)
        .values_list("line_key", flat=True)
    ):
        counts[key] = counts.get(key, 0) + 1
    titles = dict(
        sm.Work.objects.using(db)
        .filter(society_code__in={c["work"] for i in items for c in i.candidates})
        .values_list("society_code", "title")
    )
    if status == im.QueueItem.OPEN and not include_idle:
        items = [i for i in items if counts.get(i.line_key)]
    return [
        {
            "id": i.pk,
            "kind": i.kind,
            "title": i.title,
            "creators": i.creators,
            "work_code": i.work_code,
            "programme": i.programme,
            "lines": counts.get(i.line_key, 0),
            "candidates": [{**c, "title": titles.get(c["work"], "")} for c in i.candidates],
        }
        for i in items
    ]


def decide(
    item_id: int,
    action: str,
    by: str,
    work_code: str | None = None,
    new_work_title: str | None = None,
    production_id: int | None = None,
    note: str = "",
) -> int:
    """Record a staff decision for a queue item and apply it to every line with its key.

    ``action``: ``work`` (``work_code`` names it), ``new_work`` (a work is registered with
    ``new_work_title`` or the reported title), ``other_manager`` or ``public_domain``. For a
    programme item, ``production_id`` names the AV production whose cue sheet expands it.
    Returns the number of lines the decision was applied to.
    """
    db = current_alias()
    actions = dict(im.RememberedDecision.ACTIONS)
    if action not in actions:
        raise ValueError(f"unknown action '{action}' (expected one of: {', '.join(actions)})")
    with transaction.atomic(using=db):
        item = im.QueueItem.objects.using(db).select_for_update().get(pk=item_id)
        work = None
        production = None
        if item.kind == im.ReportLine.PROGRAMME:
            if production_id is None and action in ("work", "new_work"):
                raise ValueError("a programme is decided with production_id (its AV production)")
            if production_id is not None:
                production = sm.AVProduction.objects.using(db).get(pk=production_id)
        elif action == im.RememberedDecision.WORK:
            if not work_code:
                raise ValueError("action 'work' needs work_code")
            work = sm.Work.objects.using(db).get(society_code=work_code)
        elif action == im.RememberedDecision.NEW_WORK:
            title = new_work_title or item.title
            code = f"NEW-{item.line_key[:12].upper()}"
            from bunpai.services.registry import normalise_text

            work = sm.Work.objects.using(db).create(
                society_code=code, title=title[:255], normalised_title=normalise_text(title)[:255]
            )
        decision = im.RememberedDecision.objects.using(db).create(
            line_key=item.line_key,
            action=action,
            work=work,
            production=production,
            decided_by=by,
            decided_at=timezone.now(),
            note=note,
        )
        item.status = im.QueueItem.DECIDED
        item.save(using=db, update_fields=["status"])
        return _apply(decision)


def _apply(decision: im.RememberedDecision) -> int:
    db = current_alias()
    lines = list(im.ReportLine.objects.using(db).filter(line_key=decision.line_key, outcome=im.QUEUED))
    if decision.production_id:
        for line in lines:
            _expand(line, decision.production)  # type: ignore[arg-type]
        return len(lines)
    outcome = _decided_outcome(decision, {})
    for line in lines:
        line.outcome, line.work_id, line.decision = outcome, decision.work_id, "manual"
    im.ReportLine.objects.using(db).bulk_update(lines, ["outcome", "work", "decision"], batch_size=1000)
    return len(lines)


# ----------------------------------------------------------------------------------- usage share
@dataclass(frozen=True)
class UsageShare:
    """Seconds of this society's works and of all managed works, each sampled line weighted by the
    inverse of its sampling rate (exact fractions: a line of 90 s at ``3/13`` stands for 390 s)."""

    licensee: str
    fiscal_year: int
    own_seconds: Fraction
    managed_seconds: Fraction

    @property
    def share(self) -> Fraction:
        return Fraction(self.own_seconds, self.managed_seconds) if self.managed_seconds else Fraction(0)


def usage_share(licensee: str, fiscal_year: int) -> UsageShare:
    """Seconds of this society's works ÷ seconds of all managed works (this society's and other
    managers'), from the current reports of ``licensee`` for the months of fiscal year April–March
    (every line's broadcast time lies in its report's month). A line of a sampled report
    (サンプリング報告) counts its seconds × the inverse of its sampling rate (``1/13`` → × 13),
    exactly; a line without a rate counts once. Public-domain, unidentified and queued lines count
    in neither."""
    db = current_alias()
    months = [f"{fiscal_year}-{m:02d}" for m in range(4, 13)] + [f"{fiscal_year + 1}-{m:02d}" for m in range(1, 4)]
    rows = (
        im.ReportLine.objects.using(db)
        .filter(
            report__licensee=licensee,
            report__status=im.ReportFile.CURRENT,
            report__month__in=months,
            kind=im.ReportLine.WORK,
            outcome__in=[im.THIS_SOCIETY, im.OTHER_MANAGER],
        )
        .values_list("outcome", "sampling_rate")
        .annotate(seconds=Sum("duration"))
        .order_by("outcome", "sampling_rate")
    )
    own = managed = Fraction(0)
    for outcome, rate, seconds in rows:
        weighted = int(seconds or 0) * sampling_weight(rate)
        managed += weighted
        if outcome == im.THIS_SOCIETY:
            own += weighted
    return UsageShare(licensee, fiscal_year, own, managed)
