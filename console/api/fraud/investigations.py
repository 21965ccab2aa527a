"""Investigations through the API: escalate, the fraud queue, take, work, close.

Only the fraud team, supervisors, reviewers and the assigned investigator see an
investigation; to anyone else it does not exist (404) and its case reads "under review".
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select

from console.api.core.blueprint import actor, api, bp
from console.api.core.schemas import AgentRef
from console.api.core.workspace_schemas import TimelineItemOut, timeline_item
from console.api.fraud.schemas import (
    CloseIn,
    EscalatedOut,
    EscalationIn,
    EvidenceIn,
    EvidenceList,
    EvidenceOut,
    InvestigationChange,
    InvestigationDetailOut,
    InvestigationList,
    InvestigationNoteIn,
    InvestigationOut,
    NoteList,
    QueueQuery,
    SendUpIn,
)
from console.core import database
from console.fraud.wiring import thresholds
from crm.core.errors import Invalid
from crm.fraud import evidence, investigations, visibility
from crm.models import Case, Customer, Interaction, Investigation, User

TAGS = ["fraud"]


def _out(session, found: Investigation, schema=InvestigationOut) -> BaseModel:
    row = session.execute(select(Case.reference, Customer.display_name).join(
        Customer, Customer.id == Case.customer_id).where(Case.id == found.case_id)).first()
    who = session.get(User, found.assigned_to_id) if found.assigned_to_id else None
    asked = session.execute(select(User.id, User.name).join(
        Interaction, Interaction.agent_id == User.id).where(
        Interaction.id == found.escalation_id)).first() if found.escalation_id else None
    return schema.model_validate(found).model_copy(update={
        "case_reference": row.reference, "customer_name": row.display_name,
        "assigned_to": AgentRef(id=who.id, name=who.name) if who else None,
        "requester": AgentRef(id=asked.id, name=asked.name) if asked else None})


def _evidence(session, row) -> EvidenceOut:
    item = session.get(Interaction, row.interaction_id)
    return EvidenceOut.model_validate(row).model_copy(update={
        "item": timeline_item(item) if item is not None else None})


def _detail(session, found: Investigation) -> InvestigationDetailOut:
    out = _out(session, found, InvestigationDetailOut)
    return out.model_copy(update={"evidence": [_evidence(session, r)
                                               for r in evidence.pinned(session, found)]})


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid("snoozed_until: give an ISO 8601 date-time") from None


def _committed(out):
    database.session().commit()
    return out


def _worked(service, investigation_id: int, *args, **kwargs) -> InvestigationDetailOut:
    """Run service(session, actor, investigation_id, ...) and answer the investigation in full."""
    session = database.session()
    found = service(session, actor(), investigation_id, *args, **kwargs)
    return _committed(_detail(session, found))


@api.route(bp, "/cases/<int:case_id>/escalations", "POST", body=EscalationIn,
           response=EscalatedOut, status=201, tags=TAGS,
           summary="Escalate a case to the fraud team (it goes to the fraud queue)",
           errors=(409,))
def escalate_case(case_id: int, body: EscalationIn):
    """Anyone working the case may escalate it; 409 while an investigation is open. The
    investigation comes back only to those who may see it."""
    session = database.session()
    made = investigations.escalate(session, actor(), case_id, body.summary, body.severity,
                                   body.claim_id, thresholds())
    shown = _out(session, made) if visibility.may_see(actor(), made) else None
    return _committed(EscalatedOut(case_id=made.case_id, status=visibility.UNDER_REVIEW,
                                   investigation=shown))


@api.route(bp, "/cases/<int:case_id>/investigations", response=InvestigationList, tags=TAGS,
           summary="A case's investigations (empty, and under_review, for those who may not "
           "see them)")
def case_investigations(case_id: int):
    """Newest first."""
    session = database.session()
    shown = investigations.of_case(session, actor(), case_id)
    hidden = not shown and session.scalar(select(Investigation.id).where(
        Investigation.case_id == case_id, Investigation.status.in_(investigations.ACTIVE))
        .limit(1)) is not None
    return _committed(InvestigationList(items=[_out(session, i) for i in shown],
                                        under_review=hidden))


@api.route(bp, "/investigations", query=QueueQuery, response=InvestigationList, tags=TAGS,
           summary="The fraud queue: active investigations, most severe first (fraud, "
           "supervisor, reviewer)", errors=(403,))
def fraud_queue(query: QueueQuery):
    """Snoozed ones only with snoozed=true; mine=true: those assigned to me."""
    session = database.session()
    found = investigations.queue(session, actor(), status=query.status, mine=query.mine,
                                 snoozed=query.snoozed)
    return _committed(InvestigationList(items=[_out(session, i) for i in found]))


@api.route(bp, "/investigations/escalated", response=InvestigationList, tags=TAGS,
           summary="Escalations waiting for an investigator (the queue's open ones)",
           errors=(403, 422))
def escalated_investigations():
    """Most severe, then oldest first."""
    session = database.session()
    found = investigations.queue(session, actor(), status="open")
    return _committed(InvestigationList(items=[_out(session, i) for i in found]))


@api.route(bp, "/investigations/<int:investigation_id>", response=InvestigationDetailOut,
           tags=TAGS, summary="An investigation with its evidence (the view is audited)")
def get_investigation(investigation_id: int):
    """404 for whoever may not see it."""
    return _worked(investigations.get, investigation_id)


@api.route(bp, "/investigations/<int:investigation_id>", "PATCH", body=InvestigationChange,
           response=InvestigationDetailOut, tags=TAGS,
           summary="Raise the severity, or snooze until a time (null wakes it)",
           errors=(403, 409))
def patch_investigation(investigation_id: int, body: InvestigationChange):
    """Severity only rises (422 otherwise); a snoozed one leaves the active queue."""
    given = body.model_dump(exclude_unset=True)
    return _worked(investigations.change, investigation_id, severity=given.get("severity"),
                   snoozed_until=_moment(given.get("snoozed_until")),
                   unsnooze="snoozed_until" in given and given["snoozed_until"] is None)


@api.route(bp, "/investigations/<int:investigation_id>/take", "POST",
           response=InvestigationDetailOut, tags=TAGS,
           summary="Take a waiting investigation (fraud investigators; one of two wins)",
           errors=(403, 409, 422))
def take_investigation(investigation_id: int):
    """409 when someone has taken it already."""
    return _worked(investigations.take, investigation_id)


@api.route(bp, "/investigations/<int:investigation_id>/escalate", "POST", body=SendUpIn,
           response=InvestigationDetailOut, tags=TAGS,
           summary="Escalate an investigation further (SIU, legal)", errors=(403, 409))
def send_up_investigation(investigation_id: int, body: SendUpIn):
    """Only one being worked."""
    return _worked(investigations.send_up, investigation_id, body.reason)


@api.route(bp, "/investigations/<int:investigation_id>/close", "POST", body=CloseIn,
           response=InvestigationDetailOut, tags=TAGS,
           summary="Close an investigation with an outcome and a summary", errors=(403, 409))
def close_investigation(investigation_id: int, body: CloseIn):
    """The work item leaves the fraud queue."""
    return _worked(investigations.close, investigation_id, body.outcome, body.summary)


@api.route(bp, "/investigations/<int:investigation_id>/evidence", response=EvidenceList,
           tags=TAGS, summary="An investigation's pinned evidence")
def list_evidence(investigation_id: int):
    """Oldest first."""
    session = database.session()
    found = investigations.get(session, actor(), investigation_id)
    return _committed(EvidenceList(items=[_evidence(session, r)
                                          for r in evidence.pinned(session, found)]))


@api.route(bp, "/investigations/<int:investigation_id>/evidence", "POST", body=EvidenceIn,
           response=EvidenceOut, status=201, tags=TAGS,
           summary="Pin a timeline item or attachment of the case as evidence",
           errors=(403, 409))
def pin_evidence(investigation_id: int, body: EvidenceIn):
    """409 when it is pinned already."""
    session = database.session()
    made = evidence.pin(session, actor(), investigation_id, body.interaction_id,
                        body.attachment_id, body.note)
    return _committed(_evidence(session, made))


@api.route(bp, "/investigations/<int:investigation_id>/evidence/<int:evidence_id>", "DELETE",
           status=204, tags=TAGS, summary="Unpin evidence", errors=(403, 409, 422))
def unpin_evidence(investigation_id: int, evidence_id: int):
    """Audited, and on the timeline."""
    evidence.unpin(database.session(), actor(), investigation_id, evidence_id)
    database.session().commit()
    return "", 204


@api.route(bp, "/investigations/<int:investigation_id>/notes", response=NoteList, tags=TAGS,
           summary="The investigation's notes")
def list_notes(investigation_id: int):
    """Newest first."""
    session = database.session()
    return _committed(NoteList(items=[timeline_item(i) for i in evidence.notes(
        session, actor(), investigation_id)]))


@api.route(bp, "/investigations/<int:investigation_id>/notes", "POST", body=InvestigationNoteIn,
           response=TimelineItemOut, status=201, tags=TAGS,
           summary="Add a note to an investigation (on the case timeline, veiled)",
           errors=(403, 409))
def add_note(investigation_id: int, body: InvestigationNoteIn):
    """The note as a timeline item."""
    session = database.session()
    item = evidence.add_note(session, actor(), investigation_id, body.body)
    return _committed(timeline_item(item))
