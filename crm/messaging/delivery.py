"""The one send pipeline for every medium: queued -> claimed -> sent -> status.

A reply is stored `queued` by its medium's service (crm.messaging.outbound, crm.email.sending)
and a task delivers it: `claim()` takes it (queued -> sending, a conditional UPDATE, so a
redelivered task never sends twice), `recheck()` refuses what became unsendable since it was
queued, and the provider's answer lands through `accepted()`, `retry_later()` or `fail()`.
Status callbacks call `advance()`, which never moves a status backwards. The sweeper sends
what is `due()` and settles what a dead worker left `interrupted()`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from crm import guardrails
from crm.core import events
from crm.core.storage import BlobStore
from crm.customers import identity
from crm.models import Attachment, ContactPoint, Interaction, utcnow

MAX_ATTEMPTS = 5
BACKOFF = timedelta(seconds=30)  # doubled after each temporary failure
# A message queued this recently still has its own task on the way: the sweeper leaves it.
FIRST_TRY_GRACE = timedelta(minutes=1)
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


def recheck(session: Session, item: Interaction) -> None:
    """Refuse (a DomainError) a claimed message whose address opted out since it was queued."""
    rules = guardrails.describe(item.medium)
    if (item.meta or {}).get("system") or rules.address == "thread":
        return  # an opt-out confirmation goes to the one who just opted out, by design
    _, value = identity.normalise_contact(item.to_addr or "", kind=rules.address)
    point = session.scalars(select(ContactPoint).where(
        ContactPoint.client_id == item.client_id, ContactPoint.kind == rules.address,
        ContactPoint.value == value)).first()
    guardrails.refuse_opted_out(point, rules)


def accepted(session: Session, interaction_id: int, provider_id: str, status: str, *,
             sender: str | None = None, evidence: bytes | None = None,
             store: BlobStore | None = None) -> None:
    """The provider took the message: keep its id (and what was sent), move the status up."""
    set_provider_id(session, interaction_id, provider_id)
    item = session.get(Interaction, interaction_id)
    if sender:
        item.from_addr = sender[:320]
    if (item.meta or {}).get("error", {}).get("code") == "retrying":
        item.meta = {k: v for k, v in item.meta.items() if k != "error"}
    if evidence and store is not None:
        key, digest = store.put(evidence, suffix="eml")
        session.add(Attachment(interaction_id=item.id, kind="raw", filename="message.eml",
                               content_type="message/rfc822", size=len(evidence),
                               storage_key=key, sha256=digest))
    advance(session, interaction_id, PROVIDER_STATUS.get(status, "accepted"))


def set_provider_id(session: Session, interaction_id: int, provider_id: str) -> None:
    """Remember the provider's id for a message (first writer wins)."""
    session.execute(update(Interaction).where(Interaction.id == interaction_id,
                                              Interaction.provider_id.is_(None))
                    .values(provider_id=provider_id)
                    .execution_options(synchronize_session=False))


def fail(session: Session, interaction_id: int, code: str, message: str) -> bool:
    """A permanent refusal: failed, with the reason the agent sees; never retried."""
    return advance(session, interaction_id, "failed",
                   error={"code": code, "message": message[:500]})


def retry_later(session: Session, interaction_id: int, reason: str,
                now: datetime | None = None) -> datetime | None:
    """A temporary failure: queued again after a backoff (returned), or failed after the last."""
    item = session.get(Interaction, interaction_id)
    attempts = int((item.meta or {}).get("attempts", 0)) + 1
    item.meta = {**(item.meta or {}), "attempts": attempts}
    if attempts >= MAX_ATTEMPTS:
        fail(session, interaction_id, "gave_up", f"gave up after {attempts} attempts: {reason}")
        return None
    due_at = (now or utcnow()) + BACKOFF * 2 ** (attempts - 1)
    item.meta = {**item.meta, "error": {"code": "retrying", "message": reason[:500]}}
    session.execute(update(Interaction).where(Interaction.id == interaction_id,
                                              Interaction.status == "sending")
                    .values(status="queued", status_seq=STATUS_RANK["queued"],
                            next_attempt_at=due_at, updated_at=utcnow())
                    .execution_options(synchronize_session=False))
    events.emit(session, events.INTERACTION_UPDATED, interaction_id=item.id,
                case_id=item.case_id, client_id=item.client_id)
    return due_at


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


def due(session: Session, media: list[str], now: datetime | None = None,
        limit: int = 200) -> list[int]:
    """Queued messages to send now: a retry whose backoff has passed, or one left behind."""
    now = now or utcnow()
    return list(session.scalars(
        select(Interaction.id).where(
            Interaction.status == "queued", Interaction.direction == "outbound",
            Interaction.medium.in_(media),
            or_(Interaction.next_attempt_at <= now,
                and_(Interaction.next_attempt_at.is_(None),
                     Interaction.updated_at < now - FIRST_TRY_GRACE)))
        .order_by(Interaction.id).limit(limit)))


def interrupted(session: Session, older_than: timedelta, media: list[str],
                now: datetime | None = None, limit: int = 200) -> int:
    """Settle sends a dead worker left in `sending`: queued again where the medium lets a
    resend be recognised (email's fixed Message-ID), else failed so an agent checks first."""
    cutoff = (now or utcnow()) - older_than
    stuck = session.execute(
        select(Interaction.id, Interaction.medium, Interaction.provider_id).where(
            Interaction.status == "sending", Interaction.direction == "outbound",
            Interaction.medium.in_(media), Interaction.updated_at < cutoff).limit(limit)).all()
    for ident, medium, provider_id in stuck:
        if guardrails.describe(medium).resend_interrupted:
            session.execute(update(Interaction).where(Interaction.id == ident,
                                                      Interaction.status == "sending")
                            .values(status="queued", status_seq=STATUS_RANK["queued"],
                                    next_attempt_at=utcnow(), updated_at=utcnow())
                            .execution_options(synchronize_session=False))
        elif provider_id is None:
            fail(session, ident, "interrupted", "sending was interrupted and may or may not "
                                                "have reached the customer; check before "
                                                "resending")
    return len(stuck)
