"""The broadcast quarter at scale: one streaming pass over the usage lines, exact integer arithmetic.

Every factor of a line's points is an integer over a denominator common to the quarter (time
points over D_t, method points over D_m, station points over D_s; the sampling rate's inverse
den/num is kept as a numerator grouped by num), so the usage lines are reduced in one streaming
group-by to one Int128 per (fund group, work, recorded, sampling numerator). Shares are integers
over their common denominator S; the default share table is resolved once per distinct set of roles.
Amounts are ``floor(F × raw × share / PT)`` in Int128, where PT is the fund's total points over
the same denominators: every figure is exactly the one :mod:`bunpai.core.broadcast.reference`
gives row by row.

Keys are integers from the start (ranks of the work, party and payee ids in text order, codes of
the fund group and right); texts are gathered only for the output. The statement lines — the
largest table, about two thirds of the share rows per fund group using the work — are never held
whole: they are expanded a range of parties at a time from the holders' (party, work) pairs over
the work's usage entries, which gives them in statement order without a join or a sort, once to
take the totals and once more, chunk by chunk, when they are written.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import mmap
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
import polars as pl

from bunpai.core.broadcast.model import (
    HELD_UNDETERMINED,
    HELD_UNIDENTIFIED,
    OUTCOMES,
    RIGHTS,
    Party,
    RightRow,
    Station,
    UsageLine,
)
from bunpai.core.broadcast.outcome import FundResult, Outcome, build_summary, split_group
from bunpai.core.broadcast.reference import QuarterInput
from bunpai.core.broadcast.shares import default_shares
from bunpai.core.money import format_ratio
from bunpai.core.rules import PrcRuleSet
from bunpai.formats.broadcast_input import (
    PARTY_KEY,
    RIGHT_KEY,
    WORK_KEY,
    BroadcastFrames,
    check_pending_usage,
    locate_usage_problems,
)
from bunpai.formats.tables import Problems, narrowest, ratio_texts

_INT64_LIMIT = 2**63 - 1
_INT128_SAFE = 2**125
Progress = Callable[[str], None]

STATEMENT_SCHEMA = {
    "party_id": pl.String,
    "payee_id": pl.String,
    "work_id": pl.String,
    "fund_group": pl.String,
    "right": pl.String,
    "points": pl.String,
    "gross_yen": pl.Int64,
    "share": pl.String,
}
PAYEE_SCHEMA = {
    "payee_id": pl.String,
    "gross_yen": pl.Int64,
    "fee_yen": pl.Int64,
    "net_yen": pl.Int64,
    "pay_date": pl.String,
    "foreign_society": pl.String,
}
HELD_SCHEMA = {
    "kind": pl.String,
    "key": pl.String,
    "fund_group": pl.String,
    "right": pl.String,
    "gross_yen": pl.Int64,
    "points": pl.String,
    "share": pl.String,
    "station_id": pl.String,
}
WORK_POINTS_SCHEMA = {"work_id": pl.String, "fund_group": pl.String, "right": pl.String, "points": pl.String}


COLUMNAR_STATEMENT_SCHEMA: dict[str, Any] = {
    "party_id": pl.String,
    "payee_id": pl.String,
    "work_id": pl.String,
    "fund_group": pl.String,
    "right": pl.String,
    "points_num": pl.Int64,
    "points_den": pl.Int64,
    "gross_yen": pl.Int64,
    "share_num": pl.Int64,
    "share_den": pl.Int64,
}
"""The statement lines in the compact layout (``--tables parquet``): ids in their stored types,
fund group and right dictionary-encoded, points and share as integer pairs (not reduced)."""
COLUMNAR_WORK_POINTS_SCHEMA: dict[str, Any] = {
    "work_id": pl.String,
    "fund_group": pl.String,
    "right": pl.String,
    "points_num": pl.Int64,
    "points_den": pl.Int64,
}


class FastPathUnavailable(Exception):
    """Values too large for 128-bit reductions: the caller falls back to the row-by-row path."""


class ChunkedTable:
    """An output table in its final order, produced chunk by chunk when iterated (each iteration
    makes it anew from the engine's integer tables; ``collect()`` gives one frame). ``height`` may
    be given as a function, called when it is first asked for."""

    def __init__(
        self,
        height: int | Callable[[], int],
        make: Callable[[], Iterator[pl.DataFrame]],
        schema: dict[str, Any] | None = None,
    ) -> None:
        self._height = height
        self._make = make
        self._schema = schema or STATEMENT_SCHEMA

    @property
    def height(self) -> int:
        if callable(self._height):
            self._height = self._height()
        return self._height

    @classmethod
    def of(cls, frame: pl.DataFrame) -> ChunkedTable:
        return cls(frame.height, lambda: iter([frame]), dict(frame.schema))

    def __iter__(self) -> Iterator[pl.DataFrame]:
        produced = False
        for chunk in self._make():
            produced = True
            yield chunk
        if not produced:
            yield pl.DataFrame(schema=self._schema)

    def collect(self) -> pl.DataFrame:
        return pl.concat(list(self))

    @property
    def columns(self) -> list[str]:
        return list(self._schema)

    def rows(self) -> list[tuple[Any, ...]]:
        return self.collect().rows()


class _LineTotals:
    """Sums of floored statement lines per fund (group × 2 + right) and per (payee, group), exact
    in int64 (a sum of floored parts of a fund is at most the fund)."""

    def __init__(self, n_groups: int, n_payees: int) -> None:
        self.fund_gross = np.zeros(n_groups * 2, dtype=np.int64)
        self.fund_lines = np.zeros(n_groups * 2, dtype=np.int64)
        self.payee_gross = np.zeros(n_payees * n_groups, dtype=np.int64)
        self.payee_lines = np.zeros(n_payees * n_groups, dtype=np.int64)
        self.lines = 0
        self.complete = False

    def add(self, fund: np.ndarray, payee_cell: np.ndarray, gross: np.ndarray) -> None:
        gross = gross.astype(np.int64, copy=False)
        funds = len(self.fund_gross)
        self.fund_lines += np.bincount(fund, minlength=funds)
        if len(gross) and int(gross.max()) * len(gross) < _FLOAT_EXACT:
            # A few cells: float64 sums are exact below 2⁵³.
            self.fund_gross += np.bincount(fund, weights=gross, minlength=funds).astype(np.int64)
        else:
            np.add.at(self.fund_gross, fund, gross)
        np.add.at(self.payee_gross, payee_cell, gross)
        np.add.at(self.payee_lines, payee_cell, 1)
        self.lines += len(gross)

    def take(self, other: _LineTotals) -> None:
        """Keep the totals of one complete pass (a later pass gives the same and is not added)."""
        if self.complete:
            return
        for name in ("fund_gross", "fund_lines", "payee_gross", "payee_lines", "lines"):
            setattr(self, name, getattr(other, name))
        self.complete = True


StatementLines = ChunkedTable
"""The statement lines: the largest table, never held whole."""


def _party_cuts(parties: pl.Series, chunk_rows: int) -> list[tuple[int, int]]:
    """Row ranges of a frame sorted by party, each about ``chunk_rows`` rows, never splitting a party."""
    n = parties.len()
    if n == 0:
        return []
    values = parties.to_numpy()
    cuts = [0]
    while cuts[-1] < n:
        target = cuts[-1] + max(chunk_rows, 1)
        if target >= n:
            cuts.append(n)
        else:
            cut = int(np.searchsorted(values, values[target], side="left"))
            cuts.append(cut if cut > cuts[-1] else int(np.searchsorted(values, values[target], side="right")))
    return list(itertools.pairwise(cuts))


@dataclass
class ColumnarTables:
    """The two largest tables in the compact layout, chunk by chunk."""

    statement_lines: ChunkedTable
    work_points: ChunkedTable


class EngineResult:
    """The tables of a distributed quarter. ``summary`` and ``payees`` need the totals of the
    statement lines: given at once (the row-by-row path), or made when first asked for — after the
    statement lines have been written, from the totals taken on the way, else by a pass of their
    own (:meth:`deferred`)."""

    def __init__(
        self,
        summary: dict[str, object] | None,
        statement_lines: StatementLines,
        payees: pl.DataFrame | None,
        held: pl.DataFrame | Future[pl.DataFrame],
        work_points: ChunkedTable,
        finish: Callable[[], tuple[dict[str, object], pl.DataFrame]] | None = None,
    ) -> None:
        self._summary = summary
        self._payees = payees
        self._finish = finish
        self.statement_lines = statement_lines
        self._held = held
        self.work_points = work_points
        self.columnar: ColumnarTables | None = None
        """The statement lines and work points in the compact layout, where the engine makes them."""

    @classmethod
    def deferred(
        cls,
        finish: Callable[[], tuple[dict[str, object], pl.DataFrame]],
        statement_lines: StatementLines,
        held: pl.DataFrame | Future[pl.DataFrame],
        work_points: ChunkedTable,
    ) -> EngineResult:
        return cls(None, statement_lines, None, held, work_points, finish)

    @property
    def held(self) -> pl.DataFrame:
        """The held lines (made on a thread of their own by the columnar engine: waited for here)."""
        if isinstance(self._held, Future):
            self._held = self._held.result()
        return self._held

    def _made(self) -> None:
        if self._summary is None or self._payees is None:
            assert self._finish is not None
            self._summary, self._payees = self._finish()
            self._finish = None

    @property
    def summary(self) -> dict[str, object]:
        self._made()
        assert self._summary is not None
        return self._summary

    @property
    def payees(self) -> pl.DataFrame:
        self._made()
        assert self._payees is not None
        return self._payees


def _lcm(values: Sequence[int]) -> int:
    result = 1
    for value in values:
        result = math.lcm(result, int(value))
    return result


def _ratio_texts(numerators: pl.Series, denominator: int) -> pl.Series:
    """``n/d`` texts of numerators over one denominator, reduced (NumPy gcd when 64 bits suffice)."""
    if numerators.len() == 0:
        return pl.Series([], dtype=pl.String)
    if numerators.len() > 4096:
        # Few distinct values (a chunk's shares): each written once, then looked up.
        distinct = numerators.unique()
        if distinct.len() * 16 < numerators.len():
            return numerators.replace_strict(distinct, _ratio_texts(distinct, denominator), return_dtype=pl.String)
    top = numerators.max()
    if denominator <= _INT64_LIMIT and top is not None and int(top) <= _INT64_LIMIT:  # type: ignore[arg-type]
        numerators = numerators.cast(pl.Int64)
        return ratio_texts(numerators, pl.repeat(denominator, numerators.len(), dtype=pl.Int64, eager=True))
    return pl.Series([format_ratio(Fraction(int(n), denominator)) for n in numerators.to_list()], dtype=pl.String)


def _time_points_expr(frames: BroadcastFrames, scale: int) -> pl.Expr:
    """Time points of ``duration_s`` × ``scale`` (an integer): bands, per extra period, or per second."""
    tp = frames.quarter.time_points
    duration = pl.col("duration_s").cast(pl.Int64)  # (stored in 32 bits or 64: worked out in 64)
    if tp.per_second_cap is not None:
        return pl.min_horizontal(duration, pl.lit(tp.per_second_cap)).cast(pl.Int64) * scale
    last_bound, last_value = tp.bands[-1]
    if tp.per_extra is not None:
        step, extra = tp.per_extra
        periods = (duration - last_bound + step - 1) // step
        beyond = pl.lit(int(last_value * scale)) + periods * int(extra * scale)
    else:
        beyond = pl.lit(int(last_value * scale))
    expr: pl.Expr | None = None
    for bound, value in tp.bands:
        condition = duration <= bound
        expr = (pl.when(condition) if expr is None else expr.when(condition)).then(pl.lit(int(value * scale)))  # type: ignore[union-attr]
    assert expr is not None
    return expr.otherwise(beyond).cast(pl.Int64)


def _resolve_default_shares(rights: pl.DataFrame, table: PrcRuleSet) -> pl.DataFrame:
    """Shares of the rows that take the default table, resolved once per distinct set of roles."""
    defaults = (
        rights.filter(pl.col("default_shares"))
        .with_columns(pl.col("role", "right").cast(pl.String))
        .sort("work_id", "right", "role", "party_id", nulls_last=True)
    )
    if defaults.height == 0:
        return rights
    keyed = defaults.with_columns(
        pl.col("role").str.join(",").over("work_id", "right").alias("shape"),
        pl.int_range(pl.len()).over("work_id", "right").alias("position"),
    )
    resolved = []
    for shape in keyed["shape"].unique().sort().to_list():
        roles = shape.split(",")
        for position, share in enumerate(default_shares(roles, table)):
            resolved.append((shape, position, share.numerator, share.denominator))
    table_frame = pl.DataFrame(
        resolved, schema={"shape": pl.String, "position": pl.Int64, "d_num": pl.Int64, "d_den": pl.Int64}, orient="row"
    )
    keyed = keyed.with_columns(pl.col("position").cast(pl.Int64)).join(
        table_frame, on=["shape", "position"], how="left"
    )
    keyed = keyed.with_columns(pl.col("d_num").alias("share_num"), pl.col("d_den").alias("share_den")).drop(
        "shape", "position", "d_num", "d_den"
    )
    keyed = keyed.with_columns(pl.col(c).cast(rights.schema[c]) for c in ("role", "right"))
    # The given shares may be in a narrower type than the table's: both as Int64.
    wide = [pl.col("share_num", "share_den").cast(pl.Int64)]
    return pl.concat(
        [rights.filter(~pl.col("default_shares")).with_columns(wide), keyed.select(rights.columns).with_columns(wide)]
    )


def _kernels() -> Any:
    """The compiled loops, imported at their first use: the compiler and its code (some 150 MB)
    are not loaded while the input is read and checked, the run's other large step."""
    from bunpai.engine import kernels

    return kernels


CHUNK_ROWS = 500_000
"""(Party, work) pairs per chunk of statement lines."""
BATCH_ROWS = 1_000_000
"""Usage lines per batch of the one-pass reduction (each takes about 100 bytes a line in NumPy arrays)."""
_SMALL_DENOMINATORS = 1 << 24
"""Share denominators below this are found by a count of each value (else by a sort)."""
_TEXT_ORDER_LIMIT = 10**18
"""Integer work ids from 0 to below this are put in the order of their texts without making them."""
_ENTRY_SUMS_LIMIT = _INT64_LIMIT
"""The bound under which the entries' fund totals are summed in int64 by one compiled pass."""
_DENSE_BINS_LIMIT = 1 << 26
"""At most this many (work, group) cells in the dense arrays of the one-pass reduction."""
_FLOAT_EXACT = 1 << 53


def distribute_frames(
    frames: BroadcastFrames,
    table: PrcRuleSet,
    ruleset_label: str = "",
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    batch_rows: int = BATCH_ROWS,
) -> EngineResult:
    say = progress or (lambda _message: None)
    quarter = frames.quarter

    # Integer factors of a line's points over common denominators.
    say("points / 点数")
    d_t = _lcm(quarter.time_points.denominators())
    d_m = _lcm([v.denominator for v in quarter.method_points.values()])
    stations = frames.stations
    d_s = _lcm(stations["st_den"].unique().to_list()) if stations.height else 1
    stations = stations.select(
        "station_id", "fund_group", (pl.col("st_num") * (d_s // pl.col("st_den"))).cast(pl.Int64).alias("s_int")
    )
    methods = {name: int(value * d_m) for name, value in quarter.method_points.items()}
    if d_s > _INT64_LIMIT or d_m > _INT64_LIMIT or d_t > _INT64_LIMIT:
        raise FastPathUnavailable("point denominators too large")

    station_type = frames.usage.collect_schema()["station_id"]
    stations = stations.with_columns(pl.col("station_id").cast(station_type, strict=False))
    top_m = max(methods.values(), default=0)
    top_s = int(stations["s_int"].max() or 0)  # type: ignore[arg-type]
    group_ids = sorted({g.group_id for g in frames.quarter.groups})
    stations = stations.with_columns(
        pl.col("fund_group").replace_strict({g: i for i, g in enumerate(group_ids)}, return_dtype=pl.Int32).alias("g")
    )
    work_type = frames.usage.collect_schema()["work_id"]
    n_group_ids = max(len(group_ids), 1)
    reduced = None
    if work_type.is_integer():
        say("usage lines / 利用明細 (one pass)")
        reduced = _reduce_dense(frames, stations, methods, d_t, n_group_ids, top_m, top_s, batch_rows)
    # The one-pass reduction gives its cells in (work id, group) order: the entries are then put
    # in statement order without a join or a sort (below).
    in_work_order = reduced is not None
    if reduced is None:
        check_pending_usage(frames)
        reduced = _reduce_grouped(frames, stations, methods, d_t, n_group_ids, top_m, top_s)
    managed, unidentified, d_r = reduced
    if d_r > _INT64_LIMIT:
        raise FastPathUnavailable("sampling denominators too large")
    d_points = d_t * d_m * d_s * d_r
    # From here every key is an integer: g (fund group), r (right: 0 mechanical, 1 performing, their
    # text order), w (rank of the work id), p (rank of the party id), q (rank of the payee id).
    # Texts are gathered only for the output, so sorting and joining never touch strings twice.
    right_names = sorted(RIGHTS)
    # The entries' points in 64 bits when they fit (always after the one-pass reduction); every
    # product with them is taken in 128 bits.
    top_points = managed.select(pl.max_horizontal(pl.col("performing").max(), pl.col("mechanical").max())).item()
    raw_type = pl.Int64 if top_points is None or int(top_points) <= _INT64_LIMIT else pl.Int128
    entries_made: Future[pl.DataFrame] | None = None
    if in_work_order:
        # The works' ranks now; their entries on a thread of their own while the shares are
        # counted below (a compiled pass that releases the interpreter).
        work_index, make_entries, work_ids = _entries_in_statement_order(managed, work_type, raw_type, right_names)
        entries_made = _on_thread("entries", make_entries)
        del make_entries
        work_keys = work_index.select("work_key", "w")
    else:
        # Ranks by the text of the work id, found once per distinct work and joined on the stored id.
        work_index = (
            managed.select(pl.col("work_id").unique().alias("work_key"))
            .with_columns(pl.col("work_key").cast(pl.String).alias("work_id"))
            .sort("work_id")
            .with_row_index("w")
            .with_columns(pl.col("w").cast(pl.Int64))
        )
        work_ids = _done(work_index["work_id"])
        work_keys = work_index.select("work_key", "w")
        managed = managed.join(work_keys, left_on="work_id", right_on="work_key").drop("work_id")
        usage_w = pl.concat(
            [
                managed.filter((pl.col("n_recorded") > 0) if right == "mechanical" else pl.lit(True)).select(
                    "g",
                    pl.lit(right_names.index(right), pl.Int8).alias("r"),
                    "w",
                    pl.col(right).fill_null(0).cast(raw_type).alias("raw"),
                )
                for right in RIGHTS
            ]
        )
    del managed, reduced

    def unidentified_entries(unidentified: pl.DataFrame) -> pl.DataFrame:
        """The unidentified lines' entries (one per right they take), in the order of the held
        lines: (line id, fund group, right)."""
        unid = unidentified.with_columns(
            pl.col("line_id").cast(pl.String), pl.col("station_id").cast(pl.String), pl.col("p").cast(pl.Int128)
        )
        mechanical = pl.lit(right_names.index("mechanical"), pl.Int8)
        return (
            pl.concat(
                [
                    unid.with_columns(pl.lit(right_names.index("performing"), pl.Int8).alias("r")),
                    unid.filter(pl.col("recorded")).with_columns(mechanical.alias("r")),
                ]
            )
            .select("line_id", "station_id", "g", "r", "p")
            .sort("line_id", "g", "r")
        )

    # Made and sorted on a thread of their own while the shares are counted.
    unid_made = _on_thread("unidentified", unidentified_entries, unidentified)
    del unidentified

    # The parties' tables on a thread of their own while the shares are counted.
    parties_made = _on_thread("parties", _party_tables, frames.parties)

    # Shares of the works used, counted on the reference date, as integers over S.
    say("shares / 分配率")
    # The counted share rows in the engine's few integer columns (the full frame may never have
    # been kept), read as NumPy columns and taken through masks: never copied. The
    # frames hand them over, so that they are freed as soon as the shares are known.
    engine_rows = frames.take_engine_rows()
    all_rights = engine_rows.rows
    # The works' ranks reach the share rows through their dense key (WORK_KEY): one look-up per
    # distinct work — on the integer ids when both tables have them, else on the text — then an
    # array gather per row.
    # Work ranks in 32 bits when twice their number fits (the (work, right) cells are w × 2 + r).
    rank_type = np.int32 if work_keys.height < 1 << 30 else np.int64
    w_of_key = np.full(int(all_rights[WORK_KEY].max() or 0) + 1, -1, dtype=rank_type)  # type: ignore[arg-type]
    shift = engine_rows.key_shift if work_type.is_integer() else None
    if shift is not None:
        # Integer work ids whose key is the id shifted by a constant: the used works' keys are
        # computed, not looked up.
        _kernels().place_ranks(
            work_keys["work_key"].cast(pl.Int64).to_numpy(), shift, work_keys["w"].to_numpy(), w_of_key
        )
    else:
        if "work_id" not in all_rights.columns:
            # Text work ids of the usage lines beside integer ids of the share rows with a shift:
            # the ids of the keys, from the shift.
            all_rights = all_rights.with_columns(
                (pl.col(WORK_KEY).cast(pl.Int64) - (engine_rows.key_shift or 0)).alias("work_id")
            )
        firsts = all_rights.lazy().select(WORK_KEY, "work_id").unique(WORK_KEY).collect()
        if firsts.schema["work_id"].is_integer() and work_type.is_integer():
            work_map = firsts.with_columns(pl.col("work_id").cast(pl.Int64)).join(
                work_keys.with_columns(pl.col("work_key").cast(pl.Int64)), left_on="work_id", right_on="work_key"
            )
        else:
            work_map = firsts.with_columns(pl.col("work_id").cast(pl.String)).join(
                work_keys.select("w", work_ids.result().alias("work_id")), on="work_id"
            )
        w_of_key[work_map[WORK_KEY].to_numpy()] = work_map["w"].to_numpy()
        del firsts, work_map
    # The counted rows of works used, with their work's rank, party (−1: none), right's code
    # (RIGHT_KEY less one: the rights' text order) and share, by one compiled pass. Party ranks in
    # 32 bits when they fit, the right's code in one byte (indexes only: every product with them
    # below is taken in 64 bits).
    kernels = _kernels()
    work_key = _int_array(all_rights[WORK_KEY], 0)
    no_party = frames.parties.height  # no party has this rank (a row without a holder)
    party_key = _int_array(all_rights[PARTY_KEY], no_party)
    n_rows = kernels.count_used_share_rows(work_key, w_of_key)
    # Each kept in the narrowest type that holds it: the row's position in 32 bits when the rows
    # are fewer than 2³¹, the share's parts in the share rows' own (slim) type. (Fresh memory is
    # slow to touch: these arrays are of every used row.)
    share_num_in = all_rights["share_num"].to_numpy()
    share_den_in = all_rights["share_den"].to_numpy()
    rows = np.empty(n_rows, dtype=np.int32 if len(work_key) < 1 << 31 else np.int64)
    r_w = np.empty(n_rows, dtype=rank_type)
    r_p = np.empty(n_rows, dtype=np.int32 if frames.parties.height < 1 << 31 else np.int64)
    r_r = np.empty(n_rows, dtype=np.int8)
    share_num = np.empty(n_rows, dtype=share_num_in.dtype)
    share_den = np.empty(n_rows, dtype=share_den_in.dtype)
    kernels.used_share_rows(
        work_key,
        w_of_key,
        party_key,
        no_party,
        all_rights[RIGHT_KEY].to_numpy(),
        share_num_in,
        share_den_in,
        rows,
        r_w,
        r_p,
        r_r,
        share_num,
        share_den,
    )
    del work_key, party_key, w_of_key, share_num_in, share_den_in
    # The used rows taking the default table (looked for only when some share row takes it).
    defaults = all_rights["default_shares"].to_numpy()[rows] if all_rights["default_shares"].any() else None
    if defaults is not None and defaults.any():
        # The default table's shares may not fit the slim type: the parts in 64 bits.
        share_num, share_den = share_num.astype(np.int64), share_den.astype(np.int64)
        at = np.flatnonzero(defaults)
        # The default rows' place among engine_rows.defaults (the same rows, in the same order).
        default_rank = np.cumsum(all_rights["default_shares"].to_numpy()) - 1
        subset = engine_rows.defaults[default_rank[rows[at]]].with_columns(pl.Series("_at", at))
        resolved = _resolve_default_shares(subset, table)
        share_num[resolved["_at"].to_numpy()] = resolved["share_num"].to_numpy()
        share_den[resolved["_at"].to_numpy()] = resolved["share_den"].to_numpy()
        del subset, resolved, at, default_rank
    # S: the least common multiple of the denominators, found among their distinct values (a
    # count of each when they are small, as they are); each row's share over S by a look-up of
    # S / d per distinct d.
    top_den = int(share_den.max()) if n_rows else 0
    small = top_den < _SMALL_DENOMINATORS and (n_rows == 0 or int(share_den.min()) > 0)
    if small:
        present = np.zeros(top_den + 1, dtype=np.bool_)
        _kernels().values_present(share_den, present)
        distinct = np.flatnonzero(present)
        del present
    else:
        distinct = np.unique(share_den)
    d_share = _lcm(distinct.tolist()) if n_rows else 1
    if d_share > 2**40:
        raise FastPathUnavailable("share denominators too large")
    party_tables = parties_made.result()
    payee_ids, party_ids, payee_of_party, paid_of_party = (
        party_tables.payee_ids,
        party_tables.party_ids,
        party_tables.payee_of_party,
        party_tables.paid_of_party,
    )
    del all_rights, engine_rows
    if small:
        over_s = np.zeros(top_den + 1, dtype=np.int64)
        over_s[distinct] = d_share // distinct
        # One fresh array of every row, not two (S / d gathered into it, then multiplied in place).
        r_s = np.take(over_s, share_den)
        np.multiply(r_s, share_num, out=r_s)
        del over_s
    else:
        r_s = share_num.astype(np.int64) * (d_share // share_den.astype(np.int64))
    del rows, share_num, share_den, defaults, distinct
    # Per (work, right) — one cell of dense arrays each, w × 2 + r — the shares of all rows,
    # of non-members and of rows without a holder (exact int64 sums: at most 1 per cell, over S),
    # and the rows of the holders paid here (a paid party, a positive share): one compiled pass.
    n_works = max(work_keys.height, 1)
    total = np.zeros(n_works * 2, dtype=np.int64)
    nonmember = np.zeros(n_works * 2, dtype=np.int64)
    no_holder = np.zeros(n_works * 2, dtype=np.int64)
    paid_rows = np.zeros(len(r_s), dtype=bool)
    _kernels().share_sums(r_w, r_r, r_s, r_p, paid_of_party, total, nonmember, no_holder, paid_rows)
    # In place: the non-members' sums become the basic shares, the totals the undetermined ones.
    has_undetermined = np.empty(n_works * 2, dtype=np.bool_)
    low_basic, top_basic = _kernels().share_balances(total, nonmember, no_holder, d_share, has_undetermined)
    basic, undetermined = nonmember, total
    del total, nonmember, no_holder
    # The holders' shares per (party, work, right), in that order (the statement order): one
    # integer key sorted, the rows of a party holding several roles of a right added up.
    n_parties = max(party_ids.len(), 1)
    if n_parties * n_works * 2 >= _INT64_LIMIT:
        raise FastPathUnavailable("too many parties × works for one 64-bit key")
    # In (party, work, right) order — the statement order — by a compiled radix sort on the
    # small keys (one pass when the rows are in (work, right) order, as they come).
    n_paid = int(np.count_nonzero(paid_rows))
    # Written at scattered places (each party's next slot): on huge pages.
    holder_key = _scattered(n_paid, np.int64)
    holder_s = _scattered(n_paid, np.int64)
    # On a thread of its own (compiled passes that release the interpreter) while the fund
    # totals and the held lines are made; its rows are freed when it ends.
    holders_ordered = _on_thread(
        "holders", holders_in_order, r_p, r_w, r_r, r_s, paid_rows, n_parties, n_works, holder_key, holder_s
    )
    del r_w, r_r, r_s, r_p, paid_rows
    # (The rows of a party holding several roles of a right are added up when the (party, work)
    # pairs are made from these keys, below.)

    # Fund totals: PT = Σ raw × basic + S × Σ unidentified points (over D × S).
    say("allocation / 分配計算")
    if entries_made is not None:
        usage_w = entries_made.result()
        del entries_made
    # The entries' basic points and undetermined shares are gathered from the per-(work, right)
    # arrays where they are used, not kept as columns of every entry: the undetermined ones only
    # for the entries that have some (the held lines).
    # A range of entries at a time, so that no 128-bit column of every entry is made.
    weighted = pl.col("raw").cast(pl.Int128) * pl.col("basic")
    totals: dict[tuple[int, int], int] = {}
    undetermined_parts = []
    # The entries' smallest and largest raw points (also the bounds of the products below).
    raw_extent = usage_w.select(pl.col("raw").min().alias("low"), pl.col("raw").max().alias("top")).row(0)
    low_raw, top_raw = (int(v or 0) for v in raw_extent)
    # By one compiled pass in int64 when no sum can pass 2⁶³ (|raw| × |basic| × entries), as
    # nearly always; else by ranges of entries in 128 bits.
    basic_bound = max(abs(int(low_basic)), abs(int(top_basic)))
    raw_bound = max(abs(low_raw), abs(top_raw))
    entries_in_64 = (
        usage_w["raw"].dtype == pl.Int64
        and raw_bound * max(basic_bound, 1) * max(usage_w.height, 1) <= _ENTRY_SUMS_LIMIT
    )
    if entries_in_64:
        entry_w, entry_r = usage_w["w"].to_numpy(), usage_w["r"].to_numpy()
        cells = np.zeros(n_group_ids * 2, dtype=np.int64)
        n_undetermined = _kernels().entry_totals(
            usage_w["g"].to_numpy(), entry_r, entry_w, usage_w["raw"].to_numpy(), basic, has_undetermined, cells
        )
        for cell in np.flatnonzero(cells).tolist():
            totals[(cell // 2, cell % 2)] = int(cells[cell])
        at = np.empty(n_undetermined, dtype=np.int64)
        _kernels().entries_with(entry_w, entry_r, has_undetermined, at)
        cell_of = entry_w[at].astype(np.int64) * 2 + entry_r[at]
        undetermined_parts.append(usage_w[at].with_columns(pl.Series("undetermined", undetermined[cell_of])))
        del entry_w, entry_r, at, cell_of
    else:
        for start in range(0, usage_w.height, BATCH_ROWS):
            part = usage_w.slice(start, BATCH_ROWS)
            entry_k = (part["w"].cast(pl.Int64) * 2 + part["r"].cast(pl.Int64)).to_numpy()
            for g, r, value in (
                part.select("g", "r", "raw", pl.Series("basic", basic[entry_k])).group_by("g", "r").agg(weighted.sum())
            ).iter_rows():
                totals[(g, r)] = totals.get((g, r), 0) + int(value)
            with_undetermined = np.flatnonzero(has_undetermined[entry_k])
            shares_left = undetermined[entry_k[with_undetermined]]
            undetermined_parts.append(part[with_undetermined].with_columns(pl.Series("undetermined", shares_left)))
    undetermined_entries = (
        pl.concat(undetermined_parts)
        if undetermined_parts
        else usage_w.clear().with_columns(pl.Series("undetermined", [], dtype=pl.Int64))
    )
    del undetermined_parts, undetermined, has_undetermined  # basic is kept, per (work, right), for the work points
    unid_w = unid_made.result()
    del unid_made, unidentified_entries
    for g, r, value in unid_w.group_by("g", "r").agg(pl.col("p").sum()).iter_rows():
        totals[(g, r)] = totals.get((g, r), 0) + int(value) * d_share
    group_of = {g: i for i, g in enumerate(group_ids)}
    funds: list[FundResult] = []
    fund_rows = []
    for group in quarter.groups:
        split = split_group(group)
        for right in RIGHTS:
            part, carry_in = split[right]
            key = (group_of[group.group_id], right_names.index(right))
            total = totals.get(key, 0)
            funds.append(
                FundResult(group.group_id, right, part, carry_in, part + carry_in, Fraction(total, d_points * d_share))
            )
            if total:
                fund_rows.append((*key, part + carry_in, total))
    fund_frame = pl.DataFrame(
        fund_rows, schema={"g": pl.Int32, "r": pl.Int8, "F": pl.Int128, "PT": pl.Int128}, orient="row"
    )
    top_unid = int(unid_w["p"].max() or 0) if unid_w.height else 0  # type: ignore[arg-type]
    top_fund = max((f.fund_in_yen for f in funds), default=0)
    if max(top_raw, top_unid) * max(top_fund, 1) * d_share * d_share >= _INT128_SAFE:
        raise FastPathUnavailable("amounts too large for 128-bit arithmetic")

    group_names = pl.Series(group_ids, dtype=pl.String)
    rights_text = pl.Series(right_names, dtype=pl.String)

    def texts(frame: pl.DataFrame) -> list[pl.Series]:
        return [
            group_names.gather(frame["g"].cast(pl.Int64)).alias("fund_group"),
            rights_text.gather(frame["r"].cast(pl.Int64)).alias("right"),
        ]

    # The held lines on a thread of their own while the statement lines' tables are set up (Polars
    # releases the interpreter); their sums per fund are read by ``finish`` once they are made.
    say("held / 保留")
    held_sums: dict[tuple[int, int], list[int]] = {}

    def held_lines(undetermined_entries: pl.DataFrame, unid_w: pl.DataFrame) -> pl.DataFrame:
        undetermined = (
            undetermined_entries.join(fund_frame, on=["g", "r"], how="inner")
            .with_columns((pl.col("F") * pl.col("raw") * pl.col("undetermined")).alias("exact"))
            .filter(pl.col("exact") > 0)
            .sort("w", "g", "r")
            .with_columns((pl.col("exact") // pl.col("PT")).alias("gross_yen"))
        )
        held_u = pl.DataFrame(
            [
                pl.Series("kind", [HELD_UNDETERMINED] * undetermined.height, dtype=pl.String),
                work_ids.result().gather(undetermined["w"]).alias("key"),
                *texts(undetermined),
                undetermined["gross_yen"].cast(pl.Int64),
                _ratio_texts(
                    undetermined["raw"].cast(pl.Int128) * undetermined["undetermined"], d_points * d_share
                ).alias("points"),
                _ratio_texts(undetermined["undetermined"].cast(pl.Int128), d_share).alias("share"),
                pl.Series("station_id", [None] * undetermined.height, dtype=pl.String),
            ]
        )
        # In (line id, group, right) order already: the join keeps it.
        unidentified_held = (
            unid_w.join(fund_frame, on=["g", "r"], how="inner", maintain_order="left")
            .with_columns((pl.col("F") * pl.col("p") * d_share).alias("exact"))
            .filter(pl.col("exact") > 0)
            .with_columns((pl.col("exact") // pl.col("PT")).alias("gross_yen"))
        )
        held_l = pl.DataFrame(
            [
                pl.Series("kind", [HELD_UNIDENTIFIED] * unidentified_held.height, dtype=pl.String),
                unidentified_held["line_id"].alias("key"),
                *texts(unidentified_held),
                unidentified_held["gross_yen"].cast(pl.Int64),
                _ratio_texts(unidentified_held["p"], d_points).alias("points"),
                pl.Series("share", ["1/1"] * unidentified_held.height, dtype=pl.String),
                unidentified_held["station_id"],
            ]
        )
        # Sorted as (kind, key, fund group, right): "undetermined" comes before "unidentified".
        held = pl.concat([held_u.cast(HELD_SCHEMA), held_l.cast(HELD_SCHEMA)])  # type: ignore[arg-type]

        # Each held line's gross is taken once, for its row and for the sums per fund.
        for frame in (undetermined, unidentified_held):
            for g, r, gross, count in frame.group_by("g", "r").agg(pl.col("gross_yen").sum(), pl.len()).iter_rows():
                entry = held_sums.setdefault((g, r), [0, 0])
                entry[0] += int(gross)
                entry[1] += int(count)
        return held

    held_made = _on_thread("held", held_lines, undetermined_entries, unid_w)
    del undetermined_entries, unid_w

    say("statement lines / 分配明細")

    # Statement lines, a range of parties at a time (about ``chunk_rows`` (party, work) pairs):
    # the totals are taken in a first pass over integers only; the lines themselves are made
    # again and turned into text chunk by chunk when they are written, so that they are never all
    # held in memory. No join and no sort: the (party, work) pairs of the holders, in order, are
    # expanded over the work's usage entries sorted by (group, right) — which is the statement
    # order (party, work, fund group, right) — and parties are in order across chunks.
    n_groups = max(len(group_ids), 1)
    # usage_w in (work, group, right) order, on one integer key (also the order of work_points.csv).
    if not in_work_order:
        usage_w = usage_w.sort(
            (pl.col("w") * n_groups + pl.col("g").cast(pl.Int64)) * 2 + pl.col("r").cast(pl.Int64)
        )
    entry_w = usage_w["w"].to_numpy()
    # Each work's first entry: one merge of the sorted ranks with 0 … works (no copy of the column).
    entry_start = _scattered(n_works + 1, np.int64)  # read at scattered places (a pair's work)
    _kernels().first_positions(entry_w, entry_start)
    del entry_w
    fund_amount = [0] * (n_groups * 2)
    fund_points = [1] * (n_groups * 2)
    fund_open = np.zeros(n_groups * 2, dtype=bool)
    for g, r, amount, total in fund_rows:
        fund_amount[g * 2 + r], fund_points[g * 2 + r], fund_open[g * 2 + r] = amount, total, True
    amount_of = pl.Series(fund_amount, dtype=pl.Int128)
    points_of = pl.Series(fund_points, dtype=pl.Int128)

    # Amounts floor(F × raw × share / PT) in int64 where F × raw × share cannot pass 2⁶³ (nearly
    # every line), in 128 bits for the rest.
    top_entry = top_raw
    narrow = top_entry <= _INT64_LIMIT and max(fund_amount) <= _INT64_LIMIT and max(fund_points) <= _INT64_LIMIT
    amount_64 = np.array(fund_amount, dtype=np.int64) if narrow else None
    points_64 = np.array(fund_points, dtype=np.int64) if narrow else None
    raw_bound_64 = _INT64_LIMIT // np.maximum(amount_64, 1) // max(d_share, 1) if amount_64 is not None else None

    # An entry's fund (group × 2 + right) and points as two plain arrays (a gather from each is
    # several times faster than from an array of records); the points as int64 only when they
    # fit, else kept as the 128-bit column. The per-entry frame is freed once they are filled.
    # The fund fits in a byte when there are fewer than 64 fund groups; it is read back as int64,
    # so that every array made from it is as wide as before.
    # The fund is read at scattered places (a pair's work's entries): on huge pages, as the raw
    # points are when the compiled pass made them.
    entry_fund = _scattered(usage_w.height, np.int8 if n_groups < 64 else np.int64, usage_w["g"].to_numpy())
    entry_fund *= 2
    entry_fund += usage_w["r"].to_numpy()
    wide_raw = None if narrow else usage_w["raw"]
    entry_raw = usage_w["raw"].cast(pl.Int64).to_numpy() if narrow else None
    del usage_w

    # The holders' (party, work) pairs, in order, with the party's share of each right (the
    # rows of several roles added up) and the range of the work's entries.
    holders_ordered.result()
    del holders_ordered
    pair_p, pair_w, pair_share, pair_first, pair_count = holder_pairs(
        holder_key, holder_s, n_parties, n_works, entry_start
    )
    del holder_key, holder_s
    cuts = _party_cuts(pl.Series(pair_p), chunk_rows)
    # The most entries of the pairs of one range: the size of the arrays the lines are made in.
    starts = [start for start, _ in cuts]
    most_entries = int(np.add.reduceat(pair_count, starts, dtype=np.int64).max()) if cuts else 0
    del starts

    def line_arrays() -> tuple[np.ndarray, ...]:
        """Arrays the lines of any range of pairs fit in (party, work, fund, raw, share, gross, and
        the positions of the wide lines), made once for a pass over the ranges and reused."""
        return (
            np.empty(most_entries, dtype=pair_p.dtype),
            np.empty(most_entries, dtype=pair_w.dtype),
            # The fund and the share in the types of the entries' funds and the pairs' shares (a
            # byte and 32 bits as a rule).
            np.empty(most_entries, dtype=entry_fund.dtype),
            np.empty(most_entries, dtype=np.int64),
            np.empty(most_entries, dtype=pair_share.dtype),
            np.empty(most_entries, dtype=np.int64),
            np.empty(most_entries, dtype=np.int64),
        )

    def narrow_lines(start: int, end: int, into: _LineTotals, arrays: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
        """The lines of pairs start…end as NumPy arrays: party, work, fund, raw, share, gross
        (amount > 0 only), made by one compiled pass into ``arrays`` (views of them are returned:
        they hold the next range's lines once it is made), which also adds them to the totals
        ``into``; the few whose F × raw × share would pass 2⁶³ get their gross in 128 bits
        here (and added to the totals here)."""
        assert amount_64 is not None and points_64 is not None and raw_bound_64 is not None and entry_raw is not None
        n, n_wide = _kernels().statement_lines(
            start,
            end,
            pair_first,
            pair_count,
            pair_p,
            pair_w,
            pair_share,
            entry_fund,
            entry_raw,
            fund_open,
            amount_64,
            points_64,
            raw_bound_64,
            payee_np,
            into.fund_lines,
            into.fund_gross,
            into.payee_lines,
            into.payee_gross,
            *arrays,
        )
        p, w, fund_np, raw_64, share, gross = (array[:n] for array in arrays[:6])
        wide = arrays[6][:n_wide]
        into.lines += n
        if len(wide):
            exact_128 = (
                pl.Series(amount_64[fund_np[wide]]).cast(pl.Int128)
                * pl.Series(raw_64[wide]).cast(pl.Int128)
                * pl.Series(share[wide]).cast(pl.Int128)
            )
            total_128 = pl.Series(points_64[fund_np[wide]]).cast(pl.Int128)
            gross[wide] = (exact_128 // total_128).cast(pl.Int64).to_numpy()
            np.add.at(into.fund_gross, fund_np[wide], gross[wide])
            np.add.at(into.payee_gross, payee_np[p[wide]] * n_groups + fund_np[wide] // 2, gross[wide])
        return p, w, fund_np, raw_64, share, gross

    def integer_lines(start: int, end: int, into: _LineTotals, arrays: tuple[np.ndarray, ...]) -> pl.DataFrame:
        """The lines of pairs start…end (amount > 0 only), added to the totals ``into``. Party,
        work and raw are views of ``arrays`` (only gathered from, never kept); the share (as
        int64) and the gross, which the tables may keep as they are, are copies."""
        if narrow:
            p, w, fund_np, raw_64, share, gross = narrow_lines(start, end, into, arrays)
            # Party, work, group and right are gathered from by position: as 32-bit unsigned
            # positions, which Polars takes as they are (other integers are converted, line by
            # line, and checked for negative values first).
            group, right = np.empty(len(fund_np), dtype=np.uint32), np.empty(len(fund_np), dtype=np.uint32)
            np.right_shift(fund_np, 1, out=group, casting="unsafe")
            np.bitwise_and(fund_np, 1, out=right, casting="unsafe")
            return pl.DataFrame(
                {
                    "p": _positions(p),
                    "w": _positions(w),
                    "g": group,
                    "r": right,
                    "raw": raw_64,
                    "s": share.astype(np.int64),
                    "gross_yen": gross.copy(),
                }
            )
        counts = pair_count[start:end]
        pair = np.repeat(np.arange(start, end), counts)
        first = np.repeat(pair_first[start:end] - (np.cumsum(counts) - counts), counts)
        entry = first + np.arange(len(pair))
        fund_np = entry_fund[entry].astype(np.int64)
        share = pair_share[pair, fund_np & 1]
        keep = (share > 0) & fund_open[fund_np]
        pair, entry, share, fund_np = pair[keep], entry[keep], share[keep], fund_np[keep]
        fund = pl.Series(fund_np)
        assert wide_raw is not None
        raw = wide_raw.gather(entry)
        exact = amount_of.gather(fund) * raw * pl.Series(share).cast(pl.Int128)
        lines = pl.DataFrame(
            {
                "p": pair_p[pair],
                "w": pair_w[pair],
                "g": fund // 2,
                "r": fund % 2,
                "raw": raw,
                "s": share,
                "gross_yen": (exact // points_of.gather(fund)).cast(pl.Int64),
                "exact": exact,
            }
        )
        lines = lines.filter(pl.col("exact") > 0).drop("exact")
        add_line_totals(into, lines)
        return lines

    # A line's raw × share is at most the largest entry × the largest share of a pair: one type
    # for the whole table (its Parquet parts alike), int64 when that fits (nearly always), else
    # 128 bits.
    top_share = int(pair_share.max()) if pair_share.size else 0
    numerators_narrow = narrow and top_entry * max(top_share, 1) <= _INT64_LIMIT

    def points_numerators(lines: pl.DataFrame) -> pl.Series:
        """raw × share of each line, in the table's type."""
        raw, share = lines["raw"], lines["s"]
        if numerators_narrow:
            return raw.cast(pl.Int64) * share.cast(pl.Int64)
        return raw.cast(pl.Int128) * share.cast(pl.Int128)

    # Totals of the statement lines per fund (group × 2 + right) and per (payee, group): taken
    # while the lines are made for writing (one pass for both), or by a pass of their own over the
    # integers when they are asked for before the lines are written.
    n_payees = max(payee_ids.len(), 1)
    payee_np = payee_of_party.to_numpy()
    line_totals = _LineTotals(n_groups, n_payees)

    def add_totals(into: _LineTotals, p: np.ndarray, fund_np: np.ndarray, gross: np.ndarray) -> None:
        into.add(fund_np, payee_np[p] * n_groups + fund_np // 2, gross)

    def add_line_totals(into: _LineTotals, lines: pl.DataFrame) -> None:
        fund_np = (lines["g"].cast(pl.Int64) * 2 + lines["r"].cast(pl.Int64)).to_numpy()
        add_totals(into, lines["p"].to_numpy(), fund_np, lines["gross_yen"].to_numpy())

    group_enum = pl.Series(group_ids, dtype=pl.Enum(group_ids)) if group_ids else pl.Series([], dtype=pl.String)
    right_enum = pl.Series(right_names, dtype=pl.Enum(right_names))
    # The work ids in their stored type (integers in the compact layout), by rank.
    stored_work_ids = work_keys["work_key"]  # in rank order: w is the row's position
    if stored_work_ids.dtype == pl.Int64:
        # In 32 bits when every one fits, as the compact tables write them: half the bytes to
        # gather and to write, and a quicker dictionary for the Parquet writer.
        stored_work_ids = narrowest(stored_work_ids, ((pl.Int32, 31),))
    points_den = d_points * d_share

    # Each party's payee, once: a line's payee is then one look-up by its party, not two.
    payee_id_of_party = payee_ids.gather(payee_of_party)

    def text_form(lines: pl.DataFrame) -> pl.DataFrame:
        return pl.DataFrame(
            [
                party_ids.gather(lines["p"]).alias("party_id"),
                payee_id_of_party.gather(lines["p"]).alias("payee_id"),
                work_ids.result().gather(lines["w"]).alias("work_id"),
                *texts(lines),
                _ratio_texts(points_numerators(lines), points_den).alias("points"),
                lines["gross_yen"],
                _ratio_texts(lines["s"], d_share).alias("share"),
            ]
        ).cast(STATEMENT_SCHEMA)  # type: ignore[arg-type]

    party_enum, payee_enum_of_party = party_tables.party_enum, party_tables.payee_enum_of_party
    del party_tables

    # The denominators' columns: made once, as long as the longest range, and sliced (no copy).
    constant_columns: dict[str, pl.Series] = {}

    def constant_column(name: str, value: int, dtype: pl.DataType, size: int) -> pl.Series:
        if name not in constant_columns or constant_columns[name].len() < size:
            constant_columns[name] = pl.repeat(value, max(size, most_entries), dtype=dtype, eager=True).alias(name)
        return constant_columns[name].slice(0, size)

    def columnar_form(lines: pl.DataFrame) -> pl.DataFrame:
        """The compact layout: ids in their own types, points and share as integer pairs."""
        numerators = points_numerators(lines)
        return pl.DataFrame(
            [
                party_enum.gather(lines["p"]).alias("party_id"),
                payee_enum_of_party.gather(lines["p"]).alias("payee_id"),
                stored_work_ids.gather(lines["w"]).alias("work_id"),
                group_enum.gather(lines["g"]).alias("fund_group"),
                right_enum.gather(lines["r"]).alias("right"),
                numerators.alias("points_num"),
                constant_column("points_den", points_den, numerators.dtype, lines.height),
                lines["gross_yen"].cast(pl.Int64),
                lines["s"].cast(pl.Int64).alias("share_num"),
                constant_column("share_den", d_share, pl.Int64(), lines.height),
            ]
        )

    def line_chunks(form: Callable[[pl.DataFrame], pl.DataFrame]) -> Iterator[pl.DataFrame]:
        # The totals are taken on the way, the first time the lines are made (else into scratch).
        taking = _LineTotals(n_groups, n_payees)
        if narrow and len(cuts) > 1:
            yield from made_ahead(form, taking)
        else:
            arrays = line_arrays() if narrow else ()
            for start, end in cuts:
                yield form(integer_lines(start, end, taking, arrays))
        line_totals.take(taking)

    def made_ahead(form: Callable[[pl.DataFrame], pl.DataFrame], taking: _LineTotals) -> Iterator[pl.DataFrame]:
        """The chunks of ``line_chunks``, each range's lines made by the compiled pass on a thread of
        its own while the range before is put in its form and written: the pass waits on memory
        (the pairs' works are scattered over the entries), and the other core takes part. The
        ranges are made one after the other, in order (the totals are added in the same order),
        into two sets of arrays in turn: a range's arrays are written again only once the chunk
        made from them is formed (forming gathers from them and keeps nothing of them)."""
        sets = (line_arrays(), line_arrays())
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="statement-lines") as making:
            coming = making.submit(integer_lines, *cuts[0], taking, sets[0])
            for number in range(len(cuts)):
                lines = coming.result()
                if number + 1 < len(cuts):
                    coming = making.submit(integer_lines, *cuts[number + 1], taking, sets[(number + 1) % 2])
                chunk = form(lines)
                del lines
                yield chunk
                del chunk

    def take_totals() -> None:
        """The line_totals by a pass over the integer lines only (no text)."""
        if line_totals.complete:
            return
        taking = _LineTotals(n_groups, n_payees)
        arrays = line_arrays() if narrow else ()
        for start, end in cuts:
            if narrow:
                narrow_lines(start, end, taking, arrays)
            else:
                integer_lines(start, end, taking, arrays)
        line_totals.take(taking)

    def count_lines() -> int:
        take_totals()
        return line_totals.lines

    statement_lines = StatementLines(count_lines, lambda: line_chunks(text_form))
    statement_columns = StatementLines(count_lines, lambda: line_chunks(columnar_form), COLUMNAR_STATEMENT_SCHEMA)

    say("work points / 著作物の点数")
    # In (work, group, right) order already: the entries, a range at a time, from their records
    # (the work of each from the works' first entries, basic points from the per-(work, right)
    # array); the texts are made chunk by chunk as they are written.
    n_entries = len(entry_fund)
    works_with_points = int(np.count_nonzero(np.diff(entry_start)))

    def point_rows(start: int, end: int) -> pl.DataFrame:
        first_w = int(np.searchsorted(entry_start, start, side="right")) - 1
        last_w = int(np.searchsorted(entry_start, end - 1, side="right")) - 1
        bounds = np.clip(entry_start[first_w : last_w + 2], start, end)
        w = np.repeat(np.arange(first_w, last_w + 1, dtype=np.int64), np.diff(bounds))
        fund = entry_fund[start:end].astype(np.int64)
        r = fund & 1
        raw = pl.Series(entry_raw[start:end]) if entry_raw is not None else wide_raw.slice(start, end - start)
        return pl.DataFrame({"w": w, "g": fund >> 1, "r": r, "raw": raw, "basic": basic[w * 2 + r]})

    def point_ranges() -> Iterator[pl.DataFrame]:
        for start in range(0, n_entries, chunk_rows * 4):
            yield point_rows(start, min(start + chunk_rows * 4, n_entries))

    # A work's points raw × basic over D × S, in int64 when no product can pass 2⁶³ (nearly
    # always): 128-bit columns take twice as long to write and to turn into text.
    points_narrow = (
        entry_raw is not None and top_entry * max(top_basic, 1) <= _INT64_LIMIT and points_den <= _INT64_LIMIT
    )

    def point_numerators(part: pl.DataFrame) -> pl.Series:
        if points_narrow:
            return (part["raw"].cast(pl.Int64) * part["basic"].cast(pl.Int64)).alias("raw")
        return part.select(weighted).to_series()

    def work_point_chunks() -> Iterator[pl.DataFrame]:
        for part in point_ranges():
            yield pl.DataFrame(
                [
                    work_ids.result().gather(part["w"]).alias("work_id"),
                    *texts(part),
                    _ratio_texts(point_numerators(part), d_points * d_share).alias("points"),
                ]
            ).cast(WORK_POINTS_SCHEMA)  # type: ignore[arg-type]

    work_points = ChunkedTable(n_entries, work_point_chunks, WORK_POINTS_SCHEMA)

    # The work ids stored as integers (the compact layout) and the points in int64: each range's
    # columns by one compiled pass (the group and the right as positions in their enums).
    stored_ints = stored_work_ids.to_numpy() if stored_work_ids.dtype in _SIGNED else None
    compiled_points = points_narrow and stored_ints is not None and entry_raw is not None

    def compiled_point_columns(start: int, end: int) -> pl.DataFrame:
        assert stored_ints is not None and entry_raw is not None
        size = end - start
        work_id = np.empty(size, dtype=stored_ints.dtype)
        group, right = np.empty(size, dtype=np.uint32), np.empty(size, dtype=np.uint32)
        numerators = np.empty(size, dtype=np.int64)
        _kernels().work_point_rows(
            start, end, entry_start, entry_fund, entry_raw, basic, stored_ints, work_id, group, right, numerators
        )
        return pl.DataFrame(
            [
                pl.Series("work_id", work_id, dtype=stored_work_ids.dtype),
                group_enum.gather(pl.Series(group)).alias("fund_group"),
                right_enum.gather(pl.Series(right)).alias("right"),
                pl.Series("points_num", numerators),
                pl.repeat(points_den, size, dtype=pl.Int64, eager=True).alias("points_den"),
            ]
        )

    def work_point_columns() -> Iterator[pl.DataFrame]:
        if compiled_points:
            for start in range(0, n_entries, chunk_rows * 4):
                yield compiled_point_columns(start, min(start + chunk_rows * 4, n_entries))
            return
        for part in point_ranges():
            numerators = point_numerators(part)
            yield pl.DataFrame(
                [
                    stored_work_ids.gather(part["w"]).alias("work_id"),
                    group_enum.gather(part["g"].cast(pl.Int64)).alias("fund_group"),
                    right_enum.gather(part["r"].cast(pl.Int64)).alias("right"),
                    numerators.alias("points_num"),
                    pl.repeat(points_den, part.height, dtype=numerators.dtype, eager=True).alias("points_den"),
                ]
            )

    work_point_table = ChunkedTable(n_entries, work_point_columns, COLUMNAR_WORK_POINTS_SCHEMA)


    def finish() -> tuple[dict[str, object], pl.DataFrame]:
        """Fund results, payees and the summary, from the statement lines' line_totals."""
        take_totals()
        held = held_made.result()  # (its sums per fund are then complete)
        say("fund results / 資金の結果")
        # Fund results: lines, held and items floored per fund.
        def sums(group: str, right: str) -> tuple[int, int, int]:
            g, r = group_of[group], right_names.index(right)
            fund = g * 2 + r
            held_gross, held_count = held_sums.get((g, r), (0, 0))
            return int(line_totals.fund_gross[fund]), held_gross, int(line_totals.fund_lines[fund]) + held_count

        results = [
            replace(
                f,
                lines_total_yen=sums(f.fund_group, f.right)[0],
                held_total_yen=sums(f.fund_group, f.right)[1],
                floored_items=sums(f.fund_group, f.right)[2],
            )
            for f in funds
        ]
        say("payees / 支払先")
        used = np.flatnonzero(line_totals.payee_lines)
        payees = _payees(
            pl.DataFrame(
                {
                    "q": used // n_groups,
                    "g": (used % n_groups).astype(np.int32),
                    "gross_yen": line_totals.payee_gross[used],
                }
            ),
            payee_ids,
            group_ids,
            frames,
        )
        counts = {
            "statement_lines": line_totals.lines,
            "payees": payees.height,
            "held_lines": held.height,
            "works_with_points": works_with_points,
        }
        summary = build_summary(quarter, ruleset_label, results, int(payees["fee_yen"].sum()), counts)
        return summary, payees

    result = EngineResult.deferred(finish, statement_lines, held_made, work_points)
    result.columnar = ColumnarTables(statement_columns, work_point_table)
    return result


PARALLEL_ROWS = 1 << 20
"""Rows from which the holders' order and their pairs are made by two threads (a compiled pass on
each half of the rows)."""


class _PartyTables(NamedTuple):
    """The parties by rank p (their position in id order, the share rows' PARTY_KEY): id, payee's
    rank q (its position among the payee ids in order), whether paid here; and the ids
    dictionary-encoded for the compact layout."""

    payee_ids: pl.Series
    party_ids: pl.Series
    payee_of_party: pl.Series
    paid_of_party: np.ndarray
    party_enum: pl.Series
    payee_enum_of_party: pl.Series


def _party_tables(parties: pl.DataFrame) -> _PartyTables:
    payee_ids = parties["payee_id"].unique().sort()
    party_index = (
        parties.select("party_id", "paid", "payee_id")
        .sort("party_id")
        .with_row_index("p")
        .with_columns(pl.col("p").cast(pl.Int64))
        .join(
            pl.DataFrame({"payee_id": payee_ids}).with_row_index("q").with_columns(pl.col("q").cast(pl.Int64)),
            on="payee_id",
        )
        .sort("p")
    )
    party_ids = party_index["party_id"]
    payee_of_party = party_index["q"]
    # Party and payee ids dictionary-encoded (Categorical: each Parquet file keeps only the ids it
    # uses in its dictionary; an Enum of every party would be repeated in each file's schema).
    # Categories of their own: the process's shared categories would grow by every party id, and
    # every other Categorical column would carry them.
    return _PartyTables(
        payee_ids,
        party_ids,
        payee_of_party,
        party_index["paid"].fill_null(False).to_numpy(),
        party_ids.cast(pl.Categorical(pl.Categories.random())),
        payee_ids.cast(pl.Categorical(pl.Categories.random())).gather(payee_of_party),
    )


def cells_with_lines(
    sums: np.ndarray, zero_lines: np.ndarray, n_groups: int, threads_from: int = PARALLEL_ROWS
) -> tuple[np.ndarray, ...]:
    """The (work, group) cells of the dense sums of one sampling numerator that have a managed
    line, in cell order: group, work, performing points, mechanical points, whether the recorded
    slot has a line (:func:`kernels.fill_cells_with_lines`). The cells are cut in two halves,
    each counted and filled into its own slice of the arrays: on two threads when there are
    ``threads_from`` cells or more, else one after the other."""
    kernels = _kernels()
    n_cells = len(sums) // 2
    halves = [(0, n_cells // 2), (n_cells // 2, n_cells)]
    threads = n_cells >= threads_from
    counts = [0, 0]

    def count(half: int) -> None:
        counts[half] = kernels.count_cells_with_lines(sums, zero_lines, *halves[half])

    _each_half(count, threads)
    n = sum(counts)
    columns = (
        np.empty(n, dtype=np.int32),
        np.empty(n, dtype=np.int64),
        np.empty(n, dtype=np.int64),
        np.empty(n, dtype=np.int64),
        np.empty(n, dtype=np.int8),
    )

    def fill(half: int) -> None:
        at = counts[0] if half else 0
        kernels.fill_cells_with_lines(
            sums, zero_lines, n_groups, *halves[half], *(c[at : at + counts[half]] for c in columns)
        )

    _each_half(fill, threads)
    return columns


def _each_half(step: Callable[[int], None], threads: bool) -> None:
    """``step(0)`` and ``step(1)``: on two threads (the compiled passes release the interpreter),
    or one after the other."""
    if threads:
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(step, range(2)))
    else:
        for half in range(2):
            step(half)


def holders_in_order(
    party: np.ndarray,
    work: np.ndarray,
    right: np.ndarray,
    share: np.ndarray,
    paid: np.ndarray,
    n_parties: int,
    n_works: int,
    key_out: np.ndarray,
    share_out: np.ndarray,
    threads_from: int = PARALLEL_ROWS,
) -> None:
    """The paid share rows' keys ``(party × works + work) × 2 + right`` and shares, written into
    ``key_out`` and ``share_out`` (one slot per paid row) in ascending key order, equal keys in
    row order: a radix sort of two stable counting passes on small keys, (work, right) then the
    party (a comparison sort of tens of millions of keys, and the gathers of its order, take
    several times as long). The party pass runs on two halves of the rows — on two threads from
    ``threads_from`` rows — each half's rows of a party placed after the first half's."""
    kernels = _kernels()
    # Row positions in 32 bits when the rows are fewer than 2³¹ (fresh memory is slow to touch).
    position_type = np.int32 if len(work) < 1 << 31 else np.int64
    by_cell = np.empty(len(key_out), dtype=position_type)  # one slot per paid row, as key_out
    kernels.holders_by_cell(work, right, paid, by_cell, _scattered(n_works * 2 + 1, position_type))
    halves = [by_cell[: len(by_cell) // 2], by_cell[len(by_cell) // 2 :]]
    counts = [np.zeros(n_parties + 1, dtype=np.int64) for _ in halves]
    threads = len(by_cell) >= threads_from
    _each_half(lambda half: kernels.count_holders(party, halves[half], counts[half]), threads)
    # Each party's first slot: the rows of the parties before it; the second half's after the first's.
    first_slots = np.zeros(n_parties + 1, dtype=np.int64)
    np.cumsum(counts[0][:-1] + counts[1][:-1], out=first_slots[1:])
    slots = [first_slots, first_slots + counts[0]]
    _each_half(
        lambda half: kernels.place_holders(
            party, work, right, share, halves[half], n_works, slots[half], key_out, share_out
        ),
        threads,
    )


def holder_pairs(
    holder_key: np.ndarray,
    holder_s: np.ndarray,
    n_parties: int,
    n_works: int,
    entry_start: np.ndarray,
    threads_from: int = PARALLEL_ROWS,
) -> tuple[np.ndarray, ...]:
    """The (party, work) pairs of the holder keys ``(party × works + work) × 2 + right`` (sorted):
    party, work, the party's share of each right (its rows added up), and the first entry and
    number of entries of the work (``entry_start``). The keys are cut in two at a pair's start and
    each half is made by compiled passes (:func:`kernels.count_pairs`, :func:`kernels.fill_pairs`)
    into its own slice of the arrays: on two threads when there are ``threads_from`` keys or
    more (the passes release the interpreter), else one after the other."""
    kernels = _kernels()
    n = len(holder_key)
    # Cut at the first key of the pair found in the middle: a pair is never split.
    middle = holder_key[n // 2] >> 1 << 1 if n else 0
    cut = int(np.searchsorted(holder_key, middle, side="left")) if n else 0
    halves = [(0, cut), (cut, n)]
    threads = n >= threads_from
    counts = [0, 0]

    def count(half: int) -> None:
        start, end = halves[half]
        counts[half] = kernels.count_pairs(holder_key[start:end])

    _each_half(count, threads)
    n_pairs = sum(counts)
    pair_p = np.empty(n_pairs, dtype=np.int32 if n_parties < 1 << 31 else np.int64)
    pair_w = np.empty(n_pairs, dtype=np.int32 if n_works < 1 << 31 else np.int64)
    # The party's share of each right: in 32 bits when no sum of shares can pass 2³¹ (rows × the
    # largest share), as with the usual small common denominators; the first entry in 32 bits when
    # the entries are fewer than 2³¹. (Fresh memory is slow to touch: these are arrays of every pair.)
    # (The largest absolute share from the extremes: no array of absolute values is made.)
    top_share = max(abs(int(holder_s.min())), abs(int(holder_s.max()))) if n else 0
    pair_share = np.zeros((n_pairs, 2), dtype=np.int32 if n * top_share < 1 << 31 else np.int64)
    pair_first = np.empty(n_pairs, dtype=np.int32 if len(entry_start) and entry_start[-1] < 1 << 31 else np.int64)
    pair_count = np.empty(n_pairs, dtype=np.int32)  # a work's entries: groups × 2 at most
    pairs = (pair_p, pair_w, pair_share, pair_first, pair_count)

    def fill(half: int) -> None:
        (start, end), first = halves[half], counts[0] if half else 0
        kernels.fill_pairs(
            holder_key[start:end],
            holder_s[start:end],
            n_works,
            entry_start,
            *(array[first : first + counts[half]] for array in pairs),
        )

    _each_half(fill, threads)
    return pairs


def _coded(series: pl.Series, values: dict[Any, int], missing: int) -> tuple[np.ndarray, np.ndarray]:
    """A column with few distinct values (a category or a text) as codes and a table: the value
    of row i is ``table[codes[i]]``, ``values[x]`` for its x or ``missing`` where x is not a key
    or is null. A dictionary-encoded column's codes are its own (no copy of the column)."""
    if isinstance(series.dtype, pl.Categorical | pl.Enum):
        # A category's physical code is its position among the categories of its type.
        dtype: Any = series.dtype
        names: pl.Series = dtype.categories if isinstance(dtype, pl.Enum) else dtype.categories.to_series()
        codes = series.to_physical()
        if names.len() <= 1 << 16:
            table = np.array([values.get(name, missing) for name in names.to_list()] + [missing], dtype=np.int64)
        else:
            # Categories of many values (a Categorical shares its categories with every column of
            # the process that uses them): a table of the codes present only.
            present = series.unique().drop_nulls()
            at = present.to_physical().to_numpy().astype(np.int64)
            table = np.full(int(at.max(initial=-1)) + 2, missing, dtype=np.int64)
            table[at] = [values.get(name, missing) for name in present.cast(pl.String).to_list()]
        if series.null_count():
            codes = codes.fill_null(len(table) - 1)
        return codes.to_numpy(), table
    distinct = series.unique().drop_nulls().to_list()
    table = np.array([values.get(name, missing) for name in distinct] + [missing], dtype=np.int64)
    codes = series.replace_strict(distinct, list(range(len(distinct))), default=len(distinct), return_dtype=pl.Int64)
    return codes.to_numpy(), table


def _int_array(series: pl.Series, missing: int) -> np.ndarray:
    """An integer column as an array in its own type (no copy when it is one chunk without
    nulls), ``missing`` for nulls."""
    if series.null_count():
        series = series.fill_null(missing)
    return series.to_numpy()


# Integer types the compiled passes read as they are (every product with them is taken in 64 bits).
_SIGNED = (pl.Int8, pl.Int16, pl.Int32, pl.Int64)


def _ints(series: pl.Series, missing: int) -> np.ndarray:
    """A signed integer column as an array in its own type (no copy when it is one chunk without
    nulls: a batch's columns are not widened), any other integer column as int64; ``missing`` for
    nulls."""
    return _int_array(series if series.dtype in _SIGNED else series.cast(pl.Int64), missing)


def _int_values(series: pl.Series) -> np.ndarray:
    """An integer column's values as an array in its own type (signed) or int64, nulls included as
    whatever value their slots hold: for passes that read only the valid ones (no copy of the
    column to fill its nulls). The values are read through Polars' ``Series._get_buffers``, which
    is not public: where a Polars lacks it, the nulls are filled with 0 (a copy, the same valid
    values)."""
    if series.dtype not in _SIGNED:
        series = series.cast(pl.Int64)
    if series.null_count():
        buffers = getattr(series, "_get_buffers", None)
        series = buffers()["values"] if buffers is not None else series.fill_null(0)
    return series.to_numpy()


_NO_BOOLS = np.zeros(0, dtype=bool)


def _positions(values: np.ndarray) -> np.ndarray:
    """Non-negative 32-bit positions as unsigned (the same bits, no copy): Polars gathers by
    unsigned 32-bit positions without converting them. Other arrays are returned as they are."""
    return values.view(np.uint32) if values.dtype == np.int32 else values


class _StationTable:
    """A station's fund group code and integer points: NumPy gathers when the ids are small
    non-negative integers, else a look-up per distinct station."""

    def __init__(self, stations: pl.DataFrame, station_type: pl.DataType) -> None:
        known = stations.filter(pl.col("station_id").is_not_null())
        self.g_of = dict(zip(known["station_id"].to_list(), known["g"].to_list(), strict=True))
        self.s_of = dict(zip(known["station_id"].to_list(), known["s_int"].to_list(), strict=True))
        self.dense: tuple[np.ndarray, np.ndarray] | None = None
        ids = [int(i) for i in self.g_of] if station_type.is_integer() else []
        if ids and min(ids) >= 0 and max(ids) < 1 << 22:
            g = np.full(max(ids) + 1, -1, dtype=np.int64)
            s = np.zeros(max(ids) + 1, dtype=np.int64)
            g[ids] = list(self.g_of.values())
            s[ids] = list(self.s_of.values())
            self.dense = (g, s)

    def codes(self, station: pl.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(index, group of index, points of index): the station ids themselves, in their own
        integer type (no copy of the column), over the dense tables when they fit; else each
        line's own row over values looked up per distinct station."""
        if self.dense is not None and station.null_count() == 0:
            index = station.to_numpy() if station.dtype.is_integer() else station.cast(pl.Int64).to_numpy()
            if len(index) == 0 or (int(index.min()) >= 0 and int(index.max()) < len(self.dense[0])):
                return index, self.dense[0], self.dense[1]
        g = station.replace_strict(self.g_of, default=-1, return_dtype=pl.Int64).fill_null(-1).to_numpy()
        s = station.replace_strict(self.s_of, default=0, return_dtype=pl.Int64).fill_null(0).to_numpy()
        return np.arange(len(g), dtype=np.int64), g, s


def _time_points_table(frames: BroadcastFrames, size: int, scale: int) -> np.ndarray:
    """The time points × ``scale`` of 0 … size − 1 seconds (made once per size band and kept)."""
    size = max(1 << max(size - 1, 1).bit_length(), 1024)
    cache: dict[tuple[int, int], np.ndarray] = frames.__dict__.setdefault("_time_points_tables", {})
    if (size, scale) not in cache:
        cache[(size, scale)] = _time_points_search(frames, np.arange(size, dtype=np.int64), scale)
    return cache[(size, scale)]


def _time_points_search(frames: BroadcastFrames, duration: np.ndarray, scale: int) -> np.ndarray:
    # Durations may be stored in 32 bits: the points are worked out in 64 (× scale would overflow).
    duration = duration.astype(np.int64, copy=False)
    tp = frames.quarter.time_points
    if tp.per_second_cap is not None:
        return np.minimum(duration, tp.per_second_cap) * scale
    bounds = np.array([bound for bound, _ in tp.bands], dtype=np.int64)
    values = np.array([int(value * scale) for _, value in tp.bands], dtype=np.int64)
    band = np.searchsorted(bounds, duration, side="left")
    beyond = band >= len(bounds)
    points = values[np.minimum(band, len(bounds) - 1)]
    if tp.per_extra is not None and beyond.any():
        step, extra = tp.per_extra
        periods = (duration[beyond] - int(bounds[-1]) + step - 1) // step
        points[beyond] = values[-1] + periods * int(extra * scale)
    return points


_HUGE_PAGES_FROM = 16 << 20
"""Arrays of at least this many bytes read or added to at scattered places are put on transparent
huge pages (where the system gives them)."""


def _scattered(size: int, dtype: Any, values: np.ndarray | None = None) -> np.ndarray:
    """A zeroed array (or a copy of ``values``) for access at scattered places, on transparent huge
    pages when it is large: one page-table entry then covers 2 MB instead of 4 kB, and the compiled
    passes that add to the (work, group) sums or read a pair's entries wait less on the translation
    of their addresses (the statement lines' pass took half the time so in a national-scale
    quarter, ``benchmarks/broadcast_quarter.py``). The command line
    turns NumPy's own use of huge pages off, for the many large temporaries, whose faults would
    wait on the kernel's compaction; these few long-lived arrays ask for them themselves. Falls
    back to an ordinary array where the system has no such advice."""
    dtype = np.dtype(dtype)
    nbytes = size * dtype.itemsize
    advice = getattr(mmap, "MADV_HUGEPAGE", None)
    if nbytes < _HUGE_PAGES_FROM or advice is None:
        return np.zeros(size, dtype=dtype) if values is None else np.array(values, dtype=dtype)
    region = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    with contextlib.suppress(OSError):  # the advice not taken here: ordinary pages
        region.madvise(advice)
    array = np.frombuffer(region, dtype=dtype, count=size)  # zeroed, writable; keeps the region
    if values is not None:
        array[:] = values
    return array


def _on_thread(name: str, step: Callable[..., Any], *args: Any) -> Future[Any]:
    """``step(*args)`` started on a thread of its own (named ``name``), which ends when it is done;
    its result, or its exception, is had from the future."""
    starting = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    made = starting.submit(step, *args)
    starting.shutdown(wait=False)
    return made


def _done(value: Any) -> Future[Any]:
    """A value already made, as a finished future (beside those made on a thread)."""
    done: Future[Any] = Future()
    done.set_result(value)
    return done


def _entries_in_statement_order(
    managed: pl.DataFrame, work_type: pl.DataType, raw_type: Any, right_names: list[str]
) -> tuple[pl.DataFrame, Callable[[], pl.DataFrame], Future[pl.Series]]:
    """From cells (``g, work_id, performing, mechanical, n_recorded``) sorted by integer work id and
    group: the works ranked by the text of their id (``w, work_key``), what makes the
    entries (``g, r, w, raw``) in (w, g, r) order — a work's cells moved whole, in one gather, and
    each cell's mechanical entry (when it has recorded lines) put before its performing one — and
    the texts of the ids in rank order (being made on a thread of their own)."""
    ids = managed["work_id"].to_numpy()
    starts, counts = _kernels().runs_of(ids)  # each work's cells: one run
    firsts = ids[starts]
    distinct = pl.Series("work_key", firsts).cast(work_type)
    if len(firsts) == 0 or (int(firsts[0]) >= 0 and int(firsts[-1]) < _TEXT_ORDER_LIMIT):
        # The ids' text order found from the numbers themselves (a merge of runs in one compiled
        # pass); the texts made once, in that order, on a thread of their own (they are read only
        # for the held lines and the text tables).
        order = _kernels().decimal_text_order(firsts.astype(np.int64, copy=False))
        keys_in_order = distinct.gather(order)
        texts_in_order = _on_thread("work-ids", keys_in_order.cast, pl.String)
    else:
        texts = distinct.cast(pl.String)  # made once: sorted, then kept in that order
        order = texts.arg_sort().to_numpy()
        keys_in_order, texts_in_order = distinct.gather(order), _done(texts.gather(order))
        del texts
    work_index = pl.DataFrame({"w": np.arange(len(order), dtype=np.int64), "work_key": keys_in_order})
    del firsts, keys_in_order
    run_start, run_count = starts[order], counts[order]
    del ids, starts, counts, order

    def entries() -> pl.DataFrame:
        # The work's rank in 32 bits when it fits (an index only).
        n_works = len(run_start)
        rank = np.arange(n_works, dtype=np.int32 if n_works < 1 << 31 else np.int64)
        group = managed["g"].to_numpy()
        recorded = managed["n_recorded"].to_numpy()
        codes = (right_names.index("mechanical"), right_names.index("performing"))
        if raw_type == pl.Int64:
            # One compiled pass: each work's cells in turn, each cell's entries written in place.
            performing = managed["performing"].fill_null(0).cast(pl.Int64).to_numpy()
            mechanical = managed["mechanical"].fill_null(0).cast(pl.Int64).to_numpy()
            # The raw points are read at scattered places when the statement lines are made (a
            # pair's work's entries): on huge pages, and used there as they are (no copy).
            size = len(group) + int(np.count_nonzero(recorded > 0))
            g, r, w, raw = _kernels().entries_of_works(
                run_start, run_count, rank, group, recorded, performing, mechanical, *codes, _scattered(size, np.int64)
            )
            return pl.DataFrame(
                [pl.Series("g", g), pl.Series("r", r, dtype=pl.Int8), pl.Series("w", w), pl.Series("raw", raw)]
            )
        n = len(group)
        row = np.repeat(run_start - (np.cumsum(run_count) - run_count), run_count) + np.arange(n)
        w = np.repeat(rank, run_count)
        del rank
        recorded_row = (recorded > 0)[row]
        per_cell = 1 + recorded_row.astype(np.int64)
        cell_of_entry = np.repeat(row, per_cell)  # the entry's cell, as a row of ``managed``
        mechanical_entry = np.zeros(len(cell_of_entry), dtype=bool)
        mechanical_entry[(np.cumsum(per_cell) - per_cell)[recorded_row]] = True
        right = np.where(mechanical_entry, *codes).astype(np.int8)
        w_of_entry = np.repeat(w, per_cell)
        del w, per_cell, recorded_row
        gathered = managed.select("performing", "mechanical")[cell_of_entry]
        raw_wide = gathered.select(
            pl.when(pl.Series(mechanical_entry))
            .then(pl.col("mechanical"))
            .otherwise(pl.col("performing"))
            .fill_null(0)
            .cast(raw_type)
            .alias("raw")
        ).to_series()
        return pl.DataFrame(
            [
                pl.Series("g", group[cell_of_entry]),
                pl.Series("r", right, dtype=pl.Int8),
                pl.Series("w", w_of_entry),
                raw_wide,
            ]
        )

    return work_index, entries, texts_in_order


def _reduce_dense(
    frames: BroadcastFrames,
    stations: pl.DataFrame,
    methods: dict[str, int],
    d_t: int,
    n_group_ids: int,
    top_m: int,
    top_s: int,
    batch_rows: int,
) -> tuple[pl.DataFrame, pl.DataFrame, int] | None:
    """The usage lines checked and reduced in one streaming pass, for integer work ids.

    The lines come in batches. A compiled scan of each batch (``kernels.scan_usage_batch``) reads
    its columns as codes beside small tables (outcome and method categories, station ids, time
    points by duration), counts the deferred checks of the input (``pending_usage_checks``), and
    finds the batch's extents and unidentified lines; then ``kernels.add_usage`` adds the points
    ``t × m × s × den`` (without the sampling numerator's part ``D_r / num``, unknown until every
    numerator is seen) into dense int64 arrays indexed by ``work × groups + group``, one set per
    sampling numerator, on a thread of its own while the next batch is read and scanned (the
    scattered additions were half of this thread's work, and the other core had time to spare).
    The sums are exact: every one stays below 2⁶³ (checked, with the largest line of each batch).
    Only when a check finds something are the rows located, by a second scan, and
    :class:`InputError` raised. Returns ``None`` — the caller then reduces with Polars group-bys —
    for negative or too widely spread work ids or values too large for 64-bit sums."""
    pending = frames.pending_usage_checks
    checks = pending.checks if pending is not None else []
    # While the share rows are read and checked on their thread (until their largest table is freed).
    _kernels().prepare()
    frames.wait_for_share_rows_memory()
    station_table = _StationTable(stations, frames.usage.collect_schema()["station_id"])
    bins = 0
    limit = _DENSE_BINS_LIMIT
    # Per sampling numerator one int64 array of two cells per (work, group): the points of the
    # lines not recorded and of those recorded (key × 2 + recorded), added by one scattered pass;
    # performing is their sum, mechanical the second. Lines of no points are marked apart, so
    # that a cell with a managed line is known without counting.
    sums: dict[int, np.ndarray] = {}
    zero_lines = np.zeros(0, dtype=bool)
    bounds: dict[int, int] = {}  # sampling numerator → bound of its largest sum
    bad = [0] * len(checks)
    # The checks the compiled scan counts itself (by their column), and any other (an expression
    # evaluated on each batch).
    checked = {column: position for position, column in enumerate(_kernels().CHECKED)}
    counted = np.zeros(len(checked), dtype=np.int64)
    others = [i for i, (column, _, _) in enumerate(checks) if column not in checked and column != "line_id"]
    kinds = {name: 3 for name in OUTCOMES} | {"managed": 1, "unidentified": 2}
    unidentified: list[pl.DataFrame] = []
    # The kernel's cells and points of a batch, and the positions of its unidentified lines,
    # reused from batch to batch.
    buffers = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    unidentified_rows = np.empty(0, dtype=np.int64)
    adding = ThreadPoolExecutor(max_workers=1, thread_name_prefix="usage-sums")
    added: list[Future[None]] = []  # the batch being added, if any

    def wait_for_adding() -> None:
        while added:
            added.pop().result()

    try:
        for batch in frames.usage_batches(batch_rows):
            if batch.height == 0:
                continue
            if others:
                found = batch.select([checks[i][1].sum().alias(f"c{i}") for i in others]).row(0)
                for i, value in zip(others, found, strict=True):
                    bad[i] += int(value or 0)
            # Every column as an array of codes or integers (no copy where the column is one) and
            # its tables; one compiled pass counts the checks and finds the extents of the batch.
            kind_code, kind_of = _coded(batch["outcome"], kinds, 0)
            method_code, method_of = _coded(batch["method"], methods, -1)
            station, group_of_station, points_of_station = station_table.codes(batch["station_id"])
            duration = _ints(batch["duration_s"], -1)
            longest = max(int(duration.max()), 0)
            if longest < 86_400:  # time points looked up by the duration in a table of every second
                time_index, time_of = duration, _time_points_table(frames, longest + 1, d_t)
            else:
                time_index = np.arange(batch.height, dtype=np.int64)
                time_of = _time_points_search(frames, np.maximum(duration, 0), d_t)
            den = _ints(batch["sampling_den"], 0)
            numerator_all = _ints(batch["sampling_num"], 0)
            work_ids = batch["work_id"]
            # The work ids as they are, beside where they are valid: the passes read no other.
            work = _int_values(work_ids)
            work_valid = work_ids.is_not_null().to_numpy() if work_ids.null_count() else _NO_BOOLS
            if len(unidentified_rows) < batch.height:
                unidentified_rows = np.empty(batch.height, dtype=np.int64)
            counted[:] = 0
            n_unid, top_t, top_den, n_managed, lo, hi, lo_num, hi_num = _kernels().scan_usage_batch(
                kind_code,
                kind_of,
                station,
                group_of_station,
                work,
                work_valid,
                duration,
                time_index,
                time_of,
                method_code,
                method_of,
                numerator_all,
                den,
                counted,
                unidentified_rows,
            )
            for i, (column, _, _) in enumerate(checks):
                if column in checked:
                    bad[i] += int(counted[checked[column]])
                elif column == "line_id":
                    bad[i] += batch["line_id"].null_count()
            if any(bad):
                continue  # only counting now: the rows are located below
            largest = top_t * max(top_m, 1) * max(top_s, 1) * top_den
            if largest * batch.height >= _INT64_LIMIT:
                return None
            if n_managed:
                if lo < 0 or (hi + 1) * n_group_ids > limit:
                    return None
                needed = (hi + 1) * n_group_ids
                if needed > bins:
                    # An eighth more than needed (the largest work id is usually seen in the first
                    # batch), and at least half as much again when the ids grow batch after batch.
                    grown = min(max(needed + needed // 8, bins + bins // 2), limit)
                    wait_for_adding()  # the arrays are copied: nothing may be added to them meanwhile
                    zero_lines = np.concatenate([zero_lines, np.zeros(2 * (grown - bins), dtype=bool)])
                    for numerator, array in sums.items():
                        sums[numerator] = _scattered(2 * grown, np.int64)
                        sums[numerator][: len(array)] = array
                    bins = grown
                recorded = batch["recorded"].fill_null(False).to_numpy()
                if len(buffers[0]) < batch.height:
                    buffers = (np.empty(batch.height, dtype=np.int64), np.empty(batch.height, dtype=np.int64))
                if lo_num == hi_num:
                    per_numerator = [(lo_num, n_managed)]
                else:
                    values, counts = np.unique(numerator_all[kind_of[kind_code] == 1], return_counts=True)
                    per_numerator = list(zip(values.tolist(), counts.tolist(), strict=True))
                calls = []
                for value, count in per_numerator:
                    bound = bounds.get(value, 0) + largest * count
                    if bound >= _INT64_LIMIT:
                        return None
                    bounds[value] = bound
                    if value not in sums:
                        sums[value] = _scattered(2 * bins, np.int64)
                    calls.append(
                        (
                            kind_code,
                            kind_of,
                            station,
                            group_of_station,
                            points_of_station,
                            time_index,
                            time_of,
                            method_code,
                            method_of,
                            den,
                            numerator_all,
                            value,
                            recorded,
                            work,
                            n_group_ids,
                            sums[value],
                            zero_lines,
                            *buffers,
                        )
                    )
                # Added on a thread of their own while the next batch is read and scanned (the
                # batch's arrays go with them); one batch at a time, in order.
                wait_for_adding()
                added.append(adding.submit(_add_usage_calls, calls))
            if n_unid:
                unid_rows = unidentified_rows[:n_unid].copy()
                at = station[unid_rows]
                points = time_of[time_index[unid_rows]] * method_of[method_code[unid_rows]]
                points *= points_of_station[at] * den[unid_rows]
                unidentified.append(
                    batch.select("line_id", "station_id", "recorded", "sampling_num")[unid_rows].select(
                        "line_id",
                        "station_id",
                        pl.Series("g", group_of_station[at], dtype=pl.Int32),
                        "recorded",
                        pl.Series("p", points, dtype=pl.Int64),
                        "sampling_num",
                    )
                )
        wait_for_adding()
    finally:
        adding.shutdown(wait=True)  # a batch still being added when the pass stops early
    if any(bad):
        assert pending is not None
        problems = Problems()
        locate_usage_problems(frames.usage, pending.name, checks, bad, problems)
        problems.add_all(frames.share_row_problems())  # those of share rows read meanwhile
        problems.raise_if_any()
    frames.pending_usage_checks = None
    unid = (
        pl.concat(unidentified, how="vertical_relaxed")  # (files may store the sampling part in 32 or 64 bits)
        if unidentified
        else pl.DataFrame(
            schema={
                "line_id": pl.String,
                "station_id": pl.String,
                "g": pl.Int32,
                "recorded": pl.Boolean,
                "p": pl.Int64,
                "sampling_num": pl.Int64,
            }
        )
    )
    numerators = sorted({*sums, *(int(n) for n in unid["sampling_num"].unique().to_list())})
    d_r = _lcm(numerators)
    if d_r > _INT64_LIMIT:
        raise FastPathUnavailable("sampling denominators too large")
    work_type = frames.usage.collect_schema()["work_id"]
    if len(sums) == 1 and next(iter(sums)) == d_r:
        # One sampling numerator (the usual case): the sums are the points over D_r already, in
        # int64 (their bound was checked), with no 128-bit columns; the cells with a managed line
        # and their points by one compiled pass over the sums.
        group, work, performing, mechanical, recorded = cells_with_lines(
            next(iter(sums.values())), zero_lines, n_group_ids
        )
        del sums
        return (
            pl.DataFrame(
                [
                    pl.Series("g", group),
                    pl.Series("work_id", work).cast(work_type),
                    pl.Series("performing", performing),
                    pl.Series("mechanical", mechanical),
                    pl.Series("n_recorded", recorded),
                ]
            ),
            _unidentified_points(unid, d_r),
            d_r,
        )
    # A cell has a managed line when its points (either half) or a line of no points say so.
    cells = np.zeros(2 * bins, dtype=bool)
    for array in sums.values():
        cells |= array > 0
    cells |= zero_lines
    count_recorded = cells[1::2]
    present = np.flatnonzero(cells[0::2] | count_recorded)
    del cells
    reduced = pl.DataFrame(
        {
            "g": (present % n_group_ids).astype(np.int32),
            "work_id": pl.Series(present // n_group_ids).cast(work_type),
            "n_recorded": count_recorded[present].astype(np.int8),  # 1 when the cell has recorded lines
        }
    )
    totals = {"performing": pl.lit(0, pl.Int128), "mechanical": pl.lit(0, pl.Int128)}
    for i, (numerator, array) in enumerate(sums.items()):
        factor = pl.lit(d_r // numerator, pl.Int128)
        mechanical = array[1::2][present]
        performing = array[0::2][present] + mechanical
        for right, values in (("performing", performing), ("mechanical", mechanical)):
            reduced = reduced.with_columns(pl.Series(f"{right}{i}", values))
            totals[right] = totals[right] + pl.col(f"{right}{i}").cast(pl.Int128) * factor
    reduced = reduced.select(
        "g", "work_id", totals["performing"].alias("performing"), totals["mechanical"].alias("mechanical"), "n_recorded"
    )
    return reduced, _unidentified_points(unid, d_r), d_r


def _add_usage_calls(calls: list[tuple[Any, ...]]) -> None:
    """``kernels.add_usage`` for each argument tuple, in order (the sums of one batch)."""
    for arguments in calls:
        _kernels().add_usage(*arguments)


def _unidentified_points(unid: pl.DataFrame, d_r: int) -> pl.DataFrame:
    """The unidentified lines with their points over D_r (128 bits)."""
    return unid.select(
        "line_id",
        "station_id",
        "g",
        "recorded",
        (pl.col("p").cast(pl.Int128) * (pl.lit(d_r, pl.Int128) // pl.col("sampling_num"))).alias("p"),
    )


def _reduce_grouped(
    frames: BroadcastFrames,
    stations: pl.DataFrame,
    methods: dict[str, int],
    d_t: int,
    n_group_ids: int,
    top_m: int,
    top_s: int,
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """The usage lines reduced by Polars streaming group-bys (any work ids; sums in 128 bits when needed).

    Gives the managed lines' points per (group, work) — ``performing``, ``mechanical`` (of the
    recorded lines) and ``n_recorded`` — and the unidentified lines one by one, with D_r."""
    work_type = frames.usage.collect_schema()["work_id"]
    # The sampling numerators (a handful of values) give D_r before the reduction, so that the
    # reduction groups by (group, work) only.
    sampled_plan = frames.usage.select(pl.col("sampling_num").unique())
    if work_type.is_integer():
        # Integer work ids and the group fold into one Int64 key (work × groups + group) when they
        # fit: a single key groups faster than two.
        span_plan = frames.usage.select(pl.col("work_id").min().alias("lo"), pl.col("work_id").max().alias("hi"))
        sampled_frame, span = pl.collect_all([sampled_plan, span_plan], engine="streaming")
        lo, hi = span.row(0)
        one_key = lo is not None and int(lo) >= 0 and int(hi) < _INT64_LIMIT // n_group_ids
    else:
        sampled_frame, one_key = sampled_plan.collect(engine="streaming"), False
    sampled = sampled_frame["sampling_num"]
    d_r = _lcm([int(v) for v in sampled.drop_nulls().to_list() if v])
    if d_r > _INT64_LIMIT:
        raise FastPathUnavailable("sampling denominators too large")

    def reduce(wide: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
        time_points = _time_points_expr(frames, d_t)
        taking = (
            frames.usage.filter(pl.col("outcome").is_in(["managed", "unidentified"]))
            .join(stations.lazy().select("station_id", "g", "s_int"), on="station_id", how="inner")
            .with_columns(time_points.alias("t"))
            .with_columns(
                (
                    (pl.col("t").cast(pl.Int128) if wide else pl.col("t"))
                    * pl.col("method").replace_strict(methods, return_dtype=pl.Int64)
                    * pl.col("s_int")
                    * pl.col("sampling_den")
                    * (d_r // pl.col("sampling_num"))
                ).alias("p")
            )
        )
        # Plain sums and maxima of precomputed columns (a filter inside an aggregation is slower).
        managed_plan = (
            taking.filter(pl.col("outcome") == "managed")
            .select(
                "g",
                "work_id",
                "p",
                pl.when(pl.col("recorded")).then(pl.col("p")).otherwise(0).alias("p_recorded"),
                pl.col("recorded").cast(pl.Int64).alias("recorded"),
                "t",
                (pl.col("sampling_den") * (d_r // pl.col("sampling_num"))).alias("r"),
            )
            .with_columns(
                (pl.col("work_id").cast(pl.Int64) * n_group_ids + pl.col("g")).alias("key")
                if one_key
                else pl.lit(0, pl.Int64).alias("key")
            )
            .group_by(*(["key"] if one_key else ["g", "work_id"]))
            .agg(
                pl.col("p").sum().alias("performing"),
                pl.col("p_recorded").sum().alias("mechanical"),
                pl.len().alias("n"),
                pl.col("recorded").sum().alias("n_recorded"),
                pl.col("t").max().alias("t_max"),
                pl.col("r").max().alias("r_max"),
            )
        )
        unidentified_plan = taking.filter(pl.col("outcome") == "unidentified").select(
            "line_id",
            "station_id",
            "g",
            "recorded",
            "p",
            "t",
            (pl.col("sampling_den") * (d_r // pl.col("sampling_num"))).alias("r"),
        )
        managed, unidentified = pl.collect_all([managed_plan, unidentified_plan], engine="streaming")
        if one_key:
            managed = managed.select(
                (pl.col("key") % n_group_ids).cast(pl.Int32).alias("g"),
                (pl.col("key") // n_group_ids).cast(work_type).alias("work_id"),
                pl.exclude("key"),
            )
        return managed, unidentified

    # 64-bit sums unless a line's points or a sum could pass 2⁶³ (then again in 128 bits).
    managed, unidentified = reduce(wide=False)
    t_max = max(int(managed["t_max"].max() or 0), int(unidentified["t"].max() or 0))  # type: ignore[arg-type]
    r_max = max(int(managed["r_max"].max() or 0), int(unidentified["r"].max() or 0))  # type: ignore[arg-type]
    n_max = max(int(managed["n"].max() or 0), 1)  # type: ignore[arg-type]
    if t_max * top_m * top_s * r_max * n_max > _INT64_LIMIT:
        managed, unidentified = reduce(wide=True)
    return (
        managed.select("g", "work_id", "performing", "mechanical", "n_recorded"),
        unidentified.select("line_id", "station_id", "g", "recorded", "p"),
        d_r,
    )


def _payees(lines: pl.DataFrame, payee_ids: pl.Series, group_ids: list[str], frames: BroadcastFrames) -> pl.DataFrame:
    """Contract step 6: gross per payee, ``floor(Σ gross × rate)`` fee, net, payment date."""
    quarter = frames.quarter
    rates = [quarter.fee_rate_of(g) for g in group_ids]
    common = _lcm([r.denominator for r in rates])
    scaled = {i: int(r * common) for i, r in enumerate(rates)}
    societies = frames.parties.filter(pl.col("category") == "foreign")["society"].drop_nulls().unique()
    payees = (
        lines.group_by("q", "g")
        .agg(pl.col("gross_yen").sum())
        .with_columns(
            (pl.col("gross_yen").cast(pl.Int128) * pl.col("g").replace_strict(scaled, return_dtype=pl.Int128)).alias(
                "fee_scaled"
            )
        )
        .group_by("q")
        .agg(pl.col("gross_yen").sum(), pl.col("fee_scaled").sum())
        .sort("q")
    )
    payees = payees.with_columns(payee_ids.gather(payees["q"]).alias("payee_id"))
    payees = (
        payees.with_columns((pl.col("fee_scaled") // common).cast(pl.Int64).alias("fee_yen"))
        .with_columns((pl.col("gross_yen") - pl.col("fee_yen")).alias("net_yen"))
        .with_columns(pl.col("payee_id").is_in(societies.implode()).alias("foreign"))
    )
    return payees.select(
        "payee_id",
        pl.col("gross_yen").cast(pl.Int64),
        "fee_yen",
        pl.col("net_yen").cast(pl.Int64),
        pl.when(pl.col("foreign"))
        .then(pl.lit(quarter.foreign_payment_date.isoformat()))
        .otherwise(pl.lit(quarter.distribution_date.isoformat()))
        .alias("pay_date"),
        pl.when(pl.col("foreign")).then(pl.lit("yes")).otherwise(pl.lit(None, pl.String)).alias("foreign_society"),
    ).cast(PAYEE_SCHEMA)  # type: ignore[arg-type]


def parties_from_frame(frame: pl.DataFrame) -> list[Party]:
    """Validated ``parties`` rows as core values."""
    return [Party(p["party_id"], p["name"] or "", p["category"], p["society"]) for p in frame.iter_rows(named=True)]


def rights_from_frame(frame: pl.DataFrame) -> list[RightRow]:
    """Validated ``rights`` rows as core values."""
    return [
        RightRow(
            work_id=str(r["work_id"]),
            party_id=str(r["party_id"]) if r["party_id"] is not None else None,
            role=r["role"],
            right=r["right"],
            share=Fraction(int(r["share_num"]), int(r["share_den"])) if r["has_share"] else None,
            submitted_on=r["submitted_on"],
            valid_from=r["valid_from"],
            valid_to=r["valid_to"],
        )
        for r in frame.iter_rows(named=True)
    ]


def quarter_input_from_frames(frames: BroadcastFrames) -> QuarterInput:
    """The validated folder as plain core values, for the row-by-row path."""
    check_pending_usage(frames)
    parties = parties_from_frame(frames.parties)
    stations = [
        Station(s["station_id"], s["fund_group"], Fraction(int(s["st_num"]), int(s["st_den"])))
        for s in frames.stations.iter_rows(named=True)
    ]
    rights = rights_from_frame(frames.rights)
    usage = [
        UsageLine(
            line_id=u["line_id"],
            station_id=u["station_id"],
            work_id=u["work_id"],
            outcome=u["outcome"],
            duration_s=int(u["duration_s"]) if u["duration_s"] is not None else 0,
            method=u["method"],
            recorded=bool(u["recorded"]),
            sampling_rate=Fraction(int(u["sampling_num"]), int(u["sampling_den"])),
        )
        for u in frames.usage.with_columns(pl.col("line_id", "station_id", "work_id").cast(pl.String))
        .collect()
        .iter_rows(named=True)
    ]
    return QuarterInput(frames.quarter, parties, stations, rights, usage)


def result_from_outcome(outcome: Outcome) -> EngineResult:
    """The row-by-row outcome in the engine's tabular form (for writing and comparing)."""
    return EngineResult(
        summary=outcome.summary,
        statement_lines=StatementLines.of(
            pl.DataFrame(
                [
                (
                    s.party_id,
                    s.payee_id,
                    s.work_id,
                    s.fund_group,
                    s.right,
                    format_ratio(s.points),
                    s.gross_yen,
                    format_ratio(s.share),
                )
                for s in outcome.statement_lines
            ],
            schema=STATEMENT_SCHEMA,
            orient="row",
        )),
        payees=pl.DataFrame(
            [
                (
                    p.payee_id,
                    p.gross_yen,
                    p.fee_yen,
                    p.net_yen,
                    p.pay_date.isoformat(),
                    "yes" if p.foreign_society else None,
                )
                for p in outcome.payees
            ],
            schema=PAYEE_SCHEMA,
            orient="row",
        ),
        held=pl.DataFrame(
            [
                (
                    h.kind,
                    h.key,
                    h.fund_group,
                    h.right,
                    h.gross_yen,
                    format_ratio(h.points),
                    format_ratio(h.share),
                    h.station_id,
                )
                for h in outcome.held
            ],
            schema=HELD_SCHEMA,
            orient="row",
        ),
        work_points=ChunkedTable.of(
            pl.DataFrame(
                [(w.work_id, w.fund_group, w.right, format_ratio(w.points)) for w in outcome.work_points],
                schema=WORK_POINTS_SCHEMA,
                orient="row",
            )
        ),
    )
