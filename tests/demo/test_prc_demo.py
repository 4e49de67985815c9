"""The demo generator writes valid, realistic, reproducible private recording input folders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest

from bunpai.demo.prc import generate_period

WORKS = 300
SEED = 7
REFERENCE = date(2026, 6, 30)
CUTOFF = REFERENCE - timedelta(days=10)

COLUMNS = {
    "parties.csv": ["party_id", "name", "category", "society", "withholding"],
    "works.csv": ["work_id", "title", "music_expired", "lyrics_expired"],
    "rights.csv": ["work_id", "party_id", "role", "share", "submitted_on", "valid_from", "valid_to"],
    "usage_broadcast.csv": [
        "work_id",
        "use_count",
        "differential_points",
        "station_points",
        "sampling_rate",
        "use_type",
        "station_kind",
    ],
    "usage_recording.csv": ["work_id", "deemed_songs", "units", "recording_class", "purpose"],
    "usage_rental.csv": ["work_id", "deemed_songs", "rental_count", "rental_class"],
    "claims.csv": [
        "claim_id",
        "party_id",
        "work_id",
        "fund",
        "use_date",
        "claimed_on",
        "special_circumstances",
    ],
}
FILES = ["period.toml", *COLUMNS]

# Art. 13 table, rows 7-12: allowed registered patterns in twelfths, by role order C L A T P.
ROLE_ORDER = ("composer", "lyricist", "arranger", "translator", "publisher")
ALLOWED_PATTERNS = {
    ("composer", "publisher"): {(8, 4), (6, 6)},
    ("composer", "arranger", "publisher"): {(6, 2, 4), (4, 2, 6)},
    ("composer", "lyricist", "publisher"): {(4, 4, 4), (3, 3, 6), (4, 3, 5), (3, 4, 5)},
    ("composer", "lyricist", "arranger", "publisher"): {
        (3, 3, 2, 4),
        (2, 2, 2, 6),
        (3, 2, 2, 5),
        (2, 3, 2, 5),
    },
    ("composer", "lyricist", "translator", "publisher"): {
        (3, 3, 2, 4),
        (2, 2, 2, 6),
        (3, 2, 2, 5),
        (2, 3, 2, 5),
    },
    ("composer", "lyricist", "arranger", "translator", "publisher"): {
        (3, 3, 1, 1, 4),
        (2, 2, 1, 1, 6),
        (3, 2, 1, 1, 5),
        (2, 3, 1, 1, 5),
    },
}


def _read(folder: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(folder / name, infer_schema=False)


def _fraction(text: str) -> Fraction:
    return Fraction(text)  # accepts "n/d" and decimals


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "period"
    generate_period(out, works=WORKS, seed=SEED)
    return out


@pytest.fixture(scope="module")
def counted(folder: Path) -> pl.DataFrame:
    """The rights rows that count on the reference date (Art. 12)."""
    rights = _read(folder, "rights.csv")
    keep = [
        _day(s) <= CUTOFF  # type: ignore[operator]
        and (f is None or _day(f) <= REFERENCE)  # type: ignore[operator]
        and (t is None or _day(t) >= REFERENCE)  # type: ignore[operator]
        for s, f, t in rights.select("submitted_on", "valid_from", "valid_to").iter_rows()
    ]
    return rights.filter(pl.Series(keep))


def test_writes_every_file_and_column_of_the_contract(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    for name, columns in COLUMNS.items():
        header = (folder / name).read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == columns, name


def test_period_toml(folder: Path) -> None:
    period = tomllib.loads((folder / "period.toml").read_text(encoding="utf-8"))
    assert period["period"] == "2026-09"
    assert period["reference_date"] == REFERENCE
    assert 1_000 * WORKS < period["receipt_yen"] < 1_500 * WORKS
    for key in ("literary_ratio", "admin_fee_rate", "claim_tax_rate"):
        assert 0 < _fraction(period[key]) < 1
    assert period["claim_tax_rate"] == "1021/10000"
    assert isinstance(period["claim_fee_yen"], int)
    assert set(period["carry_in"]) == {"fraction_yen", "nonmember_balance_yen"}
    text = (folder / "period.toml").read_text(encoding="utf-8")
    assert "Example value" in text  # values the regulations do not publish are labelled


def test_ids_are_unique(folder: Path) -> None:
    for name, column in (("parties.csv", "party_id"), ("works.csv", "work_id"), ("claims.csv", "claim_id")):
        ids = _read(folder, name)[column]
        assert ids.null_count() == 0
        assert ids.n_unique() == ids.len(), name
    assert _read(folder, "works.csv").height == WORKS


def test_references_resolve(folder: Path) -> None:
    works = set(_read(folder, "works.csv")["work_id"])
    parties = set(_read(folder, "parties.csv")["party_id"])
    for name in (
        "rights.csv",
        "usage_broadcast.csv",
        "usage_recording.csv",
        "usage_rental.csv",
        "claims.csv",
    ):
        assert set(_read(folder, name)["work_id"]) <= works, name
    assert set(_read(folder, "rights.csv")["party_id"].drop_nulls()) <= parties
    assert set(_read(folder, "claims.csv")["party_id"]) <= parties


def test_values_are_well_formed(folder: Path) -> None:
    parties = _read(folder, "parties.csv")
    assert set(parties["category"]) == {"member", "foreign", "assignee", "nonmember"}
    foreign = parties.filter(pl.col("category") == "foreign")
    assert foreign["society"].null_count() == 0
    assert (
        parties.filter(pl.col("category") != "foreign")["society"].null_count()
        == parties.height - foreign.height
    )
    assert set(parties["withholding"].drop_nulls()) == {"yes"}
    works = _read(folder, "works.csv")
    for column in ("music_expired", "lyrics_expired"):
        assert set(works[column].drop_nulls()) == {"yes"}
    rights = _read(folder, "rights.csv")
    assert set(rights["role"]) == set(ROLE_ORDER)
    for text in rights["share"].drop_nulls():
        assert 0 < _fraction(text) <= 1
    for s, f, t in rights.select("submitted_on", "valid_from", "valid_to").iter_rows():
        assert s is not None
        _day(s)
        if f is not None and t is not None:
            assert _day(f) <= _day(t)  # type: ignore[operator]
    b = _read(folder, "usage_broadcast.csv")
    assert all(int(x) >= 1 for x in b["use_count"])
    for column in ("differential_points", "station_points"):
        assert all(_fraction(x) > 0 for x in b[column])
    assert all(0 < _fraction(x) <= 1 for x in b["sampling_rate"].drop_nulls())
    r = _read(folder, "usage_recording.csv")
    assert all(int(x) >= 1 for x in r["units"]) and all(int(x) >= 1 for x in r["deemed_songs"])
    t = _read(folder, "usage_rental.csv")
    assert all(int(x) >= 1 for x in t["rental_count"])
    claims = _read(folder, "claims.csv")
    assert set(claims["fund"]) <= {"broadcast", "recording", "rental"}
    assert set(claims["special_circumstances"].drop_nulls()) == {"yes"}


def test_counted_shares_never_exceed_twelve_twelfths(counted: pl.DataFrame) -> None:
    totals: dict[str, Fraction] = defaultdict(Fraction)
    for work, share in counted.select("work_id", "share").iter_rows():
        if share is not None:
            totals[work] += _fraction(share)
    assert totals
    assert max(totals.values()) <= 1
    assert any(total < 1 for total in totals.values())  # some works leave part of 12/12 held


def test_publisher_works_register_every_share(counted: pl.DataFrame) -> None:
    with_publisher = set(counted.filter(pl.col("role") == "publisher")["work_id"])
    rows = counted.filter(pl.col("work_id").is_in(with_publisher))
    assert rows["share"].null_count() == 0


def test_no_holder_twice_in_a_role_of_a_work(counted: pl.DataFrame) -> None:
    keys = Counter(counted.drop_nulls("party_id").select("work_id", "party_id", "role").iter_rows())
    assert max(keys.values()) == 1


def test_publisher_patterns_mostly_allowed(counted: pl.DataFrame) -> None:
    by_work: dict[str, list[tuple[str, Fraction]]] = defaultdict(list)
    for work, role, share in counted.select("work_id", "role", "share").iter_rows():
        by_work[work].append((role, _fraction(share) if share else Fraction(0)))
    allowed = outside = 0
    for rows in by_work.values():
        roles = {r for r, _ in rows}
        if "publisher" not in roles:
            continue
        per_role = {r: sum((s for q, s in rows if q == r), Fraction(0)) for r in roles}
        composition = tuple(r for r in ROLE_ORDER if r in roles)
        pattern = tuple(per_role[r] * 12 for r in composition)
        if sum(per_role.values()) == 1 and pattern in ALLOWED_PATTERNS.get(composition, set()):
            allowed += 1
        else:
            outside += 1
    assert allowed > 10 * outside > 0  # rarely a pattern outside the table (or below 12/12)


def test_the_mix_contains_every_promised_case(folder: Path, counted: pl.DataFrame) -> None:
    parties = _read(folder, "parties.csv")
    rights = _read(folder, "rights.csv")
    category = dict(parties.select("party_id", "category").iter_rows())
    holders = {category[p] for p in counted["party_id"].drop_nulls()}
    assert holders == {"member", "foreign", "assignee", "nonmember"}
    assert set(counted["role"]) == set(ROLE_ORDER)
    societies = set(parties["society"].drop_nulls())
    assert {"ASCAP", "BMI", "KOMCA"} <= societies
    # the holder is not determined
    assert counted["party_id"].null_count() > 0
    # documents received after the cut-off, whose rows are valid on the reference date
    late = rights.filter(pl.col("submitted_on") > CUTOFF.isoformat())
    assert late.height > 0
    assert late.filter(
        pl.col("valid_from").is_null() | (pl.col("valid_from") <= REFERENCE.isoformat())
    ).height
    # a row ending before the reference date, followed by a successor in the same role
    ended = rights.filter(pl.col("valid_to") < REFERENCE.isoformat())
    assert ended.height > 0
    successors = ended.join(counted, on=["work_id", "role"], suffix="_next")
    assert (successors["valid_from_next"] > successors["valid_to"]).any()
    # co-holders of one role
    assert (counted.group_by("work_id", "role").len()["len"] > 1).any()
    # expired music or lyrics
    works = _read(folder, "works.csv")
    assert works["music_expired"].null_count() < works.height
    assert works["lyrics_expired"].null_count() < works.height
    # a work used but without any counted right
    used = set(_read(folder, "usage_broadcast.csv")["work_id"]) | set(
        _read(folder, "usage_recording.csv")["work_id"]
    )
    assert used - set(counted["work_id"])

    b = _read(folder, "usage_broadcast.csv")
    assert set(b["use_type"]) == {"featured", "theme", "background", "test_pattern", "filler", "commercial"}
    assert set(b["station_kind"]) == {"nhk_radio", "commercial_radio", "nhk_tv", "commercial_tv", "satellite"}
    assert "1/4" in set(b["sampling_rate"].drop_nulls())
    assert b["sampling_rate"].null_count() > b.height // 2  # most reports are full
    assert any("." in x for x in b["differential_points"])
    assert (b["use_type"] == "featured").mean() > 0.7  # type: ignore[operator]
    r = _read(folder, "usage_recording.csv")
    assert set(r["recording_class"]) == {"1", "2", "3"}
    assert set(r["purpose"]) == {"sale", "export", "promotional", "private", "ic_chip", "floppy", "captain"}
    t = _read(folder, "usage_rental.csv")
    assert set(t["rental_class"]) == {"1", "2"}

    claims = _read(folder, "claims.csv")
    claimant = [category[p] for p in claims["party_id"]]
    assert claimant.count("member") == 1  # this one must come out invalid
    assert claimant.count("nonmember") == claims.height - 1
    late_claims = [
        _day(c) - _day(u) > timedelta(days=2 * 365)  # type: ignore[operator]
        for u, c in claims.select("use_date", "claimed_on").iter_rows()
    ]
    assert any(late_claims) and not all(late_claims)


def test_titles_and_names_look_real(folder: Path) -> None:
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    titles = _read(folder, "works.csv")["title"].to_list()
    assert sum(bool(japanese.search(t)) for t in titles) > len(titles) // 3
    assert sum(t.isascii() for t in titles) > len(titles) // 10
    names = _read(folder, "parties.csv").select("name", "category")
    members = [n for n, c in names.iter_rows() if c == "member"]
    assert any(japanese.search(n) for n in members)
    assert any("音楽出版" in n for n in members) or any("ミュージック" in n for n in members)
    foreign = [n for n, c in names.iter_rows() if c == "foreign"]
    assert any(n.isascii() for n in foreign)


def test_hits_take_most_uses(folder: Path) -> None:
    uses = pl.concat(
        [
            _read(folder, f).select("work_id")
            for f in ("usage_broadcast.csv", "usage_recording.csv", "usage_rental.csv")
        ]
    )
    counts = uses.group_by("work_id").len().sort("len", descending=True)["len"]
    top = counts.head(max(1, WORKS // 20)).sum()  # the top 5 % of works
    assert top > counts.sum() / 2


def test_same_seed_gives_identical_files(folder: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_period(again, works=WORKS, seed=SEED)
    for name in FILES:
        assert (again / name).read_bytes() == (folder / name).read_bytes(), name


def test_another_seed_gives_other_data(folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate_period(other, works=WORKS, seed=SEED + 1)
    for name in ("works.csv", "rights.csv", "usage_broadcast.csv", "parties.csv"):
        assert (other / name).read_bytes() != (folder / name).read_bytes(), name


def test_sizes_follow_the_parameters(tmp_path: Path) -> None:
    out = tmp_path / "sized"
    summary = generate_period(out, works=2000, seed=3, rights_per_work=2.0, usage_rows=5000)
    rights = _read(out, "rights.csv").height
    assert 1.85 * 2000 < rights < 2.15 * 2000
    claims = _read(out, "claims.csv").height
    usage = sum(
        _read(out, f).height for f in ("usage_broadcast.csv", "usage_recording.csv", "usage_rental.csv")
    )
    assert 5000 <= usage <= 5000 + claims  # plus a minimal use for each claim meant to be too small
    assert "2,000" in summary and "作品" in summary


def test_refuses_a_non_empty_folder_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="not empty"):
        generate_period(out, works=50)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no temporary folder left


def test_accepts_an_existing_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    generate_period(out, works=50, seed=1)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)


def _engine_available() -> bool:
    try:
        import bunpai.services.prc  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _engine_available(), reason="bunpai prc run is not available yet")
def test_the_demo_runs_through_bunpai_prc_run(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "result"
    bunpai = Path(sys.executable).with_name("bunpai")
    command = [str(bunpai)] if bunpai.exists() else [sys.executable, "-m", "bunpai"]
    done = subprocess.run(
        [*command, "prc", "run", str(folder), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["balanced"] is True
    results = _read(out, "claims_result.csv").join(_read(folder, "claims.csv"), on="claim_id")
    status = Counter(results["status"])
    assert status["paid"] >= 1 and status["late"] >= 1 and status["too_small"] >= 1
    category = dict(_read(folder, "parties.csv").select("party_id", "category").iter_rows())
    invalid = results.filter(pl.col("status") == "invalid")["party_id"].to_list()
    assert [category[p] for p in invalid] == ["member"]  # only the member's claim is invalid
    shutil.rmtree(out)
