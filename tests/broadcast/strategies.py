"""Hypothesis strategies: random but valid broadcast quarters."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

ROLES = ["composer", "lyricist", "arranger", "translator", "publisher"]


@st.composite
def quarters(draw: st.DrawFn, max_works: int = 5, max_parties: int = 6, max_lines: int = 12) -> dict[str, Any]:
    n_groups = draw(st.integers(1, 3))
    groups = [
        {
            "id": f"g{i}",
            "amount_yen": draw(st.integers(0, 10**9)),
            "recording_ratio": draw(st.sampled_from(["1/3", "1/4", "0", "1", "0.3"])),
            "carry_in_performing_yen": draw(st.integers(0, 5)),
            "carry_in_mechanical_yen": draw(st.integers(0, 5)),
        }
        for i in range(n_groups)
    ]
    if draw(st.integers(0, 3)) == 0:
        groups[0]["admin_fee_rate"] = draw(st.sampled_from(["7/100", "0", "1/3"]))
    stations = [
        {
            "station_id": f"S{i}",
            "fund_group": draw(st.sampled_from([g["id"] for g in groups])),
            "station_points": draw(st.sampled_from(["1", "2", "1.25", "3/7", "0"])),
        }
        for i in range(draw(st.integers(1, 4)))
    ]
    parties = []
    for i in range(draw(st.integers(1, max_parties))):
        category = draw(st.sampled_from(["member", "member", "foreign", "assignee", "nonmember"]))
        parties.append(
            {
                "party_id": f"P{i}",
                "name": f"Holder {i}",
                "category": category,
                "society": draw(st.sampled_from(["052", "035"])) if category == "foreign" else "",
            }
        )
    ids = [p["party_id"] for p in parties]
    works = [f"W{i}" for i in range(draw(st.integers(1, max_works)))]
    rights = []
    for work in works:
        for right in ("performing", "mechanical"):
            n_rows = draw(st.integers(0, 4))
            given = draw(st.integers(0, 3)) > 0
            remaining = 100
            publishers = 0
            seen = set()
            for _ in range(n_rows):
                role = draw(st.sampled_from(ROLES if given else ROLES[:4]))
                party = draw(st.sampled_from([*ids, None]))
                if (party, role) in seen:
                    continue
                seen.add((party, role))
                share = ""
                if given:
                    limit = (
                        min(remaining, 50 - publishers) if role == "publisher" and right == "performing" else remaining
                    )
                    value = draw(st.integers(0, limit))
                    remaining -= value
                    if role == "publisher":
                        publishers += value
                    share = draw(st.sampled_from([f"{value}/100", f"{value}%"]))
                late = draw(st.integers(0, 7)) == 0
                ended = draw(st.integers(0, 7)) == 0
                rights.append(
                    {
                        "work_id": work,
                        "party_id": party,
                        "role": role,
                        "right": right,
                        "share": share,
                        "submitted_on": "2026-09-25" if late else "2020-01-01",
                        "valid_from": "2020-01-01",
                        "valid_to": "2026-06-30" if ended else "",
                    }
                )
    usage = []
    for i in range(draw(st.integers(0, max_lines))):
        outcome = draw(st.sampled_from(["managed", "managed", "managed", "unidentified", "other", "public_domain"]))
        usage.append(
            {
                "line_id": f"L{i}",
                "station_id": draw(st.sampled_from([s["station_id"] for s in stations])),
                "work_id": draw(st.sampled_from([*works, "W404"])) if outcome != "unidentified" else "",
                "outcome": outcome,
                "duration_s": draw(st.sampled_from([0, 15, 60, 61, 180, 299, 600, 601, 1500, 7200])),
                "method": draw(st.sampled_from(["featured", "theme", "background", "commercial"])),
                "recorded": draw(st.sampled_from(["yes", "", "no"])),
                "sampling_rate": draw(st.sampled_from(["", "1", "1/13", "1/4", "0.5"])),
            }
        )
    fee = draw(st.sampled_from(["1/10", "85/1000", "0", "1"]))
    return {"groups": groups, "fee": fee, "parties": parties, "stations": stations, "rights": rights, "usage": usage}
