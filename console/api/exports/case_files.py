"""A case file (PDF, or a ZIP with its files) built in the background, then downloaded."""

from __future__ import annotations

from datetime import datetime

from flask import send_file, url_for
from pydantic import BaseModel, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import documented
from console.api.core.schemas import Out
from console.core import database
from console.core.tasks import enqueue
from console.exports.tasks import file_store, run_export
from crm.core.errors import Invalid
from crm.exports import casefiles
from crm.models.exports import FORMATS, STATUSES


class ExportIn(BaseModel):
    """Which file to build."""

    format: str = Field(description="pdf: the case file; zip: the PDF with every attachment "
                                    "and raw email", json_schema_extra=documented(
                                        enum=list(FORMATS)))


class ExportOut(Out):
    """An export's progress, and its download link once it is done."""

    id: int
    case_id: int
    format: str = Field(json_schema_extra=documented(enum=list(FORMATS)))
    status: str = Field(json_schema_extra=documented(enum=list(STATUSES)))
    progress: int = Field(description="percent of the build done")
    filename: str
    size: int | None = None
    sha256: str | None = None
    error: str | None = None
    download_url: str | None = Field(default=None, description="set once status is done")
    created_at: datetime
    finished_at: datetime | None = None


def export_out(item) -> ExportOut:
    """The export with its download link when there is a file."""
    out = ExportOut.model_validate(item)
    if item.status == "done":
        out.download_url = url_for("api.download_export", export_id=item.id)
    return out


@api.route(bp, "/cases/<int:case_id>/exports", "POST", body=ExportIn, response=ExportOut,
           status=202, tags=["exports"], errors=(403,),
           summary="Build the case file for a legal or SIU referral in the background "
                   "(fraud, supervisor, reviewer)")
def post_export(case_id: int, body: ExportIn):
    """Queued (202); follow it at GET /exports/<id>. Asking is audited."""
    session = database.session()
    item = casefiles.start(session, actor(), case_id, body.format)
    session.commit()
    enqueue(run_export, item.id)
    session.refresh(item)
    out = export_out(item)
    session.commit()
    return out


@api.route(bp, "/exports/<int:export_id>", response=ExportOut, tags=["exports"],
           errors=(403,), summary="A case file export's progress and download link")
def get_export(export_id: int):
    """Status, percent done, and download_url once done."""
    session = database.session()
    out = export_out(casefiles.get(session, actor(), export_id))
    session.commit()
    return out


# No `produces`: the answer is a PDF or a ZIP by the export's format (as attachments are).
@api.route(bp, "/exports/<int:export_id>/download", tags=["exports"], errors=(403, 409, 422),
           summary="Download a finished case file, PDF or ZIP (every download is audited)")
def download_export(export_id: int):
    """The file as a download: never rendered inline, never type-sniffed by the browser."""
    session = database.session()
    item = casefiles.download(session, actor(), export_id)
    name, key, fmt = item.filename, item.storage_key, item.format
    session.commit()
    try:
        handle = file_store().open(key)
    except FileNotFoundError:
        raise Invalid("the stored file is missing", code="gone") from None
    response = send_file(handle, mimetype="application/pdf" if fmt == "pdf"
                         else "application/zip", as_attachment=True, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
