"""Compiled loops of the identification engine (楽曲の特定の計算核).

* The search of the works sharing the rarest trigrams of a reading key, in one pass over the
  postings with a reused counter per work (concatenating, sorting and partitioning the postings
  with NumPy took more than twice as long); called by
  :meth:`WorkIndex._trigram_search <bunpai.identify.engine.WorkIndex._trigram_search>`.
* The exact name scores of many (line, work) pairs, from name keys as ids; called by
  :meth:`WorkIndex._pair_name_scores <bunpai.identify.engine.WorkIndex._pair_name_scores>`.

Compiled by Numba on first use and cached beside this module.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from bunpai.identify.engine import _ALPHABET

_compile = njit(cache=True, nogil=True)


@_compile
def trigram_search(
    codes: Any,
    offsets: Any,
    postings: Any,
    rank: Any,
    counts: Any,
    touched: Any,
    limit: int,
    rarest: int,
    budget: int,
    in_id_order: bool,
) -> Any:
    """The works sharing most of the rarest trigrams of a key, given as its letter codes.

    * The key's distinct trigrams (letters and digits only) are taken rarest first, ties by
      trigram id; their postings are added while they fit in ``budget`` (the first always),
      empty ones counting as used; at most ``rarest`` of them are looked at.
    * A work is kept when it is in at least 40 % of the used trigrams' postings (at least one).
    * More than ``limit`` works: the first ``limit`` by count, then by ``rank`` (the work's rank in
      work id order, which is its position when ``in_id_order``), in that order. Otherwise all
      of them, ascending by position.

    ``counts`` (one per work, all zero) and ``touched`` (one per work) are scratch arrays;
    ``counts`` is left as it was found. A work's count is at most ``rarest``, so ``counts`` may be
    of any integer type that holds it: the engine's is one byte a work (a million works' counter
    is then 1 MB rather than 4, and the searches' scattered increments miss the caches less).
    """
    n = len(codes)
    if n < 3:
        return np.zeros(0, dtype=np.int64)
    grams = np.empty(n - 2, dtype=np.int64)
    m = 0
    for i in range(n - 2):
        a, b, c = codes[i], codes[i + 1], codes[i + 2]
        if a > 0 and b > 0 and c > 0:
            grams[m] = (a * _ALPHABET + b) * _ALPHABET + c
            m += 1
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    grams = np.unique(grams[:m])
    sizes = np.empty(len(grams), dtype=np.int64)
    for g in range(len(grams)):
        sizes[g] = offsets[grams[g] + 1] - offsets[grams[g]]
    order = np.argsort(sizes, kind="mergesort")
    used = 0
    chosen = 0
    found = 0
    for k in range(min(rarest, len(order))):
        g = order[k]
        size = sizes[g]
        if size == 0:
            used += 1
            continue
        if chosen > 0 and size > budget:
            break
        start = offsets[grams[g]]
        for p in range(start, start + size):
            work = postings[p]
            if counts[work] == 0:
                touched[found] = work
                found += 1
            counts[work] += 1
        chosen += 1
        budget -= size
        used += 1
    need = max(1, int(used * 0.4))
    # How many works have each count (a count is at most the number of trigrams used).
    histogram = np.zeros(used + 2, dtype=np.int64)
    for j in range(found):
        histogram[counts[touched[j]]] += 1
    kept = 0
    for c in range(need, used + 1):
        kept += histogram[c]
    if kept <= limit:
        hits = np.empty(kept, dtype=np.int64)
        kept = 0
        for j in range(found):
            work = touched[j]
            if counts[work] >= need:
                hits[kept] = work
                kept += 1
            counts[work] = 0
        return np.sort(hits)
    # The count of the limit-th work (the floor): the works above it all, and of those at the
    # floor the first by rank in work id order.
    floor = used
    above = 0
    while above + histogram[floor] < limit:
        above += histogram[floor]
        floor -= 1
    wanted = limit - above
    tied = np.empty(histogram[floor], dtype=np.int64)
    hits = np.empty(limit, dtype=np.int64)
    keys = np.empty(limit, dtype=np.int64)
    n_tied = 0
    n_above = 0
    top = len(rank)
    for j in range(found):
        work = touched[j]
        count = np.int64(counts[work])  # whatever the counter's type
        if count > floor:
            hits[n_above] = work
            keys[n_above] = -count * top + rank[work]
            n_above += 1
        elif count == floor:
            # the rank in work id order is the position when the works are in that order (the
            # common case: no look-up per work)
            tied[n_tied] = work if in_id_order else rank[work] * top + work
            n_tied += 1
        counts[work] = 0
    order = np.argsort(keys[:n_above])
    result = np.empty(limit, dtype=np.int64)
    for j in range(n_above):
        result[j] = hits[order[j]]
    if n_tied > wanted:
        tied = np.partition(tied, wanted - 1)[:wanted]
    tied = np.sort(tied[:wanted])
    for j in range(wanted):
        result[n_above + j] = tied[j] if in_id_order else tied[j] % top
    return result


@_compile
def exact_name_scores(
    line_of: Any,
    works: Any,
    name_offsets: Any,
    name_keys: Any,
    position_offsets: Any,
    key_offsets: Any,
    line_keys: Any,
    scores: Any,
) -> None:
    """The exact name score of each (line, work) pair: the share of the line's names (its
    positions with keys) of which a key is among the work's exact name keys.

    Keys are ids. A work's keys are ``name_keys[name_offsets[w]:name_offsets[w + 1]]``, ascending;
    line ``k``'s positions are ``position_offsets[k]`` to ``position_offsets[k + 1]``, and a
    position's keys ``line_keys[key_offsets[i]:key_offsets[i + 1]]`` (a key no work has is left
    out: it can agree with none). ``scores[p]`` is set for every pair of a line with positions; a
    pair of a line without any is left as it is.
    """
    for p in range(len(works)):
        line = line_of[p]
        first, last = position_offsets[line], position_offsets[line + 1]
        if first == last:
            continue
        start, end = name_offsets[works[p]], name_offsets[works[p] + 1]
        found = 0
        if start < end:
            for position in range(first, last):
                for i in range(key_offsets[position], key_offsets[position + 1]):
                    key = line_keys[i]
                    # a binary search among the work's keys
                    low, high = start, end
                    while low < high:
                        middle = (low + high) >> 1
                        if name_keys[middle] < key:
                            low = middle + 1
                        else:
                            high = middle
                    if low < end and name_keys[low] == key:
                        found += 1
                        break
        scores[p] = found / (last - first)
