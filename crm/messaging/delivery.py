"""Delivering outbound messages: claim once, record the provider's answer, never regress.

The send task `claim()`s a queued interaction (queued -> sending, a conditional UPDATE, so a
redelivered task never sends twice) and reports back through `accepted()`, `retry_later()`
and `advance()`; provider status callbacks call `advance()` too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm.core import events
from crm.models import Interaction, utcnow

MAX_ATTEMPTS = 5
# A status only ever moves up this ladder; callbacks that arrive late or twice are ignored.
STATUS_RANK = {"queued": 0, "sending": 1, "accepted": 2, "sent": 3, "delivered": 4,
               "undelivered": 4, "failed": 4, "read": 5}
# Provider vocabulary mapped onto ours ("queued" at Twilio means it accepted the message).
PROVIDER_STATUS = {"accepted": "accepted", "queued": "accepted", "scheduled": "accepted",
                   "sending": "accepted", "sent": "sent", "delivered": "delivered",
                   "undelivered": "undelivered", "failed": "failed", "read": "read",
                   "canceled": "failed", "received": "delivered"}


def claim(session: Session, interaction_id: int) -> Interaction | None:
    """Take a queued outbound interaction for sending; None if another delivery already did."""
    won = session.execute(
        update(Interaction).where(Interaction.id == interaction_id,
                                  Interaction.direction == "outbound",
                                  Interaction.status == "queued")
        .values(status="sending", status_seq=STATUS_RANK["sending"], updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    if won != 1:
        return None
    item = session.get(Interaction, interaction_id)
    session.refresh(item)
    return item


def accepted(session: Session, interaction_id: int, provider_id: str, status: str) -> None:
    """The provider took the message: keep its id, move the status (never backwards)."""
    set_provider_id(session, interaction_id, provider_id)
    advance(session, interaction_id, PROVIDER_STATUS.get(status, "accepted"))


def set_provider_id(session: Session, interaction_id: int, provider_id: str) -> None:
    """Remember the provider's id for a message (first writer wins)."""
    session.execute(update(Interaction).where(Interaction.id == interaction_id,
                                              Interaction.provider_id.is_(None))
                    .values(provider_id=provider_id)
                    .execution_options(synchronize_session=False))


def retry_later(session: Session, interaction_id: int, reason: str) -> bool:
    """A temporary failure: back to queued for another attempt, or failed after the last."""
    item = session.get(Interaction, interaction_id)
    attempts = int((item.meta or {}).get("attempts", 0)) + 1
    if attempts >= MAX_ATTEMPTS:
        return advance(session, interaction_id, "failed",
                       error={"code": "gave_up", "message": f"gave up after {attempts} "
                                                            f"attempts: {reason}"})
    item.meta = {**(item.meta or {}), "attempts": attempts, "last_error": reason}
    session.execute(update(Interaction).where(Interaction.id == interaction_id,
                                              Interaction.status == "sending")
                    .values(status="queued", status_seq=STATUS_RANK["queued"],
                            updated_at=utcnow())
                    .execution_options(synchronize_session=False))
    return True


def advance(session: Session, interaction_id: int, status: str, *,
            error: dict | None = None, raw: dict | None = None) -> bool:
    """Move an outbound interaction up the status ladder; a stale or repeated status is a no-op."""
    rank = STATUS_RANK.get(status)
    if rank is None:
        return False
    moved = session.execute(
        update(Interaction).where(Interaction.id == interaction_id,
                                  Interaction.direction == "outbound",
                                  Interaction.status_seq < rank)
        .values(status=status, status_seq=rank, updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount == 1
    if not moved:
        return False
    item = session.get(Interaction, interaction_id)
    session.refresh(item)
    extra = {}
    if error:
        extra["error"] = error
    if raw:
        extra.setdefault("callbacks", [])
        extra["callbacks"] = [*(item.meta or {}).get("callbacks", []), raw][-20:]
    if extra:
        item.meta = {**(item.meta or {}), **extra}
    events.emit(session, events.INTERACTION_UPDATED, interaction_id=item.id,
                case_id=item.case_id, client_id=item.client_id)
    return True


def by_provider_id(session: Session, medium_in: tuple[str, ...], provider_id: str
                   ) -> Interaction | None:
    """The outbound interaction a provider knows by this id."""
    return session.scalars(select(Interaction).where(
        Interaction.medium.in_(medium_in), Interaction.provider_id == provider_id,
        Interaction.direction == "outbound")).first()


def stale_queued(session: Session, older_than: timedelta, media: list[str],
                 limit: int = 200) -> list[int]:
    """Outbound interactions of these media left queued: the sweeper re-enqueues them."""
    cutoff: datetime = utcnow() - older_than
    return list(session.scalars(
        select(Interaction.id).where(Interaction.status == "queued",
                                     Interaction.direction == "outbound",
                                     Interaction.medium.in_(media),
                                     Interaction.updated_at < cutoff)
        .order_by(Interaction.id).limit(limit)))


def interrupted(session: Session, older_than: timedelta, media: list[str],
                limit: int = 200) -> int:
    """Mark sends of these media stuck in `sending` failed (a worker died): never resent."""
    cutoff = utcnow() - older_than
    ids = list(session.scalars(
        select(Interaction.id).where(Interaction.status == "sending",
                                     Interaction.direction == "outbound",
                                     Interaction.medium.in_(media),
                                     Interaction.provider_id.is_(None),
                                     Interaction.updated_at < cutoff).limit(limit)))
    for ident in ids:
        advance(session, ident, "failed", error={
            "code": "interrupted", "message": "sending was interrupted and may or may not have "
                                              "reached the customer; check before resending"})
    return len(ids)
