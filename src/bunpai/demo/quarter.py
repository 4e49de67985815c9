"""A demo broadcast quarter end to end on the embedded database (四半期分配のデモ).

What a society's staff do in a quarter, on generated but realistic data:

1. **registrations**: publishers send CWR 2.1 files (romanised titles, the Japanese title in NAT
   records); they are checked, imported into the registry and acknowledged; a late one arrives after
   the documents cut-off; members' bank accounts come from a CSV (checked against the zengin data);
2. **licences**: licensees (NHK, a commercial TV network, a commercial FM and a community FM) with
   their stations, the year's blanket fee = revenue × rate × usage share, invoiced in instalments;
   the first instalment is paid in the quarter (one licensee short);
3. **reports**: each station's monthly all-works report (UTF-8 CSV with BOM; Shift_JIS TSV with
   Japanese headers, CRLF and full-width digits; Excel) with kanji, kana and romaji titles, decorations,
   missing codes and names, bad lines; a file sent twice; a corrected file replacing an earlier one;
   a film reported as a programme line, expanded through its cue sheet;
4. **identification**: every line identified on loading; staff decide a few queue items (a
   traditional song is public domain, a misspelt title is a known work), the rest stays queued and
   its money is held under the line;
5. **distribution**: the quarter's input folder exported from the records, distributed with its
   conservation checked, recorded as a draft run; statements (CSV, PDF), CRD files for the foreign
   societies and the Zengin transfer file; the largest yen traced back to its usage lines.

The same seed gives the same files and the same yen.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bunpai.formats.cwr.identifiers import ipi_name_number as ipi_name
from bunpai.formats.cwr.identifiers import iswc_check_digit
from bunpai.formats.cwr.model import AlternativeTitle, Party, Territory, Transaction
from bunpai.formats.cwr.writer import write_registrations

QUARTER = "2026Q2"
MONTHS = ("2026-04", "2026-05", "2026-06")
OWN = "038"  # JASRAC
OTHER_MANAGER = "782"  # NexTone: another collective manager in Japan
FOREIGN = {"052": "PRS", "035": "GEMA", "010": "ASCAP", "058": "SACEM"}

# Words of Japanese titles: (kanji, reading in hiragana, romaji).
WORDS = [
    ("夜空", "よぞら", "YOZORA"), ("花火", "はなび", "HANABI"), ("約束", "やくそく", "YAKUSOKU"),
    ("東京", "とうきょう", "TOKYO"), ("桜", "さくら", "SAKURA"), ("恋", "こい", "KOI"), ("夢", "ゆめ", "YUME"),
    ("海", "うみ", "UMI"), ("風", "かぜ", "KAZE"), ("光", "ひかり", "HIKARI"), ("涙", "なみだ", "NAMIDA"),
    ("雪", "ゆき", "YUKI"), ("空", "そら", "SORA"), ("星", "ほし", "HOSHI"), ("月", "つき", "TSUKI"),
    ("青春", "せいしゅん", "SEISHUN"), ("故郷", "ふるさと", "FURUSATO"), ("未来", "みらい", "MIRAI"),
    ("記憶", "きおく", "KIOKU"), ("季節", "きせつ", "KISETSU"), ("港", "みなと", "MINATO"),
    ("虹", "にじ", "NIJI"), ("街角", "まちかど", "MACHIKADO"), ("旅路", "たびじ", "TABIJI"),
]  # fmt: skip
EN_ADJ = ["Blue", "Silent", "Golden", "Midnight", "Electric", "Broken", "Endless", "Crystal", "Wild", "Summer"]
EN_NOUN = ["Horizon", "Heart", "Highway", "Rain", "Garden", "Signal", "River", "Mirror", "Parade", "Light"]
FAMILY = [
    ("山田", "YAMADA"), ("佐藤", "SATO"), ("鈴木", "SUZUKI"), ("高橋", "TAKAHASHI"), ("田中", "TANAKA"),
    ("伊藤", "ITO"), ("渡辺", "WATANABE"), ("中村", "NAKAMURA"), ("小林", "KOBAYASHI"), ("加藤", "KATO"),
    ("吉田", "YOSHIDA"), ("松本", "MATSUMOTO"), ("井上", "INOUE"), ("木村", "KIMURA"), ("林", "HAYASHI"),
]  # fmt: skip
GIVEN = [
    ("太郎", "TARO"), ("花子", "HANAKO"), ("健", "KEN"), ("由美", "YUMI"), ("美咲", "MISAKI"),
    ("大輔", "DAISUKE"), ("拓也", "TAKUYA"), ("彩", "AYA"), ("誠", "MAKOTO"), ("恵", "MEGUMI"),
]  # fmt: skip
FOREIGN_WRITERS = [("SMITH", "OLIVER", "052"), ("MULLER", "ANNA", "035"), ("BROWN", "JAMES", "010"),
                   ("DUBOIS", "CLAIRE", "058"), ("TAYLOR", "EMMA", "052"), ("SCHMIDT", "LUKAS", "035")]  # fmt: skip
PUBLISHERS = [  # (romanised name, kana for the bank account, bank, branch)
    ("SAKURA ONGAKU SHUPPAN", "ｻｸﾗｵﾝｶﾞｸｼﾕﾂﾊﾟﾝ", "0005", "001"),
    ("TOKYO MUSIC PUBLISHING", "ﾄｳｷﾖｳﾐﾕｰｼﾞﾂｸﾊﾟﾌﾞﾘﾂｼﾝｸﾞ", "0001", "001"),
    ("MINATO ONGAKU SHUPPAN", "ﾐﾅﾄｵﾝｶﾞｸｼﾕﾂﾊﾟﾝ", "0009", "005"),
]
OTHER_PUBLISHER = "HIKARI RIGHTS MANAGEMENT"  # whose works another manager administers
TRADITIONAL = [("さくらさくら", "SAKURA SAKURA"), ("荒城の月", "KOJO NO TSUKI")]
UNKNOWN_SONGS = ["真夜中のドライブ", "Paper Moon Dance", "はじまりの歌", "Ocean Drive 2026"]
STATIONS = [  # licensee, station, name, kind, fund group, station points, report format
    ("NHK", "NHK-G", "NHK総合", "terrestrial", "nhk", "3", "csv"),
    ("NHK", "NHK-FM", "NHK-FM", "terrestrial", "nhk", "1", "csv"),
    ("TTV", "TTV", "東都テレビ", "terrestrial", "commercial_tv", "2", "tsv-sjis"),
    ("TTV", "TTV-BS", "東都BS", "terrestrial", "commercial_tv", "1", "tsv-sjis"),
    ("MFM", "MFM", "みなとFM", "terrestrial", "commercial_radio", "1", "xlsx"),
    ("CFM", "CFM", "さくらコミュニティFM", "community_fm", "commercial_radio", "1/2", "csv"),
]
LICENSEES = {  # code: (name, previous year's broadcasting revenue in yen)
    "NHK": ("日本放送協会", 680_000_000_000),
    "TTV": ("株式会社東都テレビ放送", 240_000_000_000),
    "MFM": ("株式会社みなとエフエム", 4_200_000_000),
    "CFM": ("さくらコミュニティ放送株式会社", 38_000_000),
}


@dataclass
class DemoWork:
    number: str  # the submitter's work number
    title: str  # romanised (CWR)
    japanese: str  # kanji title ("" for a Western title)
    reading: str  # hiragana reading
    writers: list[tuple[str, str, str, str]]  # (ip number, kanji name or romaji, role, society)
    publisher: int | None  # index in PUBLISHERS, -1 for the other manager's publisher
    duration: int


@dataclass
class Catalogue:
    works: list[DemoWork] = field(default_factory=list)
    writers: dict[str, tuple[str, str, str, str, str]] = field(
        default_factory=dict
    )  # ip → last, first, kanji, ipi, soc


def make_catalogue(rng: random.Random, works: int) -> Catalogue:
    cat = Catalogue()
    for i in range(40):
        (fk, fr), (gk, gr) = FAMILY[i % len(FAMILY)], GIVEN[(i * 7 + i // len(FAMILY)) % len(GIVEN)]
        cat.writers[f"W{i:04d}"] = (fr, gr, fk + gk, ipi_name(261_000_000 + i), OWN)
    for i, (last, first, soc) in enumerate(FOREIGN_WRITERS):
        cat.writers[f"F{i:04d}"] = (last, first, f"{first.title()} {last.title()}", ipi_name(52_000_000 + i), soc)
    for i in range(4):
        (fk, fr), (gk, gr) = FAMILY[(i * 4 + 3) % len(FAMILY)], GIVEN[(i * 3 + 1) % len(GIVEN)]
        cat.writers[f"N{i:04d}"] = (fr, gr, fk + gk, ipi_name(782_000_000 + i), OTHER_MANAGER)
    domestic = [k for k in cat.writers if k.startswith("W")]
    used: set[str] = set()
    while len(cat.works) < works:
        n = len(cat.works)
        kind = rng.random()
        if kind < 0.80:
            (a, ar, am), (b, br, bm) = rng.sample(WORDS, 2)
            title, japanese, reading = f"{am} NO {bm}", f"{a}の{b}", f"{ar}の{br}"
            writers = rng.sample(domestic, 2)
        elif kind < 0.92:
            title = f"{rng.choice(EN_ADJ)} {rng.choice(EN_NOUN)}".upper()
            japanese = reading = ""
            writers = rng.sample(domestic, 2)
        else:
            title = f"{rng.choice(EN_ADJ)} {rng.choice(EN_NOUN)}".upper()
            japanese = reading = ""
            writers = [rng.choice([k for k in cat.writers if k.startswith("F")]), rng.choice(domestic)]
        if title in used:
            continue
        used.add(title)
        roles = [(w, cat.writers[w][2], role, cat.writers[w][4]) for w, role in zip(writers, ("C", "A"), strict=True)]
        publisher = rng.randrange(len(PUBLISHERS)) if rng.random() < 0.7 else None
        cat.works.append(DemoWork(f"DW{n:06d}", title, japanese, reading, roles, publisher, rng.randint(150, 330)))
    # Works another collective manager administers (writers and publisher with society 782).
    for i in range(12):
        (a, ar, am), (b, br, bm) = WORDS[i], WORDS[-1 - i]
        writers = [(f"N{i % 4:04d}", cat.writers[f"N{i % 4:04d}"][2], "CA", OTHER_MANAGER)]
        cat.works.append(DemoWork(f"NX{i:06d}", f"{bm} TO {am}", f"{b}と{a}", f"{br}と{ar}", writers, -1, 240))
    return cat


def _party(cat: Catalogue, ip: str, role: str, shares: dict[str, int], publisher: str | None) -> Party:
    last, first, _, ipi, society = cat.writers[ip]
    return Party(
        "writer", True, ip, last, first, role, ipi, "", dict.fromkeys(("PR", "MR", "SR"), society), shares,
        [Territory(2136, True, dict(shares))], for_publishers=[publisher] if publisher else [],
    )  # fmt: skip


def cwr_transactions(cat: Catalogue, works: list[DemoWork]) -> list[Transaction]:
    out = []
    for w in works:
        publishers: list[Party] = []
        pub_ip = None
        if w.publisher is not None:
            name = OTHER_PUBLISHER if w.publisher < 0 else PUBLISHERS[w.publisher][0]
            society = OTHER_MANAGER if w.publisher < 0 else OWN
            pub_ip = f"P{w.publisher % 100:04d}" if w.publisher >= 0 else "PNX01"
            base = 90_000_000 + (w.publisher if w.publisher >= 0 else 99)
            shares = {"PR": 5000, "MR": 5000, "SR": 5000}
            publishers.append(
                Party("publisher", True, pub_ip, name, "", "E", ipi_name(base), "",
                      dict.fromkeys(("PR", "MR", "SR"), society), shares, [Territory(2136, True, dict(shares))],
                      publisher_sequence=1)
            )  # fmt: skip
        writer_total = 5000 if publishers else 10_000
        writers = []
        for k, (ip, _, role, _) in enumerate(w.writers):
            part = writer_total // len(w.writers) + (1 if k < writer_total % len(w.writers) else 0)
            writers.append(_party(cat, ip, role, dict.fromkeys(("PR", "MR", "SR"), part), pub_ip))
        digits = f"{300_000_000 + int(w.number[2:]) + (500_000 if w.number.startswith('NX') else 0):09d}"
        out.append(
            Transaction(
                "NWR", None, 0, 0, title=w.title, submitter_work_number=w.number,
                iswc=f"T{digits}{iswc_check_digit(digits)}", duration=w.duration, distribution_category="POP",
                version_type="ORI", recorded="Y", publishers=publishers, writers=writers,
                alternative_titles=[AlternativeTitle(w.japanese, "OT", "JA")] if w.japanese else [],
            )
        )  # fmt: skip
    return out


def traditional_transactions() -> list[Transaction]:
    """Traditional songs registered for the record (their protection long expired)."""
    out = []
    for i, (japanese, title) in enumerate(TRADITIONAL):
        rights = ("PR", "MR", "SR")
        writer = Party("writer", True, f"T{i:04d}", "TRADITIONAL", "", "CA", "", "", dict.fromkeys(rights, ""),
                       dict.fromkeys(rights, 10_000), [])  # fmt: skip
        out.append(
            Transaction("NWR", None, 0, 0, title=title, submitter_work_number=f"PD{i:06d}", duration=180,
                        distribution_category="POP", version_type="ORI", recorded="Y", writers=[writer],
                        alternative_titles=[AlternativeTitle(japanese, "OT", "JA")])
        )  # fmt: skip
    return out


def cwr_bytes(transactions: list[Transaction], sender: str, name: str, created: dt.datetime) -> bytes:
    text = "".join(
        write_registrations(transactions, sender_id=sender, sender_name=name, created=created, character_set="UTF-8")
    )
    return text.encode("utf-8")


# ---------------------------------------------------------------------------------------- reports
REPORT_HEADER = ["kind", "broadcast_at", "programme", "title", "work_code", "iswc", "creators", "performer",
                 "duration", "usage", "recorded", "sampling_rate", "country", "year"]  # fmt: skip
JAPANESE_HEADER = ["種別", "放送日時", "番組名", "曲名", "作品コード", "iswc", "著作者名", "実演者", "使用時間",
                   "使用方法", "録音", "サンプリング率", "制作国", "制作年"]  # fmt: skip
PROGRAMMES = ["ニュース7", "うたの広場", "ドラマ「港の灯」", "ミュージックアワー", "朝の情報ワイド", "深夜放送"]
USAGE_WEIGHTS = (("featured", 50), ("theme", 15), ("background", 30), ("commercial", 5))


def _katakana(hiragana: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in hiragana)


def _romaji_title(w: DemoWork) -> str:
    return w.title.title().replace(" No ", " no ").replace(" To ", " to ")


def reported_title(rng: random.Random, w: DemoWork, style: str) -> str:
    """The title as a station's staff type it: kanji, kana reading, romaji, with decorations."""
    if not w.japanese:
        title = w.title.title() if rng.random() < 0.7 else w.title
    elif style == "kana" and rng.random() < 0.4:
        title = _katakana(w.reading) if rng.random() < 0.5 else w.reading
    elif style == "romaji" and rng.random() < 0.5:
        title = _romaji_title(w)
    else:
        title = w.japanese
    roll = rng.random()
    if roll < 0.08:
        title += " (TVサイズ)"
    elif roll < 0.12:
        title += " -instrumental-"
    elif roll < 0.15:
        title = f"「{title}」"
    return title


def report_rows(
    rng: random.Random,
    cat: Catalogue,
    codes: dict[str, str],
    station: str,
    month: str,
    style: str,
    lines: int,
    truth: dict[tuple[str, str, str], str] | None = None,
) -> list[list[str]]:
    """Work lines of one station-month: popular works most, some unknown and traditional songs.

    ``truth`` (when given) receives the work number each reported (title, creators, code) stands for:
    what a member of staff finds out when checking a queued line.
    """
    weights = [1.0 / (k + 1) ** 0.9 for k in range(len(cat.works))]
    year, mon = int(month[:4]), int(month[5:])
    rows = []
    for _ in range(lines):
        at = dt.datetime(year, mon, rng.randint(1, 28), rng.randint(5, 23), rng.choice((0, 15, 30, 45)))
        usage = rng.choices([u for u, _ in USAGE_WEIGHTS], [w for _, w in USAGE_WEIGHTS])[0]
        duration = rng.randint(20, 90) if usage in ("background", "commercial") else rng.randint(60, 330)
        roll = rng.random()
        if roll < 0.025:
            title, creators, code = rng.choice(UNKNOWN_SONGS), "", ""
        elif roll < 0.035:
            title, creators, code = rng.choice(TRADITIONAL)[0], "", ""
        else:
            w = rng.choices(cat.works, weights)[0]
            title = reported_title(rng, w, style)
            names = [n for _, n, _, _ in w.writers]
            if style == "romaji":
                names = [f"{cat.writers[ip][1].title()} {cat.writers[ip][0].title()}" for ip, _, _, _ in w.writers]
            if rng.random() < 0.15:
                names = names[::-1]
            creators = "/".join(names) if rng.random() < 0.85 else ""
            code = codes.get(w.number, "") if rng.random() < (0.6 if style == "csv" else 0.2) else ""
            if rng.random() < 0.03 and len(title) > 3:  # a typing slip
                k = rng.randrange(1, len(title) - 1)
                title = title[:k] + title[k + 1] + title[k] + title[k + 2 :]
            if truth is not None:
                truth[(title, creators, code)] = w.number
        rows.append(
            ["work", at.strftime("%Y-%m-%d %H:%M"), rng.choice(PROGRAMMES), title, code, "", creators, "",
             str(duration), usage, "yes" if rng.random() < 0.75 else "no", "", "", ""]
        )  # fmt: skip
    rows.sort(key=lambda r: r[1])
    return rows


def write_report(path: Path, rows: list[list[str]], fmt: str) -> None:
    """Write a report the way the station's system does (UTF-8 CSV with BOM, Shift_JIS TSV, Excel)."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(REPORT_HEADER)
        for row in rows:
            sheet.append(row)
        book.save(path)
        return
    buffer = io.StringIO()
    if fmt == "tsv-sjis":
        writer = csv.writer(buffer, delimiter="\t", lineterminator="\r\n")
        writer.writerow(JAPANESE_HEADER)
        wide = str.maketrans("0123456789", "０１２３４５６７８９")
        writer.writerows([*r[:8], r[8].translate(wide), *r[9:]] for r in rows)
        path.write_bytes(buffer.getvalue().encode("cp932", errors="replace"))
    else:
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(REPORT_HEADER)
        writer.writerows(rows)
        path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def spoil(rng: random.Random, rows: list[list[str]], count: int) -> list[tuple[int, str]]:
    """Make ``count`` lines bad the way real files are (no duration, a wrong date, an unknown use)."""
    spoiled = []
    for index in rng.sample(range(len(rows)), count):
        kind = rng.randrange(3)
        if kind == 0:
            rows[index][8] = ""
            spoiled.append((index, "duration"))
        elif kind == 1:
            rows[index][1] = rows[index][1].replace("-", "/", 1)[:5] + "13" + rows[index][1][7:]
            spoiled.append((index, "broadcast_at"))
        else:
            rows[index][9] = "jingle"
            spoiled.append((index, "usage"))
    return spoiled


__all__ = [
    "LICENSEES",
    "MONTHS",
    "QUARTER",
    "STATIONS",
    "Catalogue",
    "DemoWork",
    "cwr_bytes",
    "cwr_transactions",
    "ipi_name",
    "make_catalogue",
    "report_rows",
    "spoil",
    "traditional_transactions",
    "write_report",
]


# ------------------------------------------------------------------------------------- the run
@dataclass
class DemoQuarter:
    """What the demo did, for the summary and the tests."""

    folder: Path
    cwr: dict[str, dict[str, int]] = field(default_factory=dict)  # file → ACK status counts
    reports: list[dict[str, object]] = field(default_factory=list)
    queue_open: int = 0
    decided: int = 0
    fees: dict[str, int] = field(default_factory=dict)
    unpaid: dict[str, int] = field(default_factory=dict)
    run_id: int | None = None
    summary: dict[str, object] = field(default_factory=dict)
    statements: str = ""
    identification: dict[str, int] = field(default_factory=dict)  # outcome (decision) → lines
    released_decisions: int = 0
    release_run_id: int | None = None
    release_summary: dict[str, object] = field(default_factory=dict)
    truth: dict[tuple[str, str, str], str] = field(default_factory=dict)  # what staff find out when checking
    codes: dict[str, str] = field(default_factory=dict)  # submitter work number → society work code
    run: object = None  # the QuarterRun, for the summary


def run_demo_quarter(
    out: Path,
    *,
    seed: int = 2026,
    works: int = 360,
    lines_per_report: int = 150,
    say: Callable[[str], None] = print,
    release: bool = True,
) -> DemoQuarter:
    """Run the whole quarter against the database already set up (see the module's description).

    ``out`` receives ``cwr/`` (files and ACKs), ``accounts.csv``, ``reports/``, and the quarter's
    ``input/``, ``result/`` and ``statements/`` folders.
    """
    from bunpai.broadcast import models as bm
    from bunpai.broadcast.services import assess_blanket_fee, record_payment, record_run, unpaid
    from bunpai.formats.cwr import read_bytes
    from bunpai.formats.cwr.ack import status_counts
    from bunpai.intake import models as im
    from bunpai.rules import broadcast_ruleset_for
    from bunpai.services import intake
    from bunpai.services.accounts import import_accounts
    from bunpai.services.broadcast import compute_quarter, write_run
    from bunpai.services.broadcast_payments import build_statements
    from bunpai.services.broadcast_quarter import export_quarter
    from bunpai.services.registry import import_cwr
    from bunpai.store import models as sm

    echo = say
    rng = random.Random(seed)
    demo = DemoQuarter(out)
    out.mkdir(parents=True, exist_ok=True)
    cat = make_catalogue(rng, works)

    # 1. Registrations: one CWR file per publisher (works without a publisher come through the society's
    #    own agency), the other manager's works, traditional songs; a late registration after the cut-off.
    (out / "cwr").mkdir(exist_ok=True)
    batches: dict[str, list[DemoWork]] = {}
    for w in cat.works:
        sender = "AGENCY" if w.publisher is None else ("NEXTONE" if w.publisher < 0 else f"PUB{w.publisher}")
        batches.setdefault(sender, []).append(w)
    received = dt.date(2026, 3, 2)
    files: list[tuple[str, bytes, dt.date]] = []
    for k, (sender, batch) in enumerate(sorted(batches.items())):
        name = PUBLISHERS[int(sender[3:])][0] if sender.startswith("PUB") else f"{sender} DEMO"
        data = cwr_bytes(cwr_transactions(cat, batch), f"{900_000_001 + k:09d}", name, dt.datetime(2026, 3, 1, 9))
        files.append((f"CW260{k + 1:03d}{sender[:3]}_038.V21", data, received))
    files.append(("CW260099TRD_038.V21", cwr_bytes(traditional_transactions(), "900000099", "ARCHIVE DEMO",
                                                  dt.datetime(2026, 3, 1, 9)), received))  # fmt: skip
    for name, data, day in files:
        (out / "cwr" / name).write_bytes(data)
        result = import_cwr(read_bytes(data, name), received_on=day, document_name=name)
        (out / "cwr" / f"{name}.ACK").write_text(result.ack_text, encoding="ascii", newline="")
        demo.cwr[name] = status_counts(list(result.outcomes.values()))
    sm.Work.objects.filter(submitter_work_number__startswith="PD").update(music_expired=True, lyrics_expired=True)
    codes = dict(sm.Work.objects.values_list("submitter_work_number", "society_code"))
    echo(f"registry: {len(files)} CWR files, {sm.Work.objects.count()} works, {sm.Party.objects.count()} parties")

    # Members' bank accounts (Shift_JIS, as member services export it).
    rows = [["party", "bank_code", "branch_code", "account_type", "account_number", "account_holder"]]
    for ip, (last, first, _, ipi, society) in sorted(cat.writers.items()):
        if society == OWN:
            rows.append([ipi, ("0001", "0005", "0009")[int(ip[1:]) % 3], "001", "1", f"{1_000_000 + int(ip[1:]):07d}",
                         f"{last} {first}".upper()])  # fmt: skip
    for k, (_, kana, bank, branch) in enumerate(PUBLISHERS):
        rows.append([ipi_name(90_000_000 + k), bank, branch, "2", f"{7_000_000 + k:07d}", kana])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    (out / "accounts.csv").write_bytes(buffer.getvalue().encode("cp932"))
    accounts = import_accounts(out / "accounts.csv", on=dt.date(2026, 3, 10))
    echo(f"bank accounts: {accounts.stored} stored (bank and branch codes checked)")

    # 2. Licensees and stations; a film with its cue sheet in the AV database.
    for code, (name, _) in LICENSEES.items():
        bm.Licensee.objects.create(code=code, name=name)
    for licensee, station, name, kind, group, points, _ in STATIONS:
        bm.Station.objects.create(licensee=bm.Licensee.objects.get(code=licensee), code=station, name=name,
                                  kind=kind, fund_group=group, station_points=points)  # fmt: skip
        im.Station.objects.create(code=station, name=name, licensee=licensee)
    film = sm.AVProduction.objects.create(title="港の灯 劇場版", country="JP", year=2025, intended_purpose="FIL")
    for k, w in enumerate(cat.works[:3]):
        cued = sm.Work.objects.get(submitter_work_number=w.number)
        sm.Cue.objects.create(production=film, sequence=k + 1, work=cued, title=w.japanese or w.title,
                              duration=(95, 60, 180)[k], usage=("MT", "BI", "ET")[k])  # fmt: skip

    # 3. Reports: every station, every month; bad lines; a file sent twice; a corrected file.
    (out / "reports").mkdir(exist_ok=True)
    index = intake.registry_index()
    style_of = {"csv": "csv", "tsv-sjis": "kana", "xlsx": "romaji"}
    corrected: tuple[Path, str, str, str] | None = None
    truth: dict[tuple[str, str, str], str] = {}
    for month in MONTHS:
        for licensee, station, _, kind, _, _, fmt in STATIONS:
            lines = lines_per_report // (3 if kind == "community_fm" else 1)
            rows = report_rows(rng, cat, codes, station, month, style_of[fmt], lines, truth)
            if station == "CFM":
                for row in rows:
                    row[11] = "1/13"  # a community station reports one week in thirteen
            if station == "NHK-G" and month == "2026-05":
                rows.append(["programme", "2026-05-05 21:00", "", "港の灯 劇場版", "", "", "", "", "", "", "yes", "",
                             "JP", "2025"])  # fmt: skip
            good_rows = [list(r) for r in rows]
            bad = spoil(rng, rows, 3 if fmt != "xlsx" else 1)
            suffix = {"csv": "csv", "tsv-sjis": "tsv", "xlsx": "xlsx"}[fmt]
            path = out / "reports" / f"{station}_{month}.{suffix}"
            write_report(path, rows, fmt)
            loaded = intake.load_report(path, station, month, licensee=licensee, by="demo", index=index)
            demo.reports.append({"file": path.name, "status": loaded.status, "good": loaded.good, "bad": loaded.bad,
                                 "spoiled": [f for _, f in bad]})  # fmt: skip
            if station == "TTV" and month == "2026-06":
                corrected = (out / "reports" / f"{station}_{month}_corrected.{suffix}", station, month, licensee)
                write_report(corrected[0], good_rows, fmt)
    # The same file again (a station's system retrying) changes nothing …
    again = out / "reports" / "NHK-G_2026-04.csv"
    loaded = intake.load_report(again, "NHK-G", "2026-04", licensee="NHK", by="demo", index=index)
    demo.reports.append({"file": again.name, "status": loaded.status, "good": loaded.good, "bad": loaded.bad})
    # … and a corrected file replaces the earlier one for the same station and month.
    assert corrected is not None
    loaded = intake.load_report(corrected[0], corrected[1], corrected[2], licensee=corrected[3], by="demo", index=index)
    demo.reports.append({"file": corrected[0].name, "status": loaded.status, "good": loaded.good, "bad": loaded.bad,
                         "replaced": loaded.replaced})  # fmt: skip
    echo(f"reports: {len(demo.reports)} files loaded ({sum(int(str(r['bad'])) for r in demo.reports)} bad lines)")

    # 4. The queue: staff check the first items — traditional songs are public domain, a known work
    #    reported with a slip is that work (the best candidate or one found by search), one new song is
    #    registered as a new work (its holders not yet known: held); the rest waits and its money is held.
    new_work_done = False
    for item in intake.queue()[:25]:
        if item["kind"] == "programme":
            continue
        title, creators, code = str(item["title"]), str(item["creators"]), str(item["work_code"])
        known = truth.get((title, creators, code))
        if any(title == j for j, _ in TRADITIONAL):
            demo.decided += intake.decide(int(item["id"]), "public_domain", by="staff.demo",
                                          note="traditional song (伝承曲): protection expired")  # fmt: skip
        elif known is not None:
            demo.decided += intake.decide(int(item["id"]), "work", by="staff.demo", work_code=codes[known],
                                          note="checked against the registry")  # fmt: skip
        elif title == UNKNOWN_SONGS[2] and not new_work_done:
            new_work_done = True
            note = "new song: work registered, notification of its holders awaited"
            demo.decided += intake.decide(int(item["id"]), "new_work", by="staff.demo", note=note)
    demo.queue_open = len(intake.queue())
    current = im.ReportLine.objects.filter(report__status=im.ReportFile.CURRENT, kind=im.ReportLine.WORK)
    for outcome, decision in current.values_list("outcome", "decision"):
        key = f"{outcome} ({decision or '-'})"
        demo.identification[key] = demo.identification.get(key, 0) + 1

    # 5. Licences, fees and payments: the usage share of this quarter's reports stands in for the
    #    previous year's in the demo; the first instalment is paid in May (one licensee short).
    rules = broadcast_ruleset_for(dt.date(2026, 9, 30))
    for code, (_, revenue) in LICENSEES.items():
        licensee = bm.Licensee.objects.get(code=code)
        kind = bm.Station.objects.filter(licensee=licensee).values_list("kind", flat=True).first() or "terrestrial"
        licence = bm.Licence.objects.create(licensee=licensee, fiscal_year=2026, station_kind=kind)
        share = intake.usage_share(code, 2026)
        assessment = assess_blanket_fee(licence, revenue_yen=revenue, usage_share=share.share, rules=rules)
        demo.fees[code] = assessment.fee_yen
        first = bm.Invoice.objects.get(licensee=licensee, fiscal_year=2026, instalment=1)
        paid = first.amount_yen if code != "MFM" else first.amount_yen * 9 // 10
        record_payment(first, paid, dt.date(2026, 5, 20))
        demo.unpaid[code] = unpaid(licensee, on=dt.date(2026, 6, 30))["unpaid_yen"]

    # 6. The quarter: export, distribute, record, statements.
    exported = export_quarter(out / "input", QUARTER)
    run = compute_quarter(exported.folder)
    write_run(run, out / "result")
    record = record_run(out / "result", input_dir=out / "input")
    demo.run_id = record.pk
    demo.summary = run.result.summary
    demo.run = run
    statements = build_statements(out / "result", out / "input", out / "statements")
    demo.statements = (
        f"{len(statements.payments)} statements, {len(statements.crd_files)} CRD files, "
        f"{statements.zengin_transfers} Zengin transfers"
    )

    demo.truth, demo.codes = truth, codes
    if release:
        release_next_quarter(demo)
    return demo


def release_next_quarter(demo: DemoQuarter) -> None:
    """The next quarter: the run approved, staff work the rest of the queue, and a release run —
    linked to the first — pays the money held for the lines identified since."""
    from bunpai.broadcast.models import DistributionRun
    from bunpai.broadcast.services import approve, record_run
    from bunpai.services import intake
    from bunpai.services.broadcast_payments import build_statements
    from bunpai.services.broadcast_quarter import export_release
    from bunpai.services.broadcast_release import compute_release, write_release

    out = demo.folder
    record = DistributionRun.objects.get(pk=demo.run_id)
    if record.status == "draft":
        approve(record)
    for item in intake.queue():
        title, creators, code = str(item["title"]), str(item["creators"]), str(item["work_code"])
        known = demo.truth.get((title, creators, code))
        if item["kind"] != "programme" and known is not None:
            demo.released_decisions += intake.decide(
                int(item["id"]), "work", by="staff.demo", work_code=demo.codes[known], note="found in the registry"
            )
    exported = export_release(out / "release" / "input", record, "2026Q3")
    released = compute_release(exported.folder)
    write_release(released, out / "release" / "result")
    release_record = record_run(out / "release" / "result", releases=record, input_dir=out / "release" / "input")
    build_statements(out / "release" / "result", out / "release" / "input", out / "release" / "statements")
    demo.release_run_id = release_record.pk
    demo.release_summary = released.summary
