"""`bunpai trace` recomputes every statement line from its usage lines and rules."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings

from bunpai.cli.main import main
from bunpai.services.broadcast import compute_quarter, write_run
from bunpai.services.trace import trace
from tests.broadcast.factory import write_folder
from tests.broadcast.strategies import quarters

EXAMPLE = Path(__file__).parent.parent / "data" / "broadcast" / "example"


def test_trace_of_the_worked_example(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "out"
    assert main(["broadcast", "run", str(EXAMPLE), "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["trace", str(out), "--input", str(EXAMPLE), "--payee", "A", "--work", "W1", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    performing = next(s for s in document["statements"] if s["right"] == "performing")
    assert performing["statement_gross_yen"] == performing["recomputed_yen"] == 600
    assert performing["unit_price"] == "300/1"
    assert performing["basic_points"] == "1/2"
    assert [line["line_id"] for line in performing["lines"]] == ["L1"]
    assert performing["lines"][0]["points"] == "4/1"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quarters())
def test_every_statement_line_traces_back_to_its_yen(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_folder(Path(tmp) / "in", **data)
        run = compute_quarter(folder)
        write_run(run, Path(tmp) / "out")
        lines = run.result.statement_lines.collect()
        pairs = lines.select("payee_id", "work_id").unique().sort("payee_id", "work_id")
        for payee_id, work_id in pairs.iter_rows():
            t = trace(Path(tmp) / "out", folder, payee_id, work_id)
            expected = lines.filter(
                (pl.col("payee_id") == payee_id) & (pl.col("work_id") == work_id)
            ).height
            assert len(t.statements) == expected
            assert all(s.matches for s in t.statements)
