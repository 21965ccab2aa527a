"""Routing queues: the skills, languages, priority, SLAs, sticky time and escalation the
router reads for a client's line of work (crm.routing.router.rules)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.admin import scope
from crm.admin.checks import Problems, conflict, languages, name, per_medium, skills, whole
from crm.admin.resource import Resource
from crm.core.errors import Conflict
from crm.models import InboundAddress, RoutingQueue, User
from crm.routing.router import LINES

DAY = 24 * 3600
FIELDS = ("name", "skills", "languages", "priority", "sla_seconds", "sticky_seconds",
          "escalate_to", "active")


RESOURCE = Resource(RoutingQueue, "queue", "queue", "routing_queue",
                    shown=lambda queue: _shown(queue),
                    order_by=(RoutingQueue.client_id, RoutingQueue.name))
listing = RESOURCE.listing
get = RESOURCE.get


def _checked(session: Session, actor: User, client_id: int | None, problems: Problems,
             fields: dict) -> dict:
    out = {}
    if "name" in fields:
        out["name"] = name(problems, "name", fields["name"])
    if "skills" in fields:
        out["skills"] = skills(problems, "skills", fields["skills"] or {})
    if "languages" in fields:
        out["languages"] = languages(problems, "languages", fields["languages"] or [])
    if "priority" in fields:
        out["priority"] = whole(problems, "priority", fields["priority"], low=-100, high=100)
    if "sla_seconds" in fields:
        out["sla_seconds"] = per_medium(problems, "sla_seconds", fields["sla_seconds"] or {},
                                        low=1, high=30 * DAY, unit="seconds")
    if "sticky_seconds" in fields:
        out["sticky_seconds"] = whole(problems, "sticky_seconds", fields["sticky_seconds"],
                                      low=0, high=7 * DAY)
    if "escalate_to" in fields:
        out["escalate_to"] = _supervisors(session, actor, client_id, problems,
                                          fields["escalate_to"] or [])
    if "active" in fields:
        out["active"] = bool(fields["active"])
    return out


def _supervisors(session: Session, actor: User, client_id: int | None, problems: Problems,
                 ids) -> list[int]:
    # Escalation goes to supervisors who work for the queue's client (any, for a shared one).
    from crm.admin.users import may_manage

    wanted = [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []
    found = {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}
    ok = all(i in found and found[i].has_role("supervisor") and may_manage(actor, found[i])
             and (client_id is None or client_id in found[i].client_ids)
             for i in wanted) and len(wanted) == len(ids or [])
    if not ok:
        problems.add("escalate_to", "Choose supervisors who work for this client.")
    return list(dict.fromkeys(wanted))


def _taken(session: Session, client_id: int | None, queue_name: str,
           but: int | None = None) -> None:
    stmt = select(RoutingQueue.id).where(RoutingQueue.name == queue_name, (
        RoutingQueue.client_id.is_(None) if client_id is None
        else RoutingQueue.client_id == client_id))
    if but is not None:
        stmt = stmt.where(RoutingQueue.id != but)
    if session.scalar(stmt) is not None:
        raise conflict("name", f"There is already a queue called {queue_name}.")


def create(session: Session, actor: User, fields: dict) -> RoutingQueue:
    """A new queue for a client (admins: or shared by every client); audited."""
    client_id = scope.owning_client(session, actor, fields.get("client_id"))
    problems = Problems()
    values = _checked(session, actor, client_id, problems, {"name": "", **{
        k: v for k, v in fields.items() if k in FIELDS}})
    problems.raise_any()
    _taken(session, client_id, values["name"])
    return RESOURCE.add(session, actor, RoutingQueue(client_id=client_id, **values))


def update(session: Session, actor: User, queue_id: int, fields: dict) -> RoutingQueue:
    """Change a queue; audited."""
    queue = get(session, actor, queue_id)
    problems = Problems()
    values = _checked(session, actor, queue.client_id, problems, fields)
    problems.raise_any()
    if "name" in values and values["name"] != queue.name:
        _taken(session, queue.client_id, values["name"], but=queue.id)
        _not_in_use(session, queue)
    return RESOURCE.change(session, actor, queue, values)


def delete(session: Session, actor: User, queue_id: int) -> None:
    """Remove a queue no address sends work to (a line of work falls back to its default
    rule); audited."""
    queue = get(session, actor, queue_id)
    _not_in_use(session, queue)
    RESOURCE.remove(session, actor, queue)


def _not_in_use(session: Session, queue: RoutingQueue) -> None:
    if queue.name in LINES:
        return  # a line of work exists without its row
    stmt = select(InboundAddress.value).where(InboundAddress.line_of_work == queue.name)
    if queue.client_id is not None:
        stmt = stmt.where(InboundAddress.client_id == queue.client_id)
    using = list(session.scalars(stmt.limit(3)))
    if using:
        raise Conflict(f"{', '.join(using)} send work to {queue.name}: point them elsewhere "
                       "first.", code="in_use")


def _shown(queue: RoutingQueue) -> dict:
    return {"client_id": queue.client_id, **{k: getattr(queue, k) for k in FIELDS}}
