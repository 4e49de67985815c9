"""Payees' bank accounts (振込口座) in the registry: read from a members' accounts file, checked against
the published zengin data set, stored one per party.

The file is the society's member-services export, UTF-8 or Shift_JIS CSV with a header:
``party,bank_code,branch_code,account_type,account_number,account_holder`` where ``party`` is the
party's IPI name number (11 digits) or a submitter's own number written ``SUBMITTER:NUMBER``.
Every problem is reported as ``file:line: column: problem``; nothing is stored when there is one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from bunpai.formats.tables import LINE, Problems, read_table
from bunpai.formats.zengin import Account, account_problems, half_width_kana
from bunpai.store import current_alias

COLUMNS = ["party", "bank_code", "branch_code", "account_type", "account_number", "account_holder"]


@dataclass(frozen=True)
class AccountsResult:
    stored: int
    replaced: int


def _find_party(key: str) -> Any:
    from bunpai.store import models as m

    if ":" in key:
        submitter, number = key.split(":", 1)
        ref = m.PartyReference.objects.filter(submitter=submitter, number=number).select_related("party").first()
        return ref.party if ref else None
    return m.Party.objects.filter(ipi_name=key.zfill(11)).first() if key.isdigit() else None


def import_accounts(path: Path, *, on: dt.date | None = None) -> AccountsResult:
    """Store the accounts of a file (one per party; a later file replaces a party's account)."""
    from bunpai.store import models as m

    problems = Problems()
    frame = read_table(path.parent, path.name, COLUMNS, [], problems)
    problems.raise_if_any()
    assert frame is not None
    rows: list[tuple[Any, Account]] = []
    for row in frame.iter_rows(named=True):
        line = int(row[LINE])
        key = (row["party"] or "").strip()
        party = _find_party(key) if key else None
        if party is None:
            problems.add(path.name, line, "party", f"no party with IPI name number or reference '{key}'")
            continue
        account = Account(
            (row["bank_code"] or "").strip(),
            (row["branch_code"] or "").strip(),
            (row["account_type"] or "").strip(),
            (row["account_number"] or "").strip(),
            half_width_kana(row["account_holder"] or ""),
        )
        for column, problem in account_problems(account):
            problems.add(path.name, line, column, problem)
        rows.append((party, account))
    problems.raise_if_any()
    day = on or dt.date.today()
    replaced = 0
    with transaction.atomic(using=current_alias()):
        for party, account in rows:
            _, created = m.BankAccount.objects.update_or_create(
                party=party,
                defaults={
                    "bank_code": account.bank_code,
                    "branch_code": account.branch_code,
                    "account_type": account.account_type,
                    "account_number": account.account_number.zfill(7),
                    "holder_kana": account.holder_kana[:30],
                    "updated_on": day,
                },
            )
            replaced += not created
    return AccountsResult(len(rows) - replaced, replaced)
