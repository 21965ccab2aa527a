"""Disposition (wrap-up) codes per client and line of work."""

from __future__ import annotations

from pydantic import BaseModel, Field

from console.api.admin.common import AdminIn
from console.api.admin.resource import Subject, crud
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


crud(Subject(
    "/admin/dispositions", "code_id", dispositions, "disposition", "dispositions",
    create=DispositionCodeIn, patch=DispositionCodePatch, out=DispositionCodeOut,
    items=DispositionCodeList,
    summaries={"list": "Wrap-up codes", "create": "Add a wrap-up code",
               "get": "A wrap-up code", "update": "Change a wrap-up code",
               "delete": "Remove a wrap-up code"},
    errors={"list": (403, 404), "create": (403, 404, 409)}))
