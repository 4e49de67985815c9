"""A generated works file and a month of noisy usage lines (tests/data/identify, made with the
benchmark's generator: 4,000 works, 3,000 lines) and the MATCHES.csv the engine gave for them
before its speed work, with six lines since made automatic on purpose (a one-edit typo in the
title beside exact writers' names, no other title near): a faster engine must give the same file,
byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from bunpai.cli.main import main
from bunpai.identify import engine
from bunpai.identify.engine import WorkIndex
from tests.identify.generated import generated_works_and_lines

DATA = Path(__file__).resolve().parents[1] / "data" / "identify"


@pytest.mark.parametrize("processes", [1, 2])
def test_matches_file_is_the_same_as_before_the_speed_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    # With two processes, every batch is split between them, however small.
    monkeypatch.setattr(engine, "MANY_LINES", 1)
    out = tmp_path / "matches.csv"
    code = main(
        [
            "identify",
            "--works",
            str(DATA / "works.csv"),
            "--usage",
            str(DATA / "usage.csv"),
            "--out",
            str(out),
            "--processes",
            str(processes),
            "--quiet",
        ]
    )
    assert code == 0
    assert out.read_bytes() == (DATA / "matches.csv").read_bytes()


def test_first_pass_and_scorer_agree_on_every_generated_line() -> None:
    works, lines = generated_works_and_lines()
    index = WorkIndex(works)
    distinct = list(dict.fromkeys(lines))
    settled = index._first_pass(distinct)
    assert len(settled) > len(distinct) // 2  # the columnar pass does most of the work
    for position, result in settled.items():
        assert result == index.identify(distinct[position])
    assert index.identify_many(lines) == [index.identify(q) for q in lines]
