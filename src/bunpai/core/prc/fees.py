"""Art. 17: the administration fee (管理手数料), per payee."""

from __future__ import annotations

from fractions import Fraction

from bunpai.core.money import Yen, floor_yen


def admin_fee(gross_yen: Yen, rate: Fraction) -> Yen:
    """``floor(gross × rate)``: the fee is rounded in the payee's favour."""
    if gross_yen < 0:
        raise ValueError("a gross amount must not be negative")
    if not 0 <= rate <= 1:
        raise ValueError("a fee rate must be between 0 and 1")
    return floor_yen(gross_yen * rate)
