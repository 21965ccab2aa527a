"""WhatsApp templates a client uses outside the 24-hour window: which approved templates
(Twilio Content API, read by the channel) each client offers, and their variables filled
from the case with the same fields as canned replies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.collections import accounts
from crm.core import audit
from crm.core.errors import Invalid, NotFound
from crm.messaging import canned
from crm.models import Case, Interaction, MessageTemplate, User
from crm.tenancy import access

SID_PREFIX = "HX"
VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_]{1,16})\s*\}\}")  # the Content API's {{1}}


@dataclass(frozen=True)
class Approved:
    """What the Content API says of one approved template (the channel reads it)."""

    sid: str
    name: str
    language: str
    body: str
    variables: tuple[str, ...]


@dataclass(frozen=True)
class Filled:
    """A template ready for one case: its text as the customer reads it, and the values."""

    id: int
    content_sid: str
    name: str
    language: str
    body: str
    variables: dict[str, str]
    missing: tuple[str, ...]  # variables the case has no value for (it cannot be sent)


def line_of_case(session: Session, case: Case) -> str:
    """The line of work a case is in: collections while it has a debt under collection,
    else the queue its latest contact came in on."""
    if any(d.status not in accounts.FINISHED for d in accounts.of_case(session, case.id)):
        return "collections"
    metas = session.scalars(select(Interaction.meta).where(Interaction.case_id == case.id)
                            .order_by(Interaction.occurred_at.desc()).limit(20))
    return next(((m or {}).get("queue") for m in metas if (m or {}).get("queue")), "general")


def configure(session: Session, actor: User, client_id: int, content_sid: str,
              fields: dict[str, str], line_of_work: str | None = None) -> MessageTemplate:
    """Offer an approved template to a client's agents (supervisors and admins)."""
    access.require_role(actor, "supervisor")
    if client_id not in access.client_ids(actor):
        raise NotFound("client not found")
    sid = (content_sid or "").strip()
    if not (sid.startswith(SID_PREFIX) and len(sid) == 34):
        raise Invalid("content_sid: a Content SID (HX and 32 hex digits)")
    unknown = sorted(set(fields.values()) - set(canned.FIELDS))
    if unknown:
        raise Invalid(f"unknown field {', '.join(unknown)}; use one of "
                      f"{', '.join(canned.FIELDS)}")
    row = session.scalars(select(MessageTemplate).where(
        MessageTemplate.client_id == client_id, MessageTemplate.content_sid == sid)).first()
    if row is None:
        row = MessageTemplate(client_id=client_id, content_sid=sid)
        session.add(row)
    row.fields, row.line_of_work = dict(fields), line_of_work
    session.flush()
    audit.record(session, actor, "message_template.configured", row, client_id=client_id,
                 after={"content_sid": sid, "fields": fields, "line_of_work": line_of_work})
    return row


def for_case(session: Session, actor: User, case_id: int, approved: list[Approved]
             ) -> list[Filled]:
    """The templates an agent may send on this case, filled in from it."""
    case = cases.get(session, actor, case_id, audit_view=False)
    line = line_of_case(session, case)
    rows = session.scalars(select(MessageTemplate).where(
        MessageTemplate.client_id == case.client_id,
        or_(MessageTemplate.line_of_work.is_(None), MessageTemplate.line_of_work == line))
        .order_by(MessageTemplate.id))
    by_sid = {a.sid: a for a in approved}
    values = canned.fields_of(case, actor)
    out = []
    for row in rows:
        found = by_sid.get(row.content_sid)
        if found is None:  # not (or no longer) approved by WhatsApp: never offered
            continue
        filled = {v: values.get(row.fields.get(v, ""), "") for v in found.variables}
        body = _render(found.body, filled)
        out.append(Filled(row.id, found.sid, found.name, found.language, body, filled,
                          tuple(v for v, text in filled.items() if not text.strip())))
    return out


def pick(session: Session, actor: User, case_id: int, template_id: int,
         approved: list[Approved]) -> Filled:
    """One template for a case, ready to send (every variable has a value)."""
    found = next((t for t in for_case(session, actor, case_id, approved)
                  if t.id == template_id), None)
    if found is None:
        raise NotFound("that template is not offered on this case")
    if found.missing:
        raise Invalid(f"the case has no value for {', '.join(found.missing)} of "
                      f"{found.name}; choose another template")
    return found


def _render(body: str, values: dict[str, str]) -> str:
    return VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), body)
