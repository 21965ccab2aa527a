"""The shape every admin subject shares: rows of a client, listed, read, added, changed and
removed only within the clients the actor administers, each change and each list audited.

A subject module keeps what is its own (validation, uniqueness, what may change) and hands
the rest to its Resource.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.admin import scope
from crm.core import audit
from crm.models import User


def viewed(session: Session, actor: User, page: str, view_id: str) -> None:
    """Audit an admin page load, which covers the list reads its scripts make (view_id)."""
    audit.record(session, actor, "admin.viewed", object_type="page", object_id=page,
                 after={"view": view_id})


def listed(session: Session, actor: User, subject: str, client_id: int | None,
           count: int, audited: bool = True) -> None:
    """Audit one list read (one row per request, not per item: who looked at which list);
    not when it belongs to a page view already audited (audited=False)."""
    if not audited:
        return
    audit.record(session, actor, f"{subject}.listed", object_type=subject,
                 object_id=client_id if client_id is not None else "all",
                 client_id=client_id, after={"count": count})


@dataclass(frozen=True)
class Resource:
    """One admin subject: its model (with a client_id), how it is named and shown."""

    model: type
    noun: str  # in "… not found"
    subject: str  # the audit actions' prefix: "<subject>.created", "<subject>.listed"
    object_type: str
    shown: Callable[[Any], dict]  # the audited before / after of a row
    order_by: tuple = ()
    # Only the rows that are this subject's (shared canned replies among personal ones).
    where: tuple = ()
    mine: Callable[[Any], bool] | None = None
    created: str = "created"  # the verb of the audit action of an addition

    def listing(self, session: Session, actor: User, client_id: int | None = None,
                audited: bool = True) -> list:
        """The rows of the clients the actor administers (admins: the shared ones too), or
        of one of them; the read audited (unless its page view was: audited=False)."""
        stmt = select(self.model).where(*self.where).order_by(*self.order_by)
        if client_id is not None:
            stmt = stmt.where(
                self.model.client_id == scope.client(session, actor, client_id).id)
        rows = list(session.scalars(scope.restrict(stmt, actor, self.model.client_id)))
        listed(session, actor, self.subject, client_id, len(rows), audited)
        return rows

    def get(self, session: Session, actor: User, row_id: int):
        """One row the actor administers (NotFound otherwise, also for another subject's)."""
        row = session.get(self.model, row_id)
        if row is not None and self.mine is not None and not self.mine(row):
            row = None
        return scope.visible(actor, row, self.noun)

    def add(self, session: Session, actor: User, row, after: dict | None = None):
        """Store a new, checked row; audited."""
        session.add(row)
        session.flush()
        self._audit(session, actor, self.created, row, after=after or self.shown(row))
        return row

    def change(self, session: Session, actor: User, row, values: dict):
        """Apply checked values to a row; audited with before and after."""
        before = self.shown(row)
        for key, value in values.items():
            setattr(row, key, value)
        session.flush()
        self._audit(session, actor, "changed", row, before=before, after=self.shown(row))
        return row

    def remove(self, session: Session, actor: User, row) -> None:
        """Delete a row; audited with what it was."""
        self._audit(session, actor, "deleted", row, before=self.shown(row))
        session.delete(row)
        session.flush()

    def _audit(self, session: Session, actor: User, verb: str, row, **change) -> None:
        audit.record(session, actor, f"{self.subject}.{verb}", row,
                     object_type=self.object_type, **change)
