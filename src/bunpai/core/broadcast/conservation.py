"""Conservation of a broadcast quarter: every yen that came in is paid, held or carried."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ConservationError(RuntimeError):
    """The quarter does not balance; nothing may be written."""


def conservation_failures(summary: Mapping[str, Any], payees_gross_yen: int | None = None) -> list[str]:
    """The identities that do not hold (an empty list when the quarter balances)."""
    failures: list[str] = []

    def check(name: str, left: int, right: int) -> None:
        if left != right:
            failures.append(f"{name}: {left} ≠ {right}")

    lines = held = carry = fund_in = part = carry_in = 0
    for group_id, rights in summary["groups"].items():
        for right, f in rights.items():
            where = f"{group_id}/{right}"
            check(
                f"{where}: fund in = fees part + carry in", f["fund_in_yen"], f["amount_part_yen"] + f["carry_in_yen"]
            )
            check(
                f"{where}: fund in = lines + held + carry out",
                f["fund_in_yen"],
                f["lines_total_yen"] + f["held_total_yen"] + f["carry_out_yen"],
            )
            for key, value in f.items():
                if key.endswith("_yen") and value < 0:
                    failures.append(f"{where}: {key} is negative: {value}")
            if f["points_total"] != "0/1" and f["carry_out_yen"] > 0 and f["carry_out_yen"] >= f["floored_items"]:
                failures.append(
                    f"{where}: the sub-yen carry {f['carry_out_yen']} is not below "
                    f"the {f['floored_items']} amounts floored"
                )
            if f["points_total"] == "0/1" and f["carry_out_yen"] != f["fund_in_yen"]:
                failures.append(f"{where}: a fund without points must be carried whole")
            lines += f["lines_total_yen"]
            held += f["held_total_yen"]
            carry += f["carry_out_yen"]
            fund_in += f["fund_in_yen"]
            part += f["amount_part_yen"]
            carry_in += f["carry_in_yen"]
    check("fees collected = Σ fund parts", summary["amount_total_yen"], part)
    check("carry in = Σ funds' carry in", summary["carry_in_total_yen"], carry_in)
    check("funds in = Σ funds", summary["fund_in_total_yen"], fund_in)
    check("lines = Σ funds' lines", summary["lines_total_yen"], lines)
    check("held = Σ funds' held", summary["held_total_yen"], held)
    check("carry out = Σ funds' carry out", summary["carry_out_total_yen"], carry)
    check(
        "fees collected + carry in = lines + held + carry out",
        summary["amount_total_yen"] + summary["carry_in_total_yen"],
        summary["lines_total_yen"] + summary["held_total_yen"] + summary["carry_out_total_yen"],
    )
    check("lines = fees + net", summary["lines_total_yen"], summary["fees_total_yen"] + summary["net_total_yen"])
    if payees_gross_yen is not None:
        check("payees' gross = lines", payees_gross_yen, summary["lines_total_yen"])
    for key in ("fees_total_yen", "net_total_yen", "lines_total_yen", "held_total_yen"):
        if summary[key] < 0:
            failures.append(f"{key} is negative: {summary[key]}")
    return failures


def check_conservation(summary: Mapping[str, Any], payees_gross_yen: int | None = None) -> None:
    failures = conservation_failures(summary, payees_gross_yen)
    if failures:
        raise ConservationError("the quarter does not balance: " + "; ".join(failures))
