"""Routing decision time (200 agents, 1,000 waiting items) beside raw SQL; board fan-out to
500 sockets beside a bare emit (bench/fanout.py)."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import text

from bench import fanout
from bench.harness import row, sample
from console.demo.data.bulk import insert_rows
from crm.cases import timeline
from crm.customers import identity
from crm.models import Offer, User, utcnow
from crm.routing import router as routing

AGENTS, WAITING, N = 200, 1000, 30
LINES = ("insurance", "fraud", "collections", "general")
MEDIA = ("voice", "chat", "sms", "whatsapp", "email")

RAW_PICK = text(
    "SELECT id FROM offers WHERE status = 'open' AND offered_user_id IS NULL "
    "ORDER BY priority DESC, created_at, id LIMIT :n")
RAW_CLAIM = text("UPDATE offers SET offered_user_id = :u WHERE id = :id AND status = 'open' "
                 "AND offered_user_id IS NULL")


def run(env) -> list:
    """The fan-out first (its server must not see the waiting work), then routing passes."""
    return fanout.run(env) + _passes(env)


def _passes(env) -> list:
    """Seed agents and waiting work, then time routing passes (each rolled back)."""
    session = env.session
    rng = random.Random(4)
    insert_rows(session, User, ({"email": f"router{i}@bench.example", "name": f"Agent {i}",
                                 "roles": ["agent"], "skills": {}, "languages": ["en"],
                                 "capacity": {}} for i in range(AGENTS)))
    session.commit()
    user_ids = [u for (u,) in session.execute(text(
        "SELECT id FROM users WHERE email LIKE 'router%@bench.example' ORDER BY id"))]
    cases = []
    for i in range(50):
        _, case, _ = identity.find_or_create(session, env.client_id, f"+1415777{i:04d}")
        cases.append(case)
    now = utcnow()
    offers = []
    for k in range(WAITING):
        case = cases[k % len(cases)]
        medium = MEDIA[k % len(MEDIA)]
        item, _ = timeline.record(session, case, medium=medium, direction="inbound",
                                  status="received", body="waiting")
        offers.append({"client_id": env.client_id, "case_id": case.id,
                       "interaction_id": item.id, "queue": LINES[k % 4], "status": "open",
                       "medium": medium, "priority": rng.choice((0, 0, 0, 5)),
                       "offered_to": [], "declined_by": [],
                       "created_at": now - timedelta(seconds=WAITING - k)})
    insert_rows(session, Offer, offers)
    session.commit()
    skills = [{line: rng.randint(1, 4) for line in rng.sample(LINES[:3], rng.randint(1, 3))}
              for _ in user_ids]
    table = routing.rules(session)
    session.commit()

    def agents(ready: int) -> list[routing.Agent]:
        return [routing.Agent(uid, frozenset({env.client_id}), skills[i], ("en",), {},
                              ("agent",), True, "available" if i < ready else "busy", float(i))
                for i, uid in enumerate(user_ids)]

    one_free, all_free = agents(1), agents(AGENTS)

    def route_with(group):
        def go():
            routing.route(session, group, expiring=False, table=table)
            session.rollback()  # the same 1,000 waiting items every time
        return go

    def raw(n_claims: int):
        def go():
            ids = [i for (i,) in session.execute(RAW_PICK, {"n": WAITING})]
            for k in range(n_claims):
                session.execute(RAW_CLAIM, {"u": user_ids[k % AGENTS], "id": ids[k]})
            session.rollback()
        return go

    one = sample(route_with(one_free), N, warmup=3)
    offered_all = len(routing.route(session, all_free, expiring=False, table=table))
    session.rollback()
    full = sample(route_with(all_free), max(5, N // 3), warmup=1)
    return [
        row(f"route pass: 1 of {AGENTS} agents free, {WAITING:,} waiting", one,
            f"raw SQL: read {WAITING:,} waiting ids + 1 claim", sample(raw(1), N, warmup=3)),
        row(f"route pass: all {AGENTS} agents free, {WAITING:,} waiting "
            f"({offered_all} offers made)", full,
            f"raw SQL: read + {offered_all} claims", sample(raw(offered_all), max(5, N // 3),
                                                           warmup=1)),
    ]
