"""Customer lookup by phone among 1,000,000 customers, beside the raw indexed SQL query."""

from __future__ import annotations

import random
import time

from sqlalchemy import text

from bench.harness import budget, row, sample
from crm.customers.identity import normalise_phone
from crm.customers.search import search_customers
from crm.models import Client
from crm.tenancy import users

N_CUSTOMERS = 1_000_000
FIRST_NUMBER = 2012000000  # +1 201 200 0000: a real US area code and exchange range
RAW = text("SELECT cp.customer_id, c.id FROM contact_points cp "
           "JOIN cases c ON c.customer_id = cp.customer_id "
           "WHERE cp.client_id = :client AND cp.kind = 'phone' AND cp.value = :value")

# The rows are generated inside the database: a million Python dicts would take minutes.
_SQLITE = [
    "INSERT INTO customers (id, client_id, display_name, search_name, created_at, updated_at) "
    "SELECT i, :client, 'Customer ' || i, 'customer ' || i, :ts, :ts FROM n",
    "INSERT INTO contact_points (id, client_id, customer_id, kind, value, label, opt_outs, "
    "consents, created_at, digits_rev) SELECT i, :client, i, 'phone', '+1' || (:first + i), "
    "'mobile', '{}', '{}', :ts, reverse('1' || (:first + i)) FROM n",
    # The search keys the ORM writes for every name: the whole name and each later word.
    "INSERT INTO customer_name_keys (client_id, customer_id, key) "
    "SELECT :client, i, 'customer ' || i FROM n UNION ALL SELECT :client, i, '' || i FROM n",
    "INSERT INTO cases (id, client_id, customer_id, reference, status, priority, flags, sensitive, "
    "summary, last_activity_at, created_at, updated_at) SELECT i, :client, i, "
    "'CL-B' || printf('%08d', i), 'open', 'normal', '[]', 0, '', :ts, :ts, :ts FROM n",
]
_SQLITE_SERIES = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
_POSTGRES = [
    "INSERT INTO customers (id, client_id, display_name, search_name, created_at, updated_at) "
    "SELECT i, :client, 'Customer ' || i, 'customer ' || i, now(), now() "
    "FROM generate_series(1, :count) AS i",
    "INSERT INTO contact_points (id, client_id, customer_id, kind, value, label, opt_outs, "
    "consents, created_at, digits_rev) SELECT i, :client, i, 'phone', '+1' || (:first + i), "
    "'mobile', '{}', '{}', now(), reverse('1' || (:first + i)) "
    "FROM generate_series(1, :count) AS i",
    "INSERT INTO customer_name_keys (client_id, customer_id, key) "
    "SELECT :client, i, 'customer ' || i FROM generate_series(1, :count) AS i UNION ALL "
    "SELECT :client, i, i::text FROM generate_series(1, :count) AS i",
    "INSERT INTO cases (id, client_id, customer_id, reference, status, priority, flags, sensitive, "
    "summary, last_activity_at, created_at, updated_at) SELECT i, :client, i, "
    "'CL-B' || lpad(i::text, 8, '0'), 'open', 'normal', '[]', false, '', now(), now(), now() "
    "FROM generate_series(1, :count) AS i",
]


def run(env) -> list:
    """Load a million customers, then time search_customers on phones typed other ways."""
    session = env.session
    started = time.perf_counter()
    _load(session, env.dialect, env.client_id, N_CUSTOMERS)
    loaded = time.perf_counter() - started
    actor = users.create_user(session, "bench@caseline.bench", "Bench Agent", ["agent"], None,
                              [session.get(Client, env.client_id)])
    session.commit()
    assert actor.client_ids  # loaded now, with the user's clients, as a request's login does
    # Detached, the signed-in user keeps its clients across the rollbacks between samples: each
    # sample is the lookup itself, like the raw baseline, not reloading who is asking.
    for obj in (actor, *actor.clients):
        session.expunge(obj)
    rng = random.Random(3)
    picks = [rng.randint(1, N_CUSTOMERS) for _ in range(500)]
    queries = [(_typed(FIRST_NUMBER + i, k), i) for k, i in enumerate(picks)]
    turn = iter(range(10**9))

    def search():
        q, expected = queries[next(turn) % len(queries)]
        hits = search_customers(session, actor, q)
        assert hits and hits[0].customer.id == expected, (q, hits[:1])
        session.rollback()

    def normalise_and_select():
        q, expected = queries[next(turn) % len(queries)]
        found = session.execute(RAW, {"client": env.client_id,
                                      "value": normalise_phone(q)}).first()
        assert found[0] == expected
        session.rollback()

    def raw():
        _q, expected = queries[next(turn) % len(queries)]
        session.execute(RAW, {"client": env.client_id,
                              "value": f"+1{FIRST_NUMBER + expected}"}).first()
        session.rollback()

    def partial(q_of):
        def run_one():
            _q, expected = queries[next(turn) % len(queries)]
            hits = search_customers(session, actor, q_of(expected))
            assert expected in [h.customer.id for h in hits], (q_of(expected), hits[:3])
            session.rollback()
        return run_one

    last7 = partial(lambda i: str(FIRST_NUMBER + i)[-7:])
    by_name = partial(lambda i: f"Customer {i}")
    searched = sample(search, budget(search, 30.0), warmup=3)
    base = sample(raw, 2000)
    note = f"{N_CUSTOMERS:,} customers loaded in {loaded:.0f} s; target p99 < 5 ms"
    return [
        row("crm.customers.search.search_customers"
            f" (phone in another format, {N_CUSTOMERS:,} customers)",
            searched, "raw indexed SELECT (E.164 given)", base,
            f"{note}; {len(searched)} samples"),
        row("normalise_phone + the same indexed SELECT", sample(normalise_and_select, 2000),
            "raw indexed SELECT (E.164 given)", base, "what a phone lookup needs at least"),
        row(f"search_customers: last 7 digits typed ({N_CUSTOMERS:,} customers)",
            sample(last7, 500), "raw indexed SELECT (E.164 given)", base,
            "partial number: indexed range on reversed digits"),
        row(f"search_customers: name typed ({N_CUSTOMERS:,} customers)", sample(by_name, 500),
            "raw indexed SELECT (E.164 given)", base, "word-prefix range on name keys"),
    ]


def _typed(number: int, k: int) -> str:
    """A ten-digit US number as people type it: brackets, dots, spaces, +1 or not."""
    s = str(number)
    area, exchange, line = s[:3], s[3:6], s[6:]
    return [f"({area}) {exchange}-{line}", f"{area}.{exchange}.{line}",
            f"+1 {area}-{exchange}-{line}", f"1 {area} {exchange} {line}"][k % 4]


def _load(session, dialect: str, client_id: int, count: int) -> None:
    params = {"client": client_id, "count": count, "first": FIRST_NUMBER}
    if dialect == "postgresql":
        for sql in _POSTGRES:
            session.execute(text(sql), params)
        for table in ("customers", "contact_points", "cases"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :n)"),
                            {"n": count})
    else:
        params["ts"] = "2024-01-01 00:00:00.000000"
        # SQLite has no reverse(); lend it Python's for the digits_rev column.
        session.connection().connection.driver_connection.create_function(
            "reverse", 1, lambda v: v[::-1] if v is not None else None, deterministic=True)
        for sql in _SQLITE:
            session.execute(text(_SQLITE_SERIES + sql), params)
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()
    if dialect == "sqlite":
        # Fold the write-ahead log into the database file, so sizes and reads are steady.
        raw = session.get_bind().raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
