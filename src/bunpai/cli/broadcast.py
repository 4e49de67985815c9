"""`bunpai broadcast …`: the quarterly broadcast distribution (放送等使用料の分配) and what follows it."""

from __future__ import annotations

import argparse
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
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from bunpai.services.broadcast import run_quarter_command

    return run_quarter_command(
        args.input_dir, args.out, force=args.force, quiet=args.quiet, top=args.top, row_by_row=args.row_by_row
    )
