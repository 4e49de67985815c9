"""Use case: identify a usage file against a works file, outside the database (照合).

For audits and other societies' statements: ``works.csv`` + ``usage.csv`` → ``matches.csv``.
Identical lines are identified once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bunpai.formats.identify_files import matches_text, read_usage, read_works, write_atomic
from bunpai.formats.tables import InputError, Problem, Problems
from bunpai.identify.engine import Query, Result, Thresholds, WorkIndex

# Lines identified together (identify_many de-duplicates and scores a chunk at a time, split
# among the index's processes when it has several).
_CHUNK = 20_000


@dataclass(frozen=True)
class IdentifyOutcome:
    lines: int
    distinct: int
    decisions: dict[str, int]
    warnings: list[Problem]


def identify_files(
    works_path: Path,
    usage_path: Path,
    out_path: Path,
    thresholds: Thresholds | None = None,
    progress: Callable[[int, int], None] | None = None,
    processes: int = 1,
) -> IdentifyOutcome:
    """Identify every line of ``usage_path``; write ``out_path`` whole, or raise :class:`InputError`.

    Bad lines (missing id, duplicate id, nothing to identify by) stop the run with every problem
    listed; an invalid ISWC is only a warning (the line is identified without it).

    ``processes``: this one and ``processes - 1`` workers with an index of their own
    (:class:`WorkIndex`); the file written does not depend on it.
    """
    problems = Problems()
    works = read_works(works_path, problems)
    lines = read_usage(usage_path, problems)
    found = problems.all()
    errors = [p for p in found if "(ignored)" not in p.message]
    if errors:
        raise InputError(errors)
    cache: dict[Query, Result] = {}
    results: list[Result] = []
    queries = [line.query for line in lines]
    with WorkIndex(works, thresholds, processes=processes) as index:
        for start in range(0, len(queries), _CHUNK):
            chunk = queries[start : start + _CHUNK]
            new = [q for q in dict.fromkeys(chunk) if q not in cache]
            cache.update(zip(new, index.identify_many(new), strict=True))
            results.extend(cache[q] for q in chunk)
            if progress is not None:
                progress(min(start + _CHUNK, len(queries)), len(queries))
    write_atomic(out_path, matches_text((line.line_id, r) for line, r in zip(lines, results, strict=True)))
    decisions: dict[str, int] = {"auto": 0, "review": 0, "none": 0}
    for r in results:
        decisions[r.decision] += 1
    return IdentifyOutcome(len(lines), len(cache), decisions, [p for p in found if "(ignored)" in p.message])
