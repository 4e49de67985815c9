"""`bunpai demo quarter OUT`: a broadcast quarter end to end on the embedded database (四半期のデモ)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = groups.add_parser(
        "demo",
        help="end-to-end demos / 一連の流れのデモ",
        description="Demos that run the society's work end to end on generated data.",
    )
    commands = demo.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    quarter = commands.add_parser(
        "quarter",
        help="a broadcast quarter: CWR → reports → identification → distribution → statements",
        description="Registrations (CWR) into the registry, licences and fees, the stations' monthly reports "
        "(with bad lines, a re-sent and a corrected file), identification and the queue, the quarter's "
        "distribution exported from the records, its run record, statements, CRD and Zengin files. Uses the "
        "database of BUNPAI_DATABASE_URL (an empty one: it is migrated here).",
    )
    quarter.add_argument("out_dir", type=Path, metavar="OUTPUT_DIR")
    quarter.add_argument("--works", type=int, default=360, help="works registered (default 360)")
    quarter.add_argument("--lines", type=int, default=150, help="lines per monthly report (default 150)")
    quarter.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    quarter.set_defaults(handler=_quarter)


def _quarter(args: argparse.Namespace) -> int:
    import sys

    from rich.console import Console
    from rich.table import Table

    from bunpai.formats.tables import InputError
    from bunpai.store import migrate, setup

    setup()
    from bunpai.broadcast.models import DistributionRun
    from bunpai.demo.quarter import run_demo_quarter
    from bunpai.services.broadcast import print_summary

    if _migrated() and DistributionRun.objects.exists():
        print("the database already holds distribution runs: use an empty one (BUNPAI_DATABASE_URL)", file=sys.stderr)
        return 2
    if args.out_dir.exists() and any(args.out_dir.iterdir()):
        print(f"{args.out_dir}: exists and is not empty", file=sys.stderr)
        return 4
    migrate()
    console = Console()
    try:
        demo = run_demo_quarter(
            args.out_dir, seed=args.seed, works=args.works, lines_per_report=args.lines, say=console.print
        )
    except InputError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        return 2
    console.rule("[bold]1. 作品届 / Registrations (CWR 2.1 → registry → ACK)")
    cwr = Table()
    for column in ("file / ファイル", "acknowledgements / 受付結果"):
        cwr.add_column(column)
    for name, counts in demo.cwr.items():
        cwr.add_row(name, ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    console.print(cwr)
    console.rule("[bold]2. 利用曲目報告 / Usage reports")
    reports = Table()
    for column in ("file / ファイル", "status / 状態", "good / 正常", "bad / 不良", "note / 備考"):
        reports.add_column(column, justify="right" if column.split()[0] in ("good", "bad") else "left")
    for r in demo.reports:
        note = ""
        if r["status"] == "unchanged":
            note = "same file again: nothing changed / 同一ファイル"
        elif r.get("replaced"):
            note = f"corrects report #{r['replaced']} / 差し替え"
        elif r.get("spoiled"):
            note = "bad: " + ", ".join(str(f) for f in r["spoiled"])  # type: ignore[union-attr]
        reports.add_row(str(r["file"]), str(r["status"]), str(r["good"]), str(r["bad"]), note)
    console.print(reports)
    console.rule("[bold]3. 作品同定 / Identification")
    total = sum(demo.identification.values())
    ident = Table()
    for column in ("outcome (decision) / 結果", "lines / 件数", "share / 割合"):
        ident.add_column(column, justify="left" if column.startswith("outcome") else "right")
    for key, count in sorted(demo.identification.items(), key=lambda kv: -kv[1]):
        ident.add_row(key, f"{count:,}", f"{100 * count / total:.1f} %")
    console.print(ident)
    console.print(
        f"queue / 確認待ち: {demo.decided} line(s) decided by staff, {demo.queue_open} item(s) still open "
        "(their money is held under the line / 保留)"
    )
    console.rule("[bold]4. 使用料 / Licence fees (fiscal 2026)")
    fees = Table()
    for column in ("licensee / 利用者", "yearly fee / 年額", "unpaid on 2026-06-30 / 未収"):
        fees.add_column(column, justify="left" if column.startswith("licensee") else "right")
    for code, fee in demo.fees.items():
        fees.add_row(code, f"¥{fee:,}", f"¥{demo.unpaid[code]:,}")
    console.print(fees)
    print_summary(demo.run, args.out_dir / "result")  # type: ignore[arg-type]
    console.print(f"run record / 分配記録 #{demo.run_id} · {demo.statements} → {args.out_dir / 'statements'}")
    r = demo.release_summary
    if r:
        console.rule(f"[bold]5. 保留分の解除 / Held money released with {r['quarter']} (run #{demo.release_run_id})")
        console.print(
            f"the run #{demo.run_id} approved; staff decided {demo.released_decisions} more queued line(s) in the "
            f"next quarter; released / 解除 ¥{r['released_in_total_yen']:,} = lines ¥{r['lines_total_yen']:,} + "
            f"still held ¥{r['held_total_yen']:,} + carried ¥{r['carry_out_total_yen']:,}; lines = fees "
            f"¥{r['fees_total_yen']:,} + net ¥{r['net_total_yen']:,}; {r['count_payees']} payee(s); "
            f"{r['count_not_released']} held item(s) wait for their holders → {args.out_dir / 'release'}"
        )
    return 0


def _migrated() -> bool:
    from django.db import connection

    return "broadcast_distributionrun" in connection.introspection.table_names()
