"""Release of held money by a later run: exact figures by hand, conservation on random cases, and the
folder command with its bad input."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bunpai.cli.main import main
from bunpai.core.broadcast.model import Party, RightRow
from bunpai.core.broadcast.release import HeldItem, ReleaseTerms, release, release_failures
from bunpai.rules import prc_ruleset_for

TABLE = prc_ruleset_for(dt.date(2026, 12, 31))
TERMS = ReleaseTerms(
    quarter="2026Q3",
    released_from="2026Q2",
    reference_date=dt.date(2026, 12, 31),
    distribution_date=dt.date(2027, 3, 10),
    foreign_payment_date=dt.date(2027, 4, 10),
    admin_fee_rate=Fraction(1, 10),
    documents_days_before=10,
)
SUBMITTED = dt.date(2026, 1, 5)
PARTIES = {
    "A": Party("A", "Member A", "member"),
    "B": Party("B", "Non-member B", "nonmember"),
    "C": Party("C", "Member C", "member"),
    "D": Party("D", "Member D", "member"),
    "E": Party("E", "PRS writer E", "foreign", "052"),
}


def row(work: str, party: str | None, role: str, share: Fraction) -> RightRow:
    return RightRow(work, party, role, "performing", share, SUBMITTED)


def test_release_by_hand() -> None:
    held = [
        HeldItem("unidentified", "R1L5", "nhk", "performing", 1000, Fraction(3)),
        HeldItem("undetermined", "W2", "nhk", "performing", 999, Fraction(2)),
        HeldItem("unidentified", "R1L9", "nhk", "performing", 400, Fraction(1)),  # not identified yet
        HeldItem("unidentified", "R2L1", "tv", "performing", 300, Fraction(1)),
    ]
    rights = [
        # W1: A 1/2, non-member B 1/4, a quarter nobody has registered (undetermined).
        row("W1", "A", "composer", Fraction(1, 2)),
        row("W1", "B", "lyricist", Fraction(1, 4)),
        # W2: C 1/3 as before; D has notified a third since; a third is still unknown.
        row("W2", "C", "composer", Fraction(1, 3)),
        row("W2", "D", "lyricist", Fraction(1, 3)),
        # W3: the foreign writer E alone.
        row("W3", "E", "composer", Fraction(1)),
    ]
    before = [row("W2", "C", "composer", Fraction(1, 3)), row("W2", None, "lyricist", Fraction(2, 3))]
    out = release(held, {"R1L5": "W1", "R2L1": "W3"}, rights, before, PARTIES, PARTIES, TERMS, TABLE)

    lines = {(r.line.party_id, r.line.work_id, r.key): r.line.gross_yen for r in out.lines}
    assert lines == {("A", "W1", "R1L5"): 500, ("D", "W2", "W2"): 499, ("E", "W3", "R2L1"): 300}
    assert [(h.kind, h.key, h.gross_yen, h.share) for h in out.held] == [
        ("undetermined", "W1", 250, Fraction(1, 4)),
        ("undetermined", "W2", 499, Fraction(1, 2)),
    ]
    assert [i.key for i in out.not_released] == ["R1L9"]
    # nhk: released 1999 = lines 999 + held 749 + carried 251 (B's quarter 250 and 1 yen of floors)
    assert out.funds[("nhk", "performing")] == {
        "released_in_yen": 1999, "lines_total_yen": 999, "held_total_yen": 749, "carry_out_yen": 251,
    }  # fmt: skip
    payees = {p.payee_id: (p.gross_yen, p.fee_yen, p.net_yen, p.pay_date, p.foreign_society) for p in out.payees}
    assert payees == {
        "A": (500, 50, 450, dt.date(2027, 3, 10), False),
        "D": (499, 49, 450, dt.date(2027, 3, 10), False),
        "052": (300, 30, 270, dt.date(2027, 4, 10), True),
    }
    summary = out.summary(TERMS, "test")
    assert release_failures(summary, sum(p.gross_yen for p in out.payees)) == []
    assert summary["released_in_total_yen"] == 2299 and summary["carry_out_total_yen"] == 251


def test_a_broken_balance_is_named() -> None:
    out = release(
        [HeldItem("unidentified", "L", "g", "performing", 10, Fraction(1))],
        {"L": "W"},
        [row("W", "A", "composer", Fraction(1))],
        [],
        PARTIES,
        PARTIES,
        TERMS,
        TABLE,
    )
    summary = out.summary(TERMS, "test")
    assert release_failures(summary, 10) == []
    summary["lines_total_yen"] = 9
    assert release_failures(summary, 10) == ["lines_total_yen ≠ Σ funds", "payees' gross ≠ lines", "lines ≠ fees + net"]


shares = st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(
    amounts=st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=6),
    now=shares,
    earlier=shares,
    categories=st.lists(st.sampled_from(["member", "nonmember", "foreign", "assignee"]), min_size=4, max_size=4),
)
def test_release_always_balances(amounts: list[int], now: list[int], earlier: list[int], categories: list[str]) -> None:
    parties = {f"P{i}": Party(f"P{i}", "", c, "052" if c == "foreign" else None) for i, c in enumerate(categories)}
    total_now, total_before = max(sum(now), 12), max(sum(earlier), 12)
    rights = [row("W", f"P{i}", "composer", Fraction(s, total_now)) for i, s in enumerate(now)]
    before = [row("W", f"P{i}", "composer", Fraction(s, total_before)) for i, s in enumerate(earlier)]
    kinds = ("undetermined", "unidentified")
    held = [
        HeldItem(kinds[k % 2], f"L{k}" if k % 2 else "W", "g", "performing", a, Fraction(1))
        for k, a in enumerate(amounts)
    ]
    out = release(held, {f"L{k}": "W" for k in range(len(amounts))}, rights, before, parties, parties, TERMS, TABLE)
    summary = out.summary(TERMS, "test")
    assert release_failures(summary, sum(p.gross_yen for p in out.payees)) == []
    released = sum(i.gross_yen for i in held) - sum(i.gross_yen for i in out.not_released)
    assert summary["released_in_total_yen"] == released


def test_release_folder_bad_input_is_located(tmp_path: Path, capsys: object) -> None:
    folder = tmp_path / "in"
    (folder / "before").mkdir(parents=True)
    (folder / "release.toml").write_text(
        'quarter = "2026Q3"\nreleased_from = "2026Q2"\nreference_date = 2026-12-31\ndistribution_date = 2027-03-10\n'
        "colour = 1\n",
        encoding="utf-8",
    )
    example = Path(__file__).parent.parent / "data" / "broadcast" / "example"
    for name in ("period.toml", "parties.csv", "rights.csv"):
        (folder / "before" / name).write_bytes((example / name).read_bytes())
    for name in ("parties.csv", "rights.csv"):
        (folder / name).write_bytes((example / name).read_bytes())
    (folder / "held.csv").write_text(
        "kind,key,fund_group,right,gross_yen,points\nlost,L1,nhk,performing,10,1\nunidentified,L2,nhk,both,10,1\n",
        encoding="utf-8",
    )
    assert main(["broadcast", "release", str(folder), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "release.toml:0: colour: unknown key" in err
    assert "held.csv:2: kind: 'lost' is not unidentified or undetermined" in err
    assert "held.csv:3: right: 'both' is not performing or mechanical" in err
    assert not (tmp_path / "out").exists()

    (folder / "release.toml").write_text(
        'quarter = "2026Q3"\nreleased_from = "2026Q2"\nreference_date = 2026-12-31\ndistribution_date = 2027-03-10\n',
        encoding="utf-8",
    )
    held = (example / "period.toml").read_text(encoding="utf-8")
    assert "fund_group" in held
    (folder / "held.csv").write_text("kind,key,fund_group,right,gross_yen,points\n", encoding="utf-8")
    assert main(["broadcast", "release", str(folder), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["released_in_total_yen"] == 0 and summary["balanced"] is True
