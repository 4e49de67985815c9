"""Small periods, one article at a time, checked to the yen through `compute_period`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bunpai.services.prc import compute_period
from tests.prc.factory import write_folder

MEMBER = {"party_id": "A", "name": "A", "category": "member"}
MEMBER_B = {"party_id": "B", "name": "B", "category": "member"}
NONMEMBER = {"party_id": "N", "name": "N", "category": "nonmember", "withholding": "yes"}


def _run(tmp_path: Path, **tables: Any) -> Any:
    # Receipt 1,010,101 with no literary share: M = 1,010,101, non-member fund 10,101,
    # member fund 1,000,000 (broadcast 140,000, recording 540,000, rental 320,000).
    period = {"receipt_yen": "1010101", "literary_ratio": '"0"', "admin_fee_rate": '"0"'}
    period.update(tables.pop("period", {}))
    return compute_period(write_folder(tmp_path / "in", period=period, **tables)).result


def _lines(result: Any) -> dict[tuple[str, str], int]:
    return {(p, w): g for p, _payee, w, g in result.statement_lines.rows()}


def _composer(work: str, party: str | None, **extra: str) -> dict[str, Any]:
    return {"work_id": work, "party_id": party, "role": "composer", "submitted_on": "2020-01-01", **extra}


def _broadcast(work: str, **extra: Any) -> dict[str, Any]:
    row = {
        "work_id": work,
        "use_count": 1,
        "differential_points": "1",
        "station_points": "1",
        "sampling_rate": "",
        "use_type": "featured",
        "station_kind": "nhk_radio",
    }
    row.update(extra)
    return row


def test_bl5_only_featured_radio_uses_count(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        parties=[MEMBER],
        works=[{"work_id": "W1"}, {"work_id": "W2"}, {"work_id": "W3"}],
        rights=[_composer("W1", "A"), _composer("W2", "A"), _composer("W3", "A")],
        usage_broadcast=[
            _broadcast("W1"),
            _broadcast("W2", use_type="theme"),
            _broadcast("W3", station_kind="commercial_tv"),
            _broadcast("W3", station_kind="commercial_radio", use_type="commercial"),
        ],
    )
    assert _lines(result) == {("A", "W1"): 140_000}
    assert result.summary["carry_out_undistributed_yen"] == 860_000  # recording and rental: no points


def test_art15_points_multiply_the_factors_and_sampling_is_inverted(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        parties=[MEMBER, MEMBER_B],
        works=[{"work_id": "W1"}, {"work_id": "W2"}],
        rights=[_composer("W1", "A"), _composer("W2", "B")],
        usage_broadcast=[
            _broadcast("W1", use_count=3, differential_points="2", station_points="1.5"),  # 9 points
            _broadcast("W2", use_count=1, sampling_rate="1/3"),  # 3 points
        ],
        usage_recording=[
            {"work_id": "W1", "deemed_songs": "1/2", "units": 10, "recording_class": 1, "purpose": "sale"}
        ],
        usage_rental=[{"work_id": "W2", "deemed_songs": "2", "rental_count": 5, "rental_class": 1}],
    )
    points = {(w, f): p for w, f, p in result.work_points.rows()}
    assert points == {
        ("W1", "broadcast"): "9/1",
        ("W2", "broadcast"): "3/1",
        ("W1", "recording"): "5/1",
        ("W2", "rental"): "10/1",
    }
    # W1: 9/12 of 140,000 + all 540,000 = 645,000; W2: 3/12 of 140,000 + all 320,000 = 355,000.
    assert _lines(result) == {("A", "W1"): 645_000, ("B", "W2"): 355_000}


def test_art12_late_documents_and_undetermined_holders_are_held(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        parties=[MEMBER, MEMBER_B],
        works=[{"work_id": "W1"}, {"work_id": "W2"}],
        rights=[
            _composer("W1", "A"),
            {"work_id": "W1", "party_id": None, "role": "lyricist", "submitted_on": "2020-01-01"},
            _composer("W2", "B", submitted_on="2026-06-21"),  # one day after the cut-off
        ],
        usage_broadcast=[_broadcast("W1"), _broadcast("W2")],
    )
    assert _lines(result) == {("A", "W1"): 35_000}
    held = {(w, r, reason[:20]): g for w, r, g, reason, _share in result.held.rows()}
    assert held == {
        ("W1", "lyricist", "holder not determine"): 35_000,
        ("W2", None, "no right registered "): 70_000,
    }


def test_art15_basic_points_leave_the_nonmember_share_to_the_nonmember_fund(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        parties=[MEMBER, MEMBER_B, NONMEMBER],
        works=[{"work_id": "W1"}, {"work_id": "W2"}],
        rights=[
            _composer("W1", "A"),
            {"work_id": "W1", "party_id": "N", "role": "lyricist", "submitted_on": "2020-01-01"},
            _composer("W2", "B"),
        ],
        usage_broadcast=[_broadcast("W1"), _broadcast("W2")],
    )
    # W1 has basic points 1/2: points W1 = 1/2, W2 = 1 → W1 gets 1/3 of the fund, all of it to A.
    assert _lines(result) == {("A", "W1"): 46_666, ("B", "W2"): 93_333}


def test_nm8_to_nm10_claims(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        period={"claim_fee_yen": "500", "claim_tax_rate": '"1021/10000"'},
        parties=[
            MEMBER,
            NONMEMBER,
            {"party_id": "M", "name": "M", "category": "member", "excluded_funds": "broadcast"},
            {"party_id": "S", "name": "S", "category": "nonmember", "paid_through": "O"},
            {"party_id": "O", "name": "Other manager", "category": "member"},
        ],
        works=[{"work_id": "W1"}, {"work_id": "W2"}],
        rights=[
            _composer("W1", "A"),
            {"work_id": "W1", "party_id": "N", "role": "lyricist", "submitted_on": "2020-01-01"},
            _composer("W2", "M"),
            {"work_id": "W2", "party_id": "S", "role": "lyricist", "submitted_on": "2020-01-01"},
        ],
        usage_broadcast=[_broadcast("W1", use_count=999), _broadcast("W2")],
        claims=[
            {
                "claim_id": "K1",
                "party_id": "N",
                "work_id": "W1",
                "fund": "broadcast",
                "use_date": "2026-03-01",
                "claimed_on": "2026-07-01",
            },
            {
                "claim_id": "K2",
                "party_id": "A",
                "work_id": "W1",
                "fund": "broadcast",
                "use_date": "2026-03-01",
                "claimed_on": "2026-07-01",
            },
            {
                "claim_id": "K3",
                "party_id": "M",
                "work_id": "W2",
                "fund": "broadcast",
                "use_date": "2026-03-01",
                "claimed_on": "2026-07-01",
            },
            {
                "claim_id": "K4",
                "party_id": "S",
                "work_id": "W2",
                "fund": "broadcast",
                "use_date": "2023-03-01",
                "claimed_on": "2026-07-01",
                "special_circumstances": "yes",
            },
            {
                "claim_id": "K6",
                "party_id": "S",
                "work_id": "W1",
                "fund": "broadcast",
                "use_date": "2026-03-01",
                "claimed_on": "2026-07-01",
            },
            {
                "claim_id": "K5",
                "party_id": "S",
                "work_id": "W2",
                "fund": "rental",
                "use_date": "2026-03-01",
                "claimed_on": "2026-07-01",
            },
        ],
    )
    claims = {row[0]: row for row in result.claims.rows()}
    # Points: W1 999 × 1/2 (A only; N is a non-member) = 499.5; W2: M excluded broadcast and S is a
    # non-member, so W2 has basic points 0. Unit price = 140,000 / 499.5.
    # K1: N's own share of W1: 999 × 1/2 points → 140,000 yen; tax floor(10.21 %) = 14,294.
    assert claims["K1"][1:6] == ("paid", 140_000, 500, 14_294, 125_206)
    assert claims["K2"][1] == "invalid"  # a member is paid by the distribution
    # K3: M excluded broadcast from the trust (XB): claims 1/2 point → floor(140,000/999) = 140.
    assert claims["K3"][1:6] == ("too_small", 0, 0, 0, 0) and claims["K3"][8] == 140
    # K4: late, but special circumstances lift the limit; 140 yen without tax does not exceed the fee.
    assert claims["K4"][1] == "too_small"
    assert claims["K5"][1] == "invalid"  # no counted rental use of W2 (NM 7)
    assert claims["K6"][1] == "invalid" and "holds no counted share" in claims["K6"][9]  # NM 5
    assert claims["K4"][6] == "O"  # NM 12: paid through the other manager
    assert result.summary["claims_paid_gross_yen"] == 140_000
    assert result.summary["nonmember_balance_out_yen"] == 10_101 - 140_000


def test_art20_assignee_paid_through_its_publisher(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        parties=[
            {"party_id": "P", "name": "Publisher", "category": "member"},
            {"party_id": "X", "name": "Assignee", "category": "assignee", "paid_through": "P"},
        ],
        works=[{"work_id": "W1"}],
        rights=[
            _composer("W1", "X", share="8/12"),
            {"work_id": "W1", "party_id": "P", "role": "publisher", "share": "4/12", "submitted_on": "2020-01-01"},
        ],
        usage_broadcast=[_broadcast("W1")],
    )
    assert result.statement_lines.rows() == [("P", "P", "W1", 46_666), ("X", "P", "W1", 93_333)]
    assert result.payees.rows() == [("P", 139_999, 0, 139_999)]


def test_art7_art12_reference_date_not_of_the_distribution_month_is_noted(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "in",
        period={"period": '"2027-03"', "reference_date": "2026-06-30"},
        parties=[MEMBER],
        works=[{"work_id": "W1"}],
        rights=[_composer("W1", "A")],
    )
    run = compute_period(folder)
    expected = "reference date 2026-06-30 differs from Art. 12's 2026-12-31 for a 3-month distribution"
    assert run.frames.notes == [expected]
