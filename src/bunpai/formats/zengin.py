"""Zengin (全銀協) 総合振込 transfer files, and the bank and branch codes they use.

The file is fixed-width, 120 bytes per record, Shift_JIS (half-width katakana for names),
records separated by CRLF: a header (データ区分 1), one data record per transfer (2), a trailer
with the count and total (8) and an end record (9). Bank and branch codes are checked against the
published zengin data set (the ``zengin-code`` package's data files, read directly).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import unicodedata
from dataclasses import dataclass
from importlib import util
from pathlib import Path

RECORD_BYTES = 120


@dataclass(frozen=True)
class Account:
    bank_code: str
    branch_code: str
    account_type: str  # 1 普通, 2 当座, 4 貯蓄
    account_number: str
    holder_kana: str


@dataclass(frozen=True)
class Transfer:
    payee_id: str
    account: Account
    amount_yen: int


def _data_dir() -> Path | None:
    spec = util.find_spec("zengin_code")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "source-data" / "data"
    return folder if folder.is_dir() else None


@functools.lru_cache(maxsize=1)
def _banks() -> dict[str, dict[str, str]]:
    folder = _data_dir()
    if folder is None:
        return {}
    data: dict[str, dict[str, str]] = json.loads((folder / "banks.json").read_text(encoding="utf-8"))
    return data


@functools.lru_cache(maxsize=256)
def _branches(bank_code: str) -> dict[str, dict[str, str]]:
    folder = _data_dir()
    if folder is None:
        return {}
    path = folder / "branches" / f"{bank_code}.json"
    if not path.is_file():
        return {}
    data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def zengin_data_version() -> str | None:
    folder = _data_dir()
    if folder is None:
        return None
    stamp = folder / "updated_at"
    return stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else "unknown"


def bank_name_kana(bank_code: str) -> str | None:
    bank = _banks().get(bank_code)
    return bank["kana"] if bank else None


def branch_name_kana(bank_code: str, branch_code: str) -> str | None:
    branch = _branches(bank_code).get(branch_code)
    return branch["kana"] if branch else None


def account_problems(account: Account) -> list[tuple[str, str]]:
    """(column, problem) for an account whose codes are not in the published data set."""
    problems = []
    if not (len(account.bank_code) == 4 and account.bank_code.isdigit()):
        problems.append(("bank_code", f"a bank code has 4 digits: '{account.bank_code}'"))
    elif _banks() and account.bank_code not in _banks():
        problems.append(("bank_code", f"unknown bank code '{account.bank_code}' (zengin data {zengin_data_version()})"))
    if not (len(account.branch_code) == 3 and account.branch_code.isdigit()):
        problems.append(("branch_code", f"a branch code has 3 digits: '{account.branch_code}'"))
    elif account.bank_code in _banks() and account.branch_code not in _branches(account.bank_code):
        problems.append(("branch_code", f"unknown branch '{account.branch_code}' of bank '{account.bank_code}'"))
    if account.account_type not in ("1", "2", "4", "9"):
        problems.append(
            ("account_type", f"account type is 1 (普通), 2 (当座), 4 (貯蓄) or 9: '{account.account_type}'")
        )
    if not (account.account_number.isdigit() and 1 <= len(account.account_number) <= 7):
        problems.append(("account_number", f"an account number has up to 7 digits: '{account.account_number}'"))
    if not half_width_kana(account.holder_kana).strip():
        problems.append(("account_holder", "the account holder's name (kana) is needed"))
    return problems


def _kana_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code in range(0xFF61, 0xFFA0):
        half = chr(code)
        table.setdefault(unicodedata.normalize("NFKC", half), half)
    for code in range(0xFF66, 0xFF9E):
        for mark in ("\uff9e", "\uff9f"):
            full = unicodedata.normalize("NFKC", chr(code) + mark)
            if len(full) == 1:
                table[full] = chr(code) + mark
    small = "ァィゥェォャュョッヮ"
    large = "アイウエオヤユヨツワ"
    for s, big in zip(small, large, strict=True):
        table[s] = table[big]
    table["ー"] = "-"
    table["ヴ"] = "ｳﾞ"
    return table


_KANA = _kana_table()


def half_width_kana(text: str) -> str:
    """A name as Zengin writes it: half-width katakana, upper-case ASCII, no small kana."""
    out = []
    for char in text:
        if "ぁ" <= char <= "ゖ":
            char = chr(ord(char) + 0x60)
        if char in _KANA:
            out.append(_KANA[char])
            continue
        normal = unicodedata.normalize("NFKC", char)
        if normal in _KANA:
            out.append(_KANA[normal])
        elif normal.isascii():
            out.append(normal.upper())
        else:
            out.append(" ")
    return "".join(out)


def _field(text: str, width: int) -> bytes:
    data = half_width_kana(text).encode("cp932", errors="replace")[:width]
    return data.ljust(width, b" ")


def _number(value: int | str, width: int) -> bytes:
    text = str(value)
    if not text.isdigit() or len(text) > width:
        raise ValueError(f"{value!r} does not fit {width} digits")
    return text.rjust(width, "0").encode("ascii")


def transfer_file(
    *,
    requester_code: str,
    requester_name: str,
    transfer_date: dt.date,
    source: Account,
    transfers: list[Transfer],
) -> bytes:
    """A 総合振込 file (type 21) for ``transfers`` from the ``source`` account, CRLF, Shift_JIS."""
    header = (
        b"1"
        + b"21"
        + b"0"
        + _number(requester_code, 10)
        + _field(requester_name, 40)
        + transfer_date.strftime("%m%d").encode("ascii")
        + _number(source.bank_code, 4)
        + _field(bank_name_kana(source.bank_code) or "", 15)
        + _number(source.branch_code, 3)
        + _field(branch_name_kana(source.bank_code, source.branch_code) or "", 15)
        + source.account_type.encode("ascii")
        + _number(source.account_number, 7)
        + b" " * 17
    )
    records = [header]
    total = 0
    for transfer in transfers:
        account = transfer.account
        total += transfer.amount_yen
        records.append(
            b"2"
            + _number(account.bank_code, 4)
            + _field(bank_name_kana(account.bank_code) or "", 15)
            + _number(account.branch_code, 3)
            + _field(branch_name_kana(account.bank_code, account.branch_code) or "", 15)
            + b" " * 4
            + account.account_type.encode("ascii")
            + _number(account.account_number, 7)
            + _field(account.holder_kana, 30)
            + _number(transfer.amount_yen, 10)
            + b"0"
            + _field(transfer.payee_id, 10)
            + b" " * 10
            + b"7"
            + b" "
            + b" " * 7
        )
    records.append(b"8" + _number(len(transfers), 6) + _number(total, 12) + b" " * 101)
    records.append(b"9" + b" " * 119)
    for record in records:
        if len(record) != RECORD_BYTES:
            raise ValueError(f"a Zengin record of {len(record)} bytes: {record[:20]!r}")
    return b"\r\n".join(records) + b"\r\n"
