"""Rule sets as data: rates, ratios, share tables and dates with effective dates.

A rule set is read from a data file by an adapter (``bunpai.rules``) and handed to the core as a
plain mapping; this module only interprets that mapping. Nothing here is a hidden constant:
every value of the regulations comes from the data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from bunpai.core.money import parse_ratio

FUNDS: tuple[str, ...] = ("broadcast", "recording", "rental")
"""The three distribution funds of Art. 9: 放送分配基金, 録音分配基金, 貸レコード分配基金."""

ROLES: tuple[str, ...] = ("composer", "lyricist", "arranger", "translator", "publisher")
"""Roles of Art. 13: 作曲者, 作詞者, 編曲者, 訳詞者, 音楽出版者."""


class RuleSetError(ValueError):
    """A rule set that is not complete or not consistent."""


@dataclass(frozen=True)
class Composition:
    """One row of the Art. 13 table without a publisher (rows 1–6)."""

    row: int
    roles: tuple[str, ...]
    rates: tuple[Fraction, ...]

    def rate_of(self, role: str) -> Fraction:
        return self.rates[self.roles.index(role)]


@dataclass(frozen=True)
class PublisherPatterns:
    """One row of the Art. 13 table with a publisher (rows 7–12) and its allowed patterns."""

    row: int
    roles: tuple[str, ...]
    patterns: tuple[tuple[Fraction, ...], ...]


@dataclass(frozen=True)
class DistributionMonth:
    """Art. 7 and Art. 12: a distribution month, its reference date and the receipt it pays out."""

    month: int
    reference_month: int
    reference_day: int
    reference_year_offset: int
    receipt_month: int
    covers: str

    def reference_date(self, distribution_year: int) -> dt.date:
        return dt.date(
            distribution_year + self.reference_year_offset, self.reference_month, self.reference_day
        )


@dataclass(frozen=True)
class Substitution:
    """Art. 13 ¶3: when ``expired`` (``music`` or ``lyrics``) has expired, ``from_role`` counts as ``to_role``."""

    expired: str
    from_role: str
    to_role: str
    expired_role: str


@dataclass(frozen=True)
class PrcRuleSet:
    """The private recording compensation rule set (私的録音補償金分配規程 and its By-laws)."""

    name: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    title: str
    member_ratio: Fraction
    fund_ratios: Mapping[str, Fraction]
    documents_days_before: int
    claim_years: int
    distribution_months: tuple[DistributionMonth, ...]
    compositions: tuple[Composition, ...]
    fallback_row: int
    publisher_patterns: tuple[PublisherPatterns, ...]
    substitutions: tuple[Substitution, ...]
    broadcast_use_types: frozenset[str]
    broadcast_known_use_types: frozenset[str]
    broadcast_station_kinds: frozenset[str]
    recording_classes: frozenset[int]
    recording_purposes: frozenset[str]
    recording_known_purposes: frozenset[str]
    rental_classes: frozenset[int]
    example_values: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def composition_for(self, roles: Iterable[str]) -> Composition | None:
        wanted = frozenset(roles)
        for composition in self.compositions:
            if frozenset(composition.roles) == wanted:
                return composition
        return None

    def fallback(self) -> Composition:
        for composition in self.compositions:
            if composition.row == self.fallback_row:
                return composition
        raise RuleSetError(f"fallback row {self.fallback_row} is not in the share table")

    def patterns_for(self, roles: Iterable[str]) -> PublisherPatterns | None:
        wanted = frozenset(roles)
        for patterns in self.publisher_patterns:
            if frozenset(patterns.roles) == wanted:
                return patterns
        return None

    def distribution_month(self, month: int) -> DistributionMonth | None:
        for candidate in self.distribution_months:
            if candidate.month == month:
                return candidate
        return None

    def applies_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def with_overrides(self, overrides: Mapping[str, Any]) -> PrcRuleSet:
        """The rule set with a period's overrides.

        Keys: ``member_ratio``, ``fund_broadcast``/``fund_recording``/``fund_rental``,
        ``documents_days_before``, ``claim_years``.
        """
        changes: dict[str, Any] = {}
        funds = dict(self.fund_ratios)
        for key, value in overrides.items():
            if key == "member_ratio":
                changes["member_ratio"] = _ratio(value)
            elif key.startswith("fund_") and key[5:] in FUNDS:
                funds[key[5:]] = _ratio(value)
            elif key in ("documents_days_before", "claim_years"):
                changes[key] = int(value)
            else:
                raise RuleSetError(f"unknown override {key!r}")
        changes["fund_ratios"] = funds
        updated = dataclasses.replace(self, **changes)
        updated.validate()
        return updated

    def validate(self) -> None:
        problems: list[str] = []
        if not 0 <= self.member_ratio <= 1:
            problems.append("member_ratio must be between 0 and 1")
        if set(self.fund_ratios) != set(FUNDS):
            problems.append(f"fund ratios must name exactly {', '.join(FUNDS)}")
        elif sum(self.fund_ratios.values()) != 1:
            problems.append("fund ratios must add up to 1")
        if any(r < 0 for r in self.fund_ratios.values()):
            problems.append("fund ratios must not be negative")
        for composition in self.compositions:
            if sum(composition.rates) != 1:
                problems.append(f"share table row {composition.row} does not add up to 12/12")
            if len(composition.roles) != len(composition.rates):
                problems.append(f"share table row {composition.row}: roles and rates differ in length")
        for patterns in self.publisher_patterns:
            for pattern in patterns.patterns:
                if sum(pattern) != 1 or len(pattern) != len(patterns.roles):
                    problems.append(f"publisher pattern of row {patterns.row} is not a full 12/12: {pattern}")
        if self.documents_days_before < 0 or self.claim_years < 0:
            problems.append("days and years must not be negative")
        if problems:
            raise RuleSetError("; ".join(problems))


def _ratio(value: Any) -> Fraction:
    if isinstance(value, bool):
        raise RuleSetError(f"not a ratio: {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str):
        return parse_ratio(value)
    raise RuleSetError(f"a ratio must be written as a string such as '14/100', got {value!r}")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _strings(values: Sequence[Any]) -> frozenset[str]:
    return frozenset(str(v) for v in values)


def prc_ruleset_from_mapping(data: Mapping[str, Any]) -> PrcRuleSet:
    """Interpret a parsed rule-set document (see ``bunpai/rules/prc/*.toml``)."""
    try:
        meta = data["ruleset"]
        shares = data["shares"]
        eligibility = data["eligibility"]
        compositions = tuple(
            Composition(
                row=int(item["row"]),
                roles=tuple(item["roles"]),
                rates=tuple(_ratio(r) for r in item["rates"]),
            )
            for item in shares["composition"]
        )
        patterns = tuple(
            PublisherPatterns(
                row=int(item["row"]),
                roles=tuple(item["roles"]),
                patterns=tuple(tuple(_ratio(r) for r in p) for p in item["patterns"]),
            )
            for item in shares["publisher_pattern"]
        )
        substitutions = tuple(
            Substitution(
                expired=str(item["expired"]),
                from_role=str(item["from_role"]),
                to_role=str(item["to_role"]),
                expired_role=str(item["expired_role"]),
            )
            for item in shares["substitution"]
        )
        months = tuple(
            DistributionMonth(
                month=int(item["month"]),
                reference_month=int(item["reference_month"]),
                reference_day=int(item["reference_day"]),
                reference_year_offset=int(item.get("reference_year_offset", 0)),
                receipt_month=int(item["receipt_month"]),
                covers=str(item["covers"]),
            )
            for item in data["periods"]["distribution"]
        )
        ruleset = PrcRuleSet(
            name=str(meta["name"]),
            version=str(meta["version"]),
            effective_from=_date(meta["effective_from"]),
            effective_to=_date(meta["effective_to"]) if meta.get("effective_to") else None,
            title=str(meta.get("title", "")),
            member_ratio=_ratio(data["ratios"]["member"]),
            fund_ratios={fund: _ratio(data["funds"][fund]) for fund in FUNDS},
            documents_days_before=int(data["documents"]["days_before_reference"]),
            claim_years=int(data["claims"]["years"]),
            distribution_months=months,
            compositions=compositions,
            fallback_row=int(shares["fallback_row"]),
            publisher_patterns=patterns,
            substitutions=substitutions,
            broadcast_use_types=_strings(eligibility["broadcast"]["use_types"]),
            broadcast_known_use_types=_strings(eligibility["broadcast"]["known_use_types"]),
            broadcast_station_kinds=_strings(eligibility["broadcast"]["station_kinds"]),
            recording_classes=frozenset(int(c) for c in eligibility["recording"]["classes"]),
            recording_purposes=_strings(eligibility["recording"]["purposes"]),
            recording_known_purposes=_strings(eligibility["recording"]["known_purposes"]),
            rental_classes=frozenset(int(c) for c in eligibility["rental"]["classes"]),
            example_values={str(k): str(v) for k, v in data.get("example_values", {}).items()},
        )
    except (KeyError, TypeError, ValueError) as error:
        raise RuleSetError(f"incomplete rule set: {error}") from error
    ruleset.validate()
    return ruleset


def select_ruleset(rulesets: Iterable[PrcRuleSet], day: dt.date) -> PrcRuleSet:
    """The rule set in force on ``day``: the latest effective one."""
    candidates = [r for r in rulesets if r.applies_on(day)]
    if not candidates:
        raise RuleSetError(f"no rule set is in force on {day.isoformat()}")
    return max(candidates, key=lambda r: r.effective_from)
