"""Saved worklist views: each member of staff's own, by name."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import Out
from console.core import database
from crm.cases import saved_views

TAGS = ["worklist"]


class ViewFilters(BaseModel):
    """Which list, its filters and sort (as GET /worklist takes them; empty is any)."""

    model_config = ConfigDict(extra="forbid")  # a misspelt filter would save as "any"
    view: str = "assigned"
    status: str | None = None
    priority: str | None = None
    line: str | None = None
    due: str | None = None
    sort: str | None = None


class SavedViewIn(BaseModel):
    """A view to save under a name."""

    name: str = Field(max_length=saved_views.MAX_NAME,
                      json_schema_extra=documented(**NOT_BLANK))
    filters: ViewFilters


class SavedViewChange(BaseModel):
    """A new name, new filters, or both."""

    name: str | None = Field(None, max_length=saved_views.MAX_NAME)
    filters: ViewFilters | None = None


class SavedViewOut(Out):
    """A saved view."""

    id: int
    name: str
    filters: dict
    created_at: datetime
    updated_at: datetime


class SavedViewList(BaseModel):
    """The signed-in person's saved views, by name."""

    items: list[SavedViewOut]


def _filters(given: ViewFilters | None) -> dict | None:
    return None if given is None else given.model_dump(exclude_none=True)


def _committed(out):
    database.session().commit()
    return out


@api.route(bp, "/saved-views", response=SavedViewList, tags=TAGS,
           summary="My saved worklist views")
def list_saved_views():
    """By name."""
    found = saved_views.of(database.session(), actor())
    return _committed(SavedViewList(items=[SavedViewOut.model_validate(v) for v in found]))


@api.route(bp, "/saved-views", "POST", body=SavedViewIn, response=SavedViewOut, status=201,
           tags=TAGS, errors=(409,), summary="Save a worklist view under a name")
def create_saved_view(body: SavedViewIn):
    """409 when I already have a view of that name."""
    made = saved_views.create(database.session(), actor(), body.name, _filters(body.filters))
    return _committed(SavedViewOut.model_validate(made))


@api.route(bp, "/saved-views/<int:view_id>", "PATCH", body=SavedViewChange,
           response=SavedViewOut, tags=TAGS, errors=(409,),
           summary="Rename a saved view or replace its filters")
def change_saved_view(view_id: int, body: SavedViewChange):
    """404 for someone else's view."""
    changed = saved_views.change(database.session(), actor(), view_id, name=body.name,
                                 filters=_filters(body.filters))
    return _committed(SavedViewOut.model_validate(changed))


@api.route(bp, "/saved-views/<int:view_id>", "DELETE", status=204, tags=TAGS,
           summary="Delete a saved view")
def delete_saved_view(view_id: int):
    """404 for someone else's view."""
    saved_views.delete(database.session(), actor(), view_id)
    database.session().commit()
    return "", 204
