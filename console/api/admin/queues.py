"""Routing queues: skills, languages, priority, SLA per medium, sticky time, escalation."""

from __future__ import annotations

from pydantic import BaseModel, Field

from console.api.admin.common import AdminDeleted, AdminIn, ClientQuery, change, read
from console.api.core.blueprint import api, bp
from console.api.core.schemas import Out
from crm.admin import queues


class QueueIn(AdminIn):
    """A new routing queue (its name is the line of work addresses send work to)."""

    client_id: int | None = Field(default=None, description="none: shared by every client "
                                  "(admins only)")
    name: str = Field(max_length=32)
    skills: dict[str, int] = Field(default_factory=dict, description="{skill: minimum level}")
    languages: list[str] = Field(default_factory=list, max_length=20)
    priority: int = 0
    sla_seconds: dict[str, int] = Field(default_factory=dict, description="{medium: seconds}")
    sticky_seconds: int = 0
    escalate_to: list[int] = Field(default_factory=list, max_length=20,
                                   description="supervisors' user ids")
    active: bool = True


class QueuePatch(AdminIn):
    """Changes to a queue."""

    name: str | None = Field(default=None, max_length=32)
    skills: dict[str, int] | None = None
    languages: list[str] | None = Field(default=None, max_length=20)
    priority: int | None = None
    sla_seconds: dict[str, int] | None = None
    sticky_seconds: int | None = None
    escalate_to: list[int] | None = Field(default=None, max_length=20)
    active: bool | None = None


class QueueOut(Out):
    """A routing queue."""

    id: int
    client_id: int | None = None
    name: str
    skills: dict
    languages: list[str]
    priority: int
    sla_seconds: dict
    sticky_seconds: int
    escalate_to: list[int]
    active: bool


class QueueList(BaseModel):
    """Queues."""

    items: list[QueueOut]


@api.route(bp, "/admin/queues", summary="Routing queues", query=ClientQuery,
           response=QueueList, tags=["admin"], errors=(403, 404))
def admin_list_queues(query: ClientQuery):
    """The queues of the clients you administer (admins: and the shared ones)."""
    return QueueList(items=[QueueOut.model_validate(q)
                            for q in read(queues.listing, query.client_id)])


@api.route(bp, "/admin/queues", "POST", summary="Create a routing queue", body=QueueIn,
           response=QueueOut, status=201, tags=["admin"], errors=(403, 404, 409))
def admin_create_queue(body: QueueIn):
    """A queue the router applies to the client's work in it."""
    return QueueOut.model_validate(change(queues.create, body.given()))


@api.route(bp, "/admin/queues/<int:queue_id>", summary="A routing queue", response=QueueOut,
           tags=["admin"], errors=(403,))
def admin_get_queue(queue_id: int):
    """One queue."""
    return QueueOut.model_validate(read(queues.get, queue_id))


@api.route(bp, "/admin/queues/<int:queue_id>", "PATCH", summary="Change a routing queue",
           body=QueuePatch, response=QueueOut, tags=["admin"], errors=(403, 409))
def admin_update_queue(queue_id: int, body: QueuePatch):
    """Its rule; the next routing pass uses it."""
    return QueueOut.model_validate(change(queues.update, queue_id, body.given()))


@api.route(bp, "/admin/queues/<int:queue_id>", "DELETE", summary="Remove a routing queue",
           response=AdminDeleted, tags=["admin"], errors=(403, 409))
def admin_delete_queue(queue_id: int):
    """Refused while an address sends work to it."""
    change(queues.delete, queue_id)
    return AdminDeleted()
