"""From a quarter's payees to what is paid: withholding for individuals, and how each is paid (§4.6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bunpai.core.broadcast.rules import Withholding
from bunpai.core.money import Yen

ZENGIN = "zengin"
CRD = "crd"
NO_ACCOUNT = "none"


@dataclass(frozen=True)
class Payment:
    payee_id: str
    name: str
    foreign_society: bool
    gross_yen: Yen
    fee_yen: Yen
    withholding_yen: Yen
    payable_yen: Yen
    pay_date: dt.date
    method: str


def withholding_for(
    *, net_yen: Yen, fee_yen: Yen, kind: str | None, foreign_society: bool, rule: Withholding, base: str = "net"
) -> Yen:
    """Income tax withheld from a domestic individual's payment (the rule set's rates and base)."""
    if foreign_society or kind not in rule.applies_to:
        return 0
    amount = net_yen if base == "net" else net_yen + fee_yen
    return rule.tax(amount)


def payment(
    *,
    payee_id: str,
    name: str,
    gross_yen: Yen,
    fee_yen: Yen,
    net_yen: Yen,
    pay_date: dt.date,
    foreign_society: bool,
    kind: str | None,
    has_account: bool,
    rule: Withholding,
    base: str = "net",
) -> Payment:
    if gross_yen - fee_yen != net_yen:
        raise ValueError(f"payee {payee_id}: gross − fee ≠ net")
    tax = withholding_for(
        net_yen=net_yen, fee_yen=fee_yen, kind=kind, foreign_society=foreign_society, rule=rule, base=base
    )
    method = CRD if foreign_society else (ZENGIN if has_account else NO_ACCOUNT)
    return Payment(payee_id, name, foreign_society, gross_yen, fee_yen, tax, net_yen - tax, pay_date, method)
