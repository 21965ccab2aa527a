"""Inbound SMS/WhatsApp webhooks: signed, resolved to one case, stored once, forgeries refused."""

import threading

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from console.core.database import get_db
from crm.models import Case, InboundAddress, Interaction, Offer
from tests.channels.twilio_fakes import (
    AUTH_TOKEN,
    OUR_NUMBER,
    PUBLIC,
    post_signed,
    sms,
    whatsapp,
)

INCOMING = "/webhooks/twilio/messaging/incoming"


def _count(session, model=Interaction):
    n = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return n


def test_whatsapp_and_sms_from_one_number_land_on_one_case(client, session, twilio):
    wa = post_signed(client, INCOMING, whatsapp("SMwa0001", "hey"))
    assert wa.status_code == 200
    assert wa.mimetype == "text/xml" and "<Response" in wa.get_data(as_text=True)
    assert "<Message" not in wa.get_data(as_text=True)
    text = post_signed(client, INCOMING, sms("SMsms0001", "it's me again",
                                             sender="+919900000000"))
    assert text.status_code == 200
    items = session.scalars(select(Interaction).order_by(Interaction.id)).all()
    assert [(i.medium, i.body) for i in items] == [("whatsapp", "hey"),
                                                   ("sms", "it's me again")]
    assert items[0].case_id == items[1].case_id
    case = session.get(Case, items[0].case_id)
    assert case.customer.display_name == "Ranjit Sankar"
    # Every parameter Twilio sent is kept, including ones we do not use.
    assert items[0].meta["twilio"]["WaId"] == "919900000000"
    assert items[1].meta["twilio"]["FromCountry"] == "US"


def test_a_text_to_a_lines_number_waits_in_that_lines_queue(client, session, twilio,
                                                           default_client):
    session.add(InboundAddress(client_id=default_client.id, kind="phone", value=OUR_NUMBER,
                               line_of_work="collections"))
    session.commit()
    assert post_signed(client, INCOMING, sms("SMline0001", "about my balance")).status_code \
        == 200
    [item] = session.scalars(select(Interaction)).all()
    [offer] = session.scalars(select(Offer)).all()
    assert item.meta["queue"] == offer.queue == "collections"


def test_the_same_message_sid_three_times_is_stored_once(client, session, twilio):
    for _ in range(3):
        assert post_signed(client, INCOMING, sms("SMdup0001", "hello")).status_code == 200
    assert _count(session) == 1
    assert _count(session, Case) == 1


def test_texts_arriving_at_once_are_each_stored_once(app, session, twilio, default_client,
                                                    other_client):
    """Thirteen deliveries at the same moment over separate connections (three of them the
    same message, one to a number no client owns): each answered once stored, each message
    stored once, one case a sender; the stray one refused without costing the others."""
    session.add(InboundAddress(client_id=default_client.id, kind="phone", value=OUR_NUMBER))
    session.commit()
    barrier, statuses = threading.Barrier(13), {}

    def deliver(n: int) -> None:
        params = sms("SMsame0001", "hello", sender="+14155550000") if n < 3 else sms(
            f"SMmany{n:04d}", f"hello {n}", sender=f"+1415555{n % 4:04d}")
        if n == 12:
            params = sms("SMstray0001", "wrong number", to="+15009999999")
        client = app.test_client()  # its own request context, as a server thread has
        barrier.wait(10)
        statuses[n] = post_signed(client, INCOMING, params).status_code

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(13)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [statuses[n] for n in range(13)] == [200] * 12 + [404]
    with get_db(app).factory() as s:
        assert s.scalar(select(func.count()).select_from(Interaction)) == 10
        assert s.scalar(select(func.count()).select_from(Case)) == 4
        # One work item a conversation, however the messages were batched.
        assert s.scalar(select(func.count()).select_from(Offer)) == 4


@pytest.mark.parametrize("forgery", ["no signature", "wrong token", "tampered", "other url"])
def test_forged_webhooks_are_refused_and_nothing_is_stored(client, session, twilio, forgery):
    params = sms("SMforged01", "send me money")
    if forgery == "no signature":
        resp = client.post(INCOMING, data=params)
    elif forgery == "wrong token":
        resp = post_signed(client, INCOMING, params, token="not-" + AUTH_TOKEN)
    elif forgery == "tampered":
        from twilio.request_validator import RequestValidator

        sig = RequestValidator(AUTH_TOKEN).compute_signature(
            "https://caseline.example.com" + INCOMING, params)
        resp = post_signed(client, INCOMING, {**params, "Body": "changed"}, signature=sig)
    else:
        from twilio.request_validator import RequestValidator

        sig = RequestValidator(AUTH_TOKEN).compute_signature("https://evil.example" + INCOMING,
                                                             params)
        resp = post_signed(client, INCOMING, params, signature=sig)
    assert resp.status_code == 403
    assert resp.get_json()["error"]["message"] == "invalid Twilio signature"
    assert _count(session) == 0 and _count(session, Case) == 0


def test_a_signature_over_the_url_with_its_explicit_port_is_accepted(client, session, twilio):
    """Twilio sometimes signs https://host:443/...; the SDK's check accepts either form."""
    from twilio.request_validator import RequestValidator

    params = sms("SMport0001", "hello")
    sig = RequestValidator(AUTH_TOKEN).compute_signature(
        "https://caseline.example.com:443" + INCOMING, params)
    assert post_signed(client, INCOMING, params, signature=sig).status_code == 200
    assert _count(session) == 1


def test_forged_status_callbacks_are_refused(client, session, twilio):
    resp = client.post("/webhooks/twilio/messaging/status",
                       data={"MessageSid": "SM1", "MessageStatus": "delivered"},
                       headers={"X-Twilio-Signature": "AAAA"})
    assert resp.status_code == 403


def test_a_webhook_without_message_sid_is_a_clear_4xx(client, session, twilio):
    params = sms("SMx", "hi")
    for key in ("MessageSid", "SmsMessageSid", "SmsSid"):
        params.pop(key)
    resp = post_signed(client, INCOMING, params)
    assert resp.status_code == 422
    assert "MessageSid" in resp.get_json()["error"]["message"]
    assert _count(session) == 0


def test_inbound_message_reaches_agents_watching_the_case(app, client, session, twilio, token):
    from console.core.extensions import socketio

    post_signed(client, INCOMING, sms("SMlive0001", "first"))
    case_id = session.scalar(select(Interaction.case_id))
    session.rollback()
    sio = socketio.test_client(app, namespace="/agent", auth={"token": token})
    sio.emit("case.watch", {"case_id": case_id}, namespace="/agent", callback=True)
    post_signed(client, INCOMING, sms("SMlive0002", "second"))
    got = [m["args"][0] for m in sio.get_received("/agent") if m["name"] ==
           "interaction.created"]
    assert [g["interaction"]["body"] for g in got] == ["second"]


def _resplit(params: dict, name: str) -> dict:
    """The same signed characters split anew: `name` and its value folded into the parameter
    before it (Twilio signs the sorted names and values run together, with no separator)."""
    keys = sorted(params)
    before = keys[keys.index(name) - 1]
    out = {k: v for k, v in params.items() if k != name}
    out[before] = params[before] + name + params[name]
    return out


def test_a_signed_message_re_split_into_a_new_message_sid_is_refused(client, session, twilio):
    params = sms("SM" + "5" * 32, "pay me")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + INCOMING, params)
    assert post_signed(client, INCOMING, params, signature=signature).status_code == 200
    forged = _resplit(params, "NumMedia")  # MessageSid + "NumMedia0": another id, same MAC
    assert forged["MessageSid"] != params["MessageSid"]
    resp = post_signed(client, INCOMING, forged, signature=signature)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid_input"
    assert _count(session) == 1


@pytest.mark.parametrize(("name", "value"), [
    ("MessageSid", "SM123"), ("MessageSid", "XX" + "a" * 32), ("MessageSid", "SM" + "g" * 32),
    ("MessageSid", "SM" + "a" * 33), ("SmsSid", "SM" + "a" * 31), ("AccountSid", "AC1"),
    ("NumMedia", "1x"), ("NumMedia", "-1"), ("NumMedia", "11"), ("NumMedia", "\uff11"),
    ("NumMedia", "")])
def test_a_malformed_twilio_identifier_is_a_400_and_stores_nothing(client, session, twilio,
                                                                   name, value):
    params = {**sms("SM" + "6" * 32, "hello"), name: value}
    resp = post_signed(client, INCOMING, params)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert name in resp.get_json()["error"]["message"]
    assert _count(session) == 0 and _count(session, Case) == 0


def test_a_status_callback_with_a_malformed_message_sid_changes_nothing(client, session,
                                                                        twilio):
    assert post_signed(client, INCOMING, sms("SM" + "7" * 32, "hi")).status_code == 200
    resp = post_signed(client, "/webhooks/twilio/messaging/status",
                       {"MessageSid": "SM" + "7" * 32 + "0", "MessageStatus": "failed"})
    assert resp.status_code == 400
