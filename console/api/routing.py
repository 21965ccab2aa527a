"""Routing API: the supervisor's board data, agent state changes, re-assign, queue position."""

from __future__ import annotations

import time
from datetime import datetime

from pydantic import BaseModel

from console.api.core.blueprint import actor, api, bp
from console.core import database
from console.routing import presence
from console.routing import service as console_routing
from console.routing.payloads import PresenceIn
from crm.core.errors import NotFound
from crm.models import Offer, User, utcnow
from crm.routing import board, offers
from crm.routing import router as routing


class AgentStateOut(BaseModel):
    """An agent on the board: state, time in state, work in hand."""

    user_id: int
    name: str | None = None
    status: str
    reason: str | None = None
    seconds_in_state: int
    connected: bool
    work: list[dict]
    client_ids: list[int] = []  # of the supervisor's clients: whose work they can be given


class BoardOut(BaseModel):
    """Everything the board shows."""

    queues: list[dict]
    agents: list[AgentStateOut]
    items: list[dict]  # live work, most urgent first (board.live_items)
    chart: list[dict]
    at: str


class AssignIn(BaseModel):
    """Hand a work item to this agent."""

    user_id: int


class PositionOut(BaseModel):
    """Where a waiting item stands."""

    offer_id: int
    state: str
    position: int | None
    estimated_wait_seconds: int | None


def board_data(user: User) -> BoardOut:
    """The board for a supervisor (queues, agents of their clients, today's chart)."""
    session = database.session()
    mine = set(user.client_ids)
    agents = [a for a in presence.agents() if a.client_ids & mine]
    work = board.current_work(session, user, [a.id for a in agents])
    records = {a.id: presence.record(a.id) or {} for a in agents}
    now = time.time()
    out = BoardOut(
        queues=board.queues(session, user), chart=board.day_chart(session, user),
        agents=[AgentStateOut(user_id=a.id, name=records[a.id].get("name"), status=a.status,
                              reason=records[a.id].get("reason"),
                              seconds_in_state=int(now - (a.since or now)),
                              connected=a.connected, work=work.get(a.id, []),
                              client_ids=sorted(a.client_ids & mine))
                for a in sorted(agents, key=lambda a: a.id)],
        items=board.live_items(session, user),
        at=utcnow().isoformat())
    session.commit()
    return out


@api.route(bp, "/routing/board", summary="The supervisor's board", response=BoardOut,
           tags=["routing"], errors=(403,))
def get_board():
    """Queue depth, longest wait, SLA attainment today, agents by state, today's chart."""
    board.require_supervisor(actor())
    return board_data(actor())


@api.route(bp, "/routing/agents/<int:user_id>/presence", "POST",
           summary="Change an agent's state", body=PresenceIn, response=AgentStateOut,
           tags=["routing"], errors=(403, 409))
def set_agent_presence(user_id: int, body: PresenceIn):
    """A supervisor sets an agent available, away (with a reason), offline…"""
    board.require_supervisor(actor())
    session = database.session()
    target = session.get(User, user_id)
    if target is None or not set(target.client_ids) & set(actor().client_ids):
        raise NotFound("agent not found")
    session.commit()
    console_routing.choose_presence(target, body.status, body.reason, by_supervisor=True)
    rec = presence.record(target.id) or {}
    return AgentStateOut(user_id=target.id, name=target.name, status=rec.get("status"),
                         reason=rec.get("reason"), seconds_in_state=0,
                         connected=presence.store().sockets(target.id) > 0, work=[])


@api.route(bp, "/routing/items/<int:offer_id>/assign", "POST", summary="Re-assign a work item",
           body=AssignIn, response=PositionOut, tags=["routing"], errors=(403, 409))
def assign_item(offer_id: int, body: AssignIn):
    """Offer a waiting item to an agent, or hand a taken one over (audited)."""
    session = database.session()
    item, target = board.assignable(session, actor(), offer_id, body.user_id)
    presence.require_reachable(target, call=item.medium == "voice")
    offer = board.reassign(session, actor(), offer_id, body.user_id)
    out = PositionOut(offer_id=offer.id, state=offer.state, position=None,
                      estimated_wait_seconds=None)
    session.commit()
    return out


@api.route(bp, "/routing/items/<int:offer_id>", summary="A work item's place in its queue",
           response=PositionOut, tags=["routing"])
def item_position(offer_id: int):
    """Its state; while waiting, its position and estimated wait."""
    session = database.session()
    offer = session.get(Offer, offer_id)
    if offer is None or offer.client_id not in actor().client_ids:
        raise NotFound("work item not found")
    waiting = offer.state == "waiting"
    ready = sum(1 for a in presence.agents() if a.status == "available" and a.connected
                and offer.client_id in a.client_ids)
    out = PositionOut(offer_id=offer.id, state=offer.state,
                      position=routing.position(session, offer) if waiting else None,
                      estimated_wait_seconds=routing.estimated_wait(session, offer, ready)
                      if waiting else None)
    session.commit()
    return out


class WorkItemOut(BaseModel):
    """An item the agent took and has not finished."""

    offer_id: int
    medium: str
    queue: str
    case_id: int
    interaction_id: int
    accepted_at: datetime | None
    reference: str
    customer_name: str  # an unverified chat visitor's own name instead
    unverified: bool = False  # a chat whose visitor claims to be the customer, unchecked


class MyWorkOut(BaseModel):
    """The signed-in agent's work in hand, oldest first."""

    items: list[WorkItemOut]


@api.route(bp, "/routing/my-work", summary="The signed-in agent's work in hand",
           response=MyWorkOut, tags=["routing"])
def my_work():
    """Items they accepted and have not finished (capacity they are using)."""
    session = database.session()
    out = MyWorkOut(items=[WorkItemOut(**w) for w in offers.in_hand(session, actor())])
    session.commit()
    return out


@api.route(bp, "/routing/items/<int:offer_id>/done", "POST",
           summary="Finish a conversation you took (frees your capacity)", response=PositionOut,
           tags=["routing"], errors=(409,))
def finish_item(offer_id: int):
    """The agent is done with an SMS, WhatsApp, chat or email item (calls end by wrap-up)."""
    session = database.session()
    offer = offers.finish(session, actor(), offer_id)
    out = PositionOut(offer_id=offer.id, state=offer.state, position=None,
                      estimated_wait_seconds=None)
    session.commit()
    return out
