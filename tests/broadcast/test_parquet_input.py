"""Usage lines as Parquet partitioned by month, with integer work ids (the form of a large quarter):
the columnar engine equals the row-by-row rules, and the result equals the CSV folder's."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings

from bunpai.core.broadcast.reference import distribute
from bunpai.engine.broadcast import distribute_frames, quarter_input_from_frames, result_from_outcome
from bunpai.formats.broadcast_input import read_input
from bunpai.rules import broadcast_ruleset_for, prc_ruleset_for
from tests.broadcast.factory import typed_usage_lines, write_folder
from tests.broadcast.strategies import quarters

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _numbered(data: dict[str, Any]) -> dict[str, Any]:
    """The same quarter with work ids written as numbers ("W12" → "12")."""
    out = dict(data)
    out["rights"] = [{**r, "work_id": r["work_id"].removeprefix("W")} for r in data["rights"]]
    out["usage"] = [{**u, "work_id": u["work_id"].removeprefix("W")} for u in data["usage"]]
    return out


def _as_parquet(folder: Path) -> None:
    """Replace usage.csv by usage/month=…/part-0.parquet with integer work ids and sampling columns."""
    typed = typed_usage_lines(folder).with_columns(pl.col("duration_s", "sampling_num", "sampling_den").cast(pl.Int32))
    (folder / "usage.csv").unlink()
    months = ["2026-04", "2026-05", "2026-06"]
    for i, month in enumerate(months):
        part = folder / "usage" / f"month={month}"
        part.mkdir(parents=True)
        typed.gather_every(3, offset=i).write_parquet(part / "part-0.parquet")


@SETTINGS
@given(quarters())
def test_parquet_usage_with_integer_work_ids(data: dict[str, Any]) -> None:
    data = _numbered(data)
    with tempfile.TemporaryDirectory() as tmp:
        csv_folder = write_folder(Path(tmp) / "csv", **data)
        folder = write_folder(Path(tmp) / "parquet", **data)
        _as_parquet(folder)
        frames, rules = read_input(folder, rules_for=broadcast_ruleset_for)
        assert frames.usage_source == "usage"
        table = prc_ruleset_for(frames.quarter.reference_date)
        fast = distribute_frames(frames, table, rules.label, chunk_rows=3)
        slow = result_from_outcome(distribute(quarter_input_from_frames(frames), table, rules.label))
        csv_frames, _ = read_input(csv_folder, rules_for=broadcast_ruleset_for)
        from_csv = distribute_frames(csv_frames, table, rules.label)
        assert fast.statement_lines.collect().rows() == slow.statement_lines.collect().rows()
        assert fast.statement_lines.collect().rows() == from_csv.statement_lines.collect().rows()
        for name in ("payees", "held", "work_points"):
            assert getattr(fast, name).rows() == getattr(slow, name).rows(), name
            assert getattr(fast, name).rows() == getattr(from_csv, name).rows(), name
        assert fast.summary == slow.summary == from_csv.summary


def test_parquet_usage_with_the_contracts_sampling_rate_text(tmp_path: Path) -> None:
    """Parquet usage may carry ``sampling_rate`` as text (``1/4``, ``0.5``, empty) like the CSV file."""
    example = Path(__file__).parent.parent / "data" / "broadcast" / "example"
    import shutil

    csv_folder = tmp_path / "csv"
    shutil.copytree(example, csv_folder)
    usage = pl.read_csv(csv_folder / "usage.csv", infer_schema=False)
    rates = ["1/4", "0.5", None, "1"]
    usage = usage.with_columns(pl.Series("sampling_rate", [rates[i % 4] for i in range(usage.height)]))
    usage.write_csv(csv_folder / "usage.csv")
    parquet_folder = tmp_path / "parquet"
    shutil.copytree(csv_folder, parquet_folder)
    (parquet_folder / "usage.csv").unlink()
    usage.write_parquet(parquet_folder / "usage.parquet")
    frames, rules = read_input(parquet_folder, rules_for=broadcast_ruleset_for)
    csv_frames, _ = read_input(csv_folder, rules_for=broadcast_ruleset_for)
    table = prc_ruleset_for(frames.quarter.reference_date)
    fast = distribute_frames(frames, table, rules.label)
    from_csv = distribute_frames(csv_frames, table, rules.label)
    assert fast.statement_lines.collect().rows() == from_csv.statement_lines.collect().rows()
    assert fast.summary == from_csv.summary
    assert (
        frames.usage.select(pl.col("sampling_num").sum()).collect().item()
        != frames.usage.select(pl.len()).collect().item()
    )


def test_parquet_usage_with_a_bad_sampling_rate_is_refused(tmp_path: Path) -> None:
    example = Path(__file__).parent.parent / "data" / "broadcast" / "example"
    import shutil

    import pytest

    from bunpai.formats.tables import InputError

    folder = tmp_path / "parquet"
    shutil.copytree(example, folder)
    usage = pl.read_csv(folder / "usage.csv", infer_schema=False).with_columns(
        pl.lit("a quarter").alias("sampling_rate")
    )
    (folder / "usage.csv").unlink()
    usage.write_parquet(folder / "usage.parquet")
    with pytest.raises(InputError) as error:
        read_input(folder, rules_for=broadcast_ruleset_for)
    assert any(p.column == "sampling_rate" and "bad sampling rate" in p.message for p in error.value.problems)


def test_parquet_usage_with_32_bit_durations_beyond_a_day(tmp_path: Path) -> None:
    """Durations and sampling parts stored as 32-bit integers are read as they are; the time points
    of a line longer than a day (bands, then 1,000 points per extra 300 s) are worked out in 64
    bits, as from the CSV file."""
    example = Path(__file__).parent.parent / "data" / "broadcast" / "example"
    import shutil

    csv_folder = tmp_path / "csv"
    shutil.copytree(example, csv_folder)
    usage = pl.read_csv(csv_folder / "usage.csv", infer_schema=False)
    # A week-long line and a two-billion-second one (within 32 bits) beside the example's lines.
    long = ["604800", "2000000000"]
    usage = usage.with_columns(
        pl.Series("duration_s", [*long, *usage["duration_s"].to_list()[2:]], dtype=pl.String),
        pl.col("work_id").str.strip_prefix("W"),  # integer work ids: the compiled passes
    )
    usage.write_csv(csv_folder / "usage.csv")
    rights = pl.read_csv(csv_folder / "rights.csv", infer_schema=False)
    rights.with_columns(pl.col("work_id").str.strip_prefix("W")).write_csv(csv_folder / "rights.csv")
    # 1,000 points per extra 300 s: the longest line's points pass 2³¹.
    period = (csv_folder / "period.toml").read_text(encoding="utf-8")
    assert 'per_extra = [300, "2"]' in period
    (csv_folder / "period.toml").write_text(period.replace('per_extra = [300, "2"]', 'per_extra = [300, "1000"]'))
    parquet_folder = tmp_path / "parquet"
    shutil.copytree(csv_folder, parquet_folder)
    (parquet_folder / "usage.csv").unlink()
    typed = typed_usage_lines(csv_folder).with_columns(
        pl.col("duration_s", "sampling_num", "sampling_den").cast(pl.Int32)
    )
    typed.write_parquet(parquet_folder / "usage.parquet")
    frames, rules = read_input(parquet_folder, rules_for=broadcast_ruleset_for)
    assert frames.usage.collect_schema()["duration_s"] == pl.Int32
    csv_frames, _ = read_input(csv_folder, rules_for=broadcast_ruleset_for)
    table = prc_ruleset_for(frames.quarter.reference_date)
    fast = distribute_frames(frames, table, rules.label, batch_rows=2)
    from_csv = distribute_frames(csv_frames, table, rules.label)
    slow = result_from_outcome(distribute(quarter_input_from_frames(frames), table, rules.label))
    assert fast.statement_lines.collect().rows() == from_csv.statement_lines.collect().rows()
    assert fast.statement_lines.collect().rows() == slow.statement_lines.collect().rows()
    assert fast.work_points.rows() == from_csv.work_points.rows()
    assert fast.summary == from_csv.summary == slow.summary
