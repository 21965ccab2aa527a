"""Routing queues: skills, languages, priority, SLA per medium, sticky time, escalation."""

from __future__ import annotations

from pydantic import BaseModel, Field

from console.api.admin.common import AdminIn
from console.api.admin.resource import Subject, crud
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


crud(Subject(
    "/admin/queues", "queue_id", queues, "queue", "queues",
    create=QueueIn, patch=QueuePatch, out=QueueOut, items=QueueList,
    summaries={"list": "Routing queues", "create": "Create a routing queue",
               "get": "A routing queue", "update": "Change a routing queue",
               "delete": "Remove a routing queue"},
    errors={"list": (403, 404), "create": (403, 404, 409), "update": (403, 409),
            "delete": (403, 409)}))
