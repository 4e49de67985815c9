"""`bunpai web …`: the web application (ウェブ): the demo site, serving, users with roles."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    web = groups.add_parser(
        "web",
        help="the web application: back office, portals, API / ウェブアプリケーション",
        description="The web application: staff back office, member, claimant and licensee portals, API.",
    )
    commands = web.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    demo = commands.add_parser(
        "demo",
        help="start the site with demo data and demo users / デモデータで起動",
        description="Create a fresh demo data folder (SQLite), a distributed and approved demo period, "
        "one user per role, then serve the site on ADDR (plain http, for this computer only).",
    )
    demo.add_argument(
        "--data-dir", type=Path, default=Path("demo-output/web"), help="replaced (default demo-output/web)"
    )
    demo.add_argument("--works", type=int, default=2000, help="works in the demo period (default 2000)")
    demo.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on (default 127.0.0.1:8000)")
    demo.add_argument("--no-serve", action="store_true", help="build the demo data only")
    demo.set_defaults(handler=_demo)

    serve = commands.add_parser(
        "serve",
        help="serve the site (development server) / サイトを起動",
        description="Migrate and serve the site with Django's development server. In production run "
        "bunpai.web.wsgi:application under a WSGI server behind https instead.",
    )
    serve.add_argument("--addr", default="127.0.0.1:8000")
    serve.set_defaults(handler=_serve)

    user = commands.add_parser("user", help="create a user with a role / 役割付きユーザーを作成")
    user.add_argument("username")
    user.add_argument(
        "role",
        help="registry_editor, distribution_runner, distribution_approver, administrator, licensee, member, claimant",
    )
    user.add_argument("--party", help="member or claimant: the registry party id (its PRC number or primary key)")
    user.set_defaults(handler=_user)


def _runserver(addr: str) -> int:
    from django.core.management import call_command

    print(f"serving on http://{addr}/  (Ctrl-C stops)", flush=True)
    call_command("runserver", addr, use_reloader=False, use_threading=True)
    return 0


def _demo(args: argparse.Namespace) -> int:
    folder = args.data_dir.resolve()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    os.environ["BUNPAI_DATA_DIR"] = str(folder)
    os.environ.pop("BUNPAI_DATABASE_URL", None)  # the embedded default: SQLite in the data folder
    os.environ.setdefault("BUNPAI_WEB_INSECURE", "1")  # plain http on this computer
    host = args.addr.rsplit(":", 1)[0]
    os.environ.setdefault("BUNPAI_ALLOWED_HOSTS", f"{host},127.0.0.1,localhost")
    from bunpai.store import setup
    from bunpai.web.demo import build_demo, print_users

    setup()
    made = build_demo(folder, works=args.works)
    print_users()
    print(f"input folder for new private recording runs: {made['input_dir']}")
    print(f"input folder for new broadcast runs: {made['broadcast_input']}")
    if args.no_serve:
        return 0
    return _runserver(args.addr)


def _serve(args: argparse.Namespace) -> int:
    from bunpai.store import migrate, setup

    setup()
    migrate()
    return _runserver(args.addr)


def _user(args: argparse.Namespace) -> int:
    import getpass

    from bunpai.store import setup

    setup()
    from bunpai.store import migrate
    from bunpai.store import models as m
    from bunpai.web.models import PartyAccount
    from bunpai.web.roles import ROLES, create_user

    if args.role not in ROLES:
        print(f"unknown role {args.role!r}; one of {', '.join(ROLES)}", file=sys.stderr)
        return 2
    migrate()
    party = None
    if args.party:
        party = m.Party.objects.filter(references__number=args.party).first()
        if party is None and args.party.isdigit():
            party = m.Party.objects.filter(pk=int(args.party)).first()
        if party is None:
            print(f"no party {args.party}", file=sys.stderr)
            return 2
    password = os.environ.get("BUNPAI_NEW_PASSWORD") or getpass.getpass("password: ")
    user = create_user(args.username, password, args.role)
    if party is not None:
        PartyAccount.objects.create(user=user, party=party)
    print(f"created {user.username} ({args.role})")
    return 0
