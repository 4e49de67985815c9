"""`bunpai cwr check` and `bunpai cwr ack`: exit codes and output, on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bunpai.cli.main import main
from bunpai.formats.cwr import read_path

DATA = Path(__file__).resolve().parents[1] / "data" / "cwr"
FILES = sorted(p for p in DATA.iterdir() if p.suffix.lower() in (".v21", ".v22", ".sub", ".isr", ".txt"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_check_json_on_every_real_file(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cwr", "check", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"version", "sender", "accepted", "rejected", "messages"} <= report.keys()
    for m in report["messages"]:
        assert {"level", "record", "record_type", "text"} <= m.keys()
    cwr = read_path(path)
    assert (report["accepted"], report["rejected"]) == (len(cwr.accepted()), len(cwr.rejected_transactions()))


def test_check_text_lists_messages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cwr", "check", str(DATA / "django-music-publisher__CW220004DMP_000.V21")]) == 0
    out = capsys.readouterr().out
    assert "CWR 2.1" in out and "TEST PUBLISHER" in out
    assert "0 accepted" in out and "1 rejected" in out
    assert "XXX00" in out


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01binary\x00", b"just some text\n", b"\xff\xfe\x00H\x00D\x00R"],
    ids=["empty", "binary", "text", "utf16"],
)
def test_check_unreadable_exits_2(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "input.V21"
    f.write_bytes(content)
    assert main(["cwr", "check", str(f), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "cannot read" in captured.err and "Traceback" not in captured.err


def test_check_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cwr", "check", str(tmp_path / "nope.V21")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["cwr", "check", str(tmp_path)]) == 2
    assert "directory" in capsys.readouterr().err


def test_ack_writes_an_acknowledgement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "CW260001038_MPC.V21"
    src = DATA / "musicmetadata-edi__CW190001MPC_000.V21"
    assert main(["cwr", "ack", str(src), "--out", str(out)]) == 0
    assert "accepted (RA)" in capsys.readouterr().out
    raw = out.read_bytes()
    assert raw.endswith(b"\r\n") and b"\r\n" in raw[:200]
    ack = read_path(out)
    assert ack.sender_type == "SO" and ack.sender_id == "000000038"
    statuses = [t.acknowledgement.status for t in ack.accepted() if t.acknowledgement]
    checked = read_path(src)
    assert statuses.count("RA") == len(checked.accepted())
    assert statuses.count("RJ") == len(checked.rejected_transactions())
    msgs = [r for t in ack.transactions() for r in t.records if r.record_type == "MSG"]
    assert any("ALX" in r.text for r in msgs)


def test_ack_of_unreadable_file_exits_2(tmp_path: Path) -> None:
    f = tmp_path / "x.V21"
    f.write_text("hello")
    assert main(["cwr", "ack", str(f), "--out", str(tmp_path / "a")]) == 2
    assert not (tmp_path / "a").exists()
