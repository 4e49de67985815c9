"""Texts written by the services in English, shown to people in their language (表示の翻訳).

The formats and engines write fixed English texts (the reasons of a rejected report line, the names
of the conservation identities). They stay English in files and logs; the pages pass them through
these functions, which translate them with the site's catalogue (``locale/ja``). A text not known
here is shown as written.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

# Every term of the identities of a private recording run (services.statements.conservation) and of
# a broadcast run (services.broadcast_runs.identities).
IDENTITY_TERMS: dict[str, Any] = {
    "receipt = literary + music": _("receipt = literary + music"),
    "music fund = member fund + non-member fund": _("music fund = member fund + non-member fund"),
    "member fund = lines + held + carried": _("member fund = lines + held + carried"),
    "lines = fees + net": _("lines = fees + net"),
    "claims paid = fees + tax + net": _("claims paid = fees + tax + net"),
    "fund in = fees part + carried in": _("fund in = fees part + carried in"),
    "fund in = lines + held + carried out": _("fund in = lines + held + carried out"),
    "fees collected + carried in = lines + held + carried out": _(
        "fees collected + carried in = lines + held + carried out"
    ),
    "literary": _("literary"),
    "music": _("music"),
    "member fund": _("member fund"),
    "non-member fund": _("non-member fund"),
    "lines": _("lines"),
    "held": _("held"),
    "carried": _("carried"),
    "carried in": _("carried in"),
    "carried out": _("carried out"),
    "fees": _("fees"),
    "fees part": _("fees part"),
    "net": _("net"),
    "tax": _("tax"),
}
RIGHTS: dict[str, Any] = {"performing": _("performing"), "mechanical": _("mechanical")}


def right_label(right: str) -> str:
    return str(RIGHTS.get(right, right))


def identity_label(text: str) -> str:
    """``nhk/performing: fund in = …`` → the fund as written, the identity translated."""
    where, sep, rest = text.rpartition(": ")
    if sep and rest in IDENTITY_TERMS:
        group, _slash, right = where.partition("/")
        return f"{group} · {right_label(right)}: {IDENTITY_TERMS[rest]}"
    return str(IDENTITY_TERMS.get(text, text))


def identity_rows(identities: Any) -> list[dict[str, Any]]:
    """Identities (``label``, ``left``, ``right``, ``holds``) with their texts translated."""
    return [
        {
            "label": identity_label(i.label),
            "left": i.left,
            "right": [(identity_label(name), value) for name, value in i.right],
            "holds": i.holds,
        }
        for i in identities
    ]


# The reasons of bunpai.formats.reports for a rejected line: pattern → message with the same values.
REASONS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"cannot read the file: (?P<error>.*)", re.S), _("cannot read the file: %(error)s")),
    (re.compile(r"file is empty: a header row is needed"), _("file is empty: a header row is needed")),
    (re.compile(r"missing column"), _("missing column")),
    (re.compile(r"(?P<n>\d+) fields where the header has (?P<m>\d+)"), _("%(n)s fields where the header has %(m)s")),
    (
        re.compile(r"unknown kind '(?P<value>.*)' \(expected work or programme\)"),
        _("unknown kind '%(value)s' (expected work or programme)"),
    ),
    (
        re.compile(r"not a date and time YYYY-MM-DD HH:MM: '(?P<value>.*)'"),
        _("not a date and time YYYY-MM-DD HH:MM: '%(value)s'"),
    ),
    (
        re.compile(r"(?P<value>.*) is not in the reported month (?P<month>\d{4}-\d{2})"),
        _("%(value)s is not in the reported month %(month)s"),
    ),
    (re.compile(r"expected yes or no, got '(?P<value>.*)'"), _("expected yes or no, got '%(value)s'")),
    (re.compile(r"not a ratio n/d or a decimal: '(?P<value>.*)'"), _("not a ratio n/d or a decimal: '%(value)s'")),
    (
        re.compile(r"a sampling rate is above 0 and at most 1: '(?P<value>.*)'"),
        _("a sampling rate is above 0 and at most 1: '%(value)s'"),
    ),
    (
        re.compile(r"station '(?P<value>.*)' is not (?P<station>.*), the station this file was loaded for"),
        _("station '%(value)s' is not %(station)s, the station this file was loaded for"),
    ),
    (
        re.compile(
            r"every line names another station \((?P<listed>.*)\), none (?P<station>.*), the station this file was "
            r"loaded for: nothing was taken; load it for its own station"
        ),
        _(
            "every line names another station (%(listed)s), none %(station)s, the station this file was loaded "
            "for: nothing was taken; load it for its own station"
        ),
    ),
    (re.compile(r"missing value: the programme's title"), _("missing value: the programme's title")),
    (re.compile(r"not a year: '(?P<value>.*)'"), _("not a year: '%(value)s'")),
    (
        re.compile(r"missing value: no title, work code, ISWC or ISRC"),
        _("missing value: no title, work code, ISWC or ISRC"),
    ),
    (re.compile(r"missing value"), _("missing value")),
    (re.compile(r"not a whole number of seconds: '(?P<value>.*)'"), _("not a whole number of seconds: '%(value)s'")),
    (re.compile(r"not a valid ISWC: '(?P<value>.*)'"), _("not a valid ISWC: '%(value)s'")),
    (re.compile(r"not an ISRC: '(?P<value>.*)'"), _("not an ISRC: '%(value)s'")),
    (
        re.compile(r"unknown usage '(?P<value>.*)' \(expected one of: (?P<choices>.*)\)"),
        _("unknown usage '%(value)s' (expected one of: %(choices)s)"),
    ),
]


def reason(text: str) -> str:
    """A rejected line's reason in the user's language (the values it quotes unchanged)."""
    for pattern, message in REASONS:
        match = pattern.fullmatch(text)
        if match is not None:
            values = match.groupdict()
            return str(message) % values if values else str(message)
    return text
