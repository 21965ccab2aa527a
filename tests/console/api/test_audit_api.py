"""GET /api/v1/audit and /audit.csv: filters, paging, the CSV, self-audit, who may read."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.core import audit
from crm.customers import identity
from crm.models import AuditEvent, Interaction

URL = "/api/v1/audit"


@pytest.fixture
def trail(session, make_user, default_client, other_client):
    """Two customers of the default client, one of another, and events on each."""
    alice = make_user("agent", email="alice@example.com")
    bob = make_user("agent", email="bob@example.com", clients=[other_client])
    _, case_a, _ = identity.find_or_create(session, default_client.id, "+14155550101")
    _, case_b, _ = identity.find_or_create(session, default_client.id, "+14155550102")
    _, case_x, _ = identity.find_or_create(session, other_client.id, "+14155550103")
    session.flush()
    note = Interaction(client_id=default_client.id, case_id=case_a.id, medium="note",
                       direction="internal", body="=HYPERLINK(\"http://x\")")
    session.add(note)
    session.flush()
    audit.record(session, alice, "case.viewed", case_a)
    audit.record(session, alice, "note.added", note, after={"body": note.body})
    audit.record(session, alice, "case.viewed", case_b)
    audit.record(session, bob, "case.viewed", case_x)
    old = audit.record(session, alice, "recording.played", case_b)
    old.at = datetime.now(UTC) - timedelta(days=40)
    session.commit()
    return {"alice": alice, "bob": bob, "a": case_a, "b": case_b, "x": case_x}


def read(client, headers, **params):
    resp = client.get(URL, headers=headers, query_string=params)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_filters_by_actor_case_customer_action_and_period(client, as_user, trail):
    _, headers = as_user("admin")
    alice, a, b = trail["alice"], trail["a"], trail["b"]
    by_alice = read(client, headers, actor=alice.email)["items"]
    assert [i["action"] for i in by_alice] == ["case.viewed", "note.added", "case.viewed",
                                               "recording.played"]
    assert {i["actor_name"] for i in by_alice} == {alice.name}
    assert read(client, headers, actor=str(alice.id))["items"] == by_alice
    # A case: its own events and those of what is on it (the note), with its customer.
    on_a = read(client, headers, case=a.id)["items"]
    assert [i["action"] for i in on_a] == ["note.added", "case.viewed"]
    assert {i["case_id"] for i in on_a} == {a.id} and {i["customer_id"] for i in on_a} == {
        a.customer_id}
    assert on_a[0]["detail"]["object_type"] == "interaction"
    of_b = read(client, headers, customer=b.customer_id)["items"]
    assert {i["customer_id"] for i in of_b} == {b.customer_id}
    assert [i["action"] for i in of_b if i["case_id"] == b.id] == ["case.viewed",
                                                                   "recording.played"]
    assert [i["action"] for i in read(client, headers, action="recording.played")["items"]] == [
        "recording.played"]
    assert len(read(client, headers, action="case.*", actor=alice.email)["items"]) == 2
    recent = datetime.now(UTC) - timedelta(days=1)
    assert "recording.played" not in {i["action"] for i in read(
        client, headers, actor=alice.email, since=recent.isoformat())["items"]}
    older = read(client, headers, until=(datetime.now(UTC) - timedelta(days=30)).date()
                 .isoformat())["items"]
    assert [i["action"] for i in older] == ["recording.played"]


def test_pages_follow_each_other_without_gaps_or_repeats(client, as_user, trail):
    _, headers = as_user("admin")
    everything = read(client, headers, actor=trail["alice"].email)["items"]
    seen, page, pages = [], None, 0
    while True:
        got = read(client, headers, actor=trail["alice"].email, limit=3, **(
            {"page": page} if page else {}))
        assert len(got["items"]) <= 3
        seen += got["items"]
        pages += 1
        page = got["next_page"]
        if page is None:
            break
    assert seen == everything and pages == 2


def test_bad_filters_are_422_not_500(client, as_user, trail):
    _, headers = as_user("admin")
    for params in ({"since": "yesterday"}, {"page": "nonsense"}, {"case": "x"},
                   {"since": "2026-12-07", "until": "2026-12-01"}):
        assert client.get(URL, headers=headers, query_string=params).status_code == 422


def test_the_csv_export_holds_every_match_and_neutralises_formulas(client, session, as_user,
                                                                   trail):
    _, headers = as_user("admin")
    resp = client.get(URL + ".csv", headers=headers, query_string={"case": trail["a"].id})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [r["action"] for r in rows] == ["note.added", "case.viewed"]
    assert rows[1]["actor_email"] == "alice@example.com"
    assert rows[1]["case_id"] == str(trail["a"].id)
    assert rows[0]["after"] == '{"body": "=HYPERLINK(\\"http://x\\")"}'  # JSON: not a formula
    assert all(not r["actor_name"].startswith("=") for r in rows)


def test_reading_and_exporting_are_themselves_audited(client, session, as_user, trail):
    admin, headers = as_user("admin")
    read(client, headers, case=trail["a"].id)
    client.get(URL + ".csv", headers=headers, query_string={"actor": "bob@example.com"})
    reads = session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(("audit.read", "audit.export"))).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id) for e in reads] == [("audit.read", admin.id),
                                                       ("audit.export", admin.id)]
    assert reads[0].after["case"] == trail["a"].id
    assert reads[1].after["actor"] == "bob@example.com"
    # And the reads show in the trail for the next reader.
    assert read(client, headers, action="audit.*")["items"][0]["action"] == "audit.export"


def test_only_admins_and_client_admins_of_those_clients_read_it(client, as_user, trail,
                                                                other_client):
    _, theirs = as_user("client_admin", clients=[other_client])
    only_x = read(client, theirs)["items"]
    assert {i["customer_id"] for i in only_x} == {trail["x"].customer_id}
    assert trail["x"].id in {i["case_id"] for i in only_x}
    assert read(client, theirs, case=trail["a"].id)["items"] == []
    rows = list(csv.DictReader(io.StringIO(client.get(URL + ".csv", headers=theirs)
                                           .get_data(as_text=True))))
    assert len(rows) == len(only_x) and {r["client_id"] for r in rows} == {str(other_client.id)}
    for role in ("supervisor", "agent", "reviewer"):
        _, headers = as_user(role)
        assert client.get(URL, headers=headers).status_code == 403
        assert client.get(URL + ".csv", headers=headers).status_code == 403
    assert client.get(URL).status_code == 401
