"""Matching query peaks against the index (照合).

For every speed hypothesis the query's pairs are mapped to the reference scale and looked up; each
hit votes for (hypothesis, recording, offset bin). The best cells are then verified: hits of the
recording under neighbouring hypotheses are fitted with a straight line ``t_ref = speed·t_query +
offset`` and only hits within a frame and a half of it count. A match needs ``min_score`` such
hits in at least ``MIN_SECONDS`` distinct seconds of the query, and must stand out (``z ≥ min_z``) from the
hits along parallel lines at other offsets of the same recording — chance alignments in dense
passages raise those too, true ones do not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bunpai.fingerprint import hashing
from bunpai.fingerprint.index import HashTable
from bunpai.fingerprint.spectral import FRAMES_PER_SECOND, Peaks

SPEEDS: tuple[float, ...] = tuple(float(s) for s in np.round(np.arange(0.940, 1.0601, 0.005), 4))
OFF_BIN = 8
MIN_SCORE = 10
MIN_Z = 6.0
MIN_SPAN_S = 2.0
MIN_SECONDS = 4
INLIER_FRAMES = 1.5
_OFF_BIAS = 1 << 21
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


def _lookup(table: HashTable, peaks: Peaks, speeds: tuple[float, ...]) -> _Hits:
    pairs = hashing.pair_peaks(peaks, hashing.DT_MAX / min(speeds) + 1, hashing.DU_MAX + 0.5, None)
    tq_all = peaks.t[pairs.i].astype(np.float64)
    parts: list[tuple[npt.NDArray[np.int64], ...]] = []
    for h, speed in enumerate(speeds):
        keys, _ = hashing.keys_for(peaks, pairs, speed)
        valid = np.nonzero(keys >= 0)[0]
        k = keys[valid]
        lo = table.starts[k]
        cnt = table.starts[k + 1] - lo
        nz = cnt > 0
        valid, lo, cnt = valid[nz], lo[nz], cnt[nz]
        total = int(cnt.sum())
        if total == 0:
            continue
        rep = np.repeat(np.arange(valid.size), cnt)
        pos = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt) + lo[rep]
        parts.append(
            (
                np.full(total, h, np.int64),
                valid[rep],
                table.track[pos].astype(np.int64),
                table.t[pos].astype(np.int64),
            )
        )
    if not parts:
        z = np.zeros(0, np.int64)
        return _Hits(z, z, z, z, np.zeros(0, np.float64))
    hyp, pair, track, t_ref = (np.concatenate([p[i] for p in parts]) for i in range(4))
    return _Hits(hyp, pair, track, t_ref, tq_all[pair])


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
    hits = _lookup(table, peaks, speeds)
    if hits.pair.size == 0:
        return []
    speed_arr = np.asarray(speeds)
    off = hits.t_ref - speed_arr[hits.hyp] * hits.t_query
    ob = np.floor(off / OFF_BIN).astype(np.int64) + _OFF_BIAS
    cell = (hits.hyp * n_tracks + hits.track) * (2 * _OFF_BIAS) + ob
    cells, counts = np.unique(cell, return_counts=True)
    # A playback's votes may straddle two offset bins: add the next bin's count.
    nxt = np.searchsorted(cells, cells + 1)
    nxt_ok = nxt < cells.size
    has_next = np.zeros(cells.size, bool)
    has_next[nxt_ok] = cells[nxt[nxt_ok]] == cells[nxt_ok] + 1
    pair_counts = counts.copy()
    pair_counts[has_next] += counts[nxt[has_next]]
    top = np.argsort(-pair_counts, kind="stable")[: candidates * 3]
    results: list[Match] = []
    seen: set[tuple[int, int]] = set()
    for c in top:
        if pair_counts[c] < min_score // 2:
            break
        key = int(cells[c])
        h = key // (2 * _OFF_BIAS) // n_tracks
        tr = key // (2 * _OFF_BIAS) % n_tracks
        o = (key % (2 * _OFF_BIAS) - _OFF_BIAS) * OFF_BIN
        tag = (tr, o // (OFF_BIN * 4))
        if tag in seen:
            continue
        seen.add(tag)
        m = _verify(hits, speed_arr, h, tr, o + OFF_BIN, min_score, min_z)
        if m is not None and all(m.track != r.track or abs(m.offset_s - r.offset_s) > 2 for r in results):
            results.append(m)
        if len(seen) >= candidates:
            break
    results.sort(key=lambda m: -m.score)
    return results[:max_results]


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
    offset = off0
    inl = np.abs(tr - (speed * tq + offset)) <= OFF_BIN * 1.5
    for _ in range(3):
        if inl.sum() < max(3, min_score // 2):
            return None
        a, b = (
            np.polyfit(tq[inl], tr[inl], 1)
            if np.ptp(tq[inl]) > 10
            else (speed, np.median(tr[inl] - speed * tq[inl]))
        )
        if not 0.9 < a < 1.1:
            a, b = speed, float(np.median(tr[inl] - speed * tq[inl]))
        speed, offset = float(a), float(b)
        inl = np.abs(tr - (speed * tq + offset)) <= INLIER_FRAMES
    score = int(np.unique(pair[inl]).size)
    if score < min_score:
        return None
    q0 = float(tq[inl].min()) / FRAMES_PER_SECOND
    q1 = float(tq[inl].max()) / FRAMES_PER_SECOND
    if q1 - q0 < MIN_SPAN_S:
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
    return Match(track, offset / FRAMES_PER_SECOND, speed, score, q0, q1, secs, mu, z)
