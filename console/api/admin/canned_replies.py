"""A client's shared canned replies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from console.api.admin.common import AdminDeleted, AdminIn, ClientQuery, change, read
from console.api.core.blueprint import api, bp
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


@api.route(bp, "/admin/canned-replies", summary="Shared canned replies", query=ClientQuery,
           response=SharedReplyList, tags=["admin"], errors=(403, 404))
def admin_list_shared_replies(query: ClientQuery):
    """The shared replies of the clients you administer."""
    return SharedReplyList(items=[SharedReplyOut.model_validate(r)
                                  for r in read(canned_replies.listing, query.client_id)])


@api.route(bp, "/admin/canned-replies", "POST", summary="Add a shared canned reply",
           body=SharedReplyIn, response=SharedReplyOut, status=201, tags=["admin"],
           errors=(403, 404, 409))
def admin_create_shared_reply(body: SharedReplyIn):
    """A reply every agent of the client can use."""
    return SharedReplyOut.model_validate(change(canned_replies.create, body.given()))


@api.route(bp, "/admin/canned-replies/<int:reply_id>", summary="A shared canned reply",
           response=SharedReplyOut, tags=["admin"], errors=(403,))
def admin_get_shared_reply(reply_id: int):
    """One shared reply."""
    return SharedReplyOut.model_validate(read(canned_replies.get, reply_id))


@api.route(bp, "/admin/canned-replies/<int:reply_id>", "PATCH",
           summary="Change a shared canned reply", body=SharedReplyPatch,
           response=SharedReplyOut, tags=["admin"], errors=(403, 409))
def admin_update_shared_reply(reply_id: int, body: SharedReplyPatch):
    """Its title or text."""
    return SharedReplyOut.model_validate(change(canned_replies.update, reply_id, body.given()))


@api.route(bp, "/admin/canned-replies/<int:reply_id>", "DELETE",
           summary="Remove a shared canned reply", response=AdminDeleted, tags=["admin"],
           errors=(403,))
def admin_delete_shared_reply(reply_id: int):
    """Agents can no longer pick it."""
    change(canned_replies.delete, reply_id)
    return AdminDeleted()
