"""Corrupted copies of the real files: the reader reports, it never crashes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bunpai.formats.cwr import CwrUnreadable, read_bytes
from bunpai.formats.cwr.ack import write_ack

DATA = Path(__file__).resolve().parents[1] / "data" / "cwr"
SMALL = [
    "django-music-publisher__CW220001DMP_000.V21",
    "django-music-publisher__CW220002DMP_0000_V3-0-0.SUB",
    "CWR-DataApi__revexample.V21",
    "CWR-DataApi__demo_cwr_cleaned.v22",
    "CWR-Validator-max1millions__hdr_ipnn_v21.V21",
    "django-music-publisher__CW220001052_DMP.V21",
]


def _survives(data: bytes) -> None:
    try:
        cwr = read_bytes(data)
    except CwrUnreadable as exc:
        assert str(exc)
        return
    ack = read_bytes(write_ack(cwr).encode("ascii"))
    assert not ack.rejected
    for m in cwr.all_messages():
        assert m.text and m.level.value in "EGTRF"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(SMALL), data=st.data())
def test_byte_edits_never_crash(name: str, data: st.DataObject) -> None:
    raw = bytearray((DATA / name).read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.sampled_from(b"X 0\n\r9-\xff\x00"[:9]))
    _survives(bytes(raw))


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(SMALL), data=st.data())
def test_line_edits_never_crash(name: str, data: st.DataObject) -> None:
    lines = (DATA / name).read_bytes().split(b"\r\n")
    op = data.draw(st.sampled_from(["drop", "duplicate", "swap", "truncate", "cut"]))
    i = data.draw(st.integers(0, len(lines) - 1))
    j = data.draw(st.integers(0, len(lines) - 1))
    if op == "drop":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[j])
    elif op == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "truncate":
        lines[i] = lines[i][: data.draw(st.integers(0, 40))]
    else:
        lines = lines[:i]
    _survives(b"\r\n".join(lines))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \r\n\r\n", "empty"),
        (b"\x00\x01\x02HDR", "binary"),
        (b"NWR0000000000000000TITLE\r\n", "transmission header \\(HDR\\)"),
        (b"# notes\n", "transmission header \\(HDR\\)"),
    ],
)
def test_not_cwr_at_all(data: bytes, reason: str) -> None:
    with pytest.raises(CwrUnreadable, match=reason):
        read_bytes(data)


def test_header_only_is_read_and_rejected() -> None:
    cwr = read_bytes(b"HDRPB000000199SOMEONE" + b" " * 40 + b"\r\n")
    assert cwr.rejected and "no file trailer" in "\n".join(m.text for m in cwr.all_messages())
