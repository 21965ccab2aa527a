"""Fraud rings through the API: link customers who act together, and unlink a mistake."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import Out
from console.core import database
from crm.fraud import escalations as fraud


class LinkIn(BaseModel):
    """The other customer (a case reference such as CL-… or a customer id) and why."""

    other: str = Field(max_length=64, json_schema_extra=documented(**NOT_BLANK))
    reason: str = Field(max_length=2000, json_schema_extra=documented(**NOT_BLANK))


class LinkOut(Out):
    """A stored link (the pair in id order)."""

    id: int
    customer_id: int
    other_id: int
    reason: str
    created_at: datetime


def _committed(out: BaseModel) -> BaseModel:
    database.session().commit()
    return out


@api.route(bp, "/customers/<int:customer_id>/links", "POST", body=LinkIn, response=LinkOut,
           status=201, tags=["fraud"], summary="Link two customers into a fraud ring",
           errors=(403, 409))
def link_customers(customer_id: int, body: LinkIn):
    """Fraud investigators and supervisors only; audited."""
    made = fraud.link(database.session(), actor(), customer_id, body.other, body.reason)
    return _committed(LinkOut.model_validate(made))


@api.route(bp, "/customers/<int:customer_id>/links/<int:other_id>", "DELETE", status=204,
           tags=["fraud"],
           summary="Remove a mistaken fraud-ring link", errors=(403,))
def unlink_customers(customer_id: int, other_id: int):
    """Fraud investigators and supervisors only; audited."""
    fraud.unlink(database.session(), actor(), customer_id, other_id)
    database.session().commit()
    return "", 204
