"""The commands end to end on generated WAV files: index, match, monitor with usage and reconciliation."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import soundfile as sf

from bunpai.cli.main import main
from bunpai.fingerprint.audio import resample
from tests.fingerprint import synth


def write(path: Path, x: np.ndarray, rate: int = 22050) -> Path:
    sf.write(str(path), resample(x, synth.SR, rate), rate)
    return path


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_index_match_monitor(tmp_path: Path) -> None:
    refs = tmp_path / "refs"
    refs.mkdir()
    songs = [synth.song(seed, 40) for seed in (20, 21, 22)]
    for k, x in enumerate(songs[:2]):
        write(refs / f"track{k}.wav", x)
    extra = write(tmp_path / "track2.flac", songs[2], 44100)
    isrc = tmp_path / "isrc.csv"
    isrc.write_text("file,isrc\ntrack0.wav,JPA000000001\ntrack1.wav,JPA000000002\ntrack2.flac,JPA000000003\n")
    index = tmp_path / "index"
    assert (
        main(["fingerprint", "index", str(refs), "--index", str(index), "--isrc", str(isrc), "--quiet"]) == 0
    )
    # Adding to an existing index.
    assert (
        main(["fingerprint", "index", str(extra), "--index", str(index), "--isrc", str(isrc), "--quiet"]) == 0
    )

    queries = tmp_path / "queries"
    queries.mkdir()
    write(queries / "q_clean.wav", songs[1][10 * synth.SR : 20 * synth.SR], 16000)
    write(queries / "q_fast.wav", synth.speed(songs[2][5 * synth.SR : 26 * synth.SR], 1.05))
    write(queries / "q_none.wav", synth.babble(3, 10))
    out = tmp_path / "pred.csv"
    assert (
        main(["fingerprint", "match", "--index", str(index), str(queries), "--out", str(out), "--quiet"]) == 0
    )
    pred = {r["qid"]: r for r in rows(out)}
    assert list(rows(out)[0]) == ["qid", "match_track", "offset_s", "score", "match_dur_s", "speed", "isrc"]
    assert pred["q_clean"]["match_track"] == "track1.wav"
    assert abs(float(pred["q_clean"]["offset_s"]) - 10.0) < 0.3
    assert pred["q_fast"]["match_track"] == "track2.flac"
    assert pred["q_fast"]["isrc"] == "JPA000000003"
    assert abs(float(pred["q_fast"]["offset_s"]) - 5.0) < 0.5
    assert pred["q_none"]["match_track"] == ""

    # A broadcast: talk, a song, talk, a song under talk and slightly fast, an unindexed jingle, talk.
    talk = synth.babble(8, 120)
    song_under_talk = synth.speed(songs[1][: 32 * synth.SR], 1.03)
    parts = [
        talk[: 15 * synth.SR],
        songs[0],
        talk[20 * synth.SR : 30 * synth.SR],
        synth.mix_under(song_under_talk, talk[40 * synth.SR :], 6),
        synth.song(99, 12),
        talk[90 * synth.SR : 100 * synth.SR],
    ]
    broadcast = write(tmp_path / "broadcast.wav", np.concatenate(parts))
    reported = tmp_path / "reported.csv"
    reported.write_text(
        "station,date,time,isrc,title\n"
        "JOXX,2026-04-01,05:00:20,JPA000000001,Track Zero\n"
        "JOXX,2026-04-01,05:30:00,JPA000000003,Never Played\n"
    )
    det = tmp_path / "det.csv"
    usage = tmp_path / "usage.csv"
    recon = tmp_path / "recon.csv"
    code = main(
        [
            "monitor",
            str(broadcast),
            "--index",
            str(index),
            "--out",
            str(det),
            "--station",
            "JOXX",
            "--start",
            "2026-04-01T05:00:00",
            "--usage",
            str(usage),
            "--reported",
            str(reported),
            "--reconciliation",
            str(recon),
            "--quiet",
        ]
    )
    assert code == 0
    found = rows(det)
    assert [d["recording_id"] for d in found] == ["track0.wav", "track1.wav"]
    first, second = found
    assert abs(float(first["start_s"]) - 15) < 6 and abs(float(first["end_s"]) - 55) < 6
    assert abs(float(second["start_s"]) - 65) < 8
    assert abs(float(second["speed"]) - 1.03) < 0.01
    lines = rows(usage)
    assert [u["isrc"] for u in lines] == ["JPA000000001", "JPA000000002"]
    assert lines[0]["date"] == "2026-04-01" and lines[0]["start_time"].startswith("05:00:1")
    status = {(r["status"], r["isrc"]) for r in rows(recon)}
    assert status == {
        ("matched", "JPA000000001"),
        ("not_reported", "JPA000000002"),
        ("not_heard", "JPA000000003"),
    }


def test_merge_joins_one_playback_and_drops_repeats_within_it() -> None:
    from bunpai.fingerprint.monitor import Detection, merge

    raw = [
        Detection(3, 0.0, 19.0, 40.0, 1.0, 300),
        Detection(3, 10.0, 29.5, 50.0, 1.0, 280),  # the same playback, next window
        Detection(3, 12.0, 20.0, 97.0, 1.0, 40),  # a repeated passage of the same recording
        Detection(5, 15.0, 29.0, 3.0, 1.0, 90),  # another recording mixed in (a segue)
        Detection(3, 200.0, 219.0, 10.0, 1.0, 250),  # a later playback of recording 3
    ]
    out = merge(raw)
    assert [(d.track, d.start_s, d.end_s, d.ref_offset_s) for d in out] == [
        (3, 0.0, 29.5, 40.0),
        (5, 15.0, 29.0, 3.0),
        (3, 200.0, 219.0, 10.0),
    ]


def test_span_leaves_out_stray_hits_on_the_line() -> None:
    import numpy as np

    from bunpai.fingerprint.matcher import _span
    from bunpai.fingerprint.spectral import FRAMES_PER_SECOND

    rng = np.random.default_rng(1)
    playback = rng.uniform(2.0, 9.0, 200)  # seconds 2–9 of the query
    stray = np.array([13.2, 13.5, 18.9])  # chance hits on the line after the playback ended
    q0, q1 = _span(np.concatenate([playback, stray]) * FRAMES_PER_SECOND, 0.2)
    assert 2.0 <= q0 < 2.1 and 8.9 < q1 <= 9.0
