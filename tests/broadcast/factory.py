"""Build broadcast input folders for tests."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

COLUMNS = {
    "parties.csv": ["party_id", "name", "category", "society"],
    "stations.csv": ["station_id", "fund_group", "station_points"],
    "rights.csv": ["work_id", "party_id", "role", "right", "share", "submitted_on", "valid_from", "valid_to"],
    "usage.csv": ["line_id", "station_id", "work_id", "outcome", "duration_s", "method", "recorded", "sampling_rate"],
}

PERIOD = """quarter = "2026Q2"
reference_date = 2026-09-30
distribution_date = 2026-12-10
admin_fee_rate = "{fee}"
[time_points]
bands = [[60, "1"], [180, "2"], [300, "3"], [600, "5"]]
per_extra = [300, "2"]
[method_points]
featured = "1"
theme = "1/2"
background = "1/4"
commercial = "1/10"
"""


def write_csv(path: Path, columns: list[str], rows: Iterable[Mapping[str, Any]]) -> None:
    rows = list(rows)
    extra = sorted({k for row in rows for k in row} - set(columns))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns + extra)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else str(row.get(c)) for c in columns + extra])


def write_folder(
    folder: Path,
    *,
    groups: Sequence[Mapping[str, Any]],
    fee: str = "1/10",
    parties: list[dict[str, Any]],
    stations: list[dict[str, Any]],
    rights: list[dict[str, Any]],
    usage: list[dict[str, Any]],
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = PERIOD.format(fee=fee)
    for group in groups:
        text += "[[fund_group]]\n"
        for key, value in group.items():
            text += f'{key} = "{value}"\n' if isinstance(value, str) else f"{key} = {value}\n"
    (folder / "period.toml").write_text(text, encoding="utf-8")
    for name, rows in (
        ("parties.csv", parties),
        ("stations.csv", stations),
        ("rights.csv", rights),
        ("usage.csv", usage),
    ):
        write_csv(folder / name, COLUMNS[name], rows)
    return folder


def typed_usage_lines(folder: Path) -> Any:
    """The lines of ``folder/usage.csv`` in the engine's types (integer work ids and durations,
    boolean ``recorded``, the sampling rate as ``sampling_num``/``sampling_den``), for writing them
    as Parquet."""
    from fractions import Fraction

    import polars as pl

    usage = pl.read_csv(folder / "usage.csv", infer_schema=False)
    rates = [Fraction(r) if r else Fraction(1) for r in usage["sampling_rate"].fill_null("").to_list()]
    return usage.select(
        "line_id",
        "station_id",
        pl.col("work_id").cast(pl.Int64),
        "outcome",
        pl.col("duration_s").cast(pl.Int64),
        "method",
        (pl.col("recorded") == "yes").fill_null(False).alias("recorded"),
    ).with_columns(
        pl.Series("sampling_num", [r.numerator for r in rates], dtype=pl.Int64),
        pl.Series("sampling_den", [r.denominator for r in rates], dtype=pl.Int64),
    )
