"""`bunpai prc …`: the private recording compensation distribution (私的録音補償金分配)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    prc = groups.add_parser(
        "prc",
        help="private recording compensation distribution / 私的録音補償金の分配",
        description="Private recording compensation distribution (私的録音補償金分配).",
    )
    commands = prc.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    run = commands.add_parser(
        "run",
        help="distribute one period from an input folder / 入力フォルダから1期分を分配",
        description="Distribute one period: read INPUT_DIR (see docs/prc-files.md), write OUTPUT_DIR.",
    )
    run.add_argument("input_dir", type=Path, metavar="INPUT_DIR")
    run.add_argument("--out", type=Path, required=True, metavar="OUTPUT_DIR")
    run.add_argument("--force", action="store_true", help="replace OUTPUT_DIR if it exists")
    run.add_argument("--quiet", action="store_true", help="print no summary")
    run.add_argument("--top", type=int, default=10, help="payees shown in the summary (default 10)")
    run.set_defaults(handler=_run)

    demo = commands.add_parser(
        "demo",
        help="generate a realistic demo period / デモ用の分配期データを生成",
        description="Write a realistic, generated private recording input folder to OUTPUT_DIR.",
    )
    demo.add_argument("out_dir", type=Path, metavar="OUTPUT_DIR")
    demo.add_argument("--works", type=int, default=5000, help="number of works (default 5000)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    demo.set_defaults(handler=_demo)

    annual = commands.add_parser(
        "annual-report",
        help="the yearly report to SARAH (Art. 5) / SARAHへの年次報告",
        description="Build the Art. 5 report of a fiscal year from the result folders of its periods.",
    )
    annual.add_argument("run_dirs", type=Path, nargs="+", metavar="RESULT_DIR")
    annual.add_argument("--fiscal-year", type=int, required=True, help="fiscal year (April to March) reported")
    annual.add_argument("--out", type=Path, help="write the report (JSON) here instead of printing it")
    annual.set_defaults(handler=_annual)

    trace = commands.add_parser(
        "trace",
        help="the usage lines, points and rules behind a statement line / 分配額の根拠",
        description="Show, for a holder and a work, the usage lines, points, share and unit prices behind the yen.",
    )
    trace.add_argument("input_dir", type=Path, metavar="INPUT_DIR")
    trace.add_argument("result_dir", type=Path, metavar="RESULT_DIR")
    trace.add_argument("--party", required=True, help="party_id of the holder")
    trace.add_argument("--work", required=True, help="work_id")
    trace.set_defaults(handler=_trace)


def _run(args: argparse.Namespace) -> int:
    from bunpai.services.prc import run_period_command

    return run_period_command(args.input_dir, args.out, force=args.force, quiet=args.quiet, top=args.top)


def _demo(args: argparse.Namespace) -> int:
    from bunpai.demo.prc import generate_period

    try:
        summary = generate_period(args.out_dir, works=args.works, seed=args.seed)
    except (FileExistsError, ValueError) as error:
        print(str(error), file=sys.stderr)
        return 2
    print(summary)
    return 0


def _annual(args: argparse.Namespace) -> int:
    import json

    from bunpai.core.prc.annual import annual_report

    summaries = []
    for folder in args.run_dirs:
        path = folder / "summary.json"
        if not path.is_file():
            print(f"{path}: not a result folder of bunpai prc run (summary.json missing)", file=sys.stderr)
            return 2
        summaries.append(json.loads(path.read_text(encoding="utf-8")))
    try:
        report = annual_report(args.fiscal_year, summaries)
    except (KeyError, ValueError) as error:
        print(f"cannot build the report: {error}", file=sys.stderr)
        return 2
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


def _trace(args: argparse.Namespace) -> int:
    from bunpai.formats.tables import InputError
    from bunpai.services.prc_trace import TraceError, describe, trace_line

    try:
        trace = trace_line(args.input_dir, args.result_dir, args.party, args.work)
    except InputError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        return 2
    except (TraceError, FileNotFoundError) as error:
        print(f"cannot trace: {error}", file=sys.stderr)
        return 2
    print("\n".join(describe(trace)))
    return 0 if trace.recorded_gross_yen in (None, trace.gross_yen) else 1
