"""Claims through the API: take a first notice of loss, read, correct and move a claim."""

from __future__ import annotations

from console.api.core.blueprint import actor, api, bp
from console.api.core.claim_schemas import (
    ClaimChange,
    ClaimIn,
    ClaimList,
    ClaimOut,
    CoverChangeIn,
    CoverChangeOut,
    TransitionIn,
    claim_out,
)
from console.core import database
from crm.cases import records as cases
from crm.claims import cover, records, transitions

TAGS = ["claims"]


def _done(claim) -> ClaimOut:
    session = database.session()
    out = claim_out(session, claim)
    session.commit()
    return out


@api.route(bp, "/cases/<int:case_id>/claims", "POST", summary="Take a first notice of loss: "
           "a claim on the case, starting at fnol (claims handlers, agents, supervisors; 409 "
           "number_taken)", body=ClaimIn, response=ClaimOut, status=201, tags=TAGS,
           errors=(403, 409))
def create_claim(case_id: int, body: ClaimIn):
    """Audited, and on the case's timeline."""
    return _done(records.create(database.session(), actor(), case_id,
                                **body.model_dump(exclude_unset=True)))


@api.route(bp, "/cases/<int:case_id>/claims", summary="A case's claims (finished ones too), "
           "oldest first", response=ClaimList, tags=TAGS)
def list_claims(case_id: int):
    """Visible to whoever may see the case."""
    session = database.session()
    case = cases.get(session, actor(), case_id)
    out = ClaimList(items=[claim_out(session, c) for c in records.of_case(session, case.id)])
    session.commit()
    return out


@api.route(bp, "/claims/<int:claim_id>", summary="A claim: facts, status, next moves, "
           "documents asked for, cover changes", response=ClaimOut, tags=TAGS)
def get_claim(claim_id: int):
    """Visible to whoever may see its case."""
    return _done(records.get(database.session(), actor(), claim_id, audit_view=True))


@api.route(bp, "/claims/<int:claim_id>", "PATCH", summary="Correct a claim's facts (the "
           "reserve: claims handlers and supervisors)", body=ClaimChange, response=ClaimOut,
           tags=TAGS, errors=(403,))
def patch_claim(claim_id: int, body: ClaimChange):
    """Audited with before and after; on the case's timeline."""
    return _done(records.update(database.session(), actor(), claim_id,
                                body.model_dump(exclude_unset=True)))


@api.route(bp, "/claims/<int:claim_id>/transitions", "POST", summary="Move a claim (409 "
           "transition_not_allowed names the allowed moves, documents_outstanding the "
           "documents still awaited; settled and declined wait for sign-off: pending_signoff; "
           "reopened: claims handlers and supervisors)",
           body=TransitionIn, response=ClaimOut, tags=TAGS, errors=(403, 409))
def move_claim(claim_id: int, body: TransitionIn):
    """Each move audited and on the timeline."""
    return _done(transitions.move(database.session(), actor(), claim_id, body.to, body.reason,
                                  settlement_amount_cents=body.settlement_amount_cents,
                                  documents_waived=body.documents_waived))


@api.route(bp, "/claims/<int:claim_id>/cover-changes", "POST", summary="Record a change of "
           "the policy's cover (an increase from a day, with its new sum insured)",
           body=CoverChangeIn, response=CoverChangeOut, status=201, tags=TAGS, errors=(403,))
def add_cover_change(claim_id: int, body: CoverChangeIn):
    """Audited and on the timeline; red-flag rules look at it."""
    session = database.session()
    change = cover.add(session, actor(), claim_id, **body.model_dump())
    session.commit()
    return CoverChangeOut.model_validate(change)
