"""Exact reduction of ratio columns: the narrowed, range-by-range form equals the 64-bit one."""

from __future__ import annotations

from math import gcd

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from bunpai.formats import tables
from bunpai.formats.tables import reduce_ratio

parts = st.lists(
    st.tuples(st.integers(0, 2**40), st.integers(1, 2**40)) | st.tuples(st.integers(0, 300), st.integers(1, 300)),
    min_size=1,
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(parts, st.integers(1, 7))
def test_narrowed_reduction_equals_the_wide_one(rows: list[tuple[int, int]], step: int) -> None:
    """Every row reduced by its greatest common divisor, whatever the ranges; each narrowed
    column's type is the narrowest that holds every one of its reduced values."""
    frame = pl.DataFrame(rows, schema={"n": pl.Int64, "d": pl.Int64}, orient="row")
    expected = [(n // gcd(n, d), d // gcd(n, d)) for n, d in rows]
    wide = reduce_ratio(frame, "n", "d")
    assert wide.schema["n"] == pl.Int64 and wide.rows() == expected
    previous, tables._REDUCE_ROWS = tables._REDUCE_ROWS, step  # several ranges, however short
    try:
        narrow = reduce_ratio(frame, "n", "d", narrow=True)
    finally:
        tables._REDUCE_ROWS = previous
    assert narrow.rows() == expected
    for column, top in (("n", max(n for n, _ in expected)), ("d", max(d for _, d in expected))):
        assert narrow.schema[column] == (pl.Int8 if top < 2**7 else pl.Int32 if top < 2**31 else pl.Int64)


def test_columns_with_gaps_or_of_128_bits_are_left_as_they_are() -> None:
    with_gap = pl.DataFrame({"n": [2, None], "d": [4, 8]}, schema={"n": pl.Int64, "d": pl.Int64})
    assert reduce_ratio(with_gap, "n", "d", narrow=True).equals(with_gap)
    wide = pl.DataFrame({"n": [2], "d": [4]}, schema={"n": pl.Int128, "d": pl.Int128})
    assert reduce_ratio(wide, "n", "d").equals(wide)
