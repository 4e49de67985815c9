"""Peak pairs and their hash keys (ピーク対とハッシュ).

A pair joins an anchor peak to a later peak in a target zone: ``1 ≤ dt ≤ DT_MAX`` frames and
``|du| ≤ DU_MAX`` log-frequency bins. The key combines the anchor's bin, ``du`` and ``dt``. Under a
speed change by ``a`` (resampling), ``du`` is unchanged, the anchor's bin moves by ``-36·log2(a)``
and ``dt`` is multiplied by ``a``; queries are therefore hashed once per speed hypothesis, after
mapping their peaks back to the reference's time and frequency scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bunpai.fingerprint.spectral import BINS_PER_OCTAVE, N_BINS, Peaks

DT_MAX = 32
DU_MAX = 30
N_KEYS = N_BINS * (2 * DU_MAX + 1) * (DT_MAX + 1)
REFERENCE_FANOUT = 8

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Pairs:
    """Index pairs ``(i, j)`` into a peak list, anchor ``i`` before target ``j``."""

    i: IntArray
    j: IntArray


def pair_peaks(peaks: Peaks, dt_max: float, du_max: float, fanout: int | None) -> Pairs:
    """All pairs in the target zone, or only the first ``fanout`` targets of each anchor."""
    t = peaks.t.astype(np.int64)
    u = peaks.u
    n = t.size
    if n < 2:
        return Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64))
    order = np.argsort(t, kind="stable")
    t = t[order]
    u = u[order]
    counts = np.zeros(n, np.int64)
    found_i: list[IntArray] = []
    found_j: list[IntArray] = []
    idx = np.arange(n, dtype=np.int64)
    k = 1
    while k < n:
        i = idx[: n - k]
        j = i + k
        dt = t[j] - t[i]
        if not np.any(dt <= dt_max):
            break
        ok = (dt >= 1) & (dt <= dt_max) & (np.abs(u[j] - u[i]) <= du_max)
        if fanout is not None:
            ok &= counts[i] < fanout
            counts[i[ok]] += 1
        found_i.append(i[ok])
        found_j.append(j[ok])
        k += 1
    if not found_i:
        return Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64))
    pi = np.concatenate(found_i)
    pj = np.concatenate(found_j)
    return Pairs(order[pi], order[pj])


def keys_for(peaks: Peaks, pairs: Pairs, speed: float = 1.0) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """Hash keys of ``pairs`` under the hypothesis that the audio plays at ``speed`` × the reference.

    Returns the keys (−1 where the mapped pair leaves the zone) and the anchor times mapped to the
    reference's frame scale.
    """
    shift = BINS_PER_OCTAVE * np.log2(speed)
    t1 = peaks.t[pairs.i].astype(np.float64) * speed
    t2 = peaks.t[pairs.j].astype(np.float64) * speed
    u1 = peaks.u[pairs.i].astype(np.float64) - shift
    du = np.rint(peaks.u[pairs.j].astype(np.float64) - peaks.u[pairs.i]).astype(np.int64)
    dt = np.rint(t2 - t1).astype(np.int64)
    ub = np.floor(u1).astype(np.int64)
    ok = (dt >= 1) & (dt <= DT_MAX) & (np.abs(du) <= DU_MAX) & (ub >= 0) & (ub < N_BINS)
    keys = (ub * (2 * DU_MAX + 1) + (du + DU_MAX)) * (DT_MAX + 1) + dt
    keys[~ok] = -1
    return keys, t1


def reference_keys(peaks: Peaks) -> tuple[IntArray, npt.NDArray[np.int64]]:
    """Keys and anchor frames of a reference recording's pairs (``REFERENCE_FANOUT`` per anchor)."""
    pairs = pair_peaks(peaks, DT_MAX, DU_MAX + 0.5, REFERENCE_FANOUT)
    keys, t1 = keys_for(peaks, pairs)
    ok = keys >= 0
    return keys[ok], t1[ok].astype(np.int64)
