"""Properties over random periods: the columnar engine equals the row-by-row rules, and every
run balances, pays nothing negative, ignores row order and repeats itself byte for byte."""

from __future__ import annotations

import random
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from bunpai.core.prc.conservation import conservation_failures
from bunpai.core.prc.reference import distribute, floored_items, raw_points_by_work, work_shares
from bunpai.engine.prc import distribute_frames, period_input_from_frames, result_from_outcome
from bunpai.formats.prc_input import read_input
from bunpai.rules import prc_ruleset_for
from bunpai.services.prc import compute_period, write_period
from tests.prc.factory import write_folder
from tests.prc.strategies import periods

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _folder(root: Path, data: dict[str, Any], name: str = "in") -> Path:
    return write_folder(root / name, **data)


def _frames_equal(left: Any, right: Any) -> None:
    for name in ("statement_lines", "payees", "holders", "held", "work_points", "claims", "review"):
        a, b = getattr(left, name), getattr(right, name)
        assert a.columns == b.columns, name
        assert a.rows() == b.rows(), name
    assert left.summary == right.summary
    assert left.floored_items == right.floored_items


@SETTINGS
@given(periods())
def test_engine_equals_row_by_row_rules(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        frames, rules = read_input(_folder(Path(tmp), data), rules_for=prc_ruleset_for)
        fast = distribute_frames(frames, rules)
        outcome = distribute(period_input_from_frames(frames), rules)
        _frames_equal(fast, result_from_outcome(outcome, floored_items(outcome)))


@SETTINGS
@given(periods())
def test_every_run_balances_and_pays_nothing_negative(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run = compute_period(_folder(Path(tmp), data))
        result = run.result
        assert conservation_failures(result.summary, result.floored_items) == []  # type: ignore[arg-type]
        for frame in (result.statement_lines, result.payees, result.held, result.claims):
            for column in frame.columns:
                if column.endswith("_yen"):
                    assert frame[column].min() is None or frame[column].min() >= 0, column
        # The sub-yen carry is smaller than the number of amounts that were floored.
        carry = result.summary["carry_out_fraction_yen"]
        assert 0 <= carry < result.statement_lines.height + result.held.height + 1  # type: ignore[operator]
        # Everything paid to payees is what the statement lines say.
        assert result.payees["gross_yen"].sum() == result.statement_lines["gross_yen"].sum()


@SETTINGS
@given(periods(), __import__("hypothesis.strategies", fromlist=["randoms"]).randoms(use_true_random=False))
def test_row_order_does_not_matter_and_reruns_are_identical(data: dict[str, Any], rnd: random.Random) -> None:
    shuffled = dict(data)
    for key in ("parties", "works", "rights", "usage_broadcast", "usage_recording", "usage_rental", "claims"):
        rows = list(data[key])
        rnd.shuffle(rows)
        shuffled[key] = rows
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        outputs = []
        for name, content in (("a", data), ("b", shuffled), ("c", data)):
            run = compute_period(_folder(root, content, f"in-{name}"))
            write_period(run, root / f"out-{name}")
            outputs.append({p.name: p.read_bytes() for p in (root / f"out-{name}").iterdir()})
        assert outputs[0] == outputs[1] == outputs[2]


@SETTINGS
@given(periods())
def test_claims_never_pay_more_than_the_claimants_share(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        frames, rules = read_input(_folder(Path(tmp), data), rules_for=prc_ruleset_for)
        period_input = period_input_from_frames(frames)
        outcome = distribute(period_input, rules)
        raw = raw_points_by_work(period_input, rules)
        shares = work_shares(period_input, rules)
        parties = {p.party_id: p for p in period_input.parties}
        claims = {c.claim_id: c for c in period_input.claims}
        paid: dict[tuple[str, str], int] = {}
        for result in outcome.claims:
            if result.status != "paid":
                assert result.gross_yen == result.net_yen == 0
                continue
            claim = claims[result.claim_id]
            party = parties[claim.party_id]
            assert claim.fund not in party.paid_funds
            assert result.gross_yen - result.fee_yen - result.tax_yen == result.net_yen > 0
            key = (claim.work_id, claim.fund)
            paid[key] = paid.get(key, 0) + result.gross_yen
        for (work_id, fund), total in paid.items():
            rows, resolved = shares[work_id]
            not_paid_by_fund = sum(
                (
                    w
                    for r, w in zip(rows, resolved.weights, strict=True)
                    if w is not None and r.party_id is not None and fund not in parties[r.party_id].paid_funds
                ),
                Fraction(0),
            )
            price = outcome.summary[f"unit_price_{fund}"]
            assert isinstance(price, str)
            limit = Fraction(price) * raw[(work_id, fund)] * not_paid_by_fund
            assert total <= limit
