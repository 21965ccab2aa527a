"""Portfolio imports: upload a CSV (queued as a task), follow its figures, fetch its rejects."""

from __future__ import annotations

from datetime import datetime

from flask import Response, current_app, request, stream_with_context
from pydantic import BaseModel, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.schemas import Out
from console.core import database
from console.core.tasks import enqueue
from console.imports.tasks import file_store, run_import
from crm.core.errors import Invalid
from crm.imports import rows, runs


class ImportForm(BaseModel):
    """The multipart form of an upload."""

    file: bytes = Field(description="the CSV, UTF-8, with a header row naming at least "
                                    "external_ref, name, phone, email, time_zone, "
                                    "account_number, creditor, original_balance, balance, "
                                    "currency, charge_off_date, delinquent_since")
    kind: str = Field(default="debts", json_schema_extra={"enum": list(runs.KINDS)})
    client_id: int | None = Field(default=None, description="required when you work for "
                                                             "several clients")


class ImportOut(Out):
    """An import's progress: rows counted, processed, accepted and rejected so far."""

    id: int
    client_id: int
    kind: str
    filename: str
    status: str = Field(json_schema_extra={"enum": ["queued", "running", "done", "failed"]})
    total: int | None = Field(description="data rows in the file, once counted")
    processed: int
    accepted: int
    rejected: int
    customers_created: int
    accounts_created: int
    accounts_updated: int
    error: str | None = None
    created_at: datetime


@api.route(bp, "/imports", "POST", form=ImportForm, response=ImportOut, status=202,
           tags=["imports"], errors=(403,),
           summary="Upload a debt portfolio CSV; it is imported in the background "
                   "(collections manager)")
def post_import():
    """Stored and queued (202); the task then works it through in batches."""
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("file: required (a multipart/form-data upload named file)")
    session = database.session()
    item = runs.start(session, actor(), file_store(), upload.stream, filename=upload.filename,
                      kind=request.form.get("kind", "debts"),
                      client_id=_client_id(request.form.get("client_id")))
    session.commit()
    enqueue(run_import, item.id)
    session.refresh(item)
    out = ImportOut.model_validate(item)
    session.commit()
    return out


def _client_id(text: str | None) -> int | None:
    if text is None or text.strip() == "":
        return None
    if not text.strip().isdigit() or len(text.strip()) > 18:
        raise Invalid("client_id: must be a client's id")
    return int(text)


class ImportList(BaseModel):
    """Recent imports, newest first."""

    items: list[ImportOut]


@api.route(bp, "/imports", response=ImportList, tags=["imports"], errors=(403,),
           summary="The 20 newest imports of your clients (collections manager)")
def list_imports():
    """Newest first, with their figures."""
    session = database.session()
    out = ImportList(items=[ImportOut.model_validate(i) for i in runs.recent(session, actor())])
    session.commit()
    return out


@api.route(bp, "/imports/<int:import_id>", response=ImportOut, tags=["imports"],
           errors=(403,), summary="An import's progress and final counts")
def get_import(import_id: int):
    """Status, total, processed, accepted, rejected."""
    session = database.session()
    out = ImportOut.model_validate(runs.get(session, actor(), import_id))
    session.commit()
    return out


class RejectQuery(BaseModel):
    """Which page of the rejected rows."""

    after: int = Field(default=0, ge=0, le=2**62, description="the row the last page ended at")
    limit: int = Field(default=20, ge=1, le=200)


class RejectOut(BaseModel):
    """A row the import refused: its number in the file (the header is 1), its required
    columns as the file gave them, and why."""

    row: int
    values: dict[str, str]
    reason: str


class RejectPage(BaseModel):
    """Rejected rows in file order; next_after: ask with after=it for the next page."""

    items: list[RejectOut]
    next_after: int | None = None


@api.route(bp, "/imports/<int:import_id>/rejects", query=RejectQuery, response=RejectPage,
           tags=["imports"], errors=(403,),
           summary="A page of the rows an import refused, each with its reason")
def list_import_rejects(import_id: int, query: RejectQuery):
    """In file order, after=the last row seen; the full list is rejects.csv."""
    session = database.session()
    item, found, after = runs.rejects(session, actor(), import_id, after=query.after,
                                      limit=query.limit)
    where = rows.positions(item.columns)
    out = RejectPage(items=[RejectOut(row=r.row, reason=r.reason, values={
        c: (r.values[i] if i < len(r.values) else "") for c, i in where.items()})
        for r in found], next_after=after)
    session.commit()
    return out


@api.route(bp, "/imports/sample.csv", tags=["imports"], produces="text/csv",
           summary="A sample portfolio CSV: the required header row and two example rows")
def get_import_sample():
    """Made to be filled in: it imports as it stands."""
    return Response(rows.sample_csv(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="portfolio-sample.csv"'})


@api.route(bp, "/imports/<int:import_id>/rejects.csv", tags=["imports"], errors=(403,),
           produces="text/csv", summary="The rows an import refused, with the reason (CSV)")
def get_import_rejects(import_id: int):
    """Streamed a page at a time: the row number, the file's columns, the reason."""
    session = database.session()
    item = runs.get(session, actor(), import_id)
    session.commit()
    name = item.filename.rsplit(".", 1)[0] or "import"
    factory = database.get_db(current_app).factory
    return Response(stream_with_context(runs.rejects_csv(factory, item)), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="{name}-rejects.csv"'})
