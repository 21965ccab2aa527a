"""The voice API: browser-phone token, click-to-call, call controls, wrap-up, recording pause."""

import jwt
import pytest
from sqlalchemy import select

from crm.customers import identity
from crm.models import AuditEvent, Interaction, Offer, User
from crm.routing import offers
from crm.tenancy import users
from tests import voice_support as tw

CALL = "CA" + "d" * 32


@pytest.fixture
def colleague(app, make_user):
    """Another agent of the client, signed in (away): a transfer can reach them."""
    from console.routing import presence

    user = make_user("agent")
    with app.app_context():
        presence.set_status(user, "away")
    return user


@pytest.fixture
def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_voice_token_is_503_with_a_clear_message_when_twilio_is_not_configured(client, auth):
    resp = client.post("/api/v1/voice/token", headers=auth)
    assert resp.status_code == 503
    err = resp.get_json()["error"]
    assert err["code"] == "twilio_not_configured" and "TWILIO_API_KEY_SID" in err["message"]


def test_voice_token_grants_the_agent_their_browser_phone(app, client, auth, agent):
    s = app.config["CASELINE"]
    s.twilio_api_key_sid, s.twilio_api_key_secret = "SK" + "3" * 32, "key-secret-" + "k" * 32
    s.twilio_twiml_app_sid = "AP" + "4" * 32
    resp = client.post("/api/v1/voice/token", headers=auth)
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["identity"] == f"agent-{agent.id}"
    claims = jwt.decode(body["token"], "key-secret-" + "k" * 32, algorithms=["HS256"])
    assert claims["grants"]["identity"] == f"agent-{agent.id}"
    voice = claims["grants"]["voice"]
    assert voice["incoming"]["allow"] is True
    assert voice["outgoing"]["application_sid"] == s.twilio_twiml_app_sid


def test_voice_token_needs_a_signed_in_user(client):
    assert client.post("/api/v1/voice/token").status_code == 401


@pytest.fixture
def case(session, default_client):
    _, case, _ = identity.find_or_create(session, default_client.id, tw.CALLER)
    session.commit()
    return case


def test_click_to_call_records_the_call_and_outbound_twiml_dials_it(client, session, auth,
                                                                   agent, case):
    resp = client.post(f"/api/v1/cases/{case.id}/calls", json={}, headers=auth)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["params"]["To"] == tw.CALLER
    item_id = int(body["params"]["InteractionId"])
    assert (body["interaction"]["direction"], body["interaction"]["status"]) == (
        "outbound", "queued")

    leg = "CA" + "e" * 32
    params = {"CallSid": leg, "AccountSid": tw.ACCOUNT_SID, "From": f"client:agent-{agent.id}",
              "To": tw.CALLER, "InteractionId": str(item_id), "Direction": "inbound",
              "ApiVersion": "2010-04-01", "CallStatus": "ringing"}
    twiml = tw.post(client, tw.HOOKS + "/outbound", params).get_data(as_text=True)
    assert f'callerId="{tw.OUR_NUMBER}"' in twiml
    assert f">{tw.CALLER}</Number>" in twiml
    item = session.get(Interaction, item_id)
    assert item.provider_id == leg and item.case_id == case.id and item.agent_id == agent.id
    session.rollback()
    # The dialled leg's callbacks move the call along.
    child = {"CallSid": "CA" + "f" * 32, "ParentCallSid": leg, "CallStatus": "completed",
             "SequenceNumber": "3", "CallDuration": "95"}
    assert tw.post(client, tw.HOOKS + "/status", child).status_code == 204
    item = session.get(Interaction, item_id)
    assert (item.status, item.duration_seconds) == ("completed", 95)


def test_outbound_twiml_refuses_numbers_and_agents_not_on_the_call(client, auth, agent, case,
                                                                   make_user):
    item_id = client.post(f"/api/v1/cases/{case.id}/calls", json={},
                          headers=auth).get_json()["params"]["InteractionId"]
    other = make_user("agent")
    base = {"CallSid": "CA" + "e" * 32, "AccountSid": tw.ACCOUNT_SID, "InteractionId": item_id}
    for params in ({**base, "From": f"client:agent-{other.id}", "To": tw.CALLER},
                   {**base, "From": f"client:agent-{agent.id}", "To": "+19005550100"}):
        twiml = tw.post(client, tw.HOOKS + "/outbound", params).get_data(as_text=True)
        assert "<Dial" not in twiml and "<Hangup" in twiml


def test_click_to_call_refuses_a_number_that_is_not_the_customers(client, auth, case):
    resp = client.post(f"/api/v1/cases/{case.id}/calls", json={"to": "+12025550199"},
                       headers=auth)
    assert resp.status_code == 422 and "not one of this customer" in resp.get_json()["error"][
        "message"]


def test_click_to_call_never_dials_a_number_opted_out_of_calls_nor_a_do_not_call_case(
        client, session, auth, case):
    from crm.models import Case, ContactPoint

    point = session.scalars(select(ContactPoint).where(
        ContactPoint.customer_id == case.customer_id)).one()
    point.opt_outs = {"voice": "2026-11-01T09:00:00+00:00"}
    session.commit()
    for body in ({}, {"to": tw.CALLER}):  # named, or the number the console would choose
        resp = client.post(f"/api/v1/cases/{case.id}/calls", json=body, headers=auth)
        err = resp.get_json()["error"]
        assert (resp.status_code, err["code"]) == (409, "opted_out")
        assert err["message"] == (f"{tw.CALLER} opted out of calls on 2026-11-01; "
                                  "no call was made")

    point.opt_outs = {"sms": "2026-11-01T09:00:00+00:00"}  # texts only: a call is fine
    session.commit()
    assert client.post(f"/api/v1/cases/{case.id}/calls", json={},
                       headers=auth).status_code == 201
    session.get(Case, case.id).flags = ["do_not_call"]
    session.commit()
    resp = client.post(f"/api/v1/cases/{case.id}/calls", json={}, headers=auth)
    assert (resp.status_code, resp.get_json()["error"]["code"]) == (409, "do_not_call")
    calls = session.scalars(select(Interaction).where(
        Interaction.case_id == case.id, Interaction.direction == "outbound")).all()
    assert len(calls) == 1  # only the allowed one was recorded


def test_hold_resume_transfer_end_and_wrap_up(colleague, client, session, auth, agent,
                                              make_user,
                                              live_call, twilio_api):
    conference = f"/Conferences/{twilio_api.conference_sid(f'call-{live_call}')}"
    agent_leg = session.get(Interaction, live_call).meta["conference"]["agent_leg"]
    session.rollback()
    twilio_api.requests.clear()
    held = client.post(f"/api/v1/calls/{live_call}/hold", headers=auth)
    assert held.status_code == 200 and "hold_started_at" in held.get_json()["timers"]
    # Participant hold: the caller hears music, the agent stays in the call's conference.
    [hold] = twilio_api.posts(f"{conference}/Participants/{CALL}.json")
    assert hold["data"]["Hold"] == "true" and hold["data"]["HoldUrl"].endswith(".mp3")
    assert client.post(f"/api/v1/calls/{live_call}/hold", headers=auth).status_code == 409
    resumed = client.post(f"/api/v1/calls/{live_call}/resume", headers=auth)
    assert resumed.status_code == 200 and "hold_seconds" in resumed.get_json()["timers"]
    assert twilio_api.posts(f"{conference}/Participants/{CALL}.json")[-1]["data"] == {
        "Hold": "false"}
    assert not twilio_api.posts(f"/Calls/{CALL}.json")  # the caller never left the conference

    moved = client.post(f"/api/v1/calls/{live_call}/transfer", json={"user_id": colleague.id},
                        headers=auth)
    assert moved.status_code == 200
    [ring] = twilio_api.posts(f"/Conferences/call-{live_call}/Participants.json")
    assert ring["data"]["To"] == f"client:agent-{colleague.id}"
    assert [r["method"] for r in twilio_api.requests
            if r["url"].endswith(f"{conference}/Participants/{agent_leg}.json")] == ["DELETE"]
    # The call is now the colleague's: the first agent can no longer control it.
    assert client.post(f"/api/v1/calls/{live_call}/end", headers=auth).status_code == 409
    item = session.get(Interaction, live_call)
    assert item.agent_id == colleague.id and item.meta["transfers"][0]["user_id"] == colleague.id
    session.rollback()
    # ...but still wraps up their own part of it, also after a reload of their page.
    mine = client.get("/api/v1/voice/my-call", headers=auth).get_json()
    assert mine["interaction"]["id"] == live_call and mine["live"] is False
    theirs = {"Authorization": f"Bearer {users.issue_token(session, colleague)}"}
    session.commit()
    now_theirs = client.get("/api/v1/voice/my-call", headers=theirs).get_json()
    # The colleague's part starts at the handover, with timers of its own (no hold, not ended).
    assert now_theirs["live"] is True and now_theirs["timers"] == {
        "started_at": item.meta["transfers"][0]["at"]}
    assert now_theirs["answered_at"] == now_theirs["timers"]["started_at"]
    done = client.post(f"/api/v1/calls/{live_call}/wrap-up", json={"disposition": "resolved"},
                       headers=auth)
    assert done.status_code == 200
    assert done.get_json()["interaction"]["disposition"] == "resolved"
    assert client.get("/api/v1/voice/my-call", headers=auth).get_json()["interaction"] is None
    item = session.get(Interaction, live_call)
    [part] = item.meta["wrap_ups"]
    assert part["agent_id"] == agent.id and part["hold_seconds"] >= 0 and "talk_seconds" in part
    assert item.meta["timers"] == {"started_at": item.meta["transfers"][0]["at"]}
    session.rollback()
    # The colleague is still on the call, then wraps up their own part.
    assert client.get("/api/v1/voice/my-call", headers=theirs).get_json()["live"] is True
    assert client.post(f"/api/v1/calls/{live_call}/end", headers=theirs).status_code == 200
    assert client.post(f"/api/v1/calls/{live_call}/wrap-up", json={"disposition": "resolved"},
                       headers=theirs).status_code == 200
    assert [w["agent_id"] for w in session.get(Interaction, live_call).meta["wrap_ups"]] == [
        agent.id, colleague.id]


def test_transfer_to_a_queue_offers_the_call_again(client, session, auth, live_call,
                                                   make_user, twilio_api):
    resp = client.post(f"/api/v1/calls/{live_call}/transfer", json={"queue": "collections"},
                       headers=auth)
    assert resp.status_code == 200
    assert ">collections</Enqueue>" in twilio_api.posts(f"/Calls/{CALL}.json")[-1]["data"][
        "Twiml"]
    offer = session.scalars(select(Offer)).one()
    assert (offer.status, offer.queue, offer.accepted_by_id) == ("open", "collections", None)
    # The caller left the conference: the next agent gets a new one.
    assert "conference" not in session.get(Interaction, live_call).meta
    session.rollback()
    offers.accept(session, session.get(User, make_user("agent", "collections").id), offer.id)
    session.commit()
    again = twilio_api.posts(f"/Calls/{CALL}.json")[-1]["data"]["Twiml"]
    # Back into a conference; the recording started on the first answer goes on (not twice).
    assert f">call-{live_call}</Conference>" in again and "<Recording" not in again
    assert session.get(Interaction, live_call).meta["conference"]["agent_leg"]
    session.rollback()
    # The first agent's wrap-up of their part leaves the next agent's work on the call alone.
    assert client.post(f"/api/v1/calls/{live_call}/wrap-up", json={"disposition": "resolved"},
                       headers=auth).status_code == 200
    assert session.get(Offer, offer.id).status == "accepted"
    session.rollback()


def test_end_and_wrap_up_need_a_known_disposition(client, session, auth, live_call,
                                                  twilio_api):
    codes = client.get(f"/api/v1/calls/{live_call}/dispositions", headers=auth).get_json()
    assert "resolved" in [c["code"] for c in codes["items"]]
    ended = client.post(f"/api/v1/calls/{live_call}/end", headers=auth)
    assert ended.status_code == 200
    assert twilio_api.posts(f"/Calls/{CALL}.json")[-1]["data"]["Status"] == "completed"
    missing = client.post(f"/api/v1/calls/{live_call}/wrap-up", json={"notes": "x"},
                          headers=auth)
    unknown = client.post(f"/api/v1/calls/{live_call}/wrap-up",
                          json={"disposition": "made_up"}, headers=auth)
    assert missing.status_code == 422 and unknown.status_code == 422
    assert session.get(Interaction, live_call).disposition is None
    session.rollback()
    done = client.post(f"/api/v1/calls/{live_call}/wrap-up",
                       json={"disposition": "resolved", "notes": "Explained the claim"},
                       headers=auth)
    assert done.status_code == 200
    body = done.get_json()
    assert body["interaction"]["disposition"] == "resolved"
    # The timeline shows each agent's wrap-up by the code's label, with the notes.
    assert [(w["label"], w["notes"]) for w in body["interaction"]["wrap_ups"]] == [
        ("Resolved", "Explained the claim")]
    assert {"wrap_up_seconds", "talk_seconds", "ended_at"} <= set(body["timers"])
    item = session.get(Interaction, live_call)
    assert item.meta["wrap_up_notes"] == "Explained the claim"
    session.rollback()


def test_pausing_the_recording_for_card_details_is_sent_and_audited(client, session, auth,
                                                                     live_call, twilio_api):
    assert client.post(f"/api/v1/calls/{live_call}/recording", json={"paused": True},
                       headers=auth).status_code == 200
    assert client.post(f"/api/v1/calls/{live_call}/recording", json={"paused": False},
                       headers=auth).status_code == 200
    sent = twilio_api.posts(f"/Calls/{CALL}/Recordings/Twilio.CURRENT.json")
    assert [r["data"]["Status"] for r in sent] == ["paused", "in-progress"]
    assert sent[0]["data"]["PauseBehavior"] == "skip"
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_id == str(live_call)).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a.startswith("recording.")] == ["recording.paused",
                                                                   "recording.resumed"]
    session.rollback()


def test_another_agent_cannot_control_the_call(client, session, make_user, live_call):
    from crm.tenancy import users

    other = make_user("agent")
    raw = users.issue_token(session, other)
    session.commit()
    resp = client.post(f"/api/v1/calls/{live_call}/hold",
                       headers={"Authorization": f"Bearer {raw}"})
    assert resp.status_code == 409


def test_holding_an_outbound_call_redirects_the_customers_leg(client, session, auth, agent,
                                                             case, twilio_api):
    item_id = client.post(f"/api/v1/cases/{case.id}/calls", json={},
                          headers=auth).get_json()["params"]["InteractionId"]
    browser_leg, customer_leg = "CA" + "e" * 32, "CA" + "f" * 32
    tw.post(client, tw.HOOKS + "/outbound",
            {"CallSid": browser_leg, "From": f"client:agent-{agent.id}", "To": tw.CALLER,
             "InteractionId": item_id})
    tw.post(client, tw.HOOKS + "/status",
            {"CallSid": customer_leg, "ParentCallSid": browser_leg,
             "CallStatus": "in-progress", "SequenceNumber": "1"})
    assert client.post(f"/api/v1/calls/{item_id}/hold", headers=auth).status_code == 200
    assert twilio_api.posts(f"/Calls/{customer_leg}.json")
    assert not twilio_api.posts(f"/Calls/{browser_leg}.json")
    assert session.get(Interaction, int(item_id)).status == "in-progress"
    session.rollback()


def test_warm_transfer_consults_then_hands_over(colleague, app, client, session, auth, agent,
                                                make_user,
                                                live_call, twilio_api):
    from console.core.extensions import socketio
    from crm.core import events
    from crm.tenancy import users

    raw = users.issue_token(session, colleague)
    # A call bridged without a conference (as outbound calls are): the caller holds while
    # the agent's browser rings the colleague's for a briefing.
    item = session.get(Interaction, live_call)
    item.meta = {k: v for k, v in item.meta.items() if k != "conference"}
    session.commit()
    their_socket = socketio.test_client(app, namespace="/agent", auth={"token": raw})
    call_url = f"/Calls/{CALL}.json"

    started = client.post(f"/api/v1/calls/{live_call}/transfer",
                          json={"user_id": colleague.id, "warm": True}, headers=auth)
    assert started.status_code == 200
    consult = started.get_json()["consult"]
    assert consult["To"] == f"client:agent-{colleague.id}"
    assert "<Play" in twilio_api.posts(call_url)[-1]["data"]["Twiml"]  # the caller holds

    # The agent's browser rings the colleague's for the briefing; nobody else may be rung.
    brief = tw.post(client, tw.HOOKS + "/outbound",
                    {"CallSid": "CA" + "9" * 32, "From": f"client:agent-{agent.id}", **consult})
    assert f"<Client>agent-{colleague.id}</Client>" in brief.get_data(as_text=True)
    stranger = make_user("agent")
    refused = tw.post(client, tw.HOOKS + "/outbound",
                      {"CallSid": "CA" + "8" * 32, "From": f"client:agent-{agent.id}",
                       **consult, "To": f"client:agent-{stranger.id}"})
    assert "<Dial" not in refused.get_data(as_text=True)

    done = client.post(f"/api/v1/calls/{live_call}/transfer/complete", headers=auth)
    assert done.status_code == 200
    assert (f"<Identity>agent-{colleague.id}</Identity>"
            in twilio_api.posts(call_url)[-1]["data"]["Twiml"])
    handed = [m["args"][0] for m in their_socket.get_received("/agent")
              if m["name"] == events.CALL_TRANSFERRED]
    assert len(handed) == 1 and handed[0]["interaction_id"] == live_call
    assert handed[0]["by"] == agent.id and handed[0]["customer"]["display_name"]
    item = session.get(Interaction, live_call)
    assert item.agent_id == colleague.id and item.meta["transfers"][-1]["warm"] is True
    assert "consult" not in item.meta
    session.rollback()
    again = client.post(f"/api/v1/calls/{live_call}/transfer/complete", headers=auth)
    assert again.status_code == 409
    their_socket.disconnect(namespace="/agent")


def test_warm_transfer_in_the_conference_is_a_three_way_call(colleague, app, client, session,
                                                             auth, agent,
                                                              make_user, live_call, twilio_api):
    from console.core.extensions import socketio
    from crm.core import events
    from crm.tenancy import users

    raw = users.issue_token(session, colleague)
    agent_leg = session.get(Interaction, live_call).meta["conference"]["agent_leg"]
    session.commit()
    their_socket = socketio.test_client(app, namespace="/agent", auth={"token": raw})
    conference = f"/Conferences/{twilio_api.conference_sid(f'call-{live_call}')}"
    twilio_api.requests.clear()

    started = client.post(f"/api/v1/calls/{live_call}/transfer",
                          json={"user_id": colleague.id, "warm": True}, headers=auth)
    assert started.status_code == 200, started.get_json()
    body = started.get_json()
    assert body["three_way"] is True and body["consult"] is None
    assert "hold_started_at" not in body["timers"]  # caller, agent and colleague all talk
    [ring] = twilio_api.posts(f"/Conferences/call-{live_call}/Participants.json")
    assert ring["data"]["To"] == f"client:agent-{colleague.id}"
    assert not twilio_api.posts(f"/Calls/{CALL}.json")  # nobody redirected the caller
    colleague_leg = session.get(Interaction, live_call).meta["conference"]["consult_leg"]
    session.rollback()

    done = client.post(f"/api/v1/calls/{live_call}/transfer/complete", headers=auth)
    assert done.status_code == 200
    # The first agent leaves; the colleague stays with the caller.
    assert [r["method"] for r in twilio_api.requests
            if r["url"].endswith(f"{conference}/Participants/{agent_leg}.json")] == ["DELETE"]
    item = session.get(Interaction, live_call)
    assert item.agent_id == colleague.id and item.meta["transfers"][-1]["warm"] is True
    assert item.meta["conference"]["agent_leg"] == colleague_leg
    assert "consult_leg" not in item.meta["conference"]
    session.rollback()
    handed = [m["args"][0] for m in their_socket.get_received("/agent")
              if m["name"] == events.CALL_TRANSFERRED]
    assert len(handed) == 1 and handed[0]["interaction_id"] == live_call
    their_socket.disconnect(namespace="/agent")


def test_cancelled_consultation_returns_to_the_caller(colleague, client, session, auth, agent,
                                                      make_user,
                                                      live_call, twilio_api):
    client.post(f"/api/v1/calls/{live_call}/transfer",
                json={"user_id": colleague.id, "warm": True}, headers=auth)
    colleague_leg = session.get(Interaction, live_call).meta["conference"]["consult_leg"]
    session.rollback()
    back = client.post(f"/api/v1/calls/{live_call}/transfer/cancel", headers=auth)
    assert back.status_code == 200
    # The colleague leaves the three-way call; the agent never left the caller.
    conference = f"/Conferences/{twilio_api.conference_sid(f'call-{live_call}')}"
    assert twilio_api.requests[-1]["method"] == "DELETE"
    assert twilio_api.requests[-1]["url"].endswith(
        f"{conference}/Participants/{colleague_leg}.json")
    item = session.get(Interaction, live_call)
    assert item.agent_id == agent.id and "consult" not in item.meta
    assert "consult_leg" not in item.meta["conference"]
    session.rollback()


def test_a_control_twilio_refuses_changes_nothing(client, session, auth, live_call, twilio_api):
    twilio_api.fail_with = 500
    resp = client.post(f"/api/v1/calls/{live_call}/hold", headers=auth)
    assert resp.status_code == 502 and resp.get_json()["error"]["code"] == "twilio_error"
    item = session.get(Interaction, live_call)
    assert "hold_started_at" not in (item.meta.get("timers") or {})
    assert not session.scalars(select(AuditEvent).where(AuditEvent.action == "call.held")).all()
    session.rollback()
    assert client.post(f"/api/v1/calls/{live_call}/hold", headers=auth).status_code == 200


def test_supervisors_configure_disposition_codes_per_line_of_work(client, session, auth,
                                                                  make_user):
    from crm.tenancy import users

    boss = make_user("supervisor")
    raw = users.issue_token(session, boss)
    session.commit()
    boss_auth = {"Authorization": f"Bearer {raw}"}
    body = {"line_of_work": "collections", "code": "hardship", "label": "Hardship plan"}
    assert client.post("/api/v1/dispositions", json=body, headers=auth).status_code == 403
    made = client.post("/api/v1/dispositions", json=body, headers=boss_auth)
    assert made.status_code == 201 and made.get_json()["code"] == "hardship"
    assert client.post("/api/v1/dispositions", json=body, headers=boss_auth).status_code == 409
    listed = client.get("/api/v1/dispositions?line_of_work=collections", headers=auth)
    codes = [c["code"] for c in listed.get_json()["items"]]
    # Beside every client's collections codes (seeded by migration 0018; PostgreSQL test runs
    # truncate them away), and the general codes still apply.
    assert "hardship" in codes and "resolved" in codes
    bad = client.post("/api/v1/dispositions", headers=boss_auth,
                      json={**body, "code": "no spaces!"})
    assert bad.status_code == 422


def test_the_transfer_picker_lists_the_calls_queues_and_colleagues_by_status(
        app, client, session, auth, agent, make_user, live_call, default_client):
    from console.routing import presence
    from crm.models import Client, RoutingQueue

    free, busy, away = make_user("agent"), make_user("collections"), make_user("fraud")
    free.name, busy.name, away.name = "Ada Free", "Bob Busy", "Abe Away"
    other = Client(slug="other-co", name="Other Co")
    session.add_all([other, RoutingQueue(client_id=default_client.id, name="vip"),
                     RoutingQueue(client_id=None, name="closed", active=False)])
    session.commit()
    elsewhere = make_user("agent", clients=[other])
    with app.app_context():
        presence.set_status(free, "available")
        presence.set_status(busy, "busy")
    resp = client.get(f"/api/v1/calls/{live_call}/transfer-targets", headers=auth)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["queues"] == ["collections", "fraud", "general", "insurance", "retention",
                              "vip"]
    # Available colleagues first, then the rest by name; never the agent themself, nor anyone
    # who does not work for the call's client.
    assert [(a["name"], a["status"]) for a in body["agents"]] == [
        ("Ada Free", "available"), ("Abe Away", "offline"), ("Bob Busy", "busy")]
    assert {agent.id, elsewhere.id}.isdisjoint(a["id"] for a in body["agents"])


def test_a_transfer_to_a_queue_that_does_not_exist_is_refused_and_changes_nothing(
        client, session, auth, live_call, twilio_api):
    twilio_api.requests.clear()
    resp = client.post(f"/api/v1/calls/{live_call}/transfer", json={"queue": "colections"},
                       headers=auth)
    assert resp.status_code == 422
    assert "no queue named 'colections'" in resp.get_json()["error"]["message"]
    assert twilio_api.requests == []
    item = session.get(Interaction, live_call)
    assert "transfers" not in item.meta and item.agent_id is not None


def test_only_the_agent_on_the_call_sees_where_it_can_go(client, session, make_user, live_call):
    from crm.tenancy import users

    raw = users.issue_token(session, make_user("agent"))
    session.commit()
    resp = client.get(f"/api/v1/calls/{live_call}/transfer-targets",
                      headers={"Authorization": f"Bearer {raw}"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "not_your_call"
    assert client.get(f"/api/v1/calls/{live_call}/transfer-targets").status_code == 401
    assert client.get("/api/v1/calls/999999/transfer-targets", headers={
        "Authorization": f"Bearer {raw}"}).status_code == 404


def test_my_call_is_what_the_phone_shows_again_after_a_reload(client, session, auth, agent,
                                                              make_user, live_call):
    mine = client.get("/api/v1/voice/my-call", headers=auth).get_json()
    assert mine["interaction"]["id"] == live_call and mine["live"] is True
    assert mine["answered_at"] and mine["label"] == tw.CALLER
    client.post(f"/api/v1/calls/{live_call}/hold", headers=auth)
    client.post(f"/api/v1/calls/{live_call}/recording", json={"paused": True}, headers=auth)
    mine = client.get("/api/v1/voice/my-call", headers=auth).get_json()
    assert mine["timers"]["hold_started_at"] and mine["recording_paused"] is True
    # Ended: it still needs the agent's wrap-up; wrapped up: nothing left to show.
    assert client.post(f"/api/v1/calls/{live_call}/end", headers=auth).status_code == 200
    mine = client.get("/api/v1/voice/my-call", headers=auth).get_json()
    assert mine["interaction"]["id"] == live_call and mine["live"] is False
    client.post(f"/api/v1/calls/{live_call}/wrap-up", json={"disposition": "resolved"},
                headers=auth)
    assert client.get("/api/v1/voice/my-call", headers=auth).get_json()["interaction"] is None
    # A finished call of theirs that never went through the console (imported history) asks
    # for nothing.
    from crm.cases import timeline
    from crm.models import Case

    case = session.get(Case, session.get(Interaction, live_call).case_id)
    timeline.record(session, case, medium="voice", direction="inbound", status="completed",
                    body="Inbound call", agent_id=agent.id, provider_id="CA" + "9" * 32)
    session.commit()
    assert client.get("/api/v1/voice/my-call", headers=auth).get_json()["interaction"] is None

    from crm.tenancy import users

    other = {"Authorization": f"Bearer {users.issue_token(session, make_user('agent'))}"}
    session.commit()
    assert client.get("/api/v1/voice/my-call", headers=other).get_json()["interaction"] is None
    assert client.get("/api/v1/voice/my-call").status_code == 401


def test_a_reloaded_phone_is_rung_into_its_live_call_again(client, session, auth, agent,
                                                           make_user, live_call, twilio_api):
    conference = twilio_api.conference_sid(f"call-{live_call}")
    old_leg = session.get(Interaction, live_call).meta["conference"]["agent_leg"]
    session.rollback()
    rung_before = len(twilio_api.posts(f"/Conferences/call-{live_call}/Participants.json"))
    resp = client.post(f"/api/v1/calls/{live_call}/rejoin", headers=auth)
    assert resp.status_code == 200, resp.get_json()
    # The browser is rung into the call's conference again; its dead leg is dropped.
    [ring] = twilio_api.posts(f"/Conferences/call-{live_call}/Participants.json")[rung_before:]
    assert ring["data"]["To"] == f"client:agent-{agent.id}"
    assert ring["data"]["EndConferenceOnExit"] == "false"  # the caller never leaves with us
    assert [r["method"] for r in twilio_api.requests if r["url"].endswith(
        f"/Conferences/{conference}/Participants/{old_leg}.json")] == ["DELETE"]
    item = session.get(Interaction, live_call)
    assert item.meta["conference"]["agent_leg"] not in (None, old_leg)
    assert session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_id == str(live_call))).all()[-1] == "call.rejoined"
    session.rollback()

    from crm.tenancy import users

    other = {"Authorization": f"Bearer {users.issue_token(session, make_user('agent'))}"}
    session.commit()
    twilio_api.requests.clear()
    refused = client.post(f"/api/v1/calls/{live_call}/rejoin", headers=other)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_your_call"
    assert client.post(f"/api/v1/calls/{live_call}/end", headers=auth).status_code == 200
    twilio_api.requests.clear()
    over = client.post(f"/api/v1/calls/{live_call}/rejoin", headers=auth)
    assert over.status_code == 409 and over.get_json()["error"]["code"] == "not_live"
    assert twilio_api.requests == []



def test_a_call_is_never_transferred_to_a_colleague_who_cannot_take_it(
        app, client, session, auth, make_user, live_call, twilio_api):
    from console.routing import presence

    offline, busy = make_user("agent"), make_user("agent")
    with app.app_context():
        presence.set_status(busy, "busy")
    twilio_api.requests.clear()
    for who, code in ((offline, "agent_offline"), (busy, "agent_busy")):
        for warm in (False, True):
            resp = client.post(f"/api/v1/calls/{live_call}/transfer",
                               json={"user_id": who.id, "warm": warm}, headers=auth)
            assert resp.status_code == 409 and resp.get_json()["error"]["code"] == code
    # The caller stays with the agent: nothing changed, Twilio was told nothing.
    item = session.get(Interaction, live_call)
    assert "transfers" not in item.meta and "consult" not in item.meta
    assert twilio_api.requests == []
