"""Log-frequency spectrogram and spectral peak picking (対数周波数スペクトログラムとピーク検出)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy import fft as sfft
from scipy import ndimage, sparse

SAMPLE_RATE = 11025
N_FFT = 2048
HOP = 256
F_MIN = 150.0
F_MAX = 5000.0
BINS_PER_OCTAVE = 36
FRAMES_PER_SECOND = SAMPLE_RATE / HOP
N_BINS = int(np.floor(BINS_PER_OCTAVE * np.log2(F_MAX / F_MIN)))

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class PeakParams:
    """How densely peaks are picked. References use fewer peaks than queries."""

    per_second: float = 30.0
    time_radius: int = 3
    freq_radius: int = 3
    smooth_frames: int = 1
    min_contrast_db: float = 3.0


REFERENCE_PEAKS = PeakParams(per_second=30.0)
QUERY_PEAKS = PeakParams(per_second=60.0)


@dataclass(frozen=True)
class Peaks:
    """Spectral peaks: frame index (hop of ``HOP`` samples), fractional log-frequency bin, strength."""

    t: npt.NDArray[np.int32]
    u: FloatArray
    s: FloatArray

    def __len__(self) -> int:
        return int(self.t.size)

    @staticmethod
    def empty() -> Peaks:
        return Peaks(np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(0, np.float32))

    def shifted(self, frames: int) -> Peaks:
        return Peaks(self.t + np.int32(frames), self.u, self.s)

    def select(self, mask: npt.NDArray[np.bool_]) -> Peaks:
        return Peaks(self.t[mask], self.u[mask], self.s[mask])

    @staticmethod
    def concat(parts: list[Peaks]) -> Peaks:
        if not parts:
            return Peaks.empty()
        return Peaks(
            np.concatenate([p.t for p in parts]),
            np.concatenate([p.u for p in parts]),
            np.concatenate([p.s for p in parts]),
        )


@lru_cache(maxsize=1)
def _filterbank() -> FloatArray:
    """Triangular filters from linear FFT bins to ``N_BINS`` log-spaced bins (at least one FFT bin wide)."""
    fft_freqs = np.arange(N_FFT // 2 + 1) * SAMPLE_RATE / N_FFT
    df = SAMPLE_RATE / N_FFT
    centres = F_MIN * 2.0 ** (np.arange(N_BINS) / BINS_PER_OCTAVE)
    ratio = 2.0 ** (1.0 / BINS_PER_OCTAVE)
    bank = np.zeros((fft_freqs.size, N_BINS), np.float32)
    for k, fc in enumerate(centres):
        half = max(fc * (ratio - 1.0), df)
        w = 1.0 - np.abs(fft_freqs - fc) / half
        w[w < 0] = 0.0
        bank[:, k] = w / w.sum()
    return bank


@lru_cache(maxsize=1)
def _sparse_filterbank() -> sparse.csr_matrix:
    """The filterbank as a sparse matrix: each log bin sums only a few FFT bins."""
    return sparse.csr_matrix(_filterbank())


@lru_cache(maxsize=1)
def _window() -> FloatArray:
    return np.hanning(N_FFT).astype(np.float32)


def log_spectrogram(x: FloatArray) -> FloatArray:
    """dB power on the log-frequency axis, shape (frames, N_BINS). ``x`` is mono at ``SAMPLE_RATE``."""
    x = np.asarray(x, np.float32)
    if x.size < N_FFT:
        x = np.concatenate([x, np.zeros(N_FFT - x.size, np.float32)])
    n_frames = 1 + (x.size - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(
        x, shape=(n_frames, N_FFT), strides=(x.strides[0] * HOP, x.strides[0]), writeable=False
    )
    spec = sfft.rfft(frames * _window(), axis=1)
    power = spec.real**2 + spec.imag**2
    logp = np.asarray(power @ _sparse_filterbank(), np.float32)
    out: FloatArray = (10.0 * np.log10(logp + 1e-10)).astype(np.float32)
    return out


def find_peaks(spec: FloatArray, params: PeakParams) -> Peaks:
    """Pick local maxima of the spectrally whitened spectrogram.

    Whitening removes the spectral tilt so peaks spread over the whole band (an optional median over
    ``smooth_frames`` frames favours sustained tones, but it turns them into ridges whose peaks are
    badly placed in time, so it is off by default). The strongest peaks are kept, ``per_second``
    on average within each second.
    """
    n_frames = spec.shape[0]
    if n_frames == 0:
        return Peaks.empty()
    sm = spec
    if params.smooth_frames > 1:
        sm = ndimage.median_filter(spec, size=(params.smooth_frames, 1), mode="nearest")
    floor = float(np.max(sm)) - 80.0
    local_mean = ndimage.uniform_filter(sm, size=(1, 25), mode="nearest")
    white = sm - local_mean
    size = (2 * params.time_radius + 1, 2 * params.freq_radius + 1)
    is_max = (sm == ndimage.maximum_filter(sm, size=size, mode="nearest")) & (white > params.min_contrast_db)
    is_max &= sm > floor
    is_max[:, 0] = False
    is_max[:, -1] = False
    t, u = np.nonzero(is_max)
    strength = white[t, u]
    # Keep the strongest peaks per one-second block.
    block = max(1, round(FRAMES_PER_SECOND))
    keep_per_block = max(1, round(params.per_second * block / FRAMES_PER_SECOND))
    order = np.lexsort((-strength, t // block))
    tb = (t // block)[order]
    first = np.searchsorted(tb, tb, side="left")
    rank = np.arange(tb.size) - first
    chosen = np.sort(order[rank < keep_per_block])
    t, u, strength = t[chosen], u[chosen], strength[chosen]
    # Parabolic interpolation of the peak's frequency.
    a = sm[t, u - 1]
    b = sm[t, u]
    c = sm[t, u + 1]
    denom = a - 2 * b + c
    frac = np.where(denom < 0, 0.5 * (a - c) / np.where(denom < 0, denom, -1.0), 0.0)
    frac = np.clip(frac, -0.5, 0.5)
    return Peaks(t.astype(np.int32), (u + frac).astype(np.float32), strength.astype(np.float32))
