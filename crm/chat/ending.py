"""The end of a chat visit: the visitor's place in the queue while they wait, their rating
(CSAT) kept on the visit and shown on the case's timeline, and the transcript by email."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import timeline
from crm.chat import plain
from crm.chat import visits as chat
from crm.core import audit, events, i18n
from crm.core.errors import Conflict, Invalid
from crm.messaging.delivery import STATUS_RANK
from crm.models import Case, ChatVisit, Client, ContactPoint, Interaction, Offer, utcnow
from crm.routing import router

MAX_COMMENT = 1000


def place_in_queue(session: Session, visit: chat.Visit) -> int | None:
    """The visitor's place among the work waiting in their queue (None: an agent has it, or
    nothing of theirs waits)."""
    # The case's waiting chat work: a returning visitor's new visit joins the item its
    # customer's chat already has in the queue (one live item a conversation).
    offer = session.scalars(
        select(Offer).where(Offer.case_id == chat.case_id_of(session, visit),
                            Offer.medium == "chat", Offer.status == "open")
        .order_by(Offer.id).limit(1)).first()
    return None if offer is None else router.position(session, offer)


def end(session: Session, visit: chat.Visit) -> ChatVisit:
    """The visitor closed the chat (once; the rating and transcript may follow)."""
    row = _row(session, visit)
    if row.ended_at is None:
        row.ended_at = utcnow()
    return row


def rate(session: Session, visit: chat.Visit, score: int, comment: str = "") -> Interaction:
    """The visitor's 1-5 rating and comment: kept on the visit, and a line on the timeline."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise Invalid(plain.BAD_RATING)
    comment = " ".join((comment or "").replace("\x00", "").split())
    if len(comment) > MAX_COMMENT:
        raise Invalid(plain.COMMENT_TOO_LONG)
    row = end(session, visit)
    if row.csat_score is not None:
        raise Conflict(plain.ALREADY_RATED, code="already_rated")
    row.csat_score, row.csat_comment = score, comment or None
    case = session.get(Case, row.case_id)
    said = f"Chat rated {score} of 5 by {row.visitor_name or 'the visitor'}"
    item, _ = timeline.record(
        session, case, medium="system", direction="inbound", status="received",
        body=f"{said}: “{comment}”" if comment else f"{said}.", thread_key=row.thread_key,
        occurred_at=utcnow(),
        meta={"kind": "csat", "score": score, "comment": comment, "visit_id": row.id})
    events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=case.client_id)
    return item


def email_transcript(session: Session, visit: chat.Visit, *, sender: str | None,
                     message_domain: str = "caseline.local") -> Interaction:
    """Queue the visit's transcript to the email the visitor gave, through the send pipeline."""
    row = _row(session, visit)
    if "@" not in (row.contact or ""):
        raise Invalid(plain.NO_EMAIL_FOR_TRANSCRIPT, code="no_email")
    point = session.scalars(select(ContactPoint).where(
        ContactPoint.client_id == row.client_id, ContactPoint.kind == "email",
        ContactPoint.value == row.contact)).first()
    if point is not None and (point.opt_outs or {}).get("email"):
        raise Invalid(plain.CANNOT_EMAIL, code="opted_out")
    case = session.get(Case, row.case_id)
    lang = visit.language
    client = session.get(Client, case.client_id)
    lines = [i18n.translate(lang, "Your chat with %(client)s", client=client.name), ""]
    for item in chat.transcript(session, visit):
        who = (i18n.translate(lang, "You") if item.direction == "inbound"
               else item.from_addr or i18n.translate(lang, "Agent"))
        at = item.occurred_at.strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"[{at}] {who}: {item.body}")
    subject = i18n.translate(lang, "Your chat transcript") + f" [{case.reference}]"
    message_id = f"<cl.{secrets.token_hex(12)}@{message_domain}>"
    item, _ = timeline.record(
        session, case, medium="email", direction="outbound", status="queued",
        status_seq=STATUS_RANK["queued"], body="\n".join(lines) + "\n", subject=subject,
        to_addr=row.contact, from_addr=sender, occurred_at=utcnow(), thread_key=message_id,
        meta={"headers": {"Message-ID": message_id, "X-Caseline-Case": case.reference},
              "kind": "chat_transcript", "system": True, "attempts": 0})
    item.provider_id = message_id
    session.flush()
    audit.record(session, None, "chat.transcript_emailed", item, client_id=case.client_id,
                 after={"case_id": case.id, "to": row.contact, "thread": row.thread_key})
    events.emit(session, events.OUTBOUND_QUEUED, interaction_id=item.id, case_id=case.id,
                client_id=case.client_id, medium="email")
    return item


def _row(session: Session, visit: chat.Visit) -> ChatVisit:
    chat.case_id_of(session, visit)  # refuses a visit that has ended for good
    row = chat.visit_of(session, visit.thread)
    if row is None:
        raise Invalid(plain.ENDED, code="ended")
    return row
