"""What real users send: Shift_JIS/CP932, a BOM, CRLF, full-width digits, blanks around values."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bunpai.cli.main import main

EXAMPLE = Path(__file__).parent.parent / "data" / "prc" / "example"


def _summary(folder: Path, out: Path) -> dict[str, object]:
    assert main(["prc", "run", str(folder), "--out", str(out), "--quiet"]) == 0
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_cp932_bom_crlf_and_full_width_give_the_same_result(tmp_path: Path) -> None:
    plain = _summary(EXAMPLE, tmp_path / "plain")
    messy = tmp_path / "messy"
    shutil.copytree(EXAMPLE, messy)
    # Japanese names in Shift_JIS (CP932) with CRLF line ends.
    parties = (EXAMPLE / "parties.csv").read_text(encoding="utf-8").replace("Composer A", "作曲 太郎")
    (messy / "parties.csv").write_bytes(parties.replace("\n", "\r\n").encode("cp932"))
    # Full-width digits, a full-width slash and blanks around values, with a UTF-8 BOM.
    rights = (EXAMPLE / "rights.csv").read_text(encoding="utf-8")
    rights = rights.replace("W3,A,composer,8/12", "W3, A ,composer,８／１２").replace(
        "W3,P,publisher,4/12", "W3,P,publisher,４/12"
    )
    (messy / "rights.csv").write_bytes(b"\xef\xbb\xbf" + rights.encode("utf-8"))
    usage = (EXAMPLE / "usage_broadcast.csv").read_text(encoding="utf-8").replace("W1,2,1,1", "W1,２,1,1")
    (messy / "usage_broadcast.csv").write_text(usage.replace("\n", "\r\n"), encoding="utf-8")
    messy_summary = _summary(messy, tmp_path / "messy-out")
    for key in ("lines_total_yen", "fees_total_yen", "claims_paid_gross_yen", "carry_out_fraction_yen"):
        assert messy_summary[key] == plain[key]
    lines_plain = (tmp_path / "plain" / "statement_lines.csv").read_bytes()
    lines_messy = (tmp_path / "messy-out" / "statement_lines.csv").read_bytes()
    assert lines_plain == lines_messy


def test_decimal_ratios_equal_fractions(tmp_path: Path) -> None:
    plain = _summary(EXAMPLE, tmp_path / "plain")
    decimals = tmp_path / "decimals"
    shutil.copytree(EXAMPLE, decimals)
    text = (decimals / "period.toml").read_text(encoding="utf-8")
    (decimals / "period.toml").write_text(
        text.replace('literary_ratio = "5/100"', "literary_ratio = 0.05").replace(
            'admin_fee_rate = "1/10"', 'admin_fee_rate = "0.1"'
        ),
        encoding="utf-8",
    )
    usage = (decimals / "usage_broadcast.csv").read_text(encoding="utf-8").replace("1/4", "0.25")
    (decimals / "usage_broadcast.csv").write_text(usage, encoding="utf-8")
    assert _summary(decimals, tmp_path / "dec-out") == plain


def test_undecodable_bytes_are_refused_with_the_file_named(tmp_path: Path, capsys: object) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(EXAMPLE, broken)
    (broken / "works.csv").write_bytes(b"work_id,title,music_expired,lyrics_expired\nW1,\xff\xfe\x80\x81,,\n")
    assert main(["prc", "run", str(broken), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert not (tmp_path / "out").exists()


def test_quoted_empty_cells_are_empty(tmp_path: Path) -> None:
    plain = _summary(EXAMPLE, tmp_path / "plain")
    quoted = tmp_path / "quoted"
    shutil.copytree(EXAMPLE, quoted)
    rights = (EXAMPLE / "rights.csv").read_text(encoding="utf-8").replace(",,", ',"",')
    (quoted / "rights.csv").write_text(rights, encoding="utf-8")
    usage = (EXAMPLE / "usage_broadcast.csv").read_text(encoding="utf-8").replace(",,", ',"",')
    (quoted / "usage_broadcast.csv").write_text(usage, encoding="utf-8")
    assert ',"",' in rights and ',"",' in usage
    assert _summary(quoted, tmp_path / "quoted-out") == plain
