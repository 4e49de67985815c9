"""Conservation: every yen that came in is paid, held or carried — proven on every run."""

from __future__ import annotations

from collections.abc import Mapping


class ConservationError(RuntimeError):
    """The distribution does not balance; nothing may be written."""


def conservation_failures(s: Mapping[str, int], floored_items: int) -> list[str]:
    """The identities that do not hold for a period's summary (an empty list when it balances)."""
    checks = [
        ("receipt = literary + music", s["receipt_yen"], s["literary_yen"] + s["music_yen"]),
        (
            "music fund in = music + fraction carried in + non-member balance carried in",
            s["music_fund_in_yen"],
            s["music_yen"] + s["carry_in_fraction_yen"] + s["carry_in_nonmember_balance_yen"],
        ),
        (
            "music fund in = member fund + non-member fund",
            s["music_fund_in_yen"],
            s["member_fund_yen"] + s["nonmember_fund_yen"],
        ),
        (
            "member fund = statement lines + held + carried out",
            s["member_fund_yen"],
            s["lines_total_yen"]
            + s["held_total_yen"]
            + s["carry_out_fraction_yen"]
            + s["carry_out_undistributed_yen"],
        ),
        ("statement lines = fees + net", s["lines_total_yen"], s["fees_total_yen"] + s["net_total_yen"]),
        (
            "non-member balance out = non-member fund − claims paid",
            s["nonmember_balance_out_yen"],
            s["nonmember_fund_yen"] - s["claims_paid_gross_yen"],
        ),
        (
            "claims paid = claim fees + claim tax + claims net",
            s["claims_paid_gross_yen"],
            s["claims_fee_yen"] + s["claims_tax_yen"] + s["claims_net_yen"],
        ),
    ]
    failures = [f"{name}: {left} ≠ {right}" for name, left, right in checks if left != right]
    may_be_negative = ("nonmember_balance_out_yen", "carry_in_nonmember_balance_yen")
    for key, value in s.items():
        if key.endswith("_yen") and key not in may_be_negative and value < 0:
            failures.append(f"{key} is negative: {value}")
    if s["carry_out_fraction_yen"] > 0 and s["carry_out_fraction_yen"] >= floored_items:
        failures.append(
            f"the sub-yen carry {s['carry_out_fraction_yen']} is not below the {floored_items} amounts floored"
        )
    return failures


def check_conservation(s: Mapping[str, int], floored_items: int) -> None:
    failures = conservation_failures(s, floored_items)
    if failures:
        raise ConservationError("the distribution does not balance: " + "; ".join(failures))
