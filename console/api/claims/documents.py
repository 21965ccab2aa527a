"""Documents on a claim through the API: ask for one (a task), mark an attachment as it."""

from __future__ import annotations

from console.api.core.blueprint import actor, api, bp
from console.api.core.claim_schemas import (
    AttachmentChoiceList,
    ClaimDocumentOut,
    DocumentRequestIn,
    ReceiptIn,
    attachment_choice,
)
from console.core import database
from crm.claims import documents
from crm.models import Attachment

TAGS = ["claims"]


def _out(doc) -> ClaimDocumentOut:
    session = database.session()
    attachment = session.get(Attachment, doc.attachment_id) if doc.attachment_id else None
    out = ClaimDocumentOut.model_validate(doc).model_copy(update={
        "attachment_filename": attachment.filename if attachment else None})
    session.commit()
    return out


@api.route(bp, "/claims/<int:claim_id>/documents", "POST", summary="Ask for a document on a "
           "claim: a task stays open until it comes in (409 on a finished claim)",
           body=DocumentRequestIn, response=ClaimDocumentOut, status=201, tags=TAGS,
           errors=(403, 409))
def request_document(claim_id: int, body: DocumentRequestIn):
    """The task is the asker's; the request is audited and on the timeline."""
    return _out(documents.request(database.session(), actor(), claim_id, name=body.name,
                                  due_on=body.due_on))


@api.route(bp, "/claims/<int:claim_id>/documents/<int:document_id>/receipt", "POST",
           summary="Mark an attachment on the case as the requested document (closes its "
           "task; 409 already_received)", body=ReceiptIn, response=ClaimDocumentOut,
           tags=TAGS, errors=(403, 409))
def receive_document(claim_id: int, document_id: int, body: ReceiptIn):
    """Audited and on the timeline."""
    return _out(documents.mark_received(database.session(), actor(), claim_id, document_id,
                                        body.attachment_id))


@api.route(bp, "/claims/<int:claim_id>/attachments", summary="Attachments customers sent on "
           "the claim's case, newest first: what a requested document can be marked as",
           response=AttachmentChoiceList, tags=TAGS)
def list_attachments(claim_id: int):
    """Email attachments, MMS and WhatsApp media, whatever came in."""
    session = database.session()
    out = AttachmentChoiceList(items=[attachment_choice(a) for a in documents.candidates(
        session, actor(), claim_id)])
    session.commit()
    return out
