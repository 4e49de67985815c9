"""Registrations written by the CWR writer read back identically, and the share rules hold."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bunpai.formats.cwr import read_bytes
from bunpai.formats.cwr.identifiers import iswc_check_digit
from bunpai.formats.cwr.model import RIGHTS, Party, Territory, Transaction
from bunpai.formats.cwr.writer import write_registrations

NAMES = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ ", min_size=1, max_size=40).map(str.strip).filter(bool)


@st.composite
def works(draw: st.DrawFn) -> Transaction:
    """A work whose shares per right total exactly 100 %, publishers at most 50 % of PR."""
    n_writers = draw(st.integers(1, 4))
    n_pubs = draw(st.integers(0, 3))
    pub_pr = draw(st.integers(0, 5000)) if n_pubs else 0
    pub_mr = draw(st.integers(0, 10000)) if n_pubs else 0

    def split(total: int, n: int) -> list[int]:
        if n == 0:
            return []
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=n - 1, max_size=n - 1)))
        bounds = [0, *cuts, total]
        return [bounds[i + 1] - bounds[i] for i in range(n)]

    pr_p, mr_p = split(pub_pr, n_pubs), split(pub_mr, n_pubs)
    pr_w, mr_w = split(10000 - pub_pr, n_writers), split(10000 - pub_mr, n_writers)
    publishers = [
        Party(
            "publisher",
            True,
            f"P{i:05d}",
            draw(NAMES),
            "",
            "E",
            "",
            "",
            {"PR": "038", "MR": "038", "SR": "038"},
            {"PR": pr_p[i], "MR": mr_p[i], "SR": mr_p[i]},
            [Territory(2136, True, {"PR": pr_p[i], "MR": mr_p[i], "SR": mr_p[i]})],
        )
        for i in range(n_pubs)
    ]
    writers = [
        Party(
            "writer",
            True,
            f"W{i:05d}",
            draw(NAMES),
            draw(NAMES),
            draw(st.sampled_from(["C", "A", "CA"])),
            "",
            "",
            {"PR": "038", "MR": "", "SR": ""},
            {"PR": pr_w[i], "MR": mr_w[i], "SR": mr_w[i]},
            [Territory(392, True, {"PR": pr_w[i], "MR": mr_w[i], "SR": mr_w[i]})],
            for_publishers=[publishers[0].ip_number] if publishers else [],
        )
        for i in range(n_writers)
    ]
    digits = draw(st.text("0123456789", min_size=9, max_size=9))
    return Transaction(
        "NWR",
        None,
        0,
        0,
        title=draw(NAMES),
        submitter_work_number=draw(st.from_regex(r"[A-Z0-9]{1,14}", fullmatch=True)),
        iswc=f"T{digits}{iswc_check_digit(digits)}",
        duration=draw(st.integers(0, 5999)) or None,
        distribution_category="POP",
        version_type="ORI",
        recorded="Y",
        publishers=publishers,
        writers=writers,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(works(), min_size=1, max_size=5))
def test_written_registrations_read_back(items: list[Transaction]) -> None:
    text = "".join(write_registrations(items))
    cwr = read_bytes(text.encode("ascii"))
    assert cwr.all_messages() == []
    assert len(cwr.accepted()) == len(items)
    for original, read in zip(items, cwr.accepted(), strict=True):
        assert read.title == original.title
        assert read.submitter_work_number == original.submitter_work_number
        assert read.iswc == original.iswc
        assert read.duration == original.duration
        for right in RIGHTS:
            assert [p.shares[right] for p in read.parties()] == [p.shares[right] for p in original.parties()]
            assert sum(p.shares[right] for p in read.parties()) == 10_000
        assert [w.for_publishers for w in read.writers] == [w.for_publishers for w in original.writers]


@settings(max_examples=40, deadline=None)
@given(works(), st.integers(7, 3000))
def test_share_totals_off_by_more_than_tolerance_reject(work: Transaction, delta: int) -> None:
    w = work.writers[0]
    changed = w.shares["MR"] + delta if w.shares["MR"] + delta <= 10_000 else w.shares["MR"] - delta
    assume(changed >= 0)
    w.shares["MR"] = changed
    cwr = read_bytes("".join(write_registrations([work])).encode("ascii"))
    total = sum(p.shares["MR"] for p in work.parties())
    valid = abs(total - 10_000) <= 6 or total == 0
    assert cwr.rejected_transactions() == ([] if valid else cwr.transactions())


@settings(max_examples=30, deadline=None)
@given(works(), st.integers(-6, 6))
def test_tolerance_of_six_hundredths(work: Transaction, delta: int) -> None:
    w = work.writers[0]
    assume(0 <= w.shares["MR"] + delta <= 10_000)
    w.shares["MR"] += delta
    cwr = read_bytes("".join(write_registrations([work])).encode("ascii"))
    assert len(cwr.accepted()) == 1
