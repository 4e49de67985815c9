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

import re
import unicodedata
from collections.abc import Callable
from itertools import groupby
from typing import Any, TypeVar

_A = TypeVar("_A")
_R = TypeVar("_R")

# Words that mark a performance or an edit of the same work, not another work.
_DECORATION_WORDS = (
    r"tv\s*size|tv\s*ver(?:sion|\.)?|tv\s*edit|tvサイズ|テレビサイズ|movie\s*size|full\s*size|short\s*size"
    r"|full\s*ver(?:sion|\.)?|short\s*ver(?:sion|\.)?|long\s*ver(?:sion|\.)?|single\s*ver(?:sion|\.)?|album\s*ver(?:sion|\.)?"
    r"|radio\s*edit|edit\s*ver(?:sion|\.)?|instrumental|inst\.?|off\s*vocal|offvocal|without\s*vocals?"
    r"|original\s*karaoke|karaoke|カラオケ|オリジナル・?カラオケ|インスト(?:ゥルメンタル)?|オフボーカル"
    r"|live(?:\s*ver(?:sion|\.)?)?|ライブ(?:・?バージョン)?|ライヴ|remaster(?:ed)?(?:\s*\d{4})?|\d{4}\s*remaster(?:ed)?"
    r"|bgm|bgm\s*ver(?:sion|\.)?|ショート(?:・?バージョン|サイズ)?|フル(?:・?バージョン|サイズ)?"
    r"|op|ed|opening|ending|オープニング|エンディング|テーマ|main\s*theme|acoustic\s*ver(?:sion|\.)?"
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
# ASCII bytes that the keys drop: everything but lower-case letters and digits (what _NON_ALNUM
# removes from ASCII text), and everything but letters and digits (what _DROP removes from it:
# spaces, punctuation, "_"). Deleting bytes is several times faster than a substitution.
_ASCII_NOT_LOWER_ALNUM = bytes(b for b in range(128) if not (chr(b).islower() or chr(b).isdigit()))
_ASCII_NOT_ALNUM = bytes(b for b in range(128) if not chr(b).isalnum())
_DOUBLED = re.compile(r"(.)\1", re.DOTALL)
_WORD_BREAKS = re.compile(r"[\s,・･]+")
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


class _Remembered(dict[Any, Any]):
    """A function's last results by argument, at most ``limit`` of them (see :func:`remembered`)."""

    __slots__ = ("function", "limit")

    def __init__(self, function: Callable[[Any], Any], limit: int) -> None:
        super().__init__()
        self.function = function
        self.limit = limit

    def __missing__(self, argument: Any) -> Any:
        value = self.function(argument)
        if len(self) >= self.limit:
            self.clear()  # full: the results made from now on are the ones remembered
        self[argument] = value
        return value


def remembered(limit: int) -> Callable[[Callable[[_A], _R]], Callable[[_A], _R]]:
    """Remember a function of one hashable argument: its results by argument, at most ``limit``.

    The function becomes the look-up of a dictionary that computes what it lacks: a remembered
    result costs one dictionary look-up, where ``functools.lru_cache`` also moves the entry to the
    front of its list, and the keys of a million works' titles and names are remembered (about a
    third more per look-up in a cache of a million and a half entries, most of it memory that the
    move touches). Once ``limit`` results are remembered, they are all forgotten before the next
    is added, so that what was asked last is remembered (the keys of a report's lines, after those
    of the index's works), as a least-recently-used cache keeps it; :func:`forget` empties it."""

    def remember(function: Callable[[_A], _R]) -> Callable[[_A], _R]:
        results = _Remembered(function, limit)
        look_up: Callable[[_A], _R] = results.__getitem__
        return look_up

    return remember


def forget(function: Callable[[Any], Any]) -> None:
    """Empty what a :func:`remembered` function remembers."""
    results = getattr(function, "__self__", None)
    if not isinstance(results, _Remembered):
        raise TypeError(f"{function!r} remembers nothing")
    results.clear()


def _squeeze(value: str) -> str:
    """``value`` with each run of one repeated character kept once ("toukyyou" → "toukyou"):
    what ``re.sub(r"(.)\1+", r"\1", value)`` gives for the letters and digits of a folded
    reading (which have no line breaks), a few times faster than the substitution, which
    expands its template once per run. Most folded readings have no doubled letter: one search
    finds that and returns the value as it is, without rebuilding it character by character."""
    if _DOUBLED.search(value) is None:
        return value
    return "".join([char for char, _ in groupby(value)])


NAME_SEPARATORS = re.compile(r"\s*[|/／、;；]\s*")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


_MAYBE_DECORATED = re.compile(r"[\(\[\{「『【〈《〔\-~〜～―]|\s\S+\s*$")
# Without one of these characters neither _BRACKETED nor _DASHED can match.
_BRACKET_OR_DASH = re.compile(r"[\(\[\{「『【〈《〔\-~〜～―]")
# The last characters of _TRAILING's words, with the same flags: a stripped title that does not
# end with one of them cannot match _TRAILING (its words end the text).
_TRAILING_LAST = re.compile(r"[elズケ.]", re.IGNORECASE)


def strip_decorations(text: str) -> str:
    """The title without performance decorations ("(TV size)", "-instrumental-", …); NFKC first.

    Most titles have no decoration: a title without brackets or dashes that does not end as one
    of the undelimited decoration words is returned before the three patterns are tried (the
    first round of the loop would return it unchanged). A text without brackets or dashes that
    ends as one of those words might ("Smile", a name such as "Nicole") has only those words
    tried: the other two patterns would leave it as it is, and stripping only takes characters
    away, so that none appear later."""
    value = nfkc(text).strip()
    if not _MAYBE_DECORATED.search(value):
        return value
    delimited = _BRACKET_OR_DASH.search(value) is not None
    if not delimited and _TRAILING_LAST.match(value[-1]) is None:
        return value
    for _ in range(3):  # "Title (TV size) -instrumental-"
        if delimited:
            stripped = _BRACKETED.sub(" ", value)
            stripped = _DASHED.sub("", stripped.rstrip())
        else:
            stripped = value
        stripped = _TRAILING.sub("", stripped.rstrip())
        if stripped.strip() == value.strip() or not stripped.strip():
            break
        value = stripped.strip()
    return value


@remembered(1 << 21)
def title_form(text: str) -> str:
    """The title as both of its keys see it: NFKC, without decorations, accents folded, lower
    case. :func:`text_key` and :func:`phonetic_key` are made from this alone, so two titles of
    the same form have the same keys."""
    return _ascii_fold(strip_decorations(text))


def name_form(name: str) -> str:
    """The name as its keys see it (NFKC, no outer spaces): :func:`name_keys`,
    :func:`name_tokens` and :func:`name_block_key` are made from this alone, and through
    :func:`text_key` and :func:`romanise` only from its :func:`title_form`."""
    return nfkc(name).strip()


@remembered(1 << 21)  # a million works' titles and their registered readings
def text_key(text: str) -> str:
    """Script-preserving key: NFKC, lower case, hiragana, no long-vowel marks, punctuation or spaces."""
    return text_key_of_form(title_form(text))


def text_key_of_form(value: str) -> str:
    """The text key of a title whose :func:`title_form` is ``value`` (for callers that have the
    form already: ``text_key(t) == text_key_of_form(title_form(t))``)."""
    if value.isascii():
        # What _DROP removes from ASCII text is every character but a letter or a digit; no
        # katakana to turn into hiragana.
        return value.encode("ascii").translate(None, _ASCII_NOT_ALNUM).decode("ascii")
    return _DROP.sub("", value.translate(_KATAKANA))


_KAKASI: Any = None


def _kakasi() -> Any:
    global _KAKASI
    if _KAKASI is None:
        import pykakasi

        library: Any = pykakasi
        _KAKASI = library.Kakasi()
        jconv: Any = getattr(_KAKASI, "_jconv", None)
        if hasattr(jconv, "_kanwa") and hasattr(jconv, "_itaiji"):
            jconv.convert = _LongestReading(jconv._kanwa, jconv._itaiji)
    return _KAKASI


class _LongestReading:
    """pykakasi's reading of the longest dictionary word a text of kanji starts with, found by
    looking up the text's prefixes, longest first, in the dictionary of its first character
    (pykakasi compares the text with every word of that dictionary, hundreds or thousands of them:
    about 140 µs a run of kanji no index has seen). The same result for every text: only one word
    of each length can begin the text, and of the words that do, the longest with a reading whose
    condition the next text (``following``) meets wins, with that word's first such reading.

    Called as pykakasi calls its own ``JConv.convert(text, following)``, which it replaces on the
    converter :func:`_kakasi` makes (only where that converter has the dictionaries this reads).
    """

    def __init__(self, kanwa: Any, itaiji: Any) -> None:
        self._kanwa = kanwa
        self._itaiji = itaiji

    def __call__(self, original: str, following: str) -> tuple[str, int]:
        text = self._itaiji.convert(original)
        table = self._kanwa.load(text[0])
        if table is None:
            return "", 0
        reading = ""
        length = 0
        for end in range(len(text), 0, -1):
            found = table.get(text[:end])
            if found is None:
                continue
            for yomi, condition in found:
                if condition is None or following in condition:
                    reading, length = yomi, end
                    break
            if length:
                break
        # Variation selectors the dictionary's forms left out are counted back in, as pykakasi
        # counts them.
        for _ in range(len(original) - len(text)):
            if length > len(original):
                break
            dropped_here = text[length - 1] != original[length - 1]
            if dropped_here or (length < len(original) and _is_variation_selector(original[length])):
                length += 1
        return reading, length


def _is_variation_selector(char: str) -> bool:
    return 0x0E0100 <= ord(char) <= 0x0E1EF or 0xFE00 <= ord(char) <= 0xFE02


def _latin_table() -> dict[int, str]:
    table = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if base != chr(code) and base.isascii():
            table[code] = base
    table.update({ord("ß"): "ss", ord("æ"): "ae", ord("ø"): "o", ord("œ"): "oe", ord("ł"): "l"})
    return table


_LATIN = _latin_table()


# The characters _LATIN changes: a text with none of them is only lower-cased (a translation
# looks every character up in the table, which costs more than this search for kana and kanji).
_ACCENTED = re.compile("[" + "".join(chr(code) for code in sorted(_LATIN)) + "]")


def _ascii_fold(text: str) -> str:
    """Latin letters without accents ("Beyoncé" → "beyonce", "Tōkyō" → "tokyo"), lower case; kana kept."""
    if text.isascii() or _ACCENTED.search(text) is None:
        return text.lower()
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


_CHUNK_LIMIT = 1 << 18


class Readings:
    """The readings of kanji runs of one works index (読みの学習).

    ``learned`` holds the runs read while the index was built: only these serve to read a new run
    piece by piece, so that a line's reading never depends on which other lines were read before
    it. ``chunks`` remembers every reading made. Each index has its own: a reading never depends
    on another index built earlier in the same process (a run "明日" learned from one works set
    would otherwise change how "明日香" is read against the next).
    """

    def __init__(self) -> None:
        self.learned: dict[str, str] = {}
        self.chunks: dict[str, str] = {}


# The readings in use: the last index activated, or those of no index.
_ACTIVE = [Readings()]
_LEARNING = [False]


def use_readings(readings: Readings) -> None:
    """Read with ``readings`` from now on. The remembered keys made with other readings are
    forgotten (a no-op when they are already in use)."""
    if _ACTIVE[0] is not readings:
        _ACTIVE[0] = readings
        for function in (_romanised_form, _phonetic_key_of_form, name_keys, _folded_words, name_tokens, name_block_key):
            forget(function)


class learning:
    """Within ``with learning():`` (an index being built) the readings of new runs are learned
    for reading later runs piece by piece; outside it they are only remembered."""

    def __enter__(self) -> None:
        _LEARNING.append(True)

    def __exit__(self, *exc: object) -> None:
        _LEARNING.pop()


def _read_chunk(chunk: str) -> str:
    """Reading of a run of kanji with the kana that follow it (okurigana), by pykakasi.

    Readings are remembered. A run not seen before that starts with a run of two or more
    characters learned while an index was built ("中野野" after "中野", see :class:`learning`) is
    read piece by piece from the learned ones, which keeps a mistyped name or title from costing a
    dictionary look-up of its own.
    """
    readings = _ACTIVE[0]
    chunks, learned = readings.chunks, readings.learned
    found = chunks.get(chunk)
    if found is not None:
        if _LEARNING[-1]:
            learned.setdefault(chunk, found)
        return found
    pieces: list[str] = []
    rest = chunk
    while len(rest) > 1:
        for end in range(len(rest) - 1, 1, -1):
            if rest[:end] in learned:
                pieces.append(learned[rest[:end]])
                rest = rest[end:]
                break
        else:
            break
    if pieces:
        reading = " ".join([*pieces, _read_chunk(rest)]) if rest else " ".join(pieces)
    else:
        reading = " ".join(p["hepburn"] for p in _convert(chunk)).lower()
    if len(chunks) < _CHUNK_LIMIT:
        chunks[chunk] = reading
        if _LEARNING[-1]:
            learned[chunk] = reading
    return reading


_SMALL = "ゃゅょぁぃぅぇぉ"
_KANA: dict[str, Any] = {}


def _kana_tables() -> tuple[dict[int, str], dict[str, str], re.Pattern[str]]:
    """Hiragana to Hepburn, made once with pykakasi: single syllables as a translation table,
    contracted ones (きゃ, しょ, ふぁ…) as a dictionary with their pattern. The sokuon っ and the
    long-vowel mark are dropped: the reading key folds doubled letters anyway."""
    if not _KANA:
        singles: dict[int, str] = {}
        pairs: dict[str, str] = {}
        for code in range(0x3041, 0x3097):
            char = chr(code)
            singles[code] = _read_chunk(char)
            if char not in _SMALL and char != "っ":
                for small in _SMALL:
                    reading = _read_chunk(char + small)
                    if reading != singles[code] + _read_chunk(small):
                        pairs[char + small] = reading
        singles[ord("っ")] = ""
        singles[ord("ー")] = ""
        firsts = "".join(sorted({p[0] for p in pairs}))
        _KANA["singles"] = singles
        _KANA["pairs"] = pairs
        _KANA["pattern"] = re.compile(f"[{firsts}][{_SMALL}]")
    return _KANA["singles"], _KANA["pairs"], _KANA["pattern"]


_RUNS = re.compile(r"([\u3400-\u9fff\uf900-\ufaff々〆ヵヶ]+[\u3041-\u3096]?)|([\u3041-\u3096\u30a1-\u30fa\u30fc]+)")


def _romanise_run(match: re.Match[str]) -> str:
    if match.group(1):
        return " " + _read_chunk(match.group(1)) + " "
    singles, pairs, pattern = _kana_tables()
    kana = match.group(2).translate(_KATAKANA)
    kana = pattern.sub(lambda m: pairs.get(m.group(), m.group()), kana)
    return " " + kana.translate(singles) + " "


def _romanise_wide(value: str) -> str:
    return _RUNS.sub(_romanise_run, value)


def romanise(text: str) -> str:
    """Romanised reading with word spaces kept (kanji and kana read by pykakasi), lower case."""
    return _romanised_form(title_form(text))


@remembered(1 << 20)
def _romanised_form(value: str) -> str:
    """:func:`romanise` of a text whose :func:`title_form` is ``value``: remembered by the form, so
    that titles of one form (a decoration, the case, full width apart) are read once."""
    if not value.isascii():
        value = _romanise_wide(value)
        if _HAS_WIDE.search(value):
            if all(unicodedata.category(c)[0] not in "LN" for c in _HAS_WIDE.findall(value)):
                # Only wide marks left ("・", a lone "゛"): kept as words of their own, as pykakasi
                # would keep them, without its pass over the whole (romanised) text.
                value = _HAS_WIDE.sub(lambda m: f" {m.group()} ", value)
            else:  # other scripts: whatever pykakasi makes of them
                value = " ".join(p["hepburn"] for p in _convert(value)).lower()
    return " ".join(value.split())


@remembered(1 << 20)  # the words of names recur in thousands of names
def fold_romaji(text: str) -> str:
    """Fold a romanised string so that spelling systems and long vowels meet (a key, not a text)."""
    value = text.lower()
    if value.isascii():  # the common case: the same characters deleted without a substitution
        value = value.encode("ascii").translate(None, _ASCII_NOT_LOWER_ALNUM).decode("ascii")
    else:
        value = _NON_ALNUM.sub("", value)
    for old, new in _FOLDS:
        value = value.replace(old, new)
    return _squeeze(value)


def phonetic_key(text: str) -> str:
    """Reading key: romanised, folded (``東京`` = ``とうきょう`` = ``Tokyo`` = ``toukyou``)."""
    return _phonetic_key_of_form(title_form(text))


@remembered(1 << 21)  # a million works' titles and their registered readings
def _phonetic_key_of_form(value: str) -> str:
    """:func:`phonetic_key` of a text whose :func:`title_form` is ``value``, remembered by the
    form: a report's title that differs from a known one only in a decoration, the case or the
    width costs a look-up (two fifths of the benchmark's titles new to the index: 8,779 of 21,246
    have the form of a work's title or of an earlier line's)."""
    return fold_romaji(_romanised_form(value))


@remembered(1 << 20)
def name_keys(name: str) -> tuple[str, ...]:
    """Keys of a person's or company's name, whatever its order or script.

    The text key (no spaces) and the phonetic key of the name, plus the phonetic key with the
    words in the other order ("Yamada Taro" = "Taro Yamada" = "山田 太郎" = "ヤマダタロウ"), each
    also folded as one word ("村田 明美" = "ムラタアケミ", whose "aa" folds to one "a").
    """
    value = name_form(name)
    if not value:
        return ()
    # The text key made from the form at once: a report's names are mostly new, and the text
    # key's own remembering would only add a look-up and an entry per name.
    keys = {text_key_of_form(title_form(value))}
    words = _folded_words(value)
    if words:
        keys.add("".join(words))
        keys.add("".join(reversed(words)))
        keys.add("".join(sorted(words)))
        # The name written without its space ("ムラタアケミ") is folded as one word, so that a
        # doubled letter across the words is folded too: both orders in that form as well.
        keys.add(_squeeze("".join(words)))
        keys.add(_squeeze("".join(reversed(words))))
    keys.discard("")
    return tuple(sorted(keys))


@remembered(1 << 20)
def _folded_words(name: str) -> tuple[str, ...]:
    return tuple([word for word in map(fold_romaji, _WORD_BREAKS.split(romanise(name_form(name)))) if word])


@remembered(1 << 20)
def name_tokens(name: str) -> tuple[str, ...]:
    """The folded words of a name, sorted (for comparing close spellings word by word)."""
    return tuple(sorted(_folded_words(name)))


@remembered(1 << 20)
def name_block_key(name: str) -> str:
    """One key per name for the name postings: its folded words, sorted and joined."""
    return "".join(name_tokens(name))


def split_names(text: str) -> tuple[str, ...]:
    """Names of a list field: ``|``, ``/``, ``、`` or ``;`` separate them."""
    value = nfkc(text).strip()
    if not value:
        return ()
    return tuple(n for n in NAME_SEPARATORS.split(value) if n)


# Countries of production as reports write them: ISO 3166 alpha-3 codes and common English and
# Japanese names, for the countries most programmes and films come from (alpha-2 codes are kept).
_COUNTRIES = {
    "JP": "JPN japan 日本 にほん にっぽん 邦画",
    "US": "USA usa u.s. u.s.a. america unitedstates unitedstatesofamerica アメリカ 米国 アメリカ合衆国 合衆国",
    "GB": "GBR uk u.k. unitedkingdom britain greatbritain england イギリス 英国",
    "FR": "FRA france フランス 仏国",
    "DE": "DEU germany ドイツ 独国",
    "IT": "ITA italy イタリア",
    "ES": "ESP spain スペイン",
    "KR": "KOR korea southkorea republicofkorea 韓国 大韓民国",
    "CN": "CHN china 中国 中華人民共和国",
    "HK": "HKG hongkong 香港",
    "TW": "TWN taiwan 台湾",
    "IN": "IND india インド",
    "CA": "CAN canada カナダ",
    "AU": "AUS australia オーストラリア",
    "NZ": "NZL newzealand ニュージーランド",
    "SE": "SWE sweden スウェーデン",
    "DK": "DNK denmark デンマーク",
    "NO": "NOR norway ノルウェー",
    "FI": "FIN finland フィンランド",
    "NL": "NLD netherlands holland オランダ",
    "BE": "BEL belgium ベルギー",
    "CH": "CHE switzerland スイス",
    "AT": "AUT austria オーストリア",
    "RU": "RUS russia ロシア",
    "BR": "BRA brazil ブラジル",
    "MX": "MEX mexico メキシコ",
    "TH": "THA thailand タイ",
}
_COUNTRY_OF = {
    _DROP.sub("", nfkc(word).casefold()): code for code, words in _COUNTRIES.items() for word in words.split()
}


def country_code(text: str) -> str:
    """ISO 3166 alpha-2 code of a reported country ("USA", "アメリカ", "United States" → "US");
    a two-letter text is taken as a code ("UK" is "GB"); anything else comes back folded (upper case, no spaces),
    so that it can only equal itself."""
    folded = _DROP.sub("", nfkc(text).casefold())
    return _COUNTRY_OF.get(folded, folded.upper())


__all__ = [
    "Readings",
    "country_code",
    "fold_romaji",
    "forget",
    "name_block_key",
    "name_form",
    "name_keys",
    "name_tokens",
    "nfkc",
    "phonetic_key",
    "remembered",
    "romanise",
    "split_names",
    "strip_decorations",
    "text_key",
    "text_key_of_form",
    "title_form",
    "use_readings",
]
