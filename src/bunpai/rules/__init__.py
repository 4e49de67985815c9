"""The shipped rule sets, as versioned data files, and their loader."""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources

from bunpai.core.broadcast.rules import BroadcastRuleSet, broadcast_ruleset_from_mapping, select_broadcast_ruleset
from bunpai.core.rules import PrcRuleSet, prc_ruleset_from_mapping, select_ruleset


def prc_rulesets() -> list[PrcRuleSet]:
    """Every private recording rule set shipped with bunpai."""
    folder = resources.files("bunpai.rules").joinpath("prc")
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            found.append(prc_ruleset_from_mapping(tomllib.loads(entry.read_text(encoding="utf-8"))))
    return found


def prc_ruleset_for(day: dt.date) -> PrcRuleSet:
    """The private recording rule set in force on ``day`` (a period's reference date)."""
    return select_ruleset(prc_rulesets(), day)


def broadcast_rulesets() -> list[BroadcastRuleSet]:
    """Every broadcast rule set shipped with bunpai."""
    folder = resources.files("bunpai.rules").joinpath("broadcast")
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            found.append(broadcast_ruleset_from_mapping(tomllib.loads(entry.read_text(encoding="utf-8"))))
    return found


def broadcast_ruleset_for(day: dt.date) -> BroadcastRuleSet:
    """The broadcast rule set in force on ``day`` (a quarter's reference date)."""
    return select_broadcast_ruleset(broadcast_rulesets(), day)
