"""Supervisors listen in or whisper on live calls through the call's conference."""

import pytest
from sqlalchemy import select

from crm.models import AuditEvent, Interaction
from crm.tenancy import users
from tests import voice_support as tw

CALL = "CA" + "c" * 32



def bearer(session, user) -> dict:
    raw = users.issue_token(session, user)
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def boss(make_user):
    return make_user("supervisor")


def audits(session, interaction_id) -> list[tuple[str, int]]:
    rows = session.execute(select(AuditEvent.action, AuditEvent.actor_id).where(
        AuditEvent.object_type == "interaction", AuditEvent.object_id == str(interaction_id),
        AuditEvent.action.in_(("call.listen", "call.whisper", "call.monitor_stopped")))
        .order_by(AuditEvent.id)).all()
    session.rollback()
    return [tuple(r) for r in rows]


def agent_leg(session, interaction_id) -> str:
    leg = session.get(Interaction, interaction_id).meta["conference"]["agent_leg"]
    session.rollback()
    return leg


def test_supervisor_listens_muted_then_whispers_then_stops(client, session, boss, live_call,
                                                          twilio_api):
    auth = bearer(session, boss)
    coached = agent_leg(session, live_call)
    conference = f"/Conferences/{twilio_api.conference_sid(f'call-{live_call}')}"
    twilio_api.requests.clear()

    heard = client.post(f"/api/v1/calls/{live_call}/listen", headers=auth)
    assert heard.status_code == 200, heard.get_json()
    body = heard.get_json()
    assert body["mode"] == "listen" and body["simulated"] is False
    [added] = twilio_api.posts(f"/Conferences/call-{live_call}/Participants.json")
    assert added["data"]["To"] == f"client:agent-{boss.id}"
    assert added["data"]["Muted"] == "true" and "Coaching" not in added["data"]
    leg = body["participant_call_sid"]
    assert leg.startswith("CA")

    # Whisper: the same participant now coaches the agent's leg (the caller cannot hear).
    told = client.post(f"/api/v1/calls/{live_call}/whisper", headers=auth)
    assert told.status_code == 200 and told.get_json()["mode"] == "whisper"
    [switch] = twilio_api.posts(f"{conference}/Participants/{leg}.json")
    assert switch["data"]["Coaching"] == "true"
    assert switch["data"]["CallSidToCoach"] == coached
    assert switch["data"]["Muted"] == "false"

    stopped = client.post(f"/api/v1/calls/{live_call}/monitor/stop", headers=auth)
    assert stopped.status_code == 200 and stopped.get_json()["mode"] is None
    assert twilio_api.requests[-1]["method"] == "DELETE"
    assert twilio_api.requests[-1]["url"].endswith(f"{conference}/Participants/{leg}.json")
    again = client.post(f"/api/v1/calls/{live_call}/monitor/stop", headers=auth)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "not_monitoring"

    assert audits(session, live_call) == [("call.listen", boss.id), ("call.whisper", boss.id),
                                          ("call.monitor_stopped", boss.id)]
    item = session.get(Interaction, live_call)
    assert "monitors" not in item.meta["conference"] and item.provider_id == CALL
    session.rollback()


def test_whisper_straight_away_adds_a_coaching_participant(client, session, boss, live_call,
                                                           twilio_api):
    coached = agent_leg(session, live_call)
    resp = client.post(f"/api/v1/calls/{live_call}/whisper", headers=bearer(session, boss))
    assert resp.status_code == 200
    [added] = twilio_api.posts(f"/Conferences/call-{live_call}/Participants.json")[-1:]
    assert added["data"]["To"] == f"client:agent-{boss.id}"
    assert added["data"]["Coaching"] == "true" and added["data"]["CallSidToCoach"] == coached
    assert audits(session, live_call) == [("call.whisper", boss.id)]


def test_agents_cannot_listen_in(client, session, agent, make_user, live_call, twilio_api):
    colleague = make_user("agent")
    twilio_api.requests.clear()
    for who in (agent, colleague):
        resp = client.post(f"/api/v1/calls/{live_call}/listen", headers=bearer(session, who))
        assert resp.status_code == 403
        assert resp.get_json()["error"]["code"] == "forbidden"
    assert twilio_api.requests == []
    assert audits(session, live_call) == []


def test_unknown_or_other_clients_calls_are_not_found(client, session, make_user, live_call,
                                                      other_client, twilio_api):
    boss = make_user("supervisor")
    outsider = make_user("supervisor", clients=[other_client])
    twilio_api.requests.clear()
    unknown = client.post("/api/v1/calls/999999/listen", headers=bearer(session, boss))
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    theirs = client.post(f"/api/v1/calls/{live_call}/whisper",
                         headers=bearer(session, outsider))
    assert theirs.status_code == 404
    assert twilio_api.requests == []
    assert audits(session, live_call) == []


def test_a_call_that_is_over_or_not_yet_bridged_is_409(client, session, boss, live_call,
                                                       twilio_api):
    auth = bearer(session, boss)
    item = session.get(Interaction, live_call)
    item.meta = {k: v for k, v in item.meta.items() if k != "conference"}
    session.commit()
    twilio_api.requests.clear()
    waiting = client.post(f"/api/v1/calls/{live_call}/listen", headers=auth)
    assert waiting.status_code == 409
    assert waiting.get_json()["error"]["code"] == "no_agent_leg"

    assert tw.post(client, tw.HOOKS + "/status", tw.status(CALL, "completed", 9, 30)
                   ).status_code == 204
    over = client.post(f"/api/v1/calls/{live_call}/listen", headers=auth)
    assert over.status_code == 409 and over.get_json()["error"]["code"] == "not_live"
    assert twilio_api.requests == []
    assert audits(session, live_call) == []


def test_twilio_refusing_the_listener_changes_nothing(client, session, boss, live_call,
                                                      twilio_api):
    twilio_api.fail_with = 500
    resp = client.post(f"/api/v1/calls/{live_call}/listen", headers=bearer(session, boss))
    assert resp.status_code == 502 and resp.get_json()["error"]["code"] == "twilio_error"
    assert audits(session, live_call) == []
    assert "monitors" not in session.get(Interaction, live_call).meta["conference"]
    session.rollback()


def test_without_twilio_the_monitor_is_simulated_and_still_audited(app, client, session, boss,
                                                                   live_call, twilio_api):
    app.config["CASELINE"].twilio_account_sid = None
    twilio_api.requests.clear()
    auth = bearer(session, boss)
    resp = client.post(f"/api/v1/calls/{live_call}/listen", headers=auth)
    assert resp.status_code == 200
    assert resp.get_json()["simulated"] is True and resp.get_json()["participant_call_sid"] is None
    assert client.post(f"/api/v1/calls/{live_call}/monitor/stop", headers=auth).status_code == 200
    assert twilio_api.requests == []
    assert audits(session, live_call) == [("call.listen", boss.id),
                                          ("call.monitor_stopped", boss.id)]


def test_monitoring_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for rule in ("listen", "whisper", "monitor/stop"):
        assert "post" in paths[f"/api/v1/calls/{{interaction_id}}/{rule}"]
