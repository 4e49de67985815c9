"""The hand-worked period of docs/prc-example: every figure to the yen."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from bunpai.cli.main import main

EXAMPLE = Path(__file__).parent.parent / "data" / "prc" / "example"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_worked_example_gives_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["prc", "run", str(EXAMPLE), "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    expected = {
        "receipt_yen": 1_000_000,
        "literary_yen": 50_000,
        "music_yen": 950_000,
        "music_fund_in_yen": 949_903,
        "nonmember_fund_yen": 9_499,
        "member_fund_yen": 940_404,
        "lines_total_yen": 940_403,
        "held_total_yen": 0,
        "fees_total_yen": 94_039,
        "net_total_yen": 846_364,
        "carry_out_fraction_yen": 1,
        "claims_paid_gross_yen": 87_771,
        "nonmember_balance_out_yen": -78_272,
        "balanced": True,
    }
    assert {k: summary[k] for k in expected} == expected
    # Funds kept exact: 14 %, 54 %, 32 % of 940,404.
    assert summary["fund_broadcast_exact"] == "3291414/25"  # 131,656.56
    assert summary["fund_recording_exact"] == "12695454/25"  # 507,818.16
    assert summary["fund_rental_exact"] == "7523232/25"  # 300,929.28

    lines = [(r["party_id"], r["work_id"], int(r["gross_yen"])) for r in _rows(out / "statement_lines.csv")]
    assert sorted(lines) == sorted(
        [
            ("A", "W1", 85_420),
            ("B", "W1", 85_420),
            ("C", "W2", 87_771),
            ("A", "W3", 454_528),
            ("P", "W3", 227_264),
        ]
    )
    payees = {
        r["payee_id"]: (int(r["gross_yen"]), int(r["fee_yen"]), int(r["net_yen"]))
        for r in _rows(out / "payees.csv")
    }
    assert payees == {
        "A": (539_948, 53_994, 485_954),
        "B": (85_420, 8_542, 76_878),
        "C": (87_771, 8_777, 78_994),
        "P": (227_264, 22_726, 204_538),
    }
    points = {(r["work_id"], r["fund"]): r["points"] for r in _rows(out / "work_points.csv")}
    assert points == {
        ("W1", "broadcast"): "2/1",
        ("W2", "broadcast"): "4/1",
        ("W1", "recording"): "100/1",
        ("W3", "recording"): "300/1",
        ("W3", "rental"): "100/1",
    }
    claims = {r["claim_id"]: r for r in _rows(out / "claims_result.csv")}
    c1 = claims["C1"]
    assert (c1["status"], c1["gross_yen"], c1["fee_yen"], c1["tax_yen"], c1["net_yen"]) == (
        "paid",
        "87771",
        "500",
        "8961",
        "78310",
    )
    assert claims["C2"]["status"] == "late"
    assert _rows(out / "held.csv") == []


def test_rerun_is_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["prc", "run", str(EXAMPLE), "--out", str(first), "--quiet"]) == 0
    assert main(["prc", "run", str(EXAMPLE), "--out", str(second), "--quiet"]) == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert {
        "summary.json",
        "statement_lines.csv",
        "payees.csv",
        "held.csv",
        "work_points.csv",
        "claims_result.csv",
    } <= set(names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_existing_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier run", encoding="utf-8")
    assert main(["prc", "run", str(EXAMPLE), "--out", str(out), "--quiet"]) == 4
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert main(["prc", "run", str(EXAMPLE), "--out", str(out), "--quiet", "--force"]) == 0
    assert (out / "summary.json").is_file() and not (out / "keep.txt").exists()
