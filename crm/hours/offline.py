"""The chat widget outside business hours: is it open, and the offline form's message."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy.orm import Session

from crm.cases import landing as inbound
from crm.cases import timeline, workflow
from crm.chat import plain, visits
from crm.core.errors import Invalid, NotFound
from crm.customers import identity
from crm.hours import outside
from crm.models import utcnow
from crm.tasks import assignment
from crm.tasks import records as tasks
from crm.tenancy import clients as tenancy

CALLBACK_WITHOUT_HOURS = timedelta(hours=12)  # when no opening is known within a fortnight


def widget_closed(session: Session, widget_key: str) -> outside.Closed | None:
    """The widget's line of work closed now (None when open, or the key is unknown)."""
    try:
        owner = tenancy.owner_of(session, "chat", widget_key)
    except NotFound:  # an unknown key is refused when a chat starts, as before
        return None
    return outside.closed(session, owner.client.id, owner.line_of_work or inbound.DEFAULT_QUEUE)


def leave_message(session: Session, widget_key: str, name: str, contact: str, body: str, *,
                  region: str = "US") -> inbound.Received:
    """The offline form: the message lands on the visitor's case as an inbound chat, with a
    callback task for when the line opens (it is not offered as a live chat)."""
    name = " ".join((name or "").split())
    text = (body or "").strip()
    if any("\x00" in (t or "") for t in (widget_key, name, contact, body)):
        raise Invalid(plain.UNSTORABLE)
    # The visitor reads these: plain words from the widget's list (crm.chat.plain).
    if not name:
        raise Invalid(plain.NAME_NEEDED)
    if len(name) > visits.MAX_NAME:
        raise Invalid(plain.NAME_TOO_LONG)
    if not (contact or "").strip():
        raise Invalid(plain.CONTACT_NEEDED)
    if not text:
        raise Invalid(plain.EMPTY_MESSAGE)
    if len(text) > visits.MAX_BODY:
        raise Invalid(plain.TOO_LONG)
    kind, value = identity.normalise_contact(contact, region)
    owner = tenancy.owner_of(session, "chat", widget_key)
    _, case, _ = identity.find_or_create(session, owner.client.id, value, display_name=name,
                                         region=region, kind=kind)
    ref = "offline_" + secrets.token_hex(12)
    line = owner.line_of_work or inbound.DEFAULT_QUEUE
    item, _ = timeline.record(
        session, case, medium="chat", direction="inbound", provider_id=ref, status="received",
        body=text, from_addr=value, to_addr=widget_key, thread_key=ref, occurred_at=utcnow(),
        meta={"queue": line, "visitor": name, outside.OFFLINE_FORM: True,
              **visits.identity_marks(None)})
    workflow.reopen_on_contact(session, case, item)
    shut = outside.closed(session, owner.client.id, line)
    due = (shut.opens_at if shut and shut.opens_at else utcnow() + CALLBACK_WITHOUT_HOURS)
    tasks.add_for(session, case, title=f"Offline chat message: reply to {name} at {value}",
                  holder=assignment.for_callback(session, case, item), due_at=due,
                  source_interaction_id=item.id)
    return inbound.Received(item, case, owner.client, True)
