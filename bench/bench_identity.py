"""Resolving a known phone number to its customer and case, beside the raw indexed SQL."""

from __future__ import annotations

import random

from sqlalchemy import insert, text

from bench.harness import row, sample
from crm.customers import identity
from crm.models import Case, ContactPoint, Customer

N_CUSTOMERS = 20_000


def run(env) -> list:
    """Seed customers in bulk, then time find_or_create on existing numbers."""
    session, client_id = env.session, env.client_id
    _bulk(session, client_id, N_CUSTOMERS)
    rng = random.Random(1)
    numbers = [f"+1415{n:07d}" for n in range(N_CUSTOMERS)]

    def resolve():
        identity.find_or_create(session, client_id, rng.choice(numbers))
        session.rollback()

    raw = text("SELECT cp.customer_id FROM contact_points cp WHERE cp.client_id = :c "
               "AND cp.kind = 'phone' AND cp.value = :v")

    def baseline():
        session.execute(raw, {"c": client_id, "v": rng.choice(numbers)}).first()
        session.rollback()

    return [row(f"find_or_create (known phone, {N_CUSTOMERS:,} customers)",
                sample(resolve, 2000), "raw indexed SELECT", sample(baseline, 2000))]


def _bulk(session, client_id: int, n: int) -> None:
    customers = [{"id": i + 1, "client_id": client_id, "display_name": f"C{i}",
                  "search_name": f"c{i}"} for i in range(n)]
    session.execute(insert(Customer), customers)
    session.execute(insert(ContactPoint), [
        {"client_id": client_id, "customer_id": i + 1, "kind": "phone", "value": f"+1415{i:07d}"}
        for i in range(n)])
    session.execute(insert(Case), [
        {"client_id": client_id, "customer_id": i + 1, "reference": f"CL-B{i:08d}"}
        for i in range(n)])
    session.commit()
