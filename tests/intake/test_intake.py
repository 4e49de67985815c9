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


SAMPLED = "kind,station,broadcast_at,title,creators,duration,usage,sampling_rate,country,year\n"


def test_usage_share_weights_sampled_lines_by_the_inverse_of_their_rate(registry_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bunpai.services import intake

    _registry()
    # April: a sampled report (1 week in 13), May: a sampled report at 3/13, June: an all-works report
    april = tmp_path / "april.csv"
    april.write_text(
        SAMPLED
        + "work,RF,2026-04-07 09:00,Lemon,Lennon John,60,featured,1/13,,\n"  # other manager: 60 × 13
        + "work,RF,2026-04-07 09:05,夜に駆ける,山田 太郎,90,featured,1/13,,\n",  # this society: 90 × 13
        encoding="utf-8",
    )
    may = tmp_path / "may.csv"
    may.write_text(SAMPLED + "work,RF,2026-05-12 09:00,夜に駆ける,山田 太郎,100,featured,3/13,,\n", encoding="utf-8")
    june = tmp_path / "june.csv"
    june.write_text(SAMPLED + "work,RF,2026-06-01 09:00,Lemon,Lennon John,7,featured,,,\n", encoding="utf-8")
    for path, month in ((april, "2026-04"), (may, "2026-05"), (june, "2026-06")):
        result = intake.load_report(path, "RF", month, licensee="RF HD")
        assert result.bad == 0
    share = intake.usage_share("RF HD", 2026)
    own = 90 * 13 + Fraction(100 * 13, 3)
    assert share.own_seconds == own
    assert share.managed_seconds == own + 60 * 13 + 7
    assert share.share == Fraction(own, own + 787)
    assert isinstance(share.own_seconds, Fraction)


def test_a_sampling_rate_outside_zero_to_one_is_a_bad_line() -> None:
    from bunpai.formats.reports import parse_report, sampling_weight

    data = (
        SAMPLED
        + "work,,2026-04-07 09:00,A,,60,featured,0/13,,\n"
        + "work,,2026-04-07 09:00,B,,60,featured,2,,\n"
        + "work,,2026-04-07 09:00,C,,60,featured,1/0,,\n"
        + "work,,2026-04-07 09:00,D,,60,featured,0.25,,\n"
    ).encode()
    report = parse_report("r.csv", data, "2026-04")
    assert [(p.line, p.field) for p in report.problems] == [
        (2, "sampling_rate"),
        (3, "sampling_rate"),
        (4, "sampling_rate"),
    ]
    assert all("above 0 and at most 1" in p.reason for p in report.problems)
    assert [ln.values["title"] for ln in report.lines] == ["D"]
    assert sampling_weight("0.25") == 4 and sampling_weight("1/13") == 13 and sampling_weight("") == 1


def test_a_line_naming_another_station_is_a_bad_line(registry_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bunpai.intake import models as im
    from bunpai.services import intake

    _registry()
    im.Station.objects.using(registry_db).create(code="TBS", name="TBSテレビ", licensee="TBS HD")
    path = tmp_path / "tbs.csv"
    path.write_text(
        SAMPLED
        + "work,TBS,2026-06-01 09:00,Lemon,Lennon John,60,featured,,,\n"
        + "work,ｔｂｓ,2026-06-01 09:05,Lemon,Lennon John,60,featured,,,\n"  # full width, lower case: the same
        + "work,TBSテレビ,2026-06-01 09:07,Lemon,Lennon John,60,featured,,,\n"  # the station's name
        + "work,,2026-06-01 09:08,Lemon,Lennon John,60,featured,,,\n"  # no station: the file's
        + "work,CX,2026-06-01 09:10,Lemon,Lennon John,60,featured,,,\n",
        encoding="utf-8",
    )
    result = intake.load_report(path, "TBS", "2026-06", licensee="TBS HD")
    assert (result.good, result.bad) == (4, 1)
    (problem,) = im.ReportProblem.objects.using(registry_db).filter(report_id=result.report_id)
    assert (problem.line, problem.field) == (6, "station")
    assert problem.reason == "station 'CX' is not TBS, the station this file was loaded for"


def test_a_file_of_another_station_is_refused_whole_and_replaces_nothing(registry_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bunpai.intake import models as im
    from bunpai.services import intake

    _registry()
    mine = tmp_path / "tbs.csv"
    mine.write_text(SAMPLED + "work,TBS,2026-06-01 09:00,Lemon,Lennon John,60,featured,,,\n", encoding="utf-8")
    kept = intake.load_report(mine, "TBS", "2026-06", licensee="TBS HD")
    other = tmp_path / "cx.csv"
    other.write_text(
        SAMPLED
        + "work,CX,2026-06-02 09:00,夜に駆ける,山田 太郎,90,featured,,,\n"
        + "work,CX,2026-06-02 09:05,夜に駆ける,山田 太郎,90,featured,,,\n"
        + "work,,2026-06-02 09:10,夜に駆ける,山田 太郎,90,featured,,,\n",
        encoding="utf-8",
    )
    refused = intake.load_report(other, "TBS", "2026-06", licensee="TBS HD")
    assert (refused.status, refused.good, refused.bad, refused.replaced) == ("stored", 0, 3, None)
    (problem,) = im.ReportProblem.objects.using(registry_db).filter(report_id=refused.report_id)
    assert (problem.line, problem.field) == (0, "station")
    assert problem.reason.startswith("every line names another station ('CX'), none TBS")
    # the station's real report is still the current one and still counts
    assert im.ReportFile.objects.using(registry_db).get(pk=kept.report_id).status == im.ReportFile.CURRENT
    assert intake.usage_share("TBS HD", 2026).managed_seconds == 60
    # loaded for its own station, the same file is taken
    right = intake.load_report(other, "CX", "2026-06", licensee="CX HD")
    assert (right.status, right.good, right.bad) == ("stored", 3, 0)
    assert not im.ReportFile.objects.using(registry_db).filter(pk=refused.report_id).exists()
    assert intake.usage_share("CX HD", 2026).own_seconds == 270


def test_programme_lines_are_matched_by_normalised_title_year_and_country(registry_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bunpai.intake import models as im
    from bunpai.services import intake
    from bunpai.store import models as sm

    _registry()
    db = registry_db
    lemon = sm.Work.objects.using(db).get(society_code="N-001")
    sakura = sm.Work.objects.using(db).get(society_code="J-002")
    # two productions of the same title and year, from two countries
    us = sm.AVProduction.objects.using(db).create(title="夏の終わり", country="US", year=2010)
    fr = sm.AVProduction.objects.using(db).create(title="夏の終わり", country="FR", year=2010)
    sm.Cue.objects.using(db).create(production=us, sequence=1, work=lemon, duration=30, usage="BI")
    sm.Cue.objects.using(db).create(production=fr, sequence=1, work=sakura, duration=40, usage="BI")
    path = tmp_path / "films.csv"
    path.write_text(
        SAMPLED
        + "programme,,2026-06-01 20:00,夏の終わり,,,,,US,2010\n"
        + "programme,,2026-06-02 20:00,『ナツノオワリ』,,,,,アメリカ,2010\n"  # reading in katakana, country by name
        + "programme,,2026-06-03 20:00,Natsu no Owari,,,,,France,\n"  # romaji, no year
        + "programme,,2026-06-04 20:00,夏の終わり,,,,,,2010\n"  # no country: two productions, queued
        + "programme,,2026-06-05 20:00,夏の終わり,,,,,DE,2010\n",  # a country neither has: queued
        encoding="utf-8",
    )
    result = intake.load_report(path, "WOWOW", "2026-06")
    assert result.bad == 0
    lines = {
        ln.line: ln for ln in im.ReportLine.objects.using(db).filter(report_id=result.report_id, expanded_from=None)
    }
    assert [lines[n].production_id for n in (2, 3, 4)] == [us.pk, us.pk, fr.pk]
    assert [lines[n].outcome for n in (2, 3, 4, 5, 6)] == [im.EXPANDED] * 3 + [im.QUEUED] * 2
    expanded = im.ReportLine.objects.using(db).filter(expanded_from=lines[4])
    assert [(x.work_id, x.duration) for x in expanded] == [(sakura.pk, 40)]
