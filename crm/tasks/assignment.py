"""Whose a task is: a named person or team, checked against the case's client."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm.core.errors import Invalid
from crm.models import Case, Interaction, Team, User

_MAX_ID = 2**63 - 1
DEFAULT_QUEUE = "general"


@dataclass(frozen=True)
class Holder:
    """Who a task waits for: a person, else a team, else whoever works a queue."""

    assignee_id: int | None = None
    team_id: int | None = None
    queue: str | None = None


def _row(session: Session, model, row_id):
    # Ids no row can have are not looked up (a 64-bit overflow would be a database error).
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 < row_id <= _MAX_ID:
        return None
    return session.get(model, row_id)


def assignee(session: Session, case: Case, user_id) -> User:
    """An active member of staff of the case's client, or Invalid (the same message for
    "no such user" and "another client's user": ids reveal nothing)."""
    user = _row(session, User, user_id)
    if user is None or not user.active or case.client_id not in user.client_ids:
        raise Invalid("assignee_id: no such active user in this client")
    return user


def team(session: Session, team_id) -> Team:
    """A team, or Invalid."""
    row = _row(session, Team, team_id)
    if row is None:
        raise Invalid("team_id: no such team")
    return row


def for_callback(session: Session, case: Case, item: Interaction) -> Holder:
    """Who calls a customer back: the case owner, else the case's team, else whoever works
    the queue of the call's line of work (so a missed call always reaches someone)."""
    owner = case.owner
    if owner is not None and owner.active and case.client_id in owner.client_ids:
        return Holder(assignee_id=owner.id)
    if case.team_id is not None:
        return Holder(team_id=case.team_id)
    return Holder(queue=(item.meta or {}).get("queue") or DEFAULT_QUEUE)
