"""Art. 14, 17, 20: who is paid, and the fee taken from each holder's total."""

from __future__ import annotations

import csv
from pathlib import Path

from bunpai.cli.main import main
from tests.prc.factory import write_folder


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_fee_is_taken_per_holder_and_foreign_holders_are_paid_to_their_society(tmp_path: Path) -> None:
    # Two PRS members with one work each; receipt chosen so each line is 15 yen.
    folder = write_folder(
        tmp_path / "in",
        period={"receipt_yen": "3031", "literary_ratio": '"0"', "admin_fee_rate": '"1/10"'},
        parties=[
            {"party_id": "F1", "name": "Foreign One", "category": "foreign", "society": "PRS"},
            {"party_id": "F2", "name": "Foreign Two", "category": "foreign", "society": "PRS"},
        ],
        works=[{"work_id": "W1"}, {"work_id": "W2"}],
        rights=[
            {"work_id": "W1", "party_id": "F1", "role": "composer", "submitted_on": "2020-01-01"},
            {"work_id": "W2", "party_id": "F2", "role": "composer", "submitted_on": "2020-01-01"},
        ],
        usage_rental=[
            {"work_id": "W1", "deemed_songs": "1", "rental_count": 1, "rental_class": 1},
            {"work_id": "W2", "deemed_songs": "1", "rental_count": 1, "rental_class": 1},
        ],
    )
    out = tmp_path / "out"
    assert main(["prc", "run", str(folder), "--out", str(out), "--quiet"]) == 0
    # member fund = 3031 - floor(3031/100) = 3001; recording and broadcast funds have no points and
    # are carried; rental fund = 3001 × 32 % = 960.32; each work 480.16 → lines of 480 yen.
    holders = {r["party_id"]: r for r in _rows(out / "holders.csv")}
    assert {k: (v["payee_id"], v["gross_yen"], v["fee_yen"]) for k, v in holders.items()} == {
        "F1": ("PRS", "480", "48"),
        "F2": ("PRS", "480", "48"),
    }
    assert _rows(out / "payees.csv") == [{"payee_id": "PRS", "gross_yen": "960", "fee_yen": "96", "net_yen": "864"}]


def test_fee_floors_per_holder_not_per_payee(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "in",
        period={"receipt_yen": "3031", "literary_ratio": '"0"', "admin_fee_rate": '"1/7"'},
        parties=[
            {"party_id": "F1", "name": "Foreign One", "category": "foreign", "society": "PRS"},
            {"party_id": "F2", "name": "Foreign Two", "category": "foreign", "society": "PRS"},
        ],
        works=[{"work_id": "W1"}, {"work_id": "W2"}],
        rights=[
            {"work_id": "W1", "party_id": "F1", "role": "composer", "submitted_on": "2020-01-01"},
            {"work_id": "W2", "party_id": "F2", "role": "composer", "submitted_on": "2020-01-01"},
        ],
        usage_rental=[
            {"work_id": "W1", "deemed_songs": "1", "rental_count": 1, "rental_class": 1},
            {"work_id": "W2", "deemed_songs": "1", "rental_count": 1, "rental_class": 1},
        ],
    )
    out = tmp_path / "out"
    assert main(["prc", "run", str(folder), "--out", str(out), "--quiet"]) == 0
    # 480 / 7 = 68.57 → 68 per holder: 136 in all, where one fee on 960 would be 137.
    assert _rows(out / "payees.csv")[0]["fee_yen"] == "136"
