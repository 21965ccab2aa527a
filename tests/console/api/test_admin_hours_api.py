"""PUT/GET/DELETE /api/v1/admin/hours: validated field by field, audited, admins only."""

import pytest
from sqlalchemy import select

from crm.models import AuditEvent, BusinessHours, RoutingQueue

URL = "/api/v1/admin/hours"
WEEK = {"mon": [["09:00", "17:00"]], "tue": [["09:00", "12:30"], ["13:30", "17:00"]]}


def body(client_id, **changes):
    return {"client_id": client_id, "timezone": "Europe/London", "weekly": WEEK,
            "holidays": ["2026-12-25", "2026-12-26"],
            "outside": {"voice_announcement": "We are closed.", "message_auto_reply": "Closed."},
            **changes}


def test_an_admin_sets_and_reads_hours_and_the_change_is_audited(client, session, as_user,
                                                                 default_client):
    admin, headers = as_user("admin")
    resp = client.put(URL, headers=headers, json=body(default_client.id))
    assert resp.status_code == 200, resp.get_json()
    got = client.get(f"{URL}?client_id={default_client.id}", headers=headers).get_json()
    assert got["configured"] is True and got["timezone"] == "Europe/London"
    assert got["weekly"] == WEEK and got["holidays"] == ["2026-12-25", "2026-12-26"]
    assert got["outside"] == {"voice_announcement": "We are closed.", "voice_language": "en-US",
                              "message_auto_reply": "Closed."}
    assert isinstance(got["open_now"], bool)
    # Replaced whole, and each change audited with before and after.
    client.put(URL, headers=headers, json=body(default_client.id, timezone="Asia/Tokyo"))
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "business_hours.set").order_by(AuditEvent.id)).all()
    assert [e.actor_id for e in events] == [admin.id, admin.id]
    assert events[1].before["timezone"] == "Europe/London"
    assert events[1].after["timezone"] == "Asia/Tokyo"
    assert len(session.scalars(select(BusinessHours)).all()) == 1


def test_a_queue_has_hours_of_its_own_and_deleting_them_falls_back(client, session, as_user,
                                                                   default_client):
    _, headers = as_user("admin")
    queue = RoutingQueue(client_id=default_client.id, name="fraud")
    session.add(queue)
    session.commit()
    client.put(URL, headers=headers, json=body(default_client.id))
    assert client.put(URL, headers=headers, json=body(
        default_client.id, queue_id=queue.id, weekly={})).status_code == 200
    mine = client.get(f"{URL}?client_id={default_client.id}&queue_id={queue.id}",
                      headers=headers).get_json()
    assert mine["weekly"] == {} and mine["open_now"] is False
    gone = client.delete(f"{URL}?client_id={default_client.id}&queue_id={queue.id}",
                         headers=headers)
    assert gone.status_code == 204
    after = client.get(f"{URL}?client_id={default_client.id}&queue_id={queue.id}",
                       headers=headers).get_json()
    assert after["configured"] is False


@pytest.mark.parametrize(("change", "words"), [
    ({"weekly": {"mon": [["09:00", "12:00"], ["11:30", "17:00"]]}}, "weekly.mon: intervals"),
    ({"weekly": {"wed": [["08:00", "25:00"]]}}, "weekly.wed.0:"),
    ({"weekly": {"funday": [["08:00", "09:00"]]}}, "weekly.funday:"),
    ({"timezone": "Europe/Atlantis"}, "timezone: unknown time zone"),
    ({"holidays": ["Christmas"]}, "holidays.0:"),
    ({"outside": {"voice_language": "not a language!"}}, "outside.voice_language:"),
])
def test_bad_hours_get_a_422_naming_the_field_and_store_nothing(client, session, as_user,
                                                                default_client, change, words):
    _, headers = as_user("admin")
    resp = client.put(URL, headers=headers, json=body(default_client.id, **change))
    assert resp.status_code == 422
    assert words in resp.get_json()["error"]["message"]
    assert session.scalars(select(BusinessHours)).all() == []
    assert session.scalars(select(AuditEvent).where(
        AuditEvent.action == "business_hours.set")).all() == []


def test_malformed_bodies_are_refused_not_crashed(client, as_user, default_client):
    _, headers = as_user("admin")
    for bad in ({"client_id": default_client.id}, {**body(default_client.id), "weekly": "9-5"},
                {**body(default_client.id), "extra": 1}):
        assert client.put(URL, headers=headers, json=bad).status_code in (400, 422)


def test_roles_admin_any_client_client_admin_only_their_own(client, as_user, default_client,
                                                            other_client):
    _, admin = as_user("admin")
    _, theirs = as_user("client_admin", clients=[other_client])
    _, supervisor = as_user("supervisor")
    _, agent = as_user("agent")
    assert client.put(URL, headers=admin, json=body(other_client.id)).status_code == 200
    assert client.put(URL, headers=theirs, json=body(other_client.id)).status_code == 200
    # Another client's hours do not exist for a client admin; staff roles may not manage.
    assert client.put(URL, headers=theirs, json=body(default_client.id)).status_code == 404
    assert client.get(f"{URL}?client_id={default_client.id}", headers=theirs).status_code == 404
    for headers in (supervisor, agent):
        assert client.put(URL, headers=headers, json=body(default_client.id)).status_code == 403
        assert client.get(f"{URL}?client_id={default_client.id}",
                          headers=headers).status_code == 403
    assert client.get(f"{URL}?client_id={default_client.id}").status_code == 401
