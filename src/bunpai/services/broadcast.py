"""Running one broadcast quarter: read, distribute, prove conservation, write, summarise."""

from __future__ import annotations

import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bunpai.core.broadcast.conservation import ConservationError, check_conservation
from bunpai.core.broadcast.reference import distribute
from bunpai.core.broadcast.rules import BroadcastRuleSet
from bunpai.core.money import format_ratio
from bunpai.core.rules import PrcRuleSet
from bunpai.engine.broadcast import (
    EngineResult,
    FastPathUnavailable,
    distribute_frames,
    quarter_input_from_frames,
    result_from_outcome,
)
from bunpai.formats.broadcast_input import BroadcastFrames, read_input
from bunpai.formats.broadcast_output import input_digests, write_quarter
from bunpai.formats.prc_output import OutputError
from bunpai.formats.tables import InputError
from bunpai.rules import broadcast_ruleset_for, prc_ruleset_for


@dataclass
class QuarterRun:
    frames: BroadcastFrames
    rules: BroadcastRuleSet
    table: PrcRuleSet
    result: EngineResult
    path: str
    input_dir: Path
    digests: Future[dict[str, str]] | None = None
    """The input files' SHA-256, taken beside the run from its start (``inputs.json``)."""

    def input_files(self) -> dict[str, str]:
        """The SHA-256 of every input file, relative path → hex."""
        return self.digests.result() if self.digests is not None else input_digests(self.input_dir)


def share_table(frames: BroadcastFrames) -> PrcRuleSet:
    """The default share table (the PRC rules' Art. 13 table in force on the reference date)."""
    return prc_ruleset_for(frames.quarter.reference_date)


USAGE_ROW_GROUPS_AHEAD = 4
"""Row groups of the usage lines Polars decodes ahead of the engine (its setting
``POLARS_ROW_GROUP_PREFETCH_SIZE``)."""
_PREFETCH_SETTING = "POLARS_ROW_GROUP_PREFETCH_SIZE"


def compute_quarter(
    input_dir: Path, *, progress: bool = False, row_by_row: bool = False, settle_now: bool = True
) -> QuarterRun:
    """Read and distribute one quarter; raises InputError or ConservationError.

    With ``settle_now=False`` the totals of the statement lines are taken while :func:`write_run`
    writes them (one pass over the largest table instead of two), and conservation is proved
    there, before anything is moved into place."""
    console = Console(stderr=True, quiet=not progress)
    # Polars decodes Parquet row groups ahead of the engine's pass over the usage lines; by default
    # up to hundreds at once, about a gigabyte at 100 M lines while the share rows are read beside
    # it. A few are as fast on a local disk (a value set by the user is kept). Set before any
    # thread of this run starts.
    os.environ.setdefault(_PREFETCH_SETTING, str(USAGE_ROW_GROUPS_AHEAD))
    # The input files' digests are taken on a thread of their own while the quarter is read and
    # distributed (the hashing releases the interpreter): they are those of the files as read.
    hashing = ThreadPoolExecutor(max_workers=1)
    digests = hashing.submit(input_digests, input_dir)
    hashing.shutdown(wait=False)
    with console.status("reading / 読み込み中…") as status:
        # The columnar engine reads a slim copy of the share rows, on a thread of its own while it
        # reads the usage lines; every column is read again only if the row-by-row path needs it.
        frames, rules = read_input(
            input_dir,
            rules_for=broadcast_ruleset_for,
            defer_usage_checks=True,
            engine_rows_only=not row_by_row,
            share_rows_meanwhile=not row_by_row,
        )
        table = share_table(frames)
        status.update("distributing / 分配計算中…")
        path = "columnar"
        result: EngineResult | None = None
        if not row_by_row:
            try:
                result = distribute_frames(frames, table, rules.label, progress=lambda m: status.update(f"{m}…"))
            except FastPathUnavailable as reason:
                console.print(f"values too large for 128-bit reductions ({reason}); exact row-by-row path")
        if result is None:
            result = result_from_outcome(distribute(quarter_input_from_frames(frames), table, rules.label))
            path = "row-by-row"
    run = QuarterRun(frames, rules, table, result, path, input_dir, digests)
    if settle_now:
        settled_summary(run)
    return run


def settled_summary(run: QuarterRun) -> dict[str, Any]:
    """The summary, once conservation is proved (raises ConservationError when it does not hold)."""
    summary = run.result.summary
    if summary.get("balanced") is not True:
        check_conservation(summary, int(run.result.payees["gross_yen"].sum()))
        summary["balanced"] = True
        summary["notes"] = run.frames.notes
    return summary


def applied_document(run: QuarterRun) -> dict[str, Any]:
    """The rule set and the quarter's own values as applied."""
    q = run.frames.quarter
    tp = q.time_points
    return {
        "quarter": {
            "quarter": q.quarter,
            "admin_fee_rate": format_ratio(q.admin_fee_rate),
            "documents_days_before": q.documents_days_before,
            "time_points": {
                "bands": [[b, format_ratio(v)] for b, v in tp.bands],
                "per_extra": [tp.per_extra[0], format_ratio(tp.per_extra[1])] if tp.per_extra else None,
                "per_second_cap": tp.per_second_cap,
            },
            "method_points": {k: format_ratio(v) for k, v in sorted(q.method_points.items())},
            "fund_groups": [
                {
                    "id": g.group_id,
                    "amount_yen": g.amount_yen,
                    "recording_ratio": format_ratio(g.recording_ratio),
                    "carry_in_performing_yen": g.carry_in_performing_yen,
                    "carry_in_mechanical_yen": g.carry_in_mechanical_yen,
                    "admin_fee_rate": format_ratio(q.fee_rate_of(g.group_id)),
                }
                for g in q.groups
            ],
        },
        "ruleset": run.rules,
        "share_table": f"{run.table.name}@{run.table.version}",
    }


def write_run(run: QuarterRun, out_dir: Path, *, force: bool = False, tables: str = "csv") -> None:
    """The output folder; ``tables="parquet"`` writes the statement lines and work points in the
    compact layout (folders of Parquet files) where the columnar engine made the run."""
    from bunpai.formats.prc_output import ruleset_document

    result = run.result
    applied = applied_document(run)
    applied["ruleset"] = ruleset_document(run.rules)

    write_quarter(
        out_dir,
        statement_lines=result.statement_lines,
        payees=lambda: result.payees,
        held=result.held,
        work_points=result.work_points,
        summary=lambda: settled_summary(run),
        applied=applied,
        inputs={
            "input_dir": run.input_dir.name,
            "usage_source": run.frames.usage_source,
            "files": run.input_files(),
        },
        force=force,
        columnar=(result.columnar.statement_lines, result.columnar.work_points)
        if tables == "parquet" and result.columnar is not None
        else None,
    )


def run_quarter_command(
    input_dir: Path,
    out_dir: Path,
    *,
    force: bool,
    quiet: bool,
    top: int,
    row_by_row: bool = False,
    tables: str = "csv",
) -> int:
    err = Console(stderr=True)
    try:
        run = compute_quarter(input_dir, progress=not quiet, row_by_row=row_by_row, settle_now=False)
    except InputError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        err.print(
            f"[bold red]{len(error.problems)} problem(s) in {input_dir.name}: no output written / "
            f"入力に {len(error.problems)} 件の問題があります。出力は作成していません。[/]"
        )
        return 2
    except ConservationError as error:
        err.print(f"[bold red]{error}[/]\nno output written / 出力は作成していません。")
        return 3
    try:
        write_run(run, out_dir, force=force, tables=tables)
    except ConservationError as error:
        err.print(f"[bold red]{error}[/]\nno output written / 出力は作成していません。")
        return 3
    except OutputError as error:
        err.print(f"[bold red]{error}[/]")
        return 4
    if not quiet:
        print_summary(run, out_dir, top=top)
    return 0


def _yen(value: object) -> str:
    return f"¥{int(value):,}"  # type: ignore[call-overload]


def print_summary(run: QuarterRun, out_dir: Path, *, top: int = 10) -> None:
    s: dict[str, Any] = run.result.summary
    console = Console()
    console.rule(f"[bold]放送等使用料の分配 / Broadcast distribution — {s['quarter']}")
    console.print(
        f"reference date / 確定基準日 {s['reference_date']} · paid / 分配日 {s['distribution_date']} "
        f"(foreign societies / 外国団体 {s['foreign_payment_date']}) · rule set / 規程 {s['ruleset']} · path {run.path}"
    )
    funds = Table(title="Funds / 分配資金")
    for column in (
        "group / 区分",
        "right / 権利",
        "fund / 資金",
        "lines / 明細",
        "held / 保留",
        "carry / 繰越",
        "points / 点数",
    ):
        funds.add_column(column, justify="left" if "/ 区分" in column or "権利" in column else "right")
    for group_id, rights in s["groups"].items():
        for right, f in rights.items():
            funds.add_row(
                group_id,
                "演奏 performing" if right == "performing" else "録音 mechanical",
                _yen(f["fund_in_yen"]),
                _yen(f["lines_total_yen"]),
                _yen(f["held_total_yen"]),
                _yen(f["carry_out_yen"]),
                str(f["points_total"]),
            )
    console.print(funds)
    payees = run.result.payees.sort(["gross_yen", "payee_id"], descending=[True, False]).head(top)
    names = dict(run.frames.parties.select("party_id", "name").iter_rows())
    table = Table(title=f"Top {payees.height} payees / 上位の支払先")
    for column in (
        "payee / 支払先",
        "name / 名称",
        "gross / 分配額",
        "fee / 手数料",
        "net / 支払額",
        "paid on / 支払日",
    ):
        table.add_column(column, justify="right" if column.split()[0] in ("gross", "fee", "net") else "left")
    for payee_id, gross, fee, net, date, foreign in payees.iter_rows():
        name = names.get(payee_id) or ("(foreign society / 外国団体)" if foreign else "")
        table.add_row(payee_id, str(name), _yen(gross), _yen(fee), _yen(net), date)
    console.print(table)
    console.print(
        f"Statement lines / 分配明細 {s['count_statement_lines']:,} · payees / 支払先 {s['count_payees']:,} · "
        f"works with points / 分配対象著作物 {s['count_works_with_points']:,} · "
        f"held lines / 保留 {s['count_held_lines']:,}"
    )
    console.print(
        f"[bold green]Conservation / 収支検証 ✓[/] fees {_yen(s['amount_total_yen'])} + carried in "
        f"{_yen(s['carry_in_total_yen'])} = lines {_yen(s['lines_total_yen'])} + held {_yen(s['held_total_yen'])} "
        f"+ carried out {_yen(s['carry_out_total_yen'])}; lines = fees {_yen(s['fees_total_yen'])} + net "
        f"{_yen(s['net_total_yen'])}"
    )
    for note in s.get("notes", []) or []:
        console.print(f"[yellow]note:[/] {note}")
    console.print(f"Written to / 出力先: {out_dir}")
