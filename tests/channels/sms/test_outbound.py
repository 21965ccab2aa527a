"""Replies through the API: queued with the request, sent once, statuses never regress."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from console.messaging.send_tasks import send_outbound, sweep_outbound
from crm.models import AuditEvent, ContactPoint, Interaction, utcnow
from tests.channels.twilio_fakes import (
    OUR_NUMBER,
    WHATSAPP_NUMBER,
    post_signed,
    sms,
    whatsapp,
)

INCOMING = "/webhooks/twilio/messaging/incoming"
STATUS = "/webhooks/twilio/messaging/status"


@pytest.fixture
def case_id(client, session, twilio):
    """A customer who texted us from +14155550100."""
    assert post_signed(client, INCOMING, sms("SMin000001", "Where is my refund?")).status_code \
        == 200
    ident = session.scalar(select(Interaction.case_id))
    session.rollback()
    return ident


def reply(client, headers, case_id, body="We are on it", medium="sms", **extra):
    return client.post(f"/api/v1/cases/{case_id}/messages", headers=headers,
                       json={"medium": medium, "body": body, **extra})


def outbound_rows(session):
    rows = session.scalars(select(Interaction).where(Interaction.direction == "outbound")
                           .order_by(Interaction.id)).all()
    session.rollback()
    return rows


def test_a_reply_reaches_twilio_exactly_once_even_when_its_task_runs_twice(
        client, session, twilio, api_headers, case_id):
    resp = reply(client, api_headers, case_id)
    assert resp.status_code == 202, resp.get_json()
    sent = resp.get_json()
    assert sent["medium"] == "sms" and sent["direction"] == "outbound"
    # The broker redelivers the task (twice more): nothing is sent again.
    assert "not queued" in send_outbound.apply(args=(sent["id"],)).get()
    send_outbound.apply(args=(sent["id"],))
    assert len(twilio.messages) == 1
    msg = twilio.messages[0]
    assert msg["To"] == "+14155550100" and msg["From"] == OUR_NUMBER
    assert msg["Body"] == "We are on it"
    assert msg["StatusCallback"] == (
        f"https://caseline.example.com{STATUS}?interaction={sent['id']}")
    [item] = outbound_rows(session)
    assert item.status == "accepted" and item.provider_id == "SM" + "1".zfill(32)
    assert item.meta["idempotency_key"]


def test_concurrent_deliveries_of_one_task_send_once(app, client, session, twilio, api_headers,
                                                     case_id):
    import threading

    sent = reply(client, api_headers, case_id).get_json()
    session.execute(update(Interaction).where(Interaction.id == sent["id"])
                    .values(status="queued", status_seq=0))
    session.commit()
    before = len(twilio.messages)
    barrier = threading.Barrier(4)

    def deliver():
        barrier.wait()
        send_outbound.apply(args=(sent["id"],))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(twilio.messages) - before == 1


def _status(client, interaction_id, state, sid, **extra):
    params = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": state, "SmsStatus": state,
              "AccountSid": "AC" + "1" * 32, "ApiVersion": "2010-04-01", **extra}
    return post_signed(client, STATUS, params, query=f"interaction={interaction_id}")


ORDERS = [
    (("sent", "delivered"), "delivered", None),
    (("sent", "delivered", "delivered", "sent"), "delivered", None),
    (("sent", "undelivered"), "undelivered", "30003"),
    (("sent", "failed"), "failed", "30007"),
]


@pytest.mark.parametrize(("statuses", "final", "code"), ORDERS)
def test_status_callbacks_in_any_order_end_in_the_right_status(
        client, session, twilio, api_headers, case_id, statuses, final, code):
    for order in set(itertools.permutations(statuses)):
        sent = reply(client, api_headers, case_id, body=f"order {order}").get_json()
        sid = session.get(Interaction, sent["id"]).provider_id
        session.rollback()
        for state in order:
            extra = {"ErrorCode": code} if code and state == final else {}
            if code == "30003" and extra:
                extra["ErrorMessage"] = "Unreachable destination handset"
            assert _status(client, sent["id"], state, sid, **extra).status_code == 200
        item = session.get(Interaction, sent["id"])
        session.refresh(item)
        assert item.status == final, order
        if code:
            assert item.error["code"] == code and item.error["message"]
        session.rollback()


def test_failure_reason_reaches_the_agent_live(app, client, session, twilio, api_headers,
                                               token, case_id):
    from console.core.extensions import socketio

    sio = socketio.test_client(app, namespace="/agent", auth={"token": token})
    sio.emit("case.watch", {"case_id": case_id}, namespace="/agent", callback=True)
    sent = reply(client, api_headers, case_id).get_json()
    sid = session.get(Interaction, sent["id"]).provider_id
    session.rollback()
    _status(client, sent["id"], "undelivered", sid, ErrorCode="30003",
            ErrorMessage="Unreachable destination handset")
    updates = [m["args"][0]["interaction"] for m in sio.get_received("/agent")
               if m["name"] == "interaction.updated"]
    assert updates[-1]["status"] == "undelivered"
    assert updates[-1]["error"] == {"code": "30003",
                                    "message": "Unreachable destination handset"}


def test_stop_then_reply_is_refused_and_start_re_enables(client, session, twilio, api_headers,
                                                         case_id):
    post_signed(client, INCOMING, sms("SMstop0001", "STOP"))
    post_signed(client, INCOMING, sms("SMstop0002", " stop "))  # a second STOP: no 2nd text
    assert [m["Body"] for m in twilio.messages] == [
        "You are unsubscribed and will get no more text messages from us. "
        "Reply START to subscribe again."]
    point = session.scalars(select(ContactPoint)).one()
    assert "sms" in point.opt_outs and "whatsapp" not in point.opt_outs
    session.rollback()
    rows_before = len(outbound_rows(session))

    resp = reply(client, api_headers, case_id, body="Are you there?")
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "opted_out"
    assert "+14155550100 opted out of sms" in error["message"]
    assert len(twilio.messages) == 1 and len(outbound_rows(session)) == rows_before

    post_signed(client, INCOMING, sms("SMstart001", "START"))
    assert reply(client, api_headers, case_id, body="Welcome back").status_code == 202
    assert twilio.messages[-1]["Body"] == "Welcome back"
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "contact_point")).all()
    assert actions == ["contact_point.opted_out", "contact_point.opted_in"]


def test_whatsapp_replies_only_inside_the_24_hour_window(client, session, twilio, api_headers):
    post_signed(client, INCOMING, whatsapp("SMwa000001", "hi"))
    case_id = session.scalar(select(Interaction.case_id))
    session.rollback()
    ok = reply(client, api_headers, case_id, medium="whatsapp", body="Hello Ranjit")
    assert ok.status_code == 202
    assert twilio.messages[-1]["To"] == "whatsapp:+919900000000"
    assert twilio.messages[-1]["From"] == f"whatsapp:{WHATSAPP_NUMBER}"
    inbound = session.scalars(select(Interaction).where(Interaction.direction == "inbound")).one()
    inbound.occurred_at = inbound.occurred_at - timedelta(hours=25)
    session.commit()
    late = reply(client, api_headers, case_id, medium="whatsapp", body="Still there?")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "outside_window"
    assert "24 hours" in late.get_json()["error"]["message"]
    assert len(twilio.messages) == 1


@pytest.mark.parametrize(("payload", "status", "text"), [
    ({"medium": "sms", "body": "x" * 1601}, 422, "at most 1600 characters"),
    ({"medium": "sms", "body": "   "}, 422, "needs some text"),
    ({"medium": "fax", "body": "hi"}, 422, "no channel can send 'fax'"),
    ({"medium": "email", "body": "hi"}, 422, "this customer has no email to reach by email"),
    ({"medium": "sms", "body": "hi", "to": "+14155559999"}, 422, "not a phone of this customer"),
    ({"medium": "chat", "body": "hi"}, 422, "no chat session"),
])
def test_bad_replies_are_clear_4xx_and_store_nothing(client, session, twilio, api_headers,
                                                     case_id, payload, status, text):
    resp = client.post(f"/api/v1/cases/{case_id}/messages", headers=api_headers, json=payload)
    assert resp.status_code == status
    assert text in resp.get_json()["error"]["message"]
    assert outbound_rows(session) == [] and twilio.messages == []


def test_replies_to_another_clients_case_are_not_found(client, session, twilio, case_id,
                                                       make_user, other_client):
    from crm.tenancy import users

    outsider = make_user("agent", clients=[other_client])
    raw = users.issue_token(session, outsider)
    session.commit()
    resp = reply(client, {"Authorization": f"Bearer {raw}"}, case_id)
    assert resp.status_code == 404 and twilio.messages == []


def test_twilio_rejection_marks_failed_with_the_reason(client, session, twilio, api_headers,
                                                        case_id):
    twilio.fail_with = (400, {"code": 21211, "message": "The 'To' number is not valid.",
                              "status": 400})
    sent = reply(client, api_headers, case_id).get_json()
    item = session.get(Interaction, sent["id"])
    assert item.status == "failed"
    assert "21211" in item.error["message"] and "not valid" in item.error["message"]


def test_temporary_failures_stay_queued_and_the_sweeper_sends_them_later(
        client, session, twilio, api_headers, case_id):
    twilio.fail_with = (503, {"code": 20503, "message": "Service unavailable", "status": 503})
    sent = reply(client, api_headers, case_id).get_json()
    item = session.get(Interaction, sent["id"])
    assert item.status == "queued" and item.meta["attempts"] == 1
    session.rollback()
    assert sweep_outbound.apply().get() == 0  # its backoff has not passed yet
    session.execute(update(Interaction).where(Interaction.id == sent["id"]).values(
        next_attempt_at=item.next_attempt_at - timedelta(minutes=2)))
    session.commit()
    twilio.fail_with = None
    assert sweep_outbound.apply().get() == 1
    item = session.get(Interaction, sent["id"])
    session.refresh(item)
    assert item.status == "accepted"
    assert len(twilio.messages) == 2  # the failed attempt and the successful one
    total = session.scalar(select(func.count()).select_from(Interaction))
    assert total == 2  # one inbound, one outbound: the retry reused the same row


def test_the_composer_offers_reachable_media_defaulting_to_the_last_used(
        client, session, twilio, api_headers, case_id):
    resp = client.get(f"/api/v1/cases/{case_id}/reply-options", headers=api_headers)
    data = resp.get_json()
    by = {o["medium"]: o for o in data["options"]}
    assert data["default"] == "sms"
    assert by["sms"] == {"medium": "sms", "to": "+14155550100", "available": True,
                         "reason": None, "unverified": False, "window_closed": False}
    assert by["whatsapp"]["available"] is False and "24 hours" in by["whatsapp"]["reason"]
    assert by["whatsapp"]["window_closed"]  # only the window bars it: a template may go
    assert by["chat"]["available"] is False
    post_signed(client, INCOMING, sms("SMstop0009", "STOP"))
    data = client.get(f"/api/v1/cases/{case_id}/reply-options", headers=api_headers).get_json()
    assert {o["medium"]: o["reason"] for o in data["options"]}["sms"] == "opted out of sms"
    assert data["default"] is None


def test_a_send_cut_off_mid_way_is_marked_failed_not_resent(client, session, twilio,
                                                            api_headers, case_id):
    sent = reply(client, api_headers, case_id).get_json()
    item = session.get(Interaction, sent["id"])
    session.execute(update(Interaction).where(Interaction.id == sent["id"]).values(
        status="sending", status_seq=1, provider_id=None,
        updated_at=item.updated_at - timedelta(minutes=11)))
    session.commit()
    sweep_outbound.apply()
    session.refresh(item)
    assert item.status == "failed" and item.error["code"] == "interrupted"
    assert len(twilio.messages) == 1


def test_an_opt_out_that_lands_before_the_send_stops_a_queued_reply(
        client, session, twilio, api_headers, case_id):
    """The send step checks the address again: a STOP between queue and send wins."""
    twilio.fail_with = (503, {"code": 20503, "message": "Service unavailable", "status": 503})
    sent = reply(client, api_headers, case_id).get_json()  # queued for a retry
    assert post_signed(client, INCOMING, sms("SMin000002", "STOP")).status_code == 200
    twilio.fail_with = None
    session.execute(update(Interaction).where(Interaction.id == sent["id"]).values(
        next_attempt_at=utcnow() - timedelta(minutes=2)))
    session.commit()
    sweep_outbound.apply()
    item = session.get(Interaction, sent["id"])
    session.refresh(item)
    assert item.status == "failed" and item.error["code"] == "opted_out"
    bodies = [m["Body"] for m in twilio.messages]
    assert "We are on it" not in bodies[1:]  # only the failed first attempt, never after STOP
