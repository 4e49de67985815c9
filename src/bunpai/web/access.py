"""Object-level checks: whose statement, claim or licensee data a user may see.

Role permissions say which pages a user may open; these functions say which objects on them. A
member sees only the statements of the party their login belongs to; a claimant only their own
claims; a licensee's user only the licensees they belong to (report pages come with intake).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404


def party_of(user: Any) -> Any:
    """The registry party of a member's or claimant's login, or 404 when the login has none."""
    account = getattr(user, "party_account", None)
    if account is None:
        raise Http404("this login is not linked to a party")
    return account.party


def own_claim(user: Any, claim: Any) -> Any:
    if claim.claimant_id != user.pk:
        raise Http404("no such claim")
    return claim


def can_see_claim(user: Any, claim: Any) -> bool:
    return bool(claim.claimant_id == user.pk or user.has_perm("web.view_claim"))


def licensees_of(user: Any) -> Any:
    from bunpai.web.models import Licensee

    if user.has_perm("web.view_licensee"):
        return Licensee.objects.all()
    return Licensee.objects.filter(users=user)


def can_see_licensee(user: Any, licensee_id: int) -> bool:
    """The check the licensee's report pages use: a licensee never sees another licensee's data."""
    return bool(licensees_of(user).filter(pk=licensee_id).exists())
