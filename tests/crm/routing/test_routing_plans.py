"""Routing reads live work through live-only indexes: years of finished offers never slow it."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from crm.cases import timeline
from crm.customers import identity
from crm.models import Offer
from crm.models.voice import LIVE_INDEXES
from crm.routing import router as routing
from crm.tenancy import clients as tenancy
from crm.tenancy import users

# Indexes whose rows are live work only, or one row per key.
LIVE_ONLY = set(LIVE_INDEXES) | {"sqlite_autoindex_offers_1"}


def _finished_history(session, tenant, agent, case, n: int) -> None:
    """n conversations of the case, each taken by the agent and done."""
    for i in range(n):
        item, _ = timeline.record(session, case, medium="sms", direction="inbound",
                                  status="received", body=f"message {i}")
        offer = routing.enqueue_interaction(session, item.id)
        offer.status, offer.offered_user_id, offer.accepted_by_id = "done", agent.id, agent.id
    session.commit()


def test_every_read_of_live_work_uses_a_live_only_index(session):
    """On SQLite, EXPLAIN the live-work reads of an enqueue, a routing pass and a sign-out."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite; PostgreSQL plans depend on table stats")
    tenant = tenancy.default_client(session)
    user = users.create_user(session, "plans@example.com", "Plan Agent", ["agent"],
                             "pw-long-enough-1", [tenant])
    _, case, _ = identity.find_or_create(session, tenant.id, "+14155550100")
    _finished_history(session, tenant, user, case, 30)

    statements = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if "status = 'open'" in statement or "status IN ('open'" in statement:
            statements.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        item, _ = timeline.record(session, case, medium="sms", direction="inbound",
                                  status="received", body="one more")
        routing.enqueue_interaction(session, item.id)
        made = routing.route(session, [routing.Agent.of(user)])
        routing.release_agent(session, user.id)
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert made and len(statements) >= 3

    conn = session.connection()
    for statement, parameters in statements:
        plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                        parameters)]
        on_offers = [p for p in plan if " offers " in f"{p} "]
        assert on_offers, (statement, plan)
        for step in on_offers:
            # "SEARCH offers USING INDEX ix_… (…)": the index named must hold live rows only,
            # or be the status index looked up by a live status.
            assert step.startswith("SEARCH offers"), (statement, plan)
            index = step.split(" INDEX ")[1].split()[0] if " INDEX " in step else None
            assert index in LIVE_ONLY or (index == "ix_offers_status_created"
                                          and "(status=?" in step), (statement, plan)
    session.rollback()
    assert session.scalar(select(Offer.status).where(Offer.interaction_id == item.id)) == "open"
