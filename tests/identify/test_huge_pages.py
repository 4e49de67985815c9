"""Huge pages for a built index: which mappings are collapsed, and that a sparse one is not filled."""

from __future__ import annotations

import ctypes
import mmap
import sys

from bunpai.identify.huge_pages import filled_mappings, use_huge_pages

_MB = 1 << 20

SMAPS = """\
7f0000000000-7f0000800000 rw-p 00000000 00:00 0
Size:               8192 kB
Rss:                8000 kB
VmFlags: rd wr mr mw me ac
7f0000800000-7f0001000000 rw-p 00000000 00:00 0
Size:               8192 kB
Rss:                  12 kB
VmFlags: rd wr mr mw me ac
55d000000000-55d000a00000 rw-p 00000000 00:00 0                          [heap]
Size:              10240 kB
Rss:               10240 kB
7f0002000000-7f0002400000 rw-p 00000000 08:01 1234                       /usr/lib/libx.so
Size:               4096 kB
Rss:                4096 kB
7f0003000000-7f0003400000 r--p 00000000 00:00 0
Size:               4096 kB
Rss:                4096 kB
7f0004000000-7f0004400000 rw-s 00000000 00:01 99                         /dev/zero (deleted)
Size:               4096 kB
Rss:                4096 kB
7f0005000000-7f0005100000 rw-p 00000000 00:00 0
Size:               1024 kB
Rss:                1024 kB
7f0006100000-7f0006500000 rw-p 00000000 00:00 0
Size:               4096 kB
Rss:                4096 kB
7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]
Size:                132 kB
Rss:                 132 kB
"""


def test_only_filled_private_anonymous_mappings_are_collapsed() -> None:
    assert list(filled_mappings(SMAPS)) == [
        # 8 MB, filled
        (0x7F0000000000, 0x7F0000800000),
        # the heap
        (0x55D000000000, 0x55D000A00000),
        # 4 MB from an address 1 MB past a huge page's start: its one whole huge page
        (0x7F0006200000, 0x7F0006400000),
    ]
    # left alone: the sparse mapping (12 kB of 8 MB), a library's data, a read-only mapping, a
    # shared one, one smaller than a huge page, the stack


def _huge_pages_kb() -> int:
    with open("/proc/self/smaps_rollup") as file:
        return sum(int(line.split()[1]) for line in file if line.startswith("AnonHugePages:"))


def _resident_kb(address: int) -> int:
    """The memory in use of the mapping holding ``address``, in kB."""
    inside = False
    with open("/proc/self/smaps") as file:
        for line in file:
            first = line.split(maxsplit=1)[0]
            if "-" in first and not first.endswith(":"):
                low, high = (int(x, 16) for x in first.split("-"))
                inside = low <= address < high
            elif inside and first == "Rss:":
                return int(line.split()[1])
    raise AssertionError(f"no mapping holds {address:#x}")


def test_huge_pages_add_no_memory_and_collapse_what_they_say() -> None:
    if not sys.platform.startswith("linux"):
        assert use_huge_pages() == 0  # elsewhere nothing is done
        return
    # One mapping cut in five by read-only parts, which keep the kernel from joining the filled
    # and the sparse part with each other or with the process's other memory (it joins
    # neighbours of the same kind): read-only, 64 MB filled, read-only, 64 MB sparse, read-only.
    private = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS  # as the allocators' memory (not shared)
    region = mmap.mmap(-1, 134 * _MB, flags=private)
    start = ctypes.addressof(ctypes.c_char.from_buffer(region))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    for guard in (0, 66, 132):
        assert libc.mprotect(start + guard * _MB, 2 * _MB, mmap.PROT_READ) == 0
    region[2 * _MB : 66 * _MB] = b"\1" * (64 * _MB)
    region[68 * _MB] = 1  # one page of the sparse part in memory
    sparse_address = start + 68 * _MB
    before = _huge_pages_kb()
    collapsed = use_huge_pages()
    # where the kernel offers huge pages, the 64 MB filled mapping is among what was collapsed
    # (all but its unaligned ends), and the process's huge pages grew by what it says; elsewhere
    # nothing was
    assert collapsed == 0 or collapsed >= 60 * _MB
    assert _huge_pages_kb() - before >= collapsed // 1024 - 4096
    # the sparse mapping was not filled
    assert _resident_kb(sparse_address) <= 64
    for guard in (0, 66, 132):
        libc.mprotect(start + guard * _MB, 2 * _MB, mmap.PROT_READ | mmap.PROT_WRITE)
