"""The output folder: tables written alongside the others give the same bytes, and a failure on
either thread leaves nothing behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from bunpai.formats.prc_output import write_output


def _chunks(rows: int, parts: int) -> list[pl.DataFrame]:
    frame = pl.DataFrame({"id": [f"W{i:05d}" for i in range(rows)], "yen": list(range(rows))})
    step = -(-rows // parts)
    return [frame.slice(start, step) for start in range(0, rows, step)]


def _tables() -> dict[str, pl.DataFrame | list[pl.DataFrame]]:
    return {
        "lines.csv": _chunks(5_000, 4),
        "held.csv": pl.DataFrame({"key": ["L1", "L2"], "yen": [3, 4]}),
        "points/": _chunks(3_000, 3),
    }


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_tables_written_alongside_are_the_same_bytes(tmp_path: Path) -> None:
    documents = {"summary.json": {"lines": 5_000}}
    write_output(tmp_path / "one", _tables(), documents)
    write_output(tmp_path / "two", _tables(), documents, alongside=("held.csv", "points/"))
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert sorted(one) == [
        "held.csv",
        "lines.csv",
        "points/part-00000.parquet",
        "points/part-00001.parquet",
        "points/part-00002.parquet",
        "summary.json",
    ]
    assert one == two


def test_a_document_is_made_after_the_tables_alongside(tmp_path: Path) -> None:
    """A document given as a function may rely on every table, those alongside included."""
    points_made: list[int] = []
    seen: list[int] = []

    def summary() -> dict[str, int]:
        seen.append(len(points_made))
        return {"points": len(points_made)}

    def slow_points() -> Iterator[pl.DataFrame]:
        for chunk in _chunks(3_000, 3):
            threading.Event().wait(0.05)
            points_made.append(chunk.height)
            yield chunk

    tables = {"lines.csv": _chunks(10, 2), "points/": slow_points()}
    write_output(tmp_path / "out", tables, {"s.json": summary}, alongside=("points/",))
    assert len(list((tmp_path / "out" / "points").iterdir())) == 3
    assert seen == [3]


def _failing(after: int) -> Iterator[pl.DataFrame]:
    for number, chunk in enumerate(_chunks(3_000, 6)):
        if number == after:
            raise ValueError("chunk could not be made")
        threading.Event().wait(0.02)
        yield chunk


@pytest.mark.parametrize("failing", ["alongside", "in order"])
def test_a_failure_on_either_thread_leaves_nothing(tmp_path: Path, failing: str) -> None:
    tables: dict[str, pl.DataFrame | Iterator[pl.DataFrame] | list[pl.DataFrame]]
    if failing == "alongside":
        tables = {"lines.csv": _chunks(2_000, 4), "points/": _failing(2)}
    else:
        # The table in order fails at once while the one alongside is still being written.
        tables = {"lines.csv": _failing(0), "points/": _failing(99)}
    with pytest.raises(ValueError, match="chunk could not be made"):
        write_output(tmp_path / "out", tables, {"s.json": {}}, alongside=("points/",))
    assert list(tmp_path.iterdir()) == []
    # The thread of the tables alongside has ended: nothing can be written after the call.
    assert not [t for t in threading.enumerate() if t.name.startswith("tables")]


def test_a_failure_keeps_the_earlier_folder(tmp_path: Path) -> None:
    write_output(tmp_path / "out", _tables(), {"s.json": {"run": 1}})
    before = _files(tmp_path / "out")
    with pytest.raises(ValueError):
        write_output(
            tmp_path / "out", {"lines.csv": _chunks(10, 1), "points/": _failing(1)}, {}, force=True,
            alongside=("points/",),
        )
    assert _files(tmp_path / "out") == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_parquet_parts_written_two_at_a_time_hold_their_chunks_in_order(tmp_path: Path) -> None:
    # Large and small chunks in turn, so that a later part is often finished before an earlier one.
    large, small = _chunks(60_000, 1)[0], _chunks(7, 1)[0]
    chunks = [large if k % 2 == 0 else small.with_columns(pl.lit(k).alias("yen")) for k in range(7)]
    write_output(tmp_path / "out", {"points/": iter(chunks)}, {})
    parts = sorted((tmp_path / "out" / "points").iterdir())
    assert [p.name for p in parts] == [f"part-{k:05d}.parquet" for k in range(7)]
    for part, chunk in zip(parts, chunks, strict=True):
        assert pl.read_parquet(part).equals(chunk)
    assert not [t for t in threading.enumerate() if t.name.startswith("parts")]


def test_a_failure_while_parts_are_written_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="chunk could not be made"):
        write_output(tmp_path / "out", {"points/": _failing(3)}, {})
    assert list(tmp_path.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("parts")]
