"""Red flags, suggested links and the ring graph: investigation details, so only for those
allowed to see them (crm.fraud.visibility); everyone else gets 403 "under review"."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import Out
from console.core import database
from console.fraud.wiring import thresholds
from crm.cases import records as cases
from crm.fraud import flags, profile_identifiers, ring_graph, suggestions
from crm.fraud.profile_identifiers import RECORDED


class FlagQuery(BaseModel):
    """Which flags: the active ones (default) or cleared ones too."""

    cleared: bool = Field(False, description="also list flags that no longer hold")


class FlagOut(Out):
    """One rule that fired on the case, why, and the facts it matched."""

    id: int
    rule: str
    key: str
    reason: str
    facts: dict
    status: str
    claim_id: int | None
    created_at: datetime
    updated_at: datetime


class FlagList(BaseModel):
    """A case's red flags; enough active ones recommend a referral to the fraud team."""

    items: list[FlagOut]
    active: int
    referral_recommended: bool
    referral_at: int


class OtherOut(BaseModel):
    """The other customer of a suggested link, and their case."""

    customer_id: int
    name: str
    case_id: int
    case_reference: str


class SuggestionOut(Out):
    """A link a rule suggests, waiting for an investigator (or decided)."""

    id: int
    rule: str
    key: str
    reason: str
    status: str
    decision_reason: str | None
    created_at: datetime
    other: OtherOut | None = None


class SuggestionList(BaseModel):
    """Links the rules suggest for this case's customer."""

    items: list[SuggestionOut]


class SuggestionDecisionIn(BaseModel):
    """Why (accepting: the link's reason, the suggestion's own when left out)."""

    reason: str | None = Field(None, max_length=2000)


class RingNodeData(BaseModel):
    """A customer in the ring; case_id is null when the viewer may not open their case."""

    id: str
    customer_id: int
    label: str
    case_id: int | None
    case_reference: str | None
    centre: bool


class RingEdgeData(BaseModel):
    """A link between two customers, labelled with its reason."""

    id: str
    source: str
    target: str
    label: str
    customer_id: int
    other_id: int


class RingNode(BaseModel):
    """A Cytoscape node element."""

    data: RingNodeData


class RingEdge(BaseModel):
    """A Cytoscape edge element."""

    data: RingEdgeData


class RingOut(BaseModel):
    """The ring around a customer as Cytoscape elements."""

    nodes: list[RingNode]
    edges: list[RingEdge]


class IdentifierIn(BaseModel):
    """An address, device or third party given on the profile or on one of the case's claims."""

    kind: Literal[RECORDED]  # type: ignore[valid-type]
    value: str = Field(max_length=500, json_schema_extra=documented(**NOT_BLANK))
    claim_id: int | None = Field(None, ge=1, lt=2**63)


class IdentifierOut(Out):
    """A recorded identifier."""

    id: int
    customer_id: int
    claim_id: int | None
    kind: str
    value: str
    created_at: datetime


@api.route(bp, "/cases/<int:case_id>/flags", query=FlagQuery, response=FlagList,
           tags=["fraud"], summary="A case's red flags with why each fired (fraud team, "
           "supervisors, reviewers, the assigned investigator)", errors=(403,))
def case_flags(case_id: int, query: FlagQuery):
    """403 `under_review` for everyone else."""
    session = database.session()
    _, found = flags.for_case(session, actor(), case_id, include_cleared=query.cleared)
    t = thresholds()
    active = [f for f in found if f.status == "active"]
    out = FlagList(items=[FlagOut.model_validate(f) for f in found], active=len(active),
                   referral_recommended=flags.referral_recommended(active, t),
                   referral_at=t.referral_flags)
    session.commit()
    return out


@api.route(bp, "/cases/<int:case_id>/links/suggested", response=SuggestionList,
           tags=["fraud"], summary="Links the rules suggest for the case's customer",
           errors=(403,))
def suggested_links(case_id: int):
    """Waiting for an investigator's decision, oldest first."""
    session = database.session()
    case, _ = flags.for_case(session, actor(), case_id)
    items = [SuggestionOut.model_validate(s.suggestion).model_copy(update={"other": OtherOut(
        customer_id=s.other.id, name=s.other.display_name, case_id=s.other_case.id,
        case_reference=s.other_case.reference)})
        for s in suggestions.for_customer(session, case.customer_id)]
    session.commit()
    return SuggestionList(items=items)


@api.route(bp, "/links/suggestions/<int:suggestion_id>/accept", "POST", body=SuggestionDecisionIn,
           response=SuggestionOut, tags=["fraud"],
           summary="Accept a suggested link: the customers join a ring", errors=(403, 409))
def accept_suggested_link(suggestion_id: int, body: SuggestionDecisionIn):
    """Fraud investigators and supervisors; audited."""
    made = suggestions.accept(database.session(), actor(), suggestion_id, body.reason)
    out = SuggestionOut.model_validate(made)
    database.session().commit()
    return out


@api.route(bp, "/links/suggestions/<int:suggestion_id>/dismiss", "POST", body=SuggestionDecisionIn,
           response=SuggestionOut, tags=["fraud"], summary="Dismiss a suggested link",
           errors=(403, 409))
def dismiss_suggested_link(suggestion_id: int, body: SuggestionDecisionIn):
    """Fraud investigators and supervisors; audited."""
    made = suggestions.dismiss(database.session(), actor(), suggestion_id, body.reason)
    out = SuggestionOut.model_validate(made)
    database.session().commit()
    return out


@api.route(bp, "/customers/<int:customer_id>/ring", response=RingOut, tags=["fraud"],
           summary="The fraud ring around a customer as a graph (Cytoscape elements)",
           errors=(403,))
def customer_ring(customer_id: int):
    """Nodes are customers (with their case when the viewer may open it), edges links."""
    session = database.session()
    out = RingOut.model_validate(ring_graph.graph(session, actor(), customer_id))
    session.commit()
    return out


@api.route(bp, "/customers/<int:customer_id>/identifiers", "POST", body=IdentifierIn,
           response=IdentifierOut, status=201, tags=["fraud"],
           summary="Record an address, device or third party on a profile or claim")
def add_identifier(customer_id: int, body: IdentifierIn):
    """The red-flag rules compare it with other customers' as the request commits."""
    session = database.session()
    customer = cases.get_customer(session, actor(), customer_id)
    made = profile_identifiers.add(session, actor(), customer, body.kind, body.value,
                                   claim_id=body.claim_id, region=thresholds().phone_region)
    out = IdentifierOut.model_validate(made)
    session.commit()
    return out
