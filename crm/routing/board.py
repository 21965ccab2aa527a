"""The supervisor's board: queue depth, longest wait, SLA attainment, agents' work, re-assign."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm.core import audit, events
from crm.core.errors import Conflict, Forbidden, Invalid, NotFound
from crm.models import Case, Customer, Interaction, Offer, User, utcnow
from crm.models.voice import ACCEPTED, OPEN
from crm.routing import router as routing

LIVE_ITEMS = 100  # the board lists the most urgent live work; the queue totals count it all


def require_supervisor(actor: User) -> None:
    """Only supervisors (and admins) see and steer the board."""
    if not actor.has_role("supervisor"):
        raise Forbidden("supervisors only")


def _today(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def queues(session: Session, actor: User, now: datetime | None = None) -> list[dict]:
    """Per queue: waiting, offered, longest wait, answered today and SLA attainment today."""
    require_supervisor(actor)
    now = now or utcnow()
    table = routing.rules(session)
    stats: dict[str, dict] = defaultdict(lambda: {"waiting": 0, "offered": 0, "breached": 0,
                                                  "longest_wait_seconds": 0, "answered": 0,
                                                  "within_sla": 0})
    live = session.execute(select(Offer.queue, Offer.offered_user_id, Offer.created_at,
                                  Offer.sla_breached).where(
        Offer.status == OPEN, Offer.client_id.in_(actor.client_ids)))
    for queue, offered, created, breached in live:
        s = stats[queue]
        s["offered" if offered else "waiting"] += 1
        s["breached"] += int(bool(breached))
        s["longest_wait_seconds"] = max(s["longest_wait_seconds"],
                                        int((now - created).total_seconds()))
    answered = session.execute(select(Offer.queue, Offer.client_id, Offer.medium,
                                      Offer.created_at, Offer.accepted_at).where(
        Offer.accepted_at >= _today(now), Offer.client_id.in_(actor.client_ids)))
    for queue, client_id, medium, created, accepted in answered:
        s = stats[queue]
        s["answered"] += 1
        limit = routing.rule_for(table, client_id, queue).sla_for(medium)
        s["within_sla"] += int((accepted - created).total_seconds() <= limit)
    out = []
    for name in sorted(set(stats) | set(routing.LINES)):
        s = stats[name]
        s["sla_attainment"] = round(100 * s["within_sla"] / s["answered"]) if s["answered"] \
            else None
        out.append({"queue": name, **s})
    return out


def day_chart(session: Session, actor: User, now: datetime | None = None) -> list[dict]:
    """Arrivals and answers per hour of today (UTC)."""
    require_supervisor(actor)
    now = now or utcnow()
    start = _today(now)
    hours = [{"hour": h, "arrivals": 0, "answers": 0} for h in range(24)]
    for created, accepted in session.execute(select(Offer.created_at, Offer.accepted_at).where(
            Offer.client_id.in_(actor.client_ids),
            (Offer.created_at >= start) | (Offer.accepted_at >= start))):
        if created >= start:
            hours[created.hour]["arrivals"] += 1
        if accepted is not None and accepted >= start:
            hours[accepted.hour]["answers"] += 1
    return hours


def current_work(session: Session, actor: User, user_ids) -> dict[int, list[dict]]:
    """Each agent's items in hand (accepted, not done) of the actor's clients: an agent who
    also serves another client holds work this supervisor must not see."""
    require_supervisor(actor)
    found: dict[int, list[dict]] = defaultdict(list)
    ids = list(user_ids)
    if ids:
        for o in session.scalars(select(Offer).where(Offer.status == "accepted",
                                                     Offer.accepted_by_id.in_(ids),
                                                     Offer.client_id.in_(actor.client_ids))):
            found[o.accepted_by_id].append({"offer_id": o.id, "medium": o.medium,
                                            "queue": o.queue, "case_id": o.case_id,
                                            "interaction_id": o.interaction_id})
    return found


def live_items(session: Session, actor: User, now: datetime | None = None) -> list[dict]:
    """The work waiting, offered or in hand, most urgent first (what can be re-assigned)."""
    require_supervisor(actor)
    now = now or utcnow()
    rows = session.execute(
        select(Offer, Case.reference, Customer.display_name)
        .join(Case, Case.id == Offer.case_id).join(Customer, Customer.id == Case.customer_id)
        .where((Offer.status == OPEN) | (Offer.status == ACCEPTED),
               Offer.client_id.in_(actor.client_ids))
        # Waiting work first (highest priority, then longest waiting), then work in hand.
        .order_by((Offer.status == ACCEPTED), Offer.priority.desc(), Offer.created_at,
                  Offer.id).limit(LIVE_ITEMS))
    return [{"offer_id": o.id, "client_id": o.client_id, "medium": o.medium, "queue": o.queue,
             "state": o.state, "agent_id": o.accepted_by_id or o.offered_user_id,
             "case_id": o.case_id, "case_reference": reference, "customer": name,
             "waited_seconds": int(((o.accepted_at or now) - o.created_at).total_seconds()),
             "sla_breached": bool(o.sla_breached)}
            for o, reference, name in rows]


def assignable(session: Session, actor: User, offer_id: int, user_id: int
               ) -> tuple[Offer, User]:
    """The item and the agent a supervisor may hand it to; checked before anything about the
    agent (are they signed in?) is said, so nobody learns of another client's staff."""
    require_supervisor(actor)
    offer = session.get(Offer, offer_id)
    if offer is None or offer.client_id not in actor.client_ids:
        raise NotFound("work item not found")
    target = session.get(User, user_id)
    if target is None or offer.client_id not in target.client_ids or not target.active:
        raise Invalid("that agent cannot take this client's work")
    return offer, target


def reassign(session: Session, actor: User, offer_id: int, user_id: int) -> Offer:
    """A supervisor hands an item to an agent: offered to them if waiting, theirs if taken."""
    offer, _ = assignable(session, actor, offer_id, user_id)
    before = {"state": offer.state, "offered_user_id": offer.offered_user_id,
              "accepted_by_id": offer.accepted_by_id}
    if offer.status == "open":
        if offer.offered_user_id and offer.offered_user_id != user_id:
            routing.take_back(session, offer, offer.offered_user_id, "reassigned",
                              exclude=False)
        if offer.offered_user_id != user_id and not routing.offer_to(
                session, offer, user_id, utcnow(), timedelta(minutes=5)):
            raise Conflict("the item changed meanwhile; try again", code="offer_taken")
    elif offer.status == "accepted":
        session.execute(update(Offer).where(Offer.id == offer.id).values(accepted_by_id=user_id)
                        .execution_options(synchronize_session=False))
        session.refresh(offer)
        item = session.get(Interaction, offer.interaction_id)
        item.agent_id = user_id
        events.emit(session, events.OFFER_ACCEPTED, offer_id=offer.id, user_id=user_id,
                    attempt=offer.attempt, interaction_id=offer.interaction_id,
                    case_id=offer.case_id, client_id=offer.client_id, reassigned=True,
                    previous=before["accepted_by_id"])
    else:
        raise Conflict("this work is finished", code="done")
    audit.record(session, actor, "work.reassigned", offer, before=before,
                 after={"user_id": user_id})
    return offer
