"""The audit viewer's API: search the trail, or export it as CSV; each read is audited."""

from __future__ import annotations

from datetime import datetime

from flask import Response, current_app, stream_with_context
from pydantic import BaseModel, Field

from console.api.core.blueprint import actor, api, bp
from console.core import database
from crm.audit import trail

TAGS = ["audit"]


class AuditQuery(BaseModel):
    """Filters (all optional) and the page token a previous answer gave."""

    actor: str | None = Field(None, max_length=320, description="A user id or email")
    case: int | None = None
    customer: int | None = None
    action: str | None = Field(None, max_length=64,
                               description="Exact, or a prefix ending in * (call.*)")
    since: str | None = Field(None, max_length=40, description="Date or ISO-8601 time (UTC)")
    until: str | None = Field(None, max_length=40,
                              description="Date (that whole day included) or ISO-8601 time")
    page: str | None = Field(None, max_length=80)
    limit: int = Field(trail.PAGE, ge=1, le=200, description="Events a page")


class AuditItem(BaseModel):
    """One event: who did what, when, to which case or customer."""

    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    case_id: int | None
    customer_id: int | None
    detail: dict


class AuditPage(BaseModel):
    """Newest first; next_page is the token for the next (older) page, null at the end."""

    items: list[AuditItem]
    next_page: str | None


def _filters(query: AuditQuery) -> trail.Filters:
    return trail.Filters(actor=query.actor, case=query.case, customer=query.customer,
                         action=query.action, since=query.since, until=query.until)


@api.route(bp, "/audit", query=AuditQuery, response=AuditPage, tags=TAGS, errors=(403,),
           summary="Search the audit trail (admins; client admins: their clients)")
def search_audit(query: AuditQuery):
    """The search is itself recorded (audit.read)."""
    session = database.session()
    items, next_page = trail.search(session, actor(), _filters(query), query.page,
                                    query.limit)
    out = AuditPage(items=[AuditItem(**{k: getattr(e, k) for k in AuditItem.model_fields})
                           for e in items], next_page=next_page)
    session.commit()
    return out


@api.route(bp, "/audit.csv", query=AuditQuery, tags=TAGS, errors=(403,), produces="text/csv",
           summary="Export the audit trail as CSV (streamed)")
def export_audit(query: AuditQuery):
    """Every matching event, newest first; the export is itself recorded (audit.export)."""
    session = database.session()
    filters = _filters(query)
    trail.start_export(session, actor(), filters)
    session.commit()
    factory = database.get_db(current_app).factory
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    return Response(stream_with_context(trail.export_csv(factory, actor().id, filters)),
                    mimetype="text/csv", headers={
                        "Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'})
