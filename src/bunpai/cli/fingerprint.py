"""`bunpai fingerprint …` and `bunpai monitor`: recognise recordings in broadcast audio.

音響指紋による放送モニタリング。
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fp = groups.add_parser(
        "fingerprint",
        help="audio fingerprint index and matching / 音響指紋の登録と照合",
        description="Index reference recordings and identify query audio by its fingerprint.",
    )
    commands = fp.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    index = commands.add_parser(
        "index",
        help="add recordings to an index / 参照録音をインデックスに登録",
        description="Add audio files (or folders of them) to the index at PATH, creating it if missing. "
        "A recording's id is its file name; --isrc CSV (columns file,isrc) links files to ISRCs.",
    )
    index.add_argument("items", type=Path, nargs="+", metavar="FILES_OR_DIRS")
    index.add_argument("--index", type=Path, required=True, metavar="PATH")
    index.add_argument("--isrc", type=Path, metavar="CSV", help="file,isrc mapping / ファイルとISRCの対応")
    index.add_argument("--quiet", action="store_true")
    index.set_defaults(handler=_index)

    match = commands.add_parser(
        "match",
        help="identify query files / クエリ音源を照合",
        description="Match each query file against the index; one CSV row per query "
        "(qid, match_track, offset_s, score, match_dur_s, speed, isrc).",
    )
    match.add_argument("queries", type=Path, nargs="+", metavar="QUERY_FILES")
    match.add_argument("--index", type=Path, required=True, metavar="PATH")
    match.add_argument("--out", type=Path, required=True, metavar="PREDICTIONS.csv")
    match.add_argument("--quiet", action="store_true")
    match.set_defaults(handler=_match)

    mon = groups.add_parser(
        "monitor",
        help="find indexed recordings in a broadcast recording / 放送録音から楽曲を検出",
        description="Stream a long broadcast recording, write one row per detected playback, and "
        "optionally usage lines and a reconciliation against the station's reported lines.",
    )
    mon.add_argument("recording", type=Path, metavar="RECORDING")
    mon.add_argument("--index", type=Path, required=True, metavar="PATH")
    mon.add_argument("--out", type=Path, required=True, metavar="DETECTIONS.csv")
    mon.add_argument("--station", default="", help="station code / 放送局")
    mon.add_argument(
        "--start",
        type=datetime.fromisoformat,
        default=None,
        metavar="YYYY-MM-DDTHH:MM:SS",
        help="wall-clock time of the recording's start / 録音開始時刻",
    )
    mon.add_argument("--usage", type=Path, metavar="USAGE.csv", help="write usage lines / 利用実績を出力")
    mon.add_argument("--reported", type=Path, metavar="REPORTED.csv", help="station's reported lines / 報告")
    mon.add_argument(
        "--reconciliation", type=Path, metavar="RECON.csv", help="write the reconciliation / 照合結果"
    )
    mon.add_argument(
        "--min-duration",
        type=float,
        default=10.0,
        metavar="S",
        help="shortest playback that makes a usage line (default 10 s)",
    )
    mon.add_argument("--quiet", action="store_true")
    mon.set_defaults(handler=_monitor)


def _index(args: argparse.Namespace) -> int:
    from bunpai.fingerprint.index import IndexFormatError
    from bunpai.fingerprint.service import index_files

    try:
        s = index_files(args.items, args.index, args.isrc, quiet=args.quiet)
    except (IndexFormatError, OSError) as exc:
        print(f"error / エラー: {exc}", file=sys.stderr)
        return 2
    for f in s.failed:
        print(f"skipped / 読み込めません: {f}", file=sys.stderr)
    if not args.quiet:
        print(
            f"added {s.added} recordings; index holds {s.recordings} ({s.hours:.2f} h, "
            f"{s.disk_bytes / 1e6:.2f} MB) / {s.added} 件登録、計 {s.recordings} 件"
        )
    return 1 if s.failed else 0


def _match(args: argparse.Namespace) -> int:
    from bunpai.fingerprint.index import IndexFormatError
    from bunpai.fingerprint.service import match_files

    try:
        n, hit, failed = match_files(args.index, args.queries, args.out, quiet=args.quiet)
    except (IndexFormatError, OSError) as exc:
        print(f"error / エラー: {exc}", file=sys.stderr)
        return 2
    for f in failed:
        print(f"skipped / 読み込めません: {f}", file=sys.stderr)
    if not args.quiet:
        print(f"{hit} of {n} queries matched / {n} 件中 {hit} 件一致 → {args.out}")
    return 1 if failed else 0


def _monitor(args: argparse.Namespace) -> int:
    from bunpai.fingerprint.audio import AudioError
    from bunpai.fingerprint.index import IndexFormatError
    from bunpai.fingerprint.reconcile import ReportError
    from bunpai.fingerprint.service import monitor_file

    try:
        s = monitor_file(
            args.recording,
            args.index,
            args.out,
            station=args.station,
            start=args.start,
            usage_out=args.usage,
            reported=args.reported,
            reconciliation_out=args.reconciliation,
            min_duration_s=args.min_duration,
            quiet=args.quiet,
        )
    except (IndexFormatError, AudioError, ReportError, OSError, ValueError) as exc:
        print(f"error / エラー: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(
            f"{s.duration_s / 60:.1f} min monitored: {s.detections} playbacks, {s.usage_lines} usage lines / "
            f"{s.duration_s / 60:.1f} 分を監視: {s.detections} 件検出"
        )
        if args.reported is not None:
            print(
                f"reconciliation: {s.matched} matched, {s.not_reported} played but not reported, "
                f"{s.not_heard} reported but not heard / 一致 {s.matched}、未報告 {s.not_reported}、"
                f"未検出 {s.not_heard}"
            )
    return 0
