"""Approval authority on the admin screens: a reviewer's limits and qualifications per
client, and the qualification a client requires per kind of decision. Every change audited."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crm.admin import scope
from crm.admin import users as staff
from crm.admin.checks import Problems
from crm.core import audit
from crm.models import Client, SigningAuthority, SignoffRequirement, User
from crm.signoff import decisions

MAX_CENTS = decisions.MAX_CENTS
MAX_QUALIFICATIONS = 20
MAX_QUALIFICATION = 120


def of_user(session: Session, actor: User, user_id: int) -> tuple[User, list[SigningAuthority]]:
    """The account and its authority for each client the actor administers."""
    user = staff.get(session, actor, user_id)
    stmt = scope.restrict(select(SigningAuthority).where(SigningAuthority.user_id == user.id),
                          actor, SigningAuthority.client_id)
    return user, list(session.scalars(stmt.order_by(SigningAuthority.client_id)))


def _client_for(session: Session, actor: User, user: User, client_id, problems: Problems):
    if client_id is None:
        theirs = sorted(user.client_ids)
        if len(theirs) != 1:
            problems.add("client_id", "Say which client this authority is for.")
            return None
        client_id = theirs[0]
    if not isinstance(client_id, int) or isinstance(client_id, bool):
        problems.add("client_id", "No such client.")
        return None
    client = session.get(Client, client_id)
    ids = scope.client_ids(actor)
    if client is None or (ids is not None and client.id not in ids):
        problems.add("client_id", "No such client.")
        return None
    if client.id not in user.client_ids:
        problems.add("client_id", f"{user.name} does not work for {client.name}.")
    return client


def _limits(problems: Problems, limits) -> dict[str, int]:
    if not isinstance(limits, dict):
        problems.add("limits", "Give limits as {kind: amount in cents}.")
        return {}
    out = {}
    for kind, cents in limits.items():
        if kind not in decisions.MONEY_KINDS:
            problems.add(f"limits.{kind}", f"{kind!s:.60} is no kind of decision that "
                         f"decides a sum (one of {', '.join(sorted(decisions.MONEY_KINDS))}).")
        elif isinstance(cents, bool) or not isinstance(cents, int) or not 0 <= cents <= MAX_CENTS:
            problems.add(f"limits.{kind}", "A limit is a whole number of cents, 0 or more.")
        else:
            out[kind] = cents
    return out


def qualifications(problems: Problems, field: str, values) -> list[str]:
    """Free-text qualifications ("attorney, ZA"), trimmed, without repeats."""
    if not isinstance(values, list) or len(values) > MAX_QUALIFICATIONS:
        problems.add(field, f"Give a list of at most {MAX_QUALIFICATIONS} qualifications.")
        return []
    out: list[str] = []
    for value in values:
        text = " ".join(str(value if isinstance(value, str) else "").split())
        if not text or len(text) > MAX_QUALIFICATION:
            problems.add(field, f"Each qualification is text of 1 to {MAX_QUALIFICATION} "
                         "characters, like \"licensed adjuster, US-TX\".")
            return []
        if text.lower() not in (o.lower() for o in out):
            out.append(text)
    return out


def set_for(session: Session, actor: User, user_id: int, fields: dict) -> SigningAuthority:
    """Replace a reviewer's authority for one client (the limits and qualifications given);
    audited with what it was before."""
    user = staff.get(session, actor, user_id)
    problems = Problems()
    client = _client_for(session, actor, user, fields.get("client_id"), problems)
    limits = _limits(problems, fields.get("limits", {}))
    held = qualifications(problems, "qualifications", fields.get("qualifications", []))
    problems.raise_any()
    row = session.scalars(select(SigningAuthority).where(
        SigningAuthority.user_id == user.id, SigningAuthority.client_id == client.id)).first()
    before = {"limits": dict(row.limits), "qualifications": list(row.qualifications)} \
        if row else None
    if row is None:
        row = SigningAuthority(user_id=user.id, client_id=client.id)
        session.add(row)
    row.limits, row.qualifications, row.updated_by_id = limits, held, actor.id
    session.flush()
    audit.record(session, actor, "user.authority_changed", user, client_id=client.id,
                 before=before, after={"client_id": client.id, "limits": limits,
                                       "qualifications": held})
    return row


def requirements(session: Session, actor: User, client_id: int) -> dict[str, str]:
    """The qualification each kind of decision needs at a client ({kind: qualification})."""
    client = scope.client(session, actor, client_id)
    return dict(session.execute(select(SignoffRequirement.kind, SignoffRequirement.qualification)
                                .where(SignoffRequirement.client_id == client.id)
                                .order_by(SignoffRequirement.kind)).all())


def set_requirements(session: Session, actor: User, client_id: int, wanted) -> dict[str, str]:
    """Replace what a client requires ({kind: qualification}); audited."""
    client = scope.client(session, actor, client_id)
    problems = Problems()
    out = {}
    if not isinstance(wanted, dict):
        problems.add("requires", "Give {kind: qualification}.")
        wanted = {}
    for kind, qualification in wanted.items():
        if kind not in decisions.KINDS:
            problems.add(f"requires.{kind}", f"{kind!s:.60} is no kind of decision.")
            continue
        found = qualifications(problems, f"requires.{kind}", [qualification])
        if found:
            out[kind] = found[0]
    problems.raise_any()
    before = requirements(session, actor, client.id)
    session.execute(delete(SignoffRequirement).where(SignoffRequirement.client_id == client.id))
    session.add_all(SignoffRequirement(client_id=client.id, kind=k, qualification=q)
                    for k, q in out.items())
    session.flush()
    audit.record(session, actor, "client.signoff_requirements_changed", client,
                 client_id=client.id, before={"requires": before}, after={"requires": out})
    return out
