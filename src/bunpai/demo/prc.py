"""A generator of realistic private recording input folders (`bunpai prc demo`).

`generate_period` writes one complete, valid input folder as `docs/prc-files.md` describes it:
period.toml, parties.csv, works.csv, rights.csv, the three usage files and claims.csv. The data is
invented but shaped like a real period:

- Japanese titles (「夜明けのうた」, 「東京ラプソディ」, 「サマー・ドリーム」…) and Western titles; Japanese,
  Western, Korean and Chinese names; music publishers (株式会社…音楽出版, "… Music Publishing");
- members, members of foreign societies (ASCAP, BMI, PRS, GEMA, SACEM, KOMCA, CASH, APRA…),
  assignees and non-members (most individual non-members with income tax withheld);
- the compositions of Art. 13 with and without a publisher, the publisher shares drawn from the
  allowed registered patterns (rarely one outside the table, or one that leaves part of 12/12 held),
  co-composers, co-lyricists and co-publishers, works whose music or lyrics have expired;
- rights whose holder is not determined (empty party), documents received after the cut-off
  (which must not count), publisher changes (a row ending before the reference date and its
  successor), a few works with no counted right at all;
- usage where a few hits take most uses (Zipf-like popularity), with the use types, station kinds,
  recording classes, purposes and rental classes that count and those that do not;
- a few non-member claims: some paid, some late, some too small, one special case, and one by a
  member (invalid).

Everything is drawn with `numpy.random.Generator` in whole arrays and written with Polars, so a
period of a million works and ten million usage rows takes seconds, not minutes; the same seed
gives byte-identical files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import numpy as np
import polars as pl

__all__ = ["generate_period"]

PERIOD = "2026-09"
REFERENCE_DATE = date(2026, 6, 30)
DOCUMENTS_DAYS_BEFORE = 10
CUTOFF = REFERENCE_DATE - timedelta(days=DOCUMENTS_DAYS_BEFORE)  # 2026-06-20: last day that counts
#: The usage of a September distribution: the first half of the previous fiscal year.
USAGE_FROM = date(2025, 4, 1)
USAGE_TO = date(2025, 9, 30)

RECEIPT_PER_WORK_YEN = 1_200  # about 1.2 billion yen for a million works
USAGE_ROWS_PER_WORK = 10
USAGE_SPLIT = (0.50, 0.35, 0.15)  # broadcast, recording, rental
CHUNK_ROWS = 1_000_000
POPULARITY_EXPONENT = 1.05  # Zipf exponent of the usage: a few hits take most uses
PROLIFIC_EXPONENT = 0.8  # Zipf exponent of the works per writer / publisher

_EPOCH = date(1970, 1, 1)


def _w(text: str, sep: str = " ") -> tuple[str, ...]:
    return tuple(text.split(sep))


def _day(d: date) -> int:
    return (d - _EPOCH).days


# --------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------

_JP_NOUN = _w(
    "夜明け 海 空 星 桜 雨 風 花 夢 涙 月 恋 街 港 故郷 青春 約束 旅路 光 虹 雪 夏 冬 春 秋 心 君 愛 夜 朝 "
    "川 森 丘 道 窓 駅 岬 灯台 季節 想い出 未来 黄昏 銀河 蛍 紫陽花 向日葵 夕焼け 陽だまり 波 島 砂浜 坂道"
)
_JP_SONGWORD = _w(
    "うた 歌 ワルツ ブルース 物語 子守唄 約束 記憶 鼓動 行方 足音 向こう "
    "果て 彼方 詩 ララバイ セレナーデ 唄 鐘 メロディー 手紙 面影"
)
_JP_VERB = _w(
    "願いを 抱かれて 恋して 誓って 帰ろう 消えないで 会いたくて 届けたい 咲いて 眠れ 揺れて 溶けて 歌えば"
)
_JP_ADJ = _w(
    "青い 赤い 白い 遠い 優しい 懐かしい 小さな 熱い 眠れない 愛しき 美しき はるかな 静かな 悲しい 新しい "
    "永遠の 真夏の 真冬の 最後の 初めての 二人の 雨の日の"
)
_JP_PLACE = _w("東京 大阪 横浜 札幌 長崎 津軽 博多 神戸 京都 函館 湘南 銀座 新宿 瀬戸内 北国 南国 奄美 佐渡")
_JP_SUFFIX = _w(
    "音頭 行進曲 讃歌 ラプソディ ワルツ ブルース 夜曲 慕情 物語 恋歌 小唄 セレナーデ 夜景 ナイト 音頭"
)
_KATA_1 = _w(
    "サマー ミッドナイト スター ブルー ドリーム ラブ シャイニング ハッピー クリスタル ロンリー ファースト "
    "スウィート ムーン レイン ダンシング ゴールデン ネオン シルバー"
)
_KATA_2 = _w(
    "ドリーム ラブ ストーリー ナイト ライト メモリー シティ ダンス "
    "ハート ロード デイズ パレード ウィンド ソング"
)

_EN_ADJ = _w(
    "Blue Midnight Golden Silver Lonely Sweet Wild Crazy Endless Broken Electric Silent Summer Little "
    "Dancing Shining Lost Velvet Neon Restless Northern Hollow"
)
_EN_NOUN = _w(
    "Moon Rain Heart Train Road River Dream Fire Night Sky Love City Highway Angel Star Ocean Garden Letter "
    "Shadow Memory Wind Rose Sunrise Paradise Tears Horizon Lullaby"
)
_EN_OF = _w("Gold Dreams Fire Love Tears Glass Stars Hope Summer Time Silence Light")
_EN_PHRASE = _w(
    "Love Me Tonight|Take Me Home|Hold On|Don't Let Go|Call My Name|Stay With Me|Come Back to Me|"
    "Dance With Me|Remember Me|Walk Away|Say You Will|Never Say Goodbye|Run to You|Fly Away|Let It Shine|"
    "Wait for Me|All I Need|Only You|Bring Me the Night|One More Time",
    "|",
)

_JP_FAMILY = _w(
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 "
    "井上 木村 林 斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 "
    "岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 福田 太田 西村 藤井 金子 岡本 "
    "藤原 中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 石田 上田"
)
_JP_GIVEN = _w(
    "太郎 健 翔太 大輔 拓也 直樹 誠 浩 隆 修 健太 亮 悠人 蓮 陽翔 湊 大和 翼 和也 秀樹 花子 陽子 恵子 幸子 "
    "美穂 由美 裕子 真由美 明美 直美 愛 美咲 さくら 結衣 陽菜 葵 凛 七海 千尋 彩 優子 智子 香織 麻衣 舞 "
    "ひろし みゆき 圭 周平 あかね"
)
_KR_FAMILY = _w("김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권")
_KR_GIVEN = _w("민준 서연 지훈 하은 도윤 수빈 예준 지민 현우 서윤 은지 태양 유진 성민 혜진")
_ZH_FAMILY = _w("陳 李 黃 張 梁 林 劉 吳 王 何 郭 馬 羅 鄭 謝")
_ZH_GIVEN = _w("家豪 志明 嘉欣 偉倫 詠詩 俊傑 美玲 子軒 思敏 浩然 麗華 家輝 綺雯 永康 慧儀")
_EN_FIRST = _w(
    "James John Robert Michael William David Mary Patricia Jennifer Linda Elizabeth Susan Paul George "
    "Richard Thomas Charles Daniel Sarah Karen Emma Olivia Sophie Lucas Hans Klaus Pierre Jean Claire Marie "
    "Anna Lars Erik Giulia Marco Carlos Isabel Liam Noah Chloe"
)
_EN_LAST = _w(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Jackson Martin Thompson "
    "White Harris Clark Lewis Walker Hall Young King Wright Scott Green Baker Adams Nelson Müller Schmidt "
    "Schneider Dubois Lefebvre Moreau Rossi Bianchi García Andersson Johansson O'Brien Murphy Campbell"
)
_JP_PUB_WORD = _w(
    "さくら 青空 銀河 虹色 ひかり 北斗 朝日 若葉 花鳥 月光 潮騒 東都 浪花 富嶽 新星 明星 白鳥 風の丘 海鳴り "
    "ソレイユ アルカディア ミルキーウェイ オーロラ 碧"
)
_EN_PUB_WORD = _w(
    "Silver Lake|Red Rock|Northern Star|Harbor|Maple|Crescent|Evergreen|Highland|Riverside|Starlight|"
    "Oakwood|Bluebird|Sunset|Lighthouse|Westwind|Ironbridge|Copperfield|Whitestone|Moonriver|Kingfisher",
    "|",
)
_EN_PUB_SUFFIX = _w(
    "Music Publishing|Songs Ltd|Music Inc.|Publishing Group|Music Publishing Co., Ltd.|Music Publishing", "|"
)

# --------------------------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------------------------

ROLES = ("composer", "lyricist", "arranger", "translator", "publisher")
_ROLE_LETTER = {"C": 0, "L": 1, "A": 2, "T": 3, "P": 4}
COMPOSER, LYRICIST, ARRANGER, TRANSLATOR, PUBLISHER = range(5)

CATEGORIES = ("member", "foreign", "assignee", "nonmember")
MEMBER, FOREIGN, ASSIGNEE, NONMEMBER = range(4)

SOCIETIES = ("ASCAP", "BMI", "PRS", "GEMA", "SACEM", "KOMCA", "CASH", "APRA", "SOCAN", "STIM", "SIAE")
_SOCIETY_P = (0.21, 0.21, 0.13, 0.08, 0.07, 0.10, 0.06, 0.05, 0.04, 0.03, 0.02)

# Pools of parties: each is a contiguous range of party indices.
POOL_DOMESTIC, POOL_FOREIGN, POOL_PUB_DOMESTIC, POOL_PUB_FOREIGN = range(4)

USE_TYPES = ("featured", "theme", "background", "test_pattern", "filler", "commercial")
_USE_TYPE_P = (0.86, 0.05, 0.05, 0.01, 0.015, 0.015)
STATION_KINDS = ("nhk_radio", "commercial_radio", "nhk_tv", "commercial_tv", "satellite")
_STATION_KIND_P = (0.22, 0.38, 0.14, 0.20, 0.06)
_COUNTED_STATIONS = (0, 1)
_DIFFERENTIAL = ("1", "2", "3", "1.5", "2.5")
_DIFFERENTIAL_P = (0.82, 0.09, 0.03, 0.05, 0.01)
_STATION_POINTS = ("1", "2", "3", "4", "1.5")
_STATION_POINTS_P = (0.55, 0.25, 0.10, 0.05, 0.05)
_SAMPLING = (None, "1", "1/4", "1/2")
_SAMPLING_P = (0.80, 0.08, 0.10, 0.02)
PURPOSES = ("sale", "export", "promotional", "private", "ic_chip", "floppy", "captain")
_PURPOSE_P = (0.90, 0.03, 0.03, 0.02, 0.01, 0.005, 0.005)
_RECORDING_CLASS_P = (0.60, 0.32, 0.08)  # classes 1, 2, 3
_DEEMED_P = (0.92, 0.06, 0.02)  # 1, 2, 3 deemed songs
_RENTAL_CLASS_P = (0.85, 0.15)  # classes 1, 2
_RENTAL_DEEMED_P = (0.95, 0.05)

# Art. 13 compositions, each a list of rows "role[:share]". A bare share n means n/12 (a
# registered performance share); "a/b" is written as given. Weights are per mille of works.
_VARIANTS: tuple[tuple[float, str], ...] = (
    # no right determined yet (no work notification received)
    (3, ""),
    # rows 1-6 of the table, no publisher: shares follow the table
    (120, "C"),
    (40, "C A"),
    (170, "C L"),
    (50, "C L A"),
    (20, "C L T"),
    (10, "C L A T"),
    # co-holders of one role: equal shares, or registered weights within the role
    (15, "C C"),
    (5, "C:3/5 C:2/5"),
    (10, "C C L"),
    (8, "C L L"),
    # rows 7-12 with a publisher: the allowed registered patterns, in twelfths
    (60, "C:8 P:4"),
    (40, "C:6 P:6"),
    (15, "C:6 A:2 P:4"),
    (10, "C:4 A:2 P:6"),
    (140, "C:4 L:4 P:4"),
    (90, "C:3 L:3 P:6"),
    (30, "C:4 L:3 P:5"),
    (30, "C:3 L:4 P:5"),
    (20, "C:3 L:3 A:2 P:4"),
    (15, "C:2 L:2 A:2 P:6"),
    (5, "C:3 L:2 A:2 P:5"),
    (5, "C:2 L:3 A:2 P:5"),
    (10, "C:3 L:3 T:2 P:4"),
    (10, "C:2 L:2 T:2 P:6"),
    (3, "C:3 L:2 T:2 P:5"),
    (3, "C:2 L:3 T:2 P:5"),
    (4, "C:3 L:3 A:1 T:1 P:4"),
    (4, "C:2 L:2 A:1 T:1 P:6"),
    (2, "C:3 L:2 A:1 T:1 P:5"),
    (2, "C:2 L:3 A:1 T:1 P:5"),
    # co-composers and co-publishers inside an allowed pattern
    (20, "C:2 C:2 L:4 P:4"),
    (10, "C:4 C:4 P:4"),
    (10, "C:4 L:4 P:2 P:2"),
    # rare: registered patterns outside the table (applied as registered, reported for review)
    (2, "C:7 P:5"),
    (1, "C:4 L:4 A:1 P:3"),
    # rare: registered shares below 12/12 (the rest is held)
    (2, "C:6 P:4"),
)


@dataclass(frozen=True)
class _VariantTable:
    weights: np.ndarray  # float64 (n_variants,)
    length: np.ndarray  # int64 rows per variant
    offset: np.ndarray  # int64 first flat row of each variant
    has_publisher: np.ndarray  # bool
    has_arranger: np.ndarray
    has_lyricist: np.ndarray
    has_translator: np.ndarray
    role: np.ndarray  # int8 per flat row
    ordinal: np.ndarray  # int8 per flat row: rank among rows of the same role in the variant
    share: np.ndarray  # int16 per flat row: index into `shares` (0 = empty)
    shares: tuple[str | None, ...]


def _variant_table() -> _VariantTable:
    shares: list[str | None] = [None]
    roles: list[int] = []
    ordinals: list[int] = []
    share_codes: list[int] = []
    lengths: list[int] = []
    flags: list[tuple[bool, bool, bool, bool]] = []
    for _, spec in _VARIANTS:
        tokens = spec.split()
        seen = [0] * len(ROLES)
        for token in tokens:
            letter, _, share = token.partition(":")
            role = _ROLE_LETTER[letter]
            roles.append(role)
            ordinals.append(seen[role])
            seen[role] += 1
            text = None if not share else (share if "/" in share else f"{share}/12")
            if text not in shares:
                shares.append(text)
            share_codes.append(shares.index(text))
        lengths.append(len(tokens))
        flags.append((seen[PUBLISHER] > 0, seen[ARRANGER] > 0, seen[LYRICIST] > 0, seen[TRANSLATOR] > 0))
    length = np.array(lengths, dtype=np.int64)
    flag = np.array(flags, dtype=bool).reshape(len(_VARIANTS), 4)
    return _VariantTable(
        weights=np.array([w for w, _ in _VARIANTS], dtype=np.float64),
        length=length,
        offset=np.cumsum(length) - length,
        has_publisher=flag[:, 0],
        has_arranger=flag[:, 1],
        has_lyricist=flag[:, 2],
        has_translator=flag[:, 3],
        role=np.array(roles, dtype=np.int8),
        ordinal=np.array(ordinals, dtype=np.int8),
        share=np.array(share_codes, dtype=np.int16),
        shares=tuple(shares),
    )


_TABLE = _variant_table()

# Extra rows beside the compositions (probabilities per work).
P_LATE_ROW = 0.010  # one more right submitted after the cut-off (does not count)
P_LATE_WORK = 0.003  # every right of the work submitted after the cut-off
P_SUCCESSION = 0.030  # of works with a publisher: the publisher changed before the reference date
P_NO_HOLDER = 0.004  # of rights rows: the holder is not determined (empty party_id)
P_FOREIGN_WORK = 0.20
P_SINGER_SONGWRITER = 0.30
# Ordinals of the extra rows: far from the compositions' own so that no holder repeats in a role.
_ORD_LATE = 5
_ORD_PREDECESSOR = 7
_MIN_POOL = 16


# --------------------------------------------------------------------------------------------
# Small vectorised helpers
# --------------------------------------------------------------------------------------------


def _categorical(
    rng: np.random.Generator, p: Sequence[float] | np.ndarray, n: int, *, cover: bool = False
) -> np.ndarray:
    """Codes 0..len(p)-1 drawn with probabilities p; with `cover`, every code appears when n allows."""
    cdf = np.cumsum(np.asarray(p, dtype=np.float64))
    codes: np.ndarray = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right").astype(np.int16)
    np.minimum(codes, len(p) - 1, out=codes)
    if cover and n >= len(p):
        present = np.bincount(codes, minlength=len(p)) > 0
        missing = np.flatnonzero(~present)
        if missing.size:
            # Overwrite positions of the most frequent code only, so no other code disappears.
            common = int(np.argmax(np.bincount(codes, minlength=len(p))))
            slots = rng.choice(np.flatnonzero(codes == common), size=missing.size, replace=False)
            codes[np.sort(slots)] = missing
    return codes


def _zipf_cdf(n: int, exponent: float) -> np.ndarray:
    return np.cumsum(1.0 / np.arange(1, n + 1, dtype=np.float64) ** exponent)


def _zipf(rng: np.random.Generator, cdf: np.ndarray, n: int) -> np.ndarray:
    ranks: np.ndarray = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    np.minimum(ranks, cdf.size - 1, out=ranks)
    return ranks


def _words(words: Sequence[str | None], codes: np.ndarray) -> pl.Series:
    return pl.Series(values=list(words), dtype=pl.String).gather(codes)


def _pick(rng: np.random.Generator, words: Sequence[str], n: int) -> pl.Series:
    return _words(words, rng.integers(0, len(words), size=n))


def _choose(codes: np.ndarray, options: Sequence[pl.Series]) -> pl.Series:
    """Element i of options[codes[i]]."""
    frame = pl.DataFrame({f"o{i}": s for i, s in enumerate(options)}).with_columns(
        pl.Series("code", codes, dtype=pl.Int16)
    )
    expr: pl.Expr = pl.col(f"o{len(options) - 1}")
    for i in range(len(options) - 2, -1, -1):
        expr = pl.when(pl.col("code") == i).then(pl.col(f"o{i}")).otherwise(expr)
    return frame.select(expr.alias("v")).to_series()


def _dates(days: np.ndarray, null: np.ndarray | None = None) -> pl.Series:
    series = pl.Series(values=days.astype(np.int32), dtype=pl.Int32).cast(pl.Date)
    if null is not None and null.any():
        series = series.scatter(np.flatnonzero(null), None)
    return series


def _uniform_days(rng: np.random.Generator, start: date, end: date, n: int) -> np.ndarray:
    return rng.integers(_day(start), _day(end) + 1, size=n, dtype=np.int64)


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    digits = pl.Series(values=numbers.astype(np.int64), dtype=pl.Int64).cast(pl.String).str.zfill(width)
    return prefix + digits


# --------------------------------------------------------------------------------------------
# Parties
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parties:
    ids: pl.Series  # party_id by party index, with a trailing null (the "not determined" holder)
    category: np.ndarray  # int16 by party index
    pool_start: np.ndarray  # int64 (4,)
    pool_size: np.ndarray  # int64 (4,)
    frame: pl.DataFrame  # parties.csv, sorted by party_id


def _jp_name(rng: np.random.Generator, n: int) -> pl.Series:
    return _pick(rng, _JP_FAMILY, n) + " " + _pick(rng, _JP_GIVEN, n)


def _foreign_name(rng: np.random.Generator, society: np.ndarray) -> pl.Series:
    n = society.size
    western = _pick(rng, _EN_FIRST, n) + " " + _pick(rng, _EN_LAST, n)
    korean = _pick(rng, _KR_FAMILY, n) + _pick(rng, _KR_GIVEN, n)
    chinese = _pick(rng, _ZH_FAMILY, n) + _pick(rng, _ZH_GIVEN, n)
    kind = np.where(
        society == SOCIETIES.index("KOMCA"), 1, np.where(society == SOCIETIES.index("CASH"), 2, 0)
    )
    return _choose(kind, [western, korean, chinese])


def _jp_publisher(rng: np.random.Generator, n: int) -> pl.Series:
    word = _pick(rng, _JP_PUB_WORD, n)
    forms = [
        "株式会社" + word + "音楽出版",
        "株式会社" + word + "ミュージック",
        word + "音楽出版株式会社",
        "有限会社" + word + "音楽出版社",
        "株式会社" + word + "ミュージックパブリッシング",
    ]
    return _choose(_categorical(rng, (0.45, 0.2, 0.15, 0.1, 0.1), n), forms)


def _foreign_publisher(rng: np.random.Generator, society: np.ndarray) -> pl.Series:
    n = society.size
    word = _pick(rng, _EN_PUB_WORD, n)
    general = word + " " + _pick(rng, _EN_PUB_SUFFIX, n)
    german = word + " Musikverlag GmbH"
    french = "Éditions " + word
    kind = np.where(
        society == SOCIETIES.index("GEMA"), 1, np.where(society == SOCIETIES.index("SACEM"), 2, 0)
    )
    return _choose(kind, [general, german, french])


def _parties(rng: np.random.Generator, works: int) -> _Parties:
    sizes = np.array(
        [
            max(3 * _MIN_POOL, works * 15 // 100),
            max(2 * _MIN_POOL, works * 5 // 100),
            max(_MIN_POOL, works * 12 // 1000),
            max(_MIN_POOL, works * 4 // 1000),
        ],
        dtype=np.int64,
    )
    start = np.cumsum(sizes) - sizes
    n_dom, n_for, n_pdom, n_pfor = (int(s) for s in sizes)

    # categories, societies, withholding per pool
    cat_dom = np.array([MEMBER, ASSIGNEE, NONMEMBER], dtype=np.int16)[
        _categorical(rng, (0.82, 0.05, 0.13), n_dom, cover=True)
    ]
    cat_for = np.array([FOREIGN, NONMEMBER], dtype=np.int16)[_categorical(rng, (0.9, 0.1), n_for, cover=True)]
    cat_pdom = np.array([MEMBER, NONMEMBER], dtype=np.int16)[
        _categorical(rng, (0.92, 0.08), n_pdom, cover=True)
    ]
    cat_pfor = np.array([FOREIGN, NONMEMBER], dtype=np.int16)[_categorical(rng, (0.93, 0.07), n_pfor)]
    # Fairly prolific writers of each kind (ranks 3-5 of a pool are drawn often), so that even a
    # small period has an assignee and non-members among its counted holders.
    cat_dom[3:6] = (ASSIGNEE, NONMEMBER, NONMEMBER)
    cat_for[3] = NONMEMBER
    cat_pdom[3] = NONMEMBER
    soc_for = _categorical(rng, _SOCIETY_P, n_for, cover=True)
    soc_pfor = _categorical(rng, _SOCIETY_P, n_pfor)
    category = np.concatenate([cat_dom, cat_for, cat_pdom, cat_pfor])
    society = np.concatenate([np.full(n_dom, -1), soc_for, np.full(n_pdom, -1), soc_pfor]).astype(np.int16)
    society[category != FOREIGN] = -1
    individual = np.zeros(category.size, dtype=bool)
    individual[: n_dom + n_for] = True
    withholding = (category == NONMEMBER) & individual & (rng.random(category.size) < 0.75)
    withholding[4:6] = (True, False)  # the two prolific non-members above: with and without

    names = pl.concat(
        [
            _jp_name(rng, n_dom),
            _foreign_name(rng, soc_for),
            _jp_publisher(rng, n_pdom),
            _foreign_publisher(rng, soc_pfor),
        ]
    )
    total = int(sizes.sum())
    width = max(7, len(str(total)))
    number = rng.permutation(total) + 1  # party ids do not reveal the pool
    ids = _ids("P", number, width)
    frame = (
        pl.DataFrame(
            {
                "party_id": ids,
                "name": names,
                "category": _words(CATEGORIES, category),
                "society": _words((*SOCIETIES, None), np.where(society < 0, len(SOCIETIES), society)),
                "withholding": _words((None, "yes"), withholding.astype(np.int8)),
                "_n": number,
            }
        )
        .sort("_n")
        .drop("_n")
    )
    return _Parties(
        ids=pl.concat([ids, pl.Series([None], dtype=pl.String)]),
        category=category,
        pool_start=start,
        pool_size=sizes,
        frame=frame,
    )


# --------------------------------------------------------------------------------------------
# Works
# --------------------------------------------------------------------------------------------


def _jp_titles(rng: np.random.Generator, n: int) -> pl.Series:
    noun = _pick(rng, _JP_NOUN, n)
    patterns = [
        noun + "の" + _pick(rng, _JP_SONGWORD, n),  # 夜明けのうた
        noun + "に" + _pick(rng, _JP_VERB, n),  # 星に願いを
        _pick(rng, _JP_ADJ, n) + noun,  # 青い珊瑚礁
        noun + "と" + _pick(rng, _JP_NOUN, n),  # 月と花
        _pick(rng, _JP_PLACE, n) + _pick(rng, _JP_SUFFIX, n),  # 東京ラプソディ
        _pick(rng, _KATA_1, n) + "・" + _pick(rng, _KATA_2, n),  # サマー・ドリーム
        noun,  # 桜
    ]
    return _choose(_categorical(rng, (0.26, 0.12, 0.18, 0.08, 0.10, 0.16, 0.10), n), patterns)


def _en_titles(rng: np.random.Generator, n: int) -> pl.Series:
    noun = _pick(rng, _EN_NOUN, n)
    patterns = [
        _pick(rng, _EN_ADJ, n) + " " + noun,  # Blue Moon
        noun + " of " + _pick(rng, _EN_OF, n),  # River of Dreams
        "The " + noun,
        _pick(rng, _EN_PHRASE, n),  # Stay With Me
        _pick(rng, _EN_PHRASE, n) + " (" + _pick(rng, _EN_ADJ, n) + " " + noun + ")",
    ]
    return _choose(_categorical(rng, (0.35, 0.15, 0.1, 0.3, 0.1), n), patterns)


# --------------------------------------------------------------------------------------------
# Rights
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rights:
    work: np.ndarray  # int64 work index per row
    party: np.ndarray  # int64 party index per row, -1 when the holder is not determined
    counted: np.ndarray  # bool: the row counts on the reference date
    frame: pl.DataFrame  # rights.csv
    music_expired: np.ndarray  # bool per work
    lyrics_expired: np.ndarray  # bool per work


def _tilted_weights(target_rows: float | None) -> np.ndarray:
    """Variant probabilities, tilted by exp(-λ·rows) so the mean rows per work meets the target."""
    w: np.ndarray = _TABLE.weights / _TABLE.weights.sum()
    k = _TABLE.length.astype(np.float64)
    if target_rows is None:
        return w
    extra = P_LATE_ROW + P_SUCCESSION * float(w[_TABLE.has_publisher].sum())
    target = min(max(target_rows - extra, 0.9), float(k.max()) - 0.1)

    def mean(lam: float) -> float:
        t = w * np.exp(-lam * (k - k.mean()))
        return float((t * k).sum() / t.sum())

    lo, hi = -20.0, 20.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if mean(mid) > target:
            lo = mid
        else:
            hi = mid
    t: np.ndarray = w * np.exp(-lo * (k - k.mean()))
    return t / float(t.sum())


def _rights(
    rng: np.random.Generator, works: int, parties: _Parties, rights_per_work: float | None
) -> _Rights:
    table = _TABLE
    p = _tilted_weights(rights_per_work)
    variant = _categorical(rng, p, works, cover=works >= 4 * p.size).astype(np.int64)
    is_foreign = rng.random(works) < P_FOREIGN_WORK

    # Expired music (then an arranger counts as composer) / lyrics (a translator as lyricist):
    # older works with an arrangement or a translation, and a few others.
    has_arr = table.has_arranger[variant]
    has_lyr = table.has_lyricist[variant]
    has_tra = table.has_translator[variant]
    music_expired = has_arr & (rng.random(works) < 0.15)
    lyrics_expired = has_lyr & (rng.random(works) < np.where(has_tra, 0.25, 0.004))
    for flags, eligible in ((music_expired, has_arr), (lyrics_expired, has_lyr & has_tra)):
        if not flags.any() and eligible.any():
            flags[np.flatnonzero(eligible)[0]] = True

    # Pool of each (work, role): writers from the work's country; translators are Japanese;
    # half the arrangements of foreign works are Japanese; most foreign works have a Japanese
    # sub-publisher.
    pool = np.empty((works, len(ROLES)), dtype=np.int64)
    origin = np.where(is_foreign, POOL_FOREIGN, POOL_DOMESTIC)
    pool[:, COMPOSER] = origin
    pool[:, LYRICIST] = origin
    pool[:, ARRANGER] = np.where(is_foreign & (rng.random(works) < 0.5), POOL_FOREIGN, POOL_DOMESTIC)
    pool[:, TRANSLATOR] = POOL_DOMESTIC
    pool[:, PUBLISHER] = np.where(is_foreign & (rng.random(works) < 0.3), POOL_PUB_FOREIGN, POOL_PUB_DOMESTIC)
    # Base rank in the pool per (work, role): a few prolific writers and publishers.
    base = np.empty_like(pool)
    u = rng.random(pool.shape)
    for code in range(4):
        mask = pool == code
        cdf = _zipf_cdf(int(parties.pool_size[code]), PROLIFIC_EXPONENT)
        base[mask] = np.minimum(np.searchsorted(cdf, u[mask] * cdf[-1], side="right"), cdf.size - 1)
    songwriter = rng.random(works) < P_SINGER_SONGWRITER
    base[songwriter, LYRICIST] = base[songwriter, COMPOSER]

    # Expand the compositions into rows.
    k = table.length[variant]
    n_main = int(k.sum())
    work = np.repeat(np.arange(works, dtype=np.int64), k)
    first = np.cumsum(k) - k
    flat = np.repeat(table.offset[variant] - first, k) + np.arange(n_main, dtype=np.int64)
    role = table.role[flat].astype(np.int64)
    ordinal = table.ordinal[flat].astype(np.int64)
    share = table.share[flat].astype(np.int64)

    # Dates: the work was registered on some day; its documents arrived within 90 days, before the
    # cut-off. Some rows leave valid_from open.
    years = rng.beta(2.2, 1.0, size=works)
    registered = (_day(date(1960, 1, 1)) + years * (_day(date(2026, 5, 31)) - _day(date(1960, 1, 1)))).astype(
        np.int64
    )
    valid_from = registered[work]
    submitted = np.minimum(valid_from + rng.integers(0, 91, size=n_main), _day(CUTOFF))
    valid_from_null = rng.random(n_main) < 0.2
    valid_to = np.zeros(n_main, dtype=np.int64)
    valid_to_null = np.ones(n_main, dtype=bool)

    # Every right of a few works arrived late.
    late_work = (rng.random(works) < P_LATE_WORK) & (k > 0)
    if not late_work.any() and (k > 0).any():
        late_work[np.flatnonzero(k > 0)[-1]] = True
    late_rows = late_work[work]
    submitted[late_rows] = _uniform_days(
        rng, CUTOFF + timedelta(days=1), date(2026, 8, 31), int(late_rows.sum())
    )
    valid_from[late_rows] = np.minimum(valid_from[late_rows], _day(date(2026, 6, 1)))

    # Holder not determined.
    no_holder = rng.random(n_main) < P_NO_HOLDER
    if not no_holder.any() and n_main:
        no_holder[rng.integers(n_main)] = True

    # One more right submitted after the cut-off: an arranger, or a publisher's share.
    with_pub = table.has_publisher[variant]
    extra_late = np.flatnonzero(rng.random(works) < P_LATE_ROW)
    if extra_late.size == 0:
        extra_late = np.array([works // 2], dtype=np.int64)
    n_late = extra_late.size
    late_role = np.where(with_pub[extra_late], PUBLISHER, ARRANGER)
    late_share = np.where(with_pub[extra_late], table.shares.index("2/12"), 0)
    late_submitted = _uniform_days(rng, CUTOFF + timedelta(days=1), date(2026, 8, 15), n_late)
    late_from = np.minimum(registered[extra_late], _day(date(2026, 6, 1)))

    # Publisher changes: the former publisher's row ends before the reference date; the current
    # row (the composition's first publisher) starts the next day.
    current = np.flatnonzero(
        (role == PUBLISHER) & (ordinal == 0) & ~late_rows & (rng.random(n_main) < P_SUCCESSION)
    )
    if current.size == 0:
        candidates = np.flatnonzero((role == PUBLISHER) & (ordinal == 0) & ~late_rows)
        current = candidates[:1]
    change = _uniform_days(rng, date(2015, 4, 1), date(2026, 5, 31), current.size)
    pred_from = np.minimum(registered[work[current]], change - 365)
    pred_submitted = np.minimum(pred_from + rng.integers(0, 31, size=current.size), _day(CUTOFF))
    valid_from[current] = change + 1
    valid_from_null[current] = False
    submitted[current] = np.minimum(change + 1 + rng.integers(0, 21, size=current.size), _day(CUTOFF))

    # Assemble main + late extras + predecessors.
    all_work = np.concatenate([work, extra_late, work[current]])
    all_role = np.concatenate([role, late_role, np.full(current.size, PUBLISHER)])
    all_ord = np.concatenate([ordinal, np.full(n_late, _ORD_LATE), np.full(current.size, _ORD_PREDECESSOR)])
    all_share = np.concatenate([share, late_share, share[current]])
    all_submitted = np.concatenate([submitted, late_submitted, pred_submitted])
    all_from = np.concatenate([valid_from, late_from, pred_from])
    all_from_null = np.concatenate([valid_from_null, rng.random(n_late) < 0.3, np.zeros(current.size, bool)])
    all_to = np.concatenate([valid_to, np.zeros(n_late, np.int64), change])
    all_to_null = np.concatenate([valid_to_null, np.ones(n_late, bool), np.zeros(current.size, bool)])
    all_no_holder = np.concatenate([no_holder, np.zeros(n_late + current.size, bool)])

    row_pool = pool[all_work, all_role]
    row_base = base[all_work, all_role]
    party = parties.pool_start[row_pool] + (row_base + all_ord) % parties.pool_size[row_pool]
    party[all_no_holder] = -1

    counted = (
        (all_submitted <= _day(CUTOFF))
        & (all_from_null | (all_from <= _day(REFERENCE_DATE)))
        & (all_to_null | (all_to >= _day(REFERENCE_DATE)))
    )

    order = np.lexsort((all_ord, all_role, all_work))
    all_work, all_role, all_share, party, counted = (
        a[order] for a in (all_work, all_role, all_share, party, counted)
    )
    all_submitted, all_from, all_from_null, all_to, all_to_null = (
        a[order] for a in (all_submitted, all_from, all_from_null, all_to, all_to_null)
    )
    frame = pl.DataFrame(
        {
            "work_index": all_work,
            "party_id": parties.ids.gather(np.where(party < 0, parties.ids.len() - 1, party)),
            "role": _words(ROLES, all_role),
            "share": _words(table.shares, all_share),
            "submitted_on": _dates(all_submitted),
            "valid_from": _dates(all_from, all_from_null),
            "valid_to": _dates(all_to, all_to_null),
        }
    )
    return _Rights(
        work=all_work,
        party=party,
        counted=counted,
        frame=frame,
        music_expired=music_expired,
        lyrics_expired=lyrics_expired,
    )


# --------------------------------------------------------------------------------------------
# Usage
# --------------------------------------------------------------------------------------------


@dataclass
class _Usage:
    ids: pl.Series  # work_id by work index
    rank_to_work: np.ndarray
    cdf: np.ndarray

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        works: np.ndarray = self.rank_to_work[_zipf(rng, self.cdf, n)]
        return works


def _chunks(total: int) -> Iterator[int]:
    done = 0
    while done < total:
        size = min(CHUNK_ROWS, total - done)
        yield size
        done += size


def _broadcast_chunk(
    rng: np.random.Generator, usage: _Usage, n: int, first: bool
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    work = usage.draw(rng, n)
    use_type = _categorical(rng, _USE_TYPE_P, n, cover=first)
    kind = _categorical(rng, _STATION_KIND_P, n, cover=first)
    uses = np.minimum(rng.geometric(0.45, size=n), 99).astype(np.int32)
    differential = _categorical(rng, _DIFFERENTIAL_P, n, cover=first)
    station = _categorical(rng, _STATION_POINTS_P, n, cover=first)
    sampling = _categorical(rng, _SAMPLING_P, n, cover=first)
    frame = pl.DataFrame(
        {
            "work_id": usage.ids.gather(work),
            "use_count": uses,
            "differential_points": _words(_DIFFERENTIAL, differential),
            "station_points": _words(_STATION_POINTS, station),
            "sampling_rate": _words(_SAMPLING, sampling),
            "use_type": _words(USE_TYPES, use_type),
            "station_kind": _words(STATION_KINDS, kind),
        }
    )
    counts = (use_type == 0) & np.isin(kind, _COUNTED_STATIONS)
    points = uses * _number(_DIFFERENTIAL)[differential] * _number(_STATION_POINTS)[station]
    points /= _number(_SAMPLING)[sampling]
    return frame, work, np.where(counts, points, 0.0)


def _recording_chunk(
    rng: np.random.Generator, usage: _Usage, n: int, first: bool
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    work = usage.draw(rng, n)
    klass = _categorical(rng, _RECORDING_CLASS_P, n, cover=first) + 1
    purpose = _categorical(rng, _PURPOSE_P, n, cover=first)
    units = np.minimum(np.exp(rng.normal(5.5, 1.6, size=n)), 5_000_000).astype(np.int64) + 1
    deemed = (_categorical(rng, _DEEMED_P, n) + 1).astype(np.int32)
    frame = pl.DataFrame(
        {
            "work_id": usage.ids.gather(work),
            "deemed_songs": deemed,
            "units": units,
            "recording_class": klass.astype(np.int32),
            "purpose": _words(PURPOSES, purpose),
        }
    )
    counts = (klass <= 2) & (purpose == 0)
    return frame, work, np.where(counts, deemed * units.astype(np.float64), 0.0)


def _rental_chunk(
    rng: np.random.Generator, usage: _Usage, n: int, first: bool
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    work = usage.draw(rng, n)
    klass = _categorical(rng, _RENTAL_CLASS_P, n, cover=first) + 1
    deemed = (_categorical(rng, _RENTAL_DEEMED_P, n) + 1).astype(np.int32)
    rentals = np.minimum(np.exp(rng.normal(3.9, 1.2, size=n)), 1_000_000).astype(np.int64) + 1
    frame = pl.DataFrame(
        {
            "work_id": usage.ids.gather(work),
            "deemed_songs": deemed,
            "rental_count": rentals,
            "rental_class": klass.astype(np.int32),
        }
    )
    return frame, work, np.where(klass == 1, deemed * rentals.astype(np.float64), 0.0)


def _number(texts: Sequence[str | None]) -> np.ndarray:
    return np.array([float(Fraction(t)) if t else 1.0 for t in texts])


_ChunkFn = Callable[[np.random.Generator, "_Usage", int, bool], tuple[pl.DataFrame, np.ndarray, np.ndarray]]


def _write_usage(
    path: Path, rng: np.random.Generator, usage: _Usage, rows: int, make: _ChunkFn
) -> np.ndarray:
    """Write one usage file in chunks; return the approximate points per work (counted rows only).

    The points are floats, good enough to choose which works a claim should be about; the
    engine computes the exact ones.
    """
    points = np.zeros(usage.ids.len(), dtype=np.float64)
    with path.open("wb") as out:
        first = True
        for n in _chunks(rows) if rows else iter([0]):
            frame, work, row_points = make(rng, usage, n, first)
            frame.write_csv(out, include_header=first)
            points += np.bincount(work, weights=row_points, minlength=points.size)
            first = False
    return points


def _append_csv(path: Path, frame: pl.DataFrame) -> None:
    if frame.height:
        with path.open("ab") as out:
            frame.write_csv(out, include_header=False)


# --------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------

FUNDS = ("broadcast", "recording", "rental")


def _claims(
    rng: np.random.Generator,
    works: int,
    usage: _Usage,
    parties: _Parties,
    rights: _Rights,
    used: Sequence[np.ndarray],
    receipt: int,
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """A few claims (Art. 21-24), and the minimal usage rows that make some of them too small."""
    holder = rights.counted & (rights.party >= 0)
    category = np.full(rights.party.size, -1, dtype=np.int16)
    category[holder] = parties.category[rights.party[holder]]
    nm_rows = np.flatnonzero(holder & (category == NONMEMBER))
    member_rows = np.flatnonzero(holder & (category == MEMBER))
    # one row per work: the first non-member holder
    _, keep = np.unique(rights.work[nm_rows], return_index=True)
    nm_rows = nm_rows[keep]

    n_claims = min(400, max(8, works // 2500))
    n_small = max(1, n_claims * 15 // 100)
    n_late = max(1, n_claims * 20 // 100)
    n_paid = max(1, n_claims - n_small - n_late - 2)

    records: list[tuple[int, int, int, int, int, bool]] = []  # party, work, fund, use, claimed, special
    extra: list[list[int]] = [[], [], []]  # works given a minimal use, per fund
    taken = np.zeros((len(FUNDS), works), dtype=bool)  # (fund, work) already claimed

    def claim_day() -> int:
        return int(_uniform_days(rng, date(2026, 7, 1), date(2026, 8, 31), 1)[0])

    def use_day() -> int:
        return int(_uniform_days(rng, USAGE_FROM, USAGE_TO, 1)[0])

    # Rough value of a claim on a work: its points at the fund's unit price, for a third of the
    # work. Claims meant to be paid are for amounts well above the fee and the tax, and small
    # enough for the non-member fund (about 1 % of the music fund).
    music = receipt * 0.97
    fund_yen = [music * 0.99 * r for r in (0.14, 0.54, 0.32)]
    unit = [fund_yen[f] / max(float(used[f].sum()), 1.0) for f in range(len(FUNDS))]
    low = 2_000.0
    high = max(2 * low, 0.5 * music * 0.01 / n_paid)

    def pick(rows: np.ndarray, fund: int, how: str) -> int | None:
        rows = rows[~taken[fund, rights.work[rows]]]
        value = used[fund][rights.work[rows]] * unit[fund] / 3
        if how == "small":  # no counted use in this fund (a minimal use is added)
            pool = rows[value == 0]
        else:
            pool = rows[value > 0]
            if how == "paid" and pool.size:
                v = value[value > 0]
                inside = pool[(v >= low) & (v <= high)]
                pool = (
                    inside if inside.size else pool[[int(np.argmin(np.abs(np.log(v / np.sqrt(low * high)))))]]
                )
        if pool.size == 0:
            return None
        row = int(rng.choice(pool))
        taken[fund, rights.work[row]] = True
        return row

    fund_p = (0.5, 0.35, 0.15)
    plan = [("paid", n_paid), ("small", n_small), ("late", n_late), ("special", 1), ("member", 1)]
    for kind, count in plan:
        for _ in range(count):
            first = int(_categorical(rng, fund_p, 1)[0])
            rows = member_rows if kind == "member" else nm_rows
            how = {"small": "small", "paid": "paid", "special": "paid"}.get(kind, "used")
            for fund in (first, (first + 1) % 3, (first + 2) % 3):
                row = pick(rows, fund, how)
                if row is not None:
                    break
            if row is None:
                continue
            w = int(rights.work[row])
            if kind == "small":
                extra[fund].append(w)
            if kind in ("late", "special"):
                use = int(_uniform_days(rng, date(2022, 4, 1), date(2024, 3, 31), 1)[0])
            else:
                use = use_day()
            records.append((int(rights.party[row]), w, fund, use, claim_day(), kind == "special"))

    order = rng.permutation(len(records))
    records = [records[i] for i in order]
    party_ids = parties.ids.gather([r[0] for r in records]) if records else pl.Series([], dtype=pl.String)
    work_ids = usage.ids.gather([r[1] for r in records]) if records else pl.Series([], dtype=pl.String)
    frame = pl.DataFrame(
        {
            "claim_id": _ids("C", np.arange(1, len(records) + 1), 5),
            "party_id": party_ids,
            "work_id": work_ids,
            "fund": pl.Series([FUNDS[r[2]] for r in records], dtype=pl.String),
            "use_date": _dates(np.array([r[3] for r in records], dtype=np.int64)),
            "claimed_on": _dates(np.array([r[4] for r in records], dtype=np.int64)),
            "special_circumstances": pl.Series(["yes" if r[5] else None for r in records], dtype=pl.String),
        }
    )

    # Minimal uses: one featured NHK radio use, one unit of a class 1 sale, one class 1 rental.
    def ids(ws: list[int]) -> pl.Series:
        return usage.ids.gather(sorted(ws))

    b, r, t = (sorted(x) for x in extra)
    minimal = [
        pl.DataFrame(
            {
                "work_id": ids(b),
                "use_count": [1] * len(b),
                "differential_points": ["1"] * len(b),
                "station_points": ["1"] * len(b),
                "sampling_rate": pl.Series([None] * len(b), dtype=pl.String),
                "use_type": ["featured"] * len(b),
                "station_kind": ["nhk_radio"] * len(b),
            }
        ),
        pl.DataFrame(
            {
                "work_id": ids(r),
                "deemed_songs": [1] * len(r),
                "units": [1] * len(r),
                "recording_class": [1] * len(r),
                "purpose": ["sale"] * len(r),
            }
        ),
        pl.DataFrame(
            {
                "work_id": ids(t),
                "deemed_songs": [1] * len(t),
                "rental_count": [1] * len(t),
                "rental_class": [1] * len(t),
            }
        ),
    ]
    return frame, minimal


# --------------------------------------------------------------------------------------------
# period.toml
# --------------------------------------------------------------------------------------------


def _period_toml(rng: np.random.Generator, works: int, seed: int) -> tuple[str, int]:
    receipt = int(RECEIPT_PER_WORK_YEN * works * rng.uniform(0.95, 1.05))
    fraction = int(rng.integers(0, max(2, min(works // 2, 50_000))))
    nonmember_balance = int(receipt * 0.0097 * rng.uniform(-0.3, 0.5))
    text = f"""\
# A generated demo period (`bunpai prc demo --works {works} --seed {seed}`): invented data.
period = "{PERIOD}"                 # distribution month
reference_date = {REFERENCE_DATE.isoformat()}        # 確定基準日 (documents count up to {CUTOFF.isoformat()})
receipt_yen = {receipt}           # received from SARAH
# Example value: the ratio agreed with 日脚連 is not published in the regulations.
literary_ratio = "3/100"
# Example value: the administration fee rate of Art. 17 is not published in the regulations.
admin_fee_rate = "7/100"
# Example value: the fee per non-member claim (NM 9) is not published in the regulations.
claim_fee_yen = 500
claim_tax_rate = "1021/10000"      # income tax withheld on claims (10.21 %)

[carry_in]
fraction_yen = {fraction}              # Art. 19 carry from the previous period
nonmember_balance_yen = {nonmember_balance}    # Art. 24 balance of the previous period
"""
    return text, receipt


# --------------------------------------------------------------------------------------------
# The public function
# --------------------------------------------------------------------------------------------


def _check_target(out_dir: Path) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise FileExistsError(f"{out_dir} exists and is not a directory / ディレクトリではありません")
        if any(out_dir.iterdir()):
            raise FileExistsError(
                f"{out_dir} exists and is not empty; choose a new folder / "
                "出力先が空ではありません。新しいフォルダを指定してください"
            )


def generate_period(
    out_dir: Path,
    *,
    works: int = 5000,
    seed: int = 2026,
    rights_per_work: float | None = None,
    usage_rows: int | None = None,
) -> str:
    """Write a realistic, valid private recording input folder into `out_dir`; return a summary.

    `works` is the number of works; `rights_per_work` the mean number of rights rows per work
    (about 2.5 when not given); `usage_rows` the total over the three usage files (10 per work when
    not given), split 50 / 35 / 15 % between broadcast, recording and rental. The same arguments
    give byte-identical files. `out_dir` must not exist or be empty; the files are written to a
    temporary folder beside it and moved into place at the end.
    """
    if works < 1:
        raise ValueError("works must be at least 1")
    if rights_per_work is not None and rights_per_work <= 0:
        raise ValueError("rights_per_work must be positive")
    if usage_rows is not None and usage_rows < 0:
        raise ValueError("usage_rows must not be negative")
    out_dir = Path(out_dir)
    _check_target(out_dir)
    total_usage = USAGE_ROWS_PER_WORK * works if usage_rows is None else usage_rows
    n_broadcast = round(total_usage * USAGE_SPLIT[0])
    n_recording = round(total_usage * USAGE_SPLIT[1])
    n_rental = total_usage - n_broadcast - n_recording

    streams = np.random.SeedSequence(seed).spawn(9)
    rng = [np.random.default_rng(s) for s in streams]

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    umask = os.umask(0o022)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the folder is meant to be shared
    try:
        period_text, receipt = _period_toml(rng[0], works, seed)
        (tmp / "period.toml").write_text(period_text, encoding="utf-8")

        parties = _parties(rng[1], works)
        parties.frame.write_csv(tmp / "parties.csv")

        width = max(7, len(str(works)))
        work_ids = _ids("W", np.arange(1, works + 1), width)
        rights = _rights(rng[2], works, parties, rights_per_work)
        is_en = rng[3].random(works) < 0.35
        titles = _choose(is_en.astype(np.int8), [_jp_titles(rng[3], works), _en_titles(rng[3], works)])
        pl.DataFrame(
            {
                "work_id": work_ids,
                "title": titles,
                "music_expired": _words((None, "yes"), rights.music_expired.astype(np.int8)),
                "lyrics_expired": _words((None, "yes"), rights.lyrics_expired.astype(np.int8)),
            }
        ).write_csv(tmp / "works.csv")
        rights_rows = rights.frame.height
        rights.frame.with_columns(work_id=work_ids.gather(rights.frame["work_index"])).select(
            "work_id", "party_id", "role", "share", "submitted_on", "valid_from", "valid_to"
        ).write_csv(tmp / "rights.csv")

        usage = _Usage(
            ids=work_ids,
            rank_to_work=rng[4].permutation(works),
            cdf=_zipf_cdf(works, POPULARITY_EXPONENT),
        )
        files = ("usage_broadcast.csv", "usage_recording.csv", "usage_rental.csv")
        used = [
            _write_usage(tmp / files[0], rng[5], usage, n_broadcast, _broadcast_chunk),
            _write_usage(tmp / files[1], rng[6], usage, n_recording, _recording_chunk),
            _write_usage(tmp / files[2], rng[7], usage, n_rental, _rental_chunk),
        ]
        claims, minimal = _claims(rng[8], works, usage, parties, rights, used, receipt)
        for name, frame in zip(files, minimal, strict=True):
            _append_csv(tmp / name, frame)
        claims.write_csv(tmp / "claims.csv")

        if out_dir.exists():
            out_dir.rmdir()  # empty (checked above)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    counts = {
        "parties": parties.frame.height,
        "works": works,
        "rights": rights_rows,
        "broadcast": n_broadcast + minimal[0].height,
        "recording": n_recording + minimal[1].height,
        "rental": n_rental + minimal[2].height,
        "claims": claims.height,
    }
    return _summary(out_dir, seed, receipt, counts)


def _summary(out_dir: Path, seed: int, receipt: int, c: dict[str, int]) -> str:
    return "\n".join(
        [
            f"Demo period {PERIOD} (seed {seed}) written to {out_dir}: 8 files, receipt {receipt:,} yen",
            f"  {c['parties']:,} parties · {c['works']:,} works · {c['rights']:,} rights rows · "
            f"usage {c['broadcast']:,} broadcast / {c['recording']:,} recording / "
            f"{c['rental']:,} rental rows · {c['claims']:,} claims",
            f"デモ分配期 {PERIOD}（シード {seed}）を {out_dir} に作成しました："
            f"8ファイル、受領額 {receipt:,} 円",
            f"  権利者 {c['parties']:,} 件・作品 {c['works']:,} 件・権利 {c['rights']:,} 行・"
            f"使用実績 放送 {c['broadcast']:,} 行／録音 {c['recording']:,} 行／貸与 {c['rental']:,} 行・"
            f"非委託者の請求 {c['claims']:,} 件",
        ]
    )
