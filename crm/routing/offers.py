"""Work items: open (calls), accept atomically, decline, finish (crm.routing.router picks)."""

from __future__ import annotations

from sqlalchemy import bindparam, exists, select, true, update
from sqlalchemy.orm import Session

from crm.core import db, events
from crm.core.errors import Conflict, NotFound
from crm.fraud import visibility
from crm.models import (
    Case,
    ChatVisit,
    Claim,
    Customer,
    DebtAccount,
    Interaction,
    Investigation,
    Offer,
    User,
    utcnow,
)
from crm.routing import router as routing
from crm.tenancy import access

RECENT_CONTACTS = 5


def open_offer(session: Session, item: Interaction, queue: str, *, new_call: bool = False,
               medium: str | None = None, priority: int = 0) -> Offer:
    """The open offer of a call (one per interaction; a redelivery returns the same).

    new_call: the interaction was created in this transaction, so no offer can exist yet;
    medium: the work's own when not the interaction's (an investigation on a system entry).
    """
    values = {"client_id": item.client_id, "case_id": item.case_id, "interaction_id": item.id,
              "queue": queue, "medium": medium or item.medium, "priority": priority,
              "offered_to": [], "declined_by": []}
    try:
        # One statement, atomic under concurrent redeliveries (interaction_id is unique).
        offer = db.insert_unless_exists(session, Offer, values, ["interaction_id"])
    except NotImplementedError:
        offer = None if new_call else _of(session, item.id)
        if offer is not None:
            return offer
        offer = Offer(**values)
        session.add(offer)
        session.flush()
    if offer is None:
        return _of(session, item.id)
    # The router (as this transaction commits) chooses the one agent to offer it to.
    events.emit(session, events.WORK_QUEUED, offer_id=offer.id, client_id=item.client_id)
    return offer


def _of(session: Session, interaction_id: int) -> Offer | None:
    return session.scalars(select(Offer).where(Offer.interaction_id == interaction_id)).first()


def eligible(user, offer: Offer) -> bool:
    """May this agent take this call: same client, and the queue's skill (any for general).

    user: a User, or anything with its client_ids, active, skills and has_role.
    """
    if offer.client_id not in user.client_ids or not user.active:
        return False
    return offer.queue == "general" or offer.queue in (user.skills or {}) or user.has_role(
        offer.queue)


def accept(session: Session, actor: User, offer_id: int) -> Offer:
    """Take the item: a conditional UPDATE, so of two agents accepting at once exactly one wins.

    An agent takes an item offered to them, or one still waiting for nobody in particular.
    """
    offer = access.ensure_visible(actor, session.get(Offer, offer_id), "offer")
    if not eligible(actor, offer):
        raise NotFound("offer not found")
    won = session.execute(
        update(Offer).where(Offer.id == offer_id, Offer.status == "open",
                            (Offer.offered_user_id == actor.id)
                            | Offer.offered_user_id.is_(None))
        .values(status="accepted", accepted_by_id=actor.id, accepted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        raise Conflict(f"another agent has already taken this {_what(offer)}", code="offer_taken")
    session.refresh(offer)
    item = session.get(Interaction, offer.interaction_id)
    item.agent_id = actor.id
    item.meta = {**(item.meta or {}), "accepted_at": utcnow().isoformat()}
    events.emit(session, events.OFFER_ACCEPTED, offer_id=offer.id, user_id=actor.id,
                attempt=offer.attempt, interaction_id=item.id, case_id=offer.case_id,
                client_id=offer.client_id)
    return offer


def decline(session: Session, actor: User, offer_id: int) -> Offer:
    """Pass on an item: it goes to the next agent, never back to this one."""
    offer = access.ensure_visible(actor, session.get(Offer, offer_id), "offer")
    if not routing.take_back(session, offer, actor.id, "declined"):
        offer.declined_by = sorted(set(offer.declined_by or []) | {actor.id})
    return offer


def _what(offer: Offer) -> str:
    return "call" if offer.medium == "voice" else "conversation"


def finish(session: Session, actor: User, offer_id: int) -> Offer:
    """The agent is done with a conversation they took: their capacity for its medium frees up.

    Calls finish when they end (crm.voice.calls); finishing twice is harmless.
    """
    offer = access.ensure_visible(actor, session.get(Offer, offer_id), "work item")
    if offer.accepted_by_id != actor.id:
        raise NotFound("work item not found")  # not theirs: as if it did not exist
    if offer.medium == "voice":
        raise Conflict("a call is finished by ending it and wrapping up", code="voice")
    if offer.status == "accepted":
        routing.finish(session, offer.interaction_id, by=actor.id)
        session.refresh(offer)
    return offer


def in_hand(session: Session, actor: User) -> list[dict]:
    """The agent's accepted, unfinished items, oldest first, with whom they are about."""
    rows = session.execute(
        select(Offer.id, Offer.medium, Offer.queue, Offer.case_id, Offer.interaction_id,
               Offer.accepted_at, Case.reference, Customer.display_name,
               ChatVisit.visitor_name, ChatVisit.claimed, ChatVisit.verified_at)
        .join(Case, Case.id == Offer.case_id).join(Customer, Customer.id == Case.customer_id)
        .join(Interaction, Interaction.id == Offer.interaction_id)
        .outerjoin(ChatVisit, (Offer.medium == "chat")
                   & (ChatVisit.thread_key == Interaction.thread_key))
        .where(Offer.status == "accepted", Offer.accepted_by_id == actor.id,
               Offer.client_id.in_(actor.client_ids))
        .order_by(Offer.accepted_at, Offer.id))
    # A chat whose visitor only claims to be the customer is named as the visitor named
    # themselves, and marked: the customer's name would vouch for them.
    return [{"offer_id": r.id, "medium": r.medium, "queue": r.queue, "case_id": r.case_id,
             "interaction_id": r.interaction_id, "accepted_at": r.accepted_at,
             "reference": r.reference,
             "unverified": bool(r.claimed and r.verified_at is None),
             "customer_name": r.visitor_name if r.claimed and r.verified_at is None
             else r.display_name} for r in rows]


def close(session: Session, interaction_id: int, status: str) -> Offer | None:
    """End an open offer because the caller left (abandoned) or went to voicemail."""
    offer = session.scalars(select(Offer).where(Offer.interaction_id == interaction_id)).first()
    if offer is None:
        return None
    closed = session.execute(
        update(Offer).where(Offer.id == offer.id, Offer.status == "open")
        .values(status=status).execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(offer)
    if closed:
        # The reason travels with the event: the agent is told the caller left only if so.
        events.emit(session, events.OFFER_CLOSED, offer_id=offer.id, attempt=offer.attempt,
                    reason=status, case_id=offer.case_id, client_id=offer.client_id,
                    interaction_id=interaction_id)
    return offer if closed else None


def digest(session: Session, case: Case, *, exclude_id: int | None = None) -> dict:
    """What an agent needs before answering: last contacts (as dicts) and open lines of work."""
    session.flush()  # a Core read (a screen pop runs this): the session's changes first
    rows = session.connection().execute(_DIGEST, {"case_id": case.id,
                                                  "exclude_id": exclude_id or 0}).all()
    # A screen pop may go to anyone: an investigation's entries read only "under review"
    # ("review finished" once it is closed), their step not shown.
    closed = visibility.finished(session, (r.meta for r in rows if r.id is not None))
    recent = [{"id": r.id, "medium": r.medium, "direction": r.direction,
               "status": visibility.VEILED_STATUS if visibility.veiled(r.meta) else r.status,
               "subject": None if visibility.veiled(r.meta) else r.subject,
               "body": visibility.veil_word(r.meta, closed) if visibility.veiled(r.meta)
               else r.body,
               "occurred_at": r.occurred_at,
               "agent": {"id": r.agent_id, "name": r.agent_name} if r.agent_id else None}
              for r in rows if r.id is not None]
    return {"recent": recent, "open_lines": [line for line in _LINES if getattr(rows[0], line)]}


# Built once: every screen pop runs it (building a statement costs more than running it).
# One round trip: a one-row select of the open lines of work, joined to the last contacts.
_interactions, _users = Interaction.__table__, User.__table__
_LINES = {"insurance": Claim, "fraud": Investigation, "collections": DebtAccount}
# A line of work is open until it reaches one of its final statuses (an investigation waiting,
# worked or sent up further is open; so is a claim anywhere before settled/declined/closed).
_FINAL = {"insurance": ("settled", "declined", "closed"), "fraud": ("closed",),
          "collections": ("paid", "settled", "closed")}
_OPEN = select(*(exists().where(model.case_id == bindparam("case_id"),
                                model.status.not_in(_FINAL[line]))
                 .label(line) for line, model in _LINES.items())).subquery()
_RECENT = (
    select(_interactions.c.id, _interactions.c.medium, _interactions.c.direction,
           _interactions.c.status, _interactions.c.subject, _interactions.c.body,
           _interactions.c.occurred_at, _interactions.c.meta, _users.c.id.label("agent_id"),
           _users.c.name.label("agent_name"))
    .select_from(_interactions.outerjoin(_users, _users.c.id == _interactions.c.agent_id))
    .where(_interactions.c.case_id == bindparam("case_id"),
           _interactions.c.id != bindparam("exclude_id"))
    .order_by(_interactions.c.occurred_at.desc(), _interactions.c.id.desc())
    .limit(RECENT_CONTACTS)).subquery()
_DIGEST = (select(*_OPEN.c, *_RECENT.c).select_from(_OPEN.outerjoin(_RECENT, true()))
           .order_by(_RECENT.c.occurred_at.desc(), _RECENT.c.id.desc()))


def reopen(session: Session, offer: Offer | None, queue: str) -> None:
    """Offer a call again in another queue (a transfer to a line of work)."""
    if offer is None:
        raise Conflict("this call was never queued", code="not_queued")
    offer.status, offer.queue, offer.accepted_by_id, offer.accepted_at = "open", queue, None, None
    offer.offered_to, offer.declined_by = [], []
    offer.offered_user_id = offer.offered_at = offer.offer_expires_at = None
    session.flush()
    events.emit(session, events.WORK_QUEUED, offer_id=offer.id, client_id=offer.client_id)


def release(session: Session, offer: Offer) -> None:
    """The accepting agent could not be connected: the call is nobody's and offered again."""
    item = session.get(Interaction, offer.interaction_id)
    if item is not None:
        item.agent_id = None
    reopen(session, offer, offer.queue)
