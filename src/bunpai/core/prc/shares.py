"""Art. 13: the share rates (分配率) of a work's holders.

Rows 1–6 of the table give the rates of a work without a publisher by its composition; rows 7–12
(with a publisher) take the performance shares registered in the work notification (Art. 13 ¶2).
Art. 13 ¶3 substitutes roles when the music or the lyrics are out of copyright.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from bunpai.core.money import format_ratio
from bunpai.core.rules import PrcRuleSet


class ShareError(ValueError):
    """Shares that cannot be resolved (e.g. above 12/12)."""


@dataclass(frozen=True)
class Holding:
    """One counted right row of a work, as far as the share rates are concerned."""

    role: str
    share: Fraction | None


@dataclass(frozen=True)
class WorkShares:
    """The part of the work's money that each holding receives.

    ``weights[i]`` belongs to ``holdings[i]``; ``None`` means the holding is left out (its own
    right has expired: neither paid nor held). ``unregistered`` is the part no counted row covers
    (a share whose holder is not determined, Art. 12 ¶3). The weights and ``unregistered`` add up
    to 1, except for a work whose every holder is out of copyright (all 0).
    """

    weights: tuple[Fraction | None, ...]
    unregistered: Fraction
    row: int | None
    notes: tuple[str, ...] = ()


def resolve_work_shares(
    holdings: Sequence[Holding],
    *,
    music_expired: bool,
    lyrics_expired: bool,
    rules: PrcRuleSet,
) -> WorkShares:
    """Resolve the share rates of one work's counted right rows (Art. 13)."""
    if not holdings:
        return WorkShares((), Fraction(1), None, ("no right registered on the reference date",))

    expired_kinds = {"music"} if music_expired else set()
    if lyrics_expired:
        expired_kinds.add("lyrics")
    left_out = [False] * len(holdings)
    roles = [h.role for h in holdings]
    for substitution in rules.substitutions:
        if substitution.expired not in expired_kinds:
            continue
        for i, holding in enumerate(holdings):
            if holding.role == substitution.expired_role:
                left_out[i] = True
        for i, holding in enumerate(holdings):
            if holding.role == substitution.from_role:
                roles[i] = substitution.to_role

    if "publisher" in roles:
        return _with_publisher(holdings, roles, left_out, rules)
    return _without_publisher(holdings, roles, left_out, rules)


def _with_publisher(
    holdings: Sequence[Holding], roles: list[str], left_out: list[bool], rules: PrcRuleSet
) -> WorkShares:
    shares: list[Fraction] = []
    for holding in holdings:
        if holding.share is None:
            raise ShareError(f"the {holding.role}'s registered share is needed in a work with a publisher")
        shares.append(holding.share)
    covered = sum(shares, Fraction(0))
    if covered > 1:
        raise ShareError(f"registered shares add up to {format_ratio(covered)}, above 12/12")
    kept = sum((s for s, out in zip(shares, left_out, strict=True) if not out), Fraction(0))
    missing = 1 - covered
    total = kept + missing
    notes: list[str] = []
    if total == 0:
        return WorkShares(
            tuple(None for _ in holdings), Fraction(0), None, ("every holder is out of copyright",)
        )
    weights = tuple(None if out else s / total for s, out in zip(shares, left_out, strict=True))
    present = [r for r, out in zip(roles, left_out, strict=True) if not out]
    patterns = rules.patterns_for(present)
    row = patterns.row if patterns else None
    if missing:
        notes.append(f"{format_ratio(missing)} of the work is not registered on the reference date: held")
    elif not any(left_out):
        by_role = {r: Fraction(0) for r in present}
        for r, s, out in zip(roles, shares, left_out, strict=True):
            if not out:
                by_role[r] += s
        if patterns is None:
            notes.append("composition with a publisher is not in the Art. 13 table; applied as registered")
        else:
            registered = tuple(by_role[r] for r in patterns.roles)
            if registered not in patterns.patterns:
                shown = "-".join(
                    str(s * 12) if (s * 12).denominator == 1 else format_ratio(s) for s in registered
                )
                notes.append(
                    f"registered pattern {shown} (twelfths) is not one of row {patterns.row}; applied as registered"
                )
    return WorkShares(weights, missing / total, row, tuple(notes))


def _without_publisher(
    holdings: Sequence[Holding], roles: list[str], left_out: list[bool], rules: PrcRuleSet
) -> WorkShares:
    present = sorted({r for r, out in zip(roles, left_out, strict=True) if not out})
    if not present:
        return WorkShares(
            tuple(None for _ in holdings), Fraction(0), None, ("every holder is out of copyright",)
        )
    notes: list[str] = []
    composition = rules.composition_for(present)
    if composition is not None:
        role_rates = {r: composition.rate_of(r) for r in present}
        row: int | None = composition.row
    else:
        fallback = rules.fallback()
        unknown = [r for r in present if r not in fallback.roles]
        if unknown:
            raise ShareError(f"role {unknown[0]!r} has no rate in the Art. 13 table")
        base = {r: fallback.rate_of(r) for r in present}
        total = sum(base.values(), Fraction(0))
        role_rates = {r: v / total for r, v in base.items()}
        row = None
        notes.append(
            f"composition {'+'.join(present)} is not in the Art. 13 table; shared in proportion to row {fallback.row}"
        )
    weights: list[Fraction | None] = [None] * len(holdings)
    for role in present:
        members = [i for i, (r, out) in enumerate(zip(roles, left_out, strict=True)) if r == role and not out]
        given = [holdings[i].share for i in members]
        if all(s is not None for s in given) and sum(s for s in given if s is not None) > 0:
            total_given = sum((s for s in given if s is not None), Fraction(0))
            for i in members:
                share = holdings[i].share
                assert share is not None
                weights[i] = role_rates[role] * share / total_given
        else:
            for i in members:
                weights[i] = role_rates[role] / len(members)
    return WorkShares(tuple(weights), Fraction(0), row, tuple(notes))
