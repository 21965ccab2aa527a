"""The timeline narrowed: by medium, by words (server-side, paged), to a date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm.cases import timeline
from crm.customers import identity
from crm.fraud import visibility

T0 = datetime(2025, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def case(session, default_client, agent):
    """Twelve days of a case: an sms, an email and a note a day, a fraud note on day 5."""
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550199",
                                         display_name="Tim Eline")
    for day in range(12):
        at = T0 + timedelta(days=day)
        timeline.record(session, case, medium="sms", direction="inbound",
                        body=f"Day {day}: windscreen cracked 50%_off", occurred_at=at)
        timeline.record(session, case, medium="email", direction="inbound", body="hello",
                        subject=f"Claim photos day {day}", occurred_at=at + timedelta(hours=1))
        timeline.record(session, case, medium="note", direction="internal",
                        body=f"note {day}", occurred_at=at + timedelta(hours=2))
    timeline.record(session, case, medium="note", direction="internal",
                    body="suspect windscreen story", occurred_at=T0 + timedelta(days=5, hours=3),
                    meta={visibility.VEILED_BY: 1})
    session.commit()
    return case


def test_filter_by_medium(get, case):
    items = get(f"/cases/{case.id}/timeline?medium=email&limit=200").get_json()["items"]
    assert len(items) == 12 and {i["medium"] for i in items} == {"email"}
    both = get(f"/cases/{case.id}/timeline?medium=email,sms&limit=200").get_json()["items"]
    assert len(both) == 24


def test_search_pages_on_the_server(get, case):
    seen, cursor = [], None
    while True:
        page = get(f"/cases/{case.id}/timeline?q=WINDSCREEN&limit=5"
                   + (f"&before={cursor}" if cursor else "")).get_json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    # The agent may not see the fraud note: its words are not searched.
    assert len(seen) == 12 and all("windscreen" in i["body"] for i in seen)
    assert seen[0]["body"].startswith("Day 11")  # newest first
    assert [i["subject"] for i in get(f"/cases/{case.id}/timeline?q=photos day 3")
            .get_json()["items"]] == ["Claim photos day 3"]
    # LIKE's wildcards are plain characters.
    assert len(get(f"/cases/{case.id}/timeline?q=50%25_off&limit=200").get_json()["items"]) == 12
    assert get(f"/cases/{case.id}/timeline?q=50%25xoff").get_json()["items"] == []


def test_a_fraud_investigator_finds_the_fraud_note(get, case, as_user):
    _, headers = as_user("fraud")
    items = get(f"/cases/{case.id}/timeline?q=suspect", headers).get_json()["items"]
    assert [i["body"] for i in items] == ["suspect windscreen story"]
    assert get(f"/cases/{case.id}/timeline?q=suspect").get_json()["items"] == []


def test_jump_to_a_date_then_page_either_way(get, case):
    page = get(f"/cases/{case.id}/timeline?until=2025-03-04&limit=3").get_json()
    assert [i["body"] for i in page["items"]] == ["note 3", "hello", "Day 3: windscreen "
                                                  "cracked 50%_off"]
    older = get(f"/cases/{case.id}/timeline?until=2025-03-04&limit=3"
                f"&before={page['next_cursor']}").get_json()
    assert older["items"][0]["body"] == "note 2"
    newer = get(f"/cases/{case.id}/timeline?limit=2&after={page['items'][0]['cursor']}"
                "&medium=sms").get_json()
    assert newer["order"] == "oldest_first"
    assert [i["body"][:6] for i in newer["items"]] == ["Day 4:", "Day 5:"]
    zoned = get(f"/cases/{case.id}/timeline?until=2025-03-04T09:30:00%2B00:00&limit=1")
    assert zoned.get_json()["items"][0]["body"].startswith("Day 3")
    combined = get(f"/cases/{case.id}/timeline?until=2025-03-02&medium=note&q=note")
    assert [i["body"] for i in combined.get_json()["items"]] == ["note 1", "note 0"]


@pytest.mark.parametrize("query", [
    "medium=fax", "medium=sms,,pigeon", "until=yesterday", "until=2025-02-30",
    "until=2025-03-04T09:30:00", "q=" + "x" * 201, "limit=0", "before=nope&q=a",
    "until=99999-01-01"])
def test_bad_timeline_queries_are_4xx(get, case, query):
    resp = get(f"/cases/{case.id}/timeline?{query}")
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)
    assert resp.get_json()["error"]["code"]


def test_another_clients_case_is_not_found(get, session, other_client):
    _, theirs, _ = identity.find_or_create(session, other_client.id, "+14155550188")
    session.commit()
    assert get(f"/cases/{theirs.id}/timeline?q=hello").status_code == 404
