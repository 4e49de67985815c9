"""The audit trail of the registry: every change to parties, memberships and shares (監査証跡).

Each save or delete through Django (the admin, the web pages, the services that use the ORM) writes
an :class:`~bunpai.web.models.AuditEntry` with who, when, the state before and the state after. Bulk
imports write their rows in one statement, without per-row signals: their document (CWR file,
spreadsheet, private recording folder) is audited instead, and every row they wrote names it.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

_ACTOR: contextvars.ContextVar[Any] = contextvars.ContextVar("bunpai_actor", default=None)
_BEFORE: contextvars.ContextVar[dict[tuple[str, Any], dict[str, Any]] | None] = contextvars.ContextVar(
    "bunpai_audit_before", default=None
)


@contextlib.contextmanager
def acting_user(user: Any) -> Iterator[None]:
    """Attribute every audited change inside the block to ``user`` (None: the system)."""
    token = _ACTOR.set(user)
    try:
        yield
    finally:
        _ACTOR.reset(token)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(instance: Any) -> dict[str, Any]:
    """The stored fields of a model instance as JSON-ready values (foreign keys as their ids)."""
    return {f.attname: _plain(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def audited_models() -> list[Any]:
    from bunpai.store import models as m

    return [m.Party, m.Membership, m.Share, m.Document]


def _key(instance: Any) -> tuple[str, Any]:
    return (instance._meta.label, instance.pk)


def _pre_save(sender: Any, instance: Any, raw: bool = False, using: str | None = None, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    old = sender._default_manager.using(using).filter(pk=instance.pk).first()
    if old is None:
        return
    pending = _BEFORE.get()
    if pending is None:
        pending = {}
        _BEFORE.set(pending)
    pending[_key(instance)] = snapshot(old)


def _record(
    action: str, instance: Any, before: dict[str, Any] | None, after: dict[str, Any] | None, using: str
) -> None:
    from bunpai.web.models import AuditEntry

    user = _ACTOR.get()
    AuditEntry.objects.using(using).create(
        user_id=getattr(user, "pk", None),
        username=getattr(user, "username", "") or "(system)",
        action=action,
        model=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
    )


def _post_save(sender: Any, instance: Any, created: bool, using: str = "default", **kwargs: Any) -> None:
    pending = _BEFORE.get() or {}
    before = None if created else pending.pop(_key(instance), None)
    after = snapshot(instance)
    if before == after:
        return
    _record("create" if created else "update", instance, before, after, using)


def _post_delete(sender: Any, instance: Any, using: str = "default", **kwargs: Any) -> None:
    _record("delete", instance, snapshot(instance), None, using)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    for model in audited_models():
        pre_save.connect(_pre_save, sender=model, dispatch_uid=f"audit-pre-{model._meta.label}")
        post_save.connect(_post_save, sender=model, dispatch_uid=f"audit-post-{model._meta.label}")
        post_delete.connect(_post_delete, sender=model, dispatch_uid=f"audit-del-{model._meta.label}")


def record_decision(
    user: Any, model: str, object_id: Any, object_repr: str, before: dict[str, Any], after: dict[str, Any]
) -> Any:
    """An audit entry for a decision that is not one model's save (e.g. a queue decision, applied to
    many lines at once): who, when, what it was before and what it is after."""
    from bunpai.store import current_alias
    from bunpai.web.models import AuditEntry

    return AuditEntry.objects.using(current_alias()).create(
        user_id=getattr(user, "pk", None),
        username=getattr(user, "username", "") or "(system)",
        action="update",
        model=model,
        object_id=str(object_id)[:40],
        object_repr=object_repr[:200],
        before={k: _plain(v) for k, v in before.items()},
        after={k: _plain(v) for k, v in after.items()},
    )
