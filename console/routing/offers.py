"""Offers in the console, for every medium: accept and decline over /agent (one place)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

from console.core import database
from console.realtime.agent import fail, register_agent_events
from console.realtime.payloads import OfferRef
from crm.core import events
from crm.core.errors import DomainError
from crm.models import Offer, User, utcnow
from crm.routing import offers

# medium -> what else taking an item of it means, returning extra ack fields
# (voice: the agent is busy on the call, and how their phone is bridged).
_taken: dict[str, Callable[[User, Offer], dict]] = {}


def when_taken(medium: str, then: Callable[[User, Offer], dict]) -> None:
    """Run `then(actor, offer)` after an agent accepts an item of this medium."""
    _taken[medium] = then


def expiry(offer: Offer) -> dict:
    """When an offer runs out: the moment, and seconds left (immune to the browser's clock)."""
    at = offer.offer_expires_at
    if at is None:
        return {"expires_at": None, "expires_in": None}
    at = at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite hands back naive UTC
    return {"expires_at": at.isoformat(),
            "expires_in": max(0.0, round((at - utcnow()).total_seconds(), 1))}


def accept(actor: User, offer_id: int) -> dict:
    """Take an item (exactly one agent wins); the ack the accepting socket gets."""
    session = database.session()
    try:
        offer = offers.accept(session, actor, offer_id)
    except DomainError as exc:
        session.rollback()
        return fail(exc.code, exc.message)
    then = _taken.get(offer.medium)
    extra = then(actor, offer) if then else {}
    result = {"ok": True, "offer_id": offer.id, "interaction_id": offer.interaction_id,
              "case_id": offer.case_id, "medium": offer.medium, **extra}
    session.commit()
    return result


def decline(actor: User, offer_id: int) -> dict:
    """Pass on an item: it goes to the next agent."""
    session = database.session()
    try:
        offers.decline(session, actor, offer_id)
    except DomainError as exc:
        session.rollback()
        return fail(exc.code, exc.message)
    session.commit()
    return {"ok": True, "offer_id": offer_id}


def accept_event(actor: User, data: OfferRef) -> dict:
    """offer.accept on /agent."""
    return accept(actor, data.offer_id)


def decline_event(actor: User, data: OfferRef) -> dict:
    """offer.decline on /agent."""
    return decline(actor, data.offer_id)


EVENTS = (
    (events.OFFER_ACCEPT, OfferRef, accept_event),
    (events.OFFER_DECLINE, OfferRef, decline_event),
)


def register_offer_handlers() -> None:
    """offer.accept and offer.decline on /agent."""
    register_agent_events(EVENTS)
