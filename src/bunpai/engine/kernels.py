"""Compiled loops of the columnar broadcast engine (集計・分配明細の計算核).

Each kernel does in one pass over integer arrays what a chain of NumPy operations would do with
a temporary array per step: the usage lines of a batch added into the dense (work, group) sums,
the entries put in statement order, and the statement lines of a range of (party, work) pairs
made from the entries of their works.
They are compiled by Numba on first use (and cached beside this module), release the interpreter
while they run, and use integer arithmetic only, with the same bounds as the NumPy code they
replace: every product is checked before it is taken, and a line whose amount would pass 2⁶³ is
returned apart, to be computed in 128 bits by the caller.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit
from numba.core import cgutils, types
from numba.extending import intrinsic

_INT64_LIMIT = (1 << 63) - 1

_compile = njit(cache=True, nogil=True)

# How many lines or pairs ahead the memory of a scattered access is asked for.
_AHEAD = 32


def prepare() -> None:
    """Set up Numba's code generator now. The first call of a compiled function in a process does
    it (a few tenths of a second, even when the function is read from the cache); the engine does
    it while it waits for the share rows, so that their checks on another thread do not."""
    from numba.core.registry import cpu_target

    context = cpu_target.target_context
    context.refresh()
    context.codegen()


@intrinsic
def _prefetch(typingctx: Any, array: Any, index: Any) -> Any:
    """Ask the processor to bring ``array[index]`` into its caches (LLVM's ``prefetch``: no load,
    no fault, nothing waits for it), for an access some iterations later. ``index`` must be
    inside the array."""
    signature = types.void(array, index)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        array_type = sig.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, array_type, view, [args[1]], wraparound=False)
        byte_pointer = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        function = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_pointer, i32, i32, i32]), "llvm.prefetch.p0i8"
        )
        # a read (0), to be kept in every cache level (3), of data (1)
        builder.call(function, [builder.bitcast(pointer, byte_pointer), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return signature, codegen


# The counters of the checks of usage lines that :func:`scan_usage_batch` counts, by position.
CHECKED = ("outcome", "work_id", "duration_s", "sampling_rate", "method", "station_id")


@_compile
def scan_usage_batch(
    outcome_code: Any,
    kind_of: Any,
    station: Any,
    group_of_station: Any,
    work: Any,
    work_valid: Any,
    duration: Any,
    time_index: Any,
    time_of: Any,
    method_code: Any,
    method_of: Any,
    sampling_num: Any,
    sampling_den: Any,
    bad: Any,
    unidentified: Any,
) -> Any:
    """One pass over a batch of usage lines: the checks counted, the extents of the lines that
    take part, and the positions of the unidentified ones.

    Each value comes as a code and a table: a line's kind is ``kind_of[outcome_code[i]]`` (0 an
    unknown or missing outcome, 1 managed, 2 unidentified, 3 a line that takes no part), its
    method points ``method_of[method_code[i]]`` (−1 an unknown or missing method), its fund group
    ``group_of_station[station[i]]`` (−1 or outside the table: an unknown station), its time
    points ``time_of[time_index[i]]``. A missing duration comes as −1, a missing sampling part as
    0; ``work_valid`` is empty when no work id is missing.

    Adds to ``bad`` the lines each check of :data:`CHECKED` finds, writes the positions of the
    unidentified lines into ``unidentified`` (at least one slot per line) and returns (their
    count, largest time points and largest sampling denominator of the lines that take part,
    and count, smallest and largest work id, smallest and largest sampling numerator of the
    managed ones)."""
    top_t = 0
    top_den = 0
    managed = 0
    lo_work = 0
    hi_work = -1
    lo_num = 0
    hi_num = 0
    n_unid = 0
    all_valid = len(work_valid) == 0
    n_stations = len(group_of_station)
    for i in range(len(outcome_code)):
        kind = kind_of[outcome_code[i]]
        num = sampling_num[i]
        den = sampling_den[i]
        s = station[i]
        if kind == 0:
            bad[0] += 1
        if den <= 0 or num <= 0 or num > den:
            bad[3] += 1
        if s < 0 or s >= n_stations or group_of_station[s] < 0:
            bad[5] += 1
        if kind != 1 and kind != 2:
            continue
        if method_of[method_code[i]] < 0:
            bad[4] += 1
        has_work = all_valid or work_valid[i]
        if kind == 1 and not has_work:
            bad[1] += 1
        if duration[i] < 0:
            bad[2] += 1
            continue
        t = time_of[time_index[i]]
        if t > top_t:
            top_t = t
        if den > top_den:
            top_den = den
        if kind == 2:
            unidentified[n_unid] = i
            n_unid += 1
            continue
        if not has_work:
            continue
        w = work[i]
        if managed == 0:
            lo_work = w
            hi_work = w
            lo_num = num
            hi_num = num
        else:
            lo_work = min(lo_work, w)
            hi_work = max(hi_work, w)
            lo_num = min(lo_num, num)
            hi_num = max(hi_num, num)
        managed += 1
    return n_unid, top_t, top_den, managed, lo_work, hi_work, lo_num, hi_num


@_compile
def add_usage(
    outcome_code: Any,
    kind_of: Any,
    station: Any,
    group_of_station: Any,
    points_of_station: Any,
    time_index: Any,
    time_of: Any,
    method_code: Any,
    method_of: Any,
    sampling_den: Any,
    sampling_num: Any,
    numerator: int,
    recorded: Any,
    work: Any,
    n_groups: int,
    sums: Any,
    zero_lines: Any,
    key_buffer: Any,
    points_buffer: Any,
) -> None:
    """Add the points ``t × m × s × den`` of the managed lines of sampling numerator ``numerator``
    into ``sums[(work × groups + group) × 2 + recorded]``; mark the cells of lines of no points.
    Codes and tables as in :func:`scan_usage_batch`.

    The cells and points are first written in order into the two buffers, then added: the
    scattered additions, each a miss of the cache, then overlap one another instead of waiting
    behind the reading of the line's columns.

    The caller has checked (with :func:`scan_usage_batch`) that every managed line is valid,
    that no product or sum can pass 2⁶³, that every managed line's cell is inside the arrays,
    and that the two int64 buffers hold at least one value per line of the batch (they are
    reused batch after batch)."""
    n = 0
    for i in range(len(outcome_code)):
        if kind_of[outcome_code[i]] != 1 or sampling_num[i] != numerator:
            continue
        s = station[i]
        key_buffer[n] = (work[i] * n_groups + group_of_station[s]) * 2 + np.int64(recorded[i])
        points_buffer[n] = (
            time_of[time_index[i]] * method_of[method_code[i]] * points_of_station[s] * sampling_den[i]
        )
        n += 1
    for j in range(n):
        if j + _AHEAD < n:
            _prefetch(sums, key_buffer[j + _AHEAD])
        sums[key_buffer[j]] += points_buffer[j]
    for j in range(n):
        if points_buffer[j] == 0:
            zero_lines[key_buffer[j]] = True


@_compile
def count_cells_with_lines(sums: Any, zero_lines: Any, first: int, end: int) -> int:
    """How many of the (work, group) cells ``first`` … ``end`` − 1 have a managed line: two slots
    per cell ``(work × groups + group) × 2 + recorded`` in the dense sums of one sampling numerator
    (``sums``: the points of the lines not recorded and of those recorded; ``zero_lines``: a line
    of no points in the slot). A slot has a line when its points are positive or ``zero_lines``
    says so."""
    count = 0
    for cell in range(first, end):
        if sums[2 * cell] > 0 or sums[2 * cell + 1] > 0 or zero_lines[2 * cell] or zero_lines[2 * cell + 1]:
            count += 1
    return count


@_compile
def fill_cells_with_lines(
    sums: Any,
    zero_lines: Any,
    n_groups: int,
    first: int,
    end: int,
    group: Any,
    work: Any,
    performing: Any,
    mechanical: Any,
    recorded: Any,
) -> None:
    """The cells ``first`` … ``end`` − 1 that have a managed line (:func:`count_cells_with_lines`
    of them), in cell order, into the output arrays: each cell's group, work, performing points
    (both slots), mechanical points (the recorded slot) and whether the recorded slot has a line
    (1 or 0)."""
    n = 0
    for cell in range(first, end):
        plain, kept = sums[2 * cell], sums[2 * cell + 1]
        has_recorded = kept > 0 or zero_lines[2 * cell + 1]
        if has_recorded or plain > 0 or zero_lines[2 * cell]:
            group[n] = cell % n_groups
            work[n] = cell // n_groups
            performing[n] = plain + kept
            mechanical[n] = kept
            recorded[n] = 1 if has_recorded else 0
            n += 1


@_compile
def runs_of(values: Any) -> Any:
    """The runs of equal neighbouring values: the first position and the length of each, in order."""
    n = len(values)
    count = 1 if n else 0
    for i in range(1, n):
        if values[i] != values[i - 1]:
            count += 1
    starts = np.empty(count, dtype=np.int64)
    lengths = np.empty(count, dtype=np.int64)
    run = -1
    for i in range(n):
        if i == 0 or values[i] != values[i - 1]:
            run += 1
            starts[run] = i
            lengths[run] = 0
        lengths[run] += 1
    return starts, lengths


@_compile
def statement_lines(
    start: int,
    end: int,
    pair_first: Any,
    pair_count: Any,
    pair_p: Any,
    pair_w: Any,
    pair_share: Any,
    entry_fund: Any,
    entry_raw: Any,
    fund_open: Any,
    fund_amount: Any,
    fund_points: Any,
    raw_bound: Any,
    payee_of_party: Any,
    fund_lines: Any,
    fund_gross: Any,
    payee_lines: Any,
    payee_gross: Any,
    p: Any,
    w: Any,
    fund: Any,
    raw: Any,
    share: Any,
    gross: Any,
    wide: Any,
) -> Any:
    """The statement lines of pairs ``start … end − 1``, in order (pair, then the work's entries):
    each entry of the pair's work whose right the party holds (share > 0) in an open fund, with
    a positive amount ``floor(F × raw × share / PT)`` before flooring. Written at the start of the
    arrays party ``p``, work ``w``, fund (group × 2 + right), raw, share and gross yen, with the
    positions of the lines whose ``F × raw × share`` would pass 2⁶³ in ``wide`` (their gross left
    0 for the caller to compute exactly); each array must hold the pairs' entries
    (``pair_count[start:end].sum()``). Returns how many lines and how many wide ones were written.
    The caller's arrays are reused from range to range: fresh memory is slow to touch.

    The lines are also counted, and their gross added, per fund (``fund_lines``, ``fund_gross``)
    and per (payee, fund group) cell ``payee_of_party[party] × groups + group`` (``payee_lines``,
    ``payee_gross``; groups = ``len(fund_lines) // 2``): exact, as the floored parts of a fund add
    up to at most the fund. The caller adds the gross of the lines left to it."""
    n_groups = len(fund_lines) // 2
    # The sign a line's raw must have in each fund: that of the fund's amount, 0 (no line) for a
    # fund closed or of no amount. F × raw × share > 0 (share > 0) then says it.
    wanted = np.zeros(len(fund_amount), dtype=np.int64)
    for f in range(len(fund_amount)):
        if fund_open[f]:
            wanted[f] = 1 if fund_amount[f] > 0 else (-1 if fund_amount[f] < 0 else 0)
    n = 0
    n_wide = 0
    limit = _INT64_LIMIT
    for pair in range(start, end):
        # The pairs go party by party, so each one's work is somewhere else in the entries: its
        # entries are asked for some pairs ahead, and their cache misses overlap (twice as fast).
        if pair + _AHEAD < end:
            ahead = pair_first[pair + _AHEAD]
            if ahead < len(entry_raw):
                _prefetch(entry_fund, ahead)
                _prefetch(entry_raw, ahead)
        first = pair_first[pair]
        # The pair's own values, read once (the stores below could be to the same memory, as far
        # as the compiler knows, so it would read them again for every entry).
        party = pair_p[pair]
        work = pair_w[pair]
        share_0 = pair_share[pair, 0]
        share_1 = pair_share[pair, 1]
        for entry in range(first, first + pair_count[pair]):
            f = np.int64(entry_fund[entry])
            s = share_1 if f & 1 else share_0
            if s <= 0:
                continue
            r = entry_raw[entry]
            sign = wanted[f]
            if not ((sign > 0 and r > 0) or (sign < 0 and r < 0)):
                continue
            amount = fund_amount[f]
            p[n] = party
            w[n] = work
            fund[n] = f
            raw[n] = r
            share[n] = s
            if r <= raw_bound[f] or r <= limit // max(amount, 1) // s:
                value = amount * r * s // fund_points[f]
            else:
                value = 0
                wide[n_wide] = n
                n_wide += 1
            gross[n] = value
            n += 1
    # The totals by a pass over the lines just written (in order, so their cells are near one
    # another): a fifth faster than adding each line as it is made.
    for i in range(n):
        f = np.int64(fund[i])
        value = gross[i]
        cell = payee_of_party[p[i]] * n_groups + (f >> 1)
        fund_lines[f] += 1
        fund_gross[f] += value
        payee_lines[cell] += 1
        payee_gross[cell] += value
    return n, n_wide


@_compile
def entries_of_works(
    run_start: Any,
    run_count: Any,
    rank: Any,
    group: Any,
    recorded: Any,
    performing: Any,
    mechanical: Any,
    mechanical_code: int,
    performing_code: int,
    raw: Any,
) -> Any:
    """The entries (group, right code, work rank, raw points) of the works taken in order: work k's
    cells are rows ``run_start[k] … run_start[k] + run_count[k] − 1`` of the cell arrays; each
    cell gives its mechanical entry first when it has recorded lines, then its performing one.
    The raw points are written into ``raw`` (int64, given by the caller, which may want it in
    memory of its own), which must hold one entry per cell and one more per cell with recorded
    lines."""
    size = 0
    for k in range(len(run_start)):
        for row in range(run_start[k], run_start[k] + run_count[k]):
            size += 2 if recorded[row] > 0 else 1
    if len(raw) != size:
        raise ValueError("the raw points' array does not hold the entries")
    g = np.empty(size, dtype=group.dtype)
    r = np.empty(size, dtype=np.int8)
    w = np.empty(size, dtype=rank.dtype)
    n = 0
    for k in range(len(run_start)):
        for row in range(run_start[k], run_start[k] + run_count[k]):
            if recorded[row] > 0:
                g[n] = group[row]
                r[n] = mechanical_code
                w[n] = rank[k]
                raw[n] = mechanical[row]
                n += 1
            g[n] = group[row]
            r[n] = performing_code
            w[n] = rank[k]
            raw[n] = performing[row]
            n += 1
    return g, r, w, raw


@_compile
def count_used_share_rows(work_key: Any, w_of_key: Any) -> int:
    """How many share rows are of a work used: ``w_of_key[work_key[i]] >= 0``."""
    n = 0
    for i in range(len(work_key)):
        if w_of_key[work_key[i]] >= 0:
            n += 1
    return n


@_compile
def used_share_rows(
    work_key: Any,
    w_of_key: Any,
    party: Any,
    no_party: int,
    right: Any,
    share_num: Any,
    share_den: Any,
    rows: Any,
    out_work: Any,
    out_party: Any,
    out_right: Any,
    out_num: Any,
    out_den: Any,
) -> None:
    """The share rows of works used (``w_of_key[work_key[i]] >= 0``), in order, into the ``out_``
    arrays (one slot each, :func:`count_used_share_rows` of them): the row's position ``rows``, the
    work's rank, the party (−1 where ``party[i] == no_party``: no holder), the right's code less
    one, and the share's parts. One pass instead of a full-length gather, a mask and a gather
    (with a cast and a copy) per column."""
    j = 0
    for i in range(len(work_key)):
        w = w_of_key[work_key[i]]
        if w < 0:
            continue
        rows[j] = i
        out_work[j] = w
        p = party[i]
        out_party[j] = -1 if p == no_party else p
        out_right[j] = right[i] - 1
        out_num[j] = share_num[i]
        out_den[j] = share_den[i]
        j += 1


@_compile
def share_sums(
    work: Any,
    right: Any,
    share: Any,
    party: Any,
    paid_of_party: Any,
    total: Any,
    nonmember: Any,
    no_holder: Any,
    paid_rows: Any,
) -> None:
    """The share rows' sums per (work, right) cell ``work × 2 + right``, added into ``total`` (every
    row), ``nonmember`` (rows of a party not paid by this society) and ``no_holder`` (rows without
    a party, ``party < 0``); ``paid_rows[i]`` is set where row i's party is paid and its share is
    positive (the holders of the statement lines). One pass instead of a scattered ``np.add.at``
    and a full-length mask for each."""
    for i in range(len(work)):
        cell = np.int64(work[i]) * 2 + right[i]
        s = share[i]
        total[cell] += s
        p = party[i]
        if p < 0:
            no_holder[cell] += s
        elif not paid_of_party[p]:
            nonmember[cell] += s
        elif s > 0:
            paid_rows[i] = True


@_compile
def share_balances(total: Any, nonmember: Any, no_holder: Any, d_share: int, has_undetermined: Any) -> Any:
    """The per-(work, right) sums of :func:`share_sums` turned, in place, into what the
    allocation reads: ``nonmember`` into the basic share (S less the non-members' shares), ``total``
    into the undetermined share (S less every row's share, plus the rows without a holder);
    ``has_undetermined[c]`` is set where some is left. Returns the basic shares' smallest and
    largest (0, 0 without cells). One pass instead of four fresh arrays of every cell."""
    low = high = 0
    for c in range(len(total)):
        basic = d_share - nonmember[c]
        nonmember[c] = basic
        undetermined = d_share - total[c] + no_holder[c]
        total[c] = undetermined
        has_undetermined[c] = undetermined > 0
        if c == 0 or basic < low:
            low = basic
        if c == 0 or basic > high:
            high = basic
    return low, high


@_compile
def values_present(values: Any, present: Any) -> None:
    """``present[v]`` set for every value v of ``values`` (each within ``present``): the distinct
    small values without the 64-bit copy ``np.bincount`` makes of narrower arrays."""
    for i in range(len(values)):
        present[values[i]] = True


@_compile
def decimal_text_order(values: Any) -> Any:
    """The positions of ``values`` — distinct integers from 0 to below 10¹⁸, in increasing order —
    in the order of their decimal texts (what sorting ``str(value)`` gives): the values of one
    number of digits are a run, already in that order, and the runs are merged by the value scaled
    to the largest number of digits, a shorter text before a longer one it begins ("1" before
    "10"). No text is made and nothing is sorted."""
    n = len(values)
    order = np.empty(n, dtype=np.int64)
    run_start = np.zeros(19, dtype=np.int64)
    run_end = np.zeros(19, dtype=np.int64)
    run_digits = np.zeros(19, dtype=np.int64)
    runs = 0
    digits = 1
    bound = 10  # the values of ``digits`` digits are below it
    i = 0
    while i < n:
        while values[i] >= bound:
            digits += 1
            bound *= 10
        j = i
        while j < n and values[j] < bound:
            j += 1
        run_start[runs], run_end[runs], run_digits[runs] = i, j, digits
        runs += 1
        i = j
    scale = np.ones(19, dtype=np.int64)
    for r in range(runs):
        for _ in range(run_digits[runs - 1] - run_digits[r]):
            scale[r] *= 10
    head = run_start.copy()
    for out in range(n):
        best = -1
        best_key = 0
        for r in range(runs):
            if head[r] < run_end[r]:
                key = values[head[r]] * scale[r]
                if best < 0 or key < best_key:  # on a tie the shorter text (earlier run) first
                    best, best_key = r, key
        order[out] = head[best]
        head[best] += 1
    return order


@_compile
def place_ranks(keys: Any, shift: int, ranks: Any, rank_of_key: Any) -> None:
    """``rank_of_key[keys[i] + shift] = ranks[i]`` where that place is inside ``rank_of_key`` (the
    others left as they are): a scatter without the masks and copies of fancy indexing."""
    size = len(rank_of_key)
    for i in range(len(keys)):
        at = keys[i] + shift
        if 0 <= at < size:
            rank_of_key[at] = ranks[i]


@_compile
def work_point_rows(
    start: int,
    end: int,
    entry_start: Any,
    entry_fund: Any,
    entry_raw: Any,
    basic: Any,
    stored_ids: Any,
    work_id: Any,
    group: Any,
    right: Any,
    points: Any,
) -> None:
    """The work points of entries ``start … end − 1`` (in (work, group, right) order), one row
    each into the output arrays: the work's stored id (``stored_ids`` by rank; the entries of
    rank w are ``entry_start[w] … entry_start[w + 1] − 1``), its fund group and right (the
    entry's fund ``group × 2 + right``) and its points ``raw × basic[w × 2 + right]`` (the caller
    has checked that no product passes 2⁶³)."""
    w = np.searchsorted(entry_start, start, side="right") - 1
    for entry in range(start, end):
        while entry_start[w + 1] <= entry:
            w += 1
        f = np.int64(entry_fund[entry])
        r = f & 1
        i = entry - start
        work_id[i] = stored_ids[w]
        group[i] = f >> 1
        right[i] = r
        points[i] = entry_raw[entry] * basic[w * 2 + r]


@_compile
def entry_totals(group: Any, right: Any, work: Any, raw: Any, basic: Any, has_undetermined: Any, totals: Any) -> int:
    """Each entry's raw × basic[work × 2 + right] added into ``totals[group × 2 + right]`` (int64:
    the caller has checked that no sum can pass 2⁶³); returns how many entries have a work's right
    with an undetermined share (``has_undetermined[work × 2 + right]``)."""
    n = 0
    for i in range(len(raw)):
        cell = np.int64(work[i]) * 2 + right[i]
        totals[np.int64(group[i]) * 2 + right[i]] += raw[i] * basic[cell]
        if has_undetermined[cell]:
            n += 1
    return n


@_compile
def entries_with(work: Any, right: Any, flagged: Any, out: Any) -> None:
    """The positions of the entries whose (work, right) cell ``work × 2 + right`` is flagged, in
    order, into ``out`` (as many slots as there are)."""
    n = 0
    for i in range(len(work)):
        if flagged[np.int64(work[i]) * 2 + right[i]]:
            out[n] = i
            n += 1


@_compile
def first_positions(values: Any, out: Any) -> None:
    """``out[k]``: the first position of sorted ``values`` holding k or more, for k = 0 … len(out)
    − 1 (``np.searchsorted(values, k, side="left")`` for each k, by one merge of the two)."""
    j = 0
    n = len(values)
    for k in range(len(out)):
        while j < n and values[j] < k:
            j += 1
        out[k] = j


@_compile
def holders_by_cell(work: Any, right: Any, paid: Any, by_cell: Any, starts: Any) -> None:
    """The positions of the paid share rows in (work, right) order, equal cells in row order,
    into ``by_cell`` (one slot per paid row): a stable counting sort on ``work × 2 + right``
    (``starts``: zeros, one more than the cells), or the rows as they are when they come in that
    order (as share rows grouped by work do; ``starts`` is then left untouched)."""
    n = len(work)
    in_order = True
    last = -1
    for i in range(n):
        if paid[i]:
            cell = np.int64(work[i]) * 2 + right[i]
            if cell < last:
                in_order = False
                break
            last = cell
    if in_order:
        j = 0
        for i in range(n):
            if paid[i]:
                by_cell[j] = i
                j += 1
        return
    for i in range(n):
        if paid[i]:
            starts[np.int64(work[i]) * 2 + right[i] + 1] += 1
    for c in range(len(starts) - 1):
        starts[c + 1] += starts[c]
    for i in range(n):
        if paid[i]:
            cell = np.int64(work[i]) * 2 + right[i]
            by_cell[starts[cell]] = i
            starts[cell] += 1


@_compile
def count_holders(party: Any, rows: Any, counts: Any) -> None:
    """Add one to ``counts[party[i]]`` for each row i of ``rows``."""
    for j in range(len(rows)):
        if j + _AHEAD < len(rows):
            _prefetch(counts, np.int64(party[rows[j + _AHEAD]]))
        counts[np.int64(party[rows[j]])] += 1


@_compile
def place_holders(
    party: Any, work: Any, right: Any, share: Any, rows: Any, n_works: int, slots: Any, key_out: Any, share_out: Any
) -> None:
    """Write each row i of ``rows``, in their order, at the next slot of its party
    (``slots[party[i]]``, moved on by one): its key ``(party × works + work) × 2 + right`` into
    ``key_out`` and its share into ``share_out``. The parties' slots and their places in the
    outputs are scattered: each is asked for some rows ahead."""
    count = len(key_out)
    for j in range(len(rows)):
        if j + _AHEAD < len(rows):
            ahead = np.int64(party[rows[j + _AHEAD]])
            _prefetch(slots, ahead)
            if slots[ahead] < count:
                _prefetch(key_out, slots[ahead])
                _prefetch(share_out, slots[ahead])
        i = rows[j]
        p = np.int64(party[i])
        at = slots[p]
        slots[p] += 1
        key_out[at] = (p * n_works + work[i]) * 2 + right[i]
        share_out[at] = share[i]


@_compile
def count_pairs(holder_key: Any) -> int:
    """How many (party, work) pairs the sorted holder keys ``(party × works + work) × 2 + right`` have."""
    count = 0
    last = -1
    for i in range(len(holder_key)):
        pair = holder_key[i] >> 1
        if pair != last:
            count += 1
            last = pair
    return count


@_compile
def fill_pairs(
    holder_key: Any,
    holder_s: Any,
    n_works: int,
    entry_start: Any,
    pair_p: Any,
    pair_w: Any,
    pair_share: Any,
    pair_first: Any,
    pair_count: Any,
) -> None:
    """The (party, work) pairs of the sorted holder keys, one slot each (:func:`count_pairs`):
    party and work, the shares of each right added up into ``pair_share`` (zeros), and the range
    ``entry_start[work] …  entry_start[work + 1]`` of the work's entries."""
    n = -1
    last = -1
    rows = len(holder_key)
    for i in range(rows):
        # The works' entry starts are scattered (the keys go party by party): asked for ahead.
        if i + _AHEAD < rows:
            _prefetch(entry_start, (holder_key[i + _AHEAD] >> 1) % n_works)
        key = holder_key[i]
        pair = key >> 1
        if pair != last:
            n += 1
            last = pair
            w = pair % n_works
            pair_p[n] = pair // n_works
            pair_w[n] = w
            pair_first[n] = entry_start[w]
            pair_count[n] = entry_start[w + 1] - entry_start[w]
        pair_share[n, key & 1] += holder_s[i]
