"""Reading audio as mono at the analysis rate (音声の読み込み).

libsndfile (through ``soundfile``: WAV, FLAC, Ogg Vorbis/Opus, MP3, …) reads most files; MP3 and
AAC go to ``ffmpeg`` when it is installed, as does any format libsndfile does not read.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf
from scipy.signal import resample_poly

from bunpai.fingerprint.spectral import SAMPLE_RATE

FloatArray = npt.NDArray[np.float32]
AUDIO_SUFFIXES = frozenset(
    {".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".m4a", ".aac", ".aif", ".aiff", ".wma", ".mp2"}
)

# libsndfile reads MP3 but misjudges the length of some files; ffmpeg decodes them when installed.
PREFER_FFMPEG = frozenset({".mp3", ".mp2", ".m4a", ".aac", ".wma"})


class AudioError(Exception):
    """The file could not be decoded."""


def resample(x: FloatArray, rate: int, target: int = SAMPLE_RATE) -> FloatArray:
    """Polyphase resampling of mono ``x`` from ``rate`` to ``target`` Hz."""
    if rate == target:
        return np.asarray(x, np.float32)
    f = Fraction(target, rate).limit_denominator(1000)
    y: FloatArray = resample_poly(x, f.numerator, f.denominator).astype(np.float32)
    return y


def _mono(data: npt.NDArray[np.float32]) -> FloatArray:
    if data.ndim == 2:
        return np.asarray(data.mean(axis=1), np.float32)
    return np.asarray(data, np.float32)


def load(path: Path) -> FloatArray:
    """The whole file, mono, at ``SAMPLE_RATE``."""
    return np.concatenate(list(stream(path, block_s=600.0)) or [np.zeros(0, np.float32)])


def stream(path: Path, block_s: float = 60.0) -> Iterator[FloatArray]:
    """Consecutive blocks of about ``block_s`` seconds, mono at ``SAMPLE_RATE`` (bounded memory)."""
    if path.suffix.lower() in PREFER_FFMPEG and shutil.which("ffmpeg") is not None:
        yield from _stream_ffmpeg(path, block_s)
        return
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, TypeError):
        info = None
    if info is not None and info.frames > 0:
        rate = int(info.samplerate)
        block = max(1, int(block_s * rate))
        try:
            for data in sf.blocks(str(path), blocksize=block, dtype="float32", always_2d=True):
                yield resample(_mono(data), rate)
            return
        except (sf.LibsndfileError, RuntimeError) as exc:
            if shutil.which("ffmpeg") is None:
                raise AudioError(f"{path}: {exc}") from exc
    yield from _stream_ffmpeg(path, block_s)


def _stream_ffmpeg(path: Path, block_s: float) -> Iterator[FloatArray]:
    if shutil.which("ffmpeg") is None:
        raise AudioError(f"{path}: not readable by libsndfile and ffmpeg is not installed / 読み込めません")
    cmd = [
        "ffmpeg",
        "-v",
        "error",
        "-nostdin",
        "-i",
        str(path),
        "-ac",
        "1",
        "-ar",
        str(SAMPLE_RATE),
        "-f",
        "f32le",
        "-",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    nbytes = int(block_s * SAMPLE_RATE) * 4
    try:
        while True:
            chunk = proc.stdout.read(nbytes)
            if not chunk:
                break
            usable = len(chunk) - len(chunk) % 4
            yield np.frombuffer(chunk[:usable], dtype=np.float32).copy()
    finally:
        proc.stdout.close()
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = proc.wait()
    if code != 0:
        raise AudioError(f"{path}: ffmpeg failed: {err.strip()[:300]}")


def find_audio_files(items: list[Path]) -> list[Path]:
    """Files given, plus audio files found (recursively, sorted) under folders given."""
    out: list[Path] = []
    for item in items:
        if item.is_dir():
            out.extend(
                sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)
            )
        else:
            out.append(item)
    return out
