"""Who may run portfolio imports, and who can give someone that access."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import User, user_clients

IMPORTERS = ("supervisor",)  # collections managers (admins hold every role)
GRANTERS = ("admin", "client_admin")  # who can change a person's roles


def may_import(user: User) -> bool:
    """True when the user may upload a portfolio (as crm.imports.runs checks)."""
    return user.has_role(*IMPORTERS)


def granters(session: Session, user: User, limit: int = 5) -> list[User]:
    """Active admins of the user's clients, to ask for import access; by name."""
    shared = (select(user_clients.c.user_id)
              .where(user_clients.c.client_id.in_(user.client_ids)))
    found = session.scalars(select(User).where(User.id.in_(shared), User.active,
                                               User.id != user.id).order_by(User.name)).all()
    # Roles are a JSON list: picked here, the same way on SQLite and PostgreSQL.
    return [u for u in found if set(GRANTERS) & set(u.roles or ())][:limit]
