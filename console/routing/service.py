"""Routing in the console: when to route, presence changes, sockets that go away, rescinds."""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import timedelta

from flask import Flask, current_app, has_app_context

from console.core import database
from console.core.extensions import socketio
from console.core.tasks import celery, periodic
from console.realtime.agent import when_socket_closed, when_socket_opened
from console.realtime.rooms import (
    AGENT_NS,
    staff_room,
    supervisors_room,
    supervisors_rooms,
    user_room,
)
from console.routing import presence
from crm.core import events
from crm.core.errors import Conflict, Invalid
from crm.models import User, utcnow
from crm.routing import router as routing
from crm.voice import callwork

log = logging.getLogger(__name__)
_lock = threading.Lock()
_local = threading.local()
_app: Flask | None = None


def _setting(name: str, default: float) -> float:
    # Settings.extra (tests) first, then the environment (PRESENCE_GRACE_SECONDS, …).
    extra = current_app.config["CASELINE"].extra
    return float(extra.get(name, os.environ.get(name.upper(), default)))


def offer_timeout() -> timedelta:
    """How long one agent has to answer an offer before it goes to the next."""
    return timedelta(seconds=_setting("routing_offer_timeout_seconds",
                                      routing.OFFER_TIMEOUT.total_seconds()))


_rules_cache: tuple[float, dict] = (0.0, {})
RULES_FOR_SECONDS = 5.0  # queue settings change rarely; the screen pop should not re-read them


def _rules(session) -> dict:
    global _rules_cache
    at, table = _rules_cache
    if time.monotonic() - at > RULES_FOR_SECONDS:
        table = routing.rules(session)
        _rules_cache = (time.monotonic(), table)
    return table


def forget_rules() -> None:
    """Read the queue rules afresh on the next routing pass (after a change)."""
    global _rules_cache
    _rules_cache = (0.0, {})


def reroute(*, expiring: bool = False) -> int:
    """Offer waiting work to available agents (re-entrant calls ask for one more pass)."""
    if getattr(_local, "busy", False):
        _local.again = True
        return 0
    app = current_app._get_current_object() if has_app_context() else _app
    made = 0
    _local.busy = True
    _local.expiring = expiring
    try:
        with _lock:
            for _ in range(10):
                _local.again = False
                with app.app_context():
                    session = database.session()
                    try:
                        made += len(routing.route(
                            session, presence.agents(), timeout=offer_timeout(),
                            expiring=_local.__dict__.pop("expiring", False),
                            table=_rules(session)))
                        session.commit()
                    except Exception:
                        session.rollback()
                        raise
                if not _local.again:
                    break
    finally:
        _local.busy = False
    return made


def tell_supervisors(user_id: int) -> None:
    """presence.updated to the supervisors of the agent's clients (only theirs: names, states
    and away reasons stay inside a tenant), and to the agent's own tabs (whose phone shows
    the state a supervisor, a call or another tab chose)."""
    rec = presence.record(user_id) or {"status": "offline"}
    socketio.emit(events.PRESENCE_UPDATED, {
        "id": user_id, "user_id": user_id, "status": rec["status"], "reason": rec.get("reason"),
        "name": rec.get("name"), "since": rec.get("since"), "at": utcnow().isoformat()},
        to=[*supervisors_rooms(rec.get("client_ids") or ()), user_room(user_id)],
        namespace=AGENT_NS)
    # Colleagues learn only who can take a call now, not why someone is away.
    socketio.emit(events.COLLEAGUE_PRESENCE, {"user_id": user_id, "status": rec["status"]},
                  to=[staff_room(c) for c in sorted(set(rec.get("client_ids") or ()))],
                  namespace=AGENT_NS)


def rescind(user_ids, offer_id: int, attempt: int, reason: str, at: str) -> None:
    """offer.rescinded to these agents' tabs: that attempt of the item (and earlier) is over."""
    rooms = [user_room(uid) for uid in dict.fromkeys(user_ids)]  # once each
    if rooms:
        socketio.emit(events.OFFER_RESCINDED, {
            "id": offer_id, "offer_id": offer_id, "attempt": attempt, "reason": reason,
            "at": at}, to=rooms, namespace=AGENT_NS)


SUPERVISOR_CHOICES = ("available", "away", "offline")  # busy and wrap-up follow calls


def choose_presence(user: User, status: str, reason: str | None = None, *,
                    by_supervisor: bool = False) -> str:
    """A person's choice of an agent's state (their own, or a supervisor's for them); the
    state now. A live call keeps its agent busy until it ends: only a supervisor's offline
    (signing off a stuck agent) goes through."""
    allowed = SUPERVISOR_CHOICES if by_supervisor else presence.STATUSES
    if status not in allowed:
        raise Invalid(f"status must be one of {', '.join(allowed)}")
    if status != "offline":
        on_call = callwork.current_call(database.session(), user)
        database.session().commit()  # end the read (SQLite: an open one holds the write lock)
        if on_call is not None and on_call[1]:
            who = f"{user.name} is" if by_supervisor else "You are"
            raise Conflict(f"{who} on a call: the state changes when it ends", code="on_call")
    if status == "offline":
        presence.set_status(user, "offline")
        go_offline(user.id)
    else:
        set_presence(user, status, reason)
    return presence.status_of(user.id)


def set_presence(user: User, status: str, reason: str | None = None) -> str:
    """An agent's (or the system's) status change: tell supervisors, route when available.

    Going away (by their own choice or a supervisor's) withdraws what is ringing or offered
    to them at once: a caller must not wait out the offer's timer for someone who left.
    """
    presence.set_status(user, status, reason)
    tell_supervisors(user.id)
    if status == "away":
        session = database.session()
        if routing.release_agent(session, user.id, "away"):
            session.commit()
            reroute()
        else:
            session.commit()
    if status == "available":
        # End the caller's read (on SQLite an open transaction holds the write lock).
        database.session().commit()
        reroute()
    return status


def start_wrap_up(user: User) -> None:
    """After a call: wrap-up, then available by itself when the wrap-up time runs out."""
    set_presence(user, "wrap-up")
    app = current_app._get_current_object()
    limit = _setting("wrap_up_seconds", 120)
    socketio.start_background_task(_end_wrap_up, app, user.id, limit)


def _end_wrap_up(app: Flask, user_id: int, limit: float) -> None:
    socketio.sleep(limit)
    if app is not _app:
        return
    with app.app_context():
        user = database.session().get(User, user_id)
        if user is not None and presence.status_of(user_id) == "wrap-up":
            set_presence(user, "available")
        database.session().commit()


def socket_opened(user: User, sid: str) -> None:
    """A socket of an agent connected: one who was offline shows on the board at once."""
    before = presence.status_of(user.id)
    presence.connect(user, sid)
    if presence.status_of(user.id) != before:
        tell_supervisors(user.id)


def socket_closed(user_id: int, sid: str) -> None:
    """A socket went; with none left after the grace period the agent is offline."""
    if presence.disconnect(user_id, sid):
        return
    app = current_app._get_current_object()
    grace = _setting("presence_grace_seconds", 30)
    socketio.start_background_task(_after_grace, app, user_id, grace)


def _after_grace(app: Flask, user_id: int, grace: float) -> None:
    socketio.sleep(grace)
    if app is not _app:
        return  # that app was replaced (tests build one per test; one per process otherwise)
    with app.app_context():
        if presence.store().sockets(user_id):
            return  # they came back (a reload, a blip)
        go_offline(user_id)


def go_offline(user_id: int) -> None:
    """Mark an agent offline and give their pending offers to someone else."""
    presence.restore(user_id, "offline")
    session = database.session()
    routing.release_agent(session, user_id)
    session.commit()
    tell_supervisors(user_id)
    reroute()


def on_queued(_name: str, payload: dict) -> None:
    """Work queued (or done): route again, unless it was routed in its own transaction."""
    if payload.get("routed"):
        return  # routed in the transaction that queued it
    with _app.app_context():
        reroute()


def route_now(session, _name: str, payload: dict) -> None:
    """Route queued work in the transaction that queued it."""
    # The pass joins the transaction that queued the work, so the offer commits with it
    # and the screen pop follows the commit at once (no second transaction to wait for).
    # Inside a routing pass it asks for another round instead (as reroute does), and
    # without this app's context it is left to the pass after commit.
    if getattr(_local, "busy", False) or not has_app_context() \
            or current_app._get_current_object() is not _app:
        return
    agents = presence.agents()
    if any(a.status == "available" and a.connected and a.active for a in agents):
        routing.route(session, agents, timeout=offer_timeout(), expiring=False,
                      table=_rules(session))
    payload["routed"] = True


def on_withdrawn(_name: str, payload: dict) -> None:
    """An offer taken back: its agent's screen pop goes."""
    rescind([payload["user_id"]], payload["offer_id"], payload["attempt"],
            payload["reason"], payload["at"])


def _routed(payload: dict) -> bool:
    # Calls queue themselves; notes and replies are not work to route.
    return payload.get("direction") == "inbound" and payload.get("medium") in (
        "sms", "whatsapp", "chat", "email")


def on_interaction(session, _name: str, payload: dict) -> None:
    """An inbound message queues for routing in the transaction that stores it."""
    # The first message's turn queues every message the transaction holds, in one statement
    # (the others' turns find theirs done).
    if _routed(payload):
        routing.enqueue_many(session, [p["interaction_id"] for name, p in events.pending(
            session) if name == events.INTERACTION_CREATED and _routed(p)])


def nudge(name: str, payload: dict) -> None:
    """queue.stats to the supervisors of the work's client (and whoever it escalates to)."""
    # The board refetches its (tenant-scoped) figures; the nudge itself carries only ids.
    note = {"id": payload.get("offer_id") or payload.get("interaction_id"),
            "event": name, "client_id": payload.get("client_id"),
            "queue": payload.get("queue"), "at": payload["at"]}
    if note["client_id"] is not None:  # the work's client's supervisors, nobody else's
        socketio.emit(events.QUEUE_STATS, note, to=supervisors_room(note["client_id"]),
                      namespace=AGENT_NS)
    for uid in payload.get("escalate_to") or ():
        socketio.emit(events.QUEUE_STATS, note, to=user_room(uid), namespace=AGENT_NS)


# Subscribed in this order (nudge before on_queued: the board hears of work first).
LISTENERS = (
    *((name, nudge) for name in (events.WORK_QUEUED, events.OFFER_CREATED,
                                 events.OFFER_ACCEPTED, events.WORK_DONE,
                                 events.SLA_BREACHED, events.OFFER_CLOSED)),
    (events.WORK_QUEUED, on_queued),
    # Urgent, as the screen pop is: an offer taken back goes out before the offer that
    # follows it in the same commit (often the same item, offered again to the same agent).
    (events.OFFER_WITHDRAWN, on_withdrawn, {"urgent": True}),
    (events.WORK_DONE, on_queued),
)
IN_TRANSACTION = (
    (events.INTERACTION_CREATED, on_interaction),
    (events.WORK_QUEUED, route_now),
)


def register_routing(app: Flask) -> None:
    """Listeners: new work routes; withdrawn offers are rescinded; inbound messages queue;
    sockets opening and closing move presence."""
    global _app
    _app = app
    forget_rules()
    events.subscribe_all(LISTENERS, IN_TRANSACTION)
    when_socket_opened(socket_opened)
    when_socket_closed(socket_closed)


@periodic(timedelta(seconds=5))
@celery.task(name="caseline.routing.tick")
def tick() -> None:
    """Expire unanswered offers, flag and escalate SLA breaches, and route again."""
    session = database.session()
    routing.check_sla(session)
    session.commit()
    reroute(expiring=True)
