"""Values no database column can hold get a clear 4xx everywhere, and leave nothing behind."""

import pytest
from flask_socketio import SocketIO
from sqlalchemy import func, select

from console.core.extensions import socketio
from crm.models import Interaction, Offer
from tests import voice_support as tw

pytestmark = pytest.mark.usefixtures("twilio_api")  # no test may reach Twilio's real API


@pytest.fixture
def settings(settings):
    """Test settings with a (fake) Twilio voice account."""
    tw.configure(settings)
    return settings


CALL = "CA" + "b" * 32
TOO_BIG = 2**63  # one past the largest BIGINT


def _count(session, model) -> int:
    n = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return n


@pytest.fixture
def headers(token):
    return {"Authorization": f"Bearer {token}"}


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
    from crm.tenancy import users

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
    assert ack["ok"] is False and ack["error"]["code"] in ("invalid", "invalid_input", "not_found")
    sio.disconnect(namespace="/agent")


DEEP = "[" * 5000 + "]" * 5000  # past the JSON decoder's recursion limit
NESTED = '{"body": ' + "[" * 100 + "]" * 100 + "}"  # decodable, yet past any body's shape


@pytest.mark.parametrize("body", [DEEP, NESTED])
def test_deeply_nested_json_is_a_400_on_every_kind_of_route(client, session, headers, case,
                                                            body):
    routes = [("post", f"/api/v1/cases/{case.id}/notes", headers),
              ("patch", f"/api/v1/cases/{case.id}", headers),
              ("post", "/login", {}), ("get", "/healthz", {})]
    for method, path, auth in routes:
        resp = getattr(client, method)(path, data=body, content_type="application/json",
                                       headers=auth)
        assert resp.status_code == 400, (path, resp.get_data(as_text=True))
        if path != "/login":  # a page answers with the error page
            assert resp.get_json()["error"]["code"] == "invalid_input"
    assert _count(session, Interaction) == 0


def test_a_body_past_the_limit_is_refused_before_it_is_read(client, session, headers, case):
    huge = "[" + ",".join(["1"] * 4_500_000) + "]"  # 9 MB: seconds of CPU to decode and walk
    resp = client.post(f"/api/v1/cases/{case.id}/notes", data=huge,
                       content_type="application/json", headers=headers)
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "too_large"
    # Under the limit, a huge array is still refused on its size, not walked value by value.
    many = "[" + ",".join(["1"] * 200_000) + "]"
    resp = client.post(f"/api/v1/cases/{case.id}/notes", data=many,
                       content_type="application/json", headers=headers)
    assert resp.status_code == 400 and "at most" in resp.get_json()["error"]["message"]
    assert _count(session, Interaction) == 0


def test_the_composers_email_may_carry_its_attachments(client, headers, case):
    # 10 MB of attachments as base64 is past the default limit; this route takes it (and the
    # email is then refused on its own rules: the case has no email address).
    blob = "A" * (11 * 1024 * 1024)
    resp = client.post(f"/api/v1/cases/{case.id}/emails", headers=headers, json={
        "to": "someone@example.com", "subject": "s", "body": "b",
        "attachments": [{"filename": "a.bin", "content_base64": blob}]})
    assert resp.status_code in (201, 422), resp.get_data(as_text=True)[:200]


@pytest.mark.parametrize("payload", [{"body": "card \ud800 number"},
                                     {"medium": "email", "to": "a\ud800@example.com",
                                      "subject": "s", "body": "b"}])
def test_a_lone_surrogate_is_refused_and_nothing_is_stored(client, session, headers, case,
                                                           payload):
    import json

    path = "notes" if "medium" not in payload else "messages"
    resp = client.post(f"/api/v1/cases/{case.id}/{path}", headers=headers,
                       data=json.dumps(payload), content_type="application/json")
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert resp.get_json()["error"]["code"] == "invalid_input"
    assert _count(session, Interaction) == 0


def test_a_405_names_the_methods_the_url_takes(client, headers, case):
    resp = client.delete(f"/api/v1/cases/{case.id}", headers=headers)
    assert resp.status_code == 405
    assert {m.strip() for m in resp.headers["Allow"].split(",")} >= {"GET", "PATCH"}
    assert resp.get_json()["error"]["code"] == "method_not_allowed"


def test_an_id_past_the_largest_bigint_is_a_404_whatever_the_method(client, headers):
    for method, path in (("get", "customers"), ("patch", "customers"), ("get", "cases"),
                         ("patch", "cases")):
        for ident in (TOO_BIG, 10**19, 2**70):
            resp = getattr(client, method)(f"/api/v1/{path}/{ident}", headers=headers,
                                           json={})
            assert resp.status_code == 404, (method, path, ident, resp.status_code)


def _cursor(raw: str) -> str:
    import base64

    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize("raw", ["2024-01-01T00:00:00|1",  # no zone
                                 "9999-12-31T23:59:59-14:00|1",  # past year 9999 in UTC
                                 "0001-01-01T00:00:00+14:00|1",  # before year 1 in UTC
                                 "2024-01-01T00:00:00+00:00|\uff11",  # a full-width digit
                                 "2024-01-01T00:00:00+00:00|99999999999999999999"])
def test_a_timeline_cursor_that_names_no_item_is_a_clear_4xx(client, headers, case, raw):
    for direction in ("before", "after"):
        resp = client.get(f"/api/v1/cases/{case.id}/timeline?{direction}={_cursor(raw)}",
                          headers=headers)
        assert resp.status_code == 422, (direction, resp.get_data(as_text=True))
        assert resp.get_json()["error"] == {"code": "invalid", "message": "malformed cursor"}
