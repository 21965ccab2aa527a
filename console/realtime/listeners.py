"""Domain events become socket emits, once their transaction has committed."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from console.api.core.debt_schemas import blocked_out
from console.api.core.schemas import CaseOut, ChatVisitOut, CustomerOut, InteractionOut, present
from console.api.core.workspace_schemas import WorkLineOut, veiled
from console.core import database
from console.core.extensions import socketio
from console.realtime.notices import register_notice_listeners
from console.realtime.rooms import AGENT_NS, case_room, user_room
from console.realtime.tasks import register_task_listeners
from crm.cases import digest
from crm.cases.timeline import encode_cursor
from crm.chat import verification as chat_identity
from crm.core import events
from crm.fraud import visibility
from crm.models import BlockedAttempt, Case, Customer, Interaction

_app: Flask | None = None  # the app whose context the listeners work in


def _nobody_watching(case_id: int | None) -> bool:
    # Skip building payloads nobody receives. Only knowable in one process: with Redis,
    # sockets on other processes may be in the room, so we always emit.
    if case_id is None or _app.config["CASELINE"].redis_url:
        return False
    manager = socketio.server.manager
    return next(iter(manager.get_participants(AGENT_NS, case_room(case_id))), None) is None


def on_interaction(name: str, payload: dict) -> None:
    """A new or changed entry on a case's timeline, to the case's watchers."""
    if _nobody_watching(payload.get("case_id")):
        return
    with _app.app_context():
        session = database.session()
        item = session.get(Interaction, payload["interaction_id"])
        if item is None:
            return
        closed = visibility.finished(session, [item.meta])
        socketio.emit(name, {"id": item.id, "case_id": item.case_id, "at": payload["at"],
                             # The room is anyone watching: an investigation's entry veiled.
                             "interaction": InteractionOut.model_validate(
                                 veiled(item, closed=closed)).model_dump(mode="json"),
                             "cursor": encode_cursor(item)},
                      to=case_room(item.case_id), namespace=AGENT_NS)


def on_case(name: str, payload: dict) -> None:
    """A changed case header, to the case's watchers."""
    if _nobody_watching(payload.get("case_id")):
        return
    with _app.app_context():
        case = database.session().get(Case, payload["case_id"])
        if case is None:
            return
        # With its open lines of work: an escalation shows on every open page of the case,
        # as "under review" (the room is anyone watching; the fraud team's panel refetches).
        header = {**present(CaseOut, case), "open_work": [
            present(WorkLineOut, w) for w in digest.open_work(database.session(), case)],
            "unverified_chats": [present(ChatVisitOut, v) for v in
                                 chat_identity.unverified(database.session(), case.id)]}
        socketio.emit(events.CASE_UPDATED, {"id": case.id, "case_id": case.id,
                                            "at": payload["at"], "case": header},
                      to=case_room(case.id), namespace=AGENT_NS)


def on_customer(name: str, payload: dict) -> None:
    """A changed customer, to the watchers of their case."""
    with _app.app_context():
        session = database.session()
        customer = session.get(Customer, payload["customer_id"])
        case_id = session.scalar(select(Case.id).where(Case.customer_id == customer.id)) \
            if customer is not None else None
        if case_id is None:
            return
        socketio.emit(events.CUSTOMER_UPDATED, {
            "id": customer.id, "customer_id": customer.id, "case_id": case_id,
            "at": payload["at"], "customer": present(CustomerOut, customer)},
            to=case_room(case_id), namespace=AGENT_NS)


def on_blocked_attempt(name: str, payload: dict) -> None:
    """A contact attempt the guardrail blocked (or an override of one), to the case's
    watchers: the list of blocked attempts on the open case follows without a reload."""
    if _nobody_watching(payload.get("case_id")):
        return
    with _app.app_context():
        row = database.session().get(BlockedAttempt, payload["blocked_attempt_id"])
        if row is None:
            return
        socketio.emit(name, {"id": row.id, "case_id": row.case_id, "at": payload["at"],
                             "blocked_attempt": blocked_out(row).model_dump(mode="json")},
                      to=case_room(row.case_id), namespace=AGENT_NS)


def on_import_progress(name: str, payload: dict) -> None:
    """An import's figures after each batch, to every tab of whoever uploaded it."""
    if payload.get("user_id") is None:
        return
    socketio.emit(events.IMPORT_PROGRESS, {"id": payload["import_id"],
                                           "import_id": payload["import_id"],
                                           "at": payload["at"], "import": payload["progress"]},
                  to=user_room(payload["user_id"]), namespace=AGENT_NS)


def on_export_progress(name: str, payload: dict) -> None:
    """A case file export's progress, to every tab of whoever asked for it."""
    if payload.get("user_id") is None:
        return
    socketio.emit(events.EXPORT_PROGRESS, {"id": payload["export_id"],
                                           "export_id": payload["export_id"],
                                           "case_id": payload["case_id"],
                                           "at": payload["at"], "export": payload["progress"]},
                  to=user_room(payload["user_id"]), namespace=AGENT_NS)


LISTENERS = (
    (events.CUSTOMER_UPDATED, on_customer),
    (events.INTERACTION_CREATED, on_interaction),
    (events.INTERACTION_UPDATED, on_interaction),
    (events.CASE_UPDATED, on_case),
    (events.IMPORT_PROGRESS, on_import_progress),
    (events.BLOCKED_ATTEMPT_CREATED, on_blocked_attempt),
    (events.BLOCKED_ATTEMPT_UPDATED, on_blocked_attempt),
    (events.EXPORT_PROGRESS, on_export_progress),
)


def register_listeners(app: Flask) -> None:
    """Subscribe the socket fan-out to the domain events it shows live."""
    global _app
    _app = app
    events.subscribe_all(LISTENERS)
    register_task_listeners(app)
    register_notice_listeners(app)
