"""Art. 13: share rates by composition, registered shares with a publisher, substitutions."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from bunpai.core.prc.shares import Holding, ShareError, resolve_work_shares
from bunpai.rules import prc_rulesets

RULES = prc_rulesets()[0]


def weights(*holdings: tuple[str, str | None], music: bool = False, lyrics: bool = False) -> list[F | None]:
    resolved = resolve_work_shares(
        [Holding(role, F(share) if share else None) for role, share in holdings],
        music_expired=music,
        lyrics_expired=lyrics,
        rules=RULES,
    )
    return list(resolved.weights)


@pytest.mark.parametrize(
    ("roles", "rates"),
    [
        (["composer"], ["12/12"]),
        (["composer", "arranger"], ["10/12", "2/12"]),
        (["composer", "lyricist"], ["6/12", "6/12"]),
        (["composer", "lyricist", "arranger"], ["5/12", "5/12", "2/12"]),
        (["composer", "lyricist", "translator"], ["5/12", "5/12", "2/12"]),
        (["composer", "lyricist", "arranger", "translator"], ["5/12", "5/12", "1/12", "1/12"]),
    ],
)
def test_table_rows_one_to_six(roles: list[str], rates: list[str]) -> None:
    assert weights(*[(r, None) for r in roles]) == [F(x) for x in rates]


def test_co_composers_share_the_role_equally_or_by_registered_share() -> None:
    assert weights(("composer", None), ("composer", None), ("lyricist", None)) == [
        F(3, 12),
        F(3, 12),
        F(6, 12),
    ]
    assert weights(("composer", "4/12"), ("composer", "2/12"), ("lyricist", "6/12")) == [
        F(4, 12),
        F(2, 12),
        F(6, 12),
    ]
    # One co-holder without a registered share: equal shares within the role.
    assert weights(("composer", "4/12"), ("composer", None)) == [F(6, 12), F(6, 12)]


def test_with_a_publisher_the_registered_shares_apply() -> None:
    resolved = resolve_work_shares(
        [Holding("composer", F(3, 12)), Holding("lyricist", F(3, 12)), Holding("publisher", F(6, 12))],
        music_expired=False,
        lyrics_expired=False,
        rules=RULES,
    )
    assert resolved.weights == (F(3, 12), F(3, 12), F(6, 12))
    assert resolved.row == 9 and resolved.notes == ()


def test_a_pattern_outside_the_table_is_applied_and_noted() -> None:
    resolved = resolve_work_shares(
        [Holding("composer", F(7, 12)), Holding("publisher", F(5, 12))],
        music_expired=False,
        lyrics_expired=False,
        rules=RULES,
    )
    assert resolved.weights == (F(7, 12), F(5, 12))
    assert resolved.notes == ("registered pattern 7-5 (twelfths) is not one of row 7; applied as registered",)


def test_unregistered_part_of_a_publisher_work_is_held() -> None:
    resolved = resolve_work_shares(
        [Holding("composer", F(6, 12)), Holding("publisher", F(4, 12))],
        music_expired=False,
        lyrics_expired=False,
        rules=RULES,
    )
    assert resolved.weights == (F(6, 12), F(4, 12))
    assert resolved.unregistered == F(2, 12)


def test_shares_above_twelve_twelfths_are_refused() -> None:
    with pytest.raises(ShareError, match="13/12"):
        resolve_work_shares(
            [Holding("composer", F(9, 12)), Holding("publisher", F(4, 12))],
            music_expired=False,
            lyrics_expired=False,
            rules=RULES,
        )


def test_arranger_of_expired_music_counts_as_composer() -> None:
    # Composer (expired) and arranger: the arranger takes the composer's rate of row 1.
    assert weights(("composer", None), ("arranger", None), music=True) == [None, F(1)]
    # Composer (expired), lyricist and arranger: row 3 (composer + lyricist) with the arranger as composer.
    assert weights(("composer", None), ("lyricist", None), ("arranger", None), music=True) == [
        None,
        F(6, 12),
        F(6, 12),
    ]


def test_translator_of_expired_lyrics_counts_as_lyricist() -> None:
    assert weights(("composer", None), ("lyricist", None), ("translator", None), lyrics=True) == [
        F(6, 12),
        None,
        F(6, 12),
    ]


def test_expired_holder_in_a_publisher_work_is_left_out_and_the_rest_shares_in_proportion() -> None:
    resolved = resolve_work_shares(
        [Holding("composer", F(4, 12)), Holding("lyricist", F(4, 12)), Holding("publisher", F(4, 12))],
        music_expired=False,
        lyrics_expired=True,
        rules=RULES,
    )
    assert resolved.weights == (F(1, 2), None, F(1, 2))


def test_composition_outside_the_table_uses_row_six_proportions() -> None:
    # Music expired without an arranger: only the lyricist and translator remain (5 : 1).
    assert weights(("composer", None), ("lyricist", None), ("translator", None), music=True) == [
        None,
        F(5, 6),
        F(1, 6),
    ]


def test_no_rows_means_the_whole_work_is_held() -> None:
    resolved = resolve_work_shares([], music_expired=False, lyrics_expired=False, rules=RULES)
    assert resolved.unregistered == 1 and resolved.weights == ()


def test_every_holder_out_of_copyright_gets_nothing() -> None:
    resolved = resolve_work_shares(
        [Holding("composer", None), Holding("lyricist", None)],
        music_expired=True,
        lyrics_expired=True,
        rules=RULES,
    )
    assert resolved.weights == (None, None) and resolved.unregistered == 0
