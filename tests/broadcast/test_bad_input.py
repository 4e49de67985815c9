"""Bad input is refused with every problem located (file:line: column: problem) and nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bunpai.cli.main import main
from bunpai.formats.broadcast_input import read_input
from bunpai.formats.tables import InputError
from bunpai.rules import broadcast_ruleset_for

EXAMPLE = Path(__file__).parent.parent / "data" / "broadcast" / "example"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "input"
    shutil.copytree(EXAMPLE, target)
    return target


def _run(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    out = tmp_path / "out"
    code = main(["broadcast", "run", str(folder), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert not out.exists(), "no output may be written for bad input"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")], "no staging folder left behind"
    return code, [line for line in err.splitlines() if ": " in line and line.split(":")[0].endswith((".csv", ".toml"))]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_file(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "stations.csv").unlink()
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    assert "stations.csv:0: *: file is missing" in problems


def test_every_problem_is_located(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _replace(folder / "usage.csv", "L1,S1,W1,managed,100,featured,yes,", "L1,S9,W1,managed,1x0,featrued,maybe,2")
    _replace(folder / "usage.csv", "L2,S1,,unidentified", "L1,S1,W7,unidentified")
    _replace(folder / "usage.csv", "L3,S1,W9,other", "L3,S1,W9,borrowed")
    _replace(folder / "rights.csv", "W1,N,lyricist,performing,50%", "W1,N,lyricist,performing,60%")
    _replace(folder / "rights.csv", "W1,A,composer,mechanical,1,2020-01-01", "W1,A,composr,mechanical,1,2020-13-01")
    _replace(folder / "parties.csv", "N,N,nonmember,", "N,N,alien,")
    _replace(folder / "stations.csv", "S1,nhk,2", "S1,tbs,-2")
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    expected = [
        "parties.csv:3: category: unknown category 'alien' (expected one of: assignee, foreign, member, nonmember)",
        "rights.csv:2: share: performing shares of work 'W1' add up to 11/10, above 1",
        "rights.csv:4: role: unknown role 'composr' (expected one of: arranger, composer, lyricist, publisher, "
        "translator)",
        "rights.csv:4: submitted_on: not a date YYYY-MM-DD: '2020-13-01'",
        "stations.csv:2: fund_group: unknown fund group 'tbs'",
        "stations.csv:2: station_points: negative value -2",
        "usage.csv:2: station_id: unknown station 'S9'",
        "usage.csv:2: duration_s: not a whole number: '1x0'",
        "usage.csv:2: recorded: expected yes or empty, got 'maybe'",
        "usage.csv:2: sampling_rate: a sampling rate above 1",
        "usage.csv:2: line_id: duplicate id 'L1'",
        "usage.csv:3: line_id: duplicate id 'L1'",
        "usage.csv:3: work_id: an unidentified line has no work_id",
        "usage.csv:4: outcome: unknown outcome 'borrowed' "
        "(expected one of: managed, other, public_domain, unidentified)",
    ]
    for line in expected:
        assert line in problems, (line, problems)
    assert any(p.startswith("usage.csv:2: method: unknown usage method 'featrued'") for p in problems)


def test_period_file_problems(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _replace(folder / "period.toml", 'admin_fee_rate = "1/10"', 'admin_fee_rate = "ten percent"')
    _replace(folder / "period.toml", 'quarter = "2026Q2"', 'quater = "2026Q2"')
    _replace(folder / "period.toml", "amount_yen = 1000", "amount_yen = -1000")
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    assert "period.toml:0: quarter: missing key" in problems
    assert "period.toml:1: quater: unknown key" in problems
    assert any(p.startswith("period.toml:4: admin_fee_rate: not a fraction") for p in problems)
    assert "period.toml:15: fund_group[1].amount_yen: negative amount -1000" in problems


def test_publisher_above_half_of_the_performing_right(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _replace(folder / "rights.csv", "W1,A,composer,performing,50/100", "W1,A,publisher,performing,50/100")
    _replace(folder / "rights.csv", "W1,N,lyricist,performing,50%", "W1,N,publisher,performing,10%")
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    assert problems == ["rights.csv:2: share: publishers of work 'W1' hold 3/5 of the performing right, above 6/12"]


def test_late_rows_do_not_count(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Submitted after the cut-off (Sept 20): not counted, so the total stays at 1.
    with (folder / "rights.csv").open("a", encoding="utf-8") as handle:
        handle.write("W1,A,arranger,performing,20/100,2026-09-25,2026-01-01,\n")
    assert main(["broadcast", "run", str(folder), "--out", str(tmp_path / "out"), "--quiet"]) == 0


def test_output_folder_is_not_overwritten(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["broadcast", "run", str(folder), "--out", str(out), "--quiet"]) == 4
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert main(["broadcast", "run", str(folder), "--out", str(out), "--quiet", "--force"]) == 0
    assert not (out / "keep.txt").exists()


def test_share_rows_read_for_the_engine_alone_report_the_same_problems(folder: Path) -> None:
    """The share rows read only into the engine's slim copy (as `bunpai broadcast run` reads them)
    are checked as fully as when every column is kept: the same problems, at the same lines."""
    (folder / "rights.csv").write_text(
        "work_id,party_id,role,right,share,submitted_on,valid_from,valid_to\n"
        "W1,A,composer,performing,50/100,2020-01-01,2020-01-01,\n"
        "W1,N,lyricist,performing,60%,2020-01-01,2020-01-01,\n"
        "W1,A,composer,performing,1/100,2020-01-01,2020-01-01,\n"
        "W1,A,composr,mechanical,1,2020-13-01,2020-01-01,\n"
        "W9,Z,composer,performing,3/2,2020-01-01,2021-01-01,2020-06-30\n"
        "W9,A,publisher,performing,,2020-01-01,2020/01/01,\n"
        "W9,A,lyricist,performance,1/x,2020-01-01,2020-01-01,\n",
        encoding="utf-8",
    )
    found = []
    for engine_rows_only in (False, True):
        with pytest.raises(InputError) as error:
            read_input(folder, rules_for=broadcast_ruleset_for, engine_rows_only=engine_rows_only)
        found.append([(p.file, p.line, p.column, p.message) for p in error.value.problems])
    assert found[0] == found[1]
    rights = [p for p in found[1] if p[0] == "rights.csv"]
    assert ("rights.csv", 4, "party_id", "'A' holds the role composer of the performing right of work 'W1' twice "
            "on the reference date") in rights
    assert ("rights.csv", 5, "submitted_on", "not a date YYYY-MM-DD: '2020-13-01'") in rights
    assert ("rights.csv", 6, "party_id", "unknown party 'Z'") in rights
    assert ("rights.csv", 6, "valid_to", "valid_to is before valid_from") in rights
    assert ("rights.csv", 6, "share", "a share above 1") in rights
    assert ("rights.csv", 7, "share", "a share is needed: other rows of this work's right have one, or it has a "
            "publisher") in rights
    assert any(p[1:3] == (8, "right") for p in rights) and any(p[1:3] == (8, "share") for p in rights)


def test_publishers_may_hold_more_than_half_of_the_mechanical_right(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 6/12 limit is the performing right's: a publisher holding 3/4 of the mechanical right is
    no problem (the run goes on to the next fault, put in on purpose)."""
    _replace(folder / "rights.csv", "W1,A,composer,mechanical,1", "W1,A,publisher,mechanical,3/4")
    _replace(folder / "rights.csv", "W1,N,lyricist,performing,50%", "W1,N,lyricist,performing,60%")
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    assert problems == ["rights.csv:2: share: performing shares of work 'W1' add up to 11/10, above 1"]


def test_a_share_above_one_counts_as_one_in_its_work_s_total(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A share above 1 is reported on its own; the total of its work counts it as 1."""
    _replace(folder / "rights.csv", "W1,A,composer,performing,50/100", "W1,A,composer,performing,3/2")
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    assert problems == [
        "rights.csv:2: share: a share above 1",
        "rights.csv:2: share: performing shares of work 'W1' add up to 3/2, above 1",
    ]
