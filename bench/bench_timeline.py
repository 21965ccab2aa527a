"""Timeline pages of a 100- and a 100,000-interaction case, beside the raw keyset SQL."""

from __future__ import annotations

import random
import tempfile
from datetime import timedelta

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.orm import Session

from bench.harness import row, sample, sample_pair, skipped
from console.demo.data.bulk import insert_rows
from crm.cases import timeline
from crm.models import Case, Client, Customer, Interaction, utcnow
from crm.models.base import UTCDateTime
from crm.tenancy import users

SMALL, LARGE, DEEP = 100, 100_000, 10_000
PAGE = 50
N = 300
MEDIA = [("voice", "inbound", "completed"), ("sms", "outbound", "delivered"),
         ("whatsapp", "inbound", "received"), ("email", "outbound", "sent"),
         ("chat", "inbound", "received"), ("note", "internal", "saved"),
         ("system", "internal", "recorded")]
FIRST_PAGE = text("SELECT * FROM interactions WHERE case_id = :case "
                  "ORDER BY occurred_at DESC, id DESC LIMIT :n")
AFTER_CURSOR = text(
    "SELECT * FROM interactions WHERE case_id = :case "
    "AND (occurred_at, id) < (:at, :id) "
    "ORDER BY occurred_at DESC, id DESC LIMIT :n"
).bindparams(bindparam("at", type_=UTCDateTime()))


def run(env) -> list:
    """Load both cases, then time first pages, a deep page and the HTTP route."""
    session = env.session
    actor = users.create_user(session, "bench@caseline.bench", "Bench Agent", ["agent"], None,
                              [session.get(Client, env.client_id)])
    small, large = _cases(session, env.client_id)
    _interactions(session, env.client_id, small, SMALL, random.Random(1))
    _interactions(session, env.client_id, large, LARGE, random.Random(2))
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()

    def page_of(case_id, before=None):
        def go():
            timeline.page(session, actor, case_id, limit=PAGE, before=before)
            session.rollback()
        return go

    def raw(case_id, cursor=None):
        def go():
            if cursor is None:
                session.execute(FIRST_PAGE, {"case": case_id, "n": PAGE + 1}).all()
            else:
                at, ident = timeline.decode_cursor(cursor)
                session.execute(AFTER_CURSOR, {"case": case_id, "at": at, "id": ident,
                                               "n": PAGE + 1}).all()
            session.rollback()
        return go

    deep = _cursor_back(session, large, DEEP)
    first_small, first_large = sample_pair(page_of(small), page_of(large), N)
    rows = [
        row(f"timeline.page first page ({SMALL} items)", first_small,
            "raw keyset SQL", sample(raw(small), N)),
        row(f"timeline.page first page ({LARGE:,} items)", first_large,
            "raw keyset SQL", sample(raw(large), N)),
        row(f"timeline.page {DEEP:,} items back ({LARGE:,} items)", sample(
            page_of(large, deep), N), "raw keyset SQL", sample(raw(large, deep), N)),
        row(f"first page, {LARGE:,}-item case", first_large, f"first page, {SMALL}-item case",
            first_small, "target ratio ≤ 1.5x; timed alternately"),
        _scroll(session, actor, large),
    ]
    return rows + _http(env, actor, large)


def _cases(session: Session, client_id: int) -> tuple[int, int]:
    ids = []
    for n in (1, 2):
        customer = session.scalar(insert(Customer).returning(Customer.id), {
            "client_id": client_id, "display_name": f"Bench {n}", "search_name": f"bench {n}"})
        ids.append(session.scalar(insert(Case).returning(Case.id), {
            "client_id": client_id, "customer_id": customer, "reference": f"CL-BENCH{n:03d}"}))
    return ids[0], ids[1]


def _interactions(session: Session, client_id: int, case_id: int, n: int,
                  rng: random.Random) -> None:
    """n interactions over five years; some share a timestamp, as real traffic does."""
    now = utcnow()
    span = 5 * 365 * 24 * 3600

    def rows():
        for k in range(n):
            medium, direction, status = rng.choice(MEDIA)
            when = now - timedelta(seconds=rng.randint(0, span) // 60 * 60)
            yield {"client_id": client_id, "case_id": case_id, "medium": medium,
                   "direction": direction, "status": status,
                   "provider_id": f"B{case_id}-{k}" if medium not in ("note", "system") else None,
                   "thread_key": None, "subject": None,
                   "body": f"Bench interaction {k} " + "lorem ipsum " * rng.randint(2, 20),
                   "from_addr": "+14155550100", "to_addr": "+14155550199", "agent_id": None,
                   "disposition": None, "duration_seconds": None, "status_seq": -1, "meta": {},
                   "occurred_at": when, "created_at": when, "updated_at": when}

    insert_rows(session, Interaction, rows(), batch=10_000)


def _cursor_back(session: Session, case_id: int, depth: int) -> str:
    """The cursor after the depth-th newest item: where scrolling that far back continues."""
    item = session.scalars(
        select(Interaction).where(Interaction.case_id == case_id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .offset(depth - 1).limit(1)).one()
    cursor = timeline.encode_cursor(item)
    session.rollback()
    return cursor


def _scroll(session, actor, case_id: int):
    """Following cursors from the top 10,000 items back (200 pages), per page."""
    def scroll():
        cursor = None
        for _ in range(DEEP // PAGE):
            cursor = timeline.page(session, actor, case_id, limit=PAGE, before=cursor).next_cursor
            session.rollback()

    per_page = [t / (DEEP // PAGE) for t in sample(scroll, 3, warmup=1)]
    return row(f"timeline.page scrolling {DEEP:,} back by cursor (per page)", per_page,
               "itself", per_page, "mean of 200 pages, 3 runs")


def _http(env, actor, case_id: int) -> list:
    """GET the timeline through Flask beside a bare Flask endpoint returning the same JSON."""
    from flask import Flask, jsonify

    from console.app import create_app
    from console.core.config import Settings

    path = f"/api/v1/cases/{case_id}/timeline"
    name = f"GET {path.replace(str(case_id), '<id>')} first page ({LARGE:,} items)"
    token = users.issue_token(env.session, actor, "bench")
    env.session.commit()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(database_url=env.url, instance_path=tmp, tasks_mode="eager",
                                  secret_key="bench-secret-key-" + "x" * 32))
        rules = {r.rule for r in app.url_map.iter_rules()}
        if "/api/v1/cases/<int:case_id>/timeline" not in rules:
            return [skipped(name, "route not on this branch yet")]
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        resp = client.get(f"{path}?limit={PAGE}", headers=headers)
        if resp.status_code != 200:
            return [skipped(name, f"HTTP {resp.status_code}")]
        body, payload = resp.get_data(), resp.get_json()
        bare = Flask("bare")
        bare.add_url_rule("/t", "t", lambda: jsonify(payload))
        bare_client = bare.test_client()
        real = sample(lambda: client.get(f"{path}?limit={PAGE}", headers=headers), N)
        base = sample(lambda: bare_client.get("/t"), N)
        from console.core.database import get_db

        get_db(app).engine.dispose()
    return [row(name, real, "bare Flask route, same JSON", base, f"{len(body):,} bytes")]
