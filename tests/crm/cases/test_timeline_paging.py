"""Keyset paging of a timeline: every item exactly once, in order, while new items arrive."""

from datetime import timedelta

from crm.cases import timeline
from crm.customers import identity
from crm.models import utcnow


def _case(session, default_client):
    _c, case, _ = identity.find_or_create(session, default_client.id, "+14155550177")
    return case


def test_paging_visits_every_item_once_newest_first_with_tied_times(session, default_client,
                                                                     agent):
    case = _case(session, default_client)
    base = utcnow().replace(microsecond=0)
    # Groups of items share one timestamp, so the id must break the tie across page edges.
    for k in range(23):
        timeline.record(session, case, medium="note", direction="internal", status="saved",
                        body=f"n{k}", occurred_at=base - timedelta(minutes=k // 4))
    session.commit()
    seen, cursor = [], None
    while True:
        page = timeline.page(session, agent, case.id, limit=5, before=cursor)
        seen.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    session.commit()
    keys = [(i.occurred_at, i.id) for i in seen]
    assert len(seen) == 23 and len(set(keys)) == 23
    assert keys == sorted(keys, reverse=True)


def test_items_arriving_meanwhile_do_not_shift_older_pages(session, default_client, agent):
    case = _case(session, default_client)
    base = utcnow()
    for k in range(10):
        timeline.record(session, case, medium="sms", direction="inbound", status="received",
                        body=f"m{k}", occurred_at=base - timedelta(hours=k))
    session.commit()
    first = timeline.page(session, agent, case.id, limit=4)
    timeline.record(session, case, medium="sms", direction="inbound", status="received",
                    body="new", occurred_at=utcnow())
    session.commit()
    second = timeline.page(session, agent, case.id, limit=4, before=first.next_cursor)
    session.commit()
    assert [i.body for i in first.items] == ["m0", "m1", "m2", "m3"]
    assert [i.body for i in second.items] == ["m4", "m5", "m6", "m7"]
