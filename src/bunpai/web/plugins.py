"""Where other apps plug into the web application (report intake, broadcast distribution, …).

An app calls these from its ``AppConfig.ready()``:

- :func:`register_urls` — ``register_urls("intake/", "bunpai.intake.urls")`` includes its URLs;
- :func:`register_nav` — a navigation entry shown to users holding its permission;
- :func:`register_role_permissions` — adds its permissions to a role's group (applied by ``migrate``);
- :func:`register_api` — ``register_api("/reports", "bunpai.intake.api.router")`` adds a django-ninja
  router to the API (and to its OpenAPI document).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SECTIONS = ("staff", "member", "claimant", "licensee", "admin", "account")


@dataclass(frozen=True)
class NavEntry:
    section: str  # one of SECTIONS
    label: Any  # a lazy translation
    url_name: str
    permission: str  # "app_label.codename"; empty: every signed-in user
    order: int = 100


URLS: list[tuple[str, str]] = []
NAV: list[NavEntry] = []
EXTRA_ROLE_PERMISSIONS: dict[str, list[str]] = {}
API_ROUTERS: list[tuple[str, str]] = []


def register_urls(prefix: str, urlconf: str) -> None:
    if (prefix, urlconf) not in URLS:
        URLS.append((prefix, urlconf))


def register_nav(entry: NavEntry) -> None:
    if entry.section not in SECTIONS:
        raise ValueError(f"unknown navigation section {entry.section!r}")
    if entry not in NAV:
        NAV.append(entry)


def register_role_permissions(role: str, permissions: list[str]) -> None:
    EXTRA_ROLE_PERMISSIONS.setdefault(role, []).extend(
        p for p in permissions if p not in EXTRA_ROLE_PERMISSIONS.get(role, [])
    )


def register_api(prefix: str, router: str) -> None:
    """``router``: the dotted path of a ``ninja.Router``, added when the API is built."""
    if (prefix, router) not in API_ROUTERS:
        API_ROUTERS.append((prefix, router))
