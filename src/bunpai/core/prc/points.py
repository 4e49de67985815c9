"""Art. 11, 15 and BL 5: which uses count in which fund, and the points they give.

分配点数 = 基礎点数 × 著作物格差点数(みなし曲数) × 使用回数(貸出し回数) × 出庫数 × 放送局格差点数
× サンプリング調整係数 — each fund multiplies the factors it has.
"""

from __future__ import annotations

from fractions import Fraction

from bunpai.core.prc.model import BroadcastUse, RecordingUse, RentalUse
from bunpai.core.rules import PrcRuleSet


def broadcast_use_counts(use: BroadcastUse, rules: PrcRuleSet) -> bool:
    """BL 5 ¶1(1), ¶2(1): featured uses on NHK radio and commercial terrestrial radio."""
    return use.use_type in rules.broadcast_use_types and use.station_kind in rules.broadcast_station_kinds


def recording_use_counts(use: RecordingUse, rules: PrcRuleSet) -> bool:
    """BL 5 ¶1(2), ¶2(2): classes 1 and 2 for sale; export, promotional, private, IC chip… excluded."""
    return use.recording_class in rules.recording_classes and use.purpose in rules.recording_purposes


def rental_use_counts(use: RentalUse, rules: PrcRuleSet) -> bool:
    """BL 5 ¶1(3): class 1 rental records."""
    return use.rental_class in rules.rental_classes


def sampling_adjustment(sampling_rate: Fraction | None) -> Fraction:
    """Art. 15(6): the inverse of the sampled fraction of the "specific weeks" (1 for full reports)."""
    if sampling_rate is None:
        return Fraction(1)
    if sampling_rate <= 0:
        raise ValueError("a sampling rate must be positive")
    return 1 / sampling_rate


def broadcast_use_points(use: BroadcastUse) -> Fraction:
    """Art. 15 (2), (3), (5), (6): differential × use count × station × sampling adjustment."""
    return (
        use.differential_points * use.use_count * use.station_points * sampling_adjustment(use.sampling_rate)
    )


def recording_use_points(use: RecordingUse) -> Fraction:
    """Art. 15 (2), (4): deemed song count × units shipped or made."""
    return use.deemed_songs * use.units


def rental_use_points(use: RentalUse) -> Fraction:
    """Art. 15 (2), (3): deemed song count × rental count."""
    return use.deemed_songs * use.rental_count
