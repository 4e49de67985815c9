"""Entry point of the `bunpai` command.

Each command group lives in its own module under ``bunpai.cli`` and exposes
``register(subparsers)``; this module only assembles them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bunpai import __version__
from bunpai.cli import broadcast, cwr, demo, fingerprint, identify, prc, reports, trace, web


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bunpai",
        description="bunpai (分配): royalty distribution for a music copyright society.",
    )
    parser.add_argument("--version", action="version", version=f"bunpai {__version__}")
    groups = parser.add_subparsers(dest="group", metavar="COMMAND")
    groups.required = True
    prc.register(groups)
    cwr.register(groups)
    broadcast.register(groups)
    trace.register(groups)
    fingerprint.register(groups)
    identify.register(groups)
    reports.register(groups)
    web.register(groups)
    demo.register(groups)
    return parser


def _no_huge_pages_for_arrays() -> None:
    """NumPy asks the kernel for transparent huge pages for large arrays. The distribution makes and
    drops many arrays of hundreds of megabytes, and the kernel's compaction to find those pages
    costs more than they save: reading a national-scale quarter's input took 20 s with them and 12 s
    without (``benchmarks/broadcast_quarter.py``). Set ``NUMPY_MADVISE_HUGEPAGE=1`` to keep them."""
    if os.environ.get("NUMPY_MADVISE_HUGEPAGE"):
        return
    import numpy as np

    setter = getattr(getattr(getattr(np, "_core", None), "multiarray", None), "_set_madvise_hugepage", None)
    if setter is not None:
        setter(False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _no_huge_pages_for_arrays()
    try:
        code: int = args.handler(args)
    except KeyboardInterrupt:
        print("interrupted / 中断しました", file=sys.stderr)
        return 130
    return code
