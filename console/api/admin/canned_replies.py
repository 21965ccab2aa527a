"""A client's shared canned replies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from console.api.admin.common import AdminIn
from console.api.admin.resource import Subject, crud
from console.api.core.schemas import Out
from crm.admin import canned_replies


class SharedReplyIn(AdminIn):
    """A new shared reply; fields like {{customer.first_name}} are filled in on use."""

    client_id: int
    title: str = Field(max_length=120)
    body: str = Field(max_length=4000)


class SharedReplyPatch(AdminIn):
    """Changes to a shared reply."""

    title: str | None = Field(default=None, max_length=120)
    body: str | None = Field(default=None, max_length=4000)


class SharedReplyOut(Out):
    """A shared canned reply."""

    id: int
    client_id: int
    title: str
    body: str
    updated_at: datetime


class SharedReplyList(BaseModel):
    """Shared canned replies."""

    items: list[SharedReplyOut]


crud(Subject(
    "/admin/canned-replies", "reply_id", canned_replies, "shared_reply", "shared_replies",
    create=SharedReplyIn, patch=SharedReplyPatch, out=SharedReplyOut, items=SharedReplyList,
    summaries={"list": "Shared canned replies", "create": "Add a shared canned reply",
               "get": "A shared canned reply", "update": "Change a shared canned reply",
               "delete": "Remove a shared canned reply"},
    errors={"list": (403, 404), "create": (403, 404, 409), "update": (403, 409)}))
