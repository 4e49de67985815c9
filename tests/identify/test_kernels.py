"""The compiled loops against plain Python: the trigram search on indexes of generated reading
keys, the exact name scores, and the title ratios against ``rapidfuzz``; and that an index loads
every loop identification calls, with the types it passes, before any line is identified."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from bunpai.identify import kernels
from bunpai.identify.engine import _ALPHABET, _CODES, _code_points, _key_records

_LETTERS = "ab1"  # few letters: keys share most trigrams, and many postings pass the budget


def _grams(key: str) -> list[int]:
    codes = [int(_CODES[b]) for b in key.encode("ascii", "ignore")]
    return sorted(
        {
            (a * _ALPHABET + b) * _ALPHABET + c
            for a, b, c in zip(codes, codes[1:], codes[2:], strict=False)
            if a and b and c
        }
    )


def _postings(keys: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    owners: dict[int, set[int]] = {}
    for work, work_keys in enumerate(keys):
        for key in work_keys:
            for gram in _grams(key):
                owners.setdefault(gram, set()).add(work)
    size = _ALPHABET**3
    offsets = np.zeros(size + 1, dtype=np.int64)
    postings: list[int] = []
    for gram in range(size):
        postings.extend(sorted(owners.get(gram, ())))
        offsets[gram + 1] = len(postings)
    return offsets, np.asarray(postings, dtype=np.int32)


def _expected(
    key: str, offsets: np.ndarray, postings: np.ndarray, rank: list[int], limit: int, rarest: int, budget: int
) -> list[int]:
    """The rule, one step after another in plain Python."""
    grams = _grams(key)
    lists = [postings[offsets[g] : offsets[g + 1]].tolist() for g in grams]
    order = sorted(range(len(grams)), key=lambda i: (len(lists[i]), grams[i]))[:rarest]
    used = 0
    chosen: list[list[int]] = []
    for i in order:
        if not lists[i]:
            used += 1
            continue
        if chosen and len(lists[i]) > budget:
            break
        chosen.append(lists[i])
        budget -= len(lists[i])
        used += 1
    counts = Counter(work for works in chosen for work in works)
    need = max(1, int(used * 0.4))
    kept = [work for work, count in counts.items() if count >= need]
    if len(kept) <= limit:
        return sorted(kept)
    return sorted(kept, key=lambda work: (-counts[work], rank[work]))[:limit]


def _bits(works: int) -> np.ndarray:
    """A search's scratch of a bit a work, all zero."""
    return np.zeros((works + 63) // 64, dtype=np.uint64)


@st.composite
def searches(draw: st.DrawFn) -> tuple[list[list[str]], str, list[int], int, int, int]:
    key_text = st.text(alphabet=_LETTERS, min_size=0, max_size=14) | st.text(alphabet=_LETTERS + " ", max_size=8)
    works = draw(st.lists(st.lists(key_text, min_size=0, max_size=2), min_size=1, max_size=150))
    key = draw(key_text)
    rank = draw(st.permutations(list(range(len(works)))))
    return works, key, list(rank), draw(st.integers(1, 6)), draw(st.integers(1, 9)), draw(st.integers(1, 200))


@settings(max_examples=300, deadline=None)
@given(searches(), st.booleans(), st.sampled_from([np.int32, np.uint8]))
def test_trigram_search_is_the_rule(
    search: tuple[list[list[str]], str, list[int], int, int, int], in_id_order: bool, counter: type
) -> None:
    """With the counter of any integer type that holds ``rarest`` (the engine's is one byte)."""
    works, key, rank, limit, rarest, budget = search
    if in_id_order:
        rank = list(range(len(works)))
    offsets, postings = _postings(works)
    counts = np.zeros(len(works), dtype=counter)
    seen, twice = _bits(len(works)), _bits(len(works))
    touched = np.empty(len(works), dtype=np.int32)
    codes = _CODES[np.frombuffer(key.encode("ascii"), dtype=np.uint8)]
    ranks = np.asarray(rank, dtype=np.int64)
    for _ in range(2):  # the scratch left as it was found serves the next search
        found = kernels.trigram_search(
            codes, offsets, postings, ranks, counts, seen, twice, touched, limit, rarest, budget, in_id_order
        )
        assert found.tolist() == _expected(key, offsets, postings, rank, limit, rarest, budget)
        assert not counts.any() and not seen.any() and not twice.any()


def test_trigram_searches_over_many_works_are_the_rule() -> None:
    """Hundreds of works (many words of the scratch bits), one search after another with the same
    scratch, every kind of floor and limit."""
    rng = random.Random(11)
    works = [["".join(rng.choice("abc1") for _ in range(rng.randint(3, 9)))] for _ in range(700)]
    offsets, postings = _postings(works)
    rank = list(range(len(works)))
    rng.shuffle(rank)
    counts = np.zeros(len(works), dtype=np.uint8)
    seen, twice = _bits(len(works)), _bits(len(works))
    touched = np.empty(len(works), dtype=np.int32)
    ranks = np.asarray(rank, dtype=np.int64)
    for _ in range(100):
        keys = ["".join(rng.choice("abc1 ") for _ in range(rng.randint(0, 12))) for _ in range(3)]
        limit, rarest, budget = rng.choice([1, 5, 40, 400]), rng.randint(1, 9), rng.choice([50, 400, 6_000])
        expected = [_expected(key, offsets, postings, rank, limit, rarest, budget) for key in keys]
        for key, works in zip(keys, expected, strict=True):
            codes = _CODES[np.frombuffer(key.encode("ascii"), dtype=np.uint8)]
            found = kernels.trigram_search(
                codes, offsets, postings, ranks, counts, seen, twice, touched, limit, rarest, budget, False
            )
            assert found.tolist() == works
        # the same searches in one call
        codes = _CODES[np.frombuffer("".join(keys).encode("ascii"), dtype=np.uint8)]
        starts = np.cumsum([0, *map(len, keys)]).astype(np.int64)
        hits = np.full((len(keys), limit), -1, dtype=np.int64)
        sizes = np.zeros(len(keys), dtype=np.int64)
        kernels.trigram_searches(
            codes, starts, offsets, postings, ranks, counts, seen, twice, touched, limit, rarest, budget, False,
            hits, sizes,
        )
        assert [row[:size] for row, size in zip(hits.tolist(), sizes.tolist(), strict=True)] == expected
    assert not counts.any() and not seen.any() and not twice.any()


def test_most_shared_trigrams_first_then_work_id_order() -> None:
    # "abcde" has the trigrams abc, bcd and cde: work 2 has all three, work 1 two, works 0, 3
    # and 4 one each, work 5 none.
    works = [["abc"], ["abcd"], ["abcde"], ["cde"], ["bcd"], ["xyz"]]
    offsets, postings = _postings(works)
    counts = np.zeros(len(works), dtype=np.int32)
    seen, twice = _bits(len(works)), _bits(len(works))
    touched = np.empty(len(works), dtype=np.int32)
    codes = _CODES[np.frombuffer(b"abcde", dtype=np.uint8)]

    def search(limit: int, rank: list[int]) -> list[int]:
        found = kernels.trigram_search(
            codes,
            offsets,
            postings,
            np.asarray(rank, dtype=np.int64),
            counts,
            seen,
            twice,
            touched,
            limit,
            8,
            6_000,
            rank == sorted(rank),
        )
        return found.tolist()  # type: ignore[no-any-return]

    in_order = [0, 1, 2, 3, 4, 5]
    assert search(3, in_order) == [2, 1, 0]
    assert search(5, in_order) == [0, 1, 2, 3, 4]  # all of them: by position
    assert search(4, in_order) == [2, 1, 0, 3]
    # work ids in another order: of the works with one trigram, work 4 comes first, then work 3
    assert search(4, [5, 4, 3, 1, 0, 2]) == [2, 1, 4, 3]


@settings(deadline=None)  # the first example may compile the loop
@given(
    st.lists(st.sets(st.integers(0, 12), max_size=6), min_size=1, max_size=8),
    st.lists(st.lists(st.sets(st.integers(0, 15), max_size=4), max_size=3), min_size=1, max_size=6),
    st.data(),
)
def test_exact_name_scores_are_the_share_of_names_found(
    work_keys: list[set[int]], lines: list[list[set[int]]], data: st.DataObject
) -> None:
    """A pair's score is the share of its line's names (each a set of key ids) with a key among
    the work's; the pairs of a line without names are left as they were."""
    pairs = [
        (line, work)
        for line in range(len(lines))
        for work in data.draw(st.lists(st.integers(0, len(work_keys) - 1), max_size=5))
    ]
    name_offsets = np.cumsum([0, *map(len, work_keys)]).astype(np.int64)
    name_keys = np.asarray([k for keys in work_keys for k in sorted(keys)], dtype=np.int32)
    positions = [position for line in lines for position in line]
    position_offsets = np.cumsum([0, *map(len, lines)]).astype(np.int64)
    key_offsets = np.cumsum([0, *map(len, positions)]).astype(np.int64)
    line_keys = np.asarray([k for position in positions for k in sorted(position)], dtype=np.int32)
    scores = np.full(len(pairs), -1.0)
    kernels.exact_name_scores(
        np.asarray([line for line, _ in pairs], dtype=np.int64),
        np.asarray([work for _, work in pairs], dtype=np.int64),
        name_offsets,
        name_keys,
        position_offsets,
        key_offsets,
        line_keys,
        scores,
    )
    expected = [
        sum(1.0 for position in lines[line] if position & work_keys[work]) / len(lines[line]) if lines[line] else -1.0
        for line, work in pairs
    ]
    assert scores.tolist() == expected


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


# Few characters, kana, kanji and one beyond the BMP: keys share many of them; lengths around 64,
# the most one word of bits holds.
_KEY_CHARACTERS = "ab1あア東🎵"
_keys = st.text(alphabet=_KEY_CHARACTERS, max_size=12) | st.text(alphabet=_KEY_CHARACTERS, min_size=60, max_size=70)


@settings(max_examples=400, deadline=None)
@given(_keys, _keys)
def test_indel_ratio_is_fuzz_ratio_to_the_last_bit(a: str, b: str) -> None:
    assert kernels.indel_ratio(_codes(a), _codes(b)) == fuzz.ratio(a, b)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.lists(_keys, max_size=3), st.lists(_keys, max_size=3)), min_size=1, max_size=6),
    st.lists(st.tuples(_keys, _keys), min_size=1, max_size=5),
    st.data(),
)
def test_title_ratios_are_the_best_fuzz_ratio_of_each_pair(
    works: list[tuple[list[str], list[str]]], lines: list[tuple[str, str]], data: st.DataObject
) -> None:
    """Each (line, work) pair, the lines' pairs one after another (a line may come back later),
    gets the best ``fuzz.ratio`` of the line's reading key with the work's reading keys and of its
    text key with the work's text keys, and whether each kind has the line's key; a line's key is
    sometimes one of a work's."""
    phon_keys = [tuple(phons) for phons, _ in works]
    text_keys = [tuple(texts) for _, texts in works]
    for line, (phons, texts) in zip(range(len(lines)), works, strict=False):
        if phons and data.draw(st.booleans()):
            lines[line] = (phons[-1], lines[line][1])
        if texts and data.draw(st.booleans()):
            lines[line] = (lines[line][0], texts[0])
    pairs = data.draw(st.lists(st.tuples(st.integers(0, len(lines) - 1), st.integers(0, len(works) - 1))))
    records, starts = _key_records(phon_keys, text_keys)
    phon_codes, phon_starts = _code_points([phon for phon, _ in lines])
    text_codes, text_starts = _code_points([text for _, text in lines])
    best = np.zeros(len(pairs))
    equal_phon = np.zeros(len(pairs), dtype=bool)
    equal_text = np.zeros(len(pairs), dtype=bool)
    kernels.title_ratios(
        phon_codes,
        phon_starts,
        text_codes,
        text_starts,
        np.asarray([line for line, _ in pairs], dtype=np.int64),
        np.asarray([work for _, work in pairs], dtype=np.int64),
        records,
        starts,
        best,
        equal_phon,
        equal_text,
    )
    expected = [
        max(
            [fuzz.ratio(lines[line][0], key) for key in phon_keys[work]]
            + [fuzz.ratio(lines[line][1], key) for key in text_keys[work]],
            default=0.0,
        )
        for line, work in pairs
    ]
    assert best.tolist() == expected
    assert equal_phon.tolist() == [lines[line][0] in phon_keys[work] for line, work in pairs]
    assert equal_text.tolist() == [lines[line][1] in text_keys[work] for line, work in pairs]


def test_key_records_hold_each_works_keys_as_counts_lengths_and_codes() -> None:
    records, starts = _key_records([("ab", ""), (), ("x",)], [("東",), ("cd", "e"), ()])
    a, b, x, east, c, d, e = (ord(ch) for ch in "abx東cde")
    assert records.tolist() == [2, 2, a, b, 0, 1, 1, east, 0, 2, 2, c, d, 1, e, 1, 1, x, 0]
    assert starts.tolist() == [0, 8, 15, 19]


_COMPILED_BEFORE_AND_AFTER = """
import json, sys
from bunpai.identify import kernels
from bunpai.identify.engine import WorkIndex
sys.path.insert(0, sys.argv[1])
from generated import generated_works_and_lines
works, lines = generated_works_and_lines()
index = WorkIndex(works)
loops = {name: loop for name, loop in vars(kernels).items() if hasattr(loop, "signatures")}
before = {name: list(map(str, loop.signatures)) for name, loop in loops.items()}
index.identify_many(lines)
for line in lines[:300]:
    index.identify(line)
after = {name: list(map(str, loop.signatures)) for name, loop in loops.items()}
print(json.dumps([before, after]))
"""


def test_identification_compiles_no_loop_that_the_index_did_not_load_while_it_was_built() -> None:
    # A loop is compiled (or read from its cache) once per set of argument types, read-only
    # arrays being a type of their own: the index loads each with the types the scorer passes,
    # so that the first lines identified do not wait for it. In a new interpreter: loops other
    # tests compiled would hide one the index missed.
    done = subprocess.run(
        [sys.executable, "-c", _COMPILED_BEFORE_AND_AFTER, str(Path(__file__).resolve().parent)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    before, after = json.loads(done.stdout)
    assert after == before
    # The loops the scorer calls itself are among them, each loaded once.
    for name in ("trigram_search", "trigram_searches", "exact_name_scores", "title_ratios", "closest_titles"):
        assert len(before[name]) == 1, name
