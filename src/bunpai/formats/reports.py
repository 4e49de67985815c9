"""Monthly all-works report files of broadcasters (利用曲目報告ファイル): reading and validation.

Layout (one header row; column names in English or Japanese; extra columns ignored):

| column | 日本語 | work line | programme line |
| --- | --- | --- | --- |
| ``kind`` | 種別 | ``work`` (default) | ``programme`` |
| ``station`` | 放送局 | optional: the file's station (another station is a bad line) | same |
| ``broadcast_at`` | 放送日時 | ``YYYY-MM-DD HH:MM`` (or date only) | same |
| ``programme`` | 番組名 | the programme | — |
| ``title`` | 曲名 / 題名 | the work's title | the film's or programme's title |
| ``work_code`` | 作品コード | the society's code, if known | — |
| ``iswc``, ``isrc`` | | if known | — |
| ``creators`` | 著作者名 | names, separated by ``/``, ``|``, ``、`` | — |
| ``performer`` | 実演者 | | — |
| ``duration`` | 使用時間 | seconds, required | — |
| ``usage`` | 使用方法 | featured, theme, background, commercial… | — |
| ``recorded`` | 録音 | ``yes``/``no`` (pre-recorded or live) | same |
| ``sampling_rate`` | サンプリング率 | empty for all-works reports, else e.g. ``1/13`` | same |
| ``country``, ``year`` | 制作国, 制作年 | — | country and year of production |

CSV or TSV (by the header), UTF-8 with or without BOM or Shift_JIS/CP932 (detected), CRLF,
full-width digits (NFKC), half-width katakana; or Excel ``.xlsx`` (first sheet). Each bad line is
reported with its number, field and reason; the good lines are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from bunpai.formats.cwr.identifiers import is_valid_iswc, normalise_isrc, normalise_iswc

ALIASES = {
    "種別": "kind",
    "放送局": "station",
    "放送日時": "broadcast_at",
    "番組名": "programme",
    "曲名": "title",
    "題名": "title",
    "作品コード": "work_code",
    "著作者名": "creators",
    "実演者": "performer",
    "使用時間": "duration",
    "使用方法": "usage",
    "録音": "recorded",
    "サンプリング率": "sampling_rate",
    "制作国": "country",
    "制作年": "year",
}
COLUMNS = (
    "kind",
    "station",
    "broadcast_at",
    "programme",
    "title",
    "work_code",
    "iswc",
    "isrc",
    "creators",
    "performer",
    "duration",
    "usage",
    "recorded",
    "sampling_rate",
    "country",
    "year",
)
USAGES = ("featured", "theme", "background", "commercial", "other")
_JST = dt.timezone(dt.timedelta(hours=9))


@dataclass
class Line:
    line: int
    kind: str
    values: dict[str, str]
    broadcast_at: dt.datetime | None = None
    duration: int = 0
    recorded: bool = True
    year: int | None = None


@dataclass
class ReportProblemRow:
    line: int
    field: str
    reason: str


@dataclass
class ParsedReport:
    encoding: str
    lines: list[Line] = field(default_factory=list)
    problems: list[ReportProblemRow] = field(default_factory=list)
    # Set when the file as a whole was refused (every line names another station): the number of
    # its lines, none of which was taken.
    refused_lines: int = 0


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (BOM dropped) or Shift_JIS/CP932; ``ValueError`` otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "cp932"
    except UnicodeDecodeError as error:
        raise ValueError("not readable as UTF-8 or Shift_JIS/CP932 text") from error


def _rows_from_text(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _rows_from_xlsx(data: bytes) -> list[list[str]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows: list[list[str]] = []
    for row in sheet.iter_rows(values_only=True):
        cells = []
        for value in row:
            if value is None:
                cells.append("")
            elif isinstance(value, dt.datetime):
                cells.append(value.strftime("%Y-%m-%d %H:%M"))
            elif isinstance(value, float) and value.is_integer():
                cells.append(str(int(value)))
            else:
                cells.append(str(value))
        rows.append(cells)
    book.close()
    return rows


def _header(name: str) -> str:
    key = unicodedata.normalize("NFKC", name).strip().lower().replace(" ", "_")
    return ALIASES.get(key, key)


def _when(text: str) -> dt.datetime | None:
    value = text.replace("/", "-").replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).replace(tzinfo=_JST)
        except ValueError:
            continue
    return None


def parse_report(
    name: str, data: bytes, month: str | None = None, station: str | None = None, station_names: Sequence[str] = ()
) -> ParsedReport:
    """Read and validate a report file; never raises for bad content (problems say what is wrong).

    With ``station`` (the station the file is loaded for), a line whose ``station`` column names
    another station is a bad line (``station_names``: other names the station goes by, such as its
    full name, which count as the station too); when no line names ``station`` and some name another, the file
    is refused as a whole (one problem at line 0, no line taken): it was sent for the wrong station.
    """
    encoding = "xlsx"
    try:
        if name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
            rows = _rows_from_xlsx(data)
        else:
            text, encoding = decode(data)
            rows = _rows_from_text(text)
    except Exception as error:  # an unreadable file is one problem of the file, line 0
        report = ParsedReport(encoding)
        report.problems.append(ReportProblemRow(0, "*", f"cannot read the file: {error}"))
        return report
    report = ParsedReport(encoding)
    if not rows or not any(c.strip() for c in rows[0]):
        report.problems.append(ReportProblemRow(1, "*", "file is empty: a header row is needed"))
        return report
    header = [_header(c) for c in rows[0]]
    data_lines = here = 0
    others: set[str] = set()
    if "title" not in header:
        report.problems.append(ReportProblemRow(1, "title", "missing column"))
        return report
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header):
            report.problems.append(
                ReportProblemRow(number, "*", f"{len(row)} fields where the header has {len(header)}")
            )
            continue
        values = {
            k: unicodedata.normalize("NFKC", v).strip()
            if k not in ("title", "creators", "programme", "performer")
            else v.strip()
            for k, v in zip(header, row, strict=False)
            if k in COLUMNS
        }
        line, bad = _validate(number, values, month, station, station_names)
        report.problems.extend(bad)
        if line is not None and not bad:
            report.lines.append(line)
        data_lines += 1
        named = values.get("station", "")
        if station and named:
            if any(same_station(named, s) for s in (station, *station_names)):
                here += 1
            else:
                others.add(named)
    if others and not here:
        listed = ", ".join(f"'{s}'" for s in sorted(others)[:3]) + (" …" if len(others) > 3 else "")
        report.lines = []
        report.problems = [
            ReportProblemRow(
                0,
                "station",
                f"every line names another station ({listed}), none {station}, the station this file was loaded "
                "for: nothing was taken; load it for its own station",
            )
        ]
        report.refused_lines = data_lines
    return report


def sampling_fraction(rate: str) -> Fraction:
    """The sampling rate of a line as an exact fraction: ``1/13``, ``0.25``; empty is 1 (every week reported).

    ``ZeroDivisionError`` for ``n/0``; validated lines never carry one."""
    if not rate:
        return Fraction(1)
    if "/" in rate:
        num, den = rate.split("/", 1)
        return Fraction(int(num), int(den))
    return Fraction(rate)


def _rate_or_zero(rate: str) -> Fraction:
    try:
        return sampling_fraction(rate)
    except ZeroDivisionError:
        return Fraction(0)


def sampling_weight(rate: str) -> Fraction:
    """What one sampled line stands for: the inverse of its sampling rate (``1/13`` → 13), exactly."""
    return 1 / sampling_fraction(rate)


def same_station(reported: str, station: str) -> bool:
    """A station column names the station a file was loaded for (NFKC, case and spaces ignored)."""

    def fold(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).casefold().split())

    return fold(reported) == fold(station)


def _validate(
    number: int, v: dict[str, str], month: str | None, station: str | None = None, station_names: Sequence[str] = ()
) -> tuple[Line | None, list[ReportProblemRow]]:
    bad: list[ReportProblemRow] = []
    kind = (v.get("kind") or "work").lower()
    kind = {"番組": "programme", "楽曲": "work", "program": "programme"}.get(kind, kind)
    if kind not in ("work", "programme"):
        return None, [ReportProblemRow(number, "kind", f"unknown kind '{v.get('kind')}' (expected work or programme)")]
    line = Line(number, kind, v)
    when = v.get("broadcast_at", "")
    if when:
        line.broadcast_at = _when(when)
        if line.broadcast_at is None:
            bad.append(ReportProblemRow(number, "broadcast_at", f"not a date and time YYYY-MM-DD HH:MM: '{when}'"))
        elif month and line.broadcast_at.strftime("%Y-%m") != month:
            bad.append(ReportProblemRow(number, "broadcast_at", f"{when} is not in the reported month {month}"))
    recorded = (v.get("recorded") or "yes").lower()
    if recorded not in ("yes", "no", "y", "n", "true", "false", "1", "0", "live", "生"):
        bad.append(ReportProblemRow(number, "recorded", f"expected yes or no, got '{v.get('recorded')}'"))
    line.recorded = recorded in ("yes", "y", "true", "1")
    rate = v.get("sampling_rate", "")
    if rate:
        if not re.fullmatch(r"\d+/\d+|\d+(\.\d+)?", rate):
            bad.append(ReportProblemRow(number, "sampling_rate", f"not a ratio n/d or a decimal: '{rate}'"))
        elif not 0 < _rate_or_zero(rate) <= 1:
            bad.append(ReportProblemRow(number, "sampling_rate", f"a sampling rate is above 0 and at most 1: '{rate}'"))
    if station and v.get("station") and not any(same_station(v["station"], s) for s in (station, *station_names)):
        bad.append(
            ReportProblemRow(
                number, "station", f"station '{v['station']}' is not {station}, the station this file was loaded for"
            )
        )
    if kind == "programme":
        if not v.get("title"):
            bad.append(ReportProblemRow(number, "title", "missing value: the programme's title"))
        year = v.get("year", "")
        if year:
            if not re.fullmatch(r"\d{4}", year):
                bad.append(ReportProblemRow(number, "year", f"not a year: '{year}'"))
            else:
                line.year = int(year)
        return line, bad
    if not (v.get("title") or v.get("work_code") or v.get("iswc") or v.get("isrc")):
        bad.append(ReportProblemRow(number, "title", "missing value: no title, work code, ISWC or ISRC"))
    duration = v.get("duration", "")
    if not duration:
        bad.append(ReportProblemRow(number, "duration", "missing value"))
    elif not duration.isdigit():
        bad.append(ReportProblemRow(number, "duration", f"not a whole number of seconds: '{duration}'"))
    else:
        line.duration = int(duration)
    if v.get("iswc"):
        code = normalise_iswc(v["iswc"])
        if not is_valid_iswc(code):
            bad.append(ReportProblemRow(number, "iswc", f"not a valid ISWC: '{v['iswc']}'"))
        v["iswc"] = code
    if v.get("isrc"):
        v["isrc"] = normalise_isrc(v["isrc"])
        if not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}\d{7}", v["isrc"]):
            bad.append(ReportProblemRow(number, "isrc", f"not an ISRC: '{v['isrc']}'"))
    usage = (v.get("usage") or "").lower()
    if usage and usage not in USAGES:
        bad.append(ReportProblemRow(number, "usage", f"unknown usage '{usage}' (expected one of: {', '.join(USAGES)})"))
    return line, bad


def read_report(path: Path, month: str | None = None) -> tuple[bytes, ParsedReport]:
    data = path.read_bytes()
    return data, parse_report(path.name, data, month)
