"""One prospective send, as every guardrail rule sees it."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy.orm import Session

from crm.guardrails.media import Medium
from crm.models import Case, ContactPoint, DebtAccount, User


class Attempt(NamedTuple):
    """What the rules look at: the case, the medium, the address, the moment, the words."""

    session: Session
    case: Case
    medium: Medium
    point: ContactPoint | None
    now: datetime
    body: str | None = None  # the text a message would carry (None for a call)
    debts: tuple[DebtAccount, ...] = ()  # the case's debts still under collection
    actor: User | None = None
