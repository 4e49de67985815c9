"""The demo quarter end to end on the database (SQLite and PostgreSQL): registrations, reports,
identification, the exported quarter, its run, statements — and what each step promises."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from bunpai.services.broadcast_quarter import previous_quarter, quarter_dates


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_quarter_dates_follow_the_schedule() -> None:
    q2 = quarter_dates("2026Q2")
    assert q2.months == ("2026-04", "2026-05", "2026-06")
    assert (q2.first_day, q2.last_day) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert (q2.reference_date, q2.distribution_date) == (dt.date(2026, 9, 30), dt.date(2026, 12, 10))
    q4 = quarter_dates("2026Q4")
    assert q4.months == ("2026-10", "2026-11", "2026-12")
    assert (q4.reference_date, q4.distribution_date) == (dt.date(2027, 3, 31), dt.date(2027, 6, 10))
    assert previous_quarter("2027Q1") == "2026Q4" and previous_quarter("2026Q3") == "2026Q2"
    with pytest.raises(ValueError, match="YYYYQn"):
        quarter_dates("2026-Q2")


def test_demo_quarter_end_to_end(registry_db: str, tmp_path: Path) -> None:
    from bunpai.broadcast.models import DistributionRun
    from bunpai.broadcast.services import approve
    from bunpai.demo.quarter import release_next_quarter, run_demo_quarter
    from bunpai.intake import models as im
    from bunpai.services.broadcast import compute_quarter
    from bunpai.services.broadcast_quarter import export_quarter, export_release

    demo = run_demo_quarter(tmp_path / "q", works=120, lines_per_report=60, say=lambda _: None, release=False)

    # Registrations: every CWR transaction acknowledged as accepted.
    assert demo.cwr and all(set(counts) == {"AS"} for counts in demo.cwr.values())
    # Reports: bad lines are counted per file, the re-sent file changes nothing, the corrected one replaces.
    statuses = [r["status"] for r in demo.reports]
    assert statuses.count("unchanged") == 1 and statuses.count("stored") == len(statuses) - 1
    spoiled = [r for r in demo.reports if r.get("spoiled")]
    assert all(r["bad"] == len(r["spoiled"]) for r in spoiled)  # type: ignore[arg-type]
    corrected = demo.reports[-1]
    assert corrected["bad"] == 0 and corrected["replaced"]
    assert im.ReportFile.objects.get(pk=corrected["replaced"]).status == im.ReportFile.REPLACED

    # Every work line of the current reports is in the exported usage exactly once, with its outcome.
    usage = _rows(tmp_path / "q" / "input" / "usage.csv")
    current = im.ReportLine.objects.filter(report__status=im.ReportFile.CURRENT, kind=im.ReportLine.WORK)
    assert len(usage) == current.count() == sum(demo.identification.values())
    assert len({row["line_id"] for row in usage}) == len(usage)
    expected = {
        "this_society": "managed",
        "queued": "unidentified",
        "other_manager": "other",
        "public_domain": "public_domain",
    }
    by_outcome: dict[str, int] = {}
    for outcome in current.values_list("outcome", flat=True):
        by_outcome[expected[outcome]] = by_outcome.get(expected[outcome], 0) + 1
    exported: dict[str, int] = {}
    for row in usage:
        exported[row["outcome"]] = exported.get(row["outcome"], 0) + 1
    assert exported == by_outcome
    assert exported["unidentified"] > 0 and exported["other"] > 0 and exported["public_domain"] > 0

    # The distribution balances, and every queued line that took part is held under its line id.
    s = demo.summary
    assert s["balanced"] is True
    assert s["fund_in_total_yen"] == s["lines_total_yen"] + s["held_total_yen"] + s["carry_out_total_yen"]  # type: ignore[operator]
    assert s["lines_total_yen"] == s["fees_total_yen"] + s["net_total_yen"]  # type: ignore[operator]
    held = _rows(tmp_path / "q" / "result" / "held.csv")
    unidentified = {row["line_id"] for row in usage if row["outcome"] == "unidentified"}
    assert {h["key"] for h in held if h["kind"] == "unidentified"} <= unidentified
    # The fund is the fees received in the quarter: the first instalments, less the short payment.
    period = (tmp_path / "q" / "input" / "period.toml").read_text(encoding="utf-8")
    assert s["amount_total_yen"] == sum(
        int(line.split("=")[1]) for line in period.splitlines() if line.startswith("amount_yen")
    )

    # Statements for every payee, CRD for the foreign societies, Zengin for the domestic accounts.
    payments = _rows(tmp_path / "q" / "statements" / "payments.csv")
    assert len(payments) == s["count_payees"]
    assert sorted(p.name for p in (tmp_path / "q" / "statements" / "crd").iterdir())
    assert (tmp_path / "q" / "statements" / "zengin" / "transfers.txt").stat().st_size % 122 == 0  # 120 + CRLF

    # Exported again and re-run: the same bytes; the run record is a draft until approved.
    again = export_quarter(tmp_path / "again", "2026Q2")
    for name in ("period.toml", "stations.csv", "parties.csv", "rights.csv", "usage.csv"):
        assert (again.folder / name).read_bytes() == (tmp_path / "q" / "input" / name).read_bytes(), name
    assert compute_quarter(again.folder).result.summary == {**s, "notes": s["notes"]}
    run = DistributionRun.objects.get(pk=demo.run_id)
    assert run.status == "draft" and run.quarter == "2026Q2"

    # The next quarter carries what this one's floors left, once this one is approved.
    approve(run)
    q3 = export_quarter(tmp_path / "q3", "2026Q3")
    assert q3.carry_from == run.pk
    text = (q3.folder / "period.toml").read_text(encoding="utf-8")
    groups = json.loads(json.dumps(s["groups"]))
    for group, rights in groups.items():
        block = text.split(f'id = "{group}"')[1].split("[[fund_group]]")[0]
        assert f"carry_in_performing_yen = {rights['performing']['carry_out_yen']}" in block
        assert f"carry_in_mechanical_yen = {rights['mechanical']['carry_out_yen']}" in block

    # A release run, linked to the quarter, pays the money held for the lines identified since.
    release_next_quarter(demo)
    r = demo.release_summary
    assert r["balanced"] is True and r["kind"] == "release" and r["released_from"] == "2026Q2"
    assert r["released_in_total_yen"] == r["lines_total_yen"] + r["held_total_yen"] + r["carry_out_total_yen"]  # type: ignore[operator]
    assert r["lines_total_yen"] > 0 and demo.released_decisions > 0  # type: ignore[operator]
    release_run = DistributionRun.objects.get(pk=demo.release_run_id)
    assert release_run.releases_id == run.pk and release_run.quarter == "2026Q3"
    identified = {
        row["line_id"]: row["work_id"] for row in _rows(tmp_path / "q" / "release" / "input" / "identified.csv")
    }
    released = _rows(tmp_path / "q" / "release" / "result" / "statement_lines.csv")
    for line in released:
        if line["released_kind"] == "unidentified":
            assert identified[line["released_key"]] == line["work_id"]
    held_before = {(h["kind"], h["key"], h["fund_group"], h["right"]): int(h["gross_yen"]) for h in held}
    for item in _rows(tmp_path / "q" / "release" / "input" / "held.csv"):
        assert held_before[(item["kind"], item["key"], item["fund_group"], item["right"])] == int(item["gross_yen"])
    assert (tmp_path / "q" / "release" / "statements" / "payments.csv").is_file()

    # Once the release is approved, what it paid is not offered again, and its carry goes into 2026Q4.
    approve(release_run)
    again_release = export_release(tmp_path / "release2", run, "2026Q4")
    paid_keys = {(x["released_kind"], x["released_key"]) for x in released}
    offered = {(x["kind"], x["key"]) for x in _rows(again_release.folder / "held.csv")}
    assert not (paid_keys & offered)
    q4 = (export_quarter(tmp_path / "q4", "2026Q4").folder / "period.toml").read_text(encoding="utf-8")
    carried = sum(int(line.split("=")[1]) for line in q4.splitlines() if line.startswith("carry_in_"))
    assert carried == r["carry_out_total_yen"]

    # After the retention (12 quarters, an EXAMPLE value) what was never released returns to the funds.
    late = export_quarter(tmp_path / "late", "2029Q2")
    document = json.loads((late.folder / "export.json").read_text(encoding="utf-8"))
    assert document["held_returned"]["from_run"] == run.pk
    returned = sum(v for rights in document["held_returned"]["yen"].values() for v in rights.values())
    assert returned == sum(int(h["gross_yen"]) for h in held) - r["released_in_total_yen"]  # type: ignore[operator]
    text = (late.folder / "period.toml").read_text(encoding="utf-8")
    assert sum(int(line.split("=")[1]) for line in text.splitlines() if line.startswith("carry_in_")) == returned
    with pytest.raises(ValueError, match="returned to the funds of 2029Q2"):
        export_release(tmp_path / "too-late", run, "2029Q2")
