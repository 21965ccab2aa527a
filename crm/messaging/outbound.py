"""Outbound messages: checked, stored `queued` with an idempotency key, then sent after commit.

Every medium goes through `queue()`; the console turns the OUTBOUND_QUEUED event into a send
task, which delivers through crm.messaging.delivery (claimed once, statuses only move forward).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import guardrails
from crm.cases import records as cases
from crm.cases import timeline
from crm.chat import visits as chat
from crm.core import audit, events
from crm.core.errors import Invalid
from crm.customers import identity
from crm.guardrails import Medium, collections
from crm.messaging import uploads
from crm.messaging.delivery import STATUS_RANK
from crm.models import Case, ContactPoint, Interaction, User, utcnow


def queue(session: Session, actor: User, case_id: int, *, medium: str, body: str,
          to: str | None = None, subject: str | None = None,
          extra: dict | None = None, upload_ids=(), template: dict | None = None
          ) -> Interaction:
    """Store a reply as a `queued` outbound interaction; it is sent after the commit.

    `upload_ids` are the agent's composer uploads it carries; `template` (content_sid,
    variables, name) sends an approved template whose filled-in text is `body`.
    """
    case = cases.get(session, actor, case_id, audit_view=False)
    rules = guardrails.describe(medium)
    if template:
        # An approved template is not a free-form reply: the reply window does not bind it
        # (and its words are the provider's, so no footer can be added to them).
        rules = replace(rules, window=None)
        extra = {**(extra or {}), "template": template}
    text = (body or "").strip()
    if not text:
        raise Invalid("a message needs some text")
    said = text  # the agent's own words: what the rules read (not the footers added to them)
    files = uploads.pending(session, actor, case, upload_ids, rules)
    if not template:
        text = collections.with_disclosures(session, case, rules, text)
    if len(text) > rules.body_limit:
        raise Invalid(f"a {medium} message can have at most {rules.body_limit} characters "
                      f"(this one has {len(text)})")
    dest, point = _destination(session, case, rules, to)
    lifted = guardrails.check(session, case, rules, point=point, body=said, actor=actor)
    if lifted:
        extra = {**(extra or {}), guardrails.LIFTED: list(lifted)}
    last = guardrails.last_inbound(session, case.id, medium)
    sender = actor.name if rules.sender_is_agent else (reply_address(last) if last else None)
    item = _store(session, case, rules, body=text, to=dest, sender=sender, subject=subject,
                  agent=actor, extra=extra)
    uploads.attach(session, item, files)
    audit.record(session, actor, "message.queued", item, client_id=case.client_id,
                 after={"case_id": case.id, "medium": medium, "to": dest,
                        **({"files": [f.filename for f in files]} if files else {}),
                        **({"template": template["content_sid"]} if template else {})})
    return item


def queue_system(session: Session, case: Case, *, medium: str, to: str, body: str,
                 sender: str | None = None, kind: str = "system") -> Interaction:
    """Queue a message the system itself must send (an opt-out confirmation): no guardrails."""
    return _store(session, case, guardrails.describe(medium), body=body, to=to, sender=sender,
                  subject=None, agent=None, extra={"kind": kind, "system": True})


def _store(session, case, rules, *, body, to, sender, subject, agent, extra) -> Interaction:
    meta = {**(extra or {}), "idempotency_key": uuid.uuid4().hex, "attempts": 0}
    # A channel may thread replies (an email's Message-ID); chat threads are the visit itself.
    thread = to if rules.address == "thread" else meta.pop("thread_key", None)
    if rules.address == "thread":  # a reply in an unverified visit is part of it: shown so
        visit = chat.visit_of(session, thread)
        meta.update(chat.identity_marks(visit))
        if visit is not None and visit.visitor_name:  # "to <their name>", not "Web visitor"
            meta["visitor"] = visit.visitor_name
    item, _ = timeline.record(
        session, case, medium=rules.name, direction="outbound", status="queued",
        status_seq=STATUS_RANK["queued"], body=body, subject=subject, to_addr=to,
        from_addr=sender, agent_id=agent.id if agent else None, thread_key=thread, meta=meta,
        occurred_at=utcnow())
    events.emit(session, events.OUTBOUND_QUEUED, interaction_id=item.id, case_id=case.id,
                client_id=case.client_id, medium=rules.name)
    return item


def _destination(session, case: Case, rules: Medium, to: str | None):
    """(address, contact point) the reply goes to: given, or where the customer last wrote."""
    if rules.address == "thread":
        threads = chat_threads(session, case.id)
        if to and to not in threads:
            raise Invalid("that chat session does not belong to this case")
        if not (to or threads):
            raise Invalid("this customer has no chat session to reply to")
        return to or threads[0], None
    points = list(session.scalars(select(ContactPoint).where(
        ContactPoint.customer_id == case.customer_id, ContactPoint.kind == rules.address)
        .order_by(ContactPoint.id)))
    if to:
        _, value = identity.normalise_contact(to, kind=rules.address)
        point = next((p for p in points if p.value == value), None)
        if point is None:
            raise Invalid(f"{value} is not a {rules.address} of this customer")
        return value, point
    last = guardrails.last_inbound(session, case.id, rules.name)
    if last is not None and last.from_addr:
        _, value = identity.normalise_contact(last.from_addr, kind=rules.address)
        point = next((p for p in points if p.value == value), None)
        if point is not None:
            return value, point
    if not points:
        raise Invalid(f"this customer has no {rules.address} to reach by {rules.name}")
    return points[0].value, points[0]


def default_destination(session: Session, actor: User, case_id: int, medium: str) -> str:
    """Where a reply on a medium goes when no address is given: where they last wrote from."""
    case = cases.get(session, actor, case_id, audit_view=False)
    return _destination(session, case, guardrails.describe(medium), None)[0]


def chat_threads(session: Session, case_id: int) -> list[str]:
    """The case's chat sessions, most recent first."""
    rows = session.execute(
        select(Interaction.thread_key).where(
            Interaction.case_id == case_id, Interaction.medium == "chat",
            Interaction.direction == "inbound", Interaction.thread_key.is_not(None))
        .order_by(Interaction.occurred_at.desc()).limit(50))
    return list(dict.fromkeys(r[0] for r in rows))


def reply_address(last: Interaction) -> str | None:
    """Our address the customer wrote to (with several clients, the right one to reply from)."""
    addr = last.to_addr or ""
    return addr.split(":", 1)[1] if addr.lower().startswith("whatsapp:") else addr or None


LAST_LOOKED_AT = 50  # inbound messages read to find the medium last used (skipping some)


@dataclass(frozen=True)
class Option:
    """One way the composer can reply on a case, and why it may be unavailable."""

    medium: str
    to: str | None
    available: bool
    reason: str | None = None
    unverified: bool = False  # it reaches a chat visitor nobody has verified yet
    window_closed: bool = False  # only the reply window bars it: an approved template may go


def options(session: Session, actor: User, case_id: int, media: list[str]
            ) -> tuple[list[Option], str | None]:
    """How a case's customer can be reached on the given media, and the medium they last used."""
    case = cases.get(session, actor, case_id, audit_view=False)
    out = []
    for medium in media:
        rules = guardrails.describe(medium)
        try:
            dest, point = _destination(session, case, rules, None)
        except Invalid as exc:
            out.append(Option(medium, None, False, exc.message))
            continue
        reason = guardrails.reason(session, case, rules, point=point)
        visit = chat.visit_of(session, dest) if rules.address == "thread" else None
        closed = reason is not None and rules.window is not None and guardrails.reason(
            session, case, replace(rules, window=None), point=point) is None
        out.append(Option(medium, dest, reason is None, reason,
                          bool(visit and visit.unverified), closed))
    # The medium they last used, not counting unverified chats: someone who typed the
    # customer's email into the chat widget must not draw the case's replies to their chat.
    recent = session.execute(
        select(Interaction.medium, Interaction.meta).where(
            Interaction.case_id == case.id, Interaction.direction == "inbound",
            Interaction.medium.in_(media))
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(LAST_LOOKED_AT))
    last = next((m for m, meta in recent if not (meta or {}).get("unverified")), None)
    usable = [o.medium for o in out if o.available and not o.unverified]
    return out, last if last in usable else (usable[0] if usable else None)
