"""What the /agent events take: pydantic models, checked strictly by channels.payloads (the
supervisor's presence route and the agent's own presence.set share console.routing's PresenceIn)."""

from __future__ import annotations

from pydantic import BaseModel

from channels.payloads import Id


class NoFields(BaseModel):
    """An event that takes nothing (an empty object, or no argument)."""


class CaseRef(BaseModel):
    """case.watch, case.unwatch: the case."""

    case_id: Id


class OfferRef(BaseModel):
    """offer.accept, offer.decline: the offer."""

    offer_id: Id


class TypingIn(BaseModel):
    """typing: the case the agent is writing on, and whether they still are."""

    case_id: Id
    typing: bool = True
