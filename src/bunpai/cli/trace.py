"""`bunpai trace`: the usage lines, points and rules behind each yen of a payee for a work."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = groups.add_parser(
        "trace",
        help="trace a payee's yen for a work back to usage lines and rules / 分配額の根拠",
        description="Trace a payee's money for one work in a broadcast quarter back to the usage lines, "
        "their points and the rules applied, from RESULT_DIR and its INPUT_DIR.",
    )
    parser.add_argument("result_dir", type=Path, metavar="RESULT_DIR")
    parser.add_argument("--input", type=Path, required=True, metavar="INPUT_DIR")
    parser.add_argument("--payee", required=True, help="payee id (a party, or a foreign society's code)")
    parser.add_argument("--work", required=True, help="work id")
    parser.add_argument("--json", action="store_true", help="print the trace as JSON")
    parser.add_argument("--limit", type=int, default=20, help="usage lines shown per statement line (default 20)")
    parser.set_defaults(handler=_trace)


def _trace(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from bunpai.core.money import format_ratio, format_yen_exact
    from bunpai.formats.tables import InputError
    from bunpai.services.trace import trace, trace_document

    if not (args.result_dir / "summary.json").is_file():
        print(f"{args.result_dir}: not a result folder (summary.json missing)", file=sys.stderr)
        return 2
    try:
        t = trace(args.result_dir, args.input, args.payee, args.work)
    except InputError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(trace_document(t), ensure_ascii=False, indent=2))
        return 0 if all(s.matches for s in t.statements) else 3
    console = Console()
    console.rule(f"[bold]Trace / 分配根拠 — payee {t.payee_id}, work {t.work_id}, {t.quarter}")
    console.print(f"rule set / 規程 {t.ruleset}; time points / 時間点数: {t.rules['time_points']}")
    console.print(f"method points / 使用方法点数: {t.rules['method_points']}")
    if not t.statements:
        console.print("[yellow]no statement line of this payee for this work[/]")
        return 1
    for s in t.statements:
        table = Table(title=f"{s.party_id} · {s.fund_group} · {s.right}: ¥{s.statement_gross_yen:,}")
        for column in ("line", "station", "seconds", "time", "method", "m.pts", "st.pts", "sampling", "points"):
            table.add_column(column, justify="left" if column in ("line", "station", "method") else "right")
        for line in s.lines[: max(args.limit, 0)]:
            table.add_row(
                line.line_id,
                line.station_id,
                str(line.duration_s),
                format_ratio(line.time_points),
                line.method,
                format_ratio(line.method_points),
                format_ratio(line.station_points),
                format_ratio(line.sampling_rate),
                format_ratio(line.points),
            )
        console.print(table)
        if len(s.lines) > args.limit:
            console.print(f"  … {len(s.lines) - args.limit:,} more usage line(s) (--limit, or --json for all)")
        console.print(
            f"  Σ points of the work / 作品点数 {format_ratio(s.raw_points)} (basic points / 基本点数 "
            f"{format_ratio(s.basic_points)} count in the fund's total); share of {s.party_id} / 取分 "
            f"{format_ratio(s.share)}"
        )
        console.print(
            f"  fund / 資金 ¥{s.fund_in_yen:,} ÷ total points / 総点数 {format_ratio(s.total_points)} = "
            f"unit price / 単価 {format_ratio(s.unit_price)}"
        )
        mark = "[green]✓[/]" if s.matches else "[red]✗ differs from the statement[/]"
        console.print(
            f"  {format_ratio(s.unit_price)} × {format_ratio(s.raw_points)} × {format_ratio(s.share)} = "
            f"¥{format_yen_exact(s.exact_yen)} → floored ¥{s.recomputed_yen:,} {mark}"
        )
    return 0 if all(s.matches for s in t.statements) else 3
