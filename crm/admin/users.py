"""Staff accounts on the admin screens: roles, clients, team, skills, languages, capacity.

A client admin manages only staff who work for nobody but their clients, and cannot make an
admin; nobody but an admin sees an admin's account.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.admin import scope
from crm.admin.checks import Problems, conflict, languages, per_medium, skills, text
from crm.admin.resource import listed
from crm.core import audit
from crm.core.errors import Conflict, Invalid, NotFound
from crm.customers.identity import normalise_email
from crm.models import ROLES, Client, Team, User
from crm.tenancy import users as accounts

MAX_PASSWORD = 200


def may_manage(actor: User, user: User) -> bool:
    """True when the actor administers this account."""
    ids = scope.client_ids(actor)
    if ids is None:
        return True
    theirs = user.client_ids
    return "admin" not in (user.roles or []) and bool(theirs) and theirs <= ids


def listing(session: Session, actor: User, client_id: int | None = None,
            audited: bool = True) -> list[User]:
    """The accounts the actor administers (of one client, when named), by name; the read
    audited unless its page view was (audited=False)."""
    stmt = select(User).order_by(User.name, User.id)
    if client_id is not None:
        client = scope.client(session, actor, client_id)
        stmt = stmt.where(User.clients.any(Client.id == client.id))
    elif scope.client_ids(actor) is not None:
        stmt = stmt.where(User.clients.any(Client.id.in_(scope.client_ids(actor))))
    rows = [u for u in session.scalars(stmt) if may_manage(actor, u)]
    listed(session, actor, "user", client_id, len(rows), audited)
    return rows


def get(session: Session, actor: User, user_id: int) -> User:
    """One account the actor administers."""
    user = session.get(User, user_id)
    if user is None or not may_manage(actor, user):
        raise NotFound("user not found")
    return user


def _checked(session: Session, actor: User, problems: Problems, fields: dict) -> dict:
    out = {}
    if "name" in fields:
        out["name"] = text(problems, "name", fields["name"], at_most=200)
    if "roles" in fields:
        roles = fields["roles"] if isinstance(fields["roles"], list) else []
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            problems.add("roles", f"No such role: {', '.join(map(str, unknown))}.")
        elif not roles:
            problems.add("roles", "Choose at least one role.")
        elif "admin" in roles and not scope.is_admin(actor):
            problems.add("roles", "Only an admin can make someone an admin.")
        out["roles"] = list(dict.fromkeys(roles))
    if "client_ids" in fields:
        ids = scope.client_ids(actor)
        wanted = fields["client_ids"] if isinstance(fields["client_ids"], list) else []
        found = list(session.scalars(select(Client).where(Client.id.in_(
            [i for i in wanted if isinstance(i, int)]))))
        if len(found) != len(set(wanted)) or (ids is not None and
                                              any(c.id not in ids for c in found)):
            problems.add("client_ids", "No such client.")
        out["clients"] = found
    if "skills" in fields:
        out["skills"] = skills(problems, "skills", fields["skills"])
    if "languages" in fields:
        out["languages"] = languages(problems, "languages", fields["languages"])
    if "capacity" in fields:
        out["capacity"] = per_medium(problems, "capacity", fields["capacity"], low=0, high=50,
                                     unit="items")
    if "team" in fields:
        out["team"] = text(problems, "team", fields["team"], at_most=120, required=False)
    if "active" in fields:
        out["active"] = bool(fields["active"])
    if fields.get("password") is not None:
        password = fields["password"]
        if not isinstance(password, str) or not 8 <= len(password) <= MAX_PASSWORD:
            problems.add("password", f"At least 8 and at most {MAX_PASSWORD} characters.")
        out["password"] = password
    return out


def _works_for_someone(problems: Problems, roles: list, clients: list) -> None:
    if clients or roles == ["admin"]:
        return
    problems.add("client_ids", "Choose the client(s) they work for.")


def _team(session: Session, name: str | None) -> Team | None:
    if not name:
        return None
    team = session.scalars(select(Team).where(Team.name == name)).first()
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def create(session: Session, actor: User, fields: dict) -> User:
    """A new account; audited. 409 when the email is taken."""
    scope.require(actor)
    problems = Problems()
    try:
        email = normalise_email(fields.get("email") or "")
    except Invalid:
        problems.add("email", "Enter an email address, like sam@example.com.")
        email = ""
    values = _checked(session, actor, problems, {"name": "", "roles": [], "client_ids": [],
                                                 **fields})
    _works_for_someone(problems, values.get("roles", []), values.get("clients", []))
    problems.raise_any()
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise conflict("email", f"A user with the email {email} already exists.")
    user = accounts.create_user(session, email, values["name"], values["roles"],
                                values.get("password"), values["clients"], actor=actor)
    _apply(session, user, values)
    audit.record(session, actor, "user.set_up", user, after=_shown(user))
    return user


def update(session: Session, actor: User, user_id: int, fields: dict) -> User:
    """Change an account; audited (a new password is recorded as changed, never shown)."""
    user = get(session, actor, user_id)
    problems = Problems()
    values = _checked(session, actor, problems, fields)
    if "roles" in values or "clients" in values:
        _works_for_someone(problems, values.get("roles", user.roles),
                           values.get("clients", user.clients))
    problems.raise_any()
    before = _shown(user)
    if "roles" in values:
        user.roles = values["roles"]
    if "clients" in values:
        user.clients = values["clients"]
    if "name" in values:
        user.name = values["name"] or user.email
    if "password" in values:
        user.password_hash = accounts.hash_password(values["password"])
    _apply(session, user, values)
    if values.get("active") is False:
        accounts.deactivate(session, user, actor=actor)
    elif values.get("active"):
        user.active = True
    session.flush()
    after = {**_shown(user), **({"password": "changed"} if "password" in values else {})}
    audit.record(session, actor, "user.changed", user, before=before, after=after)
    return user


def delete(session: Session, actor: User, user_id: int) -> User:
    """End an account's access (kept: their work and the audit trail name them); audited."""
    user = get(session, actor, user_id)
    if user.id == actor.id:
        # The last admin could lock everyone out; another administrator has to do it.
        raise Conflict("You cannot deactivate your own account; ask another administrator.",
                       code="self")
    accounts.deactivate(session, user, actor=actor)
    accounts.revoke_tokens(session, user, actor=actor)
    return user


def _apply(session: Session, user: User, values: dict) -> None:
    for key in ("skills", "languages", "capacity"):
        if key in values:
            setattr(user, key, values[key])
    if "team" in values:
        user.team = _team(session, values["team"])
    session.flush()


def _shown(user: User) -> dict:
    return {"email": user.email, "name": user.name, "roles": list(user.roles),
            "client_ids": sorted(user.client_ids), "skills": dict(user.skills or {}),
            "languages": list(user.languages or []), "capacity": dict(user.capacity or {}),
            "team": user.team.name if user.team else None, "active": user.active}
