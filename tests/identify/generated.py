"""The generated works file and usage lines of tests/data/identify, as the engine reads them."""

from __future__ import annotations

import csv
from pathlib import Path

from bunpai.identify.engine import Query, WorkEntry
from bunpai.identify.normalise import split_names

DATA = Path(__file__).resolve().parents[1] / "data" / "identify"


def generated_works_and_lines() -> tuple[list[WorkEntry], list[Query]]:
    """The works of works.csv (4,000) and the lines of usage.csv (3,000)."""
    with (DATA / "works.csv").open(encoding="utf-8", newline="") as handle:
        works = [
            WorkEntry(
                r["work_id"],
                r["title"],
                tuple(t for t in r["alt_titles"].split("|") if t),
                tuple(c for c in r["creators"].split("|") if c),
                r["iswc"],
            )
            for r in csv.DictReader(handle)
        ]
    with (DATA / "usage.csv").open(encoding="utf-8", newline="") as handle:
        lines = [
            Query(r["title"], split_names(r["creators"]), r["work_code"], r["iswc"]) for r in csv.DictReader(handle)
        ]
    return works, lines
