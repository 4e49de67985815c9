"""The broadcast rule set as data: point tables, fee rates by period, withholding, licence rates.

Interpreted from a plain mapping (``bunpai/rules/broadcast/*.toml``); no value lives in code.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from bunpai.core.money import Yen, floor_yen, parse_ratio
from bunpai.core.rules import RuleSetError

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def parse_quarter(text: str) -> tuple[int, int]:
    """``2026Q2`` → (2026, 2)."""
    match = _QUARTER.match(str(text).strip())
    if not match:
        raise ValueError(f"not a quarter YYYYQn: {text!r}")
    return int(match.group(1)), int(match.group(2))


def quarter_index(text: str) -> int:
    year, q = parse_quarter(text)
    return year * 4 + q - 1


def _ratio(value: Any) -> Fraction:
    if isinstance(value, bool):
        raise RuleSetError(f"not a ratio: {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    return parse_ratio(str(value))


@dataclass(frozen=True)
class TimePoints:
    """Time points (時間点数) of a use by its duration: bands, or per second up to a cap (§4.2)."""

    bands: tuple[tuple[int, Fraction], ...] = ()
    per_extra: tuple[int, Fraction] | None = None
    per_second_cap: int | None = None

    def points(self, duration_s: int) -> Fraction:
        if duration_s < 0:
            raise ValueError("a duration must not be negative")
        if self.per_second_cap is not None:
            return Fraction(min(duration_s, self.per_second_cap))
        for bound, value in self.bands:
            if duration_s <= bound:
                return value
        last_bound, last_value = self.bands[-1]
        if self.per_extra is None:
            return last_value
        step, extra = self.per_extra
        return last_value + extra * math.ceil((duration_s - last_bound) / step)

    def validate(self) -> list[str]:
        problems = []
        if self.per_second_cap is not None:
            if self.bands:
                problems.append("time points are either bands or per_second_cap, not both")
            if self.per_second_cap < 0:
                problems.append("per_second_cap must not be negative")
            return problems
        if not self.bands:
            problems.append("time points need bands or per_second_cap")
        bounds = [b for b, _ in self.bands]
        if bounds != sorted(set(bounds)):
            problems.append("band bounds must increase")
        if any(b < 0 for b in bounds):
            problems.append("band bounds must not be negative")
        if self.per_extra is not None and self.per_extra[0] <= 0:
            problems.append("per_extra needs a period above 0 seconds")
        return problems

    def denominators(self) -> list[int]:
        values = [v for _, v in self.bands]
        if self.per_extra is not None:
            values.append(self.per_extra[1])
        return [v.denominator for v in values] or [1]


def time_points_from_mapping(data: Mapping[str, Any]) -> TimePoints:
    if "per_second_cap" in data:
        cap = data["per_second_cap"]
        if isinstance(cap, bool) or not isinstance(cap, int):
            raise RuleSetError("per_second_cap must be a whole number of seconds")
        return TimePoints(per_second_cap=cap)
    bands = tuple((int(b), _ratio(v)) for b, v in data.get("bands", []))
    extra = data.get("per_extra")
    per_extra = (int(extra[0]), _ratio(extra[1])) if extra else None
    return TimePoints(bands=bands, per_extra=per_extra)


@dataclass(frozen=True)
class FeeRate:
    from_quarter: str
    to_quarter: str | None
    rate: Fraction


@dataclass(frozen=True)
class Withholding:
    """Income tax withheld from an individual's payment: rate by band of the payment, then ``above``."""

    applies_to: frozenset[str]
    bands: tuple[tuple[int, Fraction], ...]
    above: Fraction

    def tax(self, amount_yen: Yen) -> Yen:
        """Tax on one payment, each band's part floored together (in the payee's favour)."""
        if amount_yen <= 0:
            return 0
        exact = Fraction(0)
        lower = 0
        for bound, rate in self.bands:
            part = min(amount_yen, bound) - lower
            if part > 0:
                exact += part * rate
            lower = bound
        if amount_yen > lower:
            exact += (amount_yen - lower) * self.above
        return floor_yen(exact)


@dataclass(frozen=True)
class BroadcastRuleSet:
    name: str
    version: str
    effective_from: dt.date
    title: str
    documents_days_before: int
    time_points: TimePoints
    method_points: Mapping[str, Fraction]
    admin_fees: tuple[FeeRate, ...]
    default_recording_ratio: Fraction
    fund_groups: tuple[str, ...]
    yearly_groups: frozenset[str]
    distribution_months: tuple[int, ...]
    foreign_delay_months: int
    holds_retention_quarters: int
    withholding: Withholding
    licence_instalments: int
    licence_rates: Mapping[str, Fraction]
    licence_minimum_yen: Mapping[str, Yen]
    crd: Mapping[str, str]
    payments: Mapping[str, str] = field(default_factory=dict)
    example: bool = True
    example_values: Mapping[str, str] = field(default_factory=dict)
    # Per-use fees (個別使用料) by station kind: yen per use of a work, by its duration (bands of
    # (up to seconds, yen), further periods at ``per_extra``) — the same shape as the time points.
    licence_per_use: Mapping[str, TimePoints] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def admin_fee_rate(self, quarter: str) -> Fraction:
        """The administration fee rate of ``quarter``: the last listed row that covers it."""
        index = quarter_index(quarter)
        found: Fraction | None = None
        for row in self.admin_fees:
            if quarter_index(row.from_quarter) <= index and (
                row.to_quarter is None or index <= quarter_index(row.to_quarter)
            ):
                found = row.rate
        if found is None:
            raise RuleSetError(f"no administration fee rate covers {quarter}")
        return found

    def validate(self) -> None:
        problems = self.time_points.validate()
        if not 0 <= self.default_recording_ratio <= 1:
            problems.append("recording_ratio must be between 0 and 1")
        for row in self.admin_fees:
            if not 0 <= row.rate <= 1:
                problems.append(f"admin fee rate {row.rate} is not between 0 and 1")
        if self.documents_days_before < 0 or self.foreign_delay_months < 0:
            problems.append("days and months must not be negative")
        for kind, tariff in self.licence_per_use.items():
            problems += [f"per-use tariff of {kind}: {p}" for p in tariff.validate()]
            if tariff.per_second_cap is not None:
                problems.append(f"per-use tariff of {kind}: give yen by duration bands, not per second")
            elif any(
                v.denominator != 1 or v < 0 for v in [*(v for _, v in tariff.bands), *(tariff.per_extra or ())[1:]]
            ):
                problems.append(f"per-use tariff of {kind}: amounts are whole, non-negative yen")
        if problems:
            raise RuleSetError("; ".join(problems))


def broadcast_ruleset_from_mapping(data: Mapping[str, Any]) -> BroadcastRuleSet:
    try:
        meta = data["ruleset"]
        groups = data["fund_groups"]
        schedule = data["schedule"]
        withholding = data["withholding"]
        licence = data["licence"]
        effective = meta["effective_from"]
        ruleset = BroadcastRuleSet(
            name=str(meta["name"]),
            version=str(meta["version"]),
            effective_from=effective if isinstance(effective, dt.date) else dt.date.fromisoformat(str(effective)),
            title=str(meta.get("title", "")),
            documents_days_before=int(data["documents"]["days_before_reference"]),
            time_points=time_points_from_mapping(data["time_points"]),
            method_points={str(k): _ratio(v) for k, v in data["method_points"].items()},
            admin_fees=tuple(
                FeeRate(
                    str(r["from_quarter"]), str(r["to_quarter"]) if r.get("to_quarter") else None, _ratio(r["rate"])
                )
                for r in data["admin_fee"]
            ),
            default_recording_ratio=_ratio(groups["recording_ratio"]),
            fund_groups=tuple(str(g) for g in groups["groups"]),
            yearly_groups=frozenset(str(g) for g in groups.get("yearly", [])),
            distribution_months=tuple(int(m) for m in schedule["distribution_months"]),
            foreign_delay_months=int(schedule["foreign_delay_months"]),
            holds_retention_quarters=int(schedule["holds_retention_quarters"]),
            withholding=Withholding(
                applies_to=frozenset(str(k) for k in withholding["applies_to"]),
                bands=tuple((int(b), _ratio(r)) for b, r in withholding["bands"]),
                above=_ratio(withholding["above"]),
            ),
            licence_instalments=int(licence["instalments"]),
            licence_rates={str(k): _ratio(v) for k, v in licence["rates"].items()},
            licence_minimum_yen={str(k): int(v) for k, v in licence.get("minimum_yen", {}).items()},
            crd={str(k): str(v) for k, v in data["crd"].items()},
            payments={str(k): str(v) for k, v in data.get("payments", {}).items()},
            example=bool(meta.get("example", True)),
            example_values={str(k): str(v) for k, v in data.get("example_values", {}).items()},
            licence_per_use={str(k): time_points_from_mapping(v) for k, v in licence.get("per_use", {}).items()},
        )
    except (KeyError, TypeError, ValueError) as error:
        raise RuleSetError(f"incomplete broadcast rule set: {error}") from error
    ruleset.validate()
    return ruleset


def select_broadcast_ruleset(rulesets: Iterable[BroadcastRuleSet], day: dt.date) -> BroadcastRuleSet:
    candidates = [r for r in rulesets if r.effective_from <= day]
    if not candidates:
        raise RuleSetError(f"no broadcast rule set is in force on {day.isoformat()}")
    return max(candidates, key=lambda r: r.effective_from)
