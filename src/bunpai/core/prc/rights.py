"""Art. 12: the rights holders of the reference date, from documents received in time.

関係権利者は確定基準日における権利関係に基づき、確定基準日の10日前までに提出された
著作物資料により確定する。
"""

from __future__ import annotations

import datetime as dt

from bunpai.core.prc.model import Right


def documents_cutoff(reference_date: dt.date, days_before: int) -> dt.date:
    """The last day on which a document counts for this reference date (Art. 12 ¶2)."""
    return reference_date - dt.timedelta(days=days_before)


def counts_on(right: Right, reference_date: dt.date, days_before: int) -> bool:
    """Whether a right row decides the holders of ``reference_date`` (Art. 12 ¶1–2)."""
    if right.valid_from is not None and right.valid_from > reference_date:
        return False
    if right.valid_to is not None and right.valid_to < reference_date:
        return False
    return right.submitted_on <= documents_cutoff(reference_date, days_before)
