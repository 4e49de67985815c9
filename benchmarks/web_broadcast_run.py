"""What the site adds to a broadcast quarter's run, beside the same work done by the services alone.

    .venv/bin/python benchmarks/web_broadcast_run.py                 # the demo quarter: 3,000 works, 60,000 lines
    .venv/bin/python benchmarks/web_broadcast_run.py --lines 200000

Steps, one after the other in this process (a fresh SQLite data folder in a temporary directory):

1. **baseline**: ``compute_quarter`` + ``write_run`` + ``build_statements`` — what
   ``bunpai broadcast run`` and ``bunpai broadcast statements`` do, without the site;
2. **site: start a run**: ``bunpai.services.broadcast_runs.start`` — the copy of the input folder,
   the same three calls, and the records in the database;
3. **site: run page**: the approver's ``/staff/broadcast/runs/<id>/`` (summary, identities, charts,
   payees), rendered through Django's test client;
4. **site: invoice PDF**: a licensee's ``/licensee/invoices/<id>.pdf``, the mean of 20.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--works", type=int, default=3000)
    parser.add_argument("--lines", type=int, default=60000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bunpai-web-bench-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        os.environ["BUNPAI_DATA_DIR"] = str(data)
        os.environ.pop("BUNPAI_DATABASE_URL", None)
        os.environ["BUNPAI_WEB_INSECURE"] = "1"
        from bunpai.store import migrate, setup

        setup()
        migrate()
        from django.test import Client

        from bunpai.demo.broadcast import generate_quarter
        from bunpai.services import broadcast_runs
        from bunpai.services.broadcast import compute_quarter, write_run
        from bunpai.services.broadcast_payments import build_statements
        from bunpai.web.demo import demo_billing
        from bunpai.web.models import Licensee
        from bunpai.web.roles import create_user

        quarter = data / "quarter"
        generate_quarter(quarter, works=args.works, lines=args.lines)
        rows: list[tuple[str, float]] = []

        start = time.perf_counter()
        run = compute_quarter(quarter)
        write_run(run, Path(tmp) / "result")
        build_statements(Path(tmp) / "result", quarter, Path(tmp) / "statements")
        rows.append(("baseline: run + statements (services)", time.perf_counter() - start))

        runner = create_user("runner", "bench-password-1", "distribution_runner")
        approver = create_user("approver", "bench-password-1", "distribution_approver")
        start = time.perf_counter()
        recorded = broadcast_runs.start(user=runner, source=quarter)
        rows.append(("site: start a run (copy, same calls, records)", time.perf_counter() - start))

        client = Client()
        client.force_login(approver)
        start = time.perf_counter()
        page = client.get(f"/staff/broadcast/runs/{recorded.pk}/")
        rows.append(("site: run page (approver)", time.perf_counter() - start))
        assert page.status_code == 200, page.status_code

        user = create_user("licensee", "bench-password-1", "licensee")
        Licensee.objects.create(code="BENCH", name="Bench").users.add(user)
        invoice = demo_billing("BENCH", "Bench", revenue_yen=1_000_000_000).invoices.first()
        client.force_login(user)
        start = time.perf_counter()
        for _ in range(20):
            pdf = client.get(f"/licensee/invoices/{invoice.pk}.pdf")
        rows.append(("site: invoice PDF (mean of 20)", (time.perf_counter() - start) / 20))
        assert pdf.content.startswith(b"%PDF")

    print(f"broadcast quarter: {args.works:,} works, {args.lines:,} usage lines")
    print(f"{'step':<48} {'wall s':>8}")
    print("-" * 57)
    for name, seconds in rows:
        print(f"{name:<48} {seconds:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
