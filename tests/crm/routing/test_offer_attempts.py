"""Each offer of a work item is a new attempt; a router's stale read cannot reuse one."""

from __future__ import annotations

from dataclasses import fields

from crm.cases import timeline
from crm.core import events
from crm.customers import identity
from crm.models import Offer, utcnow
from crm.routing import router as routing


def test_each_offer_is_a_new_attempt_and_a_stale_read_cannot_offer_the_item(
        session, make_user, default_client):
    events.clear_listeners()  # the domain alone: no console reacting to each commit
    news = []

    def record(name, payload):
        news.append((name, payload["attempt"]))

    events.subscribe(events.OFFER_CREATED, record)
    events.subscribe(events.OFFER_WITHDRAWN, record)
    agent, other = make_user("agent"), make_user("agent")
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    item, _ = timeline.record(session, case, medium="sms", direction="inbound",
                              status="received", body="hello")
    offer = routing.enqueue_interaction(session, item.id)
    session.commit()
    # What a second router read of the item while it waited, before anyone was offered it.
    stale = routing.Waiting(**{f.name: getattr(offer, f.name) for f in fields(routing.Waiting)
                               if f.name != "offered_user_id"})

    [first] = routing.route(session, [routing.Agent.of(session.merge(agent))])
    assert routing.take_back(session, offer, agent.id, "expired", exclude=False)
    session.commit()
    # The item waits again, as it did when that router read it: it still loses, so no two
    # offers of the item share an attempt.
    assert not routing.offer_to(session, stale, other.id, utcnow())
    [again] = routing.route(session, [routing.Agent.of(session.merge(agent))])
    session.commit()

    assert news == [(events.OFFER_CREATED, 1), (events.OFFER_WITHDRAWN, 1),
                    (events.OFFER_CREATED, 2)]
    session.expire_all()
    assert session.get(Offer, offer.id).attempt == 2
    assert (first.offered_user_id, again.offered_user_id) == (agent.id, agent.id)
