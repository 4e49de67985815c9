"""`bunpai cwr …` and `bunpai registry …`: CWR registrations in, acknowledgements out (作品届と受理通知).

Exit codes: 0 when the file could be read as CWR (whatever its messages say), 2 when it cannot be
read at all, with the reason on standard error. Never a traceback for a bad input file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cwr = groups.add_parser(
        "cwr",
        help="CWR work registrations and acknowledgements / CWR 作品届と受理通知",
        description="Read, check, acknowledge and import CWR 2.1/2.2/3.0/3.1 files.",
    )
    commands = cwr.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    check = commands.add_parser(
        "check",
        help="validate a CWR file and list every message / CWR ファイルを検査",
        description="Print the version, sender, accepted and rejected work transactions and every message.",
    )
    check.add_argument("file", type=Path, metavar="FILE")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(handler=_check)

    ack = commands.add_parser(
        "ack",
        help="write the acknowledgement file without storing / 登録せずに受理通知を作成",
        description="Validate FILE and write the society's ACK file to ACK (statuses RA / RJ).",
    )
    ack.add_argument("file", type=Path, metavar="FILE")
    ack.add_argument("--out", type=Path, required=True, metavar="ACK")
    _society_options(ack)
    ack.set_defaults(handler=_ack)

    imp = commands.add_parser(
        "import",
        help="store the accepted works and write the ACK / 作品を登録し受理通知を作成",
        description="Validate FILE, store its accepted registrations in the registry and write the ACK "
        "(statuses AS / AC / CO / DU / RJ).",
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--out", type=Path, metavar="ACK", help="ACK file (default: FILE name + .ACK beside it)")
    imp.add_argument(
        "--received-on",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="date the society received the document (default today)",
    )
    imp.add_argument(
        "--valid-from",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="date from which the registered shares apply (default: open)",
    )
    imp.add_argument("--json", action="store_true", help="print the result as one JSON object")
    _society_options(imp)
    imp.set_defaults(handler=_import)

    _register_registry(groups)


def _society_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--society-code", default="038", help="CISAC code of the answering society (038)")
    parser.add_argument("--society-name", default="JASRAC", help="name in the ACK header (JASRAC)")


def _read(path: Path) -> Any:
    from bunpai.formats.cwr import CwrUnreadable, read_path

    try:
        return read_path(path)
    except CwrUnreadable as exc:
        print(f"bunpai cwr: cannot read {path} as CWR: {exc}", file=sys.stderr)
        return None


def check_report(cwr: Any) -> dict[str, Any]:
    """The JSON-able summary of a checked file (the keys `bunpai cwr check --json` prints)."""
    return {
        "file": cwr.file_name,
        "version": cwr.version,
        "sender": cwr.sender,
        "sender_type": cwr.sender_type,
        "sender_id": cwr.sender_id,
        "file_rejected": cwr.rejected,
        "groups": len(cwr.groups),
        "accepted": len(cwr.accepted()),
        "rejected": len(cwr.rejected_transactions()),
        "transactions": [
            {
                "group": t.group,
                "sequence": t.sequence,
                "type": t.transaction_type,
                "record": t.line,
                "title": t.title,
                "submitter_work_number": t.submitter_work_number,
                "status": "rejected" if t.rejected else "accepted",
            }
            for t in cwr.work_transactions()
        ],
        "messages": [m.as_dict() for m in cwr.all_messages()],
    }


def _check(args: argparse.Namespace) -> int:
    cwr = _read(args.file)
    if cwr is None:
        return 2
    report = check_report(cwr)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    console.print(f"[bold]{args.file.name}[/bold]: CWR {report['version']} from {report['sender']}")
    state = "[red]file rejected[/red]" if report["file_rejected"] else "file read"
    console.print(
        f"{state}; work transactions: [green]{report['accepted']} accepted[/green], "
        f"[red]{report['rejected']} rejected[/red]; {len(report['messages'])} messages"
    )
    if report["messages"]:
        table = Table("level", "record", "type", "text", show_lines=False)
        for m in report["messages"]:
            level = f"{m['level']}/{m['consequence']}"
            table.add_row(level, str(m["record"] or ""), m["record_type"], m["text"])
        console.print(table)
    return 0


def _ack(args: argparse.Namespace) -> int:
    from bunpai.formats.cwr.ack import write_ack

    cwr = _read(args.file)
    if cwr is None:
        return 2
    text = write_ack(cwr, society_code=args.society_code, society_name=args.society_name)
    try:
        args.out.write_text(text, encoding="ascii", newline="")
    except OSError as exc:
        print(f"bunpai cwr ack: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    accepted, rejected = len(cwr.accepted()), len(cwr.rejected_transactions())
    print(f"{args.out}: {accepted} accepted (RA), {rejected} rejected (RJ)")
    return 0


def _import(args: argparse.Namespace) -> int:
    cwr = _read(args.file)
    if cwr is None:
        return 2
    from bunpai.services.registry import import_cwr
    from bunpai.store import setup

    setup()
    out = args.out or args.file.with_name(args.file.name + ".ACK")
    result = import_cwr(
        cwr,
        received_on=args.received_on or dt.date.today(),
        valid_from=args.valid_from,
        society_code=args.society_code,
        society_name=args.society_name,
        document_name=args.file.name,
    )
    try:
        out.write_text(result.ack_text, encoding="ascii", newline="")
    except OSError as exc:
        print(f"bunpai cwr import: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    summary = {"ack": str(out), **result.summary()}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(result.statuses.items())) or "none"
        print(f"{args.file.name}: stored {result.stored} works; statuses: {statuses}; ACK written to {out}")
    return 0


# ---------------------------------------------------------------------------------------- registry
def _register_registry(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reg = groups.add_parser(
        "registry",
        help="works, parties and rights registry / 作品・権利者データベース",
        description="The registry database (SQLite by default; PostgreSQL with BUNPAI_DATABASE_URL).",
    )
    commands = reg.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    migrate = commands.add_parser("migrate", help="create or update the database tables")
    migrate.set_defaults(handler=_migrate)

    asof = commands.add_parser(
        "as-of",
        help="who held what share of a work on date D, as known on date K / 基準日の権利者",
    )
    asof.add_argument("work", help="society work code, ISWC or submitter work number")
    asof.add_argument(
        "--on",
        type=dt.date.fromisoformat,
        default=None,
        metavar="D",
        help="date the shares apply to (default today)",
    )
    asof.add_argument(
        "--known",
        type=dt.date.fromisoformat,
        default=None,
        metavar="K",
        help="as known on this date (default: everything received)",
    )
    asof.add_argument("--right", choices=["PR", "MR", "SR"], default=None)
    asof.add_argument("--territory", type=int, default=None, help="TIS code (392 Japan, 2136 world)")
    asof.add_argument("--json", action="store_true")
    asof.set_defaults(handler=_as_of)

    csvimp = commands.add_parser(
        "import-csv",
        help="import works from a django-music-publisher style spreadsheet (CSV)",
    )
    csvimp.add_argument("file", type=Path, metavar="CSV")
    csvimp.add_argument("--received-on", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    csvimp.add_argument("--valid-from", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    csvimp.add_argument("--json", action="store_true")
    csvimp.set_defaults(handler=_import_csv)

    accounts = commands.add_parser(
        "import-accounts",
        help="store payees' bank accounts from a CSV, codes checked against the zengin data / 振込口座",
        description="Store bank accounts (party,bank_code,branch_code,account_type,account_number,account_holder; "
        "party = IPI name number or SUBMITTER:NUMBER). Bank and branch codes are checked against the published "
        "zengin data set; on any problem nothing is stored.",
    )
    accounts.add_argument("file", type=Path, metavar="CSV")
    accounts.set_defaults(handler=_import_accounts)

    load = commands.add_parser(
        "load-prc",
        help="load parties.csv, works.csv, rights.csv of a private recording input folder",
        description="Load the parties, works and rights (with their dates) of a private recording input "
        "folder into the registry; export-prc writes them back for a reference date.",
    )
    load.add_argument("input_dir", type=Path, metavar="INPUT_DIR")
    load.set_defaults(handler=_load_prc)

    export = commands.add_parser(
        "export-prc",
        help="write parties.csv, works.csv, rights.csv of a private recording input folder",
    )
    export.add_argument("out_dir", type=Path, metavar="INPUT_DIR")
    export.add_argument("--reference-date", type=dt.date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    export.add_argument(
        "--days-before",
        type=int,
        default=10,
        help="documents count when received this many days before (default 10)",
    )
    export.set_defaults(handler=_export_prc)


def _migrate(args: argparse.Namespace) -> int:
    from bunpai.store import migrate, setup

    setup()
    migrate(verbose=True)
    return 0


def _as_of(args: argparse.Namespace) -> int:
    from bunpai.services.registry import find_work, shares_as_of
    from bunpai.store import setup

    setup()
    work = find_work(args.work)
    if work is None:
        print(f"bunpai registry as-of: no work {args.work!r}", file=sys.stderr)
        return 1
    on = args.on or dt.date.today()
    rows = shares_as_of(on=on, known=args.known, works=[work.pk], right=args.right, territory=args.territory)
    data = [r.as_dict() for r in rows]
    if args.json:
        print(
            json.dumps(
                {
                    "work": work.society_code,
                    "title": work.title,
                    "on": on.isoformat(),
                    "known": args.known.isoformat() if args.known else None,
                    "shares": data,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"{work.society_code} {work.title} — on {on}, as known {args.known or 'now'}")
    for r in data:
        print(
            f"  {r['right']} {r['role']:<3} {r['share_percent']:>7} % {r['party'] or '(undetermined)'}"
            f"  territory {r['territory']}{'' if r['include'] else ' (excluded)'}"
        )
    return 0


def _import_csv(args: argparse.Namespace) -> int:
    from bunpai.services.registry import CsvImportError, import_work_csv
    from bunpai.store import setup

    setup()
    try:
        result = import_work_csv(
            args.file, received_on=args.received_on or dt.date.today(), valid_from=args.valid_from
        )
    except CsvImportError as exc:
        print(f"bunpai registry import-csv: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.summary(), ensure_ascii=False, indent=2))
    else:
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(result.statuses.items())) or "none"
        print(f"{args.file.name}: stored {result.stored} works; statuses: {statuses}")
        for m in result.messages:
            print(f"  {m}")
    return 0


def _import_accounts(args: argparse.Namespace) -> int:
    from bunpai.formats.tables import InputError
    from bunpai.services.accounts import import_accounts
    from bunpai.store import setup

    setup()
    try:
        result = import_accounts(args.file)
    except InputError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        print(f"{len(error.problems)} problem(s): nothing stored / 登録していません。", file=sys.stderr)
        return 2
    print(f"{args.file.name}: {result.stored} account(s) stored, {result.replaced} replaced")
    return 0


def _load_prc(args: argparse.Namespace) -> int:
    from bunpai.services.registry import PrcFolderError, load_prc_folder
    from bunpai.store import setup

    setup()
    try:
        counts = load_prc_folder(args.input_dir)
    except (PrcFolderError, ValueError) as exc:
        print(f"bunpai registry load-prc: {exc}", file=sys.stderr)
        return 2
    print(", ".join(f"{name}: {n}" for name, n in counts.items()))
    return 0


def _export_prc(args: argparse.Namespace) -> int:
    from bunpai.services.registry import export_prc_rights
    from bunpai.store import setup

    setup()
    counts = export_prc_rights(args.out_dir, reference_date=args.reference_date, days_before=args.days_before)
    print(", ".join(f"{name}: {n} rows" for name, n in counts.items()))
    return 0
