"""CWR (Common Works Registration) 2.1 / 2.2 / 3.0 / 3.1: read, validate, acknowledge.

Pure code: no database, no Django. ``read_path`` gives a :class:`CwrFile` with every transaction,
its parties and shares, and every validation message; ``write_ack`` answers it.
"""

from bunpai.formats.cwr.model import (
    Consequence,
    CwrFile,
    CwrUnreadable,
    Level,
    Message,
    Party,
    Transaction,
)
from bunpai.formats.cwr.reader import read_bytes, read_lines, read_path

__all__ = [
    "Consequence",
    "CwrFile",
    "CwrUnreadable",
    "Level",
    "Message",
    "Party",
    "Transaction",
    "read_bytes",
    "read_lines",
    "read_path",
]
