"""Identification in several processes (``identify_many(processes=…)``) and the first pass
without Polars: every line gets the result it gets in one process and from ``identify`` alone; a
child's failure is raised in the parent; no child is left behind; small batches and the default
stay in one process."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bunpai.identify import engine
from bunpai.identify.engine import (
    AUTO,
    IdentificationProcessError,
    Query,
    WorkEntry,
    WorkIndex,
    _parts,
    _process_count,
)
from bunpai.identify.normalise import name_keys, text_key
from tests.identify.generated import generated_works_and_lines
from tests.identify.test_engine import _works_and_query

DATA = Path(__file__).resolve().parents[1] / "data" / "identify"

forking = pytest.mark.skipif(not engine._CAN_FORK, reason="no child processes are forked on this platform")


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Raise TimeoutError in this process if the block takes longer (a child that hangs)."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"no results within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _many_works(count: int) -> Iterator[None]:
    """Indexes built within list the works of titles of more than ``count`` works by name key."""
    before = engine._MANY_WORKS
    engine._MANY_WORKS = count
    try:
        yield
    finally:
        engine._MANY_WORKS = before


@pytest.fixture(scope="module")
def generated() -> tuple[WorkIndex, list[Query]]:
    """The generated works file and usage lines of tests/data/identify (4,000 works, 3,000 lines)."""
    works, lines = generated_works_and_lines()
    return WorkIndex(works), lines


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The process ids of the children forked during the test (which forks for any number of
    lines left to the scorer: the generated lines leave a few hundred)."""
    monkeypatch.setattr(engine, "MANY_LINES", 1)
    pids: list[int] = []
    fork = os.fork

    def counted() -> int:
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted)
    return pids


def _all_waited_for(pids: list[int]) -> bool:
    """Whether every one of these children has ended and been waited for (no zombie left)."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return True


@forking
def test_two_and_three_processes_give_every_line_its_result_in_one(
    generated: tuple[WorkIndex, list[Query]], forks: list[int]
) -> None:
    index, lines = generated
    # Polars' thread pool runs in this process: the children must never need it (a forked child
    # has none of its threads and would wait for them for ever).
    assert pl.DataFrame({"k": list(range(10_000))}).group_by("k").len().height == 10_000
    with _deadline(60):
        two = index.identify_many(lines, processes=2)
        assert len(forks) == 1
        three = index.identify_many(lines, processes=3)
        assert len(forks) == 3
    one = index.identify_many(lines, processes=1)
    assert len(forks) == 3
    assert two == one and three == one
    assert repr(two) == repr(one) and repr(three) == repr(one)  # the same types of numbers too
    assert one == [index.identify(q) for q in lines]
    assert _all_waited_for(forks)


def test_small_batches_and_the_default_stay_in_one_process(
    generated: tuple[WorkIndex, list[Query]], monkeypatch: pytest.MonkeyPatch
) -> None:
    index, lines = generated

    def refused() -> int:
        raise AssertionError("a child was forked")

    monkeypatch.setattr(os, "fork", refused)
    one = index.identify_many(lines, processes=1)
    # fewer lines left to the scorer than MANY_LINES: scored here, whatever is asked for
    assert len(lines) < engine.MANY_LINES
    assert index.identify_many(lines, processes=2) == one
    # the default is one process, however many lines are left
    monkeypatch.setattr(engine, "MANY_LINES", 1)
    assert index.identify_many(lines) == one


def test_how_many_processes() -> None:
    many = engine.MANY_LINES
    if engine._CAN_FORK:
        assert _process_count(2, many - 1) == 1
        assert _process_count(2, many) == 2
        assert _process_count(many + 1, many) == many  # never more than the lines
        assert _process_count(1, many * 10) == 1
    else:
        assert _process_count(2, many * 10) == 1
    with pytest.raises(ValueError, match="at least 1"):
        _process_count(0, many)


@pytest.mark.parametrize("ending", ["raises", "is killed", "exits"])
@forking
def test_a_child_that_fails_is_raised_here_and_waited_for(
    generated: tuple[WorkIndex, list[Query]], forks: list[int], monkeypatch: pytest.MonkeyPatch, ending: str
) -> None:
    index, lines = generated
    parent = os.getpid()
    scorer: Callable[[WorkIndex, Any], Any] = WorkIndex._identify_rest

    def failing(self: WorkIndex, queries: Any) -> Any:
        if os.getpid() != parent:
            if ending == "raises":
                raise ValueError("the scorer failed in the child")
            if ending == "is killed":
                os.kill(os.getpid(), signal.SIGKILL)
            os._exit(3)
        return scorer(self, queries)

    monkeypatch.setattr(WorkIndex, "_identify_rest", failing)
    expected = {
        "raises": r"(?s)failed in child process \d+:.*ValueError: the scorer failed in the child",
        "is killed": rf"ended by signal {int(signal.SIGKILL)} without its results",
        "exits": "exited with status 3 without its results",
    }[ending]
    with _deadline(60), pytest.raises(IdentificationProcessError, match=expected):
        index.identify_many(lines, processes=3)
    assert len(forks) == 2
    assert _all_waited_for(forks)


@forking
def test_a_failure_here_ends_the_children(
    generated: tuple[WorkIndex, list[Query]], forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    index, lines = generated
    parent = os.getpid()
    scorer: Callable[[WorkIndex, Any], Any] = WorkIndex._identify_rest

    def failing_here(self: WorkIndex, queries: Any) -> Any:
        if os.getpid() == parent:
            raise ValueError("the scorer failed in the parent")
        return scorer(self, queries)

    monkeypatch.setattr(WorkIndex, "_identify_rest", failing_here)
    with _deadline(60), pytest.raises(ValueError, match="failed in the parent"):
        index.identify_many(lines, processes=2)
    assert len(forks) == 1
    assert _all_waited_for(forks)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", "g"]), max_size=60), st.integers(1, 4))
def test_parts_keep_a_title_together_and_are_balanced(titles: list[str], count: int) -> None:
    parts = _parts(titles, count)
    assert parts == _parts(titles, count)  # the same titles, the same parts
    assert len(parts) <= count and all(parts)
    assert sorted(i for part in parts for i in part) == list(range(len(titles)))
    assert all(part == sorted(part) for part in parts)
    part_of = {i: k for k, part in enumerate(parts) for i in part}
    for i, title in enumerate(titles):
        assert part_of[titles.index(title)] == part_of[i]
    if len(parts) == count:
        # Largest titles first, each to the smallest part: parts differ by at most one title's lines.
        largest = max(titles.count(t) for t in titles)
        sizes = [len(part) for part in parts]
        assert max(sizes) - min(sizes) <= largest


def test_parts_take_the_titles_of_most_lines_first() -> None:
    # c (two lines) to the first part, then a and b to the second: two lines each (in the order
    # of the titles' first lines, a and b would take one part each and c join a).
    assert _parts(["a", "b", "c", "c"], 2) == [[2, 3], [0, 1]]
    assert _parts(["a", "b", "c", "c"], 3) == [[2, 3], [0], [1]]
    assert _parts(["a", "a"], 3) == [[0, 1]]  # no empty part
    assert _parts([], 2) == []


_FOUR_OF_FIVE = ("山田 太郎", "Yamada Taro", "ヤマダ タロウ", "Taro Yamada", "Mary Smith")


def _settled_by_the_rule(index: WorkIndex, works: list[WorkEntry], query: Query) -> bool:
    """Whether the first pass's rule, stated plainly over every work, settles a line."""
    tkey = text_key(query.title) if query.title else ""
    code = [i for i, w in enumerate(works) if w.work_id == query.work_code]
    if code:
        return not tkey or tkey in index.text_keys[code[0]]
    if not query.creators or not tkey:
        return False
    if (query.iswc and query.iswc in index.by_iswc) or (query.isrc and query.isrc in index.by_isrc):
        return False
    positions = [keys for keys in (name_keys(c) for c in query.creators) if keys]
    if not positions:
        return False
    found = []
    for i, work in enumerate(works):
        if tkey in index.text_keys[i]:
            work_keys = {k for c in work.creators for k in name_keys(c)}
            found.append(sum(1 for keys in positions if work_keys & set(keys)))
    if len(positions) not in found:
        return False
    return max(round(0.5 + 0.5 * f / len(positions), 4) for f in found) >= index.thresholds.auto


@settings(max_examples=150, deadline=None)
@given(st.lists(_works_and_query(), min_size=1, max_size=4), st.sampled_from([0, 1_000]))
def test_the_first_pass_settles_the_lines_of_its_rule_with_the_results_of_identify(
    cases: list[tuple[list[WorkEntry], Query]], many: int
) -> None:
    """With the works of every title listed by name key (``many`` = 0) and with none (1,000)."""
    works = cases[0][0]
    queries = [q for _, q in cases]
    # Without the code, with one name only, and with one name four times in other spellings beside
    # another (four names of five found: a score of 0.9 without every name found): other lines of
    # the same titles.
    queries += (
        [q._replace(work_code="") for q in queries]
        + [q._replace(creators=q.creators[:1]) for q in queries]
        + [q._replace(work_code="", creators=_FOUR_OF_FIVE) for q in queries]
    )
    with _many_works(many):
        index = WorkIndex(works)
    settled = index._first_pass(queries)
    assert set(settled) == {i for i, q in enumerate(queries) if _settled_by_the_rule(index, works, q)}
    for position, result in settled.items():
        assert result == index.identify(queries[position]), queries[position]
        assert result.decision == AUTO or result.method == "title"
    assert index.identify_many(queries, processes=1) == [index.identify(q) for q in queries]


def test_a_title_of_many_works_finds_the_works_with_its_names() -> None:
    # 40 works of one title by other writers, two of them by the line's writer: the works with
    # its names are found without looking at each work of the title.
    works = [WorkEntry(f"C{i:02d}", "さくら", (), (f"Writer {i}",)) for i in range(40)]
    works += [
        WorkEntry("C40", "さくら", (), ("山田 太郎", "鈴木 花子")),
        WorkEntry("C41", "さくら", (), ("山田 太郎",)),
    ]
    index = WorkIndex(works)
    assert text_key("さくら") in index._title_names
    both = Query("さくら", ("ヤマダ タロウ", "鈴木 花子"))
    settled = index._first_pass([both, Query("さくら", ("山田 太郎",)), Query("さくら", ("Nobody Known",))])
    assert set(settled) == {0, 1}
    assert (settled[0].decision, settled[0].work_id) == (AUTO, "C40")
    assert [c.work_id for c in settled[1].candidates] == ["C40", "C41"]  # a tie: review
    assert settled[0] == index.identify(both)
