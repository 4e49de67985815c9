"""Identification of reported lines against the works database (楽曲の特定).

Order of evidence: the society's work code, then ISWC, then ISRC, then title and author names
after normalisation (:mod:`bunpai.identify.normalise`). Candidates come from a blocking index —
exact text keys, exact reading keys and, only when those do not settle a line, the postings of the
reading key's character trigrams (rarest first) — so a line is compared with a few dozen works,
never with all of them.

Each candidate gets a score in [0, 1] from its title similarity and its author-name agreement; a
line is decided

* ``auto`` when the best score reaches :attr:`Thresholds.auto` and beats the next work by
  :attr:`Thresholds.margin`,
* ``review`` (the manual queue, best candidate first) when it reaches :attr:`Thresholds.review`,
* ``none`` otherwise.

The same title by other writers never gives ``auto`` on the title alone: without agreeing names
a title match scores at most 0.55 (or 0.9 × title when the line names nobody and the title is
unique in the database).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from bunpai.identify.normalise import name_block_key, name_keys, name_tokens, phonetic_key, text_key

AUTO = "auto"
REVIEW = "review"
NONE = "none"

_ALPHABET = 37  # 0 = separator, 1..26 = a..z, 27..36 = 0..9
_CODES = np.zeros(256, dtype=np.int32)
for _i, _c in enumerate("abcdefghijklmnopqrstuvwxyz0123456789", start=1):
    _CODES[ord(_c)] = _i


@dataclass(frozen=True)
class Thresholds:
    auto: float = 0.9
    review: float = 0.5
    margin: float = 0.05
    max_candidates: int = 20


@dataclass(frozen=True)
class WorkEntry:
    """A work as the identification sees it."""

    work_id: str
    title: str
    alt_titles: tuple[str, ...] = ()
    creators: tuple[str, ...] = ()
    iswc: str = ""
    isrcs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    """What a reported line says about its work."""

    title: str
    creators: tuple[str, ...] = ()
    work_code: str = ""
    iswc: str = ""
    isrc: str = ""


@dataclass(frozen=True)
class Candidate:
    work_id: str
    score: float
    title_score: float
    creator_score: float | None


@dataclass(frozen=True)
class Result:
    decision: str
    work_id: str | None
    score: float
    method: str
    candidates: tuple[Candidate, ...] = field(default=())


def _trigram_ids(key: str) -> np.ndarray:
    codes = _CODES[np.frombuffer(key.encode("ascii", "ignore"), dtype=np.uint8)]
    if codes.size < 3:
        return np.zeros(0, dtype=np.int32)
    grams = codes[:-2] * (_ALPHABET * _ALPHABET) + codes[1:-1] * _ALPHABET + codes[2:]
    ok = (codes[:-2] > 0) & (codes[1:-1] > 0) & (codes[2:] > 0)
    return np.unique(grams[ok])


class WorkIndex:
    """The blocking index of a works set; built once, queried per distinct line."""

    def __init__(self, works: Iterable[WorkEntry], thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self.ids: list[str] = []
        self.text_keys: list[tuple[str, ...]] = []
        self.phon_keys: list[tuple[str, ...]] = []
        self.names: list[tuple[tuple[str, ...], ...]] = []
        self.tokens: list[tuple[tuple[str, ...], ...]] = []
        self.name_sets: list[frozenset[str]] = []
        self._name_set_cache: dict[tuple[str, ...], frozenset[str]] = {}
        self.by_code: dict[str, int] = {}
        self.by_iswc: dict[str, list[int]] = {}
        self.by_isrc: dict[str, list[int]] = {}
        self.by_text: dict[str, list[int]] = {}
        self.by_phon: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        self._block_readings: dict[str, list[str]] = {}
        self._rank_of_id: np.ndarray | None = None
        for index, work in enumerate(works):
            self._add(index, work)
        self._build_postings()

    def __len__(self) -> int:
        return len(self.ids)

    def _add(self, index: int, work: WorkEntry) -> None:
        self.ids.append(work.work_id)
        self.by_code[work.work_id] = index
        titles = (work.title, *work.alt_titles)
        texts = tuple(dict.fromkeys(k for k in map(text_key, titles) if k))
        phons = tuple(dict.fromkeys(k for k in map(phonetic_key, titles) if k))
        self.text_keys.append(texts)
        self.phon_keys.append(phons)
        self.names.append(tuple(k for k in map(name_keys, work.creators) if k))
        self.tokens.append(tuple(map(name_tokens, work.creators)))
        name_set = self._name_set_cache.get(work.creators)
        if name_set is None:
            name_set = frozenset(k for keys in self.names[-1] for k in keys)
            if len(self._name_set_cache) < 1_000_000:
                self._name_set_cache[work.creators] = name_set
        self.name_sets.append(name_set)
        for key in {name_block_key(c) for c in work.creators}:
            if key:
                self.by_name.setdefault(key, []).append(index)
        if work.iswc:
            self.by_iswc.setdefault(work.iswc, []).append(index)
        for isrc in work.isrcs:
            self.by_isrc.setdefault(isrc, []).append(index)
        for key in texts:
            self.by_text.setdefault(key, []).append(index)
        for key in phons:
            self.by_phon.setdefault(key, []).append(index)

    def _build_postings(self) -> None:
        """Trigram postings of the reading keys as one sorted array with offsets (CSR)."""
        keys: list[str] = []
        owners: list[int] = []
        for index, phons in enumerate(self.phon_keys):
            for key in phons:
                keys.append(key)
                owners.append(index)
        size = _ALPHABET**3
        if not keys:
            self.offsets = np.zeros(size + 1, dtype=np.int64)
            self.postings = np.zeros(0, dtype=np.int32)
            return
        text = "\0".join(keys).encode("ascii", "ignore")
        codes = _CODES[np.frombuffer(text, dtype=np.uint8)]
        lengths = np.fromiter((len(k.encode("ascii", "ignore")) + 1 for k in keys), dtype=np.int64, count=len(keys))
        owner = np.repeat(np.asarray(owners, dtype=np.int64), lengths)[: codes.size]
        grams = codes[:-2] * (_ALPHABET * _ALPHABET) + codes[1:-1] * _ALPHABET + codes[2:]
        ok = (codes[:-2] > 0) & (codes[1:-1] > 0) & (codes[2:] > 0)
        pairs = np.unique(grams[ok].astype(np.int64) * (1 << 32) + owner[:-2][ok])
        gram_of = (pairs >> 32).astype(np.int64)
        self.postings = (pairs & 0xFFFFFFFF).astype(np.int32)
        self.offsets = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(gram_of, minlength=size), out=self.offsets[1:])

    # ---------------------------------------------------------------------------- candidates
    def _trigram_candidates(self, key: str, limit: int) -> list[int]:
        grams = _trigram_ids(key)
        if grams.size == 0:
            return []
        starts = self.offsets[grams]
        sizes = self.offsets[grams + 1] - starts
        order = np.argsort(sizes, kind="stable")
        chosen: list[np.ndarray] = []
        budget = 6_000
        used = 0
        for g in order[:8]:
            n = int(sizes[g])
            if n == 0:
                used += 1
                continue
            if chosen and n > budget:
                break
            chosen.append(self.postings[starts[g] : starts[g] + n])
            budget -= n
            used += 1
        if not chosen:
            return []
        hits, counts = np.unique(np.concatenate(chosen), return_counts=True)
        need = max(1, int(used * 0.4))
        keep = counts >= need
        hits, counts = hits[keep], counts[keep]
        if hits.size > limit:
            # Ties are broken by work id, never by position in the index: the same works in
            # another order give the same candidates.
            top = np.lexsort((self._id_rank()[hits], -counts))[:limit]
            hits = hits[top]
        return [int(h) for h in hits]

    def _id_rank(self) -> np.ndarray:
        """Each work's rank in the order of work ids (made on first use)."""
        if self._rank_of_id is None:
            order = np.argsort(np.asarray(self.ids, dtype=object), kind="stable")
            rank = np.empty(len(self.ids), dtype=np.int64)
            rank[order] = np.arange(len(self.ids))
            self._rank_of_id = rank
        return self._rank_of_id

    # ------------------------------------------------------------------------------- scoring
    def _title_score(self, index: int, text: str, phon: str) -> float:
        if text and text in self.text_keys[index]:
            return 1.0
        if phon and phon in self.phon_keys[index]:
            return 0.97
        best = 0.0
        for key in self.phon_keys[index]:
            best = max(best, fuzz.ratio(phon, key) / 100.0)
        for key in self.text_keys[index]:
            best = max(best, fuzz.ratio(text, key) / 100.0)
        # Squared: one typo in a long title stays close, another word in a title template does not.
        return best * best * 0.95

    def _creator_score(
        self,
        index: int,
        names: Sequence[tuple[str, ...]],
        fuzzy: bool = True,
        tokens: Sequence[tuple[str, ...]] = (),
    ) -> float | None:
        """Share of the line's names found among the work's writers.

        A name counts 1 when a key agrees exactly (any order, any script), 0.75 when it is a close
        spelling (every word close, or the whole name very close: a typo or another reading), else 0.
        """
        if not names:
            return None
        if not self.names[index]:
            return 0.0
        name_set = self.name_sets[index]
        total = 0.0
        for position, keys in enumerate(names):
            if not name_set.isdisjoint(keys):
                total += 1.0
            elif fuzzy and self._close_name(index, keys, tokens[position] if position < len(tokens) else ()):
                total += 0.75
        return total / len(names)

    def _close_name(self, index: int, keys: tuple[str, ...], words: tuple[str, ...]) -> bool:
        for other_words in self.tokens[index]:
            if len(words) == 2 and len(other_words) == 2:
                straight = min(fuzz.ratio(words[0], other_words[0]), fuzz.ratio(words[1], other_words[1]))
                crossed = min(fuzz.ratio(words[0], other_words[1]), fuzz.ratio(words[1], other_words[0]))
                if max(straight, crossed) >= 75:
                    return True
        for other in self.names[index]:
            for a in keys:
                for b in other:
                    if fuzz.ratio(a, b) >= 88:
                        return True
        return False

    def _score(self, title_score: float, creator_score: float | None, unique_title: bool) -> float:
        if creator_score is None:
            return round(title_score * (0.93 if unique_title else 0.75), 4)
        return round(0.5 * title_score + 0.5 * creator_score, 4)

    # ------------------------------------------------------------------------------ identify
    def identify(self, query: Query) -> Result:
        th = self.thresholds
        text = text_key(query.title) if query.title else ""
        text_hits = self.by_text.get(text, ()) if text else ()
        conflict = ""
        named: set[int] = set()
        for method, found in (
            ("work_code", [self.by_code[query.work_code]] if query.work_code in self.by_code else []),
            ("iswc", self.by_iswc.get(query.iswc, []) if query.iswc else []),
            ("isrc", self.by_isrc.get(query.isrc, []) if query.isrc else []),
        ):
            if len(found) == 1:
                index = found[0]
                if not text:
                    title_score, agrees = 1.0, True
                else:
                    title_score = self._title_score(index, text, phonetic_key(query.title))
                    agrees = title_score >= 0.85
                    if not agrees and title_score >= 0.6:
                        names, tokens = self._names(query)
                        agrees = (self._creator_score(index, names, tokens=tokens) or 0.0) >= 0.5
                if agrees:
                    candidate = Candidate(self.ids[index], 1.0, title_score, None)
                    return Result(AUTO, self.ids[index], 1.0, method, (candidate,))
                conflict = conflict or method  # the code names a work whose title does not agree
                named.add(index)
        names, tokens = self._names(query)
        if names and text_hits:
            # Works with this title and at least one of the line's names, found without scoring
            # the other works of the same title one by one (and without reading the title).
            line_keys = {k for keys in names for k in keys}
            sets = self.name_sets
            both = {i for i in text_hits if not sets[i].isdisjoint(line_keys)}
            if both:
                candidates = self._rank(both, text, "", names, tokens, strong=len(text_hits))
                if candidates[0].score >= th.auto:
                    return self._decide(candidates, conflict)
        phon = phonetic_key(query.title) if query.title else ""
        exact = set(text_hits) | set(self.by_phon.get(phon, ()))
        ids = self.ids
        pool = (exact if len(exact) <= 20 else set(sorted(exact, key=ids.__getitem__)[:20])) | named
        if names and phon:
            for creator in query.creators:
                pool |= self._closest_titles(name_block_key(creator), phon)
        candidates = self._rank(pool, text, phon, names, tokens, strong=len(exact)) if pool else []
        close = any(c.title_score >= 0.7 for c in candidates)
        if not exact and not close and (not candidates or candidates[0].score < th.auto):
            more = set(self._trigram_candidates(phon, th.max_candidates * 2)) - pool
            if more:
                candidates = self._rank(pool | more, text, phon, names, tokens)
        return self._decide(candidates, conflict)

    @staticmethod
    def _names(query: Query) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
        keyed = [(name_keys(c), c) for c in query.creators]
        return tuple(k for k, _ in keyed if k), tuple(name_tokens(c) for k, c in keyed if k)

    def _closest_titles(self, block_key: str, phon: str, limit: int = 10) -> set[int]:
        """Among the works of one writer (name postings), those with the closest reading keys."""
        block = self.by_name.get(block_key)
        if not block or len(block) > 5000:
            return set()
        choices = self._block_readings.get(block_key)
        if choices is None:
            choices = [self.phon_keys[i][0] if self.phon_keys[i] else "" for i in block]
            self._block_readings[block_key] = choices
        found = process.extract(phon, choices, scorer=fuzz.ratio, limit=limit * 5, score_cutoff=60)
        ids = self.ids
        ranked = sorted(found, key=lambda f: (-f[1], ids[block[f[2]]]))
        return {block[position] for _, _, position in ranked[:limit]}

    def _decide(self, candidates: list[Candidate], conflict: str) -> Result:
        th = self.thresholds
        candidates = candidates[: th.max_candidates]
        if not candidates:
            return Result(NONE, None, 0.0, "title")
        best = candidates[0]
        second = candidates[1].score if len(candidates) > 1 else 0.0
        # A code that names another work blocks an automatic decision unless title and every
        # name agree exactly with the work found (a mistyped code).
        if best.score >= th.auto and best.score - second >= th.margin and (not conflict or best.score >= 0.97):
            decision = AUTO
        elif best.score >= th.review or conflict:
            decision = REVIEW
        else:
            return Result(NONE, None, best.score, "title", tuple(candidates))
        return Result(
            decision, best.work_id, best.score, "title" if decision == AUTO else conflict or "title", tuple(candidates)
        )

    def _rank(
        self,
        indices: Iterable[int],
        text: str,
        phon: str,
        names: Sequence[tuple[str, ...]],
        tokens: Sequence[tuple[str, ...]],
        strong: int | None = None,
    ) -> list[Candidate]:
        scored = [(i, self._title_score(i, text, phon)) for i in indices]
        if strong is None:
            strong = sum(1 for _, t in scored if t >= 0.97)
        # A work whose title and every name agree exactly settles the ranking: the others are
        # scored on exact names only (fuzzy name comparisons are the expensive part).
        settled = any(t >= 0.97 and self._creator_score(i, names, fuzzy=False) == 1.0 for i, t in scored)
        # Close spellings of names matter only beside a close title (they cannot make a weak
        # title automatic), so they are compared only there, for the ten closest titles.
        closest = {i for i, _ in sorted(scored, key=lambda p: (-p[1], self.ids[p[0]]))[:10]}
        out = []
        for index, title_score in scored:
            fuzzy = not settled and title_score >= 0.9 and index in closest
            creator_score = self._creator_score(index, names, fuzzy=fuzzy, tokens=tokens)
            unique = strong == 1 and title_score >= 0.97
            score = self._score(title_score, creator_score, unique)
            out.append(
                Candidate(
                    self.ids[index],
                    score,
                    round(title_score, 4),
                    None if creator_score is None else round(creator_score, 4),
                )
            )
        out.sort(key=lambda c: (-c.score, c.work_id))
        return out

    def identify_many(self, queries: Sequence[Query]) -> list[Result]:
        """Identify every line; identical lines are identified once."""
        seen: dict[Query, Result] = {}
        return [seen[q] if q in seen else seen.setdefault(q, self.identify(q)) for q in queries]
