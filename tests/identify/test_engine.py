"""Decisions of the identification engine on lines with the noise stations really send."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bunpai.identify.engine import AUTO, NONE, REVIEW, Query, WorkEntry, WorkIndex

WORKS = [
    WorkEntry("W1", "夜に駆ける", ("ヨルニカケル",), ("Ayase",), "T0345246801"),
    WorkEntry("W2", "夜に駆ける", (), ("山田 太郎",)),  # the same title by another writer
    WorkEntry("W3", "東京ラブストーリー", ("トウキョウラブストーリー",), ("小田和正",)),
    WorkEntry("W4", "Let It Be", (), ("John Lennon", "Paul McCartney"), "", ("GBAYE0601690",)),
    WorkEntry("W5", "Let It Go", (), ("Kristen Anderson-Lopez", "Robert Lopez")),
    WorkEntry("W6", "さくら", ("サクラ",), ("森山直太朗", "御徒町凧")),
    WorkEntry("W7", "さくら (独唱)", (), ("森山直太朗", "御徒町凧")),
    WorkEntry("W8", "Lemon", ("レモン",), ("米津玄師",)),
    WorkEntry("W9", "Piano Sonata No. 14 (arr. for guitar)", (), ("Ludwig van Beethoven", "Suzuki Ichiro")),
]


@pytest.fixture(scope="module")
def index() -> WorkIndex:
    return WorkIndex(WORKS)


@pytest.mark.parametrize(
    ("query", "work_id"),
    [
        (Query("夜に駆ける", ("Ayase",)), "W1"),
        (Query("よるにかける (TV size)", ("AYASE",)), "W1"),  # reading in kana, decoration
        (Query("ﾖﾙﾆｶｹﾙ -instrumental-", ("ayase",)), "W1"),  # half-width katakana
        (Query("Yoru ni Kakeru", ("Ayase",)), "W1"),  # romaji
        (Query("夜に駆ける", ("ヤマダ タロウ",)), "W2"),  # same title, the other writer
        (Query("とうきょうらぶすとーりー", ("小田 和正",)), "W3"),
        (Query("Tokyo Rabu Sutori", ("Oda Kazumasa",)), "W3"),
        (Query("Let It Bee", ("Lennon John", "McCartney Paul")), "W4"),  # typo, swapped name order
        (Query("Let it go -instrumental-", ("Robert Lopez",)), "W5"),
        (Query("Lemmon", ("米津 玄師",)), "W8"),  # typo
        (Query("『レモン』", ("米津 玄師",)), "W8"),
        (Query("", (), "W6"), "W6"),  # the work code settles it
        (Query("Sakura", (), "W6"), "W6"),  # code and a title in romaji
        (Query("", (), "", "T-034.524.680-1".replace("-", "").replace(".", "")), "W1"),  # ISWC
        (Query("Let It Be (Remastered 2009)", (), "", "", "GBAYE0601690"), "W4"),  # ISRC
    ],
)
def test_variants_are_identified_automatically(index: WorkIndex, query: Query, work_id: str) -> None:
    result = index.identify(query)
    assert (result.decision, result.work_id) == (AUTO, work_id), result


def test_name_read_otherwise_than_the_dictionary_goes_to_review_with_the_work_first(index: WorkIndex) -> None:
    # 米津玄師 is read "Yonezu Kenshi"; a dictionary reads "yonetsu genshi": no automatic decision
    result = index.identify(Query("『レモン』", ("Yonezu Kenshi",)))
    assert (result.decision, result.work_id) == (REVIEW, "W8")


def test_close_spelling_of_a_name_is_not_enough_alone(index: WorkIndex) -> None:
    typo = index.identify(Query("Let It Go", ("Robert Lopes",)))
    assert (typo.decision, typo.work_id) == (REVIEW, "W5")
    both = index.identify(Query("Let It Go", ("Robert Lopes", "Kristen Anderson-Lopez")))
    assert (both.decision, both.work_id) == (AUTO, "W5")


def test_same_title_by_unknown_writer_is_never_automatic(index: WorkIndex) -> None:
    result = index.identify(Query("夜に駆ける", ("鈴木一郎",)))
    assert result.decision == REVIEW
    assert {c.work_id for c in result.candidates[:2]} == {"W1", "W2"}


def test_title_shared_by_two_works_without_names_goes_to_review(index: WorkIndex) -> None:
    result = index.identify(Query("夜に駆ける"))
    assert result.decision == REVIEW and result.work_id in {"W1", "W2"}


def test_unique_title_without_names_is_automatic(index: WorkIndex) -> None:
    result = index.identify(Query("Lemon"))
    assert (result.decision, result.work_id) == (AUTO, "W8")


def test_arrangement_is_another_work(index: WorkIndex) -> None:
    original = index.identify(Query("さくら", ("森山直太朗",)))
    assert (original.decision, original.work_id) == (AUTO, "W6")
    sung = index.identify(Query("さくら(独唱)", ("森山直太朗", "御徒町凧")))
    assert (sung.decision, sung.work_id) == (AUTO, "W7")


def test_code_that_contradicts_the_title_is_reviewed_not_trusted(index: WorkIndex) -> None:
    result = index.identify(Query("Let It Go", (), "W8"))
    assert result.decision == REVIEW
    assert {c.work_id for c in result.candidates} >= {"W5", "W8"}
    # title and names agreeing exactly with another work outweigh a mistyped code
    typo = index.identify(Query("Let It Go", ("Robert Lopez", "Kristen Anderson-Lopez"), "W8"))
    assert (typo.decision, typo.work_id, typo.method) == (AUTO, "W5", "title")


def test_unknown_work_is_none(index: WorkIndex) -> None:
    result = index.identify(Query("Completely Different Melody", ("Nobody Known",)))
    assert result.decision == NONE and result.work_id is None


def test_identical_lines_are_identified_once(index: WorkIndex) -> None:
    calls = []
    original = index.identify

    def counting(query: Query):  # type: ignore[no-untyped-def]
        calls.append(query)
        return original(query)

    index.identify = counting  # type: ignore[method-assign]
    try:
        lines = [Query("Lemon", ("米津玄師",))] * 5 + [Query("さくら")] * 3
        results = index.identify_many(lines)
    finally:
        del index.identify
    assert len(calls) == 2
    assert [r.work_id for r in results[:5]] == ["W8"] * 5


def test_blocking_never_compares_all_pairs() -> None:
    works = [WorkEntry(f"X{i}", f"Title number {i} of many", (), (f"Writer {i}",)) for i in range(3000)]
    index = WorkIndex(works)
    result = index.identify(Query("Title nunber 1234 of many", ("Writer 1234",)))
    assert result.work_id == "X1234" and result.decision == AUTO
    assert len(result.candidates) <= index.thresholds.max_candidates


_WORDS = ["夜", "さくら", "サクラ", "Love", "Song", "東京", "とうきょう", "Tokyo", "海", "うみ", "(TV size)", "Blue"]
_NAMES = ["山田 太郎", "Yamada Taro", "鈴木 花子", "John Lennon", "Lennon John", "ヤマダ タロウ", "Mary Smith"]


@st.composite
def _works_and_query(draw: st.DrawFn) -> tuple[list[WorkEntry], Query]:
    titles = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join)
    names = st.lists(st.sampled_from(_NAMES), max_size=2, unique=True).map(tuple)
    count = draw(st.integers(1, 40))
    works = [WorkEntry(f"W{i:03d}", draw(titles), (), draw(names)) for i in range(count)]
    query = Query(draw(titles), draw(names), draw(st.sampled_from(["", "W000", "W999"])))
    return works, query


@settings(max_examples=150, deadline=None)
@given(_works_and_query())
def test_decisions_do_not_depend_on_the_order_of_the_works(case: tuple[list[WorkEntry], Query]) -> None:
    works, query = case
    forward = WorkIndex(works).identify(query)
    backward = WorkIndex(list(reversed(works))).identify(query)
    assert (forward.decision, forward.work_id, forward.score) == (backward.decision, backward.work_id, backward.score)
    assert [c.work_id for c in forward.candidates] == [c.work_id for c in backward.candidates]
    if forward.decision == AUTO:  # an automatic decision names a work whose title or code agrees
        assert forward.score >= 0.9
