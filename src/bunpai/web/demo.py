"""The demo site: a generated private recording period loaded through the registry, distributed by
one person and approved by another, and one demo user per role (デモ)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tomllib
from pathlib import Path
from typing import Any

DEMO_PASSWORD = "bunpai-demo-2026"
DEMO_USERS = [
    ("editor", "registry_editor"),
    ("runner", "distribution_runner"),
    ("approver", "distribution_approver"),
    ("admin", "administrator"),
    ("licensee", "licensee"),
    ("member", "member"),
    ("member2", "member"),
    ("claimant", "claimant"),
]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def build_demo(folder: Path, *, works: int = 2000, seed: int = 2026, log: Any = print) -> dict[str, Any]:
    """Fill a fresh data folder (Django must be set up on it): returns what was made."""
    from bunpai.demo.prc import generate_period
    from bunpai.services import registry
    from bunpai.services import runs as run_service
    from bunpai.store import migrate
    from bunpai.store import models as m
    from bunpai.web.models import Licensee, PartyAccount
    from bunpai.web.roles import create_user

    migrate()
    generated = folder / "periods" / "generated"
    generate_period(generated, works=works, seed=seed)
    log(f"generated a period of {works} works in {generated}")
    registry.load_prc_folder(generated)
    period = tomllib.loads((generated / "period.toml").read_text(encoding="utf-8"))
    reference = period["reference_date"]
    reference = reference if isinstance(reference, dt.date) else dt.date.fromisoformat(str(reference))
    input_dir = folder / "periods" / "input"
    shutil.copytree(generated, input_dir)
    registry.export_prc_rights(input_dir, reference_date=reference)
    log(f"loaded it into the registry and exported it as of {reference} to {input_dir}")

    users = {name: create_user(name, DEMO_PASSWORD, role) for name, role in DEMO_USERS}
    licensee = Licensee.objects.create(code="JOQR-DEMO", name="デモ放送 / Demo Broadcasting")
    licensee.users.add(users["licensee"])
    Licensee.objects.create(code="OTHER-DEMO", name="他局 / Another Station")

    run = run_service.start_run(user=users["runner"], source=input_dir)
    if run.status != "computed":
        raise RuntimeError(f"the demo period did not distribute: {run.problems}")
    run_service.approve_run(run, users["approver"])
    log(f"run #{run.pk} of period {run.period} computed by runner, approved by approver")

    categories = {r["party_id"]: r["category"] for r in _rows(input_dir / "parties.csv")}
    holders = _rows(Path(run.folder) / "result" / "holders.csv")
    members = [
        h["party_id"]
        for h in sorted(holders, key=lambda h: -int(h["net_yen"]))
        if categories.get(h["party_id"]) == "member"
    ]
    nonmembers = [p for p, c in categories.items() if c == "nonmember"]

    def party(number: str) -> Any:
        return m.Party.objects.get(references__submitter=registry.PRC_SUBMITTER, references__number=number)

    PartyAccount.objects.create(user=users["member"], party=party(members[0]))
    PartyAccount.objects.create(user=users["member2"], party=party(members[1]))
    PartyAccount.objects.create(user=users["claimant"], party=party(nonmembers[0]))
    return {"run": run, "input_dir": input_dir, "users": users, "member_party": members[0]}


def print_users(log: Any = print) -> None:
    log(f"demo users (password for all: {DEMO_PASSWORD}):")
    for name, role in DEMO_USERS:
        log(f"  {name:<9} {role}")
