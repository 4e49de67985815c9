"""The input folder of ``bunpai prc run`` (docs/prc-files.md): read and validated, vectorised.

Produces typed Polars frames for the engine, or an :class:`InputError` listing every problem.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl

from bunpai.core.money import MoneyError, parse_ratio, parse_yen
from bunpai.core.prc.model import CATEGORIES, Period
from bunpai.core.prc.rights import documents_cutoff
from bunpai.core.rules import FUNDS, ROLES, PrcRuleSet, RuleSetError
from bunpai.formats.tables import (
    LINE,
    Problems,
    choices,
    dates,
    duplicates,
    flags,
    ratios,
    read_table,
    reduce_ratio,
    require,
    unknown_reference,
    whole_numbers,
)

PERIOD_FILE = "period.toml"

COLUMNS: dict[str, list[str]] = {
    "parties.csv": ["party_id", "name", "category", "society", "withholding"],
    "works.csv": ["work_id", "title", "music_expired", "lyrics_expired"],
    "rights.csv": ["work_id", "party_id", "role", "share", "submitted_on", "valid_from", "valid_to"],
    "usage_broadcast.csv": [
        "work_id",
        "use_count",
        "differential_points",
        "station_points",
        "sampling_rate",
        "use_type",
        "station_kind",
    ],
    "usage_recording.csv": ["work_id", "deemed_songs", "units", "recording_class", "purpose"],
    "usage_rental.csv": ["work_id", "deemed_songs", "rental_count", "rental_class"],
    "claims.csv": ["claim_id", "party_id", "work_id", "fund", "use_date", "claimed_on", "special_circumstances"],
}
"""The columns of each input file (docs/prc-files.md); extra columns are ignored."""
OPTIONAL_COLUMNS: dict[str, list[str]] = {"parties.csv": ["excluded_funds", "paid_through"]}
FUND_BITS = {"broadcast": 1, "recording": 2, "rental": 4}
ALL_FUNDS_MASK = 7

_REQUIRED_KEYS = (
    "period",
    "reference_date",
    "receipt_yen",
    "literary_ratio",
    "admin_fee_rate",
    "claim_fee_yen",
    "claim_tax_rate",
)
_OVERRIDE_KEYS = (
    "member_ratio",
    "fund_broadcast",
    "fund_recording",
    "fund_rental",
    "documents_days_before",
    "claim_years",
)


@dataclass
class PrcFrames:
    """A validated input folder."""

    period: Period
    overrides: dict[str, Any]
    parties: pl.DataFrame
    works: pl.DataFrame
    rights: pl.DataFrame
    broadcast: pl.DataFrame
    recording: pl.DataFrame
    rental: pl.DataFrame
    claims: pl.DataFrame
    notes: list[str]


def _key_line(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 0


def read_period(folder: Path, problems: Problems) -> tuple[Period | None, dict[str, Any]]:
    """Read ``period.toml``: the period, its agreed values and the rule-set overrides."""
    path = folder / PERIOD_FILE
    if not path.is_file():
        problems.add(PERIOD_FILE, 0, "*", "file is missing")
        return None, {}
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp932")
        except UnicodeDecodeError:
            problems.add(PERIOD_FILE, 0, "*", "not readable as UTF-8 or Shift_JIS/CP932 text")
            return None, {}
    try:
        data = tomllib.loads(text, parse_float=decimal.Decimal)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        problems.add(PERIOD_FILE, int(match.group(1)) if match else 0, "*", f"not valid TOML: {error}")
        return None, {}

    ok = True

    def bad(key: str, message: str) -> None:
        nonlocal ok
        ok = False
        problems.add(PERIOD_FILE, _key_line(text, key.split(".")[-1]), key, message)

    for key in _REQUIRED_KEYS:
        if key not in data:
            bad(key, "missing key")
    carry = data.get("carry_in", {})
    if not isinstance(carry, dict):
        bad("carry_in", "must be a table [carry_in]")
        carry = {}
    for key in data:
        if key not in (*_REQUIRED_KEYS, *_OVERRIDE_KEYS, "carry_in"):
            bad(key, "unknown key")
    for key in carry:
        if key not in ("fraction_yen", "nonmember_balance_yen"):
            bad(f"carry_in.{key}", "unknown key")

    def ratio(key: str, value: Any) -> Fraction | None:
        if isinstance(value, bool) or value is None:
            bad(key, f"not a ratio: {value!r}")
            return None
        try:
            result = parse_ratio(str(value))
        except MoneyError as error:
            bad(key, str(error))
            return None
        if result > 1:
            bad(key, f"ratio {value} is above 1")
            return None
        return result

    def yen(key: str, value: Any, *, negative: bool = False) -> int | None:
        if isinstance(value, bool | decimal.Decimal | float):
            bad(key, f"not a whole number of yen: {value!r}")
            return None
        try:
            result = parse_yen(value)
        except MoneyError as error:
            bad(key, str(error))
            return None
        if result < 0 and not negative:
            bad(key, f"negative amount {result}")
            return None
        return result

    reference = data.get("reference_date")
    if (reference is not None and not isinstance(reference, dt.date)) or isinstance(reference, dt.datetime):
        try:
            reference = dt.date.fromisoformat(str(reference))
        except ValueError:
            bad("reference_date", f"not a date YYYY-MM-DD: {reference!r}")
            reference = None
    period_name = data.get("period")
    if period_name is not None and not re.fullmatch(r"\d{4}-\d{2}", str(period_name)):
        bad("period", f"expected the distribution month as YYYY-MM, got {period_name!r}")

    overrides: dict[str, Any] = {}
    for key in _OVERRIDE_KEYS:
        if key in data:
            if key in ("documents_days_before", "claim_years"):
                value = yen(key, data[key])
                if value is not None:
                    overrides[key] = value
            else:
                value_r = ratio(key, data[key])
                if value_r is not None:
                    overrides[key] = value_r

    values = {
        "receipt_yen": yen("receipt_yen", data.get("receipt_yen", 0)),
        "literary_ratio": ratio("literary_ratio", data.get("literary_ratio", "0")),
        "admin_fee_rate": ratio("admin_fee_rate", data.get("admin_fee_rate", "0")),
        "claim_fee_yen": yen("claim_fee_yen", data.get("claim_fee_yen", 0)),
        "claim_tax_rate": ratio("claim_tax_rate", data.get("claim_tax_rate", "0")),
        "fraction": yen("carry_in.fraction_yen", carry.get("fraction_yen", 0)),
        "balance": yen("carry_in.nonmember_balance_yen", carry.get("nonmember_balance_yen", 0), negative=True),
    }
    if not ok or reference is None or any(v is None for v in values.values()):
        return None, overrides
    return (
        Period(
            period=str(period_name),
            reference_date=reference,
            receipt_yen=values["receipt_yen"],  # type: ignore[arg-type]
            literary_ratio=values["literary_ratio"],  # type: ignore[arg-type]
            admin_fee_rate=values["admin_fee_rate"],  # type: ignore[arg-type]
            claim_fee_yen=values["claim_fee_yen"],  # type: ignore[arg-type]
            claim_tax_rate=values["claim_tax_rate"],  # type: ignore[arg-type]
            carry_in_fraction_yen=values["fraction"],  # type: ignore[arg-type]
            carry_in_nonmember_balance_yen=values["balance"],  # type: ignore[arg-type]
        ),
        overrides,
    )


def apply_overrides(rules: PrcRuleSet, overrides: dict[str, Any], problems: Problems) -> PrcRuleSet:
    try:
        return rules.with_overrides(overrides)
    except RuleSetError as error:
        problems.add(PERIOD_FILE, 0, "*", f"the period's rule overrides are not consistent: {error}")
        return rules


def _ratio_columns(
    problems: Problems, file: str, frame: pl.DataFrame, column: str, prefix: str, default_one: bool = False
) -> list[pl.Expr]:
    numerator, denominator = ratios(problems, file, frame, column)
    if default_one:
        numerator = pl.when(pl.col(column).is_null()).then(pl.lit(1, pl.Int64)).otherwise(numerator)
        denominator = pl.when(pl.col(column).is_null()).then(pl.lit(1, pl.Int64)).otherwise(denominator)
    return [numerator.alias(f"{prefix}_num"), denominator.alias(f"{prefix}_den")]


def read_input(folder: Path, rules: PrcRuleSet | None = None, rules_for: Any = None) -> tuple[PrcFrames, PrcRuleSet]:
    """Read and validate a whole input folder. ``rules_for(date)`` picks the rule set by reference date."""
    problems = Problems()
    if not folder.is_dir():
        problems.add(str(folder.name or folder), 0, "*", "input folder does not exist")
        problems.raise_if_any()
    period, overrides = read_period(folder, problems)
    if rules is None:
        if period is None:
            problems.raise_if_any()
        assert period is not None and rules_for is not None
        try:
            rules = rules_for(period.reference_date)
        except RuleSetError as error:
            problems.add(PERIOD_FILE, _key_line("", "reference_date"), "reference_date", str(error))
            problems.raise_if_any()
    assert rules is not None
    rules = apply_overrides(rules, overrides, problems)

    parties = _parties(folder, problems)
    works = _works(folder, problems)
    party_ids = parties["party_id"] if parties is not None else None
    work_ids = works["work_id"] if works is not None else None
    rights = _rights(folder, problems, party_ids, work_ids, period, rules)
    broadcast = _broadcast(folder, problems, work_ids, rules)
    recording = _recording(folder, problems, work_ids, rules)
    rental = _rental(folder, problems, work_ids)
    claims = _claims(folder, problems)
    problems.raise_if_any()
    assert period is not None and parties is not None and works is not None and rights is not None
    assert broadcast is not None and recording is not None and rental is not None and claims is not None
    notes = []
    month = rules.distribution_month(int(period.period[5:7]))
    if month is None:
        notes.append(f"{period.period} is not a distribution month of Art. 7 (approval of the board needed)")
    else:
        expected = month.reference_date(int(period.period[:4]))
        if expected != period.reference_date:
            notes.append(
                f"reference date {period.reference_date.isoformat()} differs from Art. 12's "
                f"{expected.isoformat()} for a {month.month}-month distribution"
            )
    return (
        PrcFrames(period, overrides, parties, works, rights, broadcast, recording, rental, claims, notes),
        rules,
    )


def _read(folder: Path, file: str, problems: Problems, *, must_exist: bool = True) -> pl.DataFrame | None:
    """One input file with the contract's columns (and its optional ones), see :data:`COLUMNS`."""
    return read_table(folder, file, COLUMNS[file], OPTIONAL_COLUMNS.get(file, []), problems, must_exist=must_exist)


def _parties(folder: Path, problems: Problems) -> pl.DataFrame | None:
    file = "parties.csv"
    frame = _read(folder, file, problems)
    if frame is None:
        return None
    require(problems, file, frame, ["party_id", "category"])
    duplicates(problems, file, frame, "party_id")
    category = choices(problems, file, frame, "category", CATEGORIES, "category")
    problems.check(
        file,
        "society",
        frame,
        (category == "foreign") & pl.col("society").is_null(),
        "a member of a foreign society needs its society code",
    )
    withholding = flags(problems, file, frame, "withholding")
    if "excluded_funds" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("excluded_funds"))
    if "paid_through" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("paid_through"))
    excluded = pl.col("excluded_funds").str.to_lowercase().str.split("|")
    problems.check(
        file,
        "excluded_funds",
        frame,
        excluded.list.eval(~pl.element().str.strip_chars().is_in(list(FUNDS))).list.any(),
        pl.format(
            "unknown fund in '{}' (expected names from: {} separated by |)",
            pl.col("excluded_funds"),
            pl.lit(", ".join(FUNDS)),
        ),
    )
    unknown_reference(problems, file, frame, "paid_through", frame["party_id"], "party")
    excluded_mask = pl.lit(0, pl.Int64)
    for fund, bit in FUND_BITS.items():
        excluded_mask = excluded_mask + pl.when(
            excluded.list.eval(pl.element().str.strip_chars() == fund).list.any().fill_null(False)
        ).then(bit).otherwise(0)
    paid_mask = pl.when(category == "nonmember").then(0).otherwise(ALL_FUNDS_MASK - excluded_mask)
    payee = (
        pl.when(category == "foreign")
        .then(pl.col("society"))
        .otherwise(pl.coalesce(pl.col("paid_through"), pl.col("party_id")))
    )
    return frame.select(
        pl.col(LINE),
        pl.col("party_id"),
        pl.col("name"),
        category.alias("category"),
        pl.col("society"),
        withholding.alias("withholding"),
        pl.col("excluded_funds"),
        pl.col("paid_through"),
        paid_mask.cast(pl.Int64).alias("paid_mask"),
        payee.alias("payee_id"),
    )


def _works(folder: Path, problems: Problems) -> pl.DataFrame | None:
    file = "works.csv"
    frame = _read(folder, file, problems)
    if frame is None:
        return None
    require(problems, file, frame, ["work_id"])
    duplicates(problems, file, frame, "work_id")
    return frame.select(
        pl.col(LINE),
        pl.col("work_id"),
        pl.col("title"),
        flags(problems, file, frame, "music_expired").alias("music_expired"),
        flags(problems, file, frame, "lyrics_expired").alias("lyrics_expired"),
    )


def _rights(
    folder: Path,
    problems: Problems,
    party_ids: pl.Series | None,
    work_ids: pl.Series | None,
    period: Period | None,
    rules: PrcRuleSet,
) -> pl.DataFrame | None:
    file = "rights.csv"
    frame = _read(folder, file, problems)
    if frame is None:
        return None
    require(problems, file, frame, ["work_id", "role", "submitted_on"])
    if work_ids is not None:
        unknown_reference(problems, file, frame, "work_id", work_ids, "work")
    if party_ids is not None:
        unknown_reference(problems, file, frame, "party_id", party_ids, "party")
    typed = (
        frame.lazy()
        .select(
            pl.col(LINE),
            pl.col("work_id"),
            pl.col("party_id"),
            choices(problems, file, frame, "role", ROLES, "role").alias("role"),
            *_ratio_columns(problems, file, frame, "share", "share"),
            pl.col("share").is_not_null().alias("has_share"),
            dates(problems, file, frame, "submitted_on").alias("submitted_on"),
            dates(problems, file, frame, "valid_from").alias("valid_from"),
            dates(problems, file, frame, "valid_to").alias("valid_to"),
        )
        .collect()
    )
    problems.flush()
    problems.check(file, "valid_to", typed, pl.col("valid_to") < pl.col("valid_from"), "valid_to is before valid_from")
    problems.check(file, "share", typed, pl.col("share_num") > pl.col("share_den"), "a share above 12/12")
    if period is None:
        return typed
    reference = period.reference_date
    cutoff = documents_cutoff(reference, rules.documents_days_before)
    counted = (
        (pl.col("valid_from").is_null() | (pl.col("valid_from") <= reference))
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= reference))
        & (pl.col("submitted_on") <= cutoff)
    )
    typed = typed.with_columns(counted.fill_null(False).alias("counted"))
    typed = typed.with_columns(pl.col("share_num").fill_null(0), pl.col("share_den").fill_null(1).replace(0, 1))
    typed = reduce_ratio(typed, "share_num", "share_den")
    rows = typed.filter(pl.col("counted"))
    problems.check(
        file,
        "party_id",
        rows,
        pl.col("party_id").is_not_null() & pl.struct("work_id", "party_id", "role").is_duplicated(),
        pl.format(
            "'{}' holds the role {} of work '{}' twice on the reference date",
            pl.col("party_id"),
            pl.col("role"),
            pl.col("work_id"),
        ),
    )
    with_publisher = rows.group_by("work_id").agg((pl.col("role") == "publisher").any().alias("has_publisher"))
    rows = rows.join(with_publisher, on="work_id")
    problems.check(
        file,
        "share",
        rows,
        pl.col("has_publisher") & ~pl.col("has_share"),
        "the registered share is needed in a work with a publisher",
    )
    _check_share_totals(problems, file, rows)
    return typed


def _check_share_totals(problems: Problems, file: str, rows: pl.DataFrame) -> None:
    """Registered shares of the rows counted on the reference date may not exceed 12/12 in a work."""
    given = rows.filter(pl.col("has_share"))
    if given.height == 0:
        return
    import math

    dens = [int(d) for d in given["share_den"].unique().to_list()]
    common = 1
    for d in dens:
        common = math.lcm(common, d)
    if common < 2**40:
        scaled = given.with_columns((pl.col("share_num") * (common // pl.col("share_den"))).alias("scaled"))
        totals = scaled.group_by("work_id").agg(
            pl.col("scaled").cast(pl.Int128).sum().alias("total"), pl.col(LINE).min().alias(LINE)
        )
        over = totals.filter(pl.col("total") > common)
        over_rows = [(r[LINE], r["work_id"], Fraction(int(r["total"]), common)) for r in over.iter_rows(named=True)]
    else:
        sums: dict[str, Fraction] = {}
        first: dict[str, int] = {}
        for work_id, num, den, line in given.select("work_id", "share_num", "share_den", LINE).iter_rows():
            sums[work_id] = sums.get(work_id, Fraction(0)) + Fraction(num, den)
            first[work_id] = min(first.get(work_id, line), line)
        over_rows = [(first[w], w, total) for w, total in sums.items() if total > 1]
    for line, work_id, total in over_rows:
        problems.add(
            file,
            int(line),
            "share",
            f"registered shares of work '{work_id}' add up to {total.numerator}/{total.denominator}, above 12/12",
        )


def _broadcast(folder: Path, problems: Problems, work_ids: pl.Series | None, rules: PrcRuleSet) -> pl.DataFrame | None:
    file = "usage_broadcast.csv"
    frame = _read(folder, file, problems)
    if frame is None:
        return None
    require(
        problems,
        file,
        frame,
        ["work_id", "use_count", "differential_points", "station_points", "use_type", "station_kind"],
    )
    if work_ids is not None:
        unknown_reference(problems, file, frame, "work_id", work_ids, "work")
    problems.check(
        file,
        "station_kind",
        frame,
        ~pl.col("station_kind").str.contains(r"^[A-Za-z0-9_\-]+$"),
        pl.format("not a station kind: '{}'", pl.col("station_kind")),
    )
    typed = (
        frame.lazy()
        .select(
            pl.col(LINE),
            pl.col("work_id"),
            whole_numbers(problems, file, frame, "use_count").alias("use_count"),
            *_ratio_columns(problems, file, frame, "differential_points", "differential"),
            *_ratio_columns(problems, file, frame, "station_points", "station"),
            *_ratio_columns(problems, file, frame, "sampling_rate", "sampling", default_one=True),
            choices(problems, file, frame, "use_type", rules.broadcast_known_use_types, "use type").alias("use_type"),
            pl.col("station_kind").str.to_lowercase().alias("station_kind"),
        )
        .collect()
    )
    problems.flush()
    problems.check(file, "sampling_rate", typed, pl.col("sampling_num") == 0, "a sampling rate of zero")
    problems.check(
        file,
        "sampling_rate",
        typed,
        pl.col("sampling_num") > pl.col("sampling_den"),
        "a sampling rate above 1",
    )
    return typed


def _recording(folder: Path, problems: Problems, work_ids: pl.Series | None, rules: PrcRuleSet) -> pl.DataFrame | None:
    file = "usage_recording.csv"
    frame = _read(folder, file, problems)
    if frame is None:
        return None
    require(problems, file, frame, ["work_id", "deemed_songs", "units", "recording_class", "purpose"])
    if work_ids is not None:
        unknown_reference(problems, file, frame, "work_id", work_ids, "work")
    typed = (
        frame.lazy()
        .select(
            pl.col(LINE),
            pl.col("work_id"),
            *_ratio_columns(problems, file, frame, "deemed_songs", "deemed"),
            whole_numbers(problems, file, frame, "units").alias("units"),
            whole_numbers(problems, file, frame, "recording_class").alias("recording_class"),
            choices(problems, file, frame, "purpose", rules.recording_known_purposes, "purpose").alias("purpose"),
        )
        .collect()
    )
    problems.flush()
    return typed


def _rental(folder: Path, problems: Problems, work_ids: pl.Series | None) -> pl.DataFrame | None:
    file = "usage_rental.csv"
    frame = _read(folder, file, problems)
    if frame is None:
        return None
    require(problems, file, frame, ["work_id", "deemed_songs", "rental_count", "rental_class"])
    if work_ids is not None:
        unknown_reference(problems, file, frame, "work_id", work_ids, "work")
    typed = (
        frame.lazy()
        .select(
            pl.col(LINE),
            pl.col("work_id"),
            *_ratio_columns(problems, file, frame, "deemed_songs", "deemed"),
            whole_numbers(problems, file, frame, "rental_count").alias("rental_count"),
            whole_numbers(problems, file, frame, "rental_class").alias("rental_class"),
        )
        .collect()
    )
    problems.flush()
    return typed


def _claims(folder: Path, problems: Problems) -> pl.DataFrame | None:
    file = "claims.csv"
    frame = _read(folder, file, problems, must_exist=False)
    if frame is None:
        if (folder / file).is_file():
            return None
        return pl.DataFrame(
            {
                LINE: [],
                "claim_id": [],
                "party_id": [],
                "work_id": [],
                "fund": [],
                "use_date": [],
                "claimed_on": [],
                "special_circumstances": [],
            },
            schema={
                LINE: pl.UInt32,
                "claim_id": pl.String,
                "party_id": pl.String,
                "work_id": pl.String,
                "fund": pl.String,
                "use_date": pl.Date,
                "claimed_on": pl.Date,
                "special_circumstances": pl.Boolean,
            },
        )
    require(problems, file, frame, ["claim_id", "party_id", "work_id", "fund", "use_date", "claimed_on"])
    duplicates(problems, file, frame, "claim_id")
    return frame.select(
        pl.col(LINE),
        pl.col("claim_id"),
        pl.col("party_id"),
        pl.col("work_id"),
        choices(problems, file, frame, "fund", FUNDS, "fund").alias("fund"),
        dates(problems, file, frame, "use_date").alias("use_date"),
        dates(problems, file, frame, "claimed_on").alias("claimed_on"),
        flags(problems, file, frame, "special_circumstances").alias("special_circumstances"),
    )
