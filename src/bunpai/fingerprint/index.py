"""The reference index (参照インデックス): recordings, their peaks on disk, and the hash table in memory.

On disk an index is a folder: ``index.json`` lists the recordings (id, ISRC, source file name,
duration, which shard holds its peaks) and each ``shard-NNNN.npz`` holds the peaks of the recordings
added in one run, delta-coded and compressed (about 100 bytes per second of audio). Adding recordings
writes a new shard and rewrites ``index.json`` atomically; existing shards are never rewritten. The
hash table is derived from the peaks. Where ``BUNPAI_FINGERPRINT_TABLE_CACHE=1`` is set, it is
also cached in ``table-cache.npz`` (about 3 MB per hour of audio, rebuilt when the recordings
change, safe to delete), which opens a large index in milliseconds instead of seconds; by default
nothing but the index itself (about 0.2 MB per hour) is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bunpai.fingerprint import hashing
from bunpai.fingerprint.spectral import (
    BINS_PER_OCTAVE,
    FRAMES_PER_SECOND,
    HOP,
    N_FFT,
    SAMPLE_RATE,
    Peaks,
)

FORMAT = "bunpai-fingerprint-index"
VERSION = 1
STOP_FACTOR = 4.0
LAYOUT_MARGIN = 8192  # frames (about 190 s) before each recording in a vote layout
TABLE_CACHE = "table-cache.npz"
TABLE_CACHE_SETTING = "BUNPAI_FINGERPRINT_TABLE_CACHE"
U_SCALE = 8  # stored frequency resolution: 1/8 of a log-frequency bin


def _params() -> dict[str, object]:
    return {
        "sample_rate": SAMPLE_RATE,
        "n_fft": N_FFT,
        "hop": HOP,
        "bins_per_octave": BINS_PER_OCTAVE,
        "dt_max": hashing.DT_MAX,
        "du_max": hashing.DU_MAX,
    }


@dataclass
class Recording:
    """One reference recording in the index."""

    id: str
    isrc: str
    source: str
    duration_s: float
    n_peaks: int
    shard: str


class IndexFormatError(Exception):
    """A problem with an index folder (wrong format or parameters)."""


class FingerprintIndex:
    """Reference recordings and their peaks; ``table()`` gives the hash table for matching."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.recordings: list[Recording] = []
        self._peaks: list[Peaks] = []
        self._pending: list[int] = []
        self._table: HashTable | None = None

    # -- reading and writing -------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, create: bool = False) -> FingerprintIndex:
        index = cls(path)
        meta_path = path / "index.json"
        if not meta_path.exists():
            if create:
                return index
            raise IndexFormatError(f"{path}: not an index (no index.json) / インデックスではありません")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("version") != VERSION:
            raise IndexFormatError(f"{path}: unknown index format / 不明なインデックス形式")
        if meta.get("params") != _params():
            raise IndexFormatError(
                f"{path}: built with other analysis parameters / 解析パラメータが異なります"
            )
        index.recordings = [Recording(**r) for r in meta["recordings"]]
        shards: dict[str, list[int]] = {}
        for k, rec in enumerate(index.recordings):
            shards.setdefault(rec.shard, []).append(k)
        index._peaks = [Peaks.empty()] * len(index.recordings)
        for shard, members in shards.items():
            with np.load(path / shard) as data:
                dts = data["dt"].astype(np.int64)
                us = data["u"].astype(np.float32) / U_SCALE
            start = 0
            for k in members:
                n = index.recordings[k].n_peaks
                t = np.cumsum(dts[start : start + n]).astype(np.int32)
                index._peaks[k] = Peaks(t, us[start : start + n], np.zeros(n, np.float32))
                start += n
        return index

    def add(self, rec_id: str, isrc: str, source: str, duration_s: float, peaks: Peaks) -> None:
        order = np.argsort(peaks.t, kind="stable")
        peaks = Peaks(peaks.t[order], peaks.u[order], peaks.s[order])
        existing = {r.id: k for k, r in enumerate(self.recordings)}
        rec = Recording(rec_id, isrc, source, round(duration_s, 3), len(peaks), "")
        if rec_id in existing:
            k = existing[rec_id]
            self.recordings[k] = rec
            self._peaks[k] = peaks
        else:
            k = len(self.recordings)
            self.recordings.append(rec)
            self._peaks.append(peaks)
        if k not in self._pending:
            self._pending.append(k)
        self._table = None

    def save(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        if self._pending:
            n = 1
            while (self.path / f"shard-{n:04d}.npz").exists():
                n += 1
            shard = f"shard-{n:04d}.npz"
            dts: list[npt.NDArray[np.int64]] = []
            us: list[npt.NDArray[np.int64]] = []
            for k in self._pending:
                p = self._peaks[k]
                t = p.t.astype(np.int64)
                dts.append(np.diff(t, prepend=0))
                us.append(np.rint(p.u * U_SCALE).astype(np.int64))
                self.recordings[k].shard = shard
            dt_all = np.concatenate(dts) if dts else np.zeros(0, np.int64)
            if dt_all.size and dt_all.max() > np.iinfo(np.uint32).max:
                raise IndexFormatError("recording too long / 録音が長すぎます")
            tmp = self.path / f".{shard}.tmp.npz"
            np.savez_compressed(
                tmp,
                dt=dt_all.astype(np.uint16 if dt_all.size == 0 or dt_all.max() < 65536 else np.uint32),
                u=np.concatenate(us).astype(np.uint16),
            )
            os.replace(tmp, self.path / shard)
            self._pending = []
        meta = {
            "format": FORMAT,
            "version": VERSION,
            "params": _params(),
            "recordings": [asdict(r) for r in self.recordings],
        }
        fd, tmp_name = tempfile.mkstemp(dir=self.path, prefix=".index.", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, ensure_ascii=False, indent=1)
        os.replace(tmp_name, self.path / "index.json")
        # Shards no recording points to any more (a re-indexed file) are removed.
        used = {r.shard for r in self.recordings}
        for f in self.path.glob("shard-*.npz"):
            if f.name not in used:
                f.unlink()

    # -- queries -----------------------------------------------------------------------------------
    def peaks(self, k: int) -> Peaks:
        return self._peaks[k]

    @property
    def total_duration_s(self) -> float:
        return float(sum(r.duration_s for r in self.recordings))

    def disk_bytes(self, with_cache: bool = False) -> int:
        """Bytes of the index on disk; the table cache (derived, can be deleted) only if asked."""
        return sum(
            f.stat().st_size
            for f in self.path.iterdir()
            if f.is_file() and (with_cache or f.name != TABLE_CACHE)
        )

    def table(self) -> HashTable:
        """The hash table, read from the folder's cache when it was built from the same recordings."""
        if self._table is None:
            cache = self.path / TABLE_CACHE
            stamp = self._stamp()
            if not self._pending:
                self._table = HashTable.load(cache, stamp)
            if self._table is None:
                self._table = HashTable.build(self._peaks)
                if not self._pending and os.environ.get(TABLE_CACHE_SETTING) == "1":
                    self._table.store(cache, stamp)
        return self._table

    def _stamp(self) -> str:
        """What the table is derived from: format, parameters and the recordings with their shards."""
        what = {
            "version": VERSION,
            "params": _params(),
            "stop": STOP_FACTOR,
            "recordings": [asdict(r) for r in self.recordings],
        }
        return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


@dataclass
class HashTable:
    """Pairs of all recordings sorted by key; ``starts[key]:starts[key+1]`` are the entries of a key."""

    starts: npt.NDArray[np.int64]
    track: npt.NDArray[np.int32]
    t: npt.NDArray[np.int32]
    track_frames: npt.NDArray[np.int64]  # last anchor frame of each recording
    _layout: Layout | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, all_peaks: list[Peaks]) -> HashTable:
        keys: list[npt.NDArray[np.int64]] = []
        tracks: list[npt.NDArray[np.int32]] = []
        times: list[npt.NDArray[np.int64]] = []
        for k, p in enumerate(all_peaks):
            kk, tt = hashing.reference_keys(p)
            keys.append(kk)
            times.append(tt)
            tracks.append(np.full(kk.size, k, np.int32))
        if keys:
            key = np.concatenate(keys)
            track = np.concatenate(tracks)
            t = np.concatenate(times)
        else:
            key = np.zeros(0, np.int64)
            track = np.zeros(0, np.int32)
            t = np.zeros(0, np.int64)
        # Keys far more common than average (sustained unisons, common intervals) carry little
        # evidence and most of the chance coincidences: they are left out.
        counts = np.bincount(key, minlength=hashing.N_KEYS)
        limit = max(4.0, STOP_FACTOR * key.size / max(1, int(np.count_nonzero(counts))))
        keep = counts[key] <= limit
        key, track, t = key[keep], track[keep], t[keep]
        order = np.argsort(key, kind="stable")
        key = key[order]
        starts = np.searchsorted(key, np.arange(hashing.N_KEYS + 1, dtype=np.int64)).astype(np.int64)
        frames = np.zeros(len(all_peaks), np.int64)
        np.maximum.at(frames, track, t)
        return cls(starts, track[order], t[order].astype(np.int32), frames)

    def __len__(self) -> int:
        return int(self.track.size)

    def store(self, path: Path, stamp: str) -> None:
        """Write the table beside the index (uncompressed: reading it is faster than building it).

        Best effort: an index on read-only storage simply builds its table on every open."""
        counts = np.diff(self.starts)
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".table.", suffix=".npz")
            with os.fdopen(fd, "wb") as fh:
                np.savez(
                    fh,
                    stamp=np.array(stamp),
                    counts=counts.astype(np.uint16 if counts.max(initial=0) < 2**16 else np.uint32),
                    track=self.track.astype(np.uint16 if self.track_frames.size < 2**16 else np.int32),
                    t=self.t,
                    track_frames=self.track_frames,
                )
            os.replace(tmp, path)
        except OSError:
            return

    @classmethod
    def load(cls, path: Path, stamp: str) -> HashTable | None:
        """The cached table, or None when missing, unreadable or built from other recordings."""
        try:
            with np.load(path) as data:
                if str(data["stamp"]) != stamp:
                    return None
                counts = data["counts"].astype(np.int64)
                starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
                return cls(starts, data["track"].astype(np.int32), data["t"], data["track_frames"])
        except (OSError, KeyError, ValueError):
            return None

    def layout(self, margin: int) -> Layout:
        """The entries' frames in a layout of all recordings one after another (see ``Layout``)."""
        margin = max(margin, LAYOUT_MARGIN)
        if self._layout is None or self._layout.margin < margin:
            self._layout = Layout.build(self, margin)
        return self._layout


@dataclass
class Layout:
    """All recordings one after another, each after ``margin`` empty frames.

    ``g`` holds each table entry's frame in the layout, ``first`` the layout frame of each
    recording's start. A query aligned at reference frame ``o`` of recording ``k`` votes for layout
    frame ``first[k] + o``, which stays within the recording's own stretch for ``o > -margin``.
    """

    margin: int
    first: npt.NDArray[np.int64]
    g: npt.NDArray[np.int64]
    frames: int

    @classmethod
    def build(cls, table: HashTable, margin: int) -> Layout:
        lengths = table.track_frames + 1 + margin
        first = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64) + margin
        frames = int(lengths.sum())
        g = first[table.track] + table.t
        return cls(margin, first, g.astype(np.int32 if frames < 2**31 else np.int64), frames)

    def locate(self, frame: int) -> tuple[int, int]:
        """(recording, reference frame) of a layout frame."""
        k = max(0, int(np.searchsorted(self.first - self.margin, frame, side="right")) - 1)
        return k, frame - int(self.first[k])


def seconds(frames: float) -> float:
    return float(frames) / FRAMES_PER_SECOND
