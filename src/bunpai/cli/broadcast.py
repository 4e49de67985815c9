"""`bunpai broadcast …`: the quarterly broadcast distribution (放送等使用料の分配) and what follows it."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    broadcast = groups.add_parser(
        "broadcast",
        help="broadcast distribution / 放送等使用料の分配",
        description="Broadcast licences, the quarterly distribution, statements and payments (放送等使用料).",
    )
    commands = broadcast.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    run = commands.add_parser(
        "run",
        help="distribute one quarter from an input folder / 入力フォルダから四半期分を分配",
        description="Distribute one quarter: read INPUT_DIR (see docs/broadcast-files.md), write OUTPUT_DIR.",
    )
    run.add_argument("input_dir", type=Path, metavar="INPUT_DIR")
    run.add_argument("--out", type=Path, required=True, metavar="OUTPUT_DIR")
    run.add_argument("--force", action="store_true", help="replace OUTPUT_DIR if it exists")
    run.add_argument("--quiet", action="store_true", help="print no summary")
    run.add_argument("--top", type=int, default=10, help="payees shown in the summary (default 10)")
    run.add_argument("--row-by-row", action="store_true", help="use the row-by-row reference (slow; for audit)")
    run.add_argument(
        "--tables",
        choices=("csv", "parquet"),
        default="csv",
        help="csv (the contract, default) or parquet: statement lines and work points as folders of "
        "Parquet files in the compact layout, for national-scale quarters / 大規模な四半期向けの Parquet 出力",
    )
    run.set_defaults(handler=_run)

    export = commands.add_parser(
        "export",
        help="write a quarter's input folder from the records / 記録から四半期の入力フォルダを作成",
        description="Write the input folder of QUARTER (e.g. 2026Q2) from the database: fees received in the "
        "quarter per fund group, the previous quarter's carry, stations, the registry's shares as of the "
        "reference date, and every work line of the quarter's current reports with its identification.",
    )
    export.add_argument("quarter", metavar="QUARTER")
    export.add_argument("--out", type=Path, required=True, metavar="INPUT_DIR")
    export.add_argument("--reference-date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    export.add_argument("--distribution-date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    export.set_defaults(handler=_export)

    rel = commands.add_parser(
        "release",
        help="pay money an earlier quarter held / 保留分の解除",
        description="Pay the money an earlier quarter held for lines identified since and holders notified "
        "since, from a release folder (docs/broadcast-files.md); the result is statements like a quarter's.",
    )
    rel.add_argument("input_dir", type=Path, metavar="INPUT_DIR")
    rel.add_argument("--out", type=Path, required=True, metavar="OUTPUT_DIR")
    rel.add_argument("--force", action="store_true", help="replace OUTPUT_DIR if it exists")
    rel.add_argument("--quiet", action="store_true")
    rel.set_defaults(handler=_release)

    export_release = commands.add_parser(
        "export-release",
        help="write the release folder of a run's held money from the records / 保留解除の入力を作成",
        description="Write the release folder of the money held by the approved run RUN_ID, paid with QUARTER.",
    )
    export_release.add_argument("run_id", type=int, metavar="RUN_ID")
    export_release.add_argument("quarter", metavar="QUARTER")
    export_release.add_argument("--out", type=Path, required=True, metavar="INPUT_DIR")
    export_release.set_defaults(handler=_export_release)

    demo = commands.add_parser(
        "demo",
        help="generate a realistic demo quarter / デモ用の四半期データを生成",
        description="Write a realistic, generated broadcast input folder to OUTPUT_DIR.",
    )
    demo.add_argument("out_dir", type=Path, metavar="OUTPUT_DIR")
    demo.add_argument("--works", type=int, default=3000, help="number of works (default 3000)")
    demo.add_argument("--lines", type=int, default=60000, help="usage lines (default 60000)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    demo.set_defaults(handler=_demo)

    statements = commands.add_parser(
        "statements",
        help="statements, CRD and Zengin files of a quarter / 分配明細・CRD・全銀ファイル",
        description="Per-payee statements (CSV and PDF), a CRD file per foreign society and a Zengin transfer "
        "file for the domestic payees, from RESULT_DIR (bunpai broadcast run) and its INPUT_DIR.",
    )
    statements.add_argument("result_dir", type=Path, metavar="RESULT_DIR")
    statements.add_argument("--input", type=Path, required=True, metavar="INPUT_DIR", help="the run's input folder")
    statements.add_argument("--out", type=Path, required=True, metavar="DIR")
    statements.add_argument("--force", action="store_true", help="replace DIR if it exists")
    statements.add_argument("--no-pdf", action="store_true", help="CSV statements only")
    statements.set_defaults(handler=_statements)


def _run(args: argparse.Namespace) -> int:
    from bunpai.services.broadcast import run_quarter_command

    return run_quarter_command(
        args.input_dir,
        args.out,
        force=args.force,
        quiet=args.quiet,
        top=args.top,
        row_by_row=args.row_by_row,
        tables=args.tables,
    )


def _statements(args: argparse.Namespace) -> int:
    import sys

    from bunpai.formats.tables import InputError
    from bunpai.services.broadcast_payments import build_statements

    try:
        result = build_statements(args.result_dir, args.input, args.out, force=args.force, pdf=not args.no_pdf)
    except InputError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        print(f"{len(error.problems)} problem(s): nothing written / 出力は作成していません。", file=sys.stderr)
        return 2
    except FileExistsError as error:
        print(str(error), file=sys.stderr)
        return 4
    paid = sum(p.payable_yen for p in result.payments)
    tax = sum(p.withholding_yen for p in result.payments)
    print(
        f"{len(result.payments)} statement(s) / 分配明細, {len(result.crd_files)} CRD file(s), "
        f"{result.zengin_transfers} Zengin transfer(s); paid / 支払額 ¥{paid:,}, withheld / 源泉徴収 ¥{tax:,} "
        f"→ {result.written}"
    )
    for note in result.notes:
        print(f"note: {note}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    import sys

    from bunpai.demo.broadcast import generate_quarter

    try:
        print(generate_quarter(args.out_dir, works=args.works, lines=args.lines, seed=args.seed))
    except (FileExistsError, ValueError) as error:
        print(str(error), file=sys.stderr)
        return 2
    return 0


def _export(args: argparse.Namespace) -> int:
    import sys

    from bunpai.formats.tables import InputError
    from bunpai.store import setup

    setup()
    from bunpai.services.broadcast_quarter import export_quarter

    try:
        result = export_quarter(
            args.out, args.quarter, reference_date=args.reference_date, distribution_date=args.distribution_date
        )
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    except InputError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        print(f"{len(error.problems)} problem(s): nothing written / 出力は作成していません。", file=sys.stderr)
        return 2
    counts = ", ".join(f"{k} {v:,}" for k, v in result.counts.items())
    funds = ", ".join(f"{g} ¥{a:,}" for g, a in result.groups.items())
    print(f"{args.quarter} → {result.folder}: {counts}; fees received / 収入: {funds}")
    return 0


def _release(args: argparse.Namespace) -> int:
    from bunpai.services.broadcast_release import run_release_command

    return run_release_command(args.input_dir, args.out, force=args.force, quiet=args.quiet)


def _export_release(args: argparse.Namespace) -> int:
    import sys

    from bunpai.store import setup

    setup()
    from bunpai.broadcast.models import DistributionRun
    from bunpai.services.broadcast_quarter import export_release

    run = DistributionRun.objects.filter(pk=args.run_id).first()
    if run is None:
        print(f"no distribution run #{args.run_id}", file=sys.stderr)
        return 2
    try:
        result = export_release(args.out, run, args.quarter)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    counts = ", ".join(f"{k} {v:,}" for k, v in result.counts.items())
    print(f"release of run #{run.pk} ({run.quarter}) with {args.quarter} → {result.folder}: {counts}")
    return 0
