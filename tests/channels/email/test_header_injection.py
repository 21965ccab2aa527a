"""Headers built from user text stay single headers on the wire, however they are encoded."""

from __future__ import annotations

import pytest

from channels.base import OutboundMessage, PermanentSendError
from channels.email.outbound import EmailAdapter
from crm.models import Interaction
from tests.channels.email.test_outbound import CUSTOMER_MAIL, header_lines, reply

# Decodes to CR LF CR LF: without the fix, the rest of our headers would land in the body.
INJECTED = "=?utf-8?q?geyser=0D=0ABcc:_thief@evil.test=0D=0A=0D=0Ahijacked?="
# The same, encoded once more: what a customer's subject must be to reach us still encoded.
DOUBLE = ("=?utf-8?q?=3D=3Futf-8=3Fq=3Fgeyser=3D0D=3D0ABcc=3A=5Fthief=40evil.test"
          "=3D0D=3D0A=3D0D=3D0Ahijacked=3F=3D?=")


@pytest.fixture
def auth(token):
    return {"Authorization": f"Bearer {token}"}


def sent_headers(smtp) -> dict[str, list[str]]:
    """Each header field of the one message the SMTP peer accepted, as it came over the wire."""
    [envelope] = smtp.received
    assert envelope.rcpt_tos == ["lerato@example.co.za"]
    fields: dict[str, list[str]] = {}
    for line in header_lines(envelope.original_content or envelope.content):
        name, _, value = line.partition(":")
        fields.setdefault(name.lower(), []).append(value.strip())
    return fields


def assert_one_subject_and_all_our_headers(smtp, first_words: str):
    fields = sent_headers(smtp)
    assert "bcc" not in fields
    [subject] = fields["subject"]
    assert subject.startswith(first_words) and "thief@evil.test" in subject
    for ours in ("message-id", "reply-to", "x-caseline-case", "date", "mime-version"):
        assert len(fields.get(ours, [])) == 1, (ours, fields)
    [msg] = smtp.messages()
    assert msg.get_body(("plain",)).get_content().startswith("Dear Lerato")


def test_an_agents_subject_that_decodes_to_line_breaks_stays_one_header(
        client, auth, post_email, smtp, session):
    case_id = post_email(CUSTOMER_MAIL).get_json()["case_id"]
    resp = reply(client, auth, case_id, subject=f"Re: {INJECTED}")
    assert resp.status_code == 201 and resp.get_json()["status"] == "sent", resp.get_json()
    assert_one_subject_and_all_our_headers(smtp, "Re: geyser Bcc:")
    session.commit()


def test_a_customers_subject_answered_with_re_stays_one_header(client, auth, post_email, smtp,
                                                                session):
    raw = CUSTOMER_MAIL.replace(b"My claim for the burst geyser", DOUBLE.encode())
    landed = post_email(raw).get_json()
    inbound = session.get(Interaction, landed["interaction_id"])
    assert inbound.subject == INJECTED  # decoded once on the way in: still an encoded word
    # The console pre-fills a reply's subject as "Re: " and the customer's subject.
    resp = reply(client, auth, landed["case_id"], subject=f"Re: {inbound.subject}",
                 in_reply_to=inbound.id)
    assert resp.status_code == 201 and resp.get_json()["status"] == "sent", resp.get_json()
    assert_one_subject_and_all_our_headers(smtp, "Re: geyser Bcc:")
    session.commit()


def test_a_message_id_with_an_encoded_word_is_threaded_verbatim(client, auth, post_email, smtp,
                                                                 session):
    odd_id = "<=?utf-8?q?a=0D=0ABcc=3Athief=40evil.test?=@example.co.za>"
    landed = post_email(CUSTOMER_MAIL.replace(b"<first.customer.mail@example.co.za>",
                                              odd_id.encode())).get_json()
    resp = reply(client, auth, landed["case_id"], in_reply_to=landed["interaction_id"])
    assert resp.status_code == 201, resp.get_json()
    fields = sent_headers(smtp)
    assert "bcc" not in fields
    assert fields["in-reply-to"] == [odd_id] and fields["references"] == [odd_id]
    session.commit()


@pytest.mark.parametrize("to, sender", [
    ("lerato@example.co.za\r\nBcc: thief@evil.test", "Acme <cases@caseline.example.com>"),
    ("=?utf-8?q?L=0D=0ABcc:_thief@evil.test?= <lerato@example.co.za>",
     "Acme <cases@caseline.example.com>"),
    ("lerato@example.co.za", "=?utf-8?q?Acme=0D=0ABcc:_thief@evil.test?= <cases@example.com>"),
])
def test_an_address_that_decodes_to_line_breaks_is_refused_for_good(settings, smtp, to, sender):
    message = OutboundMessage(interaction_id=1, to=to, body="Dear Lerato", subject="Claim",
                              sender=sender)
    with pytest.raises(PermanentSendError):
        EmailAdapter(settings).send(message)
    assert smtp.received == []


def test_an_attachment_name_that_decodes_to_line_breaks_stays_one_parameter(settings, smtp):
    name = "=?utf-8?q?claim=0D=0AContent-Type:_text/html=0D=0A=0D=0A<b>x</b>?=.pdf"
    message = OutboundMessage(interaction_id=1, to="lerato@example.co.za", body="Dear Lerato",
                              subject="Claim", attachments=((name, "application/pdf", b"%PDF"),))
    EmailAdapter(settings).send(message)
    [msg] = smtp.messages()
    [part] = list(msg.iter_attachments())
    assert part.get_content_type() == "application/pdf" and part.get_content() == b"%PDF"
    assert "\n" not in part.get_filename() and "\r" not in part.get_filename()
    raw = (smtp.received[0].original_content or smtp.received[0].content).decode()
    assert "Content-Type: text/html\r\n\r\n<b>" not in raw
