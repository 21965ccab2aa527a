"""Values no database column can hold get a clear 4xx everywhere, and leave nothing behind."""

import pytest
from flask_socketio import SocketIO
from sqlalchemy import func, select

from console.extensions import socketio
from crm import identity
from crm.models import Interaction, Offer
from tests import voice_support as tw
from tests.voice_support import settings, twilio_api  # noqa: F401 (fixtures)

CALL = "CA" + "b" * 32
TOO_BIG = 2**63  # one past the largest BIGINT


def _count(session, model) -> int:
    n = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return n


@pytest.fixture
def headers(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def case(session, default_client):
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550142")
    session.commit()
    return case


def test_an_id_past_what_the_database_holds_names_nothing(client, headers):
    for ident in (TOO_BIG, 2**70, TOO_BIG - 1):
        resp = client.get(f"/api/v1/cases/{ident}", headers=headers)
        assert resp.status_code == 404, (ident, resp.get_data(as_text=True))


def test_nul_characters_are_refused_wherever_they_come(client, session, headers, case):
    search = client.get("/api/v1/customers?q=a%00b", headers=headers)
    note = client.post(f"/api/v1/cases/{case.id}/notes", json={"body": "card\u0000 number"},
                       headers=headers)
    call = tw.post(client, tw.HOOKS + "/incoming", {**tw.incoming(CALL), "From": "+1415\x00"})
    for resp in (search, note, call):
        assert resp.status_code == 400
        assert resp.get_json()["error"]["code"] == "invalid_input"
    assert _count(session, Interaction) == 0 and _count(session, Offer) == 0


def test_a_number_past_its_columns_range_is_refused_and_the_call_is_untouched(client, session):
    assert tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL)).status_code == 200
    for params in (tw.status(CALL, "in-progress", TOO_BIG),
                   tw.status(CALL, "completed", 3, duration=TOO_BIG)):
        resp = tw.post(client, tw.HOOKS + "/status", params)
        assert resp.status_code == 400, resp.get_data(as_text=True)
        assert resp.get_json()["error"]["code"] == "invalid_input"
    call = session.scalars(select(Interaction).where(Interaction.provider_id == CALL)).one()
    assert (call.status, call.duration_seconds) == ("ringing", None)


def test_a_too_large_id_in_a_json_body_is_a_400(client, session, make_user):
    from crm import users

    assert tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL)).status_code == 200
    offer = session.scalars(select(Offer)).one()
    boss = make_user("supervisor")
    raw = users.issue_token(session, boss, "test")
    session.commit()
    resp = client.post(f"/api/v1/routing/items/{offer.id}/assign", json={"user_id": 2**70},
                       headers={"Authorization": f"Bearer {raw}"})
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert session.get(Offer, offer.id).offered_user_id is None


@pytest.mark.parametrize("body", ['"str"', "[1, 2]", "5"])
def test_sign_in_with_a_json_body_that_is_not_an_object_is_a_400(client, body):
    resp = client.post("/login", data=body, content_type="application/json")
    assert resp.status_code == 400


def test_a_socket_event_that_fails_answers_with_the_error(app, token):
    sio = SocketIO.test_client(socketio, app, namespace="/agent", auth={"token": token})
    ack = sio.emit("case.watch", {"case_id": 2**70}, namespace="/agent", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] in ("invalid_input", "not_found")
    sio.disconnect(namespace="/agent")
