"""`bunpai identify` on files as users send them: the exact columns in and out."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bunpai.cli.main import main

WORKS = """work_id,title,alt_titles,creators,iswc
J001,夜に駆ける,ヨルニカケル,Ayase,T0345246801
J002,夜に駆ける,,山田 太郎,
J003,Lemon,レモン,米津玄師,
J004,東京ラブストーリー,トウキョウラブストーリー,小田和正|,
"""

USAGE = """line_id,title,creators,work_code,iswc
1,よるにかける (TV size),AYASE,,
2,夜に駆ける,鈴木一郎,,
3,Lemmon,米津 玄師,,
4,,,,T-034.524.680-1
5,Unknown Melody,Nobody,,
6,よるにかける (TV size),AYASE,,
7,ﾄｳｷｮｳﾗﾌﾞｽﾄｰﾘｰ,小田 和正,,
"""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_identify_writes_one_match_per_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "works.csv").write_text(WORKS, encoding="utf-8")
    # a station's file: Shift_JIS, CRLF, full-width digits in the line ids
    usage = USAGE.replace("\n", "\r\n").replace("3,Lemmon", "３,Lemmon")
    (tmp_path / "usage.csv").write_bytes(usage.encode("cp932"))
    out = tmp_path / "matches.csv"
    code = main(
        [
            "identify",
            "--works",
            str(tmp_path / "works.csv"),
            "--usage",
            str(tmp_path / "usage.csv"),
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    rows = _rows(out)
    assert list(rows[0]) == ["line_id", "work_id", "score", "decision"]
    got = {r["line_id"]: (r["work_id"], r["decision"]) for r in rows}
    assert got == {
        "1": ("J001", "auto"),
        "2": (got["2"][0], "review"),
        "3": ("J003", "auto"),
        "4": ("J001", "auto"),
        "5": ("", "none"),
        "6": ("J001", "auto"),
        "7": ("J004", "auto"),
    }
    assert got["2"][0] in {"J001", "J002"}
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)
    first = out.read_bytes()
    assert (
        main(
            [
                "identify",
                "--works",
                str(tmp_path / "works.csv"),
                "--usage",
                str(tmp_path / "usage.csv"),
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    assert out.read_bytes() == first  # reproducible


def test_bad_usage_file_writes_nothing_and_names_every_problem(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "works.csv").write_text(WORKS, encoding="utf-8")
    (tmp_path / "usage.csv").write_text("line_id,title\n1,Lemon\n1,Lemon again\n2,\n", encoding="utf-8")
    out = tmp_path / "matches.csv"
    code = main(
        ["identify", "--works", str(tmp_path / "works.csv"), "--usage", str(tmp_path / "usage.csv"), "--out", str(out)]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "usage.csv:3: line_id: duplicate line_id '1'" in err
    assert "usage.csv:4: title: no title, work_code or iswc" in err
    assert not out.exists()


def test_performers_column_of_the_works_file_settles_a_line_naming_the_performer(tmp_path: Path) -> None:
    works = WORKS.replace("alt_titles,creators,iswc\n", "alt_titles,creators,iswc,performers\n")
    works = works.replace("Ayase,T0345246801\n", "Ayase,T0345246801,YOASOBI\n")
    (tmp_path / "works.csv").write_text(works, encoding="utf-8")
    (tmp_path / "usage.csv").write_text(
        "line_id,title,creators,work_code,iswc\n1,夜に駆ける,YOASOBI,,\n2,夜に駆ける,LiSA,,\n", encoding="utf-8"
    )
    out = tmp_path / "matches.csv"
    args = ["identify", "--works", str(tmp_path / "works.csv"), "--usage", str(tmp_path / "usage.csv")]
    assert main([*args, "--out", str(out), "--quiet"]) == 0
    got = {r["line_id"]: (r["work_id"], r["score"], r["decision"]) for r in _rows(out)}
    # YOASOBI recorded J001, the one of the two works of this title; nobody recorded either by LiSA
    assert got["1"] == ("J001", "0.900", "auto")
    assert got["2"][2] == "review"


def test_a_number_of_processes_below_one_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "works.csv").write_text(WORKS, encoding="utf-8")
    (tmp_path / "usage.csv").write_text(USAGE, encoding="utf-8")
    out = tmp_path / "matches.csv"
    for bad in ("0", "two"):
        args = ["identify", "--works", str(tmp_path / "works.csv"), "--usage", str(tmp_path / "usage.csv")]
        with pytest.raises(SystemExit) as exited:
            main([*args, "--out", str(out), "--processes", bad])
        assert exited.value.code == 2
        assert f"a whole number of processes, at least 1: '{bad}'" in capsys.readouterr().err
    assert not out.exists()
