"""`bunpai reports …`: broadcasters' usage reports in, the manual queue, the usage share (利用曲目報告)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from fractions import Fraction
from pathlib import Path


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reports = groups.add_parser(
        "reports",
        help="usage reports of broadcasters / 放送局の利用曲目報告",
        description="Load monthly all-works reports, work the manual queue, compute usage shares.",
    )
    commands = reports.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    load = commands.add_parser("load", help="store, validate and identify a report file / 報告ファイルの受付")
    load.add_argument("files", type=Path, nargs="+", metavar="FILE")
    load.add_argument("--station", required=True)
    load.add_argument("--month", required=True, metavar="YYYY-MM")
    load.add_argument("--licensee", help="the licence holder (default: the station)")
    load.set_defaults(handler=_load)

    q = commands.add_parser("queue", help="open items of the manual queue / 手作業特定の待ち行列")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_queue)

    decide = commands.add_parser("decide", help="decide a queue item / 待ち行列の項目を決定")
    decide.add_argument("item", type=int, metavar="ITEM")
    decide.add_argument(
        "--action", required=True, choices=["work", "new_work", "other_manager", "public_domain", "unidentified"]
    )
    decide.add_argument("--work", metavar="WORK_CODE", help="the work (action work)")
    decide.add_argument("--production", type=int, help="the AV production of a programme item")
    decide.add_argument("--by", default=getpass.getuser())
    decide.set_defaults(handler=_decide)

    share = commands.add_parser("share", help="usage share of a licensee / 管理楽曲の利用割合")
    share.add_argument("--licensee", required=True)
    share.add_argument("--fiscal-year", type=int, required=True)
    share.set_defaults(handler=_share)


def _db() -> None:
    from bunpai.store import migrate, setup

    setup()
    migrate()


def _load(args: argparse.Namespace) -> int:
    _db()
    from bunpai.intake.models import ReportProblem
    from bunpai.services.intake import load_report, registry_index

    index = registry_index()
    code = 0
    for path in args.files:
        try:
            result = load_report(path, args.station, args.month, args.licensee, by=getpass.getuser(), index=index)
        except OSError as exc:
            print(f"bunpai reports load: {exc.strerror or exc}: {path}", file=sys.stderr)
            code = 2
            continue
        if result.status == "unchanged":
            print(f"{path.name}: already received (report {result.report_id}); nothing changed / 受付済み")
            continue
        for p in ReportProblem.objects.filter(report_id=result.report_id).order_by("line", "field"):
            print(f"{path.name}:{p.line}: {p.field}: {p.reason}", file=sys.stderr)
        replaced = f", replaces report {result.replaced} / 差し替え" if result.replaced else ""
        outcomes = ", ".join(f"{k} {v}" for k, v in result.outcomes.items())
        print(f"{path.name}: report {result.report_id}: {result.good} lines kept, {result.bad} rejected{replaced}")
        print(f"  {outcomes}")
    return code


def _queue(args: argparse.Namespace) -> int:
    _db()
    from bunpai.services.intake import queue

    items = queue()
    if args.json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return 0
    for item in items:
        best = ", ".join(f"{c['work']} {c['title']} ({c['score']:.2f})" for c in item["candidates"][:3]) or "—"
        print(f"#{item['id']} [{item['kind']}] {item['title']} / {item['creators']} ×{item['lines']}: {best}")
    print(f"{len(items)} open item(s) / 未決 {len(items)} 件")
    return 0


def _decide(args: argparse.Namespace) -> int:
    _db()
    from bunpai.services.intake import decide

    try:
        applied = decide(args.item, args.action, args.by, work_code=args.work, production_id=args.production)
    except (ValueError, LookupError) as exc:
        print(f"bunpai reports decide: {exc}", file=sys.stderr)
        return 2
    print(f"applied to {applied} line(s) / {applied} 行に適用")
    return 0


def _share(args: argparse.Namespace) -> int:
    _db()
    from bunpai.services.intake import usage_share

    s = usage_share(args.licensee, args.fiscal_year)
    percent = float(s.share * 100)
    print(
        f"{s.licensee} FY{s.fiscal_year}: {_seconds(s.own_seconds)} s of this society's works / "
        f"{_seconds(s.managed_seconds)} s "
        f"of managed works = {s.share} ({percent:.2f} %) / 利用割合"
    )
    return 0


def _seconds(value: Fraction) -> str:
    """Weighted seconds: a whole number, or the exact fraction with its value to two decimals."""
    if value.denominator == 1:
        return str(value.numerator)
    hundredths = round(value * 100)
    return f"{value} (≈ {hundredths // 100}.{hundredths % 100:02d})"
