"""Staff signing in through an OpenID Connect provider: matched by email, roles from groups."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core import audit
from crm.core.errors import DomainError, Invalid
from crm.customers.identity import normalise_email
from crm.models import ROLES, Client, User, utcnow
from crm.tenancy import users


class SignOnRefused(DomainError):
    """The identity provider vouched for someone who may not use the console."""

    code = "sign_on_refused"
    status = 403


def parse_role_map(text: str) -> dict[str, list[str]]:
    """OIDC_ROLE_MAP ("cl-agents=agent,cl-sup=supervisor") as group -> roles; Invalid if bad."""
    mapping: dict[str, list[str]] = {}
    for pair in filter(None, (p.strip() for p in (text or "").split(","))):
        group, sep, role = (part.strip() for part in pair.partition("="))
        if not sep or not group or role not in ROLES:
            raise Invalid(f"OIDC_ROLE_MAP entry {pair!r} must be group=role, with a role of "
                          f"{', '.join(ROLES)}")
        mapping.setdefault(group, []).append(role)
    return mapping


def roles_for(groups: Iterable[str], role_map: dict[str, list[str]]) -> list[str]:
    """The roles the user's groups map to, in ROLES order."""
    held = {role for g in groups for role in role_map.get(g, ())}
    return [r for r in ROLES if r in held]


def user_for_identity(session: Session, *, email: str | None, email_verified: bool | None,
                      groups: Iterable[str], role_map: dict[str, list[str]],
                      create: bool, new_user_clients: list[Client]) -> User:
    """The staff user the provider vouched for, their roles brought in line with their groups.

    Matched by email only (the provider must not have said it is unverified); an unknown
    email is refused unless creating users on first sign-in is configured.
    """
    if not email:
        raise SignOnRefused("Your identity provider did not share an email address.")
    if email_verified is False:
        raise SignOnRefused("Your identity provider has not verified your email address.")
    try:
        email = normalise_email(email)
    except Invalid:
        raise SignOnRefused("Your identity provider shared an email address that is not valid."
                            ) from None
    roles = roles_for(groups, role_map)
    user = session.scalars(select(User).where(User.email == email)).first()
    if user is None:
        if not create:
            raise SignOnRefused(f"There is no Caseline account for {email}. Ask an "
                                "administrator to create one.")
        if not roles:
            raise SignOnRefused("None of your groups gives a role in Caseline. Ask an "
                                "administrator to add you to one.")
        user = users.create_user(session, email, email, roles, clients=new_user_clients)
    elif not user.is_active:
        raise SignOnRefused("Your Caseline account is disabled.")
    elif roles and sorted(roles) != sorted(user.roles):
        # The provider is the source of truth for roles once it maps any group.
        audit.record(session, None, "user.roles_from_sign_on", user,
                     before={"roles": user.roles}, after={"roles": roles})
        user.roles = roles
    user.last_login_at = utcnow()
    audit.record(session, user, "user.signed_in", user, after={"method": "oidc"})
    return user
