"""Properties over random quarters: the columnar engine equals the row-by-row rules, and every run
balances, pays nothing negative, ignores row order and repeats itself byte for byte."""

from __future__ import annotations

import random
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bunpai.core.broadcast.conservation import conservation_failures
from bunpai.core.broadcast.reference import distribute
from bunpai.engine.broadcast import distribute_frames, quarter_input_from_frames, result_from_outcome
from bunpai.formats.broadcast_input import read_input
from bunpai.rules import broadcast_ruleset_for, prc_ruleset_for
from bunpai.services.broadcast import compute_quarter, write_run
from tests.broadcast.factory import write_folder
from tests.broadcast.strategies import quarters

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _folder(root: Path, data: dict[str, Any], name: str = "in") -> Path:
    return write_folder(root / name, **data)


@SETTINGS
@given(quarters())
def test_engine_equals_row_by_row_rules(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        frames, rules = read_input(_folder(Path(tmp), data), rules_for=broadcast_ruleset_for)
        table = prc_ruleset_for(frames.quarter.reference_date)
        fast = distribute_frames(frames, table, rules.label)
        slow = result_from_outcome(distribute(quarter_input_from_frames(frames), table, rules.label))
        for name in ("statement_lines", "payees", "held", "work_points"):
            a, b = getattr(fast, name), getattr(slow, name)
            if name == "statement_lines":
                a, b = a.collect(), b.collect()
            assert a.columns == b.columns, name
            assert a.rows() == b.rows(), name
        assert fast.summary == slow.summary
        # Made a few share rows at a time, the statement lines and totals are the same.
        chunked = distribute_frames(frames, table, rules.label, chunk_rows=2)
        assert chunked.statement_lines.collect().rows() == slow.statement_lines.collect().rows()
        # The compact layout's chunks, all held at once, are the same lines (each chunk is made in
        # arrays used again for the next one: what a chunk hands on must be its own).
        assert chunked.columnar is not None
        compact = chunked.columnar.statement_lines.collect()
        assert [
            (party, str(work), group, right, gross, Fraction(num, den))
            for party, work, group, right, gross, num, den in compact.select(
                "party_id", "work_id", "fund_group", "right", "gross_yen", "share_num", "share_den"
            ).iter_rows()
        ] == [
            (party, work, group, right, gross, Fraction(share))
            for party, work, group, right, gross, share in slow.statement_lines.collect()
            .select("party_id", "work_id", "fund_group", "right", "gross_yen", "share")
            .iter_rows()
        ]
        assert chunked.summary == slow.summary
        assert chunked.payees.rows() == slow.payees.rows()


@SETTINGS
@given(quarters())
def test_every_run_balances_and_pays_nothing_negative(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run = compute_quarter(_folder(Path(tmp), data))
        result = run.result
        assert conservation_failures(result.summary, int(result.payees["gross_yen"].sum())) == []
        for frame in (result.statement_lines.collect(), result.payees, result.held):
            for column in frame.columns:
                if column.endswith("_yen"):
                    assert frame[column].min() is None or frame[column].min() >= 0, column
        # What the floors leave in each fund is less than one yen per amount floored.
        for rights in result.summary["groups"].values():  # type: ignore[attr-defined]
            for fund in rights.values():
                if fund["points_total"] != "0/1":
                    assert 0 <= fund["carry_out_yen"] <= max(fund["floored_items"] - 1, 0) or fund["fund_in_yen"] == 0
        assert result.summary["amount_total_yen"] + result.summary["carry_in_total_yen"] == (  # type: ignore[operator]
            result.summary["lines_total_yen"] + result.summary["held_total_yen"] + result.summary["carry_out_total_yen"]  # type: ignore[operator]
        )


@SETTINGS
@given(quarters(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter_and_reruns_are_identical(data: dict[str, Any], rnd: random.Random) -> None:
    shuffled = dict(data)
    for key in ("parties", "stations", "rights", "usage"):
        rows = list(data[key])
        rnd.shuffle(rows)
        shuffled[key] = rows
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        outputs = []
        for name, content in (("a", data), ("b", shuffled), ("c", data)):
            run = compute_quarter(_folder(root, content, f"in-{name}"))
            write_run(run, root / f"out-{name}")
            files = {p.name: p.read_bytes() for p in (root / f"out-{name}").iterdir()}
            files.pop("inputs.json")  # digests of the (shuffled) input files differ by design
            outputs.append(files)
        assert outputs[0] == outputs[1] == outputs[2]
