"""The input folder of ``bunpai broadcast run`` (docs/broadcast-files.md): read and validated, vectorised.

CSV files as the contract says; the usage lines may also come as Parquet (``usage.parquet`` or a
folder ``usage/`` of Parquet files, e.g. partitioned by month), read lazily and streamed, because at
the size of a real quarter (10⁸ lines) they are kept column-wise. Every problem is reported as
``file:line: column: problem`` (``file:row N`` for Parquet), and nothing is computed on bad input.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
import threading
import tomllib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bunpai.core.broadcast.model import CATEGORIES, OUTCOMES, RIGHTS, FundGroup, Quarter
from bunpai.core.broadcast.rules import (
    BroadcastRuleSet,
    TimePoints,
    parse_quarter,
    time_points_from_mapping,
)
from bunpai.core.money import MoneyError, parse_ratio, parse_yen
from bunpai.core.rules import ROLES, RuleSetError
from bunpai.formats.broadcast_parquet import CODED_COLUMNS, CODES_KEY, codes_named_in
from bunpai.formats.tables import (
    LINE,
    InputError,
    Problem,
    Problems,
    choices,
    dates,
    duplicates,
    flags,
    narrowest,
    ratios,
    read_table,
    reduce_ratio,
    require,
    unknown_reference,
    whole_numbers,
)

PERIOD_FILE = "period.toml"
USAGE_FILE = "usage.csv"
USAGE_SCHEMA = {
    "line_id": pl.String,
    "station_id": pl.String,
    "work_id": pl.String,
    "outcome": pl.String,
    "duration_s": pl.Int64,
    "method": pl.String,
    "recorded": pl.Boolean,
    "sampling_num": pl.Int64,
    "sampling_den": pl.Int64,
}
"""The typed usage lines the engine reads (from CSV, or Parquet with these or the contract's columns;
from Parquet, identifiers keep their stored type, and durations and sampling parts stored as 32-bit
integers stay so)."""

_TOP_KEYS = (
    "quarter",
    "reference_date",
    "distribution_date",
    "admin_fee_rate",
    "documents_days_before",
    "time_points",
    "method_points",
    "fund_group",
)
_GROUP_KEYS = (
    "id",
    "amount_yen",
    "recording_ratio",
    "carry_in_performing_yen",
    "carry_in_mechanical_yen",
    "admin_fee_rate",
)
WORK_KEY = "_work_key"
RIGHT_KEY = "_right_key"
"""Integer keys of ``rights``' work id and right (dense ranks of the texts), for grouping and joining."""
PARTY_KEY = "_party_key"
"""Integer key of ``rights``' party: its position among the parties sorted by ``party_id`` (null
when the row has no party or an unknown one)."""
PARTY_OPTIONAL = (
    "kind",
    "name_kana",
    "bank_code",
    "branch_code",
    "account_type",
    "account_number",
    "account_holder",
)


@dataclass
class EngineShareRows:
    """The counted share rows in the few columns the columnar engine reads, in file order.

    ``rows``: WORK_KEY, PARTY_KEY, RIGHT_KEY (narrowest integer types), ``share_num``/``share_den``
    (reduced; 32 bits when every value fits), ``default_shares``, and ``work_id`` only when
    ``key_shift`` is None. ``key_shift``: c when every share row's WORK_KEY is its integer work id +
    c (the dense key of integer ids close together), else None. ``defaults``: the rows of ``rows``
    that take the default share table, with the columns that resolve them, in the same order."""

    rows: pl.DataFrame
    key_shift: int | None
    defaults: pl.DataFrame


@dataclass
class BroadcastFrames:
    """A validated input folder.

    The share rows (``rights``, every column) may never be kept (``read_input(engine_rows_only=True)``):
    the engine then reads its slim copy (:meth:`take_engine_rows`), and ``rights`` reads and
    validates the file again when something asks for every column (the row-by-row path)."""

    quarter: Quarter
    parties: pl.DataFrame
    stations: pl.DataFrame
    _rights: pl.DataFrame | None
    usage: pl.LazyFrame
    usage_source: str
    notes: list[str] = field(default_factory=list)
    pending_usage_checks: PendingUsageChecks | None = None
    """Checks of Parquet usage lines not run yet (``read_input(defer_usage_checks=True)``): the
    engine evaluates them in its one pass over the lines, or :func:`check_pending_usage` runs them."""
    folder: Path | None = None
    """The input folder, from which released share rows are read again."""
    _engine_rows: EngineShareRows | None = None
    _engine_rows_reading: Future[tuple[EngineShareRows | None, list[Problem]]] | None = None
    """The engine's copy of the share rows and their problems, being read on a thread of its own
    (``read_input(share_rows_meanwhile=True)``)."""
    _share_row_problems: list[Problem] = field(default_factory=list)
    _share_rows_freed: threading.Event | None = None
    usage_files: tuple[pl.LazyFrame, ...] = ()
    """The Parquet usage lines file by file, in the order of ``usage`` (a folder of several files)."""

    def usage_batches(self, batch_rows: int) -> Iterator[pl.DataFrame]:
        """The usage lines in order, in batches of at most ``batch_rows`` lines. A folder of files is
        read a file at a time, the next file's reading started when two batches of this one are
        left: Polars decodes ahead of the batches taken, as far as it gets, so that reading the
        whole folder at once holds gigabytes of decoded lines when the taker is the slower
        (integer-coded columns decode about twice as fast as dictionary-encoded text)."""
        if not self.usage_files:
            yield from self.usage.collect_batches(chunk_size=batch_rows)
            return
        files = self.usage_files
        started: list[Iterator[pl.DataFrame]] = []

        def start(number: int) -> None:
            """File ``number``'s reading, started once (nothing past the last file)."""
            if len(started) == number < len(files):
                started.append(files[number].collect_batches(chunk_size=batch_rows))

        start(0)
        for number, lazy in enumerate(files):
            left = lazy.select(pl.len()).collect().item()
            for batch in started[number]:
                left -= batch.height
                if left <= 2 * batch_rows:
                    start(number + 1)
                yield batch
            start(number + 1)
            started[number] = iter(())

    def wait_for_share_rows_memory(self) -> None:
        """Wait until share rows read meanwhile have freed the rows as read (their largest tables),
        so that a pass over the usage lines does not add its memory to theirs."""
        if self._share_rows_freed is not None:
            self._share_rows_freed.wait()

    def share_row_problems(self) -> list[Problem]:
        """The problems of share rows read on a thread of their own, once they are read (waits for
        them); none when the share rows were read with the rest of the folder."""
        if self._engine_rows_reading is not None:
            rows, found = self._engine_rows_reading.result()
            self._engine_rows_reading = None
            self._engine_rows, self._share_row_problems = rows, found
        return list(self._share_row_problems)

    @property
    def rights(self) -> pl.DataFrame:
        """The validated share rows, every column (read again from the folder if not kept)."""
        if self._rights is None:
            assert self.folder is not None, "share rows not kept without their folder"
            problems = Problems()
            self._rights = _rights(self.folder, problems, self.parties["party_id"], self.quarter)
            problems.raise_if_any()
            assert self._rights is not None
        return self._rights

    def take_engine_rows(self) -> EngineShareRows:
        """The engine's copy of the share rows, handed over: the frames no longer hold it (a later
        call makes it again from :attr:`rights`). Raises :class:`InputError` when share rows read
        meanwhile have problems."""
        found = self.share_row_problems()
        if found:
            raise InputError(found)
        rows = self._engine_rows if self._engine_rows is not None else engine_share_rows(self.rights)
        self._engine_rows = None
        return rows


UsageCheck = tuple[str, pl.Expr, str]
"""(column, expression true on a bad row, message) of a check of Parquet usage lines."""


@dataclass
class PendingUsageChecks:
    name: str
    checks: list[UsageCheck]


def _key_line(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line) or re.match(rf"\s*\[+\s*{re.escape(key)}\s*\]+", line):
            return number
    return 0


def _read_toml(folder: Path, problems: Problems) -> tuple[dict[str, Any], str] | None:
    path = folder / PERIOD_FILE
    if not path.is_file():
        problems.add(PERIOD_FILE, 0, "*", "file is missing")
        return None
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp932")
        except UnicodeDecodeError:
            problems.add(PERIOD_FILE, 0, "*", "not readable as UTF-8 or Shift_JIS/CP932 text")
            return None
    try:
        return tomllib.loads(text, parse_float=decimal.Decimal), text
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        problems.add(PERIOD_FILE, int(match.group(1)) if match else 0, "*", f"not valid TOML: {error}")
        return None


def read_period(folder: Path, problems: Problems, rules_for: Any) -> tuple[Quarter | None, BroadcastRuleSet | None]:
    """Read ``period.toml``; missing distribution values come from the rule set in force."""
    loaded = _read_toml(folder, problems)
    if loaded is None:
        return None, None
    data, text = loaded
    ok = True

    def bad(key: str, message: str, line_key: str | None = None) -> None:
        nonlocal ok
        ok = False
        problems.add(PERIOD_FILE, _key_line(text, line_key or key.split(".")[-1]), key, message)

    for key in ("quarter", "reference_date", "distribution_date", "fund_group"):
        if key not in data:
            bad(key, "missing key")
    for key in data:
        if key not in _TOP_KEYS:
            bad(key, "unknown key")

    def ratio(key: str, value: Any, line_key: str | None = None, *, at_most_one: bool = True) -> Fraction | None:
        if isinstance(value, bool) or value is None or isinstance(value, dict | list):
            bad(key, f"not a ratio: {value!r}", line_key)
            return None
        try:
            result = parse_ratio(str(value))
        except MoneyError as error:
            bad(key, str(error), line_key)
            return None
        if at_most_one and result > 1:
            bad(key, f"ratio {value} is above 1", line_key)
            return None
        return result

    def yen(key: str, value: Any, line_key: str | None = None) -> int | None:
        if isinstance(value, bool | decimal.Decimal | float):
            bad(key, f"not a whole number of yen: {value!r}", line_key)
            return None
        try:
            result = parse_yen(value)
        except MoneyError as error:
            bad(key, str(error), line_key)
            return None
        if result < 0:
            bad(key, f"negative amount {result}", line_key)
            return None
        return result

    def day(key: str) -> dt.date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            bad(key, f"not a date YYYY-MM-DD: {value!r}")
            return None

    quarter_name = data.get("quarter")
    if quarter_name is not None:
        try:
            parse_quarter(str(quarter_name))
        except ValueError:
            bad("quarter", f"expected the quarter of use as YYYYQn, got {quarter_name!r}")
            quarter_name = None
    reference = day("reference_date")
    distribution = day("distribution_date")
    if reference is not None and distribution is not None and distribution < reference:
        bad("distribution_date", "the distribution date is before the reference date")

    rules: BroadcastRuleSet | None = None
    if reference is not None:
        try:
            rules = rules_for(reference)
        except RuleSetError as error:
            bad("reference_date", str(error))

    admin = None
    if "admin_fee_rate" in data:
        admin = ratio("admin_fee_rate", data["admin_fee_rate"])
    elif rules is not None and quarter_name is not None:
        try:
            admin = rules.admin_fee_rate(str(quarter_name))
        except RuleSetError as error:
            bad("admin_fee_rate", f"not given and {error}", "quarter")
    days_before = rules.documents_days_before if rules is not None else 0
    if "documents_days_before" in data:
        value = yen("documents_days_before", data["documents_days_before"])
        days_before = value if value is not None else 0

    time_points: TimePoints | None = rules.time_points if rules is not None else None
    if "time_points" in data:
        section = data["time_points"]
        if not isinstance(section, dict):
            bad("time_points", "must be a table [time_points]")
        else:
            for key in section:
                if key not in ("bands", "per_extra", "per_second_cap"):
                    bad(f"time_points.{key}", "unknown key")
            try:
                time_points = time_points_from_mapping(section)
                for message in time_points.validate():
                    bad("time_points", message)
            except (RuleSetError, MoneyError, TypeError, ValueError, IndexError) as error:
                bad("time_points", f"not a table of [seconds, points] bands: {error}")
                time_points = None
    method_points: dict[str, Fraction] | None = dict(rules.method_points) if rules is not None else None
    if "method_points" in data:
        section = data["method_points"]
        if not isinstance(section, dict) or not section:
            bad("method_points", "must be a table [method_points] naming at least one method")
            method_points = None
        else:
            method_points = {}
            for key, value in section.items():
                parsed = ratio(f"method_points.{key}", value, key, at_most_one=False)
                if parsed is not None:
                    method_points[str(key).lower()] = parsed

    groups: list[FundGroup] = []
    raw_groups = data.get("fund_group", [])
    if not isinstance(raw_groups, list) or not raw_groups:
        if "fund_group" in data:
            bad("fund_group", "expected one or more [[fund_group]] tables")
        raw_groups = []
    seen: set[str] = set()
    for number, group in enumerate(raw_groups, start=1):
        where = f"fund_group[{number}]"
        if not isinstance(group, dict):
            bad(where, "must be a table", "fund_group")
            continue
        for key in group:
            if key not in _GROUP_KEYS:
                bad(f"{where}.{key}", "unknown key", key)
        group_id = group.get("id")
        if not group_id or not isinstance(group_id, str):
            bad(f"{where}.id", "missing id", "fund_group")
            continue
        if group_id in seen:
            bad(f"{where}.id", f"duplicate fund group '{group_id}'", "id")
        seen.add(group_id)
        if "amount_yen" not in group:
            bad(f"{where}.amount_yen", "missing key", "fund_group")
        amount = yen(f"{where}.amount_yen", group.get("amount_yen", 0), "amount_yen")
        recording = (
            ratio(f"{where}.recording_ratio", group["recording_ratio"], "recording_ratio")
            if "recording_ratio" in group
            else (rules.default_recording_ratio if rules is not None else Fraction(0))
        )
        carry_p = yen(
            f"{where}.carry_in_performing_yen", group.get("carry_in_performing_yen", 0), "carry_in_performing_yen"
        )
        carry_m = yen(
            f"{where}.carry_in_mechanical_yen", group.get("carry_in_mechanical_yen", 0), "carry_in_mechanical_yen"
        )
        own_rate = (
            ratio(f"{where}.admin_fee_rate", group["admin_fee_rate"], "admin_fee_rate")
            if "admin_fee_rate" in group
            else None
        )
        if amount is None or recording is None or carry_p is None or carry_m is None:
            continue
        groups.append(FundGroup(group_id, amount, recording, carry_p, carry_m, own_rate))

    if not ok or rules is None or reference is None or distribution is None or quarter_name is None:
        return None, rules
    if admin is None or time_points is None or method_points is None:
        return None, rules
    quarter = Quarter(
        quarter=str(quarter_name),
        reference_date=reference,
        distribution_date=distribution,
        admin_fee_rate=admin,
        documents_days_before=days_before,
        time_points=time_points,
        method_points=method_points,
        groups=tuple(sorted(groups, key=lambda g: g.group_id)),
        foreign_delay_months=rules.foreign_delay_months,
    )
    return quarter, rules


def _source(folder: Path, stem: str) -> str:
    """``stem.csv`` as the contract says, or ``stem.parquet`` when only that is present."""
    if not (folder / f"{stem}.csv").is_file() and (folder / f"{stem}.parquet").is_file():
        return f"{stem}.parquet"
    return f"{stem}.csv"


def _read(
    folder: Path,
    file: str,
    required: list[str],
    optional: tuple[str, ...] | list[str],
    problems: Problems,
    native: tuple[str, ...] = (),
    dictionary: tuple[str, ...] = (),
) -> pl.DataFrame | None:
    """A CSV table (:func:`read_table`), or a Parquet table read as the same text columns (row N = line N).

    Columns named in ``native`` keep their Parquet type when it is an integer or a date (no text
    round trip), those named in ``dictionary`` theirs when it is dictionary-encoded (Categorical
    or Enum: compared as text, a few bytes a row instead of the text); every other column is read
    as text. An integer column whose codes the file's key-value metadata names (``CODES_KEY``) is
    read as its names: dictionary-encoded when named in ``dictionary``, else text; a code outside
    the names reads ``code N``, which the checks of the column's values then report."""
    if not file.endswith(".parquet"):
        return _empty_as_null(read_table(folder, file, required, optional, problems))
    names = pl.read_parquet_schema(folder / file)
    missing = [c for c in required if c not in names]
    for column in missing:
        problems.add(file, 1, column, "missing column")
    if missing:
        return None
    keep = [c for c in (*required, *optional) if c in names]
    coded = [c for c in keep if c not in native and names[c].is_integer()]
    codes = _file_code_names(folder / file, file, coded, problems) if coded else {}
    if codes is None:
        return None

    def column(name: str) -> pl.Expr:
        dtype = names[name]
        if name in codes:
            return pl.col(name)  # its names below
        if name in native and (dtype.is_integer() or dtype == pl.Date):
            return pl.col(name)
        if name in dictionary and isinstance(dtype, pl.Categorical | pl.Enum):
            return pl.col(name)
        return pl.col(name).cast(pl.String)

    frame = pl.scan_parquet(folder / file).select([column(c) for c in keep]).collect()
    if codes:
        frame = frame.with_columns(
            _names_of_codes(frame, name, codes[name], pl.Categorical if name in dictionary else pl.String)
            for name in codes
        )
    return frame.with_row_index(LINE, offset=1)


def _file_code_names(
    path: Path, where: str, integers: Sequence[str], problems: Problems
) -> dict[str, list[str]] | None:
    """The names of the codes of the integer columns ``integers`` of a Parquet file that its
    key-value metadata names (``CODES_KEY``: JSON, a list of distinct names per column); ``{}``
    when it names none. ``None``, with a problem naming the file, when the metadata is not such
    a JSON object or a column's names are not distinct texts."""
    given = codes_named_in(path)
    named = {column: given[column] for column in integers if column in given} if given is not None else {}
    unnamed = [column for column, names in named.items() if not _distinct_names(names)]
    if given is None or unnamed:
        problems.add(
            where,
            0,
            (unnamed or integers)[0],
            f"the codes' names (key-value metadata {CODES_KEY}) are not a JSON list of distinct names per column",
        )
        return None
    return named


def _names_of_codes(frame: pl.DataFrame, column: str, names: Sequence[str], dtype: type[pl.DataType]) -> pl.Expr:
    """An integer-coded column of ``frame`` as its names (``dtype``: Categorical or String), gathered
    from the list; a code outside it as the text ``code N``."""
    code = pl.col(column)
    inside = code.is_between(0, len(names) - 1)
    if not frame.select((code.is_not_null() & ~inside).any()).item():
        return _named_codes(column, names, dtype)
    named = _named_codes(column, names, pl.String)
    text = pl.when(code.is_null()).then(None).when(inside).then(named).otherwise(pl.format("code {}", code))
    return text.cast(dtype).alias(column)


def _date_column(problems: Problems, file: str, frame: pl.DataFrame, column: str) -> pl.Expr:
    """A column of dates: as it is when already typed (Parquet ``DATE``), else parsed from text."""
    if frame.schema[column] == pl.Date:
        return pl.col(column)
    return dates(problems, file, frame, column)


def _empty_as_null(frame: pl.DataFrame | None) -> pl.DataFrame | None:
    """A quoted empty cell (``""``) is an empty cell too: not given."""
    if frame is None:
        return None
    columns = [c for c in frame.columns if c != LINE and frame.schema[c] == pl.String]
    if not columns or not frame.select(pl.any_horizontal([pl.col(c) == "" for c in columns]).any()).item():
        return frame
    return frame.with_columns([pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in columns])


def _percent_as_fraction(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """``50%`` / ``12.5%`` written as the exact fractions ``50/100`` / ``125/1000`` (vectorised)."""
    text = pl.col(column)
    if frame.height == 0 or not frame.select(text.str.ends_with("%").any()).item():
        return frame
    parts = text.str.extract_groups(r"^(\d{1,15})(?:\.(\d{1,3}))?%$")
    decimals = parts.struct.field("2").fill_null("")
    numerator = parts.struct.field("1") + decimals
    denominator = decimals.str.len_chars().replace_strict({0: "100", 1: "1000", 2: "10000", 3: "100000"}, default=None)
    converted = pl.when(parts.struct.field("1").is_not_null()).then(numerator + "/" + denominator).otherwise(text)
    return frame.with_columns(converted.alias(column))


def _parties(folder: Path, problems: Problems) -> pl.DataFrame | None:
    file = _source(folder, "parties")
    frame = _read(folder, file, ["party_id", "name", "category", "society"], PARTY_OPTIONAL, problems)
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
    societies = frame.filter(category == "foreign")["society"].drop_nulls().unique()
    problems.check(
        file,
        "party_id",
        frame,
        pl.col("party_id").is_in(societies.implode()),
        pl.format("'{}' is both a party and the society of a foreign party", pl.col("party_id")),
    )
    for column in PARTY_OPTIONAL:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(column))
    kind = choices(problems, file, frame, "kind", ("individual", "corporation"), "kind")
    paid = category.is_in(["member", "foreign", "assignee"])
    payee = pl.when(category == "foreign").then(pl.col("society")).otherwise(pl.col("party_id"))
    return frame.select(
        pl.col(LINE),
        pl.col("party_id"),
        pl.col("name"),
        category.alias("category"),
        pl.col("society"),
        paid.alias("paid"),
        payee.alias("payee_id"),
        kind.alias("kind"),
        *[pl.col(c) for c in PARTY_OPTIONAL if c != "kind"],
    )


def _stations(folder: Path, problems: Problems, groups: list[str] | None) -> pl.DataFrame | None:
    file = _source(folder, "stations")
    frame = _read(folder, file, ["station_id", "fund_group", "station_points"], [], problems)
    if frame is None:
        return None
    require(problems, file, frame, ["station_id", "fund_group", "station_points"])
    duplicates(problems, file, frame, "station_id")
    if groups is not None:
        unknown_reference(problems, file, frame, "fund_group", pl.Series(groups, dtype=pl.String), "fund group")
    numerator, denominator = ratios(problems, file, frame, "station_points")
    typed = frame.select(
        pl.col(LINE), pl.col("station_id"), pl.col("fund_group"), numerator.alias("st_num"), denominator.alias("st_den")
    )
    problems.flush()
    return reduce_ratio(
        typed.with_columns(pl.col("st_num").fill_null(0), pl.col("st_den").fill_null(1)), "st_num", "st_den"
    )


def _share_kernels() -> Any:
    """The compiled checks of share rows (:mod:`bunpai.formats.share_kernels`), imported when share
    rows are first checked: reading other files, or starting the command line, does not load the
    compiler."""
    from bunpai.formats import share_kernels

    return share_kernels


def _rights(
    folder: Path,
    problems: Problems,
    party_ids: pl.Series | None,
    quarter: Quarter | None,
    *,
    slim: bool = False,
    largest_freed: Callable[[], None] | None = None,
) -> pl.DataFrame | None:
    """The share rows, validated; with a quarter, whether each is counted on its reference date and
    whether it takes the default share table.

    ``slim``: without the dates and with the shares in their narrowest integer types (what the
    columnar engine reads; :func:`engine_share_rows`), so that a large file's rows take less memory.
    ``largest_freed`` is called once the rows as read are freed (what is left takes about half
    their memory)."""
    file = _source(folder, "rights")
    columns = ["work_id", "party_id", "role", "right", "share", "submitted_on", "valid_from", "valid_to"]
    native: tuple[str, ...] = ()
    if file.endswith(".parquet"):
        # Parquet share rows may carry their own types: integer work ids, dates, and the share as
        # integer columns share_num / share_den instead of the text share (docs/broadcast-files.md).
        names = pl.read_parquet_schema(folder / file)
        if "share" not in names and all(c in names for c in SHARE_PARTS):
            columns = [*columns[:4], *SHARE_PARTS, *columns[5:]]
        native = ("work_id", "party_id", *SHARE_PARTS, "submitted_on", "valid_from", "valid_to")
    frame = _read(folder, file, columns, [], problems, native, dictionary=("role", "right"))
    if frame is None:
        return None
    require(problems, file, frame, ["work_id", "role", "right", "submitted_on"])
    if party_ids is not None:
        # The party's position among the parties in id order, found by one join on the text; the
        # checks and the engine then work on this integer.
        index = (
            pl.DataFrame({"party_id": party_ids.cast(pl.String)})
            .unique("party_id")
            .sort("party_id")
            .with_row_index(PARTY_KEY)
        )
        if frame.schema["party_id"].is_integer():
            # Integer party ids (the compact layout) meet the parties whose id is the same number
            # written plainly ("17", not "017"), through a sorted search instead of a text join.
            numbers = index.with_columns(pl.col("party_id").cast(pl.Int64, strict=False).alias("_number")).filter(
                pl.col("_number").cast(pl.String) == pl.col("party_id")
            ).sort("_number")
            known = numbers["_number"].to_numpy()
            lowest = int(known[0]) if len(known) else 0
            span = int(known[-1]) - lowest + 1 if len(known) else 0
            if 0 < span <= max(4 * len(known), 1 << 20):
                # Ids close together: one look-up table indexed by the number.
                table = np.full(span + 1, -1, dtype=np.int64)  # the last cell: not a party
                table[known - lowest] = numbers[PARTY_KEY].to_numpy()
                # Each row's key in one compiled pass (−1: no party, null or unknown).
                party = frame["party_id"].cast(pl.Int64)
                keys = _share_kernels().party_keys(
                    party.fill_null(lowest - 1).to_numpy() if party.null_count() else party.to_numpy(),
                    table,
                    lowest,
                )
                frame = frame.with_columns(pl.Series(PARTY_KEY, keys)).with_columns(
                    pl.when(pl.col(PARTY_KEY) >= 0).then(pl.col(PARTY_KEY)).cast(pl.UInt32).alias(PARTY_KEY)
                )
            else:
                key = pl.col("party_id").replace_strict(numbers["_number"], numbers[PARTY_KEY], default=None)
                frame = frame.with_columns(key.alias(PARTY_KEY))
        else:
            key = pl.col("party_id").replace_strict(index["party_id"], index[PARTY_KEY], default=None)
            frame = frame.with_columns(key.alias(PARTY_KEY))
        problems.check(
            file,
            "party_id",
            frame,
            pl.col("party_id").is_not_null() & pl.col(PARTY_KEY).is_null(),
            pl.format("unknown party '{}'", pl.col("party_id")),
        )
    else:
        frame = frame.with_columns(pl.lit(None, pl.UInt32).alias(PARTY_KEY))
    if "share" in frame.columns:
        frame = _percent_as_fraction(frame, "share")
        numerator, denominator = ratios(problems, file, frame, "share")
        has_share = pl.col("share").is_not_null()
    else:
        numerator, denominator = _share_parts(problems, file, frame)
        has_share = pl.col("share_num").is_not_null()
    role = choices(problems, file, frame, "role", ROLES, "role")
    right = choices(problems, file, frame, "right", RIGHTS, "right")
    submitted_on = _date_column(problems, file, frame, "submitted_on")
    valid_from = _date_column(problems, file, frame, "valid_from")
    valid_to = _date_column(problems, file, frame, "valid_to")
    problems.check(file, "valid_to", frame, valid_to < valid_from, "valid_to is before valid_from")
    problems.check(file, "share", frame, numerator > denominator, "a share above 1")
    # Integer keys of the work and the right (dense ranks: the same groups as the texts, nulls
    # included), so that the checks below group and join on integers rather than on strings.
    # Integer work ids close together are their own key (offset from the smallest): no sort.
    work_key = pl.col("work_id").rank("dense").cast(pl.Int64)
    if frame.schema["work_id"].is_integer() and frame.height:
        lowest, highest = frame.select(pl.col("work_id").min().alias("lo"), pl.col("work_id").max().alias("hi")).row(0)
        if lowest is not None and int(highest) - int(lowest) < 4 * frame.height + 1024:
            work_key = pl.col("work_id").cast(pl.Int64) - int(lowest) + 1
            if int(highest) - int(lowest) < 2**31 - 2:
                work_key = work_key.cast(pl.Int32)  # 4 bytes a row
    right_codes = {r: i + 1 for i, r in enumerate(sorted(RIGHTS))}
    columns = [
        pl.col(LINE),
        pl.col("work_id"),
        pl.col("party_id"),
        pl.col(PARTY_KEY),
        # Role and right are dictionary-encoded (a few names over millions of rows).
        role.cast(pl.Categorical).alias("role"),
        right.cast(pl.Categorical).alias("right"),
        has_share.alias("has_share"),
        work_key.alias(WORK_KEY),
        right.replace_strict(right_codes, default=len(right_codes) + 1, return_dtype=pl.Int32).alias(RIGHT_KEY),
    ]
    if quarter is None:
        columns += [numerator.alias("share_num"), denominator.alias("share_den")]
    else:
        # A share row is counted when it is valid on the reference date and its documents came by
        # the cut-off; with no share given, 0/1.
        cutoff = quarter.reference_date - dt.timedelta(days=quarter.documents_days_before)
        reference = quarter.reference_date
        counted = (
            (valid_from.is_null() | (valid_from <= reference))
            & (valid_to.is_null() | (valid_to >= reference))
            & (submitted_on <= cutoff)
        )
        share_type: pl.DataType = pl.Int64()
        if slim and frame.height:
            # The shares in the narrowest type their largest part fits (reduced below, never larger).
            largest = frame.select(numerator.max().alias("n"), denominator.max().alias("d")).row(0)
            top = max(int(v or 1) for v in largest)
            share_type = pl.Int8() if top < 2**7 else pl.Int32() if top < 2**31 else pl.Int64()
        columns += [
            numerator.fill_null(0).cast(share_type).alias("share_num"),
            denominator.fill_null(1).replace(0, 1).cast(share_type).alias("share_den"),
            counted.fill_null(False).alias("counted"),
        ]
    if not slim:
        columns += [submitted_on.alias("submitted_on"), valid_from.alias("valid_from"), valid_to.alias("valid_to")]
    # Every checked column in one pass over the rows read; the checks of single rows run on the
    # rows as read, so that the typed frame never holds the dates when ``slim``.
    problems.flush()  # before the typed columns are made: the checks' own columns are freed by then
    typed = frame.lazy().select(columns).collect()
    del frame, numerator, denominator  # the columns as read are no longer needed: free them before going on
    if quarter is None:
        return typed
    typed = reduce_ratio(typed, "share_num", "share_den", narrow=slim)
    if largest_freed is not None:
        largest_freed()
    counted_mask = typed["counted"].to_numpy()
    codes, size = _group_codes(typed)
    # The checks below look at the counted rows only, through masks (no copy of the share rows).
    counted_col = pl.col("counted")
    # The same holder, role and right of a work twice: on one integer key when the codes fit in 63 bits.
    roles = sorted(ROLES)
    role_code = pl.col("role").replace_strict({r: i for i, r in enumerate(roles)}, default=None, return_dtype=pl.Int64)
    n_parties = (party_ids.len() if party_ids is not None else 0) + 1
    n_keys = int(typed[WORK_KEY].max() or 0) + 1 if typed.height else 1  # type: ignore[arg-type]
    n_right_keys = len(RIGHTS) + 2
    if party_ids is not None and n_keys * (len(roles) + 1) * n_right_keys * n_parties < 2**62:
        holder_key = (
            (pl.col(WORK_KEY).cast(pl.Int64) * len(roles) + role_code) * n_right_keys + pl.col(RIGHT_KEY).cast(pl.Int64)
        ) * n_parties + pl.col(PARTY_KEY).cast(pl.Int64)
        counted_key = pl.when(counted_col & pl.col("party_id").is_not_null()).then(holder_key)
        twice = counted_key.is_not_null() & counted_key.is_duplicated()
        # Sorted integer keys show at once whether any is repeated (the rows are located only then).
        # The keys of the rows that have one (as counted_key) are made in place in NumPy and
        # sorted there: a few full-length arrays at most.
        role_np = _small_codes(typed["role"], {r: i for i, r in enumerate(roles)})
        keyed = counted_mask & (role_np >= 0)
        keyed &= typed.select(
            pl.col("party_id").is_not_null() & pl.col(PARTY_KEY).is_not_null() & pl.col(WORK_KEY).is_not_null()
        ).to_series().to_numpy()
        work_np = typed[WORK_KEY].fill_null(0).to_numpy()
        right_np = typed[RIGHT_KEY].fill_null(0).to_numpy()
        party_np = typed[PARTY_KEY].fill_null(0).to_numpy()
        # The rows are compared within each work by one compiled pass (grouped by work as they
        # come, else put with their work's by a counting sort).
        found = _share_kernels().holder_repeated(work_np, role_np, right_np, party_np, keyed, n_right_keys, n_parties)
        repeated = found > 0
        del role_np, keyed, work_np, right_np, party_np
    else:
        twice = pl.when(counted_col).then(pl.struct(WORK_KEY, "party_id", "role", RIGHT_KEY)).is_duplicated()
        repeated = True
    if repeated:
        problems.check(
            file,
            "party_id",
            typed,
            counted_col & pl.col("party_id").is_not_null() & twice,
            pl.format(
                "'{}' holds the role {} of the {} right of work '{}' twice on the reference date",
                pl.col("party_id"),
                pl.col("role"),
                pl.col("right"),
                pl.col("work_id"),
            ),
        )
    # Either every counted row of a work's right has a share, or none has and there is no publisher
    # (then the default table applies). Flagged per (work, right) code by one compiled pass.
    has_share = typed["has_share"].to_numpy() & counted_mask
    publisher = (typed["role"] == "publisher").fill_null(False).to_numpy() & counted_mask
    # One flag per code (a row with a share or a publisher), read back per row: one compiled pass.
    needs_row = np.empty(len(codes), dtype=bool)
    _share_kernels().rows_of_flagged_groups(codes, has_share, publisher, size, needs_row)
    problems.check(
        file,
        "share",
        typed,
        counted_col & ~pl.col("has_share") & pl.lit(pl.Series(needs_row)),
        "a share is needed: other rows of this work's right have one, or it has a publisher",
    )
    _check_totals(problems, file, typed, codes, size, has_share, publisher)
    del publisher
    defaults = counted_mask & ~needs_row
    return typed.with_columns(pl.Series("default_shares", defaults, dtype=pl.Boolean))


def key_shift(rights: pl.DataFrame) -> int | None:
    """c when every share row's WORK_KEY is its integer work id + c (the dense key of ids close
    together), else None."""
    if not rights.schema["work_id"].is_integer() or rights.height == 0 or rights["work_id"].null_count():
        return None
    # One pass: the difference is the same on every row when its smallest and largest values are.
    difference = pl.col(WORK_KEY).cast(pl.Int64) - pl.col("work_id").cast(pl.Int64)
    lowest, highest = rights.select(difference.min().alias("lo"), difference.max().alias("hi")).row(0)
    return int(lowest) if lowest == highest else None


DEFAULT_SHARE_COLUMNS = ("work_id", "party_id", "role", "right", "share_num", "share_den", "default_shares")
"""The columns of the default-share rows the engine resolves with the share table."""


def engine_share_rows(rights: pl.DataFrame) -> EngineShareRows:
    """The counted share rows in the columns the columnar engine reads (:class:`EngineShareRows`)."""
    shift = key_shift(rights)
    # Only the columns kept are taken, and filtered only when some row is not counted: the texts
    # and ids of every row are never copied (the default rows', a few, are taken apart).
    kept = [WORK_KEY, PARTY_KEY, RIGHT_KEY, "share_num", "share_den", "default_shares"]
    if shift is None:
        kept.append("work_id")
    counted = rights.select(kept)
    if not rights["counted"].all():
        counted = counted.filter(rights["counted"])
    columns = [
        narrowest(counted[WORK_KEY]),
        counted[PARTY_KEY],
        narrowest(counted[RIGHT_KEY]),
        narrowest(counted["share_num"]),
        narrowest(counted["share_den"]),
        counted["default_shares"],
    ]
    if shift is None:
        columns.append(counted["work_id"])
    defaults = rights.filter(pl.col("counted") & pl.col("default_shares")).select(DEFAULT_SHARE_COLUMNS)
    return EngineShareRows(pl.DataFrame(columns), shift, defaults)


SHARE_PARTS = ("share_num", "share_den")
"""Integer columns that may replace ``share`` in ``rights.parquet`` (empty both: no share given)."""


def _share_parts(problems: Problems, file: str, frame: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    """The share as the integer columns ``share_num`` / ``share_den`` of a Parquet file, checked."""
    parts = []
    for name in SHARE_PARTS:
        if frame.schema[name].is_integer():
            parts.append(pl.col(name).cast(pl.Int64))
        else:
            parts.append(whole_numbers(problems, file, frame, name))
    numerator, denominator = parts
    problems.check(
        file, "share_den", frame, numerator.is_null() != denominator.is_null(), "share_num and share_den go together"
    )
    problems.check(file, "share_num", frame, numerator < 0, "a negative share")
    problems.check(file, "share_den", frame, denominator <= 0, "zero or negative denominator")
    valid = (denominator > 0) & (numerator >= 0)
    return pl.when(valid).then(numerator), pl.when(valid).then(denominator)


def _small_codes(series: pl.Series, values: dict[str, int]) -> np.ndarray:
    """``values[x]`` (below 128) of each x of a column of few names as int8, -1 for a null or
    another name; a dictionary-encoded column is looked up once per distinct category."""
    if isinstance(series.dtype, pl.Categorical | pl.Enum) and series.len():
        distinct = series.unique().drop_nulls()
        codes = series.to_physical()
        top = int(codes.max() or 0)  # type: ignore[arg-type]
        table = np.full(top + 2, -1, dtype=np.int8)  # the last cell: null
        for code, name in zip(distinct.to_physical().to_list(), distinct.cast(pl.String).to_list(), strict=True):
            table[int(code)] = values.get(name, -1)
        return table[codes.fill_null(top + 1).to_numpy()]
    looked_up = series.cast(pl.String).replace_strict(values, default=-1, return_dtype=pl.Int8)
    return looked_up.fill_null(-1).to_numpy()


def _group_codes(frame: pl.DataFrame) -> tuple[np.ndarray, int]:
    """One integer per row for its (work, right): the same groups as the texts (a null is a group too)."""
    if frame.height == 0:
        return np.zeros(0, dtype=np.int64), 1
    right = frame[RIGHT_KEY].fill_null(0).to_numpy()
    rights = int(right.max()) + 1
    codes = frame[WORK_KEY].fill_null(0).to_numpy()
    size = (int(codes.max()) + 1) * rights
    # The one full-length array made: 32-bit codes when they fit (bincount and add.at take either).
    codes = codes.astype(np.int32 if size < 2**31 else np.int64)
    codes *= rights
    codes += right
    return codes, size


def _check_totals(
    problems: Problems,
    file: str,
    frame: pl.DataFrame,
    codes: np.ndarray,
    size: int,
    given_mask: np.ndarray,
    publisher_mask: np.ndarray,
) -> None:
    """Per work and right the counted shares may not pass 1; publishers not 6/12 of the performing right.

    ``given_mask``: the counted rows with a share; ``publisher_mask``: the counted publishers' rows;
    ``codes``: each row's (work, right) code."""
    if not given_mask.any():
        return
    common = 1
    for d in frame["share_den"].filter(pl.Series(given_mask)).unique().to_list():
        common = math.lcm(common, int(d))
    if common >= 2**40:
        problems.add(file, 0, "share", f"share denominators too large to add up exactly (common {common})")
        return
    numerator_all = frame["share_num"].to_numpy()
    denominator_all = frame["share_den"].to_numpy()
    if numerator_all.dtype.kind == "i" and len(numerator_all) * common < 2**62:
        # Every given share over the common denominator, summed per (work, right) and compared
        # by two compiled passes over the rows: exact, as no sum can pass rows × common.
        performing_all = (frame["right"] == "performing").fill_null(False).to_numpy()
        total = np.zeros(size, dtype=np.int64)
        publisher_total = np.zeros(size, dtype=np.int64)
        kernels = _share_kernels()
        kernels.add_share_totals(
            codes, numerator_all, denominator_all, given_mask, publisher_mask, common, total, publisher_total
        )
        over_rows = np.empty(len(codes), dtype=np.int64)
        over_rows = over_rows[
            : kernels.rows_over(codes, given_mask, performing_all, total, publisher_total, common, over_rows)
        ].copy()
        del performing_all
        given = frame[over_rows].with_columns(
            pl.Series("total", total[codes[over_rows]]),
            pl.Series("publisher", publisher_total[codes[over_rows]]),
            pl.Series("_code", codes[over_rows]),
        )
        totals = given.group_by("_code").agg(
            pl.col("total").first(),
            pl.col("publisher").first(),
            pl.col(LINE).min().alias(LINE),
            pl.col("work_id").first(),
            pl.col("right").first(),
        )
    else:
        given_rows = np.flatnonzero(given_mask)
        scaled_frame = frame[given_rows].with_columns(
            (pl.col("share_num").cast(pl.Int128) * (common // pl.col("share_den"))).alias("s"),
            pl.Series("_code", codes[given_rows]),
        )
        scaled_frame = scaled_frame.with_columns(
            pl.when(pl.col("role") == "publisher").then(pl.col("s")).otherwise(0).cast(pl.Int128).alias("s_publisher")
        )
        totals = scaled_frame.group_by("_code").agg(
            pl.col("s").sum().alias("total"),
            pl.col("s_publisher").sum().alias("publisher"),
            pl.col(LINE).min().alias(LINE),
            pl.col("work_id").first(),
            pl.col("right").first(),
        )
    for line, work_id, right, total, publisher in (
        totals.filter(
            (pl.col("total") > common) | ((pl.col("right") == "performing") & (pl.col("publisher") * 2 > common))
        )
        .select(LINE, "work_id", "right", "total", "publisher")
        .sort(LINE)
        .iter_rows()
    ):
        if total > common:
            value = Fraction(int(total), common)
            problems.add(
                file,
                int(line),
                "share",
                f"{right} shares of work '{work_id}' add up to {value.numerator}/{value.denominator}, above 1",
            )
        else:
            value = Fraction(int(publisher), common)
            problems.add(
                file,
                int(line),
                "share",
                f"publishers of work '{work_id}' hold {value.numerator}/{value.denominator} of the performing "
                "right, above 6/12",
            )


def _usage_csv(
    folder: Path, problems: Problems, station_ids: pl.Series | None, methods: list[str] | None
) -> pl.DataFrame | None:
    file = USAGE_FILE
    frame = _empty_as_null(
        read_table(
            folder,
            file,
            ["line_id", "station_id", "work_id", "outcome", "duration_s", "method", "recorded", "sampling_rate"],
            [],
            problems,
        )
    )
    if frame is None:
        return None
    require(problems, file, frame, ["line_id", "station_id", "outcome"])
    duplicates(problems, file, frame, "line_id")
    if station_ids is not None:
        unknown_reference(problems, file, frame, "station_id", station_ids, "station")
    outcome = choices(problems, file, frame, "outcome", OUTCOMES, "outcome")
    taking_part = outcome.is_in(["managed", "unidentified"])
    problems.check(
        file, "work_id", frame, (outcome == "managed") & pl.col("work_id").is_null(), "a managed line needs its work_id"
    )
    problems.check(
        file,
        "work_id",
        frame,
        (outcome == "unidentified") & pl.col("work_id").is_not_null(),
        "an unidentified line has no work_id",
    )
    problems.check(file, "duration_s", frame, taking_part & pl.col("duration_s").is_null(), "missing value")
    problems.check(file, "method", frame, taking_part & pl.col("method").is_null(), "missing value")
    method = (
        choices(problems, file, frame, "method", methods, "usage method") if methods is not None else pl.col("method")
    )
    numerator, denominator = ratios(problems, file, frame, "sampling_rate")
    typed = (
        frame.lazy()
        .select(
            pl.col(LINE),
            pl.col("line_id"),
            pl.col("station_id"),
            pl.col("work_id"),
            outcome.alias("outcome"),
            whole_numbers(problems, file, frame, "duration_s").alias("duration_s"),
            method.alias("method"),
            flags(problems, file, frame, "recorded").alias("recorded"),
            pl.when(pl.col("sampling_rate").is_null()).then(1).otherwise(numerator).alias("sampling_num"),
            pl.when(pl.col("sampling_rate").is_null()).then(1).otherwise(denominator).alias("sampling_den"),
        )
        .collect()
    )
    problems.flush()
    problems.check(file, "sampling_rate", typed, pl.col("sampling_num") == 0, "a sampling rate of zero")
    problems.check(
        file, "sampling_rate", typed, pl.col("sampling_num") > pl.col("sampling_den"), "a sampling rate above 1"
    )
    problems.flush()
    return reduce_ratio(
        typed.with_columns(pl.col("sampling_num").fill_null(1), pl.col("sampling_den").fill_null(1)),
        "sampling_num",
        "sampling_den",
    )


def usage_parquet_source(folder: Path) -> Path | None:
    """``usage.parquet``, or a folder ``usage/`` of Parquet files (any partitioning), if present."""
    single = folder / "usage.parquet"
    if single.is_file():
        return single
    directory = folder / "usage"
    if directory.is_dir() and any(directory.rglob("*.parquet")):
        return directory
    return None


def _text_or_dictionary(lazy: pl.LazyFrame, column: str) -> pl.Expr:
    """A text column as text; a dictionary-encoded one (Categorical, Enum) kept as it is (compared as text)."""
    dtype = lazy.collect_schema()[column]
    if isinstance(dtype, pl.Categorical | pl.Enum):
        return pl.col(column)
    return pl.col(column).cast(pl.String)


def _usage_pattern(source: Path) -> str:
    return str(source / "**" / "*.parquet") if source.is_dir() else str(source)


def _distinct_names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value) and len(set(value)) == len(value)


def usage_parquet_files(source: Path) -> list[Path]:
    """The files of a Parquet usage folder in the order Polars reads them (by the path as text)."""
    return sorted(source.rglob("*.parquet"), key=lambda path: path.as_posix()) if source.is_dir() else [source]


def usage_code_names(source: Path, problems: Problems) -> dict[str, list[str]] | None:
    """The names of the Parquet usage lines' integer codes: for each of ``outcome`` and ``method``
    stored as an integer, its list in the files' key-value metadata (``CODES_KEY``), which every
    file must give alike. ``{}`` when neither is an integer; ``None``, with a problem naming the
    file, when a file names no codes or names them otherwise than the first."""
    schema = pl.scan_parquet(_usage_pattern(source), hive_partitioning=source.is_dir()).collect_schema()
    coded = [column for column in CODED_COLUMNS if column in schema and schema[column].is_integer()]
    if not coded:
        return {}
    first: tuple[str, dict[str, list[str]]] | None = None
    for path in usage_parquet_files(source):
        where = path.relative_to(source.parent).as_posix()
        given = codes_named_in(path)
        if given is None or not all(_distinct_names(given.get(column)) for column in coded):
            problems.add(
                where,
                0,
                coded[0],
                f"integer codes without their names (key-value metadata {CODES_KEY}: "
                f"a JSON list of distinct names for each of {', '.join(coded)})",
            )
            return None
        names = {column: given[column] for column in coded}
        if first is None:
            first = (where, names)
        elif names != first[1]:
            problems.add(where, 0, CODES_KEY, f"the codes are named otherwise than in {first[0]}")
            return None
    return first[1] if first is not None else {}


def _named_codes(column: str, names: Sequence[str], dtype: type[pl.DataType] = pl.Categorical) -> pl.Expr:
    """An integer-coded column as its names (by default dictionary-encoded, as a Categorical column
    is read): a code outside the list is an empty cell, which the checks report as an unknown value."""
    code = pl.col(column)
    table = pl.Series(column, list(names), dtype=dtype)
    return pl.lit(table).gather(pl.when(code.is_between(0, len(names) - 1)).then(code)).alias(column)


def _integer_column(lazy: pl.LazyFrame, name: str) -> pl.Expr:
    """A column of whole numbers in the engine's types: stored as 32 or 64-bit integers, as it is
    (a cast of a hundred million values to 64 bits costs a second of work and 800 MB of fresh
    memory); else cast to Int64."""
    return pl.col(name) if lazy.collect_schema()[name] in (pl.Int32, pl.Int64) else pl.col(name).cast(pl.Int64)


def scan_usage_parquet(source: Path, code_names: dict[str, list[str]] | None = None) -> pl.LazyFrame:
    """The Parquet usage lines as the engine's typed columns (lazily: nothing is read yet);
    ``code_names`` (:func:`usage_code_names`) names the integer-coded columns."""
    codes = code_names or {}
    lazy = pl.scan_parquet(_usage_pattern(source), hive_partitioning=source.is_dir())
    names = lazy.collect_schema().names()
    # Identifiers keep their stored type (often integers): the engine groups on them as they are
    # and turns them into text only after the reduction.
    columns = [
        pl.col("line_id"),
        pl.col("station_id"),
        pl.col("work_id"),
        _named_codes("outcome", codes["outcome"]) if "outcome" in codes else _text_or_dictionary(lazy, "outcome"),
        _integer_column(lazy, "duration_s"),
        _named_codes("method", codes["method"]) if "method" in codes else _text_or_dictionary(lazy, "method"),
    ]
    recorded = pl.col("recorded")
    if lazy.collect_schema()["recorded"] == pl.Boolean:
        columns.append(recorded.fill_null(False))
    else:
        columns.append(
            (recorded.cast(pl.String).str.to_lowercase().is_in(["yes", "true", "y", "1"]))
            .fill_null(False)
            .alias("recorded")
        )
    if "sampling_num" in names:
        columns += [
            _integer_column(lazy, "sampling_num").fill_null(1),
            _integer_column(lazy, "sampling_den").fill_null(1),
        ]
    elif "sampling_rate" in names:
        # The contract's text form (``1/4``, ``0.25``, empty for a full report), parsed exactly;
        # anything else becomes null and is reported as a bad sampling rate.
        text = pl.col("sampling_rate").cast(pl.String).str.strip_chars()
        parts = text.str.extract_groups(r"^(\d{1,18})(?:/(\d{1,18})|\.(\d{1,18}))?$")
        whole, den, frac = parts.struct.field("1"), parts.struct.field("2"), parts.struct.field("3")
        empty = text.is_null() | (text == "")
        numerator = (
            pl.when(empty)
            .then(pl.lit(1, pl.Int64))
            .when(den.is_not_null())
            .then(whole.cast(pl.Int64, strict=False))
            .when(frac.is_not_null())
            .then((whole + frac).cast(pl.Int64, strict=False))
            .otherwise(whole.cast(pl.Int64, strict=False))
        )
        denominator = (
            pl.when(empty)
            .then(pl.lit(1, pl.Int64))
            .when(den.is_not_null())
            .then(den.cast(pl.Int64, strict=False))
            .when(frac.is_not_null())
            .then(
                frac.str.len_chars().replace_strict({n: 10**n for n in range(19)}, default=None, return_dtype=pl.Int64)
            )
            .when(whole.is_not_null())
            .then(pl.lit(1, pl.Int64))
            .otherwise(None)
        )
        columns += [numerator.alias("sampling_num"), denominator.alias("sampling_den")]
    else:
        columns += [pl.lit(1, pl.Int64).alias("sampling_num"), pl.lit(1, pl.Int64).alias("sampling_den")]
    return lazy.select(columns)


def usage_parquet_checks(
    usage: pl.LazyFrame, station_ids: pl.Series | None, methods: list[str] | None
) -> list[UsageCheck]:
    """The checks of Parquet usage lines, as expressions over the typed columns of :func:`scan_usage_parquet`."""
    outcome = pl.col("outcome")
    taking_part = outcome.is_in(["managed", "unidentified"])
    checks: list[UsageCheck] = [
        ("outcome", ~outcome.is_in(list(OUTCOMES)) | outcome.is_null(), "unknown outcome"),
        ("work_id", (outcome == "managed") & pl.col("work_id").is_null(), "a managed line needs its work_id"),
        (
            "duration_s",
            taking_part & ((pl.col("duration_s") < 0) | pl.col("duration_s").is_null()),
            "no valid duration",
        ),
        (
            "sampling_rate",
            pl.col("sampling_num").is_null()
            | pl.col("sampling_den").is_null()
            | (pl.col("sampling_den") <= 0)
            | (pl.col("sampling_num") <= 0)
            | (pl.col("sampling_num") > pl.col("sampling_den")),
            "bad sampling rate",
        ),
        ("line_id", pl.col("line_id").is_null(), "missing value"),
    ]
    if methods is not None:
        checks.append(
            ("method", taking_part & ~pl.col("method").is_in(methods).fill_null(False), "unknown usage method")
        )
    if station_ids is not None:
        dtype = usage.collect_schema()["station_id"]
        known = station_ids.cast(dtype, strict=False).drop_nulls()
        checks.append(("station_id", ~pl.col("station_id").is_in(known.implode()).fill_null(False), "unknown station"))
    return [(column, bad.fill_null(False), message) for column, bad, message in checks]


def locate_usage_problems(
    usage: pl.LazyFrame, name: str, checks: list[UsageCheck], counts: Sequence[int], problems: Problems
) -> None:
    """Rows of the checks whose count of bad rows is not zero (a second scan, only when something is wrong)."""
    for (column, bad, message), count in zip(checks, counts, strict=True):
        if count:
            rows = usage.with_row_index("row", offset=1).filter(bad).select("row").head(1000).collect()
            for (row,) in rows.iter_rows():
                problems.add(f"{name}:row", int(row), column, message)


def _usage_parquet_problems(usage: pl.LazyFrame, name: str, problems: Problems, checks: list[UsageCheck]) -> None:
    """Checks of Parquet usage lines, one streaming pass; rows located only when something is wrong."""
    counts = usage.select([bad.sum().alias(f"c{i}") for i, (_, bad, _) in enumerate(checks)]).collect(
        engine="streaming"
    )
    locate_usage_problems(usage, name, checks, counts.row(0), problems)


def check_pending_usage(frames: BroadcastFrames) -> None:
    """Run the deferred checks of Parquet usage lines (a scan of their own); raise :class:`InputError`."""
    pending = frames.pending_usage_checks
    if pending is None:
        return
    problems = Problems()
    _usage_parquet_problems(frames.usage, pending.name, problems, pending.checks)
    problems.add_all(frames.share_row_problems())
    problems.raise_if_any()
    frames.pending_usage_checks = None


def _checked_engine_rows(
    folder: Path, party_ids: pl.Series | None, quarter: Quarter | None, largest_freed: threading.Event
) -> tuple[EngineShareRows | None, list[Problem]]:
    """The share rows validated and read into the engine's slim copy, or their problems;
    ``largest_freed`` is set once the rows as read are freed (or on the way out)."""
    try:
        problems = Problems()
        rights = _rights(folder, problems, party_ids, quarter, slim=True, largest_freed=largest_freed.set)
        found = problems.all()
        if found or rights is None or quarter is None:
            return None, found  # (without a quarter, the period file's problems are raised)
        return engine_share_rows(rights), []
    finally:
        largest_freed.set()


def read_input(
    folder: Path,
    rules_for: Any,
    *,
    defer_usage_checks: bool = False,
    engine_rows_only: bool = False,
    share_rows_meanwhile: bool = False,
) -> tuple[BroadcastFrames, BroadcastRuleSet]:
    """Read and validate a whole input folder. ``rules_for(date)`` picks the rule set by reference date.

    With ``defer_usage_checks`` the checks of Parquet usage lines are left to the engine's single
    pass over them (``frames.pending_usage_checks``) when everything else is valid; with problems
    elsewhere they run here, so that every problem is reported at once. With ``engine_rows_only``
    the share rows are kept only as the columnar engine's slim copy (:meth:`BroadcastFrames.take_engine_rows`):
    they are validated just as well, but never held with every column (``frames.rights`` reads
    them again if asked). With ``share_rows_meanwhile`` as well, the share rows are read and
    validated on a thread of their own while the caller goes on (the engine reads the usage lines
    meanwhile): their problems are raised with the usage lines' (:meth:`BroadcastFrames.share_row_problems`)
    or when the engine takes them (:meth:`BroadcastFrames.take_engine_rows`), and here with those of
    the other files when these have any."""
    problems = Problems()
    if not folder.is_dir():
        problems.add(str(folder.name or folder), 0, "*", "input folder does not exist")
        problems.raise_if_any()
    quarter, rules = read_period(folder, problems, rules_for)
    parties = _parties(folder, problems)
    groups = [g.group_id for g in quarter.groups] if quarter is not None else None
    stations = _stations(folder, problems, groups)
    party_ids = parties["party_id"] if parties is not None else None
    share_rows_freed = threading.Event()
    reading: Future[tuple[EngineShareRows | None, list[Problem]]] | None = None
    rights: pl.DataFrame | None = None
    if share_rows_meanwhile and engine_rows_only:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="share-rows")
        reading = pool.submit(_checked_engine_rows, folder, party_ids, quarter, share_rows_freed)
        pool.shutdown(wait=False)
    else:
        rights = _rights(folder, problems, party_ids, quarter, slim=engine_rows_only)
    methods = sorted(quarter.method_points) if quarter is not None else None
    station_ids = stations["station_id"] if stations is not None else None
    parquet = usage_parquet_source(folder)
    usage: pl.LazyFrame | None
    usage_files: tuple[pl.LazyFrame, ...] = ()
    pending: PendingUsageChecks | None = None
    if parquet is not None and not (folder / USAGE_FILE).is_file():
        code_names = usage_code_names(parquet, problems)
        usage = scan_usage_parquet(parquet, code_names) if code_names is not None else None
        if usage is not None:
            files = usage_parquet_files(parquet)
            if len(files) > 1:
                usage_files = tuple(scan_usage_parquet(path, code_names) for path in files)
            checks = usage_parquet_checks(usage, station_ids, methods)
            if defer_usage_checks and not problems:
                pending = PendingUsageChecks(parquet.name, checks)
            else:
                _usage_parquet_problems(usage, parquet.name, problems, checks)
        source = parquet.name
    else:
        frame = _usage_csv(folder, problems, station_ids, methods)
        usage = frame.drop(LINE).lazy() if frame is not None else None
        source = USAGE_FILE
    if reading is not None and problems:
        # Every problem at once: the share rows' too (the usage lines' were checked above).
        problems.add_all(reading.result()[1])
    problems.raise_if_any()
    assert quarter is not None and rules is not None and parties is not None and stations is not None
    assert (rights is not None or reading is not None) and usage is not None
    notes = []
    if rules.example:
        notes.append(f"rule set {rules.label} contains example values (not the society's published figures)")
    month = quarter.distribution_date.month
    if month not in rules.distribution_months:
        notes.append(f"distribution date {quarter.distribution_date.isoformat()} is not in a distribution month")
    if engine_rows_only:
        slim = engine_share_rows(rights) if rights is not None else None
        del rights
        return BroadcastFrames(
            quarter,
            parties,
            stations,
            None,
            usage,
            source,
            notes,
            pending,
            folder,
            _engine_rows=slim,
            _engine_rows_reading=reading,
            _share_rows_freed=share_rows_freed if reading is not None else None,
            usage_files=usage_files,
        ), rules
    assert rights is not None
    frames = BroadcastFrames(
        quarter, parties, stations, rights, usage, source, notes, pending, folder, usage_files=usage_files
    )
    return frames, rules


def read_holders(
    folder: Path, problems: Problems, quarter: Quarter
) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    """``parties`` and ``rights`` of a folder, validated as in a quarter's input (rows counted on the
    quarter's reference date). Used by the release of held money, whose folder has no usage."""
    parties = _parties(folder, problems)
    rights = _rights(folder, problems, parties["party_id"] if parties is not None else None, quarter)
    return parties, rights


def read_input_table(
    folder: Path, stem: str, required: list[str], optional: list[str], problems: Problems
) -> pl.DataFrame | None:
    """``stem.csv`` of an input folder, or ``stem.parquet`` when only that is present, as text columns
    with their line (row) numbers: for the commands that follow a run (statements, trace)."""
    return _read(folder, _source(folder, stem), required, optional, problems)
