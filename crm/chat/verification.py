"""Who is this chat visitor? Staff verify a claimed identity, or move the chat to its own case.

A visitor who types an existing customer's email or phone lands on that customer's case, but
anyone can type anyone's email: the visit stays unverified (shown so on every page, never the
case's default reply medium) until an agent checks it, or moves it to a new customer's case.
"""

from __future__ import annotations

from sqlalchemy import select, update

from crm.chat import visits as chat
from crm.core import audit, events
from crm.core.errors import Conflict
from crm.customers import identity
from crm.models import ChatVisit, Interaction, Offer, User, utcnow
from crm.tenancy import access

LISTED = 20  # unverified visits shown on a case header (newest first)


def unverified(session, case_id: int) -> list[ChatVisit]:
    """The case's chat visits whose visitor claims to be its customer, unchecked."""
    return list(session.scalars(select(ChatVisit).where(
        ChatVisit.case_id == case_id, ChatVisit.claimed.is_(True),
        ChatVisit.verified_at.is_(None)).order_by(ChatVisit.id.desc()).limit(LISTED)))


def unverified_threads(session, case_id: int) -> set[str]:
    """The thread keys of unverified visits on a case."""
    return {v.thread_key for v in unverified(session, case_id)}


def _visit(session, actor: User, visit_id: int) -> ChatVisit:
    row = session.get(ChatVisit, visit_id) if 0 < visit_id < 2**63 else None
    access.ensure_visible(actor, row, "chat")
    if not row.unverified:
        raise Conflict("this chat's visitor is no longer unverified", code="not_unverified")
    return row


def _messages(session, row: ChatVisit) -> list[Interaction]:
    return list(session.scalars(select(Interaction).where(
        Interaction.case_id == row.case_id, Interaction.medium == "chat",
        Interaction.thread_key == row.thread_key).order_by(Interaction.id)))


def _mark(session, row: ChatVisit, items: list[Interaction]) -> None:
    for item in items:
        item.meta = {**(item.meta or {}), **chat.identity_marks(row)}  # replaced: JSON column
    session.flush()
    for item in items:
        events.emit(session, events.INTERACTION_UPDATED, interaction_id=item.id,
                    case_id=item.case_id, client_id=item.client_id)


def verify(session, actor: User, visit_id: int) -> ChatVisit:
    """The agent checked the visitor is the case's customer (security questions); audited."""
    row = _visit(session, actor, visit_id)
    row.verified_at, row.verified_by_id = utcnow(), actor.id
    _mark(session, row, _messages(session, row))
    audit.record(session, actor, "chat.verified", row, after={
        "case_id": row.case_id, "thread": row.thread_key, "contact": row.contact})
    events.emit(session, events.CASE_UPDATED, case_id=row.case_id, client_id=row.client_id)
    return row


def move_to_own_case(session, actor: User, visit_id: int) -> ChatVisit:
    """The visitor is someone else: a new customer and case for them, the chat moved there
    (its messages and their work items); the visitor's chat keeps going. Audited."""
    row = _visit(session, actor, visit_id)
    old_case_id, items = row.case_id, _messages(session, row)
    # The visitor's own contact point is the chat itself: the email or phone they typed
    # stays the customer's.
    customer, case, _ = identity.find_or_create(
        session, row.client_id, row.thread_key, display_name=row.visitor_name, kind="chat")
    ids = [i.id for i in items]
    if ids:
        session.execute(update(Interaction).where(Interaction.id.in_(ids))
                        .values(case_id=case.id).execution_options(synchronize_session=False))
        session.execute(update(Offer).where(Offer.interaction_id.in_(ids))
                        .values(case_id=case.id).execution_options(synchronize_session=False))
        for item in items:
            session.refresh(item)
    row.case_id, row.moved_from_case_id, row.claimed = case.id, old_case_id, False
    _mark(session, row, items)
    audit.record(session, actor, "chat.moved", row, before={"case_id": old_case_id}, after={
        "case_id": case.id, "customer_id": customer.id, "thread": row.thread_key,
        "interactions": len(ids)})
    for case_id in (old_case_id, case.id):
        events.emit(session, events.CASE_UPDATED, case_id=case_id, client_id=row.client_id)
    return row
