"""Keys of titles and names: variants that name the same work meet, different works do not."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from itertools import groupby

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pykakasi.kanji import JConv

from bunpai.identify import normalise
from bunpai.identify.normalise import name_keys, phonetic_key, split_names, strip_decorations, text_key, title_form


def test_kana_kanji_romaji_and_width_variants_share_a_key() -> None:
    assert text_key("ヨルニカケル") == text_key("よるにかける") == text_key("ﾖﾙﾆｶｹﾙ")
    assert phonetic_key("夜に駆ける") == phonetic_key("よるにかける") == phonetic_key("Yoru ni Kakeru")
    assert (
        phonetic_key("東京ラブストーリー") == phonetic_key("Tōkyō Rabu Sutōrī") == phonetic_key("toukyou rabu sutoorii")
    )
    assert text_key("ＬＯＶＥ　ＳＯＮＧ") == text_key("Love Song") == "lovesong"
    assert phonetic_key("Shinjitsu") == phonetic_key("sinzitu") == phonetic_key("しんじつ")


def test_brackets_and_decorations_are_dropped_but_not_title_words() -> None:
    assert text_key("『夜に駆ける』-instrumental-") == text_key("夜に駆ける")
    assert text_key("夜に駆ける (TV size)") == "夜に駆ける"
    assert text_key("さくら ～TVサイズ～") == text_key("「さくら」") == "さくら"
    assert strip_decorations("Let It Be (Remastered 2009)") == "Let It Be"
    assert text_key("Let It Live") == "letitlive"  # "live" ends the title here, it is no decoration
    assert text_key("Love Song (Live)") == "lovesong"
    assert text_key("Piano Sonata (arr. for guitar)") != text_key("Piano Sonata")


def test_names_meet_whatever_their_order_or_script() -> None:
    def same(a: str, b: str) -> bool:
        return not set(name_keys(a)).isdisjoint(name_keys(b))

    assert same("山田太郎", "Yamada Taro")
    assert same("YAMADA Tarou", "Taro Yamada")
    assert same("ヤマダ タロウ", "山田 太郎")
    assert not same("山田太郎", "鈴木一郎")
    assert split_names("山田太郎 / 鈴木一郎|John Lennon、Paul McCartney") == (
        "山田太郎",
        "鈴木一郎",
        "John Lennon",
        "Paul McCartney",
    )


_ASCII = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30)
_KANA = st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3093), max_size=20)


@given(_ASCII)
def test_full_width_text_has_the_key_of_its_ascii(text: str) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in text)
    assert text_key(wide) == text_key(text)
    assert phonetic_key(wide) == phonetic_key(text)


@given(_KANA)
def test_katakana_has_the_keys_of_its_hiragana(text: str) -> None:
    katakana = "".join(chr(ord(c) + 0x60) for c in text)
    assert text_key(katakana) == text_key(text)
    assert phonetic_key(katakana) == phonetic_key(text)


@given(st.text(max_size=30))
def test_keys_of_any_text_are_plain_and_never_fail(text: str) -> None:
    assert phonetic_key(text).isascii()
    assert text_key(text) == text_key(text).strip()


def test_a_name_in_kana_without_its_space_meets_the_name_in_kanji() -> None:
    # "murata" + "akemi": written as one word the double "a" folds to one
    assert set(name_keys("ムラタアケミ")) & set(name_keys("村田 明美"))
    assert set(name_keys("アケミ ムラタ")) & set(name_keys("村田 明美"))
    assert not set(name_keys("ムラタアケミ")) & set(name_keys("村田 明"))


# The fast paths of the keys against their plain definitions: each must give exactly what the
# plain definition gives, for any text (ASCII or not, accented Latin, kana, marks, spaces).
_MIXED = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=0x7F),
        st.characters(min_codepoint=0xC0, max_codepoint=0x24F),
        st.characters(min_codepoint=0x1E00, max_codepoint=0x1EFF),
        st.characters(min_codepoint=0x3000, max_codepoint=0x30FF),
        st.sampled_from("ıſK　ー〜～・･ｶﾞ東京山田"),
    ),
    max_size=30,
)


@given(st.one_of(_MIXED, st.text(max_size=30), st.text(alphabet="ab\n", max_size=8)))
@example("\n\n")
@example("toukyyou")
def test_squeeze_is_the_run_folding_by_groupby(text: str) -> None:
    assert normalise._squeeze(text) == "".join(char for char, _ in groupby(text))


@given(st.one_of(_MIXED, st.text(max_size=30)))
def test_fold_romaji_is_its_plain_definition(text: str) -> None:
    value = re.sub(r"[^a-z0-9]+", "", text.lower())
    for old, new in normalise._FOLDS:
        value = value.replace(old, new)
    assert normalise.fold_romaji(text) == "".join(char for char, _ in groupby(value))


@given(st.one_of(_MIXED, st.text(max_size=30)))
def test_accents_and_text_key_are_their_plain_definitions(text: str) -> None:
    assert normalise._ascii_fold(text) == text.translate(normalise._LATIN).lower()
    assert text_key(text) == normalise._DROP.sub("", title_form(text).translate(normalise._KATAKANA))


def _plain_strip_decorations(text: str) -> str:
    value = normalise.nfkc(text).strip()
    for _ in range(3):
        stripped = normalise._BRACKETED.sub(" ", value)
        stripped = normalise._DASHED.sub("", stripped.rstrip())
        stripped = normalise._TRAILING.sub("", stripped.rstrip())
        if stripped.strip() == value.strip() or not stripped.strip():
            break
        value = stripped.strip()
    return value


_DECORATION_PIECES = st.lists(
    st.sampled_from(
        [
            "Love",
            "Song",
            " ",
            "(",
            ")",
            "-",
            "～",
            "TV size",
            "tvサイズ",
            "Instrumental",
            "INST.",
            "off vocal",
            "karaoke",
            "カラオケ",
            "オリジナル・カラオケ",
            "Live",
            "ı",
            "ſ",
            "E",
            "L",
            "\n",
            "さくら",
            "Remastered 2011",
        ]
    ),
    max_size=8,
)
_DECORATED = _DECORATION_PIECES.map("".join) | _DECORATION_PIECES.map(" ".join)


@given(st.one_of(_DECORATED, _MIXED, st.text(max_size=30)))
@example("Love Song INSTRUMENTAL")
@example("さくら カラオケ")
@example("Love Song ｶﾗｵｹ")
@example("Love Song Karaoke\n")
def test_strip_decorations_is_its_plain_definition(text: str) -> None:
    assert strip_decorations(text) == _plain_strip_decorations(text)


def _kanji_texts() -> st.SearchStrategy[str]:
    """Texts starting with a kanji (pykakasi reads a word only there): dictionary words, their
    prefixes and extensions, and runs of kanji, kana and variation selectors."""
    kanwa = normalise._kakasi()._jconv._kanwa
    words = sorted(word for table in list(kanwa._jisyo_table.values())[:400] for word in list(table)[:40])
    pieces = st.sampled_from(["", "の", "る", "しい", "\ufe00", "\U000e0100", "々", "日", "本", "語", "東京", "ー"])
    return st.builds(
        lambda word, cut, tail: (word[: max(1, len(word) - cut)] + tail),
        st.sampled_from(words),
        st.integers(0, 3),
        st.lists(pieces, max_size=4).map("".join),
    ) | st.builds(
        str.__add__,
        st.sampled_from("漢字東京都大阪府愛知県中野明美"),
        st.text(alphabet=st.sampled_from("漢字東京都大阪府愛知県中野明美\ufe00々のる"), max_size=8),
    )


@given(_kanji_texts(), st.sampled_from(["", "く", "る", "しい", "漢字", "よ"]))
def test_the_longest_reading_is_pykakasis_own(text: str, following: str) -> None:
    """The reading of the longest word a text starts with is pykakasi's own for every text: the
    same reading and the same length, variation selectors counted as pykakasi counts them."""
    jconv = normalise._kakasi()._jconv
    assert isinstance(jconv.convert, normalise._LongestReading)  # this converter's lookup is ours
    pykakasis = functools.partial(JConv.convert, jconv)
    assert _outcome(jconv.convert, text, following) == _outcome(pykakasis, text, following)


def _outcome(function: Callable[[str, str], object], *args: str) -> object:
    """What a call returns, or the type of what it raises."""
    try:
        return function(*args)
    except Exception as error:  # the error's type is the outcome compared
        return type(error)


def test_readings_of_kanji_runs_come_from_the_dictionary() -> None:
    assert normalise.romanise("東京都") == "toukyouto"
    assert phonetic_key("東京都") == phonetic_key("とうきょうと")


def test_remembered_functions_keep_their_last_results_up_to_their_limit() -> None:
    calls: list[str] = []

    @normalise.remembered(2)
    def doubled(text: str) -> str:
        calls.append(text)
        return text * 2

    assert [doubled(t) for t in ("a", "b", "a", "c", "c", "b", "a")] == ["aa", "bb", "aa", "cc", "cc", "bb", "aa"]
    # a third argument forgets the first two: "c" is remembered, "b" and "a" are made again
    assert calls == ["a", "b", "c", "b", "a"]
    normalise.forget(doubled)
    assert doubled("a") == "aa"
    assert calls[-1] == "a"  # forgotten, so made again
    with pytest.raises(TypeError, match="remembers nothing"):
        normalise.forget(len)
