"""Recognition on generated audio: clean, speech over music, speed change, noise; and no false matches."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bunpai.fingerprint.analyse import peaks_of
from bunpai.fingerprint.index import FingerprintIndex, HashTable
from bunpai.fingerprint.matcher import Match, match_peaks
from bunpai.fingerprint.spectral import QUERY_PEAKS, REFERENCE_PEAKS
from tests.fingerprint import synth

N_SONGS = 6


@pytest.fixture(scope="module")
def songs() -> list[np.ndarray]:
    return [synth.song(seed) for seed in range(N_SONGS)]


@pytest.fixture(scope="module")
def index(songs: list[np.ndarray], tmp_path_factory: pytest.TempPathFactory) -> FingerprintIndex:
    path = tmp_path_factory.mktemp("fp") / "index"
    ix = FingerprintIndex.open(path, create=True)
    for k, x in enumerate(songs):
        ix.add(
            f"song{k}.wav", f"JPX00000000{k}", f"song{k}.wav", x.size / synth.SR, peaks_of(x, REFERENCE_PEAKS)
        )
    ix.save()
    return FingerprintIndex.open(path)  # round trip through the disk format


def best(index: FingerprintIndex, q: np.ndarray) -> Match | None:
    res = match_peaks(index.table(), peaks_of(q, QUERY_PEAKS), len(index.recordings))
    return res[0] if res else None


def excerpt(x: np.ndarray, start_s: float, seconds: float) -> np.ndarray:
    return x[int(start_s * synth.SR) : int((start_s + seconds) * synth.SR)]


def test_index_round_trip_and_size(index: FingerprintIndex) -> None:
    assert [r.id for r in index.recordings] == [f"song{k}.wav" for k in range(N_SONGS)]
    assert index.recordings[2].isrc == "JPX000000002"
    assert isinstance(index.table(), HashTable)
    mb_per_hour = index.disk_bytes() / 1e6 / (index.total_duration_s / 3600)
    assert mb_per_hour < 1.0


@pytest.mark.parametrize("k", range(N_SONGS))
def test_clean_excerpt_found_with_offset(index: FingerprintIndex, songs: list[np.ndarray], k: int) -> None:
    m = best(index, excerpt(songs[k], 12.3, 10))
    assert m is not None and m.track == k
    assert abs(m.offset_s - 12.3) < 0.2
    assert abs(m.speed - 1.0) < 0.005


@pytest.mark.parametrize("factor", [0.95, 0.975, 0.98, 1.02, 1.035, 1.05])
def test_speed_change(index: FingerprintIndex, songs: list[np.ndarray], factor: float) -> None:
    q = synth.speed(excerpt(songs[1], 10.0, 15 * factor), factor)
    m = best(index, q)
    assert m is not None and m.track == 1
    assert abs(m.offset_s - 10.0) < 0.5
    assert abs(m.speed - factor) < 0.005


@pytest.mark.parametrize("below_db", [6, 12])
def test_speech_over_music(index: FingerprintIndex, songs: list[np.ndarray], below_db: float) -> None:
    music = excerpt(songs[3], 5.0, 20)
    m = best(index, synth.mix_under(music, synth.babble(7, 20), below_db))
    assert m is not None and m.track == 3
    assert abs(m.offset_s - 5.0) < 0.5


def test_white_noise_0db(index: FingerprintIndex, songs: list[np.ndarray]) -> None:
    music = excerpt(songs[4], 20.0, 15)
    m = best(index, synth.mix_under(music, synth.white(3, music.size), 0))
    assert m is not None and m.track == 4


def test_speed_and_speech_together(index: FingerprintIndex, songs: list[np.ndarray]) -> None:
    music = synth.speed(excerpt(songs[5], 3.0, 20 * 1.03), 1.03)
    m = best(index, synth.mix_under(music, synth.babble(11, music.size / synth.SR + 1), 6))
    assert m is not None and m.track == 5


@pytest.mark.parametrize("seed", [100, 101, 102])
def test_unindexed_music_is_not_matched(index: FingerprintIndex, seed: int) -> None:
    assert best(index, synth.song(seed, 20)) is None


def test_speech_alone_and_noise_alone_are_not_matched(index: FingerprintIndex) -> None:
    assert best(index, synth.babble(5, 20)) is None
    assert best(index, synth.white(9, 20 * synth.SR)) is None
    assert best(index, np.zeros(10 * synth.SR, np.float32)) is None


def test_no_table_cache_is_written_unless_asked(songs: list[np.ndarray], tmp_path: Path) -> None:
    from bunpai.fingerprint.index import TABLE_CACHE

    path = tmp_path / "index"
    ix = FingerprintIndex.open(path, create=True)
    ix.add("a.wav", "", "a.wav", 40.0, peaks_of(songs[0], REFERENCE_PEAKS))
    ix.save()
    FingerprintIndex.open(path).table()
    assert not (path / TABLE_CACHE).exists()


def test_table_cache_is_used_and_follows_the_recordings(
    songs: list[np.ndarray], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bunpai.fingerprint.index import TABLE_CACHE, TABLE_CACHE_SETTING

    monkeypatch.setenv(TABLE_CACHE_SETTING, "1")
    path = tmp_path / "index"
    ix = FingerprintIndex.open(path, create=True)
    ix.add("a.wav", "", "a.wav", 40.0, peaks_of(songs[0], REFERENCE_PEAKS))
    ix.save()
    first = FingerprintIndex.open(path).table()
    assert (path / TABLE_CACHE).exists()
    cached = FingerprintIndex.open(path).table()
    assert np.array_equal(cached.starts, first.starts) and np.array_equal(cached.t, first.t)
    assert FingerprintIndex.open(path).disk_bytes() < FingerprintIndex.open(path).disk_bytes(with_cache=True)
    ix = FingerprintIndex.open(path)
    ix.add("b.wav", "", "b.wav", 40.0, peaks_of(songs[1], REFERENCE_PEAKS))
    ix.save()
    both = FingerprintIndex.open(path).table()
    assert len(both) > len(first) and both.track_frames.size == 2
    again = FingerprintIndex.open(path).table()
    assert np.array_equal(again.track, both.track)
