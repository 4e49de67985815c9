"""The Japanese catalogue: every message translated, and the committed .mo compiled from the .po."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "src" / "bunpai" / "web" / "locale" / "ja" / "LC_MESSAGES"


def _po_entries() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""\n"Project' not in block:
            raise AssertionError(f"fuzzy entry:\n{block}")
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if match:
            msgid = "".join(ast.literal_eval(x) for x in match.group(1).split("\n") if x)
            msgstr = "".join(ast.literal_eval(x) for x in match.group(2).split("\n") if x)
            if msgid:
                entries[msgid] = msgstr
    return entries


def test_every_message_is_translated_and_compiled() -> None:
    entries = _po_entries()
    assert len(entries) > 100
    untranslated = [k for k, v in entries.items() if not v]
    assert not untranslated
    with (LOCALE / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    assert {k: compiled.gettext(k) for k in entries} == entries
    assert entries["My statements"] == "私の分配明細"
