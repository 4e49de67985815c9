"""Bad input is refused with every problem located (file:line: column: problem) and no output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bunpai.cli.main import main

EXAMPLE = Path(__file__).parent.parent / "data" / "prc" / "example"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "input"
    shutil.copytree(EXAMPLE, target)
    return target


def _run(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    out = tmp_path / "out"
    code = main(["prc", "run", str(folder), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert not out.exists(), "no output may be written for bad input"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")], "no staging folder left behind"
    return code, [
        line for line in err.splitlines() if ": " in line and line.split(":")[0].endswith((".csv", ".toml"))
    ]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_file(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "usage_rental.csv").unlink()
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    assert problems == ["usage_rental.csv:0: *: file is missing"]


def test_missing_column(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _replace(folder / "rights.csv", "work_id,party_id,role,share", "work_id,party_id,rolle,share")
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    assert problems == ["rights.csv:1: role: missing column"]


def test_every_problem_is_reported_not_only_the_first(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _replace(folder / "rights.csv", "W1,B,lyricist,", "W1,B,lyrcist,")  # line 3: unknown role
    _replace(folder / "rights.csv", "W3,A,composer,8/12", "W3,A,composer,8/0")  # line 6: bad fraction
    _replace(
        folder / "rights.csv", "W2,C,composer,,2020-01-01", "W2,C,composer,,2020-13-01"
    )  # line 4: bad date
    _replace(folder / "usage_broadcast.csv", "W1,2,1,1", "W1,-2,1,1")  # line 2: negative count
    _replace(folder / "parties.csv", "C,Composer C,member", "A,Composer C,member")  # line 4: duplicate id
    _replace(
        folder / "parties.csv", "N,Lyricist N,nonmember", "N,Lyricist N,alien"
    )  # line 5: unknown category
    _replace(folder / "usage_recording.csv", "W3,1,300,2,sale", "W3,1,3x0,2,sale")  # line 3: not a number
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    expected = [
        "parties.csv:2: party_id: duplicate id 'A'",
        "parties.csv:4: party_id: duplicate id 'A'",
        "parties.csv:5: category: unknown category 'alien' (expected one of: assignee, foreign, member, nonmember)",
        "rights.csv:3: role: unknown role 'lyrcist' (expected one of: arranger, composer, lyricist, publisher, "
        "translator)",
        "rights.csv:4: submitted_on: not a date YYYY-MM-DD: '2020-13-01'",
        "rights.csv:6: share: zero denominator in 8/0",
        "usage_broadcast.csv:2: use_count: negative number -2",
        "usage_recording.csv:3: units: not a whole number: '3x0'",
    ]
    for line in expected:
        assert line in problems, line
    # The references to the party that became a duplicate (C) are now unknown: reported too.
    assert "rights.csv:4: party_id: unknown party 'C'" in problems


def test_shares_above_twelve_twelfths(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _replace(folder / "rights.csv", "W3,P,publisher,4/12", "W3,P,publisher,5/12")
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    assert problems == ["rights.csv:6: share: registered shares of work 'W3' add up to 13/12, above 12/12"]


def test_late_rows_do_not_count_towards_the_share_total(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A row submitted after the cut-off (June 20) is not counted, so 8/12 + 4/12 + late 4/12 is fine.
    with (folder / "rights.csv").open("a", encoding="utf-8") as handle:
        handle.write("W3,B,publisher,4/12,2026-06-25,2026-01-01,\n")
    out = tmp_path / "out"
    assert main(["prc", "run", str(folder), "--out", str(out), "--quiet"]) == 0


def test_unknown_references_and_use_types(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _replace(folder / "usage_broadcast.csv", "W3,5,1,1,,background", "W9,5,1,1,,backround")
    _replace(folder / "usage_recording.csv", "W1,1,100,1,sale", "W1,1,100,1,retail")
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    assert "usage_broadcast.csv:4: work_id: unknown work 'W9'" in problems
    assert any(
        p.startswith("usage_broadcast.csv:4: use_type: unknown use type 'backround'") for p in problems
    )
    assert any(p.startswith("usage_recording.csv:2: purpose: unknown purpose 'retail'") for p in problems)


def test_period_file_problems(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _replace(folder / "period.toml", 'literary_ratio = "5/100"', 'literary_ratio = "five percent"')
    _replace(folder / "period.toml", "claim_fee_yen = 500", "claim_fees_yen = 500")
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    assert "period.toml:0: claim_fee_yen: missing key" in problems
    assert "period.toml:6: claim_fees_yen: unknown key" in problems
    assert any(p.startswith("period.toml:4: literary_ratio: not a fraction") for p in problems)


def test_negative_music_fund_is_refused(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _replace(folder / "period.toml", "nonmember_balance_yen = -100", "nonmember_balance_yen = -2000000")
    out = tmp_path / "out"
    assert main(["prc", "run", str(folder), "--out", str(out), "--quiet"]) == 3
    assert "negative" in capsys.readouterr().err
    assert not out.exists()


def test_more_fields_than_the_header(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _replace(folder / "works.csv", "W2,Two,,", "W2,Two,,,extra")
    code, problems = _run(folder, tmp_path, capsys)
    assert code == 2
    assert problems == ["works.csv:3: *: 5 fields where the header has 4"]
