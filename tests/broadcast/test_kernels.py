"""The compiled loops of the columnar engine against plain Python over the same integers."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bunpai.engine import kernels
from bunpai.engine.broadcast import _coded, cells_with_lines, holder_pairs, holders_in_order

_LIMIT = (1 << 63) - 1


@st.composite
def usage_batches(draw: st.DrawFn) -> dict[str, object]:
    """A batch of usage lines as codes and tables, with some lines of every kind of fault."""
    n = draw(st.integers(0, 60))
    n_groups = draw(st.integers(1, 3))
    n_stations = draw(st.integers(1, 5))
    n_works = draw(st.integers(1, 8))

    def column(low: int, high: int) -> np.ndarray:
        return np.array(draw(st.lists(st.integers(low, high), min_size=n, max_size=n)), dtype=np.int64)

    def table(values: st.SearchStrategy[int], size: int) -> np.ndarray:
        return np.array(draw(st.lists(values, min_size=size, max_size=size)), dtype=np.int64)

    faulty = draw(st.booleans())  # else only valid lines, which are added
    kinds = [1, 2, 3, 0] if faulty else [1, 2, 3]
    valid_work = draw(st.lists(st.booleans(), min_size=n, max_size=n)) if faulty else []
    return {
        "outcome_code": column(0, 3),
        "kind_of": table(st.sampled_from(kinds), 4),
        "station": column(-1 if faulty else 0, n_stations if faulty else n_stations - 1).astype(np.int32),
        "group_of_station": table(st.integers(-1 if faulty else 0, n_groups - 1), n_stations),
        "points_of_station": table(st.integers(0, 9), n_stations),
        "work": column(0, n_works - 1),
        "work_valid": np.array(valid_work, dtype=bool),
        "duration": column(-1 if faulty else 0, 40),
        "time_of": table(st.integers(0, 50), 41),
        "method_code": column(0, 2),
        "method_of": table(st.integers(-1 if faulty else 0, 20), 3),
        "sampling_num": column(0 if faulty else 1, 3),
        "sampling_den": column(-1 if faulty else 3, 13),
        "recorded": np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool),
        "n_groups": n_groups,
        "n_works": n_works,
    }


def _checked(b: dict[str, np.ndarray], i: int) -> list[bool]:
    """Plain Python: which checks of ``kernels.CHECKED`` line i fails."""
    kind = int(b["kind_of"][b["outcome_code"][i]])
    taking = kind in (1, 2)
    s = int(b["station"][i])
    num, den = int(b["sampling_num"][i]), int(b["sampling_den"][i])
    return [
        kind == 0,
        kind == 1 and len(b["work_valid"]) > 0 and not b["work_valid"][i],
        taking and int(b["duration"][i]) < 0,
        den <= 0 or num <= 0 or num > den,
        taking and int(b["method_of"][b["method_code"][i]]) < 0,
        not 0 <= s < len(b["group_of_station"]) or int(b["group_of_station"][s]) < 0,
    ]


@settings(max_examples=300, deadline=None)
@given(usage_batches(), st.integers(1, 3))
def test_usage_lines_are_checked_and_added_into_their_cells(batch: dict[str, object], numerator: int) -> None:
    b: dict[str, np.ndarray] = {k: v for k, v in batch.items() if isinstance(v, np.ndarray)}
    n_groups = int(batch["n_groups"])  # type: ignore[call-overload]
    size = len(b["outcome_code"])
    kind = [int(b["kind_of"][c]) for c in b["outcome_code"]]
    faults = [_checked(b, i) for i in range(size)]

    bad = np.full(len(kernels.CHECKED), 5, dtype=np.int64)  # added to, not overwritten
    unidentified = np.full(size + 2, -7, dtype=np.int64)
    found = kernels.scan_usage_batch(
        b["outcome_code"],
        b["kind_of"],
        b["station"],
        b["group_of_station"],
        b["work"],
        b["work_valid"],
        b["duration"],
        b["duration"],  # the time points looked up by duration
        b["time_of"],
        b["method_code"],
        b["method_of"],
        b["sampling_num"],
        b["sampling_den"],
        bad,
        unidentified,
    )
    assert bad.tolist() == [5 + sum(f[c] for f in faults) for c in range(len(kernels.CHECKED))]
    # Python integers: the caller's bounds (products of these) must not wrap around.
    assert all(type(value) is int for value in found)
    counted = [i for i in range(size) if kind[i] in (1, 2) and int(b["duration"][i]) >= 0]
    unid = [i for i in counted if kind[i] == 2]
    managed = [i for i in counted if kind[i] == 1 and (len(b["work_valid"]) == 0 or b["work_valid"][i])]
    assert found[0] == len(unid) and unidentified[: len(unid)].tolist() == unid
    assert found[1:4] == (
        max([0, *(int(b["time_of"][b["duration"][i]]) for i in counted)]),
        max([0, *(int(b["sampling_den"][i]) for i in counted)]),  # from 0: a bound, never negative
        len(managed),
    )
    if managed:
        works = [int(b["work"][i]) for i in managed]
        numerators = [int(b["sampling_num"][i]) for i in managed]
        assert found[4:] == (min(works), max(works), min(numerators), max(numerators))
    if any(any(f) for f in faults):
        return  # a batch with a fault is only counted

    cells = 2 * n_groups * int(batch["n_works"])  # type: ignore[call-overload]
    expected = [0] * cells
    expected_zero = [False] * cells
    for i in managed:
        if int(b["sampling_num"][i]) != numerator:
            continue
        s = int(b["station"][i])
        points = (
            int(b["time_of"][b["duration"][i]])
            * int(b["method_of"][b["method_code"][i]])
            * int(b["points_of_station"][s])
            * int(b["sampling_den"][i])
        )
        key = (int(b["work"][i]) * n_groups + int(b["group_of_station"][s])) * 2 + int(b["recorded"][i])
        expected[key] += points
        expected_zero[key] |= points == 0
    sums = np.full(cells, 7, dtype=np.int64)  # added into, not overwritten
    zero_lines = np.zeros(cells, dtype=bool)
    kernels.add_usage(
        b["outcome_code"],
        b["kind_of"],
        b["station"],
        b["group_of_station"],
        b["points_of_station"],
        b["duration"],
        b["time_of"],
        b["method_code"],
        b["method_of"],
        b["sampling_den"],
        b["sampling_num"],
        numerator,
        b["recorded"],
        b["work"],
        n_groups,
        sums,
        zero_lines,
        np.empty(size + 3, dtype=np.int64),
        np.empty(size + 3, dtype=np.int64),
    )
    assert sums.tolist() == [7 + v for v in expected]
    assert zero_lines.tolist() == expected_zero


@st.composite
def pair_ranges(draw: st.DrawFn) -> dict[str, object]:
    n_groups = draw(st.integers(1, 3))
    n_funds = n_groups * 2
    n_works = draw(st.integers(1, 5))
    entries_of_work = [
        sorted(draw(st.lists(st.integers(0, n_funds - 1), max_size=n_funds, unique=True))) for _ in range(n_works)
    ]
    entry_fund = [f for funds in entries_of_work for f in funds]
    starts = np.cumsum([0] + [len(e) for e in entries_of_work])
    pairs = draw(st.lists(st.tuples(st.integers(0, 9), st.integers(0, n_works - 1)), max_size=12))
    huge = draw(st.booleans())
    top = 10**15 if huge else 10**6
    return {
        "pair_p": np.array([p for p, _ in pairs], dtype=np.int32),
        "pair_w": np.array([w for _, w in pairs], dtype=np.int32),
        "pair_first": np.array([starts[w] for _, w in pairs], dtype=np.int64),
        "pair_count": np.array([starts[w + 1] - starts[w] for _, w in pairs], dtype=np.int32),
        "pair_share": np.array(
            [[draw(st.integers(0, 12)), draw(st.integers(0, 12))] for _ in pairs], dtype=np.int64
        ).reshape(len(pairs), 2),
        "entry_fund": np.array(entry_fund, dtype=np.int8),
        "entry_raw": np.array(
            [draw(st.integers(0, top)) for _ in entry_fund],
            dtype=np.int64,
        ),
        "fund_open": np.array([draw(st.booleans()) for _ in range(n_funds)], dtype=bool),
        "fund_amount": np.array([draw(st.integers(0, top)) for _ in range(n_funds)], dtype=np.int64),
        "fund_points": np.array([draw(st.integers(1, top)) for _ in range(n_funds)], dtype=np.int64),
        "payee_of_party": np.array([draw(st.integers(0, 2)) for _ in range(10)], dtype=np.int64),
    }


@settings(max_examples=200, deadline=None)
@given(pair_ranges(), st.data())
def test_statement_lines_of_a_pair_range(arrays: dict[str, np.ndarray], data: st.DataObject) -> None:
    a = arrays
    n_pairs = len(a["pair_p"])
    start = data.draw(st.integers(0, n_pairs))
    end = data.draw(st.integers(start, n_pairs))
    raw_bound = _LIMIT // np.maximum(a["fund_amount"], 1) // 12
    expected = []
    for pair in range(start, end):
        first = int(a["pair_first"][pair])
        for entry in range(first, first + int(a["pair_count"][pair])):
            fund = int(a["entry_fund"][entry])
            share = int(a["pair_share"][pair, fund & 1])
            exact = int(a["fund_amount"][fund]) * int(a["entry_raw"][entry]) * share
            if share > 0 and a["fund_open"][fund] and exact > 0:
                wide = exact > _LIMIT
                gross = 0 if wide else exact // int(a["fund_points"][fund])
                expected.append(
                    (
                        int(a["pair_p"][pair]),
                        int(a["pair_w"][pair]),
                        fund,
                        int(a["entry_raw"][entry]),
                        share,
                        gross,
                        wide,
                    )
                )
    n_groups = len(a["fund_amount"]) // 2
    # Added into, not overwritten.
    totals = [np.full(size, 3, dtype=np.int64) for size in (n_groups * 2, n_groups * 2, 3 * n_groups, 3 * n_groups)]
    # Arrays as large as the pairs' entries, and a few slots more that must stay untouched.
    size = int(a["pair_count"][start:end].sum()) + 3
    arrays = [
        np.full(size, -7, dtype=dtype)
        for dtype in (
            a["pair_p"].dtype,
            a["pair_w"].dtype,
            a["entry_fund"].dtype,
            np.int64,
            a["pair_share"].dtype,
            np.int64,
            np.int64,
        )
    ]
    n, n_wide = kernels.statement_lines(
        start,
        end,
        a["pair_first"],
        a["pair_count"],
        a["pair_p"],
        a["pair_w"],
        a["pair_share"],
        a["entry_fund"],
        a["entry_raw"],
        a["fund_open"],
        a["fund_amount"],
        a["fund_points"],
        raw_bound,
        a["payee_of_party"],
        *totals,
        *arrays,
    )
    assert all((array[n:] == -7).all() for array in arrays[:6]) and (arrays[6][n_wide:] == -7).all()
    p, w, fund, raw, share, gross = (array[:n] for array in arrays[:6])
    wide = arrays[6][:n_wide]
    got = list(zip(p.tolist(), w.tolist(), fund.tolist(), raw.tolist(), share.tolist(), gross.tolist(), strict=True))
    assert got == [line[:6] for line in expected]
    # The lines left to 128 bits are exactly those whose F × raw × share passes 2⁶³.
    assert wide.tolist() == [i for i, line in enumerate(expected) if line[6]]
    # Counted and added (the gross of the lines left to 128 bits as 0) per fund and per (payee, group).
    fund_lines, fund_gross, payee_lines, payee_gross = ([3] * len(t) for t in totals[:2] + totals[2:])
    for party, _, fund_code, _, _, line_gross, _ in expected:
        cell = int(a["payee_of_party"][party]) * n_groups + fund_code // 2
        fund_lines[fund_code] += 1
        fund_gross[fund_code] += line_gross
        payee_lines[cell] += 1
        payee_gross[cell] += line_gross
    assert [t.tolist() for t in totals] == [fund_lines, fund_gross, payee_lines, payee_gross]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_entries_of_works_in_their_order(data: st.DataObject) -> None:
    cells = data.draw(st.integers(0, 30))
    group = np.array(data.draw(st.lists(st.integers(0, 2), min_size=cells, max_size=cells)), dtype=np.int32)
    recorded = np.array(data.draw(st.lists(st.integers(0, 1), min_size=cells, max_size=cells)), dtype=np.int8)
    performing = np.array(data.draw(st.lists(st.integers(0, 10**12), min_size=cells, max_size=cells)))
    mechanical = np.array(data.draw(st.lists(st.integers(0, 10**12), min_size=cells, max_size=cells)))
    # Runs of consecutive cells, one per work, taken in a drawn order.
    cuts = sorted(data.draw(st.sets(st.integers(1, max(cells - 1, 1)), max_size=5))) if cells > 1 else []
    bounds = [0, *[c for c in cuts if c < cells], cells] if cells else [0]
    runs = [(a, b - a) for a, b in itertools.pairwise(bounds) if b > a]
    order = data.draw(st.permutations(range(len(runs))))
    run_start = np.array([runs[k][0] for k in order], dtype=np.int64)
    run_count = np.array([runs[k][1] for k in order], dtype=np.int64)
    rank = np.arange(len(order), dtype=np.int32)
    expected = []
    for k in range(len(order)):
        for row in range(int(run_start[k]), int(run_start[k] + run_count[k])):
            if recorded[row]:
                expected.append((int(group[row]), 0, k, int(mechanical[row])))
            expected.append((int(group[row]), 1, k, int(performing[row])))
    cells = (run_start, run_count, rank, group, recorded, performing.astype(np.int64), mechanical.astype(np.int64))
    raw_out = np.full(len(expected), -1, dtype=np.int64)
    g, r, w, raw = kernels.entries_of_works(*cells, 0, 1, raw_out)
    assert g.dtype == np.int32 and r.dtype == np.int8 and w.dtype == np.int32
    assert raw is raw_out
    assert list(zip(g.tolist(), r.tolist(), w.tolist(), raw.tolist(), strict=True)) == expected
    with pytest.raises(ValueError, match="does not hold"):
        kernels.entries_of_works(*cells, 0, 1, np.empty(len(expected) + 1, dtype=np.int64))


@st.composite
def share_rows(draw: st.DrawFn) -> dict[str, object]:
    """Share rows of a few parties and works, in any order or grouped by (work, right) as they
    come, some of them not paid."""
    n_parties = draw(st.integers(1, 6))
    n_works = draw(st.integers(1, 6))
    rows = draw(
        st.lists(
            st.tuples(st.integers(0, n_parties - 1), st.integers(0, n_works - 1), st.integers(0, 1), st.booleans()),
            max_size=60,
        )
    )
    if draw(st.booleans()):
        rows.sort(key=lambda row: (row[1], row[2]))  # in (work, right) order: one pass fewer
    return {"rows": rows, "n_parties": n_parties, "n_works": n_works}


@settings(max_examples=300, deadline=None)
@given(share_rows(), st.data())
def test_holders_are_put_in_party_work_right_order(case: dict[str, object], data: st.DataObject) -> None:
    rows: list[tuple[int, int, int, bool]] = case["rows"]  # type: ignore[assignment]
    n_parties, n_works = int(case["n_parties"]), int(case["n_works"])  # type: ignore[call-overload]
    shares = [10 + i for i in range(len(rows))]  # tells the rows apart
    paid = [i for i, row in enumerate(rows) if row[3]]
    # Python's sort is stable: equal keys keep their order.
    expected = [((rows[i][0] * n_works + rows[i][1]) * 2 + rows[i][2], shares[i]) for i in paid]
    expected.sort(key=lambda pair: pair[0])
    keys = np.full(len(paid), -1, dtype=np.int64)
    values = np.full(len(paid), -1, dtype=np.int64)
    holders_in_order(
        np.array([r[0] for r in rows], dtype=np.int32),
        np.array([r[1] for r in rows], dtype=np.int32),
        np.array([r[2] for r in rows], dtype=np.int8),
        np.array(shares, dtype=np.int64),
        np.array([r[3] for r in rows], dtype=bool),
        n_parties,
        n_works,
        keys,
        values,
        threads_from=data.draw(st.sampled_from([1, 10**9])),  # two halves on two threads, or one after the other
    )
    assert list(zip(keys.tolist(), values.tolist(), strict=True)) == expected


@settings(max_examples=200, deadline=None)
@given(share_rows(), st.data())
def test_pairs_of_the_holders_add_up_their_roles(case: dict[str, object], data: st.DataObject) -> None:
    rows: list[tuple[int, int, int, bool]] = case["rows"]  # type: ignore[assignment]
    n_works = int(case["n_works"])  # type: ignore[call-overload]
    keys = sorted((p * n_works + w) * 2 + r for p, w, r, _ in rows)
    shares = [data.draw(st.integers(1, 50)) for _ in keys]
    entries = [data.draw(st.integers(0, 4)) for _ in range(n_works)]  # entries of each work
    entry_start = np.cumsum([0, *entries]).astype(np.int64)
    expected: dict[tuple[int, int], list[int]] = {}
    for key, share in zip(keys, shares, strict=True):
        expected.setdefault(divmod(key >> 1, n_works), [0, 0])[key & 1] += share
    n = kernels.count_pairs(np.array(keys, dtype=np.int64))
    assert n == len(expected)
    pair_p, pair_w = np.full(n, -1, dtype=np.int32), np.full(n, -1, dtype=np.int32)
    pair_share = np.zeros((n, 2), dtype=np.int64)
    pair_first, pair_count = np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int32)
    kernels.fill_pairs(
        np.array(keys, dtype=np.int64),
        np.array(shares, dtype=np.int64),
        n_works,
        entry_start,
        pair_p,
        pair_w,
        pair_share,
        pair_first,
        pair_count,
    )
    assert [
        (p, w, s, first, count)
        for p, w, s, first, count in zip(
            pair_p.tolist(), pair_w.tolist(), pair_share.tolist(), pair_first.tolist(), pair_count.tolist(), strict=True
        )
    ] == [(p, w, shares_of, int(entry_start[w]), entries[w]) for (p, w), shares_of in expected.items()]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_used_share_rows_are_the_rows_of_works_used_in_order(data: st.DataObject) -> None:
    n_keys = data.draw(st.integers(1, 8))
    n_parties = data.draw(st.integers(1, 5))
    # -1: a work not used (key 0 stands for a row without a work).
    w_of_key = np.array(data.draw(st.lists(st.integers(-1, 6), min_size=n_keys, max_size=n_keys)), dtype=np.int32)
    rows = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, n_keys - 1),
                st.integers(0, n_parties),  # n_parties: no holder
                st.integers(1, 2),
                st.integers(0, 100),
                st.integers(1, 100),
            ),
            max_size=40,
        )
    )
    types = (np.int32, np.uint32, np.int8, np.int8, np.int8)
    columns = [np.array([r[k] for r in rows], dtype=dtype) for k, dtype in enumerate(types)]
    n = kernels.count_used_share_rows(columns[0], w_of_key)
    expected = [
        (i, int(w_of_key[key]), -1 if party == n_parties else party, right - 1, num, den)
        for i, (key, party, right, num, den) in enumerate(rows)
        if w_of_key[key] >= 0
    ]
    assert n == len(expected)
    out = [np.full(n, -9, dtype=dtype) for dtype in (np.int64, np.int32, np.int32, np.int8, np.int64, np.int64)]
    kernels.used_share_rows(columns[0], w_of_key, columns[1], n_parties, columns[2], columns[3], columns[4], *out)
    assert list(zip(*(a.tolist() for a in out), strict=True)) == expected


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_share_sums_per_cell_and_the_paid_holders(data: st.DataObject) -> None:
    n_works = data.draw(st.integers(1, 5))
    paid_of_party = np.array(data.draw(st.lists(st.booleans(), min_size=1, max_size=5)), dtype=bool)
    rows = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, n_works - 1),
                st.integers(0, 1),
                st.integers(-3, 60),  # shares of 0 (and below) are summed, never paid
                st.integers(-1, len(paid_of_party) - 1),  # -1: no holder
            ),
            max_size=40,
        )
    )
    total, nonmember, no_holder = (np.zeros(n_works * 2, dtype=np.int64) for _ in range(3))
    paid_rows = np.zeros(len(rows), dtype=bool)
    kernels.share_sums(
        np.array([r[0] for r in rows], dtype=np.int32),
        np.array([r[1] for r in rows], dtype=np.int8),
        np.array([r[2] for r in rows], dtype=np.int64),
        np.array([r[3] for r in rows], dtype=np.int32),
        paid_of_party,
        total,
        nonmember,
        no_holder,
        paid_rows,
    )
    expected = {name: [0] * (n_works * 2) for name in ("total", "nonmember", "no_holder")}
    for w, r, s, p in rows:
        expected["total"][w * 2 + r] += s
        if p < 0:
            expected["no_holder"][w * 2 + r] += s
        elif not paid_of_party[p]:
            expected["nonmember"][w * 2 + r] += s
    assert total.tolist() == expected["total"]
    assert nonmember.tolist() == expected["nonmember"]
    assert no_holder.tolist() == expected["no_holder"]
    assert paid_rows.tolist() == [p >= 0 and bool(paid_of_party[p]) and s > 0 for _, _, s, p in rows]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_cells_with_lines_are_those_with_points_or_a_line_of_none(data: st.DataObject) -> None:
    n_groups = data.draw(st.integers(1, 4))
    n_cells = n_groups * data.draw(st.integers(0, 6))
    slots = {"min_size": 2 * n_cells, "max_size": 2 * n_cells}
    sums = np.array(data.draw(st.lists(st.integers(0, 1_000), **slots)), dtype=np.int64)
    zero_lines = np.array(data.draw(st.lists(st.booleans(), **slots)), dtype=bool)
    expected = [
        (cell % n_groups, cell // n_groups, int(sums[2 * cell] + sums[2 * cell + 1]), int(sums[2 * cell + 1]), recorded)
        for cell in range(n_cells)
        for recorded in [int(sums[2 * cell + 1] > 0 or zero_lines[2 * cell + 1])]
        if recorded or sums[2 * cell] > 0 or zero_lines[2 * cell]
    ]
    # One pass, and two halves on two threads.
    for threads_from in (1 << 20, 1):
        columns = cells_with_lines(sums, zero_lines, n_groups, threads_from)
        assert list(zip(*(c.tolist() for c in columns), strict=True)) == expected


@settings(max_examples=200, deadline=None)
@given(share_rows(), st.data())
def test_holder_pairs_in_two_halves_are_those_of_one_pass(case: dict[str, object], data: st.DataObject) -> None:
    rows: list[tuple[int, int, int, bool]] = case["rows"]  # type: ignore[assignment]
    n_parties, n_works = int(case["n_parties"]), int(case["n_works"])  # type: ignore[call-overload]
    keys = np.array(sorted((p * n_works + w) * 2 + r for p, w, r, _ in rows), dtype=np.int64)
    # Shares over a small common denominator, or over one near 2⁴⁰ (then their sums need 64 bits).
    top = data.draw(st.sampled_from([50, 2**40]))
    shares = np.array([data.draw(st.integers(1, top)) for _ in range(len(keys))], dtype=np.int64)
    entry_start = np.cumsum([0, *(data.draw(st.integers(0, 4)) for _ in range(n_works))]).astype(np.int64)
    n = kernels.count_pairs(keys)
    one_pass = (
        np.empty(n, dtype=np.int32),
        np.empty(n, dtype=np.int32),
        np.zeros((n, 2), dtype=np.int64),
        np.empty(n, dtype=np.int64),
        np.empty(n, dtype=np.int32),
    )
    kernels.fill_pairs(keys, shares, n_works, entry_start, *one_pass)
    # Made in two halves, on two threads (from one key on) or one after the other.
    threads_from = data.draw(st.sampled_from([1, 10**9]))
    halves = holder_pairs(keys, shares, n_parties, n_works, entry_start, threads_from=threads_from)
    assert [a.tolist() for a in halves] == [a.tolist() for a in one_pass]
    # The shares and first entries in 32 bits where they fit (rows × the largest share below 2³¹).
    narrow = len(keys) * int(shares.max(initial=0)) < 2**31
    assert halves[2].dtype == (np.int32 if narrow else np.int64) and halves[3].dtype == np.int32


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 3), max_size=40))
def test_runs_of_equal_neighbours(values: list[int]) -> None:
    starts, lengths = kernels.runs_of(np.array(values, dtype=np.int64))
    expected, at = [], 0
    for _, run in itertools.groupby(values):
        length = len(list(run))
        expected.append((at, length))
        at += length
    assert list(zip(starts.tolist(), lengths.tolist(), strict=True)) == expected


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_entry_totals_per_fund_and_the_entries_with_an_undetermined_share(data: st.DataObject) -> None:
    n_works, n_groups = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 3))
    n = data.draw(st.integers(0, 40))
    entries = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, n_groups - 1),
                st.integers(0, 1),
                st.integers(0, n_works - 1),
                st.integers(-(10**6), 10**9),
            ),
            min_size=n,
            max_size=n,
        )
    )
    basic = np.array(data.draw(st.lists(st.integers(0, 10**6), min_size=n_works * 2, max_size=n_works * 2)))
    flagged = np.array(data.draw(st.lists(st.booleans(), min_size=n_works * 2, max_size=n_works * 2)), dtype=bool)
    group = np.array([e[0] for e in entries], dtype=np.int32)
    right = np.array([e[1] for e in entries], dtype=np.int8)
    work = np.array([e[2] for e in entries], dtype=np.int32)
    raw = np.array([e[3] for e in entries], dtype=np.int64)
    totals = np.zeros(n_groups * 2, dtype=np.int64)
    count = kernels.entry_totals(group, right, work, raw, basic, flagged, totals)
    expected = [0] * (n_groups * 2)
    for g, r, w, value in entries:
        expected[g * 2 + r] += value * int(basic[w * 2 + r])
    assert totals.tolist() == expected
    positions = [i for i, (_, r, w, _) in enumerate(entries) if flagged[w * 2 + r]]
    assert count == len(positions)
    out = np.empty(count, dtype=np.int64)
    kernels.entries_with(work, right, flagged, out)
    assert out.tolist() == positions


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 9), max_size=50), st.integers(0, 12))
def test_first_positions_are_those_of_a_sorted_search(values: list[int], n: int) -> None:
    ordered = np.array(sorted(values), dtype=np.int32)
    out = np.full(n + 1, -1, dtype=np.int64)
    kernels.first_positions(ordered, out)
    assert out.tolist() == np.searchsorted(ordered, np.arange(n + 1), side="left").tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(*(st.one_of(st.integers(0, 4), st.integers(-(2**40), 2**40)) for _ in range(3))), max_size=30
    ),
    st.one_of(st.integers(1, 4), st.integers(1, 2**40)),
)
def test_share_balances_are_the_basic_and_undetermined_shares(
    cells: list[tuple[int, int, int]], d_share: int
) -> None:
    total = np.array([c[0] for c in cells], dtype=np.int64)
    nonmember = np.array([c[1] for c in cells], dtype=np.int64)
    no_holder = np.array([c[2] for c in cells], dtype=np.int64)
    has_undetermined = np.zeros(len(cells), dtype=np.bool_)
    low, high = kernels.share_balances(total, nonmember, no_holder, d_share, has_undetermined)
    basic = [d_share - n for _, n, _ in cells]
    undetermined = [d_share - t + h for t, _, h in cells]
    assert nonmember.tolist() == basic
    assert total.tolist() == undetermined
    assert has_undetermined.tolist() == [u > 0 for u in undetermined]
    assert (low, high) == ((min(basic), max(basic)) if cells else (0, 0))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 40), max_size=80), st.sampled_from([np.int8, np.int32, np.int64]))
def test_values_present_are_the_distinct_values(values: list[int], dtype: type) -> None:
    present = np.zeros(41, dtype=np.bool_)
    kernels.values_present(np.array(values, dtype=dtype), present)
    assert np.flatnonzero(present).tolist() == sorted(set(values))


@settings(max_examples=300, deadline=None)
@given(st.sets(st.one_of(st.integers(0, 120), st.integers(0, 10**18 - 1)), max_size=60))
def test_decimal_text_order_is_the_order_of_the_texts(values: set[int]) -> None:
    ordered = np.array(sorted(values), dtype=np.int64)
    order = kernels.decimal_text_order(ordered)
    assert [str(v) for v in ordered[order]] == sorted(str(v) for v in values)


def test_decimal_text_order_puts_a_text_before_those_it_begins() -> None:
    values = np.array([0, 1, 2, 9, 10, 11, 19, 20, 99, 100, 101, 1000, 10**17], dtype=np.int64)
    texts = [str(v) for v in values[kernels.decimal_text_order(values)]]
    assert texts == ["0", "1", "10", "100", "1000", "100000000000000000", "101", "11", "19", "2", "20", "9", "99"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-5, 25), max_size=40), st.integers(-3, 3), st.integers(0, 20))
def test_place_ranks_writes_the_ranks_of_keys_inside(keys: list[int], shift: int, size: int) -> None:
    ranks = np.arange(100, 100 + len(keys), dtype=np.int32)
    got = np.full(size, -1, dtype=np.int32)
    kernels.place_ranks(np.array(keys, dtype=np.int64), shift, ranks, got)
    expected = [-1] * size
    for key, rank in zip(keys, ranks.tolist(), strict=True):
        if 0 <= key + shift < size:
            expected[key + shift] = rank
    assert got.tolist() == expected


def test_batch_columns_are_read_in_their_own_signed_type() -> None:
    from bunpai.engine.broadcast import _int_values, _ints

    narrow = _ints(pl.Series([3, None, 5], dtype=pl.Int32), -1)
    assert narrow.dtype == np.int32 and narrow.tolist() == [3, -1, 5]
    unsigned = _ints(pl.Series([3, None, 2**32 - 1], dtype=pl.UInt32), 0)
    assert unsigned.dtype == np.int64 and unsigned.tolist() == [3, 0, 2**32 - 1]
    values = _int_values(pl.Series([7, None, 9], dtype=pl.Int64))
    assert values.dtype == np.int64 and values[[0, 2]].tolist() == [7, 9]
    assert _int_values(pl.Series([1, 2], dtype=pl.UInt64)).dtype == np.int64


def test_batch_work_ids_are_read_without_the_private_buffers_method(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Polars without ``Series._get_buffers`` (it is not public): the valid values are the same."""
    from bunpai.engine.broadcast import _int_values

    monkeypatch.delattr(pl.Series, "_get_buffers", raising=False)
    values = _int_values(pl.Series([7, None, 9], dtype=pl.Int32))
    assert values.dtype == np.int32 and values[[0, 2]].tolist() == [7, 9]
    assert _int_values(pl.Series([None, 2**40], dtype=pl.UInt64))[1] == 2**40


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_work_point_rows_are_each_entry_with_its_work(data: st.DataObject) -> None:
    counts = data.draw(st.lists(st.integers(0, 4), min_size=1, max_size=8))  # entries per work rank
    entry_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    n = int(entry_start[-1])
    funds = st.lists(st.integers(0, 5), min_size=n, max_size=n)
    entry_fund = np.array(data.draw(funds), dtype=np.int8)
    entry_raw = np.array(data.draw(st.lists(st.integers(-50, 50), min_size=n, max_size=n)), dtype=np.int64)
    basic = np.array(data.draw(st.lists(st.integers(0, 9), min_size=2 * len(counts), max_size=2 * len(counts))))
    stored = np.array(data.draw(st.lists(st.integers(0, 10**12), min_size=len(counts), max_size=len(counts))))
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    outputs = [np.full(end - start, -1, dtype=np.int64) for _ in range(4)]
    kernels.work_point_rows(start, end, entry_start, entry_fund, entry_raw, basic, stored, *outputs)
    expected = []
    for entry in range(start, end):
        w = int(np.searchsorted(entry_start, entry, side="right")) - 1
        fund = int(entry_fund[entry])
        expected.append((int(stored[w]), fund // 2, fund % 2, int(entry_raw[entry]) * int(basic[w * 2 + fund % 2])))
    assert list(zip(*(o.tolist() for o in outputs), strict=True)) == expected


def test_categories_of_many_values_are_coded_by_a_table_of_those_present() -> None:
    others = pl.Series([f"other text {i}" for i in range(70_000)]).cast(pl.Categorical)  # (kept while in use)
    column = pl.Series(["managed", None, "other text 69999", "unidentified", "managed"]).cast(pl.Categorical)
    assert column.dtype.categories.to_series().len() > 1 << 16  # type: ignore[attr-defined]
    codes, table = _coded(column, {"managed": 1, "unidentified": 2}, 0)
    assert table[codes].tolist() == [1, 0, 0, 2, 1]
    assert others.len() == 70_000
