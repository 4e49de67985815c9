"""Matching query peaks against the index (照合).

For every speed hypothesis (every 1 % from ×0.94 to ×1.06) the query's pairs are mapped to the
reference scale and looked up in the sorted key table; each hit votes for a cell of (hypothesis,
recording, offset bin), counted with one ``bincount`` per hypothesis over the index's layout. The
best cells are then verified, on the hits of their recordings only: hits under the neighbouring
hypotheses are fitted with a straight line ``t_ref = speed·t_query + offset`` (started from the
most common alignment near the cell, the slope kept within ``SPEED_SLACK`` of the hypothesis) and
only hits within a frame and a half of it count. A speed between two hypotheses still matches
through both, and the fit finds it. A match needs ``min_score`` such hits in at least
``MIN_SECONDS`` distinct seconds of the query, and must stand out (``z ≥ min_z``) from the hits
along parallel lines at other offsets of the same recording — chance alignments in dense passages
raise those too, true ones do not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bunpai.fingerprint import hashing
from bunpai.fingerprint.index import HashTable, Layout
from bunpai.fingerprint.spectral import FRAMES_PER_SECOND, Peaks

SPEEDS: tuple[float, ...] = tuple(float(s) for s in np.round(np.arange(0.940, 1.0601, 0.01), 4))
SPEED_SLACK = 0.01  # a fitted speed may differ this much from its hypothesis
OFF_BIN = 8
MIN_SCORE = 12
MIN_Z = 8.0
MIN_SPAN_S = 2.0
SPAN_MIN_HITS = 2
SPAN_MAX_GAP_S = 3
MIN_SECONDS = 4
INLIER_FRAMES = 1.5
BACKGROUND_BANDS = 120


@dataclass(frozen=True)
class Match:
    """A recognised recording: index position, alignment and evidence."""

    track: int
    offset_s: float  # reference time aligned with the query's start
    speed: float  # playback speed of the query relative to the reference
    score: int  # verified matching pairs
    query_start_s: float  # first and last verified pair anchors in the query
    query_end_s: float
    seconds: int = 0  # distinct seconds of the query holding verified pairs
    background: float = 0.0  # mean hits in a band of the same width at other offsets
    z: float = 0.0  # (score - background) / spread of the background

    @property
    def match_dur_s(self) -> float:
        return self.query_end_s - self.query_start_s


@dataclass
class _Hits:
    hyp: npt.NDArray[np.int64]
    pair: npt.NDArray[np.int64]
    track: npt.NDArray[np.int64]
    t_ref: npt.NDArray[np.int64]
    t_query: npt.NDArray[np.float64]  # anchor time in query frames (unmapped)


def _expand(
    table: HashTable, keys: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every table entry of ``keys``: (position in ``keys``, position in the table)."""
    valid = np.flatnonzero(keys >= 0)
    lo = table.starts[keys[valid]]
    cnt = table.starts[keys[valid] + 1] - lo
    nz = cnt > 0
    valid, lo, cnt = valid[nz], lo[nz], cnt[nz]
    if valid.size == 0:
        z = np.zeros(0, np.int64)
        return z, z
    ends = np.cumsum(cnt)
    pos = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(lo - (ends - cnt), cnt)
    return np.repeat(valid, cnt), pos


@dataclass
class _Votes:
    """Table entries hit under every hypothesis, and the best (hypothesis, offset cell) vote counts.

    Cells are bins of ``OFF_BIN`` frames of the table's layout (recordings one after another, each
    after a margin for queries that begin before it), so each hypothesis's votes are counted with one
    ``bincount`` over an array as long as the index's audio divided by ``OFF_BIN``.
    """

    layout: Layout
    pairs: list[npt.NDArray[np.int64]]  # per hypothesis: query pair of each hit
    positions: list[npt.NDArray[np.int64]]  # per hypothesis: table entry of each hit
    best_h: npt.NDArray[np.int64]  # candidate cells: hypothesis, cell, votes (this and the next bin)
    best_cell: npt.NDArray[np.int64]
    best_votes: npt.NDArray[np.int64]


def _vote(
    table: HashTable, peaks: Peaks, pairs: hashing.Pairs, speeds: tuple[float, ...], per_hyp: int
) -> _Votes:
    tq_all = peaks.t[pairs.i].astype(np.float64)
    layout = table.layout(int(np.ceil(max(speeds) * float(peaks.t.max(initial=0)))) + 2 * OFF_BIN)
    n_cells = layout.frames // OFF_BIN + 2
    found_pairs: list[npt.NDArray[np.int64]] = []
    found_pos: list[npt.NDArray[np.int64]] = []
    best: list[tuple[npt.NDArray[np.int64], ...]] = []
    for h, speed in enumerate(speeds):
        keys, _ = hashing.keys_for(peaks, pairs, speed)
        pair, pos = _expand(table, keys)
        found_pairs.append(pair)
        found_pos.append(pos)
        if pair.size == 0:
            continue
        shift = np.rint(speed * tq_all).astype(layout.g.dtype)
        counts = np.bincount((layout.g[pos] - shift[pair]) // OFF_BIN, minlength=n_cells + 1)
        # A playback's votes may straddle two offset bins: count each bin with the next one.
        both = counts[:-1] + counts[1:]
        k = min(per_hyp, both.size)
        top = np.argpartition(-both, k - 1)[:k]
        best.append((np.full(k, h, np.int64), top.astype(np.int64), both[top].astype(np.int64)))
    if not best:
        z = np.zeros(0, np.int64)
        return _Votes(layout, found_pairs, found_pos, z, z, z)
    bh, bc, bv = (np.concatenate([b[i] for b in best]) for i in range(3))
    return _Votes(layout, found_pairs, found_pos, bh, bc, bv)


def _hits_of(
    table: HashTable, peaks: Peaks, pairs: hashing.Pairs, votes: _Votes, wanted: npt.NDArray[np.bool_]
) -> _Hits:
    """The hits of the wanted (hypothesis, recording) combinations."""
    parts: list[tuple[npt.NDArray[np.int64], ...]] = []
    for h in np.flatnonzero(wanted.any(axis=1)):
        pos = votes.positions[h]
        track = table.track[pos].astype(np.int64)
        keep = wanted[h, track]
        n = int(keep.sum())
        parts.append(
            (np.full(n, h, np.int64), votes.pairs[h][keep], track[keep], table.t[pos[keep]].astype(np.int64))
        )
    if not parts:
        z = np.zeros(0, np.int64)
        return _Hits(z, z, z, z, np.zeros(0, np.float64))
    hyp, pair, track, t_ref = (np.concatenate([p[i] for p in parts]) for i in range(4))
    return _Hits(hyp, pair, track, t_ref, peaks.t[pairs.i[pair]].astype(np.float64))


def match_peaks(
    table: HashTable,
    peaks: Peaks,
    n_tracks: int,
    speeds: tuple[float, ...] = SPEEDS,
    min_score: int = MIN_SCORE,
    min_z: float = MIN_Z,
    candidates: int = 8,
    max_results: int = 1,
) -> list[Match]:
    """The best verified matches of ``peaks`` (query frames from the query's start), best first."""
    if len(peaks) < 2 or len(table) == 0:
        return []
    pairs = hashing.pair_peaks(peaks, hashing.DT_MAX / min(speeds) + 1, hashing.DU_MAX + 0.5, None)
    votes = _vote(table, peaks, pairs, speeds, candidates * 3)
    speed_arr = np.asarray(speeds)
    order = np.argsort(-votes.best_votes, kind="stable")[: candidates * 3]
    chosen: list[tuple[int, int, int]] = []
    seen: set[tuple[int, int]] = set()
    for c in order:
        if votes.best_votes[c] < min_score // 2:
            break
        h = int(votes.best_h[c])
        tr, o = votes.layout.locate(int(votes.best_cell[c]) * OFF_BIN)
        tag = (tr, o // (OFF_BIN * 4))
        if tag in seen:
            continue
        seen.add(tag)
        chosen.append((h, tr, o))
        if len(seen) >= candidates:
            break
    if not chosen:
        return []
    # Verification only needs the hits of the candidates' recordings under neighbouring hypotheses.
    wanted = np.zeros((len(speeds), max(n_tracks, table.track_frames.size)), bool)
    for h, tr, _ in chosen:
        wanted[max(0, h - 1) : h + 2, tr] = True
    hits = _hits_of(table, peaks, pairs, votes, wanted)
    results: list[Match] = []
    for h, tr, o in chosen:
        m = _verify(hits, speed_arr, h, tr, o + OFF_BIN, min_score, min_z)
        if m is not None and all(m.track != r.track or abs(m.offset_s - r.offset_s) > 2 for r in results):
            results.append(m)
    results.sort(key=lambda m: -m.score)
    return results[:max_results]


def _span(times: npt.NDArray[np.float64], background: float) -> tuple[float, float]:
    """First and last anchor of the playback on the line, leaving out chance hits that fall on it.

    ``background`` is the expected number of chance hits on the line per second. The playback spans
    seconds holding at least ``SPAN_MIN_HITS`` hits and several times the background, with no more
    than ``SPAN_MAX_GAP_S`` seconds between them; chance hits on the line beyond the end of a
    playback (or before its start) are sparser.
    """
    t = times / FRAMES_PER_SECOND
    sec = np.floor(t).astype(np.int64)
    sec -= sec.min()
    per_second = np.bincount(sec)
    dense = np.flatnonzero(per_second >= max(SPAN_MIN_HITS, 4.0 * background))
    if dense.size == 0:
        return float(t.min()), float(t.max())
    # Runs of dense seconds at most SPAN_MAX_GAP_S apart; the run holding the most hits is the playback.
    cut = np.flatnonzero(np.diff(dense) > SPAN_MAX_GAP_S + 1)
    firsts = dense[np.concatenate([[0], cut + 1])]
    lasts = dense[np.concatenate([cut, [dense.size - 1]])]
    total = np.cumsum(np.concatenate([[0], per_second]))
    best = int(np.argmax(total[lasts + 1] - total[firsts]))
    inside = (sec >= firsts[best]) & (sec <= lasts[best])
    return float(t[inside].min()), float(t[inside].max())


def _verify(
    hits: _Hits,
    speeds: npt.NDArray[np.float64],
    h: int,
    track: int,
    off0: float,
    min_score: int,
    min_z: float,
) -> Match | None:
    near = (hits.track == track) & (np.abs(hits.hyp - h) <= 1)
    tq = hits.t_query[near]
    tr = hits.t_ref[near].astype(np.float64)
    pair = hits.pair[near]
    speed = float(speeds[h])
    # Start from the most common alignment (to a frame) near the cell, not the cell's centre: a
    # line at the edge of the cell would otherwise be fitted together with chance hits.
    res = np.rint(tr - (speed * tq + off0)).astype(np.int64)
    near_cell = np.abs(res) <= 2 * OFF_BIN
    if not near_cell.any():
        return None
    votes = np.bincount(res[near_cell] + 2 * OFF_BIN, minlength=4 * OFF_BIN + 1)
    smooth = np.convolve(votes, np.ones(3, np.int64), mode="same")
    offset = off0 + float(np.argmax(smooth)) - 2 * OFF_BIN
    inl = np.abs(tr - (speed * tq + offset)) <= 3.0
    for _ in range(3):
        if inl.sum() < max(3, min_score // 2):
            return None
        a, b = (
            np.polyfit(tq[inl], tr[inl], 1)
            if np.ptp(tq[inl]) > 10
            else (speed, np.median(tr[inl] - speed * tq[inl]))
        )
        # The line must stay near its hypothesis and within the range of hypotheses.
        if abs(a - speeds[h]) > SPEED_SLACK or not speeds[0] - 0.005 <= a <= speeds[-1] + 0.005:
            a, b = speeds[h], float(np.median(tr[inl] - speeds[h] * tq[inl]))
        speed, offset = float(a), float(b)
        inl = np.abs(tr - (speed * tq + offset)) <= INLIER_FRAMES
    score = int(np.unique(pair[inl]).size)
    if score < min_score:
        return None
    if np.ptp(tq[inl]) / FRAMES_PER_SECOND < MIN_SPAN_S:
        return None
    secs = int(np.unique(np.floor(tq[inl] / FRAMES_PER_SECOND)).size)
    # Local background: hits along parallel lines at other offsets (within about ±8 s).
    width = 2 * INLIER_FRAMES
    res = tr - (speed * tq + offset)
    bins = np.floor(res / width + 0.5).astype(np.int64)
    side = (np.abs(bins) >= 3) & (np.abs(bins) <= BACKGROUND_BANDS)
    counts = np.bincount(bins[side] + BACKGROUND_BANDS, minlength=2 * BACKGROUND_BANDS + 1)
    ring = counts[np.abs(np.arange(counts.size) - BACKGROUND_BANDS) >= 3]
    mu = float(ring.mean())
    sd = float(np.sqrt(ring.var() + mu + 1.0))
    z = (score - mu) / sd
    if z < min_z or secs < MIN_SECONDS:
        return None
    span_frames = max(1.0, float(np.ptp(tq)))
    q0, q1 = _span(tq[inl], mu * FRAMES_PER_SECOND / span_frames)
    return Match(track, offset / FRAMES_PER_SECOND, speed, score, q0, q1, secs, mu, z)
