"""Compiled loops of the identification engine (楽曲の特定の計算核).

* The search of the works sharing the rarest trigrams of a reading key, in one pass over the
  postings with a reused counter per work (concatenating, sorting and partitioning the postings
  with NumPy took more than twice as long); called by
  :meth:`WorkIndex._trigram_search <bunpai.identify.engine.WorkIndex._trigram_search>`.
* The exact name scores of many (line, work) pairs, from name keys as ids; called by
  :meth:`WorkIndex._pair_name_scores <bunpai.identify.engine.WorkIndex._pair_name_scores>`.
* The best ``fuzz.ratio`` of many (line, work) pairs' title keys, from the keys' code points;
  called by :meth:`WorkIndex._pair_title_scores <bunpai.identify.engine.WorkIndex._pair_title_scores>`.
* The closest titles of writers: for many (writer, reading) pairs at once, the writer's works
  whose first reading keys are closest by ``fuzz.ratio``; called by
  :meth:`WorkIndex._find_closest <bunpai.identify.engine.WorkIndex._find_closest>`.

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
    seen: Any,
    twice: Any,
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

    Scratch, one place per work, each left as it was found: ``seen`` and ``twice``, bits (64 works
    a word, all zero), say which works a search has met once and more than once; ``counts`` (all
    zero) holds how many times more than once; ``touched`` lists the works met. Most works of the
    postings are met once: their bit is set in ``seen``, 1 bit a work (a million works' bits fit
    in a core's second-level cache, where a counter of a byte a work does not), and only a work
    met again reads and writes its counter, which may be of any integer type that holds
    ``rarest``. Only the works met more than once are looked at again, unless every work met
    counts.
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
    # The trigrams used: those looked at, and of them the ones whose postings are added.
    used = 0
    chosen = np.empty(len(order), dtype=np.int64)
    n_chosen = 0
    total = 0
    for k in range(min(rarest, len(order))):
        g = order[k]
        size = sizes[g]
        if size == 0:
            used += 1
            continue
        if n_chosen > 0 and size > budget:
            break
        chosen[n_chosen] = grams[g]
        n_chosen += 1
        budget -= size
        total += size
        used += 1
    # How many works have each count, kept as the counts grow (a count is at most the number of
    # trigrams used, itself at most ``rarest``).
    histogram = np.zeros(rarest + 2, dtype=np.int64)
    repeated = np.empty(total, dtype=np.int64)  # the works met more than once
    n_repeated = 0
    found = 0
    one = np.uint64(1)
    for k in range(n_chosen):
        start = offsets[chosen[k]]
        for p in range(start, offsets[chosen[k] + 1]):
            work = postings[p]
            word = work >> 6
            bit = one << np.uint64(work & 63)
            if seen[word] & bit == 0:
                seen[word] |= bit
                touched[found] = work
                found += 1
                histogram[1] += 1
                continue
            extra = np.int64(counts[work])  # whatever the counter's type
            if extra == 0:
                twice[word] |= bit
                repeated[n_repeated] = work
                n_repeated += 1
            histogram[extra + 1] -= 1
            counts[work] = extra + 1
            histogram[extra + 2] += 1
    need = max(1, int(used * 0.4))
    kept = 0
    for c in range(need, used + 1):
        kept += histogram[c]
    if kept <= limit:
        hits = np.empty(kept, dtype=np.int64)
        if need == 1:
            hits[:] = touched[:found]
        else:
            kept = 0
            for j in range(n_repeated):
                work = repeated[j]
                if counts[work] + 1 >= need:
                    hits[kept] = work
                    kept += 1
        _forget(counts, seen, twice, touched, found, repeated, n_repeated)
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
    # Works of a count of 2 or more are among those met more than once; those of a count of 1
    # (tied only when the floor is 1) are the works met whose bit is not in ``twice``.
    for j in range(n_repeated):
        work = repeated[j]
        count = np.int64(counts[work]) + 1
        if count > floor:
            hits[n_above] = work
            keys[n_above] = -count * top + rank[work]
            n_above += 1
        elif count == floor:
            # the rank in work id order is the position when the works are in that order (the
            # common case: no look-up per work)
            tied[n_tied] = work if in_id_order else rank[work] * top + work
            n_tied += 1
    if floor == 1:
        for j in range(found):
            work = touched[j]
            if twice[work >> 6] & (one << np.uint64(work & 63)) == 0:
                tied[n_tied] = work if in_id_order else rank[work] * top + work
                n_tied += 1
    _forget(counts, seen, twice, touched, found, repeated, n_repeated)
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
def _forget(counts: Any, seen: Any, twice: Any, touched: Any, found: int, repeated: Any, n_repeated: int) -> None:
    """Leave a search's scratch as it was found: no bit set, every counter zero."""
    for j in range(found):
        seen[touched[j] >> 6] = 0
    for j in range(n_repeated):
        work = repeated[j]
        counts[work] = 0
        twice[work >> 6] = 0


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


_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


@_compile
def _bit_count(value: Any) -> int:
    """The number of set bits of a 64-bit word."""
    value = value - ((value >> np.uint64(1)) & np.uint64(0x5555555555555555))
    value = (value & np.uint64(0x3333333333333333)) + ((value >> np.uint64(2)) & np.uint64(0x3333333333333333))
    value = (value + (value >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return int((value * np.uint64(0x0101010101010101)) >> np.uint64(56))


@_compile
def _next_row(row: Any, matches: Any) -> Any:
    """The bit-parallel row of the longest common subsequence after one more code of the second
    sequence, whose places in the first are the bits of ``matches``."""
    common = row & matches
    return (row + common) | (row - common)


@_compile
def _length_of_row(row: Any, m: int) -> int:
    """The length of the longest common subsequence that a row of a first sequence of ``m`` codes says."""
    used = _ONES if m == 64 else (np.uint64(1) << np.uint64(m)) - np.uint64(1)
    return _bit_count(~row & used)


@_compile
def _ratio(common: int, m: int, n: int) -> float:
    """``fuzz.ratio`` of sequences of ``m`` and ``n`` codes (not both empty) with a longest common
    subsequence of ``common``: 100 × (1 − d / (m + n)), computed as rapidfuzz computes it."""
    return (1.0 - np.float64(m + n - 2 * common) / np.float64(m + n)) * 100.0


@_compile
def _longest_common_subsequence(a: Any, b: Any) -> int:
    """The length of the longest common subsequence of two code arrays: bit-parallel over the
    first (at most 64 codes: a bit per code, the match masks made by comparing each code of the
    second with each of the first), else row by row."""
    m, n = len(a), len(b)
    if m == 0 or n == 0:
        return 0
    if m <= 64:
        row = _ONES
        for j in range(n):
            code = b[j]
            matches = np.uint64(0)
            for i in range(m):
                if a[i] == code:
                    matches |= np.uint64(1) << np.uint64(i)
            row = _next_row(row, matches)
        return _length_of_row(row, m)
    previous = np.zeros(n + 1, dtype=np.int64)
    current = np.zeros(n + 1, dtype=np.int64)
    for i in range(m):
        for j in range(n):
            if a[i] == b[j]:
                current[j + 1] = previous[j] + 1
            else:
                current[j + 1] = max(current[j], previous[j + 1])
        previous, current = current, previous
    return int(previous[n])


@_compile
def indel_ratio(a: Any, b: Any) -> float:
    """``rapidfuzz.fuzz.ratio`` of two code arrays, to the last bit: 100 × (1 − d / (m + n)), d the
    Indel distance (m + n − 2 × the longest common subsequence), 100 for two empty arrays."""
    m, n = len(a), len(b)
    if m < n:  # the shorter one as the bits (a common subsequence is the same either way)
        a, b, m, n = b, a, n, m
    if m + n == 0:
        return 100.0
    return _ratio(_longest_common_subsequence(b, a), m, n)


@_compile
def _copy_keys(records: Any, position: int, count: int, starts: Any, codes: Any, key: int) -> int:
    """Write ``count`` keys from ``key`` into a record at ``position`` (their count, then each
    one's length and codes); returns the position after them."""
    records[position] = count
    position += 1
    for k in range(key, key + count):
        first, last = starts[k], starts[k + 1]
        records[position] = last - first
        position += 1
        for i in range(first, last):
            records[position] = codes[i]
            position += 1
    return position


@_compile
def key_records(
    phon_counts: Any,
    phon_starts: Any,
    phon_codes: Any,
    text_counts: Any,
    text_starts: Any,
    text_codes: Any,
    record_starts: Any,
) -> Any:
    """Each work's keys as one record (see :func:`bunpai.identify.engine._key_records`): work
    ``w`` has ``phon_counts[w]`` reading keys, the next ones of ``phon_starts`` (key ``i``'s codes
    are ``phon_codes[phon_starts[i]:phon_starts[i + 1]]``), then its text keys likewise. Returns
    the records and sets ``record_starts`` (one more than there are works)."""
    works = len(phon_counts)
    record_starts[0] = 0
    phon_key = 0
    text_key = 0
    for w in range(works):
        phon_end = phon_key + phon_counts[w]
        text_end = text_key + text_counts[w]
        size = 2 + phon_counts[w] + text_counts[w]
        size += phon_starts[phon_end] - phon_starts[phon_key] + text_starts[text_end] - text_starts[text_key]
        record_starts[w + 1] = record_starts[w] + size
        phon_key, text_key = phon_end, text_end
    records = np.empty(record_starts[works], dtype=np.uint32)
    phon_key = 0
    text_key = 0
    for w in range(works):
        position = _copy_keys(records, record_starts[w], phon_counts[w], phon_starts, phon_codes, phon_key)
        _copy_keys(records, position, text_counts[w], text_starts, text_codes, text_key)
        phon_key += phon_counts[w]
        text_key += text_counts[w]
    return records


# Slots of the table of a line key's codes (twice the most codes of a key matched by bits).
_SLOTS = 128


@_compile
def _slot(code: Any) -> int:
    """The first slot of a code in the table of a key's codes (a multiplicative hash)."""
    return np.int64((np.uint64(code) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(57))


@_compile
def _slot_of(slot_codes: Any, code: Any) -> Any:
    """The slot of a code in the table of a key's codes: where it is, or the empty slot where it
    would go (probed from its hash, one slot after another)."""
    slot = _slot(code)
    while slot_codes[slot] != code and slot_codes[slot] >= 0:
        slot = (slot + np.int64(1)) & np.int64(_SLOTS - 1)
    return slot


@_compile
def _common_with_table(slot_codes: Any, slot_masks: Any, m: int, b: Any) -> int:
    """:func:`_longest_common_subsequence` of a key of ``m`` ≤ 64 codes, given as the table of its
    codes' match masks, and the codes ``b``: each code of ``b`` finds its mask in a probe or two."""
    row = _ONES
    for j in range(len(b)):
        code = np.int64(b[j])
        slot = _slot_of(slot_codes, code)
        if slot_codes[slot] == code:
            row = _next_row(row, slot_masks[slot])
    return _length_of_row(row, m)


@_compile
def _fill_table(slot_codes: Any, slot_masks: Any, a: Any) -> None:
    """The table of a key's codes (at most 64): each code's match mask, the bits of its places."""
    slot_codes[:] = -1
    slot_masks[:] = 0
    for i in range(len(a)):
        code = np.int64(a[i])
        slot = _slot_of(slot_codes, code)
        slot_codes[slot] = code
        slot_masks[slot] |= np.uint64(1) << np.uint64(i)


@_compile
def _best_of_keys(
    a: Any, slot_codes: Any, slot_masks: Any, records: Any, position: int, best: float
) -> tuple[float, bool, int]:
    """The best ratio of key ``a`` (its table filled when it has 1 to 64 codes) with the keys
    of one kind in a record from ``position`` (their count, then each key's length and codes),
    at least ``best``; whether one of them is ``a``; and the position after them."""
    m = len(a)
    equal = False
    count = records[position]
    position += 1
    for _ in range(count):
        n = np.int64(records[position])
        b = records[position + 1 : position + 1 + n]
        position += 1 + n
        if 0 < m <= 64 and n > 0:
            ratio = _ratio(_common_with_table(slot_codes, slot_masks, m, b), m, n)
        else:
            ratio = indel_ratio(a, b)
        if ratio > best:
            best = ratio
        if m == n and not equal:
            equal = True
            for i in range(m):
                if a[i] != b[i]:
                    equal = False
                    break
    return best, equal, position


@_compile
def title_ratios(
    phon_codes: Any,
    phon_starts: Any,
    text_codes: Any,
    text_starts: Any,
    lines: Any,
    works: Any,
    records: Any,
    record_starts: Any,
    best: Any,
    equal_phon: Any,
    equal_text: Any,
) -> None:
    """The best ratio of each (line, work) pair's keys, and whether a key of each kind is equal.

    Line ``k``'s reading key is ``phon_codes[phon_starts[k]:phon_starts[k + 1]]``, its text key
    likewise; work ``w``'s record is ``records[record_starts[w]:]``: the number of its reading
    keys, each as its length and its codes, then the same for its text keys. For pair ``p``
    (``lines[p]``, ``works[p]``), ``best[p]`` is raised to the highest :func:`indel_ratio` of the
    line's reading key with the work's reading keys and of its text key with the work's text keys;
    ``equal_phon[p]`` and ``equal_text[p]`` are set when one of them is the line's key.

    A line key of at most 64 codes is the bits of its comparisons: the match mask of each of its
    codes is made once, in a table, for all the pairs of the line that follow one another (the
    pairs come grouped by line).
    """
    phon_slots = np.full(_SLOTS, -1, dtype=np.int64)
    phon_masks = np.zeros(_SLOTS, dtype=np.uint64)
    text_slots = np.full(_SLOTS, -1, dtype=np.int64)
    text_masks = np.zeros(_SLOTS, dtype=np.uint64)
    current = -1
    for p in range(len(works)):
        line = lines[p]
        phon = phon_codes[phon_starts[line] : phon_starts[line + 1]]
        text = text_codes[text_starts[line] : text_starts[line + 1]]
        if line != current:
            current = line
            if len(phon) <= 64:
                _fill_table(phon_slots, phon_masks, phon)
            if len(text) <= 64:
                _fill_table(text_slots, text_masks, text)
        position = record_starts[works[p]]
        value, same, position = _best_of_keys(phon, phon_slots, phon_masks, records, position, best[p])
        if same:
            equal_phon[p] = True
        value, same, position = _best_of_keys(text, text_slots, text_masks, records, position, value)
        if same:
            equal_text[p] = True
        best[p] = value


@_compile
def _before(score: float, key: int, other_score: float, other_key: int) -> bool:
    """Whether a (score, key) comes before another: the higher score first, then the lower key."""
    return score > other_score or (score == other_score and key < other_key)


@_compile
def _ranked_first(scores: Any, keys: Any, count: int, wanted: int) -> Any:
    """The places of the first ``wanted`` of ``count`` (score, key) pairs in the order of
    :func:`_before` (all of them, in that order, if there are no more)."""
    kept = min(wanted, count)
    chosen = np.empty(kept, dtype=np.int64)
    size = 0
    for i in range(count):
        # insertion into the (at most ``wanted``) first so far
        if size == kept and not _before(scores[i], keys[i], scores[chosen[size - 1]], keys[chosen[size - 1]]):
            continue
        at = size if size < kept else kept - 1
        while at > 0 and _before(scores[i], keys[i], scores[chosen[at - 1]], keys[chosen[at - 1]]):
            chosen[at] = chosen[at - 1]
            at -= 1
        chosen[at] = i
        if size < kept:
            size += 1
    return chosen


@_compile
def closest_titles(
    block_offsets: Any,
    entry_starts: Any,
    codes: Any,
    entry_works: Any,
    rank: Any,
    asked_blocks: Any,
    asked_starts: Any,
    asked_codes: Any,
    limit: int,
    found: Any,
    counts: Any,
) -> None:
    """The closest titles of writers: for each request, the works of one writer's block whose
    first reading key is closest to a line's reading key, as ``process.extract`` with
    ``fuzz.ratio``, ``score_cutoff=60`` and ``limit * 5`` finds them, then the best ``limit``.

    Block ``b``'s entries are ``block_offsets[b]`` to ``block_offsets[b + 1]``; entry ``e`` is
    work ``entry_works[e]`` with the reading ``codes[entry_starts[e]:entry_starts[e + 1]]`` (empty
    for a work without one). Request ``r`` asks for block ``asked_blocks[r]`` and the reading
    ``asked_codes[asked_starts[r]:asked_starts[r + 1]]``.

    * A reading of at most 64 letters is the bits of its comparisons, with the match mask of each
      letter in a table of the 256 bytes.
    * An entry is kept when its ratio is 60 or more as rapidfuzz decides it: its normalised
      similarity ``1 − d / (m + n)`` is at least 0.6. An entry too short or too long to reach that
      even if every code of the shorter key were common is passed over without comparing, and so
      is an empty one; an empty reading finds none (the engine asks only for readings).
    * Of those, the first ``limit * 5`` by ratio (ties by place in the block, as
      ``process.extract`` keeps them); if more than ``limit``, the first ``limit`` of those by
      ratio, ties by ``rank`` (the work's rank in work id order).

    ``found[r, :counts[r]]`` are request ``r``'s works (in no particular order).
    """
    masks = np.zeros(256, dtype=np.uint64)  # the match mask of each letter of a reading (bytes)
    largest = 0  # the most works of a block asked for (not of every block: one reading alone asks for one)
    for b in asked_blocks:
        largest = max(largest, block_offsets[b + 1] - block_offsets[b])
    scores = np.empty(largest, dtype=np.float64)
    places = np.empty(largest, dtype=np.int64)
    for r in range(len(asked_blocks)):
        a = asked_codes[asked_starts[r] : asked_starts[r + 1]]
        m = len(a)
        counts[r] = 0
        if m == 0:
            continue
        if m <= 64:
            for i in range(m):
                masks[a[i]] |= np.uint64(1) << np.uint64(i)
        first, last = block_offsets[asked_blocks[r]], block_offsets[asked_blocks[r] + 1]
        kept = 0
        for e in range(first, last):
            n = entry_starts[e + 1] - entry_starts[e]
            if n == 0:
                continue
            total = np.float64(m + n)
            if 1.0 - np.float64(m + n - 2 * min(m, n)) / total < 0.6:
                continue
            b = codes[entry_starts[e] : entry_starts[e + 1]]
            if m <= 64:
                row = _ONES
                for j in range(n):
                    row = _next_row(row, masks[b[j]])
                common = _length_of_row(row, m)
            else:
                common = _longest_common_subsequence(b, a) if n <= 64 else _longest_common_subsequence(a, b)
            similarity = 1.0 - np.float64(m + n - 2 * common) / total
            if similarity >= 0.6:
                scores[kept] = similarity * 100.0
                places[kept] = e - first
                kept += 1
        if m <= 64:
            for i in range(m):
                masks[a[i]] = 0
        firsts = _ranked_first(scores, places, kept, limit * 5)
        if len(firsts) <= limit:
            for k in range(len(firsts)):
                found[r, k] = entry_works[first + places[firsts[k]]]
            counts[r] = len(firsts)
            continue
        best = np.empty(len(firsts), dtype=np.float64)
        ranks = np.empty(len(firsts), dtype=np.int64)
        for k in range(len(firsts)):
            best[k] = scores[firsts[k]]
            ranks[k] = rank[entry_works[first + places[firsts[k]]]]
        for k, i in enumerate(_ranked_first(best, ranks, len(firsts), limit)):
            found[r, k] = entry_works[first + places[firsts[i]]]
        counts[r] = limit


@_compile
def trigram_searches(
    codes: Any,
    starts: Any,
    offsets: Any,
    postings: Any,
    rank: Any,
    counts: Any,
    seen: Any,
    twice: Any,
    touched: Any,
    limit: int,
    rarest: int,
    budget: int,
    in_id_order: bool,
    found: Any,
    sizes: Any,
) -> None:
    """:func:`trigram_search` of many keys at once: key ``k`` is
    ``codes[starts[k]:starts[k + 1]]``, its works ``found[k, :sizes[k]]`` (one call instead of one
    a key, each of which costs as much to make as a tenth of a search)."""
    for k in range(len(starts) - 1):
        hits = trigram_search(
            codes[starts[k] : starts[k + 1]],
            offsets,
            postings,
            rank,
            counts,
            seen,
            twice,
            touched,
            limit,
            rarest,
            budget,
            in_id_order,
        )
        sizes[k] = len(hits)
        found[k, : len(hits)] = hits
