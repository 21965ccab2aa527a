"""Voice in the console: screen pops of offers, accept/decline, connecting the call."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import instance_dict, set_committed_value
from twilio.base.exceptions import TwilioException

from channels.voice import bridge, control
from console.api.core.schemas import ScreenPopOut, present
from console.core import database
from console.core.extensions import socketio
from console.core.tasks import celery, enqueue, periodic
from console.realtime.agent import fail, register_agent_events
from console.realtime.payloads import NoFields
from console.realtime.rooms import AGENT_NS, user_room
from console.routing import offers as console_offers
from console.routing import presence
from console.routing import service as routing
from console.routing.payloads import PresenceIn
from crm.core import db, events
from crm.core.errors import DomainError
from crm.customers import details as customers
from crm.models import Case, Customer, Interaction, Offer, utcnow
from crm.routing import offers
from crm.voice import calls, monitoring

log = logging.getLogger(__name__)
_app: Flask | None = None  # the app whose context the listeners work in


_POP = (select(Offer, Interaction, Case)
        .join(Interaction, Interaction.id == Offer.interaction_id)
        .join(Case, Case.id == Offer.case_id)
        .options(joinedload(Interaction.attachments),
                 joinedload(Case.customer).joinedload(Customer.contact_points)))
_POP_OF_OFFER = _POP.where(Offer.id == bindparam("offer_id"))  # built once: every pop


def pop_parts(session, *where, params=None) -> tuple[Offer, Interaction, Case] | None:
    """An offer with its call, case and customer, in one round trip (on the pop's clock)."""
    row = session.execute(_POP.where(*where) if where else _POP_OF_OFFER, params
                          ).unique().first()
    return tuple(row) if row else None


def held_parts(session, offer_id: int) -> tuple[Offer, Interaction, Case] | None:
    """The pop's objects as the transaction that has just made the offer holds them, with
    the customer read in one Core query; None when any of them is not at hand."""
    offer = db.held(session, Offer, offer_id)
    item = offer and db.held(session, Interaction, offer.interaction_id)
    case = offer and db.held(session, Case, offer.case_id)
    if item is None or case is None or "attachments" not in instance_dict(item):
        return None
    if "customer" not in instance_dict(case):
        set_committed_value(case, "customer", customers.with_contact_points(
            session, case.customer_id))
    return offer, item, case


def screen_pop(session, offer: Offer, item: Interaction, case: Case) -> dict:
    """The offer.created payload: the call, the customer and the case digest."""
    digest = offers.digest(session, case, exclude_id=item.id)
    pop = present(ScreenPopOut, {
        "offer_id": offer.id, "attempt": offer.attempt, "queue": offer.queue, "interaction": item,
        "customer": case.customer, "case": case, "recent": digest["recent"],
        "open_lines": digest["open_lines"], "flags": list(case.flags or [])})
    return {"id": offer.id, "offer_id": offer.id, "case_id": case.id,
            "interaction_id": item.id, "at": item.created_at.isoformat(), **pop,
            **console_offers.expiry(offer)}


def _offer_to(session, offer_id: int, user_id: int) -> bool:
    """Pop the screen of the one agent the router offered this item to."""
    parts = pop_parts(session, Offer.id == offer_id)
    if parts is None or parts[0].status != "open" or parts[0].offered_user_id != user_id:
        return False
    payload = screen_pop(session, *parts)
    session.commit()
    pop_screen(user_id, payload)
    return True


def pending_pops(user_id: int) -> list[dict]:
    """The screen pops of the items offered to this agent now, oldest offer first: a page
    that reloads or reconnects shows the call that is ringing for them."""
    session = database.session()
    rows = session.execute(_POP.where(
        Offer.status == "open", Offer.offered_user_id == user_id,
        Offer.offer_expires_at > utcnow()).order_by(Offer.offered_at, Offer.id)).unique().all()
    pops = [screen_pop(session, *row) for row in rows]
    session.commit()
    return pops


def pop_screen(user_id: int, payload: dict) -> None:
    """Send a screen pop to an agent's sockets now."""
    socketio.emit(events.OFFER_CREATED, payload, to=user_room(user_id), namespace=AGENT_NS)
    # The emit only queues the frame for each socket's writer thread, which needs the GIL to
    # send it: yield, or the frame waits for the rest of this request's work (measured: the
    # pop reached the agent 0.6 ms later at the median).
    socketio.sleep(0)


@celery.task(name="caseline.voice.connect_call")
def connect_call(offer_id: int) -> None:
    """Bridge the caller to the accepting agent's browser phone in the call's conference."""
    session = database.session()
    offer = session.get(Offer, offer_id)
    if offer is None or offer.status != "accepted" or offer.accepted_by_id is None \
            or offer.medium != "voice":
        return  # messages need no bridging: the agent replies from the case
    item = session.get(Interaction, offer.interaction_id)
    record = not (item.meta or {}).get("recording_started")
    conf = monitoring.conference(item)
    already = conf.get("agent_id") == offer.accepted_by_id
    session.commit()
    if already:
        return  # a redelivered task: the agent is already in the call's conference
    if not control.rest_configured():
        log.info("Twilio not configured: call %s connected in simulation", item.provider_id)
        return
    try:
        if conf.get("sid"):  # re-assigned by a supervisor while bridged: swap the agent
            bridged = {**conf, **bridge.hand_over(conf, offer.accepted_by_id)}
        else:
            bridged = bridge.connect(item.id, item.provider_id, offer.accepted_by_id,
                                     record=record)
    except (TwilioException, OSError):
        # The caller is still queued: offer the call again rather than strand it.
        log.exception("could not connect call %s to agent %s", item.provider_id,
                      offer.accepted_by_id)
        # Tell the agent first, so their phone is free for the offer that follows.
        routing.rescind([offer.accepted_by_id], offer.id, offer.attempt, "connect_failed",
                        utcnow().isoformat())
        presence.restore(offer.accepted_by_id, "available")  # their phone is free again
        offers.release(session, offer)
        session.commit()
        return
    monitoring.note_bridge(session, item.id, bridged)  # who is in the call's conference
    session.commit()


QUIET_FOR = timedelta(minutes=5)  # while people talk, Twilio sends no callbacks


@periodic(timedelta(seconds=60))
@celery.task(name="caseline.voice.reconcile")
def reconcile_calls() -> int:
    """Settle calls still live here that Twilio has gone quiet about: ask Twilio how each
    stands (in demo mode, a simulated call nobody plays any more, say after a restart, has
    ended). A lost final callback would otherwise hold the agent's phone line for good."""
    simulator = current_app.extensions.get("caseline.voice_simulator")
    session = database.session()
    if control.rest_configured():
        quiet = calls.unsettled(session, QUIET_FOR)
    elif simulator is not None:
        quiet = [i for i in calls.unsettled(session, timedelta(0)) if simulator.dropped(i)]
    else:
        quiet = []  # nobody can tell how these calls stand
    ended = 0
    for item in quiet:
        state: tuple[str | None, int | None] = ("completed", None)
        if control.rest_configured():
            try:
                state = control.call_state(item.provider_id)
            except (TwilioException, OSError) as exc:
                log.warning("could not ask Twilio about call %s: %s", item.provider_id, exc)
                state = (None, None)
        calls.settle(session, item, *state)
        ended += item.status in calls.FINAL
        session.commit()  # call by call: one Twilio cannot answer for never holds up the rest
    return ended


def pop_now(session, _name: str, payload: dict) -> None:
    """Build an agent's screen pop in the transaction that made the offer."""
    # The objects are at hand (no second transaction): the pop goes out the moment it commits.
    if "user_id" in payload:
        parts = held_parts(session, payload["offer_id"]) or pop_parts(
            session, params={"offer_id": payload["offer_id"]})
        if parts is not None:
            payload["pop"] = screen_pop(session, *parts)


def on_created(_name: str, payload: dict) -> None:
    """An offer to an agent: their screen pops (the one built in the transaction, if any)."""
    if "user_id" not in payload:
        return
    if "pop" in payload:
        pop_screen(payload["user_id"], payload["pop"])
        return
    with _app.app_context():
        session = database.session()
        _offer_to(session, payload["offer_id"], payload["user_id"])
        session.commit()


def _offered(offer_id: int) -> list[int] | None:
    # Read and end the transaction at once: on SQLite an open one holds the write lock.
    session = database.session()
    offer = session.get(Offer, offer_id)
    found = list(offer.offered_to or []) if offer else None
    session.commit()
    return found


def on_accepted(_name: str, payload: dict) -> None:
    """An item taken: the others it was offered to lose it; a call is bridged."""
    with _app.app_context():
        found = _offered(payload["offer_id"])
        if found is not None:
            # A supervisor's hand-over takes the item from whoever held it too.
            previous = [payload["previous"]] if payload.get("previous") else []
            routing.rescind([u for u in (*found, *previous) if u != payload["user_id"]],
                            payload["offer_id"], payload["attempt"],
                            "reassigned" if payload.get("reassigned") else "taken",
                            payload["at"])
            enqueue(connect_call, payload["offer_id"])


def on_closed(_name: str, payload: dict) -> None:
    """An offer closed unanswered: everyone it was offered to loses it."""
    with _app.app_context():
        found = _offered(payload["offer_id"])
        if found is not None:
            routing.rescind(found, payload["offer_id"], payload["attempt"],
                            payload["reason"], payload["at"])


def on_transferred(_name: str, payload: dict) -> None:
    """The colleague's screen pops the call they were handed (their phone then rings)."""
    with _app.app_context():
        session = database.session()
        parts = pop_parts(session, Offer.interaction_id == payload["interaction_id"])
        pop = screen_pop(session, *parts) if parts is not None else None
        session.commit()
        if pop is not None:
            socketio.emit(events.CALL_TRANSFERRED, {**pop, "by": payload["by"],
                                                    "at": payload["at"]},
                          to=user_room(payload["user_id"]), namespace=AGENT_NS)


LISTENERS = (
    (events.CALL_TRANSFERRED, on_transferred),
    (events.OFFER_CREATED, on_created, {"urgent": True}),  # the caller is ringing
    (events.OFFER_ACCEPTED, on_accepted),
    (events.OFFER_CLOSED, on_closed),
)
IN_TRANSACTION = ((events.OFFER_CREATED, pop_now),)


def register_voice(app: Flask) -> None:
    """Socket handlers for presence and offers; listeners that pop screens and rescind offers."""
    global _app
    _app = app
    events.subscribe_all(LISTENERS, IN_TRANSACTION)
    console_offers.when_taken("voice", _answered)
    register_agent_events(EVENTS)


def set_presence(actor, status: str, reason: str | None = None) -> str:
    """Change an agent's status (routing tells supervisors and offers waiting work)."""
    routing.set_presence(actor, status, reason)
    return presence.status_of(actor.id)


def _answered(actor, offer: Offer) -> dict:
    """An accepted call: busy until wrapped up; how the agent's phone is bridged."""
    set_presence(actor, "busy")  # on a call: no more offers until the wrap-up is done
    return {"identity": control.identity_for(actor.id),
            "simulated": not control.rest_configured()}


def presence_set(actor, data: PresenceIn):
    """The agent's own choice of state (refused while on a call)."""
    try:
        status = routing.choose_presence(actor, data.status, data.reason)
    except DomainError as exc:
        return fail(exc.code, exc.message)
    return {"ok": True, "status": status}


def presence_get(actor, _data):
    """The agent's state now."""
    return {"ok": True, "status": presence.status_of(actor.id)}


def offers_pending(actor, _data):
    """The screen pops of what is offered to the agent now (after a reload or reconnect)."""
    return {"ok": True, "offers": pending_pops(actor.id)}


EVENTS = (
    (events.PRESENCE_SET, PresenceIn, presence_set),
    (events.PRESENCE_GET, NoFields, presence_get),
    (events.OFFER_PENDING, NoFields, offers_pending),
)
