"""`bunpai prc trace`: every yen of a statement line back to its usage lines and rules."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from bunpai.cli.main import main
from bunpai.services.prc_trace import TraceError, trace_line

EXAMPLE = Path(__file__).parent.parent / "data" / "prc" / "example"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("trace") / "out"
    assert main(["prc", "run", str(EXAMPLE), "--out", str(out), "--quiet"]) == 0
    return out


def test_trace_of_a_publisher_work(result: Path) -> None:
    trace = trace_line(EXAMPLE, result, "A", "W3")
    broadcast = trace.usage["broadcast"]
    assert [(u.file, u.line, u.counted) for u in broadcast] == [("usage_broadcast.csv", 4, False)]
    assert "background" in broadcast[0].reason
    assert trace.raw_points == {"broadcast": 0, "recording": 300, "rental": 100}
    assert trace.share == Fraction(8, 12) and trace.share_row == 7
    # 507,818.16 × 300/400 × 8/12 + 300,929.28 × 8/12 = 454,528.6
    assert trace.exact_yen == Fraction(4545286, 10)
    assert trace.gross_yen == trace.recorded_gross_yen == 454_528


def test_trace_with_a_nonmember_co_holder(result: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prc", "trace", str(EXAMPLE), str(result), "--party", "C", "--work", "W2"]) == 0
    out = capsys.readouterr().out
    assert "usage_broadcast.csv:3" in out
    assert "rights.csv:5  N" in out and "lyricist" in out
    assert "basic 6/12" in out
    assert "Matches statement_lines.csv (87,771 yen)" in out


def test_trace_refuses_unknown_party_and_work(result: Path) -> None:
    with pytest.raises(TraceError, match="unknown party"):
        trace_line(EXAMPLE, result, "Z", "W1")
    with pytest.raises(TraceError, match="unknown work"):
        trace_line(EXAMPLE, result, "A", "W9")
