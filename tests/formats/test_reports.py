"""Report files as stations send them: encodings, separators, Excel, Japanese headers, bad lines."""

from __future__ import annotations

import datetime as dt
import io

from bunpai.formats.reports import parse_report

JP_HEADER = "種別\t放送日時\t番組名\t曲名\t作品コード\t著作者名\t使用時間\t使用方法\t録音\n"


def test_tsv_in_cp932_with_japanese_headers_half_width_katakana_and_full_width_digits() -> None:
    text = JP_HEADER + "work\t2026/06/01 21:00\tﾆｭｰｽ\tﾖﾙﾆｶｹﾙ\t\tAyase\t１２０\ttheme\tyes\r\n"
    report = parse_report("station.tsv", text.encode("cp932"), "2026-06")
    assert report.encoding == "cp932" and report.problems == []
    (line,) = report.lines
    assert line.duration == 120
    assert line.values["title"] == "ﾖﾙﾆｶｹﾙ"  # kept as sent; identification normalises
    assert line.broadcast_at == dt.datetime(2026, 6, 1, 21, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def test_utf8_bom_csv_keeps_good_lines_and_names_every_bad_one() -> None:
    text = (
        "kind,broadcast_at,title,duration,iswc,usage,recorded,year\n"
        "work,2026-06-01 10:00,Lemon,180,T-034.524.680-1,featured,no,\n"
        "work,2026-06-01 10:05,Lemon,,,featured,yes,\n"
        "work,2026-06-01 10:10,Lemon,3 min,,featured,yes,\n"
        "work,2026-06-01 10:15,Lemon,60,T3221234234,featured,yes,\n"
        "work,2026-07-01 10:15,Lemon,60,,featured,yes,\n"
        "work,yesterday,Lemon,60,,featured,yes,\n"
        "song,2026-06-01 10:20,Lemon,60,,featured,yes,\n"
        "work,2026-06-01 10:25,,60,,featured,yes,\n"
        "work,2026-06-01 10:30,Lemon,60,,loud,maybe,\n"
        "programme,2026-06-02 20:00,Some Film,,,,yes,19x9\n"
    )
    report = parse_report("r.csv", b"\xef\xbb\xbf" + text.encode(), "2026-06")
    assert report.encoding == "utf-8-sig"
    assert [ln.line for ln in report.lines] == [2]
    assert report.lines[0].values["iswc"] == "T0345246801" and not report.lines[0].recorded
    assert sorted((p.line, p.field) for p in report.problems) == [
        (3, "duration"),
        (4, "duration"),
        (5, "iswc"),
        (6, "broadcast_at"),
        (7, "broadcast_at"),
        (8, "kind"),
        (9, "title"),
        (10, "recorded"),
        (10, "usage"),
        (11, "year"),
    ]


def test_excel_workbook() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["曲名", "著作者名", "使用時間", "放送日時"])
    sheet.append(["夜に駆ける", "Ayase", 90, dt.datetime(2026, 6, 3, 8, 30)])
    sheet.append(["さくら", "森山直太朗", "abc", dt.datetime(2026, 6, 3, 8, 35)])
    buffer = io.BytesIO()
    book.save(buffer)
    report = parse_report("station.xlsx", buffer.getvalue(), "2026-06")
    assert report.encoding == "xlsx"
    assert [(ln.values["title"], ln.duration) for ln in report.lines] == [("夜に駆ける", 90)]
    assert [(p.line, p.field) for p in report.problems] == [(3, "duration")]


def test_unreadable_and_empty_files_are_one_problem_each() -> None:
    assert [(p.line, p.field) for p in parse_report("x.csv", b"", None).problems] == [(1, "*")]
    binary = parse_report("x.csv", bytes(range(128, 256)) * 3, None)
    assert binary.lines == [] and binary.problems[0].line == 0
    no_title = parse_report("x.csv", b"duration\n12\n", None)
    assert [(p.line, p.field) for p in no_title.problems] == [(1, "title")]
