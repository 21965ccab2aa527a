"""Customers by hand: create one with their case, edit contact points, merge duplicates."""

from __future__ import annotations

from typing import Literal

from flask import current_app
from pydantic import BaseModel, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import ContactPointOut, CustomerOut
from console.api.core.workspace_schemas import CustomerRef
from console.core import database
from crm.customers import contacts, creation, identity, merging
from crm.customers.details import CONTACT_MEDIA


class CustomerIn(BaseModel):
    """A new customer: a name, and any phones and emails (each not yet someone else's)."""

    display_name: str = Field(json_schema_extra=documented(**NOT_BLANK,
                                                           maxLength=creation.MAX_NAME))
    phones: list[str] = Field(default_factory=list, max_length=creation.MAX_CONTACTS)
    emails: list[str] = Field(default_factory=list, max_length=creation.MAX_CONTACTS)
    timezone: str | None = Field(default=None, max_length=64,
                                 description="an IANA time zone such as Europe/London")
    language: str | None = Field(default=None, max_length=16)
    client_id: int | None = Field(default=None, description="whose customer (needed only by "
                                  "staff of several clients)")


class CreatedCustomerOut(CustomerOut):
    """The new customer and their case."""

    case_id: int
    case_reference: str


class ContactPointIn(BaseModel):
    """A phone number or email address to add."""

    value: str = Field(min_length=1, max_length=320)
    kind: Literal["phone", "email"] | None = Field(default=None, description="guessed from "
                                                   "the value when omitted")
    label: str | None = Field(default=None, max_length=contacts.MAX_LABEL)


class ContactPointChange(BaseModel):
    """A contact point's label, and the media the customer consented to."""

    label: str | None = Field(default=None, max_length=contacts.MAX_LABEL)
    consents: dict[str, bool] | None = Field(default=None, description="medium (" +
                                             ", ".join(CONTACT_MEDIA) + ") to true or false")


class MergeIn(BaseModel):
    """The duplicate to fold into this customer."""

    other_id: int


class MergePreviewQuery(BaseModel):
    """The duplicate a merge would fold in."""

    other_id: int


class MergePreviewOut(BaseModel):
    """Who survives, who is folded in, and how many of the duplicate's things move."""

    survivor: CustomerRef
    duplicate: CustomerRef
    survivor_case_reference: str
    duplicate_case_reference: str
    moves: dict[str, int]


@api.route(bp, "/customers", "POST", summary="Create a customer and their case by hand "
           "(audited)", body=CustomerIn, response=CreatedCustomerOut, status=201,
           tags=["customers"], errors=(404, 409))
def create_customer(body: CustomerIn):
    """201 with the customer and case_id; 409 when a phone or email is someone else's."""
    session = database.session()
    customer, case = creation.create(
        session, actor(), display_name=body.display_name, phones=body.phones,
        emails=body.emails, timezone=body.timezone, language=body.language,
        client_id=body.client_id, region=current_app.config["CASELINE"].default_phone_region)
    out = CreatedCustomerOut.model_validate({**CustomerOut.model_validate(customer).model_dump(),
                                             "case_id": case.id,
                                             "case_reference": case.reference})
    session.commit()
    return out


@api.route(bp, "/customers/<int:customer_id>/contact-points", "POST", status=201,
           summary="Add a phone or email to a customer (audited)", body=ContactPointIn,
           response=ContactPointOut, tags=["customers"], errors=(409,))
def add_contact_point(customer_id: int, body: ContactPointIn):
    """409 when it is already this or another customer's."""
    session = database.session()
    point = contacts.add(session, actor(), customer_id, body.value, kind=body.kind,
                         label=body.label,
                         region=current_app.config["CASELINE"].default_phone_region)
    out = ContactPointOut.model_validate(point)
    session.commit()
    return out


@api.route(bp, "/contact-points/<int:contact_point_id>", "PATCH", body=ContactPointChange,
           response=ContactPointOut, tags=["customers"],
           summary="Relabel a contact point or record consent per medium (audited)")
def change_contact_point(contact_point_id: int, body: ContactPointChange):
    """The contact point as it is now."""
    session = database.session()
    point = contacts.change(session, actor(), contact_point_id, label=body.label,
                            consents=body.consents)
    out = ContactPointOut.model_validate(point)
    session.commit()
    return out


@api.route(bp, "/contact-points/<int:contact_point_id>", "DELETE", status=204,
           tags=["customers"], errors=(409,),
           summary="Remove a contact point (not one with an opt-out or a restriction)")
def remove_contact_point(contact_point_id: int):
    """204; audited."""
    session = database.session()
    contacts.remove(session, actor(), contact_point_id)
    session.commit()
    return "", 204


@api.route(bp, "/customers/<int:customer_id>/merge-preview", query=MergePreviewQuery,
           response=MergePreviewOut, tags=["customers"],
           summary="What merging other_id into this customer would move (changes nothing)")
def merge_preview(customer_id: int, query: MergePreviewQuery):
    """Counts of interactions, claims, debts, tasks and contact points that move."""
    session = database.session()
    p = merging.preview(session, actor(), customer_id, query.other_id)
    out = MergePreviewOut(survivor=CustomerRef.model_validate(p.survivor),
                          duplicate=CustomerRef.model_validate(p.duplicate),
                          survivor_case_reference=p.survivor_case.reference,
                          duplicate_case_reference=p.duplicate_case.reference, moves=p.moves)
    session.commit()
    return out


@api.route(bp, "/customers/<int:customer_id>/merge", "POST", body=MergeIn,
           response=CreatedCustomerOut, tags=["customers"], errors=(403, 409),
           summary="Merge a duplicate into this customer: its contact points, timeline and "
                   "work move here (audited)")
def merge_customer(customer_id: int, body: MergeIn):
    """The surviving customer and their case."""
    session = database.session()
    survivor = merging.merge(session, actor(), customer_id, body.other_id)
    case = identity.case_of(session, survivor)
    out = CreatedCustomerOut.model_validate({**CustomerOut.model_validate(survivor).model_dump(),
                                             "case_id": case.id,
                                             "case_reference": case.reference})
    session.commit()
    return out
