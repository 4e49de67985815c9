"""`bunpai identify --works WORKS.csv --usage USAGE.csv --out MATCHES.csv` (楽曲の特定)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = groups.add_parser(
        "identify",
        help="identify usage lines against a works list / 利用曲目を作品リストと照合",
        description="Identify every line of USAGE.csv (line_id,title,creators,work_code,iswc) against "
        "WORKS.csv (work_id,title,alt_titles,creators,iswc; lists separated by |) and write "
        "MATCHES.csv (line_id,work_id,score,decision: auto, review or none).",
    )
    parser.add_argument("--works", type=Path, required=True, metavar="WORKS.csv")
    parser.add_argument("--usage", type=Path, required=True, metavar="USAGE.csv")
    parser.add_argument("--out", type=Path, required=True, metavar="MATCHES.csv")
    parser.add_argument(
        "--processes",
        type=_processes,
        default=1,
        metavar="N",
        help="processes that identify large files: this one and N-1 workers, each with an index of its own "
        "(about 5 GB each for a million works) / 照合に使うプロセス数 (default 1)",
    )
    parser.add_argument("--quiet", action="store_true", help="print no summary")
    parser.set_defaults(handler=_identify)


def _processes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of processes, at least 1: {text!r}")
    return value


def _identify(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from bunpai.formats.tables import InputError
    from bunpai.services.identify import identify_files

    console = Console(stderr=True, highlight=False)
    try:
        with Progress(console=console, transient=True, disable=args.quiet) as bar:
            task = bar.add_task("identifying / 照合中", total=None)
            outcome = identify_files(
                args.works,
                args.usage,
                args.out,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                processes=args.processes,
            )
    except InputError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"bunpai identify: {len(error.problems)} problem(s); nothing written / 出力なし", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"bunpai identify: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 2
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not args.quiet:
        d = outcome.decisions
        print(
            f"{outcome.lines} lines ({outcome.distinct} distinct): auto {d['auto']}, review {d['review']}, "
            f"none {d['none']} → {args.out}\n"
            f"{outcome.lines} 行（異なる行 {outcome.distinct}）: 自動特定 {d['auto']}、要確認 {d['review']}、"
            f"特定不能 {d['none']}"
        )
    return 0
