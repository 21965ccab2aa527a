"""Files attached in the composer: uploaded first, then sent with a message by id."""

from __future__ import annotations

from flask import request
from pydantic import BaseModel, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.schemas import Out
from console.core import database
from console.messaging.send_tasks import file_store
from crm.core.errors import Invalid
from crm.messaging import uploads


class UploadForm(BaseModel):
    """The multipart form of an upload."""

    file: bytes = Field(description="the file: a picture (JPEG, PNG, GIF, WebP), a PDF, "
                                    "plain text, Word or Excel; at most 10 MB")


class UploadOut(Out):
    """A file waiting to be sent: pass its id in a message's `attachment_ids`."""

    id: int
    case_id: int
    filename: str
    content_type: str
    size: int


class Discarded(BaseModel):
    """Confirmation that an upload was taken back."""

    deleted: bool


@api.route(bp, "/cases/<int:case_id>/uploads", "POST", form=UploadForm, response=UploadOut,
           status=201, tags=["messages"], errors=(413, 415),
           summary="Attach a file in the composer (sent with the next message that names it)")
def upload_file(case_id: int):
    """Stored now, its type read from its bytes; 413 too large, 415 a type we do not take."""
    sent = request.files.get("file")
    if sent is None:
        raise Invalid("file: required (a multipart/form-data upload named file)")
    data = sent.stream.read(uploads.MAX_FILE + 1)
    session = database.session()
    item = uploads.upload(session, actor(), case_id, sent.filename, data, file_store())
    session.commit()
    return UploadOut.model_validate(item)


@api.route(bp, "/uploads/<int:upload_id>", "DELETE", response=Discarded, tags=["messages"],
           summary="Take back a file attached in the composer before it is sent")
def discard_upload(upload_id: int):
    """Only its uploader can; the message no longer carries it."""
    session = database.session()
    item = uploads.discard(session, actor(), upload_id)
    session.commit()
    file_store().delete(item.storage_key)
    return Discarded(deleted=True)
