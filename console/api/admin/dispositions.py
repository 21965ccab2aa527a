"""Disposition (wrap-up) codes per client and line of work."""

from __future__ import annotations

from pydantic import BaseModel, Field

from console.api.admin.common import AdminDeleted, AdminIn, ClientQuery, change, read
from console.api.core.blueprint import api, bp
from console.api.core.schemas import Out
from crm.admin import dispositions


class DispositionCodeIn(AdminIn):
    """A new wrap-up code."""

    client_id: int | None = Field(default=None, description="none: every client's (admins)")
    line_of_work: str = Field(max_length=32)
    code: str = Field(max_length=64)
    label: str = Field(max_length=120)


class DispositionCodePatch(AdminIn):
    """Changes to a wrap-up code."""

    label: str | None = Field(default=None, max_length=120)
    active: bool | None = None


class DispositionCodeOut(Out):
    """A wrap-up code."""

    id: int
    client_id: int | None = None
    line_of_work: str
    code: str
    label: str
    active: bool


class DispositionCodeList(BaseModel):
    """Wrap-up codes."""

    items: list[DispositionCodeOut]


@api.route(bp, "/admin/dispositions", summary="Wrap-up codes", query=ClientQuery,
           response=DispositionCodeList, tags=["admin"], errors=(403, 404))
def admin_list_dispositions(query: ClientQuery):
    """The codes of the clients you administer (admins: and the shared ones)."""
    return DispositionCodeList(items=[DispositionCodeOut.model_validate(d)
                                  for d in read(dispositions.listing, query.client_id)])


@api.route(bp, "/admin/dispositions", "POST", summary="Add a wrap-up code",
           body=DispositionCodeIn, response=DispositionCodeOut, status=201, tags=["admin"],
           errors=(403, 404, 409))
def admin_create_disposition(body: DispositionCodeIn):
    """A code for a line of work: once it has one, only its own codes are offered."""
    return DispositionCodeOut.model_validate(change(dispositions.create, body.given()))


@api.route(bp, "/admin/dispositions/<int:code_id>", summary="A wrap-up code",
           response=DispositionCodeOut, tags=["admin"], errors=(403,))
def admin_get_disposition(code_id: int):
    """One code."""
    return DispositionCodeOut.model_validate(read(dispositions.get, code_id))


@api.route(bp, "/admin/dispositions/<int:code_id>", "PATCH", summary="Change a wrap-up code",
           body=DispositionCodePatch, response=DispositionCodeOut, tags=["admin"], errors=(403,))
def admin_update_disposition(code_id: int, body: DispositionCodePatch):
    """Its label, or whether it is offered."""
    return DispositionCodeOut.model_validate(change(dispositions.update, code_id, body.given()))


@api.route(bp, "/admin/dispositions/<int:code_id>", "DELETE", summary="Remove a wrap-up code",
           response=AdminDeleted, tags=["admin"], errors=(403,))
def admin_delete_disposition(code_id: int):
    """Calls already wrapped up with it keep it."""
    change(dispositions.delete, code_id)
    return AdminDeleted()
