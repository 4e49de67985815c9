"""Exact reduction of ratio columns: the narrowed, range-by-range form equals the 64-bit one."""

from __future__ import annotations

from math import gcd

import numpy as np
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


signed = st.integers(-(2**63), 2**63 - 1) | st.integers(-200, 200) | st.sampled_from([0, -(2**63), 2**63 - 1])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(signed, signed), min_size=1, max_size=40), st.sampled_from([pl.Int8, pl.Int32, pl.Int64]))
def test_the_compiled_reduction_gives_numpys_values_for_any_signed_parts(
    rows: list[tuple[int, int]], dtype: pl.DataType
) -> None:
    """Signed parts of any size, zeros and −2⁶³ included, in the column's own type: the values of
    NumPy's gcd and floor division, in the narrowest type that holds them."""
    bits = {pl.Int8: 7, pl.Int32: 31, pl.Int64: 63}[dtype]  # type: ignore[index]
    rows = [(max(min(n, 2**bits - 1), -(2**bits)), max(min(d, 2**bits - 1), -(2**bits))) for n, d in rows]
    frame = pl.DataFrame(rows, schema={"n": dtype, "d": dtype}, orient="row")
    num = np.array([n for n, _ in rows], dtype=np.int64)
    den = np.array([d for _, d in rows], dtype=np.int64)
    divisor = np.gcd(num, den)
    divisor[divisor == 0] = 1
    expected = list(zip((num // divisor).tolist(), (den // divisor).tolist(), strict=True))
    narrow = reduce_ratio(frame, "n", "d", narrow=True)
    assert narrow.rows() == expected
    for column, values in (("n", [n for n, _ in expected]), ("d", [d for _, d in expected])):
        fits = [t for t, b in ((pl.Int8, 7), (pl.Int32, 31)) if all(-(2**b) <= v < 2**b for v in values)]
        assert narrow.schema[column] == (fits[0] if fits else pl.Int64)


def test_the_compiled_reduction_uses_its_table_and_euclid_alike() -> None:
    """Parts below 128 (the table) and above (Euclid) reduce the same ratio to the same terms."""
    frame = pl.DataFrame({"n": [6, -6, 600, -600, 0, 0, 127, 1270], "d": [8, 8, 800, 800, 0, 5, 127, 127]})
    assert reduce_ratio(frame, "n", "d", narrow=True).rows() == [
        (3, 4), (-3, 4), (3, 4), (-3, 4), (0, 0), (0, 1), (1, 1), (10, 1)
    ]
