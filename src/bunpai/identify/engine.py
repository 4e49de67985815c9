"""Identification of reported lines against the works database (楽曲の特定).

Order of evidence: the society's work code, then ISWC, then ISRC, then title and author names
after normalisation (:mod:`bunpai.identify.normalise`). Candidates come from a blocking index —
exact text keys, exact reading keys and, only when those do not settle a line, the postings of the
reading key's character trigrams (rarest first) — so a line is compared with a few dozen works,
never with all of them.

Each candidate gets a score in [0, 1] from its title similarity and its author-name agreement; a
line is decided

* ``auto`` when the best score reaches :attr:`Thresholds.auto` and beats the next work by
  :attr:`Thresholds.margin`,
* ``review`` (the manual queue, best candidate first) when it reaches :attr:`Thresholds.review`,
* ``none`` otherwise.

The same title by other writers never gives ``auto`` on the title alone: without agreeing names
a title match scores at most 0.55 (or 0.9 × title when the line names nobody and the title is
unique in the database). An exact title with one of the line's names exactly is ``auto`` (score
:attr:`Thresholds.auto`) when it is the only work of that title with any of the line's names,
even if the line's other names do not agree.
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import itertools
import operator
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bunpai.identify.huge_pages import use_huge_pages
from bunpai.identify.normalise import (
    Readings,
    learning,
    name_block_key,
    name_keys,
    name_tokens,
    nfkc,
    phonetic_key,
    text_key,
    text_key_of_form,
    title_form,
    use_readings,
)

try:
    import fcntl
except ImportError:  # not on Windows
    fcntl = None  # type: ignore[assignment]

AUTO = "auto"
REVIEW = "review"
NONE = "none"

_ALPHABET = 37  # 0 = separator, 1..26 = a..z, 27..36 = 0..9
_CODES = np.zeros(256, dtype=np.int32)
for _i, _c in enumerate("abcdefghijklmnopqrstuvwxyz0123456789", start=1):
    _CODES[ord(_c)] = _i


@dataclass(frozen=True)
class Thresholds:
    auto: float = 0.9
    review: float = 0.5
    margin: float = 0.05
    max_candidates: int = 20


@dataclass(frozen=True)
class WorkEntry:
    """A work as the identification sees it."""

    work_id: str
    title: str
    alt_titles: tuple[str, ...] = ()
    creators: tuple[str, ...] = ()
    iswc: str = ""
    isrcs: tuple[str, ...] = ()
    # The performers of the work's registered recordings (原盤の実演家): a line that names only
    # the performer is settled by them when one work of its title has that performer.
    performers: tuple[str, ...] = ()


class Query(NamedTuple):
    """What a reported line says about its work (a tuple: identical lines are found by the
    tuple's own hash, hundreds of thousands of them per report month)."""

    title: str
    creators: tuple[str, ...] = ()
    work_code: str = ""
    iswc: str = ""
    isrc: str = ""


class Candidate(NamedTuple):
    """A work a line may be, with its score, title score and name score (``None`` for a line that
    names nobody). A tuple: the scorer makes hundreds of thousands of them per report month, and a
    tuple is made in half the time of a frozen data class."""

    work_id: str
    score: float
    title_score: float
    creator_score: float | None


@dataclass(slots=True)
class _Line:
    """A line left to the scorer: its keys, the works of its exact title or reading, the works
    gathered to rank (``pool``), the code that names another work (``conflict``), whether works
    sharing its reading's rarest trigrams are added when no gathered title is close, and the block
    keys of the writers whose closest titles join the pool."""

    text: str
    phon: str
    names: tuple[tuple[str, ...], ...]
    tokens: tuple[tuple[str, ...], ...]
    exact: set[int]
    pool: set[int]
    conflict: str
    search: bool
    writers: tuple[str, ...] = ()


class Result(NamedTuple):
    """What the identification decides for a line: ``auto``, ``review`` or ``none``, the work
    (the best candidate for review, none for ``none``), its score, how it was found (``work_code``,
    ``iswc``, ``isrc``, ``title``, ``performer``), and the candidates, best first. A tuple, as
    :class:`Candidate` is; lines with the same result share one."""

    decision: str
    work_id: str | None
    score: float
    method: str
    candidates: tuple[Candidate, ...] = ()


# Fewer distinct lines than this are identified in this process alone, whatever processes the
# index has (sending the lines and receiving their results would cost more than it saves).
MANY_LINES = 5_000

# The share of a batch's lines (at least MANY_LINES of them) whose distinct lines are sent to the
# workers before the rest are read (see WorkIndex._in_processes).
_FIRST_SHARE = 1 / 8

# The calling process's share of a batch's distinct lines, against a worker's 1 (see _Split): it
# also reads the lines and sends the workers theirs before its own part, and makes their results
# into objects meanwhile, while a worker reads its lines and makes its results plain. Timed in the
# benchmark, the two processes end together at about 0.98 (the caller's own part ended 0.04 s and
# 0.05 s after the worker's last results and 0.08 s before them, in three runs). With the split of
# the version before (each new title beginning placed by the golden ratio, not by the parts'
# loads) that was 1.02: at 0.97 the caller waited 0.14-0.17 s for its worker.
_CALLER_SHARE = 0.98

# How many of a worker's lines left by the first pass are scored before their results are sent
# (and the next are scored meanwhile): the calling process makes each step's results into objects
# while it identifies its own part, and after its part only the last step's.
_REPORT_STEP = 2_000

# Whether worker processes can be started: a new interpreter (never a fork of this process, whose
# memory pages both would then share and copy as they write to them) given the ends of two pipes.
_CAN_START = os.name == "posix" and bool(sys.executable)


class IdentificationProcessError(RuntimeError):
    """A worker process of an index failed to build its index or to identify its part of the
    lines, or died (its error text in the message)."""


def _process_count(asked: int) -> int:
    """How many processes an index asked to use ``asked`` has: as many, where worker processes
    can be started, else one (see :class:`WorkIndex`)."""
    if asked < 1:
        raise ValueError(f"processes must be at least 1, not {asked}")
    return asked if _CAN_START else 1


# How many first characters of a title decide which process identifies its lines (_in_processes).
_TITLE_BEGINNING = 6


def _title_beginning(title: str) -> str:
    """What decides which process identifies a line (:meth:`WorkIndex._in_processes`): the first
    :data:`_TITLE_BEGINNING` characters of its title, NFKC (full and half width) and lower case.
    Split by whole titles, the benchmark's parts held 4.9 % more lines to identify between them
    than all the lines do; by the first six characters as written, 1.2 % (titles in upper case or
    in full width apart from the same title written plainly); by these, 0.2 %."""
    return nfkc(title[:_TITLE_BEGINNING]).lower()


class _Split:
    """Lines split among ``count`` parts by a key of each (the beginning of its title), the lines
    of one key in the same part — lines of a title share its keys, scores and trigram searches,
    and lines that differ only in a decoration are identified once. Lines are added one by one,
    so that a part can be sent before the last line is seen.

    A key not seen before goes to the part furthest behind its share of the lines so far (the
    first of them on a tie), and every later line of the key to the same part: each part has its
    share of the lines, within the lines of a key, at every moment — of the first, most reported
    titles as well as of the rare ones after them, whose lines cost more. The first part (the
    calling process's) has ``first`` of an equal share (it also reads the lines, sends the others'
    and receives their results); the others an equal share each. The same keys in the same order
    always give the same parts."""

    def __init__(self, count: int, first: float = 1.0) -> None:
        self.count = count
        # Whole numbers in the ratio of the parts' shares (first / count for the first part, an
        # equal share of the rest for each other), so that two parts' loads compare exactly.
        first = min(max(first, 0.0), float(count))
        self._weights = (
            [round(1000 * first * (count - 1))] + [round(1000 * (count - first))] * (count - 1) if count > 1 else [1]
        )
        self._part_of: dict[str, int] = {}
        # The part of each title beginning as written (add_titles).
        self._part_of_written: dict[str, int] = {}
        # The positions of each part's lines, ascending.
        self.parts: list[list[int]] = [[] for _ in range(count)]

    def add(self, position: int, key: str) -> None:
        self.parts[self._part(key)].append(position)

    def _part(self, key: str) -> int:
        """The part of a key's lines: the one it was given, or for a new key the part furthest
        behind (:meth:`_behind`)."""
        part = self._part_of.get(key)
        if part is None:
            part = self._part_of[key] = self._behind()
        return part

    def add_titles(self, start: int, titles: Iterable[str]) -> None:
        """Add lines at ``start``, ``start + 1``, … by their titles, each keyed by its beginning
        (:func:`_title_beginning`): as :meth:`add` places them, each beginning as written folded
        once (a key's part never changes). In the benchmark's 85,557 distinct lines, 14,763
        beginnings as written: 0.039 s against 0.063 s for a call of :meth:`add` per line."""
        parts, of_written = self.parts, self._part_of_written
        for position, title in enumerate(titles, start):
            written = title[:_TITLE_BEGINNING]
            part = of_written.get(written)
            if part is None:
                part = of_written[written] = self._part(_title_beginning(written))
            parts[part].append(position)

    def _behind(self) -> int:
        """The part with the fewest lines for its share (the first of them on a tie)."""
        parts, weights = self.parts, self._weights
        best = 0
        for k in range(1, self.count):
            # lines_k / weight_k < lines_best / weight_best, in whole numbers
            if len(parts[k]) * weights[best] < len(parts[best]) * weights[k]:
                best = k
        return best


# What a worker sends during a request: some of its lines' results, (_PART, positions, rows,
# order, None), as many times as it likes, the last with its CPU seconds instead of None; or, if
# it failed, (_FAILED, the error) after any parts.
_PART, _FAILED = "part", "failed"

# A result as a worker sends it: (decision, work id, score, method, candidates), each candidate
# (work id, score, title score, name score).
_Row = tuple[str, str | None, float, str, tuple[tuple[str, float, float, float | None], ...]]


def _compact(results: Sequence[Result]) -> tuple[list[_Row], list[int]]:
    """Results as rows of plain values (pickled and read back several times faster than the
    objects), each result object once (lines may share one), and which row each result is."""
    rows: list[_Row] = []
    row_of: dict[int, int] = {}
    order = []
    for result in results:
        row = row_of.get(id(result))
        if row is None:
            row = row_of[id(result)] = len(rows)
            rows.append((*result[:4], tuple(map(tuple, result.candidates))))  # type: ignore[arg-type]
        order.append(row)
    return rows, order


def _rebuilt(rows: list[_Row], order: list[int]) -> list[Result]:
    """The results :func:`_compact` made rows of."""
    make = Candidate._make
    made = [
        Result(decision, work_id, score, method, tuple(map(make, candidates)))
        for decision, work_id, score, method, candidates in rows
    ]
    return [made[row] for row in order]


_LENGTH = struct.Struct("<Q")


def _write_message(fd: int, value: object) -> None:
    """Send ``value`` through a pipe: its pickle's length, then the pickle."""
    _write_bytes(fd, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def _write_bytes(fd: int, data: bytes) -> None:
    """Send a pickle through a pipe, after its length."""
    os.write(fd, _LENGTH.pack(len(data)))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from a pipe, or ``None`` if it ends first."""
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 24))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_message(fd: int) -> tuple[bool, Any]:
    """What :func:`_write_message` sent through a pipe: ``(True, value)``, or ``(False, None)`` if
    the pipe ended first (the writer has closed it or died)."""
    header = _read_exactly(fd, _LENGTH.size)
    if header is None:
        return False, None
    data = _read_exactly(fd, _LENGTH.unpack(header)[0])
    if data is None:
        return False, None
    return True, pickle.loads(data)


@dataclass
class _Worker:
    """A worker process of an index (:class:`WorkIndex` with ``processes`` > 1): it holds an index
    of the same works of its own and identifies the lines sent through ``requests``, sending
    their results back through ``replies``."""

    process: subprocess.Popen[bytes]
    requests: int
    replies: int
    owner: int  # the process that started it (the only one that may end it)
    built: bool = False  # whether it has said its index is built
    # The thread writing the works to it, or lines it is not reading yet (joined before the pipe
    # is closed, so that it never writes to another file given the pipe's number).
    sender: threading.Thread | None = None
    # The thread reading the results of the request sent (started with it, so that the worker
    # never waits to send a part, and each part is made into objects while this process goes on),
    # what it has read, by position in the request, and how the request ended: (_PART, the
    # worker's CPU seconds), (_FAILED, its error), or None if the pipe ended first (and the error
    # of reading, if that failed here).
    reader: threading.Thread | None = None
    found: dict[int, Result] = field(default_factory=dict)
    ending: tuple[Any, ...] | None = None
    read_error: BaseException | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def _start_reading(self) -> None:
        self.found, self.ending, self.read_error = {}, None, None
        self.reader = threading.Thread(target=self._read_results, daemon=True)
        self.reader.start()

    def _read_results(self) -> None:
        """The reader's work: each part's results made into objects as it comes, until the
        request's last message (or the end of the pipe)."""
        found = self.found
        try:
            while True:
                ok, reply = _read_message(self.replies)
                if not ok:
                    return
                if reply[0] != _PART:
                    self.ending = reply
                    return
                _, positions, rows, order, seconds = reply
                found.update(zip(positions, _rebuilt(rows, order), strict=True))
                if seconds is not None:
                    self.ending = (_PART, seconds)
                    return
        except BaseException as error:  # raised by receive(), in the calling thread
            self.read_error = error

    def _join_reader(self) -> None:
        if self.reader is not None:
            self.reader.join()
            self.reader = None

    def send(self, queries: list[Query], more: bool = False, behind: bool = False) -> None:
        """Send lines to identify, as five columns (pickled faster than the lines), and whether
        more lines of the same request follow (the worker identifies these meanwhile; its results
        come in parts, read by :meth:`_read_results` from the request's first lines on); raises
        :class:`IdentificationProcessError` if the worker has died (it is then waited for).

        ``behind``: the worker is still identifying earlier lines of the request, and reads these
        only then. They are written by a thread of this process, in one call that waits without
        holding the interpreter, so that this process goes on meanwhile; a worker that died is then
        found by :meth:`receive` (it died without its results)."""
        data = pickle.dumps((tuple(zip(*queries, strict=True)), more), pickle.HIGHEST_PROTOCOL)
        if self.reader is None:
            self._start_reading()
        if behind:
            self._join_sender()
            self.sender = threading.Thread(target=self._write_behind, args=(data,), daemon=True)
            self.sender.start()
            return
        try:
            _write_bytes(self.requests, data)
        except BrokenPipeError:
            raise IdentificationProcessError(f"worker process {self.pid} {self._ending()} before its lines") from None

    def _write_behind(self, data: bytes) -> None:
        with contextlib.suppress(OSError):  # the pipe ended: the worker has died
            _write_bytes(self.requests, data)

    def _join_sender(self) -> None:
        if self.sender is not None:
            self.sender.join()
            self.sender = None

    def receive(self) -> tuple[list[Result], float]:
        """The results of the lines of the request sent, in the order sent, and the CPU seconds
        the worker spent on them; raises
        :class:`IdentificationProcessError` if it failed (it then stays) or died (it is then waited for)."""
        self._join_sender()
        self._join_reader()
        found, ending, error = self.found, self.ending, self.read_error
        self.found, self.ending, self.read_error = {}, None, None
        if error is not None:
            raise error
        if ending is None:
            raise IdentificationProcessError(f"worker process {self.pid} {self._ending()} without its results")
        if ending[0] == _FAILED:
            raise IdentificationProcessError(f"identification failed in worker process {self.pid}:\n{ending[1]}")
        return [found[i] for i in range(len(found))], ending[1]

    def ready(self) -> None:
        """Wait until the worker has built its index; raises :class:`IdentificationProcessError`
        if it failed to (it is then waited for)."""
        ok, reply = _read_message(self.replies)
        if ok and reply[0]:
            self.built = True
            return
        if ok:
            self.close(kill=True)
            raise IdentificationProcessError(f"worker process {self.pid} failed to build its index:\n{reply[1]}")
        raise IdentificationProcessError(f"worker process {self.pid} {self._ending()} while building its index")

    def _ending(self) -> str:
        """How the worker, whose pipe has ended, ended (once it has been waited for)."""
        code = self.close(kill=True)
        return f"was ended by signal {-code}" if code < 0 else f"exited with status {code}"

    def close(self, kill: bool = False) -> int:
        """End the worker — its requests end, and it ends when it has answered the last (killed
        at once when ``kill``, or when it is still building its index) — and wait for it; its
        exit code. Only its owner ends it."""
        if self.owner != os.getpid():
            return 0
        if (kill or not self.built or self.reader is not None) and self.process.returncode is None:
            self.process.kill()
        # It has written the works (a built worker has read them) or lines (a worker not killed has
        # answered them), or fails once the worker has died; the reader ends with its pipe.
        self._join_sender()
        self._join_reader()
        if self.requests >= 0:
            os.close(self.requests)
            os.close(self.replies)
            self.requests = self.replies = -1
        return self.process.wait()


def _close_workers(workers: list[_Worker]) -> None:
    """End an index's workers (when it is closed, collected, or this process exits)."""
    while workers:
        workers.pop().close()


# A work as it is sent to a worker: its fields in order.
_WORK_FIELDS = operator.attrgetter(*[entry_field.name for entry_field in fields(WorkEntry)])

# What a worker runs: :func:`_worker_main` with the ends of its two pipes.
_WORKER_CODE = (
    "import sys; from bunpai.identify.engine import _worker_main; _worker_main(int(sys.argv[1]), int(sys.argv[2]))"
)


def _start_workers(count: int, works: list[WorkEntry], thresholds: Thresholds) -> list[_Worker]:
    """Start ``count`` worker processes, each of which builds an index of ``works`` of its own and
    then answers requests until they end (:func:`_worker_main`). Each is a new interpreter
    running this module from where this process found it, given the works through its pipe (from
    a thread of this process's, while this process builds its own index)."""
    payload = pickle.dumps((thresholds, list(map(_WORK_FIELDS, works))), pickle.HIGHEST_PROTOCOL)
    environment = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, environment.get("PYTHONPATH")]))
    workers: list[_Worker] = []
    try:
        for _ in range(count):
            requests_read, requests_write = os.pipe()
            replies_read, replies_write = os.pipe()
            for fd in (requests_write, replies_write):
                _widen_pipe(fd)
            try:
                process = subprocess.Popen(
                    [sys.executable, "-c", _WORKER_CODE, str(requests_read), str(replies_write)],
                    pass_fds=(requests_read, replies_write),
                    env=environment,
                )
            except BaseException:
                for fd in (requests_write, replies_read):
                    os.close(fd)
                raise
            finally:
                os.close(requests_read)
                os.close(replies_write)
            worker = _Worker(process, requests_write, replies_read, os.getpid())
            workers.append(worker)
            worker.sender = threading.Thread(target=_send_works, args=(worker.requests, payload), daemon=True)
            worker.sender.start()
    except BaseException:
        _close_workers(workers)
        raise
    return workers


# How many bytes a pipe to or from a worker holds (Linux's largest for an unprivileged process, by
# default). A worker's results are megabytes: through pipes of 64 KB, the default, the worker
# waited on each write until the calling process's reader thread, which needs the interpreter the
# calling process is identifying with, had emptied the pipe, in all about a tenth of its time.
_PIPE_BYTES = 1 << 20


def _widen_pipe(fd: int) -> None:
    """Make a pipe hold :data:`_PIPE_BYTES` where the system allows it (else it stays as it is)."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)  # none without fcntl
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, set_size, _PIPE_BYTES)


def _send_works(fd: int, payload: bytes) -> None:
    """Write the works' message to a worker (a worker that has died is found by :meth:`_Worker.ready`)."""
    with contextlib.suppress(OSError):
        _write_bytes(fd, payload)


def _worker_main(requests: int, replies: int) -> None:
    """A worker's life: read the works, build the index, say so (or send why not), then identify
    the lines of each request (:meth:`WorkIndex._identify_distinct`) and send their results with
    the CPU seconds spent, until the requests end. An interrupt from the terminal is its index's
    to handle: the worker ignores it. A worker whose index has ended (its pipes closed) ends
    quietly; one whose starting process has died ends within a second or so, even in the middle
    of building its index or identifying (:func:`_end_with_parent`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()
    with contextlib.suppress(BrokenPipeError):  # the index has ended it: nothing more to say
        _serve(requests, replies)


# How often a worker looks whether the process that started it is still alive, in seconds.
_PARENT_CHECK = 0.5


def _end_with_parent(parent: int) -> None:
    """End this worker as soon as the process that started it (``parent``) has died: the worker
    is then another process's child, and nobody would read what it makes."""
    while True:
        time.sleep(_PARENT_CHECK)
        if os.getppid() != parent:
            os._exit(1)


def _serve(requests: int, replies: int) -> None:
    """:func:`_worker_main`'s work."""
    ok, message = _read_message(requests)
    if not ok:
        return
    try:
        thresholds, rows = message
        index = WorkIndex(itertools.starmap(WorkEntry, rows), thresholds)
    except BaseException:
        _write_message(replies, (False, traceback.format_exc()))
        return
    del message, rows
    _write_message(replies, (True, None))
    # The worker does nothing else: the lines' objects make no cycles, the index is frozen.
    gc.disable()
    # A request is one message or more, the last saying that no more follow; each message's lines
    # are identified as it comes, their results sent as they are made (positions in the request,
    # rows of plain values), the last part with the CPU seconds the request took — or, if it
    # failed, why.
    received = 0  # the request's lines in the messages before this one
    seconds = 0.0
    start = 0.0
    more = False
    ended = False  # whether the request's last part has been sent

    def send_part(positions: list[int], results: list[Result], last: bool) -> None:
        nonlocal ended
        rows, order = _compact(results)
        # The CPU seconds of a request include reading its lines and making its results plain
        # (waiting for the lines takes none).
        ended = last and not more
        took = seconds + time.process_time() - start if ended else None
        _write_message(replies, (_PART, [received + p for p in positions], rows, order, took))

    failure = ""
    while True:
        start = time.process_time()
        ok, message = _read_message(requests)
        if not ok:
            return
        columns, more = message
        queries = list(map(Query._make, zip(*columns, strict=True)))
        if not failure:
            try:
                index._identify_distinct(queries, report=send_part)
            except BrokenPipeError:
                raise
            except BaseException:
                if ended:  # nothing more can be said of the request: this worker ends
                    raise
                failure = traceback.format_exc()
        received += len(queries)
        seconds += time.process_time() - start
        if more:
            continue
        if failure:
            _write_message(replies, (_FAILED, failure))
        received, seconds, failure, ended = 0, 0.0, "", False


def _trigrams(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The trigram id starting at each position of a string's letter codes (``_CODES``), and
    whether it is one (letters and digits only: a trigram with any other character is left out)."""
    grams = (codes[:-2] * _ALPHABET + codes[1:-1]) * _ALPHABET + codes[2:]
    return grams, (codes[:-2] > 0) & (codes[1:-1] > 0) & (codes[2:] > 0)


def _ascii_codes(keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The letters of some ASCII strings (reading keys), one after another as bytes, and where
    each string starts (with the end of the last)."""
    starts = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, keys), dtype=np.int64, count=len(keys)), out=starts[1:])
    return np.frombuffer("".join(keys).encode("ascii"), dtype=np.uint8), starts


def _code_points(keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The code points of some strings, one after another, and where each string's start (with
    the end of the last): one join and one encoding for all of them. A lone surrogate (text
    decoded with ``surrogateescape``) is kept as its code."""
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    starts = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    codes = np.frombuffer("".join(keys).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return codes, starts


def _key_records(
    phon_keys: Sequence[tuple[str, ...]], text_keys: Sequence[tuple[str, ...]]
) -> tuple[np.ndarray, np.ndarray]:
    """Each work's reading keys and text keys as one record of code points: the number of its
    reading keys, then each of them as its length and its codes, then the same for its text keys;
    the records one after another, with each work's start (and the end of the last).

    A (line, work) pair's title score then reads one place of the records, where separate arrays
    of offsets and codes per kind of key would each be a cache miss of their own. The keys are
    encoded at once and copied into place by a compiled loop
    (:func:`bunpai.identify.kernels.key_records`)."""
    kinds = []
    for keys in (phon_keys, text_keys):
        counts = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
        codes, starts = _code_points(list(itertools.chain.from_iterable(keys)))
        kinds.extend((counts, starts, codes))
    record_starts = np.zeros(len(phon_keys) + 1, dtype=np.int64)
    records = _kernels().key_records(*kinds, record_starts)
    return records, record_starts


def _kernels() -> Any:
    """The compiled loops (imported at first use: compiling or loading them takes a moment)."""
    from bunpai.identify import kernels

    return kernels


def _maximum_per_work(best: np.ndarray, ratios: np.ndarray, counts: list[int]) -> None:
    """``best[w] = max(best[w], ratios of work w)``, where the ratios are those of the works' keys
    one after another, ``counts[w]`` of them for work ``w``. Most works have one key of a kind:
    then it is one element-wise maximum; a work with several is reduced by segments, and only a
    work without any key needs the (slow, unbuffered) ``np.maximum.at``."""
    if len(ratios) == len(counts) and min(counts) == 1:
        np.maximum(best, ratios, out=best)
    elif min(counts) >= 1:
        starts = np.zeros(len(counts), dtype=np.int64)
        np.cumsum(counts[:-1], out=starts[1:])
        np.maximum(best, np.maximum.reduceat(ratios, starts), out=best)
    else:
        np.maximum.at(best, np.repeat(np.arange(len(counts)), counts), ratios)


def _by_line_score_and_rank(line_of: np.ndarray, scores: np.ndarray, ranks: np.ndarray, works: int) -> np.ndarray:
    """The order of (line, work) pairs by line, then score (best first), then the work's rank in
    work id order: ``np.lexsort((ranks, -scores, line_of))``. Scores are rounded to 4 decimals
    (at most 10,001 values in [0, 1]), so the three keys fit one 64-bit integer and one
    ``argsort`` of it gives the same order five times faster (a line's works are distinct, so no
    two pairs tie). Other scores, or keys too wide, are sorted by ``lexsort``."""
    count = int(line_of.max()) + 1 if len(line_of) else 0
    in_range = not len(scores) or (scores.min() >= 0.0 and scores.max() <= 1.0)
    if not in_range or count * 10_001 * max(works, 1) >= 1 << 62:
        return np.lexsort((ranks, -scores, line_of))
    steps = 10_000 - np.rint(scores * 10_000).astype(np.int64)  # best first
    return np.argsort((line_of.astype(np.int64) * 10_001 + steps) * works + ranks)


_ROUNDED: dict[float, float] = {}
# Candidates' rows are ordered by score, best first, then by work id.
_SCORE_THEN_ID = itemgetter(0, 1)


def _round4(value: float) -> float:
    """``round(value, 4)``, remembered: scores take few distinct values and ``round`` with digits is slow."""
    found = _ROUNDED.get(value)
    if found is None:
        found = round(value, 4)
        if len(_ROUNDED) < 1 << 20:
            _ROUNDED[value] = found
    return found


def _rounded(values: np.ndarray) -> np.ndarray:
    """``round(x, 4)`` of each value, to the last bit, as arrays.

    ``round`` finds the nearest multiple ``k`` of 0.0001 from the exact value and returns the
    double nearest to ``k / 10,000``, which is what dividing ``k`` by 10,000 gives. Here ``k`` is
    ``rint(x × 10,000)``: for values of at most a few units, as scores are, the product is within
    about 1e-12 of the exact one, so ``k`` can differ only for a value that close to a half-step;
    the values within 1e-6 of one are rounded by ``round`` itself."""
    scaled = values * 10_000.0
    rounded = np.rint(scaled) / 10_000.0
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    if near_half.any():
        rounded[near_half] = [_round4(v) for v in values[near_half].tolist()]
    return rounded


# The highest score a candidate can have when no title found is close (a title score under 0.7):
# half of that title score and a full name score, 0.85 once rounded.
_MOST_WITHOUT_CLOSE_TITLE = 0.8501

# Fewer works than this without a title score are scored one by one (a ``cdist`` call costs more).
_TITLES_ONE_BY_ONE = 4

# The most trigrams of a key a search may look at: a work's count must fit the one-byte counter.
_RAREST_MOST = 255

# The postings a trigram search adds at most (those of its rarest trigram whatever their number).
_TRIGRAM_BUDGET = 6_000

# A writer with more works than this is too common a name to find close titles among them.
_WRITER_BLOCK = 5_000

# An index of this many works or more has its process's memory moved to huge pages once built.
_HUGE_PAGES_FROM = 100_000

# A title of more works than this has its works listed by name key as well (``_title_names``): a
# line of a common title ("さくら", "Love Song": hundreds of works) finds the works with its names
# without looking at each work of the title.
_MANY_WORKS = 16


class WorkIndex:
    """The blocking index of a works set; built once, queried per distinct line."""

    def __init__(self, works: Iterable[WorkEntry], thresholds: Thresholds | None = None, processes: int = 1) -> None:
        """Build the index of ``works``.

        ``processes``: how many processes identify large batches of lines (:meth:`identify_many`):
        this one and ``processes - 1`` workers, new interpreters each of which is sent the works
        and builds an index of its own, at the same time as this one (a worker shares no memory
        page with this process, so neither ever copies one of the other's). The index is ready
        when all of them are; :meth:`close` (or the index's end) ends the workers. Where processes
        cannot be started so (not POSIX) there is one whatever is asked.
        """
        count = _process_count(processes)
        self.thresholds = thresholds or Thresholds()
        self._workers: list[_Worker] = []
        # The CPU seconds the workers spent identifying, as they report them.
        self.worker_seconds = 0.0
        if count > 1:
            works = list(works)
            self._workers = _start_workers(count - 1, works, self.thresholds)
        self._close = weakref.finalize(self, _close_workers, self._workers)
        self.ids: list[str] = []
        self.text_keys: list[tuple[str, ...]] = []
        self.phon_keys: list[tuple[str, ...]] = []
        self.names: list[tuple[tuple[str, ...], ...]] = []
        self.tokens: list[tuple[tuple[str, ...], ...]] = []
        self.name_sets: list[frozenset[str]] = []
        self.performer_sets: dict[int, frozenset[str]] = {}
        self._name_set_cache: dict[tuple[str, ...], frozenset[str]] = {}
        self.by_code: dict[str, int] = {}
        self.by_iswc: dict[str, list[int]] = {}
        self.by_isrc: dict[str, list[int]] = {}
        self.by_text: dict[str, list[int]] = {}
        self.by_phon: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        # Each writer's block (the works of a name block key, at most _WRITER_BLOCK) as an id, and
        # the blocks' works with their first reading keys side by side (see _build_writer_readings).
        self._block_of: dict[str, int] = {}
        self._block_offsets = np.zeros(1, dtype=np.int64)
        self._block_works = np.zeros(0, dtype=np.int32)
        self._block_starts = np.zeros(1, dtype=np.int64)
        self._block_codes = np.zeros(0, dtype=np.uint8)
        # By text key of a title of many works (_MANY_WORKS), its works by exact name key.
        self._title_names: dict[str, dict[str, list[int]]] = {}
        # Closest titles of a writer found before, by (writer, reading key, limit): lines that
        # differ only in how they write the same names or decorate the same title share them.
        self._closest: dict[tuple[str, str, int], frozenset[int]] = {}
        self._title_scores: dict[tuple[str, str], dict[int, float]] = {}
        # The works of a title's exact keys (see _exact_works), by (text key, reading key).
        self._exact_of: dict[tuple[str, str], tuple[set[int], set[int]]] = {}
        # The writers' name keys and the performers' works of a title's many exact works (see
        # _keys_of_works), by (text key, reading key).
        self._works_keys: dict[tuple[str, str], tuple[frozenset[str], dict[str, frozenset[int]]]] = {}
        self._trigrams: dict[tuple[str, int, int], list[int]] = {}
        # The keys of each of a line's names that have any, by the line's names as written (see
        # _name_positions): the same names recur in thousands of lines.
        self._positions_of: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
        self._rank_of_id: np.ndarray | None = None
        # Scratch of the compiled trigram search: a counter per work, a bit per work for those met
        # once and for those met more than once, and the works it touched.
        self._search_counts = np.zeros(0, dtype=np.uint8)
        self._search_seen = np.zeros(0, dtype=np.uint64)
        self._search_twice = np.zeros(0, dtype=np.uint64)
        self._search_touched = np.zeros(0, dtype=np.int32)
        self._in_id_order = False
        # Every work's reading keys and text keys as code points, in one record per work (see
        # _key_records), for the title scores of many (line, work) pairs at once.
        self._records = np.zeros(0, dtype=np.uint32)
        self._record_starts = np.zeros(1, dtype=np.int64)
        # Every exact name key of the works as an id, and each work's key ids ascending (CSR), for
        # the exact name scores of many (line, work) pairs at once.
        self._name_key_ids: dict[str, int] = {}
        self._name_offsets = np.zeros(1, dtype=np.int64)
        self._name_flat = np.zeros(0, dtype=np.int32)
        # The readings of kanji learned from these works are this index's own (see Readings).
        self.readings = Readings()
        use_readings(self.readings)
        try:
            self._build(works)
            for worker in list(self._workers):
                worker.ready()
        except BaseException:
            self.close()  # the workers too, at once (not when this object is collected)
            raise

    def _build(self, works: Iterable[WorkEntry]) -> None:
        """Build this process's index of ``works``."""
        # The index is millions of small long-lived objects: the cyclic collector is paused while
        # they are made and they are then moved out of its generations (gc.freeze), so that full
        # collections during identification do not walk them again and again.
        paused = gc.isenabled()
        gc.disable()
        try:
            with learning():
                for index, work in enumerate(works):
                    self._add(index, work)
            self._build_postings()
            self._build_writer_readings()
            self._build_title_names()
            self._id_rank()
            self._build_key_arrays()
            self._build_name_ids()
            self._prepare_search()
        finally:
            if paused:
                gc.enable()
        gc.freeze()
        if len(self.ids) >= _HUGE_PAGES_FROM:
            # Read in no order, a large index's objects cost a page-table walk each on pages of
            # 4 KB: on pages of 2 MB, identification took a sixth less time (see huge_pages).
            use_huge_pages()

    @property
    def processes(self) -> int:
        """How many processes identify large batches of lines: this one and its workers."""
        return 1 + len(self._workers)

    def close(self) -> None:
        """End the worker processes (if any); the index then identifies in this process alone."""
        self._close()

    def __enter__(self) -> WorkIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare_search(self) -> None:
        """The compiled trigram search's scratch (a counter and a slot per work), and the compiled
        loops loaded once (each compiled at its first use on a machine, then loaded from its
        cache), so that identification does not wait for them."""
        # A work's count is at most the number of trigrams looked at (_RAREST_MOST): one byte.
        self._search_counts = np.zeros(len(self.ids), dtype=np.uint8)
        # A bit a work: those met once, and those met more than once.
        self._search_seen = np.zeros((len(self.ids) + 63) // 64, dtype=np.uint64)
        self._search_twice = np.zeros((len(self.ids) + 63) // 64, dtype=np.uint64)
        self._search_touched = np.empty(len(self.ids), dtype=np.int32)
        empty = np.zeros(0, dtype=np.int32)
        key = _CODES[np.frombuffer(b"abcd", dtype=np.uint8)]
        no_works = (
            np.zeros(_ALPHABET**3 + 1, dtype=np.int64),
            empty,
            np.zeros(0, dtype=np.int64),
            self._search_counts[:0],
            self._search_seen[:0],
            self._search_twice[:0],
            empty,
        )
        _kernels().trigram_search(key, *no_works, 1, 1, 1, True)
        found = (np.zeros((1, 1), dtype=np.int64), np.zeros(1, dtype=np.int64))
        _kernels().trigram_searches(key, np.asarray([0, 4], dtype=np.int64), *no_works, 1, 1, 1, True, *found)
        # The types the scorer passes (a loop is compiled once per set of argument types).
        pairs = np.zeros(0, dtype=np.int64)
        offsets = np.zeros(1, dtype=np.int64)
        _kernels().exact_name_scores(pairs, pairs, offsets, empty, offsets, offsets, empty, np.zeros(0))
        codes, starts = _code_points([])
        letters, _ = _ascii_codes([])
        _kernels().closest_titles(
            offsets, offsets, letters, empty, pairs, pairs, offsets, letters, 1, np.zeros((0, 1), dtype=np.int64), pairs
        )
        unequal = np.zeros(0, dtype=bool)
        # The lines' keys are read-only (made from bytes), the works' records are not: a loop is
        # compiled once per set of argument types, and whether an array is read-only is in its type.
        _kernels().title_ratios(
            codes,
            starts,
            codes,
            starts,
            pairs,
            pairs,
            self._records[:0],
            self._record_starts[:1],
            np.zeros(0),
            unequal,
            unequal,
        )

    def __len__(self) -> int:
        return len(self.ids)

    def _add(self, index: int, work: WorkEntry) -> None:
        self.ids.append(work.work_id)
        self.by_code[work.work_id] = index
        titles = (work.title, *work.alt_titles)
        texts = tuple(dict.fromkeys(k for k in map(text_key, titles) if k))
        phons = tuple(dict.fromkeys(k for k in map(phonetic_key, titles) if k))
        self.text_keys.append(texts)
        self.phon_keys.append(phons)
        self.names.append(tuple(k for k in map(name_keys, work.creators) if k))
        self.tokens.append(tuple(map(name_tokens, work.creators)))
        name_set = self._name_set_cache.get(work.creators)
        if name_set is None:
            name_set = frozenset(k for keys in self.names[-1] for k in keys)
            if len(self._name_set_cache) < 1_000_000:
                self._name_set_cache[work.creators] = name_set
        self.name_sets.append(name_set)
        if work.performers:
            self.performer_sets[index] = frozenset(k for p in work.performers for k in name_keys(p))
        for key in {name_block_key(c) for c in work.creators}:
            if key:
                self.by_name.setdefault(key, []).append(index)
        if work.iswc:
            self.by_iswc.setdefault(work.iswc, []).append(index)
        for isrc in work.isrcs:
            self.by_isrc.setdefault(isrc, []).append(index)
        for key in texts:
            self.by_text.setdefault(key, []).append(index)
        for key in phons:
            self.by_phon.setdefault(key, []).append(index)

    def _build_postings(self) -> None:
        """Trigram postings of the reading keys as one sorted array with offsets (CSR)."""
        keys: list[str] = []
        owners: list[int] = []
        for index, phons in enumerate(self.phon_keys):
            for key in phons:
                keys.append(key)
                owners.append(index)
        size = _ALPHABET**3
        if not keys:
            self.offsets = np.zeros(size + 1, dtype=np.int64)
            self.postings = np.zeros(0, dtype=np.int32)
            return
        text = "\0".join(keys).encode("ascii", "ignore")
        codes = _CODES[np.frombuffer(text, dtype=np.uint8)]
        lengths = np.fromiter((len(k.encode("ascii", "ignore")) + 1 for k in keys), dtype=np.int64, count=len(keys))
        owner = np.repeat(np.asarray(owners, dtype=np.int64), lengths)[: codes.size]
        grams, ok = _trigrams(codes)
        pairs = np.unique(grams[ok].astype(np.int64) * (1 << 32) + owner[:-2][ok])
        gram_of = (pairs >> 32).astype(np.int64)
        self.postings = (pairs & 0xFFFFFFFF).astype(np.int32)
        self.offsets = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(gram_of, minlength=size), out=self.offsets[1:])

    def _build_writer_readings(self) -> None:
        """Each writer's works with their first reading keys (empty for a work without any), beside
        the name postings, for :meth:`_closest_titles`: the blocks of at most :data:`_WRITER_BLOCK`
        works one after another, each work's reading as its letters (reading keys are ASCII), so
        that a block's readings are read in one sweep of memory."""
        phon = self.phon_keys
        blocks = [(key, block) for key, block in self.by_name.items() if len(block) <= _WRITER_BLOCK]
        self._block_of = {key: b for b, (key, _) in enumerate(blocks)}
        sizes = np.fromiter((len(block) for _, block in blocks), dtype=np.int64, count=len(blocks))
        self._block_offsets = np.zeros(len(blocks) + 1, dtype=np.int64)
        np.cumsum(sizes, out=self._block_offsets[1:])
        entries = int(self._block_offsets[-1])
        self._block_works = np.fromiter(
            itertools.chain.from_iterable(block for _, block in blocks), dtype=np.int32, count=entries
        )
        readings = [phon[i][0] if phon[i] else "" for i in self._block_works.tolist()]
        self._block_starts = np.zeros(entries + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, readings), dtype=np.int64, count=entries), out=self._block_starts[1:])
        self._block_codes = np.frombuffer("".join(readings).encode("ascii"), dtype=np.uint8)

    def _build_title_names(self) -> None:
        """The works of each title of many works (:data:`_MANY_WORKS`) by exact name key, each
        list ascending."""
        sets = self.name_sets
        self._title_names = {}
        for key, works in self.by_text.items():
            if len(works) > _MANY_WORKS:
                by_name: dict[str, list[int]] = {}
                for index in works:
                    for name in sets[index]:
                        by_name.setdefault(name, []).append(index)
                self._title_names[key] = by_name

    def _named_works(self, text: str, hits: Sequence[int], line_keys: set[str]) -> set[int]:
        """The works of a title (``hits``, those of the text key ``text``) with any of the keys
        ``line_keys`` among their exact name keys."""
        by_name = self._title_names.get(text)
        if by_name is None:
            sets = self.name_sets
            return {i for i in hits if not sets[i].isdisjoint(line_keys)}
        found: set[int] = set()
        for key in line_keys:
            works = by_name.get(key)
            if works is not None:
                found.update(works)
        return found

    def _names_found(
        self, text: str, hits: Sequence[int], positions: Sequence[tuple[str, ...]]
    ) -> list[tuple[int, int]]:
        """(work, names found) of each work of a title (``hits``, those of the text key ``text``)
        that has any of a line's names, ascending by work: a name (a position of the line, its
        keys) is found when one of its keys is among the work's exact name keys."""
        by_name = self._title_names.get(text)
        count = len(positions)
        if by_name is None:
            sets = self.name_sets
            line_keys = {key for keys in positions for key in keys}
            found_works = []
            for i in hits:
                work_keys = sets[i]
                if work_keys.isdisjoint(line_keys):
                    continue
                found = 1 if count == 1 else sum(1 for keys in positions if not work_keys.isdisjoint(keys))
                found_works.append((i, found))
            return found_works
        found_of: dict[int, int] = {}
        for keys in positions:
            named: set[int] = set()
            for key in keys:
                works = by_name.get(key)
                if works is not None:
                    named.update(works)
            for i in named:
                found_of[i] = found_of.get(i, 0) + 1
        return sorted(found_of.items())

    # ---------------------------------------------------------------------------- candidates
    def _trigram_candidates(self, key: str, limit: int, rarest: int = 8) -> list[int]:
        """The works sharing most of the rarest trigrams of a reading key (remembered per key:
        distinct lines often share a title)."""
        remembered = self._trigrams.get((key, limit, rarest))
        if remembered is None:
            remembered = self._trigram_search(key, limit, rarest)
            if len(self._trigrams) < 1 << 18:
                self._trigrams[(key, limit, rarest)] = remembered
        return remembered

    def _trigram_search(self, key: str, limit: int, rarest: int) -> list[int]:
        """The works sharing most of the rarest trigrams of a reading key.

        The key's trigrams are taken rarest first (ties by trigram id), their postings added while
        they fit in a budget of 6,000 works (the first always); a work is kept when it is in at
        least 40 % of the trigrams used; past ``limit`` works, those with the most trigrams
        first, ties by work id (never by position in the index: the same works in another order
        give the same candidates). One compiled pass (:func:`bunpai.identify.kernels.trigram_search`).
        """
        if rarest > _RAREST_MOST:
            raise ValueError(f"at most {_RAREST_MOST} trigrams of a key can be counted, not {rarest}")
        codes = _CODES[np.frombuffer(key.encode("ascii", "ignore"), dtype=np.uint8)]
        if codes.size < 3:
            return []
        searched = self._search_arrays()
        hits = _kernels().trigram_search(codes, *searched, limit, rarest, _TRIGRAM_BUDGET, self._in_id_order)
        return hits.tolist()  # type: ignore[no-any-return]

    def _search_many(self, keys: Sequence[str], limit: int, rarest: int = 8) -> None:
        """Remember the trigram searches of many reading keys (ASCII) for
        :meth:`_trigram_candidates`, made in one compiled call
        (:func:`bunpai.identify.kernels.trigram_searches`), as many as there is room for."""
        remembered = self._trigrams
        wanted = list(dict.fromkeys(key for key in keys if (key, limit, rarest) not in remembered))
        del wanted[max((1 << 18) - len(remembered), 0) :]
        if not wanted:
            return
        letters, starts = _ascii_codes(wanted)
        found = np.empty((len(wanted), limit), dtype=np.int64)
        sizes = np.empty(len(wanted), dtype=np.int64)
        searched = self._search_arrays()
        _kernels().trigram_searches(
            _CODES[letters], starts, *searched, limit, rarest, _TRIGRAM_BUDGET, self._in_id_order, found, sizes
        )
        for key, works, size in zip(wanted, found.tolist(), sizes.tolist(), strict=True):
            remembered[(key, limit, rarest)] = works[:size]

    def _search_arrays(self) -> tuple[np.ndarray, ...]:
        """What a trigram search reads and its scratch: the postings with their offsets, the works'
        rank by id, the counters, the two sets of bits and the works met."""
        return (
            self.offsets,
            self.postings,
            self._id_rank(),
            self._search_counts,
            self._search_seen,
            self._search_twice,
            self._search_touched,
        )

    def _id_rank(self) -> np.ndarray:
        """Each work's rank in the order of work ids (made on first use)."""
        if self._rank_of_id is None:
            order = np.argsort(np.asarray(self.ids, dtype=object), kind="stable")
            rank = np.empty(len(self.ids), dtype=np.int64)
            rank[order] = np.arange(len(self.ids))
            self._rank_of_id = rank
            # Works added in work id order (as a database gives them): the rank is the position.
            self._in_id_order = bool(np.array_equal(order, np.arange(len(self.ids))))
        return self._rank_of_id

    def _build_key_arrays(self) -> None:
        """Every work's reading keys and text keys as code points, one record per work, for
        :meth:`_pair_title_scores` (:func:`_key_records`)."""
        self._records, self._record_starts = _key_records(self.phon_keys, self.text_keys)

    def _build_name_ids(self) -> None:
        """Each work's exact name keys as ids, ascending, in one array with offsets (CSR), for
        :meth:`_pair_name_scores`. Works of the same writers share one name set: its ids are
        made once."""
        key_ids = self._name_key_ids
        of_set: dict[int, list[int]] = {}
        lists = []
        for name_set in self.name_sets:
            found = of_set.get(id(name_set))  # the sets are alive with the index: their ids are theirs
            if found is None:
                found = of_set[id(name_set)] = sorted([key_ids.setdefault(k, len(key_ids)) for k in name_set])
            lists.append(found)
        counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        self._name_offsets = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(counts, out=self._name_offsets[1:])
        self._name_flat = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int32, count=int(counts.sum()))

    # ------------------------------------------------------------------------------- scoring
    def _pair_name_scores(self, lines: Sequence[_Line], line_of: np.ndarray, works: np.ndarray) -> np.ndarray:
        """The exact name score of each (line, work) pair (``line_of`` indexes ``lines``), as
        :meth:`_creator_score` gives it without close spellings: the share of the line's names
        with a key among the work's exact name keys (0 for a line that names nobody), in one
        compiled pass over the pairs (:func:`bunpai.identify.kernels.exact_name_scores`)."""
        get = self._name_key_ids.get
        position_counts = np.fromiter((len(line.names) for line in lines), dtype=np.int64, count=len(lines))
        key_counts: list[int] = []
        key_ids: list[int] = []
        for line in lines:
            for keys in line.names:
                found = [i for i in map(get, keys) if i is not None]  # a key no work has agrees with none
                key_counts.append(len(found))
                key_ids.extend(found)
        position_offsets = np.zeros(len(lines) + 1, dtype=np.int64)
        np.cumsum(position_counts, out=position_offsets[1:])
        key_offsets = np.zeros(len(key_counts) + 1, dtype=np.int64)
        np.cumsum(np.asarray(key_counts, dtype=np.int64), out=key_offsets[1:])
        scores = np.zeros(len(works), dtype=np.float64)
        _kernels().exact_name_scores(
            line_of,
            works,
            self._name_offsets,
            self._name_flat,
            position_offsets,
            key_offsets,
            np.asarray(key_ids, dtype=np.int32),
            scores,
        )
        return scores

    def _pair_title_scores(
        self, texts: Sequence[str], phons: Sequence[str], lines: np.ndarray, works: np.ndarray
    ) -> np.ndarray:
        """The title score of each (line, work) pair, as :meth:`_title_score` gives it: the
        line's keys are ``texts[lines[k]]`` and ``phons[lines[k]]``, the work is ``works[k]``.

        Every work key of each pair is compared with the line's key of the same kind in one
        compiled pass over the pairs, on the keys' code points
        (:func:`bunpai.identify.kernels.title_ratios`: ``fuzz.ratio`` to the last bit, without
        making a Python string per pair, each work's keys read from one record); an equal key
        gives the exact scores (1.0 for the text key, 0.97 for the reading).
        """
        pairs = len(works)
        best = np.zeros(pairs, dtype=np.float64)
        equal_text = np.zeros(pairs, dtype=bool)
        equal_phon = np.zeros(pairs, dtype=bool)
        if pairs:
            phon_codes, phon_starts = _code_points(phons)
            text_codes, text_starts = _code_points(texts)
            _kernels().title_ratios(
                phon_codes,
                phon_starts,
                text_codes,
                text_starts,
                lines,
                works,
                self._records,
                self._record_starts,
                best,
                equal_phon,
                equal_text,
            )
        # The same operations on the same doubles as _title_score, element-wise.
        best /= 100.0
        scores = best * best * 0.95
        scores[equal_phon] = 0.97
        scores[equal_text] = 1.0
        return scores

    def _title_score(self, index: int, text: str, phon: str) -> float:
        texts = self.text_keys[index]
        if text and text in texts:
            return 1.0
        phons = self.phon_keys[index]
        if phon and phon in phons:
            return 0.97
        ratio = fuzz.ratio
        best = 0.0
        for key in phons:
            value = ratio(phon, key)
            if value > best:
                best = value
        for key in texts:
            value = ratio(text, key)
            if value > best:
                best = value
        best /= 100.0
        # Squared: one typo in a long title stays close, another word in a title template does not.
        return best * best * 0.95

    def _creator_score(
        self,
        index: int,
        names: Sequence[tuple[str, ...]],
        fuzzy: bool = True,
        tokens: Sequence[tuple[str, ...]] = (),
    ) -> float | None:
        """Share of the line's names found among the work's writers.

        A name counts 1 when a key agrees exactly (any order, any script), 0.75 when it is a close
        spelling (every word close, or the whole name very close: a typo or another reading), else 0.
        """
        if not names:
            return None
        if not self.names[index]:
            return 0.0
        name_set = self.name_sets[index]
        total = 0.0
        for position, keys in enumerate(names):
            if not name_set.isdisjoint(keys):
                total += 1.0
            elif fuzzy and self._close_name(index, keys, tokens[position] if position < len(tokens) else ()):
                total += 0.75
        return total / len(names)

    def _close_name(self, index: int, keys: tuple[str, ...], words: tuple[str, ...]) -> bool:
        for other_words in self.tokens[index]:
            if len(words) == 2 and len(other_words) == 2:
                straight = min(fuzz.ratio(words[0], other_words[0]), fuzz.ratio(words[1], other_words[1]))
                crossed = min(fuzz.ratio(words[0], other_words[1]), fuzz.ratio(words[1], other_words[0]))
                if max(straight, crossed) >= 75:
                    return True
        for other in self.names[index]:
            for a in keys:
                for b in other:
                    if fuzz.ratio(a, b) >= 88:
                        return True
        return False

    def _score(self, title_score: float, creator_score: float | None, unique_title: bool) -> float:
        if creator_score is None:
            return _round4(title_score * (0.93 if unique_title else 0.75))
        return _round4(0.5 * title_score + 0.5 * creator_score)

    # ------------------------------------------------------------------------------ identify
    def identify(self, query: Query) -> Result:
        """Identify one line (:meth:`identify_many` gives each line the same result)."""
        use_readings(self.readings)
        line = self._gather(query)
        if isinstance(line, Result):
            return line
        self._with_closest(line)
        pool = line.pool
        if line.search and self._best_title(pool, line.text, line.phon) < 0.7:
            pool = pool | self._searched(line)
        if not pool:
            return self._finish(line, [])
        # Only a work of the line's exact title or reading can have a title score of 0.97 or
        # more: the line's exact works are its strong ones.
        candidates, _ = self._rank(pool, line.text, line.phon, line.names, line.tokens, strong=len(line.exact))
        return self._finish(line, candidates)

    def _gather(self, query: Query) -> Result | _Line:
        """What a line is decided from before its candidates are ranked: its result when a code
        or its exact title with one of its names settles it, else its keys and the works to rank
        (:class:`_Line`)."""
        th = self.thresholds
        text = text_key(query.title) if query.title else ""
        text_hits = self.by_text.get(text, ()) if text else ()
        conflict = ""
        named: set[int] = set()
        for method, found in (
            ("work_code", [self.by_code[query.work_code]] if query.work_code in self.by_code else []),
            ("iswc", self.by_iswc.get(query.iswc, []) if query.iswc else []),
            ("isrc", self.by_isrc.get(query.isrc, []) if query.isrc else []),
        ):
            if len(found) == 1:
                index = found[0]
                if not text:
                    title_score, agrees = 1.0, True
                else:
                    title_score = self._title_score(index, text, phonetic_key(query.title))
                    agrees = title_score >= 0.85
                    if not agrees and title_score >= 0.6:
                        names, tokens = self._names(query)
                        agrees = (self._creator_score(index, names, tokens=tokens) or 0.0) >= 0.5
                if agrees:
                    candidate = Candidate(self.ids[index], 1.0, title_score, None)
                    return Result(AUTO, self.ids[index], 1.0, method, (candidate,))
                conflict = conflict or method  # the code names a work whose title does not agree
                named.add(index)
        names, tokens = self._names(query)
        if names and text_hits:
            # Works with this title and at least one of the line's names, found without scoring
            # the other works of the same title one by one (and without reading the title).
            both = self._named_works(text, text_hits, {k for keys in names for k in keys})
            if both:
                candidates, _ = self._rank(both, text, "", names, tokens, strong=len(text_hits))
                if candidates[0].score >= th.auto:
                    return self._decide(candidates, conflict)
                if len(both) == 1 and not conflict and th.auto <= 1.0:
                    # The one work of this title with a writer the line names exactly (the other
                    # name mistyped, or a performer's): the title and that writer settle it.
                    best = candidates[0]
                    lifted = Candidate(best.work_id, th.auto, best.title_score, best.creator_score)
                    return Result(AUTO, best.work_id, th.auto, "title", (lifted,))
        phon = phonetic_key(query.title) if query.title else ""
        exact, first = self._exact_works(text, text_hits, phon)
        pool = first | named
        # The writers whose closest titles join the pool (see _with_closest).
        writers = tuple(name_block_key(creator) for creator in query.creators) if names and phon else ()
        # Without a work of the line's exact title or reading and without a close title among
        # those found, no candidate can reach an automatic score above 0.85 (half a title score
        # under 0.7 and a full name score): the works sharing the reading's rarest trigrams are
        # then added before ranking (see _searched).
        search = not exact and th.auto > _MOST_WITHOUT_CLOSE_TITLE
        return _Line(text, phon, names, tokens, exact, pool, conflict, search, writers)

    def _exact_works(self, text: str, text_hits: Sequence[int], phon: str) -> tuple[set[int], set[int]]:
        """The works of a line's exact title (``text_hits``, those of the text key ``text``) or
        reading key ``phon``, and the first 20 of them by work id (all of them if there are no
        more). Remembered per title: lines of a common title ("さくら": hundreds of works) differ
        only in their names and codes. Neither set is changed by its users."""
        remembered = self._exact_of.get((text, phon))
        if remembered is not None:
            return remembered
        exact = set(text_hits) | set(self.by_phon.get(phon, ()))
        if len(exact) <= 20:
            first = exact
        elif self._in_id_order:  # the first 20 by work id are the first 20 by position
            first = set(heapq.nsmallest(20, exact))
        else:
            ids = self.ids
            first = set(sorted(exact, key=ids.__getitem__)[:20])
        if len(self._exact_of) < 1 << 18:
            self._exact_of[(text, phon)] = exact, first
        return exact, first

    def _with_closest(self, line: _Line) -> None:
        """Add to a line's pool the closest titles of each writer it names (:meth:`_closest_titles`)."""
        for block_key in line.writers:
            line.pool = line.pool | self._closest_titles(block_key, line.phon)

    def _searched(self, line: _Line) -> set[int]:
        """The works a line's search by trigrams adds to its pool (none if it has a close title)."""
        return set(self._trigram_candidates(line.phon, self.thresholds.max_candidates * 2)) - line.pool

    def _finish(self, line: _Line, candidates: list[Candidate]) -> Result:
        """The result of a line from its ranked candidates: the decision, then (for a line with
        names that is not automatic) the rules of the performer and of the typo."""
        result = self._decide(candidates, line.conflict)
        if result.decision == AUTO or not line.names or line.conflict:
            return result
        if line.exact:
            if self.performer_sets:
                return self._by_performer(candidates, line.exact, line.names, line.text, line.phon) or result
            return result
        return self._by_typo(candidates, line.text, line.phon) or result

    def _by_typo(self, candidates: list[Candidate], text: str, phon: str) -> Result | None:
        """A title that no work has, one edit (a letter left out, added, changed, or two letters
        swapped) from a title of the best candidate, every name of the line one of its writers
        exactly, and no other work within two edits of the title: that work, lifted to the
        automatic score, if it then beats every other candidate by the margin."""
        th = self.thresholds
        if not candidates or candidates[0].creator_score != 1.0:
            return None
        best = candidates[0]
        rest = list(candidates[1:])
        if rest and th.auto - rest[0].score < th.margin:
            return None
        index = self.by_code[best.work_id]
        if not self._within(index, text, phon, 1, 5):
            return None
        # Works near the line's title or near the work's own (a mistyped reading may share few
        # rare trigrams with anything).
        others = {self.by_code[c.work_id] for c in candidates[1:]}
        for key in {phon, *self.phon_keys[index]}:
            others.update(self._trigram_candidates(key, th.max_candidates * 2, rarest=16))
        others.discard(index)
        if others:
            text_keys, phon_keys = self.text_keys, self.phon_keys
            for line_key, keys in (
                (text, [k for i in others for k in text_keys[i]]),
                (phon, [k for i in others for k in phon_keys[i]]),
            ):
                if line_key and process.extractOne(line_key, keys, scorer=OSA.distance, score_cutoff=2) is not None:
                    return None
        lifted = Candidate(best.work_id, th.auto, best.title_score, best.creator_score)
        return Result(AUTO, best.work_id, th.auto, "title", (lifted, *rest))

    def _within(self, index: int, text: str, phon: str, edits: int, shortest: int) -> bool:
        """Whether a text key or a reading key of the work is within ``edits`` edits (optimal
        string alignment: a swap of two neighbours is one edit) of the line's, among keys of at
        least ``shortest`` characters."""
        for line_key, keys in ((text, self.text_keys[index]), (phon, self.phon_keys[index])):
            if not line_key:
                continue
            for key in keys:
                if len(key) >= shortest and OSA.distance(line_key, key, score_cutoff=edits) <= edits:
                    return True
        return False

    def _by_performer(
        self, candidates: list[Candidate], exact: set[int], names: Sequence[tuple[str, ...]], text: str, phon: str
    ) -> Result | None:
        """A line whose names are no writer of any work of its title (or of its reading), one of
        them the performer of a registered recording of exactly one of those works: that work,
        lifted to the automatic score, if it then beats every other candidate by the margin."""
        th = self.thresholds
        line_keys = {k for keys in names for k in keys}
        if len(exact) > _MANY_WORKS:
            writers, performed = self._keys_of_works(exact, text, phon)
            if not writers.isdisjoint(line_keys):
                return None
            recorded = list(set().union(*[performed[k] for k in line_keys if k in performed]))
        else:
            sets = self.name_sets
            if any(not sets[i].isdisjoint(line_keys) for i in exact):
                return None
            performers = self.performer_sets
            recorded = [i for i in exact if not performers.get(i, frozenset()).isdisjoint(line_keys)]
        if len(recorded) != 1:
            return None
        work_id = self.ids[recorded[0]]
        title_score = _round4(self._title_score(recorded[0], text, phon))
        if title_score < 0.97:
            return None
        lifted = Candidate(work_id, th.auto, title_score, 0.0)
        others = [c for c in candidates if c.work_id != work_id]
        if others and th.auto - others[0].score < th.margin:
            return None
        return Result(AUTO, work_id, th.auto, "performer", (lifted, *others)[: th.max_candidates])

    def _keys_of_works(self, exact: set[int], text: str, phon: str) -> tuple[frozenset[str], dict[str, frozenset[int]]]:
        """The exact name keys of the writers of some works (``exact``: those of the text key
        ``text`` or the reading key ``phon``, :meth:`_exact_works`), and by each key of their
        recordings' performers the works that have it. Remembered per title: the works of a common
        title are many, and its lines many."""
        remembered = self._works_keys.get((text, phon))
        if remembered is not None:
            return remembered
        sets, performers = self.name_sets, self.performer_sets
        writers = frozenset().union(*[sets[i] for i in exact])
        performed: dict[str, set[int]] = {}
        for i in exact:
            for key in performers.get(i, ()):
                performed.setdefault(key, set()).add(i)
        found = writers, {key: frozenset(works) for key, works in performed.items()}
        if len(self._works_keys) < 1 << 16:
            self._works_keys[(text, phon)] = found
        return found

    def _name_positions(self, creators: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """The keys of each name that has any, in order (a line's name positions), remembered by
        the names as written: one look-up for the names of a line instead of one per name."""
        found = self._positions_of.get(creators)
        if found is None:
            found = tuple([keys for keys in map(name_keys, creators) if keys])
            if len(self._positions_of) < 1 << 18:
                self._positions_of[creators] = found
        return found

    @staticmethod
    def _names(query: Query) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
        keyed = [(name_keys(c), c) for c in query.creators]
        return tuple(k for k, _ in keyed if k), tuple(name_tokens(c) for k, c in keyed if k)

    def _closest_titles(self, block_key: str, phon: str, limit: int = 10) -> frozenset[int]:
        """Among the works of one writer (name postings), those with the closest reading keys
        (:meth:`_find_closest`)."""
        remembered = self._closest.get((block_key, phon, limit))
        if remembered is not None:
            return remembered
        if block_key not in self._block_of:
            return frozenset()
        (found,) = self._closest_sets([(block_key, phon)], limit)
        if len(self._closest) < 1 << 18:
            self._closest[(block_key, phon, limit)] = found
        return found

    def _find_closest(self, wanted: dict[str, dict[str, None]], limit: int = 10) -> None:
        """Find the closest titles of many writers for many readings at once (remembered for
        :meth:`_closest_titles`): ``wanted`` gives, by a writer's block key, the readings of the
        lines naming them. A writer of more than :data:`_WRITER_BLOCK` works has none.

        For each (writer, reading), the works of the writer whose first reading key has a
        ``fuzz.ratio`` of 60 or more with the reading, the first ``limit * 5`` by ratio (ties by
        place among the writer's works, as ``process.extract`` keeps them); of those, at most
        ``limit``: the best ratio first, ties by work id. All of them in one compiled pass over
        the writers' readings (:func:`bunpai.identify.kernels.closest_titles`), each writer's
        readings side by side in memory: a third of the time of a ``cdist`` call per writer with
        its scores sorted and selected in NumPy and Python (0.12 s against 0.32–0.38 s for the
        benchmark's 13,632 pairs).
        """
        closest, block_of = self._closest, self._block_of
        asked: list[tuple[str, str]] = []
        for block_key, phons in wanted.items():
            if block_key in block_of:
                asked.extend((block_key, phon) for phon in phons if (block_key, phon, limit) not in closest)
        del asked[max((1 << 18) - len(closest), 0) :]  # what is remembered (the rest: one by one)
        for (block_key, phon), found in zip(asked, self._closest_sets(asked, limit), strict=True):
            closest[(block_key, phon, limit)] = found

    def _closest_sets(self, asked: Sequence[tuple[str, str]], limit: int) -> list[frozenset[int]]:
        """The closest titles of each (writer's block key, reading) asked (see :meth:`_find_closest`)."""
        if not asked:
            return []
        block_of = self._block_of
        readings, starts = _ascii_codes([phon for _, phon in asked])
        found = np.empty((len(asked), limit), dtype=np.int64)
        counts = np.empty(len(asked), dtype=np.int64)
        _kernels().closest_titles(
            self._block_offsets,
            self._block_starts,
            self._block_codes,
            self._block_works,
            self._id_rank(),
            np.fromiter((block_of[key] for key, _ in asked), dtype=np.int64, count=len(asked)),
            starts,
            readings,
            limit,
            found,
            counts,
        )
        return [frozenset(works[:count]) for works, count in zip(found.tolist(), counts.tolist(), strict=True)]

    def _identify_rest(self, queries: Sequence[Query]) -> list[Result]:
        """Identify the lines the first pass leaves, scoring their candidates in batches.

        Each line is gathered as :meth:`identify` gathers it (:meth:`_gather`); the closest titles
        of all the lines' writers are found together (:meth:`_find_closest`); then the title
        scores of all the lines' (line, work) pairs are computed at once
        (:meth:`_pair_title_scores`), the lines without a close title get the works of their
        trigram search (one more batch of title scores for those), and every line's candidates
        are ranked together (:meth:`_rank_many`). The results are those of :meth:`identify`.
        """
        return self._scored(self._gathered(queries))

    def _gathered(self, queries: Sequence[Query]) -> list[Result | _Line]:
        """:meth:`_identify_rest`'s first half: each line gathered, and the closest titles of all
        the lines' writers found together and added to their pools."""
        gathered = [self._gather(query) for query in queries]
        # The closest titles of the lines' writers, found for all of them at once.
        wanted: dict[str, dict[str, None]] = {}
        for g in gathered:
            if isinstance(g, _Line):
                for block_key in g.writers:
                    wanted.setdefault(block_key, {})[g.phon] = None
        self._find_closest(wanted)
        for g in gathered:
            if isinstance(g, _Line) and g.writers:
                self._with_closest(g)
        return gathered

    def _scored(self, gathered: Sequence[Result | _Line]) -> list[Result]:
        """:meth:`_identify_rest`'s second half: the results of lines :meth:`_gathered` gathered
        (any run of them: each line's result is its own)."""
        lines = [g for g in gathered if isinstance(g, _Line) and (g.pool or g.search)]
        ranked: list[list[Candidate]] = []
        if lines:
            sizes = [len(line.pool) for line in lines]
            line_of = np.repeat(np.arange(len(lines), dtype=np.int64), sizes)
            works = np.fromiter((w for line in lines for w in line.pool), dtype=np.int64, count=len(line_of))
            texts = [line.text for line in lines]
            phons = [line.phon for line in lines]
            titles = self._pair_title_scores(texts, phons, line_of, works)
            # The best title of each line, rounded as _best_title rounds it (0 for none).
            counts = np.asarray(sizes, dtype=np.int64)
            starts = np.cumsum(counts) - counts
            best_of = np.zeros(len(lines), dtype=np.float64)
            if len(titles):
                best_of[counts > 0] = np.maximum.reduceat(titles, starts[counts > 0])
            best = best_of.tolist()
            more_lines: list[int] = []
            more_works: list[int] = []
            # The lines without a close title: their searches made at once, then read one by one.
            searching = [k for k, line in enumerate(lines) if line.search and _round4(best[k]) < 0.7]
            self._search_many([lines[k].phon for k in searching], self.thresholds.max_candidates * 2)
            for k in searching:
                more = self._searched(lines[k])
                more_lines.extend([k] * len(more))
                more_works.extend(more)
            if more_works:
                extra_lines = np.asarray(more_lines, dtype=np.int64)
                extra_works = np.asarray(more_works, dtype=np.int64)
                # Lines of the same title (other names) find the same works: each (title, work)
                # pair is scored once.
                title_ids: dict[tuple[str, str], int] = {}
                title_of = np.fromiter(
                    (title_ids.setdefault((line.text, line.phon), len(title_ids)) for line in lines),
                    dtype=np.int64,
                    count=len(lines),
                )
                # A line of each title (any one: they have the same keys).
                line_of_title = np.zeros(len(title_ids), dtype=np.int64)
                line_of_title[title_of] = np.arange(len(lines), dtype=np.int64)
                pair_keys = title_of[extra_lines] * len(self.ids) + extra_works
                distinct_pairs, inverse = np.unique(pair_keys, return_inverse=True)
                extra = self._pair_title_scores(
                    texts,
                    phons,
                    line_of_title[distinct_pairs // len(self.ids)],
                    distinct_pairs % len(self.ids),
                )[inverse.reshape(-1)]
                together = np.argsort(np.concatenate([line_of, extra_lines]), kind="stable")
                line_of = np.concatenate([line_of, extra_lines])[together]
                works = np.concatenate([works, extra_works])[together]
                titles = np.concatenate([titles, extra])[together]
            ranked = self._rank_many(lines, line_of, works, titles)
        results = []
        k = 0
        for g in gathered:
            if isinstance(g, Result):
                results.append(g)
            elif g.pool or g.search:
                results.append(self._finish(g, ranked[k]))
                k += 1
            else:
                results.append(self._finish(g, []))
        return results

    def _rank_many(
        self, lines: Sequence[_Line], line_of: np.ndarray, works: np.ndarray, titles: np.ndarray
    ) -> list[list[Candidate]]:
        """:meth:`_rank` of many lines at once: the candidates of each line, best first.

        The (line, work) pairs come grouped by line (``line_of`` ascending; a line without any
        has no candidates) with their title scores. A pair's name score is that of the exact names
        (all pairs' in one compiled pass: :meth:`_pair_name_scores`); a line with a
        work of its exact title or reading whose every name agrees exactly is settled, otherwise
        its ten closest titles of 0.9 or more (ties by work id) get the close spellings of names
        too. Scores, their rounding and the order (score, then work id) are those of
        :meth:`_rank`, computed for all pairs as arrays; only each line's first
        :attr:`Thresholds.max_candidates` become :class:`Candidate` objects.
        """
        pairs = len(works)
        count = len(lines)
        starts = np.searchsorted(line_of, np.arange(count + 1, dtype=np.int64))
        work_list = works.tolist()
        creator_score_of = self._creator_score
        creators = self._pair_name_scores(lines, line_of, works)
        named = np.fromiter((bool(line.names) for line in lines), dtype=bool, count=count)
        with_names = named[line_of]
        strong_title = titles >= 0.97
        settled = np.zeros(count, dtype=bool)
        agree = strong_title & (creators == 1.0)
        if agree.any():
            settled[np.unique(line_of[agree])] = True
        rank = self._id_rank()
        near = np.flatnonzero((titles >= 0.9) & with_names & ~settled[line_of])
        if len(near):
            near = near[np.lexsort((rank[works[near]], -titles[near], line_of[near]))]
            near_lines = line_of[near]
            first = np.searchsorted(near_lines, near_lines)
            for p in near[np.arange(len(near)) - first < 10].tolist():
                line = lines[int(line_of[p])]
                creators[p] = creator_score_of(work_list[p], line.names, fuzzy=True, tokens=line.tokens) or 0.0
        # A line without names: its title score × 0.93 for the one work of an exact title or
        # reading, × 0.75 otherwise; with names, half the title and half the name score.
        unique = np.asarray([len(line.exact) == 1 for line in lines], dtype=bool)[line_of]
        factor = np.where(unique & strong_title, 0.93, 0.75)
        values = np.where(with_names, 0.5 * titles + 0.5 * creators, titles * factor)
        scores = _rounded(values)
        order = _by_line_score_and_rank(line_of, scores, rank[works], len(rank))
        # Each line's first candidates (the order keeps the lines' pairs together, in line order):
        # their fields as lists, the title and name scores rounded as arrays.
        most = self.thresholds.max_candidates
        kept = order[np.arange(pairs, dtype=np.int64) - starts[line_of] < most]
        ids = self.ids
        work_ids = [ids[w] for w in works[kept].tolist()]
        creator_values: list[float | None] = _rounded(creators[kept]).tolist()
        for p in np.flatnonzero(~named[line_of[kept]]).tolist():
            creator_values[p] = None  # a line without names has no name scores
        candidates = list(
            map(Candidate, work_ids, scores[kept].tolist(), _rounded(titles[kept]).tolist(), creator_values)
        )
        ends = np.cumsum(np.minimum(np.diff(starts), most)).tolist()
        return [candidates[start:end] for start, end in zip([0, *ends][: len(ends)], ends, strict=True)]

    def _decide(self, candidates: list[Candidate], conflict: str) -> Result:
        th = self.thresholds
        candidates = candidates[: th.max_candidates]
        if not candidates:
            return Result(NONE, None, 0.0, "title")
        best = candidates[0]
        second = candidates[1].score if len(candidates) > 1 else 0.0
        # A code that names another work blocks an automatic decision unless title and every
        # name agree exactly with the work found (a mistyped code).
        if best.score >= th.auto and best.score - second >= th.margin and (not conflict or best.score >= 0.97):
            decision = AUTO
        elif best.score >= th.review or conflict:
            decision = REVIEW
        else:
            return Result(NONE, None, best.score, "title", tuple(candidates))
        return Result(
            decision, best.work_id, best.score, "title" if decision == AUTO else conflict or "title", tuple(candidates)
        )

    def _known_title_scores(self, text: str, phon: str) -> dict[int, float]:
        """The title scores of a title's candidates found so far, by work (remembered: distinct
        lines often share a title and differ in their names, codes or decorations)."""
        known = self._title_scores.get((text, phon))
        if known is None:
            known = {}
            if len(self._title_scores) < 1 << 16:
                self._title_scores[(text, phon)] = known
        return known

    def _score_titles(self, indices: Iterable[int], text: str, phon: str) -> dict[int, float]:
        """The title scores of some works (and of others found before for the same title), by work.

        The works whose keys are not the line's are compared with it in two ``cdist`` calls (the
        line's reading key with all their reading keys, its text key with all their text keys),
        not one ``fuzz.ratio`` call per key: a line without a close title has dozens of
        candidates. The scores are those of :meth:`_title_score`.
        """
        known = self._known_title_scores(text, phon)
        missing = [i for i in indices if i not in known]
        if len(missing) < _TITLES_ONE_BY_ONE:
            for i in missing:
                known[i] = self._title_score(i, text, phon)
            return known
        text_keys, phon_keys = self.text_keys, self.phon_keys
        compared: list[int] = []
        phon_choices: list[str] = []
        phon_counts: list[int] = []
        text_choices: list[str] = []
        text_counts: list[int] = []
        for i in missing:
            texts = text_keys[i]
            if text and text in texts:
                known[i] = 1.0
                continue
            phons = phon_keys[i]
            if phon and phon in phons:
                known[i] = 0.97
                continue
            compared.append(i)
            phon_choices.extend(phons)
            phon_counts.append(len(phons))
            text_choices.extend(texts)
            text_counts.append(len(texts))
        if not compared:
            return known
        best = np.zeros(len(compared), dtype=np.float64)
        for line_key, choices, counts in ((phon, phon_choices, phon_counts), (text, text_choices, text_counts)):
            if choices:
                ratios = process.cdist([line_key], choices, scorer=fuzz.ratio, dtype=np.float64, workers=1)[0]
                _maximum_per_work(best, ratios, counts)
        # Squared as in _title_score (the same operations on the same doubles, element-wise).
        best /= 100.0
        known.update(zip(compared, (best * best * 0.95).tolist(), strict=True))
        return known

    def _best_title(self, indices: Iterable[int], text: str, phon: str) -> float:
        """The best title score among some works, rounded as :meth:`_rank` rounds it (0 for none)."""
        indices = list(indices)
        known = self._score_titles(indices, text, phon)
        return _round4(max([known[i] for i in indices], default=0.0))

    def _rank(
        self,
        indices: Iterable[int],
        text: str,
        phon: str,
        names: Sequence[tuple[str, ...]],
        tokens: Sequence[tuple[str, ...]],
        strong: int | None = None,
    ) -> tuple[list[Candidate], float]:
        indices = list(indices)
        known = self._score_titles(indices, text, phon)
        scored = [(i, known[i]) for i in indices]
        if strong is None:
            strong = sum(1 for _, t in scored if t >= 0.97)
        if not names:
            return self._rank_without_names(scored, strong)
        # A work whose title and every name agree exactly settles the ranking: the others are
        # scored on exact names only (fuzzy name comparisons are the expensive part).
        exact: dict[int, float | None] = {}
        settled = False
        for i, t in scored:
            if t >= 0.97:
                exact[i] = value = self._creator_score(i, names, fuzzy=False)
                if value == 1.0:
                    settled = True
                    break
        # Close spellings of names matter only beside a close title (they cannot make a weak
        # title automatic), so they are compared only there, for the ten closest titles.
        closest: set[int] = set()
        if not settled:
            ids = self.ids
            near = [p for p in scored if p[1] >= 0.9]
            if len(near) > 10:
                near = sorted(scored, key=lambda p: (-p[1], ids[p[0]]))[:10]
            closest = {i for i, t in near if t >= 0.9}
        ids = self.ids
        creator_score_of = self._creator_score
        name_sets = self.name_sets
        line_keys = frozenset(k for keys in names for k in keys)
        rounded = _ROUNDED.get
        rows: list[tuple[float, str, float, float | None]] = []
        best_title = 0.0
        # The line names someone, so every name score is a number (a work without writers has
        # an empty name set: 0).
        for index, title_score in scored:
            if index in closest:
                creator_score = creator_score_of(index, names, fuzzy=True, tokens=tokens) or 0.0
            elif index in exact:
                creator_score = exact[index] or 0.0
            elif name_sets[index].isdisjoint(line_keys):
                creator_score = 0.0  # none of the line's names (the common case, one set operation)
            else:
                creator_score = creator_score_of(index, names, fuzzy=False) or 0.0
            value = 0.5 * title_score + 0.5 * creator_score
            score = rounded(value)
            if score is None:
                score = _round4(value)
            rows.append((-score, ids[index], title_score, creator_score))
            if title_score > best_title:
                best_title = title_score
        rows.sort(key=_SCORE_THEN_ID)
        # Only the first candidates are kept (see _decide), with the best title score of all of
        # them, rounded as a candidate's (whether any title was close).
        return [
            Candidate(
                work_id, -negative, _round4(title_score), None if creator_score is None else _round4(creator_score)
            )
            for negative, work_id, title_score, creator_score in rows[: self.thresholds.max_candidates]
        ], _round4(best_title)

    def _rank_without_names(self, scored: list[tuple[int, float]], strong: int) -> tuple[list[Candidate], float]:
        """:meth:`_rank` of a line that names nobody: every name score is ``None``, so a
        candidate's score is its title score × 0.93 (the one work of an exact title or reading) or
        × 0.75, and nothing else is looked at (what :meth:`_rank` computes for names would all
        come to ``None``)."""
        ids = self.ids
        rounded = _ROUNDED.get
        unique = strong == 1
        rows = []
        best_title = 0.0
        for index, title_score in scored:
            value = title_score * (0.93 if unique and title_score >= 0.97 else 0.75)
            score = rounded(value)
            if score is None:
                score = _round4(value)
            rows.append((-score, ids[index], title_score))
            if title_score > best_title:
                best_title = title_score
        rows.sort(key=_SCORE_THEN_ID)
        return [
            Candidate(work_id, -negative, _round4(title_score), None)
            for negative, work_id, title_score in rows[: self.thresholds.max_candidates]
        ], _round4(best_title)

    def identify_many(self, queries: Sequence[Query]) -> list[Result]:
        """Identify every line; identical lines are identified once, and so are lines whose keys
        are the same (see :meth:`_identify_distinct`).

        The distinct lines first go through a pass over the index's hash maps
        (:meth:`_first_pass`) that settles the easy ones; the others are scored together, in
        batches of arrays (:meth:`_identify_rest`). Each line gets the result :meth:`identify`
        gives it alone.

        An index of several processes splits :data:`MANY_LINES` or more distinct lines among them
        by the beginnings of their titles (:meth:`_in_processes`); the results do not depend on it.
        """
        # The lines make many small objects and no cycles: the cyclic collector, which would walk
        # every object not frozen with the index again and again, is paused meanwhile.
        use_readings(self.readings)
        paused = gc.isenabled()
        gc.disable()
        try:
            if self._workers and len(queries) >= MANY_LINES:
                return self._in_processes(queries)
            position: dict[Query, int] = {}
            order = [position.setdefault(q, len(position)) for q in queries]  # one hash per line
            results = self._identify_distinct(list(position))
            return [results[i] for i in order]
        finally:
            if paused:
                gc.enable()

    def _identify_distinct(
        self, queries: Sequence[Query], report: Callable[[list[int], list[Result], bool], None] | None = None
    ) -> list[Result]:
        """:meth:`identify_many` of distinct lines, in this process.

        ``report``, if given, is called with the positions of some of the lines, their results and
        whether these are the last, as soon as they are made — those the first pass settles, then,
        once the others are gathered (:meth:`_gathered`), those of each :data:`_REPORT_STEP` of them
        scored (:meth:`_scored`) — until every line has been reported once (a worker sends each
        step's results while it scores the next, and the last before this call's objects are let
        go, which takes a while)."""
        # Lines that differ only in what the title's keys fold away (a decoration, the case,
        # accents, full-width letters) are the same line to the engine: identified once. A line's
        # key is the title's form (NFKC, no decorations, accents and case folded), from which
        # both title keys are made, then the names as written, in any order (a line's names are
        # scored one by one, and its name score is the share of them found), and the codes. Two
        # lines with the same key get the same result. (Folding the names too joined 1 % more
        # lines in the benchmark, and cost more than identifying them: most of a report's names
        # are new to the normaliser, and each name's form would be made for the key alone.)
        forms = [title_form(q.title) for q in queries]
        of_key: dict[tuple[object, ...], int] = {}
        represented_by = [
            of_key.setdefault(
                (form, q.creators if len(q.creators) < 2 else tuple(sorted(q.creators)), q.work_code, q.iswc, q.isrc),
                len(of_key),
            )
            for form, q in zip(forms, queries, strict=True)
        ]
        # The first line of each key represents it.
        firsts = np.unique(np.asarray(represented_by, dtype=np.int64), return_index=True)[1].tolist()
        representatives = [queries[i] for i in firsts]
        titles = [forms[i] for i in firsts]
        # The text keys of the lines' title forms, each made once.
        of_form: dict[str, str] = {}
        title_keys = []
        for form in titles:
            title_key = of_form.get(form)
            if title_key is None:
                title_key = of_form[form] = text_key_of_form(form)
            title_keys.append(title_key)
        settled = self._first_pass(representatives, title_keys)
        results: list[Result | None] = [None] * len(representatives)
        for i, result in settled.items():
            results[i] = result
        rest = [i for i in range(len(representatives)) if i not in settled]
        if report is None:
            for i, result in zip(rest, self._identify_rest([representatives[i] for i in rest]), strict=True):
                results[i] = result
        else:
            lines_of: list[list[int]] = [[] for _ in representatives]
            for line, i in enumerate(represented_by):
                lines_of[i].append(line)

            def report_lines(done: Iterable[int], last: bool) -> None:
                positions: list[int] = []
                found: list[Result] = []
                for i in done:
                    positions += lines_of[i]
                    found += [results[i]] * len(lines_of[i])  # type: ignore[list-item]
                if positions or last:
                    report(positions, found, last)

            report_lines(sorted(settled), not rest)
            # The writers' closest titles are found for all the lines at once (in steps, a writer's
            # works would be compared with the lines' readings once a step).
            gathered = self._gathered([representatives[i] for i in rest])
            for at in range(0, len(rest), _REPORT_STEP):
                step = rest[at : at + _REPORT_STEP]
                for i, result in zip(step, self._scored(gathered[at : at + _REPORT_STEP]), strict=True):
                    results[i] = result
                report_lines(step, at + _REPORT_STEP >= len(rest))
        return [results[i] for i in represented_by]  # type: ignore[misc]

    # ------------------------------------------------------------------------------ processes
    def _in_processes(self, queries: Sequence[Query]) -> list[Result]:
        """:meth:`identify_many` in this process and its workers, for a batch of
        :data:`MANY_LINES` lines or more.

        The distinct lines are split by the beginnings of their titles (:class:`_Split`), the
        first part identified here, each other part by a worker. The workers start early: once
        the first lines of the batch (:data:`_FIRST_SHARE`) are read, their distinct lines' parts
        are sent — if they are :data:`MANY_LINES` or more — and the workers identify them while
        the rest are read here; the rest of each part follows. A batch of fewer distinct lines,
        or whose lines all go to one part, is identified here alone.

        A worker that fails raises :class:`IdentificationProcessError` here with what it reported
        (one that died is waited for and the index goes on without it). If anything fails here
        while workers are still identifying, those workers are ended (and waited for): the index
        goes on without them.
        """
        workers = self._workers
        split = _Split(len(workers) + 1, _CALLER_SHARE)
        position: dict[Query, int] = {}
        order: list[int] = []
        distinct: list[Query] = []
        sent = [0] * len(workers)  # how many of its part each worker has been sent
        busy: list[_Worker] = []  # the workers sent lines, which have not answered yet
        first = max(MANY_LINES, int(len(queries) * _FIRST_SHARE))
        try:
            for lines, last in ((queries[:first], False), (queries[first:], True)):
                order += [position.setdefault(q, len(position)) for q in lines]  # one hash per line
                new = list(itertools.islice(position, len(distinct), None))  # in the order first seen
                # Split by the titles' first characters, their width and case folded: lines of one
                # title that differ only in a decoration at its end (or in what follows), the
                # width or the case are in one part, and identified once.
                split.add_titles(len(distinct), [query.title or "" for query in new])
                distinct += new
                if not busy and (len(distinct) < MANY_LINES or (last and len(split.parts[0]) == len(distinct))):
                    continue  # not yet (or never) worth the workers
                for k, worker in enumerate(workers):
                    part = split.parts[k + 1]
                    if worker in busy:  # the rest of its part, while it identifies the first
                        worker.send([distinct[i] for i in part[sent[k] :]], more=not last, behind=True)
                    elif part:
                        worker.send([distinct[i] for i in part], more=not last)
                        busy.append(worker)
                    sent[k] = len(part)
            here = split.parts[0] if busy else range(len(distinct))
            results: list[Result | None] = [None] * len(distinct)
            for i, result in zip(here, self._identify_distinct([distinct[i] for i in here]), strict=True):
                results[i] = result
            while busy:
                worker = busy[0]
                try:
                    found, seconds = worker.receive()
                finally:
                    busy.pop(0)
                self.worker_seconds += seconds
                for i, result in zip(split.parts[workers.index(worker) + 1], found, strict=True):
                    results[i] = result
        finally:
            for worker in busy:
                worker.close(kill=True)
            workers[:] = [worker for worker in workers if worker.requests >= 0]  # those not ended
        return [results[i] for i in order]  # type: ignore[misc]

    # ---------------------------------------------------------------------------- first pass
    def _first_pass(self, queries: Sequence[Query], title_keys: Sequence[str] | None = None) -> dict[int, Result]:
        """Decide the easy lines from the index's hash maps, before any score is computed.

        * a work code naming a work whose text key the title has (or a line without a title);
        * no code, ISWC or ISRC naming one work, and works with the line's exact title key of
          which one or more have every name of the line exactly: the decision :meth:`identify`
          makes from the same works scored on exact names.

        For the second kind, each work of the line's exact title key is a (line, work) pair; the
        works that share no name key with the line are passed over with one set operation (or,
        for a title of many works, never looked at: :meth:`_names_found`), and a pair's names
        found are the line's names (its positions with keys) that have a key among the work's
        exact name keys. The line is settled when one pair has all of them found; its candidates
        are then the pairs with any name found. Lines whose pairs come to the same works with the
        same shares of names found (the same title and names beside other codes, say) share one
        result.

        ``title_keys``: the text key of each line's title, if the caller has them (else they are
        made here).

        Sets and dictionaries only, no data-frame joins: about a third less CPU than Polars hash
        joins here. Returns the results by position in ``queries``; every other line is left to
        the scorer.
        """
        if not queries or not self.ids:
            return {}
        th = self.thresholds
        ids = self.ids
        by_code, by_text, text_keys = self.by_code, self.by_text, self.text_keys
        by_iswc, by_isrc = self.by_iswc, self.by_isrc
        out: dict[int, Result] = {}
        of_code: dict[int, Result] = {}
        of_found: dict[tuple[tuple[int, int, int], ...], Result | None] = {}
        of_work: dict[int, Result | None] = {}
        if title_keys is None:
            title_keys = [text_key(query.title) for query in queries]
        for line, query in enumerate(queries):
            tkey = title_keys[line]
            if query.work_code:
                idx = by_code.get(query.work_code)
                if idx is not None:
                    if not tkey or tkey in text_keys[idx]:
                        # The same result for every line with this code (results are immutable).
                        by_work = of_code.get(idx)
                        if by_work is None:
                            work_id = ids[idx]
                            by_work = of_code[idx] = Result(
                                AUTO, work_id, 1.0, "work_code", (Candidate(work_id, 1.0, 1.0, None),)
                            )
                        out[line] = by_work
                    continue
            if (
                not query.creators
                or not tkey
                or (query.iswc and query.iswc in by_iswc)
                or (query.isrc and query.isrc in by_isrc)
            ):
                continue
            hits = by_text.get(tkey)
            if not hits:
                continue
            # The line's name positions: its names with keys, in order.
            positions = self._name_positions(query.creators)
            n = len(positions)
            if not n:
                continue
            # (work, names found, names of the line) of each work with any name found, ascending
            # by work.
            found_works = self._names_found(tkey, hits, positions)
            if len(found_works) == 1:
                # One work with the line's names (most lines settled here): its name score is 1
                # whatever the number of names, so the result is that work's alone.
                idx, found = found_works[0]
                if found != n:
                    continue
                if idx in of_work:
                    result = of_work[idx]
                else:
                    only = Candidate(ids[idx], self._score(1.0, 1.0, False), 1.0, 1.0)
                    result = of_work[idx] = self._decide([only], "") if only.score >= th.auto else None
                if result is not None:
                    out[line] = result
                continue
            if not any(found == n for _, found in found_works):
                continue
            signature = tuple([(idx, found, n) for idx, found in found_works])
            if signature in of_found:
                result = of_found[signature]
            else:
                candidates = []
                for idx, found, _ in signature:
                    creator_score = found / n
                    candidates.append(
                        Candidate(ids[idx], self._score(1.0, creator_score, False), 1.0, _round4(creator_score))
                    )
                candidates.sort(key=lambda c: (-c.score, c.work_id))
                result = of_found[signature] = self._decide(candidates, "") if candidates[0].score >= th.auto else None
            if result is not None:
                out[line] = result
        return out
