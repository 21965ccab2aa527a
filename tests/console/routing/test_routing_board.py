"""The supervisor's board API: figures, agent state changes, re-assign, SLA escalation."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from console.core.extensions import socketio
from console.routing import service as console_routing
from crm.core import events
from crm.models import AuditEvent, Offer, RoutingQueue
from crm.tenancy import users
from tests import voice_support as tw

pytestmark = pytest.mark.usefixtures("twilio_api")  # no test may reach Twilio's real API


@pytest.fixture
def settings(settings):
    """Test settings with a (fake) Twilio voice account."""
    tw.configure(settings)
    return settings


CALL = "CA" + "f" * 32


@pytest.fixture
def sock(app, session):
    opened = []

    def do(user, available=False):
        raw = users.issue_token(session, user)
        session.commit()
        s = socketio.test_client(app, namespace="/agent", auth={"token": raw})
        if available:
            s.emit(events.PRESENCE_SET, {"status": "available"}, namespace="/agent",
                   callback=True)
        opened.append(s)
        return s, {"Authorization": f"Bearer {raw}"}

    yield do
    for s in opened:
        if s.is_connected("/agent"):
            s.disconnect(namespace="/agent")


def received(s, name):
    return [m["args"][0] for m in s.get_received("/agent") if m["name"] == name]


def test_the_board_is_for_supervisors_only(client, make_user, sock):
    _, headers = sock(make_user("agent"))
    resp = client.get("/api/v1/routing/board", headers=headers)
    assert resp.status_code == 403 and resp.json["error"]["code"]


def test_board_shows_depth_wait_answers_and_sla_attainment(client, session, make_user, sock):
    boss, boss_headers = sock(make_user("supervisor"))
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    board = client.get("/api/v1/routing/board", headers=boss_headers).json
    general = next(q for q in board["queues"] if q["queue"] == "general")
    assert (general["waiting"], general["answered"], general["sla_attainment"]) == (1, 0, None)
    assert general["longest_wait_seconds"] >= 0
    assert any(n["event"] == events.WORK_QUEUED for n in received(boss, events.QUEUE_STATS))
    # The live work, each item with what a supervisor needs to hand it to someone.
    [item] = board["items"]
    offer = session.scalar(select(Offer))
    assert item["offer_id"] == offer.id and item["state"] == "waiting"
    assert item["agent_id"] is None and item["queue"] == "general" and item["medium"] == "voice"
    assert item["case_reference"].startswith("CL-") and item["customer"]
    session.commit()

    worker = make_user("agent")
    agent_sock, _ = sock(worker, available=True)
    [pop] = received(agent_sock, events.OFFER_CREATED)
    assert agent_sock.emit(events.OFFER_ACCEPT, {"offer_id": pop["offer_id"]},
                           namespace="/agent", callback=True)["ok"]
    board = client.get("/api/v1/routing/board", headers=boss_headers).json
    general = next(q for q in board["queues"] if q["queue"] == "general")
    assert (general["waiting"], general["answered"], general["sla_attainment"]) == (0, 1, 100)
    [me] = [a for a in board["agents"] if a["user_id"] == worker.id]
    assert me["status"] == "busy" and me["work"][0]["offer_id"] == pop["offer_id"]
    assert me["client_ids"] == [session.get(Offer, pop["offer_id"]).client_id]
    [item] = board["items"]
    assert (item["state"], item["agent_id"]) == ("assigned", worker.id)
    session.commit()
    assert sum(h["arrivals"] for h in board["chart"]) == 1
    assert sum(h["answers"] for h in board["chart"]) == 1


def test_supervisor_sets_an_agent_available_and_reassigns_work(client, session, make_user,
                                                               sock):
    boss_sock, boss = sock(make_user("supervisor"))
    first, second = make_user("agent"), make_user("agent")
    a, _ = sock(first)
    b, _ = sock(second)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    resp = client.post(f"/api/v1/routing/agents/{first.id}/presence",
                       json={"status": "available"}, headers=boss)
    assert resp.status_code == 200 and resp.json["status"] == "available"
    [pop] = received(a, events.OFFER_CREATED)
    assert received(boss_sock, events.PRESENCE_UPDATED)[-1]["status"] == "available"

    moved = client.post(f"/api/v1/routing/items/{pop['offer_id']}/assign",
                        json={"user_id": second.id}, headers=boss)
    assert moved.status_code == 200 and moved.json["state"] == "offered"
    assert received(a, events.OFFER_RESCINDED)[0]["reason"] == "reassigned"
    assert received(b, events.OFFER_CREATED)[0]["offer_id"] == pop["offer_id"]
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "work.reassigned"))
    session.commit()
    bad = client.post(f"/api/v1/routing/agents/{first.id}/presence",
                      json={"status": "napping"}, headers=boss)
    assert bad.status_code == 422 and "status must be" in bad.json["error"]["message"]


def test_a_waiting_item_knows_its_position(client, session, make_user, sock):
    _, headers = sock(make_user("agent"))
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming("CA" + "9" * 32, caller="+14155550999"))
    ids = session.scalars(select(Offer.id).order_by(Offer.id)).all()
    session.commit()
    second = client.get(f"/api/v1/routing/items/{ids[1]}", headers=headers).json
    assert second["state"] == "waiting" and second["position"] == 2
    assert second["estimated_wait_seconds"] > 0


def test_a_breaching_item_rises_is_flagged_and_escalates(client, session, make_user, sock,
                                                         default_client):
    boss_user = make_user("supervisor")
    boss, _ = sock(boss_user)
    session.add(RoutingQueue(client_id=default_client.id, name="general", sla_seconds={
        "voice": 20}, escalate_to=[boss_user.id]))
    session.commit()
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    offer = session.scalar(select(Offer))
    offer.created_at = offer.created_at - timedelta(minutes=5)
    session.commit()
    boss.get_received("/agent")
    console_routing.tick.apply(throw=True)
    session.expire_all()
    offer = session.scalar(select(Offer))
    assert offer.sla_breached and offer.priority > 0
    session.commit()
    notes = [n for n in received(boss, events.QUEUE_STATS) if n["event"] == events.SLA_BREACHED]
    assert notes and notes[0]["id"] == offer.id  # the supervisors' room and the escalation


def test_the_board_lists_only_the_work_and_clients_of_the_supervisors_clients(
        client, session, make_user, sock, default_client):
    from crm.models import Client

    other = Client(slug="other-co", name="Other Co")
    session.add(other)
    session.commit()
    _, elsewhere = sock(make_user("supervisor", clients=[other]))
    both = make_user("agent", clients=[default_client, other])
    sock(both)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    board = client.get("/api/v1/routing/board", headers=elsewhere).json
    assert board["items"] == []  # the call is the default client's
    [agent] = [a for a in board["agents"] if a["user_id"] == both.id]
    assert agent["client_ids"] == [other.id]  # never which other clients an agent serves


def test_a_supervisors_state_change_reaches_the_agent_and_respects_their_call(
        client, session, make_user, sock):
    _, boss = sock(make_user("supervisor"))
    worker = make_user("agent")
    agent_sock, _ = sock(worker, available=True)
    agent_sock.get_received("/agent")
    resp = client.post(f"/api/v1/routing/agents/{worker.id}/presence",
                       json={"status": "away", "reason": "coaching"}, headers=boss)
    assert resp.status_code == 200
    # The agent's own phone hears it (and shows it), not only the board.
    [mine] = received(agent_sock, events.PRESENCE_UPDATED)
    assert (mine["user_id"], mine["status"], mine["reason"]) == (worker.id, "away", "coaching")
    # busy and wrap-up follow calls; a supervisor chooses available, away or offline.
    for status in ("busy", "wrap-up"):
        bad = client.post(f"/api/v1/routing/agents/{worker.id}/presence",
                          json={"status": status}, headers=boss)
        assert bad.status_code == 422
    client.post(f"/api/v1/routing/agents/{worker.id}/presence", json={"status": "available"},
                headers=boss)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    [pop] = received(agent_sock, events.OFFER_CREATED)
    assert agent_sock.emit(events.OFFER_ACCEPT, {"offer_id": pop["offer_id"]},
                           namespace="/agent", callback=True)["ok"]
    # On a call: neither the agent nor a supervisor makes them available or away meanwhile.
    mid_call = client.post(f"/api/v1/routing/agents/{worker.id}/presence",
                           json={"status": "away"}, headers=boss)
    assert mid_call.status_code == 409 and mid_call.json["error"]["code"] == "on_call"
    ack = agent_sock.emit(events.PRESENCE_SET, {"status": "available"}, namespace="/agent",
                          callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "on_call"
    # A stuck agent can still be signed off.
    off = client.post(f"/api/v1/routing/agents/{worker.id}/presence",
                      json={"status": "offline"}, headers=boss)
    assert off.status_code == 200 and off.json["status"] == "offline"


def test_work_is_never_handed_to_someone_offline_and_a_hand_over_tells_the_holder(
        client, session, make_user, sock):
    _, boss = sock(make_user("supervisor"))
    first, second, gone = make_user("agent"), make_user("agent"), make_user("agent")
    a, _ = sock(first, available=True)
    sock(second)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    [pop] = received(a, events.OFFER_CREATED)
    refused = client.post(f"/api/v1/routing/items/{pop['offer_id']}/assign",
                          json={"user_id": gone.id}, headers=boss)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "agent_offline"
    assert session.get(Offer, pop["offer_id"]).offered_user_id == first.id
    session.commit()
    assert a.emit(events.OFFER_ACCEPT, {"offer_id": pop["offer_id"]}, namespace="/agent",
                  callback=True)["ok"]
    a.get_received("/agent")
    moved = client.post(f"/api/v1/routing/items/{pop['offer_id']}/assign",
                        json={"user_id": second.id}, headers=boss)
    assert moved.status_code == 200 and moved.json["state"] == "assigned"
    # The agent it was taken from is told (their tray drops it), once.
    assert [m["reason"] for m in received(a, events.OFFER_RESCINDED)] == ["reassigned"]


def test_an_agent_opening_the_board_page_is_told_where_to_go(client, make_user, login):
    login(make_user("agent"))
    page = client.get("/board")
    assert page.status_code == 403
    assert "The board is for supervisors" in page.get_data(as_text=True)
