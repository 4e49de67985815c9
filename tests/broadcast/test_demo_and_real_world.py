"""The demo quarter runs end to end; real-world CSV quirks are read as the contract means them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bunpai.cli.main import main

EXAMPLE = Path(__file__).parent.parent / "data" / "broadcast" / "example"


def test_demo_quarter_end_to_end(tmp_path: Path) -> None:
    folder = tmp_path / "input"
    assert main(["broadcast", "demo", str(folder), "--works", "300", "--lines", "4000", "--seed", "7"]) == 0
    result = tmp_path / "result"
    assert main(["broadcast", "run", str(folder), "--out", str(result), "--quiet"]) == 0
    summary = json.loads((result / "summary.json").read_text(encoding="utf-8"))
    assert summary["balanced"] is True and summary["held_total_yen"] > 0
    statements = tmp_path / "statements"
    assert (
        main(["broadcast", "statements", str(result), "--input", str(folder), "--out", str(statements), "--no-pdf"])
        == 0
    )
    assert (statements / "zengin" / "transfers.txt").stat().st_size > 0
    assert sorted(p.name for p in (statements / "crd").iterdir())  # the foreign members' societies
    # Same seed, same files.
    again = tmp_path / "again"
    assert main(["broadcast", "demo", str(again), "--works", "300", "--lines", "4000", "--seed", "7"]) == 0
    for path in folder.iterdir():
        assert path.read_bytes() == (again / path.name).read_bytes(), path.name


def test_quoted_empty_cells_crlf_bom_and_cp932(tmp_path: Path) -> None:
    folder = tmp_path / "input"
    shutil.copytree(EXAMPLE, folder)
    usage = (folder / "usage.csv").read_text(encoding="utf-8")
    usage = usage.replace("L2,S1,,unidentified,30,background,,", 'L2,S1,"",unidentified,30,background,"",""')
    (folder / "usage.csv").write_bytes(b"\xef\xbb\xbf" + usage.replace("\n", "\r\n").encode("utf-8"))
    parties = (folder / "parties.csv").read_text(encoding="utf-8").replace("A,A,member,", "A,作曲者Ａ,member,")
    (folder / "parties.csv").write_bytes(parties.encode("cp932"))
    out = tmp_path / "out"
    assert main(["broadcast", "run", str(folder), "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["lines_total_yen"], summary["held_total_yen"], summary["fees_total_yen"]) == (850, 150, 85)
