"""Compiled checks of the share rows (権利者の持分の検査の計算核).

The totals of the counted shares per (work, right) and the rows whose totals break a rule, in
two passes over the rows' own columns: no full-length temporary array per step (at 3 × 10⁷ rows,
each would be hundreds of megabytes of fresh memory). Compiled by Numba on first use and cached
beside this module; called by :func:`bunpai.formats.broadcast_input._check_totals`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

_compile = njit(cache=True, nogil=True)


@_compile
def add_share_totals(
    codes: Any,
    share_num: Any,
    share_den: Any,
    given: Any,
    publisher: Any,
    common: int,
    total: Any,
    publisher_total: Any,
) -> None:
    """Add each given share, over the common denominator ``common`` (a share above 1 counted as
    1: it is reported on its own), into ``total[code]``, and a publisher's also into
    ``publisher_total[code]``. The caller has checked that no sum can pass 2⁶³ (rows × common)."""
    for i in range(len(codes)):
        if not given[i]:
            continue
        den = share_den[i]
        value = min(share_num[i], den) * (common // den)
        code = codes[i]
        total[code] += value
        if publisher[i]:
            publisher_total[code] += value


@_compile
def rows_over(
    codes: Any,
    given: Any,
    performing: Any,
    total: Any,
    publisher_total: Any,
    common: int,
    out: Any,
) -> int:
    """The given rows of a (work, right) whose shares add up to more than 1, or whose publishers
    hold more than 6/12 of the performing right: their positions written into ``out`` (one slot
    per row at least); returns how many."""
    n = 0
    for i in range(len(codes)):
        if not given[i]:
            continue
        code = codes[i]
        if total[code] > common or (performing[i] and publisher_total[code] * 2 > common):
            out[n] = i
            n += 1
    return n


@_compile
def party_keys(party: Any, table: Any, lowest: int) -> Any:
    """Each row's party key ``table[party − lowest]``, −1 where the id falls outside the table
    (the table's cells of ids that are not parties hold −1 too; its last cell is one of them)."""
    keys = np.empty(len(party), dtype=np.int64)
    outside = len(table) - 1
    for i in range(len(party)):
        at = party[i] - lowest
        keys[i] = table[at] if 0 <= at < outside else table[outside]
    return keys
