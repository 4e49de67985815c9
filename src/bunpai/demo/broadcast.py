"""A generator of realistic broadcast quarters (`bunpai broadcast demo`).

One complete, valid input folder as docs/broadcast-files.md describes it: fund groups (NHK,
commercial TV, commercial radio) with their quarter's blanket fees, stations with their station
points (some radio stations still reporting by sampling, 1 week in 13), members with bank accounts
(real bank and branch codes of the zengin data set), individuals and companies, members of foreign
societies (PRS, GEMA, ASCAP, SACEM), non-members, shares by right with publishers, undetermined
holders and late documents, and usage lines where a few hits take most plays, with unidentified
lines and other managers' and public-domain works. The same seed gives the same files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from bunpai.formats.zengin import _branches

__all__ = ["generate_quarter"]

FAMILY = [
    ("山田", "ヤマダ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
    ("吉田", "ヨシダ"), ("松本", "マツモト"), ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"),
]  # fmt: skip
GIVEN = [
    ("太郎", "タロウ"), ("花子", "ハナコ"), ("健", "ケン"), ("由美", "ユミ"), ("翔", "シヨウ"),
    ("美咲", "ミサキ"), ("大輔", "ダイスケ"), ("真由美", "マユミ"), ("拓也", "タクヤ"), ("彩", "アヤ"),
    ("誠", "マコト"), ("恵", "メグミ"), ("浩二", "コウジ"), ("さくら", "サクラ"), ("蓮", "レン"),
]  # fmt: skip
PUBLISHERS = [
    ("株式会社さくら音楽出版", "ｻｸﾗｵﾝｶﾞｸｼﾕﾂﾊﾟﾝ"),
    ("株式会社東京ミュージックパブリッシング", "ﾄｳｷﾖｳﾐﾕｰｼﾞﾂｸﾊﾟﾌﾞﾘﾂｼﾝｸﾞ"),
    ("有限会社みなと音楽出版", "ﾐﾅﾄｵﾝｶﾞｸｼﾕﾂﾊﾟﾝ"),
    ("株式会社ブルーオーシャン・ミュージック", "ﾌﾞﾙｰｵｰｼﾔﾝﾐﾕｰｼﾞﾂｸ"),
]
FOREIGN = [("Oliver Smith", "052"), ("Anna Müller", "035"), ("James Brown", "010"), ("Claire Dubois", "058")]
BANKS = ("0001", "0005", "0009")
GROUPS = (("nhk", 180_000_000), ("commercial_tv", 420_000_000), ("commercial_radio", 60_000_000))


def generate_quarter(out: Path, *, works: int = 3000, lines: int = 60_000, seed: int = 2026) -> str:
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out}: exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    period = [
        "# A demo quarter: the months of use April–June 2026, paid in December (foreign societies in January).",
        'quarter = "2026Q2"',
        "reference_date = 2026-09-30",
        "distribution_date = 2026-12-10",
        'admin_fee_rate = "85/1000"',
    ]
    for group, amount in GROUPS:
        period += ["", "[[fund_group]]", f'id = "{group}"', f"amount_yen = {amount}", 'recording_ratio = "1/3"']
        period += ["carry_in_performing_yen = 3", "carry_in_mechanical_yen = 1"]
    (out / "period.toml").write_text("\n".join(period) + "\n", encoding="utf-8")

    stations = [("NHK-G", "nhk", "3"), ("NHK-E", "nhk", "2"), ("NHK-FM", "nhk", "1")]
    stations += [(f"TV{i:02d}", "commercial_tv", str(p)) for i, p in enumerate([3, 3, 2, 2, 1, 1, "3/2", "1/2"])]
    stations += [(f"FM{i:02d}", "commercial_radio", str(p)) for i, p in enumerate([1, 1, "1/2", "1/2", "1/4"])]
    pl.DataFrame(stations, schema=["station_id", "fund_group", "station_points"], orient="row").write_csv(
        out / "stations.csv"
    )

    parties = []
    for i in range(max(works // 6, 20)):
        family, fkana = FAMILY[rng.integers(len(FAMILY))]
        given, gkana = GIVEN[rng.integers(len(GIVEN))]
        bank = BANKS[rng.integers(len(BANKS))]
        branch = sorted(_branches(bank))[rng.integers(min(len(_branches(bank)), 40))] if _branches(bank) else "001"
        category = "nonmember" if rng.random() < 0.06 else "member"
        parties.append(
            (f"M{i:05d}", f"{family} {given}", category, None, "individual", bank, branch, "1",
             f"{rng.integers(1, 9_999_999):07d}", f"{fkana} {gkana}")
        )  # fmt: skip
    for i, (name, kana) in enumerate(PUBLISHERS):
        parties.append((f"PUB{i}", name, "member", None, "corporation", "0005", "001", "2", f"{7_000_000 + i}", kana))
    for i, (name, society) in enumerate(FOREIGN):
        parties.append((f"F{i}", name, "foreign", society, "individual", None, None, None, None, None))
    parties.append(("ASSIGNEE", "株式会社メロディ・ライツ", "assignee", None, "corporation", "0009", "100", "1",
                    "1234567", "ﾒﾛﾃﾞｲﾗｲﾂ"))  # fmt: skip
    columns = ["party_id", "name", "category", "society", "kind", "bank_code", "branch_code", "account_type",
               "account_number", "account_holder"]  # fmt: skip
    party_frame = pl.DataFrame(parties, schema=dict.fromkeys(columns, pl.String), orient="row")
    party_frame.write_csv(out / "parties.csv")
    writers = [p[0] for p in parties if p[0].startswith(("M", "F"))]

    rights = []
    for w in range(works):
        work = f"J{w:07d}"
        composer = writers[rng.integers(len(writers))]
        lyricist = writers[rng.integers(len(writers))]
        late = "2026-09-25" if rng.random() < 0.01 else "2020-04-01"
        if rng.random() < 0.5:
            publisher = f"PUB{rng.integers(len(PUBLISHERS))}"
            rights += [
                (work, composer, "composer", "performing", "25/100", "2019-05-01", "2019-05-01", None),
                (work, lyricist, "lyricist", "performing", "25/100", late, "2019-05-01", None),
                (work, publisher, "publisher", "performing", "50/100", "2019-05-01", "2019-05-01", None),
                (work, publisher, "publisher", "mechanical", "1", "2019-05-01", "2019-05-01", None),
            ]
        else:
            holder = None if rng.random() < 0.02 else lyricist  # an undetermined lyricist: held
            rights += [
                (work, composer, "composer", "performing", None, "2019-05-01", "2019-05-01", None),
                (work, holder, "lyricist", "performing", None, "2019-05-01", "2019-05-01", None),
                (work, composer, "composer", "mechanical", "50/100", "2019-05-01", "2019-05-01", None),
                (work, holder, "lyricist", "mechanical", "50%", "2019-05-01", "2019-05-01", None),
            ]
    pl.DataFrame(
        rights,
        schema=dict.fromkeys(
            ["work_id", "party_id", "role", "right", "share", "submitted_on", "valid_from", "valid_to"], pl.String
        ),
        orient="row",
    ).write_csv(out / "rights.csv")

    popularity = 1.0 / np.arange(1, works + 1) ** 1.05
    popularity /= popularity.sum()
    work_of = rng.choice(works, lines, p=popularity)
    outcome = rng.choice(["managed", "unidentified", "other", "public_domain"], lines, p=[0.93, 0.02, 0.04, 0.01])
    station_ids = np.array([s[0] for s in stations])
    station = station_ids[rng.integers(len(stations), size=lines)]
    sampled = np.isin(station, ["FM03", "FM04"])
    frame = pl.DataFrame(
        {
            "line_id": [f"2026Q2-{i:08d}" for i in range(lines)],
            "station_id": station,
            "work_id": [
                f"J{w:07d}" if o in ("managed", "other") else "" for w, o in zip(work_of, outcome, strict=True)
            ],
            "outcome": outcome,
            "duration_s": rng.integers(8, 420, lines),
            "method": rng.choice(["featured", "theme", "background", "commercial"], lines, p=[0.45, 0.15, 0.35, 0.05]),
            "recorded": np.where(rng.random(lines) < 0.7, "yes", ""),
            "sampling_rate": np.where(sampled, "1/13", ""),
        }
    )
    frame.write_csv(out / "usage.csv")
    return (
        f"demo quarter 2026Q2 written to {out}: {len(parties)} parties, {works} works, "
        f"{len(rights)} share rows, {lines} usage lines"
    )
