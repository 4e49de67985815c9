"""Shares of a work's right on the reference date (§4.3, contract step 3 and 5).

Registered shares apply as registered. A work and right whose counted rows carry no share and no
publisher takes the default table of the private recording rules (composer 12/12; composer and
lyricist 6/12 each; …), through :func:`bunpai.core.prc.shares.resolve_work_shares`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from bunpai.core.broadcast.model import Party, RightRow
from bunpai.core.prc.shares import Holding, resolve_work_shares
from bunpai.core.rules import PrcRuleSet


@dataclass(frozen=True)
class ResolvedShares:
    """The counted rows of one work and right with their shares.

    ``basic`` is the part of the work that is paid or held here (every share but non-members');
    ``undetermined`` the part whose holder is not determined (the unregistered rest and the rows
    without a party), held.
    """

    rows: tuple[RightRow, ...]
    shares: tuple[Fraction, ...]
    basic: Fraction
    undetermined: Fraction


def counts_on(row: RightRow, reference_date: dt.date, days_before: int) -> bool:
    """Valid on the reference date and submitted at least ``days_before`` days before it."""
    if row.valid_from is not None and row.valid_from > reference_date:
        return False
    if row.valid_to is not None and row.valid_to < reference_date:
        return False
    return row.submitted_on <= reference_date - dt.timedelta(days=days_before)


def default_shares(roles: Sequence[str], table: PrcRuleSet) -> tuple[Fraction, ...]:
    """The default shares of rows without registered shares (the Art. 13 table of the PRC rules)."""
    resolved = resolve_work_shares(
        [Holding(role, None) for role in roles], music_expired=False, lyrics_expired=False, rules=table
    )
    return tuple(w if w is not None else Fraction(0) for w in resolved.weights)


def resolve(rows: Sequence[RightRow], parties: Mapping[str, Party], table: PrcRuleSet) -> ResolvedShares:
    if not rows:
        return ResolvedShares((), (), Fraction(1), Fraction(1))
    if all(r.share is None for r in rows) and not any(r.role == "publisher" for r in rows):
        shares = default_shares([r.role for r in rows], table)
    else:
        if any(r.share is None for r in rows):
            raise ValueError(f"work {rows[0].work_id!r}: some rows of the {rows[0].right} right have no share")
        shares = tuple(r.share for r in rows if r.share is not None)
    total = sum(shares, Fraction(0))
    if total > 1:
        raise ValueError(f"work {rows[0].work_id!r}: {rows[0].right} shares add up to {total}, above 1")
    nonmember = sum(
        (s for r, s in zip(rows, shares, strict=True) if r.party_id is not None and not parties[r.party_id].paid),
        Fraction(0),
    )
    undetermined = (1 - total) + sum((s for r, s in zip(rows, shares, strict=True) if r.party_id is None), Fraction(0))
    return ResolvedShares(tuple(rows), shares, 1 - nonmember, undetermined)
