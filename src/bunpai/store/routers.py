"""Send every query to the database chosen with :func:`bunpai.store.using` (tests use two at once)."""

from __future__ import annotations

from typing import Any


class ContextRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        from bunpai.store import current_alias

        return current_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        from bunpai.store import current_alias

        return current_alias()

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return True
