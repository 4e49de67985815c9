from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bunpai.formats.cwr.identifiers import (
    is_valid_ipi_base,
    is_valid_ipi_name,
    is_valid_isrc,
    is_valid_iswc,
    iswc_check_digit,
    normalise_ipi_base,
    normalise_ipi_name,
)


def test_iswc_examples() -> None:
    assert is_valid_iswc("T0345246801")
    assert is_valid_iswc("T1234567894")
    assert is_valid_iswc("T-123.456.789-4")
    for bad in ("T3221234234", "T3452468001", "T123456789", "X1234567894", "", "T12345678X4"):
        assert not is_valid_iswc(bad)


def test_ipi_examples() -> None:
    assert is_valid_ipi_name("00755792595")
    assert is_valid_ipi_name("00589238793")
    assert is_valid_ipi_name("199")  # an old CAE number, padded
    assert normalise_ipi_name("199") == "00000000199"
    assert not is_valid_ipi_name("00755792596")
    assert not is_valid_ipi_name("0075579259A")
    assert is_valid_ipi_base("I-002985150-9")
    assert is_valid_ipi_base("I0029851509")
    assert normalise_ipi_base("I0029851509") == "I-002985150-9"
    assert not is_valid_ipi_base("I-002985150-8")


def test_isrc_through_stdnum() -> None:
    assert is_valid_isrc("US-RC1-76-07839")
    assert not is_valid_isrc("US-RC1-76-0783")


@given(st.text("0123456789", min_size=9, max_size=9))
def test_computed_iswc_check_digit_validates(digits: str) -> None:
    iswc = f"T{digits}{iswc_check_digit(digits)}"
    assert is_valid_iswc(iswc)
    wrong = (iswc_check_digit(digits) + 1) % 10
    assert not is_valid_iswc(f"T{digits}{wrong}")


@given(st.text("0123456789", min_size=9, max_size=9))
def test_ipi_name_check_is_consistent(digits: str) -> None:
    r = sum(int(d) * (10 - i) for i, d in enumerate(digits)) % 101
    check = 0 if r == 0 else (101 - r) % 100
    assert is_valid_ipi_name(f"{digits}{check:02d}")
    assert not is_valid_ipi_name(f"{digits}{(check + 1) % 100:02d}")
