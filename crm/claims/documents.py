"""Documents asked for on a claim: each is a task until an attachment is marked as its copy.

How a received attachment meets its request:
- By hand (always possible): the handler picks, from the claim panel, an attachment on the
  case's timeline — an email attachment, MMS or WhatsApp media, anything a customer sent —
  and marks it as the requested document.
- On arrival (only when unambiguous): an inbound message that carries exactly one file, on a
  case with exactly one document still requested (over all its claims), is taken as that
  document. With two requests open, or several files in one message, nobody can tell which is
  which, so nothing is guessed and the handler marks it by hand.
Either way the document's task is done, and the receipt is audited and on the timeline.

A document still awaited (requested, its task not done) holds the claim back: it cannot be
assessed, have a settlement proposed or be settled (crm.claims.transitions) until it comes in,
or until the handler waives it with a reason (the document is then `waived`, its task done).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.claims import lifecycle, records
from crm.core import audit, events, inputs
from crm.core.errors import Conflict, NotFound
from crm.models import Attachment, Claim, ClaimDocument, Interaction, Task, User, utcnow
from crm.tenancy import access

DEFAULT_DUE = timedelta(days=7)
MAX_NAME = 200
MAX_LISTED = 50
# Kinds of attachment a customer sends (not the raw email we keep, nor a call recording).
SENT_KINDS = ("file", "media")
_MAX_ID = 2**63 - 1
# Inbound messages of the transaction already looked at with an earlier one (session.info).
_BATCHED = "claims.documents_batched"


def of_claim(session: Session, claim_id: int) -> list[ClaimDocument]:
    """A claim's document requests, oldest first."""
    return list(session.scalars(select(ClaimDocument).where(ClaimDocument.claim_id == claim_id)
                                .order_by(ClaimDocument.id).limit(MAX_LISTED)))


def awaited(session: Session, claim_id: int) -> list[ClaimDocument]:
    """The claim's documents still awaited: requested, and their task not marked done."""
    return list(session.scalars(
        select(ClaimDocument).outerjoin(Task, Task.id == ClaimDocument.task_id)
        .where(ClaimDocument.claim_id == claim_id, ClaimDocument.status == "requested",
               (Task.id.is_(None)) | (Task.status != "done"))
        .order_by(ClaimDocument.id)))


def waive(session: Session, actor: User, claim: Claim, docs: list[ClaimDocument],
          reason: str) -> None:
    """The handler goes on without these documents: each is waived, its task done."""
    now = utcnow()
    for doc in docs:
        doc.status = "waived"
        task = session.get(Task, doc.task_id) if doc.task_id else None
        if task is not None and task.status != "done":
            task.status, task.completed_at = "done", now
    session.flush()
    names = [d.name for d in docs]
    audit.record(session, actor, "claim.documents_waived", claim,
                 after={"document_ids": [d.id for d in docs], "names": names,
                        "reason": reason})
    records.on_case(session, claim, actor, f"went on without {', '.join(names)} — {reason}")


def request(session: Session, actor: User, claim_id: int, *, name, due_on=None,
            today: date | None = None) -> ClaimDocument:
    """Ask for a document on a claim: a task (the asker's) stays open until it comes in."""
    access.require_role(actor, *records.WORKERS)
    today = today or utcnow().date()
    claim = records.get(session, actor, claim_id, lock=True)
    if claim.status in lifecycle.FINISHED:
        raise Conflict(f"Claim {claim.number} is {lifecycle.label(claim.status)}: reopen it "
                       "before asking for documents", code="claim_finished")
    if claim.pending_status == "settled":  # the reviewer signs off a claim with none awaited
        raise Conflict(f"Claim {claim.number} is waiting for sign-off to be settled; a "
                       "reviewer decides first", code="awaiting_signoff")
    name = inputs.text(name, "The document's name", MAX_NAME)
    due = inputs.day(due_on, "The due date") if due_on else today + DEFAULT_DUE
    if due < today:
        raise inputs.Invalid("The due date cannot be in the past")
    task = Task(client_id=claim.client_id, case_id=claim.case_id, kind="document",
                title=f"Claim {claim.number}: waiting for {name}"[:300], status="open",
                assignee_id=actor.id, created_by_id=actor.id,
                due_at=datetime.combine(due, time(9), tzinfo=UTC))
    session.add(task)
    session.flush()
    doc = ClaimDocument(client_id=claim.client_id, case_id=claim.case_id, claim_id=claim.id,
                        name=name, status="requested", task_id=task.id,
                        requested_by_id=actor.id)
    session.add(doc)
    session.flush()
    audit.record(session, actor, "claim.document_requested", claim,
                 after={"document_id": doc.id, "name": name, "task_id": task.id,
                        "due_on": due.isoformat()})
    events.emit(session, events.TASK_CREATED, task_id=task.id, case_id=claim.case_id,
                client_id=claim.client_id)
    records.on_case(session, claim, actor, f"asked for {name} (due {due.isoformat()})")
    return doc


def mark_received(session: Session, actor: User, claim_id: int, document_id,
                  attachment_id) -> ClaimDocument:
    """The handler says this attachment (on the claim's case) is the requested document."""
    access.require_role(actor, *records.WORKERS)
    claim = records.get(session, actor, claim_id, lock=True)
    doc = _row(session, ClaimDocument, document_id)
    if doc is None or doc.claim_id != claim.id:
        raise NotFound("document request not found")
    attachment = _row(session, Attachment, attachment_id)
    if attachment is None or attachment.interaction.case_id != claim.case_id:
        raise NotFound("attachment not found on this case")
    if doc.status == "received":
        raise Conflict(f"{doc.name} was already received", code="already_received")
    if doc.status == "waived":
        raise Conflict(f"{doc.name} was waived", code="document_waived")
    receive(session, actor, claim, doc, attachment)
    return doc


def receive(session: Session, actor: User | None, claim: Claim, doc: ClaimDocument,
            attachment: Attachment) -> None:
    """Mark the document received as this attachment and close its task."""
    now = utcnow()
    doc.status, doc.attachment_id, doc.received_at = "received", attachment.id, now
    doc.received_by_id = actor.id if actor else None
    task = session.get(Task, doc.task_id) if doc.task_id else None
    if task is not None and task.status == "open":
        task.status, task.completed_at = "done", now
    session.flush()
    audit.record(session, actor, "claim.document_received", claim,
                 after={"document_id": doc.id, "attachment_id": attachment.id,
                        "matched": "by hand" if actor else "on arrival"})
    how = "" if actor else " (matched on arrival: the only document asked for)"
    records.on_case(session, claim, actor, f"{doc.name} received as "
                    f"{attachment.filename or 'an attachment'} by "
                    f"{attachment.interaction.medium}{how}")


def candidates(session: Session, actor: User, claim_id: int) -> list[Attachment]:
    """Attachments customers sent on the claim's case, newest first (to mark as a document)."""
    claim = records.get(session, actor, claim_id)
    return list(session.scalars(
        select(Attachment).join(Interaction, Attachment.interaction_id == Interaction.id)
        .where(Interaction.case_id == claim.case_id, Attachment.kind.in_(SENT_KINDS))
        .order_by(Interaction.occurred_at.desc(), Attachment.id.desc()).limit(MAX_LISTED)))


def on_interaction(session: Session, _name: str, payload: dict) -> None:
    """Inbound messages with one file, on a case waiting for one document: that is it.

    The first inbound message of a transaction looks at the others raised in it too, in one
    query (a batch of texts costs one look, not one per text); their own calls then return.
    """
    if payload.get("direction") != "inbound" or not records.any_for_client(
            session, payload["client_id"]):
        return
    batched = session.info.setdefault(_BATCHED, set())
    if payload["interaction_id"] in batched:
        batched.discard(payload["interaction_id"])
        return
    pending = events.pending(session)
    at = next((n for n, (_, p) in enumerate(pending) if p is payload), len(pending))
    later = [p for name, p in pending[at + 1:]
             if name == events.INTERACTION_CREATED and p.get("direction") == "inbound"]
    batched.update(p["interaction_id"] for p in later)
    inbound = [payload, *later]
    waiting = session.execute(
        select(ClaimDocument.case_id, func.count()).where(
            ClaimDocument.case_id.in_({p["case_id"] for p in inbound}),
            ClaimDocument.status == "requested").group_by(ClaimDocument.case_id)).all()
    one = {case_id for case_id, count in waiting if count == 1}
    for p in inbound:
        if p["case_id"] in one:
            _match(session, p["case_id"], p["interaction_id"])


def _match(session: Session, case_id: int, interaction_id: int) -> None:
    waiting = session.scalars(select(ClaimDocument).where(
        ClaimDocument.case_id == case_id, ClaimDocument.status == "requested").limit(2)).all()
    files = session.scalars(select(Attachment).where(
        Attachment.interaction_id == interaction_id, Attachment.kind.in_(SENT_KINDS))
        .limit(2)).all()
    if len(waiting) == 1 and len(files) == 1:
        doc = waiting[0]
        receive(session, None, session.get(Claim, doc.claim_id, with_for_update=True), doc,
                files[0])


def _row(session: Session, model, row_id):
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 < row_id <= _MAX_ID:
        return None
    return session.get(model, row_id)


IN_TRANSACTION = ((events.INTERACTION_CREATED, on_interaction),)
