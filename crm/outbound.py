"""Outbound messages: checked, stored `queued` with an idempotency key, then sent after commit.

Every medium goes through `queue()`; the console turns the OUTBOUND_QUEUED event into a send
task that `claim()`s the interaction (queued -> sending, atomically, so a redelivered task
never sends twice) and reports back through `accepted()`, `retry_later()` and `advance()`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm import audit, cases, events, identity, timeline
from crm.errors import Conflict, Invalid
from crm.models import Case, ContactPoint, Interaction, User, utcnow

MAX_ATTEMPTS = 5
# A status only ever moves up this ladder; callbacks that arrive late or twice are ignored.
STATUS_RANK = {"queued": 0, "sending": 1, "accepted": 2, "sent": 3, "delivered": 4,
               "undelivered": 4, "failed": 4, "read": 5}
# Provider vocabulary mapped onto ours ("queued" at Twilio means it accepted the message).
PROVIDER_STATUS = {"accepted": "accepted", "queued": "accepted", "scheduled": "accepted",
                   "sending": "accepted", "sent": "sent", "delivered": "delivered",
                   "undelivered": "undelivered", "failed": "failed", "read": "read",
                   "canceled": "failed", "received": "delivered"}


@dataclass(frozen=True)
class Rules:
    """What a medium allows, as data (registered by its channel adapter)."""

    medium: str
    address: str  # "phone", "email" or "thread" (a live chat session)
    max_body: int = 100_000
    reply_window: timedelta | None = None
    sender_is_agent: bool = False  # the customer sees the agent's name as the sender


_rules: dict[str, Rules] = {}


def register_rules(rules: Rules) -> None:
    """Declare the limits of a medium (channels call this when their adapter registers)."""
    _rules[rules.medium] = rules


def rules_for(medium: str) -> Rules:
    """The rules of a medium; media nobody declared get generous defaults."""
    if medium in _rules:
        return _rules[medium]
    return Rules(medium, {"email": "email", "chat": "thread"}.get(medium, "phone"))


def queue(session: Session, actor: User, case_id: int, *, medium: str, body: str,
          to: str | None = None, subject: str | None = None,
          extra: dict | None = None) -> Interaction:
    """Store a reply as a `queued` outbound interaction; it is sent after the commit."""
    case = cases.get(session, actor, case_id, audit_view=False)
    rules = rules_for(medium)
    text = (body or "").strip()
    if not text:
        raise Invalid("a message needs some text")
    if len(text) > rules.max_body:
        raise Invalid(f"a {medium} message can have at most {rules.max_body} characters "
                      f"(this one has {len(text)})")
    dest, point = _destination(session, case, rules, to)
    if point is not None and medium in (point.opt_outs or {}):
        raise Conflict(f"{dest} opted out of {medium} messages on "
                       f"{point.opt_outs[medium][:10]}; nothing was sent", code="opted_out")
    last = _last_inbound(session, case.id, medium)
    if rules.reply_window is not None:
        _check_window(rules, last)
    sender = actor.name if rules.sender_is_agent else (_our_address(last) if last else None)
    item = _store(session, case, rules, body=text, to=dest, sender=sender, subject=subject,
                  agent=actor, extra=extra)
    audit.record(session, actor, "message.queued", item, client_id=case.client_id,
                 after={"case_id": case.id, "medium": medium, "to": dest})
    return item


def queue_system(session: Session, case: Case, *, medium: str, to: str, body: str,
                 sender: str | None = None, kind: str = "system") -> Interaction:
    """Queue a message the system itself must send (an opt-out confirmation): no guardrails."""
    return _store(session, case, rules_for(medium), body=body, to=to, sender=sender,
                  subject=None, agent=None, extra={"kind": kind})


def _store(session, case, rules, *, body, to, sender, subject, agent, extra) -> Interaction:
    meta = {**(extra or {}), "idempotency_key": uuid.uuid4().hex, "attempts": 0}
    item, _ = timeline.record(
        session, case, medium=rules.medium, direction="outbound", status="queued",
        status_seq=STATUS_RANK["queued"], body=body, subject=subject, to_addr=to,
        from_addr=sender, agent_id=agent.id if agent else None,
        thread_key=to if rules.address == "thread" else None, meta=meta, occurred_at=utcnow())
    events.emit(session, events.OUTBOUND_QUEUED, interaction_id=item.id, case_id=case.id,
                client_id=case.client_id, medium=rules.medium)
    return item


def _destination(session, case: Case, rules: Rules, to: str | None):
    """(address, contact point) the reply goes to: given, or where the customer last wrote."""
    if rules.address == "thread":
        threads = chat_threads(session, case.id)
        if to and to not in threads:
            raise Invalid("that chat session does not belong to this case")
        if not (to or threads):
            raise Invalid("this customer has no chat session to reply to")
        return to or threads[0], None
    points = list(session.scalars(select(ContactPoint).where(
        ContactPoint.customer_id == case.customer_id, ContactPoint.kind == rules.address)
        .order_by(ContactPoint.id)))
    if to:
        _, value = identity.normalise_contact(to, kind=rules.address)
        point = next((p for p in points if p.value == value), None)
        if point is None:
            raise Invalid(f"{value} is not a {rules.address} of this customer")
        return value, point
    last = _last_inbound(session, case.id, rules.medium)
    if last is not None and last.from_addr:
        _, value = identity.normalise_contact(last.from_addr, kind=rules.address)
        point = next((p for p in points if p.value == value), None)
        if point is not None:
            return value, point
    if not points:
        raise Invalid(f"this customer has no {rules.address} to send a {rules.medium} to")
    return points[0].value, points[0]


def chat_threads(session: Session, case_id: int) -> list[str]:
    """The case's chat sessions, most recent first."""
    rows = session.execute(
        select(Interaction.thread_key).where(
            Interaction.case_id == case_id, Interaction.medium == "chat",
            Interaction.direction == "inbound", Interaction.thread_key.is_not(None))
        .order_by(Interaction.occurred_at.desc()).limit(50))
    return list(dict.fromkeys(r[0] for r in rows))


def _last_inbound(session, case_id: int, medium: str) -> Interaction | None:
    return session.scalars(
        select(Interaction).where(Interaction.case_id == case_id, Interaction.medium == medium,
                                  Interaction.direction == "inbound")
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(1)).first()


def _check_window(rules: Rules, last: Interaction | None) -> None:
    hours = int(rules.reply_window.total_seconds() // 3600)
    if last is None or last.occurred_at < utcnow() - rules.reply_window:
        raise Conflict(f"the customer has not written on {rules.medium} in the last {hours} "
                       "hours, so a free-form reply is not allowed (only an approved template)",
                       code="outside_window")


def _our_address(last: Interaction) -> str | None:
    # Reply from the number the customer wrote to: with several clients, it is theirs.
    addr = last.to_addr or ""
    return addr.split(":", 1)[1] if addr.lower().startswith("whatsapp:") else addr or None


# The sending side: what the send task and the status callbacks call.

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


def stale_queued(session: Session, older_than: timedelta, limit: int = 200) -> list[int]:
    """Outbound interactions left queued (broker outage, crash): the sweeper re-enqueues them."""
    cutoff: datetime = utcnow() - older_than
    return list(session.scalars(
        select(Interaction.id).where(Interaction.status == "queued",
                                     Interaction.direction == "outbound",
                                     Interaction.updated_at < cutoff)
        .order_by(Interaction.id).limit(limit)))


@dataclass(frozen=True)
class Option:
    """One way the composer can reply on a case, and why it may be unavailable."""

    medium: str
    to: str | None
    available: bool
    reason: str | None = None


def options(session: Session, actor: User, case_id: int, media: list[str]
            ) -> tuple[list[Option], str | None]:
    """How a case's customer can be reached on the given media, and the medium they last used."""
    case = cases.get(session, actor, case_id, audit_view=False)
    out = []
    for medium in media:
        rules = rules_for(medium)
        try:
            dest, point = _destination(session, case, rules, None)
        except Invalid as exc:
            out.append(Option(medium, None, False, exc.message))
            continue
        reason = None
        if point is not None and medium in (point.opt_outs or {}):
            reason = f"opted out of {medium}"
        elif rules.reply_window is not None:
            try:
                _check_window(rules, _last_inbound(session, case.id, medium))
            except Conflict as exc:
                reason = exc.message
        out.append(Option(medium, dest, reason is None, reason))
    last = session.scalars(
        select(Interaction.medium).where(Interaction.case_id == case.id,
                                         Interaction.direction == "inbound",
                                         Interaction.medium.in_(media))
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(1)).first()
    usable = [o.medium for o in out if o.available]
    return out, last if last in usable else (usable[0] if usable else None)


def interrupted(session: Session, older_than: timedelta, limit: int = 200) -> int:
    """Mark sends stuck in `sending` (a worker died mid-send) failed: never resent blindly."""
    cutoff = utcnow() - older_than
    ids = list(session.scalars(
        select(Interaction.id).where(Interaction.status == "sending",
                                     Interaction.direction == "outbound",
                                     Interaction.provider_id.is_(None),
                                     Interaction.updated_at < cutoff).limit(limit)))
    for ident in ids:
        advance(session, ident, "failed", error={
            "code": "interrupted", "message": "sending was interrupted and may or may not have "
                                              "reached the customer; check before resending"})
    return len(ids)
