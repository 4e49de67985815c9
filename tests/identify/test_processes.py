"""Indexes of several processes (``WorkIndex(works, processes=…)``) and the first pass: every
line gets the result it gets in one process and from ``identify`` alone; a worker's failure is
raised here, and the index goes on without a worker that died; no worker is left behind; small
batches and the default stay in one process."""

from __future__ import annotations

import fcntl
import gc
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
    _process_count,
    _Split,
    _title_beginning,
)
from bunpai.identify.normalise import name_keys, text_key
from tests.identify.generated import generated_works_and_lines
from tests.identify.test_engine import _works_and_query

starting = pytest.mark.skipif(not engine._CAN_START, reason="no worker processes are started on this platform")


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Raise TimeoutError in this process if the block takes longer (a worker that hangs)."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"not done within {seconds} s")

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
def generated() -> tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]]:
    """The generated works file and usage lines of tests/data/identify (4,000 works, 3,000
    lines), their index of one process and the results it gives the lines."""
    works, lines = generated_works_and_lines()
    index = WorkIndex(works)
    return works, lines, index, index.identify_many(lines)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The process ids of the workers started during the test, which sends any number of
    distinct lines to them (``MANY_LINES`` is 1)."""
    monkeypatch.setattr(engine, "MANY_LINES", 1)
    pids: list[int] = []
    start = engine._start_workers

    def counted(*args: Any) -> Any:
        workers = start(*args)
        pids.extend(worker.pid for worker in workers)
        return workers

    monkeypatch.setattr(engine, "_start_workers", counted)
    return pids


def _all_waited_for(pids: list[int]) -> bool:
    """Whether every one of these processes has ended and been waited for (no zombie left)."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return True


def _recorded_sends(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[Query], bool, bool]]:
    """The lines sent to workers from now on, with whether more follow and whether they were
    written behind, in the order sent."""
    sends: list[tuple[list[Query], bool, bool]] = []
    send = engine._Worker.send

    def recorded(worker: Any, queries: list[Query], more: bool = False, behind: bool = False) -> None:
        sends.append((queries, more, behind))
        send(worker, queries, more, behind)

    monkeypatch.setattr(engine._Worker, "send", recorded)
    return sends


@starting
def test_two_and_three_processes_give_every_line_its_result_in_one(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]], started: list[int]
) -> None:
    works, lines, index, one = generated
    with _deadline(120):
        with WorkIndex(works, processes=2) as two:
            assert len(started) == 1 and two.processes == 2
            first = two.identify_many(lines)
            assert two.worker_seconds > 0.0  # the worker identified part of the lines
            again = two.identify_many(lines + lines[:100])  # its caches filled: the same results
        assert _all_waited_for(started)
        with WorkIndex(works, processes=3) as three:
            assert len(started) == 3 and three.processes == 3
            third = three.identify_many(lines)
    assert first == one and third == one and again == one + one[:100]
    assert repr(first) == repr(one) and repr(third) == repr(one)  # the same types of numbers too
    assert one == [index.identify(q) for q in lines]
    assert _all_waited_for(started)
    assert two.processes == 1 and two.identify_many(lines[:50]) == one[:50]  # closed: in one process


@starting
def test_the_workers_get_the_first_lines_parts_before_the_rest_are_read(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]],
    started: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    works, lines, _, one = generated
    sends = _recorded_sends(monkeypatch)
    first = lines[: int(len(lines) * engine._FIRST_SHARE)]
    with _deadline(120), WorkIndex(works, processes=2) as two:
        assert two.identify_many(lines) == one
        # The worker's part of the first eighth's distinct lines, then the rest of its part (by a
        # thread, while the worker identifies the first): each distinct line once, in the order
        # of first lines.
        assert [(more, behind) for _, more, behind in sends] == [(True, False), (False, True)]
        assert set(sends[0][0]) < set(first)
        sent = sends[0][0] + sends[1][0]
        assert len(set(sent)) == len(sent) and set(sent) < set(lines)
        assert sent == sorted(sent, key=lines.index)
        # Fewer distinct lines than MANY_LINES in the first eighth, enough in all: the worker's part
        # is sent once all the lines are read.
        sends.clear()
        monkeypatch.setattr(engine, "MANY_LINES", len(set(first)) + 1)
        assert two.identify_many(lines) == one
        assert [(len(queries), more, behind) for queries, more, behind in sends] == [(len(sent), False, False)]


@starting
def test_a_worker_sends_its_results_in_parts_as_they_are_made(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]],
    started: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    works, lines, _, one = generated
    parts: list[list[int]] = []
    rebuilt = engine._rebuilt

    def recorded(rows: Any, order: list[int]) -> Any:  # made into objects by the reading thread
        parts.append(order)
        return rebuilt(rows, order)

    monkeypatch.setattr(engine, "_rebuilt", recorded)
    sends = _recorded_sends(monkeypatch)
    with _deadline(120), WorkIndex(works, processes=2) as two:
        assert two.identify_many(lines) == one
    # Each of the two messages' lines: those the first pass settles, then those it scores.
    assert len(parts) >= 4
    assert sum(map(len, parts)) == sum(len(queries) for queries, _, _ in sends)


def test_the_results_are_reported_as_they_are_made_each_line_once(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, lines, index, one = generated
    distinct = list(dict.fromkeys(lines))
    reports: list[tuple[list[int], list[Any], bool]] = []
    scored: list[int] = []
    score = index._scored

    def counting(gathered: Any) -> Any:
        scored.append(len(gathered))
        return score(gathered)

    monkeypatch.setattr(engine, "_REPORT_STEP", 40)
    monkeypatch.setattr(index, "_scored", counting)
    results = index._identify_distinct(distinct, report=lambda *report: reports.append(report))
    assert results == [one[lines.index(q)] for q in distinct]
    # The first pass's lines, then the scored lines 40 at a time: every line once, with its result;
    # the last report says so.
    positions = [p for reported, _, _ in reports for p in reported]
    assert sorted(positions) == list(range(len(distinct)))
    assert all(results[p] is r for reported, found, _ in reports for p, r in zip(reported, found, strict=True))
    assert scored[:-1] == [40] * (len(scored) - 1) and 0 < scored[-1] <= 40
    assert len(reports) == len(scored) + 1 and len(scored) > 3
    assert [last for _, _, last in reports] == [False] * len(scored) + [True]
    # No line to score, or none at all: the last report is made all the same.
    reports.clear()
    settled = [q for q, r in zip(distinct, results, strict=True) if r.method == "work_code"][:5]
    assert index._identify_distinct(settled, report=lambda *report: reports.append(report)) == [
        one[lines.index(q)] for q in settled
    ]
    assert [(len(p), last) for p, _, last in reports] == [(5, True)]
    reports.clear()
    assert index._identify_distinct([], report=lambda *report: reports.append(report)) == []
    assert reports == [([], [], True)]
    # Without a report, the same results.
    assert index._identify_distinct(distinct) == results


def test_a_line_s_names_in_any_order_give_it_the_same_result(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]],
) -> None:
    # What joins lines whose names differ only in their order (identify_many identifies them once).
    _, lines, index, one = generated
    named = [(q, r) for q, r in zip(lines, one, strict=True) if len(q.creators) > 1]
    assert len(named) > 100 and {r.method for _, r in named} == {"title", "work_code"}
    assert {r.decision for _, r in named} == {"auto", "review"}
    for query, result in named:
        turned = query._replace(creators=(*query.creators[1:], query.creators[0]))
        assert index.identify(turned) == result
        assert index.identify(query._replace(creators=query.creators[::-1])) == result


def test_small_batches_and_the_default_stay_in_one_process(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    works, lines, _, one = generated

    def refused(*args: Any, **named: Any) -> Any:
        raise AssertionError("a worker was asked for")

    # fewer distinct lines than MANY_LINES: identified here, whatever processes the index has
    assert len(set(lines)) < engine.MANY_LINES
    with WorkIndex(works, processes=2) as two:
        monkeypatch.setattr(engine._Worker, "send", refused)
        assert two.identify_many(lines) == one
        assert two.worker_seconds == 0.0
    # the default is one process: nothing is started, however many lines
    monkeypatch.setattr(subprocess, "Popen", refused)
    monkeypatch.setattr(engine, "MANY_LINES", 1)
    default = WorkIndex(works)
    assert default.processes == 1 and default.identify_many(lines) == one


def test_how_many_processes() -> None:
    assert _process_count(1) == 1
    assert _process_count(3) == (3 if engine._CAN_START else 1)
    with pytest.raises(ValueError, match="at least 1"):
        _process_count(0)
    with pytest.raises(ValueError, match="at least 1"):
        WorkIndex([], processes=0)


@starting
def test_a_worker_that_fails_is_raised_here_and_stays(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]], started: list[int]
) -> None:
    works, lines, _, one = generated
    # The first and fourth titles' lines are identified here, the second's by the first worker, the
    # third's by the second (each new title goes where the lines are furthest behind their share:
    # _parts): a line without a title fails in the first worker.
    batch = [
        Query("君の名は", ("山田 太郎",)),
        Query(None),  # type: ignore[arg-type]
        Query("さくら", ("森山 直太朗",)),
        Query("Love Song", ("Mary Smith",)),
    ]
    with _deadline(120):
        index = WorkIndex(works, processes=3)
        with pytest.raises(IdentificationProcessError, match=r"(?s)failed in worker process \d+:.*TypeError"):
            index.identify_many(batch)
        # The worker that reported its failure stays; the other, still identifying, was ended.
        assert index.processes == 2
        assert _all_waited_for(started[1:]) and not _all_waited_for(started[:1])
        assert index.identify_many(lines) == one
        index.close()
    assert _all_waited_for(started)


@pytest.mark.parametrize("when", ["before its lines", "without its results"])
@pytest.mark.parametrize("ending", [signal.SIGKILL, signal.SIGTERM])
@starting
def test_a_worker_that_died_is_raised_here_waited_for_and_left_out(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]],
    started: list[int],
    monkeypatch: pytest.MonkeyPatch,
    when: str,
    ending: signal.Signals,
) -> None:
    works, lines, _, one = generated
    with _deadline(120):
        index = WorkIndex(works, processes=2)
        worker = index._workers[0]
        if when == "before its lines":
            worker.process.send_signal(ending)
            worker.process.wait()
        else:
            identify: Callable[[WorkIndex, Any], Any] = WorkIndex._identify_distinct

            def ending_it(self: WorkIndex, queries: Any) -> Any:  # here, once the worker has its lines
                worker.process.send_signal(ending)
                return identify(self, queries)

            monkeypatch.setattr(WorkIndex, "_identify_distinct", ending_it)
        with pytest.raises(IdentificationProcessError, match=f"was ended by signal {int(ending)} {when}"):
            index.identify_many(lines)
        assert index.processes == 1
        assert _all_waited_for(started)
        monkeypatch.undo()
        assert index.identify_many(lines) == one  # in this process alone


@starting
def test_a_failure_here_ends_the_workers_and_the_index_goes_on_alone(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]],
    started: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    works, lines, _, one = generated
    with _deadline(120):
        index = WorkIndex(works, processes=2)
        identify: Callable[[WorkIndex, Any], Any] = WorkIndex._identify_distinct

        def failing_here(self: WorkIndex, queries: Any) -> Any:
            raise ValueError("the identification failed here")

        monkeypatch.setattr(WorkIndex, "_identify_distinct", failing_here)  # here only: the worker has its own
        with pytest.raises(ValueError, match="failed here"):
            index.identify_many(lines)
        assert index.processes == 1
        assert _all_waited_for(started)
        monkeypatch.setattr(WorkIndex, "_identify_distinct", identify)
        assert index.identify_many(lines) == one


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        (
            "import sys; from bunpai.identify.engine import _write_message; "
            "_write_message(int(sys.argv[2]), (False, 'MemoryError: no memory for the postings'))",
            r"(?s)worker process \d+ failed to build its index:\nMemoryError: no memory for the postings",
        ),
        ("import sys; sys.exit(3)", r"worker process \d+ exited with status 3 while building its index"),
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "was ended by signal 9 while building its index"),
    ],
)
@starting
def test_a_worker_that_cannot_build_its_index_fails_the_index(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]],
    started: list[int],
    monkeypatch: pytest.MonkeyPatch,
    program: str,
    expected: str,
) -> None:
    works, _, _, _ = generated
    # The second worker runs the program instead of building (the first builds and is ended).
    code = engine._WORKER_CODE
    programs = iter([code, program])
    popen = subprocess.Popen

    def second_fails(command: list[str], **named: Any) -> Any:
        return popen([command[0], "-c", next(programs), *command[3:]], **named)

    monkeypatch.setattr(subprocess, "Popen", second_fails)
    with _deadline(120), pytest.raises(IdentificationProcessError, match=expected):
        WorkIndex(works, processes=3)
    assert len(started) == 2 and _all_waited_for(started)


@starting
def test_a_failure_of_this_build_ends_the_workers(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]], started: list[int]
) -> None:
    works, _, _, _ = generated
    with _deadline(120), pytest.raises(TypeError) as failed:
        WorkIndex([*works, WorkEntry("BAD", None)], processes=2)  # type: ignore[arg-type]
    # Ended at once, while the error (whose frames hold the index) is still at hand.
    assert failed.value is not None
    assert len(started) == 1 and _all_waited_for(started)


@starting
def test_workers_end_with_their_index_and_not_with_another(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]], started: list[int]
) -> None:
    works, lines, _, one = generated
    with _deadline(120):
        first = WorkIndex(works, processes=2)
        second = WorkIndex(works, processes=2)
        del first
        gc.collect()
        assert _all_waited_for(started[:1]) and not _all_waited_for(started[1:])
        assert second.identify_many(lines) == one
        second.close()
        second.close()  # twice: nothing more to do
    assert _all_waited_for(started)


@starting
def test_the_pipes_to_and_from_a_worker_hold_a_megabyte(
    generated: tuple[list[WorkEntry], list[Query], WorkIndex, list[Any]],
) -> None:
    # A worker's results are megabytes: through pipes of 64 KB it waited on each write for this
    # process's reader thread to empty the pipe.
    works, lines, _, one = generated
    with _deadline(120), WorkIndex(works, processes=2) as index:
        (worker,) = index._workers
        for fd in (worker.requests, worker.replies):
            assert fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ) == engine._PIPE_BYTES == 1 << 20
        assert index.identify_many(lines) == one


def _parts(titles: list[str], count: int) -> list[list[int]]:
    """The positions of lines split by their titles, as an index of ``count`` processes splits
    them: the parts that have any."""
    split = _Split(count)
    for position, title in enumerate(titles):
        split.add(position, title)
    return [part for part in split.parts if part]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", "g"]), max_size=60), st.integers(1, 4))
def test_parts_keep_a_title_together(titles: list[str], count: int) -> None:
    parts = _parts(titles, count)
    assert parts == _parts(titles, count)  # the same titles, the same parts
    assert len(parts) <= count and all(parts)
    assert sorted(i for part in parts for i in part) == list(range(len(titles)))
    assert all(part == sorted(part) for part in parts)
    part_of = {i: k for k, part in enumerate(parts) for i in part}
    for i, title in enumerate(titles):
        assert part_of[titles.index(title)] == part_of[i]


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2_000), st.integers(1, 4), st.integers(0, 2_000), st.sampled_from([1.0, 0.9, 0.5]))
def test_parts_have_their_share_of_every_run_of_titles(lines: int, count: int, skipped: int, first: float) -> None:
    # Each title once, after ``skipped`` titles of the lines before (one part's, say): every part
    # has its share of the run's lines, within three — the first ``first`` of an equal share, the
    # others the rest equally.
    titles = [f"s{i}" for i in range(skipped)] + [f"t{i}" for i in range(lines)]
    split = _Split(count, first)
    for position, title in enumerate(titles):
        split.add(position, title)
    sizes = [sum(1 for i in part if i >= skipped) for part in split.parts]
    shares = [first / count] + [(1 - first / count) / (count - 1)] * (count - 1) if count > 1 else [1.0]
    assert sum(sizes) == lines
    assert all(abs(size - lines * share) <= 3 for size, share in zip(sizes, shares, strict=True))


def test_parts_take_new_titles_where_they_are_behind() -> None:
    # A new title goes to the part furthest behind its share, the first on a tie; a title seen
    # before to its part, whatever the loads.
    assert _parts(["a", "b", "c", "d", "e", "a"], 2) == [[0, 2, 4, 5], [1, 3]]
    assert _parts(["a", "b", "c", "d", "e"], 3) == [[0, 3], [1, 4], [2]]
    assert _parts(["a", "a", "a", "b", "c", "d", "a"], 2) == [[0, 1, 2, 6], [3, 4, 5]]
    assert _parts(["a", "a"], 3) == [[0, 1]]  # no empty part
    assert _parts([], 2) == []
    # The first part's share: at 0.5 of an equal share in two parts, a quarter of the lines.
    split = _Split(2, 0.5)
    for position, title in enumerate("abcdefgh"):
        split.add(position, title)
    assert split.parts == [[0, 4], [1, 2, 3, 5, 6, 7]]


_WRITTEN = ["Lemon", "ＬＥＭＯＮ", "LEMON (TV size)", "Lemonade", "ﾊﾟﾌﾟﾘｶ", "パプリカ"]
_WRITTEN += ["夜に駆ける", "ﾖﾙﾆｶｹﾙ", "ヨルニカケル", ""]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(_WRITTEN), max_size=40),
    st.integers(1, 3),
    st.integers(0, 40),
    st.sampled_from([1.0, 0.98, 0.5]),
)
def test_parts_of_titles_are_those_of_their_folded_beginnings(
    titles: list[str], count: int, cut: int, first: float
) -> None:
    # Titles added in two batches, each beginning as written folded once: the parts of a line
    # per title beginning, folded.
    by_key = _Split(count, first)
    for position, title in enumerate(titles):
        by_key.add(position, _title_beginning(title))
    by_title = _Split(count, first)
    by_title.add_titles(0, titles[:cut])
    by_title.add_titles(len(titles[:cut]), titles[cut:])
    assert by_title.parts == by_key.parts


def test_a_title_s_beginning_folds_its_width_and_case() -> None:
    assert _title_beginning("ＬＥＭＯＮ") == _title_beginning("Lemon") == _title_beginning("LEMON") == "lemon"
    assert _title_beginning("Ｌｅｍｏｎ (TV size)") == _title_beginning("lemon (TV size) -instrumental-")
    assert _title_beginning("ﾊﾟﾌﾟﾘｶ") == _title_beginning("パプリカ")
    assert _title_beginning("Lemonade") != _title_beginning("Lemon")
    assert _title_beginning("") == ""


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
    assert index.identify_many(queries) == [index.identify(q) for q in queries]


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


_DIES_WHILE_ITS_WORKER_BUILDS = """
import dataclasses, os, signal, time
from bunpai.identify.engine import Thresholds, _start_workers
from tests.identify.generated import generated_works_and_lines
works, _ = generated_works_and_lines()
# 200,000 works of distinct titles: a build of about ten seconds
many = [dataclasses.replace(w, work_id=f"{w.work_id}-{k}", title=f"{w.title} {k}") for k in range(50) for w in works]
worker = _start_workers(1, many, Thresholds())[0]
print(worker.pid, flush=True)
time.sleep(3)  # the worker has read its works and is building
os.kill(os.getpid(), signal.SIGKILL)
"""


def _gone(pid: int) -> bool:
    """Whether a process (not this one's child) has ended: no such process, or a zombie its new
    parent has not waited for yet."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@starting
def test_a_worker_ends_when_the_process_that_started_it_dies() -> None:
    # The starting process dies while its worker builds its index: the worker, which reads no
    # pipe meanwhile, ends within seconds rather than once its build is done.
    root = Path(__file__).resolve().parents[2]
    with subprocess.Popen(
        [sys.executable, "-c", _DIES_WHILE_ITS_WORKER_BUILDS],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(root / "src")])},
    ) as script:
        assert script.stdout is not None
        pid = int(script.stdout.readline())
        assert script.wait(timeout=120) == -signal.SIGKILL
    # The worker holds the pipe of the script's output too: only its own end is waited for here.
    deadline = time.monotonic() + 5
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(pid)
