"""Decisions of the identification engine on lines with the noise stations really send."""

from __future__ import annotations

import random
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from bunpai.identify import engine
from bunpai.identify.engine import (
    AUTO,
    NONE,
    REVIEW,
    Query,
    WorkEntry,
    WorkIndex,
    _by_line_score_and_rank,
    _Line,
    _maximum_per_work,
    _rounded,
)
from bunpai.identify.normalise import name_block_key, phonetic_key, text_key

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


def test_exact_title_and_one_exact_writer_settle_a_title_other_works_share(index: WorkIndex) -> None:
    # the second name is the performer's: Ayase is the writer of only one of the two works
    result = index.identify(Query("夜に駆ける", ("Ayase", "YOASOBI")))
    assert (result.decision, result.work_id) == (AUTO, "W1")
    assert index.identify_many([Query("夜に駆ける", ("Ayase", "YOASOBI"))]) == [result]
    # each work has one of the line's names: nothing settles it
    both = index.identify(Query("夜に駆ける", ("Ayase", "山田 太郎")))
    assert both.decision == REVIEW
    assert {c.work_id for c in both.candidates} == {"W1", "W2"}


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
    calls: list[Query] = []
    passed: list[Query] = []
    original, first_pass = index._identify_rest, index._first_pass

    def counting(queries):  # type: ignore[no-untyped-def]
        calls.extend(queries)
        return original(queries)

    def counting_pass(queries, *keys):  # type: ignore[no-untyped-def]
        passed.extend(queries)
        return first_pass(queries, *keys)

    index._identify_rest = counting  # type: ignore[method-assign]
    index._first_pass = counting_pass  # type: ignore[method-assign]
    try:
        lines = [Query("Lemon", ("米津玄師",))] * 5 + [Query("さくら")] * 3
        # the same line to the engine: titles that differ in a decoration, the case, full-width
        # letters, with the same names and codes
        folded = [
            Query("Yoru ni Kakeru", ("Ayase",)),
            Query("Yoru ni Kakeru (TV size)", ("Ayase",)),
            Query("ＹＯＲＵ ＮＩ ＫＡＫＥＲＵ", ("Ayase",)),
        ]
        # names are compared as written: a line of the same title whose name differs only in its
        # case is another line (with the same result)
        other_name = Query("Yoru ni Kakeru (TV size)", ("AYASE",))
        # the same names in another order: the same line to the engine
        both = [Query("さくら(独唱)", ("森山直太朗", "御徒町凧")), Query("さくら(独唱)", ("御徒町凧", "森山直太朗"))]
        results = index.identify_many(lines + folded + [other_name] + both)
    finally:
        del index._identify_rest
        del index._first_pass
    # the three folded lines are one line to the engine, and so are the two orders of the names
    assert passed == [Query("Lemon", ("米津玄師",)), Query("さくら"), folded[0], other_name, both[0]]
    # the exact title and name settle the first line in the columnar pass, the others are scored
    # once each
    assert calls == [Query("さくら"), folded[0], other_name]
    assert [r.work_id for r in results] == ["W8"] * 5 + ["W6"] * 3 + ["W1"] * 4 + ["W7"] * 2
    assert results[-6:] == [index.identify(q) for q in [*folded, other_name, *both]]
    assert results[-3] == results[-4] and results[-1] is results[-2]


def test_first_pass_decides_as_the_scorer_does(index: WorkIndex) -> None:
    lines = [
        Query("Lemon", ("米津玄師",)),  # exact title and name
        Query("夜に駆ける", ("Ayase",)),  # one of two works of this title, by its writer
        Query("夜に駆ける", ("鈴木一郎",)),  # nobody's name: left to the scorer
        Query("Let It Be", ("Paul McCartney", "John Lennon")),
        Query("さくら", ("森山直太朗",)),  # two works with this name: W6 and its arrangement's title differs
        Query("Let It Go", (), "W8"),  # a code whose title disagrees: left to the scorer
        Query("Lemon", (), "W8"),  # code and title agree
        Query("", (), "W6"),
    ]
    settled = index._first_pass(lines)
    assert set(settled) == {0, 1, 3, 4, 6, 7}
    for position, query in enumerate(lines):
        if position in settled:
            assert settled[position] == index.identify(query)
    assert [index.identify(q) for q in lines] == index.identify_many(lines)


def test_first_pass_results_made_once_are_those_of_their_own_works_and_names(index: WorkIndex) -> None:
    # Lines of one title and the same works found share a result; lines that find the same work
    # with another share of their names found, or another work, do not.
    lines = [
        Query("Let It Be", ("Paul McCartney", "John Lennon")),
        Query("Let It Be", ("John Lennon", "Paul McCartney"), "", "", "XX0000000000"),  # an unknown ISRC
        Query("Let It Be", ("John Lennon",)),
        Query("Let It Be", ("Paul McCartney", "Nobody Known")),  # half the names: left to the scorer
        Query("さくら", ("森山直太朗",)),
        Query("さくら", ("森山直太朗", "御徒町凧")),
    ]
    settled = index._first_pass(lines)
    assert set(settled) == {0, 1, 2, 4, 5}
    assert settled[0] is settled[1]
    for position in settled:
        assert settled[position] == index.identify(lines[position]), lines[position]
    # the same works found with other shares of names: a tie first (review), then one work
    shared = WorkIndex(
        [WorkEntry("A1", "Song", (), ("Jane Roe", "John Doe")), WorkEntry("A2", "Song", (), ("Jane Roe",))]
    )
    both = [Query("Song", ("Jane Roe",)), Query("Song", ("Jane Roe", "John Doe"))]
    settled = shared._first_pass(both)
    assert [settled[0], settled[1]] == [shared.identify(q) for q in both]
    assert (settled[0].decision, settled[1].decision, settled[1].work_id) == (REVIEW, AUTO, "A1")


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
    works = [
        WorkEntry(f"W{i:03d}", draw(titles), (), draw(names), performers=draw(names)) for i in range(count)
    ]
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


_RECORDED = [
    WorkEntry("R1", "夜に駆ける", ("ヨルニカケル",), ("Ayase",), performers=("YOASOBI",)),
    WorkEntry("R2", "夜に駆ける", (), ("山田 太郎",), performers=("鈴木 花子", "The Blue Notes")),
    WorkEntry("R3", "夜に駆ける", (), ("佐藤 次郎",), performers=("The Blue Notes",)),
    WorkEntry("R4", "星の鼓動と港の歌", ("ホシノコドウトミナトノウタ",), ("村田 明美",)),
    WorkEntry("R5", "Silver Lullaby of Gold", (), ("Mary Smith",)),
    WorkEntry("R6", "Silver Lullaby of Gold", (), ("John Brown",)),
    WorkEntry("R7", "蝶の虹と光の鼓動", (), ("森 薫",)),
    WorkEntry("R8", "蝶の虹と花の鼓動", (), ("林 修",)),  # a look-alike title, another writer
]


@pytest.fixture(scope="module")
def recorded() -> WorkIndex:
    return WorkIndex(_RECORDED)


def test_the_performer_of_one_recording_of_the_title_settles_it(recorded: WorkIndex) -> None:
    for query in (
        Query("夜に駆ける", ("YOASOBI",)),
        Query("よるにかける (TV size)", ("yoasobi",)),  # the reading, decorated
        Query("夜に駆ける", ("花子 鈴木",)),  # the performer of one of R2's recordings, in the other order
    ):
        result = recorded.identify(query)
        assert result.decision == AUTO and result.method == "performer", (query, result)
        assert result.score == recorded.thresholds.auto
    assert recorded.identify(Query("夜に駆ける", ("YOASOBI",))).work_id == "R1"
    assert recorded.identify_many([Query("夜に駆ける", ("花子 鈴木",))])[0].work_id == "R2"


def test_a_performer_of_two_works_of_the_title_or_of_none_leaves_it_to_review(recorded: WorkIndex) -> None:
    shared = recorded.identify(Query("夜に駆ける", ("The Blue Notes",)))  # recorded R2 and R3
    assert shared.decision == REVIEW
    unknown = recorded.identify(Query("夜に駆ける", ("LiSA",)))
    assert unknown.decision == REVIEW
    # a writer of the title named beside the performer: the writer decides, not the recording
    writer = recorded.identify(Query("夜に駆ける", ("YOASOBI", "山田 太郎")))
    assert (writer.decision, writer.work_id) == (AUTO, "R2")


def test_one_typo_beside_exact_names_is_automatic_when_no_other_title_is_near(recorded: WorkIndex) -> None:
    typos = ("星の鼓動と港の唄歌", "星の動鼓と港の歌", "ホシノコドウトミナトノウタタ")
    typos += ("Hoshi no Kodou to Minato no Utaa",)
    for title in typos:
        result = recorded.identify(Query(title, ("村田 明美",)))
        assert (result.decision, result.work_id) == (AUTO, "R4"), (title, result)
    # the same typo without the writer, or beside another name, is not automatic
    assert recorded.identify(Query("星の動鼓と港の歌")).decision != AUTO
    assert recorded.identify(Query("星の動鼓と港の歌", ("山田 太郎",))).decision != AUTO


def test_a_typo_near_two_titles_is_not_settled_by_the_names(recorded: WorkIndex) -> None:
    # one edit from R7's title, two from R8's (another writer's): not automatic
    near = recorded.identify(Query("蝶の虹と光の動鼓", ("森 薫",)))
    assert near.decision == REVIEW and near.work_id == "R7"
    # without the look-alike the same typo is automatic
    alone = WorkIndex([w for w in _RECORDED if w.work_id != "R8"]).identify(Query("蝶の虹と光の動鼓", ("森 薫",)))
    assert (alone.decision, alone.work_id) == (AUTO, "R7")
    # two edits from the named writer's title are not a typo
    far = recorded.identify(Query("蝶の虹と光動の鼓", ("森 薫",)))
    assert far.decision == REVIEW and far.work_id == "R7"


@pytest.mark.parametrize("order", ["work id", "reversed", "shuffled"])
def test_ties_among_blocking_candidates_go_to_the_first_work_ids(order: str) -> None:
    # 100 works of one title (other writers): a mistyped title finds them all through the
    # trigrams with the same count, more than the search keeps; those kept are the first by work id
    # whatever order the works were added in.
    works = [WorkEntry(f"S{i:03d}", "Moonlight Serenade", (), (f"Writer {i}",)) for i in range(100)]
    if order == "reversed":
        works.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(works)
    result = WorkIndex(works).identify(Query("Moonlite Serenade", ("Nobody Known",)))
    assert [c.work_id for c in result.candidates] == [f"S{i:03d}" for i in range(20)]
    assert result.decision == NONE  # a weak title alone


def test_a_reading_never_depends_on_an_index_built_before() -> None:
    # "明日" and "日本" learned while another works set was indexed must not change how this index
    # reads "明日香" (asuka, not "ashita" + "kaori") or "日本橋" (nihonbashi), nor how it reads a
    # line: each index reads with what it learned from its own works.
    WorkIndex([WorkEntry("A1", "明日", (), ("佐藤 一郎",)), WorkEntry("A2", "日本", (), ("佐藤 一郎",))])
    works = [WorkEntry("B1", "明日香", (), ("山田 太郎",)), WorkEntry("B2", "日本橋", (), ("鈴木 花子",))]
    index = WorkIndex(works)
    assert index.phon_keys == [("asuka",), ("nihonbasi",)]
    result = index.identify(Query("あすか", ("山田 太郎",)))
    assert (result.work_id, result.decision) == ("B1", AUTO)


@settings(max_examples=100, deadline=None)
@given(_works_and_query(), st.sampled_from(["Lemon", "Lemmon", "夜に駆ける", "Tokyo Love", "さくら 海", ""]))
def test_title_scores_in_bulk_equal_the_one_by_one_scores(case: tuple[list[WorkEntry], Query], title: str) -> None:
    """The title scores of many candidates at once (two ``cdist`` calls) are those of the scorer
    of one work at a time, whatever the number of works compared."""
    works, query = case
    index = WorkIndex([*works, *WORKS])
    for line_title in (query.title, title):
        text, phon = text_key(line_title), phonetic_key(line_title)
        everyone = list(range(len(index)))
        in_bulk = index._score_titles(everyone, text, phon)
        assert {i: in_bulk[i] for i in everyone} == {i: index._title_score(i, text, phon) for i in everyone}


@given(st.lists(st.lists(st.integers(0, 100), max_size=3), min_size=1, max_size=8), st.data())
def test_the_best_ratio_per_work_is_that_of_maximum_at(keys: list[list[int]], data: st.DataObject) -> None:
    counts = [len(k) for k in keys]
    ratios = np.asarray([float(r) for k in keys for r in k], dtype=np.float64)
    start = np.asarray(data.draw(st.lists(st.integers(0, 100), min_size=len(keys), max_size=len(keys))), dtype=float)
    expected = start.copy()
    np.maximum.at(expected, np.repeat(np.arange(len(counts)), counts), ratios)
    got = start.copy()
    _maximum_per_work(got, ratios, counts)
    assert got.tolist() == expected.tolist()


@settings(max_examples=100, deadline=None)
@given(
    _works_and_query(),
    st.lists(st.sampled_from(["Lemon", "Lemmon", "夜に駆ける", "Tokyo Love", "さくら 海", "", "海"]), min_size=1),
    st.data(),
)
def test_title_scores_of_pairs_equal_the_one_by_one_scores(
    case: tuple[list[WorkEntry], Query], titles: list[str], data: st.DataObject
) -> None:
    """The title scores of (line, work) pairs scored all at once, works without keys and works
    named twice included, are those of the scorer of one work at a time."""
    works, query = case
    index = WorkIndex([*works, *WORKS, WorkEntry("X1", "")])
    titles = [query.title, *titles]
    texts = np.asarray([text_key(t) for t in titles], dtype=object)
    phons = np.asarray([phonetic_key(t) for t in titles], dtype=object)
    pairs = data.draw(st.lists(st.tuples(st.integers(0, len(titles) - 1), st.integers(0, len(index) - 1))))
    lines = np.asarray([line for line, _ in pairs], dtype=np.int64)
    chosen = np.asarray([work for _, work in pairs], dtype=np.int64)
    got = index._pair_title_scores(texts, phons, lines, chosen).tolist()
    assert got == [index._title_score(work, texts[line], phons[line]) for line, work in pairs]


@settings(max_examples=60, deadline=None)
@given(st.lists(_works_and_query(), min_size=1, max_size=4))
def test_lines_scored_in_batches_get_the_results_of_lines_scored_alone(
    cases: list[tuple[list[WorkEntry], Query]],
) -> None:
    """Whether a line's candidates are scored and ranked with other lines' or alone, its result
    is the same (reversed titles with a letter more and without a code make the trigram search run)."""
    works = cases[0][0]
    queries = [q for _, q in cases]
    queries += [q._replace(title=q.title[::-1] + "x", work_code="") for q in queries]
    index = WorkIndex(works)
    together = index._identify_rest(queries)
    alone = [WorkIndex(works).identify(q) for q in queries]
    assert together == alone
    assert WorkIndex(works).identify_many(queries) == alone


@settings(max_examples=100, deadline=None)
@given(_works_and_query(), st.data())
def test_ranking_many_lines_at_once_equals_ranking_each(
    case: tuple[list[WorkEntry], Query], data: st.DataObject
) -> None:
    """The candidates of lines ranked together as arrays are those :meth:`WorkIndex._rank` gives
    each line: scores, rounding, ties by work id, the close spellings of names for the ten
    closest titles, the first 20 kept."""
    works, _ = case
    index = WorkIndex([*works, *WORKS])
    titles = st.sampled_from(["Lemon", "Lemmon", "夜に駆ける", "Tokyo Love", "さくら 海", "海", "Love Song", "夜"])
    names = st.lists(st.sampled_from([*_NAMES, "Ayase", "米津玄師", "Yonezu Kenshi"]), max_size=3).map(tuple)
    lines = []
    for _ in range(data.draw(st.integers(1, 4))):
        query = Query(data.draw(titles), data.draw(names))
        text, phon = text_key(query.title), phonetic_key(query.title)
        keyed, tokens = index._names(query)
        pool = set(data.draw(st.lists(st.integers(0, len(index) - 1), max_size=len(index), unique=True)))
        exact = set(index.by_text.get(text, ())) | set(index.by_phon.get(phon, ()))
        lines.append(_Line(text, phon, keyed, tokens, exact, pool, "", False))
    line_of = np.asarray([k for k, line in enumerate(lines) for _ in line.pool], dtype=np.int64)
    chosen = np.asarray([w for line in lines for w in line.pool], dtype=np.int64)
    texts = np.asarray([line.text for line in lines], dtype=object)
    phons = np.asarray([line.phon for line in lines], dtype=object)
    scores = index._pair_title_scores(texts, phons, line_of, chosen)
    together = index._rank_many(lines, line_of, chosen, scores)
    for line, ranked in zip(lines, together, strict=True):
        alone = index._rank(line.pool, line.text, line.phon, line.names, line.tokens, strong=len(line.exact))[0]
        assert ranked == (alone if line.pool else [])


def test_close_spellings_of_names_count_for_the_ten_closest_titles_in_a_batch() -> None:
    # 15 works of one title by a close spelling of the line's writer: the ten first by work id
    # get the close spelling's 0.75, the others none, whether ranked alone or in a batch.
    works = [WorkEntry(f"C{i:02d}", "Moonlight Serenade", (), ("Jon Lenon",)) for i in range(15)]
    index = WorkIndex(works)
    query = Query("Moonlight Serenade", ("John Lennon",))
    text, phon = text_key(query.title), phonetic_key(query.title)
    names, tokens = index._names(query)
    pool = set(range(15))
    line = _Line(text, phon, names, tokens, pool, pool, "", False)
    line_of = np.zeros(15, dtype=np.int64)
    chosen = np.arange(15, dtype=np.int64)
    scores = index._pair_title_scores(
        np.asarray([text], dtype=object), np.asarray([phon], dtype=object), line_of, chosen
    )
    (ranked,) = index._rank_many([line], line_of, chosen, scores)
    assert ranked == index._rank(pool, text, phon, names, tokens, strong=15)[0]
    assert [c.creator_score for c in ranked] == [0.75] * 10 + [0.0] * 5
    assert [c.work_id for c in ranked[:10]] == [f"C{i:02d}" for i in range(10)]


def _closest_by_rule(index: WorkIndex, block_key: str, phon: str) -> frozenset[int]:
    """A writer's closest titles by their rule: ``process.extract`` with ``fuzz.ratio`` over the
    first reading keys of the writer's works (a score of 60 or more, the first 50 by score, ties
    by place), then at most ten of those, the best first, ties by work id."""
    block = index.by_name[block_key]
    choices = [index.phon_keys[i][0] if index.phon_keys[i] else "" for i in block]
    kept = process.extract(phon, choices, scorer=fuzz.ratio, limit=50, score_cutoff=60)
    if len(kept) > 10:
        kept = sorted(kept, key=lambda k: (-k[1], index.ids[block[k[2]]]))[:10]
    return frozenset(block[place] for _, _, place in kept)


def test_closest_titles_of_readings_longer_than_sixty_four_letters_follow_the_rule() -> None:
    rng = random.Random(7)
    words = ["sakura", "yume", "hanabi", "tokyo", "natsu", "kaze", "umi", "sora", "hikari", "namida"]

    def title(count: int) -> str:
        return " ".join(rng.choice(words) for _ in range(count))

    works = [WorkEntry(f"L{i:03d}", title(rng.randint(2, 16)), (), ("Kei Ota",)) for i in range(120)]
    index = WorkIndex(works)
    block_key = name_block_key("Kei Ota")
    asked = [phonetic_key(title(count)) for count in (3, 12, 14, 16, 20)]
    assert max(map(len, asked)) > 64 and any(len(index.phon_keys[i][0]) > 64 for i in range(120))
    index._find_closest({block_key: dict.fromkeys(asked)})
    for phon in asked:
        assert index._closest[(block_key, phon, 10)] == _closest_by_rule(index, block_key, phon)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join), min_size=1, max_size=40),
    st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join), min_size=1, max_size=6),
)
def test_closest_titles_found_for_many_readings_at_once_are_those_found_one_by_one(
    titles: list[str], asked: list[str]
) -> None:
    """A writer's closest titles, found for several readings in one compiled pass, are those of
    the rule: ``process.extract`` with ``fuzz.ratio`` (a score of 60 or more, the first 50 by
    score, ties by place), then at most ten, the best first, ties by work id (the works' ids are
    not in their order); and those found for one reading alone."""
    works = [WorkEntry(f"T{i * 17 % 41:03d}", title, (), ("山田 太郎",)) for i, title in enumerate(titles)]
    index = WorkIndex(works)
    block_key = name_block_key("山田 太郎")
    readings = {phonetic_key(title): None for title in asked if phonetic_key(title)}
    index._find_closest({block_key: readings, "nobody": readings})
    for phon in readings:
        expected = _closest_by_rule(index, block_key, phon)
        assert index._closest[(block_key, phon, 10)] == expected
        alone = WorkIndex(works)
        assert alone._closest_titles(block_key, phon) == expected
    assert not any(key[0] == "nobody" for key in index._closest)


def test_closest_titles_keep_the_first_fifty_by_score_then_place_before_the_ten_by_work_id() -> None:
    # 60 works of the same reading (all at 100): process.extract keeps the first 50 by place, and
    # of those the ten with the lowest work ids (places 40 to 49), not the ten lowest of all (the
    # last ten places, which it left out).
    works = [WorkEntry(f"W{(59 - i) if i < 50 else i - 50:03d}", "Sakura Yume", (), ("Kei Ota",)) for i in range(60)]
    index = WorkIndex(works)
    found = index._closest_titles(name_block_key("Kei Ota"), phonetic_key("Sakura Yume"))
    assert sorted(index.ids[i] for i in found) == [f"W{k:03d}" for k in range(10, 20)]
    assert found == frozenset(range(40, 50))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(0.0, 1.0),
            st.builds(lambda t, c: 0.5 * t + 0.5 * c, st.floats(0.0, 1.0), st.floats(0.0, 1.0)),
            st.builds(lambda r: (r / 100.0) * (r / 100.0) * 0.95, st.integers(0, 100).map(float)),
            st.sampled_from([0.0, 0.00005, 0.12345, 0.12355, 0.5, 0.75, 0.93, 0.97, 1.0, 2.675, 1.00005]),
            st.builds(lambda k: (k + 0.5) / 10_000, st.integers(0, 10_000)),  # half-steps, as near as doubles go
            st.builds(lambda k, d: (k + 0.5) / 10_000 + d, st.integers(0, 10_000), st.sampled_from([-1e-12, 1e-12])),
        ),
        max_size=60,
    )
)
def test_values_rounded_as_arrays_are_those_of_round(values: list[float]) -> None:
    """The scores rounded for many pairs at once are ``round(x, 4)`` of each, to the last digit,
    half-steps and values next to them included."""
    got = _rounded(np.asarray(values, dtype=np.float64)).tolist()
    assert [repr(v) for v in got] == [repr(round(v, 4)) for v in values]


@pytest.mark.parametrize("order", ["work id", "reversed", "shuffled"])
def test_a_title_of_many_works_ranks_its_first_twenty_by_work_id(order: str) -> None:
    # 30 works of one title and 10 of its reading's other spelling: a line of that title without
    # names ranks the first 20 of the 40 by work id (the same score), whatever order the works
    # were added in.
    works = [WorkEntry(f"S{i:03d}", "さくら" if i % 4 else "サクラ", (), (f"Writer {i}",)) for i in range(40)]
    works += [WorkEntry(f"U{i:03d}", f"Other title {i}", (), (f"Writer {i}",)) for i in range(10)]
    if order == "reversed":
        works.reverse()
    elif order == "shuffled":
        random.Random(11).shuffle(works)
    index = WorkIndex(works)
    query = Query("さくら")
    first = [f"S{i:03d}" for i in range(20)]
    for result in (index.identify(query), index.identify_many([query])[0]):
        assert [c.work_id for c in result.candidates] == first
    text = text_key(query.title)
    exact, chosen = index._exact_works(text, index.by_text[text], phonetic_key(query.title))
    ids = index.ids
    assert exact == set(index.by_text[text]) | set(index.by_phon[phonetic_key(query.title)])
    assert chosen == set(sorted(exact, key=ids.__getitem__)[:20])


@st.composite
def _works_of_one_title(draw: st.DrawFn) -> tuple[list[WorkEntry], list[Query]]:
    """Works of one common title (more than _MANY_WORKS of them, or fewer), their writers and
    performers from small pools, and lines of that title naming some of them."""
    writers = ["山田 太郎", "鈴木 花子", "John Lennon", "Mary Smith"]
    performers = [f"{family} {given}" for family in ("佐藤", "高橋", "田中") for given in ("次郎", "陽子", "翼")]
    performers += ["YOASOBI", "The Blue Notes", "LiSA"]
    count = draw(st.integers(2, 40))
    works = [
        WorkEntry(
            f"P{i:03d}",
            draw(st.sampled_from(["さくら", "サクラ", "桜"])),
            (),
            tuple(draw(st.lists(st.sampled_from(writers), min_size=1, max_size=2, unique=True))),
            performers=tuple(draw(st.lists(st.sampled_from(performers), max_size=2, unique=True))),
        )
        for i in range(count)
    ]
    # a writer beside a performer, a performer in the other order, a name nobody has
    others = [*performers, "次郎 佐藤", "Nobody Known"]
    names = st.tuples(st.sampled_from(["", *writers]), st.sampled_from(others)).map(lambda p: tuple(n for n in p if n))
    queries = [Query(draw(st.sampled_from(["さくら", "サクラ"])), draw(names)) for _ in range(8)]
    return works, queries


@settings(max_examples=150, deadline=None)
@given(_works_of_one_title())
def test_the_performer_rule_on_a_title_of_many_works_is_the_rule_work_by_work(
    case: tuple[list[WorkEntry], list[Query]],
) -> None:
    """The performer rule on the works of a title of many works, from their keys gathered once per
    title, decides as the rule applied to each work of the title."""
    works, queries = case
    gathered = WorkIndex(works).identify_many(queries)
    with mock.patch.object(engine, "_MANY_WORKS", 1 << 30):  # every title work by work
        by_work = WorkIndex(works).identify_many(queries)
    assert gathered == by_work


@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 49), st.integers(0, 10_000)), max_size=12, unique_by=lambda p: p[0]),
        max_size=8,
    ),
    st.booleans(),
)
def test_pairs_are_ordered_by_line_then_score_then_rank(lines: list[list[tuple[int, int]]], wide: bool) -> None:
    """The pairs' order is lexsort's by line, then score (best first), then the work's rank in
    work id order, for scores rounded to 4 decimals (the 64-bit key), and for keys too wide for one
    integer (lexsort itself)."""
    rank = np.random.default_rng(7).permutation(50)
    line_of = np.asarray([k for k, pairs in enumerate(lines) for _ in pairs], dtype=np.int64)
    works = np.asarray([w for pairs in lines for w, _ in pairs], dtype=np.int64)
    scores = _rounded(np.asarray([s / 10_000 for pairs in lines for _, s in pairs], dtype=np.float64))
    expected = np.lexsort((rank[works], -scores, line_of))
    works_counted = 1 << 60 if wide else len(rank)
    assert _by_line_score_and_rank(line_of, scores, rank[works], works_counted).tolist() == expected.tolist()


def test_closest_titles_keep_a_ratio_of_sixty_and_leave_one_just_under() -> None:
    line = "abcdeghikmnpq"
    at_sixty, under = "abcdegz", "abcdeghiwxyzrt"  # 12 / 20 and 16 / 27 of the letters in common
    assert fuzz.ratio(phonetic_key(line), phonetic_key(at_sixty)) == 60.0
    assert 59.0 < fuzz.ratio(phonetic_key(line), phonetic_key(under)) < 60.0
    index = WorkIndex([WorkEntry("W1", at_sixty, (), ("Kei Ota",)), WorkEntry("W2", under, (), ("Kei Ota",))])
    assert index._closest_titles(name_block_key("Kei Ota"), phonetic_key(line)) == frozenset({0})
