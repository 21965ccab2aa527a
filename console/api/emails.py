"""Email from the case composer, and attachment downloads for staff who can see the case."""

from __future__ import annotations

import base64
import binascii
from functools import partial

from flask import current_app, request, send_file, url_for
from pydantic import BaseModel, Field

from channels.email.inbound import store_for
from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import InteractionOut
from console.core import database
from console.email.mail_tasks import message_domain, opt_out_url
from crm.core import audit, files
from crm.core.errors import Invalid
from crm.email import sending as mail


class EmailOut(InteractionOut):
    """An email with where to read it: the staff page and its sanitised HTML part."""

    auto_reply: bool = False
    bounce: dict | None = None
    view_url: str
    html_url: str | None = None


class EmailAttachmentIn(BaseModel):
    """A file to send: its name and its bytes as base64."""

    filename: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(min_length=1, json_schema_extra=documented(
        pattern="^[A-Za-z0-9+/]*={0,2}$"))


class EmailIn(BaseModel):
    """An email from the case composer; `in_reply_to` is the interaction id being answered."""

    to: str = Field(min_length=3, max_length=320)
    subject: str = Field(min_length=1, max_length=900, json_schema_extra=documented(**NOT_BLANK))
    body: str = Field(min_length=1, max_length=100_000, json_schema_extra=documented(**NOT_BLANK))
    in_reply_to: int | None = None
    attachments: list[EmailAttachmentIn] = Field(default_factory=list, max_length=20)
    attachment_ids: list[int] = Field(default_factory=list, max_length=10, description=
                                      "files uploaded in the composer to send with it")


@api.route(bp, "/cases/<int:case_id>/emails", "POST", body=EmailIn, response=InteractionOut,
           status=201, tags=["email"],
           summary="Send an email from a case (queued now, sent by a task; attachments as "
                   "base64, 10 MB in total)", errors=(403, 409, 413, 415))
def post_email(case_id: int, body: EmailIn):
    """Queue the email in this request's transaction, then hand it to the sender task."""
    return queue_and_send(case_id, body)


def queue_and_send(case_id: int, body: EmailIn) -> InteractionOut:
    """Queue an email for a case (committed); the send pipeline sends it."""
    session = database.session()
    settings = current_app.config["CASELINE"]
    item = mail.queue_email(session, actor(), case_id, to=body.to, subject=body.subject,
                            body=body.body, in_reply_to_id=body.in_reply_to,
                            attachments=[(a.filename, _decode(a)) for a in body.attachments],
                            store=store_for(settings),
                            opt_out_link=partial(opt_out_url, settings,
                                                 link_base=request.url_root),
                            message_domain=message_domain(settings),
                            upload_ids=body.attachment_ids)
    session.commit()  # the send task starts after the commit (embedded: before this returns)
    session.refresh(item)
    out = InteractionOut.model_validate(item)
    session.commit()
    return out


@api.route(bp, "/cases/<int:case_id>/emails/<int:interaction_id>", response=EmailOut,
           tags=["email"], summary="One email of a case, with links to its page and HTML part")
def get_email(case_id: int, interaction_id: int):
    """The email's fields plus the URLs the timeline links to."""
    session = database.session()
    item = mail.get_email(session, actor(), case_id, interaction_id)
    meta = item.meta or {}
    view = url_for("email.view", case_id=case_id, interaction_id=item.id)
    has_html = bool(meta.get("has_html")) or item.direction == "outbound"
    out = EmailOut.model_validate({
        **InteractionOut.model_validate(item).model_dump(),
        "auto_reply": bool(meta.get("auto_reply")), "bounce": meta.get("bounce"),
        "view_url": view,
        "html_url": url_for("email.html_body", case_id=case_id, interaction_id=item.id)
        if has_html else None})
    session.commit()
    return out


class AttachmentQuery(BaseModel):
    """How to hand the file over."""

    inline: bool = Field(default=False, description="show it in the page (pictures, PDFs and "
                         "audio only; anything else is still a download)")


@api.route(bp, "/attachments/<int:attachment_id>", query=AttachmentQuery, tags=["email"],
           summary="Download (or view) an attachment or raw email of a case you can see",
           errors=(422,))
def get_attachment(attachment_id: int, query: AttachmentQuery):
    """The file, its type as we sniffed it and never re-sniffed by the browser; each view or
    download is audited. Only pictures, PDFs and audio are ever shown inline."""
    session = database.session()
    item = files.get_attachment(session, actor(), attachment_id)
    inline = query.inline and item.content_type in files.INLINE
    audit.record(session, actor(), "attachment.viewed" if inline else "attachment.downloaded",
                 item, client_id=item.interaction.client_id,
                 after={"interaction_id": item.interaction_id, "filename": item.filename})
    name, ctype, key = item.filename, item.content_type, item.storage_key
    session.commit()
    try:
        handle = store_for(current_app.config["CASELINE"]).open(key)
    except FileNotFoundError:
        raise Invalid("the stored file is missing", code="gone") from None
    response = send_file(handle, mimetype=ctype, as_attachment=not inline, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # A PDF is drawn by the browser's viewer, which a sandboxed document may not load; it is
    # still allowed no scripts, styles or fetches of its own, and only our pages frame it.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
        if inline and ctype == "application/pdf" else
        "default-src 'none'; sandbox; frame-ancestors 'self'")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _decode(item: EmailAttachmentIn) -> bytes:
    try:
        return base64.b64decode(item.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(f"attachment {item.filename!r} is not valid base64") from None
