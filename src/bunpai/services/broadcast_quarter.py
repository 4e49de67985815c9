"""The database-backed quarter (四半期分配): export the input folder of docs/broadcast-files.md from the
records, run the same engine as ``bunpai broadcast run``, record the run, make its statements.

What the export takes from where:

* ``period.toml``: the quarter, its reference and distribution dates (by default the schedule of the
  rule set: a use in April–June is paid in December, rights as of the end of September), and per
  fund group the blanket fees received during the quarter's months from the licensees whose stations
  belong to the group (``broadcast.Payment``), with the carry of the group's last approved run of
  the previous quarter. Point tables and fee rates are left to the rule set in force.
* ``stations.csv``: the stations of the licensees (``broadcast.Station``).
* ``parties.csv`` and ``rights.csv``: the registry's shares of the performing (PR) and mechanical (MR)
  rights valid on the reference date for Japan, as known on the documents cut-off
  (``shares_as_of``), with each party's membership, society, kind and bank account.
* ``usage.csv``: every work line of the current report files of the quarter's months (cue-sheet
  expansions included), with the outcome of identification: this society's work → ``managed``,
  queued or unidentified → ``unidentified`` (held under its line id), another manager's or public
  domain → not taking part. ``line_id`` is ``R<report>L<line>`` (``C<n>`` for the n-th cue of an
  expanded programme line); ``report_file``, ``file_line`` and ``title`` are extra columns for people.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bunpai.core.broadcast.model import add_months
from bunpai.core.broadcast.rules import parse_quarter, quarter_index
from bunpai.formats.cwr.model import WHOLE
from bunpai.formats.tables import InputError, Problem
from bunpai.rules import broadcast_ruleset_for

TERRITORY_JAPAN = 392
RIGHTS = {"PR": "performing", "MR": "mechanical"}
# Roles of the registry (CISAC designations) → roles of the contract.
ROLES = {
    "C": "composer",
    "A": "lyricist",
    "CA": "composer",
    "AR": "arranger",
    "AD": "arranger",
    "SR": "arranger",
    "SA": "lyricist",
    "TR": "translator",
    "E": "publisher",
    "AM": "publisher",
    "SE": "publisher",
    "PA": "publisher",
    "ES": "publisher",
}
OUTCOMES = {
    "this_society": "managed",
    "queued": "unidentified",
    "unidentified": "unidentified",
    "other_manager": "other",
    "public_domain": "public_domain",
}


@dataclass(frozen=True)
class QuarterDates:
    quarter: str
    months: tuple[str, str, str]
    first_day: dt.date
    last_day: dt.date
    reference_date: dt.date
    distribution_date: dt.date


def quarter_dates(
    quarter: str, *, reference_date: dt.date | None = None, distribution_date: dt.date | None = None
) -> QuarterDates:
    """The months of a quarter ``YYYYQn`` (calendar quarters: Q2 = April–June) and its default dates.

    Defaults follow the rule set's schedule (seed 002: a use in June is reported in July and paid in
    December): rights as of the last day of the following quarter, payment on the 10th of the sixth
    month after the quarter's last month.
    """
    year, q = parse_quarter(quarter)
    first = dt.date(year, 3 * q - 2, 1)
    months = tuple(f"{add_months(first, k):%Y-%m}" for k in range(3))
    last = add_months(first, 3) - dt.timedelta(days=1)
    reference = reference_date or (add_months(last + dt.timedelta(days=1), 3) - dt.timedelta(days=1))
    distribution = distribution_date or add_months(last.replace(day=10), 6)
    return QuarterDates(quarter, months, first, last, reference, distribution)  # type: ignore[arg-type]


@dataclass
class ExportResult:
    folder: Path
    dates: QuarterDates
    counts: dict[str, int] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)
    carry_from: int | None = None


def previous_quarter(quarter: str) -> str:
    return quarters_before(quarter, 1)


def quarters_before(quarter: str, count: int) -> str:
    index = quarter_index(quarter) - count
    return f"{index // 4}Q{index % 4 + 1}"


def _returned_held(quarter: str, retention: int) -> tuple[dict[str, dict[str, int]], int | None]:
    """Money held by the quarterly run of ``retention`` quarters before ``quarter`` and never released:
    it returns to the funds of ``quarter`` (per group and right), with that run's id."""
    from bunpai.broadcast.models import DistributionRun

    runs = DistributionRun.objects.filter(
        quarter=quarters_before(quarter, retention), status__in=["approved", "paid"]
    ).order_by("-pk")
    run = next((r for r in runs if r.summary.get("kind") != "release"), None)
    if run is None or not (Path(run.result_path) / "held.csv").is_file():
        return {}, None
    done = _processed_by_releases(run)
    returned: dict[str, dict[str, int]] = {}
    for r in _read_rows(Path(run.result_path) / "held.csv"):
        if (r["kind"], r["key"], r["fund_group"], r["right"]) in done:
            continue
        into = returned.setdefault(r["fund_group"], {})
        into[r["right"]] = into.get(r["right"], 0) + int(r["gross_yen"])
    return returned, run.pk


def _carry_in(quarter: str) -> tuple[dict[str, dict[str, int]], int | None]:
    """Per group and right the carry into ``quarter``: that of the previous quarter's last approved (or
    paid) run, and that of the approved release runs paid with the previous quarter."""
    from bunpai.broadcast.models import DistributionRun

    runs = list(
        DistributionRun.objects.filter(quarter=previous_quarter(quarter), status__in=["approved", "paid"]).order_by(
            "-pk"
        )
    )
    quarterly = [r for r in runs if r.summary.get("kind") != "release"][:1]
    releases = [r for r in runs if r.summary.get("kind") == "release"]
    carry: dict[str, dict[str, int]] = {}
    for run in quarterly + releases:
        for group, rights in run.summary.get("groups", {}).items():
            for right, values in rights.items():
                into = carry.setdefault(group, {})
                into[right] = into.get(right, 0) + int(values.get("carry_out_yen", 0))
    return carry, quarterly[0].pk if quarterly else None


def _fund_amounts(dates: QuarterDates, problems: list[Problem]) -> dict[str, int]:
    """Blanket fees received during the quarter, per fund group of the paying licensee's stations."""
    from bunpai.broadcast.models import Payment, Station

    groups_of: dict[int, set[str]] = defaultdict(set)
    for licensee_id, group in Station.objects.values_list("licensee_id", "fund_group"):
        groups_of[licensee_id].add(group)
    amounts: dict[str, int] = defaultdict(int)
    payments = Payment.objects.filter(received_on__gte=dates.first_day, received_on__lte=dates.last_day)
    for licensee_id, code, amount in payments.values_list(
        "invoice__licensee_id", "invoice__licensee__code", "amount_yen"
    ).order_by("pk"):
        groups = groups_of.get(licensee_id, set())
        if len(groups) != 1:
            problems.append(
                Problem(
                    "broadcast.Payment",
                    0,
                    "licensee",
                    f"licensee {code} has stations in {len(groups)} fund groups ({', '.join(sorted(groups))}): "
                    "its fees cannot be given to one fund group",
                )
            )
            continue
        amounts[next(iter(groups))] += int(amount)
    return dict(amounts)


def _party_rows() -> tuple[dict[int, list[str]], dict[int, str]]:
    """Per party pk its parties.csv row (without the id) and its id in the folder."""
    from bunpai.store import models as m

    membership: dict[int, tuple[str, str]] = {}
    for pk, right, kind, society in m.Membership.objects.values_list(
        "party_id", "right", "kind", "society__code"
    ).order_by("party_id", "right", "pk"):
        if right == "PR" or pk not in membership:
            membership[pk] = (kind, society or "")
    accounts = {a.party_id: a for a in m.BankAccount.objects.all()}
    rows: dict[int, list[str]] = {}
    ids: dict[int, str] = {}
    for p in m.Party.objects.order_by("pk"):
        ids[p.pk] = p.ipi_name or f"P{p.pk}"
        kind, society = membership.get(p.pk, ("nonmember", ""))
        account = accounts.get(p.pk)
        name = f"{p.name} {p.first_name}".strip()
        rows[p.pk] = [
            name,
            kind,
            society if kind == "foreign" else "",
            "individual" if p.kind == m.Party.PERSON else "corporation",
            *(
                [account.bank_code, account.branch_code, account.account_type, account.account_number,
                 account.holder_kana]
                if account and kind != "foreign"
                else ["", "", "", "", ""]
            ),
        ]  # fmt: skip
    return rows, ids


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


PARTY_COLUMNS = ["party_id", "name", "category", "society", "kind", "bank_code", "branch_code", "account_type",
                 "account_number", "account_holder"]  # fmt: skip
RIGHT_COLUMNS = ["work_id", "party_id", "role", "right", "share", "submitted_on", "valid_from", "valid_to"]


def holders_rows(reference_date: dt.date, cutoff: dt.date) -> tuple[list[list[str]], list[list[Any]]]:
    """``parties.csv`` and ``rights.csv`` rows: the registry's PR and MR shares valid on the reference
    date in Japan as known on the cut-off, and the parties they name."""
    from bunpai.services.registry import shares_as_of
    from bunpai.store import models as m

    party_rows, party_ids = _party_rows()
    exact = {
        (work, party, right, role, received): fraction
        for work, party, right, role, received, fraction in m.Share.objects.exclude(share_fraction="").values_list(
            "work_id", "party_id", "right", "role", "received_on", "share_fraction"
        )
    }
    rights: list[list[Any]] = []
    used: set[int] = set()
    for registry_right, right in RIGHTS.items():
        for r in shares_as_of(on=reference_date, known=cutoff, right=registry_right, territory=TERRITORY_JAPAN):
            share = exact.get((r.work_id, r.party_id, r.right, r.role, r.received_on)) or (
                f"{r.collection_share}/{WHOLE}" if r.collection_share else ""
            )
            if not share:
                continue  # a share the society does not collect
            if r.party_id is not None:
                used.add(r.party_id)
            rights.append(
                [
                    r.work,
                    party_ids[r.party_id] if r.party_id is not None else "",
                    ROLES.get(r.role, "composer" if r.capacity == "writer" else "publisher"),
                    right,
                    share,
                    r.received_on.isoformat(),
                    r.valid_from.isoformat() if r.valid_from else "",
                    r.valid_to.isoformat() if r.valid_to else "",
                ]
            )
    parties = [[party_ids[pk], *party_rows[pk]] for pk in sorted(used, key=lambda pk: party_ids[pk])]
    return parties, rights


def write_holders(folder: Path, parties: list[list[str]], rights: list[list[Any]]) -> None:
    _write_csv(folder / "parties.csv", PARTY_COLUMNS, parties)
    _write_csv(folder / "rights.csv", RIGHT_COLUMNS, rights)


def export_quarter(
    out_dir: Path,
    quarter: str,
    *,
    reference_date: dt.date | None = None,
    distribution_date: dt.date | None = None,
) -> ExportResult:
    """Write the input folder of ``quarter`` from the records (see the module's description).

    Raises :class:`InputError` (nothing written) when the records cannot make a valid folder.
    """
    from bunpai.broadcast.models import Station
    from bunpai.intake import models as im

    dates = quarter_dates(quarter, reference_date=reference_date, distribution_date=distribution_date)
    rules = broadcast_ruleset_for(dates.reference_date)
    problems: list[Problem] = []
    amounts = _fund_amounts(dates, problems)
    carry, carry_run = _carry_in(quarter)
    returned, returned_run = _returned_held(quarter, rules.holds_retention_quarters)
    for group, rights_ in returned.items():
        for right, amount in rights_.items():
            carry.setdefault(group, {})[right] = carry.get(group, {}).get(right, 0) + amount
    stations = list(Station.objects.order_by("code").values_list("code", "fund_group", "station_points"))
    groups = sorted({g for _, g, _ in stations})
    result = ExportResult(out_dir, dates, carry_from=carry_run)

    # Usage lines: every work line of the quarter's current reports.
    station_codes = {code for code, _, _ in stations}
    usage: list[list[Any]] = []
    lines = (
        im.ReportLine.objects.filter(
            report__status=im.ReportFile.CURRENT, report__month__in=dates.months, kind=im.ReportLine.WORK
        )
        .select_related("report", "work", "expanded_from")
        .order_by("report_id", "line", "expanded_from_id", "pk")
    )
    cue_number: dict[int, int] = defaultdict(int)
    for line in lines:
        report = line.report
        if report.station not in station_codes:
            problems.append(
                Problem(report.name, line.line, "station", f"station '{report.station}' has no licence record")
            )
            continue
        line_id = f"R{report.pk}L{line.line}"
        if line.expanded_from_id is not None:
            cue_number[line.expanded_from_id] += 1
            line_id += f"C{cue_number[line.expanded_from_id]}"
        outcome = OUTCOMES[line.outcome]
        work_id = line.work.society_code if outcome == "managed" and line.work is not None else ""
        if outcome == "managed" and not work_id:
            outcome = "unidentified"
        usage.append(
            [
                line_id,
                report.station,
                work_id,
                outcome,
                line.duration,
                line.usage or "other",
                "yes" if line.recorded else "",
                line.sampling_rate,
                report.name,
                line.line,
                line.title,
            ]
        )
    known_methods = set(rules.method_points)
    for row in usage:
        if row[5] not in known_methods:
            problems.append(
                Problem(str(row[8]), int(row[9]), "usage", f"usage '{row[5]}' has no method points in {rules.label}")
            )

    # Rights of the reference date as known on the documents cut-off, and the parties they name.
    cutoff = dates.reference_date - dt.timedelta(days=rules.documents_days_before)
    parties, rights = holders_rows(dates.reference_date, cutoff)
    if problems:
        raise InputError(problems)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        period = [
            f"# {quarter}: exported from the records (fees received {dates.first_day} – {dates.last_day}).",
            f'quarter = "{quarter}"',
            f"reference_date = {dates.reference_date.isoformat()}",
            f"distribution_date = {dates.distribution_date.isoformat()}",
        ]
        for group in groups:
            amount = amounts.get(group, 0)
            result.groups[group] = amount
            period += ["", "[[fund_group]]", f'id = "{group}"', f"amount_yen = {amount}"]
            period.append(f"carry_in_performing_yen = {carry.get(group, {}).get('performing', 0)}")
            period.append(f"carry_in_mechanical_yen = {carry.get(group, {}).get('mechanical', 0)}")
        (staging / "period.toml").write_text("\n".join(period) + "\n", encoding="utf-8")
        _write_csv(
            staging / "stations.csv", ["station_id", "fund_group", "station_points"], [list(s) for s in stations]
        )
        write_holders(staging, parties, rights)
        _write_csv(
            staging / "usage.csv",
            ["line_id", "station_id", "work_id", "outcome", "duration_s", "method", "recorded", "sampling_rate",
             "report_file", "file_line", "title"],
            usage,
        )  # fmt: skip
        (staging / "export.json").write_text(
            json.dumps(
                {
                    "quarter": quarter,
                    "months": list(dates.months),
                    "fees_received": {"from": dates.first_day.isoformat(), "to": dates.last_day.isoformat()},
                    "carry_from_run": carry_run,
                    "held_returned": {"from_run": returned_run, "yen": returned},
                    "documents_cutoff": cutoff.isoformat(),
                    "report_files": sorted({str(row[8]) for row in usage}),
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.counts = {
        "stations": len(stations),
        "parties": len(parties),
        "rights": len(rights),
        "usage": len(usage),
    }
    return result


LINE_ID = re.compile(r"^R(\d+)L(\d+)(?:C(\d+))?$")


def _identified_since(keys: list[str]) -> dict[str, str]:
    """line id → work code, for the exported lines that are now identified as this society's works."""
    from bunpai.intake import models as im

    found: dict[str, str] = {}
    for key in keys:
        match = LINE_ID.match(key)
        if match is None:
            continue
        report, number, cue = int(match.group(1)), int(match.group(2)), match.group(3)
        lines = list(
            im.ReportLine.objects.filter(report_id=report, line=number, kind=im.ReportLine.WORK)
            .select_related("work")
            .order_by("expanded_from_id", "pk")
        )
        lines = [ln for ln in lines if (ln.expanded_from_id is not None) == (cue is not None)]
        line = lines[int(cue) - 1] if cue is not None and int(cue) <= len(lines) else (lines[0] if lines else None)
        if line is not None and line.outcome == im.THIS_SOCIETY and line.work is not None:
            found[key] = line.work.society_code
    return found


def _processed_by_releases(run: Any) -> set[tuple[str, str, str, str]]:
    """Held items of ``run`` already dealt with by an approved (or paid) release run."""
    done: set[tuple[str, str, str, str]] = set()
    for release_run in run.released_by.filter(status__in=["approved", "paid"]):
        source = Path(release_run.inputs.get("input_path", ""))
        result = Path(release_run.result_path)
        if not (source / "held.csv").is_file() or not (result / "not_released.csv").is_file():
            continue
        waiting = {
            tuple(r[k] for k in ("kind", "key", "fund_group", "right")) for r in _read_rows(result / "not_released.csv")
        }
        for r in _read_rows(source / "held.csv"):
            item = (r["kind"], r["key"], r["fund_group"], r["right"])
            if item not in waiting:
                done.add(item)
    return done


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def export_release(
    out_dir: Path, run: Any, quarter: str, *, reference_date: dt.date | None = None,
    distribution_date: dt.date | None = None,
) -> ExportResult:  # fmt: skip
    """Write the input folder of a release of the money ``run`` held (services.broadcast_release).

    The held items are those of ``run``'s result not yet dealt with by an approved release run; the
    lines identified since come from the report lines; the holders are the registry's as of the
    reference date; ``before/`` is the earlier quarter's own period, parties and rights.
    """
    if run.status not in ("approved", "paid"):
        raise ValueError(f"run {run.pk} is {run.status}: only an approved quarter's held money is released")
    retention = broadcast_ruleset_for(quarter_dates(quarter).reference_date).holds_retention_quarters
    if quarter_index(quarter) - quarter_index(run.quarter) >= retention:
        raise ValueError(
            f"run {run.pk} ({run.quarter}): what it held returned to the funds of "
            f"{quarters_before(run.quarter, -retention)} after {retention} quarters; it is not released any more"
        )
    source = Path(run.inputs.get("input_path", ""))
    result = Path(run.result_path)
    if not (source / "period.toml").is_file() or not (result / "held.csv").is_file():
        raise ValueError(f"run {run.pk}: its input or result folder is not at hand ({source}, {result})")
    dates = quarter_dates(quarter, reference_date=reference_date, distribution_date=distribution_date)
    rules = broadcast_ruleset_for(dates.reference_date)
    done = _processed_by_releases(run)
    held = [
        r for r in _read_rows(result / "held.csv") if (r["kind"], r["key"], r["fund_group"], r["right"]) not in done
    ]
    identified = _identified_since([r["key"] for r in held if r["kind"] == "unidentified"])
    held = [r for r in held if r["kind"] == "undetermined" or r["key"] in identified]
    cutoff = dates.reference_date - dt.timedelta(days=rules.documents_days_before)
    parties, rights = holders_rows(dates.reference_date, cutoff)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        (staging / "release.toml").write_text(
            f"# Money held by the run #{run.pk} ({run.quarter}), paid with {quarter}.\n"
            f'quarter = "{quarter}"\nreleased_from = "{run.quarter}"\n'
            f"reference_date = {dates.reference_date.isoformat()}\n"
            f"distribution_date = {dates.distribution_date.isoformat()}\n",
            encoding="utf-8",
        )
        _write_csv(
            staging / "held.csv",
            ["kind", "key", "fund_group", "right", "gross_yen", "points"],
            [[r["kind"], r["key"], r["fund_group"], r["right"], r["gross_yen"], r["points"]] for r in held],
        )
        _write_csv(staging / "identified.csv", ["line_id", "work_id"], sorted([k, v] for k, v in identified.items()))
        write_holders(staging, parties, rights)
        (staging / "before").mkdir()
        for name in ("period.toml", "parties.csv", "rights.csv"):
            shutil.copyfile(source / name, staging / "before" / name)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result_ = ExportResult(out_dir, dates, carry_from=run.pk)
    result_.counts = {"held": len(held), "identified": len(identified), "parties": len(parties), "rights": len(rights)}
    return result_
