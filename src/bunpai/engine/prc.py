"""The private recording distribution at scale: columnar reductions, exact integer arithmetic.

The usage (tens of millions of rows) is reduced in Polars to one integer per work and fund over a
common denominator; the share resolution of Art. 13 runs once per distinct *shape* of a work's
rights (a few hundred shapes for a million works) in the pure core; amounts are then computed as
whole numbers over one common denominator in arbitrary-precision integers, so every figure is
exactly the one :mod:`bunpai.core.prc.reference` gives row by row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import polars as pl

from bunpai.core.money import floor_yen, format_ratio
from bunpai.core.prc.claims import ClaimResult, price_claims
from bunpai.core.prc.funds import split_period
from bunpai.core.prc.model import BroadcastUse, Claim, Party, RecordingUse, RentalUse, Right, Work
from bunpai.core.prc.outcome import (
    HELD_NO_RIGHTS,
    HELD_UNDETERMINED,
    HELD_UNREGISTERED,
    Outcome,
    build_summary,
)
from bunpai.core.prc.reference import PeriodInput
from bunpai.core.prc.shares import Holding, WorkShares, resolve_work_shares
from bunpai.core.rules import FUNDS, PrcRuleSet
from bunpai.formats.prc_input import ALL_FUNDS_MASK, FUND_BITS, PrcFrames

_INT64_LIMIT = 2**63 - 1
_WEIGHT_LIMIT = 2**40

Progress = Callable[[str], None]


class FastPathUnavailable(Exception):
    """Values too large for 64-bit reductions: the caller falls back to the row-by-row path."""


@dataclass
class EngineResult:
    summary: dict[str, object]
    statement_lines: pl.DataFrame
    payees: pl.DataFrame
    held: pl.DataFrame
    work_points: pl.DataFrame
    claims: pl.DataFrame
    review: pl.DataFrame
    floored_items: int
    holders: pl.DataFrame


def _lcm(values: Sequence[int]) -> int:
    result = 1
    for value in values:
        result = math.lcm(result, int(value))
    return result


def _column_max(frame: pl.DataFrame, column: str) -> int:
    value = frame[column].max()
    return int(value) if value is not None else 0  # type: ignore[arg-type]


def reduce_usage(
    frame: pl.DataFrame, numerators: Sequence[str], denominators: Sequence[str]
) -> tuple[pl.DataFrame, int]:
    """Σ over each work's rows of Π numerators / Π denominators, as an integer over a common denominator.

    Returns a frame ``work_id, raw`` (Int128 sums of Int64 row values) and that denominator.
    Raises :class:`FastPathUnavailable` where a 64-bit row value could overflow.
    """
    if frame.height == 0:
        return pl.DataFrame(schema={"work_id": pl.String, "raw": pl.Int128}), 1
    den_bound = 1
    for column in denominators:
        den_bound *= max(_column_max(frame, column), 1)
    if den_bound > _INT64_LIMIT:
        raise FastPathUnavailable("denominators too large")
    combos = frame.select(denominators).unique()
    products = [math.prod(int(v) for v in row) for row in combos.iter_rows()]
    common = _lcm(products)
    if common > _INT64_LIMIT:
        raise FastPathUnavailable("common denominator too large")
    bound = common
    for column in numerators:
        bound *= _column_max(frame, column)
    if bound > _INT64_LIMIT:
        raise FastPathUnavailable("usage values too large")
    den_product = pl.lit(1, pl.Int64)
    for column in denominators:
        den_product = den_product * pl.col(column)
    value = pl.lit(common, pl.Int64) // den_product
    for column in numerators:
        value = value * pl.col(column)
    reduced = frame.group_by("work_id").agg(value.cast(pl.Int128).sum().alias("raw"))
    return reduced, common


def _signature_shares(signatures: list[str], rules: PrcRuleSet) -> dict[str, WorkShares]:
    resolved = {}
    for signature in signatures:
        body, flags = signature.rsplit("|", 1)
        holdings = []
        if body:
            for token in body.split(","):
                role, share = token.split(":")
                holdings.append(Holding(role, None if share == "-" else Fraction(share)))
        resolved[signature] = resolve_work_shares(
            holdings, music_expired=flags[0] == "M", lyrics_expired=flags[1] == "L", rules=rules
        )
    return resolved


def _objects(series: pl.Series) -> np.ndarray:
    """A column as an array of Python integers (arbitrary precision)."""
    values = np.empty(series.len(), dtype=object)
    values[:] = [int(v) if v is not None else 0 for v in series.to_list()]
    return values


def _fees(gross: pl.Series, rate: Fraction) -> pl.Series:
    """``floor(gross × rate)`` per row, exact (64-bit when it cannot overflow)."""
    top = int(gross.max() or 0)  # type: ignore[arg-type]
    if top * rate.numerator <= _INT64_LIMIT:
        return (gross * rate.numerator // rate.denominator).alias("fee_yen")
    return pl.Series("fee_yen", [floor_yen(int(g) * rate) for g in gross], dtype=pl.Int64)


def _ratio_texts(numerators: np.ndarray, denominator: int) -> pl.Series:
    """``n/d`` texts of numerators over one denominator, reduced (vectorised when 64 bits suffice)."""
    if len(numerators) == 0:
        return pl.Series("points", [], dtype=pl.String)
    if denominator <= _INT64_LIMIT and max(numerators) <= _INT64_LIMIT and min(numerators) >= 0:
        num = numerators.astype(np.int64)
        divisor = np.gcd(num, np.int64(denominator))
        divisor[divisor == 0] = 1
        frame = pl.DataFrame({"n": num // divisor, "d": np.int64(denominator) // divisor})
        return frame.select(pl.col("n").cast(pl.String) + "/" + pl.col("d").cast(pl.String)).to_series()
    return pl.Series("points", [format_ratio(Fraction(int(n), denominator)) for n in numerators], dtype=pl.String)


def distribute_frames(frames: PrcFrames, rules: PrcRuleSet, progress: Progress | None = None) -> EngineResult:
    say = progress or (lambda _message: None)
    period = frames.period
    split = split_period(period, rules)

    # Art. 11, 15, BL 5: counted uses, reduced to one integer per work and fund.
    say("points / 点数")
    b = frames.broadcast.filter(
        pl.col("use_type").is_in(sorted(rules.broadcast_use_types))
        & pl.col("station_kind").is_in(sorted(rules.broadcast_station_kinds))
    )
    r = frames.recording.filter(
        pl.col("recording_class").is_in(sorted(rules.recording_classes))
        & pl.col("purpose").is_in(sorted(rules.recording_purposes))
    )
    t = frames.rental.filter(pl.col("rental_class").is_in(sorted(rules.rental_classes)))
    reduced = {
        "broadcast": reduce_usage(
            b,
            ["use_count", "differential_num", "station_num", "sampling_den"],
            ["differential_den", "station_den", "sampling_num"],
        ),
        "recording": reduce_usage(r, ["deemed_num", "units"], ["deemed_den"]),
        "rental": reduce_usage(t, ["deemed_num", "rental_count"], ["deemed_den"]),
    }
    denominators = {fund: reduced[fund][1] for fund in FUNDS}

    # The works concerned (used in a fund, or claimed), each with an integer index ``w``.
    needed = pl.concat([reduced[f][0].select("work_id") for f in FUNDS] + [frames.claims.select("work_id")]).unique()
    works = (
        frames.works.join(needed, on="work_id", how="semi")
        .select("work_id", "music_expired", "lyrics_expired")
        .sort("work_id")
        .with_row_index("w")
        .with_columns(pl.col("w").cast(pl.Int64))
    )
    n = works.height
    raws: dict[str, np.ndarray] = {}
    uses: dict[str, np.ndarray] = {}
    for fund in FUNDS:
        part = reduced[fund][0].join(works.select("work_id", "w"), on="work_id")
        index = part["w"].to_numpy()
        raws[fund] = np.zeros(n, dtype=object)
        raws[fund][index] = _objects(part["raw"])
        uses[fund] = np.zeros(n, dtype=bool)
        uses[fund][index] = True
    used = uses["broadcast"] | uses["recording"] | uses["rental"]

    # Art. 12–13: counted rows of those works, and their share rates, resolved once per shape.
    say("shares / 分配率")
    rows = (
        frames.rights.filter(pl.col("counted"))
        .join(works.select("work_id", "w"), on="work_id")
        .join(frames.parties.select("party_id", "paid_mask", "payee_id"), on="party_id", how="left")
        .with_columns(
            pl.when(pl.col("party_id").is_null()).then(ALL_FUNDS_MASK).otherwise(pl.col("paid_mask")).alias("mask"),
            (
                pl.col("role")
                + ":"
                + pl.when(pl.col("has_share"))
                .then(pl.col("share_num").cast(pl.String) + "/" + pl.col("share_den").cast(pl.String))
                .otherwise(pl.lit("-"))
            ).alias("token"),
        )
        .select("w", "work_id", "party_id", "payee_id", "role", "mask", "token")
        .sort("w", "token", "party_id", nulls_last=True)
    )
    row_w = rows["w"].to_numpy()
    first = np.ones(len(row_w), dtype=bool)
    first[1:] = row_w[1:] != row_w[:-1]
    starts = np.flatnonzero(first)
    position = np.arange(len(row_w)) - starts[np.cumsum(first) - 1] if len(row_w) else np.zeros(0, dtype=np.int64)
    bodies = rows.group_by("w", maintain_order=True).agg(pl.col("token").str.join(",").alias("body"))
    shapes = works.join(bodies, on="w", how="left").select(
        "w",
        (
            pl.col("body").fill_null("")
            + "|"
            + pl.when(pl.col("music_expired")).then(pl.lit("M")).otherwise(pl.lit("-"))
            + pl.when(pl.col("lyrics_expired")).then(pl.lit("L")).otherwise(pl.lit("-"))
        ).alias("signature"),
    )
    signatures = sorted(shapes["signature"].unique().to_list())
    resolved = _signature_shares(signatures, rules)
    sig_id = {signature: i for i, signature in enumerate(signatures)}
    sig_of_w = shapes.sort("w")["signature"].replace_strict(sig_id, return_dtype=pl.Int64).to_numpy()

    weight_dens = [w.denominator for v in resolved.values() for w in v.weights if w is not None]
    weight_dens += [v.unregistered.denominator for v in resolved.values()]
    common_w = _lcm(weight_dens)
    if common_w > _WEIGHT_LIMIT:
        raise FastPathUnavailable("share denominators too large")
    offsets = np.zeros(len(signatures), dtype=np.int64)
    flat: list[int] = []
    unregistered_of_sig = np.zeros(len(signatures), dtype=np.int64)
    for signature, i in sig_id.items():
        offsets[i] = len(flat)
        flat.extend(-1 if weight is None else int(weight * common_w) for weight in resolved[signature].weights)
        unregistered_of_sig[i] = int(resolved[signature].unregistered * common_w)
    flat_weights = np.array([*flat, -1], dtype=np.int64)
    row_sig = sig_of_w[row_w] if len(row_w) else np.zeros(0, dtype=np.int64)
    row_wn = flat_weights[offsets[row_sig] + position] if len(row_w) else np.zeros(0, dtype=np.int64)
    valid = row_wn >= 0
    row_mask = rows["mask"].to_numpy()
    determined = rows["party_id"].is_not_null().to_numpy()

    # Art. 15 (1): basic points = eligible (or undetermined) share of the work, per fund.
    unregistered = unregistered_of_sig[sig_of_w] if n else np.zeros(0, dtype=np.int64)
    basic: dict[str, np.ndarray] = {}
    for fund, bit in FUND_BITS.items():
        counts = unregistered.copy()
        eligible = valid & ((row_mask & bit) > 0)
        np.add.at(counts, row_w[eligible], row_wn[eligible])
        basic[fund] = counts.astype(object)

    # Art. 16: unit price per point of each fund.
    say("allocation / 分配計算")
    total_points: dict[str, Fraction] = {}
    unit_prices: dict[str, Fraction | None] = {}
    for fund in FUNDS:
        numerator = int((raws[fund] * basic[fund]).sum()) if n else 0
        total_points[fund] = Fraction(numerator, denominators[fund] * common_w)
        unit_prices[fund] = split.fund_amounts[fund] / total_points[fund] if numerator else None
    per_point = {f: (unit_prices[f] / denominators[f]) if unit_prices[f] is not None else Fraction(0) for f in FUNDS}
    common_b = _lcm([v.denominator for v in per_point.values()])
    scaled = {f: per_point[f].numerator * (common_b // per_point[f].denominator) for f in FUNDS}
    amount_by_fund = {f: raws[f] * scaled[f] for f in FUNDS}
    whole_amount = amount_by_fund["broadcast"] + amount_by_fund["recording"] + amount_by_fund["rental"]
    divisor = common_w * common_b
    work_ids = works["work_id"]

    # Art. 13, 16 ¶2: statement lines per holder and work (funds added), floored (Art. 19).
    row_used = used[row_w] if len(row_w) else np.zeros(0, dtype=bool)
    paid_rows = (
        rows.select("w", "party_id", "payee_id", "mask")
        .with_columns(pl.Series("wn", row_wn))
        .filter(pl.Series(valid & determined & (row_mask > 0) & row_used))
        .group_by("w", "party_id")
        .agg(pl.col("wn").sum(), pl.col("mask").first(), pl.col("payee_id").first())
        .sort("w", "party_id")
    )
    index = paid_rows["w"].to_numpy()
    mask = paid_rows["mask"].to_numpy()
    selected = np.zeros(paid_rows.height, dtype=object)
    for fund, bit in FUND_BITS.items():
        selected = selected + np.where((mask & bit) > 0, amount_by_fund[fund][index], 0)
    exact = _objects(paid_rows["wn"]) * selected
    gross = (exact // divisor).astype(np.int64) if paid_rows.height else np.zeros(0, dtype=np.int64)
    statement_lines = paid_rows.select(
        "party_id", "payee_id", work_ids.gather(index).alias("work_id"), pl.Series("gross_yen", gross, pl.Int64)
    ).filter(pl.Series(np.asarray(exact > 0, dtype=bool), dtype=pl.Boolean))

    # Art. 12 ¶3: shares whose holder is not determined are held.
    undetermined = (
        rows.select("w", "role")
        .with_columns(pl.Series("wn", row_wn))
        .filter(pl.Series(valid & ~determined & row_used))
        .group_by("w", "role")
        .agg(pl.col("wn").sum())
        .with_columns(pl.lit(HELD_UNDETERMINED).alias("reason"))
    )
    row_count = np.bincount(row_w, minlength=n) if n else np.zeros(0, dtype=np.int64)
    open_works = np.flatnonzero(used & (unregistered > 0))
    unregistered_rows = pl.DataFrame(
        {
            "w": open_works.astype(np.int64),
            "role": pl.Series([None] * len(open_works), dtype=pl.String),
            "wn": unregistered[open_works].astype(np.int64),
            "reason": [HELD_NO_RIGHTS if row_count[i] == 0 else HELD_UNREGISTERED for i in open_works],
        },
        schema={"w": pl.Int64, "role": pl.String, "wn": pl.Int64, "reason": pl.String},
    )
    held_rows = pl.concat([undetermined.select(unregistered_rows.columns), unregistered_rows]).sort(
        "w", "role", "reason", nulls_last=False
    )
    held_index = held_rows["w"].to_numpy()
    held_exact = _objects(held_rows["wn"]) * (whole_amount[held_index] if held_rows.height else 0)
    held = (
        held_rows.with_columns(
            work_ids.gather(held_index).alias("work_id"),
            pl.Series("gross_yen", [int(v) // divisor for v in held_exact], dtype=pl.Int64),
            pl.Series("share", [format_ratio(Fraction(int(w), common_w)) for w in held_rows["wn"]], dtype=pl.String),
        )
        .filter(pl.Series([v > 0 for v in held_exact], dtype=pl.Boolean))
        .select("work_id", "role", "gross_yen", "reason", "share")
    )

    # Art. 17: the fee is taken from each holder's total, rounded in the holder's favour; a payee
    # receives the sum of its holders' nets.
    say("payees / 支払先")
    holders = (
        statement_lines.group_by("party_id").agg(pl.col("payee_id").first(), pl.col("gross_yen").sum()).sort("party_id")
    )
    holders = holders.with_columns(_fees(holders["gross_yen"], period.admin_fee_rate)).with_columns(
        (pl.col("gross_yen") - pl.col("fee_yen")).alias("net_yen")
    )
    payees = (
        holders.group_by("payee_id")
        .agg(pl.col("gross_yen").sum(), pl.col("fee_yen").sum(), pl.col("net_yen").sum())
        .sort("payee_id")
    )

    # Points per work and fund, exact (for audit: work amount = points × unit price).
    point_frames = []
    for order, fund in enumerate(FUNDS):
        idx = np.flatnonzero(uses[fund])
        numerators = raws[fund][idx] * basic[fund][idx] if len(idx) else np.zeros(0, dtype=object)
        point_frames.append(
            pl.DataFrame({"w": idx.astype(np.int64), "order": np.full(len(idx), order, dtype=np.int64)}).with_columns(
                _ratio_texts(numerators, denominators[fund] * common_w).alias("points"),
                pl.lit(fund).alias("fund"),
            )
        )
    points_frame = pl.concat(point_frames).sort("w", "order")
    work_points = points_frame.select(work_ids.gather(points_frame["w"].to_numpy()).alias("work_id"), "fund", "points")

    notes_of_sig = [resolved[signature].notes for signature in signatures]
    noted = np.array([bool(notes) for notes in notes_of_sig] + [False], dtype=bool)
    review_works = np.flatnonzero(used & noted[sig_of_w]) if n else np.zeros(0, dtype=np.int64)
    review = pl.DataFrame(
        [(work_ids[int(i)], note) for i in review_works for note in notes_of_sig[sig_of_w[i]]],
        schema={"work_id": pl.String, "note": pl.String},
        orient="row",
    ).sort("work_id", "note")

    # Art. 21–24, NM 8–10: claims, priced with this period's unit prices.
    claims = _price_claims(
        frames,
        rules,
        rows.with_columns(pl.Series("wn", row_wn)).filter(pl.Series(valid)),
        works,
        raws,
        uses,
        common_w,
        denominators,
        unit_prices,
    )

    undistributed = floor_yen(sum((split.fund_amounts[f] for f in FUNDS if not total_points[f]), Fraction(0)))
    lines_total = int(statement_lines["gross_yen"].sum())
    summary = build_summary(
        period=period.period,
        reference_date=period.reference_date.isoformat(),
        rules=rules,
        split=split,
        lines_total_yen=lines_total,
        held_total_yen=int(held["gross_yen"].sum()),
        fees_total_yen=int(payees["fee_yen"].sum()),
        undistributed_yen=undistributed,
        claims=claims,
        unit_prices=unit_prices,
        total_points=total_points,
        counts={
            "statement_lines": statement_lines.height,
            "payees": payees.height,
            "held_lines": held.height,
            "works_with_points": int(used.sum()),
        },
    )
    return EngineResult(
        summary=summary,
        statement_lines=statement_lines,
        payees=payees.select("payee_id", "gross_yen", "fee_yen", "net_yen"),
        holders=holders.select("party_id", "payee_id", "gross_yen", "fee_yen", "net_yen"),
        held=held,
        work_points=work_points,
        claims=claims_frame(claims),
        review=review,
        floored_items=statement_lines.height + held.height + 1,
    )


def _price_claims(
    frames: PrcFrames,
    rules: PrcRuleSet,
    rows: pl.DataFrame,
    works: pl.DataFrame,
    raws: dict[str, np.ndarray],
    uses: dict[str, np.ndarray],
    common_w: int,
    denominators: dict[str, int],
    unit_prices: dict[str, Fraction | None],
) -> list[ClaimResult]:
    if frames.claims.height == 0:
        return []
    claimants = frames.claims.select("party_id", "work_id").unique()
    holder_rows = rows.filter(pl.col("party_id").is_not_null()).join(claimants, on=["party_id", "work_id"], how="semi")
    holder_weights: dict[tuple[str, str], Fraction] = {}
    for party_id, work_id, wn in holder_rows.select("party_id", "work_id", "wn").iter_rows():
        key = (party_id, work_id)
        holder_weights[key] = holder_weights.get(key, Fraction(0)) + Fraction(int(wn), common_w)
    raw_points: dict[tuple[str, str], Fraction] = {}
    for work_id, w in (
        works.join(claimants.select("work_id").unique(), on="work_id", how="semi").select("work_id", "w").iter_rows()
    ):
        for fund in FUNDS:
            if uses[fund][w]:
                raw_points[(work_id, fund)] = Fraction(int(raws[fund][w]), denominators[fund])
    parties = {p.party_id: p for p in parties_from_frame(frames.parties.join(claimants, on="party_id", how="semi"))}
    known = frames.works.join(claimants, on="work_id", how="semi")["work_id"].to_list()
    claims = claims_from_frame(frames.claims)
    results = price_claims(
        claims,
        parties=parties,
        known_works=dict.fromkeys(known, True),
        holder_weights=holder_weights,
        raw_points=raw_points,
        unit_prices=unit_prices,
        claim_fee_yen=frames.period.claim_fee_yen,
        claim_tax_rate=frames.period.claim_tax_rate,
        rules=rules,
    )
    return sorted(results, key=lambda c: c.claim_id)


def parties_from_frame(frame: pl.DataFrame) -> list[Party]:
    parties = []
    for p in frame.iter_rows(named=True):
        excluded = frozenset(f.strip() for f in (p["excluded_funds"] or "").lower().split("|") if f.strip())
        parties.append(
            Party(
                party_id=p["party_id"],
                name=p["name"] or "",
                category=p["category"],
                society=p["society"],
                withholding=bool(p["withholding"]),
                excluded_funds=excluded,
                paid_through=p["paid_through"],
            )
        )
    return parties


def claims_from_frame(frame: pl.DataFrame) -> list[Claim]:
    return [
        Claim(
            claim_id=c["claim_id"],
            party_id=c["party_id"],
            work_id=c["work_id"],
            fund=c["fund"],
            use_date=c["use_date"],
            claimed_on=c["claimed_on"],
            special_circumstances=bool(c["special_circumstances"]),
        )
        for c in frame.iter_rows(named=True)
    ]


def works_from_frame(frame: pl.DataFrame) -> list[Work]:
    return [
        Work(w["work_id"], w["title"] or "", bool(w["music_expired"]), bool(w["lyrics_expired"]))
        for w in frame.iter_rows(named=True)
    ]


CLAIM_COLUMNS = (
    "claim_id",
    "status",
    "gross_yen",
    "fee_yen",
    "tax_yen",
    "net_yen",
    "payee_id",
    "points",
    "priced_yen",
    "reason",
)


def claims_frame(claims: Sequence[ClaimResult]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (
                c.claim_id,
                c.status,
                c.gross_yen,
                c.fee_yen,
                c.tax_yen,
                c.net_yen,
                c.payee_id,
                format_ratio(c.points),
                c.priced_yen,
                c.reason or None,
            )
            for c in claims
        ],
        schema={
            "claim_id": pl.String,
            "status": pl.String,
            "gross_yen": pl.Int64,
            "fee_yen": pl.Int64,
            "tax_yen": pl.Int64,
            "net_yen": pl.Int64,
            "payee_id": pl.String,
            "points": pl.String,
            "priced_yen": pl.Int64,
            "reason": pl.String,
        },
        orient="row",
    )


def result_from_outcome(outcome: Outcome, floored_items: int) -> EngineResult:
    """The row-by-row outcome in the engine's tabular form (for writing and comparing)."""
    return EngineResult(
        summary=outcome.summary,
        statement_lines=pl.DataFrame(
            [(s.party_id, s.payee_id, s.work_id, s.gross_yen) for s in outcome.statement_lines],
            schema={
                "party_id": pl.String,
                "payee_id": pl.String,
                "work_id": pl.String,
                "gross_yen": pl.Int64,
            },
            orient="row",
        ),
        payees=pl.DataFrame(
            [(p.payee_id, p.gross_yen, p.fee_yen, p.net_yen) for p in outcome.payees],
            schema={"payee_id": pl.String, "gross_yen": pl.Int64, "fee_yen": pl.Int64, "net_yen": pl.Int64},
            orient="row",
        ),
        held=pl.DataFrame(
            [(h.work_id, h.role or None, h.gross_yen, h.reason, format_ratio(h.share)) for h in outcome.held],
            schema={
                "work_id": pl.String,
                "role": pl.String,
                "gross_yen": pl.Int64,
                "reason": pl.String,
                "share": pl.String,
            },
            orient="row",
        ),
        work_points=pl.DataFrame(
            [(w.work_id, w.fund, format_ratio(w.points)) for w in outcome.work_points],
            schema={"work_id": pl.String, "fund": pl.String, "points": pl.String},
            orient="row",
        ),
        claims=claims_frame(outcome.claims),
        review=pl.DataFrame(
            [(r.work_id, r.note) for r in outcome.review],
            schema={"work_id": pl.String, "note": pl.String},
            orient="row",
        ),
        floored_items=floored_items,
        holders=pl.DataFrame(
            [(h.party_id, h.payee_id, h.gross_yen, h.fee_yen, h.net_yen) for h in outcome.holders],
            schema={
                "party_id": pl.String,
                "payee_id": pl.String,
                "gross_yen": pl.Int64,
                "fee_yen": pl.Int64,
                "net_yen": pl.Int64,
            },
            orient="row",
        ),
    )


def period_input_from_frames(frames: PrcFrames) -> PeriodInput:
    """The validated folder as plain core values, for the row-by-row path."""

    def ratio(num: int, den: int) -> Fraction:
        return Fraction(int(num), int(den))

    rights = [
        Right(
            work_id=r["work_id"],
            party_id=r["party_id"],
            role=r["role"],
            share=ratio(r["share_num"], r["share_den"]) if r["has_share"] else None,
            submitted_on=r["submitted_on"],
            valid_from=r["valid_from"],
            valid_to=r["valid_to"],
        )
        for r in frames.rights.iter_rows(named=True)
    ]
    broadcast = [
        BroadcastUse(
            work_id=u["work_id"],
            use_count=int(u["use_count"]),
            differential_points=ratio(u["differential_num"], u["differential_den"]),
            station_points=ratio(u["station_num"], u["station_den"]),
            sampling_rate=ratio(u["sampling_num"], u["sampling_den"]),
            use_type=u["use_type"],
            station_kind=u["station_kind"],
        )
        for u in frames.broadcast.iter_rows(named=True)
    ]
    recording = [
        RecordingUse(
            work_id=u["work_id"],
            deemed_songs=ratio(u["deemed_num"], u["deemed_den"]),
            units=int(u["units"]),
            recording_class=int(u["recording_class"]),
            purpose=u["purpose"],
        )
        for u in frames.recording.iter_rows(named=True)
    ]
    rental = [
        RentalUse(
            work_id=u["work_id"],
            deemed_songs=ratio(u["deemed_num"], u["deemed_den"]),
            rental_count=int(u["rental_count"]),
            rental_class=int(u["rental_class"]),
        )
        for u in frames.rental.iter_rows(named=True)
    ]
    claims = claims_from_frame(frames.claims)
    return PeriodInput(
        period=frames.period,
        parties=parties_from_frame(frames.parties),
        works=works_from_frame(frames.works),
        rights=rights,
        broadcast=broadcast,
        recording=recording,
        rental=rental,
        claims=claims,
    )
