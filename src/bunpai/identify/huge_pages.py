"""Huge pages for a built index (Linux): the memory of a large index's objects moved to pages of
2 MB.

A works index is millions of small objects — keys, tuples, lists, the tables of dictionaries
of a million entries — spread over gigabytes, and identification reads them in no order. With
pages of 4 KB, nearly every such read needs a page-table walk besides its cache miss (the
processor's table of recent translations holds a few megabytes' worth of them). Python's
allocator takes its memory in small mappings that the kernel backs with 4 KB pages unless told
otherwise, and most machines give huge pages only to memory that asks for them
(``/sys/kernel/mm/transparent_hugepage/enabled`` = ``madvise``).

:func:`use_huge_pages` asks for them once the index is built: each private anonymous mapping of
the process that its pages fill (``/proc/self/smaps``) is marked ``MADV_HUGEPAGE`` and collapsed
into huge pages at once (``MADV_COLLAPSE``, Linux 6.1 and later). Sparse mappings (a thread's
stack, an allocator's reserve) are left alone, so that the memory in use grows at most by the
part of a filled mapping not yet in it (a tenth of it at the most). Where the kernel does not
offer this, or cannot find free huge pages, nothing changes: it is only about speed.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator

_HUGE = 1 << 21  # 2 MB
MADV_HUGEPAGE = 14
MADV_COLLAPSE = 25
# A mapping is collapsed when its pages in memory fill at least this share of it.
_FILLED = 0.9


def _libc() -> ctypes.CDLL | None:
    """The C library this process runs with (its symbols are the process's own: no search for a
    file, which ``ctypes.util.find_library`` makes by running ``ldconfig``)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    libc.madvise.restype = ctypes.c_int
    return libc


def filled_mappings(smaps: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of the 2 MB-aligned part of each private anonymous read-write mapping
    listed in ``smaps`` (the text of ``/proc/<pid>/smaps``) whose pages in memory fill at least
    ``_FILLED`` of it, where that part holds one huge page or more."""
    start = end = 0
    eligible = False
    for line in smaps.splitlines():
        fields = line.split()
        first = fields[0] if fields else ""
        if "-" in first and not first.endswith(":"):  # a mapping's header
            start, end = (int(x, 16) for x in first.split("-"))
            path = fields[5] if len(fields) > 5 else ""
            eligible = fields[1].startswith("rw") and fields[1].endswith("p") and path in ("", "[heap]")
        elif first == "Rss:" and eligible:
            resident = int(fields[1]) * 1024
            aligned_start = (start + _HUGE - 1) & ~(_HUGE - 1)
            aligned_end = end & ~(_HUGE - 1)
            if aligned_end - aligned_start >= _HUGE and resident >= _FILLED * (end - start):
                yield aligned_start, aligned_end
            eligible = False


def use_huge_pages() -> int:
    """Move this process's filled anonymous memory to huge pages (see the module's text); the
    bytes collapsed (0 where the kernel does not offer it)."""
    if not sys.platform.startswith("linux"):
        return 0
    libc = _libc()
    if libc is None:
        return 0
    try:
        with open("/proc/self/smaps", encoding="ascii", errors="replace") as file:
            smaps = file.read()
    except OSError:
        return 0
    collapsed = 0
    for start, end in filled_mappings(smaps):
        # Either call fails where the kernel has no transparent huge pages, and for a mapping that
        # cannot have them (one that has asked for none): that mapping keeps its pages.
        size = end - start
        if libc.madvise(start, size, MADV_HUGEPAGE) == 0 and libc.madvise(start, size, MADV_COLLAPSE) == 0:
            collapsed += size
    return collapsed
