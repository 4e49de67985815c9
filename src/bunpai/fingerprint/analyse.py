"""From samples to peaks, for whole files and for long recordings in pieces (解析)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from bunpai.fingerprint.spectral import HOP, N_FFT, PeakParams, Peaks, find_peaks, log_spectrogram

CHUNK_FRAMES = 4096  # analyse long audio in pieces of about 95 s
MARGIN_FRAMES = 16


def peaks_of(x: npt.NDArray[np.float32], params: PeakParams) -> Peaks:
    """Peaks of mono audio at the analysis rate; long audio is analysed piecewise with overlap."""
    n_frames = 1 + max(0, x.size - N_FFT) // HOP
    if n_frames <= CHUNK_FRAMES + 2 * MARGIN_FRAMES:
        return find_peaks(log_spectrogram(x), params)
    parts: list[Peaks] = []
    start = 0
    while start < n_frames:
        lo = max(0, start - MARGIN_FRAMES)
        hi = min(n_frames, start + CHUNK_FRAMES + MARGIN_FRAMES)
        seg = x[lo * HOP : (hi - 1) * HOP + N_FFT]
        p = find_peaks(log_spectrogram(seg), params).shifted(lo)
        keep = (p.t >= start) & (p.t < start + CHUNK_FRAMES)
        parts.append(p.select(keep))
        start += CHUNK_FRAMES
    return Peaks.concat(parts)
