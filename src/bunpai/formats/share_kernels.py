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
def rows_of_flagged_groups(codes: Any, first: Any, second: Any, size: int, out: Any) -> None:
    """``out[i]``: whether any row of row i's group (``codes[i]``, below ``size``) is flagged in
    ``first`` or ``second``. Two passes over the rows and a flag per group, instead of a count of
    each mask's codes and a gather."""
    flagged = np.zeros(size, dtype=np.bool_)
    for i in range(len(codes)):
        if first[i] or second[i]:
            flagged[codes[i]] = True
    for i in range(len(codes)):
        out[i] = flagged[codes[i]]


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


# Greatest common divisors of parts below this are looked up in a table made per call.
_SMALL_PARTS = 128


@_compile
def _euclid(a: Any, b: Any) -> Any:
    """gcd of two non-negative integers."""
    while b:
        a, b = b, a % b
    return a


@_compile
def reduced_ratios(num: Any, den: Any, out_num: Any, out_den: Any) -> bool:
    """Each ratio ``num[i] / den[i]`` divided by the greatest common divisor of its parts' absolute
    values (1 when both are 0), into ``out_num`` and ``out_den`` (floor division, as NumPy's): the
    same values as ``np.gcd`` and ``//``, in one pass and without 64-bit temporaries. Parts below
    128 take their divisor from a table. Returns False, leaving the rest undone, at a part of
    −2⁶³ (no absolute value): the caller then reduces with NumPy."""
    small = np.empty((_SMALL_PARTS, _SMALL_PARTS), dtype=np.int64)
    for row in range(_SMALL_PARTS):
        for column in range(_SMALL_PARTS):
            small[row, column] = _euclid(np.int64(row), np.int64(column))
    lowest = np.int64(-(2**63))
    for i in range(len(num)):
        a = np.int64(num[i])
        b = np.int64(den[i])
        if a == lowest or b == lowest:
            return False
        x = -a if a < 0 else a
        y = -b if b < 0 else b
        g = small[x, y] if x < _SMALL_PARTS and y < _SMALL_PARTS else _euclid(x, y)
        if g == 0:
            g = 1
        out_num[i] = a // g
        out_den[i] = b // g
    return True


# A work's rows compared pair by pair up to this many, sorted above it.
_FEW_ROWS = 16


@_compile
def _sorted_repeat(keys: Any) -> bool:
    """Whether a key is there twice (by sorting a copy)."""
    ordered = np.sort(keys)
    return bool((ordered[1:] == ordered[:-1]).any())


@_compile
def _repeated_in(keys: Any) -> bool:
    """Whether a key of one work is there twice: pair by pair for a few, by sorting for more."""
    if len(keys) > _FEW_ROWS:
        return _sorted_repeat(keys)
    for i in range(1, len(keys)):
        for j in range(i):
            if keys[i] == keys[j]:
                return True
    return False


@_compile
def _repeated_by_work(
    work: Any, role: Any, right: Any, party: Any, keyed: Any, n_rights: int, n_parties: int, top: int
) -> int:
    """:func:`holder_repeated` for rows in any order: the keyed rows' keys placed by work (a count
    per work, then each key at its work's next free place, from the end), then each work's keys
    compared. Two passes over the rows and one over the works; no sort of every key."""
    place = np.zeros(top + 2, dtype=np.int64)  # place[w + 1]: rows of works ≤ w, then w's first place
    for i in range(len(work)):
        if keyed[i]:
            place[work[i] + 1] += 1
    for w in range(1, top + 2):
        place[w] += place[w - 1]
    keys = np.empty(place[top + 1], dtype=np.int64)
    for i in range(len(work)):
        if keyed[i]:
            w = work[i] + 1
            place[w] -= 1
            keys[place[w]] = (np.int64(role[i]) * n_rights + right[i]) * n_parties + party[i]
    # Work w's keys are now keys[place[w + 1] : place[w + 2]] (the last work's end: every key).
    for w in range(top + 1):
        end = place[w + 2] if w < top else len(keys)
        if end - place[w + 1] > 1 and _repeated_in(keys[place[w + 1] : end]):
            return 1
    return 0


@_compile
def holder_repeated(work: Any, role: Any, right: Any, party: Any, keyed: Any, n_rights: int, n_parties: int) -> int:
    """Whether two keyed rows (``keyed[i]``) have the same work, role, right and party: 1 if so,
    0 if not. Rows grouped by work — as share rows come — are compared within each work only:
    pair by pair for a few rows, by sorting the work's keys for more. Once a work's rows are seen
    apart from each other, every key is put with its work's by a counting sort on the work
    (:func:`_repeated_by_work`) and compared the same way. On the keyed rows
    ``work``, ``role`` ≥ 0, ``0 ≤ right < n_rights``, ``0 ≤ party < n_parties``, and
    ``(role × n_rights + right) × n_parties + party`` fits in 63 bits."""
    top = -1
    for i in range(len(work)):
        if keyed[i] and work[i] > top:
            top = work[i]
    seen = np.zeros(top + 1, dtype=np.bool_)
    run = np.empty(_FEW_ROWS, dtype=np.int64)  # the keys of the current work's rows (grown as needed)
    size = 0
    current = np.int64(-1)
    for i in range(len(work)):
        if not keyed[i]:
            continue
        w = np.int64(work[i])
        if w != current:
            if size > _FEW_ROWS and _sorted_repeat(run[:size]):
                return 1
            if seen[w]:
                return _repeated_by_work(work, role, right, party, keyed, n_rights, n_parties, top)
            seen[w] = True
            current = w
            size = 0
        key = (np.int64(role[i]) * n_rights + right[i]) * n_parties + party[i]
        if size < _FEW_ROWS:
            for j in range(size):
                if run[j] == key:
                    return 1
        elif size == len(run):
            grown = np.empty(size * 2, dtype=np.int64)
            grown[:size] = run
            run = grown
        run[size] = key
        size += 1
    if size > _FEW_ROWS and _sorted_repeat(run[:size]):
        return 1
    return 0
