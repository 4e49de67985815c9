"""Statements, CRD and Zengin files from a run's output; withholding for individuals."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from bunpai.cli.main import main
from bunpai.core.broadcast.rules import Withholding
from bunpai.formats.zengin import Account, account_problems, half_width_kana
from bunpai.rules import broadcast_ruleset_for

EXAMPLE = Path(__file__).parent.parent / "data" / "broadcast" / "example"

PARTIES = """party_id,name,category,society,kind,bank_code,branch_code,account_type,account_number,account_holder
A,山田 太郎,member,,individual,0001,001,1,1234567,ヤマダ タロウ
N,N,nonmember,,,,,,,
F,John Smith,foreign,052,,,,,,
"""
RIGHTS = """work_id,party_id,role,right,share,submitted_on,valid_from,valid_to
W1,A,composer,performing,50/100,2020-01-01,2020-01-01,
W1,N,lyricist,performing,50%,2020-01-01,2020-01-01,
W1,A,composer,mechanical,3/4,2020-01-01,2020-01-01,
W1,F,lyricist,mechanical,1/4,2020-01-01,2020-01-01,
"""


@pytest.fixture
def quarter(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLE, folder)
    (folder / "parties.csv").write_text(PARTIES, encoding="utf-8")
    (folder / "rights.csv").write_text(RIGHTS, encoding="utf-8")
    result = tmp_path / "result"
    assert main(["broadcast", "run", str(folder), "--out", str(result), "--quiet"]) == 0
    return folder, result


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_statements_payments_crd_and_zengin(quarter: tuple[Path, Path], tmp_path: Path) -> None:
    folder, result = quarter
    out = tmp_path / "statements"
    assert main(["broadcast", "statements", str(result), "--input", str(folder), "--out", str(out)]) == 0
    payments = {r["payee_id"]: r for r in _rows(out / "payments.csv")}
    # Mechanical 250: A 3/4 → 187, F (through society 052) 1/4 → 62; performing 600 to A. A: 787, fee 78, net 709.
    assert (payments["A"]["gross_yen"], payments["A"]["fee_yen"]) == ("787", "78")
    # An individual: 10.21 % of the net 709 → 72 withheld (floored), 637 paid by bank transfer.
    assert (payments["A"]["withholding_yen"], payments["A"]["payable_yen"], payments["A"]["method"]) == (
        "72",
        "637",
        "zengin",
    )
    assert (payments["052"]["gross_yen"], payments["052"]["pay_date"], payments["052"]["method"]) == (
        "62",
        "2027-01-10",
        "crd",
    )
    assert payments["052"]["withholding_yen"] == "0"
    for payee in ("A", "052"):
        assert (out / "statements" / f"{payee}.csv").is_file()
        pdf = (out / "statements" / f"{payee}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and b"HeiseiKakuGo-W5" in pdf
    lines = _rows(out / "statements" / "A.csv")
    assert sum(int(r["gross_yen"]) for r in lines) == 787

    crd = (out / "crd" / "052.crd").read_bytes().decode("ascii").split("\r\n")
    kinds = [line[:3] for line in crd if line]
    assert kinds == ["HDR", "GRH", "SDN", "MWN", "MIP", "WER", "GRT", "TRL"]
    assert "20270110" in crd[0]  # dated one month after the domestic distribution
    sdn = crd[2]
    assert sdn[19:22] == "038" and sdn[22:25] == "052"

    zengin = (out / "zengin" / "transfers.txt").read_bytes()
    records = zengin.split(b"\r\n")[:-1]
    assert [r[:1] for r in records] == [b"1", b"2", b"8", b"9"]
    assert all(len(r) == 120 for r in records)
    assert records[1][80:90] == b"0000000637"
    assert records[2][1:7] == b"000001" and records[2][7:19] == b"000000000637"
    assert "ﾔﾏﾀﾞ ﾀﾛｳ" in records[1].decode("cp932")


def test_unknown_bank_and_branch_are_refused(
    quarter: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, result = quarter
    text = (folder / "parties.csv").read_text(encoding="utf-8").replace("0001,001", "0001,999")
    (folder / "parties.csv").write_text(text, encoding="utf-8")
    out = tmp_path / "statements"
    code = main(["broadcast", "statements", str(result), "--input", str(folder), "--out", str(out)])
    assert code == 2
    assert not out.exists()
    err = capsys.readouterr().err
    # The input no longer matches the run's recorded digests: refused before anything else.
    assert "parties.csv:0: *: differs from the input of this result" in err
    # Run again on the changed input: the branch is located and refused.
    rerun = tmp_path / "rerun"
    assert main(["broadcast", "run", str(folder), "--out", str(rerun), "--quiet"]) == 0
    assert main(["broadcast", "statements", str(rerun), "--input", str(folder), "--out", str(out)]) == 2
    assert not out.exists()
    assert "parties.csv:2: branch_code: unknown branch '999' of bank '0001'" in capsys.readouterr().err


def test_account_checks_against_the_zengin_data() -> None:
    assert account_problems(Account("0001", "001", "1", "1234567", "ﾔﾏﾀﾞ")) == []
    assert [c for c, _ in account_problems(Account("9998", "001", "1", "1234567", "ﾔﾏﾀﾞ"))] == ["bank_code"]
    assert [c for c, _ in account_problems(Account("0001", "999", "1", "1234567", "ﾔﾏﾀﾞ"))] == ["branch_code"]
    assert [c for c, _ in account_problems(Account("0001", "001", "3", "12345678", ""))] == [
        "account_type",
        "account_number",
        "account_holder",
    ]
    assert half_width_kana("ヤマダ　ガッキ") == "ﾔﾏﾀﾞ ｶﾞﾂｷ"  # small kana are written large
    assert half_width_kana("ぱぴぷ abc") == "ﾊﾟﾋﾟﾌﾟ ABC"


def test_withholding_rates_are_rule_set_data() -> None:
    rule = broadcast_ruleset_for(dt.date(2026, 9, 30)).withholding
    assert rule.tax(10_000) == 1_021
    assert rule.tax(1_000_000) == 102_100
    assert rule.tax(1_500_000) == 102_100 + 102_100  # 20.42 % above one million
    custom = Withholding(frozenset({"individual"}), ((100, Fraction(1, 10)),), Fraction(1, 5))
    assert custom.tax(150) == 10 + 10


def test_statements_are_byte_identical_when_made_again(quarter: tuple[Path, Path], tmp_path: Path) -> None:
    folder, result = quarter
    first, second = tmp_path / "one", tmp_path / "two"
    assert main(["broadcast", "statements", str(result), "--input", str(folder), "--out", str(first)]) == 0
    assert main(["broadcast", "statements", str(result), "--input", str(folder), "--out", str(second)]) == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_statements_from_parquet_tables_equal_those_from_csv(quarter: tuple[Path, Path], tmp_path: Path) -> None:
    """``--tables parquet`` writes the statement lines in the compact layout; statements, CRD and
    Zengin files made from it are the bytes of those made from the CSV tables."""
    folder, result = quarter
    columnar = tmp_path / "result-parquet"
    assert main(["broadcast", "run", str(folder), "--out", str(columnar), "--quiet", "--tables", "parquet"]) == 0
    assert not (columnar / "statement_lines.csv").exists()
    assert sorted(p.name for p in (columnar / "statement_lines").iterdir()) == ["part-00000.parquet"]
    assert (columnar / "summary.json").read_bytes() == (result / "summary.json").read_bytes()
    assert (columnar / "payees.csv").read_bytes() == (result / "payees.csv").read_bytes()
    from_csv, from_parquet = tmp_path / "from-csv", tmp_path / "from-parquet"
    assert main(["broadcast", "statements", str(result), "--input", str(folder), "--out", str(from_csv)]) == 0
    assert main(["broadcast", "statements", str(columnar), "--input", str(folder), "--out", str(from_parquet)]) == 0
    files = sorted(p.relative_to(from_csv) for p in from_csv.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(from_parquet) for p in from_parquet.rglob("*") if p.is_file())
    for name in files:
        if name.suffix != ".pdf":  # PDFs carry their creation time
            assert (from_csv / name).read_bytes() == (from_parquet / name).read_bytes(), name
