"""WhatsApp approved templates: which a case can use (filled in), and which a client offers."""

from __future__ import annotations

from flask import current_app
from pydantic import BaseModel, Field

from channels import registry
from channels.sms.content import ContentNotConfigured, ContentUnavailable
from console.api.core.blueprint import actor, api, bp
from console.api.core.schemas import Out
from console.core import database
from crm.core.errors import DomainError
from crm.messaging import templates
from crm.tenancy import access


class TemplateOut(BaseModel):
    """An approved template filled in for one case; `missing` names variables with no value."""

    id: int
    content_sid: str
    name: str
    language: str
    body: str
    variables: dict[str, str]
    missing: list[str]


class TemplateList(BaseModel):
    """The templates the case's client offers that WhatsApp has approved."""

    items: list[TemplateOut]


class TemplateConfigIn(BaseModel):
    """Offer an approved template to a client's agents, saying how its variables fill."""

    content_sid: str = Field(min_length=34, max_length=34, description="HX + 32 hex digits")
    fields: dict[str, str] = Field(default_factory=dict, description="variable -> field, e.g. "
                                   '{"1": "customer.first_name", "2": "case.reference"}')
    line_of_work: str | None = Field(default=None, max_length=32,
                                     description="offered on this line's cases only")
    client_id: int | None = Field(default=None, description="default: your only client")


class TemplateConfigOut(Out):
    """A template a client offers."""

    id: int
    client_id: int
    content_sid: str
    line_of_work: str | None = None
    fields: dict[str, str]


class TemplatesNotConfigured(DomainError):
    """No Twilio account (or no channel that sends templates) to read the templates from."""

    code = "twilio_not_configured"
    status = 503


class TemplatesUnreachable(DomainError):
    """Twilio's Content API refused or did not answer."""

    code = "twilio_error"
    status = 502


def template_senders(medium: str | None = None) -> list:
    """The channel adapters that send approved templates (only the medium's, when named)."""
    settings = current_app.config["CASELINE"]
    adapters = [registry.adapter_for(m, settings) for m in ([medium] if medium else
                                                             registry.media())]
    return [a for a in adapters if "templates" in a.capabilities]


def approved(medium: str | None = None) -> list[templates.Approved]:
    """The account's approved templates, read through the channel that sends them (the one of
    `medium` when a message names it): the one place Content API failures become answers."""
    senders = template_senders(medium)
    if not senders:
        raise TemplatesNotConfigured("no channel here sends approved templates")
    try:
        return [templates.Approved(t.sid, t.name, t.language, t.body, t.variables)
                for t in senders[0].templates()]
    except ContentNotConfigured as exc:
        raise TemplatesNotConfigured(str(exc)) from None
    except ContentUnavailable as exc:
        raise TemplatesUnreachable(str(exc)) from None


@api.route(bp, "/cases/<int:case_id>/whatsapp-templates", response=TemplateList,
           tags=["messages"], errors=(502, 503),
           summary="WhatsApp templates for a case, filled in (usable outside 24 hours)")
def case_templates(case_id: int):
    """The client's approved templates with this case's values in their variables."""
    found = approved()
    session = database.session()
    items = templates.for_case(session, actor(), case_id, found)
    session.rollback()
    return TemplateList(items=[TemplateOut(**{**vars(t), "missing": list(t.missing)})
                               for t in items])


@api.route(bp, "/whatsapp-templates", "POST", body=TemplateConfigIn,
           response=TemplateConfigOut, status=201, tags=["messages"], errors=(403, 404),
           summary="Offer an approved WhatsApp template to a client's agents (supervisors)")
def configure_template(body: TemplateConfigIn):
    """Which template, on which line of work, and which case field fills each variable."""
    me = actor()
    session = database.session()
    row = templates.configure(session, me, access.client_or_only(me, body.client_id),
                              body.content_sid, body.fields, body.line_of_work)
    session.commit()
    return TemplateConfigOut.model_validate(row)
