"""Replies from the case composer (SMS, WhatsApp, chat, later email), canned replies, media."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from channels import registry
from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import InteractionOut, Out
from console.api.emails import EmailIn, queue_and_send
from console.api.whatsapp_templates import approved, template_senders
from console.core import database
from crm.cases import records as cases
from crm.core.errors import Invalid
from crm.email import sending as mail
from crm.messaging import canned, outbound, templates
from crm.tenancy import access

# Every medium a reply can go by; a server answers 422 for one whose channel it has not installed.
MEDIA = ("chat", "email", "sms", "whatsapp")


class MessageIn(BaseModel):
    """A reply to the customer of a case."""

    medium: str = Field(description="sms, whatsapp, chat or email: those whose channel is "
                        "installed here (see reply-options)",
                        json_schema_extra=documented(enum=list(MEDIA)))
    body: str = Field(max_length=100_000, description="SMS and WhatsApp allow fewer characters",
                      json_schema_extra=documented(**NOT_BLANK))
    to: str | None = Field(default=None, description="a contact point of the customer; "
                           "default: where they last wrote from")
    subject: str | None = Field(default=None, max_length=998)
    attachment_ids: list[int] = Field(default_factory=list, max_length=10, description=
                                      "files uploaded in the composer (POST "
                                      "/cases/<id>/uploads) to send with it")
    template_id: int | None = Field(default=None, description="an approved WhatsApp "
                                    "template of the case (whatsapp-templates) instead of "
                                    "free text: it may go outside the 24-hour window; body "
                                    "is then ignored")


class CannedReplyIn(BaseModel):
    """A new canned reply; fields like {{customer.first_name}} are filled in on use."""

    title: str = Field(max_length=120, json_schema_extra=documented(**NOT_BLANK))
    body: str = Field(max_length=4000, json_schema_extra=documented(**NOT_BLANK))
    shared: bool = Field(default=False, description="shared with the client's staff "
                         "(supervisors only); otherwise personal (or see scope)")
    scope: Literal["personal", "team", "client"] | None = Field(
        default=None, description="personal, team (your team's members use and edit it) or "
        "client (supervisors); overrides shared")
    line_of_work: str | None = Field(default=None, max_length=32, description="offered on "
                                     "this line's cases only; default: every line")
    client_id: int | None = Field(default=None, description="default: your only client")


class CannedReplyPatch(BaseModel):
    """Changes to a canned reply (only what is given)."""

    title: str | None = Field(default=None, max_length=120)
    body: str | None = Field(default=None, max_length=4000)
    line_of_work: str | None = Field(default=None, max_length=32,
                                     description='"" for every line of work')


class CannedQuery(BaseModel):
    """Which replies to list."""

    case_id: int | None = Field(default=None, description="only those fit for this case: its "
                                "client's, for its line of work or for every line")


class CannedReplyOut(Out):
    """A canned reply."""

    id: int
    client_id: int
    owner_id: int | None = None
    team_id: int | None = None
    scope: str = Field(description="personal, team or client")
    line_of_work: str | None = None
    title: str
    body: str
    updated_at: datetime


class CannedReplyList(BaseModel):
    """The canned replies you can use."""

    items: list[CannedReplyOut]
    line_of_work: str | None = Field(default=None, description="the case's line of work, "
                                     "when listed for a case")


class RenderedReply(BaseModel):
    """A canned reply filled in for one case (plain text)."""

    body: str


class ReplyOption(BaseModel):
    """A medium the composer offers, where it would go, or why it cannot be used now."""

    medium: str
    to: str | None = None
    available: bool
    reason: str | None = None
    unverified: bool = Field(default=False, description="it reaches a chat visitor who "
                             "claims to be the customer and nobody has verified")
    window_closed: bool = Field(default=False, description="only the reply window bars it: "
                                "an approved template may still go (whatsapp-templates)")


class ReplyOptions(BaseModel):
    """The media a case's customer can be reached on; `default` is the one they last used."""

    options: list[ReplyOption]
    default: str | None = None


class Deleted(BaseModel):
    """Confirmation of a deletion."""

    deleted: bool


@api.route(bp, "/cases/<int:case_id>/messages", "POST", summary="Reply to the customer",
           body=MessageIn, response=InteractionOut, status=202, tags=["messages"],
           errors=(403, 409, 413, 415, 502, 503))
def send_message(case_id: int, body: MessageIn):
    """Queue a reply; it is sent after the commit and its status follows live."""
    if body.medium not in registry.media():
        sendable = ", ".join(m for m in registry.media()) or "none"
        raise Invalid(f"no channel can send {body.medium!r} messages here (available: "
                      f"{sendable})", code="unsupported_medium")
    if body.medium == "email":
        # Email has its own pipeline (threading headers, opt-out link, SMTP backoff).
        return _send_email(case_id, body)
    template = None
    text = body.body
    if body.template_id is not None:
        filled = _template(case_id, body)
        template = {"content_sid": filled.content_sid, "variables": filled.variables,
                    "name": filled.name, "id": filled.id}
        text = filled.body
    session = database.session()
    item = outbound.queue(session, actor(), case_id, medium=body.medium, body=text,
                          to=body.to, subject=body.subject, upload_ids=body.attachment_ids,
                          template=template)
    out = InteractionOut.model_validate(item)  # read before commit: the send starts after it
    session.commit()
    return out


def _template(case_id: int, body: MessageIn) -> templates.Filled:
    if not template_senders(body.medium):
        raise Invalid(f"{body.medium} messages cannot be approved templates")
    found = approved(body.medium)
    session = database.session()
    found = templates.pick(session, actor(), case_id, body.template_id, found)
    session.rollback()
    return found


def _send_email(case_id: int, body: MessageIn) -> InteractionOut:
    session = database.session()
    to = body.to or outbound.default_destination(session, actor(), case_id, "email")
    # Unvalidated on purpose: the mail service checks address, subject and text and says in
    # words what is missing, where EmailIn's own limits would escape here as a bare 500.
    # A reply from the composer answers the customer's last email, so it threads for them.
    return queue_and_send(case_id, EmailIn.model_construct(
        to=to or "", subject=body.subject or "", body=body.body,
        in_reply_to=mail.last_from(session, case_id, to) if to else None,
        attachment_ids=body.attachment_ids))


@api.route(bp, "/cases/<int:case_id>/reply-options", summary="How the customer of a case can "
           "be reached", response=ReplyOptions, tags=["messages"], errors=(409, 422))
def reply_options(case_id: int):
    """Each installed medium with its destination, or the reason it is unavailable."""
    session = database.session()
    found, default = outbound.options(session, actor(), case_id, registry.media())
    session.rollback()
    return ReplyOptions(options=[ReplyOption(**vars(o)) for o in found], default=default)


def _canned_out(reply) -> CannedReplyOut:
    return CannedReplyOut.model_validate({
        **{k: getattr(reply, k) for k in ("id", "client_id", "owner_id", "team_id",
                                          "line_of_work", "title", "body", "updated_at")},
        "scope": canned.scope_of(reply)})


@api.route(bp, "/canned-replies", summary="Canned replies you can use (shared and yours)",
           query=CannedQuery, response=CannedReplyList, tags=["messages"], errors=(404,))
def list_canned(query: CannedQuery):
    """The client-wide replies of your clients, your team's and your own."""
    session = database.session()
    client_id = line = None
    if query.case_id is not None:
        case = cases.get(session, actor(), query.case_id, audit_view=False)
        client_id, line = case.client_id, templates.line_of_case(session, case)
    items = canned.visible(session, actor(), client_id=client_id, line_of_work=line)
    out = CannedReplyList(items=[_canned_out(i) for i in items], line_of_work=line)
    session.rollback()
    return out


@api.route(bp, "/canned-replies", "POST", summary="Create a canned reply", body=CannedReplyIn,
           response=CannedReplyOut, status=201, tags=["messages"], errors=(403, 404))
def create_canned(body: CannedReplyIn):
    """A personal reply, your team's, or the client's (supervisors)."""
    me = actor()
    session = database.session()
    reply = canned.create(session, me, access.client_or_only(me, body.client_id), body.title,
                          body.body, shared=body.shared, scope=body.scope,
                          line_of_work=body.line_of_work)
    session.commit()
    return _canned_out(reply)


@api.route(bp, "/canned-replies/<int:reply_id>", "PATCH", summary="Edit a canned reply",
           body=CannedReplyPatch, response=CannedReplyOut, tags=["messages"], errors=(403,))
def update_canned(reply_id: int, body: CannedReplyPatch):
    """Your reply, your team's, or (as supervisor) the client's."""
    session = database.session()
    reply = canned.update(session, actor(), reply_id, title=body.title, body=body.body,
                          line_of_work=body.line_of_work or None,
                          clear_line=body.line_of_work == "")
    session.commit()
    return _canned_out(reply)


@api.route(bp, "/canned-replies/<int:reply_id>", "DELETE", summary="Delete a canned reply",
           response=Deleted, tags=["messages"], errors=(403,))
def delete_canned(reply_id: int):
    """Remove your reply, your team's, or (as supervisor) the client's."""
    session = database.session()
    canned.delete(session, actor(), reply_id)
    session.commit()
    return Deleted(deleted=True)


@api.route(bp, "/cases/<int:case_id>/canned-replies/<int:reply_id>", summary="A canned reply "
           "filled in for a case", response=RenderedReply, tags=["messages"])
def render_canned(case_id: int, reply_id: int):
    """The reply's text with this case's customer and agent fields."""
    session = database.session()
    text = canned.render(session, actor(), reply_id, case_id)
    session.rollback()
    return RenderedReply(body=text)
