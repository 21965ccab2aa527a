"""Export fixtures: a fraud case with every kind of timeline entry, an email with a file."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from crm.cases import timeline
from crm.fraud import evidence, investigations
from crm.models import Case, Claim, InboundAddress, Interaction, RedFlag, User
from crm.signoff import decisions
from tests.channels.email.conftest import TOKEN

PDF_BYTES = b"%PDF-1.4\n% a scanned repair invoice\n%%EOF\n"
PHOTO_BYTES = bytes(range(256)) * 40  # binary: every byte value, so any mangling shows


def raw_email(subject: str, body: str) -> bytes:
    """An inbound email from the customer with two attachments."""
    msg = EmailMessage()
    msg["From"] = "Pat Doe <pat.doe@example.com>"
    msg["To"] = "cases@caseline.example.com"
    msg["Subject"] = subject
    msg["Message-ID"] = "<claim-photos-1@example.com>"
    msg.set_content(body)
    msg.add_attachment(PDF_BYTES, maintype="application", subtype="pdf",
                       filename="invoice.pdf")
    msg.add_attachment(PHOTO_BYTES, maintype="application", subtype="octet-stream",
                       filename="photo.bin")
    return msg.as_bytes()


@dataclass
class FraudCase:
    """The case, what its timeline says, and the raw email as received."""

    case_id: int
    texts: list[str]
    raw: bytes


@pytest.fixture
def settings(settings):
    """Test settings that accept inbound email."""
    settings.inbound_email_token = TOKEN
    return settings


@pytest.fixture
def mailbox(session, default_client) -> str:
    """The default client's inbound mailbox for claims."""
    session.add(InboundAddress(client_id=default_client.id, kind="email",
                               value="cases@caseline.example.com", line_of_work="claims"))
    session.commit()
    return "cases@caseline.example.com"


@pytest.fixture
def fraud_case(client, session, mailbox, make_user) -> FraudCase:
    """A case reached by email (with files), then worked: SMS, a call with a wrap-up, a note,
    a claim, a red flag, a decision and an escalation to fraud."""
    raw = raw_email("Photos of the water damage", "Here are the photos and the invoice.")
    resp = client.post("/webhooks/email/inbound", data=raw, headers={
        "Content-Type": "message/rfc822", "Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code < 300, resp.get_data(as_text=True)
    email = session.scalars(select(Interaction).where(Interaction.medium == "email")).one()
    case = session.get(Case, email.case_id)
    agent = session.get(User, make_user("agent", email="ann.agent@example.com").id)
    timeline.record(session, case, medium="sms", direction="inbound",
                    body="The pipe burst on the third of May", provider_id="SM-export-1")
    timeline.record(session, case, medium="voice", direction="inbound", status="completed",
                    provider_id="CA-export-1", duration_seconds=312, agent_id=agent.id,
                    disposition="claim_update",
                    meta={"wrap_ups": [{"agent_id": agent.id, "disposition": "claim_update",
                                        "label": "Claim update",
                                        "notes": "Caller unsure of the loss date"}]})
    timeline.record(session, case, medium="note", direction="internal", agent_id=agent.id,
                    body="Customer changed the story twice about the plumber")
    session.add(Claim(client_id=case.client_id, case_id=case.id, number="CLM-7781",
                      policy_number="POL-55", reported_amount_cents=1_250_000,
                      bank_account="GB29 NWBK 6016 1331 9268 19"))
    session.flush()
    session.add(RedFlag(client_id=case.client_id, case_id=case.id, rule="loss_soon_after_start",
                        key="claim-1", reason="Loss 10 days after the policy started",
                        facts={"days": 10}))
    decisions.request(session, agent, case.id, kind="claim_payout",
                      summary="Pay the plumber's invoice")
    made = investigations.escalate(session, agent, case.id, "Two versions of how the pipe burst")
    fraud = session.get(User, make_user("fraud", email="fay.fraud@example.com").id)
    evidence.pin(session, fraud, made.id, email.id, note="The invoice predates the loss")
    session.commit()
    texts = [i.body for i in session.scalars(select(Interaction).where(
        Interaction.case_id == case.id)) if i.body] + ["Photos of the water damage",
                                                       "Caller unsure of the loss date"]
    return FraudCase(case.id, texts, raw)
