"""The roles as Django groups with their permissions (権限).

Staff roles (``registry_editor``, ``distribution_runner``, ``distribution_approver``,
``administrator``) sign in to the back office and the admin (their users are ``is_staff``); the
portal roles (``licensee``, ``member``, ``claimant``) see only their own objects: the object-level
checks are in :mod:`bunpai.web.access`.
"""

from __future__ import annotations

from typing import Any

from bunpai.web.plugins import EXTRA_ROLE_PERMISSIONS

REGISTRY_EDIT = [
    f"registry.{action}_{model}"
    for model in ("party", "membership", "share", "work", "alternativetitle", "partyreference", "recording")
    for action in ("add", "change", "delete", "view")
]
REGISTRY_VIEW = [
    f"registry.view_{model}"
    for model in ("party", "membership", "share", "work", "document", "society", "conflict", "alternativetitle")
]
BROADCAST_VIEW = [
    f"broadcast.view_{model}"
    for model in ("licensee", "station", "licence", "feeassessment", "invoice", "payment", "distributionrun")
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "registry_editor": ["web.back_office", "web.view_audit", "web.view_auditentry", *REGISTRY_EDIT, *REGISTRY_VIEW],
    "distribution_runner": [
        "web.back_office",
        "web.run_distribution",
        "web.view_prcrun",
        "web.review_claim",
        "web.view_claim",
        "broadcast.add_payment",
        "broadcast.add_invoice",
        *BROADCAST_VIEW,
        *REGISTRY_VIEW,
    ],
    "distribution_approver": [
        "web.back_office",
        "web.approve_distribution",
        "web.view_prcrun",
        *BROADCAST_VIEW,
        *REGISTRY_VIEW,
    ],
    "administrator": ["*"],
    "licensee": ["web.licensee_portal"],
    "member": ["web.member_portal"],
    "claimant": ["web.claimant_portal"],
}
STAFF_ROLES = ("registry_editor", "distribution_runner", "distribution_approver", "administrator")
ROLES = tuple(ROLE_PERMISSIONS)


def permissions_of(role: str) -> list[str]:
    return ROLE_PERMISSIONS[role] + EXTRA_ROLE_PERMISSIONS.get(role, [])


def ensure_roles(using: str = "default") -> None:
    """Create or update one group per role with exactly its permissions."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    every = Permission.objects.using(using).select_related("content_type")
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in every}
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = permissions_of(role)
        perms = list(by_name.values()) if wanted == ["*"] else [by_name[n] for n in wanted if n in by_name]
        group.permissions.set(perms)


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from bunpai.store import using as route_to

    with route_to(using):  # the registry's router sends every query to the routed database
        ensure_roles(using=using)


def create_user(username: str, password: str | None, role: str, *, email: str = "", using: str = "default") -> Any:
    """A user with one role (staff roles may use the admin); the administrator is a superuser."""
    from django.contrib.auth.models import Group, User

    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    user = User.objects.db_manager(using).create_user(username, email=email, password=password)
    user.is_staff = role in STAFF_ROLES
    user.is_superuser = role == "administrator"
    user.save(using=using)
    user.groups.add(Group.objects.using(using).get(name=role))
    return user


def roles_of(user: Any) -> list[str]:
    return sorted(g.name for g in user.groups.all() if g.name in ROLES)
