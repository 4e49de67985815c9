"""Hypothesis strategies: random but valid private recording periods."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

ROLES = ["composer", "lyricist", "arranger", "translator"]


@st.composite
def periods(draw: st.DrawFn, max_works: int = 5, max_parties: int = 6) -> dict[str, Any]:
    n_parties = draw(st.integers(1, max_parties))
    parties = []
    for i in range(n_parties):
        category = draw(st.sampled_from(["member", "member", "foreign", "assignee", "nonmember"]))
        party: dict[str, Any] = {
            "party_id": f"P{i}",
            "name": f"Holder {i}",
            "category": category,
            "society": draw(st.sampled_from(["ASCAP", "PRS"])) if category == "foreign" else "",
            "withholding": draw(st.sampled_from(["", "yes"])),
        }
        if category == "member" and draw(st.integers(0, 4)) == 0:
            party["excluded_funds"] = draw(st.sampled_from(["broadcast", "rental", "broadcast|recording"]))
        parties.append(party)
    ids = [p["party_id"] for p in parties]
    n_works = draw(st.integers(1, max_works))
    works = [
        {
            "work_id": f"W{i}",
            "title": f"Song {i}",
            "music_expired": "yes" if draw(st.integers(0, 9)) == 0 else "",
            "lyrics_expired": "yes" if draw(st.integers(0, 9)) == 0 else "",
        }
        for i in range(n_works)
    ]
    rights = []
    for work in works:
        with_publisher = draw(st.booleans())
        n_rows = draw(st.integers(0, 4))
        remaining = 12
        seen = set()
        for _ in range(n_rows):
            role = draw(st.sampled_from(ROLES))
            party = draw(st.sampled_from([*ids, None]))
            if (party, role) in seen and party is not None:
                continue
            seen.add((party, role))
            share = ""
            if with_publisher or draw(st.booleans()):
                twelfths = draw(st.integers(0, remaining))
                remaining -= twelfths
                share = f"{twelfths}/12"
            late = draw(st.integers(0, 7)) == 0
            ended = draw(st.integers(0, 7)) == 0
            rights.append(
                {
                    "work_id": work["work_id"],
                    "party_id": party,
                    "role": role,
                    "share": share,
                    "submitted_on": "2026-06-25" if late else "2020-01-01",
                    "valid_from": "2020-01-01",
                    "valid_to": "2026-05-31" if ended else "",
                }
            )
        if with_publisher:
            publisher = draw(st.sampled_from(ids))
            if (publisher, "publisher") not in seen:
                twelfths = draw(st.integers(0, remaining))
                rights.append(
                    {
                        "work_id": work["work_id"],
                        "party_id": publisher,
                        "role": "publisher",
                        "share": f"{twelfths}/12",
                        "submitted_on": "2020-01-01",
                    }
                )
        else:
            # Without a publisher every row carries a share or none does (weights within a role).
            for row in rights:
                if row["work_id"] == work["work_id"] and draw(st.integers(0, 2)) == 0:
                    row["share"] = ""
    work_ids = [w["work_id"] for w in works]
    broadcast = [
        {
            "work_id": draw(st.sampled_from(work_ids)),
            "use_count": draw(st.integers(0, 5)),
            "differential_points": draw(st.sampled_from(["1", "3/2", "2", "0.5"])),
            "station_points": draw(st.sampled_from(["1", "2", "1.25"])),
            "sampling_rate": draw(st.sampled_from(["", "1/4", "1/2", "1"])),
            "use_type": draw(st.sampled_from(["featured", "featured", "background", "theme"])),
            "station_kind": draw(st.sampled_from(["nhk_radio", "commercial_radio", "nhk_tv"])),
        }
        for _ in range(draw(st.integers(0, 6)))
    ]
    recording = [
        {
            "work_id": draw(st.sampled_from(work_ids)),
            "deemed_songs": draw(st.sampled_from(["1", "1/2", "0.25"])),
            "units": draw(st.integers(0, 5000)),
            "recording_class": draw(st.sampled_from([1, 2, 3])),
            "purpose": draw(st.sampled_from(["sale", "sale", "export", "promotional"])),
        }
        for _ in range(draw(st.integers(0, 5)))
    ]
    rental = [
        {
            "work_id": draw(st.sampled_from(work_ids)),
            "deemed_songs": draw(st.sampled_from(["1", "2", "1/3"])),
            "rental_count": draw(st.integers(0, 300)),
            "rental_class": draw(st.sampled_from([1, 1, 2])),
        }
        for _ in range(draw(st.integers(0, 4)))
    ]
    claimable = sorted(
        {
            (r["party_id"], r["work_id"])
            for r in rights
            if r["party_id"] is not None
            and next(p for p in parties if p["party_id"] == r["party_id"])["category"]
            in ("nonmember", "member")
        }
    )
    targets = [
        draw(st.sampled_from(claimable))
        if claimable and draw(st.integers(0, 3))
        else (draw(st.sampled_from([*ids, "NOBODY"])), draw(st.sampled_from([*work_ids, "W404"])))
        for _ in range(4)
    ]
    claims = [
        {
            "claim_id": f"C{i}",
            "party_id": targets[i][0],
            "work_id": targets[i][1],
            "fund": draw(st.sampled_from(["broadcast", "recording", "rental"])),
            "use_date": draw(st.sampled_from(["2026-03-01", "2026-03-01", "2023-01-10", "2026-05-20"])),
            "claimed_on": draw(st.sampled_from(["2026-07-01", "2026-07-01", "2026-02-01"])),
            "special_circumstances": draw(st.sampled_from(["", "", "yes"])),
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    period = {
        "receipt_yen": str(draw(st.integers(20_000, 10**9))),
        "literary_ratio": f'"{draw(st.integers(0, 10))}/100"',
        "admin_fee_rate": f'"{draw(st.sampled_from(["0", "7/100", "1/10", "1/3"]))}"',
        "claim_fee_yen": str(draw(st.sampled_from([0, 500, 5000]))),
    }
    carry = {
        "fraction_yen": draw(st.integers(0, 50)),
        "nonmember_balance_yen": draw(st.integers(-5000, 5000)),
    }
    return {
        "period": period,
        "carry": carry,
        "parties": parties,
        "works": works,
        "rights": rights,
        "usage_broadcast": broadcast,
        "usage_recording": recording,
        "usage_rental": rental,
        "claims": claims,
    }
