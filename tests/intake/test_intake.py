"""A month of reports from stations: bad lines, a re-submission, a correction, a programme line,
the queue and its remembered decisions, and the usage share — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from bunpai.store import current_alias

HEADER = "kind,broadcast_at,programme,title,work_code,creators,duration,usage,recorded,country,year\n"


def _registry() -> None:
    from bunpai.store import models as sm

    db = current_alias()
    jasrac = sm.Society.objects.using(db).get_or_create(code="038", defaults={"name": "JASRAC"})[0]
    nextone = sm.Society.objects.using(db).get_or_create(code="782", defaults={"name": "NexTone"})[0]
    people = {
        n: sm.Party.objects.using(db).create(kind="person", name=n.split()[0], first_name=n.split()[1])
        for n in ("山田 太郎", "鈴木 花子", "Lennon John")
    }
    rows = [
        ("J-001", "夜に駆ける", "ヨルニカケル", "山田 太郎", jasrac, False),
        ("J-002", "さくら", "", "鈴木 花子", jasrac, False),
        ("N-001", "Lemon", "レモン", "Lennon John", nextone, False),
        ("P-001", "荒城の月", "コウジョウノツキ", "鈴木 花子", jasrac, True),
    ]
    for code, title, alt, writer, society, expired in rows:
        work = sm.Work.objects.using(db).create(
            society_code=code, title=title, normalised_title=title, music_expired=expired, lyrics_expired=expired
        )
        if alt:
            sm.AlternativeTitle.objects.using(db).create(work=work, title=alt)
        sm.Share.objects.using(db).create(
            work=work,
            party=people[writer],
            capacity="writer",
            role="CA",
            right="PR",
            share=10000,
            collection_share=10000,
            society=society,
            received_on=dt.date(2020, 1, 1),
        )
    film = sm.AVProduction.objects.using(db).create(title="Summer Film", country="US", year=2001)
    sm.Cue.objects.using(db).create(
        production=film, sequence=1, work=sm.Work.objects.using(db).get(society_code="J-002"), duration=120, usage="BI"
    )
    sm.Cue.objects.using(db).create(
        production=film, sequence=2, work=sm.Work.objects.using(db).get(society_code="N-001"), duration=60, usage="ET"
    )


def test_a_month_of_reports(registry_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bunpai.intake import models as im
    from bunpai.services import intake

    _registry()
    first = (
        HEADER
        + "work,2026-06-01 21:00,News,よるにかける (TV size),,ヤマダ タロウ,90,theme,yes,,\n"
        + "work,2026-06-01 21:05,News,Lemon,,Lennon John,１８０,featured,no,,\n"  # full-width digits
        + "work,2026-06-01 21:10,News,夜に駆ける,,鈴木一郎,30,background,yes,,\n"  # same title, other writer
        + "work,2026-06-02 10:00,Music,Unknown Tune,,Nobody,45,featured,yes,,\n"
        + "work,2026-06-02 10:05,Music,Unknown Tune,,Nobody,45,featured,yes,,\n"
        + "work,2026-06-02 10:10,Music,荒城の月,,鈴木花子,100,featured,yes,,\n"
        + "work,2026-06-03 10:00,Music,さくら,,,abc,featured,yes,,\n"  # bad duration
        + "work,2026-07-03 10:00,Music,さくら,,,60,featured,yes,,\n"  # not in the month
        + "programme,2026-06-04 20:00,,Summer Film,,,,,yes,US,2001\n"
        + "programme,2026-06-05 20:00,,Unknown Film,,,,,yes,FR,1999\n"
    )
    path = tmp_path / "tbs-2026-06.csv"
    path.write_bytes(first.replace("\n", "\r\n").encode("cp932"))
    result = intake.load_report(path, "TBS", "2026-06", licensee="TBS HD", by="staff")
    assert (result.status, result.good, result.bad) == ("stored", 8, 2)
    problems = {(p.line, p.field) for p in im.ReportProblem.objects.using(registry_db).all()}
    assert problems == {(8, "duration"), (9, "broadcast_at")}
    lines = {(ln.line, ln.title): ln for ln in im.ReportLine.objects.using(registry_db).filter(expanded_from=None)}
    assert (lines[(2, "よるにかける (TV size)")].outcome, lines[(2, "よるにかける (TV size)")].work.society_code) == (
        im.THIS_SOCIETY,
        "J-001",
    )
    assert lines[(3, "Lemon")].outcome == im.OTHER_MANAGER and lines[(3, "Lemon")].duration == 180
    assert lines[(4, "夜に駆ける")].outcome == im.QUEUED  # never automatic on the title alone
    assert lines[(7, "荒城の月")].outcome == im.PUBLIC_DOMAIN
    assert lines[(10, "Summer Film")].outcome == im.EXPANDED
    expanded = im.ReportLine.objects.using(registry_db).filter(expanded_from=lines[(10, "Summer Film")])
    assert sorted((x.work.society_code, x.duration, x.outcome) for x in expanded) == [
        ("J-002", 120, im.THIS_SOCIETY),
        ("N-001", 60, im.OTHER_MANAGER),
    ]
    assert lines[(11, "Unknown Film")].outcome == im.QUEUED

    # the identical lines "Unknown Tune" are one queue item
    items = intake.queue()
    assert sorted(i["title"] for i in items) == ["Unknown Film", "Unknown Tune", "夜に駆ける"]
    tune = next(i for i in items if i["title"] == "Unknown Tune")
    assert tune["lines"] == 2

    # the same file again changes nothing
    again = intake.load_report(path, "TBS", "2026-06", licensee="TBS HD")
    assert (again.status, again.report_id) == ("unchanged", result.report_id)
    assert im.ReportFile.objects.using(registry_db).count() == 1

    # staff decide: the tune is another manager's work, the ambiguous title is J-001
    assert intake.decide(tune["id"], "other_manager", by="sato") == 2
    ambiguous = next(i for i in items if i["title"] == "夜に駆ける")
    assert {c["work"] for c in ambiguous["candidates"][:2]} == {"J-001"} | {
        c["work"] for c in ambiguous["candidates"][:2]
    }
    assert intake.decide(ambiguous["id"], "work", by="sato", work_code="J-001") == 1

    share = intake.usage_share("TBS HD", 2026)
    # own: 90 (J-001) + 30 (decided J-001) + 120 (cue J-002); managed adds 180 (Lemon) + 60 (cue) + 90 (tune)
    assert (share.own_seconds, share.managed_seconds) == (240, 570)

    # a corrected file for the same month replaces the first; the remembered decisions apply
    corrected = (
        HEADER
        + "work,2026-06-01 21:00,News,よるにかける (TV size),,ヤマダ タロウ,90,theme,yes,,\n"
        + "work,2026-06-01 21:10,News,夜に駆ける,,鈴木一郎,30,background,yes,,\n"
        + "work,2026-06-02 10:00,Music,Unknown Tune,,Nobody,45,featured,yes,,\n"
    )
    fixed = tmp_path / "tbs-2026-06-fixed.csv"
    fixed.write_text(corrected, encoding="utf-8-sig")
    second = intake.load_report(fixed, "TBS", "2026-06", licensee="TBS HD")
    assert second.replaced == result.report_id and second.bad == 0
    assert im.ReportFile.objects.using(registry_db).get(pk=result.report_id).status == im.ReportFile.REPLACED
    new_lines = im.ReportLine.objects.using(registry_db).filter(report_id=second.report_id)
    assert sorted((x.line, x.outcome, x.decision) for x in new_lines) == [
        (2, im.THIS_SOCIETY, "auto"),
        (3, im.THIS_SOCIETY, "manual"),
        (4, im.OTHER_MANAGER, "manual"),
    ]
    share = intake.usage_share("TBS HD", 2026)
    assert (share.own_seconds, share.managed_seconds) == (120, 165)  # the first file no longer counts
    assert share.share == Fraction(120, 165)
    assert intake.usage_share("TBS HD", 2025).managed_seconds == 0


def test_a_new_work_decided_once_is_used_in_later_months(registry_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bunpai.intake import models as im
    from bunpai.services import intake

    _registry()
    line = "work,{when},Music,新しい歌,,新人 作家,200,featured,yes,,\n"
    june = tmp_path / "june.csv"
    june.write_text(HEADER + line.format(when="2026-06-10 12:00"), encoding="utf-8")
    intake.load_report(june, "CX", "2026-06")
    (item,) = intake.queue()
    assert item["title"] == "新しい歌" and item["lines"] == 1
    assert intake.decide(item["id"], "new_work", by="kato") == 1
    july = tmp_path / "july.csv"
    july.write_text(HEADER + line.format(when="2026-07-02 12:00") * 2, encoding="utf-8")
    result = intake.load_report(july, "CX", "2026-07")
    assert result.replaced is None  # another month: nothing replaced
    rows = im.ReportLine.objects.using(registry_db).filter(report_id=result.report_id)
    assert {(r.outcome, r.decision, r.work.title) for r in rows} == {(im.THIS_SOCIETY, "manual", "新しい歌")}
    assert intake.queue() == []
    assert intake.usage_share("CX", 2026).own_seconds == 600


def test_queue_leaves_out_items_of_replaced_reports(registry_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bunpai.services import intake

    _registry()
    first = tmp_path / "a.csv"
    first.write_text(HEADER + "work,2026-06-10 12:00,M,Mystery Song,,Someone,60,featured,yes,,\n", encoding="utf-8")
    intake.load_report(first, "TX", "2026-06")
    assert [i["title"] for i in intake.queue()] == ["Mystery Song"]
    fixed = tmp_path / "b.csv"
    fixed.write_text(HEADER + "work,2026-06-10 12:00,M,Lemon,,Lennon John,60,featured,yes,,\n", encoding="utf-8")
    intake.load_report(fixed, "TX", "2026-06")
    assert intake.queue() == []
    assert [i["lines"] for i in intake.queue(include_idle=True)] == [0]
