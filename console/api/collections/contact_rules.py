"""Regulation F in the console: times and places named inconvenient, spoken opt-outs,
validation sent, blocked attempts and their override, and the calls left this week."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.debt_schemas import BlockedOut, blocked_out
from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import ContactPointOut, Out
from console.core import database
from crm import guardrails
from crm.cases import records as cases
from crm.core.errors import Invalid
from crm.customers.details import CONTACT_MEDIA
from crm.guardrails import blocked, collections, restrictions, validation

HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SOURCE = Field(default="spoken", json_schema_extra=documented(enum=list(restrictions.SOURCES)))


class RestrictionIn(BaseModel):
    """A time window (on some weekdays) or a contact point the debtor named as inconvenient."""

    days: list[str] = Field(default_factory=list, max_length=7, description="weekdays it "
                            "applies on (none: every day)",
                            json_schema_extra=documented(items={"enum": list(
                                restrictions.DAYS)}, nullable=False))
    starts: str | None = Field(default=None, pattern=HHMM, description="local HH:MM the "
                               "window starts (none: midnight)")
    ends: str | None = Field(default=None, pattern=HHMM, description="local HH:MM the window "
                             "ends (none: midnight); before `starts` it runs overnight")
    contact_point_id: int | None = Field(default=None, description="a place: this contact "
                                         "point (none: every contact point)")
    note: str = Field(default="", max_length=restrictions.MAX_NOTE,
                      description="what the debtor said")
    source: str = SOURCE


class RestrictionOut(Out):
    """A recorded restriction, in words too."""

    id: int
    customer_id: int
    contact_point_id: int | None = None
    days: list[str]
    starts: str | None = None
    ends: str | None = None
    note: str
    source: str
    recorded_by_id: int | None = None
    created_at: datetime
    summary: str


class RestrictionList(BaseModel):
    """A customer's restrictions, oldest first."""

    items: list[RestrictionOut]


class OptOutIn(BaseModel):
    """The debtor's "don't call / text / email me" on one contact point, as an agent heard it."""

    medium: str = Field(json_schema_extra=documented(enum=list(CONTACT_MEDIA)))
    opted_out: bool = True
    source: str = SOURCE
    note: str = Field(default="", max_length=restrictions.MAX_NOTE)


class ValidationIn(BaseModel):
    """When the validation (verification) of the disputed debt was sent."""

    sent_on: str | None = Field(default=None, pattern=ISO_DATE, description="YYYY-MM-DD "
                                "(none: today)")


class ValidationOut(Out):
    """The debt account after validation was recorded."""

    id: int
    case_id: int
    status: str
    validated_on: date | None = None


class BlockedList(BaseModel):
    """A case's latest blocked attempts, newest first."""

    items: list[BlockedOut]


class OverrideIn(BaseModel):
    """Why the supervisor lets one contact through despite the rule."""

    reason: str = Field(max_length=blocked.MAX_REASON, json_schema_extra=documented(**NOT_BLANK))


class NumberAllowanceOut(BaseModel):
    """Whether one of the customer's numbers may be called now, and why not."""

    contact_point_id: int
    allowed: bool
    reason: str | None = Field(description="why a call to it now would be refused")
    absolute: bool = Field(description="no override can lift the refusal (an opt-out, a "
                           "cease request, …): the Call button is off")


class CallAllowanceOut(BaseModel):
    """What the phone shows before dialling a case's customer."""

    limited: bool = Field(description="a debt under collection: the 7-in-7 rule applies")
    calls_per_week: int
    calls_left: int | None = Field(description="call attempts left in the last 7 days")
    allowed: bool
    reason: str | None = Field(description="why a call now would be refused")
    numbers: list[NumberAllowanceOut] = Field(
        default_factory=list, description="each phone number of the customer: its \"don't "
        "call me\" and every other rule, as a call to it would meet them")


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def _restriction(row) -> RestrictionOut:
    return RestrictionOut(
        id=row.id, customer_id=row.customer_id, contact_point_id=row.contact_point_id,
        days=[restrictions.DAYS[d] for d in row.days],
        starts=f"{row.starts:%H:%M}" if row.starts else None,
        ends=f"{row.ends:%H:%M}" if row.ends else None, note=row.note, source=row.source,
        recorded_by_id=row.recorded_by_id, created_at=row.created_at,
        summary=restrictions.describe(row))


@api.route(bp, "/customers/<int:customer_id>/contact-restrictions", tags=["collections"],
           response=RestrictionList,
           summary="Times and places the customer named as inconvenient")
def list_restrictions(customer_id: int):
    """Oldest first."""
    rows = restrictions.for_customer(database.session(), actor(), customer_id)
    out = RestrictionList(items=[_restriction(r) for r in rows])
    database.session().commit()
    return out


@api.route(bp, "/customers/<int:customer_id>/contact-restrictions", "POST", status=201,
           body=RestrictionIn, response=RestrictionOut, tags=["collections"],
           summary="Record a time or place the customer named as inconvenient (audited)")
def add_restriction(customer_id: int, body: RestrictionIn):
    """The guardrail refuses contact inside it and allows it outside."""
    row = restrictions.add(database.session(), actor(), customer_id, days=body.days,
                           starts=_time(body.starts), ends=_time(body.ends),
                           contact_point_id=body.contact_point_id, note=body.note,
                           source=body.source)
    out = _restriction(row)
    database.session().commit()
    return out


@api.route(bp, "/contact-restrictions/<int:restriction_id>", "DELETE", status=204,
           tags=["collections"], summary="Remove a restriction the customer lifted (audited)")
def remove_restriction(restriction_id: int):
    """Gone from the guardrail at once."""
    restrictions.remove(database.session(), actor(), restriction_id)
    database.session().commit()
    return "", 204


@api.route(bp, "/contact-points/<int:contact_point_id>/opt-outs", "POST", body=OptOutIn,
           response=ContactPointOut, tags=["collections"],
           summary="Record a spoken or written \"don't call / text / email me\" (audited)")
def record_opt_out(contact_point_id: int, body: OptOutIn):
    """Who recorded it, how the debtor said it and their words go to the audit trail."""
    point = restrictions.record_opt_out(database.session(), actor(), contact_point_id,
                                        body.medium, opted_out=body.opted_out,
                                        source=body.source, note=body.note)
    out = ContactPointOut.model_validate(point)
    database.session().commit()
    return out


@api.route(bp, "/debts/<int:debt_id>/validation", "POST", body=ValidationIn,
           response=ValidationOut, tags=["collections"], errors=(403,),
           summary="Record that validation of a disputed debt was sent (collections, "
                   "supervisor)")
def record_validation(debt_id: int, body: ValidationIn):
    """Collection contact may resume; audited."""
    try:
        sent_on = date.fromisoformat(body.sent_on) if body.sent_on else None
    except ValueError:
        raise Invalid("sent_on: not a date") from None
    debt = validation.record_sent(database.session(), actor(), debt_id, sent_on)
    out = ValidationOut.model_validate(debt)
    database.session().commit()
    return out


@api.route(bp, "/cases/<int:case_id>/blocked-attempts", response=BlockedList,
           tags=["collections"], summary="Contact attempts the guardrail blocked on a case")
def list_blocked(case_id: int):
    """Newest first, with the rule and any override."""
    session = database.session()
    case = cases.get(session, actor(), case_id, audit_view=False)
    out = BlockedList(items=[blocked_out(r) for r in blocked.for_case(session, actor(), case.id)])
    session.commit()
    return out


@api.route(bp, "/blocked-attempts/<int:blocked_id>/override", "POST", body=OverrideIn,
           response=BlockedOut, tags=["collections"], errors=(403, 409),
           summary="Let one contact through despite the rule (supervisor; written reason; "
                   "audited)")
def override_blocked(blocked_id: int, body: OverrideIn):
    """The next attempt of that medium on the case within an hour passes that rule once."""
    row = blocked.override(database.session(), actor(), blocked_id, body.reason)
    out = blocked_out(row)
    database.session().commit()
    return out


@api.route(bp, "/cases/<int:case_id>/call-allowance", response=CallAllowanceOut,
           tags=["collections"], summary="Before dialling: call attempts left this week and "
           "whether a call now is allowed")
def call_allowance(case_id: int):
    """The phone shows it before the agent dials."""
    session = database.session()
    case = cases.get(session, actor(), case_id, audit_view=False)
    left = collections.calls_left(session, case)
    voice = guardrails.describe("voice")
    why = guardrails.reason(session, case, voice)
    numbers = []
    for point in case.customer.contact_points:
        if point.kind != "phone":
            continue
        exc = guardrails.refusal(session, case, voice, point=point)
        numbers.append(NumberAllowanceOut(
            contact_point_id=point.id, allowed=exc is None,
            reason=guardrails.reason(session, case, voice, point=point) if exc else None,
            absolute=exc is not None and exc.code not in blocked.OVERRIDABLE))
    session.commit()
    return CallAllowanceOut(limited=left is not None, calls_per_week=collections.CALLS_PER_WEEK,
                            calls_left=left, allowed=why is None, reason=why, numbers=numbers)
