"""Canned replies with merge fields, and inbound media copied into our own storage."""

import pytest
import responses
from sqlalchemy import select

from crm.models import Attachment, AuditEvent, Interaction
from crm.tenancy import users
from tests.channels.twilio_fakes import ACCOUNT_SID, post_signed, sms, whatsapp

INCOMING = "/webhooks/twilio/messaging/incoming"


@pytest.fixture
def case_id(client, session, twilio):
    post_signed(client, INCOMING, whatsapp("SMwa000009", "hello", name="Ranjit Sankar"))
    ident = session.scalar(select(Interaction.case_id))
    session.rollback()
    return ident


def test_personal_canned_replies_are_filled_in_for_a_case(client, session, api_headers,
                                                          case_id):
    made = client.post("/api/v1/canned-replies", headers=api_headers, json={
        "title": "Greeting", "body": "Hi {{ customer.first_name }}, this is {{agent.name}} "
                                     "about case {{case.reference}}. <b>Thanks</b>"})
    assert made.status_code == 201, made.get_json()
    reply_id = made.get_json()["id"]
    got = client.get(f"/api/v1/cases/{case_id}/canned-replies/{reply_id}", headers=api_headers)
    body = got.get_json()["body"]
    assert body.startswith("Hi Ranjit, this is User 1 about case CL-")
    assert body.endswith("<b>Thanks</b>")  # plain text: the UI shows it as text
    listed = client.get("/api/v1/canned-replies", headers=api_headers).get_json()["items"]
    assert [r["title"] for r in listed] == ["Greeting"]


def test_shared_replies_need_a_supervisor_and_are_seen_by_all(client, session, api_headers,
                                                             make_user):
    refused = client.post("/api/v1/canned-replies", headers=api_headers,
                          json={"title": "Hours", "body": "We are open 8-18.", "shared": True})
    assert refused.status_code == 403
    boss = make_user("supervisor")
    raw = users.issue_token(session, boss)
    session.commit()
    boss_headers = {"Authorization": f"Bearer {raw}"}
    ok = client.post("/api/v1/canned-replies", headers=boss_headers,
                     json={"title": "Hours", "body": "We are open 8-18.", "shared": True})
    assert ok.status_code == 201
    mine = client.post("/api/v1/canned-replies", headers=boss_headers,
                       json={"title": "Boss only", "body": "Personal note"})
    assert mine.status_code == 201
    seen = client.get("/api/v1/canned-replies", headers=api_headers).get_json()["items"]
    assert [r["title"] for r in seen] == ["Hours"]
    gone = client.delete(f"/api/v1/canned-replies/{ok.get_json()['id']}", headers=api_headers)
    assert gone.status_code == 403
    assert session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "canned_replie")).all() == [
        "canned_reply.created", "canned_reply.created"]


def test_unknown_fields_are_refused(client, api_headers):
    resp = client.post("/api/v1/canned-replies", headers=api_headers,
                       json={"title": "Bad", "body": "Hi {{customer.ssn}}"})
    assert resp.status_code == 422
    assert "unknown field customer.ssn" in resp.get_json()["error"]["message"]


@responses.activate
def test_inbound_media_is_copied_into_our_storage(client, session, twilio, api_headers):
    url = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM1/Media/ME1"
    responses.get(url, body=b"\x89PNG fake image", content_type="image/png")
    resp = post_signed(client, INCOMING, sms("SMmedia001", "photo of the damage", NumMedia="1",
                                             MediaUrl0=url, MediaContentType0="image/png"))
    assert resp.status_code == 200
    att = session.scalars(select(Attachment)).one()
    assert att.storage_key and att.size == len(b"\x89PNG fake image")
    assert att.content_type == "image/png" and att.meta["state"] == "stored"
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")
    session.rollback()
    got = client.get(f"/api/v1/attachments/{att.id}", headers=api_headers)
    assert got.status_code == 200 and got.data == b"\x89PNG fake image"
    assert client.get(f"/api/v1/attachments/{att.id}").status_code == 401
    # What the timeline shows (API, socket, page) never points at Twilio.
    from console.api.core.schemas import InteractionOut, present

    shown = present(InteractionOut, session.get(Interaction, att.interaction_id))
    assert shown["attachments"][0]["content_type"] == "image/png"
    assert "twilio.com" not in str({k: v for k, v in shown.items() if k != "body"})


def test_media_on_another_host_is_never_fetched(client, session, twilio):
    resp = post_signed(client, INCOMING, sms("SMmedia002", "look", NumMedia="1",
                                             MediaUrl0="https://evil.example/x.png",
                                             MediaContentType0="image/png"))
    assert resp.status_code == 200
    att = session.scalars(select(Attachment)).one()
    assert att.storage_key is None and att.meta["state"] == "failed"
    assert "refusing" in att.meta["error"]


def test_team_replies_are_shared_edited_by_members_and_offered_by_line_of_work(
        client, session, as_user, case_id, default_client):
    from crm.models import Team

    team = Team(name="Claims desk")
    session.add(team)
    session.commit()
    (ann, ann_h), (bob, bob_h), (_, out_h) = (as_user("agent") for _ in range(3))
    for user in (ann, bob):
        user.team_id = team.id
    session.commit()
    made = client.post("/api/v1/canned-replies", headers=ann_h, json={
        "title": "Claim received", "body": "Hi {{customer.first_name}}, we have your claim.",
        "scope": "team", "line_of_work": "general"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["scope"] == "team"
    reply_id = made.get_json()["id"]
    fraud = client.post("/api/v1/canned-replies", headers=ann_h, json={
        "title": "Fraud only", "body": "x", "scope": "team", "line_of_work": "fraud"})
    assert fraud.status_code == 201
    # A teammate sees it and may edit it; someone outside the team sees neither.
    for_case = client.get(f"/api/v1/canned-replies?case_id={case_id}", headers=bob_h).get_json()
    assert for_case["line_of_work"] == "general"
    assert [r["title"] for r in for_case["items"]] == ["Claim received"]
    edited = client.patch(f"/api/v1/canned-replies/{reply_id}", headers=bob_h,
                          json={"body": "Hello {{customer.first_name}}, claim received."})
    assert edited.status_code == 200, edited.get_json()
    got = client.get(f"/api/v1/cases/{case_id}/canned-replies/{reply_id}", headers=bob_h)
    assert got.get_json()["body"] == "Hello Ranjit, claim received."
    assert client.get("/api/v1/canned-replies", headers=out_h).get_json()["items"] == []
    assert client.patch(f"/api/v1/canned-replies/{reply_id}", headers=out_h,
                        json={"title": "Mine now"}).status_code == 404
    assert client.delete(f"/api/v1/canned-replies/{reply_id}", headers=bob_h).status_code == 200
    assert session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "canned_replie").order_by(AuditEvent.id)).all()[-2:] == [
        "canned_reply.updated", "canned_reply.deleted"]
