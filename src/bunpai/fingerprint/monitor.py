"""Monitoring a long broadcast recording (放送モニタリング).

The recording is read as a stream; every ``hop_s`` seconds the last ``window_s`` seconds are matched
against the index (up to ``per_window`` recordings per window, for segues and overlaps). Detections
of one recording whose alignments agree (the same reference time for the same broadcast time, within
``join_tolerance_s``) and that are at most ``max_gap_s`` apart are merged into one playback; a
passage repeated within the recording, matched at its other alignment during the playback, is
dropped. Memory stays bounded by one window of audio whatever the recording's length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bunpai.fingerprint.analyse import peaks_of
from bunpai.fingerprint.index import HashTable
from bunpai.fingerprint.matcher import match_peaks
from bunpai.fingerprint.spectral import QUERY_PEAKS, SAMPLE_RATE


@dataclass
class Detection:
    """One playback of a reference recording in the broadcast."""

    track: int
    start_s: float  # in the broadcast
    end_s: float
    ref_offset_s: float  # reference time at ``start_s``
    speed: float
    score: int
    windows: int = 1

    def ref_time_at(self, t: float) -> float:
        return self.ref_offset_s + (t - self.start_s) * self.speed


@dataclass(frozen=True)
class MonitorParams:
    window_s: float = 20.0
    hop_s: float = 10.0
    per_window: int = 2
    join_tolerance_s: float = 2.0
    max_gap_s: float = 25.0


def detect(
    blocks: Iterable[npt.NDArray[np.float32]],
    table: HashTable,
    n_tracks: int,
    params: MonitorParams = MonitorParams(),
    progress: Callable[[float], None] | None = None,
) -> list[Detection]:
    """Detections in a stream of mono blocks at ``SAMPLE_RATE``, merged, in broadcast order."""
    win = int(params.window_s * SAMPLE_RATE)
    hop = int(params.hop_s * SAMPLE_RATE)
    buf = np.zeros(0, np.float32)
    buf_start = 0  # sample index of buf[0] in the broadcast
    next_start = 0
    raw: list[Detection] = []
    ended = False
    it = iter(blocks)
    while True:
        while not ended and buf_start + buf.size < next_start + win:
            try:
                block = next(it)
            except StopIteration:
                ended = True
                break
            buf = np.concatenate([buf, block])
        lo = next_start - buf_start
        segment = buf[lo : lo + win]
        if segment.size < SAMPLE_RATE * 3 and (ended or segment.size == 0):
            break
        t0 = next_start / SAMPLE_RATE
        for m in match_peaks(table, peaks_of(segment, QUERY_PEAKS), n_tracks, max_results=params.per_window):
            start = t0 + m.query_start_s
            raw.append(
                Detection(
                    m.track,
                    start,
                    t0 + m.query_end_s,
                    m.offset_s + m.speed * m.query_start_s,
                    m.speed,
                    m.score,
                )
            )
        if progress is not None:
            progress(t0 + segment.size / SAMPLE_RATE)
        if ended and lo + win >= buf.size:
            break
        next_start += hop
        drop = next_start - buf_start
        if drop > 0:
            buf = buf[drop:]
            buf_start = next_start
    return merge(raw, params)


def merge(raw: list[Detection], params: MonitorParams = MonitorParams()) -> list[Detection]:
    """Join detections of one playback (same recording, agreeing alignment, close in time)."""
    out: list[Detection] = []
    for d in sorted(raw, key=lambda d: (d.start_s, d.track)):
        for o in reversed(out):
            if d.start_s - o.end_s > params.max_gap_s:
                continue
            if (
                o.track == d.track
                and abs(o.ref_time_at(d.start_s) - d.ref_offset_s) <= params.join_tolerance_s
            ):
                if d.end_s > o.end_s:
                    o.end_s = d.end_s
                o.speed = (o.speed * o.windows + d.speed) / (o.windows + 1)
                o.score += d.score
                o.windows += 1
                break
        else:
            out.append(Detection(d.track, d.start_s, d.end_s, d.ref_offset_s, d.speed, d.score))
    # A passage repeated within a recording also matches at the other alignment while the recording
    # plays: such a detection lies within a stronger one of the same recording and is dropped.
    kept: list[Detection] = []
    for d in out:
        if not any(
            o is not d
            and o.track == d.track
            and o.score > d.score
            and min(o.end_s, d.end_s) - max(o.start_s, d.start_s) >= 0.5 * (d.end_s - d.start_s)
            for o in out
        ):
            kept.append(d)
    return kept
