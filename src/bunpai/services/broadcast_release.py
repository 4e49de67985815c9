"""A run that pays money an earlier quarter held (保留分の解除), from one folder of plain files.

    bunpai broadcast release INPUT_DIR --out OUTPUT_DIR

Input folder (docs/broadcast-files.md, "Release of held money"):

* ``release.toml``: ``quarter`` (of this payment), ``released_from`` (the quarter that held the money),
  ``reference_date``, ``distribution_date``; ``admin_fee_rate`` and ``documents_days_before`` default to
  the rule set's.
* ``held.csv``: the earlier result's held rows to release (``kind,key,fund_group,right,gross_yen,points``).
* ``identified.csv``: ``line_id,work_id`` — the unidentified lines identified since.
* ``parties.csv``, ``rights.csv``: the holders as of this release; ``before/`` holds the earlier quarter's
  ``period.toml``, ``parties.csv`` and ``rights.csv`` (what it counted).

The calculation is :mod:`bunpai.core.broadcast.release`; the output folder has ``statement_lines.csv``
(the quarter's columns plus ``released_kind`` and ``released_key``), ``payees.csv``, ``held.csv`` (what
stays held), ``not_released.csv``, ``summary.json`` and ``inputs.json``; the statements command makes
statements, CRD and Zengin files of it like of a quarter.
"""

from __future__ import annotations

import datetime as dt
import sys
import tomllib
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl

from bunpai.core.broadcast.model import Party, add_months
from bunpai.core.broadcast.release import HeldItem, ReleaseOutcome, ReleaseTerms, release, release_failures
from bunpai.core.broadcast.shares import counts_on
from bunpai.core.money import MoneyError, format_ratio, parse_ratio
from bunpai.engine.broadcast import parties_from_frame, rights_from_frame
from bunpai.formats.broadcast_input import read_holders, read_period
from bunpai.formats.broadcast_output import input_digests
from bunpai.formats.prc_output import OutputError, write_output
from bunpai.formats.tables import LINE, InputError, Problems, read_table
from bunpai.rules import broadcast_ruleset_for, prc_ruleset_for


@dataclass
class ReleaseRun:
    terms: ReleaseTerms
    outcome: ReleaseOutcome
    summary: dict[str, Any]
    names: dict[str, str]
    input_dir: Path


def _ratio(text: str) -> Fraction | None:
    try:
        return parse_ratio(text)
    except MoneyError:
        return None


def _parties(frame: pl.DataFrame) -> dict[str, Party]:
    return {p.party_id: p for p in parties_from_frame(frame)}


def _terms(folder: Path, problems: Problems) -> tuple[ReleaseTerms | None, str]:
    path = folder / "release.toml"
    if not path.is_file():
        problems.add("release.toml", 0, "*", "file is missing")
        return None, ""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problems.add("release.toml", 0, "*", f"not readable TOML: {error}")
        return None, ""
    known = {
        "quarter",
        "released_from",
        "reference_date",
        "distribution_date",
        "admin_fee_rate",
        "documents_days_before",
    }
    for key in sorted(set(data) - known):
        problems.add("release.toml", 0, key, "unknown key")
    for key in ("quarter", "released_from", "reference_date", "distribution_date"):
        if key not in data:
            problems.add("release.toml", 0, key, "is required")
    dates = [data.get(k) for k in ("reference_date", "distribution_date")]
    if any(
        k in data and not isinstance(v, dt.date)
        for k, v in zip(("reference_date", "distribution_date"), dates, strict=True)
    ):
        problems.add("release.toml", 0, "reference_date", "dates are written YYYY-MM-DD")
    if problems.items:
        return None, ""
    rules = broadcast_ruleset_for(data["reference_date"])
    rate_text = data.get("admin_fee_rate")
    rate = _ratio(str(rate_text)) if rate_text is not None else rules.admin_fee_rate(str(data["quarter"]))
    if rate is None or not 0 <= rate < 1:
        problems.add("release.toml", 0, "admin_fee_rate", f"not a rate between 0 and 1: {rate_text!r}")
        return None, ""
    distribution: dt.date = data["distribution_date"]
    terms = ReleaseTerms(
        quarter=str(data["quarter"]),
        released_from=str(data["released_from"]),
        reference_date=data["reference_date"],
        distribution_date=distribution,
        foreign_payment_date=add_months(distribution, rules.foreign_delay_months),
        admin_fee_rate=rate,
        documents_days_before=int(data.get("documents_days_before", rules.documents_days_before)),
    )
    return terms, rules.label


def compute_release(folder: Path) -> ReleaseRun:
    """Read and compute a release folder; raises InputError (every problem) or ValueError (no balance)."""
    problems = Problems()
    if not folder.is_dir():
        problems.add(str(folder.name or folder), 0, "*", "input folder does not exist")
        problems.raise_if_any()
    terms, label = _terms(folder, problems)
    before_quarter, _ = read_period(folder / "before", problems, broadcast_ruleset_for)
    held_frame = read_table(
        folder, "held.csv", ["kind", "key", "fund_group", "right", "gross_yen", "points"], [], problems
    )
    identified_frame = read_table(folder, "identified.csv", ["line_id", "work_id"], [], problems, must_exist=False)
    items: list[HeldItem] = []
    for row in held_frame.iter_rows(named=True) if held_frame is not None else []:
        line = int(row[LINE])
        gross = row["gross_yen"]
        points = _ratio(row["points"] or "")
        if row["kind"] not in ("unidentified", "undetermined"):
            problems.add("held.csv", line, "kind", f"'{row['kind']}' is not unidentified or undetermined")
        elif row["right"] not in ("performing", "mechanical"):
            problems.add("held.csv", line, "right", f"'{row['right']}' is not performing or mechanical")
        elif not (gross or "").isdigit():
            problems.add("held.csv", line, "gross_yen", f"not a whole number of yen: '{gross}'")
        elif points is None:
            problems.add("held.csv", line, "points", f"not a fraction: '{row['points']}'")
        else:
            items.append(HeldItem(row["kind"], row["key"], row["fund_group"], row["right"], int(gross), points))
    identified: dict[str, str] = {}
    if identified_frame is not None:
        for row in identified_frame.iter_rows(named=True):
            if not row["line_id"] or not row["work_id"]:
                problems.add("identified.csv", int(row[LINE]), "work_id", "line_id and work_id are both needed")
            else:
                identified[row["line_id"]] = row["work_id"]
    problems.raise_if_any()
    assert terms is not None and before_quarter is not None and held_frame is not None
    now_quarter = replace(
        before_quarter, reference_date=terms.reference_date, documents_days_before=terms.documents_days_before
    )
    parties, rights = read_holders(folder, problems, now_quarter)
    parties_before, rights_before = read_holders(folder / "before", problems, before_quarter)
    problems.raise_if_any()
    assert parties is not None and rights is not None and parties_before is not None and rights_before is not None
    before_rows = [
        r
        for r in rights_from_frame(rights_before)
        if counts_on(r, before_quarter.reference_date, before_quarter.documents_days_before)
    ]
    table = prc_ruleset_for(terms.reference_date)
    outcome = release(
        items,
        identified,
        rights_from_frame(rights),
        before_rows,
        _parties(parties),
        _parties(parties_before),
        terms,
        table,
    )
    summary = outcome.summary(terms, label)
    failures = release_failures(summary, sum(p.gross_yen for p in outcome.payees))
    if failures:
        raise ValueError("the release does not balance: " + "; ".join(failures))
    summary["balanced"] = True
    names = {p["party_id"]: p["name"] or "" for p in parties.iter_rows(named=True)}
    return ReleaseRun(terms, outcome, summary, names, folder)


def write_release(run: ReleaseRun, out_dir: Path, *, force: bool = False) -> None:
    lines = pl.DataFrame(
        [
            (r.line.party_id, r.line.payee_id, r.line.work_id, r.line.fund_group, r.line.right,
             format_ratio(r.line.points), r.line.gross_yen, format_ratio(r.line.share), r.kind, r.key)
            for r in run.outcome.lines
        ],
        schema={"party_id": pl.String, "payee_id": pl.String, "work_id": pl.String, "fund_group": pl.String,
                "right": pl.String, "points": pl.String, "gross_yen": pl.Int64, "share": pl.String,
                "released_kind": pl.String, "released_key": pl.String},
        orient="row",
    )  # fmt: skip
    payees = pl.DataFrame(
        [(p.payee_id, p.gross_yen, p.fee_yen, p.net_yen, p.pay_date.isoformat(), "yes" if p.foreign_society else None)
         for p in run.outcome.payees],
        schema={"payee_id": pl.String, "gross_yen": pl.Int64, "fee_yen": pl.Int64, "net_yen": pl.Int64,
                "pay_date": pl.String, "foreign_society": pl.String},
        orient="row",
    )  # fmt: skip
    held = pl.DataFrame(
        [(h.kind, h.key, h.fund_group, h.right, h.gross_yen, format_ratio(h.points), format_ratio(h.share))
         for h in run.outcome.held],
        schema={"kind": pl.String, "key": pl.String, "fund_group": pl.String, "right": pl.String,
                "gross_yen": pl.Int64, "points": pl.String, "share": pl.String},
        orient="row",
    )  # fmt: skip
    waiting = pl.DataFrame(
        [(h.kind, h.key, h.fund_group, h.right, h.gross_yen, format_ratio(h.points)) for h in run.outcome.not_released],
        schema={"kind": pl.String, "key": pl.String, "fund_group": pl.String, "right": pl.String,
                "gross_yen": pl.Int64, "points": pl.String},
        orient="row",
    )  # fmt: skip
    write_output(
        out_dir,
        {"statement_lines.csv": lines, "payees.csv": payees, "held.csv": held, "not_released.csv": waiting},
        {
            "summary.json": run.summary,
            "inputs.json": {"input_dir": run.input_dir.name, "files": input_digests(run.input_dir)},
        },
        force=force,
    )


def run_release_command(input_dir: Path, out_dir: Path, *, force: bool, quiet: bool) -> int:
    try:
        run = compute_release(input_dir)
    except InputError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        print(f"{len(error.problems)} problem(s): no output written / 出力は作成していません。", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"{error}\nno output written / 出力は作成していません。", file=sys.stderr)
        return 3
    try:
        write_release(run, out_dir, force=force)
    except OutputError as error:
        print(str(error), file=sys.stderr)
        return 4
    if not quiet:
        s = run.summary
        print(
            f"保留分の解除 / Release of money held in {s['released_from']}, paid with {s['quarter']}: "
            f"released ¥{s['released_in_total_yen']:,} = lines ¥{s['lines_total_yen']:,} + still held "
            f"¥{s['held_total_yen']:,} + carried ¥{s['carry_out_total_yen']:,}; lines = fees ¥{s['fees_total_yen']:,} "
            f"+ net ¥{s['net_total_yen']:,}; {s['count_payees']} payee(s), {s['count_not_released']} item(s) "
            f"not released yet → {out_dir}"
        )
    return 0
