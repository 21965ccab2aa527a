"""The router: offer each waiting item, highest priority and longest waiting first, to ONE agent.

Agents come in as `Agent` snapshots (the console's presence store keeps them); the database is
the referee: an offer and an accept are conditional UPDATEs, so two routers (two web
processes) never offer or hand out one item twice.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta

from sqlalchemy import bindparam, cast, exists, func, literal, select, text, union_all, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crm.core import db, events
from crm.hours import outside
from crm.models import Case, Interaction, Offer, RoutingQueue, User, utcnow
from crm.models.voice import ACCEPTED, OPEN

DEFAULT_CAPACITY = {"voice": 1, "chat": 3, "sms": 5, "whatsapp": 5, "email": 10,
                    "investigation": 10}
# Answer time for calls and chats; first-response time for messages and email.
DEFAULT_SLA = {"voice": 30, "chat": 60, "sms": 3600, "whatsapp": 3600, "email": 4 * 3600,
               "investigation": 24 * 3600}
LINES = ("insurance", "fraud", "collections", "retention", "general")
ROUTED_MEDIA = ("voice", "sms", "whatsapp", "chat", "email")
OFFER_TIMEOUT = timedelta(seconds=30)
LAST_AGENT_WINDOW = timedelta(days=7)
SLA_BOOST = 10
WAITING_AT_MOST = 2000
ROUTING_LOCK_KEY = 0x43617365  # "Case": the advisory lock id of routing passes


@dataclass(frozen=True)
class Agent:
    """What routing needs of an agent: who they are, what they may take, and their state."""

    id: int
    client_ids: frozenset[int]
    skills: dict
    languages: tuple[str, ...] = ()
    capacity: dict = field(default_factory=dict)
    roles: tuple[str, ...] = ()
    active: bool = True
    status: str = "available"
    since: float = 0.0  # when the status began (epoch seconds): longest idle first
    connected: bool = True

    @classmethod
    def of(cls, user: User, **state) -> Agent:
        """A snapshot of a user."""
        return cls(user.id, frozenset(user.client_ids), dict(user.skills or {}),
                   tuple(user.languages or ()), dict(user.capacity or {}),
                   tuple(user.roles or ()), user.active, **state)

    def has_role(self, *roles: str) -> bool:
        """As User.has_role: admin holds every role."""
        return "admin" in self.roles or any(r in self.roles for r in roles)

    def level(self, skill: str) -> int:
        """Skill level (a role of the same name counts as level 1)."""
        try:
            level = int(self.skills.get(skill, 0) or 0)
        except (TypeError, ValueError):
            level = 1
        return level or (1 if skill in self.roles else 0)

    def capacity_for(self, medium: str) -> int:
        """How many items of a medium at once."""
        try:
            return int(self.capacity.get(medium, DEFAULT_CAPACITY.get(medium, 1)))
        except (TypeError, ValueError):
            return DEFAULT_CAPACITY.get(medium, 1)


@dataclass(frozen=True)
class Rule:
    """A queue's routing rule (a RoutingQueue row, or the default for its name)."""

    name: str
    skills: dict
    languages: tuple[str, ...] = ()
    priority: int = 0
    sla_seconds: dict = field(default_factory=dict)
    sticky_seconds: int = 0
    escalate_to: tuple[int, ...] = ()

    @classmethod
    def default(cls, name: str) -> Rule:
        """Line-of-work queues need the skill of their name; general needs none."""
        return cls(name, {} if name == "general" else {name: 1})

    def sla_for(self, medium: str) -> int:
        """Seconds to answer (or first-respond to) an item of this medium."""
        return int(self.sla_seconds.get(medium, DEFAULT_SLA.get(medium, 3600)))


@dataclass(frozen=True)
class Waiting:
    """What a routing pass reads of a waiting item: a row of columns, not an ORM object."""

    id: int
    client_id: int
    case_id: int
    interaction_id: int
    queue: str
    medium: str
    priority: int
    language: str | None
    created_at: datetime
    offered_to: list
    declined_by: list
    attempt: int
    offered_user_id: int | None = None  # who it was offered to, in the items a pass returns


def rules(session: Session) -> dict[tuple[int | None, str], Rule]:
    """Every configured queue, keyed by (client id or None, name)."""
    found = {}
    for q in session.scalars(select(RoutingQueue).where(RoutingQueue.active.is_(True))):
        found[(q.client_id, q.name)] = Rule(q.name, dict(q.skills or {}), tuple(q.languages or ()),
                                            q.priority, dict(q.sla_seconds or {}),
                                            q.sticky_seconds, tuple(q.escalate_to or ()))
    return found


def queue_names(session: Session, client_id: int) -> list[str]:
    """The queues a client's work can wait in: the lines of work and its configured queues."""
    configured = session.scalars(select(RoutingQueue.name).where(
        RoutingQueue.active.is_(True),
        RoutingQueue.client_id.is_(None) | (RoutingQueue.client_id == client_id)))
    return sorted(set(LINES) | set(configured))


def rule_for(table: dict, client_id: int, name: str) -> Rule:
    """The client's own rule, else the shared one, else the default."""
    return table.get((client_id, name)) or table.get((None, name)) or Rule.default(name)


def eligible(agent: Agent, item: Offer | Waiting, rule: Rule) -> bool:
    """May this agent take this item at all (ignoring status and load)."""
    if item.client_id not in agent.client_ids or not agent.active:
        return False
    if any(agent.level(s) < int(lvl or 1) for s, lvl in rule.skills.items()):
        return False
    if rule.languages and not set(rule.languages) & set(agent.languages):
        return False
    # An item in a known language goes to agents who list it (or list none at all).
    return not (item.language and agent.languages and item.language not in agent.languages)


def loads(session: Session, user_ids) -> dict[int, dict[str, int]]:
    """Items per agent per medium: offered to them now, or theirs and not done."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ids = list(user_ids)
    if not ids:
        return counts
    session.flush()  # Core statements below: what the session holds is in the database first
    for uid, medium, n in session.connection().execute(_LOADS, {"ids": ids}):
        counts[uid][medium] += n
    return counts


# The statements of a routing pass, built once: building them costs more than running them
# (a pass joins the screen pop's transaction, so it is on a caller's clock).
_offers = Offer.__table__
_cases = Case.__table__
# In Waiting's field order: a pass loads up to WAITING_AT_MOST of them.
_WAITING = (
    select(*(_offers.c[f.name] for f in fields(Waiting) if f.name != "offered_user_id"))
    .where(_offers.c.status == OPEN, _offers.c.offered_user_id.is_(None),
           _offers.c.client_id.in_(bindparam("clients", expanding=True)))
    .order_by(_offers.c.priority.desc(), _offers.c.created_at, _offers.c.id)
    .limit(WAITING_AT_MOST))
# Offered to an agent now, or accepted by them and not done: one round trip for both.
_LOADS = union_all(*(
    select(who, _offers.c.medium, func.count())
    .where(_offers.c.status == status, who.in_(bindparam("ids", expanding=True)))
    .group_by(who, _offers.c.medium)
    for who, status in ((_offers.c.offered_user_id, OPEN),
                        (_offers.c.accepted_by_id, ACCEPTED))))
# A case's owner first, then the agents who took its work, newest first.
_PREFERRED = union_all(
    select(_cases.c.id.label("case_id"), _cases.c.owner_id.label("user_id"),
           literal(0).label("rank"), _cases.c.created_at.label("at"))
    .where(_cases.c.id.in_(bindparam("case_ids", expanding=True)),
           _cases.c.owner_id.is_not(None)),
    select(_offers.c.case_id, _offers.c.accepted_by_id, literal(1), _offers.c.accepted_at)
    .where(_offers.c.case_id.in_(bindparam("case_ids", expanding=True)),
           _offers.c.accepted_by_id.is_not(None), _offers.c.accepted_at >= bindparam("since")),
).subquery()
_PREFERRED = select(_PREFERRED.c.case_id, _PREFERRED.c.user_id).order_by(
    _PREFERRED.c.rank, _PREFERRED.c.at.desc())
# Only the attempt read is replaced: a router holding an older read of the item loses.
_OFFER_TO = (
    update(_offers).where(_offers.c.id == bindparam("item_id"), _offers.c.status == "open",
                          _offers.c.offered_user_id.is_(None),
                          _offers.c.attempt == bindparam("attempt_read"))
    .values({c: bindparam(f"new_{c.name}", type_=c.type) for c in (
        _offers.c.offered_user_id, _offers.c.offered_at, _offers.c.offer_expires_at,
        _offers.c.offered_to, _offers.c.attempt)}))


def expire(session: Session, now: datetime | None = None) -> list[Offer]:
    """Take back offers nobody answered in time (agents not yet offered the item go first)."""
    now = now or utcnow()
    gone = []
    for offer in session.scalars(select(Offer).where(
            Offer.status == OPEN, Offer.offered_user_id.is_not(None),
            Offer.offer_expires_at < now)):
        if take_back(session, offer, offer.offered_user_id, "expired", exclude=False):
            gone.append(offer)
    return gone


def take_back(session: Session, offer: Offer, user_id: int, reason: str,
              *, exclude: bool = True) -> bool:
    """End the offer of an item to one agent (expired, declined, gone); it waits again."""
    won = session.execute(
        update(Offer).where(Offer.id == offer.id, Offer.status == "open",
                            Offer.offered_user_id == user_id)
        .values(offered_user_id=None, offered_at=None, offer_expires_at=None)
        .execution_options(synchronize_session=False)).rowcount
    if won != 1:
        return False
    session.refresh(offer)
    if exclude:
        offer.declined_by = sorted(set(offer.declined_by or []) | {user_id})
    events.emit(session, events.OFFER_WITHDRAWN, offer_id=offer.id, user_id=user_id,
                attempt=offer.attempt, reason=reason, case_id=offer.case_id,
                client_id=offer.client_id)
    events.emit(session, events.WORK_QUEUED, offer_id=offer.id, client_id=offer.client_id)
    return True


def release_agent(session: Session, user_id: int, reason: str = "offline") -> int:
    """An agent went offline or away: their pending offers go back to the queue."""
    pending = session.scalars(select(Offer).where(Offer.status == OPEN,
                                                  Offer.offered_user_id == user_id)).all()
    return sum(take_back(session, o, user_id, reason, exclude=False) for o in pending)


def _preferred(session: Session, waiting: list[Waiting]) -> dict[int, list[int]]:
    """Per case, the owner then the last agent who took its work (recently)."""
    case_ids = {o.case_id for o in waiting}
    if not case_ids:
        return {}
    pref: dict[int, list[int]] = defaultdict(list)
    for cid, uid in session.connection().execute(_PREFERRED, {
            "case_ids": list(case_ids), "since": utcnow() - LAST_AGENT_WINDOW}):
        if uid not in pref[cid]:
            pref[cid].append(uid)
    return pref


def order(items: list[Waiting], table: dict) -> list[Waiting]:
    """Highest priority first (item boost + queue priority), then longest waiting."""
    return sorted(items, key=lambda o: (-(o.priority + rule_for(table, o.client_id,
                                                                 o.queue).priority),
                                        o.created_at, o.id))


def route(session: Session, agents: list[Agent], now: datetime | None = None,
          *, timeout: timedelta = OFFER_TIMEOUT, expiring: bool = True,
          table: dict | None = None) -> list[Waiting]:
    """Offer waiting items to eligible available agents; returns the items offered.

    expiring: take back overdue offers first (a periodic sweep does it for the console, to
    keep the screen pop's path short); table: the queue rules, when the caller caches them.
    """
    now = now or utcnow()
    _one_router_at_a_time(session)
    if expiring:
        expire(session, now)
    ready = [a for a in agents if a.status == "available" and a.connected and a.active]
    if not ready:
        return []
    clients = set().union(*(a.client_ids for a in ready))
    session.flush()  # Core reads from here on: the session's changes reach the database first
    waiting = [Waiting(*row) for row in session.connection().execute(
        _WAITING, {"clients": list(clients)})]
    if not waiting:
        return []
    table = rules(session) if table is None else table
    # Messages outside their queue's business hours wait for the morning (calls and chats
    # are stopped at the door instead, so one already waiting is still answered).
    shut = outside.closed_queues(session, {(w.client_id, w.queue) for w in waiting
                                           if w.medium in outside.HELD_MEDIA}, now)
    if shut:
        waiting = [w for w in waiting if (w.client_id, w.queue) not in shut
                   or w.medium not in outside.HELD_MEDIA]
    load = loads(session, [a.id for a in ready])
    present = {a.id for a in agents if a.connected and a.status != "offline"}
    pref = _preferred(session, waiting)
    made = []
    for item in order(waiting, table):
        rule = rule_for(table, item.client_id, item.queue)
        declined = set(item.declined_by or [])
        fits = [a for a in ready if a.id not in declined and eligible(a, item, rule)
                and load[a.id][item.medium] < a.capacity_for(item.medium)]
        liked = [a for uid in pref.get(item.case_id, ()) for a in fits if a.id == uid]
        waited = (now - item.created_at).total_seconds()
        if not liked and waited < rule.sticky_seconds and any(
                uid in present and uid not in declined for uid in pref.get(item.case_id, ())):
            continue  # its owner / last agent is signed in and will be free soon
        if not fits:
            continue
        seen = set(item.offered_to or [])  # after an expiry, someone new first
        chosen = liked[0] if liked else min(fits, key=lambda a: (a.id in seen, a.since, a.id))
        if offer_to(session, item, chosen.id, now, timeout):
            load[chosen.id][item.medium] += 1
            made.append(replace(item, offered_user_id=chosen.id))
    return made


def _one_router_at_a_time(session: Session) -> None:
    # A pass reads agents' loads, then writes offers: two web processes routing at once could
    # both fill an agent's last slot. PostgreSQL: a transaction-level advisory lock serializes
    # passes (released at commit). SQLite: BEGIN IMMEDIATE already makes writers take turns.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROUTING_LOCK_KEY})


def offer_to(session: Session, item: Offer | Waiting, user_id: int, now: datetime,
             timeout: timedelta = OFFER_TIMEOUT) -> bool:
    """Offer a waiting item to one agent (a conditional UPDATE: one router wins).

    Each offer is a new attempt: the page tells a re-offer from the offer it replaces.
    """
    # offered_to only changes while an item is offered, so the list read with it is current.
    values = {"offered_user_id": user_id, "offered_at": now, "offer_expires_at": now + timeout,
              "offered_to": sorted(set(item.offered_to or []) | {user_id}),
              "attempt": (item.attempt or 0) + 1}
    session.flush()  # a Core statement: the session's changes reach the database first
    won = session.connection().execute(_OFFER_TO, {
        "item_id": item.id, "attempt_read": item.attempt or 0,
        **{f"new_{k}": v for k, v in values.items()}}).rowcount
    if won != 1:
        return False
    # The row as written, without reading it back, on the object the session holds (if any).
    held = item if isinstance(item, Offer) else db.held(session, Offer, item.id)
    if held is not None:
        for key, value in values.items():
            set_committed_value(held, key, value)
    events.emit(session, events.OFFER_CREATED, offer_id=item.id, user_id=user_id,
                attempt=values["attempt"], interaction_id=item.interaction_id,
                case_id=item.case_id, client_id=item.client_id)
    return True


def enqueue_interaction(session: Session, interaction_id: int) -> Offer | None:
    """An inbound message opens (or reopens) a conversation: one work item while none is live."""
    made = enqueue_many(session, [interaction_id])
    return made[0] if made else None


def enqueue_many(session: Session, interaction_ids) -> list[Offer]:
    """enqueue_interaction for the messages of one transaction, in one statement. A message is
    considered once per transaction; of several in one conversation, the first opens it."""
    seen = db.noted(session, "routing.enqueued")
    items, conversations = [], set()
    for ident in interaction_ids:
        if ident in seen:
            continue
        seen.add(ident)
        item = session.get(Interaction, ident)
        if item is None or item.direction != "inbound" or item.medium not in ROUTED_MEDIA \
                or item.medium == "voice" or (item.case_id, item.medium) in conversations \
                or (item.meta or {}).get(outside.OFFLINE_FORM):  # a callback task has it
            continue
        conversations.add((item.case_id, item.medium))
        items.append(item)
    if not items:
        return []
    outside.auto_reply(session, items)  # stored and queued all the same
    now = utcnow()
    values = [{"client_id": i.client_id, "case_id": i.case_id, "interaction_id": i.id,
               "queue": (i.meta or {}).get("queue") or "general", "medium": i.medium,
               "offered_to": [], "declined_by": [], "status": "open", "created_at": now,
               "priority": 0, "sla_breached": False} for i in items]
    try:
        stmt = _enqueue_statement(session.get_bind().dialect.name, len(values))
    except NotImplementedError:
        return [o for o in (_enqueue_checked(session, v) for v in values) if o is not None]
    session.flush()  # a Core statement: the session's changes reach the database first
    rows = session.connection().execute(stmt, {
        f"{key}_{n}": value for n, v in enumerate(values) for key, value in v.items()}).all()
    # Inserted unless the conversation had a live item, or the message its own already.
    made = sorted((db.adopt(session, Offer, row) for row in rows), key=lambda o: o.id)
    for offer in made:
        events.emit(session, events.WORK_QUEUED, offer_id=offer.id, client_id=offer.client_id)
    return made


def _enqueue_checked(session: Session, values: dict) -> Offer | None:
    # Where the database has no INSERT .. ON CONFLICT: look, then insert.
    if session.connection().execute(_LIVE_OR_OWN, values).first() is not None:
        return None
    offer = Offer(**values)
    session.add(offer)
    session.flush()
    events.emit(session, events.WORK_QUEUED, offer_id=offer.id, client_id=offer.client_id)
    return offer


# A live item of the conversation, or this message's own. Offers are flushed as they are
# added, so Core sees them all.
_LIVE_OR_OWN = select(_offers.c.id).where(
    (_offers.c.interaction_id == bindparam("interaction_id"))
    | (_offers.c.case_id == bindparam("case_id")) & (_offers.c.medium == bindparam("medium"))
    & _offers.c.status.in_((OPEN, ACCEPTED))).limit(1)
_ENQUEUED = ("client_id", "case_id", "interaction_id", "queue", "medium", "offered_to",
             "declined_by", "status", "created_at", "priority", "sla_breached")


@functools.lru_cache(maxsize=64)
def _enqueue_statement(dialect: str, n: int):
    # Built once per dialect and batch size: one SELECT of values per message, each yielding
    # no row while its conversation has a live item, inserted unless the message has one.
    insert = db.upsert_insert(dialect)

    def value(key: str, i: int):
        param = bindparam(f"{key}_{i}", type_=_offers.c[key].type)
        # PostgreSQL types a UNION's parameters as text unless told; SQLite has no such
        # problem, and casting there would turn JSON text into a number.
        return cast(param, _offers.c[key].type) if dialect == "postgresql" else param

    rows = [select(*(value(key, i) for key in _ENQUEUED)).where(~exists().where(
        _offers.c.case_id == bindparam(f"case_id_{i}"),
        _offers.c.medium == bindparam(f"medium_{i}"),
        _offers.c.status.in_((OPEN, ACCEPTED)))) for i in range(n)]
    return (insert(_offers).from_select(_ENQUEUED, rows[0] if n == 1 else union_all(*rows),
                                        include_defaults=False)
            .on_conflict_do_nothing(index_elements=["interaction_id"]).returning(*_offers.c))


def finish(session: Session, interaction_id: int, *, by: int | None = None) -> bool:
    """The work of an item is done: the agent's capacity frees up (by: only if theirs)."""
    mine = () if by is None else (Offer.accepted_by_id == by,)
    done = session.execute(
        update(Offer).where(Offer.interaction_id == interaction_id, Offer.status == "accepted",
                            *mine)
        .values(status="done", done_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if done:
        # With its client: only that client's supervisors hear of it.
        events.emit(session, events.WORK_DONE, interaction_id=interaction_id,
                    client_id=session.scalar(select(Interaction.client_id).where(
                        Interaction.id == interaction_id)))
    return bool(done)


def position(session: Session, item: Offer, table: dict | None = None) -> int:
    """1-based place in its queue among waiting items of its client (priority, then age)."""
    ahead = session.scalar(select(func.count()).select_from(Offer).where(
        Offer.status == OPEN, Offer.client_id == item.client_id, Offer.queue == item.queue,
        Offer.id != item.id,
        (Offer.priority > item.priority) | ((Offer.priority == item.priority)
                                            & (Offer.created_at < item.created_at))))
    return int(ahead or 0) + 1


def estimated_wait(session: Session, item: Offer, agents_ready: int) -> int:
    """Seconds: place in queue times the queue's mean handle time today, over agents ready."""
    since = utcnow() - timedelta(hours=24)
    rows = session.execute(select(Offer.accepted_at, Offer.done_at).where(
        Offer.queue == item.queue, Offer.client_id == item.client_id, Offer.status == "done",
        Offer.done_at >= since).limit(500)).all()
    spans = [(d - a).total_seconds() for a, d in rows if a and d and d > a]
    handle = sum(spans) / len(spans) if spans else 180.0
    return int(position(session, item) * handle / max(1, agents_ready))


def check_sla(session: Session, now: datetime | None = None) -> list[Offer]:
    """Waiting items past their SLA: flagged, raised in priority, escalated per queue."""
    now = now or utcnow()
    table = rules(session)
    oldest = now - timedelta(seconds=min(DEFAULT_SLA.values()))
    breached = []
    for item in session.scalars(select(Offer).where(
            Offer.status == OPEN, Offer.sla_breached.is_(False), Offer.created_at < oldest)
            .limit(WAITING_AT_MOST)):
        rule = rule_for(table, item.client_id, item.queue)
        if (now - item.created_at).total_seconds() <= rule.sla_for(item.medium):
            continue
        won = session.execute(
            update(Offer).where(Offer.id == item.id, Offer.sla_breached.is_(False))
            .values(sla_breached=True, priority=Offer.priority + SLA_BOOST)
            .execution_options(synchronize_session=False)).rowcount
        if won:
            breached.append(item)
            events.emit(session, events.SLA_BREACHED, offer_id=item.id, queue=item.queue,
                        client_id=item.client_id, case_id=item.case_id,
                        escalate_to=list(rule.escalate_to))
    return breached


def place_of_call(session: Session, call_sid: str) -> int | None:
    """A waiting caller's place in their queue (None once offered, taken or unknown)."""
    offer = session.scalar(select(Offer).join(Interaction, Interaction.id == Offer.interaction_id)
                           .where(Interaction.medium == "voice",
                                  Interaction.provider_id == call_sid))
    if offer is None or offer.status != "open":
        return None
    return position(session, offer)
