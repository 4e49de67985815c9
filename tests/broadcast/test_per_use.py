"""Per-use fees (個別使用料) from the rule set's tariff, invoiced per licence and month."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from bunpai.core.broadcast.licence import per_use_fee
from bunpai.core.broadcast.rules import RuleSetError, TimePoints
from bunpai.rules import broadcast_ruleset_for

RULES = broadcast_ruleset_for(dt.date(2026, 9, 30))


def test_tariff_by_duration() -> None:
    # terrestrial (EXAMPLE): up to 60 s ¥2,400; up to 300 s ¥6,400; each further 300 s or part ¥6,400
    assert per_use_fee("terrestrial", [30, 60, 61, 300, 301, 600, 601], RULES) == (
        2400 + 2400 + 6400 + 6400 + 12800 + 12800 + 19200
    )
    assert per_use_fee("community_fm", [], RULES) == 0
    with pytest.raises(ValueError, match="no per-use tariff for station kind 'cable_high'"):
        per_use_fee("cable_high", [10], RULES)


def test_a_tariff_in_fractions_of_a_yen_is_refused() -> None:
    from dataclasses import replace

    broken = replace(RULES, licence_per_use={"terrestrial": TimePoints(bands=((60, Fraction(1, 2)),))})
    with pytest.raises(RuleSetError, match="amounts are whole, non-negative yen"):
        broken.validate()


def test_per_use_invoice_of_a_month(registry_db: str) -> None:
    from django.utils import timezone

    from bunpai.broadcast.models import Licence, Licensee
    from bunpai.broadcast.services import invoice_per_use
    from bunpai.intake import models as im

    licensee = Licensee.objects.create(code="CFM", name="さくらコミュニティ放送")
    blanket = Licensee.objects.create(code="TV", name="東都テレビ")
    licence = Licence.objects.create(
        licensee=licensee, fiscal_year=2026, licence_type="per_use", fee_type="per_work", station_kind="community_fm"
    )
    now = timezone.now()

    def report(month: str, sha: str, status: str = im.ReportFile.CURRENT) -> im.ReportFile:
        return im.ReportFile.objects.create(
            station="CFM", licensee="CFM", month=month, name=f"{sha}.csv", sha256=sha * 64, content=b"",
            encoding="utf-8", received_at=now, status=status,
        )  # fmt: skip

    may, old, june = report("2026-05", "a"), report("2026-05", "b", im.ReportFile.REPLACED), report("2026-06", "c")
    for rep, line, duration, outcome in [
        (may, 2, 200, im.THIS_SOCIETY),
        (may, 3, 400, im.THIS_SOCIETY),
        (may, 4, 200, im.OTHER_MANAGER),  # another manager's work: not ours to charge
        (may, 5, 200, im.QUEUED),  # not identified: not charged
        (old, 2, 200, im.THIS_SOCIETY),  # a replaced file never counts
        (june, 2, 100, im.THIS_SOCIETY),
    ]:
        im.ReportLine.objects.create(
            report=rep, line=line, kind=im.ReportLine.WORK, duration=duration, line_key=f"{rep.pk}-{line}",
            outcome=outcome,
        )  # fmt: skip

    invoice = invoice_per_use(licence, "2026-05", RULES)
    assert invoice.amount_yen == 500 + 1000  # 200 s: ¥500; 400 s: ¥500 + ¥500
    assert (invoice.fiscal_year, invoice.instalment, invoice.due_date) == (2026, 2, dt.date(2026, 6, 30))
    assert "2 use(s)" in invoice.description
    with pytest.raises(ValueError, match="already invoiced"):
        invoice_per_use(licence, "2026-05", RULES)
    march = invoice_per_use(licence, "2027-03", RULES)
    assert (march.instalment, march.due_date, march.amount_yen) == (12, dt.date(2027, 4, 30), 0)
    with pytest.raises(ValueError, match="not in the licence's fiscal year 2026"):
        invoice_per_use(licence, "2026-03", RULES)
    tv = Licence.objects.create(licensee=blanket, fiscal_year=2026)
    with pytest.raises(ValueError, match="assessed yearly"):
        invoice_per_use(tv, "2026-05", RULES)
