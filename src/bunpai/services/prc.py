"""Running one private recording period: read, distribute, prove conservation, write, summarise."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from bunpai.core.prc.conservation import ConservationError, check_conservation
from bunpai.core.prc.funds import FundError
from bunpai.core.prc.reference import distribute, floored_items
from bunpai.core.rules import PrcRuleSet
from bunpai.engine.prc import (
    EngineResult,
    FastPathUnavailable,
    distribute_frames,
    period_input_from_frames,
    result_from_outcome,
)
from bunpai.formats.prc_input import PrcFrames, read_input
from bunpai.formats.prc_output import OutputError, ruleset_document, write_output
from bunpai.formats.tables import InputError
from bunpai.rules import prc_ruleset_for


@dataclass
class PeriodRun:
    frames: PrcFrames
    rules: PrcRuleSet
    result: EngineResult
    path: str


def compute_period(input_dir: Path, *, progress: bool = False, row_by_row: bool = False) -> PeriodRun:
    """Read and distribute one period; raises InputError, FundError or ConservationError."""
    console = Console(stderr=True, quiet=not progress)
    with console.status("reading / 読み込み中…") as status:
        frames, rules = read_input(input_dir, rules_for=prc_ruleset_for)
        status.update("distributing / 分配計算中…")
        path = "columnar"
        if row_by_row:
            result = result_from_outcome(*_row_by_row(frames, rules))
            path = "row-by-row"
        else:
            try:
                result = distribute_frames(frames, rules, progress=lambda m: status.update(f"{m}…"))
            except FastPathUnavailable as reason:
                console.print(f"values too large for 64-bit reductions ({reason}); exact row-by-row path")
                result = result_from_outcome(*_row_by_row(frames, rules))
                path = "row-by-row"
    check_conservation(result.summary, result.floored_items)  # type: ignore[arg-type]
    result.summary["balanced"] = True
    result.summary["notes"] = frames.notes
    return PeriodRun(frames, rules, result, path)


def _row_by_row(frames: PrcFrames, rules: PrcRuleSet) -> tuple[object, int]:
    outcome = distribute(period_input_from_frames(frames), rules)
    return outcome, floored_items(outcome)


def write_period(run: PeriodRun, out_dir: Path, *, force: bool = False) -> None:
    result = run.result
    tables: dict[str, pl.DataFrame] = {
        "statement_lines.csv": result.statement_lines,
        "payees.csv": result.payees,
        "holders.csv": result.holders,
        "held.csv": result.held,
        "work_points.csv": result.work_points,
        "claims_result.csv": result.claims,
        "review.csv": result.review,
    }
    documents = {"summary.json": result.summary, "ruleset_applied.json": ruleset_document(run.rules)}
    write_output(out_dir, tables, documents, force=force)


def run_period_command(input_dir: Path, out_dir: Path, *, force: bool, quiet: bool, top: int) -> int:
    err = Console(stderr=True)
    try:
        run = compute_period(input_dir, progress=not quiet)
    except InputError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        err.print(
            f"[bold red]{len(error.problems)} problem(s) in {input_dir.name}: no output written / "
            f"入力に {len(error.problems)} 件の問題があります。出力は作成していません。[/]"
        )
        return 2
    except (FundError, ConservationError) as error:
        err.print(f"[bold red]{error}[/]\nno output written / 出力は作成していません。")
        return 3
    try:
        write_period(run, out_dir, force=force)
    except OutputError as error:
        err.print(f"[bold red]{error}[/]")
        return 4
    if not quiet:
        print_summary(run, out_dir, top=top)
    return 0


def _yen(value: object) -> str:
    return f"¥{int(value):,}"  # type: ignore[call-overload]


def print_summary(run: PeriodRun, out_dir: Path, *, top: int = 10) -> None:
    s = run.result.summary
    console = Console()
    console.rule(f"[bold]私的録音補償金分配 / Private recording distribution — {s['period']}")
    console.print(
        f"reference date / 確定基準日 {s['reference_date']} · rule set / 規程 {s['ruleset']} · "
        f"path {run.path}"
    )
    funds = Table(title="Funds / 資金", show_lines=False)
    funds.add_column("")
    funds.add_column("yen / 円", justify="right")
    for label, key in [
        ("Receipt from SARAH / 受領額", "receipt_yen"),
        ("Literary (日脚連) / 言語の著作物", "literary_yen"),
        ("Music / 音楽の著作物", "music_yen"),
        ("+ fraction carried in / 端数繰入れ", "carry_in_fraction_yen"),
        ("+ non-member balance carried in / 非委託者残高", "carry_in_nonmember_balance_yen"),
        ("Music fund / 音楽分配資金", "music_fund_in_yen"),
        ("Non-member fund / 非委託者分配資金", "nonmember_fund_yen"),
        ("Member fund / 委託者等分配資金", "member_fund_yen"),
    ]:
        funds.add_row(label, _yen(s[key]))
    console.print(funds)

    payees = run.result.payees.sort(["gross_yen", "payee_id"], descending=[True, False]).head(top)
    names = dict(run.frames.parties.select("party_id", "name").iter_rows())
    table = Table(title=f"Top {payees.height} payees / 上位の支払先")
    for column in ("payee / 支払先", "name / 名称", "gross / 分配額", "fee / 手数料", "net / 支払額"):
        table.add_column(column, justify="right" if "/" in column and column[0] in "gfn" else "left")
    for payee_id, gross, fee, net in payees.iter_rows():
        table.add_row(
            payee_id, str(names.get(payee_id) or "(society / 外国団体)"), _yen(gross), _yen(fee), _yen(net)
        )
    console.print(table)

    claims = s["claims_by_status"]
    console.print(
        f"Statement lines / 分配明細 {s['count_statement_lines']:,} · payees / 支払先 {s['count_payees']:,} · "
        f"works with points / 分配対象著作物 {s['count_works_with_points']:,}"
    )
    console.print(
        f"Held / 保留 {_yen(s['held_total_yen'])} in {s['count_held_lines']:,} line(s) · "
        f"carried to next period / 次期繰入れ {_yen(s['carry_out_total_yen'])} "
        f"(fractions {_yen(s['carry_out_fraction_yen'])}, undistributed {_yen(s['carry_out_undistributed_yen'])})"
    )
    console.print(
        f"Claims / 分配請求: paid {claims['paid']}, late {claims['late']}, too small {claims['too_small']}, "  # type: ignore[index]
        f"invalid {claims['invalid']} · paid gross {_yen(s['claims_paid_gross_yen'])} · "  # type: ignore[index]
        f"non-member balance to next period / 非委託者残高 {_yen(s['nonmember_balance_out_yen'])}"
    )
    lines = int(s["lines_total_yen"])  # type: ignore[call-overload]
    held = int(s["held_total_yen"])  # type: ignore[call-overload]
    carry = int(s["carry_out_total_yen"])  # type: ignore[call-overload]
    console.print(
        f"[bold green]Conservation / 収支検証 ✓[/] member fund {_yen(s['member_fund_yen'])} = "
        f"lines {_yen(lines)} + held {_yen(held)} + carried {_yen(carry)}; "
        f"lines = fees {_yen(s['fees_total_yen'])} + net {_yen(s['net_total_yen'])}"
    )
    for note in s.get("notes", []) or []:  # type: ignore[union-attr]
        console.print(f"[yellow]note:[/] {note}")
    review = run.result.review.height
    if review:
        console.print(f"[yellow]{review} work note(s) for review / 要確認[/] → review.csv")
    console.print(f"Written to / 出力先: {out_dir}")
