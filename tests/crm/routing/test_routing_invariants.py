"""The router under random arrivals, accepts, declines, expiries and disconnects (hypothesis)."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from crm.cases import timeline
from crm.core import events
from crm.core.errors import Conflict
from crm.customers import identity
from crm.models import Offer, RoutingQueue, utcnow
from crm.routing import offers
from crm.routing import router as routing
from crm.tenancy import clients as tenancy
from crm.tenancy import users

MEDIA = ("voice", "chat", "sms", "whatsapp", "email")
QUEUES = ("insurance", "fraud", "collections", "general")
# Ten agents of different skills, languages and capacities.
PROFILES = [
    ({"insurance": 3}, ["en"], {}),
    ({"insurance": 1, "fraud": 2}, ["en", "af"], {"chat": 1}),
    ({"fraud": 4}, ["en"], {"email": 2}),
    ({"collections": 2}, ["zu"], {}),
    ({"collections": 5, "insurance": 2}, ["en", "zu"], {"voice": 1, "chat": 5}),
    ({}, ["en"], {"sms": 1, "whatsapp": 1}),
    ({"fraud": 1}, ["af"], {}),
    ({"insurance": 2, "collections": 1}, ["en"], {"email": 3}),
    ({"general": 1}, ["en"], {"chat": 2}),
    ({"fraud": 2, "collections": 2, "insurance": 2}, [], {"voice": 0}),
]
_tenants = itertools.count()

arrival = st.tuples(st.just("arrive"), st.sampled_from(MEDIA), st.sampled_from(QUEUES))
by_agent = st.tuples(st.sampled_from(["accept", "decline", "disconnect", "reconnect",
                                      "finish", "away", "available"]),
                     st.integers(0, 9), st.integers(0, 3))
tick = st.tuples(st.just("expire"), st.just(0), st.just(0))
operations = st.lists(st.one_of(arrival, arrival, by_agent, by_agent, tick), min_size=20,
                      max_size=80)


def _world(session):
    """A fresh tenant with ten agents (its own work cannot mix with another example's)."""
    n = next(_tenants)
    tenant = tenancy.get_or_create(session, f"route-{n}", f"Routing {n}")
    people = []
    for i, (skills, langs, cap) in enumerate(PROFILES):
        user = users.create_user(session, f"r{n}-{i}@example.com", f"Agent {i}", ["agent"],
                                 "pw-long-enough-1", [tenant])
        user.skills, user.languages, user.capacity = skills, langs, cap
        people.append(user)
    # The fraud queue also needs Afrikaans or English speakers at level 2.
    if session.scalar(select(RoutingQueue).where(RoutingQueue.client_id == tenant.id)) is None:
        session.add(RoutingQueue(client_id=tenant.id, name="fraud", skills={"fraud": 2},
                                 languages=["en", "af"], priority=5))
    session.commit()
    return tenant, people


def _arrive(session, tenant, k: int, medium: str, queue: str) -> int:
    _, case, _ = identity.find_or_create(session, tenant.id, f"+1415555{k:04d}")
    item, _ = timeline.record(session, case, medium=medium, direction="inbound",
                              status="received", body="hello", meta={"queue": queue})
    if medium == "voice":
        offer = offers.open_offer(session, item, queue, new_call=True)
    else:
        offer = routing.enqueue_interaction(session, item.id)
    session.commit()
    return offer.id


def _check(session, tenant, agents: dict[int, routing.Agent], arrived: list[int], made,
           table) -> None:
    rows = {o.id: o for o in session.scalars(select(Offer).where(
        Offer.client_id == tenant.id))}
    # Nothing dropped or doubled: one row per arrival, each open, taken once, or done.
    assert sorted(rows) == sorted(arrived)
    for offer in made:
        agent = agents[offer.offered_user_id]
        rule = routing.rule_for(table, offer.client_id, offer.queue)
        assert agent.status == "available" and agent.connected
        assert routing.eligible(agent, offer, rule), (offer.queue, agent)
        assert agent.id not in (offer.declined_by or [])
    held = Counter()
    for o in rows.values():
        assert o.status in ("open", "accepted", "done")
        if o.status == "open" and o.offered_user_id:
            held[(o.offered_user_id, o.medium)] += 1
        if o.status in ("accepted", "done"):
            assert o.accepted_by_id is not None
        if o.status == "accepted":
            held[(o.accepted_by_id, o.medium)] += 1
    for (uid, medium), n in held.items():
        assert n <= agents[uid].capacity_for(medium), (uid, medium, n)


@settings(max_examples=6, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_random_traffic_keeps_the_routing_invariants(session, ops):
    events.clear_listeners()  # the domain alone: no console reacting to each commit
    tenant, people = _world(session)
    by_id = {u.id: u for u in people}
    agents = {u.id: routing.Agent.of(u, status="available", since=float(i))
              for i, u in enumerate(people)}
    arrived: list[int] = []
    accepted: Counter = Counter()
    clock = utcnow()
    table = routing.rules(session)
    session.commit()
    # Fifty arrivals at least, scattered among the random operations.
    extra = [("arrive", MEDIA[i % 5], QUEUES[i % 4]) for i in range(max(0, 50 - sum(
        1 for o in ops if o[0] == "arrive")))]
    steps = list(itertools.chain.from_iterable(itertools.zip_longest(ops, extra)))
    for step in filter(None, steps):
        kind, a, b = step
        uid = people[a].id if isinstance(a, int) else None
        if kind == "arrive":
            arrived.append(_arrive(session, tenant, len(arrived), a, b))
        elif kind == "expire":
            clock += routing.OFFER_TIMEOUT + timedelta(seconds=1)
        elif kind in ("accept", "decline"):
            mine = session.scalars(select(Offer.id).where(
                Offer.offered_user_id == uid, Offer.status == "open")).all()
            if mine:
                target = mine[b % len(mine)]
                if kind == "accept":
                    try:
                        offers.accept(session, by_id[uid], target)
                        accepted[target] += 1
                    except Conflict:
                        session.rollback()
                else:
                    offers.decline(session, by_id[uid], target)
                session.commit()
        elif kind == "finish":
            mine = session.scalars(select(Offer.interaction_id).where(
                Offer.accepted_by_id == uid, Offer.status == "accepted")).all()
            if mine:
                routing.finish(session, mine[b % len(mine)])
                session.commit()
        elif kind == "disconnect":
            agents[uid] = replace(agents[uid], connected=False)
            routing.release_agent(session, uid)
            session.commit()
        elif kind == "reconnect":
            agents[uid] = replace(agents[uid], connected=True)
        else:  # away / available
            agents[uid] = replace(agents[uid], status=kind)
            if kind == "away":
                routing.release_agent(session, uid)
                session.commit()
        made = routing.route(session, list(agents.values()), clock)
        session.commit()
        _check(session, tenant, agents, arrived, made, table)
    assert len(arrived) >= 50
    assert all(n == 1 for n in accepted.values())  # an item is never worked twice

    # Drain: everyone back and accepting; each item ends assigned once, or still waiting
    # because nobody eligible is left who has not declined it.
    agents = {uid: replace(a, status="available", connected=True) for uid, a in agents.items()}
    for interaction_id in session.scalars(select(Offer.interaction_id).where(
            Offer.client_id == tenant.id, Offer.status == "accepted")).all():
        routing.finish(session, interaction_id)
    session.commit()
    for _ in range(200):
        routing.route(session, list(agents.values()), clock)
        session.commit()
        pending = session.execute(select(Offer.id, Offer.offered_user_id).where(
            Offer.client_id == tenant.id, Offer.status == "open",
            Offer.offered_user_id.is_not(None))).all()
        if not pending:
            break
        for offer_id, uid in pending:
            offers.accept(session, by_id[uid], offer_id)
            accepted[offer_id] += 1
            session.commit()
            routing.finish(session, session.get(Offer, offer_id).interaction_id)
            session.commit()
    assert all(n == 1 for n in accepted.values())
    for o in session.scalars(select(Offer).where(Offer.client_id == tenant.id)):
        if o.status == "open":
            rule = routing.rule_for(table, o.client_id, o.queue)
            assert not [a for a in agents.values() if routing.eligible(a, o, rule)
                        and a.capacity_for(o.medium) > 0
                        and a.id not in (o.declined_by or [])], "an item was left behind"
        else:
            assert o.accepted_by_id is not None
    session.commit()
