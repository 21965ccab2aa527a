"""Domain events: names defined once, queued in a transaction, dispatched after it commits."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

INTERACTION_CREATED = "interaction.created"
INTERACTION_UPDATED = "interaction.updated"
CASE_UPDATED = "case.updated"
CUSTOMER_UPDATED = "customer.updated"
CUSTOMERS_MERGED = "customer.merged"
TASK_CREATED = "task.created"
TASK_UPDATED = "task.updated"  # done, snoozed, reopened or reassigned
# A four-eyes decision was approved or rejected ({decision_id, status}); what it decided
# (a settlement, say) applies itself from a listener, so the decisions module knows no subject.
DECISION_DECIDED = "decision.decided"
# A notice was kept for someone ({notice_id, user_id}): the console pushes it to their tabs.
NOTICE_CREATED = "notice.created"
# Messaging: an outbound interaction was stored "queued" (the console enqueues its send task);
# an inbound attachment awaits download into our storage; a chat visitor is typing.
OUTBOUND_QUEUED = "outbound.queued"
MEDIA_RECEIVED = "media.received"
CHAT_TYPING = "chat.typing"
# A portfolio import committed a batch (or finished): its figures, for whoever uploaded it.
IMPORT_PROGRESS = "import.progress"
# A case file export moved on (or finished): its progress, for whoever asked for it.
EXPORT_PROGRESS = "export.progress"
# Claims and fraud: a claim was created, changed or moved ({claim_id, case_id, client_id}); an
# investigation was opened, taken, changed or closed ({investigation_id, case_id, client_id}).
# Red-flag rules are evaluated again from listeners on these (and on CUSTOMER_UPDATED).
CLAIM_CHANGED = "claim.changed"
# A document (an attachment, a long email) was read and summarised ({summary_id,
# interaction_id, case_id, client_id}): its facts join the claims' inconsistency checks.
DOCUMENT_SUMMARISED = "document.summarised"
INVESTIGATION_CHANGED = "investigation.changed"
# The guardrail blocked a contact attempt on a case, or a supervisor overrode one
# ({blocked_attempt_id, case_id}): the case's list of blocked attempts follows live.
BLOCKED_ATTEMPT_CREATED = "blocked_attempt.created"
BLOCKED_ATTEMPT_UPDATED = "blocked_attempt.updated"
# A user's access ended (deactivated, tokens revoked): their open sockets must close.
ACCESS_ENDED = "access.ended"

Listener = Callable[[str, dict[str, Any]], None]
InTransaction = Callable[[Session, str, dict[str, Any]], None]
_listeners: dict[str, list[Listener]] = defaultdict(list)
_urgent: dict[str, list[Listener]] = defaultdict(list)
_joining: dict[str, list[InTransaction]] = defaultdict(list)
_PENDING = "crm.pending_events"
_COMMITTED = "crm.committed_events"


def subscribe(name: str, listener: Listener, *, urgent: bool = False) -> None:
    """Call listener(name, payload) after each commit that raised event `name` ('*' = all).

    urgent: someone is waiting on it (a ringing call's screen pop), so it runs before the
    ordinary listeners of every event the same commit raised, not after those of earlier ones.
    """
    table = _urgent if urgent else _listeners
    if listener not in table[name]:
        table[name].append(listener)


def subscribe_in_transaction(name: str, listener: InTransaction) -> None:
    """Call listener(session, name, payload) as the transaction that raised `name` commits.

    Its work joins that transaction (one commit instead of a second transaction after it) and
    the events it raises are dispatched with the others; if it fails, the commit fails.
    """
    if listener not in _joining[name]:
        _joining[name].append(listener)


def subscribe_all(listeners=(), in_transaction=()) -> None:
    """Subscribe a table's rows in order: (name, listener) or (name, listener, {"urgent":
    True}) after commit, and (name, listener) rows that join the transaction."""
    for name, listener, *options in listeners:
        subscribe(name, listener, **(options[0] if options else {}))
    for name, listener in in_transaction:
        subscribe_in_transaction(name, listener)


def clear_listeners() -> None:
    """Forget every listener (a new app, or a test, registers its own)."""
    _listeners.clear()
    _urgent.clear()
    _joining.clear()


def emit(session: Session, name: str, **payload: Any) -> None:
    """Queue an event on the session's transaction; it is dispatched only if that commits."""
    payload.setdefault("at", datetime.now(UTC).isoformat())
    session.info.setdefault(_PENDING, []).append((name, payload))


def pending(session: Session) -> list[tuple[str, dict[str, Any]]]:
    """The events queued on the session's transaction so far (name, payload), oldest first."""
    return list(session.info.get(_PENDING, ()))


def dispatch(name: str, payload: dict[str, Any]) -> None:
    """Deliver one event to its listeners now; a failing listener never breaks the others."""
    _deliver(name, payload, urgent=True)
    _deliver(name, payload, urgent=False)


def _deliver(name: str, payload: dict[str, Any], *, urgent: bool) -> None:
    listeners = _urgent.get(name, ()) if urgent else (*_listeners.get(name, ()),
                                                      *_listeners.get("*", ()))
    for listener in listeners:
        try:
            listener(name, payload)
        except Exception:
            log.exception("listener %r failed for %s", listener, name)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    # Events raised by a listener here are seen by the loop too (the list grows as it goes).
    pending = session.info.get(_PENDING) if _joining else None
    if pending and session.in_nested_transaction():
        return  # a savepoint's release: the real commit comes later
    n = 0
    while pending and n < len(pending):
        name, payload = pending[n]
        n += 1
        for listener in _joining.get(name, ()):
            listener(session, name, payload)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    # after_commit also fires when a savepoint is released; only the real commit counts.
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info[_COMMITTED] = pending


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    # Dispatch here, once the transaction has returned its connection to the pool: a
    # listener that reads the database must not wait for a second connection while holding
    # the first (with a small pool under load that is a deadlock).
    if transaction.parent is None:
        committed = session.info.pop(_COMMITTED, None) or ()
        for urgent in (True, False):
            for name, payload in committed:
                _deliver(name, payload, urgent=urgent)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    # Only the outermost rollback discards: a savepoint rolled back keeps earlier events.
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


# Socket-only names, kept beside the domain ones so every event name lives in one module.
# Client to server on /agent:
CASE_WATCH = "case.watch"
CASE_UNWATCH = "case.unwatch"
PRESENCE_SET = "presence.set"
PRESENCE_GET = "presence.get"  # my status now (a reloaded page asks the server, which knows)
OFFER_ACCEPT = "offer.accept"
OFFER_DECLINE = "offer.decline"
OFFER_PENDING = "offer.pending"  # what is offered to me now (a reloaded page asks on connect)
TYPING = "typing"
# Server to client on /agent:
OFFER_CREATED = "offer.created"  # the screen pop; an item offered again comes with a new attempt
# {offer_id, attempt, reason}: that offer of the item (and any earlier one) is over; a later
# attempt stands. reason: expired, declined, offline (the agent went), reassigned (by a
# supervisor), taken (by another agent), connect_failed (the call could not be bridged),
# abandoned (the caller hung up), voicemail (the caller was sent to voicemail).
OFFER_RESCINDED = "offer.rescinded"
PRESENCE_UPDATED = "presence.updated"
QUEUE_STATS = "queue.stats"
CASE_VIEWERS = "case.viewers"
SESSION_ENDED = "session.ended"  # the browser signed out: its tabs go to the sign-in page
# {user_id, status}: a colleague's state changed (to their clients' staff: the phone's
# transfer picker shows who can take a call). No away reason: that stays with supervisors.
COLLEAGUE_PRESENCE = "colleague.presence"
# {id, kind, case_id, at, read, ...}: something one person is told in-app (their bell), kept
# until read (GET /me/notices). kind:
# signoff_decided (decision_id, status, label) to whoever asked; task_assigned (task_id,
# title) to the one it was given to by someone else.
NOTICE = "notice"
# Server to visitor on /chat (and chat client to server):
CHAT_START = "chat.start"
CHAT_RESUME = "chat.resume"
CHAT_MESSAGE = "chat.message"
CHAT_PLACE = "chat.place"  # the visitor asks their place in the queue while they wait
CHAT_END = "chat.end"  # the visitor closed the chat
CHAT_RATE = "chat.rate"  # their answer to "how did we do?" (1-5 and a comment)
CHAT_TRANSCRIPT = "chat.transcript"  # email me this chat
CHAT_OFFLINE = "chat.offline"  # outside business hours: the offline form's message

# Voice offers (domain events dispatched after commit; OFFER_CREATED above doubles as one).
OFFER_ACCEPTED = "offer.accepted"
OFFER_CLOSED = "offer.closed"
CALL_TRANSFERRED = "call.transferred"

# Routing (issue 4): work waits for an agent; an offer to one agent is withdrawn (expired,
# declined, agent gone); an item's work is done; an item breached its SLA.
WORK_QUEUED = "work.queued"
OFFER_WITHDRAWN = "offer.withdrawn"
WORK_DONE = "work.done"
SLA_BREACHED = "sla.breached"
