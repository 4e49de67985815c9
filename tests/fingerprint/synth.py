"""Generated audio for the fingerprint tests: synthetic songs, speech-like babble, noise."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt
from scipy.signal import lfilter, resample_poly

SR = 11025
F32 = npt.NDArray[np.float32]


def song(seed: int, seconds: float = 40.0) -> F32:
    """A 'song': random melody and chords of harmonic notes with envelopes, plus percussive noise."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    out = np.zeros(n, np.float64)
    t = 0.0
    while t < seconds:
        dur = float(rng.choice([0.125, 0.25, 0.25, 0.5, 0.75]))
        for _ in range(int(rng.integers(1, 4))):
            midi = int(rng.integers(48, 84))
            f0 = 440.0 * 2 ** ((midi - 69) / 12)
            s = int(t * SR)
            m = min(n - s, int(dur * SR * 1.3))
            if m <= 0:
                continue
            tt = np.arange(m) / SR
            env = np.minimum(1.0, tt / 0.01) * np.exp(-tt * float(rng.uniform(2, 6)))
            tone = sum(
                np.sin(2 * np.pi * f0 * h * tt + rng.uniform(0, 6.28)) / h**1.2
                for h in range(1, 7)
                if f0 * h < SR / 2 - 200
            )
            out[s : s + m] += rng.uniform(0.3, 1.0) * env * tone
        if rng.random() < 0.5:
            s = int(t * SR)
            m = min(n - s, int(0.08 * SR))
            out[s : s + m] += 0.3 * rng.standard_normal(m) * np.exp(-np.arange(m) / (0.02 * SR))
        t += dur
    return (out / (np.abs(out).max() + 1e-9) * 0.8).astype(np.float32)


def babble(seed: int, seconds: float) -> F32:
    """Speech-like signal: voiced syllables with gliding pitch through moving formants, pauses, hiss."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    out = np.zeros(n, np.float64)
    pos = 0
    while pos < n:
        syl = int(rng.uniform(0.12, 0.3) * SR)
        m = min(syl, n - pos)
        f0 = rng.uniform(95, 210) * np.linspace(1.0, rng.uniform(0.8, 1.25), m)
        phase = 2 * np.pi * np.cumsum(f0) / SR
        src = sum(np.sin(h * phase) for h in range(1, 30)) / 10.0
        for fmt in (rng.uniform(300, 900), rng.uniform(900, 2500), rng.uniform(2400, 3500)):
            r = np.exp(-np.pi * 120 / SR)
            w = 2 * np.pi * fmt / SR
            src = lfilter([1 - r], [1, -2 * r * np.cos(w), r * r], src)
        env = np.sin(np.linspace(0, np.pi, m)) ** 0.5
        out[pos : pos + m] += env * src
        pos += m
        if rng.random() < 0.3:
            pos += int(rng.uniform(0.05, 0.4) * SR)
    out += 0.01 * rng.standard_normal(n)
    return (out / (np.abs(out).max() + 1e-9) * 0.8).astype(np.float32)


def rms(x: F32) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)) + 1e-12))


def mix_under(music: F32, other: F32, below_db: float) -> F32:
    """``music`` ``below_db`` dB under ``other`` (speech or noise), summed."""
    gain = rms(other) / rms(music) * 10 ** (-below_db / 20)
    return (music * gain + other[: music.size]).astype(np.float32)


def white(seed: int, n: int) -> F32:
    return np.random.default_rng(seed).standard_normal(n).astype(np.float32)


def speed(x: F32, factor: float) -> F32:
    """Play ``factor`` × faster (pitch and tempo together), by resampling."""
    f = Fraction(factor).limit_denominator(200)
    return resample_poly(x, f.denominator, f.numerator).astype(np.float32)
