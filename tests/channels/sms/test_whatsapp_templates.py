"""WhatsApp outside the 24-hour window: free text refused, an approved template (Twilio
Content API) sent with ContentSid and ContentVariables filled from the case."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.models import Case, Interaction, MessageTemplate
from tests.channels.twilio_fakes import content_template, post_signed, whatsapp

INCOMING = "/webhooks/twilio/messaging/incoming"
FOLLOW_UP = "HX" + "a" * 32
PENDING = "HX" + "b" * 32
OTHER_LINE = "HX" + "c" * 32


@pytest.fixture
def closed_case(client, session, twilio, default_client):
    """A WhatsApp customer who last wrote 25 hours ago; the client offers three templates."""
    post_signed(client, INCOMING, whatsapp("SMwatpl001", "hi", name="Ranjit Sankar"))
    inbound = session.scalars(select(Interaction)).one()
    inbound.occurred_at -= timedelta(hours=25)
    for sid, line in ((FOLLOW_UP, None), (PENDING, None), (OTHER_LINE, "fraud")):
        session.add(MessageTemplate(client_id=default_client.id, content_sid=sid,
                                    line_of_work=line, fields={
                                        "1": "customer.first_name", "2": "case.reference"}))
    session.commit()
    twilio.contents = [
        content_template(FOLLOW_UP, "case_follow_up", "Hello {{1}}, about your case {{2}}."),
        content_template(PENDING, "not_yet", "Hi {{1}}", status="pending"),
        content_template(OTHER_LINE, "fraud_only", "Hi {{1}}, {{2}}"),
    ]
    return inbound.case_id


def test_outside_the_window_only_an_approved_template_goes(client, session, twilio,
                                                           api_headers, closed_case):
    reference = session.get(Case, closed_case).reference
    session.rollback()
    options = client.get(f"/api/v1/cases/{closed_case}/reply-options",
                         headers=api_headers).get_json()["options"]
    wa = next(o for o in options if o["medium"] == "whatsapp")
    assert not wa["available"] and wa["window_closed"] and "24 hours" in wa["reason"]

    free = client.post(f"/api/v1/cases/{closed_case}/messages", headers=api_headers,
                       json={"medium": "whatsapp", "body": "Still there?"})
    assert free.status_code == 409 and free.get_json()["error"]["code"] == "outside_window"

    listed = client.get(f"/api/v1/cases/{closed_case}/whatsapp-templates",
                        headers=api_headers).get_json()["items"]
    # Not approved yet, or for another line of work: never offered.
    assert [t["name"] for t in listed] == ["case_follow_up"]
    [tpl] = listed
    assert tpl["body"] == f"Hello Ranjit, about your case {reference}."
    assert tpl["variables"] == {"1": "Ranjit", "2": reference} and tpl["missing"] == []

    sent = client.post(f"/api/v1/cases/{closed_case}/messages", headers=api_headers,
                       json={"medium": "whatsapp", "template_id": tpl["id"], "body": "ignored"})
    assert sent.status_code == 202, sent.get_json()
    [msg] = twilio.messages
    assert msg["ContentSid"] == FOLLOW_UP and "Body" not in msg
    assert json.loads(msg["ContentVariables"]) == {"1": "Ranjit", "2": reference}
    assert msg["To"] == "whatsapp:+919900000000"
    item = session.get(Interaction, sent.get_json()["id"])
    assert item.body == f"Hello Ranjit, about your case {reference}."
    assert item.status == "accepted"


def test_a_template_not_offered_on_the_case_is_refused(client, session, twilio, api_headers,
                                                       closed_case):
    other = session.scalars(select(MessageTemplate).where(
        MessageTemplate.content_sid == OTHER_LINE)).one().id
    session.rollback()
    resp = client.post(f"/api/v1/cases/{closed_case}/messages", headers=api_headers,
                       json={"medium": "whatsapp", "template_id": other, "body": "x"})
    assert resp.status_code == 404
    sms = client.post(f"/api/v1/cases/{closed_case}/messages", headers=api_headers,
                      json={"medium": "chat", "template_id": other, "body": "x"})
    assert sms.status_code == 422
    assert twilio.messages == []


def test_only_a_supervisor_configures_the_templates_on_offer(client, api_headers, as_user,
                                                            twilio):
    body = {"content_sid": "HX" + "e" * 32, "fields": {"1": "customer.first_name"}}
    assert client.post("/api/v1/whatsapp-templates", headers=api_headers,
                       json=body).status_code == 403
    _, boss = as_user("supervisor")
    made = client.post("/api/v1/whatsapp-templates", headers=boss, json=body)
    assert made.status_code == 201, made.get_json()
    bad = client.post("/api/v1/whatsapp-templates", headers=boss,
                      json={**body, "fields": {"1": "customer.ssn"}})
    assert bad.status_code == 422 and "unknown field customer.ssn" in bad.get_json()[
        "error"]["message"]


def test_a_content_api_failure_is_answered_alike_when_listing_and_sending(
        client, session, twilio, api_headers, closed_case):
    listed = client.get(f"/api/v1/cases/{closed_case}/whatsapp-templates",
                        headers=api_headers).get_json()["items"]
    twilio.fail_with = (500, {"code": 20500, "message": "Internal Server Error", "status": 500})
    for resp in (client.get(f"/api/v1/cases/{closed_case}/whatsapp-templates",
                            headers=api_headers),
                 client.post(f"/api/v1/cases/{closed_case}/messages", headers=api_headers,
                             json={"medium": "whatsapp", "template_id": listed[0]["id"],
                                   "body": ""})):
        assert resp.status_code == 502 and resp.get_json()["error"]["code"] == "twilio_error"
    assert twilio.messages == []  # nothing went out
