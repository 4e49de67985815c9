"""Benchmark: import a generated CWR 2.1 file of 100,000 works into the registry.

    .venv/bin/python benchmarks/cwr_import.py                 # 100,000 works, SQLite and PostgreSQL
    .venv/bin/python benchmarks/cwr_import.py --works 10000   # a quick run

Steps, each timed on its own, in this process:

1. generate: write a CWR 2.1 file of N new-work registrations (NWR with SPU/SPT/SWR/SWT/PWR/ALT);
2. baseline: read and validate the file only (`bunpai cwr check` without printing);
3. import into SQLite: read, validate, store in a fresh SQLite file, write the ACK;
4. import into PostgreSQL (when one is reachable: ``BUNPAI_TEST_POSTGRES_URL`` or 127.0.0.1:5432),
   in a fresh database created for the run and dropped after it.

The target of issue 3 is at most 60 s per import of 100,000 works on the 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from bunpai.formats.cwr import read_path  # noqa: E402
from bunpai.formats.cwr.identifiers import ipi_name_number as ipi  # noqa: E402
from bunpai.formats.cwr.identifiers import iswc_check_digit  # noqa: E402
from bunpai.formats.cwr.model import AlternativeTitle, Party, Territory, Transaction  # noqa: E402
from bunpai.formats.cwr.writer import write_registrations  # noqa: E402

TARGET_S = 60.0
WORDS = (
    "YORU",
    "ASA",
    "HANA",
    "SORA",
    "UMI",
    "KAZE",
    "YUME",
    "HIKARI",
    "KOI",
    "MACHI",
    "LOVE",
    "SONG",
    "NIGHT",
    "BLUE",
    "DANCE",
    "TOKYO",
    "RAIN",
    "STAR",
    "MOON",
    "SUMMER",
)
SURNAMES = (
    "SATO",
    "SUZUKI",
    "TAKAHASHI",
    "TANAKA",
    "WATANABE",
    "ITO",
    "YAMAMOTO",
    "NAKAMURA",
    "KOBAYASHI",
    "KATO",
    "SMITH",
    "JONES",
    "KIM",
    "LEE",
    "CHEN",
)
GIVEN = ("HARUTO", "YUI", "SOTA", "AOI", "REN", "HINA", "JOHN", "MARY", "MIN", "WEI")


def works(count: int, seed: int) -> list[Transaction]:
    rng = random.Random(seed)
    writers = [
        (f"W{i:07d}", rng.choice(SURNAMES), rng.choice(GIVEN), ipi(10_000_000 + i)) for i in range(max(count // 5, 10))
    ]
    publishers = [
        (f"P{i:07d}", f"{rng.choice(WORDS)} MUSIC {i}", ipi(50_000_000 + i)) for i in range(max(count // 50, 3))
    ]
    out = []
    for n in range(count):
        chosen = rng.sample(writers, rng.choice((1, 1, 2, 2, 3)))
        pubs = rng.sample(publishers, rng.choice((0, 1, 1, 2)))
        pub_pr = 5000 if pubs else 0
        pub_mr = 10_000 if pubs else 0
        wparties = []
        for k, (ip, last, first, number) in enumerate(chosen):
            pr = (10_000 - pub_pr) // len(chosen) + (1 if k < (10_000 - pub_pr) % len(chosen) else 0)
            mr = (10_000 - pub_mr) // len(chosen) + (1 if k < (10_000 - pub_mr) % len(chosen) else 0)
            shares = {"PR": pr, "MR": mr, "SR": mr}
            wparties.append(
                Party(
                    "writer",
                    True,
                    ip,
                    last,
                    first,
                    rng.choice(("C", "A", "CA")),
                    number,
                    "",
                    {"PR": "038", "MR": "038", "SR": "038"},
                    shares,
                    [Territory(2136, True, dict(shares))],
                    for_publishers=[pubs[0][0]] if pubs else [],
                )
            )
        pparties = []
        for k, (ip, name, number) in enumerate(pubs):
            pr = pub_pr // len(pubs) + (1 if k < pub_pr % len(pubs) else 0)
            mr = pub_mr // len(pubs) + (1 if k < pub_mr % len(pubs) else 0)
            shares = {"PR": pr, "MR": mr, "SR": mr}
            pparties.append(
                Party(
                    "publisher",
                    True,
                    ip,
                    name,
                    "",
                    "E",
                    number,
                    "",
                    {"PR": "038", "MR": "038", "SR": "038"},
                    shares,
                    [Territory(2136, True, dict(shares))],
                    publisher_sequence=k + 1,
                )
            )
        digits = f"{100_000_000 + n:09d}"
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) + f" {n}"
        out.append(
            Transaction(
                "NWR",
                None,
                0,
                0,
                title=title,
                submitter_work_number=f"BW{n:010d}",
                iswc=f"T{digits}{iswc_check_digit(digits)}",
                duration=rng.randint(90, 420),
                distribution_category="POP",
                version_type="ORI",
                recorded="Y",
                publishers=pparties,
                writers=wparties,
                alternative_titles=[AlternativeTitle(f"{title} (TV SIZE)", "AT")] if n % 4 == 0 else [],
            )
        )
    return out


def postgres_url() -> tuple[object | None, str]:
    import os

    from bunpai.store import testing

    if not os.environ.get("BUNPAI_TEST_POSTGRES_URL") and not testing._reachable(testing.DEFAULT_URL):
        return None, "not reachable"
    pg = testing.find_postgres()
    pg.create()
    return pg, pg.source


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bunpai-cwr-bench-"))
    path = tmp / "CW260001BEN_038.V21"
    rows: list[tuple[str, float, str]] = []

    t = time.perf_counter()
    with path.open("w", encoding="ascii", newline="") as f:
        f.writelines(write_registrations(works(args.works, args.seed)))
    rows.append((f"generate ({args.works:,} works)", time.perf_counter() - t, f"{path.stat().st_size / 1e6:.0f} MB"))

    t = time.perf_counter()
    cwr = read_path(path)
    accepted = len(cwr.accepted())
    rows.append(("baseline: read + validate only", time.perf_counter() - t, f"{accepted:,} accepted"))
    del cwr

    pg, pg_source = (None, "skipped") if args.no_postgres else postgres_url()
    databases = {"default": f"sqlite:///{tmp / 'registry.sqlite3'}"}
    if pg is not None:
        databases["postgres"] = pg.url  # type: ignore[attr-defined]

    from bunpai.store import migrate, setup, using

    setup(databases)
    from bunpai.services.registry import import_cwr

    results = {}
    for label, alias in (("SQLite", "default"), ("PostgreSQL", "postgres")):
        if alias not in databases:
            rows.append((f"import into {label}", float("nan"), pg_source))
            continue
        with using(alias):
            migrate(database=alias)
            t = time.perf_counter()
            cwr = read_path(path)
            result = import_cwr(cwr, received_on=dt.date(2026, 6, 1), now=dt.datetime(2026, 6, 1, 9, 0))
            (tmp / f"ack-{alias}.V21").write_text(result.ack_text, encoding="ascii", newline="")
            elapsed = time.perf_counter() - t
            del cwr
        results[label] = elapsed
        rows.append((f"import into {label} (read+store+ACK)", elapsed, f"{result.stored:,} stored, {result.statuses}"))

    print(f"{'step':<44} {'seconds':>8}  detail")
    print("-" * 90)
    for name, seconds, detail in rows:
        print(f"{name:<44} {seconds:>8.1f}  {detail}")
    base = rows[1][1]
    for label, seconds in results.items():
        verdict = "meets" if seconds <= TARGET_S * args.works / 100_000 else "MISSES"
        print(
            f"{label}: {seconds / base:.1f}× the baseline; {args.works / seconds:,.0f} works/s; "
            f"{verdict} the target of {TARGET_S:.0f} s per 100,000 works"
        )
    if pg is not None:
        from django.db import connections

        connections.close_all()
        pg.drop()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
