"""Texts arriving together on a closed case open it again, once."""

from __future__ import annotations

from sqlalchemy import select

from crm.cases.landing import InboundMessage
from crm.customers import identity
from crm.messaging import texts as messaging
from crm.models import AuditEvent, Interaction


def _text(sid: str) -> InboundMessage:
    return InboundMessage(medium="sms", provider_id=sid, sender="+14155550100",
                          recipient="+15005550006", body="about my claim")


def test_a_batch_of_texts_reopens_a_closed_case_once(session, default_client):
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    case.status, case.status_reason = "closed", "settled"
    session.commit()
    messaging.receive_messages(session, [(_text("SMr1"), "US", []), (_text("SMr2"), "US", [])])
    session.commit()
    session.refresh(case)
    assert case.status == "open" and case.status_reason == "the customer got in touch (sms)"
    assert len(session.scalars(select(AuditEvent).where(
        AuditEvent.action == "case.reopened")).all()) == 1
    assert len(session.scalars(select(Interaction).where(
        Interaction.medium == "system", Interaction.case_id == case.id)).all()) == 1
    # A redelivery of a text already kept changes nothing.
    case.status = "closed"
    session.commit()
    messaging.receive_message(session, _text("SMr1"))
    session.commit()
    session.refresh(case)
    assert case.status == "closed"
