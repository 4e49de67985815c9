"""Build private recording input folders for tests."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bunpai.formats.prc_input import COLUMNS

PERIOD = {
    "period": '"2026-09"',
    "reference_date": "2026-06-30",
    "receipt_yen": "1000000",
    "literary_ratio": '"5/100"',
    "admin_fee_rate": '"1/10"',
    "claim_fee_yen": "500",
    "claim_tax_rate": '"1021/10000"',
}


def write_csv(path: Path, columns: list[str], rows: Iterable[Mapping[str, Any]]) -> None:
    extra = sorted({k for row in rows for k in row} - set(columns)) if isinstance(rows, list) else []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns + extra)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else str(row.get(c)) for c in columns + extra])


def write_period(path: Path, values: Mapping[str, str] | None = None, carry: Mapping[str, int] | None = None) -> None:
    merged = dict(PERIOD)
    merged.update(values or {})
    lines = [f"{k} = {v}" for k, v in merged.items() if v is not None]
    if carry:
        lines.append("[carry_in]")
        lines.extend(f"{k} = {v}" for k, v in carry.items())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_folder(
    folder: Path,
    *,
    period: Mapping[str, str] | None = None,
    carry: Mapping[str, int] | None = None,
    **tables: list[dict[str, Any]],
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_period(folder / "period.toml", period, carry)
    for name, columns in COLUMNS.items():
        key = name.removesuffix(".csv")
        rows = tables.get(key, [])
        if key == "claims" and key not in tables:
            continue
        write_csv(folder / name, columns, rows)
    return folder
