"""The rule set carries the seed's values; money helpers are exact."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bunpai.core.money import MoneyError, floor_yen, parse_ratio, parse_yen
from bunpai.core.prc.claims import claim_deadline
from bunpai.core.prc.fees import admin_fee
from bunpai.core.prc.funds import FundError, split_period
from bunpai.core.prc.model import Period, Right
from bunpai.core.prc.rights import counts_on, documents_cutoff
from bunpai.core.rules import RuleSetError, select_ruleset
from bunpai.rules import prc_ruleset_for, prc_rulesets


def test_rule_set_holds_the_published_values() -> None:
    rules = prc_ruleset_for(dt.date(2026, 6, 30))
    assert rules.member_ratio == F(99, 100)
    assert dict(rules.fund_ratios) == {"broadcast": F(14, 100), "recording": F(54, 100), "rental": F(32, 100)}
    assert rules.documents_days_before == 10 and rules.claim_years == 2
    september = rules.distribution_month(9)
    march = rules.distribution_month(3)
    assert september is not None and september.reference_date(2026) == dt.date(2026, 6, 30)
    assert march is not None and march.reference_date(2027) == dt.date(2026, 12, 31)
    assert rules.patterns_for(["composer", "lyricist", "publisher"]).patterns == (  # type: ignore[union-attr]
        (F(4, 12), F(4, 12), F(4, 12)),
        (F(3, 12), F(3, 12), F(6, 12)),
        (F(4, 12), F(3, 12), F(5, 12)),
        (F(3, 12), F(4, 12), F(5, 12)),
    )


def test_no_rule_set_before_its_effective_date() -> None:
    with pytest.raises(RuleSetError):
        select_ruleset(prc_rulesets(), dt.date(2007, 8, 31))


def test_overrides_are_checked() -> None:
    rules = prc_rulesets()[0]
    assert rules.with_overrides({"fund_broadcast": F(20, 100), "fund_rental": F(26, 100)}).fund_ratios[
        "rental"
    ] == F(26, 100)
    with pytest.raises(RuleSetError, match="add up to 1"):
        rules.with_overrides({"fund_broadcast": F(20, 100)})


def test_documents_cutoff_and_counted_rows() -> None:
    reference = dt.date(2026, 6, 30)
    assert documents_cutoff(reference, 10) == dt.date(2026, 6, 20)
    on_time = Right("W", "A", "composer", None, dt.date(2026, 6, 20))
    late = Right("W", "A", "composer", None, dt.date(2026, 6, 21))
    ended = Right("W", "A", "composer", None, dt.date(2020, 1, 1), valid_to=dt.date(2026, 6, 29))
    future = Right("W", "A", "composer", None, dt.date(2020, 1, 1), valid_from=dt.date(2026, 7, 1))
    assert counts_on(on_time, reference, 10)
    assert not counts_on(late, reference, 10)
    assert not counts_on(ended, reference, 10)
    assert not counts_on(future, reference, 10)


def test_claim_deadline_two_years_and_leap_days() -> None:
    assert claim_deadline(dt.date(2024, 5, 1), 2) == dt.date(2026, 5, 1)
    assert claim_deadline(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("text", "value"),
    [("4/12", F(1, 3)), ("0.14", F(14, 100)), ("１／４", F(1, 4)), (" 3 ", F(3)), ("14%", F(14, 100))],
)
def test_parse_ratio(text: str, value: F) -> None:
    assert parse_ratio(text) == value


@pytest.mark.parametrize("text", ["-1/2", "1/0", "abc", "1.2.3", ""])
def test_parse_ratio_rejects(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_ratio(text)


def test_parse_yen() -> None:
    assert parse_yen("１,２３４") == 1234 and parse_yen("-100") == -100
    with pytest.raises(MoneyError):
        parse_yen("12.5")


@given(st.integers(0, 10**15), st.fractions(min_value=0, max_value=1))
def test_admin_fee_is_floored_and_never_above_gross(gross: int, rate: F) -> None:
    fee = admin_fee(gross, rate)
    assert 0 <= fee <= gross
    assert fee <= gross * rate < fee + 1


@given(st.integers(0, 10**13), st.integers(0, 100), st.integers(0, 1000), st.integers(-(10**6), 10**6))
def test_split_period_conserves_every_yen(
    receipt: int, literary_pct: int, fraction: int, balance: int
) -> None:
    period = Period(
        "2026-09", dt.date(2026, 6, 30), receipt, F(literary_pct, 100), F(0), 0, F(0), fraction, balance
    )
    rules = prc_rulesets()[0]
    try:
        split = split_period(period, rules)
    except FundError:
        assert receipt - floor_yen(receipt * F(literary_pct, 100)) + fraction + balance < 0
        return
    assert split.literary_yen + split.music_yen == receipt
    assert split.music_fund_in_yen == split.music_yen + fraction + balance
    assert split.member_fund_yen + split.nonmember_fund_yen == split.music_fund_in_yen
    assert sum(split.fund_amounts.values()) == split.member_fund_yen
    assert split.nonmember_fund_yen == floor_yen(split.music_fund_in_yen * F(1, 100))
