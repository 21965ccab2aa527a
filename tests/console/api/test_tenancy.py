"""One client's staff never see or change another client's: codes, sockets, board, staff, cases."""

import pytest

from crm.cases import timeline
from crm.customers import identity
from crm.models import User
from crm.routing import offers
from crm.routing import router as routing
from crm.tenancy import users
from tests import voice_support as tw
from tests.voice_support import received

pytestmark = pytest.mark.usefixtures("twilio_api")  # no test may reach Twilio's real API


@pytest.fixture
def settings(settings):
    """Test settings with a (fake) Twilio voice account."""
    tw.configure(settings)
    return settings


CALL = "CA" + "7" * 32


def _headers(session, user):
    raw = users.issue_token(session, user)
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


def _queued_work(session, client, number):
    """An inbound SMS of the client's customer, queued for routing: (offer, case)."""
    _, case, _ = identity.find_or_create(session, client.id, number, display_name="Hidden Person")
    item, _ = timeline.record(session, case, medium="sms", direction="inbound", body="hi",
                              provider_id="SM" + number[-6:] * 5, from_addr=number)
    offer = routing.enqueue_interaction(session, item.id)
    session.commit()
    return offer, case


def _taken_work(session, client, agent, number):
    """_queued_work, taken by agent."""
    offer, case = _queued_work(session, client, number)
    offers.accept(session, session.get(User, agent.id), offer.id)
    session.commit()
    return offer, case


def test_a_supervisors_new_code_changes_only_their_own_clients_list(
        client, session, make_user, agent, other_client):
    outsider = make_user("supervisor", clients=[other_client])
    made = client.post("/api/v1/dispositions", headers=_headers(session, outsider), json={
        "line_of_work": "insurance", "code": "acme_only", "label": "Acme's own"})
    assert made.status_code == 201
    mine = client.get("/api/v1/dispositions?line_of_work=insurance",
                      headers=_headers(session, agent)).get_json()["items"]
    codes = [c["code"] for c in mine]
    # The default client's agents keep the default insurance codes, without Acme's.
    assert "acme_only" not in codes and codes[:2] == ["fnol", "claim_update"]
    theirs = client.get("/api/v1/dispositions?line_of_work=insurance",
                        headers=_headers(session, outsider)).get_json()["items"]
    assert theirs[0]["code"] == "acme_only"
    # Naming a client that is not theirs is refused as unknown, and stores nothing.
    refused = client.post("/api/v1/dispositions", headers=_headers(session, outsider), json={
        "line_of_work": "general", "code": "x", "label": "X", "client_id": agent.clients[0].id})
    assert refused.status_code == 404


def test_supervisors_hear_only_of_their_own_clients_agents(app, session, make_user, connect,
                                                          other_client):
    ours = connect(make_user("supervisor"), available=False)
    theirs = connect(make_user("supervisor", clients=[other_client]), available=False)
    ours.get_received("/agent")
    theirs.get_received("/agent")
    worker = make_user("agent")
    connect(worker)  # signs in and becomes available
    assert any(p["user_id"] == worker.id for p in received(ours, "presence.updated"))
    assert received(theirs, "presence.updated") == []


def test_queue_events_reach_only_the_works_clients_supervisors(session, make_user, connect,
                                                               default_client, other_client):
    ours = connect(make_user("supervisor"), available=False)
    theirs = connect(make_user("supervisor", clients=[other_client]), available=False)
    _queued_work(session, default_client, "+14155550166")
    assert any(n["event"] == "work.queued" for n in received(ours, "queue.stats"))
    assert received(theirs, "queue.stats") == []


def test_the_board_hides_other_clients_work_held_by_a_shared_agent(
        client, session, make_user, connect, default_client, other_client):
    shared = make_user("agent", clients=[default_client, other_client])
    connect(shared, available=False)
    hidden, hidden_case = _taken_work(session, other_client, shared, "+14155550177")
    boss = make_user("supervisor")
    board = client.get("/api/v1/routing/board", headers=_headers(session, boss)).get_json()
    [row] = [a for a in board["agents"] if a["user_id"] == shared.id]
    assert row["work"] == []
    assert hidden_case.reference not in str(board) and hidden.id not in [
        i["offer_id"] for i in board["items"]]


def test_assigning_never_names_staff_to_an_agent_or_across_clients(
        client, session, make_user, default_client, other_client):
    offer, _ = _queued_work(session, default_client, "+14155550155")
    stranger = make_user("agent", clients=[other_client])
    stranger.name = "Zebedee Stranger"
    session.commit()
    nosy = make_user("agent")
    for who in (nosy, make_user("supervisor")):
        resp = client.post(f"/api/v1/routing/items/{offer.id}/assign",
                           headers=_headers(session, who), json={"user_id": stranger.id})
        assert 400 <= resp.status_code < 500
        assert "Zebedee" not in resp.get_data(as_text=True)
    # An agent asking about any item and any user learns nothing either.
    resp = client.post("/api/v1/routing/items/999999/assign",
                       headers=_headers(session, nosy), json={"user_id": stranger.id})
    assert resp.status_code == 403 and "Zebedee" not in resp.get_data(as_text=True)


def test_transferring_never_names_another_clients_staff(client, session, make_user, agent,
                                                        live_call, other_client):
    stranger = make_user("agent", clients=[other_client])
    stranger.name = "Zebedee Stranger"
    session.commit()
    auth = _headers(session, agent)
    for call_id in (live_call, 999999):
        resp = client.post(f"/api/v1/calls/{call_id}/transfer", headers=auth,
                           json={"user_id": stranger.id})
        assert resp.status_code == 404, resp.get_json()
        assert "Zebedee" not in resp.get_data(as_text=True)
    # An agent of another client cannot use someone's call to ask about colleagues.
    outsider = make_user("agent", clients=[other_client])
    resp = client.post(f"/api/v1/calls/{live_call}/transfer",
                       headers=_headers(session, outsider), json={"user_id": agent.id})
    assert resp.status_code == 404 and agent.name not in resp.get_data(as_text=True)


def test_an_unknown_case_and_another_clients_case_read_alike(client, session, make_user,
                                                             default_client, other_client):
    mine, _, _ = identity.find_or_create(session, default_client.id, "+14155550101")
    _, theirs, _ = identity.find_or_create(session, other_client.id, "+14155550102")
    session.commit()
    fraud = _headers(session, make_user("fraud"))
    url = f"/api/v1/customers/{mine.id}/links"
    unknown = client.post(url, headers=fraud, json={"other": "CL-NOSUCH9", "reason": "x"})
    real = client.post(url, headers=fraud, json={"other": theirs.reference, "reason": "x"})
    assert unknown.status_code == real.status_code == 404
    assert unknown.get_json() == real.get_json()
