"""`bunpai reports …` on both databases: load (twice), queue, decide, share."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


def _works() -> None:
    from bunpai.store import current_alias
    from bunpai.store import models as sm

    db = current_alias()
    society = sm.Society.objects.using(db).get_or_create(code="038", defaults={"name": "JASRAC"})[0]
    writer = sm.Party.objects.using(db).create(kind="person", name="Ayase")
    work = sm.Work.objects.using(db).create(
        society_code="0A1-2345-6", title="夜に駆ける", normalised_title="夜に駆ける"
    )
    sm.Share.objects.using(db).create(
        work=work,
        party=writer,
        capacity="writer",
        role="CA",
        right="PR",
        share=10000,
        collection_share=10000,
        society=society,
        received_on=dt.date(2020, 1, 1),
    )
    film = sm.AVProduction.objects.using(db).create(title="The Long Summer", country="GB", year=1999)
    sm.Cue.objects.using(db).create(production=film, sequence=1, work=work, duration=75, usage="MT")


def test_reports_commands(registry_db: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from bunpai.cli.main import main

    _works()
    report = tmp_path / "nhk-2026-05.csv"
    report.write_text(
        "title,creators,duration,broadcast_at,kind,year\n"
        "夜に駆ける,Ayase,200,2026-05-10 09:00,work,\n"
        "知らない歌,誰か,50,2026-05-10 09:05,work,\n"
        "長い夏,,,2026-05-11 21:00,programme,1999\n"
        "夜に駆ける,Ayase,xx,2026-05-10 09:10,work,\n",
        encoding="utf-8",
    )
    assert main(["reports", "load", str(report), "--station", "NHK-G", "--month", "2026-05", "--licensee", "NHK"]) == 0
    out, err = capsys.readouterr()
    assert "3 lines kept, 1 rejected" in out
    assert "nhk-2026-05.csv:5: duration: not a whole number of seconds: 'xx'" in err
    assert main(["reports", "load", str(report), "--station", "NHK-G", "--month", "2026-05"]) == 0
    assert "nothing changed" in capsys.readouterr().out

    assert main(["reports", "queue", "--json"]) == 0
    items = {i["title"]: i for i in json.loads(capsys.readouterr().out)}
    assert set(items) == {"知らない歌", "長い夏"}

    from bunpai.store import models as sm

    film = sm.AVProduction.objects.using(registry_db).get(title="The Long Summer")
    assert (
        main(
            [
                "reports",
                "decide",
                str(items["長い夏"]["id"]),
                "--action",
                "work",
                "--production",
                str(film.pk),
                "--by",
                "tanaka",
            ]
        )
        == 0
    )
    assert (
        main(["reports", "decide", str(items["知らない歌"]["id"]), "--action", "unidentified", "--by", "tanaka"]) == 0
    )
    capsys.readouterr()
    assert main(["reports", "share", "--licensee", "NHK", "--fiscal-year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "275 s of this society's works / 275 s" in out  # 200 reported + 75 from the cue sheet
    assert main(["reports", "queue"]) == 0
    assert "0 open item(s)" in capsys.readouterr().out

    from bunpai.intake import models as im

    decided = im.RememberedDecision.objects.using(registry_db).order_by("id")
    assert [(d.action, d.decided_by, d.production_id) for d in decided] == [
        ("work", "tanaka", film.pk),
        ("unidentified", "tanaka", None),
    ]
