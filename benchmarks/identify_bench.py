"""Quality and speed of identification (楽曲の特定) on a generated works database and noisy reports.

Generates a works set (default 1,000,000 works: Japanese titles in kanji and kana with their
readings, katakana loan-word titles, Western titles, Japanese and Western writers; look-alike
titles differing by one character, the same titles by other writers, arrangements registered as
works of their own, 2 % of works under common titles such as "さくら" or "Love Song"; each template
title takes one more word, so that titles are shared as in a real catalogue — a minority of works,
mostly under common titles — and not by nearly every work, as the bare templates would make a
million titles; ``--narrow-titles`` gives the earlier generator) and a month of report lines
drawn by popularity (Zipf) with the noise stations send: the reading in kana instead of the kanji
title (katakana, hiragana or half-width), romaji, typos, decorations ("(TV size)",
"-instrumental-"…), names in another order or script, missing or performer names, missing or
wrong work codes, and songs the database does not know.

It prints, for bunpai's engine and beside it a simple baseline (exact lookup of the NFKC,
lower-case, space-free title; automatic when exactly one work has it):

* the share of lines decided automatically and the precision of those decisions,
* how often a line sent to review has the right work as its first candidate,
* lines per second after de-duplication: distinct lines per wall second of the whole
  ``identify_many`` call and per CPU second of it (this process's and its workers'), with the
  number of processes the index has; and the time to build the index.

    .venv/bin/python benchmarks/identify_bench.py                    # 1 M works, 300,000 lines
    .venv/bin/python benchmarks/identify_bench.py --processes 2      # an index of two processes
    .venv/bin/python benchmarks/identify_bench.py --narrow-titles    # the earlier generator
    .venv/bin/python benchmarks/identify_bench.py --works 100000 --lines 50000   # quicker

Goals (issue 4): ≥ 99.9 % precision of automatic decisions, ≥ 95 % of lines automatic,
≥ 50,000 lines/s after de-duplication.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bunpai.identify.engine import AUTO, REVIEW, Query, WorkEntry, WorkIndex


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


def _pairs(text: str) -> list[tuple[str, str]]:
    return [tuple(p.split(":")) for p in text.split()]  # type: ignore[misc]


NOUN = _pairs(
    "夜明け:よあけ 海:うみ 空:そら 星:ほし 桜:さくら 雨:あめ 風:かぜ 花:はな 夢:ゆめ 涙:なみだ 月:つき 恋:こい "
    "街:まち 港:みなと 故郷:ふるさと 青春:せいしゅん 約束:やくそく 旅路:たびじ 光:ひかり 虹:にじ 雪:ゆき 夏:なつ "
    "冬:ふゆ 春:はる 秋:あき 心:こころ 君:きみ 愛:あい 夜:よる 朝:あさ 川:かわ 森:もり 丘:おか 道:みち 窓:まど "
    "駅:えき 岬:みさき 灯台:とうだい 季節:きせつ 想い出:おもいで 未来:みらい 黄昏:たそがれ 銀河:ぎんが 蛍:ほたる "
    "紫陽花:あじさい 向日葵:ひまわり 夕焼け:ゆうやけ 陽だまり:ひだまり 波:なみ 島:しま 砂浜:すなはま 坂道:さかみち "
    "鏡:かがみ 翼:つばさ 炎:ほのお 宝石:ほうせき 蝶:ちょう 祭り:まつり 汽車:きしゃ 手紙:てがみ 面影:おもかげ"
)
ADJ = _pairs(
    "青い:あおい 赤い:あかい 白い:しろい 遠い:とおい 優しい:やさしい 懐かしい:なつかしい 小さな:ちいさな "
    "熱い:あつい 眠れない:ねむれない 愛しき:いとしき 美しき:うつくしき はるかな:はるかな 静かな:しずかな "
    "悲しい:かなしい 新しい:あたらしい 永遠の:えいえんの 真夏の:まなつの 真冬の:まふゆの 最後の:さいごの "
    "初めての:はじめての 二人の:ふたりの 雨の日の:あめのひの"
)
VERB = _pairs(
    "願って:ねがって 抱かれて:だかれて 恋して:こいして 誓って:ちかって 帰ろう:かえろう 消えないで:きえないで "
    "会いたくて:あいたくて 届けたい:とどけたい 咲いて:さいて 眠れ:ねむれ 揺れて:ゆれて 溶けて:とけて 歌えば:うたえば"
)
SONG = _pairs(
    "歌:うた 物語:ものがたり 子守唄:こもりうた 記憶:きおく 鼓動:こどう 行方:ゆくえ 足音:あしおと 向こう:むこう "
    "果て:はて 彼方:かなた 詩:うた 唄:うた 鐘:かね 音頭:おんど 讃歌:さんか 夜曲:やきょく 慕情:ぼじょう 恋歌:こいうた "
    "ワルツ:ワルツ ブルース:ブルース セレナーデ:セレナーデ メロディー:メロディー"
)
PLACE = _pairs(
    "東京:とうきょう 大阪:おおさか 横浜:よこはま 札幌:さっぽろ 長崎:ながさき 津軽:つがる 博多:はかた 神戸:こうべ "
    "京都:きょうと 函館:はこだて 湘南:しょうなん 銀座:ぎんざ 新宿:しんじゅく 瀬戸内:せとうち 北国:きたぐに 佐渡:さど"
)
KATA = _words(
    "サマー ミッドナイト スター ブルー ドリーム ラブ シャイニング ハッピー クリスタル ロンリー ファースト スウィート "
    "ムーン レイン ダンシング ゴールデン ネオン シルバー ストーリー ナイト ライト メモリー シティ ダンス ハート ロード "
    "デイズ パレード ウィンド ソング エンジェル ジャーニー"
)
EN_ADJ = _words(
    "Blue Midnight Golden Silver Lonely Sweet Wild Crazy Endless Broken Electric Silent Summer Little Dancing "
    "Shining Lost Velvet Neon Restless Northern Hollow Burning Frozen Secret Hidden Distant Gentle Bitter Falling"
)
EN_NOUN = _words(
    "Moon Rain Heart Train Road River Dream Fire Night Sky Love City Highway Angel Star Ocean Garden Letter Shadow "
    "Memory Wind Rose Sunrise Paradise Tears Horizon Lullaby Mirror Thunder Valley Island Window Harbor Candle"
)
EN_OF = _words("Gold Dreams Fire Love Tears Glass Stars Hope Summer Time Silence Light Babylon Avalon Memphis Dublin")
EN_END = ["", "", "", " Blues", " Song", " Waltz", " Serenade", " Boogie", " Ballad", " Again", " Tonight"]
EN_PHRASE = _words(
    "Love Me Tonight|Take Me Home|Hold On|Don't Let Go|Call My Name|Stay With Me|Come Back to Me|Dance With Me|"
    "Remember Me|Walk Away|Say You Will|Never Say Goodbye|Run to You|Fly Away|Let It Shine|Wait for Me|All I Need|"
    "Only You|Bring Me the Night|One More Time",
    "|",
)
JP_FAMILY = _words(
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 山崎 森 池田 "
    "橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 福田 太田 西村 藤井 金子 "
    "岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 石田 上田 森田 柴田 酒井 工藤 横山 宮崎 宮本 内田 "
    "高木 安藤 谷口 大野 丸山 今井 河野 藤本 村田 武田 上野 杉山 増田 小山 大塚 平野 菅原 久保 松井 千葉 岩崎 桜井"
)
JP_GIVEN = _words(
    "太郎 健 翔太 大輔 拓也 直樹 誠 浩 隆 修 健太 亮 悠人 蓮 陽翔 湊 大和 翼 和也 秀樹 花子 陽子 恵子 幸子 美穂 由美 "
    "裕子 真由美 明美 直美 愛 美咲 さくら 結衣 陽菜 葵 凛 七海 千尋 彩 優子 智子 香織 麻衣 舞 ひろし みゆき 圭 周平 "
    "あかね 一郎 次郎 三郎 正樹 達也 哲也 剛 聡 学 勇気 光 純 薫 忍 茂 豊 進 稔 実 清 明 昭 勉 敏 博"
)
EN_FIRST = _words(
    "James John Robert Michael William David Mary Patricia Jennifer Linda Elizabeth Susan Paul George Richard "
    "Thomas Charles Daniel Sarah Karen Emma Olivia Sophie Lucas Hans Klaus Pierre Jean Claire Marie Anna Lars Erik "
    "Giulia Marco Carlos Isabel Liam Noah Chloe Kevin Brian Laura Julia Peter Simon Mark Helen Ruth Oscar"
)
EN_LAST = _words(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Jackson Martin Thompson White "
    "Harris Clark Lewis Walker Hall Young King Wright Scott Green Baker Adams Nelson Müller Schmidt Schneider Dubois "
    "Lefebvre Moreau Rossi Bianchi García Andersson Johansson O'Brien Murphy Campbell Fischer Weber Becker Hoffmann "
    "Richter Klein Wolf Neumann Schwarz Zimmermann Braun Hartmann Lange Werner Krause Meier Lehmann"
)
DECORATIONS = [
    "(TV size)",
    "-instrumental-",
    "(Instrumental)",
    "～TVサイズ～",
    "(off vocal)",
    "(Live)",
    "(Short Ver.)",
    "[カラオケ]",
    "(Remastered 2011)",
    "（TVサイズ）",
]
HALF = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF66, 0xFF9E)}


@dataclass
class GenWork:
    entry: WorkEntry
    reading: str  # kana reading of a Japanese title, "" otherwise
    japanese: bool
    writer_readings: tuple[str, ...]


def _kata(hira: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in hira)


def _half_width(kata: str) -> str:
    out = []
    for c in kata:
        base = unicodedata.normalize("NFD", c)
        if base[0] in HALF:
            out.append(HALF[base[0]] + ("ﾞ" if "\u3099" in base else "ﾟ" if "\u309a" in base else ""))
        else:
            out.append(c)
    return "".join(out)


def _jp_title(rng: random.Random, wide: bool = True) -> tuple[str, str]:
    kind = rng.random()
    if kind < 0.25:
        a, n, s = rng.choice(ADJ), rng.choice(NOUN), rng.choice(SONG)
        title, reading = a[0] + n[0] + "の" + s[0], a[1] + n[1] + "の" + s[1]
    elif kind < 0.5:
        n1, n2, s = rng.choice(NOUN), rng.choice(NOUN), rng.choice(SONG)
        title, reading = n1[0] + "と" + n2[0] + "の" + s[0], n1[1] + "と" + n2[1] + "の" + s[1]
    elif kind < 0.7:
        n1, v, a, n2 = rng.choice(NOUN), rng.choice(VERB), rng.choice(ADJ), rng.choice(NOUN)
        return n1[0] + "に" + v[0] + a[0] + n2[0], n1[1] + "に" + v[1] + a[1] + n2[1]
    elif kind < 0.82:
        p, n, s = rng.choice(PLACE), rng.choice(NOUN), rng.choice(SONG)
        title, reading = p[0] + n[0] + s[0], p[1] + n[1] + s[1]
    else:
        words = rng.sample(KATA, 4 if wide else 3)
        title = "・".join(words) if rng.random() < 0.5 else "".join(words)
        return title, ""
    if wide:  # one more word: the templates alone have too few titles for a million works
        n0 = rng.choice(NOUN)
        title, reading = n0[0] + "の" + title, n0[1] + "の" + reading
    return title, reading


def _en_title(rng: random.Random, wide: bool = True) -> str:
    kind = rng.random()
    if wide and kind < 0.8:
        lead = rng.choice(["", *EN_PHRASE])
        of = rng.choice(["", *EN_OF])
        core = f"{rng.choice(EN_ADJ)} {rng.choice(EN_NOUN)}{f' of {of}' if of else ''}{rng.choice(EN_END)}"
        return f"{lead} ({core})" if lead else core
    if kind < 0.5:
        return f"{rng.choice(EN_ADJ)} {rng.choice(EN_NOUN)}{rng.choice(EN_END)}"
    if kind < 0.8:
        return f"{rng.choice(EN_ADJ)} {rng.choice(EN_NOUN)} of {rng.choice(EN_OF)}"
    return f"{rng.choice(EN_PHRASE)} ({rng.choice(EN_ADJ)} {rng.choice(EN_NOUN)})"


# Titles many unrelated works really share (a real catalogue has hundreds of each).
COMMON = _pairs(
    "さくら:さくら ありがとう:ありがとう 故郷:ふるさと 子守唄:こもりうた 愛:あい 花:はな 夢:ゆめ 約束:やくそく "
    "旅立ち:たびだち 卒業:そつぎょう 春:はる 雪:ゆき 星空:ほしぞら 家族:かぞく 友達:ともだち 未来:みらい"
)
COMMON_EN = _words("Love Song|Home|Memories|Forever|Goodbye|Yesterday|Hello|Dreams|Angel|Tonight|Stay|Friends", "|")


def _look_alike(rng: random.Random, title: str) -> str:
    chars = list(title)
    i = rng.randrange(len(chars))
    if chars[i].isascii() and chars[i].isalpha():
        chars[i] = rng.choice("aeioustrnl")
    else:
        chars[i] = rng.choice("のとにへ花星夢")
    return "".join(chars)


def _artists() -> tuple[list[str], list[str]]:
    """Performers of recordings: Japanese singers and groups, Western singers and bands."""
    jp_persons = [f"{f} {g}" for f in JP_FAMILY for g in JP_GIVEN]
    jp_groups = [f"{a}・{b}" for a in KATA for b in KATA if a != b]
    en_persons = [f"{f} {last}" for f in EN_FIRST for last in EN_LAST]
    en_bands = [f"The {a} {n}s" for a in EN_ADJ for n in EN_NOUN]
    return jp_persons + jp_groups, en_persons + en_bands


def _recordings(rng: random.Random, jp: bool, artists: tuple[list[str], list[str]]) -> tuple[str, ...]:
    """The performers of a work's registered recordings: none for a quarter of the works, one for
    most, two or three for some (covers)."""
    r = rng.random()
    count = 0 if r < 0.25 else 1 if r < 0.8 else 2 if r < 0.95 else 3
    pool = artists[0] if jp else artists[1]
    return tuple(dict.fromkeys(rng.choice(pool) for _ in range(count)))


def generate_works(n: int, seed: int, wide: bool = True, performers: bool = True) -> list[GenWork]:
    import pykakasi

    kks = pykakasi.kakasi()
    rng = random.Random(seed)
    # The recordings draw from a generator of their own: the works are those of the earlier
    # generator whether or not recordings are made.
    recording_rng = random.Random(seed + 5)
    artists = _artists()
    jp_names = [f"{f} {g}" for f in JP_FAMILY for g in JP_GIVEN]
    reading_cache: dict[str, str] = {}

    def reading(name: str) -> str:
        if name not in reading_cache:
            reading_cache[name] = " ".join(p["kana"] for p in kks.convert(name))
        return reading_cache[name]

    en_names = [f"{f} {last}" for f in EN_FIRST for last in EN_LAST]
    works: list[GenWork] = []
    for i in range(n):
        work_id = f"{i:09d}"
        r = rng.random()
        if wide and rng.random() < 0.02:  # a common title ("さくら", "Love Song")
            if rng.random() < 0.6:
                title, reading_ = rng.choice(COMMON)
                jp = True
            else:
                title, reading_, jp = rng.choice(COMMON_EN), "", False
        elif works and r < 0.05:  # the same title by other writers
            src = works[rng.randrange(len(works))]
            title, reading_, jp = src.entry.title, src.reading, src.japanese
        elif works and r < 0.08:  # a look-alike title
            src = works[rng.randrange(len(works))]
            title, reading_, jp = _look_alike(rng, src.entry.title), "", src.japanese
        elif r < 0.65:
            title, reading_ = _jp_title(rng, wide)
            jp = True
        else:
            title, reading_, jp = _en_title(rng, wide), "", False
        pool = jp_names if (jp and rng.random() < 0.92) or (not jp and rng.random() < 0.1) else en_names
        writers = tuple(rng.sample(pool, 1 if rng.random() < 0.35 else 2))
        alt: tuple[str, ...] = ()
        if reading_ and reading_ != title and rng.random() < 0.8:
            alt = (_kata(reading_),)  # the registered reading (カナ)
        if works and rng.random() < 0.02:  # an arrangement registered as its own work
            src = works[rng.randrange(len(works))]
            suffix = rng.choice(["(Piano Arrangement)", "～ジャズ・アレンジ～", "(Orchestral Version)", "(合唱版)"])
            title = f"{src.entry.title} {suffix}"
            writers = (*src.entry.creators, rng.choice(pool))
            reading_, jp, alt = "", src.japanese, ()
        iswc = ""
        recorded = _recordings(recording_rng, jp, artists) if performers else ()
        entry = WorkEntry(work_id, title, alt, writers, iswc, performers=recorded)
        works.append(GenWork(entry, reading_, jp, tuple(reading(w) for w in writers) if jp else ()))
    return works


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    chars = list(text)
    i = rng.randrange(1, len(chars) - 1)
    op = rng.random()
    if op < 0.3:
        del chars[i]
    elif op < 0.6:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif op < 0.8:
        chars.insert(i, chars[i])
    else:
        chars[i] = rng.choice("aeiou" if chars[i].isascii() else "あいうえおかきくけこ")
    return "".join(chars)


def _romaji(rng: random.Random, kks: object, kana: str) -> str:
    parts = kks.convert(kana)  # type: ignore[attr-defined]
    words = [p["hepburn"] for p in parts]
    text = " ".join(words)
    return text.title() if rng.random() < 0.5 else text


def generate_lines(
    works: list[GenWork], n: int, seed: int, unknown: float = 0.015, wide: bool = True, performers: bool = True
) -> tuple[list[Query], list[str | None]]:
    """Report lines. With ``performers``, a line that names the performer instead of the writers
    names the performer of one of the work's recordings four times in five when the work has
    recordings (else a performer the registry does not have for the work), and that name is
    never replaced by a writer's reading; without, the earlier generator's random Western name
    (which the writers' readings replaced on some lines of Japanese works)."""
    import numpy as np
    import pykakasi

    kks = pykakasi.kakasi()
    rng = random.Random(seed + 1)
    performer_rng = random.Random(seed + 6)  # the other draws stay those of the earlier generator
    nprng = np.random.default_rng(seed + 1)
    ranks = nprng.zipf(1.3, size=n)
    order = nprng.permutation(len(works))
    queries: list[Query] = []
    truth: list[str | None] = []
    for k in range(n):
        if rng.random() < unknown:  # a new song the database does not know
            if rng.random() < 0.5:
                title = _jp_title(rng, wide)[0] + " " + rng.choice(KATA)
            else:
                title = _en_title(rng, wide) + " II"
            queries.append(Query(title, (f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}",)))
            truth.append(None)
            continue
        g = works[int(order[(int(ranks[k]) - 1) % len(works)])]
        w = g.entry
        title = w.title
        if g.reading and rng.random() < 0.15:  # the reading instead of the kanji title
            form = rng.random()
            kata = _kata(g.reading)
            title = kata if form < 0.5 else g.reading if form < 0.8 else _half_width(kata)
        elif g.reading and rng.random() < 0.05:
            title = _romaji(rng, kks, g.reading)
        if rng.random() < 0.04:
            title = _typo(rng, title)
        if rng.random() < 0.1:
            title = f"{title} {rng.choice(DECORATIONS)}"
        if rng.random() < 0.03:
            title = unicodedata.normalize("NFKC", title).translate(
                {c: c + 0xFEE0 for c in range(0x21, 0x7F)} | {0x20: 0x3000}
            )
        names = list(w.creators)
        performer = False
        r = rng.random()
        if r < 0.08:
            names = []
        elif r < 0.14 and len(names) > 1:
            names = names[:1]
        elif r < 0.16:
            names = [f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"]  # the performer, not the writers
            if performers:
                performer = True
                if w.performers and performer_rng.random() < 0.8:
                    names = [performer_rng.choice(w.performers)]
        out = []
        for i, name in enumerate(names):
            s = rng.random()
            parts = name.split(" ")
            if s < 0.2:
                name = " ".join(reversed(parts))
            elif s < 0.3:
                name = "".join(parts)
            elif s < 0.38 and g.writer_readings and i < len(g.writer_readings):
                reading = (
                    _kata(g.writer_readings[i].replace(" ", ""))
                    if rng.random() < 0.5
                    else _romaji(rng, kks, g.writer_readings[i])
                )
                if not performer:  # a writer's reading, not the performer's name
                    name = reading
            if rng.random() < 0.02:
                name = _typo(rng, name)
            out.append(name)
        rng.shuffle(out)
        code = ""
        if rng.random() < 0.35:
            code = w.work_id
            if rng.random() < 0.01:  # a wrong code
                code = works[rng.randrange(len(works))].entry.work_id
        queries.append(Query(title, tuple(out), code))
        truth.append(w.work_id)
    return queries, truth


def undecidable(works: list[GenWork], queries: list[Query], truth: list[str | None]) -> list[bool]:
    """Lines no one could decide from what they say: a song the database lacks, or no code and
    no writer of the work named while another work has the same title."""
    from bunpai.identify.normalise import name_keys, text_key

    same_title: Counter[str] = Counter(text_key(g.entry.title) for g in works)
    by_id = {g.entry.work_id: g.entry for g in works}
    out = []
    for query, work_id in zip(queries, truth, strict=True):
        if work_id is None:
            out.append(True)
            continue
        work = by_id[work_id]
        if query.work_code == work_id:
            out.append(False)
            continue
        writers = {k for c in (*work.creators, *work.performers) for k in name_keys(c)}
        named = any(not writers.isdisjoint(name_keys(c)) for c in query.creators)
        out.append(not named and same_title[text_key(work.title)] > 1)
    return out


def _sharing(works: list[GenWork], truth: list[str | None]) -> str:
    """How many works share their title (text key) with another work, and how many lines name one."""
    from bunpai.identify.normalise import text_key

    keys = {g.entry.work_id: text_key(g.entry.title) for g in works}
    count = Counter(keys.values())
    shared = sum(1 for k in keys.values() if count[k] > 1)
    lines = sum(1 for t in truth if t is not None and count[keys[t]] > 1)
    return (
        f"works whose title another work has: {100 * shared / len(keys):.1f} % ({len(count):,} distinct titles); "
        f"lines of such works: {100 * lines / len(truth):.1f} %"
    )


def _baseline(works: list[GenWork], queries: list[Query]) -> tuple[list[str | None], list[str], float]:
    def key(t: str) -> str:
        return "".join(unicodedata.normalize("NFKC", t).lower().split())

    by: dict[str, list[str]] = {}
    for g in works:
        by.setdefault(key(g.entry.title), []).append(g.entry.work_id)
    start = time.process_time()
    got: list[str | None] = []
    decisions: list[str] = []
    for q in dict.fromkeys(queries):
        hits = by.get(key(q.title), [])
        got.append(hits[0] if hits else None)
        decisions.append(AUTO if len(hits) == 1 else REVIEW if hits else "none")
    elapsed = time.process_time() - start
    mapping = {q: (g, d) for q, g, d in zip(dict.fromkeys(queries), got, decisions, strict=True)}
    return [mapping[q][0] for q in queries], [mapping[q][1] for q in queries], elapsed


class _Stage:
    """CPU seconds spent in one method of the index, the lines it was given and those it settled
    (the first pass returns its results by line)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.lines = 0
        self.settled = 0


def _timed(index: WorkIndex, name: str) -> _Stage:
    """Count the CPU time of ``index.<name>`` (the first pass and the scorer each take a list of lines)."""
    stage = _Stage()
    method = getattr(index, name)

    def timed(arg: Any, *more: Any) -> Any:
        start = time.process_time()
        result = None
        try:
            result = method(arg, *more)
            return result
        finally:
            stage.seconds += time.process_time() - start
            stage.lines += len(arg) if isinstance(arg, list) else 1
            stage.settled += len(result) if isinstance(result, dict) else 0

    setattr(index, name, timed)
    return stage


def _figures(
    name: str,
    got: list[str | None],
    decisions: list[str],
    truth: list[str | None],
    distinct: int,
    wall: float,
    cpu: float,
) -> str:
    """A row of the table: the decisions' figures, then distinct lines and lines per wall second
    and distinct lines per CPU second."""
    n = len(truth)
    auto = [i for i in range(n) if decisions[i] == AUTO]
    right = sum(1 for i in auto if got[i] == truth[i])
    review = [i for i in range(n) if decisions[i] == REVIEW and truth[i] is not None]
    review_right = sum(1 for i in review if got[i] == truth[i])
    return (
        f"{name:<22} {100 * len(auto) / n:8.2f} % {100 * right / max(1, len(auto)):10.3f} % "
        f"{100 * len(review) / n:7.2f} % {100 * review_right / max(1, len(review)):9.1f} % "
        f"{distinct / wall:12,.0f} {n / wall:12,.0f} {distinct / cpu:15,.0f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--works", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--random-performers",
        action="store_true",
        help="the earlier generator's performers: works without recordings, and a line naming the performer "
        "names a random Western name",
    )
    parser.add_argument(
        "--narrow-titles",
        action="store_true",
        help="the earlier generator: title templates alone, so that most titles are shared by several works",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="processes of the index: this one and workers with an index of their own (default 1: this one alone)",
    )
    args = parser.parse_args()
    wide = not args.narrow_titles
    print(f"python {platform.python_version()} on {platform.machine()}, {args.works:,} works, {args.lines:,} lines")
    t0 = time.perf_counter()
    recorded = not args.random_performers
    works = generate_works(args.works, args.seed, wide, performers=recorded)
    queries, truth = generate_lines(works, args.lines, args.seed, wide=wide, performers=recorded)
    distinct = len(set(queries))
    print(
        f"generated in {time.perf_counter() - t0:.1f} s ({'narrow' if args.narrow_titles else 'wide'} titles, "
        f"{'random performers' if args.random_performers else 'performers of recordings'}): "
        f"{distinct:,} distinct lines, {sum(t is None for t in truth):,} lines of unknown songs"
    )
    print(_sharing(works, truth))
    t0 = time.perf_counter()
    index = WorkIndex((g.entry for g in works), processes=args.processes)
    build = time.perf_counter() - t0
    processes = index.processes
    print(f"index built in {build:.1f} s{'' if processes == 1 else f' (in {processes} processes at once)'}")
    first_pass = _timed(index, "_first_pass")
    scorer = _timed(index, "_identify_rest")
    t0, c0 = time.perf_counter(), time.process_time()
    results = index.identify_many(queries)
    wall, own = time.perf_counter() - t0, time.process_time() - c0
    # The workers' CPU time, as they report it.
    workers = index.worker_seconds
    seconds = own + workers
    index.close()
    b_got, b_dec, b_seconds = _baseline(works, queries)
    print()
    print(
        f"{'':<22} {'automatic':>10} {'precision':>12} {'review':>9} {'1st right':>11} "
        f"{'distinct/s':>12} {'lines/s':>12} {'distinct/CPU s':>15}"
    )
    print(
        _figures(
            "bunpai identify",
            [r.work_id for r in results],
            [r.decision for r in results],
            truth,
            distinct,
            wall,
            seconds,
        )
    )
    print(_figures("baseline exact title", b_got, b_dec, truth, distinct, b_seconds, b_seconds))
    print()
    print(
        f"identification: {wall:.2f} s wall in {processes} process{'es' if processes > 1 else ''} "
        f"({os.cpu_count()} processors) for {distinct:,} distinct lines ({len(queries):,} lines): "
        f"{distinct / wall:,.0f} distinct lines per wall second; {seconds:.2f} s of CPU "
        f"(this process {own:.2f} s{'' if processes == 1 else f', its workers {workers:.2f} s'}), "
        f"{distinct / seconds:,.0f} distinct lines per CPU second"
    )
    print(
        f"  first pass{'' if processes == 1 else ' (in this process: its part of the lines)'}: "
        f"{first_pass.seconds:.1f} s for {first_pass.lines:,} lines "
        "(the distinct lines, those differing only in a title's decoration, case or width or in the "
        "order of their names joined; "
        f"{first_pass.settled:,} settled there); "
        f"scored in batches{'' if processes == 1 else ' (in this process: its part of the lines)'}: "
        f"{scorer.seconds:.1f} s for {scorer.lines:,} lines ({scorer.lines / max(scorer.seconds, 1e-9):,.0f} lines/s); "
        f"the rest (de-duplication{'' if processes == 1 else ', the lines sent, the results received'}): "
        f"{own - first_pass.seconds - scorer.seconds:.1f} s"
    )
    wrong = Counter(
        "unknown song" if t is None else "other work"
        for r, t in zip(results, truth, strict=True)
        if r.decision == AUTO and r.work_id != t
    )
    print(f"wrong automatic decisions: {dict(wrong) or 'none'}")
    hard = undecidable(works, queries, truth)
    decidable = [i for i, h in enumerate(hard) if not h]
    auto_decidable = sum(1 for i in decidable if results[i].decision == AUTO)
    print(
        f"lines no one could decide from what they say (unknown song, or no writer named beside a title "
        f"other works share): {100 * sum(hard) / len(hard):.2f} %; automatic among the others: "
        f"{100 * auto_decidable / max(1, len(decidable)):.2f} %"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
