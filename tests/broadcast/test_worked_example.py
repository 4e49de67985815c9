"""The hand-worked quarter of shared/domain/broadcast-example (copied to tests/data): every figure."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from bunpai.cli.main import main

EXAMPLE = Path(__file__).parent.parent / "data" / "broadcast" / "example"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_worked_example_gives_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["broadcast", "run", str(EXAMPLE), "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["lines_total_yen"] == 850
    assert summary["held_total_yen"] == 150
    assert summary["fees_total_yen"] == 85
    assert summary["net_total_yen"] == 765
    assert summary["balanced"] is True
    nhk = summary["groups"]["nhk"]
    assert {k: nhk["performing"][k] for k in ("fund_in_yen", "lines_total_yen", "held_total_yen", "carry_out_yen")} == {
        "fund_in_yen": 750,
        "lines_total_yen": 600,
        "held_total_yen": 150,
        "carry_out_yen": 0,
    }
    assert {k: nhk["mechanical"][k] for k in ("fund_in_yen", "lines_total_yen", "held_total_yen", "carry_out_yen")} == {
        "fund_in_yen": 250,
        "lines_total_yen": 250,
        "held_total_yen": 0,
        "carry_out_yen": 0,
    }
    assert nhk["performing"]["points_total"] == "5/2"  # W1 2 + L2 1/2
    assert nhk["mechanical"]["points_total"] == "4/1"

    lines = [
        (r["party_id"], r["payee_id"], r["work_id"], r["fund_group"], r["right"], r["points"], int(r["gross_yen"]))
        for r in _rows(out / "statement_lines.csv")
    ]
    assert sorted(lines) == [
        ("A", "A", "W1", "nhk", "mechanical", "4/1", 250),
        ("A", "A", "W1", "nhk", "performing", "2/1", 600),
    ]
    assert [
        (r["payee_id"], r["gross_yen"], r["fee_yen"], r["net_yen"], r["pay_date"]) for r in _rows(out / "payees.csv")
    ] == [("A", "850", "85", "765", "2026-12-10")]
    assert [(r["kind"], r["key"], r["fund_group"], r["right"], r["gross_yen"]) for r in _rows(out / "held.csv")] == [
        ("unidentified", "L2", "nhk", "performing", "150")
    ]
    assert [(r["work_id"], r["fund_group"], r["right"], r["points"]) for r in _rows(out / "work_points.csv")] == [
        ("W1", "nhk", "mechanical", "4/1"),
        ("W1", "nhk", "performing", "2/1"),
    ]


def test_contract_columns_are_all_there_in_order(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["broadcast", "run", str(EXAMPLE), "--out", str(out), "--quiet"]) == 0
    contract = {
        "statement_lines.csv": ["party_id", "payee_id", "work_id", "fund_group", "right", "points", "gross_yen"],
        "payees.csv": ["payee_id", "gross_yen", "fee_yen", "net_yen", "pay_date"],
        "held.csv": ["kind", "key", "fund_group", "right", "gross_yen"],
        "work_points.csv": ["work_id", "fund_group", "right", "points"],
    }
    for name, columns in contract.items():
        header = (out / name).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header[: len(columns)] == columns, name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for key in ("lines_total_yen", "held_total_yen", "fees_total_yen", "net_total_yen", "balanced"):
        assert key in summary
    for right in ("performing", "mechanical"):
        assert set(summary["groups"]["nhk"][right]) >= {
            "fund_in_yen",
            "lines_total_yen",
            "held_total_yen",
            "carry_out_yen",
        }


def test_row_by_row_path_writes_the_same_bytes(tmp_path: Path) -> None:
    assert main(["broadcast", "run", str(EXAMPLE), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert main(["broadcast", "run", str(EXAMPLE), "--out", str(tmp_path / "b"), "--quiet", "--row-by-row"]) == 0
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_the_run_records_the_digest_of_every_input_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["broadcast", "run", str(EXAMPLE), "--out", str(out), "--quiet"]) == 0
    inputs = json.loads((out / "inputs.json").read_text(encoding="utf-8"))
    files = sorted(p for p in EXAMPLE.rglob("*") if p.is_file())
    assert inputs["files"] == {
        p.relative_to(EXAMPLE).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    }
    assert len(inputs["files"]) == 5  # the period, the stations, the parties, the rights, the usage
