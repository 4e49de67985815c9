"""Japanese-aware normalisation of reported titles and names (表記ゆれの正規化).

Two keys are made of every title and every name:

* the **text key** keeps the script (kanji stay kanji) but folds what does not change the work:
  NFKC (full/half width, half-width katakana), case, katakana → hiragana, long-vowel marks,
  brackets 「」『』【】(), punctuation and spaces, and performance decorations such as
  "(TV size)", "-instrumental-", "(off vocal)", "～カラオケ～";
* the **phonetic key** is the romanised reading (kanji read with ``pykakasi``), folded so that
  Hepburn and Kunrei spellings, long vowels and doubled consonants meet: ``Tōkyō``, ``toukyou``,
  ``tokyo``, ``とうきょう`` and ``東京`` give the same key.

Both are plain functions with caches; the same functions build the index and read the lines, so
the two sides can never drift apart.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

# Words that mark a performance or an edit of the same work, not another work.
_DECORATION_WORDS = (
    r"tv\s*size|tv\s*ver(?:sion)?|tv\s*edit|tvサイズ|テレビサイズ|movie\s*size|full\s*size|short\s*size"
    r"|full\s*ver(?:sion)?|short\s*ver(?:sion)?|long\s*ver(?:sion)?|single\s*ver(?:sion)?|album\s*ver(?:sion)?"
    r"|radio\s*edit|edit\s*ver(?:sion)?|instrumental|inst\.?|off\s*vocal|offvocal|without\s*vocals?"
    r"|original\s*karaoke|karaoke|カラオケ|オリジナル・?カラオケ|インスト(?:ゥルメンタル)?|オフボーカル"
    r"|live(?:\s*ver(?:sion)?)?|ライブ(?:・?バージョン)?|ライヴ|remaster(?:ed)?(?:\s*\d{4})?|\d{4}\s*remaster(?:ed)?"
    r"|bgm|bgm\s*ver(?:sion)?|ショート(?:・?バージョン|サイズ)?|フル(?:・?バージョン|サイズ)?"
    r"|op|ed|opening|ending|オープニング|エンディング|テーマ|main\s*theme|acoustic\s*ver(?:sion)?"
)
_BRACKETED = re.compile(r"[\(\[\{「『【〈《〔]\s*(?:" + _DECORATION_WORDS + r")\s*[\)\]\}」』】〉》〕]", re.IGNORECASE)
_DASHED = re.compile(r"[-~〜～―]\s*(?:" + _DECORATION_WORDS + r")\s*[-~〜～―]?\s*$", re.IGNORECASE)
# Without brackets or dashes only words that cannot end a real title ("Let It Live" stays).
_TRAILING = re.compile(
    r"\s+(?:tv\s*size|tvサイズ|instrumental|off\s*vocal|karaoke|カラオケ|オリジナル・?カラオケ|inst\.)\s*$",
    re.IGNORECASE,
)
_KATAKANA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)}  # ァ..ヶ → ぁ..ゖ
_DROP = re.compile(r"[\s\W_ー〜～・･]+", re.UNICODE)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_HAS_WIDE = re.compile(r"[^\x00-\x7f]")
_FOLDS = (
    ("sh", "s"),
    ("ch", "t"),
    ("ts", "t"),
    ("dz", "z"),
    ("j", "z"),
    ("f", "h"),
    ("sy", "s"),
    ("ty", "t"),
    ("zy", "z"),
    ("wo", "o"),
    ("mb", "nb"),
    ("mp", "np"),
    ("l", "r"),
    ("v", "b"),
    ("ou", "o"),
    ("ei", "e"),
)
_REPEATS = re.compile(r"(.)\1+")
NAME_SEPARATORS = re.compile(r"\s*[|/／、;；]\s*")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def strip_decorations(text: str) -> str:
    """The title without performance decorations ("(TV size)", "-instrumental-", …); NFKC first."""
    value = nfkc(text).strip()
    for _ in range(3):  # "Title (TV size) -instrumental-"
        stripped = _BRACKETED.sub(" ", value)
        stripped = _DASHED.sub("", stripped.rstrip())
        stripped = _TRAILING.sub("", stripped.rstrip())
        if stripped.strip() == value.strip() or not stripped.strip():
            break
        value = stripped.strip()
    return value


@functools.lru_cache(maxsize=1 << 20)
def text_key(text: str) -> str:
    """Script-preserving key: NFKC, lower case, hiragana, no long-vowel marks, punctuation or spaces."""
    value = _ascii_fold(strip_decorations(text)).translate(_KATAKANA)
    return _DROP.sub("", value)


_KAKASI: Any = None


def _kakasi() -> Any:
    global _KAKASI
    if _KAKASI is None:
        import pykakasi

        _KAKASI = pykakasi.kakasi()
    return _KAKASI


def _latin_table() -> dict[int, str]:
    table = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if base != chr(code) and base.isascii():
            table[code] = base
    table.update({ord("ß"): "ss", ord("æ"): "ae", ord("ø"): "o", ord("œ"): "oe", ord("ł"): "l"})
    return table


_LATIN = _latin_table()


def _ascii_fold(text: str) -> str:
    """Latin letters without accents ("Beyoncé" → "beyonce", "Tōkyō" → "tokyo"), lower case; kana kept."""
    return text.translate(_LATIN).lower()


def _convert(value: str) -> list[dict[str, str]]:
    try:
        parts: list[dict[str, str]] = _kakasi().convert(value)
        return parts
    except (IndexError, KeyError, ValueError):  # pykakasi fails on some rare code points
        out: list[dict[str, str]] = []
        for char in value:
            try:
                out.extend(_kakasi().convert(char))
            except (IndexError, KeyError, ValueError):
                out.append({"hepburn": char})
        return out


@functools.lru_cache(maxsize=1 << 16)
def _read_chunk(chunk: str) -> str:
    """Reading of a run of kanji with the kana that follow it (okurigana), by pykakasi."""
    return " ".join(p["hepburn"] for p in _convert(chunk)).lower()


_KANA_TABLE: dict[str, str] = {}


def _kana_table() -> dict[str, str]:
    """Hiragana syllables (and contracted ones: きゃ…) to Hepburn, made once with pykakasi."""
    if not _KANA_TABLE:
        singles = [chr(c) for c in range(0x3041, 0x3097)]
        smalls = "ゃゅょぁぃぅぇぉ"
        table = {}
        for a in singles:
            table[a] = _read_chunk(a)
            for b in smalls:
                pair = a + b
                if a not in smalls and a != "っ":
                    table[pair] = _read_chunk(pair)
        _KANA_TABLE.update(table)
    return _KANA_TABLE


_RUNS = re.compile(r"([\u3400-\u9fff\uf900-\ufaff々〆ヵヶ]+[\u3041-\u3096]{0,2})|([\u3041-\u3096\u30a1-\u30fa\u30fc]+)")


def _romanise_wide(value: str) -> str:
    table = _kana_table()
    out: list[str] = []
    last = 0
    for match in _RUNS.finditer(value):
        out.append(value[last : match.start()])
        last = match.end()
        if match.group(1):
            out.append(" " + _read_chunk(match.group(1)) + " ")
            continue
        kana = match.group(2).translate(_KATAKANA)
        i = 0
        while i < len(kana):
            pair = kana[i : i + 2]
            if len(pair) == 2 and pair in table:
                out.append(table[pair])
                i += 2
            elif kana[i] == "っ" and i + 1 < len(kana):
                nxt = table.get(kana[i + 1 : i + 3]) or table.get(kana[i + 1], "")
                out.append("t" if nxt.startswith("ch") else nxt[:1])
                i += 1
            elif kana[i] == "ー":
                i += 1
            else:
                out.append(table.get(kana[i], kana[i]))
                i += 1
        out.append(" ")
    out.append(value[last:])
    return "".join(out)


@functools.lru_cache(maxsize=1 << 20)
def romanise(text: str) -> str:
    """Romanised reading with word spaces kept (kanji and kana read by pykakasi), lower case."""
    value = _ascii_fold(strip_decorations(text))
    if _HAS_WIDE.search(value):
        value = _romanise_wide(value)
        if _HAS_WIDE.search(value):  # other scripts: whatever pykakasi makes of them
            value = " ".join(p["hepburn"] for p in _convert(value)).lower()
    return " ".join(value.split())


def fold_romaji(text: str) -> str:
    """Fold a romanised string so that spelling systems and long vowels meet (a key, not a text)."""
    value = _NON_ALNUM.sub("", text.lower())
    for old, new in _FOLDS:
        value = value.replace(old, new)
    return _REPEATS.sub(r"\1", value)


@functools.lru_cache(maxsize=1 << 20)
def phonetic_key(text: str) -> str:
    """Reading key: romanised, folded (``東京`` = ``とうきょう`` = ``Tokyo`` = ``toukyou``)."""
    return fold_romaji(romanise(text))


@functools.lru_cache(maxsize=1 << 20)
def name_keys(name: str) -> tuple[str, ...]:
    """Keys of a person's or company's name, whatever its order or script.

    The text key (no spaces) and the phonetic key of the name, plus the phonetic key with the
    words in the other order ("Yamada Taro" = "Taro Yamada" = "山田 太郎" = "ヤマダタロウ").
    """
    value = nfkc(name).strip()
    if not value:
        return ()
    keys = {text_key(value)}
    words = [w for w in re.split(r"[\s,・･]+", romanise(value)) if w]
    if words:
        keys.add(fold_romaji("".join(words)))
        keys.add(fold_romaji("".join(reversed(words))))
        keys.add(fold_romaji("".join(sorted(words))))
    keys.discard("")
    return tuple(sorted(keys))


def split_names(text: str) -> tuple[str, ...]:
    """Names of a list field: ``|``, ``/``, ``、`` or ``;`` separate them."""
    value = nfkc(text).strip()
    if not value:
        return ()
    return tuple(n for n in NAME_SEPARATORS.split(value) if n)


__all__ = [
    "fold_romaji",
    "name_keys",
    "nfkc",
    "phonetic_key",
    "romanise",
    "split_names",
    "strip_decorations",
    "text_key",
]
