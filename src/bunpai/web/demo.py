"""The demo site: a generated private recording period loaded through the registry, distributed by
one person and approved by another; licensees with their licences, invoices and payments; two
broadcast quarters (one approved and paid, one draft to approve); and one demo user per role (デモ)."""

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


def report_csv(rows: list[tuple[str, str, str, str, str]], month: str) -> bytes:
    """A monthly report (CSV, UTF-8) of (title, creators, work_code, duration, programme) rows."""
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["broadcast_at", "programme", "title", "creators", "work_code", "duration", "usage"])
    for n, (title, creators, code, duration, programme) in enumerate(rows, start=1):
        writer.writerow([f"{month}-{n:02d} 21:00", programme, title, creators, code, duration, "featured"])
    return out.getvalue().encode("utf-8")


def demo_reports(licensee: str, station: str, other_licensee: str, other_station: str, *, by: str = "") -> Any:
    """Two stations and their reports: one with a bad line and lines for the identification queue,
    one of another licensee (that the first never sees). Returns the first report's load result."""
    from bunpai.intake.models import Station
    from bunpai.services import intake
    from bunpai.store import models as m

    Station.objects.create(code=station, name="デモFM / Demo FM", licensee=licensee)
    Station.objects.create(code=other_station, name="他局FM / Other FM", licensee=other_licensee)
    known = list(m.Work.objects.order_by("society_code")[:4])
    month = "2026-05"
    rows = [
        (known[0].title, "", known[0].society_code, "215", "朝の音楽 / Morning music"),
        (known[1].title, "", "", "abc", "朝の音楽 / Morning music"),  # not a number of seconds
        ("知らない歌 / A song nobody knows", "山田 花子", "", "180", "夜の歌謡曲 / Night songs"),
        (known[2].title[:-1], "", "", "240", "夜の歌謡曲 / Night songs"),  # a title cut short
        (known[3].title[:-1], "", "", "95", "夜の歌謡曲 / Night songs"),
    ]
    index = intake.registry_index()
    result = intake.load_report_bytes(
        f"{station.lower()}-{month}.csv", report_csv(rows, month), station, month, licensee, by, index
    )
    other = report_csv([(known[0].title, "", known[0].society_code, "120", "Other programme")], month)
    intake.load_report_bytes(
        f"{other_station.lower()}-{month}.csv", other, other_station, month, other_licensee, "", index
    )
    return result


PROGRAMME = "連続ドラマ「海の歌」"


def demo_programme(station: str, licensee: str, *, by: str = "") -> Any:
    """An AV production with a cue sheet of two registered works, and a report whose programme line
    names it differently (so the line waits in the queue for staff to pick the production)."""
    import io

    from bunpai.services import intake
    from bunpai.store import models as m

    production = m.AVProduction.objects.create(
        title=f"{PROGRAMME} 第1話 / Drama: Song of the Sea, episode 1", country="JP", year=2026
    )
    for sequence, work in enumerate(m.Work.objects.order_by("society_code")[4:6], start=1):
        m.Cue.objects.create(production=production, sequence=sequence, work=work, title=work.title, duration=90)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kind", "broadcast_at", "title", "year", "duration"])
    writer.writerow(["programme", "2026-04-06 21:00", PROGRAMME, "2026", "1800"])
    month = "2026-04"
    data = out.getvalue().encode("utf-8")
    return intake.load_report_bytes(f"{station.lower()}-{month}.csv", data, station, month, licensee, by)


def demo_billing(code: str, name: str, *, revenue_yen: int, fiscal_year: int = 2026, paid: int = 1) -> Any:
    """A broadcast licensee with a station, a blanket licence for ``fiscal_year`` assessed from its
    revenue and its usage share (its current reports; 1 when it reported no managed work), the
    invoices of the rule set's instalments, the first ``paid`` of them paid in full and the next one
    in part. Returns the licensee."""
    from fractions import Fraction

    from bunpai.broadcast import models as bm
    from bunpai.broadcast import services
    from bunpai.rules import broadcast_ruleset_for
    from bunpai.services import intake

    licensee = bm.Licensee.objects.create(code=code, name=name)
    bm.Station.objects.create(
        licensee=licensee, code=f"{code}-TV", name=name, kind="terrestrial", fund_group="commercial_tv"
    )
    licence = bm.Licence.objects.create(licensee=licensee, fiscal_year=fiscal_year)
    measured = intake.usage_share(code, fiscal_year)
    share = measured.share if measured.managed_seconds else Fraction(1)
    rules = broadcast_ruleset_for(dt.date(fiscal_year, 4, 1))
    assessment = services.assess_blanket_fee(licence, revenue_yen=revenue_yen, usage_share=share, rules=rules)
    invoices = list(assessment.invoices.order_by("instalment"))
    for invoice in invoices[:paid]:
        services.record_payment(invoice, invoice.amount_yen, invoice.due_date - dt.timedelta(days=3))
    if len(invoices) > paid:
        part = invoices[paid]
        services.record_payment(part, part.amount_yen // 2, part.due_date - dt.timedelta(days=1))
    return licensee


QUARTERS = {
    # quarter: (reference date, distribution date) — the generated quarter is 2026Q2
    "2026Q1": ("2026-06-30", "2026-09-10"),
    "2026Q2": ("2026-09-30", "2026-12-10"),
}


def demo_quarters(folder: Path, *, works: int = 600, lines: int = 8000, seed: int = 2026) -> dict[str, Path]:
    """Input folders of two broadcast quarters (2026Q1, 2026Q2) from one generated quarter: the
    same parties, rights and usage, each with its own period.toml dates."""
    from bunpai.demo.broadcast import generate_quarter

    generated = folder / "generated"
    generate_quarter(generated, works=works, lines=lines, seed=seed)
    period = (generated / "period.toml").read_text(encoding="utf-8")
    out = {}
    for quarter, (reference, distribution) in QUARTERS.items():
        target = folder / quarter
        shutil.copytree(generated, target)
        text = period.replace('quarter = "2026Q2"', f'quarter = "{quarter}"')
        text = text.replace("reference_date = 2026-09-30", f"reference_date = {reference}")
        text = text.replace("distribution_date = 2026-12-10", f"distribution_date = {distribution}")
        (target / "period.toml").write_text(text, encoding="utf-8")
        out[quarter] = target
    return out


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
    demo_reports("JOQR-DEMO", "JOQR-FM", "OTHER-DEMO", "OTHER-FM", by="licensee")
    demo_programme("JOQR-FM", "JOQR-DEMO", by="licensee")
    log("a report with a rejected line and items for the identification queue (station JOQR-FM)")

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

    demo_billing("JOQR-DEMO", "デモ放送 / Demo Broadcasting", revenue_yen=1_800_000_000, paid=1)
    demo_billing("OTHER-DEMO", "他局 / Another Station", revenue_yen=950_000_000, paid=2)
    log("licensees JOQR-DEMO and OTHER-DEMO: FY2026 blanket licences, invoices in instalments, payments")

    from bunpai.services import broadcast_runs

    quarters = demo_quarters(folder / "broadcast")
    paid = broadcast_runs.start(user=users["runner"], source=quarters["2026Q1"])
    broadcast_runs.approve(paid, users["approver"])
    broadcast_runs.mark_paid(paid, users["approver"])
    draft = broadcast_runs.start(user=users["runner"], source=quarters["2026Q2"])
    log(f"broadcast run #{paid.pk} (2026Q1) approved and paid; run #{draft.pk} (2026Q2) a draft to approve")
    domestic = [
        p.payee_id
        for p in broadcast_runs.payments(broadcast_runs.run_folder(paid))  # type: ignore[arg-type]
        if p.method == "zengin" and p.payee_id.startswith("M")
    ]
    for user, payee in (("member", domestic[0]), ("member2", domestic[1])):
        account = PartyAccount.objects.get(user=users[user])
        m.PartyReference.objects.create(party=account.party, submitter=broadcast_runs.BROADCAST_SUBMITTER, number=payee)
    return {
        "run": run,
        "input_dir": input_dir,
        "users": users,
        "member_party": members[0],
        "broadcast_input": quarters["2026Q2"],
        "broadcast_runs": (paid, draft),
    }


def print_users(log: Any = print) -> None:
    log(f"demo users (password for all: {DEMO_PASSWORD}):")
    for name, role in DEMO_USERS:
        log(f"  {name:<9} {role}")
