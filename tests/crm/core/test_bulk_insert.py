"""bulk_insert: many rows as driver tuples (COPY on PostgreSQL), read back as the ORM wrote them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from crm.core import db
from crm.models import AuditEvent, Case, Customer


def test_rows_read_back_as_written_with_defaults_filled(session, default_client):
    at = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    db.bulk_insert(session.connection(), AuditEvent.__table__, [
        {"actor_id": None, "actor_label": "system", "action": "x.made", "object_type": "x",
         "object_id": str(n), "client_id": default_client.id, "before": None,
         "after": {"n": n, "on": date(2026, 1, n + 1).isoformat()}, "at": at}
        for n in range(3)])
    db.bulk_insert(session.connection(), Customer.__table__, [
        {"id": 900 + n, "client_id": default_client.id, "display_name": f"Ana {n}",
         "search_name": f"ana {n}", "external_ref": None} for n in range(2)])
    session.commit()
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "x.made")
                             .order_by(AuditEvent.id)).all()
    assert [(e.object_id, e.after["n"], e.at) for e in events] == [
        ("0", 0, at), ("1", 1, at), ("2", 2, at)]
    assert events[0].after["on"] == "2026-01-01" and events[0].before is None
    made = session.scalars(select(Customer).where(Customer.id >= 900)).all()
    assert [c.display_name for c in made] == ["Ana 0", "Ana 1"]
    # The defaults the ORM would have filled in: one timestamp for the lot.
    assert made[0].created_at == made[1].created_at and made[0].created_at.tzinfo is not None
    assert made[0].merged_into_id is None


def test_nothing_to_insert_is_fine(session):
    db.bulk_insert(session.connection(), Case.__table__, [])
