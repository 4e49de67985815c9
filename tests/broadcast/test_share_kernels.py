"""The compiled checks of share rows against their plain definitions."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bunpai.formats import share_kernels


@st.composite
def holder_rows(draw: st.DrawFn) -> dict[str, object]:
    n_works = draw(st.integers(1, 30))
    n_parties = draw(st.integers(1, 40))  # few parties: repeats; many: works of many distinct rows
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, n_works - 1),
                st.integers(0, 2),  # role
                st.integers(0, 3),  # right key
                st.integers(0, n_parties - 1),
                st.booleans(),  # keyed
            ),
            max_size=90,
        )
    )
    if draw(st.booleans()):
        rows.sort(key=lambda row: row[0])  # grouped by work, as share rows come
    return {"rows": rows, "n_parties": n_parties}


@settings(max_examples=400, deadline=None)
@given(holder_rows())
def test_a_holder_repeated_in_a_work_is_found(case: dict[str, object]) -> None:
    rows: list[tuple[int, int, int, int, bool]] = case["rows"]  # type: ignore[assignment]
    n_parties = int(case["n_parties"])  # type: ignore[call-overload]
    keyed_rows = [row[:4] for row in rows if row[4]]
    repeated = len(set(keyed_rows)) < len(keyed_rows)
    found = share_kernels.holder_repeated(
        np.array([r[0] for r in rows], dtype=np.int32),
        np.array([r[1] for r in rows], dtype=np.int8),
        np.array([r[2] for r in rows], dtype=np.int32),
        np.array([r[3] for r in rows], dtype=np.uint32),
        np.array([r[4] for r in rows], dtype=bool),
        4,
        n_parties,
    )
    # Grouped by work or not (then put with their work's by a counting sort), the same answer.
    assert found == int(repeated)


@settings(max_examples=200, deadline=None)
@given(st.integers(17, 60), st.data())
def test_a_repeat_among_many_rows_of_a_work_is_found(n_rows: int, data: st.DataObject) -> None:
    # One work's rows, all different (party i), after and before other works' rows; then the same
    # with one row made a copy of another, past the first rows compared pair by pair.
    parties = list(range(n_rows))
    before = data.draw(st.integers(0, 3))
    after = data.draw(st.integers(0, 3))
    works = [0] * before + [1] * n_rows + [2] * after
    party = list(range(before)) + parties + list(range(after))

    def found(party: list[int]) -> int:
        n = len(works)
        return int(
            share_kernels.holder_repeated(
                np.array(works, dtype=np.int64),
                np.zeros(n, dtype=np.int8),
                np.ones(n, dtype=np.int32),
                np.array(party, dtype=np.int64),
                np.ones(n, dtype=bool),
                4,
                n_rows,
            )
        )

    assert found(party) == 0
    copy_at = before + data.draw(st.integers(16, n_rows - 1))
    party[copy_at] = party[before + data.draw(st.integers(0, copy_at - before - 1))]
    assert found(party) == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 11), st.booleans(), st.booleans()), max_size=80))
def test_the_rows_of_flagged_groups_are_those_of_a_group_with_a_flag(rows: list[tuple[int, bool, bool]]) -> None:
    codes = np.array([code for code, _, _ in rows], dtype=np.int32)
    first = np.array([a for _, a, _ in rows], dtype=bool)
    second = np.array([b for _, _, b in rows], dtype=bool)
    out = np.zeros(len(rows), dtype=bool)
    share_kernels.rows_of_flagged_groups(codes, first, second, 12, out)
    flagged = {code for code, a, b in rows if a or b}
    assert out.tolist() == [code in flagged for code, _, _ in rows]
